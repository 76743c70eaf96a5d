"""Proofs for blind round 12 of lab 02 part 1 (face detection): every mutant behaves differently from
CORRECT[0] on inputs the notebook's instructions cover, and every CORRECT answer passes its
exercise's visible check.

    .venv/bin/python benchmarks/blind/round12/prove_02_faces.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 11's for this notebook
(benchmarks/blind/round11/prove_02_faces.py, itself rounds 3 to 10's plus round 11's observations),
extended with what this round's mistakes are easiest to read from: a FaceCNN's logits for a batch
of one image, for 64x64 images and in training mode; a training run of a BatchNorm model that
arrives in eval mode (history and its types, parameters, running statistics, mode after) and one
on saturated logits; and evaluate_by_group on glasses-like group ids (non-faces carry 0 or 1) with
the batch sizes the model saw, with the default batch_size and with an explicit one.

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
R11 = earlier_proofs(11, "prove_02_faces.py")
BASE = R11.PROBES[FACES]         # round 11's probes (already run by from_thunks)
FirstPixel = R11.FirstPixel


def more_cnn(ns):
    FaceCNN = ns["FaceCNN"]
    g = torch.Generator().manual_seed(52)
    one = torch.rand(1, 3, 32, 32, generator=g)
    four = torch.rand(4, 3, 32, 32, generator=g)
    big = torch.rand(2, 3, 64, 64, generator=g)

    def batch_of_one():
        model = seeded(4, lambda: FaceCNN(4, 32)).eval()
        with torch.no_grad():
            return model(one)
    yield "eval mode, a batch of one 32x32 image: the logit and its shape", batch_of_one

    def size_64():
        model = seeded(5, lambda: FaceCNN(3, 64))
        shapes = [tuple(p.shape) for p in model.parameters()]
        model.eval()
        with torch.no_grad():
            return {"parameter shapes": shapes, "logits": model(big)}
    yield "FaceCNN(3, 64): parameter shapes and eval-mode logits of two 64x64 images", size_64

    def training_mode():
        model = seeded(6, lambda: FaceCNN(4, 32))
        torch.manual_seed(7)
        with torch.no_grad():
            return {"logits": model(four), "torch's RNG after": torch.rand(2)}
    yield "a fresh FaceCNN(4, 32) in training mode on four images: logits, torch's RNG after", training_mode


def more_train(ns):
    train = ns["train_classifier"]
    g = torch.Generator().manual_seed(23)
    x, y = torch.randn(10, 3, 2, 2, generator=g), torch.randint(0, 2, (10,), generator=g).float()

    def bn_in_eval():
        model = seeded(2, lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 4), nn.BatchNorm1d(4), nn.ReLU(),
                                                nn.Linear(4, 1), nn.Flatten(0))).eval()
        torch.manual_seed(3)
        history = train(model, x.clone(), y.clone(), epochs=2, batch_size=4, lr=0.1, seed=3)
        bn = model[2]
        return {"history": [float(v) for v in history], "history types": [type(v).__name__ for v in history],
                "params": flat_params(model), "running mean": bn.running_mean.clone(),
                "running var": bn.running_var.clone(), "training after": model.training}
    yield ("a BatchNorm1d model arriving in eval mode, 10 examples, batch_size 4, 2 epochs, lr 0.1, seed 3:"
           " history and its types, parameters, running statistics, mode after"), bn_in_eval

    def saturated():
        model = nn.Sequential(nn.Flatten(), nn.Linear(12, 1), nn.Flatten(0))
        with torch.no_grad():
            model[1].weight.zero_()
            model[1].weight[0, 0] = 40.0
            model[1].bias.zero_()
        xs = torch.zeros(6, 3, 2, 2)
        xs[:, 0, 0, 0] = torch.tensor([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])    # logits +-40
        ys = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])                   # every one confidently wrong
        history = train(model, xs, ys, epochs=1, batch_size=3, lr=1e-4, seed=0)
        return {"history": [float(v) for v in history], "params": flat_params(model)}
    yield "logits of +-40, every label the other way, 1 epoch, lr 1e-4: the mean loss (about 40)", saturated


def more_evaluate(ns):
    ev = ns["evaluate_by_group"]
    values = [0.8, -0.4, 0.3, 1.2, -0.9, 0.6, -0.2, 0.5]
    x = images_with_logits(values)
    y = torch.tensor([1.0, 1, 1, 1, 0, 0, 0, 1])
    groups = torch.tensor([0, 1, 1, 0, 1, 0, 1, 0])   # glasses-like: non-faces carry 0 or 1 too

    def glasses():
        model = FirstPixel()
        out = ev(model, x, y, groups, n_groups=2, batch_size=3)
        return {"out": out, "types": {k: type(v).__name__ for k, v in out.items()}, "batches": list(model.batches)}
    yield "8 images, glasses-like ids on non-faces too, batch_size 3: result, value types, batch sizes seen", glasses

    xl = images_with_logits([((i * 37) % 11 - 5) / 3 for i in range(1100)])
    yl = (torch.arange(1100) % 3 != 0).float()
    gl = torch.where(yl == 1, torch.arange(1100) % 4, torch.full((1100,), -1))

    def default_batch():
        model = FirstPixel()
        out = ev(model, xl, yl, gl, n_groups=4)
        return {"out": out, "batches": list(model.batches)}
    yield "1100 images, batch_size left at its default: result and the batch sizes seen", default_batch


PROBES = {FACES: {
    "ex1_cnn": extend(BASE["ex1_cnn"], from_thunks(more_cnn)),
    "ex2_train": extend(BASE["ex2_train"], from_thunks(more_train)),
    "ex3_evaluate": extend(BASE["ex3_evaluate"], from_thunks(more_evaluate)),
}}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
