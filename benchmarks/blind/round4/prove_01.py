"""Proofs for blind round 4 of lab 01: every mutant behaves differently from CORRECT[0], and every
CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round4/prove_01.py [lab/notebook ...] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Probes are round 3's (benchmarks/blind/round3/prove_01_02.py)
for lab 01, with the observations this round's mutants need added; they are written as generators of
(name, thunk), run by proofs.from_thunks (each thunk seeded and alone, exceptions recorded). The
visible check of primer ex6_train gets its training run redone at fast-mode size (visible_runs.context).

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.proofs import earlier_proofs, from_thunks, main  # noqa: E402
from benchmarks.blind.probe_kit import digits_like, flat_params, seeded  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R3 = earlier_proofs(3, "prove_01_02.py")
# what this round takes from round 3 unchanged
FixedNext = R3.FixedNext
TinyLM = R3.TinyLM
TinyLSTM = R3.TinyLSTM
CounterLM = R3.CounterLM
probe_ex3_autograd = R3.probe_ex3_autograd
probe_ex2_batch = R3.probe_ex2_batch
probe_ex3_model = R3.probe_ex3_model
probe_ex4_loss = R3.probe_ex4_loss
probe_ex5_train_step = R3.probe_ex5_train_step
probe_ex6_sample = R3.probe_ex6_sample
probe_ex7_evaluate = R3.probe_ex7_evaluate


# ---- lab 01 part 1 ----------------------------------------------------------------------------
def probe_ex1_tensors(ns):
    flatten, standardize = ns["flatten"], ns["standardize"]
    x = torch.tensor([[1.0, 10.0, -4.0], [3.0, 30.0, 0.0], [5.0, 50.0, 2.0], [2.0, 70.0, 1.0]])
    yield "flatten (2, 3, 4)", lambda: flatten(torch.arange(24.0).reshape(2, 3, 4))
    yield "flatten (2, 3, 2, 2)", lambda: flatten(torch.arange(24.0).reshape(2, 3, 2, 2))
    yield "flatten batch of one (1, 2, 2, 2)", lambda: flatten(torch.arange(8.0).reshape(1, 2, 2, 2))
    yield "flatten a transposed view", lambda: flatten(torch.arange(24.0).reshape(2, 3, 4).transpose(1, 2))
    yield "flatten a strided slice", lambda: flatten(torch.arange(48.0).reshape(2, 6, 4)[:, ::2])
    yield "standardize", lambda: standardize(x.clone())

    def caller_images():
        images = torch.arange(24.0).reshape(2, 3, 4)
        flatten(images)
        return images
    yield "the caller's images after flatten", caller_images
    yield "standardize tiny spread", lambda: standardize(torch.tensor([[0.0], [1e-4], [0.0], [1e-4]]))
    yield "standardize eps=0.5", lambda: standardize(x.clone(), eps=0.5)
    yield "standardize float64", lambda: standardize(x.double())


def probe_ex2_softmax(ns):
    softmax = ns["softmax"]
    yield "random (4, 6)", lambda: softmax(torch.randn(4, 6))
    yield "[0, ln 2]", lambda: softmax(torch.tensor([[0.0, math.log(2.0)]]))
    yield "[1000, 1000], [-1000, -999]", lambda: softmax(torch.tensor([[1000.0, 1000.0], [-1000.0, -999.0]]))
    yield "wide row [0, 200]", lambda: softmax(torch.tensor([[0.0, 200.0]]))
    yield "only very negative rows [-1000, -999]", lambda: softmax(torch.tensor([[-1000.0, -999.0]]))
    yield "float64 (3, 4)", lambda: softmax(torch.randn(3, 4, dtype=torch.float64))
    yield "3-D (2, 3, 4)", lambda: softmax(torch.randn(2, 3, 4))
    yield "1-D (5,)", lambda: softmax(torch.randn(5))


def probe_ex4_dense(ns):
    Dense = ns["DenseLayer"]

    def stats():
        layer = Dense(256, 64)
        W = layer.W.detach() * math.sqrt(256)
        return (round(W.std().item(), 1), round(W.mean().item(), 1), bool(W.min().item() < 0),
                sorted((n, tuple(p.shape)) for n, p in layer.named_parameters()), layer.b.detach().clone())
    yield "init statistics and parameters", stats

    def with_weights():
        layer = Dense(3, 2)
        with torch.no_grad():
            layer.W.copy_(torch.tensor([[0.5, -1.0], [1.0, 0.25], [-0.5, 2.0]]))
            layer.b.copy_(torch.tensor([0.1, -0.2]))
        out = layer(torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]))
        out.sum().backward()
        return out, layer.W.grad, layer.b.grad
    yield "forward and gradients with set weights", with_weights

    def two_in_a_row():
        torch.manual_seed(5)
        a, b = Dense(3, 2), Dense(3, 2)
        return a.W.detach().clone(), torch.equal(a.W, b.W), torch.rand(2)
    yield "two layers in a row (seed 5), and the global generator after them", two_in_a_row

    def large_inputs():
        layer = Dense(3, 2)
        with torch.no_grad():
            layer.W.copy_(torch.tensor([[0.5, -1.0], [1.0, 0.25], [-0.5, 2.0]]))
            layer.b.zero_()
        return layer(torch.tensor([[200.0, 0.0, 0.0], [0.0, 0.0, -100.0]]))
    yield "large pre-activations (z = 100, -200)", large_inputs


def probe_ex5_mlp(ns):
    build, MLP = ns["build_mlp"], ns["MLP"]
    x = torch.randn(5, 8, generator=torch.Generator().manual_seed(1))
    yield "build_mlp output (seed 0)", lambda: seeded(0, lambda: build(8, 16, 4))(x)
    yield "MLP output (seed 0)", lambda: seeded(0, lambda: MLP(8, 16, 4))(x)
    yield "build_mlp layer kinds", lambda: [type(m).__name__ for m in build(8, 16, 4)]
    yield "parameter counts", lambda: (sum(p.numel() for p in build(8, 16, 4).parameters()),
                                       sum(p.numel() for p in MLP(8, 16, 4).parameters()))

    def same_start():
        a = seeded(3, lambda: build(8, 16, 4))
        b = seeded(3, lambda: MLP(8, 16, 4))
        return torch.allclose(a(x), b(x))
    yield "same seed, same start", same_start


def probe_ex6_train_primer(ns):
    train = ns["train"]

    def run(shuffle):
        torch.manual_seed(0)
        model = nn.Linear(4, 3).eval()
        loader = torch.utils.data.DataLoader(digits_like(), batch_size=8, shuffle=shuffle,
                                             generator=torch.Generator().manual_seed(0) if shuffle else None)
        calls = []
        history = train(model, loader, 3, 0.1, on_epoch=lambda *a: calls.append(a))
        return {"history": history, "calls": calls, "params": flat_params(model), "training": model.training}
    yield "3 epochs, shuffled", lambda: run(True)
    yield "3 epochs, in order", lambda: run(False)

    def global_shuffle():
        torch.manual_seed(0)
        model = nn.Linear(4, 3)
        loader = torch.utils.data.DataLoader(digits_like(), batch_size=8, shuffle=True)
        history = train(model, loader, 2, 0.1)
        return {"history": history, "params": flat_params(model)}
    yield "2 epochs, shuffled by torch's global generator", global_shuffle

    def dropout_in_eval():
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 3)).eval()
        loader = torch.utils.data.DataLoader(digits_like(), batch_size=8)
        history = train(model, loader, 2, 0.1)
        return {"history": history, "params": flat_params(model), "training": model.training}
    yield "2 epochs, a dropout model arriving in eval mode", dropout_in_eval


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}

# ---- lab 01 part 2 ----------------------------------------------------------------------------
def probe_ex1_vocab(ns):
    b, v, d = ns["build_vocab"], ns["vectorize"], ns["devectorize"]
    vocab = ["\n", "A", "B", "|"]
    yield "build_vocab mixed text", lambda: b("aBcAb\n |zyxba")
    yield "vectorize", lambda: v("AB|\n", vocab)
    yield "vectorize 'AB' with a 4-character vocabulary", lambda: v("AB", vocab)
    yield "vectorize, unsorted vocabulary", lambda: v("ba|", ["|", "b", "a"])
    yield "devectorize tensor", lambda: d(torch.tensor([0, 1, 2, 0]), vocab)
    yield "devectorize list", lambda: d([2, 3, 1], vocab)
    yield "round trip", lambda: d(v("X:1\nK:G\nab\n", b("X:1\nK:G\nab\n")), b("X:1\nK:G\nab\n"))


PROBES["01_music_rnn/02_music_generation"] = {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
