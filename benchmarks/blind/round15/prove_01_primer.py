"""Proofs for blind round 15 of lab 01 part 1 (PyTorch primer): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round15/prove_01_primer.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 14's (benchmarks/blind/round14/prove_01_primer.py,
loaded from its file, which keeps its resets of gradient tracking and anomaly detection around every
observation) followed by the few observations this round's mutants are easiest to read from; they are
generators of (name, thunk), run by proofs.from_thunks (each thunk seeded and alone, exceptions
recorded). The visible check of ex6_train gets its training run redone at fast-mode size
(visible_runs.context).

One mutant of this round leaves torch's default dtype at float64 for its caller; so that it cannot
leak into the answers proved after it, every observation and every visible check here also ends with
torch.set_default_dtype(torch.float32) (the observation that reads the default restores it itself).

Written from the student notebook only. Nothing here reads solutions/ or hidden checks.
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

R14 = earlier_proofs(14, "prove_01_primer.py")   # wraps proofs.observe / visible_check with its resets


def _default_dtype_reset(fn):
    def wrapped(*args, **kwargs):
        torch.set_default_dtype(torch.float32)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.set_default_dtype(torch.float32)
    return wrapped


proofs.observe = _default_dtype_reset(proofs.observe)
proofs.visible_check = _default_dtype_reset(proofs.visible_check)


def probe_ex1_tensors(ns):
    yield from R14.probe_ex1_tensors(ns)
    standardize = ns["standardize"]
    yield "standardize a float32 (2, 2) batch, a column of spread 5e-7 (default eps)", lambda: standardize(
        torch.tensor([[0.0, 1.0], [1e-6, 3.0]]))
    yield "standardize a (2, 2) batch with a constant column, eps=0.0", lambda: standardize(
        torch.tensor([[1.0, 2.0], [1.0, 3.0]]), eps=0.0)
    yield "standardize a batch of one row (1, 3), eps=0.0", lambda: standardize(torch.tensor([[1.0, -2.0, 4.0]]), 0.0)
    yield "standardize a (3, 2) batch: the last column", lambda: standardize(
        torch.tensor([[1.0, 5.0], [2.0, 9.0], [6.0, -1.0]]))[:, -1]


def probe_ex2_softmax(ns):
    yield from R14.probe_ex2_softmax(ns)
    softmax = ns["softmax"]

    def gradient():
        logits = torch.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], requires_grad=True)
        out = softmax(logits)
        (out * torch.tensor([1.0, -2.0, 0.5])).sum().backward()
        return out.requires_grad, logits.grad
    yield "(2, 3) logits that require grad: output requires grad, the gradient of a weighted sum", gradient
    yield "(V,) logits [0.5, 1.5, -1]", lambda: softmax(torch.tensor([0.5, 1.5, -1.0]))
    yield "(4, 2) logits", lambda: softmax(torch.tensor([[0.0, 1.0], [2.0, -1.0], [3.0, 3.0], [-2.0, 0.0]]))


def probe_ex3_autograd(ns):
    yield from R14.probe_ex3_autograd(ns)
    g = ns["mse_gradient"]
    x, y = torch.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]]), torch.tensor([1.0, -1.0, 0.5])

    def rng_after():
        torch.manual_seed(123)
        g(torch.tensor([0.3, -0.2]), x, y)
        return torch.rand(3)
    yield "seed 123, the gradient, then three draws of the global generator", rng_after

    def default_dtype_after():
        torch.set_default_dtype(torch.float32)
        try:
            out = g(torch.tensor([0.3, -0.2], dtype=torch.float64), x.double(), y.double())
            return out, str(torch.get_default_dtype())
        finally:
            torch.set_default_dtype(torch.float32)
    yield "a float64 gradient, then the caller's default dtype", default_dtype_after
    yield "float32 x = 3e6, w = 0.1, y = 3e5 (fitted in float32): the gradient", lambda: g(
        torch.tensor([0.1]), torch.tensor([[3e6]]), torch.tensor([3e5]))

    def leaf_w():
        w = torch.tensor([0.3, -0.2], requires_grad=True)
        out = g(w, x, y)
        return out, w.requires_grad, w.grad is None
    yield "a w that requires grad: the gradient, then w.requires_grad and whether w.grad is None", leaf_w


def probe_ex4_dense(ns):
    yield from R14.probe_ex4_dense(ns)
    Dense = ns["DenseLayer"]
    x = torch.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])
    yield "DenseLayer(3, 2).double() (seed 51) on float64 rows", lambda: seeded(51, lambda: Dense(3, 2).double())(
        x.double())
    yield "DenseLayer(3, 2) (seed 52) on float64 rows", lambda: seeded(52, lambda: Dense(3, 2))(x.double())
    yield "DenseLayer(3, 2) (seed 53): the output on two rows", lambda: seeded(53, lambda: Dense(3, 2))(x)

    def two_layers():
        torch.manual_seed(54)
        first, second = Dense(3, 2), Dense(3, 2)
        return first.W, second.W, torch.rand(2)
    yield "two DenseLayer(3, 2) made one after the other (seed 54): both W, then two draws", two_layers


def probe_ex5_mlp(ns):
    yield from R14.probe_ex5_mlp(ns)
    build_mlp, MLP = ns["build_mlp"], ns["MLP"]
    x = torch.tensor([[1.0, -2.0, 0.5], [-1.0, 0.0, 2.0], [0.5, 0.5, -3.0]])
    yield "MLP(3, 4, 2) (seed 61) on a batch of one row", lambda: seeded(61, lambda: MLP(3, 4, 2))(x[:1])
    yield "MLP(3, 4, 2) (seed 62) on three rows", lambda: seeded(62, lambda: MLP(3, 4, 2))(x)
    yield "build_mlp(3, 4, 2) (seed 63) on three rows", lambda: seeded(63, lambda: build_mlp(3, 4, 2))(x)

    def both_ways():
        a = seeded(64, lambda: build_mlp(3, 6, 2))(x)
        b = seeded(64, lambda: MLP(3, 6, 2))(x)
        return a, b, bool(torch.allclose(a, b))
    yield "build_mlp(3, 6, 2) and MLP(3, 6, 2) under seed 64: both outputs, equal?", both_ways


def probe_ex6_train_primer(ns):
    yield from R14.probe_ex6_train_primer(ns)
    train = ns["train"]

    def callbacks():
        torch.manual_seed(12)
        model = nn.Linear(4, 3)
        calls = []
        loader = torch.utils.data.DataLoader(digits_like(n=10), batch_size=4)
        history = train(model, loader, 2, 0.3, on_epoch=lambda e, loss: calls.append((e, loss)))
        return history, calls
    yield "2 epochs of 3 batches (4, 4, 2), lr 0.3: history and on_epoch calls", callbacks

    def one_epoch_of_two():
        torch.manual_seed(13)
        model = nn.Linear(4, 3)
        loader = torch.utils.data.DataLoader(digits_like(n=5), batch_size=4)
        history = train(model, loader, 1, 0.5)
        return history, model.weight.detach().clone()
    yield "1 epoch of batches of 4 and 1, lr 0.5: history, weights after", one_epoch_of_two


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
