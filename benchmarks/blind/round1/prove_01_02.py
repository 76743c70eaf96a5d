"""Proofs for blind round 1 of labs 01 and 02: every wrong answer behaves differently from CORRECT[0], and
every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round1/prove_01_02.py [lab/notebook ...] [--train-mutants]

This file holds the probes: per exercise, small inputs the notebook's instructions cover and what
the answer returns and leaves behind on them. The driver, the comparison and the training runs some
visible checks read are shared by every round: benchmarks/blind/proofs.py and visible_runs.py.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from benchmarks.blind.proofs import from_thunks, main  # noqa: E402
from benchmarks.blind.probe_kit import digits_like, flat_params, images_with_logits, seeded  # noqa: E402


# ---- small helpers the probes use -------------------------------------------------------------
class FixedNext(nn.Module):
    """Music model: the same next-character logits whatever came before; state counts calls."""

    def __init__(self, logits):
        super().__init__()
        self.logits = torch.as_tensor(logits, dtype=torch.float32)
        self.dummy = nn.Parameter(torch.zeros(1))

    def forward(self, x, state=None):
        return self.logits.expand(*x.shape, -1).clone(), state


class TinyLM(nn.Module):
    """Embedding -> Linear with the (logits, state) interface."""

    def __init__(self, vocab_size=5):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, 4)
        self.head = nn.Linear(4, vocab_size)

    def forward(self, x, state=None):
        return self.head(self.embedding(x)), state


class FirstPixel(nn.Module):
    """Face model whose logit is the image's first pixel; notes batch sizes and autograd."""

    def __init__(self):
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(1))
        self.batches, self.grad = [], []

    def forward(self, x):
        self.batches.append(len(x))
        self.grad.append(torch.is_grad_enabled())
        return x.reshape(len(x), -1)[:, 0] + 0 * self.unused


# ---- probes: lab 01 part 1 --------------------------------------------------------------------
def probe_ex1_tensors(ns):
    flatten, standardize = ns["flatten"], ns["standardize"]
    x = torch.tensor([[1.0, 10.0, -4.0], [3.0, 30.0, 0.0], [5.0, 50.0, 2.0], [2.0, 70.0, 1.0]])
    yield "flatten (2,3,4)", lambda: flatten(torch.arange(24.0).reshape(2, 3, 4))
    yield "flatten non-contiguous (2,4,3)", lambda: flatten(torch.arange(24.0).reshape(2, 3, 4).transpose(1, 2))
    yield "flatten batch of one", lambda: flatten(torch.arange(12.0).reshape(1, 3, 4))
    yield "flatten (2,3,4,5)", lambda: flatten(torch.zeros(2, 3, 4, 5))
    yield "standardize", lambda: standardize(x.clone())
    yield "standardize eps=0.5", lambda: standardize(x.clone(), eps=0.5)
    yield "standardize float64", lambda: standardize(x.double())


def probe_ex2_softmax(ns):
    softmax = ns["softmax"]
    yield "random (4, 6)", lambda: softmax(torch.randn(4, 6))
    yield "square (3, 3)", lambda: softmax(torch.randn(3, 3))
    yield "3-D (2, 3, 4)", lambda: softmax(torch.randn(2, 3, 4))
    yield "[0, ln 2]", lambda: softmax(torch.tensor([[0.0, math.log(2.0)]]))
    yield "[100, 90]", lambda: softmax(torch.tensor([[100.0, 90.0]]))
    yield "[1000, 1000]", lambda: softmax(torch.tensor([[1000.0, 1000.0]]))


