"""Proofs for blind round 9 of lab 02 part 1 (face detection): every mutant behaves differently from
CORRECT[0] on inputs the notebook's instructions cover, and every CORRECT answer passes its
exercise's visible check.

    .venv/bin/python benchmarks/blind/round9/prove_02_faces.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Lab 02 has no round 8: each probe is round 7's for this
notebook (benchmarks/blind/round7/prove_02_faces.py, itself rounds 3 to 6's plus round 7's
observations), run by proofs.from_thunks, then extended with what this round's mistakes are easiest
to read from: the requires_grad flags of the caller's model after evaluate_by_group, the dtype and
type of per_group for a batch size the config does not hold, and a FaceCNN's layer inventory.

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.probe_kit import flat_params, images_with_logits, seeded  # noqa: E402
from benchmarks.blind.proofs import earlier_proofs, extend, from_thunks, main  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

FACES = "02_face_debiasing/01_face_detection"
R7 = earlier_proofs(7, "prove_02_faces.py")
BASE = R7.PROBES[FACES]          # generators of (name, thunk)
FirstPixel = R7.R6.R5.FirstPixel


def more_cnn(ns):
    FaceCNN = ns["FaceCNN"]

    def inventory():
        model = seeded(0, lambda: FaceCNN(4, 32))
        return [(type(m).__name__, tuple(p.shape for p in m.parameters(recurse=False))) for m in model.modules()]
    yield "layer types and parameter shapes of FaceCNN(4, 32)", inventory


def more_train(ns):
    train = ns["train_classifier"]
    g = torch.Generator().manual_seed(7)
    x, y = torch.randn(20, 3, 2, 2, generator=g), torch.randint(0, 2, (20,), generator=g).float()

    def run():
        model = seeded(0, lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 2), nn.ReLU(), nn.Linear(2, 1),
                                                nn.Flatten(0)))
        before = [p.detach().clone() for p in model.parameters()]
        history = train(model, x, y, epochs=2, batch_size=6, lr=0.1, seed=3)
        moved = [bool((p.detach() != b).any()) for p, b in zip(model.parameters(), before)]
        return {"history": history, "moved": moved, "params": flat_params(model)}
    yield "20 examples, batch_size 6, two layers: history and which parameters moved", run


def more_evaluate(ns):
    ev = ns["evaluate_by_group"]
    x = images_with_logits([1.0, -1.0, 0.5, 2.0, -3.0, 0.0, 0.5, -0.5, 1.0, 1.0])
    y = torch.tensor([1.0, 1, 1, 1, 1, 0, 0, 1, 0, 1])
    groups = torch.tensor([0, 0, 1, 1, 2, -1, -1, 2, -1, 0])

    def flags():
        model = FirstPixel()
        out = ev(model, x, y, groups, n_groups=3, batch_size=4)
        pg = out["per_group"]
        return {"requires_grad after": [p.requires_grad for p in model.parameters()], "batches": model.batches,
                "per_group type": type(pg).__name__, "per_group dtype": str(getattr(pg, "dtype", None)),
                "per_group": torch.as_tensor(pg, dtype=torch.float64)}
    yield "10 images, batch_size 4: the caller's requires_grad flags, batches, per_group's type and dtype", flags


PROBES = {FACES: {
    "ex1_cnn": extend(from_thunks(BASE["ex1_cnn"]), from_thunks(more_cnn)),
    "ex2_train": extend(from_thunks(BASE["ex2_train"]), from_thunks(more_train)),
    "ex3_evaluate": extend(from_thunks(BASE["ex3_evaluate"]), from_thunks(more_evaluate)),
}}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
