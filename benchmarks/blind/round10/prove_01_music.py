"""Proofs for blind round 10 of lab 01 part 2 (music generation): every mutant behaves differently
from CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round10/prove_01_music.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 9's (benchmarks/blind/round9/prove_01_music.py,
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

R9 = earlier_proofs(9, "prove_01_music.py")
FixedNext, TinyLM, TinyLSTM, NextIndex = R9.FixedNext, R9.TinyLM, R9.TinyLSTM, R9.NextIndex

VOCAB5 = ["\n", "a", "b", "c", "d"]


def probe_ex1_vocab(ns):
    yield from R9.probe_ex1_vocab(ns)
    b, v, d = ns["build_vocab"], ns["vectorize"], ns["devectorize"]
    yield "build_vocab('banana'): the exact type and value", lambda: (type(b("banana")).__name__, list(b("banana")))
    yield "vectorize('cab', ['a', 'b', 'c'])", lambda: v("cab", ["a", "b", "c"])
    yield "devectorize([2, 0, 1], ['a', 'b', 'c']) and of a tensor", lambda: (
        d([2, 0, 1], ["a", "b", "c"]), d(torch.tensor([1, 1, 0]), ["a", "b", "c"]))


def probe_ex2_batch(ns):
    yield from R9.probe_ex2_batch(ns)
    gb = ns["get_batch"]
    ids = torch.arange(100) * 3 % 17

    def with_generator():
        g = torch.Generator().manual_seed(21)
        first = gb(ids, 4, 3, g)
        return first, g.get_state()
    yield "100 ids, seq_len 4, batch 3, seed 21: the batch and the generator's state after", with_generator

    def global_rng():
        torch.manual_seed(22)
        first = gb(ids, 4, 3)
        return first, torch.get_rng_state()
    yield "no generator, torch seeded 22: the batch and the global state after", global_rng


def probe_ex3_model(ns):
    yield from R9.probe_ex3_model(ns)
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]

    def trainable():
        model = seeded(0, lambda: MusicLSTM(Config(vocab_size=6, embedding_dim=3, hidden_size=5, num_layers=1)))
        logits, (h, c) = model(torch.tensor([[1, 2, 3]]))
        (logits.sum() + c.sum()).backward()
        return ([(n, p.requires_grad, None if p.grad is None else p.grad.clone()) for n, p in model.named_parameters()],
                tuple(h.shape), tuple(c.shape), c)
    yield "vocab 6, embedding 3, hidden 5: requires_grad and gradient of every parameter, the state", trainable

    def two_layers():
        model = seeded(1, lambda: MusicLSTM(Config(vocab_size=4, embedding_dim=4, hidden_size=4, num_layers=2)))
        logits, state = model(torch.tensor([[0, 1], [2, 3]]))
        again, _ = model(torch.tensor([[1], [0]]), state)
        return logits, [tuple(s.shape) for s in state], again
    yield "two layers, embedding = hidden = 4: logits, state shapes, a step fed the state", two_layers


def probe_ex4_loss(ns):
    yield from R9.probe_ex4_loss(ns)
    loss = ns["sequence_loss"]
    g = torch.Generator().manual_seed(23)
    logits, targets = torch.randn(3, 2, 4, generator=g, dtype=torch.float64), torch.randint(0, 4, (3, 2), generator=g)
    yield "float64 logits (3, 2, 4)", lambda: loss(logits, targets)
    yield "float32 logits (3, 2, 4)", lambda: loss(logits.float(), targets)
    yield "a batch of one (1, 3, 4)", lambda: loss(logits.float().reshape(1, 6, 4)[:, :3], targets.reshape(1, 6)[:, :3])

    def caller_targets():
        given = targets.clone()
        out = loss(logits.float(), given)
        return out, given
    yield "float32 logits (3, 2, 4): the loss, then the caller's targets", caller_targets
    yield "targets given as a transposed (2, 3) view, logits (3, 2, 4)", lambda: loss(
        logits.float(), targets.T.contiguous().T)


def probe_ex5_train_step(ns):
    yield from R9.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def ce(logits, targets):
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def sgd():
        model = seeded(6, TinyLSTM).train()
        start = flat_params(model)
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
        g = torch.Generator().manual_seed(24)
        x, y = torch.randint(0, 5, (2, 5), generator=g), torch.randint(0, 5, (2, 5), generator=g)
        out = step(model, opt, x, y, ce, 100.0)
        return type(out).__name__, float(out), model.training, flat_params(model) - start
    yield "LSTM in training mode, SGD lr 0.5, max_norm 100: type, loss, mode after, parameters moved", sgd


def probe_ex6_sample(ns):
    yield from R9.probe_ex6_sample(ns)
    sample = ns["sample"]

    def mode_after():
        model = seeded(7, TinyLSTM).eval()
        text = sample(model, VOCAB5, start="ab", max_len=5, generator=torch.Generator().manual_seed(10))
        return text, model.training
    yield "LSTM in eval mode, prompt 'ab', 5 characters: the text and the model's mode after", mode_after

    def hot():
        return [sample(seeded(8, TinyLSTM).eval(), VOCAB5, start="a", max_len=12, temperature=3.0,
                       generator=torch.Generator().manual_seed(s)) for s in range(4)]
    yield "LSTM, temperature 3, 12 characters, seeds 0-3", hot

    def skewed():
        return [sample(FixedNext([0.0, 3.0, 2.5, -1.0, -2.0]), VOCAB5, start="a", max_len=20,
                       generator=torch.Generator().manual_seed(s)) for s in range(3)]
    yield "fixed logits [0, 3, 2.5, -1, -2], 20 characters, seeds 0-2", skewed

    def unseeded():
        torch.manual_seed(25)
        model = seeded(9, TinyLSTM).eval()
        torch.manual_seed(25)
        return [sample(model, VOCAB5, start="a", max_len=10) for _ in range(3)], torch.get_rng_state()
    yield "no generator, torch seeded 25: three tunes and the global state after", unseeded


def probe_ex7_evaluate(ns):
    yield from R9.probe_ex7_evaluate(ns)
    bpc = ns["bits_per_char"]
    ids = torch.tensor([0, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0])

    def modes_and_dtype():
        model = seeded(10, lambda: TinyLSTM(2)).train()
        value = bpc(model, ids, seq_len=4)
        return value, model.training, sorted({str(p.dtype) for p in model.parameters()})
    yield "LSTM of 2 characters in training mode, seq_len 4: value, mode and dtypes after", modes_and_dtype
    yield "logits [0, 1], 11 ids, seq_len 5 (a last chunk of one prediction)", lambda: bpc(
        FixedNext([0.0, 1.0]), ids, seq_len=5)
    yield "logits [0, 1, 2], ids [2, 0], seq_len 4 (one prediction)", lambda: bpc(
        FixedNext([0.0, 1.0, 2.0]), torch.tensor([2, 0]), seq_len=4)
    yield "logits [0, 1, 2], ids [2, 0, 1, 1, 2], seq_len 2", lambda: bpc(
        FixedNext([0.0, 1.0, 2.0]), torch.tensor([2, 0, 1, 1, 2]), seq_len=2)


PROBES = {"01_music_rnn/02_music_generation": {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
