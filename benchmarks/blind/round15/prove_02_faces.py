"""Proofs for blind round 15 of lab 02 part 1 (face detection): every mutant behaves differently from
CORRECT[0] on inputs the notebook's instructions cover, and every CORRECT answer passes its
exercise's visible check.

    .venv/bin/python benchmarks/blind/round15/prove_02_faces.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 14's for this notebook
(benchmarks/blind/round14/prove_02_faces.py, itself rounds 3 to 13's plus round 14's observations),
extended with what this round's mistakes are easiest to read from: FaceCNN built with its default
arguments, and the eps of its BatchNorm layers; a training run whose history is stored as it comes
back (its type, not only its values) next to the caller's parameters; and evaluate_by_group on
skin-tone ids (-1 for non-faces) with a non-face whose logit is exactly 0 and a group whose faces
are right, then wrong.

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
R14 = earlier_proofs(14, "prove_02_faces.py")
BASE = R14.PROBES[FACES]         # round 14's probes (already run by from_thunks)
FirstPixel = R14.FirstPixel


def more_cnn(ns):
    FaceCNN = ns["FaceCNN"]

    def defaults():
        model = seeded(13, lambda: FaceCNN())
        return {"parameter shapes": [tuple(p.shape) for p in model.parameters()],
                "BatchNorm eps": [m.eps for m in model.modules() if isinstance(m, nn.BatchNorm2d)]}
    yield "FaceCNN() with its default arguments: parameter shapes and the BatchNorm layers' eps", defaults


def more_train(ns):
    train = ns["train_classifier"]
    g = torch.Generator().manual_seed(53)
    x, y = torch.randn(9, 3, 2, 2, generator=g), torch.randint(0, 2, (9,), generator=g).float()

    def as_returned():
        model = seeded(6, lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 3), nn.ReLU(), nn.Linear(3, 1),
                                                nn.Flatten(0)))
        before = flat_params(model).clone()
        history = train(model, x.clone(), y.clone(), epochs=4, batch_size=4, lr=0.05, seed=1)
        return {"history as returned": history, "history type": type(history).__name__,
                "caller's parameters moved": bool((flat_params(model) != before).any()),
                "params": flat_params(model)}
    yield ("9 examples, batch_size 4 (4, 4, 1), 4 epochs, lr 0.05, seed 1: the history as returned and its type,"
           " whether the caller's parameters moved, parameters"), as_returned


def more_evaluate(ns):
    ev = ns["evaluate_by_group"]
    x = images_with_logits([-0.5, 0.8, 0.0, 1.3, -1.1, 0.0, 0.6, -0.2])
    y = torch.tensor([1.0, 1, 0, 1, 1, 0, 1, 0])
    groups = torch.tensor([0, 0, -1, 1, 1, -1, 2, -1])   # group 0: wrong then right; group 1: right then wrong

    def skin_tones():
        model = FirstPixel()
        out = ev(model, x, y, groups, n_groups=3, batch_size=3)
        return {"out": out, "per_group length": len(out["per_group"])}
    yield ("8 images, skin-tone ids (-1 for non-faces), non-faces with logit exactly 0, batch_size 3: result"), \
        skin_tones


PROBES = {FACES: {
    "ex1_cnn": extend(BASE["ex1_cnn"], from_thunks(more_cnn)),
    "ex2_train": extend(BASE["ex2_train"], from_thunks(more_train)),
    "ex3_evaluate": extend(BASE["ex3_evaluate"], from_thunks(more_evaluate)),
}}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
