"""Proofs for blind round 14 of lab 02 part 2 (DB-VAE): every mutant behaves differently from CORRECT[0]
on inputs the notebook's instructions cover, and every CORRECT answer passes its exercise's visible
check.

    .venv/bin/python benchmarks/blind/round14/prove_02_dbvae.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 13's for this notebook
(benchmarks/blind/round13/prove_02_dbvae.py, itself rounds 3 to 12's plus round 13's observations),
extended with what this round's mistakes are easiest to read from: vae_loss on a float32 batch with
the gradients of mu and logvar; samples for a logvar so small (-250) that sigma underflows to 0 in
float32, a sample drawn inside the caller's torch.no_grad() with the grad mode after it, and samples
with a far mean (12) and a wide sigma (logvar 5); a DB-VAE left in eval mode by its
caller, with the modes after a forward; the debiasing loss on a batch with exactly one face and on
inputs that require gradients (with those gradients); resampling of a float32 (9, 2) mu with its
sum and maximum; and a 10-example training loop with weights that favour two examples.

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
R13 = earlier_proofs(13, "prove_02_dbvae.py")
BASE = R13.PROBES[NB]            # round 13's probes (already run by from_thunks)


def more_vae_loss(ns):
    vl = ns["vae_loss"]
    g = torch.Generator().manual_seed(41)
    x = torch.rand(3, 2, 3, 2, generator=g)
    xr = torch.rand(3, 2, 3, 2, generator=g)
    mu = torch.randn(3, 4, generator=g)
    lv = torch.randn(3, 4, generator=g)

    def grads():
        mu_ = mu.clone().requires_grad_(True)
        lv_ = lv.clone().requires_grad_(True)
        loss = vl(x, xr, mu_, lv_, 0.5)
        loss.sum().backward()
        return {"loss": loss, "d/dmu": mu_.grad, "d/dlogvar": lv_.grad}
    yield "float32 (3, 2, 3, 2) batch, L = 4, kl_weight 0.5: the loss, its dtype, gradients to mu and logvar", grads


def more_sample(ns):
    s = ns["sample_latent"]

    def tiny():
        torch.manual_seed(5)
        mu = torch.tensor([[0.5, -1.0], [2.0, 0.0]]).requires_grad_(True)
        lv = torch.tensor([[-250.0, 0.0], [-300.0, 1.0]]).requires_grad_(True)
        z = s(mu, lv)
        z.sum().backward()
        return {"z": z, "d/dmu": mu.grad, "d/dlogvar": lv.grad}
    yield "float32 logvar -250 and -300 (sigma underflows to 0) beside 0 and 1: sample and gradients", tiny

    def in_no_grad():
        mu = torch.zeros(2, 3, requires_grad=True)
        lv = torch.zeros(2, 3, requires_grad=True)
        with torch.no_grad():
            z = s(mu, lv)
            mode = torch.is_grad_enabled()
        return {"z requires grad": z.requires_grad, "grad mode inside the caller's no_grad": mode}
    yield "called inside torch.no_grad() on tensors that require grad: the sample's flag and the grad mode", in_no_grad

    def far():
        torch.manual_seed(6)
        return s(torch.tensor([[12.0, -0.5], [-3.0, 0.0]]), torch.tensor([[0.0, 5.0], [0.0, 0.0]]))
    yield "a mean of 12 and a logvar of 5 (sigma 12) beside ordinary values, after torch.manual_seed(6)", far


def more_dbvae(ns):
    DBVAE = ns["DBVAE"]

    def eval_mode():
        model = seeded(5, lambda: DBVAE(latent_dim=3, n_filters=2)).eval()
        x = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(10))
        torch.manual_seed(3)
        logit, mu, logvar, recon = model(x)
        return {"logit": logit, "mu": mu, "modes": [m.training for m in model.modules()],
                "running_mean": model.encoder[1].running_mean.clone()}
    yield "DBVAE(3, 2) the caller put in eval mode, two images: outputs, modes after, BatchNorm running mean", eval_mode


def more_debias(ns):
    dl = ns["debiasing_loss"]
    g = torch.Generator().manual_seed(43)
    x = torch.rand(3, 3, 2, 2, generator=g)
    xr = torch.rand(3, 3, 2, 2, generator=g)
    mu = torch.randn(3, 2, generator=g)
    lv = torch.randn(3, 2, generator=g)
    logit = torch.tensor([0.4, -1.1, 2.0])
    y = torch.tensor([0.0, 1.0, 0.0])
    yield "a batch of three with exactly one face, kl_weight 0.1", lambda: dl(logit, y, x, xr, mu, lv, 0.1)

    def grads():
        lg = logit.clone().requires_grad_(True)
        xr_ = xr.clone().requires_grad_(True)
        yy = torch.tensor([1.0, 1.0, 0.0])
        loss = dl(lg, yy, x, xr_, mu, lv, 0.1)
        loss.backward()
        return {"loss": loss, "d/dlogit": lg.grad, "d/dx_recon": xr_.grad}
    yield "two faces, logit and x_recon requiring grad: the loss and its gradients", grads


def more_resampling(ns):
    rp = ns["resampling_probabilities"]
    mu = torch.tensor([[0.0, 5.0], [0.1, 4.0], [0.15, 4.2], [0.2, 3.0], [0.9, 4.1],
                       [1.0, 0.0], [0.12, 4.3], [0.18, 4.4], [0.5, 4.05]])

    def run():
        p = rp(mu, bins=5, smoothing=0.01)
        return {"p": p, "sum": float(p.sum()), "max": float(p.max())}
    yield "float32 (9, 2) mu, bins 5, smoothing 0.01: p, its sum and maximum", run


def more_train(ns):
    train = ns["train"]
    n = 10
    xs = torch.randn(n, 2, generator=torch.Generator().manual_seed(17))
    ys = torch.linspace(0.0, 1.0, n)

    def run():
        model = seeded(4, lambda: nn.Linear(2, 1))
        drawn = []

        def loss_fn(m, xb, yb):
            drawn.append(yb.clone())
            return ((m(xb)[:, 0] - yb) ** 2).mean()

        def weights_fn(m):
            w = torch.full((n,), 0.01)
            w[2] = w[7] = 1.0
            return w

        losses = train(model, loss_fn, xs, ys, epochs=2, batch_size=3, lr=0.05, weights_fn=weights_fn, seed=2)
        return {"type": type(losses).__name__, "losses": [float(v) for v in losses], "drawn": torch.cat(drawn),
                "params": flat_params(model)}
    yield "10 examples, batch_size 3, 2 epochs, weights favouring examples 2 and 7, seed 2", run


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
