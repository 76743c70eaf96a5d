"""Proofs for blind round 9 of lab 02 part 2 (DB-VAE): every mutant behaves differently from CORRECT[0]
on inputs the notebook's instructions cover, and every CORRECT answer passes its exercise's visible
check.

    .venv/bin/python benchmarks/blind/round9/prove_02_dbvae.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Lab 02 has no round 8: each probe is round 7's for this
notebook (benchmarks/blind/round7/prove_02_dbvae.py, itself rounds 3 to 6's plus round 7's
observations), run by proofs.from_thunks, then extended with what this round's mistakes are easiest
to read from: the caller's mu and logvar after vae_loss, the sample's dtype, whether two DB-VAE
forward passes sample anew and what torch's RNG holds after them, a debiasing loss with confident
logits and a large KL, resampling of three dimensions with the first one the only informative one,
and the DB-VAE training loop's per-parameter movement.

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
R7 = earlier_proofs(7, "prove_02_dbvae.py")
BASE = R7.PROBES[NB]             # generators of (name, thunk)


def more_vae_loss(ns):
    vl = ns["vae_loss"]
    g = torch.Generator().manual_seed(9)
    x, xr = torch.rand(2, 3, 2, 2, generator=g), torch.rand(2, 3, 2, 2, generator=g)
    mu = torch.randn(2, 3, generator=g)
    lv = torch.tensor([[-30.0, 0.3, -1.0], [0.5, -25.0, 2.0]])

    def arguments_after():
        m, v = mu.clone(), lv.clone()
        loss = vl(x, xr, m, v, 0.3)
        return {"loss": loss, "mu after": m, "logvar after": v}
    yield "logvar -30 and -25 in one dimension each, kl_weight 0.3; mu and logvar after the call", arguments_after


def more_sample(ns):
    s = ns["sample_latent"]
    mu, lv = torch.zeros(3, 2), torch.tensor([[0.5, -1.0]]).repeat(3, 1)
    yield "dtype and grad flag of a sample of float32 inputs", lambda: seeded(
        2, lambda: (lambda z: (str(z.dtype), z.requires_grad))(s(mu, lv)))
    yield "std of 40000 draws of N(0, e^2) (sigma e)", lambda: seeded(
        5, lambda: s(torch.zeros(40000, 1), torch.full((40000, 1), 2.0)).std())


def more_dbvae(ns):
    DBVAE = ns["DBVAE"]
    x = torch.rand(3, 3, 32, 32, generator=torch.Generator().manual_seed(2))

    def twice():
        model = seeded(0, lambda: DBVAE(latent_dim=4, n_filters=4)).eval()
        torch.manual_seed(3)
        first, second = model(x)[3], model(x)[3]
        return {"same reconstruction": bool(torch.equal(first, second)), "torch's RNG after": torch.rand(2),
                "shapes": [tuple(t.shape) for t in model(x)]}
    yield "two eval forward passes under seed 3: same reconstruction? torch's RNG after, output shapes", twice
    yield "the encoder's and decoder's parameter counts", lambda: seeded(0, lambda: (
        lambda m: (sum(p.numel() for p in m.encoder.parameters()), sum(p.numel() for p in m.decoder.parameters())))(
        DBVAE(latent_dim=4, n_filters=4)))


def more_debias(ns):
    dl = ns["debiasing_loss"]
    g = torch.Generator().manual_seed(11)
    x, xr = torch.rand(4, 3, 2, 2, generator=g), torch.rand(4, 3, 2, 2, generator=g)
    mu, lv = 2.0 * torch.randn(4, 3, generator=g), torch.randn(4, 3, generator=g)
    logit, y = torch.tensor([3.0, -2.5, 0.8, -0.4]), torch.tensor([1.0, 0.0, 0.0, 1.0])
    yield "confident logits, a large KL, kl_weight 0.5", lambda: dl(logit, y, x, xr, mu, lv, 0.5)


def more_resampling(ns):
    rp = ns["resampling_probabilities"]
    mu = torch.zeros(6, 3)
    mu[:, 0] = torch.tensor([0.0, 0.1, 0.2, 0.3, 0.4, 3.0])   # dimension 0: one face far out
    mu[:, 1] = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.0, 1.0])   # dimensions 1, 2: evenly split
    mu[:, 2] = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    yield "(6, 3) with the first dimension the only uneven one, bins 2, smoothing 0.05", lambda: rp(
        mu, bins=2, smoothing=0.05)


def more_train(ns):
    train = ns["train"]
    n = 18
    xs = torch.randn(n, 3, generator=torch.Generator().manual_seed(6))
    ys = torch.arange(float(n))

    def run():
        model = seeded(0, lambda: torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1)))
        before = [p.detach().clone() for p in model.parameters()]

        def loss_fn(m, xb, yb):
            return ((m(xb)[:, 0] - yb / n) ** 2).mean()
        losses = train(model, loss_fn, xs, ys, epochs=3, batch_size=5, lr=0.05, seed=4)
        return {"losses": losses, "moved": [bool((p.detach() != b).any()) for p, b in zip(model.parameters(), before)],
                "params": [p.detach().clone() for p in model.parameters()]}
    yield "18 examples, batch_size 5, 3 epochs: losses and which parameters moved", run


PROBES = {NB: {
    "ex1_vae_loss": extend(from_thunks(BASE["ex1_vae_loss"]), from_thunks(more_vae_loss)),
    "ex2_reparameterise": extend(from_thunks(BASE["ex2_reparameterise"]), from_thunks(more_sample)),
    "ex3_dbvae": extend(from_thunks(BASE["ex3_dbvae"]), from_thunks(more_dbvae)),
    "ex4_debias_loss": extend(from_thunks(BASE["ex4_debias_loss"]), from_thunks(more_debias)),
    "ex5_resampling": extend(from_thunks(BASE["ex5_resampling"]), from_thunks(more_resampling)),
    "ex6_train": extend(from_thunks(BASE["ex6_train"]), from_thunks(more_train)),
}}


if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
