"""Blind round 15, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-14 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 14's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND14 = earlier_round(14, __file__)

_SCHED, _Q, _EMB, _RES, _RES_INIT = ROUND14._SCHED, ROUND14._Q, ROUND14._EMB, ROUND14._RES, ROUND14._RES_INIT
_LOSS, _DDPM, _DDIM, _CFG = ROUND14._LOSS, ROUND14._DDPM, ROUND14._DDIM, ROUND14._CFG

# ----------------------------------------------------------------------------- round 15's own right answers
_SCHED_F64 = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    if num_steps == 1:
        return torch.tensor([beta_start], dtype=torch.float32)
    i = torch.arange(num_steps, dtype=torch.float64)
    return (beta_start + (beta_end - beta_start) * i / (num_steps - 1)).to(torch.float32)


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    u = torch.arange(num_steps + 1, dtype=torch.float64) / num_steps
    f = torch.cos((u + s) / (1 + s) * math.pi / 2).square()
    abar = f / f[0]
    betas = 1 - abar[1:] / abar[:-1]
    return torch.minimum(betas, torch.tensor(max_beta, dtype=torch.float64)).to(torch.float32)


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1 - betas
    alpha_bars = alphas.cumprod(dim=0)
    alpha_bars_prev = torch.ones_like(alpha_bars)
    alpha_bars_prev[1:] = alpha_bars[:-1]
    posterior_variance = betas * (1 - alpha_bars_prev) / (1 - alpha_bars)
    return Schedule(betas, alphas, alpha_bars, alpha_bars_prev, posterior_variance)
'''

_Q_LOOP = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    dt = torch.promote_types(torch.promote_types(x0.dtype, noise.dtype), schedule.alpha_bars.dtype)
    abar = schedule.alpha_bars.to(device=x0.device, dtype=dt)[t.to(x0.device)]
    rows = [abar[i].sqrt() * x0[i].to(dt) + (1 - abar[i]).sqrt() * noise[i].to(dt) for i in range(x0.shape[0])]
    return torch.stack(rows).to(x0.dtype)
'''

_EMB_BUFFER = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    i = torch.arange(half, device=t.device, dtype=torch.float32)
    freqs = torch.exp(-math.log(max_period) * i / half)
    angles = torch.outer(t.to(torch.float32), freqs)
    emb = torch.empty(t.shape[0], dim, dtype=torch.float32, device=t.device)
    emb[:, :half] = torch.sin(angles)
    emb[:, half:] = torch.cos(angles)
    return emb
'''

_RES_SIGMOID = _RES_INIT + '''        a = self.norm1(x)
        h = self.conv1(a * torch.sigmoid(a))
        h = h + self.emb_proj(emb).view(h.shape[0], h.shape[1], 1, 1)
        b = self.norm2(h)
        return self.skip(x) + self.conv2(b * torch.sigmoid(b))
'''

_LOSS_MASKED = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B, T = len(x0), schedule.num_steps
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label
    y_in = y.masked_fill(drop, model.num_classes)
    pred = model(q_sample(x0, t, noise, schedule), t, y_in)
    return (pred - noise).pow(2).mean()
'''

_DDPM_WHILE = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    alpha, beta, abar = schedule.alphas[t], schedule.betas[t], schedule.alpha_bars[t]
    mean = (x_t - eps * (beta / (1 - abar).sqrt())) / alpha.sqrt()
    sigma = schedule.posterior_variance[t].sqrt() if t > 0 else torch.zeros_like(beta)
    return mean + sigma * noise


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    t = schedule.num_steps
    while t > 0:
        t -= 1
        eps = eps_fn(x, t)
        z = torch.randn(shape, generator=generator, device=device) if t else torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step is not None:
            on_step(t, x)
    return x
'''

_DDIM_F64 = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return [int(s) for s in (torch.arange(num_steps - 1, -1, -1) * k).tolist()]


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    a = alpha_bars[t].to(torch.float64)
    if t_prev >= 0:
        a_prev = alpha_bars[t_prev].to(torch.float64)
    else:
        a_prev = torch.ones((), dtype=torch.float64, device=alpha_bars.device)
    x0_hat = (x_t.double() - (1 - a).sqrt() * eps.double()) / a.sqrt()
    return (a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps.double()).to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(len(alpha_bars), num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    for t, t_prev in zip(steps, [*steps[1:], -1]):
        eps = eps_fn(x, t)
        x = ddim_step(eps, t, t_prev, x, alpha_bars)
    return x
'''

_CFG_LERP = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = len(x)
    labels = torch.cat((y, y.new_full(y.shape, model.num_classes)))
    steps = torch.tensor([t] * (2 * B), dtype=torch.long, device=x.device)
    eps_c, eps_u = model(torch.cat((x, x)), steps, labels).tensor_split(2)
    return torch.lerp(eps_u, eps_c, scale)
'''

CORRECT = {
    gid: [ROUND14.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_schedule", "linear as beta_start + (beta_end - beta_start) i / (T - 1) in float64 with T = 1 "
                         "apart, cosine from alpha_bar = f / f(0) and torch.minimum, prev by slice assignment "
                         "into ones_like (round 15)", _SCHED_F64),
        ("ex2_forward", "per-example loop over the batch in the promoted dtype of x0, noise and alpha_bars, rows "
                        "stacked, cast to x0's dtype (round 15)", _Q_LOOP),
        ("ex3_time_embedding", "torch.outer, halves written into a float32 torch.empty(B, dim) on t.device "
                               "(round 15)", _EMB_BUFFER),
        ("ex4_resblock", "SiLU written as a * sigmoid(a), shift by view(B, C, 1, 1), skip first in the sum "
                         "(round 15)", _RES_SIGMOID),
        ("ex5_loss", "labels by masked_fill, loss as (pred - noise).pow(2).mean() (round 15)", _LOSS_MASKED),
        ("ex6_ddpm", "sigma 0 at t = 0 instead of a branch, while loop counting down (round 15)", _DDPM_WHILE),
        ("ex7_ddim", "steps from torch.arange(...).tolist(), the jump computed in float64 and cast back, "
                     "pairs by zip(steps, [*steps[1:], -1]) (round 15)", _DDIM_F64),
        ("ex8_guidance", "labels by new_full, steps from a Python list, halves by tensor_split, guided eps "
                         "by torch.lerp(eps_u, eps_c, w) (round 15)", _CFG_LERP),
    )
}

MUTANTS = {
    "ex1_schedule": [
        ("one-step linear schedule special-cased as torch.tensor(beta_start) (a 0-d tensor, not shape (1,)) - "
         "against 'A one-step linear schedule (T = 1) is just (beta_start,)' / 'shape (T,)'",
         replace_once(_SCHED, "    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)\n",
                      "    if num_steps == 1:\n        return torch.tensor(beta_start, dtype=torch.float32)\n"
                      "    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)\n")),
        ("alphas as torch.ones(T) - betas ('alpha_t = 1 - beta_t, one per step'): the ones are float32 on the "
         "CPU, so float16 betas give float32 alphas, alpha_bars, alpha_bars_prev and posterior_variance - "
         "against 'make_schedule takes betas of any dtype: every field comes back in their dtype'",
         replace_once(_SCHED, "    alphas = 1.0 - betas\n", "    alphas = torch.ones(len(betas)) - betas\n")),
        ("alpha_bars_prev started with torch.ones(1, device=betas.device) (device given, dtype forgotten): "
         "torch.cat promotes float16 betas' alpha_bars_prev (and posterior_variance) to float32 - against "
         "'every field comes back in their dtype'",
         replace_once(_SCHED, "    alpha_bars_prev = torch.cat([alpha_bars.new_ones(1), alpha_bars[:-1]])\n",
                      "    alpha_bars_prev = torch.cat([torch.ones(1, device=betas.device), alpha_bars[:-1]])\n")),
        ("cosine angle without the pi / 2 factor: f(u) = cos^2((u/T + s)/(1 + s)) (the angle runs to 1 rad "
         "instead of pi / 2), so the signal never fades to 0 - against f(u) = cos^2((u/T + s)/(1 + s) pi/2)",
         replace_once(_SCHED, "    f = torch.cos((steps / num_steps + s) / (1 + s) * (math.pi / 2)) ** 2\n",
                      "    f = torch.cos((steps / num_steps + s) / (1 + s)) ** 2\n")),
    ],
    "ex2_forward": [
        ("result written into a preallocated torch.empty_like(x0) with torch.add(..., out=out) 'already in "
         "x0's dtype': out= does not support autograd, so a differentiable x0 or noise raises - against "
         "'q_sample keeps the graph: a differentiable x0 or noise gets its gradients through x_t'",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
                      "    out = torch.empty_like(x0)\n"
                      "    torch.add(abar.sqrt() * x0, (1.0 - abar).sqrt() * noise, out=out)\n    return out\n")),
        ("result .squeeze()'d 'to drop the broadcast axes of the coefficients': a one-channel image batch "
         "(B, 1, H, W) comes back (B, H, W), a batch of one loses its batch axis - against 'x0 and noise have "
         "shape (B, ...)' (x_t has x0's shape)",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
                      "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype).squeeze()\n")),
        ("x0 clamped to the data range [-1, 1] first 'images live in [-1, 1]': an x0 outside it is noised "
         "as another image - against x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps for the x0 given",
         replace_once(_Q, "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n",
                      "    return (abar.sqrt() * x0.clamp(-1, 1) + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n")),
        ("one step for the whole batch, alpha_bars[t[0]] broadcast over every example ('the batch is noised "
         "to one level'): examples with other steps get the first one's noise level - against 't is a (B,) "
         "tensor of integer steps - one per example'",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
                      "    abar = schedule.alpha_bars.to(x0.device)[t[0]].expand(x0.shape[0])\n")),
    ],
    "ex3_time_embedding": [
        ("i / h made as torch.arange(0, 1, 1 / h) (a float step): the float step rounds, so for some h "
         "(h = 49, dim = 98) arange gives h + 1 ratios and the result is (B, dim + 2) - against "
         "i = 0, ..., h - 1 and 'the result is (B, dim)'",
         replace_once(replace_once(_EMB, "    i = torch.arange(half, device=t.device, dtype=torch.float32)\n",
                                   "    ratio = torch.arange(0, 1, 1 / half, device=t.device, dtype=torch.float32)\n"),
                      "    freqs = torch.exp(-math.log(max_period) * i / half)\n",
                      "    freqs = torch.exp(-math.log(max_period) * ratio)\n")),
        ("frequency table stored in float16 'it is only a table of rates': omega_i rounded to 11 bits, so "
         "t omega_i is off by up to about 0.5 rad at t = 999 - against omega_i = exp(-ln(max_period) i / h) "
         "and a float32 result",
         replace_once(_EMB, "    freqs = torch.exp(-math.log(max_period) * i / half)\n",
                      "    freqs = torch.exp(-math.log(max_period) * i / half).to(torch.float16)\n")),
        ("i taken as torch.arange(0, half, 2) (the Transformer's arange(0, d, 2) carried over to h): only "
         "h / 2 frequencies, exponents 2j / h, a (B, dim / 2) result - against i = 0, ..., h - 1 and "
         "'the result is (B, dim)'",
         replace_once(_EMB, "    i = torch.arange(half, device=t.device, dtype=torch.float32)\n",
                      "    i = torch.arange(0, half, 2, device=t.device, dtype=torch.float32)\n")),
        ("steps cast with t.half() 'step numbers fit in half precision': float steps such as 12.34 are "
         "rounded to float16 (12.34375) before the angles - against emb(t) = [sin(t omega_i), ...] for t "
         "integer or float",
         replace_once(_EMB, "    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)\n",
                      "    angles = t.half().float().unsqueeze(1) * freqs.unsqueeze(0)\n")),
    ],
    "ex4_resblock": [
        ("conditioning shift added between norm1 and the first SiLU (conv1(SiLU(norm1(x) + Linear(emb)))): "
         "right shape only when the channel count is kept, and the shift goes through the SiLU and conv1 - "
         "against h = conv1(SiLU(norm1(x))) + Linear(emb)",
         replace_once(replace_once(_RES, "        h = self.norm1(x)\n",
                                   "        h = self.norm1(x) + self.emb_proj(emb)[:, :, None, None]\n"),
                      "        h = h + self.emb_proj(emb)[:, :, None, None]\n", "")),
        ("the residual added twice, after conv1 as well ('each convolution gets its skip'): h = conv1(...) "
         "+ Linear(emb) + skip(x) - against h = conv1(SiLU(norm1(x))) + Linear(emb) (skip(x) only in out)",
         replace_once(_RES, "        h = h + self.emb_proj(emb)[:, :, None, None]\n",
                      "        h = h + self.emb_proj(emb)[:, :, None, None] + self.skip(x)\n")),
        ("conv1 and conv2 swapped (conv2 in the first branch, conv1 in the second): runs only when the "
         "channel count is kept, with the other convolution's weights - against out = conv2(SiLU(norm2(h))) "
         "+ skip(x), h = conv1(SiLU(norm1(x))) + ...",
         replace_once(replace_once(_RES, "        h = self.conv1(h)\n", "        h = self.conv2(h)\n"),
                      "        h = self.conv2(h)\n        return", "        h = self.conv1(h)\n        return")),
        ("skip path taken from x.detach() ('the skip is only a copy of the input'): no gradient reaches x "
         "(or the 1x1 skip's input) through the residual path - against 'the residual path keeps gradients "
         "flowing through a deep stack' (out = ... + skip(x))",
         replace_once(_RES, "        return h + self.skip(x)\n", "        return h + self.skip(x.detach())\n")),
    ],
    "ex5_loss": [
        ("model.train() at the start 'the loss trains' and model.eval() at the end 'to restore': a model the "
         "caller left in training mode comes back in eval mode - against 'every other function that takes "
         "a model uses it in the train/eval mode the caller left it in, and hands it back in that mode'",
         replace_once(replace_once(_LOSS, "    B, T = x0.shape[0], schedule.num_steps\n",
                                   "    model.train()\n    B, T = x0.shape[0], schedule.num_steps\n"),
                      "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
                      "    loss = F.mse_loss(model(x_t, t, y_in), noise)\n    model.eval()\n    return loss\n")),
        ("'with probability p_uncond' made exact: the three calls are made, but the first round(p_uncond B) "
         "examples are hidden (drop = arange(B) < round(p_uncond * B)) 'so every batch hides exactly that "
         "share': the drawn mask is thrown away - against 'drop = torch.rand(B, ...) < p_uncond   # True: "
         "hide the label'",
         replace_once(_LOSS, "    y_in = torch.where(drop, torch.full_like(y, model.num_classes), y)\n",
                      "    drop = torch.arange(B, device=x0.device) < round(p_uncond * B)\n"
                      "    y_in = torch.where(drop, torch.full_like(y, model.num_classes), y)\n")),
        ("loss computed on pred.float() and noise.float() 'MSE in float32 for stability': a float64 batch and "
         "model give a float32 loss - against 'does not move a tensor to another dtype' (the loss is the "
         "mean squared error of the model's prediction)",
         replace_once(_LOSS, "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
                      "    return F.mse_loss(model(x_t, t, y_in).float(), noise.float())\n")),
        ("min-SNR-5 weighting (a common repository habit): each example's MSE weighted by min(SNR_t, 5) / "
         "SNR_t, SNR_t = alpha_bar_t / (1 - alpha_bar_t): low-noise steps count less - against 'return the "
         "mean squared error (F.mse_loss, averaged over every entry)'",
         replace_once(_LOSS, "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
                      "    abar = schedule.alpha_bars.to(x0.device)[t]\n    snr = abar / (1 - abar)\n"
                      "    per = F.mse_loss(model(x_t, t, y_in), noise, reduction='none').flatten(1).mean(1)\n"
                      "    return (snr.clamp(max=5.0) / snr * per).mean()\n")),
    ],
    "ex6_ddpm": [
        ("coefficients read as one-element slices (schedule.betas[t:t + 1], ...) 'so they broadcast': a (1,) "
         "tensor takes part in type promotion, so a float64 schedule turns a float32 x_t's step (and the "
         "whole sample) into float64 - against 'ddpm_step returns a new tensor in the dtype of x_t'",
         replace_once(replace_once(replace_once(_DDPM,
             "    beta_t = schedule.betas[t]\n", "    beta_t = schedule.betas[t:t + 1]\n"),
             "    mean = (x_t - beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps) / torch.sqrt(schedule.alphas[t])\n",
             "    mean = (x_t - beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t:t + 1]) * eps) / torch.sqrt(schedule.alphas[t:t + 1])\n"),
             "    return mean + torch.sqrt(schedule.posterior_variance[t]) * noise\n",
             "    return mean + torch.sqrt(schedule.posterior_variance[t:t + 1]) * noise\n")),
        ("sigma_t^2 recomputed from the other fields (beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t)) "
         "instead of read from schedule.posterior_variance: a schedule whose posterior_variance holds other "
         "values (e.g. beta_t, DDPM's other choice) is sampled with the wrong noise - against 'sigma_t^2 = "
         "beta~_t (posterior_variance)'",
         replace_once(_DDPM, "    return mean + torch.sqrt(schedule.posterior_variance[t]) * noise\n",
                      "    var = beta_t * (1.0 - schedule.alpha_bars_prev[t]) / (1.0 - schedule.alpha_bars[t])\n"
                      "    return mean + torch.sqrt(var) * noise\n")),
        ("ddpm_step at t = 0 returns x_t unchanged (a copy) 't = 0 is the clean image, nothing left to "
         "remove': the last step's mean is never taken - against 'at the last step (t = 0) we return the "
         "mean: no noise'",
         replace_once(_DDPM, "    if t == 0:\n        return mean\n", "    if t == 0:\n        return x_t.clone()\n")),
        ("on_step given the number of steps done (T - 1 - t, a progress counter) instead of t - against "
         "'call on_step(t, x) with the new x'",
         replace_once(_DDPM, "            on_step(t, x)\n", "            on_step(schedule.num_steps - 1 - t, x)\n")),
    ],
    "ex7_ddim": [
        ("k = max(T // n, 1) 'so the spacing is never 0': asked for more steps than T, the steps run "
         "n - 1, ..., 0 (past the last training step) instead of k = 0's zeros - against 'with k = T // n, "
         "the steps are (n-1)k, ..., 2k, k, 0'",
         replace_once(_DDIM, "    k = num_train_steps // num_steps\n",
                      "    k = max(num_train_steps // num_steps, 1)\n")),
        ("general-eta DDIM written with eta = 0: a z = torch.randn(shape, generator=generator, device=device) "
         "is still drawn at every jump and multiplied by sigma = 0: the sample is the same, but the generator "
         "(or PyTorch's global one) is advanced - against 'calling eps_fn(x, t) once per step (no other "
         "randomness)'",
         replace_once(_DDIM, "        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)\n",
                      "        z = torch.randn(shape, generator=generator, device=device)\n"
                      "        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars) + 0.0 * z\n")),
        ("ddim_step returns (x_{t'}, x0_hat) like diffusers' DDIMSchedulerOutput (pred_original_sample), and "
         "ddim_sample unpacks it - against 'ddim_step(...): one jump ... It returns a new tensor'",
         replace_once(replace_once(_DDIM,
             "    return (a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps).to(x_t.dtype)\n",
             "    return (a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps).to(x_t.dtype), x0_hat\n"),
             "        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)\n",
             "        x, _ = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)\n")),
        ("eps_fn told the index i of the jump (enumerate's counter) instead of the training step t: the "
         "model is asked about steps 0, 1, ..., n - 1 - against 'calling eps_fn(x, t) once per step' "
         "(t from ddim_timesteps)",
         replace_once(_DDIM, "        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)\n",
                      "        x = ddim_step(eps_fn(x, i), t, t_prev, x, alpha_bars)\n")),
    ],
    "ex8_guidance": [
        ("'no label' batch cached in a module-level dict keyed by the batch size 'for speed': a later call "
         "with another model (another num_classes) or device and the same B reuses the first call's labels - "
         "against '\"no label\" is model.num_classes'",
         replace_once(replace_once(_CFG, "\ndef guided_eps(", "\n_NULL = {}\n\n\ndef guided_eps("),
                      "    null = torch.full_like(y, model.num_classes)\n",
                      "    if B not in _NULL:\n        _NULL[B] = torch.full_like(y, model.num_classes)\n"
                      "    null = _NULL[B]\n")),
        ("x and the labels both interleaved (stack(..., dim=1).flatten) 'so each example's pair sits "
         "together', but the output still split into halves with chunk(2): the 'conditional' half mixes "
         "conditional and unconditional rows - against 'torch.cat along the batch dimension, then split the "
         "output'",
         replace_once(_CFG, "    out = model(torch.cat([x, x], dim=0), steps, torch.cat([y, null], dim=0))\n",
                      "    out = model(torch.stack([x, x], dim=1).flatten(0, 1), steps,\n"
                      "                torch.stack([y, null], dim=1).flatten())\n")),
        ("the doubled batch cast to the model's parameter dtype (next(model.parameters()).dtype) 'so the "
         "model accepts it': a float64 x goes into a model with float32 parameters as float32 (and a model "
         "without parameters raises StopIteration) - against 'the model gets x in the dtype x comes in'",
         replace_once(_CFG, "model(torch.cat([x, x], dim=0), steps,",
                      "model(torch.cat([x, x], dim=0).to(next(model.parameters()).dtype), steps,")),
        ("the guided eps cast to x's dtype (.to(x.dtype)) 'the sampler's dtype': a model whose prediction "
         "comes in another dtype (float64) gives a float32 eps - against 'the guided eps keeps the dtype of "
         "the model's prediction'",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n",
                      "    return (eps_u + scale * (eps_c - eps_u)).to(x.dtype)\n")),
    ],
}
