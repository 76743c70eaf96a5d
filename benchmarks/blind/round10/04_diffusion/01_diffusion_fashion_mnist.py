"""Blind round 10, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-9 holds.
Right answers: CORRECT[gid][0] is round 9's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND9 = earlier_round(9, __file__)


_SCHED, _Q, _EMB, _RES, _RES_INIT = ROUND9._SCHED, ROUND9._Q, ROUND9._EMB, ROUND9._RES, ROUND9._RES_INIT
_LOSS, _DDPM, _DDIM, _CFG = ROUND9._LOSS, ROUND9._DDPM, ROUND9._DDIM, ROUND9._CFG

# ----------------------------------------------------------------------------- round 10's own right answers
_SCHED_NUMPY = '''
import numpy as np


def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    return torch.from_numpy(np.linspace(beta_start, beta_end, num_steps).astype(np.float32))


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    u = torch.arange(num_steps + 1, dtype=torch.float64) / num_steps
    log_f = 2.0 * torch.log(torch.cos((u + s) / (1 + s) * math.pi / 2))
    betas = -torch.expm1(torch.diff(log_f))                     # 1 - f(t + 1) / f(t)
    return betas.clamp(max=max_beta).to(torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1.0 - betas
    alpha_bars = alphas.cumprod(dim=0)
    first = torch.zeros(1, dtype=torch.long, device=betas.device)
    alpha_bars_prev = alpha_bars.roll(1).index_fill(0, first, 1.0)
    posterior_variance = (1.0 - alpha_bars_prev) / (1.0 - alpha_bars) * betas
    return Schedule(*(betas, alphas, alpha_bars, alpha_bars_prev, posterior_variance))
'''

_Q_STACK = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = torch.take(schedule.alpha_bars.to(x0.device), t.to(x0.device).long())
    coefs = torch.stack((abar.sqrt(), (1.0 - abar).sqrt()))            # (2, B)
    coefs = coefs.reshape(2, -1, *([1] * (x0.dim() - 1)))
    return (coefs * torch.stack((x0, noise))).sum(dim=0).to(x0.dtype)
'''

_EMB_WHERE = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    exponents = -math.log(max_period) * torch.arange(half, device=t.device) / half
    angles = t.to(torch.float32).reshape(-1, 1) * exponents.exp().reshape(1, -1)
    both = angles.repeat(1, 2)                                            # (B, dim): the angles twice
    sine_half = torch.arange(dim, device=t.device) < half
    return torch.where(sine_half, torch.sin(both), torch.cos(both))
'''

_RES_INPLACE = _RES_INIT + '''        h = self.conv1(F.silu(self.norm1(x)))
        h += self.emb_proj(emb).unsqueeze(-1).unsqueeze(-1)             # h is this block's own tensor
        out = self.conv2(F.silu(self.norm2(h)))
        out += self.skip(x)
        return out
'''

_LOSS_INDEX_FILL = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B, T = len(x0), schedule.num_steps
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label
    y_in = y.index_fill(0, drop.nonzero().flatten(), model.num_classes)     # a new tensor
    residual = model(q_sample(x0, t, noise, schedule), t, y_in) - noise
    return torch.linalg.vector_norm(residual) ** 2 / residual.numel()
'''

_DDPM_COUNTUP = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    one_minus_abar = 1.0 - schedule.alpha_bars[t]
    mean = (x_t * one_minus_abar - schedule.betas[t] * one_minus_abar.sqrt() * eps) / (
        schedule.alphas[t].sqrt() * one_minus_abar)
    if t == 0:
        return mean
    return mean + schedule.posterior_variance[t].sqrt() * noise


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    T = schedule.num_steps
    x = torch.randn(shape, generator=generator, device=device)
    for i in range(T):
        t = T - 1 - i
        eps = eps_fn(x, t)
        z = torch.randn(shape, generator=generator, device=device) if t > 0 else torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if callable(on_step):
            on_step(t, x)
    return x
'''

_DDIM_ZIP_LONGEST = '''
import itertools


def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return list(map(lambda i: i * k, range(num_steps - 1, -1, -1)))


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a_t = alpha_bars[t].to(torch.float64)
    a_prev = alpha_bars[t_prev].to(torch.float64) if t_prev != -1 else alpha_bars.new_tensor(1.0, dtype=torch.float64)
    x0_hat = (x_t - torch.sqrt(1.0 - a_t) * eps) / torch.sqrt(a_t)
    return (torch.sqrt(a_prev) * x0_hat + torch.sqrt(1.0 - a_prev) * eps).to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(len(alpha_bars), num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    for t, t_prev in itertools.zip_longest(steps, steps[1:], fillvalue=-1):
        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)
    return x
'''

_CFG_WEIGHTS = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = x.shape[0]
    labels = torch.cat((y, y)).index_fill(0, torch.arange(B, 2 * B, device=y.device), model.num_classes)
    steps = torch.as_tensor(t, dtype=torch.long, device=x.device).repeat(2 * B)
    eps_c, eps_u = torch.split(model(torch.concat((x, x)), steps, labels), B)
    weights = x.new_tensor([1.0 - scale, scale])                          # (1 - w) eps_u + w eps_c
    return (torch.stack((eps_u, eps_c), dim=-1) * weights).sum(dim=-1)
'''

CORRECT = {
    gid: [ROUND9.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_schedule", "numpy linspace cast to float32, cosine betas as -expm1(diff(log f)) in float64, "
                         "Tensor.cumprod, prev by roll then index_fill, Schedule(*tuple) (round 10)", _SCHED_NUMPY),
        ("ex2_forward", "torch.take with long steps, the two coefficients stacked (2, B, 1, ...) times "
                        "stack(x0, noise) summed over the pair, cast to x0's dtype (round 10)", _Q_STACK),
        ("ex3_time_embedding", "arange exponents, reshape outer product, the angles repeated twice, torch.where(sine half, sin, "
                               "cos) (round 10)", _EMB_WHERE),
        ("ex4_resblock", "in-place += of the shift and of the skip on the block's own conv outputs, "
                         "unsqueeze(-1) twice (round 10)", _RES_INPLACE),
        ("ex5_loss", "labels by index_fill at drop.nonzero() (a new tensor), squared vector_norm over numel "
                     "(round 10)", _LOSS_INDEX_FILL),
        ("ex6_ddpm", "mean over the common denominator sqrt(alpha_t)(1 - alpha_bar_t), a count-up loop with "
                     "t = T - 1 - i, callable(on_step) (round 10)", _DDPM_COUNTUP),
        ("ex7_ddim", "map over range for the timesteps, coefficients in float64 cast back, itertools.zip_longest "
                     "with fillvalue -1 (round 10)", _DDIM_ZIP_LONGEST),
        ("ex8_guidance", "labels by index_fill on cat(y, y), as_tensor(t).repeat steps, torch.split, "
                         "(1 - w, w) weights on a stacked (eps_u, eps_c) pair (round 10)", _CFG_WEIGHTS),
    )
}

MUTANTS = {
    "ex1_schedule": [
        ("cosine_betas' s default 0.08 (a zero too many): the offset is ten times too large",
         replace_once(_SCHED, "s: float = 0.008", "s: float = 0.08")),
        ("cosine grid divided by T + 1 (the number of grid points) instead of T: u / (T + 1)",
         replace_once(_SCHED, "(steps / num_steps + s) / (1 + s)", "(steps / (num_steps + 1) + s) / (1 + s)")),
        ("alpha_bars in log space, exp forgotten: cumsum(log(alphas)) (the log of alpha_bar, all negative)",
         replace_once(_SCHED, "    alpha_bars = torch.cumprod(alphas, dim=0)\n",
                      "    alpha_bars = torch.cumsum(torch.log(alphas), dim=0)\n")),
        ("alpha_bars_prev by F.pad(alpha_bars, (1, 0), value=1) without dropping the last: T + 1 values (the "
         "posterior variance then cannot be formed)",
         replace_once(_SCHED, "    alpha_bars_prev = torch.cat([alpha_bars.new_ones(1), alpha_bars[:-1]])\n",
                      "    alpha_bars_prev = F.pad(alpha_bars, (1, 0), value=1.0)\n")),
    ],
    "ex2_forward": [
        ("written as one torch.lerp(x0, noise, sqrt(1 - alpha_bar)): the signal coefficient becomes "
         "1 - sqrt(1 - alpha_bar_t) instead of sqrt(alpha_bar_t)",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
                      "    return torch.lerp(x0, noise, (1.0 - abar).sqrt()).to(x0.dtype)\n")),
        ("square roots by math.sqrt on the gathered coefficients: only a batch of one runs (a (B,) tensor "
         "cannot become a float)",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
                      "    return (math.sqrt(abar) * x0 + math.sqrt(1.0 - abar) * noise).to(x0.dtype)\n")),
        ("the schedule's alpha_bars replaced by alpha_bars.to(x0) 'to move it once': the caller's schedule is "
         "changed (float64 after a float64 x0, bfloat16 after a bfloat16 one, which then rounds every later "
         "call's coefficients) - against 'a function changes nothing the caller gives it'",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
                      "    schedule.alpha_bars = schedule.alpha_bars.to(x0)\n"
                      "    abar = schedule.alpha_bars[t]\n")),
        ("the caller's t reshaped in place (t.unsqueeze_) to (B, 1, ..., 1) to index the coefficients out "
         "already broadcastable - against 'does not modify the caller's tensors in place'",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n"
                          "    abar = abar.view(x0.shape[0], *([1] * (x0.dim() - 1)))\n",
                      "    for _ in range(x0.dim() - 1):\n        t.unsqueeze_(-1)\n"
                      "    abar = schedule.alpha_bars.to(x0.device)[t]\n")),
    ],
    "ex3_time_embedding": [
        ("frequencies cached at module level on the first call 'for speed': a later call with another dim "
         "(or max_period) reuses the first call's frequencies",
         '''
_FREQS = []


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    if not _FREQS:
        i = torch.arange(half, dtype=torch.float32)
        _FREQS.append(torch.exp(-math.log(max_period) * i / half))
    freqs = _FREQS[0].to(t.device)
    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)
    return torch.cat([angles.sin(), angles.cos()], dim=1)
'''),
        ("cosines by the phase shift with a sign slip: sin(angle - pi / 2) (= -cos) instead of sin(angle + pi / 2)",
         replace_once(_EMB, "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
                      "    return torch.cat([angles.sin(), torch.sin(angles - math.pi / 2)], dim=1)\n")),
        ("embedding normalised to unit length (divided by sqrt(h)) 'so that its scale does not depend on dim'",
         replace_once(_EMB, "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
                      "    return torch.cat([angles.sin(), angles.cos()], dim=1) / math.sqrt(half)\n")),
        ("parameter renamed max_period -> period in the signature: a call by keyword max_period= raises "
         "(the default itself is kept)",
         replace_once(replace_once(_EMB, "dim: int, max_period: float = 10000.0)", "dim: int, period: float = 10000.0)"),
                      "-math.log(max_period)", "-math.log(period)")),
    ],
    "ex4_resblock": [
        ("conditioning shift added twice: after conv1 (as asked) and again to the output after conv2",
         replace_once(_RES, "        return h + self.skip(x)\n",
                      "        return h + self.emb_proj(emb)[:, :, None, None] + self.skip(x)\n")),
        ("a fresh 1x1 nn.Conv2d made inside forward when the channel count changes, instead of the block's "
         "own self.skip (new random weights at every call)",
         replace_once(_RES, "        return h + self.skip(x)\n",
                      "        if x.shape[1] != h.shape[1]:\n"
                      "            x = nn.Conv2d(x.shape[1], h.shape[1], 1).to(x.device)(x)\n"
                      "        return h + x\n")),
        ("variable slip: out is computed but the hidden h (after the shift) is returned",
         replace_once(_RES, "        h = self.norm2(h)\n        h = F.silu(h)\n        h = self.conv2(h)\n"
                            "        return h + self.skip(x)\n",
                      "        out = self.norm2(h)\n        out = F.silu(out)\n        out = self.conv2(out)\n"
                      "        out = out + self.skip(x)\n        return h\n")),
        ("projected shift detached ('the time embedding is only an input'): no gradient reaches emb_proj or emb",
         replace_once(_RES, "h = h + self.emb_proj(emb)[:, :, None, None]",
                      "h = h + self.emb_proj(emb).detach()[:, :, None, None]")),
    ],
    "ex5_loss": [
        ("device=x0.device left out of the three prescribed calls (a CPU habit): on another device the steps, "
         "noise and mask are CPU tensors (the loss on such a batch raises, and the CPU generator is used)",
         replace_once(replace_once(replace_once(_LOSS,
             "    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)\n",
             "    t = torch.randint(0, T, (B,), generator=generator)\n"),
             "    noise = torch.randn(x0.shape, generator=generator, device=x0.device)\n",
             "    noise = torch.randn(x0.shape, generator=generator)\n"),
             "    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond",
             "    drop = torch.rand(B, generator=generator) < p_uncond")),
        ("noise drawn with dtype=x0.dtype added 'to match x0': a float64 x0 gets other (float64) noise than "
         "the prescribed call draws",
         replace_once(_LOSS, "    noise = torch.randn(x0.shape, generator=generator, device=x0.device)\n",
                      "    noise = torch.randn(x0.shape, generator=generator, device=x0.device, dtype=x0.dtype)\n")),
        ("model.requires_grad_(True) inside the loss 'so that the loss can be backpropagated': parameters the "
         "caller froze (like the notebook's EMA copy) are unfrozen - against 'a function changes nothing the "
         "caller gives it'",
         replace_once(_LOSS, "    B, T = x0.shape[0], schedule.num_steps\n",
                      "    model.requires_grad_(True)\n    B, T = x0.shape[0], schedule.num_steps\n")),
        ("model.zero_grad() called inside the loss: gradients the caller has accumulated are wiped - against "
         "'does not clear or replace the gradients the caller's parameters hold in .grad'",
         replace_once(_LOSS, "    B, T = x0.shape[0], schedule.num_steps\n",
                      "    model.zero_grad()\n    B, T = x0.shape[0], schedule.num_steps\n")),
    ],
    "ex6_ddpm": [
        ("initial x drawn on the CPU and moved with .to(device): on another device the CPU generator "
         "(the global one when none is given) is used instead of the device's",
         replace_once(_DDPM, "    x = torch.randn(shape, generator=generator, device=device)\n    for t",
                      "    x = torch.randn(shape, generator=generator).to(device)\n    for t")),
        ("initial noise scaled by sqrt(1 - alpha_bar_{T-1}) 'to match q(x_{T-1})' instead of x ~ N(0, I)",
         replace_once(_DDPM, "    x = torch.randn(shape, generator=generator, device=device)\n    for t",
                      "    x = torch.randn(shape, generator=generator, device=device)\n"
                      "    x = x * torch.sqrt(1.0 - schedule.alpha_bars[-1]).to(device)\n    for t")),
        ("the given generator reseeded to its initial seed 'for reproducible samples': numbers the caller "
         "drew before are drawn again - against 'without reseeding it'",
         replace_once(_DDPM, "    x = torch.randn(shape, generator=generator, device=device)\n    for t",
                      "    if generator is not None:\n        generator.manual_seed(generator.initial_seed())\n"
                      "    x = torch.randn(shape, generator=generator, device=device)\n    for t")),
        ("the t = 0 step reuses the eps of t = 1 ('the last step only removes the mean'): eps_fn is called "
         "T - 1 times (and with T = 1 no eps is ever made)",
         replace_once(_DDPM, "        eps = eps_fn(x, t)\n",
                      "        if t > 0:\n            eps = eps_fn(x, t)\n")),
    ],
    "ex7_ddim": [
        ("ddim_step scales the caller's eps in place (eps.mul_(sqrt(1 - alpha_bar_t))) to form x0_hat",
         replace_once(_DDIM, "    x0_hat = (x_t - (1 - a_t).sqrt() * eps) / a_t.sqrt()\n"
                             "    return (a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps).to(x_t.dtype)\n",
                      "    x0_hat = (x_t - eps.mul_((1 - a_t).sqrt())) / a_t.sqrt()\n"
                      "    eps = eps / (1 - a_t).sqrt()\n"
                      "    return (a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps).to(x_t.dtype)\n")),
        ("t_prev computed as t - k in ddim_sample, with ddim_step testing t_prev == -1: unless k = 1 the final "
         "jump reads alpha_bars[-k] instead of the clean level",
         replace_once(replace_once(_DDIM, "if t_prev >= 0 else", "if t_prev != -1 else"),
                      "        t_prev = steps[i + 1] if i + 1 < len(steps) else -1\n",
                      "        t_prev = t - (len(alpha_bars) // num_steps)\n")),
        ("copy slip: re-noised along x_t instead of the predicted eps: sqrt(a') x0_hat + sqrt(1 - a') x_t",
         replace_once(_DDIM, "(a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps)",
                      "(a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * x_t)")),
        ("initial x drawn with dtype=alpha_bars.dtype 'to match the schedule': float64 alpha_bars give other "
         "(float64) starting noise than the prescribed call",
         replace_once(_DDIM, "    x = torch.randn(shape, generator=generator, device=device)\n",
                      "    x = torch.randn(shape, generator=generator, device=device, dtype=alpha_bars.dtype)\n")),
    ],
    "ex8_guidance": [
        ("model.to(x) 'to match the input' inside guided_eps: a float64 batch turns the caller's model to "
         "float64 - against 'does not move a model or a tensor to another device or dtype'",
         replace_once(_CFG, "    B = x.shape[0]\n", "    model = model.to(x)\n    B = x.shape[0]\n")),
        ("model.requires_grad_(False) inside guided_eps 'no gradients needed': the caller's parameters stay "
         "frozen afterwards - against 'a function changes nothing the caller gives it'",
         replace_once(_CFG, "    B = x.shape[0]\n", "    model.requires_grad_(False)\n    B = x.shape[0]\n")),
        ("x doubled with x.repeat(2, 1) (written for (B, D) inputs): an image batch (B, C, H, W) raises",
         replace_once(_CFG, "torch.cat([x, x], dim=0)", "x.repeat(2, 1)")),
        ("eps_c and eps_u swapped in the formula: eps_c + w (eps_u - eps_c), so w = 0 gives the conditional "
         "prediction",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n",
                      "    return eps_c + scale * (eps_u - eps_c)\n")),
    ],
}
