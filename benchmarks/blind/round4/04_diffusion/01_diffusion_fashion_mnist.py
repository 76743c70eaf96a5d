"""Blind round 4, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of tests/mutants, rounds 1-3 holds.
Right answers: CORRECT[gid][0] is round 2's (reused through round 3's names, the reference keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND3 = earlier_round(3, __file__)


_SCHED, _Q, _EMB, _RES, _RES_INIT = ROUND3._SCHED, ROUND3._Q, ROUND3._EMB, ROUND3._RES, ROUND3._RES_INIT
_LOSS, _DDPM, _DDIM, _CFG = ROUND3._LOSS, ROUND3._DDPM, ROUND3._DDIM, ROUND3._CFG

# ----------------------------------------------------------------------------- round 4's own right answers
_SCHED_RATIO = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    grid = torch.linspace(0.0, 1.0, num_steps, dtype=torch.float64)
    return (beta_start + (beta_end - beta_start) * grid).to(torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    def f(u):
        return math.cos((u / num_steps + s) / (1 + s) * math.pi / 2) ** 2

    betas = [min(1 - f(t + 1) / f(t), max_beta) for t in range(num_steps)]
    return torch.tensor(betas, dtype=torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1 - betas
    alpha_bars = alphas.cumprod(dim=0)
    alpha_bars_prev = alpha_bars / alphas        # ᾱ_t / α_t = ᾱ_{t-1}; exactly 1 at t = 0
    alpha_bars_prev[0] = 1.0
    posterior_variance = (1 - alpha_bars_prev) / (1 - alpha_bars) * betas
    return Schedule(betas, alphas, alpha_bars, alpha_bars_prev, posterior_variance)
'''

_Q_MOVEDIM = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = schedule.alpha_bars.to(x0.device).index_select(0, t.to(x0.device))
    # move the batch axis last: (B,) coefficients then broadcast over it directly
    signal = x0.movedim(0, -1) * abar.sqrt()
    spread = noise.movedim(0, -1) * (1 - abar).sqrt()
    return (signal + spread).movedim(-1, 0).to(x0.dtype)
'''

_EMB_FILL = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    idx = torch.arange(0, dim, 2, device=t.device, dtype=torch.float32)        # 2i, i = 0..h-1
    omega = torch.exp(idx * (-math.log(max_period) / dim))                       # exp(-ln(P) i / h)
    angle = t.to(torch.float32)[:, None] * omega[None, :]
    out = t.new_zeros((t.shape[0], dim), dtype=torch.float32)
    out[:, :half] = torch.sin(angle)
    out[:, half:] = torch.cos(angle)
    return out
'''

_RES_UNFLATTEN = _RES_INIT + '''        shift = self.emb_proj(emb).unflatten(1, (-1, 1, 1))      # (B, C, 1, 1)
        h = self.conv1(nn.functional.silu(self.norm1(x))) + shift
        out = self.conv2(nn.functional.silu(self.norm2(h)))
        return torch.add(self.skip(x), out)
'''

_LOSS_ARITH = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    n, dev = x0.shape[0], x0.device
    t = torch.randint(0, schedule.num_steps, (n,), generator=generator, device=dev)
    noise = torch.randn(x0.shape, generator=generator, device=dev)
    drop = torch.rand(n, generator=generator, device=dev) < p_uncond
    labels = y + drop.long() * (model.num_classes - y)        # a new tensor; y is left alone
    prediction = model(q_sample(x0, t, noise, schedule), t, labels)
    return ((prediction - noise) ** 2).mean()
'''

_DDPM_ADDCMUL = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    coef = schedule.betas[t] / (1 - schedule.alpha_bars[t]).sqrt()
    mean = torch.addcmul(x_t, eps, -coef * torch.ones_like(eps)) / schedule.alphas[t].sqrt()
    return mean if t == 0 else mean + schedule.posterior_variance[t].sqrt() * noise


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    for t in range(schedule.num_steps - 1, -1, -1):
        eps = eps_fn(x, t)
        z = torch.randn(shape, generator=generator, device=device) if t else torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step:
            on_step(t, x)
    return x
'''

_DDIM_RANGE = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return list(range((num_steps - 1) * k, -1, -k))


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a_t = alpha_bars[t].to(x_t.dtype)
    x0_hat = (x_t - torch.sqrt(1 - a_t) * eps) / torch.sqrt(a_t)
    if t_prev < 0:                                   # the final jump: a clean image
        return x0_hat.to(x_t.dtype)
    a_prev = alpha_bars[t_prev].to(x_t.dtype)
    return (torch.sqrt(a_prev) * x0_hat + torch.sqrt(1 - a_prev) * eps).to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    steps = ddim_timesteps(alpha_bars.shape[0], num_steps)
    for t, t_prev in zip(steps, steps[1:] + [-1]):
        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)
    return x
'''

_CFG_NEWFULL = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    n = len(y)
    labels = torch.cat([y.new_full((n,), model.num_classes), y])      # unconditional half first
    steps = labels.new_full((2 * n,), t)                                # long, like the labels
    out = model(x.repeat(2, *([1] * (x.dim() - 1))), steps, labels)
    eps_u, eps_c = out[:n], out[n:]
    return eps_u.add(eps_c - eps_u, alpha=scale)
'''

CORRECT = {
    "ex1_schedule": [("linspace, vectorised float64 cosine, cumprod, cat (round 2)", _SCHED),
                     ("float64 interpolation, a math.cos list, prev as alpha_bars / alphas (round 4)", _SCHED_RATIO)],
    "ex2_forward": [("index, view to (B, 1, ..., 1) (round 2)", _Q),
                    ("index_select, batch axis moved last with movedim (round 4)", _Q_MOVEDIM)],
    "ex3_time_embedding": [("exp frequencies, unsqueeze, cat (round 2)", _EMB),
                           ("arange(0, dim, 2) / dim exponents, halves filled into new_zeros (round 4)", _EMB_FILL)],
    "ex4_resblock": [("one operation per line (round 2)", _RES),
                     ("unflatten of the shift, nn.functional.silu, torch.add (round 4)", _RES_UNFLATTEN)],
    "ex5_loss": [("torch.where, F.mse_loss (round 2)", _LOSS),
                 ("labels by arithmetic on the drop mask, squared error by hand (round 4)", _LOSS_ARITH)],
    "ex6_ddpm": [("tensor coefficients, reversed(range) (round 2)", _DDPM),
                 ("addcmul mean, conditional expressions, range counting down (round 4)", _DDPM_ADDCMUL)],
    "ex7_ddim": [("x0_hat then re-noise (round 2)", _DDIM),
                 ("list(range) spacing, early return of x0_hat, zip with [-1] (round 4)", _DDIM_RANGE)],
    "ex8_guidance": [("cat, conditional half first, chunk (round 2)", _CFG),
                     ("new_full labels and steps, repeat, unconditional first, add(alpha=scale) (round 4)", _CFG_NEWFULL)],
}

_DDPM_STEP_END = "    return mean + torch.sqrt(schedule.posterior_variance[t]) * noise\n"

MUTANTS = {
    "ex1_schedule": [
        ("typo in the default: beta_end = 0.002 instead of 0.02",
         replace_once(_SCHED, "beta_end: float = 0.02", "beta_end: float = 0.002")),
        ("cosine ratio upside down: 1 - f(t) / f(t + 1) (negative betas)",
         replace_once(_SCHED, "1.0 - f[1:] / f[:-1]", "1.0 - f[:-1] / f[1:]")),
        ("cosine angle times pi instead of pi / 2 (f is cos^2 of up to pi)",
         replace_once(_SCHED, "* (math.pi / 2)", "* math.pi")),
        ("posterior_variance holds the posterior std (square root taken, as the sampler uses it)",
         replace_once(_SCHED, "posterior_variance = betas * (1.0 - alpha_bars_prev) / (1.0 - alpha_bars)",
              "posterior_variance = (betas * (1.0 - alpha_bars_prev) / (1.0 - alpha_bars)).sqrt()")),
    ],
    "ex2_forward": [
        ("coefficients broadcast by expand_as(x0): aligns from the right, fails unless the batch is 1",
         replace_once(_Q, "    abar = abar.view(x0.shape[0], *([1] * (x0.dim() - 1)))\n", "    abar = abar.expand_as(x0)\n")),
        ("standardises the given noise first ((noise - mean) / std) 'to be sure it is N(0, I)'",
         replace_once(_Q, "    return (", "    noise = (noise - noise.mean()) / noise.std()\n    return (")),
        ("rescales x_t to unit std (the 'total variance stays 1' sentence taken literally)",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
              "    x_t = abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise\n"
              "    return (x_t / x_t.std()).to(x0.dtype)\n")),
        ("per-example loop writing into torch.empty_like(noise): the result has noise's dtype",
         '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    out = torch.empty_like(noise)
    for i in range(x0.shape[0]):
        abar = schedule.alpha_bars[t[i]]
        out[i] = abar.sqrt() * x0[i] + (1 - abar).sqrt() * noise[i]
    return out
'''),
    ],
    "ex3_time_embedding": [
        ("t.squeeze() first 'in case it is (B, 1)': a batch of one becomes a 0-d tensor and breaks",
         replace_once(_EMB, "    angles = t.float().unsqueeze(1)", "    t = t.squeeze()\n    angles = t.float().unsqueeze(1)")),
        ("default max_period = 1000 (the number of diffusion steps) instead of 10000",
         replace_once(_EMB, "max_period: float = 10000.0", "max_period: float = 1000.0")),
        ("frequencies made in float64 (arange(dtype=float64)): the embedding of integer steps is float64",
         replace_once(_EMB, "i = torch.arange(half, device=t.device, dtype=torch.float32)",
              "i = torch.arange(half, device=t.device, dtype=torch.float64)")),
        ("t.unsqueeze_(1) in place: a float32 t given by the caller comes back with shape (B, 1)",
         replace_once(_EMB, "    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)\n",
              "    t = t.float()\n    t.unsqueeze_(1)\n    angles = t * freqs.unsqueeze(0)\n")),
    ],
    "ex4_resblock": [
        ("F.dropout(h, 0.1) before conv2 (the DDPM paper's dropout), always on: random outputs",
         replace_once(_RES, "        h = self.conv2(h)\n", "        h = F.dropout(h, 0.1)\n        h = self.conv2(h)\n")),
        ("shift unsqueezed once ([..., None]): a (B, C, 1) shift does not line up with (B, C, H, W)",
         replace_once(_RES, "self.emb_proj(emb)[:, :, None, None]", "self.emb_proj(emb)[..., None]")),
        ("copy-paste slip: conv1 used again in the second branch (conv2 never used)",
         replace_once(_RES, "        h = self.conv2(h)\n", "        h = self.conv1(h)\n")),
        ("projection written as F.linear(emb, emb_proj.weight): its bias is left out",
         replace_once(_RES, "self.emb_proj(emb)[:, :, None, None]", "F.linear(emb, self.emb_proj.weight)[:, :, None, None]")),
    ],
    "ex5_loss": [
        ("'no label' index read as model.class_emb.num_embeddings (num_classes + 1: one past the extra row)",
         replace_once(_LOSS, "torch.full_like(y, model.num_classes)", "torch.full_like(y, model.class_emb.num_embeddings)")),
        ("per-example losses (mean over the pixels only): a (B,) tensor, not a scalar",
         replace_once(_LOSS, "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
              "    err = F.mse_loss(model(x_t, t, y_in), noise, reduction='none')\n"
              "    return err.flatten(1).mean(dim=1)\n")),
        ("q_sample given fresh torch.randn_like noise: the target is not the noise that was added",
         replace_once(_LOSS, "x_t = q_sample(x0, t, noise, schedule)", "x_t = q_sample(x0, t, torch.randn_like(x0), schedule)")),
        ("skips the label-dropout draw when p_uncond == 0 (the generator is left one call behind)",
         replace_once(_LOSS, "    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label\n",
              "    if p_uncond > 0:\n"
              "        drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond\n"
              "    else:\n"
              "        drop = torch.zeros(B, dtype=torch.bool, device=x0.device)\n")),
    ],
    "ex6_ddpm": [
        ("clips the final sample to [-1, 1] (the pixel range) before returning it",
         replace_once(_DDPM, "            on_step(t, x)\n    return x\n", "            on_step(t, x)\n    return x.clamp(-1.0, 1.0)\n")),
        ("z drawn with torch.randn_like(x): the global generator, not the one given",
         replace_once(_DDPM, "            z = torch.randn(shape, generator=generator, device=device)\n",
              "            z = torch.randn_like(x)\n")),
        ("mean multiplied by sqrt(alpha_t) instead of divided by it",
         replace_once(_DDPM, "* eps) / torch.sqrt(schedule.alphas[t])", "* eps) * torch.sqrt(schedule.alphas[t])")),
        ("scales the caller's noise in place (noise.mul_(sigma))",
         replace_once(_DDPM, _DDPM_STEP_END,
              "    noise.mul_(torch.sqrt(schedule.posterior_variance[t]))\n    return mean + noise\n")),
    ],
    "ex7_ddim": [
        ("x0_hat divided by alpha_bar_t instead of its square root",
         replace_once(_DDIM, "x0_hat = (x_t - (1 - a_t).sqrt() * eps) / a_t.sqrt()", "x0_hat = (x_t - (1 - a_t).sqrt() * eps) / a_t")),
        ("ddim_sample calls ddim_timesteps(num_steps, len(alpha_bars)): the arguments swapped",
         replace_once(_DDIM, "steps = ddim_timesteps(len(alpha_bars), num_steps)", "steps = ddim_timesteps(num_steps, len(alpha_bars))")),
        ("ddim_timesteps returns the range object itself, not a list",
         replace_once(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
              "    return range((num_steps - 1) * k, -1, -k)\n")),
        ("each jump goes one training step down (t_prev = t - 1) instead of to the next DDIM step",
         replace_once(_DDIM, "t_prev = steps[i + 1] if i + 1 < len(steps) else -1", "t_prev = t - 1")),
    ],
    "ex8_guidance": [
        ("the other paper's convention: eps_u + (1 + w)(eps_c - eps_u)",
         replace_once(_CFG, "eps_u + scale * (eps_c - eps_u)", "eps_u + (1 + scale) * (eps_c - eps_u)")),
        ("steps made as torch.int32 (dtype=torch.int) instead of torch.long",
         replace_once(_CFG, "steps = torch.full((2 * B,), t, dtype=torch.long, device=x.device)",
              "steps = torch.full((2 * B,), t, dtype=torch.int, device=x.device)")),
        ("a weighted average (eps_u + w eps_c) / (1 + w) instead of the extrapolation",
         replace_once(_CFG, "eps_u + scale * (eps_c - eps_u)", "(eps_u + scale * eps_c) / (1 + scale)")),
        ("'no label' taken as one past the largest label in the batch (y.max() + 1)",
         replace_once(_CFG, "null = torch.full_like(y, model.num_classes)", "null = torch.full_like(y, int(y.max()) + 1)")),
    ],
}
