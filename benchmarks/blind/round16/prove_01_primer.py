"""Proofs for blind round 16 of lab 01 part 1 (PyTorch primer): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round16/prove_01_primer.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 15's (benchmarks/blind/round15/prove_01_primer.py,
loaded from its file, which keeps its resets of gradient tracking, anomaly detection and the default dtype
around every observation) followed by the few observations this round's mutants are easiest to read
from; they are generators of (name, thunk), run by proofs.from_thunks (each thunk seeded and alone,
exceptions recorded). The visible check of ex6_train gets its training run redone at fast-mode size
(visible_runs.context).

One mutant of this round leaves gradient tracking off for its caller and one turns anomaly detection
off; the observations that read those switches set and restore them themselves.

Written from the student notebook only. Nothing here reads solutions/ or hidden checks.
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

R15 = earlier_proofs(15, "prove_01_primer.py")   # wraps proofs.observe / visible_check with its resets


def probe_ex1_tensors(ns):
    yield from R15.probe_ex1_tensors(ns)
    flatten, standardize = ns["flatten"], ns["standardize"]
    yield "flatten an int64 (2, 2, 2) batch", lambda: flatten(torch.arange(8).reshape(2, 2, 2))
    yield "standardize float64 columns [1e8, 1e8 + 1] and [0, 1]", lambda: standardize(
        torch.tensor([[1e8, 0.0], [1e8 + 1.0, 1.0]], dtype=torch.float64))

    def two_batches():
        first = standardize(torch.tensor([[1.0, 2.0], [3.0, 6.0], [5.0, 1.0]]))
        second = standardize(torch.tensor([[10.0, -4.0], [20.0, 0.0], [60.0, 4.0]]))
        return first, second
    yield "standardize two (3, 2) batches one after the other: both results", two_batches
    yield "flatten a (2, 2, 2, 2) batch (channels first)", lambda: flatten(torch.arange(16.0).reshape(2, 2, 2, 2))


def probe_ex2_softmax(ns):
    yield from R15.probe_ex2_softmax(ns)
    softmax = ns["softmax"]

    def backward_through():
        logits = torch.tensor([[0.5, -1.0, 2.0]], requires_grad=True)
        out = softmax(logits)
        out[0, 2].backward()
        return out, logits.grad
    yield "(1, 3) logits that require grad: the output, the gradient of its last entry", backward_through
    yield "float16 (2, 3) logits", lambda: softmax(torch.tensor([[1.0, 2.0, 30.0], [0.0, -3.0, 1.5]],
                                                               dtype=torch.float16))

    def callers_logits():
        logits = torch.tensor([[1.0, 0.0, -1.0]])
        out = softmax(logits)
        return out, logits.requires_grad
    yield "plain (1, 3) logits: the output, then whether the caller's logits require grad", callers_logits


def probe_ex3_autograd(ns):
    yield from R15.probe_ex3_autograd(ns)
    g = ns["mse_gradient"]
    x, y = torch.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]]), torch.tensor([1.0, -1.0, 0.5])

    def plain_w():
        w = torch.tensor([0.3, -0.2])
        out = g(w, x, y)
        return out, w.requires_grad, w.grad is None
    yield "a plain w: the gradient, then w.requires_grad and whether w.grad is None", plain_w

    def anomaly_on():
        torch.autograd.set_detect_anomaly(True)
        try:
            out = g(torch.tensor([0.3, -0.2]), x, y)
            return out, torch.is_anomaly_enabled()
        finally:
            torch.autograd.set_detect_anomaly(False)
    yield "a caller with anomaly detection on: the gradient, then whether it is still on", anomaly_on

    def leaf_with_grad():
        w = torch.tensor([0.3, -0.2], requires_grad=True)
        w.grad = torch.ones(2)
        out = g(w, x, y)
        return out, w.grad
    yield "a leaf w that holds .grad = ones: the gradient, then w.grad", leaf_with_grad

    def non_leaf():
        base = torch.tensor([0.6, -0.4], requires_grad=True)
        return g(base * 0.5, x, y)
    yield "a non-leaf w (0.5 * a leaf): the gradient", non_leaf


def probe_ex4_dense(ns):
    yield from R15.probe_ex4_dense(ns)
    Dense = ns["DenseLayer"]
    x = torch.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]])

    def with_bias():
        layer = seeded(81, lambda: Dense(3, 2))
        with torch.no_grad():
            layer.b.fill_(1.5)
        out = layer(x)
        out.sum().backward()
        return out, layer.b.grad
    yield "DenseLayer(3, 2) (seed 81) with b set to 1.5: the output, b's gradient", with_bias

    def input_grad():
        layer = seeded(82, lambda: Dense(3, 2))
        inputs = x.clone().requires_grad_(True)
        layer(inputs).sum().backward()
        return inputs.grad

    yield "DenseLayer(3, 2) (seed 82) on inputs that require grad: the inputs' gradient", input_grad
    yield "DenseLayer(2, 1) (seed 83): b's dtype", lambda: str(seeded(83, lambda: Dense(2, 1)).b.dtype)


def probe_ex5_mlp(ns):
    yield from R15.probe_ex5_mlp(ns)
    build_mlp, MLP = ns["build_mlp"], ns["MLP"]
    x = torch.tensor([[1.0, -2.0, 0.5], [-1.0, 0.0, 2.0]])
    yield "MLP(3, 4, 2) (seed 91) on float64 rows", lambda: seeded(91, lambda: MLP(3, 4, 2))(x.double())

    def two_builds():
        a = seeded(92, lambda: build_mlp(3, 4, 2))
        b = seeded(93, lambda: build_mlp(3, 4, 2))
        return a(x), b(x), a is b
    yield "build_mlp(3, 4, 2) under seeds 92 and 93: both outputs, the same object?", two_builds

    def both_ways():
        a = seeded(94, lambda: build_mlp(3, 5, 2))(x)
        b = seeded(94, lambda: MLP(3, 5, 2))(x)
        return a, b
    yield "build_mlp(3, 5, 2) and MLP(3, 5, 2) under seed 94: both outputs", both_ways

    def negative_hidden():
        model = seeded(95, lambda: MLP(3, 4, 2))
        with torch.no_grad():
            model.fc1.weight.fill_(-1.0)
            model.fc1.bias.zero_()
        return model(torch.tensor([[1.0, 1.0, 1.0]]))
    yield "MLP(3, 4, 2) with fc1 weights -1, bias 0, on a row of ones", negative_hidden


def probe_ex6_train_primer(ns):
    yield from R15.probe_ex6_train_primer(ns)
    train = ns["train"]

    def flags():
        torch.manual_seed(14)
        model = nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.0))
        model.eval()
        loader = torch.utils.data.DataLoader(digits_like(n=8), batch_size=4)
        history = train(model, loader, 1, 0.1)
        return history, [m.training for m in model.modules()]
    yield "a Sequential left in eval mode, 1 epoch: history, every module's training flag", flags

    def weights_after():
        torch.manual_seed(15)
        model = nn.Linear(4, 3)
        with torch.no_grad():
            model.weight.fill_(0.25)
            model.bias.fill_(-0.5)
        loader = torch.utils.data.DataLoader(digits_like(n=6), batch_size=3)
        history = train(model, loader, 1, 0.2)
        return history, model.weight.detach().clone(), model.bias.detach().clone()
    yield "weights set to 0.25, bias -0.5, 1 epoch of 2 batches: history, weights after", weights_after

    def grad_mode_after():
        torch.set_grad_enabled(True)
        try:
            torch.manual_seed(16)
            loader = torch.utils.data.DataLoader(digits_like(n=4), batch_size=2)
            history = train(nn.Linear(4, 3), loader, 1, 0.1)
            return history, torch.is_grad_enabled()
        finally:
            torch.set_grad_enabled(True)
    yield "1 epoch, then whether gradient tracking is still on", grad_mode_after


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
