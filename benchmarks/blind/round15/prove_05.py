"""Proofs for blind round 15 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round15/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 14's probe of the same exercise
(imported from benchmarks/blind/round14/prove_05.py, itself rounds 3 to 13's plus round 14's
observations) and adds what this round's mistakes need: for fgsm eps = 0 with a caller's x that
requires grad, the global generator after a call, a model confident of a wrong class (its true
class's probability underflows) and the caller's x's flag after the call; for accuracy_under_attack
7 examples in batches of 3 (a last batch of one) with some wrong labels; for pgd eps = 0 with a
caller's x that requires grad, a random start on a CNN and a dropout model in training mode; for
targeted_pgd a dropout model in training mode and more steps than eps / alpha; and for
train_adversarial the labels an attack is given, a batch-norm model's statistics, the mode after the
call, the caller's optimizer's learning rate after it and a callback that returns
the loss it logged (a truthy value).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, main  # noqa: E402
from benchmarks.blind.probe_kit import identity_classifier, images, labels, small_cnn, tensor_loader  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R14 = earlier_proofs(14, "prove_05.py")
context, extend = R14.context, R14.extend

X = torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5]])
Y = torch.tensor([1, 2])


def dropout_model(seed: int = 0) -> nn.Module:
    """A 3-class linear classifier with dropout, in training mode: every forward pass draws a mask."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5)).train()


def scaled_identity(scale: float, n: int = 3) -> nn.Module:
    layer = identity_classifier(n)
    with torch.no_grad():
        layer.weight.mul_(scale)
    return layer


# ----------------------------------------------------------------------------- ex1
def r15_fgsm(ns, out):
    fgsm = ns["fgsm"]
    xg = X.clone().requires_grad_(True)
    res = attempt(fgsm, identity_classifier(), xg, Y, 0.0)
    out["r15_eps0_result"] = res
    out["r15_eps0_x_after"] = xg
    if isinstance(res, torch.Tensor):
        with torch.no_grad():
            res.add_(0.25)                             # the caller edits the result
    out["r15_eps0_x_after_edit"] = xg
    torch.manual_seed(151)
    out["r15_dropout_result"] = attempt(fgsm, dropout_model(15), X.clone(), Y, 0.1)
    out["r15_rng_after"] = torch.rand(3)
    # logits 180, 20, 20: the true class 1's probability is exp(-160), 0 in float32
    out["r15_confident_wrong"] = attempt(fgsm, scaled_identity(200.0), torch.tensor([[0.9, 0.1, 0.1]]),
                                         torch.tensor([1]), 0.1)
    xl = X.clone().requires_grad_(True)
    out["r15_leaf_x_result"] = attempt(fgsm, identity_classifier(), xl, Y, 0.1)
    out["r15_leaf_x_after"] = xl


# ----------------------------------------------------------------------------- ex2
def r15_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    x = torch.eye(3).repeat(3, 1)[:7]
    y = torch.tensor([0, 1, 1, 0, 1, 2, 2])              # predictions 0 1 2 0 1 2 0: rows 2 and 6 wrong
    out["r15_seven_by_three_clean"] = attempt(acc, identity_classifier(), x.clone(), y, batch_size=3)
    out["r15_seven_by_three_attacked"] = attempt(acc, identity_classifier(), x.clone(), y,
                                                 attack=lambda m, xb, yb: xb.roll(1, dims=1), batch_size=3)
    out["r15_two_by_four"] = attempt(acc, identity_classifier(), x[:6].clone(), y[:6], batch_size=4)


# ----------------------------------------------------------------------------- ex3
def r15_pgd(ns, out):
    pgd = ns["pgd"]
    xg = X.clone().requires_grad_(True)
    res = attempt(pgd, identity_classifier(), xg, Y, 0.0, 0.0, 3)
    out["r15_eps0_result"] = res
    if isinstance(res, torch.Tensor):
        with torch.no_grad():
            res.add_(0.25)
    out["r15_eps0_x_after_edit"] = xg
    torch.manual_seed(152)
    out["r15_random_start_cnn"] = attempt(pgd, small_cnn(15), images(3, 153), labels(3, 154), 0.1, 0.02, 3,
                                          random_start=True)
    out["r15_rng_after_random_start"] = torch.rand(3)
    torch.manual_seed(155)
    out["r15_dropout_result"] = attempt(pgd, dropout_model(16), X.clone(), Y, 0.1, 0.03, 3)
    out["r15_dropout_rng_after"] = torch.rand(3)
    out["r15_eps_ne_alpha"] = attempt(pgd, small_cnn(17), images(3, 156), labels(3, 157), 0.1, 0.01, 2)


# ----------------------------------------------------------------------------- ex4
def r15_targeted(ns, out):
    tp = ns["targeted_pgd"]
    torch.manual_seed(158)
    out["r15_dropout_result"] = attempt(tp, dropout_model(17), X.clone(), torch.tensor([0, 0]), 0.1, 0.03, 3)
    out["r15_dropout_rng_after"] = torch.rand(3)
    out["r15_many_steps"] = attempt(tp, identity_classifier(), X.clone(), torch.tensor([2, 0]), 0.1, 0.03, 8)
    out["r15_cnn"] = attempt(tp, small_cnn(18), images(3, 159), labels(3, 160), 0.1, 0.02, 4)


# ----------------------------------------------------------------------------- ex5
def r15_train(ns, out):
    train = ns["train_adversarial"]
    g = torch.Generator().manual_seed(51)
    x, y = torch.rand(6, 3, generator=g), torch.tensor([0, 1, 2, 0, 1, 2])
    torch.manual_seed(52)
    model = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3))
    seen_labels = []

    def attack(m, xb, yb):
        seen_labels.append(yb.clone())
        return (xb + 0.05 * (yb[:, None].float() - 1)).clamp(0.0, 1.0)   # depends on the labels it is given

    opt = torch.optim.SGD(model.parameters(), lr=0.2)
    torch.set_grad_enabled(True)
    out["r15_bn_losses"] = attempt(train, model, tensor_loader(x, y, 3), opt, attack, 2)
    torch.set_grad_enabled(True)
    out["r15_attack_labels"] = seen_labels
    out["r15_bn_running_mean"] = model[1].running_mean
    out["r15_bn_batches_tracked"] = model[1].num_batches_tracked
    out["r15_mode_after"] = [m.training for m in model.modules()]
    out["r15_lr_after"] = [group["lr"] for group in opt.param_groups]
    out["r15_params_after"] = [p.detach().clone() for p in model.parameters()]
    torch.manual_seed(53)
    small = nn.Linear(3, 3)
    logged = []
    out["r15_truthy_callback_losses"] = attempt(train, small, tensor_loader(x, y, 4),
                                                torch.optim.SGD(small.parameters(), lr=0.1),
                                                lambda m, xb, yb: xb, 3,
                                                on_epoch=lambda e, loss: logged.append(e) or loss)   # returns the loss
    torch.set_grad_enabled(True)
    out["r15_truthy_callback_epochs"] = logged


P = R14.PROBES_05
PROBES_05 = {
    "ex1_fgsm": extend(P["ex1_fgsm"], r15_fgsm),
    "ex2_accuracy": extend(P["ex2_accuracy"], r15_accuracy),
    "ex3_pgd": extend(P["ex3_pgd"], r15_pgd),
    "ex4_targeted": extend(P["ex4_targeted"], r15_targeted),
    "ex5_adv_train": extend(P["ex5_adv_train"], r15_train),
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:], context=context))
