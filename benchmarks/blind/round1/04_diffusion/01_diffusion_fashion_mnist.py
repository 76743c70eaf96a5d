"""Blind round, lab 04 (diffusion): wrong answers and right answers in other styles, written from
the student notebook only (no hidden checks seen).

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""


def _sub(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times"
    return source.replace(old, new)


_SCHED = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    u = torch.arange(num_steps + 1, dtype=torch.float64)
    f = torch.cos((u / num_steps + s) / (1 + s) * math.pi / 2) ** 2
    betas = torch.clamp(1 - f[1:] / f[:-1], max=max_beta)
    return betas.to(torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1 - betas
    alpha_bars = torch.cumprod(alphas, dim=0)
    alpha_bars_prev = torch.cat([torch.ones(1, dtype=betas.dtype, device=betas.device), alpha_bars[:-1]])
    posterior_variance = betas * (1 - alpha_bars_prev) / (1 - alpha_bars)
    return Schedule(betas=betas, alphas=alphas, alpha_bars=alpha_bars, alpha_bars_prev=alpha_bars_prev,
                    posterior_variance=posterior_variance)
'''

_SCHED_LOOPS = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    if num_steps == 1:
        return torch.tensor([beta_start], dtype=torch.float32)
    gap = (beta_end - beta_start) / (num_steps - 1)
    return torch.tensor([beta_start + i * gap for i in range(num_steps)], dtype=torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    def f(u):
        return math.cos((u / num_steps + s) / (1 + s) * math.pi / 2) ** 2

    return torch.tensor([min(1 - f(t + 1) / f(t), max_beta) for t in range(num_steps)], dtype=torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1.0 - betas
    # the running product in float64 as exp(cumsum(log)), cast back to the betas' dtype
    alpha_bars = torch.exp(torch.cumsum(torch.log(alphas.double()), dim=0)).to(betas.dtype)
    alpha_bars_prev = F.pad(alpha_bars[:-1], (1, 0), value=1.0)
    posterior_variance = (1 - alpha_bars_prev) / (1 - alpha_bars) * betas
    return Schedule(betas, alphas, alpha_bars, alpha_bars_prev, posterior_variance)
'''

_Q = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    a = schedule.alpha_bars.to(x0.device)[t].reshape(-1, *([1] * (x0.dim() - 1)))
    return (a.sqrt() * x0 + (1 - a).sqrt() * noise).to(x0.dtype)
'''

_Q_EINSUM = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = schedule.alpha_bars.to(x0.device).index_select(0, t.long())
    signal = torch.einsum("b,b...->b...", abar.sqrt().to(x0.dtype), x0)
    rest = torch.einsum("b,b...->b...", (1 - abar).sqrt().to(x0.dtype), noise.to(x0.dtype))
    return signal + rest
'''

_EMB = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    args = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)
'''

_EMB_POW = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    exponents = torch.arange(half, device=t.device, dtype=torch.float32) / half
    freqs = torch.pow(torch.tensor(max_period, device=t.device, dtype=torch.float32), -exponents)
    angles = torch.einsum("b,h->bh", t.float(), freqs)
    return torch.stack([angles.sin(), angles.cos()], dim=1).reshape(len(t), dim)
'''

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
_RES = _RES_INIT + '''        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb_proj(emb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.skip(x)
'''
_RES_SIGMOID = _RES_INIT + '''        def act(v):
            return v * torch.sigmoid(v)

        shift = self.emb_proj(emb).unsqueeze(-1).unsqueeze(-1)
        out = self.conv2(act(self.norm2(self.conv1(act(self.norm1(x))) + shift)))
        return self.skip(x) + out
'''

_LOSS = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B, T = x0.shape[0], schedule.num_steps
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond
    y_in = torch.where(drop, torch.full_like(y, model.num_classes), y)
    pred = model(q_sample(x0, t, noise, schedule), t, y_in)
    return F.mse_loss(pred, noise)
'''

_LOSS_CLONE = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    n, dev = len(x0), x0.device
    t = torch.randint(0, schedule.num_steps, (n,), generator=generator, device=dev)
    noise = torch.randn(x0.shape, generator=generator, device=dev)
    drop = torch.rand(n, generator=generator, device=dev) < p_uncond
    labels = y.clone()
    labels[drop] = model.num_classes
    x_t = q_sample(x0, t, noise, schedule)
    return (model(x_t, t, labels) - noise).pow(2).mean()
'''

_DDPM = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    beta = schedule.betas[t]
    alpha = schedule.alphas[t]
    alpha_bar = schedule.alpha_bars[t]
    mean = (x_t - beta / torch.sqrt(1 - alpha_bar) * eps) / torch.sqrt(alpha)
    if t == 0:
        return mean
    return mean + torch.sqrt(schedule.posterior_variance[t]) * noise


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    for t in range(schedule.num_steps - 1, -1, -1):
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

_DDPM_FLOATS = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    beta = float(schedule.betas[t])
    alpha = float(schedule.alphas[t])
    alpha_bar = float(schedule.alpha_bars[t])
    x_prev = (x_t - (beta / math.sqrt(1.0 - alpha_bar)) * eps) * (1.0 / math.sqrt(alpha))
    if t > 0:
        x_prev = x_prev + math.sqrt(float(schedule.posterior_variance[t])) * noise
    return x_prev


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    for t in reversed(range(len(schedule.betas))):
        eps = eps_fn(x, t)
        z = torch.randn(shape, generator=generator, device=device) if t > 0 else torch.zeros_like(x)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step:
            on_step(t, x)
    return x
'''

_DDIM = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return [k * i for i in range(num_steps - 1, -1, -1)]


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a_t = alpha_bars[t]
    a_prev = alpha_bars[t_prev] if t_prev >= 0 else torch.ones((), dtype=alpha_bars.dtype, device=alpha_bars.device)
    x0_hat = (x_t - torch.sqrt(1 - a_t) * eps) / torch.sqrt(a_t)
    return (torch.sqrt(a_prev) * x0_hat + torch.sqrt(1 - a_prev) * eps).to(x_t.dtype)


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

_DDIM_F64 = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return list(range((num_steps - 1) * k, -1, -k))


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    ab = alpha_bars.double()
    a_t = ab[t]
    a_prev = ab[t_prev] if t_prev >= 0 else ab.new_tensor(1.0)
    x0_hat = (x_t.double() - (1 - a_t).sqrt() * eps.double()) / a_t.sqrt()
    out = a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps.double()
    return out.to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(alpha_bars.shape[0], num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    for t, t_prev in zip(steps, steps[1:] + [-1]):
        eps = eps_fn(x, t)
        x = ddim_step(eps, t, t_prev, x, alpha_bars)
    return x
'''

_CFG = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = x.shape[0]
    x_in = torch.cat([x, x], dim=0)
    t_in = torch.full((2 * B,), t, dtype=torch.long, device=x.device)
    y_in = torch.cat([y, torch.full_like(y, model.num_classes)], dim=0)
    eps_c, eps_u = model(x_in, t_in, y_in).chunk(2, dim=0)
    return eps_u + scale * (eps_c - eps_u)
'''

_CFG_SPLIT = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    n = len(y)
    null = y.new_full((n,), model.num_classes)
    out = model(torch.cat((x, x)), torch.tensor([t] * (2 * n), device=x.device), torch.cat((null, y)))
    eps_u, eps_c = torch.split(out, n)
    return (1 - scale) * eps_u + scale * eps_c
'''

CORRECT = {
    "ex1_schedule": [("linspace, vectorised float64 cosine, cumprod", _SCHED),
                     ("Python lists, a scalar cosine, exp(cumsum(log)) in float64, F.pad", _SCHED_LOOPS)],
    "ex2_forward": [("gather by indexing, reshape to (B, 1, ..., 1)", _Q),
                    ("index_select and einsum over trailing dims", _Q_EINSUM)],
    "ex3_time_embedding": [("exp frequencies, cat", _EMB), ("pow frequencies, einsum, stack + reshape", _EMB_POW)],
    "ex4_resblock": [("F.silu, [:, :, None, None]", _RES), ("SiLU by hand, unsqueeze, one expression", _RES_SIGMOID)],
    "ex5_loss": [("torch.where, F.mse_loss", _LOSS), ("clone + boolean index, mean of squares", _LOSS_CLONE)],
    "ex6_ddpm": [("tensor coefficients, range(T-1, -1, -1)", _DDPM),
                 ("Python float coefficients, reversed(range)", _DDPM_FLOATS)],
    "ex7_ddim": [("list comprehension, enumerate", _DDIM), ("float64 inside, zip over neighbouring steps", _DDIM_F64)],
    "ex8_guidance": [("conditional half first, chunk", _CFG),
                     ("unconditional half first, split, (1-w) u + w c", _CFG_SPLIT)],
}

MUTANTS = {
    "ex1_schedule": [
        ("alpha_bars = cumprod of the betas instead of the alphas",
         _sub(_SCHED, "torch.cumprod(alphas, dim=0)", "torch.cumprod(betas, dim=0)")),
        ("posterior variance without the beta_t factor",
         _sub(_SCHED, "posterior_variance = betas * (1 - alpha_bars_prev) / (1 - alpha_bars)",
              "posterior_variance = (1 - alpha_bars_prev) / (1 - alpha_bars)")),
        ("cosine schedule divides u by T - 1 instead of T",
         _sub(_SCHED, "(u / num_steps + s)", "(u / (num_steps - 1) + s)")),
        ("cosine betas clamped from below (min=max_beta) instead of above",
         _sub(_SCHED, "torch.clamp(1 - f[1:] / f[:-1], max=max_beta)",
              "torch.clamp(1 - f[1:] / f[:-1], min=max_beta)")),
    ],
    "ex2_forward": [
        ("noise coefficient 1 - sqrt(alpha_bar) instead of sqrt(1 - alpha_bar)",
         _sub(_Q, "(1 - a).sqrt() * noise", "(1 - a.sqrt()) * noise")),
        ("x0 and noise swapped",
         _sub(_Q, "a.sqrt() * x0 + (1 - a).sqrt() * noise", "a.sqrt() * noise + (1 - a).sqrt() * x0")),
        ("scales the caller's noise in place",
         _sub(_Q, "    return (a.sqrt() * x0 + (1 - a).sqrt() * noise).to(x0.dtype)\n",
              "    noise.mul_((1 - a).sqrt())\n    return (a.sqrt() * x0 + noise).to(x0.dtype)\n")),
        ("clamps x_t to [-1, 1] (the pixel range)", _sub(_Q, ".to(x0.dtype)\n", ".clamp(-1, 1).to(x0.dtype)\n")),
    ],
    "ex3_time_embedding": [
        ("frequencies made on the CPU, not on t.device",
         _sub(_EMB, "torch.arange(half, device=t.device, dtype=torch.float32)",
              "torch.arange(half, dtype=torch.float32)")),
        ("log base 10 of max_period instead of ln", _sub(_EMB, "math.log(max_period)", "math.log10(max_period)")),
        ("i runs from 1 to h instead of 0 to h - 1",
         _sub(_EMB, "torch.arange(half, device=t.device, dtype=torch.float32)",
              "torch.arange(1, half + 1, device=t.device, dtype=torch.float32)")),
        ("float steps truncated to integers first",
         _sub(_EMB, "t.to(torch.float32)[:, None]", "t.long().to(torch.float32)[:, None]")),
    ],
    "ex4_resblock": [
        ("SiLU applied to emb before the projection", _sub(_RES, "self.emb_proj(emb)", "self.emb_proj(F.silu(emb))")),
        ("residual sum divided by sqrt(2)",
         _sub(_RES, "return h + self.skip(x)", "return (h + self.skip(x)) / math.sqrt(2)")),
        ("conditioning added after norm2 instead of after conv1",
         _sub(_sub(_RES, "        h = h + self.emb_proj(emb)[:, :, None, None]\n", ""),
              "h = self.conv2(F.silu(self.norm2(h)))",
              "h = self.conv2(F.silu(self.norm2(h) + self.emb_proj(emb)[:, :, None, None]))")),
        ("x overwritten by SiLU(norm1(x)): the skip adds the normalised input",
         _sub(_RES, "        h = self.conv1(F.silu(self.norm1(x)))\n",
              "        x = F.silu(self.norm1(x))\n        h = self.conv1(x)\n")),
    ],
    "ex5_loss": [
        ("noise from torch.randn_like (the generator is ignored)",
         _sub(_LOSS, "torch.randn(x0.shape, generator=generator, device=x0.device)", "torch.randn_like(x0)")),
        ("t drawn from 0..T-2 (randint's high is already exclusive)",
         _sub(_LOSS, "torch.randint(0, T,", "torch.randint(0, T - 1,")),
        ("the model gets the clean x0 instead of x_t",
         _sub(_LOSS, "model(q_sample(x0, t, noise, schedule), t, y_in)", "model(x0, t, y_in)")),
        ("'no label' is num_classes - 1 (the last real class)",
         _sub(_LOSS, "torch.full_like(y, model.num_classes)", "torch.full_like(y, model.num_classes - 1)")),
    ],
    "ex6_ddpm": [
        ("draws z from the generator at t = 0 too (consumes randomness the instructions leave alone)",
         _sub(_DDPM, "        if t > 0:\n            z = torch.randn(shape, generator=generator, device=device)\n"
                     "        else:\n            z = torch.zeros(shape, device=device)\n",
              "        z = torch.randn(shape, generator=generator, device=device)\n")),
        ("initial x drawn without the generator",
         _sub(_DDPM, "    x = torch.randn(shape, generator=generator, device=device)\n",
              "    x = torch.randn(shape, device=device)\n")),
        ("sigma_t = sqrt(beta_t) instead of sqrt(posterior_variance)",
         _sub(_DDPM, "torch.sqrt(schedule.posterior_variance[t]) * noise", "torch.sqrt(beta) * noise")),
        ("eps coefficient beta / (1 - alpha_bar), square root missing",
         _sub(_DDPM, "beta / torch.sqrt(1 - alpha_bar) * eps", "beta / (1 - alpha_bar) * eps")),
    ],
    "ex7_ddim": [
        ("k = ceil(T / n) instead of T // n",
         _sub(_DDIM, "k = num_train_steps // num_steps", "k = math.ceil(num_train_steps / num_steps)")),
        ("x0_hat clipped to [-1, 1]",
         _sub(_DDIM, "x0_hat = (x_t - torch.sqrt(1 - a_t) * eps) / torch.sqrt(a_t)",
              "x0_hat = ((x_t - torch.sqrt(1 - a_t) * eps) / torch.sqrt(a_t)).clamp(-1, 1)")),
        ("never takes the final jump to t' = -1 (the loop stops at step 0)",
         _sub(_DDIM, "    for i, t in enumerate(steps):\n        t_prev = steps[i + 1] if i + 1 < len(steps) else -1\n",
              "    for i, t in enumerate(steps[:-1]):\n        t_prev = steps[i + 1]\n")),
        ("x0_hat with the two square roots swapped",
         _sub(_DDIM, "(x_t - torch.sqrt(1 - a_t) * eps) / torch.sqrt(a_t)",
              "(x_t - torch.sqrt(a_t) * eps) / torch.sqrt(1 - a_t)")),
    ],
    "ex8_guidance": [
        ("both halves conditional (the unconditional half keeps y)",
         _sub(_CFG, "torch.cat([y, torch.full_like(y, model.num_classes)], dim=0)", "torch.cat([y, y], dim=0)")),
        ("output split along the last dimension", _sub(_CFG, ".chunk(2, dim=0)", ".chunk(2, dim=-1)")),
        ("'no label' is num_classes + 1",
         _sub(_CFG, "torch.full_like(y, model.num_classes)", "torch.full_like(y, model.num_classes + 1)")),
        ("x duplicated with repeat_interleave: rows paired with the wrong labels",
         _sub(_CFG, "torch.cat([x, x], dim=0)", "x.repeat_interleave(2, dim=0)")),
    ],
}
