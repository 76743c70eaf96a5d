"""Proofs for blind round 5 of lab 02: every mutant behaves differently from CORRECT[0], and every
CORRECT answer passes its exercise's visible check.

    .venv/bin/python benchmarks/blind/round5/prove_02.py [lab/notebook ...] [--train-mutants]

The driver is benchmarks/blind/proofs.py; the probes are round 4's for lab 02
(benchmarks/blind/round4/prove_02.py) with observations added for this round's mutants: a model
built under another seed and torch's RNG after building or training, a fresh model's module modes
and BatchNorm statistics, a training set whose last batch holds one image, a model whose logits
depend on its mode, batch sizes that torch.chunk splits otherwise, logits within float32's
rounding of 0 for sigmoid, the caller's groups after a call, logvar where exp underflows,
non-square images, sampling under torch.no_grad and for a batch of one, an encoder with large
outputs, gradients to mu and logvar, an empty histogram bin, and a batch size dividing len(x).
Probes are generators of (name, thunk), run by proofs.from_thunks (each thunk seeded and alone,
exceptions recorded). The visible check of face detection ex2_train gets its training run redone
at fast-mode size (benchmarks/blind/visible_runs.py).

Nothing here reads solutions/ or hidden checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from benchmarks.blind.proofs import earlier_proofs, from_thunks, main  # noqa: E402
from benchmarks.blind.probe_kit import flat_params, images_with_logits, seeded  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R3 = earlier_proofs(3, "prove_01_02.py")
# what this round takes from round 3 unchanged
grad_of, FirstPixel = R3.grad_of, R3.FirstPixel


# ---- helpers ----------------------------------------------------------------------------------
class ModePixel(FirstPixel):
    """FirstPixel whose logits drop by 5 in training mode: predictions made in the wrong mode show."""

    def forward(self, x):
        return super().forward(x) - (5.0 if self.training else 0.0)


def bn_statistics(model: nn.Module) -> list:
    return [(m.running_mean, m.running_var, int(m.num_batches_tracked)) for m in model.modules()
            if isinstance(m, nn.BatchNorm2d)]


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
    yield "eval logits, seed 1", lambda: seeded(1, lambda: FaceCNN(4, 32)).eval()(x)
    yield "torch's RNG after building a model under seed 1", lambda: seeded(1, lambda: (FaceCNN(4, 32), torch.rand(3))[1])

    def fresh_model():
        model = seeded(0, lambda: FaceCNN(4, 32))
        return {"modes": [m.training for m in model.modules()], "logits": model(x), "bn": bn_statistics(model)}
    yield "fresh model: module modes, default-mode logits, BatchNorm statistics", fresh_model


def probe_ex2_train_faces(ns):
    train = ns["train_classifier"]
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(37, 3, 2, 2, generator=g), torch.randint(0, 2, (37,), generator=g).float()

    def run(seed, scale=1.0, lr=0.05, n=37):
        model = seeded(0, lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 1), nn.Flatten(0))).eval()
        calls = []
        history = train(model, x[:n] * scale, y[:n], epochs=3, batch_size=8, lr=lr, seed=seed,
                        on_epoch=lambda *a: calls.append(a))
        return {"history": history, "calls": calls, "params": flat_params(model), "training": model.training,
                "torch's RNG after": torch.rand(3)}
    yield "seed 1", lambda: run(1)
    yield "seed 0", lambda: run(0)
    yield "inputs x 100 (large gradients), lr 0.5", lambda: run(0, 100.0, 0.5)
    yield "33 examples, batch_size 8: a last batch of one", lambda: run(1, n=33)


def probe_ex3_evaluate_faces(ns):
    ev = ns["evaluate_by_group"]
    x = images_with_logits([1.0, -1.0, 0.0, 2.0, -3.0, 0.0, 0.5, -0.5, 1.0, 1.0])
    y = torch.tensor([1.0, 1, 1, 1, 1, 0, 0, 1, 0, 1])
    groups = torch.tensor([0, 0, 1, 1, 2, -1, -1, 2, -1, 0])
    glasses = torch.tensor([0, 0, 1, 1, 1, 0, 1, 0, 1, 0])

    def run(g, n_groups, batch_size, model_type=FirstPixel, images=x):
        model = model_type().train()
        g = g.clone()
        out = ev(model, images, y, g, n_groups=n_groups, batch_size=batch_size)
        return {"out": out, "batches": model.batches, "grad": model.grad, "training": model.training,
                "groups after": g}
    yield "10 images, skin tones, batch_size 3", lambda: run(groups, 3, 3)
    yield "10 images, skin tones, 4 groups (the last without faces)", lambda: run(groups, 4, 5)
    yield "10 images, glasses, batch_size 4", lambda: run(glasses, 2, 4)
    yield "10 images, skin tones, batch_size 6", lambda: run(groups, 3, 6)
    yield "a model whose logits depend on its mode, arriving in training mode", lambda: run(groups, 3, 4, ModePixel)
    tiny = images_with_logits([1e-8, -1e-8, 3e-8, 2.0, -3.0, 0.0, 0.5, -0.5, 1e-8, 1.0])
    yield "logits within float32's rounding of 0 (1e-8, 3e-8)", lambda: run(groups, 3, 4, images=tiny)


PROBES = {}
PROBES["02_face_debiasing/01_face_detection"] = {
    "ex1_cnn": probe_ex1_cnn, "ex2_train": probe_ex2_train_faces, "ex3_evaluate": probe_ex3_evaluate_faces}

# ---- lab 02 part 2 ----------------------------------------------------------------------------
def probe_ex1_vae_loss(ns):
    vl = ns["vae_loss"]
    g = torch.Generator().manual_seed(0)
    x, xr = torch.rand(3, 2, 4, 4, generator=g), torch.rand(3, 2, 4, 4, generator=g)
    mu, lv = torch.randn(3, 5, generator=g), torch.randn(3, 5, generator=g)
    yield "random batch, kl_weight 0.7", lambda: vl(x, xr, mu, lv, 0.7)
    yield "perfect reconstruction, kl_weight 1", lambda: vl(x, x, mu, lv, 1.0)
    yield "prior latents, kl_weight 0.5", lambda: vl(x, xr, torch.zeros(3, 5), torch.zeros(3, 5), 0.5)
    yield "batch of one", lambda: vl(x[:1], xr[:1], mu[:1], lv[:1], 0.7)
    far = torch.tensor([[-110.0, 0.5, -1.0, 2.0, 0.0]]).repeat(3, 1)
    yield "logvar -110 in one dimension (exp underflows to 0)", lambda: vl(x, xr, mu, far, 0.7)
    g2 = torch.Generator().manual_seed(1)
    xs, xrs = torch.rand(3, 2, 4, 6, generator=g2), torch.rand(3, 2, 4, 6, generator=g2)
    yield "non-square images (3, 2, 4, 6)", lambda: vl(xs, xrs, mu, lv, 0.7)


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

    def without_grad():
        with torch.no_grad():
            return s(mu, lv)
    yield "sample under torch.no_grad, seed 3", lambda: seeded(3, without_grad)
    yield "logvar -110: (z - mu) * 1e6, seed 3", lambda: seeded(
        3, lambda: (s(mu, torch.full((4, 3), -110.0)) - mu) * 1e6)
    yield "a batch of one, seed 3", lambda: seeded(3, lambda: s(mu[:1], lv[:1]))


def probe_ex3_dbvae(ns):
    DBVAE = ns["DBVAE"]
    x = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(1))

    def forward_eval(batch):
        model = seeded(0, lambda: DBVAE(latent_dim=3, n_filters=4)).eval()
        torch.manual_seed(1)
        return model(batch)
    yield "eval forward, seeded", lambda: forward_eval(x)
    yield "eval forward, batch of one", lambda: forward_eval(x[:1])

    def large_outputs():
        model = seeded(0, lambda: DBVAE(latent_dim=3, n_filters=4)).eval()
        with torch.no_grad():
            model.encoder[-1].weight.mul_(1000.0)
            model.encoder[-1].bias.mul_(1000.0)
        torch.manual_seed(1)
        logit, mu, logvar, recon = model(x)
        return logit, mu, logvar
    yield "eval forward, last encoder layer x 1000: logit, mu, logvar", large_outputs

    def recon_gradient():
        model = seeded(0, lambda: DBVAE(latent_dim=3, n_filters=4)).train()
        out = model(x)
        out[3].sum().backward()
        return model.encoder[-1].weight.grad, model.decoder[0].weight.grad
    yield "gradients of the reconstruction", recon_gradient


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
    yield "gradients to mu and logvar", lambda: grad_of(lambda m, v: dl(logit, y, x, xr, m, v, 0.3), mu, lv)
    yield "logits +-120 (beyond exp's float32 range)", lambda: dl(torch.tensor([120.0, -120.0, 120.0, -120.0]), y,
                                                                   x, xr, mu, lv, 0.3)


def probe_ex5_resampling(ns):
    rp = ns["resampling_probabilities"]
    mu = torch.randn(200, 3, generator=torch.Generator().manual_seed(0))
    yield "randn (200, 3), 10 bins", lambda: rp(mu, bins=10, smoothing=1e-3)
    yield "randn (200, 3), defaults", lambda: rp(mu)
    yield "values on bin edges", lambda: rp(torch.tensor([[0.0], [0.5], [1.0], [0.1], [0.2]]), bins=2, smoothing=0.0)
    yield "two dimensions, smoothing 0.1", lambda: rp(torch.tensor([[0.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 1.0],
                                                                    [0.0, 0.2]]), bins=2, smoothing=0.1)
    yield "mu unchanged", lambda: (rp(mu.clone(), 10, 1e-3), mu)[1]
    yield "an empty middle bin", lambda: rp(torch.tensor([[0.0], [0.0], [1.0], [0.1]]), bins=3, smoothing=0.01)


def probe_ex6_train_dbvae(ns):
    train = ns["train"]
    n = 30
    xs, ys = torch.randn(n, 3, generator=torch.Generator().manual_seed(0)), torch.arange(float(n))

    def run(use_weights, arrives_in_eval=False, batch_size=8):
        model = seeded(0, lambda: nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1)))
        if arrives_in_eval:
            model.eval()
        seen, modes = [], []

        def loss_fn(m, xb, yb):
            seen.append(yb.clone())
            modes.append(m.training)
            return ((m(xb)[:, 0] - yb / n) ** 2).mean()

        def weights_fn(m):
            m.eval()
            return (torch.arange(n) % 2 == 0).float()
        losses = train(model, loss_fn, xs, ys, epochs=3, batch_size=batch_size, lr=0.05,
                       weights_fn=weights_fn if use_weights else None, seed=1)
        return {"losses": losses, "drawn": torch.cat(seen), "modes": modes, "params": flat_params(model)}
    yield "with weights_fn", lambda: run(True)
    yield "uniform", lambda: run(False)
    yield "uniform, model arriving in eval mode", lambda: run(False, True)
    yield "with weights_fn, batch_size 6 (divides len(x))", lambda: run(True, batch_size=6)


PROBES["02_face_debiasing/02_dbvae"] = {
    "ex1_vae_loss": probe_ex1_vae_loss, "ex2_reparameterise": probe_ex2_reparameterise,
    "ex3_dbvae": probe_ex3_dbvae, "ex4_debias_loss": probe_ex4_debias_loss,
    "ex5_resampling": probe_ex5_resampling, "ex6_train": probe_ex6_train_dbvae}


if __name__ == "__main__":
    PROBES = {nb: {gid: from_thunks(p) for gid, p in probes.items()} for nb, probes in PROBES.items()}
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
