"""Proofs for blind round 14 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round14/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 13's probe of the same exercise
(imported from benchmarks/blind/round13/prove_05.py, itself rounds 3 to 12's plus round 13's
observations) and adds what this round's mistakes need: for fgsm whether the result is an ordinary
tensor a training step can use, a 3-channel classifier, a float64 model and a batch-norm model in
training mode; for accuracy_under_attack a dropout model given in training mode and the batch sizes a
spy sees under an attack; for pgd an explicit random_start=False and the global generator after it,
the gradients held by the caller's parameters, and images at the top of [0, 1] (with a random start
and with a CNN, whose gradient signs change from step to step); for targeted_pgd a caller's x that
requires grad and the parameters' requires_grad flags after the call; and for train_adversarial a
partly frozen model, whether gradients are on after the call and the on_epoch arguments.
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

R13 = earlier_proofs(13, "prove_05.py")
context, extend = R13.context, R13.extend

X = torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5]])
Y = torch.tensor([1, 2])


def rgb_classifier(seed: int = 0) -> nn.Module:
    """A linear classifier of (B, 3, 2, 2) images into 4 classes."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 4))


def batch_norm_model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3))


def grads_held(n: int = 3) -> nn.Module:
    model = identity_classifier(n)
    for p in model.parameters():
        p.grad = torch.full_like(p, 0.5)
    return model


def near_top(n: int, seed: int, side: int = 8) -> torch.Tensor:
    """Images with every pixel in [0.95, 1]: steps up leave the box's top, steps back test the iterate."""
    return 0.95 + 0.05 * images(n, seed, side)


# ----------------------------------------------------------------------------- ex1
def r14_fgsm(ns, out):
    fgsm = ns["fgsm"]
    res = fgsm(identity_classifier(), X.clone(), Y, 0.1)
    out["r14_is_inference"] = res.is_inference()
    head = identity_classifier()

    def train_step():
        loss = nn.functional.cross_entropy(head(res), Y)
        loss.backward()
        return [p.grad.clone() for p in head.parameters()]
    out["r14_training_step_on_result"] = attempt(train_step)
    g = torch.Generator().manual_seed(141)
    x_rgb = torch.rand(3, 3, 2, 2, generator=g)
    out["r14_rgb"] = attempt(fgsm, rgb_classifier(14), x_rgb, torch.tensor([0, 3, 1]), 0.05)
    lin64 = identity_classifier().double()
    out["r14_float64"] = attempt(fgsm, lin64, X.double(), Y, 0.1)
    bn = batch_norm_model(15).train()
    xb = torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5], [0.9, 0.1, 0.3], [0.4, 0.4, 0.8]])
    out["r14_bn_train_result"] = attempt(fgsm, bn, xb, torch.tensor([0, 1, 2, 1]), 0.1)
    out["r14_bn_running_mean_after"] = bn[1].running_mean
    out["r14_bn_batches_tracked_after"] = bn[1].num_batches_tracked
    out["r14_dark"] = attempt(fgsm, identity_classifier(), torch.tensor([[0.0, 0.05, 0.5]]), torch.tensor([0]), 0.1)


