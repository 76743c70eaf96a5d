"""Proofs for blind round 16 of lab 01 part 2 (music generation): every mutant behaves differently
from CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round16/prove_01_music.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 15's (benchmarks/blind/round15/prove_01_music.py,
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

R15 = earlier_proofs(15, "prove_01_music.py")
FixedNext, TinyLM, TinyLSTM, NextIndex = R15.FixedNext, R15.TinyLM, R15.TinyLSTM, R15.NextIndex
CountingLM = R15.CountingLM

VOCAB5 = R15.VOCAB5


def _restore():
    """PyTorch's switches back to their defaults (a mutant that leaves one changed must not leak into
    the next answer's observations)."""
    torch.set_grad_enabled(True)
    torch.backends.cudnn.benchmark = False


def _guarded(probe):
    def run(ns):
        yield "(PyTorch's switches restored first)", _restore
        yield from probe(ns)
        yield "(PyTorch's switches restored at the end)", _restore
    run.__name__ = probe.__name__
    return run


def _ce(logits, targets):
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def probe_ex1_vocab(ns):
    yield from R15.probe_ex1_vocab(ns)
    b, v = ns["build_vocab"], ns["vectorize"]
    yield "build_vocab('ab\\tc\\n')", lambda: b("ab\tc\n")
    yield "build_vocab('GAB')", lambda: b("GAB")
    yield "vectorize('na\\u00efve', its own vocab)", lambda: v("na\u00efve", sorted(set("na\u00efve")))
    yield "vectorize('a\\tb', ['\\t', ' ', 'a', 'b'])", lambda: v("a\tb", ["\t", " ", "a", "b"])


def probe_ex2_batch(ns):
    yield from R15.probe_ex2_batch(ns)
    gb = ns["get_batch"]
    yield "positional get_batch(arange(100), 5, 3, generator)", lambda: gb(
        torch.arange(100), 5, 3, torch.Generator().manual_seed(200))

    def global_after():
        gb(torch.arange(40), 4, 3, torch.Generator().manual_seed(7))
        return torch.rand(4)
    yield "torch.rand(4) after a call with a generator seeded 7 (global seeded 0 before)", global_after
    yield "arange(8), seq_len 3, batch 12 (starts repeat)", lambda: gb(
        torch.arange(8), 3, 12, torch.Generator().manual_seed(201))

    def global_stream():
        torch.manual_seed(202)
        return gb(torch.arange(60), 4, 5)
    yield "no generator, global seed 202", global_stream


def probe_ex3_model(ns):
    yield from R15.probe_ex3_model(ns)
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]

    def model(seed, **kw):
        sizes = dict(vocab_size=6, embedding_dim=3, hidden_size=4, num_layers=1)
        sizes.update(kw)
        return seeded(seed, lambda: MusicLSTM(Config(**sizes))).eval()

    def emb_grad():
        m = model(60)
        logits, _ = m(torch.tensor([[1, 1, 1, 2], [1, 3, 3, 0]]))
        (logits * torch.linspace(-1, 1, 6)).sum().backward()
        return m.embedding.weight.grad
    yield "embedding gradient, repeated indices", emb_grad

    def shapes():
        m = model(61, hidden_size=5)
        logits, (h, c) = m(torch.tensor([[0, 1, 2]]))
        return tuple(logits.shape), tuple(h.shape), tuple(c.shape), tuple(m.head.weight.shape)
    yield "hidden_size 5: logits, h, c and head shapes", shapes

    def head_equals():
        m = model(62)
        x = torch.tensor([[2, 4, 1]])
        out, _ = m.lstm(m.embedding(x))
        return m(x)[0] - m.head(out)
    yield "logits minus head(lstm(embedding(x)))", head_equals

    def chunks():
        m = model(63)
        x = torch.tensor([[1, 5, 2, 0, 3]])
        whole, _ = m(x)
        a, s = m(x[:, :2])
        b, s2 = m(x[:, 2:], s)
        return whole - torch.cat([a, b], dim=1), s2
    yield "the text in two chunks with the state passed vs in one", chunks


def probe_ex4_loss(ns):
    yield from R15.probe_ex4_loss(ns)
    loss = ns["sequence_loss"]
    g = torch.Generator().manual_seed(210)
    z = torch.randn(4, 4, 6, generator=g)
    t = torch.randint(0, 6, (4, 4), generator=g)
    yield "B == T == 4: value", lambda: loss(z, t)
    yield "B = 1, T = 5", lambda: loss(z.reshape(1, 16, 6)[:, :5], t.reshape(1, 16)[:, :5])

    def grad():
        zz = z.clone().requires_grad_(True)
        loss(zz, t).backward()
        return zz.grad
    yield "gradient with respect to the logits", grad


