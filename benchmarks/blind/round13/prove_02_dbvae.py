"""Proofs for blind round 13 of lab 02 part 2 (DB-VAE): every mutant behaves differently from CORRECT[0]
on inputs the notebook's instructions cover, and every CORRECT answer passes its exercise's visible
check.

    .venv/bin/python benchmarks/blind/round13/prove_02_dbvae.py [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe is round 12's for this notebook
(benchmarks/blind/round12/prove_02_dbvae.py, itself rounds 3 to 11's plus round 12's observations),
extended with what this round's mistakes are easiest to read from: vae_loss on channels-last
(non-contiguous) images with its gradients; samples of four zero rows after a seed, and the global
RNG state after a call; a DB-VAE built after a seed, the RNG state after building it, and a batch
of one; the debiasing loss on a float64 batch of four; resampling of a (7, 3) mu with 4 bins and of a (13, 2) one with 12; and a
training loop on a BatchNorm model whose weights_fn leaves it in eval mode, with the modes the
loss function sees and the types of the epoch losses.

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
R12 = earlier_proofs(12, "prove_02_dbvae.py")
BASE = R12.PROBES[NB]            # round 12's probes (already run by from_thunks)


def more_vae_loss(ns):
    vl = ns["vae_loss"]
    g = torch.Generator().manual_seed(31)
    x = torch.rand(2, 4, 5, 3, generator=g).permute(0, 3, 1, 2)          # (2, 3, 4, 5), channels-last strides
    xr = torch.rand(2, 4, 5, 3, generator=g).permute(0, 3, 1, 2)
    mu = torch.tensor([[0.3, -0.8], [1.2, 0.5]])
    lv = torch.tensor([[0.4, -0.6], [-1.0, 0.9]])
    yield "channels-last (non-contiguous) (2, 3, 4, 5) images, kl_weight 0.3", lambda: vl(x, xr, mu, lv, 0.3)

    def grads():
        xr_ = xr.clone().requires_grad_(True)
        mu_ = mu.clone().requires_grad_(True)
        lv_ = lv.clone().requires_grad_(True)
        loss = vl(x.contiguous(), xr_, mu_, lv_, 0.3)
        loss.sum().backward()
        return {"loss": loss, "d/dx_recon": xr_.grad, "d/dmu": mu_.grad, "d/dlogvar": lv_.grad}
    yield "gradients of the summed loss w.r.t. x_recon, mu and logvar (contiguous images)", grads


def more_sample(ns):
    s = ns["sample_latent"]

    def four_rows():
        torch.manual_seed(11)
        z = s(torch.zeros(4, 3), torch.zeros(4, 3))
        return {"z": z, "next global draw": torch.rand(2)}
    yield "four zero rows after torch.manual_seed(11): the sample, then the global RNG's next draw", four_rows


def more_dbvae(ns):
    DBVAE = ns["DBVAE"]

    def build():
        torch.manual_seed(3)
        model = DBVAE(latent_dim=2, n_filters=3)
        after = torch.rand(2)
        return {"params": flat_params(model), "next global draw": after}
    yield "DBVAE(2, 3) built after torch.manual_seed(3): its parameters and the global RNG's next draw", build

    def one_image():
        model = seeded(4, lambda: DBVAE(latent_dim=2, n_filters=3)).eval()
        x = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(8))
        torch.manual_seed(2)
        logit, mu, logvar, recon = model(x)
        return {"logit": logit, "mu": mu, "logvar": logvar, "recon": recon}
    yield "a batch of one image, eval mode, after torch.manual_seed(2): the four outputs unpacked", one_image


def more_debias(ns):
    dl = ns["debiasing_loss"]
    g = torch.Generator().manual_seed(33)
    x = torch.rand(4, 3, 2, 2, generator=g, dtype=torch.float64)
    xr = torch.rand(4, 3, 2, 2, generator=g, dtype=torch.float64)
    mu = torch.randn(4, 2, generator=g, dtype=torch.float64)
    lv = torch.randn(4, 2, generator=g, dtype=torch.float64)
    logit = torch.tensor([0.5, -0.7, 1.5, -2.0], dtype=torch.float64)
    y = torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=torch.float64)
    yield "float64 batch of four (two faces), kl_weight 0.2: the loss and its dtype", \
        lambda: dl(logit, y, x, xr, mu, lv, 0.2)


def more_resampling(ns):
    rp = ns["resampling_probabilities"]
    mu = torch.tensor([[0.0, 1.0, -2.0], [0.3, 1.5, -1.0], [0.5, 1.1, 0.5], [1.0, 3.0, 2.0],
                       [0.1, 1.2, -1.5], [0.45, 2.6, 1.9], [0.9, 1.05, -1.9]])
    yield "(7, 3), bins 4, smoothing 0.01", lambda: rp(mu, bins=4, smoothing=0.01)
    wide = torch.stack([torch.linspace(0.0, 1.0, 13) ** 2, torch.linspace(-1.0, 1.0, 13).flip(0)], dim=1)
    yield "(13, 2), values spread over the range, bins 12, smoothing 0.02", lambda: rp(wide, bins=12, smoothing=0.02)


class _BNNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 4)
        self.bn = nn.BatchNorm1d(4)
        self.out = nn.Linear(4, 1)

    def forward(self, x):
        return self.out(torch.relu(self.bn(self.lin(x))))[:, 0]


def more_train(ns):
    train = ns["train"]
    n = 11
    xs = torch.randn(n, 3, generator=torch.Generator().manual_seed(15))
    ys = torch.linspace(-1.0, 1.0, n)

    def run():
        model = seeded(3, _BNNet)
        modes, drawn = [], []

        def loss_fn(m, xb, yb):
            modes.append(tuple(mod.training for mod in m.modules()))
            drawn.append(yb.clone())
            return ((m(xb) - yb) ** 2).mean()

        def weights_fn(m):
            m.eval()                                  # as face_weights does (latent_means)
            return torch.ones(n)

        losses = train(model, loss_fn, xs, ys, epochs=2, batch_size=4, lr=0.1, weights_fn=weights_fn, seed=7)
        return {"loss types": [type(v).__name__ for v in losses], "losses": [float(v) for v in losses],
                "modes": modes, "drawn": torch.cat(drawn), "params": flat_params(model),
                "running_mean": model.bn.running_mean.clone()}
    yield ("11 examples, batch_size 4, 2 epochs, lr 0.1, a BatchNorm model that weights_fn puts in eval mode,"
           " seed 7: the loss types, the modes loss_fn sees, draws, parameters and running mean"), run


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
