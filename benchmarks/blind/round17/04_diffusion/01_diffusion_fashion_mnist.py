"""Blind round 17, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-16 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 16's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is this round's own right answer, in a style none of rounds 1-16 uses.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND16 = earlier_round(16, __file__)
_REF = {gid: entries[0][1] for gid, entries in ROUND16.CORRECT.items()}
_SCHED, _Q, _EMB, _RES, _LOSS, _DDPM, _DDIM, _CFG = (
    _REF["ex1_schedule"], _REF["ex2_forward"], _REF["ex3_time_embedding"], _REF["ex4_resblock"],
    _REF["ex5_loss"], _REF["ex6_ddpm"], _REF["ex7_ddim"], _REF["ex8_guidance"])

_RES_HEAD = _RES.split("    def forward")[0]

_OWN = {
    "ex1_schedule": (
        "linear by a float64 linspace cast down, cosine through cos^2 = (1 + cos 2a) / 2 in float64, prev by "
        "new_tensor([1]) and torch.concat, Schedule from a dict comprehension over its fields (round 17)",
        '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float64).to(torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    u = torch.arange(num_steps + 1, dtype=torch.float64)
    angle = (u / num_steps + s) / (1 + s) * (math.pi / 2)
    f = 0.5 * (1.0 + torch.cos(2.0 * angle))          # cos^2(a) = (1 + cos 2a) / 2
    ratio = f[1:] / f[:-1]
    betas = torch.minimum(1.0 - ratio, torch.full_like(ratio, max_beta))
    return betas.to(torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1 - betas
    alpha_bars = alphas.cumprod(dim=0)
    alpha_bars_prev = torch.concat((alpha_bars.new_tensor([1.0]), alpha_bars[:-1]))
    values = {
        "betas": betas,
        "alphas": alphas,
        "alpha_bars": alpha_bars,
        "alpha_bars_prev": alpha_bars_prev,
        "posterior_variance": betas * (1 - alpha_bars_prev) / (1 - alpha_bars),
    }
    return Schedule(**{f.name: values[f.name] for f in fields(Schedule)})
'''),
    "ex2_forward": (
        "torch.func.vmap over the examples (one 0-d coefficient each) in the promoted dtype, cast to x0's "
        "dtype (round 17)",
        '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = schedule.alpha_bars.to(x0.device)[t.long()]
    dtype = torch.promote_types(torch.promote_types(x0.dtype, noise.dtype), abar.dtype)

    def one(a, x, n):
        return torch.sqrt(a) * x + torch.sqrt(1 - a) * n

    return torch.func.vmap(one)(abar.to(dtype), x0.to(dtype), noise.to(dtype)).to(x0.dtype)
'''),
    "ex3_time_embedding": (
        "frequencies as a float64 geometric sequence by cumprod of a constant ratio, t[..., None] broadcast, "
        "stack((sin, cos), 1).flatten(1), cast to float32 (round 17)",
        '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    ratio = math.exp(-math.log(max_period) / half)
    steps = torch.full((half,), ratio, dtype=torch.float64, device=t.device)
    steps[0] = 1.0
    freqs = torch.cumprod(steps, dim=0)                     # omega_i = ratio ** i
    angles = t.to(torch.float64)[..., None] * freqs
    return torch.stack((angles.sin(), angles.cos()), dim=1).flatten(1).to(torch.float32)
'''),
    "ex4_resblock": (
        "one helper for the two norm -> SiLU -> conv stages, shift by expand to (B, C, H, W), torch.add of skip "
        "first (round 17)",
        _RES_HEAD + '''    @staticmethod
    def _stage(norm, conv, h):
        return conv(F.silu(norm(h)))

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        # x: (B, in_channels, H, W), emb: (B, emb_dim) -> (B, out_channels, H, W)
        h = self._stage(self.norm1, self.conv1, x)
        shift = self.emb_proj(emb)
        h = h + shift[:, :, None, None].expand(-1, -1, h.shape[2], h.shape[3])
        return torch.add(self.skip(x), self._stage(self.norm2, self.conv2, h))
'''),
    "ex5_loss": (
        "labels hidden by the out-of-place index_put, loss as (pred - noise).square().mean() (round 17)",
        '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B, T = x0.shape[0], schedule.num_steps
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label
    y_in = y.index_put((drop,), torch.tensor(model.num_classes, dtype=y.dtype, device=y.device))
    pred = model(q_sample(x0, t, noise, schedule), t, y_in)
    return (pred - noise).square().mean()
'''),
    "ex6_ddpm": (
        "Python-float coefficients with torch.addcmul and torch.add(alpha=sigma), steps by map over a count-up "
        "range (round 17)",
        '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    beta = float(schedule.betas[t])
    abar = float(schedule.alpha_bars[t])
    alpha = float(schedule.alphas[t])
    mean = torch.addcmul(x_t, eps, torch.tensor(-beta / math.sqrt(1.0 - abar), dtype=x_t.dtype, device=x_t.device))
    mean = mean / math.sqrt(alpha)
    if t == 0:
        return mean
    return torch.add(mean, noise, alpha=math.sqrt(float(schedule.posterior_variance[t])))


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    T = schedule.num_steps
    x = torch.randn(shape, generator=generator, device=device)
    for t in map(lambda i: T - 1 - i, range(T)):
        eps = eps_fn(x, t)
        z = torch.randn(shape, generator=generator, device=device) if t > 0 else torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step is not None:
            on_step(t, x)
    return x
'''),
    "ex7_ddim": (
        "steps by itertools.accumulate reversed, the jump by torch.addcmul, the next step from a second "
        "iterator with next(..., -1) (round 17)",
        '''
import itertools


def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return list(itertools.accumulate([k] * (num_steps - 1), initial=0))[::-1]


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a_t = alpha_bars[t]
    a_prev = alpha_bars[t_prev] if t_prev >= 0 else a_t.new_ones(())
    x0_hat = torch.addcmul(x_t, eps, -(1 - a_t).sqrt()) / a_t.sqrt()
    return torch.addcmul(a_prev.sqrt() * x0_hat, eps, (1 - a_prev).sqrt()).to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(len(alpha_bars), num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    following = iter(steps[1:])
    for t in steps:
        x = ddim_step(eps_fn(x, t), t, next(following, -1), x, alpha_bars)
    return x
'''),
    "ex8_guidance": (
        "null labels by masked_fill of a repeated y, steps by x.new_full(dtype=long), guided eps as a "
        "torch.tensordot of (w, 1 - w) in the prediction's dtype with the unflattened halves (round 17)",
        '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = x.shape[0]
    labels = y.repeat(2)
    labels = labels.masked_fill(torch.arange(2 * B, device=y.device) >= B, model.num_classes)
    steps = x.new_full((2 * B,), t, dtype=torch.long)
    out = model(torch.cat((x, x)), steps, labels)
    weights = torch.tensor([scale, 1.0 - scale], dtype=out.dtype, device=out.device)
    return torch.tensordot(weights, out.unflatten(0, (2, B)), dims=1)
'''),
}

CORRECT = {gid: [ROUND16.CORRECT[gid][0], _OWN[gid]] for gid in ROUND16.CORRECT}

MUTANTS = {
    "ex1_schedule": [
        ("beta_start argument ignored: linear_betas hard-codes 1e-4 (linspace(1e-4, beta_end, T)), so a call "
         "with another beta_start starts at the default - against linear_betas(num_steps, beta_start, beta_end) "
         "'evenly spaced from beta_start to beta_end'",
         replace_once(_SCHED, "torch.linspace(beta_start, beta_end, num_steps,", "torch.linspace(1e-4, beta_end, num_steps,")),
        ("cosine typo (u/T + s) / (1 - s) instead of / (1 + s): the angle overshoots pi/2 at u = T and the last "
         "betas come out wrong - against f(u) = cos^2((u/T + s)/(1 + s) pi/2)",
         replace_once(_SCHED, "(steps / num_steps + s) / (1 + s)", "(steps / num_steps + s) / (1 - s)")),
        ("beta_max clip moved onto alpha_bar (alpha_bar_t = f(t)/f(0) clamped to at least 1 - max_beta, betas "
         "from its ratios): the last beta is 1 - 0.001 / alpha_bar_{T-2} instead of 0.999 - against "
         "beta_t = min(1 - f(t+1)/f(t), beta_max)",
         replace_once(_SCHED, "    betas = (1.0 - f[1:] / f[:-1]).clamp(max=max_beta)\n",
                      "    abar = (f / f[0]).clamp(min=1.0 - max_beta)\n    betas = 1.0 - abar[1:] / abar[:-1]\n")),
        ("posterior variance fraction upside down: beta_t (1 - alpha_bar_t) / (1 - alpha_bar_{t-1}) (infinite at "
         "t = 0) - against beta~_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) beta_t",
         replace_once(_SCHED, "betas * (1.0 - alpha_bars_prev) / (1.0 - alpha_bars)",
                      "betas * (1.0 - alpha_bars) / (1.0 - alpha_bars_prev)")),
        ("cosine f evaluated in float32 (torch.arange(T + 1) / T, no float64): 1 - f(t+1)/f(t) cancels, so for "
         "T = 1000 the first betas (about 4e-5) are off by about 0.1% (4.1246e-5 for 4.1284e-5) - against "
         "beta_t = min(1 - f(t+1)/f(t), beta_max) (a numerically unstable evaluation of the text's inputs)",
         replace_once(_SCHED, "    steps = torch.arange(num_steps + 1, dtype=torch.float64)\n",
                      "    steps = torch.arange(num_steps + 1, dtype=torch.float32)\n")),
    ],
    "ex2_forward": [
        ("paper's 1-based step made 'safe' with a clamp: alpha_bars[(t - 1).clamp(min=0)], so every t >= 1 is "
         "noised one step too little and t = 0 like t = 1 - against 'we index steps t = 0, ..., T-1', "
         "x_t = sqrt(alpha_bar_t) x0 + ...",
         replace_once(_Q, "schedule.alpha_bars.to(x0.device)[t]", "schedule.alpha_bars.to(x0.device)[(t - 1).clamp(min=0)]")),
        ("result's grad flag copied from x0 (x_t.requires_grad_(x0.requires_grad)) 'x0 gets its gradients': a "
         "differentiable noise with a plain x0 raises (requires_grad_(False) on a non-leaf) - against 'a "
         "differentiable x0 or noise gets its gradients through x_t'",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
                      "    x_t = (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n"
                      "    return x_t.requires_grad_(x0.requires_grad)\n")),
        ("field slip on the signal coefficient only: sqrt(alpha_bars_prev[t]) x0 + sqrt(1 - alpha_bar_t) eps - "
         "against x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps (both from schedule.alpha_bars)",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
                      "    prev = schedule.alpha_bars_prev.to(x0.device)[t].view_as(abar)\n"
                      "    return (prev.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n")),
        ("noise coefficient floored at 1e-2 ('so x_t is never exactly x0'): sqrt(1 - alpha_bar) clamped, so where "
         "alpha_bar_t is above 0.9999 (the notebook's cosine schedule at t = 0: beta_0 = 4e-5) too much noise is "
         "added - against x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps",
         replace_once(_Q, "(1.0 - abar).sqrt() * noise", "(1.0 - abar).sqrt().clamp(min=1e-2) * noise")),
    ],
    "ex3_time_embedding": [
        ("default max_period = 100000 (a zero too many) - against the signature's max_period: float = 10000.0",
         replace_once(_EMB, "max_period: float = 10000.0", "max_period: float = 100000.0")),
        ("bracket slip: omega_i = exp(-ln(max_period / h) i) instead of exp(-ln(max_period) i / h)",
         replace_once(_EMB, "    freqs = torch.exp(-math.log(max_period) * i / half)\n",
                      "    freqs = torch.exp(-math.log(max_period / half) * i)\n")),
        ("bracket slip: omega_i = exp(-ln(max_period i / h)) = h / (max_period i): omega_0 is infinite, so step 0 "
         "gives NaN - against omega_i = exp(-ln(max_period) i / h)",
         replace_once(_EMB, "    freqs = torch.exp(-math.log(max_period) * i / half)\n",
                      "    freqs = torch.exp(-torch.log(max_period * i / half))\n")),
        ("frequency table made once for the UNet's emb_dim 128 (exp(-ln P j / 64)) and sliced to the first h: "
         "for any other dim the frequencies decay too slowly - against omega_i = exp(-ln(max_period) i / h), "
         "h = dim / 2",
         replace_once(_EMB, "    freqs = torch.exp(-math.log(max_period) * i / half)\n",
                      "    freqs = torch.exp(-math.log(max_period) * torch.arange(64, device=t.device) / 64)[:half]\n")),
    ],
    "ex4_resblock": [
        ("ReZero habit: a learnable gate nn.Parameter(torch.zeros(1)) on the residual branch "
         "(out = skip(x) + gate * branch): a fresh block returns skip(x) and ignores emb - against "
         "out = conv2(SiLU(norm2(h))) + skip(x)",
         replace_once(replace_once(_RES, "        self.skip = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else nn.Identity()\n",
                                   "        self.skip = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else nn.Identity()\n"
                                   "        self.gate = nn.Parameter(torch.zeros(1))\n"),
                      "        return h + self.skip(x)\n", "        return self.gate * h + self.skip(x)\n")),
        ("F.hardswish ('the swish') instead of SiLU in both branches - against the formula's SiLU",
         _RES.replace("        h = F.silu(h)\n", "        h = F.hardswish(h)\n")),
        ("norms redone with F.group_norm(..., eps=1e-6) (diffusers' resnet_eps) instead of the layers' own "
         "eps = 1e-5: inputs of small variance are normalised differently - against norm_1, norm_2 (the layers "
         "made for you)",
         replace_once(replace_once(_RES, "        h = self.norm1(x)\n",
                                   "        n1 = self.norm1\n        h = F.group_norm(x, n1.num_groups, n1.weight, n1.bias, eps=1e-6)\n"),
                      "        h = self.norm2(h)\n",
                      "        n2 = self.norm2\n        h = F.group_norm(h, n2.num_groups, n2.weight, n2.bias, eps=1e-6)\n")),
        ("shift added with torch.add(h, shift, out=h) 'in place, no extra buffer': out= does not support "
         "autograd, so a block whose parameters require grad raises - against 'the residual path keeps gradients "
         "flowing through a deep stack' (the block is trained by backprop)",
         replace_once(_RES, "        h = h + self.emb_proj(emb)[:, :, None, None]\n",
                      "        torch.add(h, self.emb_proj(emb)[:, :, None, None], out=h)\n")),
    ],
    "ex5_loss": [
        ("steps drawn with dtype=torch.int32 ('int32 saves memory, the embedding takes it'): the model is told "
         "int32 steps - against 'draw the randomness with exactly these three calls' (t = torch.randint(0, T, (B,), "
         "generator=generator, device=x0.device), int64)",
         replace_once(_LOSS, "    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)\n",
                      "    t = torch.randint(0, T, (B,), generator=generator, device=x0.device, dtype=torch.int32)\n")),
        ("model called as model(x_t, y_in, t): labels and steps swapped - against eps_theta(x_t, t, y) "
         "(TinyUNet.forward(x, t, y))",
         replace_once(_LOSS, "model(x_t, t, y_in)", "model(x_t, y_in, t)")),
        ("the three draws wrapped in torch.random.fork_rng() 'so the loss leaves the caller's RNG alone': with no "
         "generator the global RNG is put back, so every call draws the same t, noise and mask - against 'from "
         "PyTorch's global generator when it is given none'",
         replace_once(replace_once(replace_once(_LOSS,
                      "    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)\n",
                      "    with torch.random.fork_rng():\n"
                      "        t = torch.randint(0, T, (B,), generator=generator, device=x0.device)\n"),
                      "    noise = torch.randn(x0.shape, generator=generator, device=x0.device)\n",
                      "        noise = torch.randn(x0.shape, generator=generator, device=x0.device)\n"),
                      "    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label\n",
                      "        drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond\n")),
        ("steps drawn with shape (B, 1) 'so they broadcast over the image': the model is told a (B, 1) step "
         "tensor - against 't = torch.randint(0, T, (B,), ...)' and model(x_t, t, y) with t of shape (B,)",
         replace_once(_LOSS, "    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)\n",
                      "    t = torch.randint(0, T, (B, 1), generator=generator, device=x0.device)\n")),
    ],
    "ex6_ddpm": [
        ("final sample mapped back to pixels, (x + 1) / 2 'images live in [0, 1]' - against 'Return the final x "
         "(after the step at t = 0)' (the data were scaled to [-1, 1])",
         replace_once(_DDPM, "            on_step(t, x)\n    return x\n", "            on_step(t, x)\n    return (x + 1) / 2\n")),
        ("noise pre-scaled in the loop (z = sigma_t * randn) and scaled by sigma_t again in ddpm_step: the chain "
         "adds sigma_t^2 z - against 'make the noise: draw z = torch.randn(...)' then x = ddpm_step(eps, t, x, schedule, z)",
         replace_once(_DDPM, "            z = torch.randn(shape, generator=generator, device=device)\n",
                      "            z = torch.randn(shape, generator=generator, device=device) * schedule.posterior_variance[t].sqrt()\n")),
        ("coefficients cast to x_t's dtype first ('float64 in, float64 out'): a float16 x_t rounds alpha_bar_0 = "
         "0.9999 to 1, so the step at t = 0 divides by sqrt(0) - against x_{t-1} = (x_t - beta_t / sqrt(1 - "
         "alpha_bar_t) eps) / sqrt(alpha_t)",
         replace_once(replace_once(_DDPM, "    beta_t = schedule.betas[t]\n",
                                   "    beta_t = schedule.betas[t].to(x_t.dtype)\n    abar_t = schedule.alpha_bars[t].to(x_t.dtype)\n"),
                      "torch.sqrt(1.0 - schedule.alpha_bars[t])", "torch.sqrt(1.0 - abar_t)")),
        ("ddpm_step's result cast with .type_as(eps) ('the model's dtype'): a float64 x_t with a float32 eps comes "
         "back float32 - against 'ddpm_step returns a new tensor in the dtype of x_t (float64 in, float64 out)'",
         replace_once(replace_once(_DDPM, "    if t == 0:\n        return mean\n",
                                   "    if t == 0:\n        return mean.type_as(eps)\n"),
                      "    return mean + torch.sqrt(schedule.posterior_variance[t]) * noise\n",
                      "    return (mean + torch.sqrt(schedule.posterior_variance[t]) * noise).type_as(eps)\n")),
    ],
    "ex7_ddim": [
        ("k = (T - 1) // n 'the last training step is T - 1': (1000, 4) gives [747, 498, 249, 0] - against "
         "'k = T // n', (1000, 4) -> [750, 500, 250, 0]",
         replace_once(_DDIM, "    k = num_train_steps // num_steps\n", "    k = (num_train_steps - 1) // num_steps\n")),
        ("T - 1 put in front 'so the chain starts from pure noise': n + 1 steps, [999, 750, 500, 250, 0] - "
         "against 'the steps are (n-1)k, ..., k, 0', (1000, 4) -> [750, 500, 250, 0]",
         replace_once(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
                      "    steps = [i * k for i in range(num_steps - 1, -1, -1)]\n"
                      "    return [num_train_steps - 1] + steps if steps[0] != num_train_steps - 1 else steps\n")),
        ("ddim_step's result cast to alpha_bars' dtype ('the schedule's precision'): a float64 x_t with a float32 "
         "schedule comes back float32 - against 'It returns a new tensor with the dtype of x_t (float64 in, "
         "float64 out)'",
         replace_once(_DDIM, "    return (a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps).to(x_t.dtype)\n",
                      "    return (a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps).to(alpha_bars.dtype)\n")),
        ("num_steps capped at T ('no more steps than training steps'): asked for more steps than T, the list is "
         "T - 1, ..., 0 (T of them) - against 'asked for more steps than T, k is 0'",
         replace_once(_DDIM, "    k = num_train_steps // num_steps\n",
                      "    num_steps = min(num_steps, num_train_steps)\n    k = num_train_steps // num_steps\n")),
    ],
    "ex8_guidance": [
        ("labels moved with .to(x) 'to x's device': Tensor.to(tensor) also takes x's dtype, so the model gets "
         "float labels - against '\"no label\" is model.num_classes', labels as TinyUNet.forward expects (it casts nothing)",
         replace_once(_CFG, "torch.cat([y, null], dim=0))", "torch.cat([y, null], dim=0).to(x))")),
        ("x doubled with x.repeat(2, 1, 1, 1) (written for image batches): a (B, D) batch becomes (2, 1, B, D) - "
         "against 'torch.cat along the batch dimension' for any x",
         replace_once(_CFG, "model(torch.cat([x, x], dim=0),", "model(x.repeat(2, 1, 1, 1),")),
        ("model deep-copied and put in eval mode 'sampling uses eval mode, the caller's model stays untouched': a "
         "model the caller left in training mode predicts in eval mode - against 'every other function that "
         "takes a model uses it in the train/eval mode the caller left it in'",
         replace_once(_CFG, "    out = model(", "    import copy as _copy\n    out = _copy.deepcopy(model).eval()(")),
        ("guided eps clamped to [-5, 5] ('eps is N(0, 1): larger values are guidance blow-ups') - against "
         "eps_hat = eps_u + w (eps_c - eps_u)",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n",
                      "    return (eps_u + scale * (eps_c - eps_u)).clamp(-5, 5)\n")),
        ("scales below 1 taken as 'no guidance' (max(scale, 1.0)): w = 0 returns the conditional eps_c instead of "
         "the unconditional eps_u - against 'w = 0 ignores the label, w = 1 is the plain conditional model'",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n",
                      "    return eps_u + max(scale, 1.0) * (eps_c - eps_u)\n")),
    ],
}
