"""Proofs for blind round 15 of lab 02 part 2 (DB-VAE): every mutant behaves differently from CORRECT[0]
on inputs the notebook's instructions cover, and every CORRECT answer passes its exercise's visible
check.

    .venv/bin/python benchmarks/blind/round15/prove_02_dbvae.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 14's for this notebook
(benchmarks/blind/round14/prove_02_dbvae.py, itself rounds 3 to 13's plus round 14's observations),
extended with what this round's mistakes are easiest to read from: vae_loss on a float64 batch of
non-square images with B != L; samples for a logvar so large (200) that sigma overflows to inf in
float32, and the grad flag of a sample of plain tensors; a DB-VAE(3, 3) in training mode, its
reconstruction and its decoder's parameter count; the debiasing loss on a batch of four with one
face, with the caller's x_recon after the call and the gradients of a loss it returns; resampling of a
(10, 3) float64 mu with an outlier; and a float64 model trained on integer labels with a large
learning rate (the epoch losses go up and down), with the dtypes its loss function receives.

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
R14 = earlier_proofs(14, "prove_02_dbvae.py")
BASE = R14.PROBES[NB]            # round 14's probes (already run by from_thunks)


def more_vae_loss(ns):
    vl = ns["vae_loss"]
    g = torch.Generator().manual_seed(51)
    x = torch.rand(2, 3, 4, 5, generator=g, dtype=torch.float64)
    xr = torch.rand(2, 3, 4, 5, generator=g, dtype=torch.float64)
    mu = torch.randn(2, 5, generator=g, dtype=torch.float64)
    lv = torch.randn(2, 5, generator=g, dtype=torch.float64)
    yield "float64 (2, 3, 4, 5) batch, L = 5, kl_weight 0.7", lambda: vl(x, xr, mu, lv, 0.7)
    yield "the same batch, kl_weight 0 (the reconstruction alone)", lambda: vl(x, xr, mu, lv, 0.0)


def more_sample(ns):
    s = ns["sample_latent"]

    def huge():
        torch.manual_seed(7)
        return s(torch.tensor([[0.5, -1.0], [2.0, 0.0]]), torch.tensor([[200.0, 0.0], [1.0, 300.0]]))
    yield "float32 logvar 200 and 300 (sigma overflows to inf) beside 0 and 1, after torch.manual_seed(7)", huge

    def plain():
        torch.manual_seed(8)
        z = s(torch.zeros(3, 2), torch.zeros(3, 2))
        return {"z": z, "requires grad": z.requires_grad, "is leaf": z.is_leaf}
    yield "plain tensors (no grad): the sample, its grad flag and whether it is a leaf", plain

    def no_grad_backward():
        mu = torch.zeros(2, 3, requires_grad=True)
        lv = torch.zeros(2, 3, requires_grad=True)
        with torch.no_grad():
            z = s(mu, lv)
        return {"requires grad": z.requires_grad, "has grad_fn": z.grad_fn is not None}
    yield "drawn inside the caller's no_grad from tensors that require grad: flag and graph", no_grad_backward


def more_dbvae(ns):
    DBVAE = ns["DBVAE"]

    def train_mode():
        model = seeded(6, lambda: DBVAE(latent_dim=3, n_filters=3))
        x = torch.rand(3, 3, 32, 32, generator=torch.Generator().manual_seed(12))
        torch.manual_seed(4)
        logit, mu, logvar, recon = model(x)
        return {"logit": logit, "mu": mu, "logvar": logvar, "recon": recon,
                "decoder params": sum(p.numel() for p in model.decoder.parameters()),
                "next draw": torch.rand(2)}
    yield "DBVAE(3, 3) in training mode, three images, after torch.manual_seed(4): outputs, decoder size", train_mode


def more_debias(ns):
    dl = ns["debiasing_loss"]
    g = torch.Generator().manual_seed(53)
    x = torch.rand(4, 3, 2, 2, generator=g)
    xr = torch.rand(4, 3, 2, 2, generator=g)
    mu = torch.randn(4, 2, generator=g)
    lv = torch.randn(4, 2, generator=g)
    logit = torch.tensor([0.3, -0.8, 1.5, -2.0])
    y = torch.tensor([1.0, 0.0, 0.0, 0.0])

    def after():
        xr_ = xr.clone()
        loss = dl(logit, y, x, xr_, mu, lv, 0.2)
        return {"loss": loss, "x_recon after": xr_}
    yield "four images, one face, kl_weight 0.2: the loss and the caller's x_recon after", after

    def grads():
        model = seeded(2, lambda: nn.Linear(3, 1))
        feats = torch.randn(4, 3, generator=torch.Generator().manual_seed(9))
        lg = model(feats)[:, 0]
        loss = dl(lg, y, x, xr, mu, lv, 0.2)
        grad_before = model.weight.grad
        loss.backward()
        return {"loss": loss, "grad before the caller's backward": grad_before, "grad": model.weight.grad}
    yield "logits from a Linear model: .grad before the caller's backward, and after it", grads


def more_resampling(ns):
    rp = ns["resampling_probabilities"]
    g = torch.Generator().manual_seed(55)
    mu = torch.randn(10, 3, generator=g, dtype=torch.float64)
    mu[4, 1] = 9.0      # an outlier
    yield "float64 (10, 3) mu with an outlier, bins 4, smoothing 0.05", lambda: rp(mu, bins=4, smoothing=0.05)
    yield "the same mu with the defaults", lambda: rp(mu)


def more_train(ns):
    train = ns["train"]
    n = 9
    xs = torch.randn(n, 2, generator=torch.Generator().manual_seed(19), dtype=torch.float64)
    ys = torch.arange(n) % 3            # integer labels

    def run():
        model = seeded(5, lambda: nn.Linear(2, 1).double())
        seen = []

        def loss_fn(m, xb, yb):
            seen.append((str(xb.dtype), str(yb.dtype)))
            return ((m(xb)[:, 0] - yb.to(xb.dtype)) ** 2).mean()

        losses = train(model, loss_fn, xs, ys, epochs=4, batch_size=4, lr=3.0, seed=1)
        return {"losses": [float(v) for v in losses], "dtypes": sorted(set(seen)), "params": flat_params(model),
                "dtype after": str(model.weight.dtype)}
    yield "float64 Linear model, 9 examples with integer labels, batch_size 4, 4 epochs, lr 3 (losses jump)", run


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