def probe_ex3_autograd(ns):
    g = ns["mse_gradient"]
    gen = torch.Generator().manual_seed(0)
    w, x, y = torch.randn(3, generator=gen), torch.randn(5, 3, generator=gen), torch.randn(5, generator=gen)
    yield "gradient (D=3, N=5)", lambda: g(w, x, y)
    yield "hand case D=1", lambda: g(torch.tensor([2.0]), torch.tensor([[1.0], [2.0]]), torch.zeros(2))

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
        return (round(W.std().item(), 1), round(W.mean().item(), 1), round(W.min().item(), 0) >= 0,
                sorted((n, tuple(p.shape)) for n, p in layer.named_parameters()), float(layer.b.detach().abs().sum()))
    yield "init statistics (W * sqrt(in))", stats

    def with_weights():
        layer = Dense(3, 2)
        with torch.no_grad():
            layer.W.copy_(torch.tensor([[0.5, -1.0], [1.0, 0.25], [-0.5, 2.0]]))
            layer.b.copy_(torch.tensor([0.1, -0.2]))
        return layer(torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]))
    yield "forward with set weights", with_weights


def probe_ex5_mlp(ns):
    build, MLP = ns["build_mlp"], ns["MLP"]
    x = torch.randn(5, 8, generator=torch.Generator().manual_seed(1))
    yield "build_mlp output", lambda: seeded(0, lambda: build(8, 16, 4))(x)
    yield "MLP output (seed 0)", lambda: seeded(0, lambda: MLP(8, 16, 4))(x)
    yield "MLP output (seed 7)", lambda: seeded(7, lambda: MLP(8, 16, 4))(x)

    def twice_in_train_mode():
        m = seeded(0, lambda: MLP(8, 16, 4)).train()
        return torch.equal(m(x), m(x))
    yield "deterministic in training mode", twice_in_train_mode

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


# ---- probes: lab 01 part 2 --------------------------------------------------------------------
def probe_ex1_vocab(ns):
    b, v, d = ns["build_vocab"], ns["vectorize"], ns["devectorize"]
    vocab = ["\n", "A", "B", "|"]
    yield "build_vocab mixed case", lambda: b("aBcAb\n |")
    yield "vectorize", lambda: v("AB|\n", vocab)
    yield "vectorize, unsorted vocabulary", lambda: v("ba", ["b", "a"])
    yield "vectorize empty", lambda: v("", vocab)
    yield "devectorize tensor with 0", lambda: d(torch.tensor([0, 1, 2, 0]), vocab)
    yield "devectorize list", lambda: d([2, 3, 1], vocab)
    yield "round trip", lambda: d(v("X:1\nK:G\nab", b("X:1\nK:G\nab")), b("X:1\nK:G\nab"))


def probe_ex2_batch(ns):
    gb = ns["get_batch"]
    ids = torch.arange(50)
    yield "batch (6, 4) seed 0", lambda: gb(ids, 6, 4, torch.Generator().manual_seed(0))

    def two_calls():
        gen = torch.Generator().manual_seed(5)
        return gb(ids, 6, 4, gen), gb(ids, 6, 4, gen)
    yield "two calls, one generator", two_calls
    yield "12 ids, seq_len 10, 5 rows", lambda: gb(torch.arange(12), 10, 5, torch.Generator().manual_seed(0))


def probe_ex3_model(ns):
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]
    cfg = Config(vocab_size=7, embedding_dim=5, hidden_size=6, num_layers=2)
    x = torch.randint(0, 7, (3, 4), generator=torch.Generator().manual_seed(1))

    def evaluate():
        model = seeded(0, lambda: MusicLSTM(cfg)).eval()
        logits, (h, c) = model(x)
        return logits, h, c
    yield "eval forward (logits, h, c)", evaluate

    def in_training_mode():
        model = seeded(0, lambda: MusicLSTM(cfg)).train()
        torch.manual_seed(1)
        return model(x)[0]
    yield "train-mode forward", in_training_mode

    def gradient_through_state():
        model = seeded(0, lambda: MusicLSTM(cfg)).eval()
        _, state = model(x[:, :2])
        second, _ = model(x[:, 2:], state)
        second.sum().backward()
        return model.embedding.weight.grad
    yield "gradient through the carried state", gradient_through_state

    def one_layer():
        model = seeded(0, lambda: MusicLSTM(Config(vocab_size=7, embedding_dim=5, hidden_size=6, num_layers=1)))
        return model(x)[0]
    yield "one layer forward", one_layer


