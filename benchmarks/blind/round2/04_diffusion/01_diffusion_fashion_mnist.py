"""Blind round 2, lab 04 (diffusion): wrong answers and right answers in other styles, written from
the student notebook only (no hidden checks seen), each wrong answer a mistake that neither
tests/mutants nor round 1 holds.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""


def _sub(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times"
    return source.replace(old, new)


# ----------------------------------------------------------------------------- ex1 schedules
_SCHED = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    steps = torch.arange(num_steps + 1, dtype=torch.float64)
    f = torch.cos((steps / num_steps + s) / (1 + s) * (math.pi / 2)) ** 2
    betas = (1.0 - f[1:] / f[:-1]).clamp(max=max_beta)
    return betas.float()


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1.0 - betas
    alpha_bars = torch.cumprod(alphas, dim=0)
    alpha_bars_prev = torch.cat([alpha_bars.new_ones(1), alpha_bars[:-1]])
    posterior_variance = betas * (1.0 - alpha_bars_prev) / (1.0 - alpha_bars)
    return Schedule(betas=betas, alphas=alphas, alpha_bars=alpha_bars,
                    alpha_bars_prev=alpha_bars_prev, posterior_variance=posterior_variance)
'''

_SCHED_LOOP = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    if num_steps == 1:
        return torch.full((1,), beta_start, dtype=torch.float32)
    frac = torch.arange(num_steps, dtype=torch.float64) / (num_steps - 1)
    return (beta_start * (1 - frac) + beta_end * frac).to(torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    def alpha_bar(u):
        return math.cos((u / num_steps + s) / (1 + s) * math.pi / 2) ** 2

    out = []
    for t in range(num_steps):
        out.append(min(1 - alpha_bar(t + 1) / alpha_bar(t), max_beta))
    return torch.tensor(out, dtype=torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1 - betas
    alpha_bars = torch.cumprod(alphas.double(), 0).to(betas.dtype)
    alpha_bars_prev = torch.ones_like(alpha_bars)
    alpha_bars_prev[1:] = alpha_bars[:-1]
    posterior_variance = torch.where(torch.arange(len(betas)) == 0, torch.zeros_like(betas),
                                     betas * (1 - alpha_bars_prev) / (1 - alpha_bars))
    return Schedule(betas, alphas, alpha_bars, alpha_bars_prev, posterior_variance)
'''

# ----------------------------------------------------------------------------- ex2 forward noising
_Q = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = schedule.alpha_bars.to(x0.device)[t]
    abar = abar.view(x0.shape[0], *([1] * (x0.dim() - 1)))
    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)
'''

_Q_F64 = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = torch.gather(schedule.alpha_bars.double().to(x0.device), 0, t.long())
    index = (slice(None),) + (None,) * (x0.ndim - 1)
    signal = torch.sqrt(abar)[index]
    spread = torch.sqrt(1.0 - abar)[index]
    return torch.addcmul(signal * x0.double(), spread, noise.double()).to(x0.dtype)
'''

# ----------------------------------------------------------------------------- ex3 time embedding
_EMB = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    i = torch.arange(half, device=t.device, dtype=torch.float32)
    freqs = torch.exp(-math.log(max_period) * i / half)
    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)
    return torch.cat([angles.sin(), angles.cos()], dim=1)
'''

_EMB_POW = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    two_i = torch.arange(0, dim, 2, device=t.device, dtype=torch.float32)     # 2i / dim = i / (dim / 2)
    freqs = 1.0 / (max_period ** (two_i / dim))
    angles = torch.outer(t.to(torch.float32), freqs)
    return torch.hstack([torch.sin(angles), torch.cos(angles)])
'''

# ----------------------------------------------------------------------------- ex4 ResBlock
_RES_INIT = '''
class ResBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, emb_dim: int, groups: int = 8):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.emb_proj = nn.Linear(emb_dim, out_channels)  # one shift per output channel
        self.norm2 = nn.GroupNorm(groups, out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        # a 1×1 convolution matches the channel count when it changes, else nothing to do
        self.skip = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else nn.Identity()

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        # x: (B, in_channels, H, W), emb: (B, emb_dim) -> (B, out_channels, H, W)
'''
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
_LOSS = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B, T = x0.shape[0], schedule.num_steps
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label
    y_in = torch.where(drop, torch.full_like(y, model.num_classes), y)
    x_t = q_sample(x0, t, noise, schedule)
    return F.mse_loss(model(x_t, t, y_in), noise)
'''

_LOSS_MASKED = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    dev = x0.device
    t = torch.randint(0, schedule.num_steps, (len(x0),), generator=generator, device=dev)
    noise = torch.randn(x0.shape, generator=generator, device=dev)
    drop = torch.rand(len(x0), generator=generator, device=dev) < p_uncond
    labels = y.masked_fill(drop, model.num_classes)
    predicted = model(q_sample(x0, t, noise, schedule), t, labels)
    return F.mse_loss(predicted, noise, reduction="sum") / noise.numel()
'''

# ----------------------------------------------------------------------------- ex6 DDPM
_DDPM = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    beta_t = schedule.betas[t]
    mean = (x_t - beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps) / torch.sqrt(schedule.alphas[t])
    if t == 0:
        return mean
    return mean + torch.sqrt(schedule.posterior_variance[t]) * noise


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    for t in reversed(range(schedule.num_steps)):
        eps = eps_fn(x, t)
        if t > 0:
            z = torch.randn(shape, generator=generator, device=device)
        else:
            z = torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step is not None:
            on_step(t, x)
    return x
'''

_DDPM_RECIP = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    inv_sqrt_alpha = torch.rsqrt(schedule.alphas[t])
    eps_coef = (1 - schedule.alphas[t]) * torch.rsqrt(1 - schedule.alpha_bars[t])
    x_prev = inv_sqrt_alpha * (x_t - eps_coef * eps)
    sigma = schedule.posterior_variance[t].sqrt() if t > 0 else torch.zeros(())
    return x_prev + sigma * noise if t > 0 else x_prev


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    t = schedule.num_steps
    while t > 0:
        t -= 1
        predicted = eps_fn(x, t)
        z = torch.randn(shape, generator=generator, device=device) if t else torch.zeros(shape, device=device)
        x = ddpm_step(predicted, t, x, schedule, z)
        if callable(on_step):
            on_step(t, x)
    return x
'''

# ----------------------------------------------------------------------------- ex7 DDIM
_DDIM = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return [i * k for i in range(num_steps - 1, -1, -1)]


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a_t = alpha_bars[t]
    a_prev = alpha_bars[t_prev] if t_prev >= 0 else torch.ones_like(a_t)
    x0_hat = (x_t - (1 - a_t).sqrt() * eps) / a_t.sqrt()
    return (a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps).to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(len(alpha_bars), num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    for i, t in enumerate(steps):
        t_prev = steps[i + 1] if i + 1 < len(steps) else -1
        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)
    return x
'''

_DDIM_COEF = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return list(range(0, num_steps * k, k))[::-1]


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a_t = float(alpha_bars[t])
    a_prev = float(alpha_bars[t_prev]) if t_prev != -1 else 1.0
    # x_{t'} = sqrt(a'/a) x_t + (sqrt(1 - a') - sqrt(a' (1 - a) / a)) eps: the same jump, one line
    c_x = math.sqrt(a_prev / a_t)
    c_eps = math.sqrt(1 - a_prev) - math.sqrt(a_prev * (1 - a_t) / a_t)
    return (c_x * x_t + c_eps * eps).to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(alpha_bars.shape[0], num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    for t, t_prev in zip(steps, steps[1:] + [-1]):
        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)
    return x
'''

# ----------------------------------------------------------------------------- ex8 guidance
_CFG = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = x.shape[0]
    null = torch.full_like(y, model.num_classes)
    steps = torch.full((2 * B,), t, dtype=torch.long, device=x.device)
    out = model(torch.cat([x, x], dim=0), steps, torch.cat([y, null], dim=0))
    eps_c, eps_u = out.chunk(2, dim=0)
    return eps_u + scale * (eps_c - eps_u)
'''

_CFG_SPLIT = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    n = len(x)
    x2 = x.repeat(2, *([1] * (x.dim() - 1)))
    y2 = torch.cat((y.new_full((n,), model.num_classes), y))
    t2 = torch.tensor(t, device=x.device).repeat(2 * n)
    eps_u, eps_c = torch.tensor_split(model(x2, t2, y2), 2)
    return (1 - scale) * eps_u + scale * eps_c
'''

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

MUTANTS = {
    "ex1_schedule": [
        ("alpha_bars_prev starts at 0 instead of 1 (alpha_bar_{-1} = 0)",
         _sub(_SCHED, "alpha_bars.new_ones(1)", "alpha_bars.new_zeros(1)")),
        ("posterior variance at t = 0 replaced by the t = 1 value (log-clipping trick)",
         _sub(_SCHED, "    return Schedule(",
              "    posterior_variance = torch.cat([posterior_variance[1:2], posterior_variance[1:]])\n    return Schedule(")),
        ("cosine: the offset s added but not divided by 1 + s",
         _sub(_SCHED, "(steps / num_steps + s) / (1 + s) * (math.pi / 2)", "(steps / num_steps + s) * (math.pi / 2)")),
        ("cosine betas returned in float64 (the cast back to float32 forgotten)",
         _sub(_SCHED, "    return betas.float()\n", "    return betas\n")),
    ],
    "ex2_forward": [
        ("paper indexing: alpha_bars[t - 1] (t = 0 wraps round to the last step)",
         _sub(_Q, "schedule.alpha_bars.to(x0.device)[t]", "schedule.alpha_bars.to(x0.device)[t - 1]")),
        ("draws its own noise (torch.randn_like) instead of using the noise given",
         _sub(_Q, "(1.0 - abar).sqrt() * noise", "(1.0 - abar).sqrt() * torch.randn_like(x0)")),
        ("returns the pair (x_t, noise), as many tutorials do",
         _sub(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
              "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype), noise\n")),
        ("brackets misplaced: sqrt(alpha_bar) * (x0 + sqrt(1 - alpha_bar) * noise)",
         _sub(_Q, "abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise", "abar.sqrt() * (x0 + (1.0 - abar).sqrt() * noise)")),
    ],
    "ex3_time_embedding": [
        ("exponent divided by h - 1 (the last frequency exactly 1 / max_period)",
         _sub(_EMB, "-math.log(max_period) * i / half", "-math.log(max_period) * i / (half - 1)")),
        ("sines and cosines concatenated along the batch dimension",
         _sub(_EMB, "torch.cat([angles.sin(), angles.cos()], dim=1)", "torch.cat([angles.sin(), angles.cos()], dim=0)")),
        ("angles multiplied by 2 pi (Fourier-feature habit)",
         _sub(_EMB, "angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)",
              "angles = 2 * math.pi * t.float().unsqueeze(1) * freqs.unsqueeze(0)")),
        ("exponents arange(0, dim, 2) / half: 2i / h, twice too fast a decay",
         _sub(_EMB, "    i = torch.arange(half, device=t.device, dtype=torch.float32)\n",
              "    i = torch.arange(0, dim, 2, device=t.device, dtype=torch.float32)\n")),
    ],
    "ex4_resblock": [
        ("the conditioning shift added to the input x before norm1",
         _sub(_sub(_RES, "        h = self.norm1(x)\n", "        h = self.norm1(x + self.emb_proj(emb)[:, :, None, None])\n"),
              "        h = h + self.emb_proj(emb)[:, :, None, None]\n", "")),
        ("shift reshaped channels-last, (B, 1, 1, C)",
         _sub(_RES, "self.emb_proj(emb)[:, :, None, None]", "self.emb_proj(emb)[:, None, None, :]")),
        ("SiLU after conv1 instead of before it (norm -> conv -> SiLU)",
         _sub(_RES, "        h = F.silu(h)\n        h = self.conv1(h)\n", "        h = self.conv1(h)\n        h = F.silu(h)\n")),
        ("the residual adds h after conv1 instead of skip(x)",
         _sub(_sub(_RES, "        h = h + self.emb_proj(emb)[:, :, None, None]\n",
                   "        h = h + self.emb_proj(emb)[:, :, None, None]\n        h1 = h\n"),
              "return h + self.skip(x)", "return h + h1")),
    ],
    "ex5_loss": [
        ("drop mask drawn before the noise (order t, drop, noise)",
         _sub(_LOSS, "    noise = torch.randn(x0.shape, generator=generator, device=x0.device)\n"
                     "    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label\n",
              "    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond\n"
              "    noise = torch.randn(x0.shape, generator=generator, device=x0.device)\n")),
        ("L1 loss instead of the mean squared error", _sub(_LOSS, "F.mse_loss(", "F.l1_loss(")),
        ("one label-dropout draw for the whole batch (rand(1))",
         _sub(_LOSS, "torch.rand(B, generator=generator, device=x0.device) < p_uncond",
              "torch.rand(1, generator=generator, device=x0.device) < p_uncond")),
        ("one step t for the whole batch", _sub(_LOSS, "torch.randint(0, T, (B,), generator=generator, device=x0.device)",
                                                "torch.randint(0, T, (1,), generator=generator, device=x0.device).expand(B)")),
    ],
    "ex6_ddpm": [
        ("clips x to [-1, 1] after every step",
         _sub(_DDPM, "        x = ddpm_step(eps, t, x, schedule, z)\n",
              "        x = ddpm_step(eps, t, x, schedule, z).clamp(-1, 1)\n")),
        ("one z drawn before the loop and reused at every step",
         _sub(_sub(_DDPM, "        if t > 0:\n            z = torch.randn(shape, generator=generator, device=device)\n"
                          "        else:\n            z = torch.zeros(shape, device=device)\n",
                   "        z = z_once if t > 0 else torch.zeros(shape, device=device)\n"),
              "    for t in reversed(range(schedule.num_steps)):\n",
              "    z_once = torch.randn(shape, generator=generator, device=device)\n"
              "    for t in reversed(range(schedule.num_steps)):\n")),
        ("sigma_t from posterior_variance[t - 1]",
         _sub(_DDPM, "torch.sqrt(schedule.posterior_variance[t]) * noise", "torch.sqrt(schedule.posterior_variance[t - 1]) * noise")),
        ("on_step(t - 1, x): labelled with the index of the new x", _sub(_DDPM, "on_step(t, x)", "on_step(t - 1, x)")),
    ],
    "ex7_ddim": [
        ("ddim_timesteps returns a tensor, not a list",
         _sub(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
              "    return torch.arange(0, num_steps * k, k).flip(0)\n")),
        ("'trailing' spacing: T-1, T-1-k, ... (diffusers' other option)",
         _sub(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
              "    return list(range(num_train_steps - 1, -1, -k))[:num_steps]\n")),
        ("adds DDPM-style noise after every jump but the last (eta = 1)",
         _sub(_DDIM, "        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)\n",
              "        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)\n"
              "        if t_prev >= 0:\n"
              "            a_t, a_prev = alpha_bars[t], alpha_bars[t_prev]\n"
              "            sigma = ((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev)).sqrt()\n"
              "            x = x + sigma * torch.randn(shape, generator=generator, device=device)\n")),
        ("ddim_step returns .float() whatever the dtype of x_t",
         _sub(_DDIM, "(a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps).to(x_t.dtype)",
              "(a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps).float()")),
    ],
    "ex8_guidance": [
        ("'no label' written into a view of the caller's y (y itself overwritten)",
         _sub(_CFG, "    null = torch.full_like(y, model.num_classes)\n",
              "    null = y.view(-1)\n    null[:] = model.num_classes\n")),
        ("shortcuts w = 0 and w = 1 with a single batch-of-B call",
         _sub(_CFG, "    B = x.shape[0]\n",
              "    B = x.shape[0]\n"
              "    if scale in (0, 1):\n"
              "        labels = y if scale == 1 else torch.full_like(y, model.num_classes)\n"
              "        return model(x, torch.full((B,), t, dtype=torch.long, device=x.device), labels)\n")),
        ("scale - 1 in the formula (the paper's w = scale - 1 applied to the eps_u form)",
         _sub(_CFG, "eps_u + scale * (eps_c - eps_u)", "eps_u + (scale - 1) * (eps_c - eps_u)")),
        ("torch.split(out, 2): pieces of size 2, not two halves",
         _sub(_CFG, "out.chunk(2, dim=0)", "torch.split(out, 2)")),
    ],
}
