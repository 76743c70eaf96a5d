"""Proofs for blind round 7 of lab 01 part 1 (PyTorch primer): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round7/prove_01_primer.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 6's (benchmarks/blind/round6/prove_01_primer.py,
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

R6 = earlier_proofs(6, "prove_01_primer.py")


def probe_ex1_tensors(ns):
    yield from R6.probe_ex1_tensors(ns)
    flatten = ns["flatten"]
    batch = torch.arange(12.0).reshape(3, 2, 2)
    yield "flatten a (3, 2, 2) arange batch: type and rows", lambda: (type(flatten(batch)).__name__,
                                                                      torch.as_tensor(flatten(batch)))


def probe_ex2_softmax(ns):
    yield from R6.probe_ex2_softmax(ns)
    softmax = ns["softmax"]
    yield "rows with a large max [[5, 3, 1], [0, 0, 0]]", lambda: softmax(torch.tensor([[5.0, 3.0, 1.0],
                                                                                       [0.0, 0.0, 0.0]]))


def probe_ex3_autograd(ns):
    yield from R6.probe_ex3_autograd(ns)
    g = ns["mse_gradient"]
    x = torch.tensor([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0], [2.0, 0.0, 1.0]])   # square: w @ x runs
    w, y = torch.tensor([0.5, -1.0, 2.0]), torch.tensor([1.0, 0.0, -1.0])

    def square():
        out = g(w, x, y)
        return type(out).__name__, torch.as_tensor(out).detach().clone()
    yield "a square x (3 x 3): the type and value returned", square


def probe_ex4_dense(ns):
    yield from R6.probe_ex4_dense(ns)
    Dense = ns["DenseLayer"]

    def shapes():
        layer = Dense(3, 5)
        return {n: tuple(p.shape) for n, p in layer.named_parameters()}
    yield "parameter shapes of DenseLayer(3, 5)", shapes

    def wide_init():
        torch.manual_seed(3)
        layer = Dense(400, 50)
        return round(float(layer.W.detach().std() * 20), 1)   # std * sqrt(in): 1 when right
    yield "std of W times sqrt(in) for DenseLayer(400, 50)", wide_init

    def one_output():
        layer = Dense(2, 1)
        with torch.no_grad():
            layer.W.copy_(torch.tensor([[1.0], [-2.0]]))
        return layer(torch.tensor([[1.0, 0.25], [0.0, 1.0]]))
    yield "DenseLayer(2, 1) with W = [[1], [-2]] on two rows", one_output


def probe_ex5_mlp(ns):
    yield from R6.probe_ex5_mlp(ns)
    build, MLP = ns["build_mlp"], ns["MLP"]
    yield "build_mlp(4, 4, 2): type and module kinds", lambda: (
        type(build(4, 4, 2)).__name__, [type(m).__name__ for m in build(4, 4, 2).children()])

    def square_mlp():
        torch.manual_seed(2)
        model = MLP(3, 3, 2)
        return model(torch.tensor([[1.0, -2.0, 0.5], [-1.0, 0.0, 2.0]]))
    yield "MLP(3, 3, 2) (hidden == in) on two rows", square_mlp


def probe_ex6_train_primer(ns):
    yield from R6.probe_ex6_train_primer(ns)


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
