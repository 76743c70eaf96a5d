"""Blind round 7, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-6 holds.
Right answers: CORRECT[gid][0] is round 6's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND6 = earlier_round(6, __file__)


_SCHED, _Q, _EMB, _RES, _RES_INIT = ROUND6._SCHED, ROUND6._Q, ROUND6._EMB, ROUND6._RES, ROUND6._RES_INIT
_LOSS, _DDPM, _DDIM, _CFG = ROUND6._LOSS, ROUND6._DDPM, ROUND6._DDIM, ROUND6._CFG
_DDPM_POSTERIOR = ROUND6._DDPM_POSTERIOR

# ----------------------------------------------------------------------------- round 7's own right answers
_SCHED_LOGSPACE = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    if num_steps == 1:
        return torch.tensor([beta_start], dtype=torch.float32)
    gap = (beta_end - beta_start) / (num_steps - 1)
    return torch.tensor([beta_start + i * gap for i in range(num_steps)], dtype=torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    u = torch.linspace(0.0, 1.0, num_steps + 1, dtype=torch.float64)
    f = torch.cos((u + s) / (1 + s) * (math.pi / 2)).square()
    alpha_bar = f / f[0]                                        # alpha_bar_{t-1} for t = 0..T
    betas = torch.minimum(1.0 - alpha_bar[1:] / alpha_bar[:-1], torch.tensor(max_beta, dtype=torch.float64))
    return betas.to(torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1.0 - betas
    alpha_bars = torch.log(alphas.double()).cumsum(0).exp().to(betas.dtype)   # a product as a sum of logs
    alpha_bars_prev = alpha_bars.roll(1).clone()
    alpha_bars_prev[0] = 1.0
    posterior_variance = (1.0 - alpha_bars_prev) / (1.0 - alpha_bars) * betas
    return Schedule(alphas=alphas, betas=betas, posterior_variance=posterior_variance, alpha_bars=alpha_bars,
                    alpha_bars_prev=alpha_bars_prev)
'''

_Q_EINSUM = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = schedule.alpha_bars.to(device=x0.device, dtype=torch.float64).index_select(0, t.long())
    signal = torch.einsum("b,b...->b...", abar.sqrt(), x0.double())
    spread = torch.einsum("b,b...->b...", (1.0 - abar).sqrt(), noise.double())
    return (signal + spread).to(x0.dtype)
'''

_EMB_POLAR = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    freqs = torch.logspace(0.0, -(half - 1) / half, half, base=max_period, device=t.device)   # P^(-i/h)
    angles = torch.einsum("b,h->bh", t.to(torch.float32), freqs)
    unit = torch.polar(torch.ones_like(angles), angles)          # cos + i sin
    return torch.cat([unit.imag, unit.real], dim=-1)
'''

_RES_SEQUENTIAL = _RES_INIT + '''        first = nn.Sequential(self.norm1, nn.SiLU(), self.conv1)
        second = nn.Sequential(self.norm2, nn.SiLU(), self.conv2)
        shift = self.emb_proj(emb).unflatten(1, (-1, 1, 1))        # (B, C) -> (B, C, 1, 1)
        return second(first(x) + shift) + self.skip(x)
'''

_LOSS_ARITH = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B, T = x0.size(0), len(schedule.betas)
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond
    keep = (~drop).long()
    labels = y * keep + model.num_classes * (1 - keep)              # a new tensor; y untouched
    error = model(q_sample(x0, t, noise, schedule), t, labels) - noise
    return error.pow(2).mean()
'''

_DDPM_FLOATS = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    alpha, beta = float(schedule.alphas[t]), float(schedule.betas[t])
    coef = beta / math.sqrt(1.0 - float(schedule.alpha_bars[t]))
    mean = torch.add(x_t, eps, alpha=-coef) / math.sqrt(alpha)
    if t == 0:
        return mean
    return torch.add(mean, noise, alpha=math.sqrt(float(schedule.posterior_variance[t])))


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    for t in range(schedule.num_steps - 1, -1, -1):
        eps = eps_fn(x, t)
        z = torch.randn(shape, generator=generator, device=device) if t > 0 else torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step is not None:
            on_step(t, x)
    return x
'''

_DDIM_F64 = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return torch.arange(num_steps - 1, -1, -1).mul(k).tolist()


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a_t = alpha_bars[t].double()
    a_prev = alpha_bars[t_prev].double() if t_prev >= 0 else torch.ones((), dtype=torch.float64)
    x0_hat = (x_t.double() - torch.sqrt(1 - a_t) * eps.double()) * torch.rsqrt(a_t)
    return torch.addcmul(torch.sqrt(a_prev) * x0_hat, torch.sqrt(1 - a_prev), eps.double()).to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(alpha_bars.shape[0], num_steps) + [-1]
    x = torch.randn(shape, generator=generator, device=device)
    for i in range(len(steps) - 1):
        x = ddim_step(eps_fn(x, steps[i]), steps[i], steps[i + 1], x, alpha_bars)
    return x
'''

_CFG_LERP = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = len(x)
    batch = x.repeat(2, *([1] * (x.dim() - 1)))
    labels = torch.cat([y, y.new_full((B,), model.num_classes)])
    steps = labels.new_full((2 * B,), t)                     # long, on the labels' device
    eps_c, eps_u = model(batch, steps, labels).unflatten(0, (2, B)).unbind(0)
    return torch.lerp(eps_u, eps_c, scale)                   # eps_u + w (eps_c - eps_u)
'''

CORRECT = {
    gid: [ROUND6.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_schedule", "list comprehension, float64 cosine through alpha_bar ratios and torch.minimum, cumprod "
                         "as exp(cumsum(log)), roll then set [0], keyword Schedule (round 7)", _SCHED_LOGSPACE),
        ("ex2_forward", "index_select in float64, einsum 'b,b...->b...' (round 7)", _Q_EINSUM),
        ("ex3_time_embedding", "torch.logspace frequencies, einsum outer product, torch.polar for cos + i sin "
                               "(round 7)", _EMB_POLAR),
        ("ex4_resblock", "nn.Sequential of the block's own layers, unflatten for the shift (round 7)",
         _RES_SEQUENTIAL),
        ("ex5_loss", "labels by integer arithmetic on the keep mask, pow(2).mean() (round 7)", _LOSS_ARITH),
        ("ex6_ddpm", "Python float coefficients, torch.add(alpha=...), range(T - 1, -1, -1) (round 7)",
         _DDPM_FLOATS),
        ("ex7_ddim", "arange().mul(k).tolist(), float64 inside with rsqrt and addcmul, index loop (round 7)",
         _DDIM_F64),
        ("ex8_guidance", "x.repeat, new_full labels and steps, unflatten/unbind, torch.lerp (round 7)", _CFG_LERP),
    )
}

MUTANTS = {
    "ex1_schedule": [
        ("improved-DDPM habit: linear betas rescaled by 1000 / T (beta_start and beta_end times 1000 / num_steps)",
         replace_once(_SCHED, "    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)\n",
              "    scale = 1000 / num_steps                        # the same schedule shape for any T\n"
              "    return torch.linspace(scale * beta_start, scale * beta_end, num_steps, dtype=torch.float32)\n")),
        ("posterior variance computed in place on betas ('reuse the buffer'): the caller's betas and the "
         "schedule's betas become the posterior variance",
         replace_once(_SCHED, "    posterior_variance = betas * (1.0 - alpha_bars_prev) / (1.0 - alpha_bars)\n",
              "    posterior_variance = betas\n"
              "    posterior_variance *= (1.0 - alpha_bars_prev) / (1.0 - alpha_bars)\n")),
        ("cosine offset argument s ignored: 0.008 hard-coded in f",
         replace_once(_SCHED, "(steps / num_steps + s) / (1 + s)", "(steps / num_steps + 0.008) / (1 + 0.008)")),
        ("alpha_bars_prev padded by repeating alpha_bar_0 (edge padding) instead of 1: posterior_variance[0] = beta_0",
         replace_once(_SCHED, "torch.cat([alpha_bars.new_ones(1), alpha_bars[:-1]])",
              "torch.cat([alpha_bars[:1], alpha_bars[:-1]])")),
    ],
    "ex2_forward": [
        ("no cast back to x0's dtype: a float16 / bfloat16 x0 comes back float32 (promoted by the coefficients)",
         replace_once(_Q, "(abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)",
              "abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise")),
        ("'by the last step nothing is left' taken literally: x_t = noise exactly at t = T - 1",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
              "    x_t = (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n"
              "    last = (t == schedule.num_steps - 1).view(abar.shape)\n"
              "    return torch.where(last, noise.to(x0.dtype), x_t)\n")),
        ("square roots written as ** 1/2: precedence makes them abar / 2 and (1 - abar) / 2",
         replace_once(_Q, "(abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise)",
              "(abar ** 1/2 * x0 + (1.0 - abar) ** 1/2 * noise)")),
        ("x0.flatten(1) with (B, 1) coefficients: a batch with no trailing dimension, shape (B,), raises",
         '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = schedule.alpha_bars.to(x0.device)[t][:, None]                    # (B, 1)
    x_t = abar.sqrt() * x0.flatten(1) + (1.0 - abar).sqrt() * noise.flatten(1)
    return x_t.view(x0.shape).to(x0.dtype)
'''),
    ],
    "ex3_time_embedding": [
        ("the log left out of the frequencies: exp(-P i / h) instead of exp(-ln(P) i / h)",
         replace_once(_EMB, "torch.exp(-math.log(max_period) * i / half)", "torch.exp(-max_period * i / half)")),
        ("result written into a torch.zeros(B, dim) buffer made without device=: on the CPU whatever t.device",
         replace_once(_EMB, "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
              "    out = torch.zeros(len(t), dim)\n"
              "    out[:, :half] = angles.sin()\n"
              "    out[:, half:] = angles.cos()\n"
              "    return out\n")),
        ("outer product as t[:, None] @ freqs[None] without casting t: integer (and float64) steps raise",
         replace_once(_EMB, "angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)",
              "angles = t.unsqueeze(1) @ freqs.unsqueeze(0)")),
        ("angles built (h, B), halves cat on dim 0, then reshape(B, dim) instead of a transpose: rows scrambled",
         replace_once(_EMB, "    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)\n"
                     "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
              "    angles = freqs.unsqueeze(1) * t.float().unsqueeze(0)              # (h, B)\n"
              "    return torch.cat([angles.sin(), angles.cos()], dim=0).reshape(len(t), dim)\n")),
    ],
    "ex4_resblock": [
        ("norms redone with F.group_norm and 8 groups hard-coded: the block's groups argument is ignored",
         replace_once(replace_once(_RES, "        h = self.norm1(x)\n",
                           "        h = F.group_norm(x, 8, self.norm1.weight, self.norm1.bias)\n"),
              "        h = self.norm2(h)\n", "        h = F.group_norm(h, 8, self.norm2.weight, self.norm2.bias)\n")),
        ("conv2 called functionally without padding=1: the maps shrink by 2 and the residual sum fails",
         replace_once(_RES, "        h = self.conv2(h)\n", "        h = F.conv2d(h, self.conv2.weight, self.conv2.bias)\n")),
        ("norm1 left out: the first branch is conv1(SiLU(x))",
         replace_once(_RES, "        h = self.norm1(x)\n        h = F.silu(h)\n", "        h = F.silu(x)\n")),
        ("guided-diffusion's scale-shift norm: the projection chunked into scale and shift applied after norm2 "
         "(half the channels each: the shapes do not match)",
         replace_once(_RES, "        h = h + self.emb_proj(emb)[:, :, None, None]\n        h = self.norm2(h)\n",
              "        scale, shift = self.emb_proj(emb)[:, :, None, None].chunk(2, dim=1)\n"
              "        h = self.norm2(h) * (1 + scale) + shift\n")),
    ],
    "ex5_loss": [
        ("x_t clamped to [-1, 1] (the data range) before the model sees it",
         replace_once(_LOSS, "    x_t = q_sample(x0, t, noise, schedule)\n",
              "    x_t = q_sample(x0, t, noise, schedule).clamp(-1.0, 1.0)\n")),
        ("the notebook's global cfg.p_uncond used instead of the p_uncond argument",
         replace_once(_LOSS, "device=x0.device) < p_uncond", "device=x0.device) < cfg.p_uncond")),
        ("'no label' hard-coded as len(CLASSES) (10, Fashion-MNIST's class count) instead of model.num_classes",
         replace_once(_LOSS, "torch.full_like(y, model.num_classes)", "torch.full_like(y, len(CLASSES))")),
        ("the model is told the paper's 1-based step t + 1 while x_t was noised to step t",
         replace_once(_LOSS, "model(x_t, t, y_in)", "model(x_t, t + 1, y_in)")),
    ],
    "ex6_ddpm": [
        ("loop range(T, -1, -1): starts one past the last step (t = T), T + 1 iterations",
         replace_once(_DDPM, "for t in reversed(range(schedule.num_steps)):", "for t in range(schedule.num_steps, -1, -1):")),
        ("the step's result kept as x_prev and x never updated: every step starts again from the initial noise",
         replace_once(_DDPM, "        x = ddpm_step(eps, t, x, schedule, z)\n"
                     "        if on_step is not None:\n            on_step(t, x)\n    return x\n",
              "        x_prev = ddpm_step(eps, t, x, schedule, z)\n"
              "        if on_step is not None:\n            on_step(t, x_prev)\n    return x_prev\n")),
        ("posterior-mean form with the square roots swapped between the coefficients (sqrt(alpha_t) on x0_hat, "
         "sqrt(alpha_bar_{t-1}) on x_t)",
         replace_once(_DDPM_POSTERIOR, "mean = torch.sqrt(abar_prev) * beta / (1 - abar) * x0_hat "
                                "+ torch.sqrt(alpha) * (1 - abar_prev) / (1 - abar) * x_t",
              "mean = torch.sqrt(alpha) * beta / (1 - abar) * x0_hat "
              "+ torch.sqrt(abar_prev) * (1 - abar_prev) / (1 - abar) * x_t")),
        ("z and the final zeros made without device=device: CPU noise whatever the sampling device",
         replace_once(replace_once(_DDPM, "z = torch.randn(shape, generator=generator, device=device)",
                           "z = torch.randn(shape, generator=generator)"),
              "z = torch.zeros(shape, device=device)", "z = torch.zeros(shape)")),
    ],
    "ex7_ddim": [
        ("x0_hat without brackets: x_t - sqrt(1 - a) eps / sqrt(a) (only the eps term divided)",
         replace_once(_DDIM, "    x0_hat = (x_t - (1 - a_t).sqrt() * eps) / a_t.sqrt()\n",
              "    x0_hat = x_t - (1 - a_t).sqrt() * eps / a_t.sqrt()\n")),
        ("the final sample clamped to [-1, 1] (the pixel range) before it is returned",
         replace_once(_DDIM, "        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)\n    return x\n",
              "        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)\n    return x.clamp(-1.0, 1.0)\n")),
        ("eps_fn given the step as a 0-d tensor (torch.tensor(t)) instead of an int",
         replace_once(_DDIM, "ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)",
              "ddim_step(eps_fn(x, torch.tensor(t)), t, t_prev, x, alpha_bars)")),
        ("k = round(T / n) instead of T // n: rounds up when the fraction is above one half",
         replace_once(_DDIM, "    k = num_train_steps // num_steps\n", "    k = round(num_train_steps / num_steps)\n")),
    ],
    "ex8_guidance": [
        ("'no label' entries made by torch.full((B,), num_classes) without a device: CPU labels whatever the device "
         "of y",
         replace_once(_CFG, "torch.full_like(y, model.num_classes)", "torch.full((B,), model.num_classes)")),
        ("a single 'no label' entry (torch.tensor([num_classes])) instead of B of them: B + 1 labels for 2B images",
         replace_once(_CFG, "torch.full_like(y, model.num_classes)", "torch.tensor([model.num_classes])")),
        ("copy-paste slip: (1 - w) eps_c + w eps_c, eps_u never used",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n", "    return (1 - scale) * eps_c + scale * eps_c\n")),
        ("labels interleaved (stack([y, null], 1).flatten()) while x is concatenated: rows get the wrong labels",
         replace_once(_CFG, "torch.cat([y, null], dim=0)", "torch.stack([y, null], dim=1).flatten()")),
    ],
}
