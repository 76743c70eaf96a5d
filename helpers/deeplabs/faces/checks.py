"""Visible checks for lab 02 (face detection and debiasing with a DB-VAE).

Small hand-worked cases and invariants only: what a careful student would test by hand.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..checks import Checks, assert_close, assert_shape


# ---- part 1 -----------------------------------------------------------------------------------
def _cnn_parameters(f: int, size: int) -> int:
    convs = (3 * f * 25 + f) + (f * 2 * f * 25 + 2 * f) + (2 * f * 4 * f * 9 + 4 * f)
    return convs + 2 * (f + 2 * f + 4 * f) + (4 * f * (size // 8) ** 2 * 128 + 128) + (128 + 1)


def check_face_cnn(FaceCNN) -> None:
    with Checks("FaceCNN") as c:
        with c.case("a batch of (4, 3, 32, 32) images gives 4 logits, shape (4,)",
                    hint="end with nn.Linear(128, 1) and squeeze the last dimension: logits[:, 0] or .squeeze(-1)"):
            assert_shape(FaceCNN(12)(torch.rand(4, 3, 32, 32)), (4,), "logits")
        with c.case("a batch of one image gives shape (1,)",
                    hint="squeeze only the last dimension: .squeeze() also drops a batch dimension of size 1"):
            assert_shape(FaceCNN(12).eval()(torch.rand(1, 3, 32, 32)), (1,), "logits")
        with c.case("three Conv2d → BatchNorm2d → ReLU blocks, a ReLU after the hidden dense layer, nothing else",
                    hint="Conv2d → BatchNorm2d → ReLU, three times, then Flatten → Linear → ReLU → Linear; no dropout"):
            kinds = [type(m).__name__ for m in FaceCNN(12).modules()]
            assert kinds.count("Conv2d") == 3 and kinds.count("BatchNorm2d") == 3, f"layers: {kinds}"
            assert kinds.count("ReLU") == 4 and not any("Dropout" in k for k in kinds), f"layers: {kinds}"
        for f, size in [(12, 32), (4, 64)]:
            n = _cnn_parameters(f, size)
            with c.case(f"n_filters={f}, image_size={size} gives {n} parameters",
                        hint="kernel sizes 5, 5, 3; strides 2; channels f, 2f, 4f; an S/8 × S/8 map before Flatten"):
                got = sum(p.numel() for p in FaceCNN(f, image_size=size).parameters())
                assert got == n, f"got {got}"
        with c.case("the first convolution halves 32×32 to 16×16",
                    hint="kernel 5, stride 2, padding 2 in the first convolution"):
            first = next(m for m in FaceCNN(12).modules() if isinstance(m, nn.Conv2d))
            assert_shape(first(torch.rand(2, 3, 32, 32)), (2, 12, 16, 16), "first convolution's output")
        with c.case("in training mode the first block's output is >= 0 and the output is deterministic",
                    hint="ReLU comes after BatchNorm in every block; no dropout"):
            torch.manual_seed(0)
            model = FaceCNN(12).train()
            x = torch.rand(8, 3, 32, 32)
            assert bool((model.net[:3](x) >= 0).all()), "negative values after the first block"
            assert torch.equal(model(x), model(x)), "two forward passes in training mode differ"
        with c.case("logits can be negative (no sigmoid or ReLU at the end)",
                    hint="return raw scores: BCEWithLogitsLoss applies the sigmoid itself"):
            torch.manual_seed(0)
            assert (FaceCNN(12)(torch.rand(16, 3, 32, 32)) < 0).any(), "no negative logit"


def check_training(losses, epochs: int, accuracy: float) -> None:
    with Checks("the training loop") as c:
        with c.case(f"one mean loss per epoch ({epochs})", hint="append the mean batch loss once per epoch"):
            assert len(losses) == epochs, f"got {len(losses)} values"
        with c.case("the loss goes down", hint="zero_grad, forward, loss, backward, step"):
            assert losses[-1] < losses[0], f"first {losses[0]:.3f}, last {losses[-1]:.3f}"
        # 70 %, not more: fast mode's few epochs are chaotic enough that a right loop written another
        # way (logsigmoid, another summation order) landed at 79 % where the solution gets 92 %
        with c.case("test accuracy above 70% (chance is 50%)",
                    hint="BCEWithLogitsLoss on the logits, labels as floats"):
            assert accuracy > 0.70, f"accuracy {accuracy:.1%}"


class _Fixed(nn.Module):
    """A 'model' whose logit for an image is the image's first pixel (easy to reason about); it
    notes the size of every batch it sees and whether autograd was recording."""

    def __init__(self):
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(1))  # so next(model.parameters()) works
        self.batches, self.grad_enabled = [], []

    def forward(self, x):
        self.batches.append(len(x))
        self.grad_enabled.append(torch.is_grad_enabled())
        return x.reshape(len(x), -1)[:, 0] + 0 * self.unused


def _images(logits) -> torch.Tensor:
    x = torch.zeros(len(logits), 3, 2, 2)
    x[:, 0, 0, 0] = torch.tensor(logits)
    return x


def check_evaluate_by_group(evaluate_by_group) -> None:
    with Checks("evaluate_by_group") as c:
        # 6 images: logits +1 or -1 in the first pixel; faces (y=1) are in groups 0, 0, 1, 1
        x = _images([1.0, -1.0, 1.0, 1.0, -1.0, 1.0])
        y = torch.tensor([1.0, 1.0, 1.0, 1.0, 0.0, 0.0])
        groups = torch.tensor([0, 0, 1, 1, -1, -1])
        with c.case("hand-worked case: overall 4/6, faces per group [1/2, 1], worst 1/2, gap 1/2",
                    hint="predict face when the logit is > 0; per-group accuracy only over faces (y = 1)"):
            out = evaluate_by_group(_Fixed(), x, y, groups, n_groups=2)
            assert_close(out["overall"], 4 / 6, "overall")
            assert_close(out["per_group"], torch.tensor([0.5, 1.0]), "per_group")
            assert_close(out["worst"], 0.5, "worst")
            assert_close(out["gap"], 0.5, "gap")
        with c.case("overall, worst and gap are Python floats; per_group a tensor with one entry per group",
                    hint=".item() on one-element tensors; "
                         "torch.bincount(groups, weights=..., minlength=n_groups) / counts"):
            out = evaluate_by_group(_Fixed(), x, y, groups, n_groups=3)
            assert_shape(out["per_group"], (3,), "per_group")
            for key in ("overall", "worst", "gap"):
                assert type(out[key]) is float, f"{key} is a {type(out[key]).__name__}"
        with c.case("non-faces with real group ids (glasses: 0 or 1) and a logit of 0.3: per group [1/4, 1], gap 3/4",
                    hint="faces are y == 1 whatever the non-faces' group ids; face means logit > 0 (0.3 is a face)"):
            # faces: group 0 -> logits 1, -1, -1, -1 (1/4 right); group 1 -> 0.3 (right); non-faces in groups 0 and 1
            x2 = _images([1.0, -1.0, -1.0, -1.0, 0.3, -1.0, 1.0])
            y2 = torch.tensor([1.0, 1, 1, 1, 1, 0, 0])
            out = evaluate_by_group(_Fixed(), x2, y2, torch.tensor([0, 0, 0, 0, 1, 0, 1]), n_groups=2)
            assert_close(out["overall"], 3 / 7, "overall")
            assert_close(out["per_group"], torch.tensor([0.25, 1.0]), "per_group")
            assert_close(out["worst"], 0.25, "worst")
            assert_close(out["gap"], 0.75, "gap")
        with c.case("a logit of exactly 0 is not a face: logits [0, 0, 1] for a face, a non-face, a face → overall 2/3",
                    hint="face means logit > 0, strictly: a logit of exactly 0 is not a face"):
            out = evaluate_by_group(_Fixed(), _images([0.0, 0.0, 1.0]), torch.tensor([1.0, 0.0, 1.0]),
                                    torch.tensor([0, -1, 0]), n_groups=1)
            assert_close(out["overall"], 2 / 3, "overall")
            assert_close(out["per_group"], torch.tensor([0.5]), "per_group")
        with c.case("batches of batch_size (7 images, batch_size=3: 3, 3, 1), predicted without autograd",
                    hint="loop over x[i:i + batch_size] inside torch.no_grad()"):
            model = _Fixed()
            evaluate_by_group(model, _images([1.0] * 7), torch.ones(7), torch.zeros(7, dtype=torch.long), 1,
                              batch_size=3)
            assert model.batches == [3, 3, 1], f"batches of {model.batches}"
            assert not any(model.grad_enabled), "autograd was on while predicting"
        with c.case("the model is left in eval mode",
                    hint="model.eval() before predicting, and nothing that switches it back before returning"):
            model = nn.Sequential(nn.Flatten(), nn.Linear(12, 1), nn.Flatten(0))
            evaluate_by_group(model, x, y, groups, n_groups=2)
            assert not model.training, "model is still in training mode"


# ---- part 2 -----------------------------------------------------------------------------------
def check_vae_loss(vae_loss) -> None:
    with Checks("vae_loss") as c:
        x = torch.zeros(2, 3, 4, 4)
        with c.case("perfect reconstruction and the prior (mu=0, logvar=0) cost 0",
                    hint="KL(N(0,1) || N(0,1)) = 0: 0.5 * sum(exp(logvar) + mu² - 1 - logvar)"):
            assert_close(vae_loss(x, x, torch.zeros(2, 5), torch.zeros(2, 5), 1.0), torch.zeros(2), "loss")
        with c.case("one loss per image: shape (B,)", hint="reduce over pixels and latent dims, not the batch"):
            assert_shape(vae_loss(x, x, torch.zeros(2, 5), torch.zeros(2, 5), 1.0), (2,), "loss")
        with c.case("reconstruction term is the mean squared error per image (0.5² = 0.25)",
                    hint="((x - x_recon) ** 2).mean(dim=(1, 2, 3))"):
            assert_close(vae_loss(x, x + 0.5, torch.zeros(2, 5), torch.zeros(2, 5), 1.0), torch.full((2,), 0.25),
                         "loss")
        with c.case("KL of mu=1 in one dimension is 0.5 (times kl_weight=2: 1.0)",
                    hint="the mu² term enters with a + sign and a factor 0.5"):
            mu = torch.zeros(2, 5)
            mu[:, 0] = 1.0
            assert_close(vae_loss(x, x, mu, torch.zeros(2, 5), 2.0), torch.ones(2), "loss")
        with c.case("KL of logvar = ln 2 in one dimension is 0.5·(2 - 1 - ln 2)",
                    hint="logvar is the log of the *variance*: the KL uses exp(logvar), not exp(0.5·logvar)"):
            lv = torch.zeros(1, 3)
            lv[0, 1] = math.log(2.0)
            assert_close(vae_loss(torch.zeros(1, 3, 2, 2), torch.zeros(1, 3, 2, 2), torch.zeros(1, 3), lv, 1.0),
                         torch.tensor([0.5 * (1 - math.log(2.0))]), "loss")


def check_sample_latent(sample_latent) -> None:
    with Checks("sample_latent (the reparameterisation trick)") as c:
        with c.case("shape (B, L) like mu", hint="eps = torch.randn_like(mu)"):
            assert_shape(sample_latent(torch.zeros(3, 4), torch.zeros(3, 4)), (3, 4), "z")
        mu = torch.full((20000, 2), 3.0)
        logvar = torch.log(torch.tensor([4.0, 0.25])).expand(20000, 2)
        z = sample_latent(mu, logvar)
        with c.case("samples have mean mu", hint="z = mu + sigma * eps"):
            assert_close(z.mean(0), torch.tensor([3.0, 3.0]), "mean", atol=0.05)
        with c.case("samples have standard deviation exp(0.5·logvar) (2 and 0.5 here)",
                    hint="sigma = exp(0.5 * logvar): logvar is the log of the variance"):
            assert_close(z.std(0), torch.tensor([2.0, 0.5]), "std", atol=0.05)
        with c.case("gradients flow to mu and logvar", hint="no .detach(), no torch.no_grad() here"):
            m, lv = torch.zeros(2, 3, requires_grad=True), torch.zeros(2, 3, requires_grad=True)
            sample_latent(m, lv).sum().backward()
            assert m.grad is not None and lv.grad is not None, "no gradient"
        with c.case("logvar far from 0 (±12) is used as it is: std exp(±6), and dz/dlogvar = (z - mu) / 2",
                    hint="logvar can be any real number: nothing may clamp or limit it"):
            lv = torch.tensor([12.0, -12.0]).repeat(4000, 1).requires_grad_(True)
            z = sample_latent(torch.zeros(4000, 2), lv)
            assert_close(z.std(0) / torch.exp(torch.tensor([6.0, -6.0])), torch.ones(2), "std / exp(0.5·logvar)",
                         atol=0.1)
            z.sum().backward()
            assert lv.grad is not None, "no gradient to logvar"
            assert_close(lv.grad, 0.5 * z.detach(), "dz/dlogvar", atol=1e-6)


def check_dbvae(DBVAE) -> None:
    with Checks("DBVAE") as c:
        model = DBVAE(latent_dim=6, n_filters=4)
        x = torch.rand(5, 3, 32, 32)
        with c.case("forward returns (logit (B,), mu (B, L), logvar (B, L), x_recon like x)",
                    hint="split the encoder's 2L+1 outputs: [:, 0], [:, 1:L+1], [:, L+1:]"):
            logit, mu, logvar, recon = model(x)
            assert_shape(logit, (5,), "logit")
            assert_shape(mu, (5, 6), "mu")
            assert_shape(logvar, (5, 6), "logvar")
            assert_shape(recon, (5, 3, 32, 32), "x_recon")
        with c.case("logit, mu and logvar are the encoder's outputs, in that order",
                    hint="out = self.encoder(x); logit = out[:, 0]; mu = out[:, 1:L+1]; logvar = out[:, L+1:]"):
            model.eval()
            logit, mu, logvar, _ = model(x)
            out = model.encoder(x)
            assert_close(logit, out[:, 0], "logit")
            assert_close(mu, out[:, 1:7], "mu")
            assert_close(logvar, out[:, 7:], "logvar")
        with c.case("in eval mode too, the decoder reconstructs from a *sampled* z (two calls differ)",
                    hint="z = sample_latent(mu, logvar); x_recon = self.decoder(z), whatever the mode"):
            assert not torch.equal(model(x)[3], model(x)[3]), "two forward passes gave the same reconstruction"
        with c.case("a batch of one image gives a logit of shape (1,)",
                    hint="take column 0 with out[:, 0]: .squeeze() also drops a batch dimension of size 1"):
            logit, mu, _, recon = model(x[:1])
            assert_shape(logit, (1,), "logit")
            assert_shape(mu, (1, 6), "mu")
            assert_shape(recon, (1, 3, 32, 32), "x_recon")
        with c.case("the reconstruction's gradient reaches the encoder's mu and logvar outputs",
                    hint="no .detach() between the encoder's outputs, sample_latent and the decoder"):
            model.train()
            model.zero_grad()
            model(x)[3].sum().backward()
            grad = model.encoder[-1].bias.grad
            assert grad is not None and bool(grad[1:].abs().sum() > 0), "no gradient from x_recon to the encoder"


def check_debiasing_loss(debiasing_loss) -> None:
    with Checks("debiasing_loss") as c:
        x = torch.zeros(4, 3, 2, 2)
        zeros = torch.zeros(4, 2)
        with c.case("returns a scalar", hint="average over the batch at the end"):
            out = debiasing_loss(torch.zeros(4), torch.ones(4), x, x, zeros, zeros, 1.0)
            assert_shape(out, (), "loss")
        with c.case("logit 0 and a perfect VAE: the loss is ln 2 (classification only)",
                    hint="binary cross-entropy on the logits: "
                         "F.binary_cross_entropy_with_logits(..., reduction='none')"):
            assert_close(debiasing_loss(torch.zeros(4), torch.tensor([1.0, 0, 1, 0]), x, x, zeros, zeros, 1.0),
                         math.log(2.0), "loss")
        with c.case("the VAE term counts only for faces: [face, non-face] with recon error 1 each → +0.5",
                    hint="multiply each image's VAE loss by its label y (shape (B,), not (B, 1)), then average"):
            x2, ones = torch.zeros(2, 3, 2, 2), torch.ones(2, 3, 2, 2)
            out = debiasing_loss(torch.zeros(2), torch.tensor([1.0, 0.0]), x2, ones, torch.zeros(2, 2),
                                 torch.zeros(2, 2), 1.0)
            assert_close(out, math.log(2.0) + 0.5, "loss")
        with c.case("the KL term, weighted by kl_weight, for faces only: [face mu = 1, non-face mu = 2], "
                    "kl_weight 0.5 → ln 2 + 0.25",
                    hint="pass mu, logvar and kl_weight on to vae_loss as they are given, "
                         "and weight each image's VAE loss by its label y"):
            x2 = torch.zeros(2, 3, 2, 2)
            mu2 = torch.tensor([[1.0, 1.0], [2.0, 2.0]])
            out = debiasing_loss(torch.zeros(2), torch.tensor([1.0, 0.0]), x2, x2, mu2, torch.zeros(2, 2), 0.5)
            assert_close(out, math.log(2.0) + 0.25, "loss")


def check_resampling_probabilities(resampling_probabilities) -> None:
    with Checks("resampling_probabilities") as c:
        mu = torch.tensor([[0.0], [0.0], [0.0], [1.0]])
        with c.case("probabilities sum to 1, one per sample",
                    hint="normalise at the end: p / p.sum()"):
            p = resampling_probabilities(torch.randn(50, 3), bins=5, smoothing=1e-3)
            assert_shape(p, (50,), "p")
            assert_close(p.sum(), 1.0, "sum")
        with c.case("hand-worked case: 3 samples in one bin, 1 in the other → [1/6, 1/6, 1/6, 1/2]",
                    hint="density per bin [3/4, 1/4]; p ∝ 1 / density of the sample's bin"):
            assert_close(resampling_probabilities(mu, bins=2, smoothing=0.0), torch.tensor([1, 1, 1, 3]) / 6, "p")
        with c.case("smoothing pulls probabilities towards uniform (smoothing=1 here)",
                    hint="add smoothing to the normalised density and normalise again before inverting"):
            # density [3/4, 1/4] + 1 = [7/4, 5/4] -> /3 ; p ∝ [4/7, 4/7, 4/7, 4/5]
            w = torch.tensor([1 / 7, 1 / 7, 1 / 7, 1 / 5])
            assert_close(resampling_probabilities(mu, bins=2, smoothing=1.0), w / w.sum(), "p")
        with c.case("a histogram per latent dimension (over the samples), combined by the maximum",
                    hint="loop over mu's columns; each column's histogram counts the N samples"):
            two = torch.tensor([[0.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 1.0]])
            # dim 0: p ∝ [1,1,1,3]/6 ; dim 1: p ∝ [3,1,1,1]/6 ; max: [3,1,1,3]/6 -> /8*6
            assert_close(resampling_probabilities(two, bins=2, smoothing=0.0), torch.tensor([3.0, 1, 1, 3]) / 8, "p")
        with c.case("a value exactly on a bin edge goes into the upper bin: "
                    "[0, 1, 1, 4], bins=4 → [1/3, 1/6, 1/6, 1/3]",
                    hint="bin = floor((mu - min) / (max - min) · bins), only the maximum clamped into the last bin: "
                         "a value on an edge belongs to the bin above it"):
            edge = torch.tensor([[0.0], [1.0], [1.0], [4.0]])
            assert_close(resampling_probabilities(edge, bins=4, smoothing=0.0), torch.tensor([2.0, 1, 1, 2]) / 6, "p")


class _SchedulerSpy:
    """Stands in for CosineAnnealingLR while a check runs: notes T_max and the steps taken."""

    def __init__(self):
        self.made, self.steps = [], 0

    def __enter__(self):
        spy, real = self, torch.optim.lr_scheduler.CosineAnnealingLR
        self.real = real

        class Counting(real):
            def __init__(self, optimizer, T_max, *args, **kwargs):
                spy.made.append(T_max)
                super().__init__(optimizer, T_max, *args, **kwargs)

            def step(self, *args, **kwargs):
                spy.steps += 1
                return super().step(*args, **kwargs)

        spy.steps = -1  # the scheduler's own first step() is taken when it is made
        torch.optim.lr_scheduler.CosineAnnealingLR = Counting
        return self

    def __exit__(self, *exc):
        torch.optim.lr_scheduler.CosineAnnealingLR = self.real
        return False


def check_train(train) -> None:
    with Checks("the training loop with resampling") as c:
        torch.manual_seed(0)
        n, batch_size, epochs = 70, 16, 3  # 70 = 4 batches of 16 and one of 6
        x, y = torch.randn(n, 3), torch.arange(float(n))  # y: the sample's index, to see what was drawn
        model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
        seen, calls, modes = [], [], []

        def loss_fn(m, xb, yb):
            seen.append(yb.clone())
            modes.append(m.training)
            return ((m(xb)[:, 0] - 1.0) ** 2).mean()

        def weights_fn(m):
            calls.append(1)
            m.eval()  # as latent_means does
            return (torch.arange(n) % 2 == 0).float()  # odd samples never

        with _SchedulerSpy() as spy:
            losses = train(model, loss_fn, x, y, epochs=epochs, batch_size=batch_size, lr=0.05, weights_fn=weights_fn)
        with c.case(f"one mean loss per epoch ({epochs}), as Python floats",
                    hint="append loss.item()'s mean once per epoch"):
            assert len(losses) == epochs, f"got {len(losses)} values"
            assert all(type(v) is float for v in losses), f"got {[type(v).__name__ for v in losses]}"
        with c.case("the loss goes down", hint="zero_grad, loss_fn(model, xb, yb), backward, step, scheduler.step"):
            assert losses[-1] < losses[0], f"first {losses[0]:.3f}, last {losses[-1]:.3f}"
        with c.case("weights_fn is called once per epoch", hint="new weights every epoch: the latent space moves"):
            assert len(calls) == epochs, f"called {len(calls)} times"
        with c.case("the model trains in training mode, even when weights_fn leaves it in eval mode",
                    hint="model.train() after weights_fn, every epoch"):
            assert modes and all(modes), "loss_fn saw the model in eval mode"
        with c.case(f"samples follow the weights: zero weight is never drawn; len(x) = {n} draws per epoch, "
                    "the last batch smaller",
                    hint="idx = torch.multinomial(weights, len(x), replacement=True, generator=gen); "
                         "keep the last, smaller batch"):
            drawn = torch.cat(seen) if seen else torch.zeros(0)
            assert len(drawn) == epochs * n, f"{len(drawn)} samples drawn in {epochs} epochs"
            assert bool((drawn % 2 == 0).all()), "drew samples whose weight is 0"
        with c.case("each epoch draws anew; the same seed draws the same samples whatever torch's global seed",
                    hint="one gen = torch.Generator().manual_seed(seed) before the epochs, used by every draw"):
            per_epoch = torch.cat(seen).reshape(epochs, n)
            assert not torch.equal(per_epoch[0], per_epoch[1]), "epochs 0 and 1 drew the same samples"
            first = torch.cat(seen)
            seen.clear()
            torch.manual_seed(12345)
            train(nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1)), loss_fn, x, y, epochs=epochs,
                  batch_size=batch_size, lr=0.05, weights_fn=weights_fn)
            assert torch.equal(torch.cat(seen), first), "another run with seed 0 drew other samples"
        steps = epochs * math.ceil(n / batch_size)
        if spy.made:  # (not seen when the scheduler was imported under another name: nothing to check then)
            with c.case(f"the cosine schedule: T_max = epochs · ceil(len(x) / batch_size) = {steps}, "
                        "one step per batch",
                        hint="n_batches = math.ceil(len(x) / batch_size); "
                             "scheduler.step() after every optimizer.step()"):
                assert spy.made == [steps], f"T_max {spy.made}"
                assert spy.steps == steps, f"scheduler.step() called {spy.steps} times"
