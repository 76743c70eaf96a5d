"""Blind round 5, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-4 holds.
Right answers: CORRECT[gid][0] is round 4's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND4 = earlier_round(4, __file__)


_SCHED, _Q, _EMB, _RES, _RES_INIT = ROUND4._SCHED, ROUND4._Q, ROUND4._EMB, ROUND4._RES, ROUND4._RES_INIT
_LOSS, _DDPM, _DDIM, _CFG = ROUND4._LOSS, ROUND4._DDPM, ROUND4._DDIM, ROUND4._CFG

# ----------------------------------------------------------------------------- round 5's own right answers
_SCHED_LERP = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    weight = torch.linspace(0.0, 1.0, num_steps, dtype=torch.float32)
    return torch.lerp(torch.full((num_steps,), beta_start), torch.full((num_steps,), beta_end), weight)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    u = torch.arange(num_steps + 1, dtype=torch.float64)
    f = torch.cos((u / num_steps + s) / (1 + s) * math.pi / 2).pow(2)
    alpha_bar = f / f[0]                       # index t + 1 holds alpha_bar_t = f(t + 1) / f(0)
    return torch.clamp_max(1 - alpha_bar[1:] / alpha_bar[:-1], max_beta).to(torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = torch.rsub(betas, 1)
    alpha_bars = torch.cumprod(alphas, 0)
    alpha_bars_prev = torch.hstack([alpha_bars.new_tensor([1.0]), alpha_bars[:-1]])
    posterior_variance = (1 - alpha_bars_prev) / (1 - alpha_bars) * betas
    values = dict(betas=betas, alphas=alphas, alpha_bars=alpha_bars, alpha_bars_prev=alpha_bars_prev,
                  posterior_variance=posterior_variance)
    return Schedule(**values)
'''

_Q_LOOP = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    rows = []
    for x0_i, t_i, noise_i in zip(x0, t.tolist(), noise):
        abar = float(schedule.alpha_bars[t_i])
        rows.append(math.sqrt(abar) * x0_i + math.sqrt(1.0 - abar) * noise_i)
    return torch.stack(rows).to(x0.dtype)
'''

_EMB_MATMUL = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    exponent = torch.arange(half, device=t.device).to(torch.float32) * (-math.log(max_period) / half)
    column = t.to(torch.float32).reshape(-1, 1)                   # (B, 1)
    angles = column @ torch.exp(exponent).reshape(1, -1)          # outer product as a matmul: (B, h)
    return torch.concat((torch.sin(angles), torch.cos(angles)), dim=-1)
'''

_RES_FUNCTIONAL = _RES_INIT + '''        n1, n2 = self.norm1, self.norm2
        h = F.group_norm(x, n1.num_groups, n1.weight, n1.bias, n1.eps)
        h = self.conv1(F.silu(h)) + self.emb_proj(emb)[..., None, None]
        h = F.group_norm(h, n2.num_groups, n2.weight, n2.bias, n2.eps)
        return self.skip(x) + self.conv2(F.silu(h))
'''

_LOSS_MODULE = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    n, T = x0.size(0), len(schedule.betas)
    t = torch.randint(0, T, (n,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(n, generator=generator, device=x0.device) < p_uncond
    labels = torch.where(drop, model.num_classes, y)          # a new tensor of y's dtype
    criterion = nn.MSELoss()
    return criterion(model(q_sample(x0, t, noise, schedule), t, labels), noise)
'''

_DDPM_F64 = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    out_dtype = torch.promote_types(x_t.dtype, eps.dtype)
    beta, alpha, abar = (v[t].double() for v in (schedule.betas, schedule.alphas, schedule.alpha_bars))
    mean = (x_t.double() - beta / torch.sqrt(1 - abar) * eps.double()) / torch.sqrt(alpha)
    if t == 0:                                   # the last step: the mean, no noise
        return mean.to(out_dtype)
    sigma = torch.sqrt(schedule.posterior_variance[t].double())
    return (mean + sigma * noise.double()).to(torch.promote_types(out_dtype, noise.dtype))


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    for t in range(schedule.num_steps)[::-1]:
        eps = eps_fn(x, t)
        z = torch.randn(shape, generator=generator, device=device) if t > 0 else torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step is not None:
            on_step(t, x)
    return x
'''

_DDIM_QUEUE = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return torch.arange(num_steps - 1, -1, -1).mul(k).tolist()


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a_t = alpha_bars[t].to(x_t.dtype)
    a_prev = alpha_bars[t_prev].to(x_t.dtype) if t_prev >= 0 else x_t.new_ones(())
    ratio = torch.sqrt(a_prev / a_t)
    # x_{t'} = sqrt(a' / a) (x_t - sqrt(1 - a) eps) + sqrt(1 - a') eps
    return torch.addcmul(ratio * (x_t - torch.sqrt(1 - a_t) * eps), torch.sqrt(1 - a_prev), eps).to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    queue = ddim_timesteps(len(alpha_bars), num_steps)
    while queue:
        t = queue.pop(0)
        t_prev = queue[0] if queue else -1
        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)
    return x
'''

_CFG_EXPAND = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = len(y)
    labels = torch.cat((y, y.new_tensor([model.num_classes]).expand(B)))
    steps = torch.full_like(labels, t)                  # (2B,) long, like the labels
    eps_c, eps_u = model(torch.cat((x, x)), steps, labels).split([B, B])
    return eps_u + scale * (eps_c - eps_u)
'''

CORRECT = {
    "ex1_schedule": [("linspace, vectorised float64 cosine, cumprod, cat (round 2)", _SCHED),
                     ("torch.lerp over a linspace weight, cosine through alpha_bar ratios with clamp_max, "
                      "hstack for prev, Schedule(**dict) (round 5)", _SCHED_LERP)],
    "ex2_forward": [("index, view to (B, 1, ..., 1) (round 2)", _Q),
                    ("a Python loop over the examples with math.sqrt float coefficients, torch.stack (round 5)",
                     _Q_LOOP)],
    "ex3_time_embedding": [("exp frequencies, unsqueeze, cat (round 2)", _EMB),
                           ("outer product as a (B, 1) @ (1, h) matmul, torch.concat (round 5)", _EMB_MATMUL)],
    "ex4_resblock": [("one operation per line (round 2)", _RES),
                     ("F.group_norm with the layers' own weight, bias and eps, [..., None, None] (round 5)",
                      _RES_FUNCTIONAL)],
    "ex5_loss": [("torch.where, F.mse_loss (round 2)", _LOSS),
                 ("torch.where with a scalar fill, nn.MSELoss module (round 5)", _LOSS_MODULE)],
    "ex6_ddpm": [("tensor coefficients, reversed(range) (round 2)", _DDPM),
                 ("float64 inside, cast back to the promoted input dtype, range(T)[::-1] (round 5)", _DDPM_F64)],
    "ex7_ddim": [("x0_hat then re-noise (round 2)", _DDIM),
                 ("arange(...).mul(k).tolist(), sqrt(a'/a) ratio with addcmul, a queue popped in a while loop "
                  "(round 5)", _DDIM_QUEUE)],
    "ex8_guidance": [("cat, conditional half first, chunk (round 2)", _CFG),
                     ("expanded one-element null label, full_like steps, split([B, B]) (round 5)", _CFG_EXPAND)],
}

_DDPM_LOOP = '''    for t in reversed(range(schedule.num_steps)):
        eps = eps_fn(x, t)
        if t > 0:
            z = torch.randn(shape, generator=generator, device=device)
        else:
            z = torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step is not None:
            on_step(t, x)
'''

_DDPM_PAPER_LOOP = '''    for t in range(schedule.num_steps, 0, -1):          # the paper's t = T, ..., 1
        eps = eps_fn(x, t)
        if t > 1:
            z = torch.randn(shape, generator=generator, device=device)
        else:
            z = torch.zeros(shape, device=device)
        x = ddpm_step(eps, t - 1, x, schedule, z)        # our tables start at index 0
        if on_step is not None:
            on_step(t, x)
'''

_DDIM_STEPS = "    k = num_train_steps // num_steps\n    return [i * k for i in range(num_steps - 1, -1, -1)]\n"

MUTANTS = {
    "ex1_schedule": [
        ("Schedule built positionally with alpha_bars_prev before alpha_bars: the two fields swapped",
         replace_once(_SCHED, "    return Schedule(betas=betas, alphas=alphas, alpha_bars=alpha_bars,\n"
                      "                    alpha_bars_prev=alpha_bars_prev, posterior_variance=posterior_variance)\n",
              "    return Schedule(betas, alphas, alpha_bars_prev, alpha_bars, posterior_variance)\n")),
        ("alphas.cumprod_(0) in place: alphas is overwritten by the running product (alphas == alpha_bars)",
         replace_once(_SCHED, "alpha_bars = torch.cumprod(alphas, dim=0)", "alpha_bars = alphas.cumprod_(dim=0)")),
        ("cosine alpha_bar_t read as f(t) / f(0), not f(t + 1) / f(0): betas one step late, beta_0 = 0",
         replace_once(_SCHED, "    betas = (1.0 - f[1:] / f[:-1]).clamp(max=max_beta)\n",
              "    abar = f[:-1] / f[0]\n"
              "    betas = (1.0 - abar / torch.cat([abar.new_ones(1), abar[:-1]])).clamp(max=max_beta)\n")),
        ("cumprod taken in float64 'for precision' and never cast back: alpha_bars, prev and posterior_variance float64",
         replace_once(_SCHED, "alpha_bars = torch.cumprod(alphas, dim=0)", "alpha_bars = torch.cumprod(alphas.double(), dim=0)")),
    ],
    "ex2_forward": [
        ("t = 0 read as the paper's clean x_0: examples at step 0 come back without noise",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
              "    x_t = abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise\n"
              "    clean = (t == 0).to(x0.device).view(abar.shape)\n"
              "    return torch.where(clean, x0, x_t).to(x0.dtype)\n")),
        ("square root on the noise coefficient only: alpha_bar x0 + sqrt(1 - alpha_bar) noise",
         replace_once(_Q, "abar.sqrt() * x0 +", "abar * x0 +")),
        ("flattens x0 and noise to (B, D) for the broadcast and returns the flat result (shape lost)",
         '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = schedule.alpha_bars.to(x0.device)[t][:, None]            # (B, 1) against (B, D)
    flat_x0, flat_noise = x0.flatten(1), noise.flatten(1)
    return (abar.sqrt() * flat_x0 + (1.0 - abar).sqrt() * flat_noise).to(x0.dtype)
'''),
        ("coefficients shaped for images (B, 1, 1, 1) or vectors (B, 1) only: other ranks mis-broadcast",
         replace_once(_Q, "    abar = abar.view(x0.shape[0], *([1] * (x0.dim() - 1)))\n",
              "    abar = abar[:, None, None, None] if x0.dim() == 4 else abar[:, None]\n")),
    ],
    "ex3_time_embedding": [
        ("float steps taken as fractions of T and multiplied by 1000 ('integer or float' misread)",
         replace_once(_EMB, "    angles = t.float()", "    if t.is_floating_point():\n        t = t * 1000\n    angles = t.float()")),
        ("precedence slip: max_period ** -i / h (= P^-i / h) instead of max_period ** (-i / h)",
         replace_once(_EMB, "freqs = torch.exp(-math.log(max_period) * i / half)", "freqs = max_period ** -i / half")),
        ("h taken as dim instead of dim / 2: dim frequencies and a (B, 2 dim) result",
         replace_once(_EMB, "half = dim // 2", "half = dim")),
        ("no outer product: t * freqs elementwise (fails unless B is 1 or dim / 2; a batch of one gives (dim,))",
         replace_once(_EMB, "    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)\n"
                    "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
              "    angles = t.float() * freqs\n"
              "    return torch.cat([angles.sin(), angles.cos()], dim=-1)\n")),
    ],
    "ex4_resblock": [
        ("out = self.skip(x); out += h: with the Identity skip the caller's x is changed in place",
         replace_once(_RES, "        return h + self.skip(x)\n", "        out = self.skip(x)\n        out += h\n        return out\n")),
        ("second branch in the classic post-activation order: SiLU(norm2(conv2(h)))",
         replace_once(_RES, "        h = self.norm2(h)\n        h = F.silu(h)\n        h = self.conv2(h)\n",
              "        h = self.conv2(h)\n        h = self.norm2(h)\n        h = F.silu(h)\n")),
        ("SiLU applied to the projected shift (F.silu(emb_proj(emb)))",
         replace_once(_RES, "self.emb_proj(emb)[:, :, None, None]", "F.silu(self.emb_proj(emb))[:, :, None, None]")),
        ("shift viewed with x.shape[1] (in_channels) channels: breaks when the block changes the channel count",
         replace_once(_RES, "self.emb_proj(emb)[:, :, None, None]", "self.emb_proj(emb).view(x.shape[0], x.shape[1], 1, 1)")),
    ],
    "ex5_loss": [
        ("drop mask drawn from the global RNG (generator left out of the torch.rand call)",
         replace_once(_LOSS, "torch.rand(B, generator=generator, device=x0.device) < p_uncond",
              "torch.rand(B, device=x0.device) < p_uncond")),
        ("the model call inside the torch.no_grad() meant for the noising: the loss has no graph",
         replace_once(_LOSS, "    x_t = q_sample(x0, t, noise, schedule)\n    return F.mse_loss(model(x_t, t, y_in), noise)\n",
              "    with torch.no_grad():                      # noising has nothing to train\n"
              "        x_t = q_sample(x0, t, noise, schedule)\n"
              "        prediction = model(x_t, t, y_in)\n"
              "    return F.mse_loss(prediction, noise)\n")),
        ("'no label' written as -1 (the usual ignore index) instead of model.num_classes",
         replace_once(_LOSS, "torch.full_like(y, model.num_classes)", "torch.full_like(y, -1)")),
        ("half the mean squared error (the Gaussian log-likelihood's 1/2 kept)",
         replace_once(_LOSS, "    return F.mse_loss(", "    return 0.5 * F.mse_loss(")),
    ],
    "ex6_ddpm": [
        ("no t == 0 branch: relies on posterior_variance[0] being 0 and adds sigma_0 z at the last step",
         replace_once(_DDPM, "    if t == 0:\n        return mean\n", "")),
        ("ddpm_step ignores the noise it is given and draws its own (torch.randn_like(x_t))",
         replace_once(_DDPM, "torch.sqrt(schedule.posterior_variance[t]) * noise",
              "torch.sqrt(schedule.posterior_variance[t]) * torch.randn_like(x_t)")),
        ("generator None replaced by a seed-0 generator 'for reproducibility': the global RNG is never used",
         replace_once(_DDPM, "    x = torch.randn(shape, generator=generator, device=device)\n",
              "    if generator is None:\n"
              "        generator = torch.Generator(device).manual_seed(0)\n"
              "    x = torch.randn(shape, generator=generator, device=device)\n")),
        ("the paper's loop t = T..1: eps_fn and on_step get the 1-based step t + 1",
         replace_once(_DDPM, _DDPM_LOOP, _DDPM_PAPER_LOOP)),
    ],
    "ex7_ddim": [
        ("steps int(i T / n) (true division, truncated): not multiples of T // n when n does not divide T",
         replace_once(_DDIM, _DDIM_STEPS, "    return [int(i * num_train_steps / num_steps) for i in range(num_steps - 1, -1, -1)]\n")),
        ("range(0, T, k) reversed, then cut to n: keeps the large end and drops step 0 when n does not divide T",
         replace_once(_DDIM, _DDIM_STEPS, "    k = num_train_steps // num_steps\n"
                                  "    return list(range(0, num_train_steps, k))[::-1][:num_steps]\n")),
        ("n + 1 steps: range(n k, -1, -k) starts at n k (= T when n divides T)",
         replace_once(_DDIM, _DDIM_STEPS, "    k = num_train_steps // num_steps\n"
                                  "    return list(range(num_steps * k, -1, -k))\n")),
        ("re-noises x0_hat with fresh torch.randn_like noise instead of along the predicted eps",
         replace_once(_DDIM, "(1 - a_prev).sqrt() * eps)", "(1 - a_prev).sqrt() * torch.randn_like(x0_hat))")),
    ],
    "ex8_guidance": [
        ("'no label' read as num_classes - 1 (the last index of 0..num_classes-1), a real class",
         replace_once(_CFG, "torch.full_like(y, model.num_classes)", "torch.full_like(y, model.num_classes - 1)")),
        ("torch.stack([x, x]) instead of torch.cat: the model gets a (2, B, ...) batch",
         replace_once(_CFG, "torch.cat([x, x], dim=0)", "torch.stack([x, x], dim=0)")),
        ("model called as model(x, y, t): labels and steps swapped",
         replace_once(_CFG, "steps, torch.cat([y, null], dim=0))", "torch.cat([y, null], dim=0), steps)")),
        ("null labels from torch.ones(B) * num_classes: float, so the 2B labels are float",
         replace_once(_CFG, "null = torch.full_like(y, model.num_classes)", "null = torch.ones(B, device=x.device) * model.num_classes")),
    ],
}
