"""Proofs for blind round 11 of lab 01 part 1 (PyTorch primer): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round11/prove_01_primer.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 10's (benchmarks/blind/round10/prove_01_primer.py,
loaded from its file) followed by the few observations this round's mutants are easiest to read
from; they are generators of (name, thunk), run by proofs.from_thunks (each thunk seeded and alone,
exceptions recorded). The visible check of ex6_train gets its training run redone at fast-mode size
(visible_runs.context).

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.proofs import earlier_proofs, from_thunks, main  # noqa: E402
from benchmarks.blind.probe_kit import digits_like, flat_params, seeded  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R10 = earlier_proofs(10, "prove_01_primer.py")


def probe_ex1_tensors(ns):
    yield from R10.probe_ex1_tensors(ns)
    flatten, standardize = ns["flatten"], ns["standardize"]

    def tracked():
        images = torch.arange(12.0).reshape(2, 3, 2).requires_grad_(True)
        out = flatten(images)
        return out, out.grad_fn is not None
    yield "flatten a (2, 3, 2) batch that requires grad: the rows, and whether they are in the graph", tracked

    def caller_x():
        x = torch.tensor([[1.0, 4.0], [3.0, 8.0], [5.0, 0.0]])
        out = standardize(x)
        return out, x
    yield "standardize a (3, 2) batch: the result, then the caller's x", caller_x
    yield "standardize a float32 (3, 2) batch: the dtype", lambda: str(
        standardize(torch.tensor([[1.0, 2.0], [2.0, 4.0], [4.0, 7.0]])).dtype)
    yield "standardize a column of spread 1e-3 (float64)", lambda: standardize(
        torch.tensor([[1.0], [1.002], [1.001], [0.999]], dtype=torch.float64))


def probe_ex2_softmax(ns):
    yield from R10.probe_ex2_softmax(ns)
    softmax = ns["softmax"]

    def caller_logits():
        z = torch.tensor([[2.0, 1.0, 0.0], [5.0, 5.0, 4.0]])
        out = softmax(z)
        return out, z
    yield "softmax of (2, 3) logits: the result, then the caller's logits", caller_logits
    yield "rows far apart [[0, 1], [-1000, -999]]", lambda: softmax(torch.tensor([[0.0, 1.0], [-1000.0, -999.0]]))
    yield "float64 logits [1000, 999, 998]", lambda: softmax(torch.tensor([1000.0, 999.0, 998.0], dtype=torch.float64))
    yield "1-D logits [1, 2, 3]", lambda: softmax(torch.tensor([1.0, 2.0, 3.0]))
    yield "3-D logits (2, 3, 4)", lambda: softmax(torch.arange(24.0).reshape(2, 3, 4).sin() * 3)


def probe_ex3_autograd(ns):
    yield from R10.probe_ex3_autograd(ns)
    g = ns["mse_gradient"]
    x, y = torch.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]]), torch.tensor([1.0, -1.0, 0.5])

    def w_tracked():
        w = torch.tensor([0.3, -0.2], requires_grad=True)
        out = g(w, x, y)
        return out, w.grad
    yield "w that requires grad: the gradient, then the caller's w.grad", w_tracked

    def w_holding_grad():
        w = torch.tensor([0.3, -0.2])
        w.grad = torch.tensor([7.0, 7.0])
        out = g(w, x, y)
        return out, w.grad
    yield "w holding a .grad of 7s: the gradient, then the caller's w.grad", w_holding_grad

    def x_tracked():
        xx = x.clone().requires_grad_(True)
        out = g(torch.tensor([0.3, -0.2]), xx, y)
        return out, xx.requires_grad
    yield "x that requires grad: the gradient, then x.requires_grad", x_tracked


def probe_ex4_dense(ns):
    yield from R10.probe_ex4_dense(ns)
    Dense = ns["DenseLayer"]

    def step():
        layer = seeded(14, lambda: Dense(3, 2))
        with torch.no_grad():
            layer.b.fill_(0.5)
        out = layer(torch.tensor([[1.0, -1.0, 2.0], [0.0, 0.5, 1.0]]))
        out.sum().backward()
        return out, layer.b.grad, layer.W.grad
    yield "DenseLayer(3, 2) (seed 14) with b = 0.5 on two rows: output, b.grad, W.grad", step
    yield "DenseLayer(1, 1) (seed 15): W", lambda: seeded(15, lambda: Dense(1, 1)).W.detach().clone()


def probe_ex5_mlp(ns):
    yield from R10.probe_ex5_mlp(ns)
    build, MLP = ns["build_mlp"], ns["MLP"]
    x = torch.tensor([[1.0, -2.0, 0.5], [-1.0, 0.0, 2.0]])

    def both():
        return seeded(16, lambda: build(3, 4, 2))(x), seeded(16, lambda: MLP(3, 4, 2))(x)
    yield "build_mlp(3, 4, 2) and MLP(3, 4, 2) under seed 16 on two rows", both
    yield "MLP(3, 4, 2): has fc1 and fc2, parameter names", lambda: (
        hasattr(MLP(3, 4, 2), "fc1"), hasattr(MLP(3, 4, 2), "fc2"), [n for n, _ in MLP(3, 4, 2).named_parameters()])


def probe_ex6_train_primer(ns):
    yield from R10.probe_ex6_train_primer(ns)
    train = ns["train"]

    def callbacks():
        torch.manual_seed(1)
        model = nn.Linear(4, 3)
        calls = []
        loader = torch.utils.data.DataLoader(digits_like(), batch_size=8)
        history = train(model, loader, 2, 0.3, on_epoch=lambda *args: calls.append(args))
        return history, calls
    yield "2 epochs, batches of 8: history and the on_epoch calls", callbacks

    def stale_grads():
        torch.manual_seed(2)
        model = nn.Linear(4, 3)
        for p in model.parameters():
            p.grad = torch.full_like(p, 5.0)
        start = flat_params(model)
        loader = torch.utils.data.DataLoader(digits_like(n=16), batch_size=8)
        history = train(model, loader, 1, 0.1)
        return history, flat_params(model) - start
    yield "parameters holding .grad of 5s, 1 epoch of 2 batches, lr 0.1: history, parameters moved", stale_grads

    def odd_batches():
        torch.manual_seed(3)
        model = nn.Linear(4, 3)
        loader = torch.utils.data.DataLoader(digits_like(n=9), batch_size=4)   # 4, 4 and 1
        return train(model, loader, 1, 0.5)
    yield "1 epoch of 9 examples in batches of 4 (the last of 1), lr 0.5", odd_batches


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
