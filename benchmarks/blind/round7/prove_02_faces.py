"""Proofs for blind round 7 of lab 02 part 1 (face detection): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round7/prove_02_faces.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 6's for this notebook
(benchmarks/blind/round6/prove_02.py, itself round 5's) followed by the observations this round's
mistakes need: a training run of a model with BatchNorm (its running statistics after training), and
evaluation of a model whose mode-dependent logits come from a child module (which mode the children
are in after the call). Probes are generators of (name, thunk), run by proofs.from_thunks.

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.proofs import earlier_proofs, from_thunks, main  # noqa: E402
from benchmarks.blind.probe_kit import flat_params, images_with_logits, seeded  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

FACES = "02_face_debiasing/01_face_detection"
R6 = earlier_proofs(6, "prove_02.py")
BASE = R6.PROBES[FACES]           # round 6 kept round 5's probes for this notebook
ModePixel = R6.R5.ModePixel


def probe_ex1_cnn(ns):
    yield from BASE["ex1_cnn"](ns)


def probe_ex2_train(ns):
    yield from BASE["ex2_train"](ns)
    train = ns["train_classifier"]
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(32, 3, 2, 2, generator=g), torch.randint(0, 2, (32,), generator=g).float()

    # no bias before BatchNorm: its gradient is 0 up to rounding, and Adam would turn that rounding
    # into full-size steps that differ between right answers
    def with_batchnorm():
        model = seeded(0, lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 4, bias=False), nn.BatchNorm1d(4), nn.ReLU(),
                                                nn.Linear(4, 1), nn.Flatten(0)))
        history = train(model, x, y, epochs=2, batch_size=8, lr=0.05, seed=0)
        bn = model[2]
        return {"history": history, "params": flat_params(model),
                "bn": (bn.running_mean, bn.running_var, int(bn.num_batches_tracked))}
    yield "a model with BatchNorm1d, 32 examples, batch_size 8: history, parameters, running statistics", \
        with_batchnorm


def probe_ex3_evaluate(ns):
    yield from BASE["ex3_evaluate"](ns)
    ev = ns["evaluate_by_group"]
    x = images_with_logits([1.0, -1.0, 0.0, 2.0, -3.0, 0.0, 0.5, -0.5, 1.0, 1.0])
    y = torch.tensor([1.0, 1, 1, 1, 1, 0, 0, 1, 0, 1])
    groups = torch.tensor([0, 0, 1, 1, 2, -1, -1, 2, -1, 0])

    def nested():
        model = nn.Sequential(ModePixel()).train()   # the mode-dependent layer is a child, as BatchNorm is
        out = ev(model, x, y, groups, n_groups=3, batch_size=4)
        return {"out": out, "modes": [m.training for m in model.modules()]}
    yield "a child module whose logits depend on its mode, arriving in training mode", nested


PROBES = {FACES: {"ex1_cnn": probe_ex1_cnn, "ex2_train": probe_ex2_train, "ex3_evaluate": probe_ex3_evaluate}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
