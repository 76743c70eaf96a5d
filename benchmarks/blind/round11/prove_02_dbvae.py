"""Proofs for blind round 11 of lab 02 part 2 (DB-VAE): every mutant behaves differently from CORRECT[0]
on inputs the notebook's instructions cover, and every CORRECT answer passes its exercise's visible
check.

    .venv/bin/python benchmarks/blind/round11/prove_02_dbvae.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 10's for this notebook
(benchmarks/blind/round10/prove_02_dbvae.py, itself rounds 3 to 9's plus round 10's observations),
extended with what this round's mistakes are easiest to read from: vae_loss with logvars beyond ±10;
the caller's mu and logvar after sample_latent and the sample's gradients; a DB-VAE's latent_dim
attribute and its encoder's and decoder's parameter counts; resampling's mu after the call; and in
the training loop, the cosine schedule's arguments and learning rate after every step, with stale
gradients in the caller's .grad before the call.

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.probe_kit import flat_params, seeded  # noqa: E402
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, from_thunks, main  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

NB = "02_face_debiasing/02_dbvae"
R10 = earlier_proofs(10, "prove_02_dbvae.py")
BASE = R10.PROBES[NB]            # round 10's probes (already run by from_thunks)


def more_vae_loss(ns):
    vl = ns["vae_loss"]
    x = torch.zeros(2, 3, 2, 2)
    mu = torch.tensor([[0.5, -1.0], [0.0, 2.0]])
    lv = torch.tensor([[12.0, -0.5], [-15.0, 1.0]])
    yield "perfect reconstruction, logvars 12 and -15 (beyond ±10), kl_weight 0.01", lambda: vl(x, x, mu, lv, 0.01)


def more_sample(ns):
    s = ns["sample_latent"]

    def arguments_after():
        mu = torch.tensor([[0.3, -1.2, 2.0]], requires_grad=True)
        lv = torch.tensor([[0.8, -2.0, 1.5]])
        mu_in, lv_in = mu.detach().clone(), lv.clone()
        z = s(mu, lv)
        grad = attempt(lambda: torch.autograd.grad(z.sum(), mu)[0])
        return {"z": z, "mu after": mu.detach(), "logvar after": lv, "mu unchanged": bool(torch.equal(mu.detach(), mu_in)),
                "logvar unchanged": bool(torch.equal(lv, lv_in)), "dz/dmu": grad}
    yield "one row, logvar not requiring grad: the sample, the caller's mu and logvar after, dz/dmu", arguments_after


def more_dbvae(ns):
    DBVAE = ns["DBVAE"]

    def inventory():
        model = seeded(4, lambda: DBVAE(latent_dim=3, n_filters=4))
        return {"latent_dim": attempt(lambda: model.latent_dim),
                "encoder params": sum(p.numel() for p in model.encoder.parameters()),
                "decoder params": sum(p.numel() for p in model.decoder.parameters()),
                "first encoder weights": model.encoder[0].weight.detach().flatten()[:6],
                "first decoder weights": model.decoder[0].weight.detach().flatten()[:6]}
    yield "DBVAE(3, 4) seeded: latent_dim, parameter counts, the first weights of encoder and decoder", inventory


def more_resampling(ns):
    rp = ns["resampling_probabilities"]

    def mu_after():
        mu = torch.tensor([[0.0, 5.0], [1.0, 6.0], [1.0, 9.0], [4.0, 7.0]])
        before = mu.clone()
        p = rp(mu, bins=3, smoothing=0.1)
        return {"p": p, "mu after": mu, "unchanged": bool(torch.equal(mu, before))}
    yield "(4, 2), columns in [0, 4] and [5, 9], bins 3, smoothing 0.1: p and mu after", mu_after


class _CosineSpy:
    """CosineAnnealingLR as the answer makes it, noting its arguments and the lr after every step."""

    def __enter__(self):
        spy, real = self, torch.optim.lr_scheduler.CosineAnnealingLR
        self.real, self.made, self.lrs = real, [], []

        class Noting(real):
            def __init__(self, optimizer, *args, **kwargs):
                spy.made.append((args, kwargs))
                super().__init__(optimizer, *args, **kwargs)

            def step(self, *args, **kwargs):
                out = super().step(*args, **kwargs)
                spy.lrs.append(self.optimizer.param_groups[0]["lr"])
                return out

        torch.optim.lr_scheduler.CosineAnnealingLR = Noting
        return self

    def __exit__(self, *exc):
        torch.optim.lr_scheduler.CosineAnnealingLR = self.real
        return False


def more_train(ns):
    train = ns["train"]
    n = 9
    xs = torch.randn(n, 3, generator=torch.Generator().manual_seed(8))
    ys = torch.arange(float(n))

    def run():
        model = seeded(1, lambda: nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1)))
        for p in model.parameters():
            p.grad = torch.full_like(p, -40.0)          # stale gradients the caller left
        drawn = []

        def loss_fn(m, xb, yb):
            drawn.append(yb.clone())
            return ((m(xb)[:, 0] - yb / n) ** 2).mean()

        with _CosineSpy() as spy:
            losses = train(model, loss_fn, xs, ys, epochs=2, batch_size=4, lr=0.05, seed=3,
                           weights_fn=lambda m: torch.tensor([1.0, 0, 2, 0, 3, 0, 1, 0, 2]))
        return {"losses": [float(v) for v in losses], "drawn": torch.cat(drawn), "params": flat_params(model),
                "scheduler args": [(list(a), sorted(k.items())) for a, k in spy.made],
                "lr after each step": spy.lrs}
    yield ("9 examples, batch_size 4, 2 epochs, weights with zeros, stale .grad of -40: losses, draws, parameters,"
           " the cosine's arguments and lr after every step"), run


PROBES = {NB: {
    "ex1_vae_loss": extend(BASE["ex1_vae_loss"], from_thunks(more_vae_loss)),
    "ex2_reparameterise": extend(BASE["ex2_reparameterise"], from_thunks(more_sample)),
    "ex3_dbvae": extend(BASE["ex3_dbvae"], from_thunks(more_dbvae)),
    "ex4_debias_loss": BASE["ex4_debias_loss"],
    "ex5_resampling": extend(BASE["ex5_resampling"], from_thunks(more_resampling)),
    "ex6_train": extend(BASE["ex6_train"], from_thunks(more_train)),
}}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
