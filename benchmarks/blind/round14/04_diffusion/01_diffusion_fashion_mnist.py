"""Blind round 14, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-13 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 13's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND13 = earlier_round(13, __file__)


_SCHED, _Q, _EMB, _RES, _RES_INIT = ROUND13._SCHED, ROUND13._Q, ROUND13._EMB, ROUND13._RES, ROUND13._RES_INIT
_LOSS, _DDPM, _DDIM, _CFG = ROUND13._LOSS, ROUND13._DDPM, ROUND13._DDIM, ROUND13._CFG

# ----------------------------------------------------------------------------- round 14's own right answers
_SCHED_LOOPLESS_F = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    frac = torch.linspace(0.0, 1.0, num_steps, dtype=torch.float64) if num_steps > 1 else torch.zeros(1, dtype=torch.float64)
    return torch.lerp(torch.tensor(beta_start, dtype=torch.float64), torch.tensor(beta_end, dtype=torch.float64),
                      frac).to(torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    def f(u):
        return math.cos((u / num_steps + s) / (1 + s) * math.pi / 2) ** 2
    return torch.tensor([min(1 - f(t + 1) / f(t), max_beta) for t in range(num_steps)], dtype=torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = torch.ones_like(betas) - betas
    alpha_bars = alphas.cumprod(0)
    alpha_bars_prev = F.pad(alpha_bars[:-1], (1, 0), value=1.0)
    posterior_variance = (1 - alpha_bars_prev) / (1 - alpha_bars) * betas
    return Schedule(betas=betas, alphas=alphas, alpha_bars=alpha_bars, alpha_bars_prev=alpha_bars_prev,
                    posterior_variance=posterior_variance)
'''

_Q_EXPAND = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = torch.index_select(schedule.alpha_bars.to(x0.device), 0, t.to(x0.device).long())
    shape = (-1,) + (1,) * (x0.dim() - 1)
    signal, spread = abar.sqrt().reshape(shape), torch.sqrt(1 - abar).reshape(shape)
    return torch.addcmul(signal * x0, spread, noise).to(dtype=x0.dtype)
'''

_EMB_STACK = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    ratio = torch.linspace(0.0, 1.0, half + 1, device=t.device, dtype=torch.float64)[:-1]   # i / h
    freqs = torch.exp(-math.log(max_period) * ratio)
    angles = t.to(torch.float64)[:, None] * freqs[None, :]
    return torch.stack((angles.sin(), angles.cos()), dim=1).reshape(len(t), dim).float()
'''

_RES_SEQ = _RES_INIT + '''        act = nn.functional.silu
        h = self.conv1(act(self.norm1(x)))
        h = torch.add(h, self.emb_proj(emb).unsqueeze(-1).unsqueeze(-1))
        return torch.add(self.conv2(act(self.norm2(h))), self.skip(x))
'''

_LOSS_CLONE = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B, T = x0.size(0), schedule.num_steps
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label
    labels = y.clone()
    labels[drop] = model.num_classes
    residual = model(q_sample(x0, t, noise, schedule), t, labels) - noise
    return residual.square().sum() / residual.numel()
'''

_DDPM_LIST = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    coef = schedule.betas[t] * torch.rsqrt(1 - schedule.alpha_bars[t])
    mean = torch.rsqrt(schedule.alphas[t]) * (x_t - coef * eps)
    if t > 0:
        mean = mean + schedule.posterior_variance[t].sqrt() * noise
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

_DDIM_ZIP = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return list(range((num_steps - 1) * k, -1, -k)) if k > 0 else [0] * num_steps


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a = alpha_bars[t]
    a_prev = alpha_bars[t_prev] if t_prev > -1 else a.new_tensor(1.0)
    x0_hat = (x_t - torch.sqrt(1 - a) * eps) * torch.rsqrt(a)
    return (torch.sqrt(a_prev) * x0_hat + torch.sqrt(1 - a_prev) * eps).type(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(alpha_bars.shape[0], num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    for t, t_prev in zip(steps, steps[1:] + [-1]):
        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)
    return x
'''

_CFG_INDEX = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = x.size(0)
    labels = torch.cat([y, torch.full_like(y, model.num_classes)])
    steps = torch.full((2 * B,), t, device=x.device).long()
    out = model(torch.cat([x, x]), steps, labels)
    eps_c, eps_u = out[:B], out[B:]
    return (1 - scale) * eps_u + scale * eps_c
'''

CORRECT = {
    gid: [ROUND13.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_schedule", "linear by torch.lerp over a float64 linspace(0, 1), cosine as a Python list of "
                         "min(1 - f(t + 1)/f(t), max_beta), prev by F.pad(value=1) (round 14)", _SCHED_LOOPLESS_F),
        ("ex2_forward", "torch.index_select, coefficients reshaped to (-1, 1, ..., 1), torch.addcmul (round 14)",
         _Q_EXPAND),
        ("ex3_time_embedding", "i / h from linspace(0, 1, h + 1)[:-1] in float64, stack on dim 1 then reshape "
                               "(all sines, then all cosines), cast to float32 (round 14)", _EMB_STACK),
        ("ex4_resblock", "nested calls, shift by unsqueeze(-1) twice, torch.add (round 14)", _RES_SEQ),
        ("ex5_loss", "labels by clone then boolean-mask assignment, loss as sum of squares / numel (round 14)",
         _LOSS_CLONE),
        ("ex6_ddpm", "rsqrt coefficients, noise added for t > 0, range(T - 1, -1, -1) (round 14)", _DDPM_LIST),
        ("ex7_ddim", "steps by range((n - 1) k, -1, -k), jumps by zip(steps, steps[1:] + [-1]), rsqrt (round 14)",
         _DDIM_ZIP),
        ("ex8_guidance", "halves by slicing, guided eps as (1 - w) eps_u + w eps_c (round 14)", _CFG_INDEX),
    )
}

MUTANTS = {
    "ex1_schedule": [
        ("fencepost in the linear schedule: linspace(beta_start, beta_end, T + 1)[:-1] ('T intervals, one beta "
         "each'): the last beta is beta_end - (beta_end - beta_start) / T, never beta_end - against 'beta_t "
         "evenly spaced from beta_start to beta_end'",
         replace_once(_SCHED, "    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)\n",
                      "    return torch.linspace(beta_start, beta_end, num_steps + 1, dtype=torch.float32)[:-1]\n")),
        ("linear_betas' parameters written in the other order (num_steps, beta_end=0.02, beta_start=1e-4): the "
         "defaults are right, but a positional call linear_betas(T, start, end) gets start and end swapped - "
         "against the given signature linear_betas(num_steps, beta_start, beta_end)",
         replace_once(_SCHED, "def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02)",
                      "def linear_betas(num_steps: int, beta_end: float = 0.02, beta_start: float = 1e-4)")),
        ("cosine grid divided by the notebook's global cfg.num_steps instead of the num_steps given: "
         "f(u) = cos^2((u / cfg.num_steps + s) / (1 + s) pi / 2), so cosine_betas(1000) in fast mode "
         "(cfg.num_steps = 50) is not the T = 1000 schedule - against f(u) = cos^2((u/T + s)/(1 + s) pi/2)",
         replace_once(_SCHED, "    f = torch.cos((steps / num_steps + s) / (1 + s) * (math.pi / 2)) ** 2\n",
                      "    f = torch.cos((steps / cfg.num_steps + s) / (1 + s) * (math.pi / 2)) ** 2\n")),
        ("alphas made in place from the caller's betas (betas.neg_().add_(1) 'no extra buffer', the schedule's betas "
         "recomputed as 1 - alphas): the caller's betas hold 1 - beta afterwards - against 'a function does not "
         "modify the caller's tensors in place'",
         replace_once(_SCHED, "    alphas = 1.0 - betas\n",
                      "    alphas = betas.neg_().add_(1.0)\n    betas = 1.0 - alphas\n")),
    ],
    "ex2_forward": [
        ("alpha_bar clamped to at least 1e-5 'so the square root never sees 0': a schedule whose last alpha_bar "
         "is (about) 0, such as the cosine's f(T)/f(0), keeps a signal sqrt(1e-5) x0 at t = T - 1 - against "
         "'take alpha_bar_t from schedule.alpha_bars as it is'",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
                      "    abar = schedule.alpha_bars.to(x0.device)[t].clamp(min=1e-5)\n")),
        ("the schedule moved to x0's device by assigning to its field (schedule.alpha_bars = "
         "schedule.alpha_bars.to(x0.device), 'so it moves once'): after a call on another device the caller's "
         "schedule holds its alpha_bars there - against 'read its tensors, never assign new ones to its fields'",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
                      "    schedule.alpha_bars = schedule.alpha_bars.to(x0.device)\n    abar = schedule.alpha_bars[t]\n")),
        ("x0 copied with x0.detach().clone() 'to leave x0 as it is' before the arithmetic: a differentiable x0 "
         "gets no gradient through x_t (the noise still does) - against 'q_sample keeps the graph: a "
         "differentiable x0 or noise gets its gradients through x_t'",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
                      "    x0 = x0.detach().clone()\n"
                      "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n")),
        ("field slip on the noise coefficient only: sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bars_prev[t]) eps "
         "(the signal reads alpha_bars, the noise the previous level): x_t has too little noise, none at "
         "t = 0 - against x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
                      "    prev = schedule.alpha_bars_prev.to(x0.device)[t].view_as(abar)\n"
                      "    return (abar.sqrt() * x0 + (1.0 - prev).sqrt() * noise).to(x0.dtype)\n")),
    ],
    "ex3_time_embedding": [
        ("frequencies cached in a module-level dict keyed by (dim, max_period) 'for speed', the device left out "
         "of the key: after a CPU call, a call with t on another device (a GPU, meta) gets CPU frequencies - "
         "against 'create the frequencies on t.device: the result must live on the device of t'",
         '''
_FREQS = {}


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    key = (dim, max_period)
    if key not in _FREQS:
        i = torch.arange(half, device=t.device, dtype=torch.float32)
        _FREQS[key] = torch.exp(-math.log(max_period) * i / half)
    freqs = _FREQS[key]
    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)
    return torch.cat([angles.sin(), angles.cos()], dim=1)
'''),
        ("result cast with .type(torch.FloatTensor) 'to make it float32': that is the CPU float type, so the "
         "embedding leaves t's device (a meta t cannot even be copied) - against 'the result must live on the "
         "device of t, whatever it is'",
         replace_once(_EMB, "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
                      "    return torch.cat([angles.sin(), angles.cos()], dim=1).type(torch.FloatTensor)\n")),
        ("the raw step prepended (the learned-sinusoidal embedding habit cat([t, sin, cos])): the result is "
         "(B, dim + 1) - against 'the result is (B, dim) float32, sines first'",
         replace_once(_EMB, "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
                      "    return torch.cat([t.float().unsqueeze(1), angles.sin(), angles.cos()], dim=1)\n")),
        ("the TensorFlow tutorial's rates ported half-way: omega_j = P^(-2 floor(j / 2) / dim) for j = 0..h-1, so "
         "the frequencies come in equal pairs (omega_0 = omega_1, ...) - against omega_i = exp(-ln(P) i / h)",
         replace_once(_EMB, "    i = torch.arange(half, device=t.device, dtype=torch.float32)\n",
                      "    i = torch.div(torch.arange(half, device=t.device), 2, rounding_mode='floor').float()\n")),
    ],
    "ex4_resblock": [
        ("layers made in another order in __init__ (skip first 'so the residual is defined up front', then the "
         "rest): a block built from a seed gets other initial weights - against 'the layers are made for you "
         "in __init__ (keep their order: the grader builds blocks from a seed)'",
         replace_once(replace_once(_RES, "        self.norm1 = nn.GroupNorm(groups, in_channels)\n",
                                   "        self.skip = nn.Conv2d(in_channels, out_channels, 1) if in_channels != "
                                   "out_channels else nn.Identity()\n        self.norm1 = nn.GroupNorm(groups, in_channels)\n"),
                      "        self.skip = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else nn.Identity()\n"
                      "\n    def forward", "\n    def forward")),
        ("guided-diffusion's zero_module habit: emb_proj zero-initialised in __init__ ('conditioning starts "
         "neutral'): a block built from a seed ignores emb until trained - against 'the layers are made for "
         "you in __init__' (Linear(emb) is the given layer)",
         replace_once(_RES, "        self.emb_proj = nn.Linear(emb_dim, out_channels)  # one shift per output channel\n",
                      "        self.emb_proj = nn.Linear(emb_dim, out_channels)  # one shift per output channel\n"
                      "        nn.init.zeros_(self.emb_proj.weight)\n        nn.init.zeros_(self.emb_proj.bias)\n")),
        ("copy-paste slip: norm1 used in the second branch too (norm2 never used): right when the channel count "
         "is kept and norm2 is still at its initial values, but norm2's learned scale and shift are ignored "
         "(and a block that changes the channel count raises) - against out = conv2(SiLU(norm2(h))) + skip(x)",
         replace_once(_RES, "        h = self.norm2(h)\n", "        h = self.norm1(h)\n")),
        ("typo F.selu for F.silu (one letter) in both branches - against the formula's SiLU",
         _RES.replace("F.silu(h)", "F.selu(h)")),
    ],
    "ex5_loss": [
        ("the label-dropout draw skipped when p_uncond >= 1 ('every label is hidden anyway', y_in filled with "
         "the no-label index): the loss is the same, but the caller's generator is left one call behind - "
         "against 'draw the randomness with exactly these three calls, in this order, every time (whatever "
         "p_uncond, 0 and 1 included)'",
         replace_once(_LOSS, "    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label\n",
                      "    if p_uncond >= 1:\n        drop = torch.ones(B, dtype=torch.bool, device=x0.device)\n"
                      "    else:\n        drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label\n")),
        ("steps drawn as (torch.rand(B) * T).long() ('uniform over 0..T-1') instead of torch.randint: other steps "
         "from the same generator - against 'draw the randomness with exactly these three calls' "
         "(t = torch.randint(0, T, (B,), generator=generator, device=x0.device))",
         replace_once(_LOSS, "    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)\n",
                      "    t = (torch.rand(B, generator=generator, device=x0.device) * T).long()\n")),
        ("calls in the order noise, t, drop ('first the noise, then where to put it'): the steps and the noise "
         "come from other numbers - against 'these three calls, in this order' (t, noise, drop)",
         replace_once(_LOSS, "    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)\n"
                             "    noise = torch.randn(x0.shape, generator=generator, device=x0.device)\n",
                      "    noise = torch.randn(x0.shape, generator=generator, device=x0.device)\n"
                      "    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)\n")),
        ("'no label' index read from the model's embedding table (model.class_emb.num_embeddings - 1, "
         "TinyUNet's extra row): right for TinyUNet, but a model without class_emb raises - against 'the "
         "\"no label\" index model.num_classes'",
         replace_once(_LOSS, "torch.full_like(y, model.num_classes)", "torch.full_like(y, model.class_emb.num_embeddings - 1)")),
    ],
    "ex6_ddpm": [
        ("initial x drawn with dtype=schedule.betas.dtype 'to match the schedule': a float64 schedule gives "
         "other (float64) starting noise than the prescribed call - against 'draw x = torch.randn(shape, "
         "generator=generator, device=device) first'",
         replace_once(_DDPM, "    x = torch.randn(shape, generator=generator, device=device)\n",
                      "    x = torch.randn(shape, generator=generator, device=device, dtype=schedule.betas.dtype)\n")),
        ("the drawn x taken as already 'at step T - 1', so the loop starts at t = T - 2 (reversed(range(T - 1))): "
         "T - 1 steps, the top step never taken - against 'for every t = T-1, ..., 0 (all T steps)'",
         replace_once(_DDPM, "    for t in reversed(range(schedule.num_steps)):\n",
                      "    for t in reversed(range(schedule.num_steps - 1)):\n")),
        ("on_step given x.clamp(-1, 1) 'for the strip' (the chain itself goes on unclamped): a kept snapshot is "
         "not the new x - against 'call on_step(t, x) with the new x'",
         replace_once(_DDPM, "            on_step(t, x)\n", "            on_step(t, x.clamp(-1, 1))\n")),
        ("T read from the notebook's global cfg.num_steps instead of the schedule given: a schedule of another "
         "length is walked from the wrong step (or out of range) - against 'for every t = T-1, ..., 0' with "
         "T the schedule's num_steps",
         replace_once(_DDPM, "    for t in reversed(range(schedule.num_steps)):\n",
                      "    for t in reversed(range(cfg.num_steps)):\n")),
    ],
    "ex7_ddim": [
        ("fencepost: k = T // (n - 1) 'so the steps reach the end', steps (n - 1) k, ..., k, 0: (1000, 4) gives "
         "[999, 666, 333, 0], (12, 4) starts at 12 (out of range), n = 1 divides by zero - against 'with "
         "k = T // n, the steps are (n-1)k, ..., 2k, k, 0'",
         replace_once(_DDIM, "    k = num_train_steps // num_steps\n",
                      "    k = num_train_steps // (num_steps - 1) if num_steps > 1 else num_train_steps // 0\n")),
        ("copy slip: eps_fn called a second time for the ddim_step call (the first eps computed and not used): "
         "two network calls per step - against 'calling eps_fn(x, t) once per step'",
         replace_once(_DDIM, "        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)\n",
                      "        eps = eps_fn(x, t)\n        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)\n")),
        ("t_prev as steps[(i + 1) % len(steps)] (a ring-buffer habit): the last jump goes from step 0 back to "
         "the largest step instead of to t' = -1 - against 'with alpha_bar_t' = 1 for the final jump (t' = -1)'",
         replace_once(_DDIM, "        t_prev = steps[i + 1] if i + 1 < len(steps) else -1\n",
                      "        t_prev = steps[(i + 1) % len(steps)]\n")),
        ("ddim_timesteps returns a tuple (tuple(i * k for i in ...)) - against 'the list of steps' (-> list[int])",
         replace_once(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
                      "    return tuple(i * k for i in range(num_steps - 1, -1, -1))\n")),
    ],
    "ex8_guidance": [
        ("model.zero_grad() before the call 'so no stale gradients leak into sampling': gradients the caller's "
         "parameters hold are cleared - against 'does not clear or replace the gradients the caller's "
         "parameters hold in .grad' / 'guided_eps only calls the model'",
         replace_once(_CFG, "    B = x.shape[0]\n", "    model.zero_grad()\n    B = x.shape[0]\n")),
        ("the guided eps returned with .float() ('eps is float32'): a float64 model gives a float32 result - "
         "against 'does not move a tensor to another dtype' (the model's prediction keeps its dtype)",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n",
                      "    return (eps_u + scale * (eps_c - eps_u)).float()\n")),
        ("the doubled batch cast with .float() 'images are float32': a float64 model gets float32 inputs and "
         "raises - against 'its parameters keep their dtype' (the model is called in its own dtype)",
         replace_once(_CFG, "model(torch.cat([x, x], dim=0), steps,", "model(torch.cat([x, x], dim=0).float(), steps,")),
        ("model called under torch.autocast('cpu', dtype=torch.bfloat16) 'mixed precision for faster sampling': "
         "the prediction comes back rounded (bfloat16 for layers autocast covers) - against 'guided_eps only "
         "calls the model: its parameters keep their dtype'",
         replace_once(_CFG, "    out = model(torch.cat([x, x], dim=0), steps, torch.cat([y, null], dim=0))\n",
                      "    with torch.autocast(x.device.type, dtype=torch.bfloat16):\n"
                      "        out = model(torch.cat([x, x], dim=0), steps, torch.cat([y, null], dim=0))\n")),
    ],
}
