"""Proofs for blind round 15 of lab 01 part 2 (music generation): every mutant behaves differently
from CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round15/prove_01_music.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 14's (benchmarks/blind/round14/prove_01_music.py,
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

R14 = earlier_proofs(14, "prove_01_music.py")
FixedNext, TinyLM, TinyLSTM, NextIndex = R14.FixedNext, R14.TinyLM, R14.TinyLSTM, R14.NextIndex
CountingLM = R14.CountingLM

VOCAB5 = R14.VOCAB5


def _ce(logits, targets):
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def probe_ex1_vocab(ns):
    yield from R14.probe_ex1_vocab(ns)
    b, v, d = ns["build_vocab"], ns["vectorize"], ns["devectorize"]
    yield "build_vocab('dcab|')", lambda: b("dcab|")
    yield "build_vocab('Gab')", lambda: b("Gab")
    yield "devectorize([1, 1, 2, 2, 2, 0]) and of a tensor [3, 3]", lambda: (
        d([1, 1, 2, 2, 2, 0], ["|", "G", "a", "b"]), d(torch.tensor([3, 3]), ["|", "G", "a", "b"]))
    yield "vectorize('ab\\n', ['\\n', 'a', 'b']) (a trailing newline)", lambda: v("ab\n", ["\n", "a", "b"])


def probe_ex2_batch(ns):
    yield from R14.probe_ex2_batch(ns)
    gb = ns["get_batch"]
    yield "103 ids, seq_len 5, batch 6 (length not a multiple)", lambda: gb(
        torch.arange(103), 5, 6, torch.Generator().manual_seed(100))
    yield "arange(50) ids, seq_len 3, batch 8: the starts x[:, 0]", lambda: gb(
        torch.arange(50), 3, 8, torch.Generator().manual_seed(101))[0][:, 0]

    def unpack():
        x, y = gb(torch.arange(30), 4, 2, torch.Generator().manual_seed(102))
        return x, y
    yield "x, y = get_batch(...)", unpack


def probe_ex3_model(ns):
    yield from R14.probe_ex3_model(ns)
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]

    def model(seed):
        return seeded(seed, lambda: MusicLSTM(Config(vocab_size=6, embedding_dim=3, hidden_size=4,
                                                     num_layers=1))).eval()

    def sums():
        logits, _ = model(50)(torch.tensor([[1, 2, 3]]))
        return logits.sum(-1)
    yield "row sums of the logits", sums

    def head_shapes():
        m = model(51)
        return tuple(m.head.weight.shape), tuple(m.head.bias.shape)
    yield "head weight and bias shapes", head_shapes

    def bias_used():
        m = model(52)
        with torch.no_grad():
            m.head.bias.fill_(3.0)
        return m(torch.tensor([[0, 1]]))[0]
    yield "logits with the head's bias set to 3", bias_used

    def state_given():
        m = model(53)
        _, s1 = m(torch.tensor([[1, 2]]))
        _, s2 = m(torch.tensor([[3]]), s1)
        return s2
    yield "state returned after a state is given", state_given


def probe_ex4_loss(ns):
    yield from R14.probe_ex4_loss(ns)
    loss = ns["sequence_loss"]
    g = torch.Generator().manual_seed(103)
    logits = torch.randn(3, 4, 5, generator=g)
    t = torch.randint(0, 5, (3, 4), generator=g)
    yield "logits (3, 4, 5): value", lambda: loss(logits, t)
    yield "float64 logits (3, 4, 5): dtype", lambda: str(loss(logits.double(), t).dtype)


def probe_ex5_train_step(ns):
    yield from R14.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def batch(seed):
        g = torch.Generator().manual_seed(seed)
        return torch.randint(0, 5, (2, 4), generator=g), torch.randint(0, 5, (2, 4), generator=g)

    def adamw_frozen():
        model = seeded(35, TinyLSTM)
        model.embedding.weight.requires_grad_(False)
        before = model.embedding.weight.detach().clone()
        opt = torch.optim.AdamW(model.parameters(), lr=0.1, weight_decay=0.5)
        x, y = batch(104)
        step(model, opt, x, y, _ce, 1.0)
        return model.embedding.weight.detach() - before, model.embedding.weight.grad is None
    yield "AdamW with weight decay, frozen embedding: how far it moved, its grad None", adamw_frozen

    def lr_after():
        model = seeded(36, TinyLSTM)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = batch(105)
        step(model, opt, x, y, _ce, 1.0)
        return opt.param_groups[0]["lr"]
    yield "the optimizer's lr after a step", lr_after

    def grads_after():
        model = seeded(37, TinyLSTM)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = batch(106)
        step(model, opt, x, y, _ce, 0.5)
        return [None if p.grad is None else p.grad.clone() for p in model.parameters()]
    yield "the parameters' gradients after a step (max_norm 0.5)", grads_after

    def deterministic():
        model = seeded(38, TinyLSTM)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = batch(107)
        try:
            step(model, opt, x, y, _ce, 1.0)
            return torch.are_deterministic_algorithms_enabled()
        finally:
            torch.use_deterministic_algorithms(False)
    yield "deterministic algorithms after a step", deterministic


def probe_ex6_sample(ns):
    yield from R14.probe_ex6_sample(ns)
    sample = ns["sample"]
    yield "FixedNext [10, 0, 9, 0, 0] at temperature 0.1, 6 characters", lambda: sample(
        FixedNext([10.0, 0.0, 9.0, 0.0, 0.0]), VOCAB5, start="a", max_len=6, temperature=0.1,
        generator=torch.Generator().manual_seed(108))

    def dtype_after():
        model = seeded(46, TinyLSTM).double()
        text = sample(model, VOCAB5, start="ab", max_len=4, generator=torch.Generator().manual_seed(109))
        return text, [str(p.dtype) for p in model.parameters()]
    yield "float64 TinyLSTM: text and parameter dtypes after", dtype_after

    def no_generator_twice():
        torch.manual_seed(110)
        first = sample(FixedNext([0.0, 0.5, 0.0, 0.5, 0.0]), VOCAB5, start="a", max_len=10)
        torch.manual_seed(110)
        second = sample(FixedNext([0.0, 0.5, 0.0, 0.5, 0.0]), VOCAB5, start="a", max_len=10)
        return first, second
    yield "no generator, global seed 110 twice: the two texts", no_generator_twice

    yield "a counting model, a 150-character prompt, 6 characters", lambda: sample(
        CountingLM(), VOCAB5, start="abc" * 50, max_len=6, generator=torch.Generator().manual_seed(111))


def probe_ex7_evaluate(ns):
    yield from R14.probe_ex7_evaluate(ns)
    bpc, rate = ns["bits_per_char"], ns["valid_tune_rate"]

    def mode_after():
        model = seeded(48, TinyLSTM).eval()
        value = bpc(model, torch.arange(40) * 3 % 5, 8)
        return value, model.training, model.lstm.training
    yield "an eval TinyLSTM on 40 ids, seq_len 8: value and modes after", mode_after
    yield "NextIndex on 21 ids, seq_len 5", lambda: bpc(NextIndex(), torch.arange(21) % 5, 5)
    yield "valid_tune_rate of ['', 'long tune', 'x'], '' and 'x' valid", lambda: rate(
        ["", "long tune", "x"], problem=lambda t: None if len(t) < 2 else "too long")


PROBES = {"01_music_rnn/02_music_generation": {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
