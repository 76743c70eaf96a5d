"""Proofs for blind round 12 of lab 01 part 1 (PyTorch primer): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round12/prove_01_primer.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 11's (benchmarks/blind/round11/prove_01_primer.py,
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
from benchmarks.blind.probe_kit import digits_like, seeded  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R11 = earlier_proofs(11, "prove_01_primer.py")


def probe_ex1_tensors(ns):
    yield from R11.probe_ex1_tensors(ns)
    flatten, standardize = ns["flatten"], ns["standardize"]
    yield "standardize a (4, 3) batch", lambda: standardize(
        torch.tensor([[1.0, 2.0, 0.0], [3.0, -1.0, 5.0], [0.5, 4.0, 1.0], [2.0, 0.0, -2.0]]))
    yield "standardize a batch of one row (1, 3)", lambda: standardize(torch.tensor([[1.0, 2.0, 3.0]]))
    yield "flatten a (3, 5) batch (already flat)", lambda: flatten(torch.arange(15.0).reshape(3, 5))
    yield "flatten a (2, 1, 2, 2) batch", lambda: flatten(torch.arange(8.0).reshape(2, 1, 2, 2))


def probe_ex2_softmax(ns):
    yield from R11.probe_ex2_softmax(ns)
    softmax = ns["softmax"]
    yield "a wide float32 row [[1000, 0]]", lambda: softmax(torch.tensor([[1000.0, 0.0]]))
    yield "float32 (2, 3) logits: the dtype", lambda: str(softmax(torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]])).dtype)
    yield "(2, 2) logits [[1, 2], [3, 5]]", lambda: softmax(torch.tensor([[1.0, 2.0], [3.0, 5.0]]))


def probe_ex3_autograd(ns):
    yield from R11.probe_ex3_autograd(ns)
    g = ns["mse_gradient"]
    x, y = torch.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0], [1.0, 1.0]]), torch.tensor([1.0, -1.0, 0.5, 2.0])
    yield "4 examples, float32: the gradient", lambda: g(torch.tensor([0.3, -0.2]), x, y)
    yield "4 examples, float64: the gradient", lambda: g(torch.tensor([0.3, -0.2], dtype=torch.float64),
                                                          x.double(), y.double())

    def xy_holding_grads():
        xx, yy = x.clone(), y.clone()
        xx.grad, yy.grad = torch.full_like(xx, 3.0), torch.full_like(yy, 4.0)
        out = g(torch.tensor([0.3, -0.2]), xx, yy)
        return out, xx.grad, yy.grad
    yield "x and y holding .grad of 3s and 4s: the gradient, then x.grad and y.grad", xy_holding_grads


def probe_ex4_dense(ns):
    yield from R11.probe_ex4_dense(ns)
    Dense = ns["DenseLayer"]

    def two_under_one_seed():
        return (seeded(21, lambda: Dense(3, 2)).W.detach().clone(),
                seeded(21, lambda: Dense(3, 2)).W.detach().clone())
    yield "DenseLayer(3, 2) made twice under seed 21: both W", two_under_one_seed
    yield "DenseLayer(3, 2): W's shape", lambda: tuple(Dense(3, 2).W.shape)

    def saturated():
        layer = seeded(22, lambda: Dense(2, 1))
        with torch.no_grad():
            layer.W.copy_(torch.tensor([[1.0], [1.0]]))
        out = layer(torch.tensor([[-60.0, -50.0], [1.0, -2.0]]))
        out.sum().backward()
        return out, layer.W.grad, layer.b.grad
    yield "DenseLayer(2, 1) with W = 1 on z = -110 and z = -1: output, W.grad, b.grad", saturated


def probe_ex5_mlp(ns):
    yield from R11.probe_ex5_mlp(ns)
    build, MLP = ns["build_mlp"], ns["MLP"]
    x = torch.tensor([[1.0, -2.0, 0.5], [-1.0, 0.0, 2.0]])
    yield "MLP(3, 4, 2) under seed 23 on two rows: the output", lambda: seeded(23, lambda: MLP(3, 4, 2))(x)
    yield "build_mlp(3, 4, 2) under seed 23 on two rows: the output", lambda: seeded(23, lambda: build(3, 4, 2))(x)
    yield "build_mlp(3, 4, 2): module types and parameter count", lambda: (
        [type(m).__name__ for m in build(3, 4, 2)], sum(p.numel() for p in build(3, 4, 2).parameters()))
    yield "MLP(3, 4, 2): parameter names", lambda: [n for n, _ in MLP(3, 4, 2).named_parameters()]


def probe_ex6_train_primer(ns):
    yield from R11.probe_ex6_train_primer(ns)
    train = ns["train"]

    def from_eval():
        torch.manual_seed(4)
        model = nn.Linear(4, 3).eval()
        loader = torch.utils.data.DataLoader(digits_like(n=16), batch_size=8)
        history = train(model, loader, 1, 0.05)
        return history, [type(v).__name__ for v in history], model.training
    yield "a model given in eval mode, 1 epoch, lr 0.05: history, its types, model.training after", from_eval

    def small_lr():
        torch.manual_seed(5)
        model = nn.Linear(4, 3)
        loader = torch.utils.data.DataLoader(digits_like(n=16), batch_size=4)
        return train(model, loader, 2, 0.01), model.weight.detach().clone()
    yield "2 epochs of 4 batches, lr 0.01: history and the weights after", small_lr


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
