"""Proofs for blind round 10 of lab 02 part 1 (face detection): every mutant behaves differently from
CORRECT[0] on inputs the notebook's instructions cover, and every CORRECT answer passes its
exercise's visible check.

    .venv/bin/python benchmarks/blind/round10/prove_02_faces.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 9's for this notebook
(benchmarks/blind/round9/prove_02_faces.py, itself rounds 3 to 7's plus round 9's observations),
extended with what this round's mistakes are easiest to read from: what FaceCNN's self.net alone
makes of images and the logits of a known input; after a training run, the caller's x and y, the
model's mode, the type of the returned means and torch's global RNG; after evaluate_by_group, the
caller's .grad, torch's global RNG and whether autograd is still on.

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
R9 = earlier_proofs(9, "prove_02_faces.py")
BASE = R9.PROBES[FACES]          # round 9's probes (already run by from_thunks)
FirstPixel = R9.FirstPixel


def more_cnn(ns):
    FaceCNN = ns["FaceCNN"]
    x = torch.rand(3, 3, 32, 32, generator=torch.Generator().manual_seed(4))

    def net_alone():
        model = seeded(0, lambda: FaceCNN(4, 32)).eval()
        return attempt_shape(lambda: model.net(x))
    yield "model.net alone on (3, 3, 32, 32) images, eval mode: the output's shape", net_alone

    def named():
        model = seeded(0, lambda: FaceCNN(4, 32))
        return [(name, type(m).__name__) for name, m in model.named_modules()]
    yield "named modules of FaceCNN(4, 32)", named

    def grey():
        model = seeded(1, lambda: FaceCNN(4, 32)).eval()
        with torch.no_grad():
            return model(torch.full((2, 3, 32, 32), 0.5))
    yield "logits of two uniform grey (0.5) images, eval mode, seed 1", grey


def attempt_shape(fn):
    with torch.no_grad():
        return tuple(fn().shape)


def more_train(ns):
    train = ns["train_classifier"]
    g = torch.Generator().manual_seed(12)
    x, y = torch.randn(14, 3, 2, 2, generator=g), torch.randint(0, 2, (14,), generator=g).float()

    def side_effects():
        model = seeded(0, lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 3), nn.ReLU(), nn.Linear(3, 1),
                                                nn.Flatten(0))).eval()
        xs, ys = x.clone(), y.clone()
        torch.manual_seed(21)
        history = train(model, xs, ys, epochs=3, batch_size=4, lr=0.05, seed=5)
        return {"history": [float(v) for v in history], "history types": [type(v).__name__ for v in history],
                "x after": xs, "y after": ys, "training after": model.training, "torch's RNG after": torch.rand(3),
                "params": flat_params(model)}
    yield ("14 examples, batch_size 4, 3 epochs, a model arriving in eval mode: history and its types, the caller's"
           " x and y after, the model's mode after, torch's RNG after"), side_effects


def more_evaluate(ns):
    ev = ns["evaluate_by_group"]
    x = images_with_logits([1.0, -1.0, 0.5, 2.0, -3.0, 0.0, 0.5, -0.5, 1.0, 1.0, -2.0, 0.7])
    y = torch.tensor([1.0, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1])
    groups = torch.tensor([0, 0, 1, 1, 2, -1, -1, 2, -1, 0, 2, 1])

    def side_effects():
        model = FirstPixel()
        for p in model.parameters():
            p.grad = torch.full_like(p, 0.25)
        torch.manual_seed(8)
        try:
            out = ev(model, x, y, groups, n_groups=3, batch_size=5)
            seen = {"out": out, "grads after": [None if p.grad is None else p.grad.clone() for p in model.parameters()],
                    "autograd on after": torch.is_grad_enabled(), "torch's RNG after": torch.rand(3)}
        finally:
            torch.set_grad_enabled(True)   # whatever the answer left, the next probes run with autograd on
        return seen
    yield ("12 images, batch_size 5, .grad set before the call: result, the caller's .grad after, autograd and"
           " torch's RNG after"), side_effects


PROBES = {FACES: {
    "ex1_cnn": extend(BASE["ex1_cnn"], from_thunks(more_cnn)),
    "ex2_train": extend(BASE["ex2_train"], from_thunks(more_train)),
    "ex3_evaluate": extend(BASE["ex3_evaluate"], from_thunks(more_evaluate)),
}}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