# ----------------------------------------------------------------------------- ex2
class Spy(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = identity_classifier()
        self.sizes = []

    def forward(self, x):
        self.sizes.append(int(x.shape[0]))
        return self.lin(x)


def r14_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    x = torch.eye(3).repeat(3, 1)[:7]
    y = torch.tensor([0, 1, 2, 0, 1, 0, 0])
    dropout = nn.Sequential(identity_classifier(), nn.Dropout(0.5)).train()
    torch.manual_seed(7)
    out["r14_dropout_given_train"] = attempt(acc, dropout, x.clone(), y, batch_size=3)
    out["r14_dropout_mode_after"] = [m.training for m in dropout.modules()]
    spy = Spy().eval()
    out["r14_spy_attacked"] = attempt(acc, spy, x.clone(), y, attack=lambda m, xb, yb: xb.flip(1), batch_size=3)
    out["r14_spy_attacked_sizes"] = list(spy.sizes)
    spy2 = Spy().eval()
    out["r14_spy_ten_by_four"] = attempt(acc, spy2, torch.eye(3).repeat(4, 1)[:10], torch.tensor([0, 1, 2] * 3 + [0]),
                                         batch_size=4)
    out["r14_spy_ten_by_four_sizes"] = list(spy2.sizes)


# ----------------------------------------------------------------------------- ex3
def r14_pgd(ns, out):
    pgd = ns["pgd"]
    torch.manual_seed(21)
    out["r14_random_start_false"] = attempt(pgd, identity_classifier(), X.clone(), Y, 0.1, 0.03, 2, random_start=False)
    out["r14_rng_after_false"] = torch.rand(3)
    held = grads_held()
    out["r14_held_result"] = attempt(pgd, held, X.clone(), Y, eps=0.1, alpha=0.03, steps=2)
    out["r14_held_after"] = [None if p.grad is None else p.grad.clone() for p in held.parameters()]
    g = torch.Generator().manual_seed(22)
    x_top = 0.97 + 0.02 * torch.rand(24, 3, generator=g)
    y_top = torch.randint(0, 3, (24,), generator=g)
    torch.manual_seed(23)
    out["r14_top_random_start"] = attempt(pgd, identity_classifier(), x_top, y_top, eps=0.1, alpha=0.03, steps=2,
                                          random_start=True)
    out["r14_top_cnn"] = attempt(pgd, small_cnn(24), near_top(6, 241), labels(6, 242), eps=0.1, alpha=0.04, steps=8)
    out["r14_top_one_step"] = attempt(pgd, identity_classifier(), torch.tensor([[0.98, 0.5, 0.99]]), torch.tensor([1]),
                                      eps=0.1, alpha=0.03, steps=1)


# ----------------------------------------------------------------------------- ex4
def r14_targeted(ns, out):
    tp = ns["targeted_pgd"]
    xg = X.clone().requires_grad_(True)
    out["r14_x_requires_grad_result"] = attempt(tp, identity_classifier(), xg, torch.tensor([2, 0]), eps=0.1,
                                                alpha=0.03, steps=2)
    out["r14_x_requires_grad_after"] = xg
    lin = identity_classifier()
    out["r14_flags_result"] = attempt(tp, lin, X.clone(), torch.tensor([0, 1]), eps=0.1, alpha=0.03, steps=1)
    out["r14_flags_after"] = [p.requires_grad for p in lin.parameters()]
    out["r14_cnn"] = attempt(tp, small_cnn(25), images(4, 251), labels(4, 252), eps=0.1, alpha=0.013, steps=3)


# ----------------------------------------------------------------------------- ex5
def r14_train(ns, out):
    train = ns["train_adversarial"]
    g = torch.Generator().manual_seed(41)
    x, y = torch.rand(6, 3, generator=g), torch.randint(0, 3, (6,), generator=g)
    torch.manual_seed(42)
    model = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 3))
    model[0].requires_grad_(False)                     # the caller trains only the last layer
    attack = lambda m, xb, yb: (xb + 0.1).clamp(0.0, 1.0)  # noqa: E731
    calls = []
    torch.set_grad_enabled(True)
    out["r14_frozen_losses"] = attempt(train, model, tensor_loader(x, y, 4), torch.optim.SGD(model.parameters(), lr=0.3),
                                       attack, 2, on_epoch=lambda e, loss: calls.append((e, loss)))
    out["r14_grad_enabled_after"] = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    out["r14_frozen_flags_after"] = [p.requires_grad for p in model.parameters()]
    out["r14_params_after"] = [p.detach().clone() for p in model.parameters()]
    out["r14_on_epoch_args"] = [(type(e).__name__, type(loss).__name__) for e, loss in calls]
    out["r14_result_type"] = type(out["r14_frozen_losses"]).__name__


P = R13.PROBES_05
PROBES_05 = {
    "ex1_fgsm": extend(P["ex1_fgsm"], r14_fgsm),
    "ex2_accuracy": extend(P["ex2_accuracy"], r14_accuracy),
    "ex3_pgd": extend(P["ex3_pgd"], r14_pgd),
    "ex4_targeted": extend(P["ex4_targeted"], r14_targeted),
    "ex5_adv_train": extend(P["ex5_adv_train"], r14_train),
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:], context=context))
