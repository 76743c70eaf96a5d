"""Proofs for blind round 9 of lab 01 part 1 (PyTorch primer): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round9/prove_01_primer.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 8's (benchmarks/blind/round8/prove_01_primer.py,
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

import torch  # noqa: E402

R8 = earlier_proofs(8, "prove_01_primer.py")


def probe_ex1_tensors(ns):
    yield from R8.probe_ex1_tensors(ns)
    standardize = ns["standardize"]
    far = torch.tensor([[10000.001, 5.0, 0.0], [10000.002, 6.0, 2e-5], [10000.004, 8.0, 4e-5]],
                       dtype=torch.float64)        # a column far from 0 with a spread of 1e-3, one of 1e-5
    yield "float64 columns: one near 1e4 with spread 1e-3, one with spread 1e-5", lambda: standardize(far)
    yield "the last two columns in float32 (spreads 1.2 and 1.6e-5)", lambda: standardize(far[:, 1:].float())


def probe_ex2_softmax(ns):
    yield from R8.probe_ex2_softmax(ns)
    softmax = ns["softmax"]
    yield "log of softmax([[0, -30, -60], [1, 2, 3]])", lambda: softmax(
        torch.tensor([[0.0, -30.0, -60.0], [1.0, 2.0, 3.0]])).log()
    yield "softmax([0.1, 0.2, 0.3, 0.4]) in float64", lambda: softmax(
        torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=torch.float64))


def probe_ex3_autograd(ns):
    yield from R8.probe_ex3_autograd(ns)
    g = ns["mse_gradient"]
    x = torch.tensor([[1.0, 2.0], [0.0, 1.0], [2.0, -1.0]])
    w, y = torch.tensor([0.5, -1.0]), torch.tensor([1.0, 0.0, -1.0])

    def caller_y():
        y_given = y.clone()
        out = g(w, x, y_given)
        return out, y_given.detach().clone(), y_given.requires_grad
    yield "the gradient, then the caller's y and its requires_grad", caller_y


def probe_ex4_dense(ns):
    yield from R8.probe_ex4_dense(ns)
    Dense = ns["DenseLayer"]

    def grads():
        torch.manual_seed(4)
        layer = Dense(3, 2)
        layer(torch.tensor([[1.0, -1.0, 0.5]])).sum().backward()
        return sorted((n, None if p.grad is None else p.grad.clone()) for n, p in layer.named_parameters())
    yield "DenseLayer(3, 2): gradients of every parameter after one backward", grads


def probe_ex5_mlp(ns):
    yield from R8.probe_ex5_mlp(ns)
    build, MLP = ns["build_mlp"], ns["MLP"]

    def mlp_grads():
        torch.manual_seed(5)
        model = MLP(3, 4, 2)
        names_before = [(n, type(p).__name__) for n, p in model.named_parameters()]
        model(torch.tensor([[1.0, -2.0, 0.5], [0.5, 1.0, 1.5]])).sum().backward()
        return names_before, [(n, None if p.grad is None else p.grad.clone()) for n, p in model.named_parameters()]
    yield "MLP(3, 4, 2): parameters before the first call, gradients after one backward", mlp_grads

    def same_start():
        torch.manual_seed(6)
        a = build(3, 4, 2)
        torch.manual_seed(6)
        b = MLP(3, 4, 2)
        x = torch.tensor([[1.0, -2.0, 0.5]])
        return a(x), b(x)
    yield "build_mlp and MLP under seed 6: outputs on one row", same_start


def probe_ex6_train_primer(ns):
    yield from R8.probe_ex6_train_primer(ns)


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
