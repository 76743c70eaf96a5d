"""Proofs for blind round 11 of lab 02 part 1 (face detection): every mutant behaves differently from
CORRECT[0] on inputs the notebook's instructions cover, and every CORRECT answer passes its
exercise's visible check.

    .venv/bin/python benchmarks/blind/round11/prove_02_faces.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 10's for this notebook
(benchmarks/blind/round10/prove_02_faces.py, itself rounds 3 to 9's plus round 10's observations),
extended with what this round's mistakes are easiest to read from: a FaceCNN's eval-mode logits
after two training-mode passes and on bright (x 1e5) images; what on_epoch was called with and
the history of a run whose last batch is short; and after evaluate_by_group on a float64 model,
the model's mode and its parameters' dtype.

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
R10 = earlier_proofs(10, "prove_02_faces.py")
BASE = R10.PROBES[FACES]         # round 10's probes (already run by from_thunks)
FirstPixel = R10.FirstPixel


def more_cnn(ns):
    FaceCNN = ns["FaceCNN"]
    g = torch.Generator().manual_seed(41)
    a, b, c = (torch.rand(4, 3, 32, 32, generator=g) for _ in range(3))

    def after_two_passes():
        model = seeded(2, lambda: FaceCNN(4, 32))
        with torch.no_grad():
            model(a)
            model(b)
            model.eval()
            return {"eval logits": model(c), "running means": [m.running_mean.clone() for m in model.modules()
                                                                if isinstance(m, nn.BatchNorm2d)]}
    yield "two training-mode passes, then eval mode: logits and the BatchNorm running means", after_two_passes

    def bright():
        model = seeded(3, lambda: FaceCNN(4, 32)).eval()
        with torch.no_grad():
            return model(a * 1e5)
    yield "eval mode, images scaled by 1e5: large logits as they are", bright


def more_train(ns):
    train = ns["train_classifier"]
    g = torch.Generator().manual_seed(19)
    x, y = torch.randn(10, 3, 2, 2, generator=g), torch.randint(0, 2, (10,), generator=g).float()

    def calls():
        model = seeded(1, lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 2), nn.ReLU(), nn.Linear(2, 1),
                                                nn.Flatten(0)))
        seen = []
        torch.manual_seed(5)
        history = train(model, x.clone(), y.clone(), epochs=3, batch_size=4, lr=0.1, seed=9,
                        on_epoch=lambda *args: seen.append(tuple(float(v) for v in args)))
        return {"history": [float(v) for v in history], "on_epoch calls": seen, "params": flat_params(model),
                "torch's RNG after": torch.rand(2)}
    yield ("10 examples, batch_size 4 (4, 4, 2), 3 epochs, seed 9: history, on_epoch's arguments, parameters,"
           " torch's RNG after"), calls


def more_evaluate(ns):
    ev = ns["evaluate_by_group"]
    x = images_with_logits([0.7, -0.2, 0.3, 1.5, -1.0, 0.4]).double()
    y = torch.tensor([1.0, 1, 1, 1, 0, 0], dtype=torch.float64)
    groups = torch.tensor([0, 1, 1, 0, -1, -1])

    def float64_model():
        model = FirstPixel().double().train()
        out = ev(model, x, y, groups, n_groups=2, batch_size=4)
        return {"out": out, "training after": model.training,
                "param dtypes after": [str(p.dtype) for p in model.parameters()]}
    yield "a float64 model arriving in training mode, float64 images: result, mode and parameter dtypes after", \
        float64_model


PROBES = {FACES: {
    "ex1_cnn": extend(BASE["ex1_cnn"], from_thunks(more_cnn)),
    "ex2_train": extend(BASE["ex2_train"], from_thunks(more_train)),
    "ex3_evaluate": extend(BASE["ex3_evaluate"], from_thunks(more_evaluate)),
}}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
