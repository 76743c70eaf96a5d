"""Proofs for blind round 17 of lab 01 part 2 (music generation): every mutant behaves differently
from CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round17/prove_01_music.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 16's (benchmarks/blind/round16/prove_01_music.py,
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

R16 = earlier_proofs(16, "prove_01_music.py")
FixedNext, TinyLSTM, NextIndex = R16.FixedNext, R16.TinyLSTM, R16.NextIndex
VOCAB5 = R16.VOCAB5
_ce = R16._ce


def _restore():
    """PyTorch's switches back to their defaults (a mutant that leaves one changed must not leak into
    the next answer's observations)."""
    R16._restore()
    torch.set_float32_matmul_precision("highest")
    torch.use_deterministic_algorithms(False)


def _guarded(probe):
    def run(ns):
        yield "(PyTorch's switches restored first)", _restore
        yield from probe(ns)
        yield "(PyTorch's switches restored at the end)", _restore
    run.__name__ = probe.__name__
    return run


class ShapeSpy(nn.Module):
    """TinyLSTM that records the shape of every input it is called with."""

    def __init__(self):
        super().__init__()
        self.inner = seeded(80, TinyLSTM)
        self.shapes = []

    def forward(self, x, state=None):
        self.shapes.append(tuple(x.shape))
        return self.inner(x, state)


def probe_ex1_vocab(ns):
    yield from R16.probe_ex1_vocab(ns)
    b, v = ns["build_vocab"], ns["vectorize"]
    decomposed = "cafe\u0301 G"
    yield "vectorize('cafe' + combining acute + ' G', its own vocab)", lambda: v(decomposed, sorted(set(decomposed)))
    yield "vectorize('AbB', ['A', 'B', 'a', 'b'])", lambda: v("AbB", ["A", "B", "a", "b"])
    wide = "".join(chr(0x100 + k) for k in range(150))
    yield "build_vocab of 150 distinct characters: length and last", lambda: (len(b(wide)), b(wide)[-1])


def probe_ex2_batch(ns):
    yield from R16.probe_ex2_batch(ns)
    gb = ns["get_batch"]
    yield "arange(10), seq_len 4, batch 9 (more rows than windows)", lambda: gb(
        torch.arange(10), 4, 9, torch.Generator().manual_seed(300))
    yield "arange(50) + 100, seq_len 7, batch 6", lambda: gb(
        torch.arange(50) + 100, 7, 6, torch.Generator().manual_seed(301))


def probe_ex3_model(ns):
    yield from R16.probe_ex3_model(ns)
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]

    def model(seed, **kw):
        sizes = dict(vocab_size=6, embedding_dim=3, hidden_size=4, num_layers=1)
        sizes.update(kw)
        return seeded(seed, lambda: MusicLSTM(Config(**sizes))).eval()

    def double_with_state():
        m = model(90).double()
        x = torch.tensor([[1, 2, 3]])
        _, s = m(x)
        logits, s2 = m(x, s)
        return logits, s2
    yield "a float64 model called with its own state", double_with_state
    yield "parameter names", lambda: [n for n, _ in model(91).named_parameters()]
    yield "index 0 in the input: logits", lambda: model(92)(torch.tensor([[0, 0, 1], [2, 0, 5]]))[0]


def probe_ex4_loss(ns):
    yield from R16.probe_ex4_loss(ns)
    loss = ns["sequence_loss"]
    g = torch.Generator().manual_seed(310)
    z = torch.randn(2, 3, 5, generator=g)
    t = torch.randint(0, 5, (2, 3), generator=g)
    yield "logits, targets positionally (2, 3, 5)", lambda: loss(z, t)
    yield "bfloat16 logits", lambda: loss(z.bfloat16(), t)
    yield "float16 logits", lambda: loss(z.half(), t)

    def masked():
        zz = z.clone()
        zz[..., 4] = float("-inf")
        tt = t.clamp(max=3)
        return loss(zz, tt)
    yield "a -inf logit for a character no target is", masked


