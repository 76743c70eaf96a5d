"""Proofs for blind round 17 of lab 02 part 2 (DB-VAE): every mutant behaves differently from CORRECT[0]
on inputs the notebook's instructions cover, and every CORRECT answer passes its exercise's visible
check.

    .venv/bin/python benchmarks/blind/round17/prove_02_dbvae.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 16's for this notebook
(benchmarks/blind/round16/prove_02_dbvae.py, itself rounds 3 to 15's plus round 16's observations),
extended with what this round's mistakes are easiest to read from: vae_loss on float64 images with
a precise reconstruction error; the global RNG's next draw after sample_latent; a DB-VAE's
latent_dim and a spied forward under torch.no_grad(); the debiasing loss on a batch of one (the
caller's logit and label after the call) and its dtype on float32; resampling with a smoothing other
than the default; and train on 7 examples in batches of 4, and with a large learning rate over 4
epochs (a loss that goes up).

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
R16 = earlier_proofs(16, "prove_02_dbvae.py")
BASE = R16.PROBES[NB]            # round 16's probes (already run by from_thunks)


def more_vae_loss(ns):
    vl = ns["vae_loss"]
    g = torch.Generator().manual_seed(71)
    x = torch.rand(2, 3, 4, 5, generator=g, dtype=torch.float64)
    xr = x + 1e-3 * torch.randn(2, 3, 4, 5, generator=g, dtype=torch.float64)   # a close reconstruction
    mu = torch.zeros(2, 3, dtype=torch.float64)
    lv = torch.zeros(2, 3, dtype=torch.float64)
    yield "float64 (2, 3, 4, 5) batch reconstructed to 1e-3, mu = logvar = 0 (KL 0), kl_weight 1", \
        lambda: vl(x, xr, mu, lv, 1.0)


def more_sample(ns):
    s = ns["sample_latent"]

    def rng_after():
        torch.manual_seed(5)
        s(torch.zeros(2, 3), torch.zeros(2, 3))
        return torch.randn(4)
    yield "after torch.manual_seed(5) and one (2, 3) sample: the global RNG's next torch.randn(4)", rng_after


def more_dbvae(ns):
    DBVAE = ns["DBVAE"]

    def latent_dim():
        model = seeded(8, lambda: DBVAE(latent_dim=3, n_filters=2))
        return {"latent_dim": model.latent_dim, "type": type(model.latent_dim).__name__}
    yield "DBVAE(latent_dim=3, n_filters=2).latent_dim", latent_dim

    def spied_no_grad():
        calls = []
        real = ns["sample_latent"]

        def spy(mu, logvar):
            calls.append((tuple(mu.shape), tuple(logvar.shape)))
            return torch.zeros_like(mu) + 0.25
        ns["sample_latent"] = spy
        try:
            model = seeded(8, lambda: DBVAE(latent_dim=2, n_filters=2)).eval()
            x = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(17))
            with torch.no_grad():
                logit, mu, logvar, recon = model(x)
                expected = model.decoder(torch.full((2, 2), 0.25))
        finally:
            ns["sample_latent"] = real
        return {"calls": calls, "recon": recon, "decoder(0.25)": expected}
    yield "eval mode inside torch.no_grad(), sample_latent spied (returns 0.25): calls and reconstruction", \
        spied_no_grad


def more_debias(ns):
    dl = ns["debiasing_loss"]
    g = torch.Generator().manual_seed(73)

    def one():
        logit = torch.tensor([0.3])
        y = torch.tensor([1.0])
        x = torch.rand(1, 3, 2, 2, generator=g)
        xr = torch.rand(1, 3, 2, 2, generator=g)
        mu, lv = torch.randn(1, 2, generator=g), torch.randn(1, 2, generator=g)
        loss = dl(logit, y, x, xr, mu, lv, 0.1)
        return {"loss": loss, "logit after": logit, "y after": y}
    yield "a batch of one face: the loss and the caller's logit and label after the call", one

    def float32_batch():
        x = torch.rand(5, 3, 2, 2, generator=g)
        xr = torch.rand(5, 3, 2, 2, generator=g)
        mu, lv = torch.randn(5, 2, generator=g), torch.randn(5, 2, generator=g)
        logit = torch.randn(5, generator=g)
        y = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0])
        return dl(logit, y, x, xr, mu, lv, 0.3)
    yield "float32 batch of 5, 3 faces, kl_weight 0.3: the loss (value, shape and dtype)", float32_batch


def more_resampling(ns):
    rp = ns["resampling_probabilities"]
    g = torch.Generator().manual_seed(75)
    mu = torch.randn(40, 3, generator=g)
    yield "(40, 3) float32 mu, bins 5, smoothing 0.05", lambda: rp(mu, bins=5, smoothing=0.05)
    yield "(40, 3) float32 mu, defaults", lambda: rp(mu)


def more_train(ns):
    train = ns["train"]
    n = 7
    xs = torch.randn(n, 2, generator=torch.Generator().manual_seed(29))
    ys = (torch.arange(n) % 2).float()

    def loss_fn(m, xb, yb):
        return ((m(xb)[:, 0] - yb) ** 2).mean()

    def by_four():
        model = seeded(3, lambda: nn.Linear(2, 1))
        losses = train(model, loss_fn, xs, ys, epochs=2, batch_size=4, lr=0.05, seed=2)
        return {"losses": [float(v) for v in losses], "params": flat_params(model)}
    yield "7 examples in batches of 4 (n_batches 2), 2 epochs: losses and parameters", by_four

    def big_lr():
        model = seeded(3, lambda: nn.Linear(2, 1))
        losses = train(model, loss_fn, xs, ys, epochs=4, batch_size=2, lr=3.0, seed=1)
        return {"losses": [float(v) for v in losses], "params": flat_params(model)}
    yield "lr 3.0, 4 epochs in batches of 2 (the loss goes up and down): losses and parameters", big_lr


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
