"""Proofs for blind round 17 of lab 02 part 1 (face detection): every mutant behaves differently from
CORRECT[0] on inputs the notebook's instructions cover, and every CORRECT answer passes its
exercise's visible check.

    .venv/bin/python benchmarks/blind/round17/prove_02_faces.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 16's for this notebook
(benchmarks/blind/round16/prove_02_faces.py, itself rounds 3 to 15's plus round 16's observations),
extended with what this round's mistakes are easiest to read from: FaceCNN(4, 32)'s structure (the
type of self.net, its layer types, parameter shapes); a training run of 8 examples in batches of 4
(batch_size divides len(x)) for 2 epochs with the model's first layer frozen by the caller; and
evaluate_by_group on 7 images through a bias-free linear model whose logits are a - 1 (one of them
0.001, which bfloat16 rounds to 0), with a group whose faces are all missed.

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.probe_kit import flat_params, seeded  # noqa: E402
from benchmarks.blind.proofs import earlier_proofs, extend, from_thunks, main  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

FACES = "02_face_debiasing/01_face_detection"
R16 = earlier_proofs(16, "prove_02_faces.py")
BASE = R16.PROBES[FACES]         # round 16's probes (already run by from_thunks)


def more_cnn(ns):
    FaceCNN = ns["FaceCNN"]

    def structure():
        model = seeded(31, lambda: FaceCNN(4, 32))
        return {"net type": type(model.net).__name__, "is Sequential": isinstance(model.net, nn.Sequential),
                "layer types": [type(m).__name__ for m in model.net],
                "parameter shapes": [tuple(p.shape) for p in model.parameters()]}
    yield "FaceCNN(4, 32): the type of self.net, its layers' types and the parameter shapes", structure


def more_train(ns):
    train = ns["train_classifier"]
    g = torch.Generator().manual_seed(71)
    x, y = torch.randn(8, 3, 2, 2, generator=g), torch.tensor([1.0, 0, 0, 1, 1, 0, 1, 0])

    def small_model():
        return nn.Sequential(nn.Flatten(), nn.Linear(12, 3), nn.Tanh(), nn.Linear(3, 1), nn.Flatten(0))

    def frozen_first_layer():
        model = seeded(12, small_model)
        model[1].requires_grad_(False)            # the caller froze the first layer
        history = train(model, x.clone(), y.clone(), epochs=2, batch_size=4, lr=0.05, seed=5)
        return {"history": history, "params": flat_params(model),
                "requires_grad after": [p.requires_grad for p in model.parameters()]}
    yield ("8 examples, batch_size 4 (divides len(x)), 2 epochs, lr 0.05, seed 5, the first layer frozen by the"
           " caller: history, parameters, requires_grad flags"), frozen_first_layer


def more_evaluate(ns):
    ev = ns["evaluate_by_group"]
    # logit = a - 1: [0.001, 0.5, -0.5, -0.25, 0.25, -0.75, -0.125]
    a = torch.tensor([1.001, 1.5, 0.5, 0.75, 1.25, 0.25, 0.875])
    x = torch.zeros(7, 3, 2, 2)
    x[:, 0, 0, 0] = a
    x[:, 0, 0, 1] = 1.0
    y = torch.tensor([1.0, 1, 1, 0, 0, 1, 0])
    groups = torch.tensor([0, 1, 1, -1, -1, 2, -1])   # group 2: its only face missed

    def linear_model():
        model = nn.Sequential(nn.Flatten(), nn.Linear(12, 1, bias=False), nn.Flatten(0))
        with torch.no_grad():
            model[1].weight.zero_()
            model[1].weight[0, 0], model[1].weight[0, 1] = 1.0, -1.0
        return model

    def seven_images():
        out = ev(linear_model(), x, y, groups, n_groups=3, batch_size=3)
        return {"out": out, "keys": sorted(out) if isinstance(out, dict) else None}
    yield ("7 images, logits a - 1 (one of 0.001), 3 groups (group 2 all missed), batch_size 3: result and its"
           " keys"), seven_images


PROBES = {FACES: {
    "ex1_cnn": extend(BASE["ex1_cnn"], from_thunks(more_cnn)),
    "ex2_train": extend(BASE["ex2_train"], from_thunks(more_train)),
    "ex3_evaluate": extend(BASE["ex3_evaluate"], from_thunks(more_evaluate)),
}}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
