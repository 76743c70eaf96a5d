"""Proofs for blind round 12 of lab 02 part 2 (DB-VAE): every mutant behaves differently from CORRECT[0]
on inputs the notebook's instructions cover, and every CORRECT answer passes its exercise's visible
check.

    .venv/bin/python benchmarks/blind/round12/prove_02_dbvae.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 11's for this notebook
(benchmarks/blind/round11/prove_02_dbvae.py, itself rounds 3 to 10's plus round 11's observations),
extended with what this round's mistakes are easiest to read from: vae_loss on float64 images of
unequal C, H, W; samples from float16 and from transposed (non-contiguous) mu and logvar, and two
calls in a row; a DB-VAE's BatchNorm statistics after one training-mode forward, and a float64
DB-VAE; the debiasing loss on a batch without faces; resampling of a float64 mu; and a training
loop whose weights_fn returns other weights at every call.

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.probe_kit import flat_params, seeded  # noqa: E402
from benchmarks.blind.proofs import earlier_proofs, extend, from_thunks, main  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

NB = "02_face_debiasing/02_dbvae"
R11 = earlier_proofs(11, "prove_02_dbvae.py")
BASE = R11.PROBES[NB]            # round 11's probes (already run by from_thunks)


def more_vae_loss(ns):
    vl = ns["vae_loss"]
    g = torch.Generator().manual_seed(21)
    x = torch.rand(2, 2, 3, 5, generator=g, dtype=torch.float64)
    xr = torch.rand(2, 2, 3, 5, generator=g, dtype=torch.float64)
    mu = torch.tensor([[0.4, -1.1, 0.9], [1.6, 0.2, -0.3]], dtype=torch.float64)
    lv = torch.tensor([[0.7, -0.4, 1.2], [-1.5, 0.3, 0.0]], dtype=torch.float64)
    yield "float64, C=2, H=3, W=5, two images, kl_weight 0.7: the loss and its dtype", lambda: vl(x, xr, mu, lv, 0.7)
    yield "one float64 image of the same kind, kl_weight 0.7", lambda: vl(x[:1], xr[:1], mu[:1], lv[:1], 0.7)


def more_sample(ns):
    s = ns["sample_latent"]

    def half():
        mu = torch.tensor([[0.5, -1.0, 0.25], [2.0, 0.0, -0.5]], dtype=torch.float16)
        lv = torch.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], dtype=torch.float16)
        return s(mu, lv)
    yield "float16 mu and logvar: the sample and its dtype", half

    def transposed():
        mu = torch.linspace(-1.0, 1.0, 12).reshape(3, 4).T           # (4, 3), not contiguous
        lv = torch.linspace(-0.5, 0.8, 12).reshape(3, 4).T
        torch.manual_seed(5)
        return s(mu, lv)
    yield "transposed (non-contiguous) (4, 3) mu and logvar after torch.manual_seed(5)", transposed

    def float64_again():
        mu = torch.zeros(5, 4, dtype=torch.float64)
        lv = torch.zeros(5, 4, dtype=torch.float64)
        torch.manual_seed(9)
        return s(mu, lv)
    yield "float64 zeros (5, 4) after torch.manual_seed(9): the noise itself", float64_again

    def twice():
        mu, lv = torch.zeros(3, 2), torch.zeros(3, 2)
        torch.manual_seed(3)
        a = s(mu, lv)
        b = s(mu, lv)
        return {"first": a, "second": b, "equal": bool(torch.equal(a, b))}
    yield "two calls in a row on zeros (3, 2) after torch.manual_seed(3)", twice


def more_dbvae(ns):
    DBVAE = ns["DBVAE"]
    x = torch.rand(3, 3, 32, 32, generator=torch.Generator().manual_seed(12))

    def bn_after():
        model = seeded(6, lambda: DBVAE(latent_dim=2, n_filters=3)).train()
        torch.manual_seed(1)
        out = model(x)
        bn = model.encoder[1]
        return {"logit": out[0], "running_mean": bn.running_mean, "running_var": bn.running_var,
                "num_batches_tracked": bn.num_batches_tracked}
    yield "DBVAE(2, 3) in training mode, one forward of 3 images: the first BatchNorm's statistics after", bn_after

    def float64():
        model = seeded(6, lambda: DBVAE(latent_dim=2, n_filters=3)).double().eval()
        torch.manual_seed(1)
        logit, mu, logvar, recon = model(x.double())
        return {"logit": logit, "mu": mu, "recon dtype": str(recon.dtype)}
    yield "a float64 DBVAE(2, 3) in eval mode on float64 images", float64


def more_debias(ns):
    dl = ns["debiasing_loss"]
    g = torch.Generator().manual_seed(23)
    x, xr = torch.rand(3, 3, 2, 2, generator=g), torch.rand(3, 3, 2, 2, generator=g)
    mu, lv = torch.randn(3, 2, generator=g), torch.randn(3, 2, generator=g)
    logit = torch.tensor([0.8, -1.2, 2.0])
    yield "a batch without faces (y = 0, 0, 0), kl_weight 0.5", lambda: dl(logit, torch.zeros(3), x, xr, mu, lv, 0.5)
    yield "two faces, one non-face, kl_weight 0.5", lambda: dl(logit, torch.tensor([1.0, 0.0, 1.0]), x, xr, mu, lv, 0.5)


def more_resampling(ns):
    rp = ns["resampling_probabilities"]
    mu = torch.tensor([[0.0, 2.0], [0.5, 2.5], [0.6, 2.1], [1.0, 4.0], [0.2, 2.2]], dtype=torch.float64)
    yield "float64 (5, 2), bins 4, smoothing 0.05: p and its dtype", lambda: rp(mu, bins=4, smoothing=0.05)


def more_train(ns):
    train = ns["train"]
    n = 10
    xs = torch.randn(n, 3, generator=torch.Generator().manual_seed(14))
    ys = torch.arange(float(n))

    def run():
        model = seeded(2, lambda: nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1)))
        drawn, calls = [], []

        def loss_fn(m, xb, yb):
            drawn.append(yb.clone())
            return ((m(xb)[:, 0] - yb / n) ** 2).mean()

        def weights_fn(m):
            calls.append(1)
            w = torch.zeros(n)
            w[(len(calls) - 1) % 2::2] = 1.0       # even examples on odd calls, odd examples on even calls
            return w

        losses = train(model, loss_fn, xs, ys, epochs=3, batch_size=5, lr=0.05, weights_fn=weights_fn, seed=4)
        return {"losses": [float(v) for v in losses], "drawn": torch.cat(drawn), "params": flat_params(model),
                "weights_fn calls": len(calls)}
    yield ("10 examples, batch_size 5, 3 epochs, weights_fn alternating even and odd examples: draws, losses,"
           " parameters and the number of weights_fn calls"), run


PROBES = {NB: {
    "ex1_vae_loss": extend(BASE["ex1_vae_loss"], from_thunks(more_vae_loss)),
    "ex2_reparameterise": extend(BASE["ex2_reparameterise"], from_thunks(more_sample)),
    "ex3_dbvae": extend(BASE["ex3_dbvae"], from_thunks(more_dbvae)),
    "ex4_debias_loss": extend(BASE["ex4_debias_loss"], from_thunks(more_debias)),
    "ex5_resampling": extend(BASE["ex5_resampling"], from_thunks(more_resampling)),
    "ex6_train": extend(BASE["ex6_train"], from_thunks(more_train)),
}}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
