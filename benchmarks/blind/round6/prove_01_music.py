"""Proofs for blind round 6 of lab 01 part 2 (music generation): every mutant behaves differently
from CORRECT[0], and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round6/prove_01_music.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 5's (benchmarks/blind/round5/prove_01.py,
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

R5 = earlier_proofs(5, "prove_01.py")
FixedNext, TinyLM, TinyLSTM = R5.FixedNext, R5.TinyLM, R5.TinyLSTM
CounterLM = earlier_proofs(3, "prove_01_02.py").CounterLM


def probe_ex1_vocab(ns):
    yield from R5.probe_ex1_vocab(ns)


def probe_ex2_batch(ns):
    yield from R5.probe_ex2_batch(ns)


def probe_ex3_model(ns):
    yield from R5.probe_ex3_model(ns)
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]
    cfg = Config(vocab_size=7, embedding_dim=5, hidden_size=6, num_layers=2)
    x = torch.randint(0, 7, (2, 3), generator=torch.Generator().manual_seed(5))

    def twice():
        model = seeded(0, lambda: MusicLSTM(cfg)).eval()
        return model(x)[0], model(x)[0]
    yield "the same x twice without a state", twice


def probe_ex4_loss(ns):
    yield from R5.probe_ex4_loss(ns)


class DropLM(nn.Module):
    """Embedding -> Dropout -> Linear: submodules whose mode matters."""

    def __init__(self, vocab_size=5):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, 4)
        self.drop = nn.Dropout(0.5)
        self.head = nn.Linear(4, vocab_size)

    def forward(self, x, state=None):
        return self.head(self.drop(self.embedding(x))), state


def probe_ex5_train_step(ns):
    yield from R5.probe_ex5_train_step(ns)
    step = ns["train_step"]

    def ce(logits, targets):
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def modes():
        model = seeded(0, DropLM).eval()
        g = torch.Generator().manual_seed(2)
        x, y = torch.randint(0, 5, (4, 6), generator=g), torch.randint(0, 5, (4, 6), generator=g)
        torch.manual_seed(1)
        loss = step(model, torch.optim.SGD(model.parameters(), lr=0.5), x, y, ce, 100.0)
        return {"loss": loss, "modes": [m.training for m in model.modules()], "params": flat_params(model)}
    yield "a model with dropout, in eval mode: one step, the modes of its modules", modes


def probe_ex6_sample(ns):
    yield from R5.probe_ex6_sample(ns)
    sample = ns["sample"]
    vocab = ["\n", "a", "b"]

    def shared_generator():
        gen = torch.Generator().manual_seed(5)
        return [sample(FixedNext([0.0, 0.0, 0.0]), vocab, start="a", max_len=30, generator=gen) for _ in range(3)]
    yield "one generator, three tunes in a row", shared_generator
    yield "max_len 0", lambda: sample(FixedNext([-30.0, 0.0, 0.0]), vocab, start="ab", max_len=0,
                                      generator=torch.Generator().manual_seed(0))
    yield "stateful model, prompt 'aba', 5 characters", lambda: sample(CounterLM(), vocab, start="aba", max_len=5)


def probe_ex7_evaluate(ns):
    yield from R5.probe_ex7_evaluate(ns)
    rate = ns["valid_tune_rate"]

    def seen_by_problem():
        seen = []
        value = rate(["X:1\nK:G\nab|\n\n", "  ", ""], problem=lambda t: seen.append(t) or (None if t else "empty"))
        return value, seen
    yield "what problem() is given, tunes with whitespace", seen_by_problem


PROBES = {"01_music_rnn/02_music_generation": {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
