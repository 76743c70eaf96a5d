"""Blind round 8, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-7 holds.
Right answers: CORRECT[gid][0] is round 7's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND7 = earlier_round(7, __file__)


_SCHED, _Q, _EMB, _RES, _RES_INIT = ROUND7._SCHED, ROUND7._Q, ROUND7._EMB, ROUND7._RES, ROUND7._RES_INIT
_LOSS, _DDPM, _DDIM, _CFG = ROUND7._LOSS, ROUND7._DDPM, ROUND7._DDIM, ROUND7._CFG

# ----------------------------------------------------------------------------- round 8's own right answers
_SCHED_LERP = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    weight = torch.arange(num_steps, dtype=torch.float64) / max(num_steps - 1, 1)
    start = torch.full((num_steps,), beta_start, dtype=torch.float64)
    return torch.lerp(start, torch.full_like(start, beta_end), weight).to(torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    def f(u):
        return math.cos((u / num_steps + s) / (1 + s) * math.pi / 2) ** 2

    betas = []
    for t in range(num_steps):
        betas.append(min(1.0 - f(t + 1) / f(t), max_beta))
    return torch.tensor(betas, dtype=torch.float64).float()


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1.0 - betas
    alpha_bars = torch.cumprod(alphas.double(), dim=0).to(betas.dtype)
    one = torch.ones_like(alpha_bars[:1])
    alpha_bars_prev = torch.cat((one, alpha_bars[:-1]))
    posterior_variance = (1.0 - alpha_bars_prev) * betas / (1.0 - alpha_bars)
    fields_ = dict(betas=betas, alphas=alphas, alpha_bars=alpha_bars, alpha_bars_prev=alpha_bars_prev,
                   posterior_variance=posterior_variance)
    return Schedule(**fields_)
'''

_Q_LOOP = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    rows = []
    for i in range(x0.shape[0]):                        # one example at a time: scalar coefficients
        abar = schedule.alpha_bars[int(t[i])].item()
        rows.append(math.sqrt(abar) * x0[i].double() + math.sqrt(1.0 - abar) * noise[i].double())
    return torch.stack(rows).to(x0.dtype)
'''

_EMB_F64_STACK = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    exponent = torch.arange(half, dtype=torch.float64, device=t.device) / half
    freqs = torch.exp(-math.log(max_period) * exponent)
    angles = torch.outer(t.to(torch.float64), freqs)
    return torch.stack([torch.sin(angles), torch.cos(angles)], dim=1).flatten(1).to(torch.float32)
'''

_RES_FUNCTIONAL = _RES_INIT + '''        n1, n2 = self.norm1, self.norm2
        h = F.group_norm(x, n1.num_groups, n1.weight, n1.bias, n1.eps)
        h = F.conv2d(F.silu(h), self.conv1.weight, self.conv1.bias, padding=1)
        h = h + torch.einsum("bc,hw->bchw", F.linear(emb, self.emb_proj.weight, self.emb_proj.bias),
                             h.new_ones(h.shape[-2:]))
        h = F.group_norm(h, n2.num_groups, n2.weight, n2.bias, n2.eps)
        h = F.conv2d(F.silu(h), self.conv2.weight, self.conv2.bias, padding=1)
        return self.skip(x) + h
'''

_LOSS_INDEX = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B = len(x0)
    T = schedule.num_steps
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label
    labels = y.clone()
    labels[drop] = model.num_classes
    pred = model(q_sample(x0, t, noise, schedule), t, labels)
    return F.mse_loss(pred, noise, reduction="sum") / noise.numel()
'''

_DDPM_F64_WHILE = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    alpha = schedule.alphas[t].double()
    beta = schedule.betas[t].double()
    abar = schedule.alpha_bars[t].double()
    mean = torch.rsqrt(alpha) * (x_t.double() - beta * torch.rsqrt(1.0 - abar) * eps.double())
    if t > 0:
        mean = mean + schedule.posterior_variance[t].double().sqrt() * noise.double()
    return mean.to(x_t.dtype)


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    t = schedule.num_steps - 1
    while t >= 0:
        eps = eps_fn(x, t)
        if t > 0:
            z = torch.randn(shape, generator=generator, device=device)
        else:
            z = torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step is not None:
            on_step(t, x)
        t -= 1
    return x
'''

_DDIM_PADDED = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return list(range((num_steps - 1) * k, -1, -k))


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    padded = torch.cat([alpha_bars, alpha_bars.new_ones(1)]).to(x_t.dtype)   # index -1 reads the 1
    a_t, a_prev = padded[t], padded[t_prev]
    x0_hat = (x_t - torch.sqrt(1 - a_t) * eps) / torch.sqrt(a_t)
    return torch.sqrt(a_prev) * x0_hat + torch.sqrt(1 - a_prev) * eps


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(len(alpha_bars), num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    for t, t_prev in zip(steps, steps[1:] + [-1]):
        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)
    return x
'''

_CFG_WHERE = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = x.shape[0]
    first = torch.arange(2 * B, device=y.device) < B
    labels = torch.where(first, y.repeat(2), torch.full_like(y.repeat(2), model.num_classes))
    steps = torch.full_like(labels, t)                          # torch.long, on the labels' device
    eps_c, eps_u = model(torch.cat((x, x)), steps, labels).tensor_split(2)
    return eps_c + (scale - 1) * (eps_c - eps_u)                # = eps_u + w (eps_c - eps_u)
'''

CORRECT = {
    gid: [ROUND7.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_schedule", "torch.lerp linear betas in float64, Python-loop cosine with math.cos, float64 cumprod "
                         "cast back, keyword dict Schedule (round 8)", _SCHED_LERP),
        ("ex2_forward", "per-example loop with Python float coefficients in float64, torch.stack (round 8)",
         _Q_LOOP),
        ("ex3_time_embedding", "float64 frequencies and torch.outer, stack(sin, cos) then flatten, cast to "
                               "float32 (round 8)", _EMB_F64_STACK),
        ("ex4_resblock", "functional F.group_norm / F.conv2d / F.linear on the block's own parameters, "
                         "einsum broadcast of the shift (round 8)", _RES_FUNCTIONAL),
        ("ex5_loss", "labels by clone and boolean-mask assignment, summed MSE over numel (round 8)", _LOSS_INDEX),
        ("ex6_ddpm", "float64 step with rsqrt cast back, while loop (round 8)", _DDPM_F64_WHILE),
        ("ex7_ddim", "range() timesteps, alpha_bars padded with a trailing 1 so that index -1 is the clean "
                     "level, zip over (t, t_prev) (round 8)", _DDIM_PADDED),
        ("ex8_guidance", "labels by torch.where on y.repeat(2), full_like steps, tensor_split, the form "
                         "eps_c + (w - 1)(eps_c - eps_u) (round 8)", _CFG_WHERE),
    )
}

MUTANTS = {
    "ex1_schedule": [
        ("alphas taken as sqrt(1 - beta_t) (the factor on x_{t-1} in q(x_t | x_{t-1})), so alpha_bars is the "
         "product of square roots",
         replace_once(_SCHED, "    alphas = 1.0 - betas\n", "    alphas = torch.sqrt(1.0 - betas)\n")),
        ("posterior variance with the '1 -' dropped: beta_t alpha_bar_{t-1} / alpha_bar_t",
         replace_once(_SCHED, "betas * (1.0 - alpha_bars_prev) / (1.0 - alpha_bars)",
              "betas * alpha_bars_prev / alpha_bars")),
        ("linspace arguments swapped: linear betas fall from beta_end to beta_start",
         replace_once(_SCHED, "torch.linspace(beta_start, beta_end, num_steps", "torch.linspace(beta_end, beta_start, "
                                                                                  "num_steps")),
        ("posterior variance from alphas instead of alpha_bars: beta_t (1 - alpha_{t-1}) / (1 - alpha_t)",
         replace_once(_SCHED, "    posterior_variance = betas * (1.0 - alpha_bars_prev) / (1.0 - alpha_bars)\n",
              "    alphas_prev = torch.cat([alphas.new_ones(1), alphas[:-1]])\n"
              "    posterior_variance = betas * (1.0 - alphas_prev) / (1.0 - alphas)\n")),
    ],
    "ex2_forward": [
        ("'composing t + 1 steps' read as the same step t + 1 times: alpha_bar_t taken as alpha_t ** (t + 1)",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
              "    abar = schedule.alphas.to(x0.device)[t] ** (t + 1)\n")),
        ("square root taken once up front: a = sqrt(alpha_bar), then the noise coefficient sqrt(1 - a)",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
              "    a = abar.sqrt()\n"
              "    return (a * x0 + (1.0 - a).sqrt() * noise).to(x0.dtype)\n")),
        ("'variances add up': noise std sqrt(beta_0 + ... + beta_t) (the shrinking of earlier noise forgotten)",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
              "    var = schedule.betas.to(x0.device).cumsum(0)[t].view(abar.shape)\n"
              "    return (abar.sqrt() * x0 + var.sqrt() * noise).to(x0.dtype)\n")),
        ("square roots taken in place on the schedule (alpha_bars.sqrt_()): the schedule is changed, and every "
         "later call takes one more root",
         '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    shape = (x0.shape[0],) + (1,) * (x0.dim() - 1)
    root_abar = schedule.alpha_bars.sqrt_()[t].to(x0.device).view(shape)
    return (root_abar * x0 + (1.0 - root_abar ** 2).sqrt() * noise).to(x0.dtype)
'''),
    ],
    "ex3_time_embedding": [
        ("h taken as dim, then the (B, 2 dim) result cut back to [:, :dim]: sines only, exponents i / dim",
         replace_once(_EMB, "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
              "    return torch.cat([angles.sin(), angles.cos()], dim=1)[:, :dim]\n").replace(
                  "    half = dim // 2\n", "    half = dim\n")),
        ("t normalised by the batch's largest step first (t / t.max()) 'to keep the angles small'",
         replace_once(_EMB, "angles = t.float().unsqueeze(1)", "angles = (t.float() / t.max()).unsqueeze(1)")),
        ("ln(max_period) factor left out: omega_i = exp(-i / h), frequencies only from 1 down to 1/e",
         replace_once(_EMB, "torch.exp(-math.log(max_period) * i / half)", "torch.exp(-i / half)")),
        ("bracket slip: exp(-ln(P)) * i / h, i.e. omega_i = i / (h P), omega_0 = 0",
         replace_once(_EMB, "torch.exp(-math.log(max_period) * i / half)",
              "math.exp(-math.log(max_period)) * i / half")),
    ],
    "ex4_resblock": [
        ("norm1 and norm2 swapped: norm2 on x, norm1 on h (their learned scales trade places; fails when the "
         "channel count changes)",
         replace_once(replace_once(_RES, "        h = self.norm1(x)\n", "        h = self.norm2(x)\n"),
              "        h = self.norm2(h)\n", "        h = self.norm1(h)\n")),
        ("'one shift per channel' read as one for the whole batch: the projection averaged over the batch",
         replace_once(_RES, "h = h + self.emb_proj(emb)[:, :, None, None]",
              "h = h + self.emb_proj(emb).mean(0)[None, :, None, None]")),
        ("conv1 called functionally without its bias (F.conv2d(h, conv1.weight, padding=1))",
         replace_once(_RES, "        h = self.conv1(h)\n", "        h = F.conv2d(h, self.conv1.weight, padding=1)\n")),
        ("second SiLU forgotten: out = conv2(norm2(h)) + skip(x)",
         replace_once(_RES, "        h = self.norm2(h)\n        h = F.silu(h)\n", "        h = self.norm2(h)\n")),
    ],
    "ex5_loss": [
        ("target is the scaled noise sqrt(1 - alpha_bar_t) eps (the part of x_t that is noise), not eps",
         replace_once(_LOSS, "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
              "    abar = schedule.alpha_bars.to(x0.device)[t].view(-1, *([1] * (x0.dim() - 1)))\n"
              "    return F.mse_loss(model(x_t, t, y_in), (1.0 - abar).sqrt() * noise)\n")),
        ("root mean squared error: torch.sqrt of the MSE",
         replace_once(_LOSS, "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
              "    return torch.sqrt(F.mse_loss(model(x_t, t, y_in), noise))\n")),
        ("T read from the notebook's global cfg.num_steps instead of schedule.num_steps",
         replace_once(_LOSS, "B, T = x0.shape[0], schedule.num_steps", "B, T = x0.shape[0], cfg.num_steps")),
        ("loss kept with a batch axis of one (mean(dim=0, keepdim=True) of the per-example means): shape (1,), "
         "not a scalar",
         replace_once(_LOSS, "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
              "    per_example = F.mse_loss(model(x_t, t, y_in), noise, reduction='none').flatten(1).mean(1)\n"
              "    return per_example.mean(dim=0, keepdim=True)\n")),
    ],
    "ex6_ddpm": [
        ("alpha for alpha_bar in the eps coefficient: beta_t / sqrt(1 - alpha_t) (= sqrt(beta_t))",
         replace_once(_DDPM, "beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t])",
              "beta_t / torch.sqrt(1.0 - schedule.alphas[t])")),
        ("the sample returned with .cpu() 'for plotting': it leaves the sampling device",
         replace_once(_DDPM, "            on_step(t, x)\n    return x\n",
              "            on_step(t, x)\n    return x.cpu()\n")),
        ("steps 1 and 2 swapped: z drawn before eps_fn is called (global-RNG draws of eps_fn interleave "
         "differently)",
         replace_once(_DDPM, "        eps = eps_fn(x, t)\n        if t > 0:\n"
                             "            z = torch.randn(shape, generator=generator, device=device)\n"
                             "        else:\n            z = torch.zeros(shape, device=device)\n",
              "        if t > 0:\n            z = torch.randn(shape, generator=generator, device=device)\n"
              "        else:\n            z = torch.zeros(shape, device=device)\n        eps = eps_fn(x, t)\n")),
        ("ddpm_step scales the caller's eps in place (eps.mul_(coefficient))",
         replace_once(_DDPM, "    mean = (x_t - beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps) / "
                             "torch.sqrt(schedule.alphas[t])\n",
              "    eps.mul_(beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]))\n"
              "    mean = (x_t - eps) / torch.sqrt(schedule.alphas[t])\n")),
    ],
    "ex7_ddim": [
        ("ddim_timesteps as list(torch.arange(...) * k): a list of 0-d tensors, not of ints",
         replace_once(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
              "    return list(torch.arange(num_steps - 1, -1, -1) * k)\n")),
        ("signal coefficient sqrt(alpha_bar_t') forgotten: x_t' = x0_hat + sqrt(1 - alpha_bar_t') eps",
         replace_once(_DDIM, "(a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps)",
              "(x0_hat + (1 - a_prev).sqrt() * eps)")),
        ("initial x drawn without device=device: CPU noise whatever the sampling device",
         replace_once(_DDIM, "    x = torch.randn(shape, generator=generator, device=device)\n",
              "    x = torch.randn(shape, generator=generator)\n")),
        ("diffusers' steps_offset = 1 added: (n - 1) k + 1, ..., k + 1, 1 (step 0 never visited)",
         replace_once(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
              "    return [i * k + 1 for i in range(num_steps - 1, -1, -1)]\n")),
    ],
    "ex8_guidance": [
        ("labels torch.stack([y, null]) instead of torch.cat: a (2, B) label tensor for a batch of 2B",
         replace_once(_CFG, "torch.cat([y, null], dim=0)", "torch.stack([y, null])")),
        ("the output unpacked as a tensor (eps_c, eps_u = out): only a batch of one runs, and its batch axis "
         "is lost",
         replace_once(_CFG, "    eps_c, eps_u = out.chunk(2, dim=0)\n", "    eps_c, eps_u = out\n")),
        ("the notebook's global cfg.guidance used instead of the scale argument",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n",
              "    return eps_u + cfg.guidance * (eps_c - eps_u)\n")),
        ("expanded form with a sign slip: w eps_c - (1 - w) eps_u instead of w eps_c + (1 - w) eps_u",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n",
              "    return scale * eps_c - (1 - scale) * eps_u\n")),
    ],
}
