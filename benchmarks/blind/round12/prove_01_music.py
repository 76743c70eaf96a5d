"""Proofs for blind round 12 of lab 01 part 2 (music generation): every mutant behaves differently
from CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round12/prove_01_music.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 11's (benchmarks/blind/round11/prove_01_music.py,
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

R11 = earlier_proofs(11, "prove_01_music.py")
FixedNext, TinyLM, TinyLSTM, NextIndex = R11.FixedNext, R11.TinyLM, R11.TinyLSTM, R11.NextIndex

VOCAB5 = R11.VOCAB5


def probe_ex1_vocab(ns):
    yield from R11.probe_ex1_vocab(ns)
    b, v = ns["build_vocab"], ns["vectorize"]
    yield "build_vocab of 100,000 'a' then 'Z\\n'", lambda: b("a" * 100_000 + "Z\n")
    yield "build_vocab('ab\\n'): every character once", lambda: b("ab\n")
    many = [chr(0x100 + i) for i in range(300)]
    yield "vectorize over a vocab of 300 characters: dtype and values", lambda: (
        str(v(many[299] + many[0] + many[256], many).dtype), v(many[299] + many[0] + many[256], many).tolist())


def probe_ex2_batch(ns):
    yield from R11.probe_ex2_batch(ns)
    gb = ns["get_batch"]
    yield "batch of one, seq_len 1: shapes", lambda: tuple(
        tuple(t.shape) for t in gb(torch.arange(10), 1, 1, torch.Generator().manual_seed(34)))
    yield "batch of one, seq_len 4", lambda: gb(torch.arange(10) * 3, 4, 1, torch.Generator().manual_seed(35))
    base = torch.arange(60) * 5 % 17
    yield "ids[7:] (an offset view), seq_len 4, batch 5", lambda: gb(base[7:], 4, 5, torch.Generator().manual_seed(36))
    yield "ids[::2] (strided), seq_len 4, batch 5", lambda: gb(base[::2], 4, 5, torch.Generator().manual_seed(37))

    def global_only():
        torch.manual_seed(50)
        x, _ = gb(torch.arange(100), 3, 4, torch.Generator().manual_seed(38))
        return x, torch.get_rng_state()
    yield "a generator given under global seed 50: x and the global state after", global_only


def probe_ex3_model(ns):
    yield from R11.probe_ex3_model(ns)
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]

    def double():
        model = seeded(4, lambda: MusicLSTM(Config(vocab_size=5, embedding_dim=3, hidden_size=4, num_layers=2)))
        model = model.double()
        logits, (h, c) = model(torch.tensor([[1, 2, 3]]))
        return logits, str(logits.dtype), tuple(h.shape)
    yield "a float64 model (two layers) without a state: logits, dtype, h shape", double

    def sizes():
        model = seeded(5, lambda: MusicLSTM(Config(vocab_size=6, embedding_dim=3, hidden_size=5, num_layers=2)))
        logits, (h, c) = model(torch.tensor([[1, 2, 3, 4], [0, 5, 1, 2]]))
        return ({n: tuple(p.shape) for n, p in model.named_parameters()}, tuple(logits.shape), tuple(h.shape),
                logits)
    yield "vocab 6, embedding 3, hidden 5, 2 layers on (2, 4): shapes and logits", sizes

    def square():
        model = seeded(6, lambda: MusicLSTM(Config(vocab_size=5, embedding_dim=3, hidden_size=4, num_layers=1)))
        return model(torch.tensor([[1, 2], [3, 4]]))
    yield "B = T = 2: logits and state", square


def probe_ex4_loss(ns):
    yield from R11.probe_ex4_loss(ns)
    loss = ns["sequence_loss"]
    g = torch.Generator().manual_seed(39)
    logits, targets = torch.randn(3, 4, 5, generator=g), torch.randint(0, 5, (3, 4), generator=g)
    yield "float32 (3, 4, 5) logits: dtype and value", lambda: (str(loss(logits, targets).dtype), loss(logits, targets))

    def far_rows():
        z = torch.zeros(1, 2, 3)
        z[0, 0] = torch.tensor([1000.0, 999.0, 998.0])
        z[0, 1] = torch.tensor([0.0, 1.0, 2.0])
        return loss(z, torch.tensor([[0, 2]]))
    yield "one position's logits near 1000, the other's near 0", far_rows


def probe_ex5_train_step(ns):
    yield from R11.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def ce(logits, targets):
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def batch(seed):
        g = torch.Generator().manual_seed(seed)
        return torch.randint(0, 5, (2, 4), generator=g), torch.randint(0, 5, (2, 4), generator=g)

    def stale():
        model = seeded(13, TinyLSTM).train()
        for p in model.parameters():
            p.grad = torch.full_like(p, 0.5)
        start = flat_params(model)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = batch(40)
        step(model, opt, x, y, ce, 1e6)
        return flat_params(model) - start
    yield "caller's .grad all 0.5 before one SGD step, max_norm 1e6: moved", stale

    def two_steps():
        model = seeded(14, TinyLSTM).train()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = batch(41)
        start = flat_params(model)
        first = step(model, opt, x, y, ce, 1e6)
        enabled = torch.is_grad_enabled()
        torch.set_grad_enabled(True)
        second = step(model, opt, x, y, ce, 1e6)
        after = torch.is_grad_enabled()
        torch.set_grad_enabled(True)
        return type(first).__name__, float(first), float(second), enabled, after, flat_params(model) - start
    yield "two SGD steps on one batch: return type, losses, grad mode after each, moved", two_steps


def probe_ex6_sample(ns):
    yield from R11.probe_ex6_sample(ns)
    sample = ns["sample"]

    def default_length():
        text = sample(FixedNext([-30.0, 0.0, 0.0, 0.0, 0.0]), VOCAB5, start="ab",
                      generator=torch.Generator().manual_seed(6))
        return len(text)
    yield "a model that never writes '\\n', default max_len: the length", default_length

    def training_mode():
        model = seeded(15, TinyLSTM).train()
        text = sample(model, VOCAB5, start="ab", max_len=6, generator=torch.Generator().manual_seed(7))
        return text, model.training, model.lstm.training
    yield "an LSTM in training mode: the text and the modes after", training_mode

    yield "NextIndex, prompt 'abc', 3 characters", lambda: sample(
        NextIndex(), VOCAB5, start="abc", max_len=3, generator=torch.Generator().manual_seed(8))
    yield "fixed logits [0, 3, 1, 0, 0], temperature 0.25, seeds 0-2", lambda: [sample(
        FixedNext([0.0, 3.0, 1.0, 0.0, 0.0]), VOCAB5, start="a", max_len=20, temperature=0.25,
        generator=torch.Generator().manual_seed(s)) for s in range(3)]


def probe_ex7_evaluate(ns):
    yield from R11.probe_ex7_evaluate(ns)
    bpc, rate = ns["bits_per_char"], ns["valid_tune_rate"]

    def lstm_chunks():
        model = seeded(16, TinyLSTM).eval()
        ids = torch.tensor([1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 2])
        return bpc(model, ids, 3), bpc(model, ids, 100)
    yield "LSTM, 11 ids, seq_len 3 and 100 (should agree)", lstm_chunks

    def modes():
        model = seeded(17, TinyLSTM).train()
        value = bpc(model, torch.tensor([1, 2, 3, 0]), 2)
        return value, model.training, model.lstm.training
    yield "LSTM in training mode: value and modes after", modes
    yield "logits [0, 1, 2], ids [2, 2, 2]", lambda: bpc(FixedNext([0.0, 1.0, 2.0]), torch.tensor([2, 2, 2]), 2)
    yield "valid_tune_rate 1 of 4 valid", lambda: rate(["a", "bb", "ok", "cc"],
                                                      problem=lambda t: None if t == "ok" else "bad")


PROBES = {"01_music_rnn/02_music_generation": {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
