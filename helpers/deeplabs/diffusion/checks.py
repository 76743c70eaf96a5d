"""Visible checks for lab 04 (diffusion models).

Small hand-worked cases and invariants only: a two-step schedule worked out on paper, noise
that the sampler must recover exactly, spy models that record what they were called with.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..budget import is_fast
from ..checks import Checks, assert_close, assert_shape


def _schedule_from_alpha_bars(Schedule, alpha_bars: list[float]):
    """A Schedule whose fields are worked out by hand from ᾱ (used by checks of later exercises)."""
    a = torch.tensor(alpha_bars)
    prev = torch.cat([torch.ones(1), a[:-1]])
    alphas = a / prev
    betas = 1 - alphas
    return Schedule(betas, alphas, a, prev, betas * (1 - prev) / (1 - a))


def check_schedules(linear_betas, cosine_betas, make_schedule) -> None:
    with Checks("noise schedules") as c:
        with c.case("linear_betas(5, 0.1, 0.5) = [0.1, 0.2, 0.3, 0.4, 0.5] (float32)",
                    hint="evenly spaced from beta_start to beta_end, both ends included: torch.linspace"):
            betas = linear_betas(5, 0.1, 0.5)
            assert betas.dtype == torch.float32, f"dtype is {betas.dtype}"
            assert_close(betas, [0.1, 0.2, 0.3, 0.4, 0.5], "betas")
        s = make_schedule(torch.tensor([0.1, 0.2]))
        with c.case("betas [0.1, 0.2]: alphas [0.9, 0.8], alpha_bars [0.9, 0.72]",
                    hint="alpha = 1 - beta; alpha_bar is the running product: torch.cumprod(alphas, 0)"):
            assert_close(s.alphas, [0.9, 0.8], "alphas")
            assert_close(s.alpha_bars, [0.9, 0.72], "alpha_bars")
        with c.case("alpha_bars_prev = [1, 0.9] (shifted by one, starting at 1)",
                    hint="prepend a 1 and drop the last value of alpha_bars"):
            assert_close(s.alpha_bars_prev, [1.0, 0.9], "alpha_bars_prev")
        with c.case("posterior_variance = [0, 0.2 · 0.1 / 0.28]",
                    hint="beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t): zero at t = 0"):
            assert_close(s.posterior_variance, [0.0, 0.2 * 0.1 / 0.28], "posterior_variance")
        cos = cosine_betas(1000)
        with c.case("cosine_betas(1000): shape (1000,), starts tiny (< 1e-4), ends clipped at 0.999",
                    hint="beta_t = min(1 - f(t+1)/f(t), max_beta) with f(u) = cos²(((u/T + s)/(1 + s))·π/2)"):
            assert_shape(cos, (1000,), "betas")
            assert float(cos[0]) < 1e-4, f"first beta {float(cos[0]):.3g}"
            assert abs(float(cos[-1]) - 0.999) < 1e-6, f"last beta {float(cos[-1]):.6g}"
        with c.case("cosine schedule keeps about half the signal variance at t = T/2 (alpha_bar ≈ 0.49)",
                    hint="cos is squared; the offset s enters as (u/T + s) / (1 + s)"):
            alpha_bar_mid = float(torch.cumprod(1 - cos.double(), 0)[499])
            assert abs(alpha_bar_mid - 0.49) < 0.02, f"alpha_bar[499] = {alpha_bar_mid:.3f}"


def check_forward_noising(q_sample, Schedule) -> None:
    s = _schedule_from_alpha_bars(Schedule, [0.64, 0.36])
    with Checks("forward noising q(x_t | x_0)") as c:
        with c.case("alpha_bar = 0.64 gives 0.8·x0 + 0.6·noise; alpha_bar = 0.36 gives 0.6·x0 + 0.8·noise",
                    hint="x_t = sqrt(alpha_bar_t)·x0 + sqrt(1 - alpha_bar_t)·noise, with t picked per example"):
            x0, noise = torch.ones(2, 1, 2, 2), torch.full((2, 1, 2, 2), 10.0)
            out = q_sample(x0, torch.tensor([0, 1]), noise, s)
            assert_shape(out, (2, 1, 2, 2))
            assert_close(out[0], torch.full((1, 2, 2), 0.8 + 6.0), "example with t=0")
            assert_close(out[1], torch.full((1, 2, 2), 0.6 + 8.0), "example with t=1")
        with c.case("works for inputs of shape (B, D) too",
                    hint="reshape the (B,) coefficients to (B, 1, ..., 1) with one 1 per trailing dimension"):
            out = q_sample(torch.ones(2, 3), torch.tensor([1, 0]), torch.zeros(2, 3), s)
            assert_close(out, [[0.6] * 3, [0.8] * 3], "output")
        with c.case("x0 and noise are left as they were",
                    hint="build a new tensor: no in-place operations (mul_, add_, +=) on the inputs"):
            x0, noise = torch.ones(2, 3), torch.full((2, 3), 2.0)
            q_sample(x0, torch.tensor([1, 0]), noise, s)
            assert torch.equal(x0, torch.ones(2, 3)) and torch.equal(noise, torch.full((2, 3), 2.0)), (
                "an input was changed")


def check_time_embedding(timestep_embedding) -> None:
    with Checks("sinusoidal time embedding") as c:
        with c.case("shape (B, dim), float32 (for float64 steps too)",
                    hint="half sines, half cosines, concatenated on the last dimension; convert t with t.float()"):
            out = timestep_embedding(torch.tensor([0, 5, 999]), 32)
            assert_shape(out, (3, 32))
            assert out.dtype == torch.float32, f"dtype {out.dtype}"
            out = timestep_embedding(torch.tensor([0.5, 7.0], dtype=torch.float64), 8)
            assert out.dtype == torch.float32, f"dtype {out.dtype} for float64 steps"
        with c.case("t = 0 gives [0, ..., 0, 1, ..., 1] (sines first)", hint="sin(0) = 0, cos(0) = 1"):
            assert_close(timestep_embedding(torch.tensor([0]), 6), [[0, 0, 0, 1, 1, 1]], "emb(0)")
        with c.case("dim 4, t = 1: frequencies 1 and 1/100 -> [sin 1, sin 0.01, cos 1, cos 0.01]",
                    hint="omega_i = exp(-ln(max_period) · i / (dim/2)): i = 0 gives 1, i = 1 gives 10000^(-1/2)"):
            expected = [[math.sin(1), math.sin(0.01), math.cos(1), math.cos(0.01)]]
            assert_close(timestep_embedding(torch.tensor([1]), 4), expected, "emb(1)")
        with c.case("a t on another device gives a result on that device (PyTorch's 'meta' device: shapes, no data)",
                    hint="a tensor made inside the function lives on the CPU unless it is made on t.device"):
            out = timestep_embedding(torch.tensor([0, 5, 999], device="meta"), 8)
            assert out.device.type == "meta", f"the result is on {out.device}"
            assert_shape(out, (3, 8))


def check_resblock(ResBlock) -> None:
    with Checks("ResBlock") as c:
        x, emb = torch.randn(2, 8, 5, 5), torch.randn(2, 6)
        with c.case("(2, 8, 5, 5) -> (2, 16, 5, 5) when the channels change",
                    hint="add self.skip(x), not x: the 1×1 convolution matches the channel count"):
            assert_shape(ResBlock(8, 16, 6, groups=4)(x, emb), (2, 16, 5, 5))
        block = ResBlock(8, 8, 6, groups=4)
        with c.case("with conv2 zeroed the block returns its input (residual connection)",
                    hint="return conv2(...) + skip(x); the second convolution comes last in the branch"):
            with torch.no_grad():
                block.conv2.weight.zero_()
                block.conv2.bias.zero_()
            assert_close(block(x, emb), x, "output")
        block = ResBlock(8, 8, 6, groups=4)
        with c.case("the conditioning vector changes the output",
                    hint="add self.emb_proj(emb)[:, :, None, None] to h after conv1"):
            diff = (block(x, emb) - block(x, emb + 1.0)).abs().max().item()
            assert diff > 1e-4, "output does not depend on emb"
        with c.case("ResBlock(...) without groups uses GroupNorm with 8 groups, as given",
                    hint="keep the defaults of the signature you were given: the UNet makes its blocks without groups"):
            assert ResBlock(16, 16, 6).norm1.num_groups == 8, "the default number of groups changed"


class _SpyNet(nn.Module):
    """Returns zeros and remembers the steps and labels it was called with."""

    def __init__(self, num_classes: int = 3):
        super().__init__()
        self.num_classes = num_classes
        self.scale = nn.Parameter(torch.zeros(()))
        self.calls: list[tuple[torch.Tensor, torch.Tensor]] = []

    def forward(self, x, t, y):
        self.calls.append((t.detach().clone(), y.detach().clone()))
        return self.scale * x


def check_loss(diffusion_loss, Schedule) -> None:
    s = _schedule_from_alpha_bars(Schedule, [0.9, 0.6, 0.3, 0.1])
    x0, y = torch.randn(64, 1, 3, 3), torch.randint(0, 3, (64,))
    with Checks("diffusion training loss") as c:
        with c.case("a network that predicts 0 scores mean(noise²), noise drawn as in the instructions",
                    hint="draw t, then noise, then the drop mask from the generator; the target is the noise"):
            net = _SpyNet()
            loss = diffusion_loss(net, x0, y, s, 0.1, torch.Generator().manual_seed(5))
            g = torch.Generator().manual_seed(5)
            torch.randint(0, 4, (64,), generator=g)
            noise = torch.randn(x0.shape, generator=g)
            assert_close(loss, (noise ** 2).mean(), "loss")
        with c.case("steps t lie in 0..T-1 and the model gets a (B,) tensor of them",
                    hint="torch.randint(0, T, (B,), ...): randint's upper bound is exclusive"):
            net = _SpyNet()
            diffusion_loss(net, x0, y, s, 0.1, torch.Generator().manual_seed(1))
            t = net.calls[-1][0]
            assert_shape(t, (64,), "t")
            assert int(t.min()) >= 0 and int(t.max()) <= 3, f"t ranges over {int(t.min())}..{int(t.max())}"
        with c.case("p_uncond = 0 keeps every label; p_uncond = 1 hides every label (index num_classes)",
                    hint="y = torch.where(drop, num_classes, y) with drop = rand < p_uncond"):
            net = _SpyNet()
            diffusion_loss(net, x0, y, s, 0.0, torch.Generator().manual_seed(2))
            assert torch.equal(net.calls[-1][1], y), "labels changed with p_uncond = 0"
            y_before = y.clone()
            diffusion_loss(net, x0, y, s, 1.0, torch.Generator().manual_seed(2))
            assert (net.calls[-1][1] == 3).all(), "labels kept with p_uncond = 1"
            assert torch.equal(y, y_before), "the caller's y was changed: hide labels in a new tensor (torch.where)"
        with c.case("the loss can be backpropagated", hint="return a scalar tensor built from the model output"):
            net = _SpyNet()
            diffusion_loss(net, x0, y, s, 0.1, torch.Generator().manual_seed(3)).backward()
            assert net.scale.grad is not None, "no gradient reached the model"


def check_ddpm(ddpm_step, ddpm_sample, Schedule) -> None:
    # betas [0.19, 0.36]: alphas [0.81, 0.64], alpha_bars [0.81, 0.5184], posterior variance [0, 0.36·0.19/0.4816]
    s = _schedule_from_alpha_bars(Schedule, [0.81, 0.5184])
    zero, one = torch.zeros(1, 1), torch.ones(1, 1)
    with Checks("DDPM sampling") as c:
        with c.case("step t=1 with eps = 0 and z = 0 divides x by sqrt(alpha_1) = 0.8",
                    hint="x_{t-1} = (x_t - beta_t / sqrt(1 - alpha_bar_t) · eps) / sqrt(alpha_t) + sigma_t z"):
            assert_close(ddpm_step(zero, 1, one, s, zero), [[1.25]], "x_0")
        with c.case("step t=1: eps enters as -beta_1 / sqrt(1 - alpha_bar_1) / sqrt(alpha_1)",
                    hint="the eps coefficient uses alpha_bar_t (not alpha_bar_{t-1}) and sqrt(alpha_t)"):
            assert_close(ddpm_step(one, 1, zero, s, zero), [[-0.36 / math.sqrt(0.4816) / 0.8]], "x_0")
        with c.case("step t=1: the noise z is scaled by sigma_1 = sqrt(posterior_variance[1])",
                    hint="sigma_t is the square root of the variance"):
            assert_close(ddpm_step(zero, 1, zero, s, one), [[math.sqrt(0.36 * 0.19 / 0.4816)]], "x_0")
        with c.case("the last step (t = 0) adds no noise", hint="return the mean when t == 0"):
            assert_close(ddpm_step(zero, 0, one, s, torch.full((1, 1), 5.0)), [[1 / 0.9]], "x_{-1}")
        with c.case("ddpm_step leaves x_t as it was",
                    hint="compute a new tensor: no in-place operations (sub_, /=) on x_t"):
            x_t = torch.ones(1, 1)
            ddpm_step(one, 1, x_t, s, one)
            assert torch.equal(x_t, torch.ones(1, 1)), f"x_t became {x_t.flatten().tolist()}"
        seen = []

        def eps_fn(x, t):
            seen.append(t)
            return 0.1 * x

        with c.case("the loop calls eps_fn once per step at t = T-1, ..., 0 and on_step(t, x) after each step, "
                    "t = 0 included",
                    hint="for t in reversed(range(T)): eps_fn once, the step (zeros for z at t = 0), "
                         "then on_step(t, x) with the new x"):
            steps, snapshots = [], []
            out = ddpm_sample(eps_fn, (3, 1, 2, 2), s, torch.Generator().manual_seed(0),
                              on_step=lambda t, x: (steps.append(t), snapshots.append(x.clone())))
            assert_shape(out, (3, 1, 2, 2))
            assert seen == [1, 0], f"eps_fn saw steps {seen}"
            assert steps == [1, 0], f"on_step saw steps {steps}"
            assert torch.equal(snapshots[-1], out), "the x given to on_step at t = 0 is not the x returned"
        with c.case("the same generator seed gives the same samples",
                    hint="draw all randomness with generator=generator"):
            a = ddpm_sample(eps_fn, (3, 1, 2, 2), s, torch.Generator().manual_seed(4))
            b = ddpm_sample(eps_fn, (3, 1, 2, 2), s, torch.Generator().manual_seed(4))
            assert torch.equal(a, b), "two runs with the same seed differ"
        with c.case("with T = 2 the generator draws x and one z (at t = 1): nothing at t = 0",
                    hint="draw z from the generator only when t > 0; at t = 0 pass zeros without drawing"):
            used, fresh = torch.Generator().manual_seed(6), torch.Generator().manual_seed(6)
            ddpm_sample(eps_fn, (3, 1, 2, 2), s, used)
            for _ in range(2):
                torch.randn((3, 1, 2, 2), generator=fresh)
            assert torch.equal(used.get_state(), fresh.get_state()), (
                "the generator is not where two draws of x's shape leave it")


def check_ddim(ddim_timesteps, ddim_step, ddim_sample) -> None:
    alpha_bars = torch.cumprod(1 - torch.linspace(0.01, 0.2, 10), 0)
    x0, eps = torch.randn(2, 1, 3, 3), torch.randn(2, 1, 3, 3)

    def noised(t):
        return alpha_bars[t].sqrt() * x0 + (1 - alpha_bars[t]).sqrt() * eps

    with Checks("DDIM sampling") as c:
        with c.case("ddim_timesteps(1000, 4) = [750, 500, 250, 0]; (10, 3) = [6, 3, 0]",
                    hint="k = T // n; steps (n-1)k, ..., k, 0, largest first"):
            assert list(ddim_timesteps(1000, 4)) == [750, 500, 250, 0], f"got {list(ddim_timesteps(1000, 4))}"
            assert list(ddim_timesteps(10, 3)) == [6, 3, 0], f"got {list(ddim_timesteps(10, 3))}"
        with c.case("given the true noise, the final jump (t_prev = -1) returns x0 exactly",
                    hint="x0_hat = (x_t - sqrt(1 - alpha_bar_t) eps) / sqrt(alpha_bar_t); "
                         "alpha_bar = 1 when t_prev = -1"):
            assert_close(ddim_step(eps, 7, -1, noised(7), alpha_bars), x0, "x0", atol=1e-4)
        with c.case("given the true noise, a jump 7 -> 3 lands on q(x_3 | x0) with the same noise",
                    hint="x_{t'} = sqrt(alpha_bar_{t'}) x0_hat + sqrt(1 - alpha_bar_{t'}) eps"):
            x_t = noised(7)
            assert_close(ddim_step(eps, 7, 3, x_t, alpha_bars), noised(3), "x_3", atol=1e-4)
            assert torch.equal(x_t, noised(7)), "ddim_step changed x_t in place"
        with c.case("float64 in, float64 out: ddim_step keeps the dtype of x_t",
                    hint="no .float() on the result: compute in the dtype of the inputs"):
            out = ddim_step(eps.double(), 7, 3, noised(7).double(), alpha_bars.double())
            assert out.dtype == torch.float64, f"got {out.dtype}"
        calls = []

        def eps_fn(x, t):
            calls.append(t)
            return 0.1 * x

        with c.case("ddim_sample calls eps_fn once per DDIM step, largest step first",
                    hint="loop over ddim_timesteps(len(alpha_bars), num_steps)"):
            out = ddim_sample(eps_fn, (2, 1, 3, 3), alpha_bars, 3, torch.Generator().manual_seed(0))
            assert_shape(out, (2, 1, 3, 3))
            assert calls == [6, 3, 0], f"eps_fn saw steps {calls}"
        with c.case("with an eps_fn that knows x0 (it returns the exact noise in x), sampling ends on x0",
                    hint="the last jump goes to t' = -1, where alpha_bar = 1: a clean image"):
            def exact_eps(x, t):
                return (x - alpha_bars[t].sqrt() * x0) / (1 - alpha_bars[t]).sqrt()

            got = ddim_sample(exact_eps, tuple(x0.shape), alpha_bars, 3, torch.Generator().manual_seed(2))
            assert_close(got, x0, "sample", atol=1e-4)
        with c.case("sampling is deterministic given the starting noise",
                    hint="DDIM (eta = 0) draws only the initial x"):
            a = ddim_sample(eps_fn, (2, 1, 3, 3), alpha_bars, 3, torch.Generator().manual_seed(1))
            b = ddim_sample(eps_fn, (2, 1, 3, 3), alpha_bars, 3, torch.Generator().manual_seed(1))
            assert torch.equal(a, b), "two runs with the same seed differ"


class _LabelNet(nn.Module):
    """eps = label value (labels 0..2; index 3 = no label gives -1) plus 0 * x; counts calls."""

    def __init__(self):
        super().__init__()
        self.num_classes = 3
        self.calls = 0
        self.seen = []  # the batch size of every call

    def forward(self, x, t, y):
        self.calls += 1
        self.seen.append(x.shape[0])
        # what TinyUNet needs too: one step per example, labels 0..num_classes
        assert isinstance(t, torch.Tensor) and tuple(t.shape) == (len(x),), (
            f"the model got t = {t!r:.60}: pass a tensor of {len(x)} steps, one per example of the 2B batch")
        assert len(y) == len(x) and 0 <= int(y.min()) and int(y.max()) <= self.num_classes, (
            f"labels {y.tolist()}: 'no label' is model.num_classes = {self.num_classes}")
        value = torch.where(y == self.num_classes, torch.tensor(-1.0), y.float())
        return value.reshape(-1, *([1] * (x.dim() - 1))) + 0 * x


def check_guidance(guided_eps) -> None:
    x, y = torch.zeros(2, 1, 2, 2), torch.tensor([2, 1])
    with Checks("classifier-free guidance") as c:
        with c.case("scale 1 gives the conditional prediction; scale 0 the unconditional one",
                    hint="eps_u + w (eps_c - eps_u); 'no label' is model.num_classes"):
            assert_close(guided_eps(_LabelNet(), x, 5, y, 1.0)[:, 0, 0, 0], [2.0, 1.0], "w = 1")
            assert_close(guided_eps(_LabelNet(), x, 5, y, 0.0)[:, 0, 0, 0], [-1.0, -1.0], "w = 0")
        with c.case("scale 3: eps_u + 3 (eps_c - eps_u) = [8, 5] here",
                    hint="guidance moves away from the unconditional prediction, "
                         "towards (and past) the conditional one"):
            assert_close(guided_eps(_LabelNet(), x, 5, y, 3.0)[:, 0, 0, 0], [8.0, 5.0], "w = 3")
        with c.case("one model call on a batch of 2B, for every scale (w = 0 and w = 1 too)",
                    hint="torch.cat the inputs, call once, then .chunk(2): the same call whatever the scale"):
            for w in (2.0, 0.0, 1.0):
                net = _LabelNet()
                guided_eps(net, x, 5, y, w)
                assert net.calls == 1, f"w = {w}: the model was called {net.calls} times"
                assert net.seen == [2 * len(x)], f"w = {w}: the model saw batches of {net.seen}"


def check_samples(class_accuracy: float, target: float = 0.8) -> None:
    if is_fast():
        print(f"Fast mode: {class_accuracy:.0%} of samples classified as their class (an untrained model "
              f"scores about 10%); the {target:.0%} target applies to a full-mode run.")
        return
    with Checks("generated samples") as c:
        with c.case(f"at least {target:.0%} of guided samples are classified as the class asked for",
                    hint="train longer, or raise cfg.guidance; check the loss went down"):
            assert class_accuracy >= target, f"{class_accuracy:.1%}"
