"""Proofs for blind round 16 of lab 02 part 1 (face detection): every mutant behaves differently from
CORRECT[0] on inputs the notebook's instructions cover, and every CORRECT answer passes its
exercise's visible check.

    .venv/bin/python benchmarks/blind/round16/prove_02_faces.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 15's for this notebook
(benchmarks/blind/round15/prove_02_faces.py, itself rounds 3 to 14's plus round 15's observations),
extended with what this round's mistakes are easiest to read from: FaceCNN in eval mode on a
transposed batch of three images (its logits), with the output layer's parameter shapes; a training run
without on_epoch, 9 examples in batches of 4, and one of a float64 model; and evaluate_by_group on
a linear model whose bias the caller froze (its requires_grad flags after the call), with batches
that end on a batch of other accuracy than the whole set.

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
R15 = earlier_proofs(15, "prove_02_faces.py")
BASE = R15.PROBES[FACES]         # round 15's probes (already run by from_thunks)
FirstPixel = R15.FirstPixel


def more_cnn(ns):
    FaceCNN = ns["FaceCNN"]
    g = torch.Generator().manual_seed(91)
    three = torch.rand(3, 3, 32, 32, generator=g)

    def transposed_batch():
        model = seeded(21, lambda: FaceCNN(4, 32)).eval()
        images = three.transpose(2, 3)            # (3, 3, 32, 32), not contiguous
        with torch.no_grad():
            logits = model(images)
        return {"logits": logits, "input still": images,
                "last layer's parameter shapes": [tuple(p.shape) for p in list(model.parameters())[-2:]]}
    yield ("eval mode, a transposed (non-contiguous) batch of three 32x32 images, FaceCNN(4, 32): logits and"
           " the last two parameters' shapes"), transposed_batch


def more_train(ns):
    train = ns["train_classifier"]
    g = torch.Generator().manual_seed(67)
    x, y = torch.randn(9, 3, 2, 2, generator=g), torch.randint(0, 2, (9,), generator=g).float()

    def small_model():
        return nn.Sequential(nn.Flatten(), nn.Linear(12, 3), nn.Tanh(), nn.Linear(3, 1), nn.Flatten(0))

    def no_callback():
        model = seeded(8, small_model)
        history = train(model, x.clone(), y.clone(), epochs=3, batch_size=4, lr=0.05, seed=2)
        return {"history": history, "params": flat_params(model)}
    yield "9 examples, batch_size 4, 3 epochs, lr 0.05, seed 2, no on_epoch: history and parameters", no_callback

    def float64_model():
        model = seeded(9, small_model).double()
        history = train(model, x.double(), y.clone(), epochs=2, batch_size=4, lr=0.05, seed=3)
        return {"history": history, "params": flat_params(model),
                "param dtypes": sorted({str(p.dtype) for p in model.parameters()})}
    yield "a float64 model on float64 images, 9 examples, batch_size 4, 2 epochs: history, parameters", \
        float64_model


def more_evaluate(ns):
    ev = ns["evaluate_by_group"]
    # batch_size 3: batches [right, right, right], [right, wrong, right], [wrong, right]
    x = images_with_logits([0.7, -0.4, 1.2, 0.5, 0.9, -0.6, -0.3, -0.8])
    y = torch.tensor([1.0, 0, 1, 1, 0, 0, 1, 0])
    groups = torch.tensor([0, -1, 1, 2, -1, -1, 2, -1])

    def three_groups():
        out = ev(FirstPixel(), x, y, groups, n_groups=3, batch_size=3)
        return {"out": out, "per_group length": len(out["per_group"])}
    yield "8 images, 3 groups, batch_size 3 (last batch of two, less accurate than the whole): result", three_groups

    def frozen_bias():
        model = seeded(14, lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 1), nn.Flatten(0)))
        model[1].bias.requires_grad_(False)       # the caller froze it
        out = ev(model, x, y, groups, n_groups=3, batch_size=4)
        return {"out": out, "requires_grad after": [p.requires_grad for p in model.parameters()]}
    yield "a linear model whose bias the caller froze: result and the parameters' requires_grad after", frozen_bias


PROBES = {FACES: {
    "ex1_cnn": extend(BASE["ex1_cnn"], from_thunks(more_cnn)),
    "ex2_train": extend(BASE["ex2_train"], from_thunks(more_train)),
    "ex3_evaluate": extend(BASE["ex3_evaluate"], from_thunks(more_evaluate)),
}}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
