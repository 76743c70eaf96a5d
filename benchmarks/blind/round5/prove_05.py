"""Proofs for blind round 5 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round5/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 4's probe of the same exercise
(imported from benchmarks/blind/round4/prove_03_05.py, itself round 3's plus round 4's observations)
and adds what this round's mistakes need: parameter flags and dropout draws after fgsm, submodule
modes and an attack that could undo a mistake in accuracy_under_attack, the caller's x after a
random start, a confident classifier for the targeted attack, the mode a model given in eval mode
comes back in, and a training step of a model with dropout.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import identity_classifier, images, labels, point, small_cnn, tensor_loader  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

R4 = earlier_proofs(4, "prove_03_05.py")


def dropout_mlp(seed: int) -> nn.Module:
    """3 -> 8 -> 3 with dropout between, in training mode (what a mode mistake changes)."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3)).train()


def scaled_identity(scale: float) -> nn.Module:
    """logits = scale * x: confident predictions from pixels in [0, 1]."""
    lin = identity_classifier()
    with torch.no_grad():
        lin.weight.mul_(scale)
    return lin


# ----------------------------------------------------------------------------- ex1
def more_fgsm(ns, out):
    fgsm = ns["fgsm"]
    lin = identity_classifier()
    out["misclassified"] = attempt(fgsm, lin, torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5]]),
                                   torch.tensor([0, 0]), 0.1)
    out["param_flags_after"] = [p.requires_grad for p in lin.parameters()]
    net = dropout_mlp(4)
    torch.manual_seed(5)
    out["dropout_given_train"] = attempt(fgsm, net, torch.rand(6, 3, generator=torch.Generator().manual_seed(6)),
                                         torch.tensor([0, 1, 2, 2, 1, 0]), 0.05)
    out["dropout_mode_after"] = [m.training for m in net.modules()]
    out["global_rng_after_dropout"] = torch.rand(3)


# ----------------------------------------------------------------------------- ex2
def more_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    x = torch.eye(3).repeat(4, 1)                       # 12 rows, predictions 0, 1, 2, ...
    y = x.argmax(1)
    net = nn.Sequential(nn.Dropout(0.5), identity_classifier()).train()
    torch.manual_seed(1)
    out["dropout_child"] = attempt(acc, net, x, y, batch_size=5)
    out["dropout_child_modes"] = [m.training for m in net.modules()]
    lin = identity_classifier()
    xs = torch.eye(3).repeat(2, 1)[:5]                   # predictions 0, 1, 2, 0, 1
    ys = torch.tensor([0, 1, 2, 2, 2])                   # the last two are wrong
    out["oracle_attack"] = attempt(acc, lin, xs, ys, attack=lambda m, xb, yb: F.one_hot(yb, 3).float(), batch_size=2)
    seen = []

    def spy(m, xb, yb):
        seen.append((tuple(xb.shape), yb.tolist(), m.training, [c.training for c in m.modules()]))
        return xb

    out["spy_bs3"] = attempt(acc, lin, xs, ys, attack=spy, batch_size=3)
    out["spy_bs3_calls"] = list(seen)


# ----------------------------------------------------------------------------- ex3
def more_pgd(ns, out):
    pgd = ns["pgd"]
    lin = identity_classifier()
    x = torch.full((5, 3), 0.5)
    torch.manual_seed(3)
    out["random_two_steps"] = attempt(pgd, lin, x, torch.tensor([0, 1, 2, 0, 1]), eps=0.1, alpha=0.02, steps=2,
                                      random_start=True)
    out["x_after_random_start"] = x
    cnn = small_cnn(1)
    xc, yc = images(6, 41), labels(6, 42)
    out["cnn_10_of_0.05"] = attempt(pgd, cnn, xc, yc, eps=0.1, alpha=0.05, steps=10)
    out["cnn_8_of_0.08"] = attempt(pgd, cnn, xc, yc, eps=0.08, alpha=0.08, steps=8)


# ----------------------------------------------------------------------------- ex4
def more_targeted(ns, out):
    tp = ns["targeted_pgd"]
    out["confident"] = attempt(tp, scaled_identity(10.0), point(0.1, 0.1, 0.9), torch.tensor([2]),
                               eps=0.1, alpha=0.02, steps=3)
    out["mixed_targets"] = attempt(tp, identity_classifier(), torch.full((4, 3), 0.5), torch.tensor([2, 0, 1, 2]),
                                   eps=0.1, alpha=0.02, steps=2)
    cnn = small_cnn(2)
    x = images(6, 43)
    out["cnn_10_of_0.05"] = attempt(tp, cnn, x, torch.tensor([3, 3, 7, 1, 0, 9]), eps=0.1, alpha=0.05, steps=10)


# ----------------------------------------------------------------------------- ex5
def more_train(ns, out):
    train = ns["train_adversarial"]
    g = torch.Generator().manual_seed(8)
    x = torch.rand(9, 3, generator=g)
    y = torch.tensor([0, 1, 2, 2, 1, 0, 1, 1, 2])
    model = identity_classifier().eval()
    out["eval_given"] = attempt(train, model, tensor_loader(x, y, 4), torch.optim.SGD(model.parameters(), lr=0.5),
                                lambda m, xb, yb: xb, 1)
    out["eval_given_mode_after"] = model.training
    net = dropout_mlp(9)
    torch.manual_seed(10)
    out["dropout_net"] = attempt(train, net, tensor_loader(x, y, 4), torch.optim.SGD(net.parameters(), lr=0.3),
                                 lambda m, xb, yb: xb, 2)
    out["dropout_net_params"] = [p.detach().clone() for p in net.parameters()]
    out["dropout_net_modes"] = [m.training for m in net.modules()]


PROBES_05 = {
    "ex1_fgsm": extend(R4.PROBES_05["ex1_fgsm"], more_fgsm),
    "ex2_accuracy": extend(R4.PROBES_05["ex2_accuracy"], more_accuracy),
    "ex3_pgd": extend(R4.PROBES_05["ex3_pgd"], more_pgd),
    "ex4_targeted": extend(R4.PROBES_05["ex4_targeted"], more_targeted),
    "ex5_adv_train": extend(R4.PROBES_05["ex5_adv_train"], more_train),
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
