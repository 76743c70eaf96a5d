"""Proofs for blind round 6 of lab 02: every mutant behaves differently from CORRECT[0], and every
CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round6/prove_02.py [lab/notebook ...] [--train-mutants]

The driver is benchmarks/blind/proofs.py; the probes are round 5's for lab 02
(benchmarks/blind/round5/prove_02.py), with observations added for this round's mutants: the
debiasing loss for a batch of one, resampling of values on the edges of ten bins of [0, 1], and the
DB-VAE training loop with a batch size (7 of 30) that torch.chunk splits otherwise.

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.proofs import earlier_proofs, from_thunks, main  # noqa: E402

import torch  # noqa: E402

R5 = earlier_proofs(5, "prove_02.py")


def probe_ex4_debias_loss(ns):
    yield from R5.probe_ex4_debias_loss(ns)
    dl = ns["debiasing_loss"]
    g = torch.Generator().manual_seed(2)
    x, xr = torch.rand(1, 3, 2, 2, generator=g), torch.rand(1, 3, 2, 2, generator=g)
    mu, lv = torch.randn(1, 2, generator=g), torch.randn(1, 2, generator=g)
    yield "a batch of one face", lambda: dl(torch.tensor([0.3]), torch.tensor([1.0]), x, xr, mu, lv, 0.3)


def probe_ex5_resampling(ns):
    yield from R5.probe_ex5_resampling(ns)
    rp = ns["resampling_probabilities"]
    edges = torch.tensor([[0.0], [0.7], [0.7], [0.3], [0.6], [1.0], [0.05], [0.7]])
    yield "values on the edges of ten bins of [0, 1] (0.3, 0.6, 0.7)", lambda: rp(edges, bins=10, smoothing=0.01)


def probe_ex6_train_dbvae(ns):
    yield from R5.probe_ex6_train_dbvae(ns)
    train = ns["train"]
    n = 30
    xs, ys = torch.randn(n, 3, generator=torch.Generator().manual_seed(0)), torch.arange(float(n))

    def run():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 1))
        sizes = []

        def loss_fn(m, xb, yb):
            sizes.append(len(yb))
            return ((m(xb)[:, 0] - yb / n) ** 2).mean()
        losses = train(model, loss_fn, xs, ys, epochs=2, batch_size=7, lr=0.05, seed=1)
        return {"losses": losses, "batch sizes": sizes}
    yield "uniform, batch_size 7 of 30", run


PROBES = {nb: dict(probes) for nb, probes in R5.PROBES.items()}
PROBES["02_face_debiasing/02_dbvae"].update({
    "ex4_debias_loss": probe_ex4_debias_loss, "ex5_resampling": probe_ex5_resampling,
    "ex6_train": probe_ex6_train_dbvae})


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
