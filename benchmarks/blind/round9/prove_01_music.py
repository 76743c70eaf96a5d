"""Proofs for blind round 9 of lab 01 part 2 (music generation): every mutant behaves differently
from CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round9/prove_01_music.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 8's (benchmarks/blind/round8/prove_01_music.py,
loaded from its file) followed by the observations this round's mutants need; they are generators
of (name, thunk), run by proofs.from_thunks (each thunk seeded and alone, exceptions recorded).

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.proofs import earlier_proofs, from_thunks, main  # noqa: E402
from benchmarks.blind.probe_kit import flat_params, seeded  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R8 = earlier_proofs(8, "prove_01_music.py")
FixedNext, TinyLM, TinyLSTM = R8.FixedNext, R8.TinyLM, R8.TinyLSTM


class NextIndex(nn.Module):
    """Says, with near certainty, that the character after index i is index i + 1 (mod V): reads its input."""

    def __init__(self, vocab_size=5):
        super().__init__()
        self.vocab_size = vocab_size
        self.dummy = nn.Parameter(torch.zeros(1))

    def forward(self, x, state=None):
        logits = torch.full((*x.shape, self.vocab_size), -30.0)
        return logits.scatter(-1, ((x + 1) % self.vocab_size).unsqueeze(-1), 30.0), state


def probe_ex1_vocab(ns):
    yield from R8.probe_ex1_vocab(ns)
    v = ns["vectorize"]
    yield "vectorize a one-character text", lambda: v("b", ["a", "b"])
    yield "vectorize the empty text: shape and dtype", lambda: (tuple(v("", ["a"]).shape), str(v("", ["a"]).dtype))


def probe_ex2_batch(ns):
    yield from R8.probe_ex2_batch(ns)
    gb = ns["get_batch"]
    yield "arange(20), seq_len 3, batch 2, seed 9: types and dtypes", lambda: [
        (type(t).__name__, str(t.dtype)) for t in gb(torch.arange(20), 3, 2, torch.Generator().manual_seed(9))]


def probe_ex3_model(ns):
    yield from R8.probe_ex3_model(ns)
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]

    def layers():
        model = seeded(0, lambda: MusicLSTM(Config(vocab_size=6, embedding_dim=3, hidden_size=5, num_layers=1)))
        return sorted((n, tuple(p.shape)) for n, p in model.named_parameters())
    yield "vocab 6, embedding 3, hidden 5: named parameters and shapes", layers


def probe_ex4_loss(ns):
    yield from R8.probe_ex4_loss(ns)
    loss = ns["sequence_loss"]
    g = torch.Generator().manual_seed(17)
    base, targets = torch.randn(2, 3, 4, generator=g), torch.randint(0, 4, (2, 3), generator=g)

    def gradient():
        logits = base.clone().requires_grad_(True)
        out = loss(logits, targets)
        before = None if logits.grad is None else logits.grad.clone()
        out.backward()
        return type(out).__name__, before, logits.grad
    yield "leaf logits: type returned, logits.grad before and after the caller's backward", gradient

    def caller_logits():
        logits = base.clone() * 3
        out = loss(logits, targets)
        return out, logits
    yield "logits that do not require grad: the loss, then the caller's logits", caller_logits


def probe_ex5_train_step(ns):
    yield from R8.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def ce(logits, targets):
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def adam():
        model = seeded(3, TinyLSTM)
        start = flat_params(model)
        opt = torch.optim.Adam(model.parameters(), lr=0.1)
        g = torch.Generator().manual_seed(18)
        x, y = torch.randint(0, 5, (2, 6), generator=g), torch.randint(0, 5, (2, 6), generator=g)
        first = step(model, opt, x, y, ce, 1.0)
        second = step(model, opt, x, y, ce, 1.0)
        return repr(first), repr(second), flat_params(model) - start
    yield "LSTM, Adam lr 0.1, two steps: the exact losses returned, parameters moved", adam


def probe_ex6_sample(ns):
    yield from R8.probe_ex6_sample(ns)
    sample = ns["sample"]
    yield "LSTM, vocab of 5, prompt 'bd', 6 characters, seed 7", lambda: sample(
        seeded(5, TinyLSTM).eval(), ["\n", "a", "b", "c", "d"], start="bd", max_len=6,
        generator=torch.Generator().manual_seed(7))
    yield "a model that predicts index + 1: prompt 'bd', vocab of 5, 4 characters", lambda: sample(
        NextIndex(), ["\n", "a", "b", "c", "d"], start="bd", max_len=4, generator=torch.Generator().manual_seed(9))
    yield "type of the result, LSTM, prompt 'ab', 6 characters", lambda: type(sample(
        seeded(4, TinyLSTM).eval(), ["\n", "a", "b", "c", "d"], start="ab", max_len=6,
        generator=torch.Generator().manual_seed(8))).__name__


def probe_ex7_evaluate(ns):
    yield from R8.probe_ex7_evaluate(ns)
    rate = ns["valid_tune_rate"]
    yield "valid_tune_rate of two valid tunes: value and exact type", lambda: (
        lambda r: (r, type(r).__name__))(rate(["X:1\nT:a\n", "X:2\nT:b\n"], problem=lambda t: None))
    yield "valid_tune_rate of ['', ' \\n', 'abc'] with a problem that accepts everything", lambda: rate(
        ["", " \n", "abc"], problem=lambda t: None)


PROBES = {"01_music_rnn/02_music_generation": {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
