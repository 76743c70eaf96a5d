"""Proofs for blind round 10 of lab 01 part 1 (PyTorch primer): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round10/prove_01_primer.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 9's (benchmarks/blind/round9/prove_01_primer.py,
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
from benchmarks.blind.probe_kit import digits_like, flat_params  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R9 = earlier_proofs(9, "prove_01_primer.py")


def probe_ex1_tensors(ns):
    yield from R9.probe_ex1_tensors(ns)
    flatten, standardize = ns["flatten"], ns["standardize"]
    outlier = torch.cat([torch.zeros(19, 1), torch.tensor([[100.0]])])       # one value far from 19 others
    yield "standardize a (20, 1) column of 19 zeros and one 100 (z of the outlier sqrt(19))", lambda: standardize(
        torch.cat([outlier, torch.arange(20.0).unsqueeze(1)], dim=1))
    yield "standardize a square (2, 2) batch", lambda: standardize(torch.tensor([[1.0, 10.0], [3.0, 50.0]]))
    yield "flatten a (2, 2, 2, 3) batch", lambda: flatten(torch.arange(24.0).reshape(2, 2, 2, 3))


def probe_ex2_softmax(ns):
    yield from R9.probe_ex2_softmax(ns)
    softmax = ns["softmax"]
    yield "softmax([[0.3, 0.1, -0.2, 0.05]])", lambda: softmax(torch.tensor([[0.3, 0.1, -0.2, 0.05]]))
    yield "log softmax([0, -55, -70]) in float64", lambda: softmax(
        torch.tensor([0.0, -55.0, -70.0], dtype=torch.float64)).log()


def probe_ex3_autograd(ns):
    yield from R9.probe_ex3_autograd(ns)
    g = ns["mse_gradient"]

    def twice():
        w = torch.tensor([0.5, -1.0])
        x, y = torch.tensor([[1.0, 2.0], [0.0, 1.0], [2.0, -1.0]]), torch.tensor([1.0, 0.0, -1.0])
        first = g(w, x, y).clone()
        second = g(w, x, y).clone()
        return first, second, w.requires_grad, w.grad
    yield "two calls on one w: both gradients, then w.requires_grad and w.grad", twice
    yield "one weight, x (3, 1)", lambda: g(torch.tensor([1.5]), torch.tensor([[1.0], [2.0], [-1.0]]),
                                            torch.tensor([0.0, 1.0, 2.0]))
    yield "square x (2, 2)", lambda: g(torch.tensor([1.0, -1.0]), torch.tensor([[1.0, 2.0], [3.0, 4.0]]),
                                       torch.tensor([0.5, 1.0]))


def probe_ex4_dense(ns):
    yield from R9.probe_ex4_dense(ns)
    Dense = ns["DenseLayer"]

    def seeded_weights():
        torch.manual_seed(11)
        a = Dense(4, 3)
        torch.manual_seed(12)
        b = Dense(4, 3)
        return a.W.detach().clone(), b.W.detach().clone()
    yield "DenseLayer(4, 3) under seeds 11 and 12: W of each", seeded_weights

    def spread():
        torch.manual_seed(13)
        return round(float(Dense(400, 50).W.std()), 2)
    yield "DenseLayer(400, 50): the std of W to 2 decimals (1 / sqrt(400) = 0.05)", spread
    yield "DenseLayer(2, 2) with W = 1, b = 0 on [[1, -3]]", lambda: _fixed_dense(Dense)


def _fixed_dense(Dense):
    layer = Dense(2, 2)
    with torch.no_grad():
        for p in layer.parameters():
            p.fill_(1.0 if p.dim() == 2 else 0.0)
    return layer(torch.tensor([[1.0, -3.0]]))


def probe_ex5_mlp(ns):
    yield from R9.probe_ex5_mlp(ns)
    build, MLP = ns["build_mlp"], ns["MLP"]

    def counts():
        return [sorted((n, tuple(p.shape)) for n, p in m.named_parameters()) for m in (build(3, 4, 2), MLP(3, 4, 2))]
    yield "build_mlp(3, 4, 2) and MLP(3, 4, 2): parameter names and shapes", counts

    def grads():
        torch.manual_seed(7)
        model = MLP(3, 3, 3)
        out = model(torch.tensor([[1.0, -2.0, 0.5]]))
        out.sum().backward()
        return out, [None if p.grad is None else p.grad.clone() for p in model.parameters()]
    yield "MLP(3, 3, 3): output and gradients on one row", grads


def probe_ex6_train_primer(ns):
    yield from R9.probe_ex6_train_primer(ns)
    train = ns["train"]

    def two_epochs():
        torch.manual_seed(0)
        model = nn.Linear(4, 3)
        start = flat_params(model)
        loader = torch.utils.data.DataLoader(digits_like(), batch_size=8)   # 5 batches, the last of 5, no shuffle
        history = train(model, loader, 2, 0.3)
        return history, flat_params(model) - start
    yield "2 epochs over 37 examples in batches of 8 (unshuffled), lr 0.3: history, parameters moved", two_epochs


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