def probe_ex4_loss(ns):
    loss = ns["sequence_loss"]
    logits = torch.randn(2, 3, 5, generator=torch.Generator().manual_seed(0))
    targets = torch.tensor([[0, 1, 2], [3, 4, 0]])
    yield "loss with grad", lambda: loss(logits.clone().requires_grad_(True), targets)
    wrong = torch.zeros(1, 2, 3)
    wrong[..., 1] = 60.0
    yield "confident mistakes", lambda: loss(wrong, torch.tensor([[0, 2]]))
    yield "non-contiguous logits", lambda: loss(torch.randn(3, 2, 5).transpose(0, 1),
                                                torch.tensor([[1, 2, 3], [4, 1, 2]]))


def probe_ex5_train_step(ns):
    step = ns["train_step"]

    def ce(logits, targets):
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def run(max_norm):
        model = seeded(0, TinyLM).eval()
        g = torch.Generator().manual_seed(2)
        x, y = torch.randint(0, 5, (4, 6), generator=g), torch.randint(0, 5, (4, 6), generator=g)
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
        returned = [step(model, opt, x, y, ce, max_norm) for _ in range(3)]
        return {"returned": returned, "params": flat_params(model), "training": model.training}
    yield "3 steps, max_norm 0.05", lambda: run(0.05)
    yield "3 steps, max_norm 100", lambda: run(100.0)


def probe_ex6_sample(ns):
    sample = ns["sample"]
    vocab = ["\n", "a", "b"]
    yield "prompt ends with \\n, model says \\n", lambda: sample(FixedNext([30.0, 0.0, 0.0]), vocab,
                                                                      start="a\n", max_len=10)
    yield "uniform, seed 0", lambda: sample(FixedNext([0.0, 0.0, 0.0]), vocab, start="a", max_len=40,
                                            generator=torch.Generator().manual_seed(0))
    yield "T = 0.5, logits 60", lambda: sample(FixedNext([60.0, 0.0, 0.0]), vocab, start="a", max_len=10,
                                               temperature=0.5)
    yield "never a newline, max_len 25", lambda: len(sample(FixedNext([-30.0, 0.0, 0.0]), vocab, start="a", max_len=25,
                                                            generator=torch.Generator().manual_seed(0)))


def probe_ex7_evaluate(ns):
    bpc, rate = ns["bits_per_char"], ns["valid_tune_rate"]
    MusicLSTM, Config = ns["MusicLSTM"], ns["Config"]
    ids = torch.randint(0, 6, (53,), generator=torch.Generator().manual_seed(0))

    def lstm_bpc(seq_len):
        model = seeded(0, lambda: MusicLSTM(Config(vocab_size=6, embedding_dim=4, hidden_size=8, num_layers=1)))
        return bpc(model, ids, seq_len=seq_len)
    yield "LSTM, seq_len 8", lambda: lstm_bpc(8)
    yield "LSTM, seq_len 52", lambda: lstm_bpc(52)
    yield "valid_tune_rate 2 of 3", lambda: rate(["ok", "bad", "ok"], problem=lambda t: None if t == "ok" else "broken")
    yield "valid_tune_rate empty", lambda: rate([], problem=lambda t: None)


# ---- probes: lab 02 part 1 --------------------------------------------------------------------
def probe_ex1_cnn(ns):
    FaceCNN = ns["FaceCNN"]
    x = torch.rand(3, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    yield "parameters (12, 32)", lambda: sum(p.numel() for p in FaceCNN(12, 32).parameters())
    yield "parameters (4, 64)", lambda: sum(p.numel() for p in FaceCNN(4, 64).parameters())
    yield "eval logits, seed 0", lambda: seeded(0, lambda: FaceCNN(4, 32)).eval()(x)
    yield "train logits, seed 0", lambda: seeded(0, lambda: FaceCNN(4, 32)).train()(x)
    yield "64×64 logits", lambda: seeded(0, lambda: FaceCNN(4, 64)).eval()(torch.rand(2, 3, 64, 64))


def probe_ex2_train_faces(ns):
    train = ns["train_classifier"]
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(37, 3, 2, 2, generator=g), torch.randint(0, 2, (37,), generator=g).float()

    def run(seed):
        model = seeded(0, lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 1), nn.Flatten(0))).eval()
        calls = []
        history = train(model, x, y, epochs=3, batch_size=8, lr=0.05, seed=seed, on_epoch=lambda *a: calls.append(a))
        return {"history": history, "calls": calls, "params": flat_params(model), "training": model.training}
    yield "seed 1", lambda: run(1)
    yield "seed 0", lambda: run(0)


