"""Proofs for blind round 7 of lab 02 part 2 (DB-VAE): every mutant behaves differently from CORRECT[0],
and every CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round7/prove_02_dbvae.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 6's for this notebook
(benchmarks/blind/round6/prove_02.py, loaded from its file) followed by the few observations this
round's mutants are easiest to read from: a VAE loss on 3 × 2 × 2 images, the caller's
requires_grad flags after sampling, a DB-VAE's output count and parameter count, a KL's gradient
through the returned mu and logvar, the debiasing loss of a batch without faces (and of all faces),
resampling with bins other than the config's, and the DB-VAE training loop with gradients far above
1. They are generators of (name, thunk), run by proofs.from_thunks (each thunk seeded and alone,
exceptions recorded). Only this notebook's probes are run.

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.proofs import earlier_proofs, from_thunks, main  # noqa: E402

import torch  # noqa: E402

R6 = earlier_proofs(6, "prove_02.py")
NB = "02_face_debiasing/02_dbvae"
R6_PROBES = R6.PROBES[NB]


def probe_ex1_vae_loss(ns):
    yield from R6_PROBES["ex1_vae_loss"](ns)
    vl = ns["vae_loss"]
    g = torch.Generator().manual_seed(5)
    x, xr = torch.rand(2, 3, 2, 2, generator=g), torch.rand(2, 3, 2, 2, generator=g)
    mu, lv = torch.randn(2, 4, generator=g), torch.randn(2, 4, generator=g)
    yield "3 x 2 x 2 images, L = 4, kl_weight 0.2", lambda: vl(x, xr, mu, lv, 0.2)


def probe_ex2_reparameterise(ns):
    yield from R6_PROBES["ex2_reparameterise"](ns)
    s = ns["sample_latent"]

    def flags_after():
        m, v = torch.zeros(2, 3), torch.zeros(2, 3)
        s(m, v)
        return m.requires_grad, v.requires_grad
    yield "requires_grad of the caller's mu and logvar after a call", flags_after


def probe_ex3_dbvae(ns):
    yield from R6_PROBES["ex3_dbvae"](ns)
    DBVAE = ns["DBVAE"]

    def outputs_and_parameters():
        model = DBVAE(latent_dim=3, n_filters=4)
        out = model(torch.rand(2, 3, 32, 32))
        return len(out), sum(p.numel() for p in model.parameters())
    yield "number of outputs and of parameters", outputs_and_parameters

    def kl_gradient():
        model = DBVAE(latent_dim=3, n_filters=4).train()
        _, mu, logvar, _ = model(torch.rand(2, 3, 32, 32))
        (0.5 * (logvar.exp() + mu ** 2 - 1 - logvar)).sum().backward()
        return model.encoder[-1].weight.grad
    yield "a KL of the returned mu and logvar: gradient to the encoder's last layer", kl_gradient


def probe_ex4_debias_loss(ns):
    yield from R6_PROBES["ex4_debias_loss"](ns)
    dl = ns["debiasing_loss"]
    g = torch.Generator().manual_seed(3)
    x, xr = torch.rand(3, 3, 2, 2, generator=g), torch.rand(3, 3, 2, 2, generator=g)
    mu, lv = torch.randn(3, 2, generator=g), torch.randn(3, 2, generator=g)
    logit = torch.tensor([0.2, -1.0, 2.0])
    yield "a batch without faces", lambda: dl(logit, torch.zeros(3), x, xr, mu, lv, 0.3)
    yield "a batch of three faces", lambda: dl(logit, torch.ones(3), x, xr, mu, lv, 0.3)


def probe_ex5_resampling(ns):
    yield from R6_PROBES["ex5_resampling"](ns)
    rp = ns["resampling_probabilities"]
    mu = torch.randn(60, 2, generator=torch.Generator().manual_seed(4))
    yield "randn (60, 2), bins 4, smoothing 0.01", lambda: rp(mu, bins=4, smoothing=0.01)
    yield "randn (60, 2), bins 25, smoothing 0.001", lambda: rp(mu, bins=25, smoothing=0.001)


def probe_ex6_train_dbvae(ns):
    yield from R6_PROBES["ex6_train"](ns)
    train = ns["train"]
    n = 24
    xs = torch.randn(n, 3, generator=torch.Generator().manual_seed(0))
    ys = torch.arange(float(n))

    def run():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 1))

        def loss_fn(m, xb, yb):
            return ((m(xb)[:, 0] - 10.0 * yb) ** 2).mean()   # gradients far above 1
        losses = train(model, loss_fn, xs, ys, epochs=2, batch_size=6, lr=0.1, seed=2)
        return {"losses": losses, "params": [p.detach().clone() for p in model.parameters()]}
    yield "targets 10·y (large gradients), batch_size 6 of 24", run


PROBES = {NB: {
    "ex1_vae_loss": probe_ex1_vae_loss, "ex2_reparameterise": probe_ex2_reparameterise,
    "ex3_dbvae": probe_ex3_dbvae, "ex4_debias_loss": probe_ex4_debias_loss,
    "ex5_resampling": probe_ex5_resampling, "ex6_train": probe_ex6_train_dbvae}}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
