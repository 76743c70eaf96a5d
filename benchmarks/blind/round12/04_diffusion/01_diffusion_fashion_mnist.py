"""Blind round 12, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-11 holds.
Right answers: CORRECT[gid][0] is round 11's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND11 = earlier_round(11, __file__)


_SCHED, _Q, _EMB, _RES, _RES_INIT = ROUND11._SCHED, ROUND11._Q, ROUND11._EMB, ROUND11._RES, ROUND11._RES_INIT
_LOSS, _DDPM, _DDIM, _CFG = ROUND11._LOSS, ROUND11._DDPM, ROUND11._DDIM, ROUND11._CFG

# ----------------------------------------------------------------------------- round 12's own right answers
_SCHED_LOOP = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    frac = torch.linspace(0.0, 1.0, num_steps, dtype=torch.float64)      # T = 1: [0], i.e. beta_start
    return (beta_start + (beta_end - beta_start) * frac).to(torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    def f(u):
        return math.cos((u / num_steps + s) / (1 + s) * math.pi / 2) ** 2
    betas = [min(1.0 - f(t + 1) / f(t), max_beta) for t in range(num_steps)]
    return torch.tensor(betas, dtype=torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1.0 - betas
    alpha_bars = alphas.cumprod(dim=0)
    alpha_bars_prev = F.pad(alpha_bars[:-1], (1, 0), value=1.0)
    posterior_variance = torch.mul(betas, torch.div(1.0 - alpha_bars_prev, 1.0 - alpha_bars))
    return Schedule(betas, alphas, alpha_bars, alpha_bars_prev, posterior_variance)
'''

_Q_PROMOTE = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = schedule.alpha_bars.to(x0.device).index_select(0, t.to(x0.device).long())
    dt = torch.promote_types(abar.dtype, x0.dtype)
    shape = (-1,) + (1,) * (x0.ndim - 1)
    a = abar.sqrt().to(dt).reshape(shape)
    b = (1.0 - abar).sqrt().to(dt).reshape(shape)
    return torch.addcmul(b * noise.to(dt), a, x0.to(dt)).to(x0.dtype)
'''

_EMB_BUFFER = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    i = torch.arange(half, device=t.device, dtype=torch.float32)
    freqs = torch.exp(-math.log(max_period) * i / half)
    angles = torch.einsum("b,h->bh", t.to(torch.float32), freqs)
    emb = torch.empty(len(t), dim, dtype=torch.float32, device=t.device)
    emb[:, :half] = torch.sin(angles)
    emb[:, half:] = torch.cos(angles)
    return emb
'''

_RES_FUNCTIONAL = _RES_INIT + '''        n1, n2 = self.norm1, self.norm2
        h = self.conv1(F.silu(F.group_norm(x, n1.num_groups, n1.weight, n1.bias, n1.eps)))
        h = h + self.emb_proj(emb).unflatten(1, (-1, 1, 1))
        h = self.conv2(F.silu(F.group_norm(h, n2.num_groups, n2.weight, n2.bias, n2.eps)))
        return torch.add(self.skip(x), h)
'''

_LOSS_INDEX = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B = len(x0)
    T = schedule.num_steps
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label
    y_in = y.clone()
    y_in[drop] = model.num_classes
    residual = model(q_sample(x0, t, noise, schedule), t, y_in) - noise
    return F.mse_loss(residual, torch.zeros_like(residual), reduction="sum") / residual.numel()
'''

_DDPM_FLOATS = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    beta, alpha, abar = float(schedule.betas[t]), float(schedule.alphas[t]), float(schedule.alpha_bars[t])
    mean = (x_t - (beta / math.sqrt(1.0 - abar)) * eps) * (1.0 / math.sqrt(alpha))
    if t > 0:
        mean = mean + math.sqrt(float(schedule.posterior_variance[t])) * noise
    return mean


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

_DDIM_FLOAT64 = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return [k * i for i in reversed(range(num_steps))]


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a = alpha_bars[t].double()
    a_prev = alpha_bars[t_prev].double() if t_prev >= 0 else torch.ones_like(a)
    x, e = x_t.double(), eps.double()
    x0_hat = (x - torch.sqrt(1 - a) * e) / torch.sqrt(a)
    return (torch.sqrt(a_prev) * x0_hat + torch.sqrt(1 - a_prev) * e).to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(len(alpha_bars), num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    for t, t_prev in zip(steps, steps[1:] + [-1]):
        eps = eps_fn(x, t)
        x = ddim_step(eps, t, t_prev, x, alpha_bars)
    return x
'''

_CFG_PAD = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = len(x)
    labels = F.pad(y, (0, B), value=model.num_classes)                   # y, then B "no label" entries
    steps = torch.full((2 * B,), t, dtype=torch.long, device=x.device)
    out = model(torch.cat((x, x), dim=0), steps, labels).unflatten(0, (2, B))
    eps_c, eps_u = out[0], out[1]
    return scale * eps_c + (1.0 - scale) * eps_u
'''

CORRECT = {
    gid: [ROUND11.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_schedule", "linear as start + (end - start) linspace(0, 1) in float64, cosine by a Python loop "
                         "over math.cos with min, prev by F.pad(value=1), Schedule positional (round 12)",
         _SCHED_LOOP),
        ("ex2_forward", "index_select with a long t, coefficients in the promoted dtype, torch.addcmul, "
                        "cast back (round 12)", _Q_PROMOTE),
        ("ex3_time_embedding", "einsum outer product, sines and cosines written into a float32 buffer on "
                               "t.device (round 12)", _EMB_BUFFER),
        ("ex4_resblock", "F.group_norm with the layers' own parameters, shift by unflatten(1, (-1, 1, 1)), "
                         "torch.add (round 12)", _RES_FUNCTIONAL),
        ("ex5_loss", "labels hidden in a clone by boolean indexing, MSE as sum / numel of the residual "
                     "(round 12)", _LOSS_INDEX),
        ("ex6_ddpm", "coefficients as Python floats (float64 arithmetic), range(T - 1, -1, -1), "
                     "conditional expression for z (round 12)", _DDPM_FLOATS),
        ("ex7_ddim", "the jump computed in float64 and cast back to x_t's dtype, zip(steps, steps[1:] + [-1]) "
                     "(round 12)", _DDIM_FLOAT64),
        ("ex8_guidance", "labels by F.pad(y, (0, B), value=num_classes), output unflatten(0, (2, B)), "
                         "w eps_c + (1 - w) eps_u (round 12)", _CFG_PAD),
    )
}

MUTANTS = {
    "ex1_schedule": [
        ("linear betas as linspace(beta_end, beta_start).flip(0) ('count down, then reverse'): a one-step "
         "schedule comes back (beta_end,) instead of (beta_start,) - against 'a one-step linear schedule "
         "(T = 1) is just (beta_start,)'",
         replace_once(_SCHED, "    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)\n",
                      "    return torch.linspace(beta_end, beta_start, num_steps, dtype=torch.float32).flip(0)\n")),
        ("typo in the default: beta_start = 1e-3 instead of 1e-4 - against 'beta_start = 10^-4'",
         replace_once(_SCHED, "beta_start: float = 1e-4", "beta_start: float = 1e-3")),
        ("alpha_bars_prev starts with torch.ones(1) made without device/dtype: betas on another device "
         "(a GPU, PyTorch's meta device) cannot be concatenated - against 'does not move a tensor to "
         "another device'",
         replace_once(_SCHED, "    alpha_bars_prev = torch.cat([alpha_bars.new_ones(1), alpha_bars[:-1]])\n",
                      "    alpha_bars_prev = torch.cat([torch.ones(1), alpha_bars[:-1]])\n")),
        ("betas cast with .float() at the top of make_schedule 'the schedule is float32': float64 betas "
         "give a float32 schedule - against 'does not move a tensor to another dtype' (every field is "
         "derived from the betas given)",
         replace_once(_SCHED, "    alphas = 1.0 - betas\n", "    betas = betas.float()\n    alphas = 1.0 - betas\n")),
    ],
    "ex2_forward": [
        ("x_t built in place on the caller's x0 (x0.mul_(sqrt(abar)).add_(...)) 'to save memory' - against "
         "'return a new tensor ... and leave x0 and noise as they are'",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
                      "    return x0.mul_(abar.sqrt()).add_((1.0 - abar).sqrt() * noise)\n")),
        ("coefficients cast to x0's dtype before 1 - alpha_bar (abar.to(x0.dtype)): a bfloat16 x0 rounds "
         "alpha_bar_0 = 0.9999 to 1, so at small t no noise is added at all",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
                      "    abar = schedule.alpha_bars.to(x0.device, x0.dtype)[t]\n")),
        ("schedule's alpha_bars indexed where they are (the CPU), not moved to x0's device: a batch on "
         "another device (a GPU, meta) mixes devices and raises",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
                      "    abar = schedule.alpha_bars[t]\n")),
        ("@torch.no_grad() on q_sample 'the noising has no parameters': a differentiable x0 comes back "
         "without a graph (no gradient reaches x0 through x_t)",
         "\n@torch.no_grad()" + _Q),
    ],
    "ex3_time_embedding": [
        ("max_period argument ignored: 10000 hard-coded in the frequencies, so a call with another "
         "max_period gets the default's frequencies",
         replace_once(_EMB, "    freqs = torch.exp(-math.log(max_period) * i / half)\n",
                      "    freqs = torch.exp(-math.log(10000.0) * i / half)\n")),
        ("minus sign dropped in the exponent: omega_i = exp(+ln(P) i / h) = P^(i/h), frequencies growing "
         "from 1 up to about P instead of falling to about 1 / P",
         replace_once(_EMB, "    freqs = torch.exp(-math.log(max_period) * i / half)\n",
                      "    freqs = torch.exp(math.log(max_period) * i / half)\n")),
        ("t moved to the CPU first (t.cpu().float(), the numpy habit): the result lives on the CPU whatever "
         "t.device - against 'the result must live on the device of t, whatever it is'",
         replace_once(replace_once(_EMB, "    i = torch.arange(half, device=t.device, dtype=torch.float32)\n",
                                   "    i = torch.arange(half, dtype=torch.float32)\n"),
                      "    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)\n",
                      "    angles = t.cpu().float().unsqueeze(1) * freqs.unsqueeze(0)\n")),
        ("sines taken in place (angles.sin_()) before the cosines are formed from the same tensor: the "
         "cosine half becomes cos(sin(t omega_i)) instead of cos(t omega_i)",
         replace_once(_EMB, "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
                      "    sines = angles.sin_()\n    return torch.cat([sines, angles.cos()], dim=1)\n")),
    ],
    "ex4_resblock": [
        ("ReLU instead of SiLU in both branches - against the formula's SiLU",
         replace_once(replace_once(_RES, "        h = F.silu(h)\n        h = self.conv1(h)\n",
                                   "        h = F.relu(h)\n        h = self.conv1(h)\n"),
                      "        h = F.silu(h)\n        h = self.conv2(h)\n",
                      "        h = F.relu(h)\n        h = self.conv2(h)\n")),
        ("first SiLU forgotten: h = conv1(norm1(x)) + shift instead of conv1(SiLU(norm1(x))) + shift",
         replace_once(_RES, "        h = F.silu(h)\n        h = self.conv1(h)\n", "        h = self.conv1(h)\n")),
        ("x and emb cast with .float() at the top 'the layers are float32': a float64 block (block.double()) "
         "raises, and a float64 input is silently rounded",
         replace_once(_RES, "        h = self.norm1(x)\n",
                      "        x, emb = x.float(), emb.float()\n        h = self.norm1(x)\n")),
        ("second branch in the order SiLU -> norm2 -> conv2 (conv2(norm2(SiLU(h)))) instead of "
         "conv2(SiLU(norm2(h)))",
         replace_once(_RES, "        h = self.norm2(h)\n        h = F.silu(h)\n",
                      "        h = F.silu(h)\n        h = self.norm2(h)\n")),
    ],
    "ex5_loss": [
        ("labels hidden in place on the caller's y (y[drop] = model.num_classes) - against 'hide labels in "
         "a new tensor: the caller's y stays as it was'",
         replace_once(_LOSS, "    y_in = torch.where(drop, torch.full_like(y, model.num_classes), y)\n",
                      "    y[drop] = model.num_classes\n    y_in = y\n")),
        ("the loss returned as a Python float (.item()) 'for logging' - against 'as a scalar tensor that "
         "can be backpropagated'",
         replace_once(_LOSS, "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
                      "    return F.mse_loss(model(x_t, t, y_in), noise).item()\n")),
        ("'no label' taken as one past the largest label of the batch (y.max() + 1) instead of "
         "model.num_classes",
         replace_once(_LOSS, "torch.full_like(y, model.num_classes)", "torch.full_like(y, int(y.max()) + 1)")),
        ("drop mask drawn with torch.rand(B, 1) 'one per example, broadcastable': torch.where then "
         "broadcasts it against the (B,) labels to a (B, B) label tensor",
         replace_once(_LOSS, "    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond",
                      "    drop = torch.rand(B, 1, generator=generator, device=x0.device) < p_uncond")),
    ],
    "ex6_ddpm": [
        ("copy slip: eps_fn called a second time inside the ddpm_step call (eps computed and not used) - "
         "against 'call eps_fn(x, t) once'",
         replace_once(_DDPM, "        x = ddpm_step(eps, t, x, schedule, z)\n",
                      "        x = ddpm_step(eps_fn(x, t), t, x, schedule, z)\n")),
        ("paper-index slip in the eps coefficient: beta_t / sqrt(1 - alpha_bars_prev[t]) (1 - alpha_bar_{t-1}): "
         "the t = 0 step divides by zero",
         replace_once(_DDPM, "torch.sqrt(1.0 - schedule.alpha_bars[t])", "torch.sqrt(1.0 - schedule.alpha_bars_prev[t])")),
        ("on_step skipped at t = 0 ('the last x is returned anyway') - against 'if on_step is given, call "
         "on_step(t, x) with the new x' for every t = T-1, ..., 0",
         replace_once(_DDPM, "        if on_step is not None:\n", "        if on_step is not None and t > 0:\n")),
        ("loop reversed(range(1, T)) 't = 0 is the clean image': the step at t = 0 is never taken and the "
         "sample keeps step 1's noise - against 'all T steps, t = 0 included'",
         replace_once(_DDPM, "    for t in reversed(range(schedule.num_steps)):\n",
                      "    for t in reversed(range(1, schedule.num_steps)):\n")),
    ],
    "ex7_ddim": [
        ("initial x drawn without the generator (torch.randn(shape, device=device)): the given generator is "
         "ignored - against 'draw x = torch.randn(shape, generator=generator, device=device)'",
         replace_once(_DDIM, "    x = torch.randn(shape, generator=generator, device=device)\n",
                      "    x = torch.randn(shape, device=device)\n")),
        ("ddim_timesteps returns the steps smallest first ([0, k, ..., (n - 1) k]) and ddim_sample reverses "
         "them - against 'the list of steps, largest first'",
         replace_once(replace_once(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
                                   "    return [i * k for i in range(num_steps)]\n"),
                      "    steps = ddim_timesteps(len(alpha_bars), num_steps)\n",
                      "    steps = ddim_timesteps(len(alpha_bars), num_steps)[::-1]\n")),
        ("ddim_step forms x0_hat in place on the caller's x_t (x_t.sub_(...).div_(...)) - against 'it "
         "returns a new tensor' / 'a function does not modify the caller's tensors in place'",
         replace_once(_DDIM, "    x0_hat = (x_t - (1 - a_t).sqrt() * eps) / a_t.sqrt()\n",
                      "    x0_hat = x_t.sub_((1 - a_t).sqrt() * eps).div_(a_t.sqrt())\n")),
        ("steps as list(range(0, T, k))[::-1] without cutting to n: when n does not divide T there are more "
         "than n steps ((10, 3) gives [9, 6, 3, 0] instead of [6, 3, 0])",
         replace_once(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
                      "    return list(range(0, num_train_steps, k))[::-1]\n")),
    ],
    "ex8_guidance": [
        ("two model calls, one conditional and one unconditional batch of B - against 'call the model "
         "once on a batch of 2B'",
         '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = x.shape[0]
    steps = torch.full((B,), t, dtype=torch.long, device=x.device)
    eps_c = model(x, steps, y)
    eps_u = model(x, steps, torch.full_like(y, model.num_classes))
    return eps_u + scale * (eps_c - eps_u)
'''),
        ("the step passed as the Python int t ('the same step for the whole batch') - against 'the step "
         "goes in as a (2B,) tensor of integer steps'",
         replace_once(_CFG, "    out = model(torch.cat([x, x], dim=0), steps, torch.cat([y, null], dim=0))\n",
                      "    out = model(torch.cat([x, x], dim=0), t, torch.cat([y, null], dim=0))\n")),
        ("model.eval() for the call, then model.train() 'to restore': a model the caller left in eval mode "
         "comes back in training mode - against 'uses it in the train/eval mode the caller left it in, and "
         "hands it back in that mode'",
         replace_once(replace_once(_CFG, "    B = x.shape[0]\n", "    model.eval()\n    B = x.shape[0]\n"),
                      "    eps_c, eps_u = out.chunk(2, dim=0)\n",
                      "    model.train()\n    eps_c, eps_u = out.chunk(2, dim=0)\n")),
        ("x doubled with torch.cat([x, x], dim=1): the copies go along the channels, not the batch "
         "dimension - against 'torch.cat along the batch dimension'",
         replace_once(_CFG, "model(torch.cat([x, x], dim=0)", "model(torch.cat([x, x], dim=1)")),
        ("the step passed as a 0-d tensor torch.tensor(t, device=x.device) ('it broadcasts') - against "
         "'the step goes in as a (2B,) tensor of integer steps'",
         replace_once(_CFG, "    steps = torch.full((2 * B,), t, dtype=torch.long, device=x.device)\n",
                      "    steps = torch.tensor(t, device=x.device)\n")),
    ],
}