def probe_ex5_train_step(ns):
    yield from R15.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def batch(seed):
        g = torch.Generator().manual_seed(seed)
        return torch.randint(0, 5, (2, 4), generator=g), torch.randint(0, 5, (2, 4), generator=g)

    def benchmark_after():
        before = torch.backends.cudnn.benchmark
        model = seeded(70, TinyLSTM)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        try:
            step(model, opt, *batch(211), _ce, 1.0)
            return torch.backends.cudnn.benchmark
        finally:
            torch.backends.cudnn.benchmark = before
    yield "torch.backends.cudnn.benchmark after a step", benchmark_after

    def two_groups():
        model = seeded(71, TinyLSTM)
        opt = torch.optim.SGD([{"params": model.embedding.parameters()},
                               {"params": list(model.lstm.parameters()) + list(model.head.parameters())}], lr=0.1)
        step(model, opt, *batch(212), _ce, 0.05)
        return [p.grad.clone() for p in model.parameters()], [p.detach().clone() for p in model.parameters()]
    yield "two param groups, max_norm 0.05: gradients and weights after", two_groups

    def float64_model():
        model = seeded(72, TinyLSTM).double()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        value = step(model, opt, *batch(213), _ce, 1.0)
        return value, [str(p.dtype) for p in model.parameters()]
    yield "a float64 TinyLSTM: loss and parameter dtypes after", float64_model

    def clipped():
        model = seeded(73, TinyLSTM)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        step(model, opt, *batch(214), _ce, 0.3)
        return torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters()))
    yield "total 2-norm of the gradients after a step with max_norm 0.3", clipped


def probe_ex6_sample(ns):
    yield from R15.probe_ex6_sample(ns)
    sample = ns["sample"]
    yield "FixedNext [10, 0, 9, 0, 0] at temperature 0.1, 40 characters", lambda: sample(
        FixedNext([10.0, 0.0, 9.0, 0.0, 0.0]), VOCAB5, start="a", max_len=40, temperature=0.1,
        generator=torch.Generator().manual_seed(220))
    yield "FixedNext [1, 0, 0.5, 0, 0] at temperature 0.01, 40 characters", lambda: sample(
        FixedNext([0.0, 1.0, 0.6, 0.0, 0.0]), VOCAB5, start="a", max_len=40, temperature=0.01,
        generator=torch.Generator().manual_seed(221))
    yield "a counting model, prompt 'ab', 10 characters", lambda: sample(
        CountingLM(), VOCAB5, start="ab", max_len=10, generator=torch.Generator().manual_seed(222))
    yield "TinyLSTM, prompt 'abc', 12 characters", lambda: sample(
        seeded(74, TinyLSTM), VOCAB5, start="abc", max_len=12, generator=torch.Generator().manual_seed(223))

    def grad_after():
        try:
            sample(FixedNext([0.0, 1.0, 1.0, 1.0, 1.0]), VOCAB5, start="a", max_len=3,
                   generator=torch.Generator().manual_seed(224))
            return torch.is_grad_enabled()
        finally:
            torch.set_grad_enabled(True)
    yield "gradient tracking after a call", grad_after
    yield "spaces and newlines only: where it stops", lambda: [sample(
        FixedNext([0.0, 0.0, -30.0]), ["\n", " ", "a"], start="a", max_len=30,
        generator=torch.Generator().manual_seed(225 + k)) for k in range(4)]


def probe_ex7_evaluate(ns):
    yield from R15.probe_ex7_evaluate(ns)
    bpc, rate = ns["bits_per_char"], ns["valid_tune_rate"]

    def train_mode():
        model = seeded(75, TinyLSTM).train()
        value = bpc(model, torch.arange(30) % 5, 7)
        return value, model.training, model.lstm.training
    yield "a training TinyLSTM: value and modes after", train_mode

    def grad_after():
        try:
            bpc(seeded(76, TinyLSTM), torch.arange(12) % 5, 4)
            return torch.is_grad_enabled()
        finally:
            torch.set_grad_enabled(True)
    yield "gradient tracking after bits_per_char", grad_after

    def grads_kept():
        model = seeded(77, TinyLSTM)
        for p in model.parameters():
            p.grad = torch.ones_like(p)
        bpc(model, torch.arange(12) % 5, 4)
        return [None if p.grad is None else p.grad.clone() for p in model.parameters()]
    yield "the caller's .grad after bits_per_char", grads_kept
    yield "valid_tune_rate of ['a\\n\\n', 'b', 'c\\n'], all valid", lambda: rate(
        ["a\n\n", "b", "c\n"], problem=lambda t: None)
    yield "valid_tune_rate of ['x', 'y', 'bad'], 'bad' invalid", lambda: rate(
        ["x", "y", "bad"], problem=lambda t: "no" if t == "bad" else None)


PROBES = {"01_music_rnn/02_music_generation": {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": _guarded(probe_ex5_train_step), "ex6_sample": _guarded(probe_ex6_sample),
    "ex7_evaluate": _guarded(probe_ex7_evaluate)}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
