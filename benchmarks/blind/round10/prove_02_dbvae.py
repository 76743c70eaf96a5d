"""Proofs for blind round 10 of lab 02 part 2 (DB-VAE): every mutant behaves differently from CORRECT[0]
on inputs the notebook's instructions cover, and every CORRECT answer passes its exercise's visible
check.

    .venv/bin/python benchmarks/blind/round10/prove_02_dbvae.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 9's for this notebook
(benchmarks/blind/round9/prove_02_dbvae.py, itself rounds 3 to 7's plus round 9's observations),
extended with what this round's mistakes are easiest to read from: the caller's x after vae_loss and
a KL with a large mu and sigma; float64 samples and their gradients; whether a DB-VAE's mu and logvar
are the encoder's columns and the reconstruction is shaped like x; the debiasing loss's gradients
and its value on confident mistakes; resampling with no empty bin and with the last dimension the
uneven one; and after the DB-VAE training loop, what each epoch drew, the model's mode, the type of
the returned means and torch's global RNG.

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.probe_kit import seeded  # noqa: E402
from benchmarks.blind.proofs import earlier_proofs, extend, from_thunks, main  # noqa: E402

import torch  # noqa: E402

NB = "02_face_debiasing/02_dbvae"
R9 = earlier_proofs(9, "prove_02_dbvae.py")
BASE = R9.PROBES[NB]             # round 9's probes (already run by from_thunks)


def more_vae_loss(ns):
    vl = ns["vae_loss"]
    g = torch.Generator().manual_seed(13)
    x, xr = torch.rand(3, 3, 2, 2, generator=g), torch.rand(3, 3, 2, 2, generator=g)
    mu = torch.tensor([[3.0, -0.7], [0.4, 1.5], [-2.0, 0.0]])
    lv = torch.tensor([[1.5, -0.5], [0.0, 2.0], [-1.0, 0.8]])

    def arguments_after():
        xs, xrs = x.clone(), xr.clone()
        loss = vl(xs, xrs, mu.clone(), lv.clone(), 0.2)
        return {"loss": loss, "x after": xs, "x_recon after": xrs}
    yield "three images, mu up to 3, logvar up to 2, kl_weight 0.2; x and x_recon after the call", arguments_after


def more_sample(ns):
    s = ns["sample_latent"]

    def float64():
        mu = torch.tensor([[0.5, -1.0], [2.0, 0.0]], dtype=torch.float64, requires_grad=True)
        lv = torch.tensor([[1.3, -0.9], [0.2, 3.1]], dtype=torch.float64, requires_grad=True)
        z = s(mu, lv)
        (z * torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)).sum().backward()
        return {"z": z, "dtype": str(z.dtype), "grad mu": mu.grad, "grad logvar": lv.grad}
    yield "float64 mu and logvar (odd logvars): the sample, its dtype and the weighted-sum gradients", float64


def more_dbvae(ns):
    DBVAE = ns["DBVAE"]
    x = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(5))

    def columns():
        model = seeded(1, lambda: DBVAE(latent_dim=3, n_filters=4)).eval()
        torch.manual_seed(2)
        logit, mu, logvar, recon = model(x)
        with torch.no_grad():
            out = model.encoder(x)
        return {"out": out, "mu is out[:, 1:4]": bool(torch.allclose(mu, out[:, 1:4])),
                "logvar is out[:, 4:]": bool(torch.allclose(logvar, out[:, 4:])),
                "recon shape": tuple(recon.shape), "logit": logit}
    yield "eval mode, L = 3: the encoder's output, whether mu and logvar are its columns, the reconstruction's shape", \
        columns


def more_debias(ns):
    dl = ns["debiasing_loss"]
    g = torch.Generator().manual_seed(17)
    x, xr = torch.rand(4, 3, 2, 2, generator=g), torch.rand(4, 3, 2, 2, generator=g)
    mu, lv = torch.randn(4, 2, generator=g), torch.randn(4, 2, generator=g)

    def gradients():
        logit = torch.tensor([25.0, -30.0, 1.5, -0.5], requires_grad=True)   # two confident mistakes
        y = torch.tensor([0.0, 1.0, 1.0, 0.0])
        xr_, mu_, lv_ = (t.clone().requires_grad_(True) for t in (xr, mu, lv))
        loss = dl(logit, y, x, xr_, mu_, lv_, 0.3)
        loss.backward()
        return {"loss": loss, "grad logit": logit.grad, "grad x_recon": xr_.grad, "grad mu": mu_.grad,
                "grad logvar": lv_.grad}
    yield "confident mistakes (logits 25 and -30), kl_weight 0.3: the loss and its gradients", gradients


def more_resampling(ns):
    rp = ns["resampling_probabilities"]
    mu = torch.zeros(6, 3)
    mu[:, 0] = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])   # dimensions 0, 1: evenly split
    mu[:, 1] = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    mu[:, 2] = torch.tensor([0.0, 0.1, 0.2, 0.3, 0.4, 3.0])   # the last dimension: one face far out
    yield "(6, 3), the last dimension the only uneven one, bins 2, smoothing 0.05", lambda: rp(mu, bins=2, smoothing=0.05)
    full = torch.tensor([[0.0], [0.2], [0.3], [0.9], [1.0], [0.45]])   # both bins filled: 4 and 2 faces
    yield "no empty bin: 6 faces, 4 and 2 in 2 bins, smoothing 0.2; p and its sum", lambda: (
        lambda p: (p, float(p.sum())))(rp(full, bins=2, smoothing=0.2))
    yield "bins 3, smoothing 0.1, 7 faces in bins of 4, 2, 1", lambda: rp(
        torch.tensor([[0.0], [0.1], [0.2], [0.3], [0.5], [0.6], [1.0]]), bins=3, smoothing=0.1)


def more_train(ns):
    train = ns["train"]
    n = 11
    xs = torch.randn(n, 3, generator=torch.Generator().manual_seed(3))
    ys = torch.arange(float(n))

    def run():
        model = seeded(0, lambda: torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1)))
        drawn = []

        def loss_fn(m, xb, yb):
            drawn.append(yb.clone())
            noise = torch.rand(len(xb))          # like the augmentation and sample_latent: torch's global RNG
            return ((m(xb)[:, 0] + 0.1 * noise - yb / n) ** 2).mean()

        def weights_fn(m):
            m.eval()
            return torch.linspace(1.0, 3.0, n)

        torch.manual_seed(31)
        losses = train(model, loss_fn, xs, ys, epochs=3, batch_size=4, lr=0.05, weights_fn=weights_fn, seed=2)
        return {"losses": [float(v) for v in losses], "types": [type(v).__name__ for v in losses],
                "drawn": torch.cat(drawn), "training after": model.training, "torch's RNG after": torch.rand(3)}
    yield ("11 examples, batch_size 4, 3 epochs, uneven weights, a loss that draws noise: what was drawn, the"
           " losses and their types, the model's mode and torch's RNG after"), run


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
