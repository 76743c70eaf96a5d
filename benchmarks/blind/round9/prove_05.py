"""Proofs for blind round 9 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round9/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 8's probe of the same exercise
(imported from benchmarks/blind/round8/prove_05.py, itself rounds 3 to 7's plus round 8's observations)
and adds what this round's mistakes need: other budgets (eps) than the notebook's cfg.eps for fgsm and
targeted_pgd, pixels the loss does not depend on (zero gradient) for pgd and targeted_pgd, an attack
that perturbs a batch as a whole (one perturbation for the batch) for accuracy_under_attack, and a
model that is not on the notebook's `device` for accuracy_under_attack and train_adversarial.

A model on another device than the notebook's global `device` (a CPU model on a machine with a GPU, as
the instructions' 'moved to the model's device' allows) is stood in for, on a CPU-only machine, by
setting the answers' global `device` to torch.device("meta") for the call: an answer that moves the
batches to the model's device never reads it, one that reads it gets meta tensors the CPU model cannot
take. The global is restored after the call.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import identity_classifier, images, labels, small_cnn, tensor_loader  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

R8 = earlier_proofs(8, "prove_05.py")


def ignores_last_pixel() -> nn.Module:
    """logits = the first three of four pixels: the fourth pixel's gradient is exactly 0."""
    layer = nn.Linear(4, 3)
    with torch.no_grad():
        layer.weight.copy_(torch.cat([torch.eye(3), torch.zeros(3, 1)], dim=1))
        layer.bias.zero_()
    return layer


def on_other_device(ns, fn, *args, **kwargs):
    """fn(*args) with the notebook's global `device` set to another device than the model's (see above)."""
    saved = ns.get("device")
    ns["device"] = torch.device("meta")
    try:
        return attempt(fn, *args, **kwargs)
    finally:
        ns["device"] = saved


# ----------------------------------------------------------------------------- ex1
def more_fgsm(ns, out):
    fgsm = ns["fgsm"]
    cnn = small_cnn(3)
    out["cnn_eps_0.03"] = attempt(fgsm, cnn, images(5, 51), labels(5, 52), 0.03)
    out["cnn_eps_0.2"] = attempt(fgsm, cnn, images(5, 51), labels(5, 52), 0.2)


# ----------------------------------------------------------------------------- ex2
def more_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    lin = identity_classifier()
    x = torch.eye(3).repeat(2, 1)[:5]
    y = torch.tensor([0, 1, 2, 2, 2])
    out["model_off_notebook_device"] = on_other_device(ns, acc, lin, x, y, batch_size=2)
    out["model_off_notebook_device_attacked"] = on_other_device(
        ns, acc, lin, x, y, attack=lambda m, xb, yb: xb.clone(), batch_size=2)

    def universal(m, xb, yb):                           # one perturbation for the whole batch: a legal attack
        xr = xb.detach().clone().requires_grad_(True)
        (g,) = torch.autograd.grad(F.cross_entropy(m(xr), yb, reduction="sum"), xr)
        return (xb + 0.6 * g.sum(dim=0, keepdim=True).sign()).clamp(0.0, 1.0)

    out["universal_attack"] = attempt(acc, lin, x, y, attack=universal, batch_size=3)


# ----------------------------------------------------------------------------- ex3
def more_pgd(ns, out):
    pgd = ns["pgd"]
    x = torch.tensor([[0.5, 0.5, 0.5, 0.5], [0.3, 0.6, 0.2, 0.7]])
    out["zero_grad_pixel"] = attempt(pgd, ignores_last_pixel(), x, torch.tensor([0, 1]), eps=0.1, alpha=0.03,
                                     steps=3)
    torch.manual_seed(11)
    out["zero_grad_pixel_random"] = attempt(pgd, ignores_last_pixel(), x, torch.tensor([0, 1]), eps=0.1,
                                            alpha=0.03, steps=2, random_start=True)
    out["global_rng_after"] = torch.rand(3)


# ----------------------------------------------------------------------------- ex4
def more_targeted(ns, out):
    tp = ns["targeted_pgd"]
    x = torch.tensor([[0.5, 0.5, 0.5, 0.5], [0.3, 0.6, 0.2, 0.7]])
    out["zero_grad_pixel"] = attempt(tp, ignores_last_pixel(), x, torch.tensor([2, 0]), eps=0.1, alpha=0.03, steps=3)
    cnn = small_cnn(4)
    xc = images(6, 53)
    out["cnn_eps_0.05"] = attempt(tp, cnn, xc, torch.tensor([1, 4, 4, 0, 9, 2]), eps=0.05, alpha=0.03, steps=4)
    out["cnn_eps_0.2"] = attempt(tp, cnn, xc, torch.tensor([1, 4, 4, 0, 9, 2]), eps=0.2, alpha=0.06, steps=5)


# ----------------------------------------------------------------------------- ex5
def more_train(ns, out):
    train = ns["train_adversarial"]
    g = torch.Generator().manual_seed(12)
    x, y = torch.rand(7, 3, generator=g), torch.randint(0, 3, (7,), generator=g)
    model = identity_classifier()
    out["model_off_notebook_device"] = on_other_device(
        ns, train, model, tensor_loader(x, y, 3), torch.optim.SGD(model.parameters(), lr=0.5),
        lambda m, xb, yb: xb.clone(), 1)
    out["model_off_notebook_device_params"] = [p.detach().clone() for p in model.parameters()]
    model = identity_classifier()
    out["no_callback"] = attempt(train, model, tensor_loader(x, y, 3), torch.optim.SGD(model.parameters(), lr=0.5),
                                 lambda m, xb, yb: xb.clone(), 2)


P = R8.PROBES_05
PROBES_05 = {
    "ex1_fgsm": extend(P["ex1_fgsm"], more_fgsm),
    "ex2_accuracy": extend(P["ex2_accuracy"], more_accuracy),
    "ex3_pgd": extend(P["ex3_pgd"], more_pgd),
    "ex4_targeted": extend(P["ex4_targeted"], more_targeted),
    "ex5_adv_train": extend(P["ex5_adv_train"], more_train),
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
