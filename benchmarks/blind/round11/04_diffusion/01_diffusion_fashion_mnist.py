"""Blind round 11, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-10 holds.
Right answers: CORRECT[gid][0] is round 10's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND10 = earlier_round(10, __file__)


_SCHED, _Q, _EMB, _RES, _RES_INIT = ROUND10._SCHED, ROUND10._Q, ROUND10._EMB, ROUND10._RES, ROUND10._RES_INIT
_LOSS, _DDPM, _DDIM, _CFG = ROUND10._LOSS, ROUND10._DDPM, ROUND10._DDIM, ROUND10._CFG

# ----------------------------------------------------------------------------- round 11's own right answers
_SCHED_ARANGE = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    i = torch.arange(num_steps, dtype=torch.float64)
    step = (beta_end - beta_start) / max(num_steps - 1, 1)              # one step: just beta_start
    return (beta_start + step * i).to(torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    u = torch.arange(num_steps + 1, dtype=torch.float64)
    f = torch.cos((u / num_steps + s) / (1 + s) * math.pi / 2).square()
    alpha_bar = f / f[0]                                                 # alpha_bar_{t-1} = f(t) / f(0)
    betas = 1.0 - alpha_bar[1:] / alpha_bar[:-1]
    return torch.minimum(betas, torch.full_like(betas, max_beta)).to(torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1.0 - betas
    alpha_bars = torch.cumprod(alphas, 0)
    alpha_bars_prev = torch.cat((torch.ones_like(alpha_bars[:1]), alpha_bars[:-1]))
    posterior_variance = (1.0 - alpha_bars_prev).div(1.0 - alpha_bars).mul(betas)
    return Schedule(**dict(betas=betas, alphas=alphas, alpha_bars=alpha_bars, alpha_bars_prev=alpha_bars_prev,
                           posterior_variance=posterior_variance))
'''

_Q_EINSUM = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = schedule.alpha_bars.to(x0.device)[t.to(x0.device).long()]
    dt = torch.promote_types(abar.dtype, x0.dtype)
    signal = torch.einsum("b,b...->b...", abar.sqrt().to(dt), x0.to(dt))
    spread = torch.einsum("b,b...->b...", (1.0 - abar).sqrt().to(dt), noise.to(dt))
    return (signal + spread).to(x0.dtype)
'''

_EMB_POW = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    freqs = max_period ** (-torch.arange(half, dtype=torch.float32, device=t.device) / half)
    angles = torch.outer(t.to(torch.float32), freqs)
    return torch.cat((torch.sin(angles), torch.cos(angles)), dim=-1)
'''

_RES_SIGMOID = _RES_INIT + '''        a = self.norm1(x)
        h = self.conv1(a * torch.sigmoid(a))                               # SiLU(u) = u sigmoid(u)
        h = h + self.emb_proj(emb).reshape(len(emb), -1, 1, 1)
        b = self.norm2(h)
        return self.skip(x).add(self.conv2(b * torch.sigmoid(b)))
'''

_LOSS_MASKED_FILL = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B, T = x0.size(0), schedule.num_steps
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label
    y_in = y.masked_fill(drop, model.num_classes)                         # a new tensor
    eps_hat = model(q_sample(x0, t, noise, schedule), t, y_in)
    return (eps_hat - noise).square().mean()
'''

_DDPM_WHILE = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    eps_coef = schedule.betas[t] * torch.rsqrt(1.0 - schedule.alpha_bars[t])
    mean = (x_t - eps_coef * eps) * torch.rsqrt(schedule.alphas[t])
    if t > 0:
        mean = mean + schedule.posterior_variance[t].sqrt() * noise
    return mean


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    t = schedule.num_steps
    while t > 0:
        t -= 1
        eps = eps_fn(x, t)
        if t == 0:
            z = torch.zeros(shape, device=device)
        else:
            z = torch.randn(shape, generator=generator, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step is not None:
            on_step(t, x)
    return x
'''

_DDIM_COEFS = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return [k * (num_steps - 1 - i) for i in range(num_steps)]


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a = alpha_bars[t]
    a_prev = alpha_bars[t_prev] if t_prev != -1 else alpha_bars.new_ones(())
    # x_t' = sqrt(a' / a) x_t + (sqrt(1 - a') - sqrt(a' (1 - a) / a)) eps: x0_hat substituted
    c_x = torch.sqrt(a_prev / a)
    c_eps = torch.sqrt(1.0 - a_prev) - torch.sqrt(a_prev * (1.0 - a) / a)
    return (c_x * x_t + c_eps * eps).to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(len(alpha_bars), num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    i = 0
    while i < len(steps):
        t, t_prev = steps[i], (steps[i + 1] if i + 1 < len(steps) else -1)
        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)
        i += 1
    return x
'''

_CFG_LERP = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = len(x)
    labels = torch.cat((y, y.new_full((B,), model.num_classes)))          # conditional half first
    steps = torch.tensor(t, dtype=torch.long, device=x.device).expand(2 * B)
    eps_c, eps_u = model(torch.cat((x, x)), steps, labels).tensor_split(2)
    return torch.lerp(eps_u, eps_c, scale)                                # eps_u + w (eps_c - eps_u)
'''

CORRECT = {
    gid: [ROUND10.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_schedule", "linear as start + i (end - start) / max(T - 1, 1) in float64, cosine through "
                         "alpha_bar = f / f(0) and torch.minimum, prev by cat of ones_like, Schedule(**dict) "
                         "(round 11)", _SCHED_ARANGE),
        ("ex2_forward", "the two terms as einsum('b,b...->b...') in the promoted dtype, t made long (round 11)",
         _Q_EINSUM),
        ("ex3_time_embedding", "frequencies as max_period ** (-i / h), torch.outer, cat on the last dim "
                               "(round 11)", _EMB_POW),
        ("ex4_resblock", "SiLU written as u * sigmoid(u), the shift by reshape(B, -1, 1, 1), "
                         "skip(x).add(...) (round 11)", _RES_SIGMOID),
        ("ex5_loss", "labels by masked_fill (a new tensor), mean of the squared residual (round 11)",
         _LOSS_MASKED_FILL),
        ("ex6_ddpm", "rsqrt coefficients, a while loop counting t down, the noise added only for t > 0 "
                     "(round 11)", _DDPM_WHILE),
        ("ex7_ddim", "steps by k (n - 1 - i), the jump as sqrt(a'/a) x_t plus one eps coefficient, "
                     "a while loop (round 11)", _DDIM_COEFS),
        ("ex8_guidance", "null labels by new_full, a 0-d long step expanded to (2B,), tensor_split, "
                         "torch.lerp(eps_u, eps_c, w) (round 11)", _CFG_LERP),
    )
}

MUTANTS = {
    "ex1_schedule": [
        ("linear betas by numpy's linspace without the cast: np.linspace is float64, so linear_betas "
         "returns float64 - against 'both float32'",
         "\nimport numpy as np\n" + replace_once(
             _SCHED, "    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)\n",
             "    return torch.from_numpy(np.linspace(beta_start, beta_end, num_steps))\n")),
        ("alpha_bars_prev by torch.roll(alpha_bars, 1) with the first entry never reset: it wraps round, "
         "so alpha_bar_{-1} is alpha_bar_{T-1} instead of 1 (and posterior_variance[0] is not 0)",
         replace_once(_SCHED, "    alpha_bars_prev = torch.cat([alpha_bars.new_ones(1), alpha_bars[:-1]])\n",
                      "    alpha_bars_prev = torch.roll(alpha_bars, 1)\n")),
        ("linear betas as beta_start + (beta_end - beta_start) i / (T - 1): a one-step schedule (T = 1) "
         "divides 0 by 0 and comes back NaN instead of (beta_start,)",
         replace_once(_SCHED, "    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)\n",
                      "    i = torch.arange(num_steps, dtype=torch.float32)\n"
                      "    return beta_start + (beta_end - beta_start) * i / (num_steps - 1)\n")),
        ("cosine f without the square: f(u) = cos(...) instead of cos^2(...), so every beta is "
         "1 - cos(t + 1) / cos(t) (about half the noise per step)",
         replace_once(_SCHED, "    f = torch.cos((steps / num_steps + s) / (1 + s) * (math.pi / 2)) ** 2\n",
                      "    f = torch.cos((steps / num_steps + s) / (1 + s) * (math.pi / 2))\n")),
    ],
    "ex2_forward": [
        ("coefficients by torch.take with the caller's t as it is: int32 steps raise (take wants int64) - "
         "against 't is a (B,) tensor of integer steps'",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
                      "    abar = torch.take(schedule.alpha_bars.to(x0.device), t)\n")),
        ("field slip: alpha_bars_prev[t] read instead of alpha_bars[t], so x_t is noised one step too "
         "little (t = 0 comes back exactly x0)",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
                      "    abar = schedule.alpha_bars_prev.to(x0.device)[t]\n")),
        ("field slip: alphas[t] (one step's alpha_t) instead of alpha_bars[t]: q(x_t | x_{t-1}) applied "
         "once to x0 instead of the jump straight to step t",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
                      "    abar = schedule.alphas.to(x0.device)[t]\n")),
        ("square roots cached as new attributes on the caller's schedule object 'so they are computed "
         "once' - against 'a function changes nothing the caller gives it' / 'the schedule is the caller's "
         "too'",
         '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    if not hasattr(schedule, "sqrt_alpha_bars"):          # computed once per schedule
        schedule.sqrt_alpha_bars = schedule.alpha_bars.sqrt()
        schedule.sqrt_one_minus_alpha_bars = (1.0 - schedule.alpha_bars).sqrt()
    shape = (x0.shape[0],) + (1,) * (x0.dim() - 1)
    a = schedule.sqrt_alpha_bars.to(x0.device)[t].view(shape)
    b = schedule.sqrt_one_minus_alpha_bars.to(x0.device)[t].view(shape)
    return (a * x0 + b * noise).to(x0.dtype)
'''),
    ],
    "ex3_time_embedding": [
        ("steps not cast to float32 before the outer product: float64 steps give a float64 embedding - "
         "against 'the result is (B, dim) float32'",
         replace_once(_EMB, "    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)\n",
                      "    angles = t.unsqueeze(1) * freqs.unsqueeze(0)\n")),
        ("sines and cosines interleaved (stack on a new last dim, then flatten): [sin w0, cos w0, sin w1, ...] "
         "instead of all sines, then all cosines",
         replace_once(_EMB, "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
                      "    return torch.stack([angles.sin(), angles.cos()], dim=2).flatten(1)\n")),
        ("cosines first (diffusers' flip_sin_to_cos habit) - against 'sines first'",
         replace_once(_EMB, "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
                      "    return torch.cat([angles.cos(), angles.sin()], dim=1)\n")),
        ("exponent divided by dim instead of h = dim / 2 (the Transformer's i / d_model): the frequencies "
         "decay half as fast, omega_{h-1} = P^{-1/2} instead of about 1 / P",
         replace_once(_EMB, "    freqs = torch.exp(-math.log(max_period) * i / half)\n",
                      "    freqs = torch.exp(-math.log(max_period) * i / dim)\n")),
    ],
    "ex4_resblock": [
        ("the conditioning multiplies h (a FiLM-style scale) instead of being added as a shift",
         replace_once(_RES, "        h = h + self.emb_proj(emb)[:, :, None, None]\n",
                      "        h = h * self.emb_proj(emb)[:, :, None, None]\n")),
        ("conditioning shift added after conv2 (to the output) instead of after conv1",
         replace_once(replace_once(_RES, "        h = h + self.emb_proj(emb)[:, :, None, None]\n", ""),
                      "        return h + self.skip(x)\n",
                      "        return h + self.emb_proj(emb)[:, :, None, None] + self.skip(x)\n")),
        ("first branch in the order SiLU -> norm1 -> conv1 (norm1(SiLU(x))) instead of SiLU(norm1(x))",
         replace_once(_RES, "        h = self.norm1(x)\n        h = F.silu(h)\n",
                      "        h = F.silu(x)\n        h = self.norm1(h)\n")),
        ("variable slip: norm2 applied to x instead of h, so the first branch and the shift are thrown "
         "away (and a block that changes the channel count raises)",
         replace_once(_RES, "        h = self.norm2(h)\n", "        h = self.norm2(x)\n")),
    ],
    "ex5_loss": [
        ("the formula's squared norm taken per example: squares summed over each image's entries, then "
         "averaged over the batch (sum / B) - against 'averaged over every entry'",
         replace_once(_LOSS, "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
                      "    return F.mse_loss(model(x_t, t, y_in), noise, reduction=\"sum\") / B\n")),
        ("model.train() inside the loss 'because this is training': a model the caller left in eval mode "
         "comes back in training mode - against 'every other function that takes a model uses it in the "
         "train/eval mode the caller left it in'",
         replace_once(_LOSS, "    B, T = x0.shape[0], schedule.num_steps\n",
                      "    model.train()\n    B, T = x0.shape[0], schedule.num_steps\n")),
        ("the noising wrapped in torch.set_grad_enabled(False) ... set_grad_enabled(True): a caller that "
         "evaluates the loss under torch.no_grad() gets gradient tracking switched back on (and a loss "
         "with a graph) - against 'the same holds for PyTorch's own switches'",
         replace_once(_LOSS, "    x_t = q_sample(x0, t, noise, schedule)\n",
                      "    torch.set_grad_enabled(False)                  # no graph for the noising\n"
                      "    x_t = q_sample(x0, t, noise, schedule)\n"
                      "    torch.set_grad_enabled(True)\n")),
        ("torch.where arguments swapped: torch.where(drop, y, null) keeps the label where drop is True, so "
         "labels are hidden with probability 1 - p_uncond",
         replace_once(_LOSS, "    y_in = torch.where(drop, torch.full_like(y, model.num_classes), y)\n",
                      "    y_in = torch.where(drop, y, torch.full_like(y, model.num_classes))\n")),
    ],
    "ex6_ddpm": [
        ("on_step called before the step, with the old x - against 'call on_step(t, x) with the new x'",
         replace_once(_DDPM, "        x = ddpm_step(eps, t, x, schedule, z)\n        if on_step is not None:\n"
                             "            on_step(t, x)\n",
                      "        if on_step is not None:\n            on_step(t, x)\n"
                      "        x = ddpm_step(eps, t, x, schedule, z)\n")),
        ("ddpm_step forms the mean in place on the caller's x_t (x_t.sub_(...).div_(...)) - against "
         "'leave x_t, eps and noise as they were' / 'never one updated in place'",
         replace_once(_DDPM, "    mean = (x_t - beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps) / "
                             "torch.sqrt(schedule.alphas[t])\n",
                      "    mean = x_t.sub_(beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps).div_("
                      "torch.sqrt(schedule.alphas[t]))\n")),
        ("on_step called as on_step(x, t), in eps_fn's argument order, instead of on_step(t, x)",
         replace_once(_DDPM, "            on_step(t, x)\n", "            on_step(x, t)\n")),
        ("sigma_t taken as the posterior variance itself (square root forgotten): sigma_t = beta~_t "
         "instead of sqrt(beta~_t)",
         replace_once(_DDPM, "    return mean + torch.sqrt(schedule.posterior_variance[t]) * noise\n",
                      "    return mean + schedule.posterior_variance[t] * noise\n")),
    ],
    "ex7_ddim": [
        ("range stop off by one: range(n - 1, 0, -1) leaves out i = 0, so step 0 is never visited "
         "(n - 1 steps, the final jump starts from step k)",
         replace_once(_DDIM, "range(num_steps - 1, -1, -1)", "range(num_steps - 1, 0, -1)")),
        ("diffusers' 'linspace' spacing (round(linspace(0, T - 1, n)) reversed) instead of the 'leading' "
         "spacing the text asks for: (1000, 4) gives [999, 666, 333, 0]",
         replace_once(_DDIM, "    k = num_train_steps // num_steps\n    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
                      "    steps = torch.linspace(0, num_train_steps - 1, num_steps).round().long()\n"
                      "    return steps.flip(0).tolist()\n")),
        ("t_prev = -1 read as 'step 0': the final jump re-noises to alpha_bar_0 instead of alpha_bar = 1, "
         "so the sample keeps step 0's noise",
         replace_once(_DDIM, "if t_prev >= 0 else torch.ones_like(a_t)", "if t_prev >= 0 else alpha_bars[0]")),
        ("steps reversed again in ddim_sample (DDPM's reversed(range) habit): ddim_timesteps is already "
         "largest first, so the jumps go 0, k, ..., (n - 1) k and then to -1",
         replace_once(_DDIM, "    steps = ddim_timesteps(len(alpha_bars), num_steps)\n",
                      "    steps = list(reversed(ddim_timesteps(len(alpha_bars), num_steps)))\n")),
    ],
    "ex8_guidance": [
        ("model.eval() inside guided_eps 'because it samples': a model the caller left in training mode "
         "comes back in eval mode - against 'every other function that takes a model uses it in the mode "
         "the caller left it in' (only the exercises that sample switch modes)",
         replace_once(_CFG, "    B = x.shape[0]\n", "    model.eval()\n    B = x.shape[0]\n")),
        ("brackets dropped: eps_u + w * eps_c - eps_u, which is just w eps_c",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n",
                      "    return eps_u + scale * eps_c - eps_u\n")),
        ("parameters frozen for the call, then requires_grad_(True) 'restored': a model the caller froze "
         "(like the notebook's EMA copy) comes back trainable - against 'its parameters keep their "
         "requires_grad'",
         replace_once(replace_once(_CFG, "    B = x.shape[0]\n", "    model.requires_grad_(False)\n    B = x.shape[0]\n"),
                      "    eps_c, eps_u = out.chunk(2, dim=0)\n",
                      "    model.requires_grad_(True)\n    eps_c, eps_u = out.chunk(2, dim=0)\n")),
        # last: an answer that leaves grad mode off would leak into the observations of the ones after it
        ("torch.set_grad_enabled(False) at the top 'no gradients when sampling', never switched back - "
         "against 'a function does not leave gradient tracking turned off'",
         replace_once(_CFG, "    B = x.shape[0]\n", "    torch.set_grad_enabled(False)\n    B = x.shape[0]\n")),
    ],
}
