"""Proofs for blind round 8 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round8/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 7's probe of the same exercise
(imported from benchmarks/blind/round7/prove_05.py, itself rounds 3 to 6's plus round 7's observations)
and adds what this round's mistakes need: the dtype of the caller's model after fgsm, and the labels'
dtype that the attack gets from accuracy_under_attack (with an attack that uses them in a cross-entropy).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import identity_classifier  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

R7 = earlier_proofs(7, "prove_05.py")


# ----------------------------------------------------------------------------- ex1
def more_fgsm(ns, out):
    fgsm = ns["fgsm"]
    lin = identity_classifier()
    x = torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5]])
    out["dtype_probe"] = attempt(fgsm, lin, x, torch.tensor([1, 2]), 0.1)
    out["param_dtypes_after"] = [str(p.dtype) for p in lin.parameters()]


# ----------------------------------------------------------------------------- ex2
def more_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    lin = identity_classifier()
    x = torch.eye(3).repeat(2, 1)[:5]
    y = torch.tensor([0, 1, 2, 0, 2])
    dtypes = []

    def ce_attack(m, xb, yb):                            # an attack that uses the labels as fgsm does
        dtypes.append(str(yb.dtype))
        xr = xb.detach().clone().requires_grad_(True)
        (g,) = torch.autograd.grad(F.cross_entropy(m(xr), yb), xr)
        return (xr.detach() + 0.1 * g.sign()).clamp(0.0, 1.0)

    out["ce_attack"] = attempt(acc, lin, x, y, attack=ce_attack, batch_size=2)
    out["ce_attack_label_dtypes"] = list(dtypes)


P = R7.PROBES_05
PROBES_05 = {
    "ex1_fgsm": extend(P["ex1_fgsm"], more_fgsm),
    "ex2_accuracy": extend(P["ex2_accuracy"], more_accuracy),
    "ex3_pgd": P["ex3_pgd"],
    "ex4_targeted": P["ex4_targeted"],
    "ex5_adv_train": P["ex5_adv_train"],
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
