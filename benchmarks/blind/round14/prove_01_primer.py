"""Proofs for blind round 14 of lab 01 part 1 (PyTorch primer): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round14/prove_01_primer.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 13's (benchmarks/blind/round13/prove_01_primer.py,
loaded from its file, which keeps its reset of gradient tracking around every observation) followed by
the few observations this round's mutants are easiest to read from; they are generators of
(name, thunk), run by proofs.from_thunks (each thunk seeded and alone, exceptions recorded). The
visible check of ex6_train gets its training run redone at fast-mode size (visible_runs.context).

One mutant of this round leaves autograd's anomaly detection switched on for its caller; so that it
cannot leak into (and slow) the answers proved after it, every observation and every visible check
here also ends with torch.autograd.set_detect_anomaly(False) (the observation that reads the mode
restores it itself).

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind import proofs  # noqa: E402
from benchmarks.blind.proofs import earlier_proofs, from_thunks, main  # noqa: E402
from benchmarks.blind.probe_kit import digits_like, seeded  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R13 = earlier_proofs(13, "prove_01_primer.py")   # wraps proofs.observe / visible_check with the grad-mode reset


def _anomaly_reset(fn):
    def wrapped(*args, **kwargs):
        torch.autograd.set_detect_anomaly(False)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.autograd.set_detect_anomaly(False)
    return wrapped


proofs.observe = _anomaly_reset(proofs.observe)
proofs.visible_check = _anomaly_reset(proofs.visible_check)


def probe_ex1_tensors(ns):
    yield from R13.probe_ex1_tensors(ns)
    flatten, standardize = ns["flatten"], ns["standardize"]
    images = torch.arange(2 * 3 * 2 * 2.0).reshape(2, 3, 2, 2)
    yield "flatten a (2, 3, 2, 2) batch", lambda: flatten(images)
    yield "flatten a (3, 2, 2) batch", lambda: flatten(torch.arange(12.0).reshape(3, 2, 2))
    yield "standardize a (4, 3) batch of distinct columns", lambda: standardize(
        torch.tensor([[1.0, 10.0, -2.0], [2.0, 30.0, 0.0], [4.0, 20.0, 5.0], [7.0, 0.0, 1.0]]))
    yield "standardize a (2, 1) column of spread 5e-7 with eps=0.0", lambda: standardize(
        torch.tensor([[0.0], [1e-6]], dtype=torch.float64), eps=0.0)


def probe_ex2_softmax(ns):
    yield from R13.probe_ex2_softmax(ns)
    softmax = ns["softmax"]
    yield "(3, 3) logits", lambda: softmax(torch.tensor([[0.0, 1.0, 2.0], [3.0, 1.0, 0.0], [1.0, 1.0, 5.0]]))
    yield "(2, 3) logits [[1, 3, 2], [0, -1, 4]]", lambda: softmax(torch.tensor([[1.0, 3.0, 2.0], [0.0, -1.0, 4.0]]))
    yield "(V,) logits [2, 0, 1]", lambda: softmax(torch.tensor([2.0, 0.0, 1.0]))
    yield "(1, 3) logits [[1, 3, 2]]", lambda: softmax(torch.tensor([[1.0, 3.0, 2.0]]))


def probe_ex3_autograd(ns):
    yield from R13.probe_ex3_autograd(ns)
    g = ns["mse_gradient"]
    x, y = torch.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]]), torch.tensor([1.0, -1.0, 0.5])

    def plain_gradient():
        out = g(torch.tensor([0.3, -0.2]), x, y)
        return out, out.requires_grad, out.grad_fn is None
    yield "the gradient: requires_grad, no grad_fn", plain_gradient

    def anomaly_after():
        torch.autograd.set_detect_anomaly(False)
        try:
            out = g(torch.tensor([0.3, -0.2]), x, y)
            return out, torch.is_anomaly_enabled()
        finally:
            torch.autograd.set_detect_anomaly(False)
    yield "the gradient, then whether anomaly detection is on for the caller", anomaly_after
    yield "float64, y = 1e8 + 1 exactly fitted: the gradient (0)", lambda: g(
        torch.tensor([1e8 + 1.0], dtype=torch.float64), torch.tensor([[1.0], [2.0]], dtype=torch.float64),
        torch.tensor([1e8 + 1.0, 2e8 + 2.0], dtype=torch.float64))
    yield "a gradient of norm > 1 (w = 0, y = 3)", lambda: g(
        torch.tensor([0.0, 0.0]), torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([3.0, -3.0]))


def probe_ex4_dense(ns):
    yield from R13.probe_ex4_dense(ns)
    Dense = ns["DenseLayer"]

    def w_moments():
        W = seeded(41, lambda: Dense(400, 10)).W.detach()
        return round(W.mean().item(), 1), round(W.std().item(), 2), bool(torch.isfinite(W).all())
    yield "DenseLayer(400, 10) (seed 41): W's mean (1 decimal), std (2 decimals), all finite", w_moments
    yield "DenseLayer(3, 2) (seed 42): W and b", lambda: (lambda layer: (layer.W, layer.b))(seeded(42, lambda: Dense(3, 2)))
    yield "DenseLayer(3, 2): parameter names and shapes", lambda: [
        (n, tuple(p.shape)) for n, p in Dense(3, 2).named_parameters()]


def probe_ex5_mlp(ns):
    yield from R13.probe_ex5_mlp(ns)
    MLP = ns["MLP"]
    x = torch.tensor([[1.0, -2.0, 0.5], [-1.0, 0.0, 2.0]])
    yield "MLP(3, 4, 2): parameter names", lambda: [n for n, _ in MLP(3, 4, 2).named_parameters()]
    yield "MLP(3, 4, 2).double() under seed 43 on float64 rows", lambda: seeded(
        43, lambda: MLP(3, 4, 2).double())(x.double())
    yield "MLP(3, 5, 2) under seed 44 on two rows: the output", lambda: seeded(44, lambda: MLP(3, 5, 2))(x)

    def fc1_grad():
        model = seeded(45, lambda: MLP(3, 4, 2))
        model(x).sum().backward()
        return model.fc1.weight.grad
    yield "MLP(3, 4, 2) (seed 45): fc1.weight.grad of the summed outputs", fc1_grad


def probe_ex6_train_primer(ns):
    yield from R13.probe_ex6_train_primer(ns)
    train = ns["train"]

    def callers_model():
        torch.manual_seed(9)
        model = nn.Linear(4, 3)
        before = model.weight.detach().clone()
        loader = torch.utils.data.DataLoader(digits_like(n=8), batch_size=4)
        history = train(model, loader, 2, 0.5)
        return history, before, model.weight.detach().clone()
    yield "2 epochs of 2 batches, lr 0.5: history, the caller's weights before and after", callers_model

    def frozen_first():
        torch.manual_seed(10)
        model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3))
        model[0].requires_grad_(False)
        loader = torch.utils.data.DataLoader(digits_like(n=8), batch_size=4)
        history = train(model, loader, 1, 0.5)
        return history, [p.requires_grad for p in model.parameters()], model[0].weight.detach().clone()
    yield "first layer frozen, 1 epoch: history, requires_grad flags, first layer after", frozen_first

    def exact_means():
        torch.manual_seed(11)
        model = nn.Linear(4, 3)
        loader = torch.utils.data.DataLoader(digits_like(n=12), batch_size=4)
        return train(model, loader, 3, 0.1)
    yield "3 epochs, lr 0.1: the history (exact means)", exact_means


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