def probe_ex3_evaluate_faces(ns):
    ev = ns["evaluate_by_group"]
    x = images_with_logits([1.0, -1.0, 0.0, 2.0, -3.0, 0.0, 0.5, -0.5, 1.0, 1.0])
    y = torch.tensor([1.0, 1, 1, 1, 1, 0, 0, 1, 0, 1])
    groups = torch.tensor([0, 0, 1, 1, 2, -1, -1, 2, -1, 0])

    def run():
        model = FirstPixel().train()
        out = ev(model, x, y, groups, n_groups=3, batch_size=3)
        return {"out": out, "batches": model.batches, "grad": model.grad, "training": model.training}
    yield "10 images, batch_size 3", run


# ---- probes: lab 02 part 2 --------------------------------------------------------------------
def probe_ex1_vae_loss(ns):
    vl = ns["vae_loss"]
    g = torch.Generator().manual_seed(0)
    x, xr = torch.rand(3, 2, 4, 4, generator=g), torch.rand(3, 2, 4, 4, generator=g)
    mu, lv = torch.randn(3, 5, generator=g), torch.randn(3, 5, generator=g)
    yield "random batch, kl_weight 0.7", lambda: vl(x, xr, mu, lv, 0.7)
    yield "perfect reconstruction", lambda: vl(x, x, mu, lv, 1.0)


def probe_ex2_reparameterise(ns):
    s = ns["sample_latent"]
    g = torch.Generator().manual_seed(0)
    mu, lv = torch.randn(4, 3, generator=g), torch.randn(4, 3, generator=g)
    yield "sample, seed 3", lambda: seeded(3, lambda: s(mu, lv))
    yield "two calls differ", lambda: not torch.equal(s(mu, lv), s(mu, lv))
    extreme = torch.tensor([[12.0, -12.0], [11.0, -14.0]])
    yield "extreme logvar", lambda: seeded(3, lambda: s(torch.zeros(2, 2), extreme))
    # added in round 4, when sqrt(exp(logvar)) became a wrong answer: exp(logvar) leaves float32's range
    beyond_float32 = torch.tensor([[95.0, -115.0]])
    yield "logvar beyond exp's float32 range", lambda: seeded(3, lambda: s(torch.zeros(1, 2), beyond_float32))

    def grads():
        m, v = mu.clone().requires_grad_(True), lv.clone().requires_grad_(True)
        (s(m, v) ** 2).sum().backward()
        return m.grad, v.grad
    yield "gradients", grads


def probe_ex3_dbvae(ns):
    DBVAE = ns["DBVAE"]
    x = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(1))

    def forward_eval():
        model = seeded(0, lambda: DBVAE(latent_dim=3, n_filters=4)).eval()
        torch.manual_seed(1)
        return model(x)
    yield "eval forward, seeded", forward_eval
    yield "batch of one", lambda: seeded(0, lambda: DBVAE(latent_dim=3, n_filters=4)).eval()(x[:1])[0]

    def recon_gradient():
        model = seeded(0, lambda: DBVAE(latent_dim=3, n_filters=4)).train()
        out = model(x)
        out[3].sum().backward()
        w = model.encoder[-1].weight.grad
        return w is not None and float(w[1:].abs().sum()) > 0
    yield "reconstruction trains mu/logvar", recon_gradient

    def two_eval_calls():
        model = seeded(0, lambda: DBVAE(latent_dim=3, n_filters=4)).eval()
        return not torch.equal(model(x)[3], model(x)[3])
    yield "two eval forwards differ", two_eval_calls


