"""Proofs for blind round 13 of lab 02 part 1 (face detection): every mutant behaves differently from
CORRECT[0] on inputs the notebook's instructions cover, and every CORRECT answer passes its
exercise's visible check.

    .venv/bin/python benchmarks/blind/round13/prove_02_faces.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 12's for this notebook
(benchmarks/blind/round12/prove_02_faces.py, itself rounds 3 to 11's plus round 12's observations),
extended with what this round's mistakes are easiest to read from: a float64 FaceCNN on float64
images (logits and their dtype) and a fresh model's parameter shapes and output bias; a 3-epoch
training run whose batch losses and parameters show how the steps were taken, with torch's RNG
after; and evaluate_by_group with 7 images in batches of 3 (a last batch of one), with whether
autograd was on in each forward pass and the types of what comes back.

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
R12 = earlier_proofs(12, "prove_02_faces.py")
BASE = R12.PROBES[FACES]         # round 12's probes (already run by from_thunks)
FirstPixel = R12.FirstPixel


def more_cnn(ns):
    FaceCNN = ns["FaceCNN"]
    g = torch.Generator().manual_seed(63)
    three = torch.rand(3, 3, 32, 32, generator=g, dtype=torch.float64)

    def float64():
        model = seeded(8, lambda: FaceCNN(4, 32)).double().eval()
        with torch.no_grad():
            return model(three)
    yield "a float64 FaceCNN(4, 32) in eval mode on three float64 images: logits and their dtype", float64

    def fresh():
        model = seeded(9, lambda: FaceCNN(3, 32))
        return {"shapes": [tuple(p.shape) for p in model.parameters()],
                "output bias": model.net[-1].bias if isinstance(model.net[-1], nn.Linear) else None,
                "momenta": [m.momentum for m in model.modules() if isinstance(m, nn.BatchNorm2d)]}
    yield "a fresh FaceCNN(3, 32): parameter shapes, the output layer's bias, BatchNorm momenta", fresh


def more_train(ns):
    train = ns["train_classifier"]
    g = torch.Generator().manual_seed(31)
    x, y = torch.randn(7, 3, 2, 2, generator=g), torch.randint(0, 2, (7,), generator=g).float()

    def three_epochs():
        model = seeded(4, lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 3), nn.Tanh(), nn.Linear(3, 1),
                                                nn.Flatten(0)))
        seen = []
        torch.manual_seed(11)
        history = train(model, x.clone(), y.clone(), epochs=3, batch_size=3, lr=0.05, seed=2,
                        on_epoch=lambda e, loss: seen.append((e, float(loss))))
        return {"history": [float(v) for v in history], "on_epoch": seen, "params": flat_params(model),
                "torch's RNG after": torch.rand(2)}
    yield "7 examples, batch_size 3 (3, 3, 1), 3 epochs, lr 0.05, seed 2: history, calls, parameters, RNG after", \
        three_epochs


def more_evaluate(ns):
    ev = ns["evaluate_by_group"]
    x = images_with_logits([0.9, -0.3, 0.2, 1.1, -0.7, 0.4, -0.5])
    y = torch.tensor([1.0, 1, 1, 0, 0, 1, 1])
    groups = torch.tensor([0, 1, 2, -1, -1, 2, 0])

    def last_of_one():
        model = FirstPixel()
        out = ev(model, x, y, groups, n_groups=3, batch_size=3)
        return {"out": out, "types": {k: type(v).__name__ for k, v in out.items()},
                "batches": list(model.batches), "grad enabled in forward": list(model.grad)}
    yield ("7 images in batches of 3 (3, 3, 1), three groups: result, value types, batch sizes and autograd"
           " in every forward"), last_of_one


PROBES = {FACES: {
    "ex1_cnn": extend(BASE["ex1_cnn"], from_thunks(more_cnn)),
    "ex2_train": extend(BASE["ex2_train"], from_thunks(more_train)),
    "ex3_evaluate": extend(BASE["ex3_evaluate"], from_thunks(more_evaluate)),
}}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
