"""Proofs for blind round 7 of lab 01 part 2 (music generation): every mutant behaves differently
from CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round7/prove_01_music.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 6's (benchmarks/blind/round6/prove_01_music.py,
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

R6 = earlier_proofs(6, "prove_01_music.py")
FixedNext, TinyLM, TinyLSTM = R6.FixedNext, R6.TinyLM, R6.TinyLSTM


def probe_ex1_vocab(ns):
    yield from R6.probe_ex1_vocab(ns)
    b, v, d = ns["build_vocab"], ns["vectorize"], ns["devectorize"]
    yield "build_vocab of a title with accents", lambda: b("T:Caoineadh Eoghain Rua \u00c9ire\nK:G\n")
    yield "vectorize with an unsorted vocab", lambda: v("bca\n", ["c", "\n", "a", "b"])
    yield "devectorize [0, 1, 2] with vocab 'xyz'", lambda: d([0, 1, 2], ["x", "y", "z"])


def probe_ex2_batch(ns):
    yield from R6.probe_ex2_batch(ns)
    gb = ns["get_batch"]
    ids = torch.arange(30)
    yield "arange(30), seq_len 4, batch 3, seed 7", lambda: gb(ids, 4, 3, torch.Generator().manual_seed(7))
    yield "arange(30), seq_len 5, batch 5 (B == T), seed 8", lambda: gb(ids, 5, 5, torch.Generator().manual_seed(8))
    yield "arange(12), seq_len 5, batch 40: every start drawn", lambda: sorted(
        set(gb(torch.arange(12), 5, 40, torch.Generator().manual_seed(9))[0][:, 0].tolist()))


def probe_ex3_model(ns):
    yield from R6.probe_ex3_model(ns)
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]
    x = torch.randint(0, 7, (2, 3), generator=torch.Generator().manual_seed(6))

    def shapes(cfg):
        model = seeded(0, lambda: MusicLSTM(cfg))
        logits, (h, c) = model(x)
        again, _ = model(x[:, :1], (h, c))
        return {"logits": tuple(logits.shape), "h": tuple(h.shape), "c": tuple(c.shape), "again": tuple(again.shape),
                "params": sum(p.numel() for p in model.parameters())}
    yield "2 layers, embedding 5, hidden 6: shapes and the state fed back", lambda: shapes(
        Config(vocab_size=7, embedding_dim=5, hidden_size=6, num_layers=2))
    yield "1 layer, embedding 4, hidden 4: shapes and parameter count", lambda: shapes(
        Config(vocab_size=7, embedding_dim=4, hidden_size=4, num_layers=1))


def probe_ex4_loss(ns):
    yield from R6.probe_ex4_loss(ns)
    loss = ns["sequence_loss"]
    logits = torch.tensor([[[40.0, 0.0, 0.0], [0.0, 2.0, 1.0]]])
    yield "a confident mistake (logit 40 on the wrong class)", lambda: loss(logits, torch.tensor([[1, 1]]))
    yield "(2, 2, 3) logits, distinct targets", lambda: loss(
        torch.arange(12.0).reshape(2, 2, 3) / 4, torch.tensor([[0, 2], [1, 0]]))


def probe_ex5_train_step(ns):
    yield from R6.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def ce(logits, targets):
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def run(max_norm, lr=1.0):
        model = seeded(0, TinyLM)
        start = flat_params(model)
        g = torch.Generator().manual_seed(3)
        x, y = torch.randint(0, 5, (2, 4), generator=g), torch.randint(0, 5, (2, 4), generator=g)
        loss = step(model, torch.optim.SGD(model.parameters(), lr=lr), x, y, ce, max_norm)
        return {"loss": loss, "type": type(loss).__name__, "moved": flat_params(model) - start}
    yield "SGD lr 1, max_norm 100 (no clipping)", lambda: run(100.0)
    yield "SGD lr 1, max_norm 0.5", lambda: run(0.5)
    yield "SGD lr 1, max_norm 3", lambda: run(3.0)


def probe_ex6_sample(ns):
    yield from R6.probe_ex6_sample(ns)
    sample = ns["sample"]
    vocab = ["\n", "a", "b"]

    def mode_after():
        model = FixedNext([0.0, 0.0, 0.0]).train()
        text = sample(model, vocab, start="ab", max_len=5, generator=torch.Generator().manual_seed(1))
        return text, model.training
    yield "a model in training mode: the text, and its mode after", mode_after
    yield "prompt 'abab', uniform, 12 characters, seed 3", lambda: sample(
        FixedNext([0.0, 0.0, 0.0]), vocab, start="abab", max_len=12, generator=torch.Generator().manual_seed(3))
    yield "prompt 'a', always a newline", lambda: sample(FixedNext([30.0, -30.0, -30.0]), vocab, start="a",
                                                         max_len=10, generator=torch.Generator().manual_seed(0))


def probe_ex7_evaluate(ns):
    yield from R6.probe_ex7_evaluate(ns)
    bpc, rate = ns["bits_per_char"], ns["valid_tune_rate"]

    def mode_after():
        model = FixedNext([0.0, 1.0]).train()
        value = bpc(model, torch.tensor([0, 1, 1, 0, 1]), seq_len=2)
        return value, model.training
    yield "a model in training mode: bits, and its mode after", mode_after
    yield "valid_tune_rate of an empty list: value and type", lambda: (rate([], problem=lambda t: None),
                                                                       type(rate([], problem=lambda t: None)).__name__)
    yield "bits for logits [0, 0, 0, 0, 0, 0, 0, 0] (3 bits), 9 ids", lambda: bpc(
        FixedNext([0.0] * 8), torch.arange(9) % 8, seq_len=4)


PROBES = {"01_music_rnn/02_music_generation": {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
