"""Proofs for blind round 8 of lab 01 part 2 (music generation): every mutant behaves differently
from CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round8/prove_01_music.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 7's (benchmarks/blind/round7/prove_01_music.py,
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

R7 = earlier_proofs(7, "prove_01_music.py")
FixedNext, TinyLM, TinyLSTM = R7.FixedNext, R7.TinyLM, R7.TinyLSTM


class ModeSpy(nn.Module):
    """Uniform next-character logits; records the mode it was in and the input shape at every call."""

    def __init__(self, vocab_size=3):
        super().__init__()
        self.vocab_size = vocab_size
        self.dummy = nn.Parameter(torch.zeros(1))
        self.seen = []

    def forward(self, x, state=None):
        self.seen.append((self.training, tuple(x.shape)))
        return torch.zeros(*x.shape, self.vocab_size), state


def probe_ex1_vocab(ns):
    yield from R7.probe_ex1_vocab(ns)
    b, v, d = ns["build_vocab"], ns["vectorize"], ns["devectorize"]
    yield "build_vocab: type of the vocabulary and of its entries", lambda: (
        type(b("ba\nb")).__name__, [type(ch).__name__ for ch in b("ba\nb")])

    def two_vocabs():
        first = v("abc", ["a", "b", "c"])
        return first, v("abc", ["c", "b", "a"])
    yield "vectorize 'abc' with two vocabularies in a row", two_vocabs
    yield "devectorize a list of three ids", lambda: d([2, 0, 1], ["x", "y", "z"])


def probe_ex2_batch(ns):
    yield from R7.probe_ex2_batch(ns)
    gb = ns["get_batch"]
    ids = torch.arange(40)

    def global_twice():
        torch.manual_seed(11)
        first = gb(ids, 6, 3)
        second = gb(ids, 6, 3)
        return first, second, torch.rand(2)
    yield "no generator: two batches in a row, then torch's global generator", global_twice
    yield "arange(40), seq_len 6, batch 4, seed 12: shapes", lambda: [
        tuple(t.shape) for t in gb(ids, 6, 4, torch.Generator().manual_seed(12))]


def dense(value):
    """`value` with every sparse tensor made dense: the driver compares strided tensors only."""
    if isinstance(value, torch.Tensor):
        return value.to_dense() if value.is_sparse else value
    if isinstance(value, dict):
        return {k: dense(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(dense(v) for v in value)
    return value


def probe_ex3_model(ns):
    for name, thunk in R7.probe_ex3_model(ns):     # a sparse-gradient answer yields sparse tensors there
        yield name, lambda thunk=thunk: dense(thunk())
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]
    cfg = Config(vocab_size=7, embedding_dim=4, hidden_size=4, num_layers=1)
    x = torch.randint(0, 7, (2, 5), generator=torch.Generator().manual_seed(13))
    y = torch.randint(0, 7, (2, 5), generator=torch.Generator().manual_seed(14))

    def adam_step():
        model = seeded(0, lambda: MusicLSTM(cfg))
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        logits, _ = model(x)
        nn.functional.cross_entropy(logits.reshape(-1, 7), y[:, :logits.shape[1]].reshape(-1)).backward()
        sparse = [n for n, p in model.named_parameters() if p.grad is not None and p.grad.is_sparse]
        opt.step()
        return sparse, flat_params(model)
    yield "embedding 4 = hidden 4: one Adam step, sparse gradients, parameters after", adam_step

    def named_shapes():
        model = seeded(0, lambda: MusicLSTM(cfg))
        return sorted((n, tuple(p.shape)) for n, p in model.named_parameters())
    yield "named parameters and shapes (embedding 4 = hidden 4)", named_shapes


def probe_ex4_loss(ns):
    yield from R7.probe_ex4_loss(ns)
    loss = ns["sequence_loss"]
    g = torch.Generator().manual_seed(15)
    logits, targets = torch.randn(2, 3, 4, generator=g) * 3, torch.randint(0, 4, (2, 3), generator=g)
    yield "(2, 3, 4) random logits times 3: the loss", lambda: loss(logits, targets)
    yield "batch of one, one position, V = 4", lambda: loss(torch.tensor([[[2.0, 0.0, -1.0, 0.5]]]),
                                                          torch.tensor([[3]]))


def probe_ex5_train_step(ns):
    yield from R7.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def ce(logits, targets):
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def run(max_norm, batch):
        model = seeded(1, TinyLSTM)
        start = flat_params(model)
        g = torch.Generator().manual_seed(16)
        x, y = torch.randint(0, 5, (batch, 6), generator=g), torch.randint(0, 5, (batch, 6), generator=g)
        loss = step(model, torch.optim.SGD(model.parameters(), lr=1.0), x, y, ce, max_norm)
        return {"loss": loss, "moved": flat_params(model) - start}
    yield "LSTM, batch 3, SGD lr 1, max_norm 0.2", lambda: run(0.2, 3)
    yield "LSTM, batch 1, SGD lr 1, max_norm 100", lambda: run(100.0, 1)


def probe_ex6_sample(ns):
    yield from R7.probe_ex6_sample(ns)
    sample = ns["sample"]
    vocab = ["\n", "a", "b"]
    yield "temperature 0.01, logits [0, 0.05, 0.1], 20 characters", lambda: sample(
        FixedNext([0.0, 0.05, 0.1]), vocab, start="a", max_len=20, temperature=0.01,
        generator=torch.Generator().manual_seed(4))
    yield "temperature 0.05, logits [0, 0.1, 0.15], 20 characters", lambda: sample(
        FixedNext([0.0, 0.1, 0.15]), vocab, start="ab", max_len=20, temperature=0.05,
        generator=torch.Generator().manual_seed(5))

    def modes():
        spy = ModeSpy().train()
        text = sample(spy, vocab, start="aba", max_len=4, generator=torch.Generator().manual_seed(6))
        return text, spy.seen
    yield "a model in training mode: its mode and input shape at every call", modes


def probe_ex7_evaluate(ns):
    yield from R7.probe_ex7_evaluate(ns)
    bpc, rate = ns["bits_per_char"], ns["valid_tune_rate"]
    ids = torch.tensor([0, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0])
    yield "logits [0, 1], 11 varied ids, seq_len 3 (a short last chunk)", lambda: bpc(FixedNext([0.0, 1.0]), ids,
                                                                                       seq_len=3)
    yield "logits [0, 1], 11 varied ids, seq_len 5", lambda: bpc(FixedNext([0.0, 1.0]), ids, seq_len=5)
    yield "valid_tune_rate of an empty list, exact type", lambda: type(rate([], problem=lambda t: None)).__name__
    yield "bits of a LSTM, 13 ids, seq_len 4", lambda: bpc(seeded(2, TinyLSTM).eval(), torch.arange(13) % 5, seq_len=4)


PROBES = {"01_music_rnn/02_music_generation": {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
