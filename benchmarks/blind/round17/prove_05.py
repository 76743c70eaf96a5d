"""Proofs for blind round 17 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round17/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 16's probe of the same exercise
(imported from benchmarks/blind/round16/prove_05.py, itself rounds 3 to 15's plus round 16's
observations) and adds what this round's mistakes need: for fgsm a model confident of the true class
(gradients near 1e-13), a batch-norm model in training mode and a CNN; for accuracy_under_attack
tied logits, the positional call the notebook makes and a model with a BatchNorm1d given in training
mode; for pgd a confident model and images near the top of [0, 1]; for targeted_pgd a model already
sure of the target; and for train_adversarial a callback that takes its arguments positionally only,
3 epochs and an odd number of batches.
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

R16 = earlier_proofs(16, "prove_05.py")
context, extend = R16.context, R16.extend

X_SURE = torch.tensor([[0.9, 0.1, 0.1], [0.2, 0.95, 0.15]])   # classes 0 and 1 by a wide margin
Y_SURE = torch.tensor([0, 1])
X_TOP = torch.tensor([[0.95, 0.7, 0.98], [0.6, 0.97, 0.5]])


def scaled_identity(scale: float, n: int = 3) -> nn.Module:
    """The identity classifier times scale: at 40 the softmax of X_SURE is 1 - 1e-14, gradients ~1e-13."""
    layer = identity_classifier(n)
    with torch.no_grad():
        layer.weight.mul_(scale)
    return layer


def bn_model(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 3)).train()


# ----------------------------------------------------------------------------- ex1
def r17_fgsm(ns, out):
    fgsm = ns["fgsm"]
    out["r17_sure_model"] = attempt(fgsm, scaled_identity(40.0), X_SURE.clone(), Y_SURE, 0.05)
    model = bn_model(171)
    g = torch.Generator().manual_seed(172)
    x = torch.rand(4, 3, generator=g)
    out["r17_bn_train_result"] = attempt(fgsm, model, x, torch.tensor([0, 1, 2, 1]), 0.05)
    out["r17_bn_running_mean"] = model[1].running_mean
    out["r17_bn_batches"] = model[1].num_batches_tracked
    out["r17_cnn_batch"] = attempt(fgsm, small_cnn(173), images(6, 174), labels(6, 175), 0.03)
    out["r17_cnn_other"] = attempt(fgsm, small_cnn(176), images(6, 177, side=12), labels(6, 178), 0.03)


# ----------------------------------------------------------------------------- ex2
def r17_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    x_tie = torch.tensor([[0.5, 0.5, 0.0], [0.3, 0.3, 0.3], [0.1, 0.9, 0.2], [0.0, 0.4, 0.4]])
    y_tie = torch.tensor([1, 2, 1, 2])                # argmax 0, 0, 1, 1: only row 2 right
    out["r17_ties_clean"] = attempt(acc, identity_classifier(), x_tie.clone(), y_tie)
    out["r17_ties_zeroed"] = attempt(acc, identity_classifier(), x_tie.clone(), y_tie,
                                     attack=lambda m, xb, yb: torch.zeros_like(xb))
    x = torch.eye(3).repeat(3, 1)[:7]
    y = torch.tensor([0, 1, 1, 0, 1, 2, 2])
    out["r17_positional_attack"] = attempt(acc, identity_classifier(), x.clone(), y,
                                           lambda m, xb, yb: xb.roll(1, dims=1))
    out["r17_positional_attack_batches"] = attempt(acc, identity_classifier(), x.clone(), y, None, 4)
    model = bn_model(179)
    g = torch.Generator().manual_seed(180)
    xs = torch.rand(5, 3, generator=g)
    out["r17_bn_result"] = attempt(acc, model, xs, torch.tensor([0, 1, 2, 1, 0]), batch_size=2)
    out["r17_bn_modes"] = [m.training for m in model.modules()]
    out["r17_bn_running_mean"] = model[1].running_mean


# ----------------------------------------------------------------------------- ex3
def r17_pgd(ns, out):
    pgd = ns["pgd"]
    out["r17_sure_model"] = attempt(pgd, scaled_identity(40.0), X_SURE.clone(), Y_SURE, 0.1, 0.03, 3)
    out["r17_near_top"] = attempt(pgd, identity_classifier(), X_TOP.clone(), torch.tensor([1, 2]), 0.1, 0.04, 3)
    torch.manual_seed(181)
    out["r17_random_start"] = attempt(pgd, small_cnn(182), images(2, 183), labels(2, 184), 0.1, 0.02, 2,
                                      random_start=True)
    out["r17_rng_after"] = torch.rand(5)


# ----------------------------------------------------------------------------- ex4
def r17_targeted(ns, out):
    tp = ns["targeted_pgd"]
    # the model is already sure of the targets (classes 0 and 1): the steps must still push deeper
    out["r17_sure_of_target"] = attempt(tp, scaled_identity(40.0), X_SURE.clone(), Y_SURE, 0.1, 0.03, 3)
    out["r17_sure_of_target_mild"] = attempt(tp, scaled_identity(4.0), X_SURE.clone(), Y_SURE, 0.1, 0.03, 3)
    out["r17_cnn"] = attempt(tp, small_cnn(185), images(3, 186), labels(3, 187), 0.1, 0.02, 3)


# ----------------------------------------------------------------------------- ex5
def r17_train(ns, out):
    train = ns["train_adversarial"]
    g = torch.Generator().manual_seed(188)
    x, y = torch.rand(9, 3, generator=g), torch.tensor([0, 1, 2, 0, 1, 2, 1, 0, 2])
    torch.manual_seed(189)
    model = nn.Linear(3, 3)
    seen = []
    out["r17_three_epochs"] = attempt(train, model, tensor_loader(x, y, 3),
                                      torch.optim.SGD(model.parameters(), lr=0.2),
                                      lambda m, xb, yb: (xb - 0.03).clamp(0, 1), 3,
                                      on_epoch=lambda e, loss: seen.append((e, loss)))
    torch.set_grad_enabled(True)
    out["r17_on_epoch_seen"] = seen
    out["r17_params_after"] = [p.detach().clone() for p in model.parameters()]


P = R16.PROBES_05
PROBES_05 = {
    "ex1_fgsm": extend(P["ex1_fgsm"], r17_fgsm),
    "ex2_accuracy": extend(P["ex2_accuracy"], r17_accuracy),
    "ex3_pgd": extend(P["ex3_pgd"], r17_pgd),
    "ex4_targeted": extend(P["ex4_targeted"], r17_targeted),
    "ex5_adv_train": extend(P["ex5_adv_train"], r17_train),
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:], context=context))