def probe_ex4_debias_loss(ns):
    dl = ns["debiasing_loss"]
    g = torch.Generator().manual_seed(0)
    logit = torch.tensor([1.5, -0.7, -0.3, 0.4])
    y = torch.tensor([1.0, 0.0, 1.0, 1.0])
    x, xr = torch.rand(4, 3, 2, 2, generator=g), torch.rand(4, 3, 2, 2, generator=g)
    mu, lv = torch.randn(4, 2, generator=g), torch.randn(4, 2, generator=g)
    yield "batch of 4, kl_weight 0.3", lambda: dl(logit, y, x, xr, mu, lv, 0.3)
    yield "batch of 4, kl_weight 1", lambda: dl(logit, y, x, xr, mu, lv, 1.0)


def probe_ex5_resampling(ns):
    rp = ns["resampling_probabilities"]
    mu = torch.randn(200, 3, generator=torch.Generator().manual_seed(0))
    yield "randn (200, 3), 10 bins", lambda: rp(mu, bins=10, smoothing=1e-3)
    yield "values on bin edges", lambda: rp(torch.tensor([[0.0], [0.5], [1.0], [0.1], [0.2]]), bins=2, smoothing=0.0)
    yield "mu unchanged", lambda: (rp(mu.clone(), 10, 1e-3), mu)[1]


def probe_ex6_train_dbvae(ns):
    train = ns["train"]
    n = 30
    xs, ys = torch.randn(n, 3, generator=torch.Generator().manual_seed(0)), torch.arange(float(n))

    def run(use_weights):
        model = seeded(0, lambda: nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1)))
        seen, modes = [], []

        def loss_fn(m, xb, yb):
            seen.append(yb.clone())
            modes.append(m.training)
            return ((m(xb)[:, 0] - 1.0) ** 2).mean()

        def weights_fn(m):
            m.eval()
            return (torch.arange(n) % 2 == 0).float()
        losses = train(model, loss_fn, xs, ys, epochs=3, batch_size=8, lr=0.05,
                       weights_fn=weights_fn if use_weights else None, seed=1)
        return {"losses": losses, "drawn": torch.cat(seen), "modes": modes, "params": flat_params(model)}
    yield "with weights_fn", lambda: run(True)
    yield "uniform", lambda: run(False)


_THUNK_PROBES = {
    "01_music_rnn/01_pytorch_primer": {
        "ex1_tensors": probe_ex1_tensors, "ex2_softmax": probe_ex2_softmax, "ex3_autograd": probe_ex3_autograd,
        "ex4_dense": probe_ex4_dense, "ex5_mlp": probe_ex5_mlp, "ex6_train": probe_ex6_train_primer},
    "01_music_rnn/02_music_generation": {
        "ex1_vocab": probe_ex1_vocab, "ex2_batch": probe_ex2_batch, "ex3_model": probe_ex3_model,
        "ex4_loss": probe_ex4_loss, "ex5_train_step": probe_ex5_train_step, "ex6_sample": probe_ex6_sample,
        "ex7_evaluate": probe_ex7_evaluate},
    "02_face_debiasing/01_face_detection": {
        "ex1_cnn": probe_ex1_cnn, "ex2_train": probe_ex2_train_faces, "ex3_evaluate": probe_ex3_evaluate_faces},
    "02_face_debiasing/02_dbvae": {
        "ex1_vae_loss": probe_ex1_vae_loss, "ex2_reparameterise": probe_ex2_reparameterise,
        "ex3_dbvae": probe_ex3_dbvae, "ex4_debias_loss": probe_ex4_debias_loss,
        "ex5_resampling": probe_ex5_resampling, "ex6_train": probe_ex6_train_dbvae},
}

# each probe above returns [(name, thunk), ...]; the driver takes probe(ns, out)
PROBES = {name: {gid: from_thunks(probe) for gid, probe in by_gid.items()}
          for name, by_gid in _THUNK_PROBES.items()}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
