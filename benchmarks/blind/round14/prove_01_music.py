"""Proofs for blind round 14 of lab 01 part 2 (music generation): every mutant behaves differently
from CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round14/prove_01_music.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 13's (benchmarks/blind/round13/prove_01_music.py,
loaded from its file) followed by the observations this round's mutants need; they are generators
of (name, thunk), run by proofs.from_thunks (each thunk seeded and alone, exceptions recorded).

Written from the student notebook only: nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.proofs import earlier_proofs, from_thunks, main  # noqa: E402
from benchmarks.blind.probe_kit import seeded  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R13 = earlier_proofs(13, "prove_01_music.py")
FixedNext, TinyLM, TinyLSTM, NextIndex = R13.FixedNext, R13.TinyLM, R13.TinyLSTM, R13.NextIndex

VOCAB5 = R13.VOCAB5


class CountingLM(nn.Module):
    """State = the number of characters read; the next one is certain: '\n' (index 0) after every 4th
    character read, else index 1 + (count % 3). Never two newlines in a row."""

    def __init__(self, vocab_size=5):
        super().__init__()
        self.vocab_size = vocab_size
        self.dummy = nn.Parameter(torch.zeros(1))

    def forward(self, x, state=None):
        seen = 0 if state is None else int(state)
        logits = torch.full((*x.shape, self.vocab_size), -30.0)
        for t in range(x.shape[1]):
            total = seen + t + 1
            logits[:, t, 0 if total % 4 == 0 else 1 + total % 3] = 30.0
        return logits, torch.tensor(seen + x.shape[1])


def probe_ex1_vocab(ns):
    yield from R13.probe_ex1_vocab(ns)
    b, v, d = ns["build_vocab"], ns["vectorize"], ns["devectorize"]
    yield "vectorize('caf\\u00e9 \\u266f', its own vocab)", lambda: v("caf\u00e9 \u266f", sorted(set("caf\u00e9 \u266f")))

    def caller_vocab():
        vocab = ["c", "a", "b"]
        ids = v("abc", vocab)
        return ids, list(vocab)
    yield "vectorize('abc', ['c', 'a', 'b']): ids and the caller's vocab after", caller_vocab
    yield "build_vocab('|:\\n')", lambda: b("|:\n")
    yield "devectorize of 'ab\\n\\ncd' round trip", lambda: d(v("ab\n\ncd", ["\n", "a", "b", "c", "d"]),
                                                            ["\n", "a", "b", "c", "d"])


def probe_ex2_batch(ns):
    yield from R13.probe_ex2_batch(ns)
    gb = ns["get_batch"]
    ids = (torch.arange(60) * 11 % 29).to(torch.int32)
    yield "int32 ids, seq_len 5, batch 4", lambda: gb(ids, 5, 4, torch.Generator().manual_seed(90))

    def global_untouched():
        torch.manual_seed(91)
        x, y = gb(torch.arange(100), 6, 5, torch.Generator().manual_seed(92))
        return x, y, torch.get_rng_state()
    yield "a generator given under global seed 91: x, y, global state after", global_untouched
    yield "batch 3 from 1,000 ids, seq_len 4, seed 93", lambda: gb(torch.arange(1000), 4, 3,
                                                                   torch.Generator().manual_seed(93))


def probe_ex3_model(ns):
    yield from R13.probe_ex3_model(ns)
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]

    def cfg():
        return Config(vocab_size=6, embedding_dim=3, hidden_size=4, num_layers=1)

    def state_type():
        model = seeded(40, lambda: MusicLSTM(cfg())).eval()
        _, state = model(torch.tensor([[1, 2]]))
        return type(state).__name__, len(state)
    yield "type of the state returned", state_type

    def double_logits():
        model = seeded(41, lambda: MusicLSTM(cfg())).double().eval()
        logits, _ = model(torch.tensor([[1, 2, 3]]))
        return str(logits.dtype), logits
    yield "float64 model: logits dtype", double_logits
    yield "batch of one, T = 1: logits", lambda: seeded(42, lambda: MusicLSTM(cfg())).eval()(torch.tensor([[4]]))[0]

    def global_after_init():
        torch.manual_seed(43)
        MusicLSTM(cfg())
        return torch.rand(3)
    yield "global draws after building a model under seed 43", global_after_init


def probe_ex4_loss(ns):
    yield from R13.probe_ex4_loss(ns)
    loss = ns["sequence_loss"]
    g = torch.Generator().manual_seed(94)
    big = 1e7 + torch.randn(2, 3, 4, generator=g, dtype=torch.float64)
    t = torch.randint(0, 4, (2, 3), generator=g)
    yield "float64 logits near 1e7: dtype and value", lambda: (str(loss(big, t).dtype), loss(big, t))
    unbalanced = torch.randn(2, 4, 3, generator=g)
    tu = torch.tensor([[0, 0, 0, 1], [0, 0, 2, 0]])
    yield "targets mostly 0: value", lambda: loss(unbalanced, tu)
    yield "T = 1: value", lambda: loss(unbalanced[:, :1], tu[:, :1])
    yield "logits near 30: value", lambda: loss(unbalanced * 10 + 30, tu)


def probe_ex5_train_step(ns):
    yield from R13.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def ce(logits, targets):
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def anomaly():
        model = seeded(33, TinyLSTM)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        g = torch.Generator().manual_seed(95)
        x, y = torch.randint(0, 5, (3, 4), generator=g), torch.randint(0, 5, (3, 4), generator=g)
        try:
            value = step(model, opt, x, y, ce, 1.0)
            return value, torch.is_anomaly_enabled()
        finally:
            torch.autograd.set_detect_anomaly(False)
    yield "batch of 3: loss and anomaly mode after", anomaly

    def moved():
        model = seeded(34, TinyLSTM)
        before = [p.detach().clone() for p in model.parameters()]
        opt = torch.optim.SGD(model.parameters(), lr=1.0)
        g = torch.Generator().manual_seed(96)
        x, y = torch.randint(0, 5, (2, 6), generator=g), torch.randint(0, 5, (2, 6), generator=g)
        value = step(model, opt, x, y, ce, 1e6)
        return value, [p.detach() - b for p, b in zip(model.parameters(), before)]
    yield "SGD lr 1, no clipping: loss and how far every parameter moved", moved


def probe_ex6_sample(ns):
    yield from R13.probe_ex6_sample(ns)
    sample = ns["sample"]

    def frozen_and_mode():
        model = seeded(44, TinyLSTM).train()
        text = sample(model, VOCAB5, start="ab", max_len=5, generator=torch.Generator().manual_seed(97))
        return text, [p.requires_grad for p in model.parameters()], model.training
    yield "TinyLSTM in training mode: text, requires_grad and mode after", frozen_and_mode

    yield "prompt ' ab\\n', 4 characters", lambda: sample(
        seeded(45, TinyLSTM), VOCAB5, start=" ab\n" if " " in VOCAB5 else "ab\n", max_len=4,
        generator=torch.Generator().manual_seed(98))
    yield "prompt 'a\\n' (a trailing newline), 4 characters", lambda: sample(
        seeded(45, TinyLSTM), VOCAB5, start="a\n", max_len=4, generator=torch.Generator().manual_seed(98))

    yield "a counting model (a newline every 4th character read), 14 characters", lambda: sample(
        CountingLM(), VOCAB5, start="a", max_len=14, generator=torch.Generator().manual_seed(99))


def probe_ex7_evaluate(ns):
    yield from R13.probe_ex7_evaluate(ns)
    bpc, rate = ns["bits_per_char"], ns["valid_tune_rate"]
    ids = torch.arange(300) * 7 % 5

    def lstm_bpc():
        torch.manual_seed(99)
        model = seeded(47, TinyLSTM)
        value = bpc(model, ids, 16)
        return value, [p.requires_grad for p in model.parameters()], torch.get_rng_state()
    yield "TinyLSTM on 300 ids, seq_len 16: value, requires_grad, global state after", lstm_bpc
    yield "FixedNext [0, 0.3, 1.7], 9 ids, seq_len 4", lambda: bpc(
        FixedNext([0.0, 0.3, 1.7]), torch.tensor([0, 1, 2, 2, 1, 0, 2, 1, 1]), 4)
    yield "valid_tune_rate of 8 tunes, the last 3 valid", lambda: rate(
        ["x"] * 5 + ["ok"] * 3, problem=lambda t: None if t == "ok" else "bad")


PROBES = {"01_music_rnn/02_music_generation": {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
