"""Proofs for blind round 11 of lab 01 part 2 (music generation): every mutant behaves differently
from CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round11/prove_01_music.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 10's (benchmarks/blind/round10/prove_01_music.py,
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

R10 = earlier_proofs(10, "prove_01_music.py")
FixedNext, TinyLM, TinyLSTM, NextIndex = R10.FixedNext, R10.TinyLM, R10.TinyLSTM, R10.NextIndex

VOCAB5 = R10.VOCAB5


def probe_ex1_vocab(ns):
    yield from R10.probe_ex1_vocab(ns)
    b, v, d = ns["build_vocab"], ns["vectorize"], ns["devectorize"]
    yield "build_vocab('abbccc\\n')", lambda: b("abbccc\n")
    yield "vectorize '' with vocab ['a', 'b']: dtype and shape", lambda: (str(v("", ["a", "b"]).dtype),
                                                                      tuple(v("", ["a", "b"]).shape))
    yield "devectorize the list [0, 2, 1] with vocab 'x\\nz'", lambda: d([0, 2, 1], ["x", "\n", "z"])
    yield "devectorize tensor([1, 0])", lambda: d(torch.tensor([1, 0]), ["a", "b"])


def probe_ex2_batch(ns):
    yield from R10.probe_ex2_batch(ns)
    gb = ns["get_batch"]
    short = torch.arange(7) * 2                              # seq_len 5: starts 0 and 1 only

    def every_start():
        g = torch.Generator().manual_seed(30)
        x, y = gb(short, 5, 30, g)
        return sorted(set(x[:, 0].tolist())), x.shape, y.shape, bool((y[:, :-1] == x[:, 1:]).all())
    yield "7 ids, seq_len 5, batch 30: the starts drawn, shapes, y shifted from x", every_start

    def shifted():
        g = torch.Generator().manual_seed(31)
        x, y = gb(torch.arange(50) * 7 % 23, 3, 6, g)
        return x, y, g.get_state()
    yield "50 ids, seq_len 3, batch 6, seed 31: x, y and the generator after", shifted


def probe_ex3_model(ns):
    yield from R10.probe_ex3_model(ns)
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]

    def with_zero():
        model = seeded(2, lambda: MusicLSTM(Config(vocab_size=5, embedding_dim=3, hidden_size=4, num_layers=1)))
        logits, (h, c) = model(torch.tensor([[0, 1, 0, 2]]))
        logits.sum().backward()
        return logits, model.embedding.weight.grad, tuple(h.shape), sorted(n for n, _ in model.named_parameters())
    yield "vocab 5, embedding 3, hidden 4 (seed 2) on [0, 1, 0, 2]: logits, embedding grad, h shape, names", with_zero

    def chunks():
        model = seeded(3, lambda: MusicLSTM(Config(vocab_size=5, embedding_dim=3, hidden_size=4, num_layers=1)))
        first, state = model(torch.tensor([[1, 2]]))
        second, _ = model(torch.tensor([[3]]), state)
        whole, _ = model(torch.tensor([[1, 2, 3]]))
        return second, whole[:, -1:]
    yield "a chunk fed the state of the chunk before vs the whole text at once", chunks


def probe_ex4_loss(ns):
    yield from R10.probe_ex4_loss(ns)
    loss = ns["sequence_loss"]
    g = torch.Generator().manual_seed(32)
    logits, targets = torch.randn(2, 3, 4, generator=g) * 2, torch.randint(0, 4, (2, 3), generator=g)
    yield "(2, 3, 4) logits", lambda: loss(logits, targets)
    yield "(2, 1, 4) logits (T = 1)", lambda: loss(logits[:, :1], targets[:, :1])
    yield "float64 (2, 3, 4) logits: dtype and value", lambda: loss(logits.double(), targets)


def probe_ex5_train_step(ns):
    yield from R10.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def ce(logits, targets):
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def run(loss_fn, max_norm, lr=1.0):
        model = seeded(11, TinyLSTM).train()
        start = flat_params(model)
        calls = []
        original = model.forward

        def counted(*args, **kwargs):
            calls.append(1)
            return original(*args, **kwargs)
        model.forward = counted
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        g = torch.Generator().manual_seed(33)
        x, y = torch.randint(0, 5, (2, 4), generator=g), torch.randint(0, 5, (2, 4), generator=g)
        out = step(model, opt, x, y, loss_fn, max_norm)
        return float(out), len(calls), flat_params(model) - start
    yield "SGD lr 1, a loss_fn 3 x cross-entropy, max_norm 100: loss, forward calls, moved", lambda: run(
        lambda logits, t: 3 * ce(logits, t), 100.0)
    yield "SGD lr 1, cross-entropy, max_norm 0.05: loss, forward calls, moved", lambda: run(ce, 0.05)
    yield "SGD lr 1, cross-entropy, max_norm 0.5: loss, forward calls, moved", lambda: run(ce, 0.5)


def probe_ex6_sample(ns):
    yield from R10.probe_ex6_sample(ns)
    sample = ns["sample"]

    def calls():
        model = FixedNext([-30.0, 0.0, 0.0, 0.0, 0.0])
        text = sample(model, VOCAB5, start="ab", max_len=4, generator=torch.Generator().manual_seed(3))
        return text, model.calls
    yield "fixed logits, prompt 'ab', 4 characters: the text and the input shapes the model saw", calls
    yield "prompt 'abcd', max_len 3 (shorter than the prompt)", lambda: sample(
        FixedNext([-30.0, 0.0, 0.0, 0.0, 0.0]), VOCAB5, start="abcd", max_len=3,
        generator=torch.Generator().manual_seed(4))
    yield "fixed logits [0, 2, 1, -1, 0], temperature 0.3, seeds 0-3", lambda: [sample(
        FixedNext([0.0, 2.0, 1.0, -1.0, 0.0]), VOCAB5, start="a", max_len=15, temperature=0.3,
        generator=torch.Generator().manual_seed(s)) for s in range(4)]

    def seeded_twice():
        model = seeded(12, TinyLSTM).eval()
        torch.manual_seed(40)
        first = sample(model, VOCAB5, start="a", max_len=8, generator=torch.Generator().manual_seed(5))
        torch.manual_seed(41)
        second = sample(model, VOCAB5, start="a", max_len=8, generator=torch.Generator().manual_seed(5))
        return first, second
    yield "one seed 5 under two global seeds: the two tunes", seeded_twice


def probe_ex7_evaluate(ns):
    yield from R10.probe_ex7_evaluate(ns)
    bpc, rate = ns["bits_per_char"], ns["valid_tune_rate"]
    ids = torch.tensor([0, 2, 1, 1, 2, 0, 0, 1])
    yield "logits [0, 1, 2], 8 ids, seq_len 3 (chunks of 3, 3, 1)", lambda: bpc(FixedNext([0.0, 1.0, 2.0]), ids, 3)
    yield "logits [0, 1, 2], 8 ids, seq_len 10 (one partial chunk)", lambda: bpc(FixedNext([0.0, 1.0, 2.0]), ids, 10)
    yield "valid_tune_rate with problem = 'long tunes are bad'", lambda: rate(
        ["X:1", "X:1\nT:a\nM:6/8\nL:1/8\nK:G\nGAG|", ""], problem=lambda t: "too long" if len(t) > 4 else None)


PROBES = {"01_music_rnn/02_music_generation": {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
