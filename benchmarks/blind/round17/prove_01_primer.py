"""Proofs for blind round 17 of lab 01 part 1 (PyTorch primer): every mutant behaves differently from
CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round17/prove_01_primer.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 16's (benchmarks/blind/round16/prove_01_primer.py,
loaded from its file, which keeps round 15's resets of gradient tracking, anomaly detection and the default
dtype around every observation) followed by the few observations this round's mutants are easiest to read
from; they are generators of (name, thunk), run by proofs.from_thunks (each thunk seeded and alone,
exceptions recorded). The visible check of ex6_train gets its training run redone at fast-mode size
(visible_runs.context).

One mutant of this round leaves torch.use_deterministic_algorithms on for its caller and one leaves anomaly
detection on; so that neither leaks into the answers proved after it, every observation and every visible
check here also ends with both switched off (the observations that read them set and restore them themselves).

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

R16 = earlier_proofs(16, "prove_01_primer.py")   # wraps proofs.observe / visible_check with round 15's resets


def _switches_reset(fn):
    def wrapped(*args, **kwargs):
        torch.use_deterministic_algorithms(False)
        torch.autograd.set_detect_anomaly(False)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.use_deterministic_algorithms(False)
            torch.autograd.set_detect_anomaly(False)
    return wrapped


proofs.observe = _switches_reset(proofs.observe)
proofs.visible_check = _switches_reset(proofs.visible_check)


def probe_ex1_tensors(ns):
    yield from R16.probe_ex1_tensors(ns)
    standardize = ns["standardize"]
    yield "standardize a (4, 2) batch whose first row is far from the others", lambda: standardize(
        torch.tensor([[10.0, -5.0], [1.0, 0.0], [2.0, 1.0], [0.0, 2.0]]))
    yield "standardize a (1, 2) row with eps=0.0 and with eps=0.5", lambda: (
        standardize(torch.tensor([[3.0, -1.0]]), 0.0), standardize(torch.tensor([[3.0, -1.0]]), 0.5))
    yield "standardize a (2, 1) column [0, 1e-6] (default eps)", lambda: standardize(
        torch.tensor([[0.0], [1e-6]]))


def probe_ex2_softmax(ns):
    yield from R16.probe_ex2_softmax(ns)
    softmax = ns["softmax"]

    def underflow_grad():
        logits = torch.tensor([[0.0, -200.0, 1.0]], requires_grad=True)
        out = softmax(logits)
        (out * torch.tensor([[1.0, 2.0, 3.0]])).sum().backward()
        return out, logits.grad
    yield "(1, 3) logits [0, -200, 1] (one exponential underflows): output and gradient of a weighted sum", \
        underflow_grad

    def jacobian_row():
        logits = torch.tensor([0.2, -0.3, 0.9], requires_grad=True)
        softmax(logits)[0].backward()
        return logits.grad
    yield "(V,) logits: the gradient of the first probability (off-diagonal terms)", jacobian_row
    yield "(2, 4) logits: row sums", lambda: softmax(torch.tensor([[3.0, 0.0, 1.0, -1.0],
                                                                  [0.5, 0.5, 2.0, 0.0]])).sum(-1)


def probe_ex3_autograd(ns):
    yield from R16.probe_ex3_autograd(ns)
    g = ns["mse_gradient"]
    x, y = torch.tensor([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]]), torch.tensor([1.0, -1.0, 0.5])

    def deterministic_after():
        torch.use_deterministic_algorithms(False)
        try:
            out = g(torch.tensor([0.3, -0.2]), x, y)
            return out, torch.are_deterministic_algorithms_enabled()
        finally:
            torch.use_deterministic_algorithms(False)
    yield "a plain call: the gradient, then whether deterministic algorithms are on", deterministic_after

    yield "float32 x with entries 1 + 2^-12 (not a bfloat16 number): the gradient", lambda: g(
        torch.tensor([0.5, 0.25]), torch.tensor([[1.000244140625, 3.0], [2.0, 1.000244140625]]),
        torch.tensor([0.0, 0.0]))

    def requires_grad_w():
        w = torch.tensor([0.3, -0.2], requires_grad=True)
        out = g(w, x, y)
        return out, out.requires_grad, out.grad_fn is None
    yield "a w that requires grad: the gradient, whether it requires grad, whether it has no grad_fn", requires_grad_w
    yield "x with columns far from mean 0 (x = [[10, 1], [12, 3], [14, 2]]): the gradient", lambda: g(
        torch.tensor([0.1, 0.2]), torch.tensor([[10.0, 1.0], [12.0, 3.0], [14.0, 2.0]]), torch.tensor([1.0, 2.0, 3.0]))


def probe_ex4_dense(ns):
    yield from R16.probe_ex4_dense(ns)
    Dense = ns["DenseLayer"]
    yield "DenseLayer(2, 1) (seed 84): b's shape, the output shape on 3 rows", lambda: (
        lambda layer: (tuple(layer.b.shape), tuple(layer(torch.ones(3, 2)).shape)))(seeded(84, lambda: Dense(2, 1)))
    yield "DenseLayer(3, 4) (seed 85): W", lambda: seeded(85, lambda: Dense(3, 4)).W
    yield "DenseLayer(5, 2).double() (seed 86) on float64 rows: the output dtype", lambda: str(
        seeded(86, lambda: Dense(5, 2).double())(torch.ones(2, 5, dtype=torch.float64)).dtype)

    def grads():
        layer = seeded(87, lambda: Dense(3, 2))
        out = layer(torch.tensor([[1.0, 0.5, -1.0]]))
        out.sum().backward()
        return out.requires_grad, layer.W.grad, layer.b.grad
    yield "DenseLayer(3, 2) (seed 87): whether the output requires grad, W's and b's gradients", grads


def probe_ex5_mlp(ns):
    yield from R16.probe_ex5_mlp(ns)
    build_mlp, MLP = ns["build_mlp"], ns["MLP"]
    x = torch.tensor([[1.0, -2.0, 0.5], [-1.0, 0.0, 2.0]])
    yield "build_mlp(3, 4, 2) (seed 101): the module types", lambda: [
        type(m).__name__ for m in seeded(101, lambda: build_mlp(3, 4, 2))]
    yield "MLP(3, 4, 2).double() (seed 102) on float64 rows: logits and dtype", lambda: (
        lambda out: (out, str(out.dtype)))(seeded(102, lambda: MLP(3, 4, 2).double())(x.double()))

    def bias_grad():
        model = seeded(103, lambda: MLP(3, 4, 2))
        with torch.no_grad():
            model.fc1.bias.fill_(0.7)
        out = model(x)
        out.sum().backward()
        return out, model.fc1.bias.grad
    yield "MLP(3, 4, 2) (seed 103) with fc1.bias 0.7: logits, fc1.bias's gradient", bias_grad

    def two_in_a_row():
        torch.manual_seed(104)
        a, b = MLP(3, 4, 2), MLP(3, 4, 2)
        return a.fc1.weight, b.fc1.weight, torch.rand(3)
    yield "two MLP(3, 4, 2) made one after the other (seed 104): both fc1 weights, then a draw", two_in_a_row


def probe_ex6_train_primer(ns):
    yield from R16.probe_ex6_train_primer(ns)
    train = ns["train"]

    def shuffled():
        torch.manual_seed(21)
        model = nn.Linear(4, 3)
        loader = torch.utils.data.DataLoader(digits_like(n=9), batch_size=3, shuffle=True)
        history = train(model, loader, 2, 0.3)
        return history, model.weight.detach().clone(), torch.rand(2)
    yield "a shuffling loader (global generator), 2 epochs: history, weights after, then two draws", shuffled

    def anomaly_after():
        torch.autograd.set_detect_anomaly(False)
        try:
            torch.manual_seed(22)
            loader = torch.utils.data.DataLoader(digits_like(n=4), batch_size=2)
            history = train(nn.Linear(4, 3), loader, 1, 0.1)
            return history, torch.is_anomaly_enabled()
        finally:
            torch.autograd.set_detect_anomaly(False)
    yield "1 epoch, then whether anomaly detection is on", anomaly_after

    def eval_top():
        torch.manual_seed(23)
        model = nn.Sequential(nn.Linear(4, 3))
        model.eval()
        loader = torch.utils.data.DataLoader(digits_like(n=4), batch_size=4)
        history = train(model, loader, 1, 0.1)
        return history, model.training
    yield "a Sequential left in eval mode: history, then the model's own training flag", eval_top


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
