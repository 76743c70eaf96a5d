"""Proofs for blind round 6 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round6/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 5's probe of the same exercise
(imported from benchmarks/blind/round5/prove_05.py, itself rounds 3 and 4's plus round 5's observations)
and adds what this round's mistakes need: an attack whose output leaves [0, 1] (accuracy_under_attack
must classify it as it is).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import identity_classifier  # noqa: E402

import torch  # noqa: E402

R5 = earlier_proofs(5, "prove_05.py")


# ----------------------------------------------------------------------------- ex2
def more_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    lin = identity_classifier()
    x = torch.eye(3).repeat(2, 1)                       # 6 rows
    y = torch.ones(6, dtype=torch.long)
    below_zero = torch.tensor([-1.0, -0.2, -3.0])      # argmax 1; clamped to [0, 1] it would be a tie (argmax 0)
    out["attack_below_zero"] = attempt(acc, lin, x, y, attack=lambda m, xb, yb: below_zero.expand_as(xb).clone(),
                                       batch_size=4)


PROBES_05 = {
    "ex1_fgsm": R5.PROBES_05["ex1_fgsm"],
    "ex2_accuracy": extend(R5.PROBES_05["ex2_accuracy"], more_accuracy),
    "ex3_pgd": R5.PROBES_05["ex3_pgd"],
    "ex4_targeted": R5.PROBES_05["ex4_targeted"],
    "ex5_adv_train": R5.PROBES_05["ex5_adv_train"],
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
