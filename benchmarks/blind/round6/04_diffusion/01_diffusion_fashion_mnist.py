"""Blind round 6, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-5 holds.
Right answers: CORRECT[gid][0] is round 5's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND5 = earlier_round(5, __file__)


_SCHED, _Q, _EMB, _RES, _RES_INIT = ROUND5._SCHED, ROUND5._Q, ROUND5._EMB, ROUND5._RES, ROUND5._RES_INIT
_LOSS, _DDPM, _DDIM, _CFG = ROUND5._LOSS, ROUND5._DDPM, ROUND5._DDIM, ROUND5._CFG

# ----------------------------------------------------------------------------- round 6's own right answers
_SCHED_NUMPY = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    if num_steps == 1:
        return torch.tensor([beta_start], dtype=torch.float32)
    i = torch.arange(num_steps, dtype=torch.float64)
    gap = torch.full_like(i, (beta_end - beta_start) / (num_steps - 1))
    return torch.addcmul(torch.full_like(i, beta_start), i, gap).to(torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    import numpy as np

    u = np.arange(num_steps + 1, dtype=np.float64) / num_steps
    f = np.cos((u + s) / (1 + s) * np.pi / 2) ** 2
    return torch.from_numpy(np.minimum(1.0 - f[1:] / f[:-1], max_beta)).to(torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    import itertools
    import operator

    alphas = 1 - betas
    alpha_bars = torch.stack(list(itertools.accumulate(alphas, operator.mul)))
    alpha_bars_prev = F.pad(alpha_bars, (1, 0), value=1.0)[:-1]
    posterior_variance = betas * (1 - alpha_bars_prev) / (1 - alpha_bars)
    return Schedule(betas=betas, alphas=alphas, alpha_bars=alpha_bars, alpha_bars_prev=alpha_bars_prev,
                    posterior_variance=posterior_variance)
'''

_Q_FLAT64 = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    B = x0.shape[0]
    abar = schedule.alpha_bars.to(x0.device)[t].double().unsqueeze(1)      # (B, 1)
    flat = abar.sqrt() * x0.reshape(B, -1).double() + (1 - abar).sqrt() * noise.reshape(B, -1).double()
    return flat.reshape(x0.shape).to(x0.dtype)
'''

_EMB_POW_STACK = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    exponents = torch.arange(half, device=t.device) / half
    freqs = 1.0 / torch.full((half,), max_period, device=t.device).pow(exponents)
    angles = t[:, None].float() * freqs
    return torch.stack((angles.sin(), angles.cos()), dim=1).flatten(1)     # (B, 2, h) -> [sin | cos]
'''

_RES_PARAMS = _RES_INIT + '''        shift = F.linear(emb, self.emb_proj.weight, self.emb_proj.bias)
        h = F.conv2d(F.silu(self.norm1(x)), self.conv1.weight, self.conv1.bias, padding=1)
        h = h + shift.reshape(*shift.shape, 1, 1)
        h = F.conv2d(F.silu(self.norm2(h)), self.conv2.weight, self.conv2.bias, padding=1)
        return h + self.skip(x)
'''

_LOSS_WHERE = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B, T = len(x0), schedule.betas.numel()
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond
    labels = y.where(~drop, model.num_classes)
    prediction = model(q_sample(x0, t, noise, schedule), t, labels)
    return F.mse_loss(prediction, noise, reduction="none").mean()
'''

_DDPM_POSTERIOR = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    abar, abar_prev = schedule.alpha_bars[t], schedule.alpha_bars_prev[t]
    beta, alpha = schedule.betas[t], schedule.alphas[t]
    x0_hat = (x_t - torch.sqrt(1 - abar) * eps) / torch.sqrt(abar)
    # the posterior mean of q(x_{t-1} | x_t, x0) at x0 = x0_hat: the same mean as the eps form
    mean = torch.sqrt(abar_prev) * beta / (1 - abar) * x0_hat + torch.sqrt(alpha) * (1 - abar_prev) / (1 - abar) * x_t
    if t > 0:
        return mean + torch.sqrt(schedule.posterior_variance[t]) * noise
    return mean


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    for t in sorted(range(schedule.num_steps), reverse=True):
        eps = eps_fn(x, t)
        z = torch.zeros(shape, device=device) if t == 0 else torch.randn(shape, generator=generator, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step is not None:
            on_step(t, x)
    return x
'''

_DDIM_PAIRWISE = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return sorted(range(0, num_steps * k, k), reverse=True)


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a_t = alpha_bars[t].to(x_t.dtype)
    a_prev = alpha_bars[t_prev].to(x_t.dtype) if t_prev != -1 else torch.ones((), dtype=x_t.dtype)
    x0_hat = (x_t - torch.sqrt(1 - a_t) * eps) / torch.sqrt(a_t)
    direction = torch.sqrt(1 - a_prev) * eps               # back to level t' along the predicted noise
    return (torch.sqrt(a_prev) * x0_hat + direction).to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    import itertools

    x = torch.randn(shape, generator=generator, device=device)
    for t, t_prev in itertools.pairwise(ddim_timesteps(alpha_bars.numel(), num_steps) + [-1]):
        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)
    return x
'''

_CFG_PAD = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = x.shape[0]
    labels = F.pad(y, (0, B), value=model.num_classes)      # y, then B "no label" entries
    steps = labels.new_full(labels.shape, t)
    out = model(torch.cat((x, x)), steps, labels)
    eps_c, eps_u = out[:B], out[B:]
    return scale * eps_c - (scale - 1) * eps_u
'''

CORRECT = {
    gid: [ROUND5.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_schedule", "addcmul over an arange in float64, numpy cosine, itertools.accumulate, F.pad then drop "
                         "the last (round 6)", _SCHED_NUMPY),
        ("ex2_forward", "flatten the trailing dims with reshape, float64 inside, reshape back (round 6)", _Q_FLAT64),
        ("ex3_time_embedding", "1 / P^(i/h) by Tensor.pow, stack on dim 1 then flatten (round 6)", _EMB_POW_STACK),
        ("ex4_resblock", "F.linear and F.conv2d with the layers' own parameters (round 6)", _RES_PARAMS),
        ("ex5_loss", "Tensor.where with a scalar, reduction='none' then mean (round 6)", _LOSS_WHERE),
        ("ex6_ddpm", "posterior-mean form through x0_hat, sorted(range, reverse=True) (round 6)", _DDPM_POSTERIOR),
        ("ex7_ddim", "sorted range, x0_hat plus a direction term, itertools.pairwise (round 6)", _DDIM_PAIRWISE),
        ("ex8_guidance", "labels by F.pad, new_full steps, slices, w c - (w - 1) u (round 6)", _CFG_PAD),
    )
}

_RES_SHIFT_ADD = "        h = h + self.emb_proj(emb)[:, :, None, None]\n"

MUTANTS = {
    "ex1_schedule": [
        ("linear betas by torch.arange(start, end, step) with step (end - start) / (T - 1): the end is excluded "
         "(or rounding keeps it)",
         replace_once(_SCHED, "    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)\n",
              "    step = (beta_end - beta_start) / (num_steps - 1)\n"
              "    return torch.arange(beta_start, beta_end, step, dtype=torch.float32)\n")),
        ("max_beta clip put on the ratio f(t + 1) / f(t) instead of on beta: 1 - min(ratio, max_beta)",
         replace_once(_SCHED, "(1.0 - f[1:] / f[:-1]).clamp(max=max_beta)", "1.0 - (f[1:] / f[:-1]).clamp(max=max_beta)")),
        ("max_beta argument ignored: the clip hard-codes 0.999",
         replace_once(_SCHED, ".clamp(max=max_beta)", ".clamp(max=0.999)")),
        ("alpha_bars_prev sliced at the wrong end: [1, alpha_bars[1:]] (prev_t = alpha_bar_t for t >= 1)",
         replace_once(_SCHED, "torch.cat([alpha_bars.new_ones(1), alpha_bars[:-1]])",
              "torch.cat([alpha_bars.new_ones(1), alpha_bars[1:]])")),
    ],
    "ex2_forward": [
        ("x0.dim() ones instead of x0.dim() - 1: coefficients (B, 1, ..., 1) one rank too high, the result "
         "broadcasts to (B, B, ...)",
         replace_once(_Q, "*([1] * (x0.dim() - 1))", "*([1] * x0.dim())")),
        ("only the signal coefficient reshaped: sqrt(1 - alpha_bar) stays (B,) and broadcasts over the last axis",
         replace_once(_Q, "    abar = abar.view(x0.shape[0], *([1] * (x0.dim() - 1)))\n"
                  "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
              "    signal = abar.sqrt().view(x0.shape[0], *([1] * (x0.dim() - 1)))\n"
              "    spread = (1.0 - abar).sqrt()\n"
              "    return (signal * x0 + spread * noise).to(x0.dtype)\n")),
        ("x0.view(B, -1): fails on a non-contiguous x0 (a transposed batch, a channels-last one)",
         '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    B = x0.shape[0]
    abar = schedule.alpha_bars.to(x0.device)[t].view(B, 1)
    x_t = abar.sqrt() * x0.view(B, -1) + (1.0 - abar).sqrt() * noise.view(B, -1)
    return x_t.view(x0.shape).to(x0.dtype)
'''),
        ("alpha_bars[t + 1] ('composing t + 1 steps' read as one index later; t = T - 1 is out of range)",
         replace_once(_Q, "schedule.alpha_bars.to(x0.device)[t]", "schedule.alpha_bars.to(x0.device)[t + 1]")),
    ],
    "ex3_time_embedding": [
        ("exp forgotten: the frequencies are the exponents -ln(P) i / h themselves",
         replace_once(_EMB, "freqs = torch.exp(-math.log(max_period) * i / half)", "freqs = -math.log(max_period) * i / half")),
        ("output buffer from t.new_zeros without a dtype: integer steps give an int64, truncated embedding",
         replace_once(_EMB, "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
              "    out = t.new_zeros(len(t), dim)\n"
              "    out[:, :half] = angles.sin()\n"
              "    out[:, half:] = angles.cos()\n"
              "    return out\n")),
        ("frequencies listed slowest first (i counted down from h - 1 to 0)",
         replace_once(_EMB, "torch.arange(half, device=t.device, dtype=torch.float32)",
              "torch.arange(half - 1, -1, -1, device=t.device, dtype=torch.float32)")),
        ("cosines from the sines as sqrt(1 - sin^2): the sign of cos is lost",
         replace_once(_EMB, "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
              "    sines = angles.sin()\n"
              "    return torch.cat([sines, (1 - sines ** 2).sqrt()], dim=1)\n")),
    ],
    "ex4_resblock": [
        ("ResNet habit: a final SiLU after the residual sum (SiLU(h + skip(x)))",
         replace_once(_RES, "        return h + self.skip(x)\n", "        return F.silu(h + self.skip(x))\n")),
        ("variable slip: conv1 gets x, so norm1 and the first SiLU are computed and thrown away",
         replace_once(_RES, "        h = self.conv1(h)\n", "        h = self.conv1(x)\n")),
        ("skip applied to h instead of x (skip(h): doubles h, or a channel mismatch when the count changes)",
         replace_once(_RES, "        return h + self.skip(x)\n", "        return h + self.skip(h)\n")),
        ("conditioning shift added before conv1 (to SiLU(norm1(x))) instead of after it",
         replace_once(replace_once(_RES, _RES_SHIFT_ADD, ""), "        h = self.conv1(h)\n",
              "        h = self.conv1(h + self.emb_proj(emb)[:, :, None, None])\n")),
    ],
    "ex5_loss": [
        ("t drawn with randint(0, T + 1) ('high' taken as inclusive): t = T can come up and other steps are drawn",
         replace_once(_LOSS, "torch.randint(0, T, (B,)", "torch.randint(0, T + 1, (B,)")),
        ("'hide with probability p' written as rand > 1 - p_uncond: the same rate, other examples hidden",
         replace_once(_LOSS, "torch.rand(B, generator=generator, device=x0.device) < p_uncond",
              "torch.rand(B, generator=generator, device=x0.device) > 1 - p_uncond")),
        ("noise drawn with Fashion-MNIST's shape hard-coded: torch.randn((B, 1, 28, 28), ...)",
         replace_once(_LOSS, "torch.randn(x0.shape, generator=generator, device=x0.device)",
              "torch.randn((B, 1, 28, 28), generator=generator, device=x0.device)")),
        ("generator None replaced by a seed-0 generator: every training batch gets the same t, noise and drops",
         replace_once(_LOSS, "    B, T = x0.shape[0], schedule.num_steps\n",
              "    B, T = x0.shape[0], schedule.num_steps\n"
              "    if generator is None:                       # reproducible by default\n"
              "        generator = torch.Generator(device=x0.device).manual_seed(0)\n")),
    ],
    "ex6_ddpm": [
        ("x0_hat clipped to [-1, 1] in the posterior-mean form (diffusers' clip_sample habit)",
         replace_once(_DDPM_POSTERIOR, "x0_hat = (x_t - torch.sqrt(1 - abar) * eps) / torch.sqrt(abar)",
              "x0_hat = ((x_t - torch.sqrt(1 - abar) * eps) / torch.sqrt(abar)).clamp(-1.0, 1.0)")),
        ("1 / sqrt(alpha_t) distributed over x_t only: the eps term is not divided by sqrt(alpha_t)",
         replace_once(_DDPM, "mean = (x_t - beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps) "
                     "/ torch.sqrt(schedule.alphas[t])",
              "mean = x_t / torch.sqrt(schedule.alphas[t]) "
              "- beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps")),
        ("eps coefficient sqrt(1 - alpha_bar_t) (q_sample's) instead of beta_t / sqrt(1 - alpha_bar_t)",
         replace_once(_DDPM, "(x_t - beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps)",
              "(x_t - torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps)")),
        ("the loop calls ddpm_step(x, t, eps, ...): x and eps swapped (the signature starts with eps)",
         replace_once(_DDPM, "x = ddpm_step(eps, t, x, schedule, z)", "x = ddpm_step(x, t, eps, schedule, z)")),
    ],
    "ex7_ddim": [
        ("eps_fn asked at the target step: eps_fn(x, t_prev) (-1 at the final jump)",
         replace_once(_DDIM, "ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)",
              "ddim_step(eps_fn(x, t_prev), t, t_prev, x, alpha_bars)")),
        ("one-line jump with an algebra slip: eps coefficient sqrt(1 - a') - sqrt(1 - a) (sqrt(a' / a) lost)",
         replace_once(_DDIM, "    x0_hat = (x_t - (1 - a_t).sqrt() * eps) / a_t.sqrt()\n"
                     "    return (a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps).to(x_t.dtype)\n",
              "    ratio = (a_prev / a_t).sqrt()\n"
              "    return (ratio * x_t + ((1 - a_prev).sqrt() - (1 - a_t).sqrt()) * eps).to(x_t.dtype)\n")),
        ("final-jump test by truthiness (`if t_prev`): step 0 is taken as clean and -1 reads alpha_bars[-1]",
         replace_once(_DDIM, "if t_prev >= 0 else", "if t_prev else")),
        ("t_prev taken from the previous list element (steps[i - 1]): the first jump goes straight to -1",
         replace_once(_DDIM, "t_prev = steps[i + 1] if i + 1 < len(steps) else -1", "t_prev = steps[i - 1] if i > 0 else -1")),
    ],
    "ex8_guidance": [
        ("step tensor made without device=x.device: on the CPU whatever the device of x",
         replace_once(_CFG, "torch.full((2 * B,), t, dtype=torch.long, device=x.device)",
              "torch.full((2 * B,), t, dtype=torch.long)")),
        ("the base term left out: returns w (eps_c - eps_u) instead of eps_u + w (eps_c - eps_u)",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n", "    return scale * (eps_c - eps_u)\n")),
        ("halves read as interleaved rows (out[0::2], out[1::2]) from a concatenated batch",
         replace_once(_CFG, "eps_c, eps_u = out.chunk(2, dim=0)", "eps_c, eps_u = out[0::2], out[1::2]")),
        ("output unpacked from out.view(2, B, -1): the guided eps comes back flattened to (B, C H W)",
         replace_once(_CFG, "eps_c, eps_u = out.chunk(2, dim=0)", "eps_c, eps_u = out.view(2, B, -1)")),
    ],
}
