"""Blind round 9, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-8 holds.
Right answers: CORRECT[gid][0] is round 8's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND8 = earlier_round(8, __file__)


_SCHED, _Q, _EMB, _RES, _RES_INIT = ROUND8._SCHED, ROUND8._Q, ROUND8._EMB, ROUND8._RES, ROUND8._RES_INIT
_LOSS, _DDPM, _DDIM, _CFG = ROUND8._LOSS, ROUND8._DDPM, ROUND8._DDIM, ROUND8._CFG

# ----------------------------------------------------------------------------- round 9's own right answers
_SCHED_PROD = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    unit = torch.linspace(0.0, 1.0, num_steps, dtype=torch.float64)      # 0 .. 1, evenly spaced
    return unit.mul(beta_end - beta_start).add(beta_start).to(torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    u = torch.arange(num_steps + 1, dtype=torch.float64)
    f = torch.cos(torch.pi / 2 * (u / num_steps + s) / (1 + s)).pow(2)
    ratio = f.narrow(0, 1, num_steps) / f.narrow(0, 0, num_steps)
    return torch.clamp_max(1.0 - ratio, max_beta).to(torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1.0 - betas
    alpha_bars = torch.stack([alphas[: t + 1].prod() for t in range(len(alphas))])
    alpha_bars_prev = torch.cat((torch.ones(1, dtype=alphas.dtype, device=alphas.device), alpha_bars))[:-1]
    posterior_variance = betas.mul(1.0 - alpha_bars_prev).div(1.0 - alpha_bars)
    return Schedule(betas, alphas, alpha_bars, alpha_bars_prev, posterior_variance)
'''

_Q_GATHER = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = schedule.alpha_bars.to(x0.device).gather(0, t.to(x0.device).long())
    index = (slice(None),) + (None,) * (x0.dim() - 1)                   # (B,) -> (B, 1, ..., 1)
    signal, spread = torch.sqrt(abar)[index], torch.sqrt(1.0 - abar)[index]
    return torch.mul(signal, x0).add(torch.mul(spread, noise)).type(x0.dtype)
'''

_EMB_EXP2 = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    h = dim // 2
    freqs = torch.exp2(-math.log2(max_period) * torch.arange(h, device=t.device, dtype=torch.float32) / h)
    angles = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.column_stack((torch.sin(angles), torch.cos(angles)))
'''

_RES_STAGES = _RES_INIT + '''        h = x
        for stage in (self.norm1, F.silu, self.conv1):
            h = stage(h)
        shift = self.emb_proj(emb)
        h = h + shift.view(*shift.shape, 1, 1)
        for stage in (self.norm2, F.silu, self.conv2):
            h = stage(h)
        return torch.add(self.skip(x), h)
'''

_LOSS_GATHER = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B, T = len(x0), schedule.num_steps
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label
    choices = torch.stack((y, torch.full_like(y, model.num_classes)))   # row 0: the label, row 1: "no label"
    y_in = choices.gather(0, drop.long().unsqueeze(0)).squeeze(0)
    prediction = model(q_sample(x0, t, noise, schedule), t, y_in)
    return nn.functional.mse_loss(noise, prediction)
'''

_DDPM_TABLES = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    eps_coef = (schedule.betas / (1.0 - schedule.alpha_bars).sqrt())[t]
    inv_root_alpha = schedule.alphas.rsqrt()[t]
    sigma = schedule.posterior_variance.sqrt()[t] * (1.0 if t > 0 else 0.0)
    return inv_root_alpha * (x_t - eps_coef * eps) + sigma * noise


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    for t in torch.arange(schedule.num_steps).flip(0).tolist():
        eps = eps_fn(x, t)
        z = (torch.randn(shape, generator=generator, device=device) if t
             else torch.zeros(shape, device=device))
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step:
            on_step(t, x)
    return x
'''

_DDIM_REDUCE = '''
import functools


def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return list(reversed(range(0, num_steps * k, k)))


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a_t = alpha_bars[t].to(x_t.dtype)
    a_prev = alpha_bars[t_prev].to(x_t.dtype) if t_prev != -1 else torch.ones((), dtype=x_t.dtype,
                                                                                device=alpha_bars.device)
    x0_hat = (x_t - torch.sqrt(1 - a_t) * eps) / torch.sqrt(a_t)
    return torch.sqrt(a_prev) * x0_hat + torch.sqrt(1 - a_prev) * eps


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(alpha_bars.shape[0], num_steps)
    jumps = list(zip(steps, steps[1:] + [-1]))
    x = torch.randn(shape, generator=generator, device=device)
    return functools.reduce(lambda x, jump: ddim_step(eps_fn(x, jump[0]), jump[0], jump[1], x, alpha_bars),
                            jumps, x)
'''

_CFG_ADDCMUL = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = len(x)
    labels = torch.cat((y.new_zeros(B) + model.num_classes, y))          # unconditional half first
    steps = torch.empty(2 * B, dtype=torch.long, device=x.device).fill_(t)
    out = model(torch.cat((x, x)), steps, labels)
    eps_u, eps_c = out.narrow(0, 0, B), out.narrow(0, B, B)
    return torch.addcmul(eps_u, torch.full_like(eps_u, scale), eps_c - eps_u)
'''

CORRECT = {
    gid: [ROUND8.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_schedule", "unit linspace scaled by mul/add in float64, cosine by narrow and clamp_max, alpha_bars "
                         "as a stack of prefix products, prev by cat then drop the last, positional Schedule "
                         "(round 9)", _SCHED_PROD),
        ("ex2_forward", "gather, None-indexing built from a tuple, torch.mul / add, .type(x0.dtype) (round 9)",
         _Q_GATHER),
        ("ex3_time_embedding", "base-2 form exp2(-log2(P) i / h), [:, None] outer product, column_stack (round 9)",
         _EMB_EXP2),
        ("ex4_resblock", "a loop over (norm, SiLU, conv) stages, shift by view(*shape, 1, 1), torch.add (round 9)",
         _RES_STAGES),
        ("ex5_loss", "labels picked by gather from a stacked (label, no label) pair, mse_loss(noise, prediction) "
                     "(round 9)", _LOSS_GATHER),
        ("ex6_ddpm", "coefficient tables indexed at t, sigma times (t > 0), arange().flip().tolist() loop "
                     "(round 9)", _DDPM_TABLES),
        ("ex7_ddim", "reversed(range(0, n k, k)) timesteps, coefficients cast to x_t's dtype, functools.reduce "
                     "over the jumps (round 9)", _DDIM_REDUCE),
        ("ex8_guidance", "unconditional half first by new_zeros + num_classes, empty().fill_ steps, narrow, "
                         "torch.addcmul (round 9)", _CFG_ADDCMUL),
    )
}

MUTANTS = {
    "ex1_schedule": [
        ("cosine bracket slip: the offset s added to u before dividing by T, (u + s) / T / (1 + s), instead of "
         "(u / T + s) / (1 + s)",
         replace_once(_SCHED, "(steps / num_steps + s) / (1 + s)", "(steps + s) / num_steps / (1 + s)")),
        ("alpha_bars_prev built by slice assignment on alpha_bars itself (no clone): alpha_bars is shifted "
         "along with it",
         replace_once(_SCHED, "    alpha_bars_prev = torch.cat([alpha_bars.new_ones(1), alpha_bars[:-1]])\n",
              "    alpha_bars_prev = alpha_bars\n"
              "    alpha_bars_prev[1:] = alpha_bars[:-1].clone()\n"
              "    alpha_bars_prev[0] = 1.0\n")),
        ("cosine_betas' max_beta default 0.99 (a 9 too few): the last betas are clipped lower",
         replace_once(_SCHED, "max_beta: float = 0.999", "max_beta: float = 0.99")),
        ("alpha_bars as the product over s < t (exclusive: alpha_bar_0 = 1), prev shifted once more",
         replace_once(_SCHED, "    alpha_bars = torch.cumprod(alphas, dim=0)\n",
              "    alpha_bars = torch.cat([alphas.new_ones(1), torch.cumprod(alphas, dim=0)[:-1]])\n")),
    ],
    "ex2_forward": [
        ("square roots cached on the first call in a module-level dict 'for speed': later calls with another "
         "schedule reuse the first schedule's coefficients",
         '''
_ROOTS = {}


def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    if not _ROOTS:
        _ROOTS["signal"] = schedule.alpha_bars.sqrt()
        _ROOTS["noise"] = (1.0 - schedule.alpha_bars).sqrt()
    shape = (x0.shape[0],) + (1,) * (x0.dim() - 1)
    a = _ROOTS["signal"].to(x0.device)[t].view(shape)
    b = _ROOTS["noise"].to(x0.device)[t].view(shape)
    return (a * x0 + b * noise).to(x0.dtype)
'''),
        ("result cast with .type_as(noise): a float64 x0 with float32 noise comes back float32",
         replace_once(_Q, "(1.0 - abar).sqrt() * noise).to(x0.dtype)", "(1.0 - abar).sqrt() * noise).type_as(noise)")),
        ("noise std from schedule.posterior_variance[t] (the field named 'variance') instead of 1 - alpha_bar_t",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
              "    var = schedule.posterior_variance.to(x0.device)[t].view(abar.shape)\n"
              "    return (abar.sqrt() * x0 + var.sqrt() * noise).to(x0.dtype)\n")),
        ("'total variance stays 1' derived with the signal scaled by alpha_bar_t itself: alpha_bar x0 + "
         "sqrt(1 - alpha_bar^2) noise",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
              "    return (abar * x0 + (1.0 - abar ** 2).sqrt() * noise).to(x0.dtype)\n")),
    ],
    "ex3_time_embedding": [
        ("minus sign pulled out of the exp: omega_i = -exp(-ln(P) i / h), so every sine changes sign",
         replace_once(_EMB, "torch.exp(-math.log(max_period) * i / half)", "-torch.exp(math.log(max_period) * -i / half)")),
        ("frequencies cast to t's dtype ('match the input'): integer steps truncate every frequency below 1 to 0",
         replace_once(_EMB, "    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)\n",
              "    angles = (t.unsqueeze(1) * freqs.to(t.dtype).unsqueeze(0)).float()\n")),
        ("ln read as log base 2 (math.log2(max_period)): the frequencies decay too fast",
         replace_once(_EMB, "torch.exp(-math.log(max_period) * i / half)", "torch.exp(-math.log2(max_period) * i / half)")),
        ("floor-division typo: -ln(P) * i // h floors the exponent (steps of whole e-folds)",
         replace_once(_EMB, "torch.exp(-math.log(max_period) * i / half)", "torch.exp(-math.log(max_period) * i // half)")),
    ],
    "ex4_resblock": [
        ("GELU instead of SiLU in both branches",
         replace_once(replace_once(_RES, "        h = self.norm1(x)\n        h = F.silu(h)\n",
                                   "        h = self.norm1(x)\n        h = F.gelu(h)\n"),
                      "        h = self.norm2(h)\n        h = F.silu(h)\n", "        h = self.norm2(h)\n        h = F.gelu(h)\n")),
        ("UNet-style skip: torch.cat([h, skip(x)], dim=1) instead of the sum (2 out_channels come back)",
         replace_once(_RES, "        return h + self.skip(x)\n", "        return torch.cat([h, self.skip(x)], dim=1)\n")),
        ("'else nothing to do' read as no residual: skip(x) added only when the channel count changes",
         replace_once(_RES, "        return h + self.skip(x)\n",
              "        if x.shape[1] != h.shape[1]:\n            h = h + self.skip(x)\n        return h\n")),
        ("shift broadcast with .expand_as(h) on the (B, C) projection: aligns from the right and raises",
         replace_once(_RES, "h = h + self.emb_proj(emb)[:, :, None, None]", "h = h + self.emb_proj(emb).expand_as(h)")),
    ],
    "ex5_loss": [
        ("B read from the notebook's global cfg.batch_size instead of the batch given (x0.shape[0])",
         replace_once(_LOSS, "B, T = x0.shape[0], schedule.num_steps", "B, T = cfg.batch_size, schedule.num_steps")),
        ("loss.backward() called inside diffusion_loss: the caller's gradients are filled (and a second "
         "backward fails)",
         replace_once(_LOSS, "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
              "    loss = F.mse_loss(model(x_t, t, y_in), noise)\n    loss.backward()\n    return loss\n")),
        ("label dropout read as dropout: labels hidden only when model.training (an eval-mode model keeps them)",
         replace_once(_LOSS, "    y_in = torch.where(drop, torch.full_like(y, model.num_classes), y)\n",
              "    y_in = torch.where(drop & model.training, torch.full_like(y, model.num_classes), y)\n")),
        ("Huber loss (F.smooth_l1_loss, 'a robust MSE') instead of the mean squared error",
         replace_once(_LOSS, "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
              "    return F.smooth_l1_loss(model(x_t, t, y_in), noise)\n")),
    ],
    "ex6_ddpm": [
        ("x updated in place (x.copy_(step)): on_step gets the same tensor every time, so kept snapshots all "
         "become the final sample",
         replace_once(_DDPM, "        x = ddpm_step(eps, t, x, schedule, z)\n",
              "        x.copy_(ddpm_step(eps, t, x, schedule, z))\n")),
        ("loop counter for the model: for i in range(T) with t = T - 1 - i, but eps_fn(x, i) is called",
         replace_once(_DDPM, "    for t in reversed(range(schedule.num_steps)):\n        eps = eps_fn(x, t)\n",
              "    for i in range(schedule.num_steps):\n        t = schedule.num_steps - 1 - i\n"
              "        eps = eps_fn(x, i)\n")),
        ("outer brackets dropped: x_t - beta_t / sqrt(1 - alpha_bar_t) eps / sqrt(alpha_t) (x_t not divided)",
         replace_once(_DDPM, "    mean = (x_t - beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps) / "
                             "torch.sqrt(schedule.alphas[t])\n",
              "    mean = x_t - beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps / "
              "torch.sqrt(schedule.alphas[t])\n")),
        ("sigma_t z put inside the bracket: (x_t - c eps + sigma_t z) / sqrt(alpha_t), the noise divided too",
         replace_once(replace_once(_DDPM, "    beta_t = schedule.betas[t]\n",
                                   "    beta_t = schedule.betas[t]\n"
                                   "    sz = torch.sqrt(schedule.posterior_variance[t]) * noise if t > 0 else 0.0\n"),
                      "    mean = (x_t - beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps) / "
                      "torch.sqrt(schedule.alphas[t])\n"
                      "    if t == 0:\n        return mean\n"
                      "    return mean + torch.sqrt(schedule.posterior_variance[t]) * noise\n",
                      "    return (x_t - beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps + sz) / "
                      "torch.sqrt(schedule.alphas[t])\n")),
    ],
    "ex7_ddim": [
        ("T read from the notebook's global cfg.num_steps in ddim_sample instead of len(alpha_bars)",
         replace_once(_DDIM, "    steps = ddim_timesteps(len(alpha_bars), num_steps)\n",
              "    steps = ddim_timesteps(cfg.num_steps, num_steps)\n")),
        ("k = T / n (true division): the steps come out as floats (750.0, ...) that cannot index alpha_bars",
         replace_once(_DDIM, "    k = num_train_steps // num_steps\n", "    k = num_train_steps / num_steps\n")),
        ("signal coefficient from the current level: sqrt(alpha_bar_t) x0_hat + sqrt(1 - alpha_bar_t') eps",
         replace_once(_DDIM, "(a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps)",
              "(a_t.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps)")),
        ("final-jump level as the Python float 1.0, then torch.sqrt(1 - a_prev): a TypeError at t' = -1",
         replace_once(replace_once(_DDIM, "else torch.ones_like(a_t)", "else 1.0"),
                      "(a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps)",
                      "(torch.sqrt(a_prev) * x0_hat + torch.sqrt(1 - a_prev) * eps)")),
    ],
    "ex8_guidance": [
        ("x doubled with torch.tile(x, (2,)) (numpy habit): tile pads the reps on the left, so the last "
         "axis is doubled, not the batch",
         replace_once(_CFG, "torch.cat([x, x], dim=0)", "torch.tile(x, (2,))")),
        ("'no label' hard-coded as len(CLASSES) (Fashion-MNIST's 10) instead of model.num_classes",
         replace_once(_CFG, "torch.full_like(y, model.num_classes)", "torch.full_like(y, len(CLASSES))")),
        ("model output .squeeze()'d before the split: a one-channel eps loses its channel axis",
         replace_once(_CFG, "    eps_c, eps_u = out.chunk(2, dim=0)\n", "    eps_c, eps_u = out.squeeze().chunk(2, dim=0)\n")),
        ("per-example scale made with torch.full_like(y, scale): long like the labels, so 2.5 becomes 2",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n",
              "    w = torch.full_like(y, scale).view(-1, *([1] * (x.dim() - 1)))\n"
              "    return eps_u + w * (eps_c - eps_u)\n")),
    ],
}
