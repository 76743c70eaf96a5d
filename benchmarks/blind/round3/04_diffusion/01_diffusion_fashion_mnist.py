"""Blind round 3, lab 04 (diffusion): wrong answers written from the student notebook only (no hidden
checks seen), each a mistake that none of tests/mutants, round 1 or round 2 holds. Right answers: CORRECT[gid][0] and [2] are round 2's (the reference keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style (added at the end of the file).

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND2 = earlier_round(2, __file__)  # its right answers are this round's references, reused by name


# ----------------------------------------------------------------------------- ex1 schedules
_SCHED = ROUND2._SCHED

_SCHED_LOOP = ROUND2._SCHED_LOOP

# ----------------------------------------------------------------------------- ex2 forward noising
_Q = ROUND2._Q

_Q_F64 = ROUND2._Q_F64

# ----------------------------------------------------------------------------- ex3 time embedding
_EMB = ROUND2._EMB

_EMB_POW = ROUND2._EMB_POW

# ----------------------------------------------------------------------------- ex4 ResBlock
_RES_INIT = ROUND2._RES_INIT
_RES = _RES_INIT + '''        h = self.norm1(x)
        h = F.silu(h)
        h = self.conv1(h)
        h = h + self.emb_proj(emb)[:, :, None, None]
        h = self.norm2(h)
        h = F.silu(h)
        h = self.conv2(h)
        return h + self.skip(x)
'''
_RES_SEQ = _RES_INIT + '''        shift = self.emb_proj(emb).reshape(emb.shape[0], -1, 1, 1)
        branch = torch.add(self.conv1(nn.SiLU()(self.norm1(x))), shift)
        branch = self.conv2(nn.SiLU()(self.norm2(branch)))
        return torch.add(self.skip(x), branch)
'''

# ----------------------------------------------------------------------------- ex5 loss
_LOSS = ROUND2._LOSS

_LOSS_MASKED = ROUND2._LOSS_MASKED

# ----------------------------------------------------------------------------- ex6 DDPM
_DDPM = ROUND2._DDPM

_DDPM_RECIP = ROUND2._DDPM_RECIP

# ----------------------------------------------------------------------------- ex7 DDIM
_DDIM = ROUND2._DDIM

_DDIM_COEF = ROUND2._DDIM_COEF

# ----------------------------------------------------------------------------- ex8 guidance
_CFG = ROUND2._CFG

_CFG_SPLIT = ROUND2._CFG_SPLIT

CORRECT = {
    "ex1_schedule": [("linspace, vectorised float64 cosine, cumprod, cat", _SCHED),
                     ("interpolated linear in float64, a Python loop for the cosine, prev by slice assignment, "
                      "torch.where for t = 0", _SCHED_LOOP)],
    "ex2_forward": [("index, view to (B, 1, ..., 1)", _Q), ("gather and None-indexing in float64, addcmul", _Q_F64)],
    "ex3_time_embedding": [("exp frequencies, unsqueeze, cat", _EMB),
                           ("Transformer form 1 / P^(2i/dim), torch.outer, hstack", _EMB_POW)],
    "ex4_resblock": [("one operation per line", _RES), ("nn.SiLU modules, reshape, torch.add", _RES_SEQ)],
    "ex5_loss": [("torch.where, F.mse_loss", _LOSS), ("masked_fill, summed MSE over numel", _LOSS_MASKED)],
    "ex6_ddpm": [("tensor coefficients, reversed(range)", _DDPM),
                 ("rsqrt coefficients from 1 - alpha, while loop counting down", _DDPM_RECIP)],
    "ex7_ddim": [("x0_hat then re-noise", _DDIM), ("one-line jump with Python float coefficients, zip", _DDIM_COEF)],
    "ex8_guidance": [("cat, conditional half first, chunk", _CFG),
                     ("repeat, unconditional half first, tensor_split, (1 - w) u + w c", _CFG_SPLIT)],
}

_SAMPLE_ALL_Z = '''
@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    T = schedule.num_steps
    zs = torch.randn((T - 1, *shape), generator=generator, device=device)   # every z at once, z_t = zs[t - 1]
    for t in reversed(range(T)):
        eps = eps_fn(x, t)
        z = zs[t - 1] if t > 0 else torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step is not None:
            on_step(t, x)
    return x
'''

_RES_GROUPNORM_F = _RES_INIT + '''        h = F.group_norm(x, self.norm1.num_groups)
        h = F.silu(h)
        h = self.conv1(h)
        h = h + self.emb_proj(emb)[:, :, None, None]
        h = F.group_norm(h, self.norm2.num_groups)
        h = F.silu(h)
        h = self.conv2(h)
        return h + self.skip(x)
'''

MUTANTS = {
    "ex1_schedule": [
        ("cosine betas = 1 - alpha_bar_t (the cumulative signal, not the step ratio f(t+1) / f(t))",
         replace_once(_SCHED, "(1.0 - f[1:] / f[:-1])", "(1.0 - f[1:] / f[0])")),
        ("posterior variance with alpha_bars in the numerator instead of alpha_bars_prev (it equals beta_t)",
         replace_once(_SCHED, "betas * (1.0 - alpha_bars_prev) / (1.0 - alpha_bars)", "betas * (1.0 - alpha_bars) / (1.0 - alpha_bars)")),
        ("cosine f evaluated at T points (arange(T)): T - 1 betas",
         replace_once(_SCHED, "torch.arange(num_steps + 1, dtype=torch.float64)", "torch.arange(num_steps, dtype=torch.float64)")),
        ("'scaled linear' betas (linspace of the square roots, squared), as in Stable Diffusion",
         replace_once(_SCHED, "return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)",
              "return torch.linspace(beta_start ** 0.5, beta_end ** 0.5, num_steps, dtype=torch.float32) ** 2")),
    ],
    "ex2_forward": [
        ("returns .float(): a float64 x0 comes back float32",
         replace_once(_Q, ".to(x0.dtype)", ".float()")),
        ("rescales x0 to [-1, 1] again (2 x0 - 1) before noising",
         replace_once(_Q, "abar.sqrt() * x0 +", "abar.sqrt() * (2 * x0 - 1) +")),
        ("coefficients unsqueezed once ([:, None]): right for 2-D inputs only",
         replace_once(_Q, "abar = abar.view(x0.shape[0], *([1] * (x0.dim() - 1)))", "abar = abar[:, None]")),
        ("noise coefficient sqrt(beta_t) (the one-step variance) instead of sqrt(1 - alpha_bar_t)",
         replace_once(replace_once(_Q, "    abar = abar.view(x0.shape[0], *([1] * (x0.dim() - 1)))\n",
                   "    abar = abar.view(x0.shape[0], *([1] * (x0.dim() - 1)))\n"
                   "    beta = schedule.betas.to(x0.device)[t].view_as(abar)\n"),
              "(1.0 - abar).sqrt() * noise", "beta.sqrt() * noise")),
    ],
    "ex3_time_embedding": [
        ("outer product the wrong way round: returns (dim, B)",
         replace_once(_EMB, "    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)\n    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
              "    angles = freqs.unsqueeze(1) * t.float().unsqueeze(0)\n    return torch.cat([angles.sin(), angles.cos()], dim=0)\n")),
        ("copy-paste slip: sines in both halves",
         replace_once(_EMB, "[angles.sin(), angles.cos()]", "[angles.sin(), angles.sin()]")),
        ("steps shifted to 1-based (t + 1) so that step 0 is not all zeros",
         replace_once(_EMB, "t.float().unsqueeze(1)", "(t.float() + 1).unsqueeze(1)")),
        ("angle t / omega_i (omega read as a wavelength) instead of t * omega_i",
         replace_once(_EMB, "t.float().unsqueeze(1) * freqs.unsqueeze(0)", "t.float().unsqueeze(1) / freqs.unsqueeze(0)")),
    ],
    "ex4_resblock": [
        ("emb.detach() before the projection: no gradient reaches the time and class embeddings",
         replace_once(_RES, "self.emb_proj(emb)", "self.emb_proj(emb.detach())")),
        ("torch.sigmoid instead of SiLU (x * sigmoid(x))",
         replace_once(replace_once(_RES, "        h = F.silu(h)\n        h = self.conv1(h)", "        h = torch.sigmoid(h)\n        h = self.conv1(h)"),
              "        h = F.silu(h)\n        h = self.conv2(h)", "        h = torch.sigmoid(h)\n        h = self.conv2(h)")),
        ("skip(x) added inside the second branch, before norm2 (no residual around conv2)",
         replace_once(replace_once(_RES, "        h = self.norm2(h)\n", "        h = h + self.skip(x)\n        h = self.norm2(h)\n"),
              "        return h + self.skip(x)\n", "        return h\n")),
        ("F.group_norm without the layers' weight and bias (norm1/norm2 parameters never used)",
         _RES_GROUPNORM_F),
    ],
    "ex5_loss": [
        ("one noise image for the whole batch (randn(x0.shape[1:]), broadcast)",
         replace_once(_LOSS, "noise = torch.randn(x0.shape, generator=generator, device=x0.device)",
              "noise = torch.randn(x0.shape[1:], generator=generator, device=x0.device).expand_as(x0)")),
        ("the model gets the step normalised to [0, 1] (t / T)",
         replace_once(_LOSS, "model(x_t, t, y_in)", "model(x_t, t / T, y_in)")),
        ("regresses x_t - x0 (the whole change) instead of the noise",
         replace_once(_LOSS, "F.mse_loss(model(x_t, t, y_in), noise)", "F.mse_loss(model(x_t, t, y_in), x_t - x0)")),
        ("labels turned float by torch.where with a float fill (float(model.num_classes))",
         replace_once(_LOSS, "torch.where(drop, torch.full_like(y, model.num_classes), y)",
              "torch.where(drop, float(model.num_classes), y)")),
    ],
    "ex6_ddpm": [
        ("no noise at t = 1 either (if t > 1): the last two steps are deterministic",
         replace_once(_DDPM, "    if t == 0:\n        return mean\n", "    if t <= 1:\n        return mean\n")),
        ("eps_fn called with the step as a tensor (torch.tensor(t)), not an int",
         replace_once(_DDPM, "eps = eps_fn(x, t)", "eps = eps_fn(x, torch.tensor(t))")),
        ("draws every z in one randn call before the loop", replace_once(_DDPM, _DDPM[_DDPM.index("@torch.no_grad()"):],
                                                               _SAMPLE_ALL_Z.lstrip("\n"))),
        ("mean divided by sqrt(alpha_bar_t) instead of sqrt(alpha_t)",
         replace_once(_DDPM, "/ torch.sqrt(schedule.alphas[t])", "/ torch.sqrt(schedule.alpha_bars[t])")),
    ],
    "ex7_ddim": [
        ("timesteps start at T - k instead of (n - 1) k (wrong when n does not divide T)",
         replace_once(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
              "    return list(range(num_train_steps - k, -1, -k))\n")),
        ("final-jump test `t_prev > 0`: the jump to step 0 is treated as the clean one (alpha_bar = 1)",
         replace_once(_DDIM, "if t_prev >= 0 else", "if t_prev > 0 else")),
        ("ddim_step called with t and t_prev swapped", replace_once(_DDIM, "t, t_prev, x, alpha_bars)", "t_prev, t, x, alpha_bars)")),
        ("num_train_steps taken as len(alpha_bars) - 1 (the last index) in ddim_sample",
         replace_once(_DDIM, "ddim_timesteps(len(alpha_bars), num_steps)", "ddim_timesteps(len(alpha_bars) - 1, num_steps)")),
    ],
    "ex8_guidance": [
        ("step tensor made as torch.ones(2B) * t: float32 steps, not integers",
         replace_once(_CFG, "torch.full((2 * B,), t, dtype=torch.long, device=x.device)", "torch.ones(2 * B, device=x.device) * t")),
        ("unpacks the halves in the wrong order (eps_u, eps_c = chunk) for a conditional-first batch",
         replace_once(_CFG, "eps_c, eps_u = out.chunk(2, dim=0)", "eps_u, eps_c = out.chunk(2, dim=0)")),
        ("'CFG rescale': the guided prediction rescaled to the conditional one's per-example std",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n",
              "    guided = eps_u + scale * (eps_c - eps_u)\n"
              "    dims = tuple(range(1, guided.dim()))\n"
              "    return guided * (eps_c.std(dim=dims, keepdim=True) / guided.std(dim=dims, keepdim=True))\n")),
        ("the step passed as a (2B, 1) tensor", replace_once(_CFG, "torch.full((2 * B,), t,", "torch.full((2 * B, 1), t,")),
    ],
}

# ----------------------------------------------------------------------------- round 3's own right answers
_SCHED_ROLL = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    return torch.tensor([beta_start + (beta_end - beta_start) * i / max(num_steps - 1, 1) for i in range(num_steps)],
                        dtype=torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    u = torch.linspace(0, num_steps, num_steps + 1, dtype=torch.float64)
    f = torch.cos((u / num_steps + s) / (1 + s) * math.pi / 2).square()
    betas = torch.minimum(1 - f[1:] / f[:-1], torch.full_like(f[1:], max_beta))
    return betas.to(torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1 - betas
    alpha_bars = alphas.cumprod(0)
    alpha_bars_prev = alpha_bars.roll(1)
    alpha_bars_prev[0] = 1.0
    posterior_variance = (1 - alpha_bars_prev) / (1 - alpha_bars) * betas
    return Schedule(betas=betas.clone(), alphas=alphas, alpha_bars=alpha_bars, alpha_bars_prev=alpha_bars_prev,
                    posterior_variance=posterior_variance)
'''

_Q_EINSUM = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = schedule.alpha_bars.to(device=x0.device, dtype=x0.dtype).index_select(0, t.to(x0.device))
    return torch.einsum("b,b...->b...", abar.sqrt(), x0) + torch.einsum("b,b...->b...", (1 - abar).sqrt(), noise)
'''

_EMB_EINSUM = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    h = dim // 2
    exponents = torch.arange(h, device=t.device, dtype=torch.float32) / h
    omega = torch.pow(torch.tensor(max_period, device=t.device, dtype=torch.float32), -exponents)
    angles = torch.einsum("b,h->bh", t.to(torch.float32), omega)
    return torch.stack([torch.sin(angles), torch.cos(angles)], dim=1).reshape(len(t), dim)
'''

_RES_HAND = _RES_INIT + '''        def act(z):
            return z * torch.sigmoid(z)

        shift = self.emb_proj(emb)
        h = self.conv1(act(self.norm1(x))) + shift.view(*shift.shape, 1, 1)
        out = self.conv2(act(self.norm2(h)))
        return self.skip(x) + out
'''

_LOSS_HAND = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B = x0.shape[0]
    T = len(schedule.betas)
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond
    y_model = y.clone()
    y_model[drop] = model.num_classes
    x_t = q_sample(x0, t, noise, schedule)
    return ((model(x_t, t, y_model) - noise) ** 2).mean()
'''

_DDPM_FLOATS = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    alpha, abar, beta = float(schedule.alphas[t]), float(schedule.alpha_bars[t]), float(schedule.betas[t])
    mean = (x_t - (beta / math.sqrt(1 - abar)) * eps) / math.sqrt(alpha)
    return mean + math.sqrt(float(schedule.posterior_variance[t])) * noise if t > 0 else mean


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    for t in range(schedule.num_steps - 1, -1, -1):
        eps = eps_fn(x, t)
        z = torch.randn(shape, generator=generator, device=device) if t > 0 else torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step:
            on_step(t, x)
    return x
'''

_DDIM_RSQRT = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return list(range(0, num_train_steps, k))[:num_steps][::-1]


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a_t = alpha_bars[t].to(torch.float64)
    a_prev = alpha_bars[t_prev].to(torch.float64) if t_prev != -1 else torch.tensor(1.0, dtype=torch.float64)
    x0_hat = (x_t - torch.sqrt(1 - a_t) * eps) * torch.rsqrt(a_t)
    return (torch.sqrt(a_prev) * x0_hat + torch.sqrt(1 - a_prev) * eps).to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    steps = ddim_timesteps(len(alpha_bars), num_steps)
    nxt = steps[1:] + [-1]
    for i in range(len(steps)):
        x = ddim_step(eps_fn(x, steps[i]), steps[i], nxt[i], x, alpha_bars)
    return x
'''

_CFG_STACK = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = len(x)
    both_x = torch.stack([x, x]).flatten(0, 1)
    both_y = torch.stack([y, torch.full_like(y, model.num_classes)]).flatten()
    both_t = torch.tensor([t] * (2 * B), device=x.device)
    eps_c, eps_u = model(both_x, both_t, both_y).unflatten(0, (2, B)).unbind(0)
    return torch.lerp(eps_u, eps_c, scale)
'''

for _gid, _src, _label in (
        ("ex1_schedule", _SCHED_ROLL, "a list comprehension, linspace grid for the cosine, roll then fix the first (round 3)"),
        ("ex2_forward", _Q_EINSUM, "index_select and einsum over the trailing dims (round 3)"),
        ("ex3_time_embedding", _EMB_EINSUM, "pow frequencies, einsum, stack then reshape (round 3)"),
        ("ex4_resblock", _RES_HAND, "SiLU by hand, view of the shift (round 3)"),
        ("ex5_loss", _LOSS_HAND, "masked assignment on a clone, squared error by hand (round 3)"),
        ("ex6_ddpm", _DDPM_FLOATS, "Python float coefficients via math.sqrt, range counting down (round 3)"),
        ("ex7_ddim", _DDIM_RSQRT, "range sliced to n, float64 inside with rsqrt, index loop (round 3)"),
        ("ex8_guidance", _CFG_STACK, "stack + flatten, unflatten + unbind, torch.lerp (round 3)")):
    CORRECT[_gid].insert(1, (_label, _src))
