"""Proofs for blind round 4 of lab 01: every mutant behaves differently from CORRECT[0], and every
CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round4/prove_01.py [lab/notebook ...] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Probes are round 3's (benchmarks/blind/round3/prove_01_02.py)
for lab 01, with the observations this round's mutants need added; they are written as generators of
(name, thunk), run by proofs.from_thunks (each thunk seeded and alone, exceptions recorded). The
visible check of primer ex6_train gets its training run redone at fast-mode size (visible_runs.context).

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.proofs import from_thunks, main  # noqa: E402
from benchmarks.blind.probe_kit import digits_like, flat_params, seeded  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402


# ---- helpers ----------------------------------------------------------------------------------
class FixedNext(nn.Module):
    """Music model: the same next-character logits whatever came before."""

    def __init__(self, logits):
        super().__init__()
        self.logits = torch.as_tensor(logits, dtype=torch.float32)
        self.dummy = nn.Parameter(torch.zeros(1))
        self.calls = []

    def forward(self, x, state=None):
        self.calls.append(tuple(x.shape))
        return self.logits.expand(*x.shape, -1).clone(), state


class TinyLM(nn.Module):
    def __init__(self, vocab_size=5):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, 4)
        self.head = nn.Linear(4, vocab_size)

    def forward(self, x, state=None):
        return self.head(self.embedding(x)), state


class TinyLSTM(nn.Module):
    """Embedding -> LSTM -> Linear, named like MusicLSTM."""

    def __init__(self, vocab_size=5):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, 4)
        self.lstm = nn.LSTM(4, 6, batch_first=True)
        self.head = nn.Linear(6, vocab_size)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embedding(x), state)
        return self.head(out), state


class CounterLM(nn.Module):
    """State counts characters read; after an odd count it says vocab[1], after an even one vocab[2]."""

    def __init__(self, vocab_size=3):
        super().__init__()
        self.vocab_size = vocab_size
        self.dummy = nn.Parameter(torch.zeros(1))

    def forward(self, x, state=None):
        seen = 0 if state is None else int(state)
        logits = torch.full((*x.shape, self.vocab_size), -30.0)
        for t in range(x.shape[1]):
            logits[:, t, 1 + (seen + t + 1) % 2] = 30.0
        return logits, torch.tensor(seen + x.shape[1])


# ---- lab 01 part 1 ----------------------------------------------------------------------------
def probe_ex1_tensors(ns):
    flatten, standardize = ns["flatten"], ns["standardize"]
    x = torch.tensor([[1.0, 10.0, -4.0], [3.0, 30.0, 0.0], [5.0, 50.0, 2.0], [2.0, 70.0, 1.0]])
    yield "flatten (2, 3, 4)", lambda: flatten(torch.arange(24.0).reshape(2, 3, 4))
    yield "flatten (2, 3, 2, 2)", lambda: flatten(torch.arange(24.0).reshape(2, 3, 2, 2))
    yield "flatten batch of one (1, 2, 2, 2)", lambda: flatten(torch.arange(8.0).reshape(1, 2, 2, 2))
    yield "flatten a transposed view", lambda: flatten(torch.arange(24.0).reshape(2, 3, 4).transpose(1, 2))
    yield "flatten a strided slice", lambda: flatten(torch.arange(48.0).reshape(2, 6, 4)[:, ::2])
    yield "standardize", lambda: standardize(x.clone())

    def caller_images():
        images = torch.arange(24.0).reshape(2, 3, 4)
        flatten(images)
        return images
    yield "the caller's images after flatten", caller_images
    yield "standardize tiny spread", lambda: standardize(torch.tensor([[0.0], [1e-4], [0.0], [1e-4]]))
    yield "standardize eps=0.5", lambda: standardize(x.clone(), eps=0.5)
    yield "standardize float64", lambda: standardize(x.double())


def probe_ex2_softmax(ns):
    softmax = ns["softmax"]
    yield "random (4, 6)", lambda: softmax(torch.randn(4, 6))
    yield "[0, ln 2]", lambda: softmax(torch.tensor([[0.0, math.log(2.0)]]))
    yield "[1000, 1000], [-1000, -999]", lambda: softmax(torch.tensor([[1000.0, 1000.0], [-1000.0, -999.0]]))
    yield "wide row [0, 200]", lambda: softmax(torch.tensor([[0.0, 200.0]]))
    yield "only very negative rows [-1000, -999]", lambda: softmax(torch.tensor([[-1000.0, -999.0]]))
    yield "float64 (3, 4)", lambda: softmax(torch.randn(3, 4, dtype=torch.float64))
    yield "3-D (2, 3, 4)", lambda: softmax(torch.randn(2, 3, 4))
    yield "1-D (5,)", lambda: softmax(torch.randn(5))


def probe_ex3_autograd(ns):
    g = ns["mse_gradient"]
    gen = torch.Generator().manual_seed(0)
    w, x, y = torch.randn(3, generator=gen), torch.randn(5, 3, generator=gen), torch.randn(5, generator=gen)
    yield "gradient (D=3, N=5)", lambda: g(w, x, y)
    yield "hand case D=1", lambda: g(torch.tensor([2.0]), torch.tensor([[1.0], [2.0]]), torch.zeros(2))
    yield "float64 inputs", lambda: g(w.double(), x.double(), y.double())

    def caller_w():
        w2 = w.clone()
        g(w2, x, y)
        return (w2.requires_grad, w2.grad is None, w2)
    yield "caller's w untouched", caller_w


def probe_ex4_dense(ns):
    Dense = ns["DenseLayer"]

    def stats():
        layer = Dense(256, 64)
        W = layer.W.detach() * math.sqrt(256)
        return (round(W.std().item(), 1), round(W.mean().item(), 1), bool(W.min().item() < 0),
                sorted((n, tuple(p.shape)) for n, p in layer.named_parameters()), layer.b.detach().clone())
    yield "init statistics and parameters", stats

    def with_weights():
        layer = Dense(3, 2)
        with torch.no_grad():
            layer.W.copy_(torch.tensor([[0.5, -1.0], [1.0, 0.25], [-0.5, 2.0]]))
            layer.b.copy_(torch.tensor([0.1, -0.2]))
        out = layer(torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]))
        out.sum().backward()
        return out, layer.W.grad, layer.b.grad
    yield "forward and gradients with set weights", with_weights

    def two_in_a_row():
        torch.manual_seed(5)
        a, b = Dense(3, 2), Dense(3, 2)
        return a.W.detach().clone(), torch.equal(a.W, b.W), torch.rand(2)
    yield "two layers in a row (seed 5), and the global generator after them", two_in_a_row

    def large_inputs():
        layer = Dense(3, 2)
        with torch.no_grad():
            layer.W.copy_(torch.tensor([[0.5, -1.0], [1.0, 0.25], [-0.5, 2.0]]))
            layer.b.zero_()
        return layer(torch.tensor([[200.0, 0.0, 0.0], [0.0, 0.0, -100.0]]))
    yield "large pre-activations (z = 100, -200)", large_inputs


def probe_ex5_mlp(ns):
    build, MLP = ns["build_mlp"], ns["MLP"]
    x = torch.randn(5, 8, generator=torch.Generator().manual_seed(1))
    yield "build_mlp output (seed 0)", lambda: seeded(0, lambda: build(8, 16, 4))(x)
    yield "MLP output (seed 0)", lambda: seeded(0, lambda: MLP(8, 16, 4))(x)
    yield "build_mlp layer kinds", lambda: [type(m).__name__ for m in build(8, 16, 4)]
    yield "parameter counts", lambda: (sum(p.numel() for p in build(8, 16, 4).parameters()),
                                       sum(p.numel() for p in MLP(8, 16, 4).parameters()))

    def same_start():
        a = seeded(3, lambda: build(8, 16, 4))
        b = seeded(3, lambda: MLP(8, 16, 4))
        return torch.allclose(a(x), b(x))
    yield "same seed, same start", same_start


def probe_ex6_train_primer(ns):
    train = ns["train"]

    def run(shuffle):
        torch.manual_seed(0)
        model = nn.Linear(4, 3).eval()
        loader = torch.utils.data.DataLoader(digits_like(), batch_size=8, shuffle=shuffle,
                                             generator=torch.Generator().manual_seed(0) if shuffle else None)
        calls = []
        history = train(model, loader, 3, 0.1, on_epoch=lambda *a: calls.append(a))
        return {"history": history, "calls": calls, "params": flat_params(model), "training": model.training}
    yield "3 epochs, shuffled", lambda: run(True)
    yield "3 epochs, in order", lambda: run(False)

    def global_shuffle():
        torch.manual_seed(0)
        model = nn.Linear(4, 3)
        loader = torch.utils.data.DataLoader(digits_like(), batch_size=8, shuffle=True)
        history = train(model, loader, 2, 0.1)
        return {"history": history, "params": flat_params(model)}
    yield "2 epochs, shuffled by torch's global generator", global_shuffle

    def dropout_in_eval():
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 3)).eval()
        loader = torch.utils.data.DataLoader(digits_like(), batch_size=8)
        history = train(model, loader, 2, 0.1)
        return {"history": history, "params": flat_params(model), "training": model.training}
    yield "2 epochs, a dropout model arriving in eval mode", dropout_in_eval


PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
}

# ---- lab 01 part 2 ----------------------------------------------------------------------------
def probe_ex1_vocab(ns):
    b, v, d = ns["build_vocab"], ns["vectorize"], ns["devectorize"]
    vocab = ["\n", "A", "B", "|"]
    yield "build_vocab mixed text", lambda: b("aBcAb\n |zyxba")
    yield "vectorize", lambda: v("AB|\n", vocab)
    yield "vectorize 'AB' with a 4-character vocabulary", lambda: v("AB", vocab)
    yield "vectorize, unsorted vocabulary", lambda: v("ba|", ["|", "b", "a"])
    yield "devectorize tensor", lambda: d(torch.tensor([0, 1, 2, 0]), vocab)
    yield "devectorize list", lambda: d([2, 3, 1], vocab)
    yield "round trip", lambda: d(v("X:1\nK:G\nab\n", b("X:1\nK:G\nab\n")), b("X:1\nK:G\nab\n"))


def probe_ex2_batch(ns):
    gb = ns["get_batch"]
    ids = torch.arange(50)
    yield "batch (6, 4) seed 0", lambda: gb(ids, 6, 4, torch.Generator().manual_seed(0))
    yield "batch (3, 5) seed 1", lambda: gb(ids, 3, 5, torch.Generator().manual_seed(1))
    yield "starts drawn from 12 ids, seq_len 10", lambda: sorted(
        set(gb(torch.arange(12), 10, 200, torch.Generator().manual_seed(0))[0][:, 0].tolist()))
    yield "no generator: two calls under torch's global seed", lambda: (gb(ids, 6, 4), gb(ids, 6, 4))


def probe_ex3_model(ns):
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]
    cfg = Config(vocab_size=7, embedding_dim=5, hidden_size=6, num_layers=2)
    x = torch.randint(0, 7, (3, 4), generator=torch.Generator().manual_seed(1))

    def evaluate():
        model = seeded(0, lambda: MusicLSTM(cfg)).eval()
        logits, state = model(x)
        return logits, state, sum(p.numel() for p in model.parameters())
    yield "eval forward (logits, state, parameter count)", evaluate

    def halves():
        model = seeded(0, lambda: MusicLSTM(cfg)).eval()
        first, state = model(x[:, :2])
        second, _ = model(x[:, 2:], state)
        return torch.cat([first, second], 1)
    yield "two halves, state passed on", halves

    def gradient_through_state():
        model = seeded(0, lambda: MusicLSTM(cfg)).eval()
        _, state = model(x[:, :2])
        second, _ = model(x[:, 2:], state)
        second.sum().backward()
        return model.embedding.weight.grad
    yield "gradient through the carried state", gradient_through_state


def probe_ex4_loss(ns):
    loss = ns["sequence_loss"]
    logits = torch.randn(2, 3, 5, generator=torch.Generator().manual_seed(0))
    targets = torch.tensor([[0, 1, 2], [3, 4, 0]])

    def with_grad():
        leaf = logits.clone().requires_grad_(True)
        out = loss(leaf, targets)
        out.backward()
        return out.detach(), leaf.grad
    yield "loss and its gradient", with_grad
    wrong = torch.zeros(1, 2, 3)
    wrong[..., 1] = 120.0
    yield "confident mistakes", lambda: loss(wrong, torch.tensor([[0, 2]]))
    yield "non-contiguous logits and targets", lambda: loss(
        torch.randn(3, 2, 5, generator=torch.Generator().manual_seed(1)).transpose(0, 1),
        torch.tensor([[1, 2], [3, 4], [0, 1]]).T)


def probe_ex5_train_step(ns):
    step = ns["train_step"]

    def ce(logits, targets):
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def run(make, max_norm):
        model = seeded(0, make).eval()
        g = torch.Generator().manual_seed(2)
        x, y = torch.randint(0, 5, (4, 6), generator=g), torch.randint(0, 5, (4, 6), generator=g)
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
        torch.manual_seed(1)
        returned = [step(model, opt, x, y, ce, max_norm) for _ in range(3)]
        return {"returned": returned, "params": flat_params(model), "training": model.training}
    yield "TinyLM, 3 steps, max_norm 0.05", lambda: run(TinyLM, 0.05)
    yield "TinyLM, 3 steps, max_norm 100", lambda: run(TinyLM, 100.0)
    yield "embedding-LSTM-head, 3 steps, max_norm 0.05", lambda: run(TinyLSTM, 0.05)


def probe_ex6_sample(ns):
    sample = ns["sample"]
    vocab = ["\n", "a", "b"]
    yield "uniform, seed 0", lambda: sample(FixedNext([0.0, 0.0, 0.0]), vocab, start="a", max_len=40,
                                            generator=torch.Generator().manual_seed(0))
    yield "logits [0, 2, 0], seed 0", lambda: sample(FixedNext([0.0, 2.0, 0.0]), vocab, start="a", max_len=40,
                                                     generator=torch.Generator().manual_seed(0))
    yield "stateful model, prompt 'ab'", lambda: sample(CounterLM(), vocab, start="ab", max_len=6)
    yield "temperature 0.1, logits [0, 9, 8.5]", lambda: sample(FixedNext([0.0, 9.0, 8.5]), vocab, start="a",
                                                                max_len=30, temperature=0.1,
                                                                generator=torch.Generator().manual_seed(0))
    yield "prompt ends with \\n, model says \\n", lambda: sample(FixedNext([30.0, 0.0, 0.0]), vocab,
                                                                  start="a\n", max_len=10)
    yield "prompt holding a blank line, model never says \\n", lambda: sample(
        FixedNext([-30.0, 0.0, 0.0]), vocab, start="a\n\nb", max_len=12, generator=torch.Generator().manual_seed(0))


def probe_ex7_evaluate(ns):
    bpc, rate = ns["bits_per_char"], ns["valid_tune_rate"]
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]
    ids = torch.randint(0, 6, (53,), generator=torch.Generator().manual_seed(0))

    def lstm_bpc(seq_len):
        model = seeded(0, lambda: MusicLSTM(Config(vocab_size=6, embedding_dim=4, hidden_size=8, num_layers=1)))
        return bpc(model, ids, seq_len=seq_len)
    yield "LSTM, seq_len 8", lambda: lstm_bpc(8)
    yield "LSTM, seq_len 13", lambda: lstm_bpc(13)
    yield "LSTM, seq_len 52", lambda: lstm_bpc(52)
    yield "valid_tune_rate 2 of 3", lambda: rate(["ok", "bad", "ok"], problem=lambda t: None if t == "ok" else "broken")
    yield "valid_tune_rate 3 of 3", lambda: rate(["ok"] * 3, problem=lambda t: None)
    yield "valid_tune_rate empty", lambda: rate([], problem=lambda t: None)


PROBES["01_music_rnn/02_music_generation"] = {
    "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
    "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
    "ex7_evaluate": probe_ex7_evaluate}



if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
