"""Proofs for blind round 5 of lab 01: every mutant behaves differently from CORRECT[0], and every
CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round5/prove_01.py [lab/notebook ...] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 4's (benchmarks/blind/round4/prove_01.py,
loaded from its file) followed by the observations this round's mutants need; they are generators
of (name, thunk), run by proofs.from_thunks (each thunk seeded and alone, exceptions recorded). The
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


R4 = earlier_proofs(4, "prove_01.py")
FixedNext, TinyLM, TinyLSTM = R4.FixedNext, R4.TinyLM, R4.TinyLSTM


# ---- lab 01 part 1 ----------------------------------------------------------------------------
def probe_ex1_tensors(ns):
    yield from R4.probe_ex1_tensors(ns)
    flatten = ns["flatten"]
    yield "flatten float64 images", lambda: flatten(torch.arange(24.0, dtype=torch.float64).reshape(2, 3, 4))
    yield "flatten integer images", lambda: flatten(torch.arange(24).reshape(2, 3, 4))


def probe_ex2_softmax(ns):
    yield from R4.probe_ex2_softmax(ns)
    softmax = ns["softmax"]
    yield "a non-contiguous (2, 4, 3) view: transpose(1, 2)", lambda: softmax(torch.randn(2, 3, 4).transpose(1, 2))


def probe_ex3_autograd(ns):
    yield from R4.probe_ex3_autograd(ns)
    g = ns["mse_gradient"]

    def caller_x():
        gen = torch.Generator().manual_seed(3)
        w, x, y = torch.randn(2, generator=gen), torch.randn(4, 2, generator=gen), torch.randn(4, generator=gen)
        grad = g(w, x, y)
        return grad, x.requires_grad, x.grad is None, y.requires_grad
    yield "the caller's x and y after the call", caller_x


def probe_ex4_dense(ns):
    yield from R4.probe_ex4_dense(ns)
    Dense = ns["DenseLayer"]
    yield "one output feature, batch of 2: output shape", lambda: tuple(Dense(3, 1)(torch.randn(2, 3)).shape)
    yield "batch of one: output shape", lambda: tuple(Dense(3, 2)(torch.randn(1, 3)).shape)

    def large_gradients():
        layer = Dense(3, 2)
        with torch.no_grad():
            layer.W.copy_(torch.tensor([[0.5, -1.0], [1.0, 0.25], [-0.5, 2.0]]))
            layer.b.zero_()
        layer(torch.tensor([[200.0, 0.0, 0.0], [0.0, 0.0, -100.0]])).sum().backward()
        return layer.W.grad, layer.b.grad
    yield "large pre-activations (z = 100, -200): gradients", large_gradients


def probe_ex5_mlp(ns):
    yield from R4.probe_ex5_mlp(ns)
    MLP = ns["MLP"]

    def named():
        model = MLP(8, 16, 4)
        return sorted((n, tuple(p.shape)) for n, p in model.named_parameters())
    yield "MLP named parameters", named


def probe_ex6_train_primer(ns):
    yield from R4.probe_ex6_train_primer(ns)
    train = ns["train"]

    def run(batch_size, scale=1.0, epochs=2):
        torch.manual_seed(0)
        model = nn.Linear(4, 3)
        x, y = digits_like().tensors
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x * scale, y), batch_size=batch_size)
        calls = []
        history = train(model, loader, epochs, 0.1, on_epoch=lambda epoch, loss: calls.append((epoch, loss)))
        return {"history": history, "calls": calls, "params": flat_params(model)}
    yield "2 epochs, batches of 4 (the last one holds one example)", lambda: run(4)
    yield "2 epochs, inputs times 20 (large gradients)", lambda: run(8, scale=20.0)


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}


# ---- lab 01 part 2 ----------------------------------------------------------------------------
def probe_ex1_vocab(ns):
    yield from R4.probe_ex1_vocab(ns)
    b, v, d = ns["build_vocab"], ns["vectorize"], ns["devectorize"]
    vocab = ["\n", "A", "B", "|"]
    yield "build_vocab, newlines only at the ends", lambda: b("\nab c\n")
    yield "vectorize the empty text", lambda: v("", vocab)
    yield "devectorize a tensor of one id", lambda: d(torch.tensor([2]), vocab)
    yield "devectorize an empty list", lambda: d([], vocab)


def probe_ex2_batch(ns):
    yield from R4.probe_ex2_batch(ns)
    gb = ns["get_batch"]
    ids = torch.randint(0, 9, (40,), generator=torch.Generator().manual_seed(7))
    yield "random ids, (5, 3) seed 2", lambda: gb(ids, 5, 3, torch.Generator().manual_seed(2))
    yield "random ids, seq_len 12 of 40, seed 4", lambda: gb(ids, 12, 6, torch.Generator().manual_seed(4))


def probe_ex3_model(ns):
    yield from R4.probe_ex3_model(ns)
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]
    cfg = Config(vocab_size=7, embedding_dim=5, hidden_size=6, num_layers=2)

    def one_by_one():
        model = seeded(0, lambda: MusicLSTM(cfg)).eval()
        logits, state = model(torch.tensor([[3]]))
        return logits, state, model.embedding.weight.detach().clone()
    yield "batch of one, one step (as sampling calls it), and the embedding table after", one_by_one


def probe_ex4_loss(ns):
    yield from R4.probe_ex4_loss(ns)
    loss = ns["sequence_loss"]
    logits = torch.randn(2, 3, 6, generator=torch.Generator().manual_seed(4))
    yield "targets that never reach the last character (V = 6, targets < 3)", lambda: loss(
        logits, torch.tensor([[0, 1, 2], [2, 1, 0]]))
    yield "batch of one, one position", lambda: loss(torch.tensor([[[1.0, -2.0, 0.5]]]), torch.tensor([[2]]))


def probe_ex5_train_step(ns):
    yield from R4.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def data():
        g = torch.Generator().manual_seed(2)
        return torch.randint(0, 5, (4, 6), generator=g), torch.randint(0, 5, (4, 6), generator=g)

    def spy_shapes():
        model = seeded(0, TinyLM)
        x, y = data()
        seen = []

        def loss_fn(logits, targets):
            seen.append((tuple(logits.shape), tuple(targets.shape)))
            return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        step(model, torch.optim.SGD(model.parameters(), lr=0.1), x, y, loss_fn, 10.0)
        return seen
    yield "shapes loss_fn is given", spy_shapes

    def stale_gradients():
        model = seeded(0, TinyLM)
        x, y = data()
        for p in model.parameters():
            p.grad = torch.ones_like(p)                # left behind by someone else
        loss = step(model, torch.optim.SGD(model.parameters(), lr=0.5), x, y,
                    lambda lo, t: nn.functional.cross_entropy(lo.reshape(-1, lo.shape[-1]), t.reshape(-1)), 100.0)
        return {"loss": loss, "params": flat_params(model),
                "grads": [None if p.grad is None else p.grad.clone() for p in model.parameters()]}
    yield "one step on a model with stale gradients", stale_gradients


def probe_ex6_sample(ns):
    yield from R4.probe_ex6_sample(ns)
    sample = ns["sample"]
    vocab = ["\n", "a", "b"]

    def without_generator():
        torch.manual_seed(11)
        first = sample(FixedNext([0.0, 0.0, 0.0]), vocab, start="a", max_len=30)
        second = sample(FixedNext([0.0, 0.0, 0.0]), vocab, start="a", max_len=30)
        return first, second, torch.rand(3)
    yield "no generator: two tunes, then torch's global generator", without_generator
    yield "temperature 0.15, logits [0, 1, 0.8]", lambda: sample(
        FixedNext([0.0, 1.0, 0.8]), vocab, start="a", max_len=40, temperature=0.15,
        generator=torch.Generator().manual_seed(0))
    wide = ["\n"] + [chr(ord("a") + i) for i in range(15)]
    yield "16 characters, logits rising by 0.1", lambda: sample(
        FixedNext([-30.0] + [0.1 * i for i in range(15)]), wide, start="a", max_len=80,
        generator=torch.Generator().manual_seed(0))


def probe_ex7_evaluate(ns):
    yield from R4.probe_ex7_evaluate(ns)
    bpc, rate = ns["bits_per_char"], ns["valid_tune_rate"]
    yield "valid_tune_rate with an empty tune", lambda: rate(["ok", "", "bad"],
                                                             problem=lambda t: None if t == "ok" else "broken")
    yield "valid_tune_rate type", lambda: type(rate(["ok", "bad"], problem=lambda t: None)).__name__
    yield "confident mistakes, logits [0, 200]", lambda: bpc(FixedNext([0.0, 200.0]), torch.zeros(20, dtype=torch.long),
                                                             seq_len=8)
    yield "uniform over 4, 21 ids, seq_len 5", lambda: bpc(FixedNext([0.0] * 4), torch.arange(21) % 4, seq_len=5)
    yield "bits for logits [0, ln 3], all 'b'", lambda: bpc(FixedNext([0.0, math.log(3.0)]),
                                                            torch.ones(10, dtype=torch.long), seq_len=4)


PROBES["01_music_rnn/02_music_generation"] = {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
