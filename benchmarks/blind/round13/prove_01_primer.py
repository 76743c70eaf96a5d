"""Proofs for blind round 13 of lab 01 part 1 (PyTorch primer): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round13/prove_01_primer.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 12's (benchmarks/blind/round12/prove_01_primer.py,
loaded from its file) followed by the few observations this round's mutants are easiest to read
from; they are generators of (name, thunk), run by proofs.from_thunks (each thunk seeded and alone,
exceptions recorded). The visible check of ex6_train gets its training run redone at fast-mode size
(visible_runs.context).

One mutant of this round leaves gradient tracking turned off for its caller; so that it cannot leak
into the answers proved after it, every observation and every visible check here starts and ends
with torch.set_grad_enabled(True) (the observation that reads the mode restores it itself).

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

R12 = earlier_proofs(12, "prove_01_primer.py")


def _grad_mode_reset(fn):
    def wrapped(*args, **kwargs):
        torch.set_grad_enabled(True)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.set_grad_enabled(True)
    return wrapped


proofs.observe = _grad_mode_reset(proofs.observe)
proofs.visible_check = _grad_mode_reset(proofs.visible_check)


def probe_ex1_tensors(ns):
    yield from R12.probe_ex1_tensors(ns)
    flatten, standardize = ns["flatten"], ns["standardize"]
    x = torch.tensor([[1.0, 4.0], [3.0, 8.0], [5.0, 0.0]])
    yield "standardize a (3, 2) batch with eps=0.5", lambda: standardize(x, eps=0.5)
    yield "standardize a (3, 2) batch with eps=0.0", lambda: standardize(x, 0.0)
    yield "standardize a (5, 1) column with one outlier", lambda: standardize(
        torch.tensor([[0.0], [0.0], [0.0], [0.0], [10.0]]))
    yield "standardize a batch of one row (1, 2), float64", lambda: standardize(
        torch.tensor([[3.0, -7.0]], dtype=torch.float64))
    images = torch.arange(2 * 4 * 3.0).reshape(2, 4, 3)
    yield "flatten the slice images[:, ::2] of a (2, 4, 3) batch", lambda: flatten(images[:, ::2])
    yield "flatten images.transpose(1, 2) of a (2, 4, 3) batch", lambda: flatten(images.transpose(1, 2))
    yield "flatten the second half images[1:] of a (2, 4, 3) batch", lambda: flatten(images[1:])


def probe_ex2_softmax(ns):
    yield from R12.probe_ex2_softmax(ns)
    softmax = ns["softmax"]
    yield "float64 logits [0, -200, -300]: log of the result", lambda: softmax(
        torch.tensor([0.0, -200.0, -300.0], dtype=torch.float64)).log()
    yield "(3, 2) logits: the result", lambda: softmax(torch.tensor([[0.0, 1.0], [2.0, 0.0], [1.0, 1.0]]))
    yield "(1, 3) logits [[1, 2, 3]]", lambda: softmax(torch.tensor([[1.0, 2.0, 3.0]]))
    yield "(2, 2) logits [[0, 3], [4, 1]]", lambda: softmax(torch.tensor([[0.0, 3.0], [4.0, 1.0]]))


def probe_ex3_autograd(ns):
    yield from R12.probe_ex3_autograd(ns)
    g = ns["mse_gradient"]
    x, y = torch.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]]), torch.tensor([1.0, -1.0, 0.5])

    def grad_mode_after():
        torch.set_grad_enabled(True)
        try:
            out = g(torch.tensor([0.3, -0.2]), x, y)
            return out, torch.is_grad_enabled()
        finally:
            torch.set_grad_enabled(True)
    yield "the gradient, then whether gradient tracking is still on for the caller", grad_mode_after
    yield "a (2, 1) column w with (3, 1) targets: the gradient", lambda: g(
        torch.tensor([[0.3], [-0.2]]), x, y[:, None])
    yield "3 examples: the gradient (the first example weighs in)", lambda: g(
        torch.tensor([0.0, 0.0]), torch.tensor([[5.0, 0.0], [0.0, 1.0], [0.0, 1.0]]), torch.tensor([1.0, 0.0, 0.0]))


def probe_ex4_dense(ns):
    yield from R12.probe_ex4_dense(ns)
    Dense = ns["DenseLayer"]
    yield "DenseLayer(1, 4000) (seed 31): the std of W, to one decimal", lambda: round(
        seeded(31, lambda: Dense(1, 4000)).W.detach().std().item(), 1)

    def b_learns():
        layer = seeded(33, lambda: Dense(3, 2))
        out = layer(torch.tensor([[1.0, 0.0, -1.0]]))
        out.sum().backward()
        return out, [(n, p.requires_grad, str(p.dtype)) for n, p in layer.named_parameters()], layer.b.grad
    yield "DenseLayer(3, 2) (seed 33) on one row: output, (name, requires_grad, dtype), b.grad", b_learns


def probe_ex5_mlp(ns):
    yield from R12.probe_ex5_mlp(ns)
    build, MLP = ns["build_mlp"], ns["MLP"]
    x = torch.tensor([[1.0, -2.0, 0.5], [-1.0, 0.0, 2.0]])
    yield "MLP(3, 4, 1) under seed 34 on two rows: the output", lambda: seeded(34, lambda: MLP(3, 4, 1))(x)
    yield "MLP(3, 4, 2) under seed 35 on one row: the output", lambda: seeded(35, lambda: MLP(3, 4, 2))(x[:1])

    def same_start():
        a, b = seeded(36, lambda: build(3, 4, 2)), seeded(36, lambda: MLP(3, 4, 2))
        return [p.detach().clone() for p in a.parameters()], [p.detach().clone() for p in b.parameters()]
    yield "build_mlp(3, 4, 2) and MLP(3, 4, 2) under seed 36: both parameter lists", same_start


def probe_ex6_train_primer(ns):
    yield from R12.probe_ex6_train_primer(ns)
    train = ns["train"]

    def three_epochs():
        torch.manual_seed(6)
        model = nn.Linear(4, 3)
        loader = torch.utils.data.DataLoader(digits_like(n=12), batch_size=4)
        calls = []
        history = train(model, loader, 3, 0.2, on_epoch=lambda *a: calls.append(a))
        return history, calls, model.weight.detach().clone()
    yield "3 epochs of 3 batches, lr 0.2: history, on_epoch calls, weights after", three_epochs

    def float64_model():
        torch.manual_seed(7)
        model = nn.Linear(4, 3).double()
        data = digits_like(n=8)
        loader = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(data.tensors[0].double(), data.tensors[1]), batch_size=4)
        history = train(model, loader, 1, 0.1)
        return history, [str(p.dtype) for p in model.parameters()]
    yield "a float64 model on float64 data, 1 epoch: history, parameter dtypes after", float64_model

    def eval_dropout():
        torch.manual_seed(8)
        model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 3)).eval()
        loader = torch.utils.data.DataLoader(digits_like(n=8), batch_size=4)
        history = train(model, loader, 1, 0.1)
        return history, model.training, model[1].training
    yield "a dropout model given in eval mode, 1 epoch: history, modes after", eval_dropout


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
