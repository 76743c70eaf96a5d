"""Proofs for blind round 14 of lab 02 part 1 (face detection): every mutant behaves differently from
CORRECT[0] on inputs the notebook's instructions cover, and every CORRECT answer passes its
exercise's visible check.

    .venv/bin/python benchmarks/blind/round14/prove_02_faces.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 13's for this notebook
(benchmarks/blind/round13/prove_02_faces.py, itself rounds 3 to 12's plus round 13's observations),
extended with what this round's mistakes are easiest to read from: an eval-mode FaceCNN called with
autograd on (do its logits carry a graph back to the images?); a training run that leaves seed at
its default; and evaluate_by_group on a float64 linear model (not one that ignores its input's
dtype), and called from inside torch.no_grad() (is autograd still off for the caller after?).

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.probe_kit import flat_params, images_with_logits, seeded  # noqa: E402
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, from_thunks, main  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

FACES = "02_face_debiasing/01_face_detection"
R13 = earlier_proofs(13, "prove_02_faces.py")
BASE = R13.PROBES[FACES]         # round 13's probes (already run by from_thunks)
FirstPixel = R13.FirstPixel


def more_cnn(ns):
    FaceCNN = ns["FaceCNN"]
    g = torch.Generator().manual_seed(74)
    two = torch.rand(2, 3, 32, 32, generator=g)

    def eval_with_autograd():
        model = seeded(10, lambda: FaceCNN(4, 32)).eval()
        images = two.clone().requires_grad_(True)
        logits = model(images)
        return {"logits": logits,
                "gradient to the images": attempt(lambda: torch.autograd.grad(logits.sum(), images)[0])}
    yield "eval mode, autograd on, two images: logits (with their grad flag) and d(sum of logits)/d(images)", \
        eval_with_autograd


def more_train(ns):
    train = ns["train_classifier"]
    g = torch.Generator().manual_seed(43)
    x, y = torch.randn(8, 3, 2, 2, generator=g), torch.randint(0, 2, (8,), generator=g).float()

    def default_seed():
        model = seeded(5, lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 2), nn.Tanh(), nn.Linear(2, 1),
                                                nn.Flatten(0)))
        history = train(model, x.clone(), y.clone(), epochs=2, batch_size=3, lr=0.05)
        return {"history": [float(v) for v in history], "params": flat_params(model)}
    yield "8 examples, batch_size 3, 2 epochs, lr 0.05, seed left at its default: history and parameters", \
        default_seed


def more_evaluate(ns):
    ev = ns["evaluate_by_group"]
    g = torch.Generator().manual_seed(17)
    x = torch.randn(9, 3, 2, 2, generator=g, dtype=torch.float64)
    y = torch.tensor([1.0, 1, 0, 1, 1, 0, 1, 1, 0], dtype=torch.float64)
    groups = torch.tensor([0, 1, -1, 1, 0, -1, 1, 0, -1])

    def float64_linear():
        model = seeded(12, lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 1), nn.Flatten(0))).double()
        return ev(model, x, y, groups, n_groups=2, batch_size=4)
    yield "a float64 linear model on 9 float64 images, batch_size 4: the result", float64_linear

    xf = images_with_logits([0.6, -0.8, 0.1, 0.9, -0.3])
    yf = torch.tensor([1.0, 1, 0, 1, 0])
    gf = torch.tensor([0, 1, -1, 1, -1])

    def inside_no_grad():
        try:
            with torch.no_grad():
                out = ev(FirstPixel(), xf, yf, gf, n_groups=2, batch_size=2)
                still_off = not torch.is_grad_enabled()
        finally:
            torch.set_grad_enabled(True)
        return {"out": out, "autograd still off in the caller's no_grad block": still_off}
    yield "called inside torch.no_grad(), 5 images, batch_size 2: result, autograd in the caller's block after", \
        inside_no_grad


PROBES = {FACES: {
    "ex1_cnn": extend(BASE["ex1_cnn"], from_thunks(more_cnn)),
    "ex2_train": extend(BASE["ex2_train"], from_thunks(more_train)),
    "ex3_evaluate": extend(BASE["ex3_evaluate"], from_thunks(more_evaluate)),
}}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
