"""Proofs for blind round 4 of lab 02: every mutant behaves differently from CORRECT[0], and every
CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round4/prove_02.py [lab/notebook ...] [--train-mutants]

The driver is benchmarks/blind/proofs.py; the probes are round 3's for lab 02
(benchmarks/blind/round3/prove_01_02.py) with observations added for this round's mutants: eval
after a training pass and a training batch of one (BatchNorm settings, an extra BatchNorm1d),
an empty batch (batch_size dividing len(x)), logvar far beyond float32's exp range, the caller's
mu after a call, logits beyond exp's range in the debiasing loss. Probes are generators of
(name, thunk), run by proofs.from_thunks (each thunk seeded and alone, exceptions recorded). The
visible check of face detection ex2_train gets its training run redone at fast-mode size
(benchmarks/blind/visible_runs.py).

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.proofs import earlier_proofs, from_thunks, main  # noqa: E402
from benchmarks.blind.probe_kit import seeded  # noqa: E402

import torch  # noqa: E402

R3 = earlier_proofs(3, "prove_01_02.py")
# what this round takes from round 3 unchanged
grad_of = R3.grad_of
FirstPixel = R3.FirstPixel
probe_ex2_train_faces = R3.probe_ex2_train_faces
probe_ex3_evaluate_faces = R3.probe_ex3_evaluate_faces
probe_ex1_vae_loss = R3.probe_ex1_vae_loss
probe_ex3_dbvae = R3.probe_ex3_dbvae
probe_ex5_resampling = R3.probe_ex5_resampling
probe_ex6_train_dbvae = R3.probe_ex6_train_dbvae


# ---- lab 02 part 1 ----------------------------------------------------------------------------
def probe_ex1_cnn(ns):
    FaceCNN = ns["FaceCNN"]
    x = torch.rand(3, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    yield "parameters (12, 32)", lambda: sum(p.numel() for p in FaceCNN(12, 32).parameters())
    yield "parameters (4, 64)", lambda: sum(p.numel() for p in FaceCNN(4, 64).parameters())
    yield "eval logits, seed 0", lambda: seeded(0, lambda: FaceCNN(4, 32)).eval()(x)
    yield "train logits, seed 0", lambda: seeded(0, lambda: FaceCNN(4, 32)).train()(x)
    yield "batch of one, eval", lambda: seeded(0, lambda: FaceCNN(4, 32)).eval()(x[:1])
    yield "batch of one, train", lambda: seeded(0, lambda: FaceCNN(4, 32)).train()(x[:1])

    def eval_after_training_pass():
        model = seeded(0, lambda: FaceCNN(4, 32)).train()
        model(x)                                    # updates BatchNorm's running statistics
        return model.eval()(x)
    yield "eval logits after one training-mode pass", eval_after_training_pass


PROBES = {}
PROBES["02_face_debiasing/01_face_detection"] = {
    "ex1_cnn": probe_ex1_cnn, "ex2_train": probe_ex2_train_faces, "ex3_evaluate": probe_ex3_evaluate_faces}

# ---- lab 02 part 2 ----------------------------------------------------------------------------
def probe_ex2_reparameterise(ns):
    s = ns["sample_latent"]
    g = torch.Generator().manual_seed(0)
    mu, lv = torch.randn(4, 3, generator=g), torch.randn(4, 3, generator=g)
    yield "sample, seed 3", lambda: seeded(3, lambda: s(mu, lv))
    yield "two calls in a row, seed 3", lambda: seeded(3, lambda: (s(mu, lv), s(mu, lv)))
    yield "sample of N(0, e^2), seed 3", lambda: seeded(3, lambda: s(torch.zeros(3, 2), torch.full((3, 2), 2.0)))
    yield "20000 draws of N(0, 1): share beyond 3", lambda: seeded(
        4, lambda: (s(torch.zeros(2000, 10), torch.zeros(2000, 10)).abs() > 3).float().mean())
    yield "gradients, seed 3", lambda: seeded(3, lambda: grad_of(lambda m, v: s(m, v) ** 2, mu, lv))
    far = torch.tensor([[100.0, -110.0, 0.0]]).repeat(4, 1)
    yield "logvar 100, -110, 0: the sample, seed 3", lambda: seeded(3, lambda: s(torch.zeros(4, 3), far))
    yield "logvar 100, -110, 0: gradients, seed 3", lambda: seeded(3, lambda: grad_of(s, torch.zeros(4, 3), far))

    def arguments_after():
        m, v = mu.clone(), lv.clone()
        s(m, v)
        return m, v
    yield "mu and logvar after a call", arguments_after


def probe_ex4_debias_loss(ns):
    dl = ns["debiasing_loss"]
    g = torch.Generator().manual_seed(0)
    logit = torch.tensor([1.5, -0.7, -12.0, 0.4])
    y = torch.tensor([1.0, 0.0, 1.0, 0.0])
    x, xr = torch.rand(4, 3, 2, 2, generator=g), torch.rand(4, 3, 2, 2, generator=g)
    mu, lv = torch.randn(4, 2, generator=g), torch.randn(4, 2, generator=g)
    yield "batch of 4, kl_weight 0.3", lambda: dl(logit, y, x, xr, mu, lv, 0.3)
    yield "batch of 4, kl_weight 1", lambda: dl(logit, y, x, xr, mu, lv, 1.0)
    yield "gradients to logit and x_recon", lambda: grad_of(
        lambda lg, rec: dl(lg, y, x, rec, mu, lv, 0.3), logit, xr)
    yield "logits +-120 (beyond exp's float32 range)", lambda: dl(torch.tensor([120.0, -120.0, 120.0, -120.0]), y,
                                                                   x, xr, mu, lv, 0.3)


PROBES["02_face_debiasing/02_dbvae"] = {
    "ex1_vae_loss": probe_ex1_vae_loss, "ex2_reparameterise": probe_ex2_reparameterise,
    "ex3_dbvae": probe_ex3_dbvae, "ex4_debias_loss": probe_ex4_debias_loss,
    "ex5_resampling": probe_ex5_resampling, "ex6_train": probe_ex6_train_dbvae}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