def probe_ex5_train_step(ns):
    yield from R16.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def batch(seed):
        g = torch.Generator().manual_seed(seed)
        return torch.randint(0, 5, (2, 4), generator=g), torch.randint(0, 5, (2, 4), generator=g)

    def precision_after():
        torch.set_float32_matmul_precision("highest")
        model = seeded(81, TinyLSTM)
        step(model, torch.optim.SGD(model.parameters(), lr=0.1), *batch(320), _ce, 1.0)
        return torch.get_float32_matmul_precision()
    yield "float32 matmul precision after a step", precision_after

    def deterministic_after():
        torch.use_deterministic_algorithms(True)
        try:
            model = seeded(82, TinyLSTM)
            step(model, torch.optim.SGD(model.parameters(), lr=0.1), *batch(321), _ce, 1.0)
            return torch.are_deterministic_algorithms_enabled()
        finally:
            torch.use_deterministic_algorithms(False)
    yield "deterministic algorithms after a step (caller set True)", deterministic_after

    def adam_three():
        model = seeded(83, TinyLSTM)
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        losses = [step(model, opt, *batch(322 + k), _ce, 1.0) for k in range(3)]
        return losses, [p.detach().clone() for p in model.parameters()]
    yield "three Adam steps: losses and weights", adam_three

    def groups_big():
        model = seeded(84, TinyLSTM)
        opt = torch.optim.SGD([{"params": model.embedding.parameters()},
                               {"params": list(model.lstm.parameters()) + list(model.head.parameters())}], lr=0.1)
        step(model, opt, *batch(325), _ce, 0.01)
        return torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters()))
    yield "two groups, max_norm 0.01: total norm of the gradients after", groups_big


def probe_ex6_sample(ns):
    yield from R16.probe_ex6_sample(ns)
    sample = ns["sample"]

    def mode_after():
        m = seeded(85, TinyLSTM).train()
        sample(m, VOCAB5, start="ab", max_len=5, generator=torch.Generator().manual_seed(330))
        e = seeded(86, TinyLSTM).eval()
        sample(e, VOCAB5, start="ab", max_len=5, generator=torch.Generator().manual_seed(331))
        return m.training, e.training
    yield "modes after sampling a training and an eval model", mode_after
    yield "NextIndex over ['X', ':', '1', 'a'], prompt 'a', 10 characters", lambda: sample(
        NextIndex(4), ["X", ":", "1", "a"], start="a", max_len=10, generator=torch.Generator().manual_seed(332))
    yield "FixedNext [0, 1, 0.5, 0, 0] at temperature 1.5, 60 characters", lambda: sample(
        FixedNext([-30.0, 1.0, 0.5, 0.0, 0.0]), VOCAB5, start="a", max_len=60, temperature=1.5,
        generator=torch.Generator().manual_seed(333))
    yield "FixedNext [-30, 3, 0, 0, 0], 30 characters", lambda: sample(
        FixedNext([-30.0, 3.0, 0.0, 0.0, 0.0]), VOCAB5, start="a", max_len=30,
        generator=torch.Generator().manual_seed(334))


def probe_ex7_evaluate(ns):
    yield from R16.probe_ex7_evaluate(ns)
    bpc, rate = ns["bits_per_char"], ns["valid_tune_rate"]

    def chunks():
        spy = ShapeSpy()
        value = bpc(spy, torch.arange(13) % 5, 4)
        return value, spy.shapes
    yield "bits_per_char of 13 ids, seq_len 4: value and the model's input shapes", chunks

    def ids_after():
        ids = torch.arange(10) % 5
        bpc(seeded(87, TinyLSTM), ids, 3)
        return ids
    yield "the caller's ids after bits_per_char", ids_after

    def list_after():
        tunes = ["b\n\n", "a\n\n", "c"]
        value = rate(tunes, problem=lambda t: None)
        return value, list(tunes)
    yield "valid_tune_rate: value and the caller's list after", list_after
    yield "bits_per_char of a 9-id text, seq_len 20", lambda: bpc(seeded(88, TinyLSTM), torch.tensor([1, 2, 3, 4, 0, 1, 2, 3, 4]), 20)


PROBES = {"01_music_rnn/02_music_generation": {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": _guarded(probe_ex5_train_step), "ex6_sample": _guarded(probe_ex6_sample),
    "ex7_evaluate": _guarded(probe_ex7_evaluate)}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
