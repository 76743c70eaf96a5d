"""Proofs for blind round 13 of lab 01 part 2 (music generation): every mutant behaves differently
from CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round13/prove_01_music.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 12's (benchmarks/blind/round12/prove_01_music.py,
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
from benchmarks.blind.probe_kit import seeded  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R12 = earlier_proofs(12, "prove_01_music.py")
FixedNext, TinyLM, TinyLSTM, NextIndex = R12.FixedNext, R12.TinyLM, R12.TinyLSTM, R12.NextIndex

VOCAB5 = R12.VOCAB5


def probe_ex1_vocab(ns):
    yield from R12.probe_ex1_vocab(ns)
    b, v = ns["build_vocab"], ns["vectorize"]
    yield "build_vocab('a\\r\\nb c\\r')", lambda: b("a\r\nb c\r")
    yield "build_vocab('G A B|c d e')", lambda: b("G A B|c d e")
    yield "build_vocab('caf\\u00e9 na\\u00efve')", lambda: b("caf\u00e9 na\u00efve")
    yield "vectorize('dbad', ['b', 'd', 'a']) (an unsorted vocab)", lambda: v("dbad", ["b", "d", "a"])
    yield "vectorize('|:z', [':', 'z', '|']) (gaps between the codes)", lambda: v("|:z", [":", "z", "|"])


def probe_ex2_batch(ns):
    yield from R12.probe_ex2_batch(ns)
    gb = ns["get_batch"]
    ids = torch.arange(40) * 7 % 23
    yield "batch of one, seq_len 3, 40 ids", lambda: gb(ids, 3, 1, torch.Generator().manual_seed(60))
    yield "batch 6, seq_len 5: type of the result and x, y", lambda: (
        type(gb(ids, 5, 6, torch.Generator().manual_seed(61))).__name__,
        tuple(gb(ids, 5, 6, torch.Generator().manual_seed(61))))
    yield "12 ids, seq_len 8, batch 10 (more rows than windows): shapes", lambda: tuple(
        tuple(t.shape) for t in gb(torch.arange(12), 8, 10, torch.Generator().manual_seed(62)))
    yield "batch 8 from one generator: distinct rows", lambda: len(
        {tuple(r) for r in gb(torch.arange(200), 4, 8, torch.Generator().manual_seed(63))[0].tolist()})


def probe_ex3_model(ns):
    yield from R12.probe_ex3_model(ns)
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]

    def small(seed, layers=1):
        return seeded(seed, lambda: MusicLSTM(Config(vocab_size=5, embedding_dim=3, hidden_size=4,
                                                     num_layers=layers)))

    def batch_axis():
        model = small(20).eval()
        x = torch.tensor([[1, 2, 3], [3, 2, 1]])
        both, (h, c) = model(x)
        first, _ = model(x[:1])
        return both[:1], first, tuple(h.shape)
    yield "eval model: row 0 of a batch of two vs alone, h shape", batch_axis

    def chunks():
        model = small(21, 2).eval()
        x = torch.tensor([[1, 2, 3, 4, 0, 1]])
        whole, _ = model(x)
        a, state = model(x[:, :3])
        b, state2 = model(x[:, 3:], state)
        return whole[:, 3:], b, state2
    yield "eval model, two layers: the second chunk fed the first chunk's state vs the whole", chunks

    def double_state():
        model = small(22).double().eval()
        _, state = model(torch.tensor([[1, 2]]))
        logits, (h, c) = model(torch.tensor([[3]]), state)
        return logits, str(h.dtype)
    yield "float64 model, with and without a state", double_state

    def train_mode_twice():
        model = small(23).train()
        x = torch.tensor([[1, 2, 3, 4]])
        torch.manual_seed(1)
        first, _ = model(x)
        torch.manual_seed(2)
        second, _ = model(x)
        return first, second
    yield "training mode, same input under two seeds: logits", train_mode_twice


def probe_ex4_loss(ns):
    yield from R12.probe_ex4_loss(ns)
    loss = ns["sequence_loss"]
    g = torch.Generator().manual_seed(70)
    logits = torch.randn(3, 4, 5, generator=g)
    targets = torch.randint(0, 5, (4, 3), generator=g)
    yield "contiguous logits, transposed targets", lambda: loss(logits, targets.t())
    yield "confident mistake: logits [0, 50], target 0", lambda: loss(torch.tensor([[[0.0, 50.0]]]),
                                                                      torch.tensor([[0]]))
    yield "small logits (2, 3, 4)", lambda: loss(logits[:2, :3, :4], targets.t()[:2, :3].clamp(max=3))


def probe_ex5_train_step(ns):
    yield from R12.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def ce(logits, targets):
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def batch(seed):
        g = torch.Generator().manual_seed(seed)
        return torch.randint(0, 5, (2, 4), generator=g), torch.randint(0, 5, (2, 4), generator=g)

    def frozen():
        model = seeded(30, TinyLSTM).train()
        model.embedding.weight.requires_grad_(False)
        before = model.embedding.weight.detach().clone()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = batch(71)
        value = step(model, opt, x, y, ce, 1e6)
        return value, model.embedding.weight.requires_grad, model.embedding.weight.detach() - before
    yield "a frozen embedding: loss, its requires_grad and how far it moved", frozen

    def global_rng():
        model = seeded(31, TinyLSTM).train()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = batch(72)
        torch.manual_seed(123)
        step(model, opt, x, y, ce, 1e6)
        return torch.get_rng_state()
    yield "global generator state after a step (seeded 123 before)", global_rng

    def modes():
        model = seeded(32, TinyLSTM).eval()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = batch(73)
        step(model, opt, x, y, ce, 1e6)
        return model.training, model.embedding.training, model.lstm.training, model.head.training
    yield "an eval model: the modes after", modes


def probe_ex6_sample(ns):
    yield from R12.probe_ex6_sample(ns)
    sample = ns["sample"]

    def shared():
        g = torch.Generator().manual_seed(80)
        model = FixedNext([0.5, 0.0, 0.0, 0.0, 0.0])
        return [sample(model, VOCAB5, start="a", max_len=30, generator=g) for _ in range(3)], g.get_state()
    yield "three tunes from one generator (newline likely): texts and generator after", shared

    yield "a prompt ending in a blank line 'ab\\n\\n', 3 characters", lambda: sample(
        FixedNext([0.0, 0.0, 0.0, 0.0, 0.0]), VOCAB5, start="ab\n\n", max_len=3,
        generator=torch.Generator().manual_seed(81))

    def no_generator():
        torch.manual_seed(82)
        text = sample(FixedNext([0.0, 1.0, 0.0, 1.0, 0.0]), VOCAB5, start="a", max_len=12)
        return text, torch.get_rng_state()
    yield "no generator under global seed 82: the text and the global state after", no_generator

    def default_start():
        vocab = sorted(set("X:1\nT:ab"))
        return sample(FixedNext([0.0] * len(vocab)), vocab, max_len=0)
    yield "the default prompt, max_len 0", default_start


def probe_ex7_evaluate(ns):
    yield from R12.probe_ex7_evaluate(ns)
    bpc, rate = ns["bits_per_char"], ns["valid_tune_rate"]

    def value_type():
        value = bpc(FixedNext([0.0, 1.0, 2.0]), torch.tensor([2, 1, 0, 2, 2]), 2)
        return type(value).__name__, float(value)
    yield "bits_per_char: the type and value", value_type

    def caller_list():
        tunes = ["ok", "bad", "ok", ""]
        value = rate(tunes, problem=lambda t: None if t == "ok" else "bad")
        return value, list(tunes)
    yield "valid_tune_rate: the value and the caller's list after", caller_list
    yield "valid_tune_rate 3 of 5 valid: type and value", lambda: (
        lambda r: (type(r).__name__, r))(rate(["a", "b", "c", "d", "e"], problem=lambda t: None if t < "d" else "x"))
    yield "valid_tune_rate([]) with a problem", lambda: rate([], problem=lambda t: None)


PROBES = {"01_music_rnn/02_music_generation": {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
