"""Proofs for blind round 6 of lab 01 part 1 (PyTorch primer): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round6/prove_01_primer.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 5's (benchmarks/blind/round5/prove_01.py,
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

R5 = earlier_proofs(5, "prove_01.py")


def probe_ex1_tensors(ns):
    yield from R5.probe_ex1_tensors(ns)
    standardize = ns["standardize"]
    wide = torch.tensor([[1.0, 2.0, 10.0, -3.0, 0.5], [3.0, 6.0, 30.0, 1.0, 0.5]])
    yield "standardize a (2, 5) batch: fewer rows than columns", lambda: standardize(wide)
    yield "standardize a (6, 1) column", lambda: standardize(torch.tensor([[0.0], [1.0], [2.0], [3.0], [4.0], [8.0]]))


def probe_ex2_softmax(ns):
    yield from R5.probe_ex2_softmax(ns)
    softmax = ns["softmax"]
    yield "a row of negative logits [-3, -1, -2]", lambda: softmax(torch.tensor([[-3.0, -1.0, -2.0]]))
    yield "hand case [0, ln 3, 0] (1-D)", lambda: softmax(torch.log(torch.tensor([1.0, 3.0, 1.0])))


def probe_ex3_autograd(ns):
    yield from R5.probe_ex3_autograd(ns)
    g = ns["mse_gradient"]
    # residual [1, -1]: mean 0, so the squared error and its variance agree in value, not in gradient
    yield "targets far from 0 (x = [[1], [2]], w = [1], y = [0, 3])", lambda: g(
        torch.tensor([1.0]), torch.tensor([[1.0], [2.0]]), torch.tensor([0.0, 3.0]))
    yield "one example, two weights", lambda: g(torch.tensor([0.5, -1.0]), torch.tensor([[2.0, 1.0]]),
                                                torch.tensor([4.0]))


def probe_ex4_dense(ns):
    yield from R5.probe_ex4_dense(ns)
    Dense = ns["DenseLayer"]

    def registered():
        layer = Dense(4, 3)
        return sorted(n for n, _ in layer.named_parameters()), type(layer.W).__name__, layer.W.is_leaf

    yield "registered parameter names, the type of W, W a leaf", registered

    def one_step():
        layer = Dense(3, 2)
        with torch.no_grad():
            layer.W.copy_(torch.tensor([[0.5, -1.0], [1.0, 0.25], [-0.5, 2.0]]))
        out = layer(torch.tensor([[1.0, 1.0, 1.0]]))
        out.sum().backward()
        return out, [None if p.grad is None else p.grad.clone() for p in layer.parameters()]

    yield "output z = [1, 1.25] and the gradients of every parameter", one_step


def probe_ex5_mlp(ns):
    yield from R5.probe_ex5_mlp(ns)
    build, MLP = ns["build_mlp"], ns["MLP"]
    x = torch.tensor([[1.0, -2.0, 0.5], [-1.0, 0.0, 2.0]])
    yield "MLP(3, 5, 2) on two rows (seed 1)", lambda: seeded(1, lambda: MLP(3, 5, 2))(x)
    yield "build_mlp(3, 5, 2) on two rows (seed 1)", lambda: seeded(1, lambda: build(3, 5, 2))(x)


def probe_ex6_train_primer(ns):
    yield from R5.probe_ex6_train_primer(ns)
    train = ns["train"]

    def one_epoch():
        torch.manual_seed(0)
        model = nn.Linear(4, 3)
        start = flat_params(model)
        loader = torch.utils.data.DataLoader(digits_like(), batch_size=10)
        calls = []
        history = train(model, loader, 1, 0.5, on_epoch=lambda e, loss: calls.append((e, loss)))
        return {"history": history, "calls": calls, "moved": bool((flat_params(model) - start).abs().max() > 0)}

    yield "1 epoch, 4 batches (the last of 7), lr 0.5", one_epoch


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
