"""Proofs for blind round 8 of lab 01 part 1 (PyTorch primer): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round8/prove_01_primer.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 7's (benchmarks/blind/round7/prove_01_primer.py,
loaded from its file) followed by the few observations this round's mutants are easiest to read
from; they are generators of (name, thunk), run by proofs.from_thunks (each thunk seeded and alone,
exceptions recorded). The visible check of ex6_train gets its training run redone at fast-mode size
(visible_runs.context).

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.proofs import earlier_proofs, from_thunks, main  # noqa: E402

import torch  # noqa: E402

R7 = earlier_proofs(7, "prove_01_primer.py")


def probe_ex1_tensors(ns):
    yield from R7.probe_ex1_tensors(ns)
    flatten = ns["flatten"]
    flat = torch.arange(15.0).reshape(3, 5)   # (B, ...) with one trailing axis: already one row per example
    yield "flatten an already flat (3, 5) batch", lambda: flatten(flat)


def probe_ex2_softmax(ns):
    yield from R7.probe_ex2_softmax(ns)


def probe_ex3_autograd(ns):
    yield from R7.probe_ex3_autograd(ns)


def probe_ex4_dense(ns):
    yield from R7.probe_ex4_dense(ns)


def probe_ex5_mlp(ns):
    yield from R7.probe_ex5_mlp(ns)


def probe_ex6_train_primer(ns):
    yield from R7.probe_ex6_train_primer(ns)


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
