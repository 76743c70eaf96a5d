"""Proofs for blind round 16 of lab 02 part 2 (DB-VAE): every mutant behaves differently from CORRECT[0]
on inputs the notebook's instructions cover, and every CORRECT answer passes its exercise's visible
check.

    .venv/bin/python benchmarks/blind/round16/prove_02_dbvae.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 15's for this notebook
(benchmarks/blind/round15/prove_02_dbvae.py, itself rounds 3 to 14's plus round 15's observations),
extended with what this round's mistakes are easiest to read from: vae_loss's gradient to x_recon
and a KL below 0.1 per dimension; a (1, 3) sample requiring grad and its gradients; a DB-VAE whose
sample_latent is replaced by a spy; the debiasing loss on the Sigmoid of a saturated decoder output
(pixels exactly 0 and 1), the caller's x_recon after the call and backward through it; resampling of a
float64 mu with values exactly on bin edges of [0, 3]; and train with a weights_fn that hands back one
fixed tensor (read after the run) and with a model the caller put in eval mode.

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
R15 = earlier_proofs(15, "prove_02_dbvae.py")
BASE = R15.PROBES[NB]            # round 15's probes (already run by from_thunks)


def more_vae_loss(ns):
    vl = ns["vae_loss"]
    g = torch.Generator().manual_seed(61)
    x = torch.rand(3, 2, 3, 4, generator=g)
    xr = torch.rand(3, 2, 3, 4, generator=g)
    mu = torch.randn(3, 4, generator=g)
    lv = torch.randn(3, 4, generator=g) * 0.1

    def grads():
        xr_ = xr.clone().requires_grad_(True)
        loss = vl(x, xr_, mu, lv, 0.5)
        loss.sum().backward()
        return {"loss": loss, "grad x_recon": xr_.grad}
    yield "(3, 2, 3, 4) batch, x_recon requiring grad, mu near the prior: losses and d sum / d x_recon", grads
    yield "mu close to 0 and logvar close to 0 (a KL below 0.1 per dimension), kl_weight 1", \
        lambda: vl(x, xr, mu * 0.01, lv * 0.01, 1.0)


def more_sample(ns):
    s = ns["sample_latent"]

    def grads():
        mu = torch.tensor([[0.5, -1.0, 2.0]], requires_grad=True)
        lv = torch.tensor([[0.0, 1.0, -2.0]], requires_grad=True)
        torch.manual_seed(11)
        z = s(mu, lv)
        z.sum().backward()
        return {"z": z, "grad mu": mu.grad, "grad logvar": lv.grad}
    yield "a (1, 3) pair requiring grad, after torch.manual_seed(11): sample and gradients of its sum", grads


def more_dbvae(ns):
    DBVAE = ns["DBVAE"]

    def spied():
        calls = []
        real = ns["sample_latent"]

        def spy(mu, logvar):
            calls.append((tuple(mu.shape), tuple(logvar.shape)))
            return torch.zeros_like(mu) + 0.25          # a known latent sample
        ns["sample_latent"] = spy
        try:
            model = seeded(8, lambda: DBVAE(latent_dim=2, n_filters=2))
            x = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(13))
            logit, mu, logvar, recon = model(x)
            expected = model.decoder(torch.full((2, 2), 0.25))
        finally:
            ns["sample_latent"] = real
        return {"sample_latent calls": calls, "recon": recon, "decoder(0.25)": expected}
    yield "sample_latent replaced by a spy returning 0.25: its calls and the reconstruction", spied


def more_debias(ns):
    dl = ns["debiasing_loss"]
    g = torch.Generator().manual_seed(63)
    x = torch.rand(3, 3, 2, 2, generator=g)
    mu = torch.randn(3, 2, generator=g)
    lv = torch.randn(3, 2, generator=g)
    logit = torch.tensor([0.5, -1.0, 2.0])
    y = torch.tensor([1.0, 0.0, 1.0])

    def saturated():
        pre = torch.randn(3, 3, 2, 2, generator=torch.Generator().manual_seed(5)) * 30   # a decoder's pre-sigmoid
        pre.requires_grad_(True)
        xr = torch.sigmoid(pre)                  # saturated pixels: exactly 0.0 and 1.0 in float32
        before = xr.detach().clone()
        loss = dl(logit, y, x, xr, mu, lv, 0.2)
        after = xr.detach().clone()
        loss.backward()
        return {"loss": loss, "x_recon changed": bool((before != after).any()), "grad pre": pre.grad}
    yield "x_recon = sigmoid of a saturated decoder output (pixels exactly 0 and 1): loss, caller's x_recon, grads", \
        saturated


def more_resampling(ns):
    rp = ns["resampling_probabilities"]
    # float64 values on inner edges of [0, 3] split in 10 bins: 0.9 / 3 * 10 is 3 in float64, 2.99... in float32
    mu = torch.tensor([[0.0, 0.9, 0.9, 0.7, 1.8, 1.6, 1.6, 3.0, 2.5, 0.2]], dtype=torch.float64).T
    yield "float64 (10, 1) mu on [0, 3] with values on edges (0.9, 1.8) and in the bins below them, bins 10, smoothing 0.01", \
        lambda: rp(mu, bins=10, smoothing=0.01)


def more_train(ns):
    train = ns["train"]
    n = 7
    xs = torch.randn(n, 2, generator=torch.Generator().manual_seed(23))
    ys = (torch.arange(n) % 2).float()

    def loss_fn(m, xb, yb):
        return ((m(xb)[:, 0] - yb) ** 2).mean()

    def fixed_weights():
        model = seeded(3, lambda: nn.Linear(2, 1))
        w = torch.tensor([1.0, 2.0, 0.5, 4.0, 1.0, 1.0, 3.0])

        def weights_fn(m):
            m.eval()
            return w                              # the same tensor every epoch

        losses = train(model, loss_fn, xs, ys, epochs=2, batch_size=3, lr=0.1, weights_fn=weights_fn, seed=4)
        return {"losses": [float(v) for v in losses], "weights after": w, "params": flat_params(model)}
    yield "weights_fn returning one fixed tensor, 7 examples, batch_size 3, 2 epochs: losses and the tensor after", \
        fixed_weights

    def eval_in():
        model = seeded(3, lambda: nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.0), nn.Linear(2, 1))).eval()
        train(model, lambda m, xb, yb: ((m(xb)[:, 0] - yb) ** 2).mean(), xs, ys, epochs=1, batch_size=4, lr=0.1)
        return {"training": model.training, "submodules": [m.training for m in model]}
    yield "a model the caller put in eval mode, no weights_fn: its mode after train", eval_in


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
