"""Blind round 16, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-15 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 15's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is round 15's own other style (this round wrote no new style in time).

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND15 = earlier_round(15, __file__)
R14 = ROUND15.ROUND14
_SCHED, _Q, _EMB, _RES, _LOSS, _DDPM, _DDIM, _CFG = (R14._SCHED, R14._Q, R14._EMB, R14._RES, R14._LOSS,
                                                      R14._DDPM, R14._DDIM, R14._CFG)

CORRECT = {gid: [ROUND15.CORRECT[gid][0], ROUND15.CORRECT[gid][1]] for gid in ROUND15.CORRECT}

_R = "    return (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n"

MUTANTS = {
    "ex1_schedule": [
        ("cosine max_beta clip forgotten: beta_t = 1 - f(t+1)/f(t) unclipped, so the last beta is 1 - against "
         "beta_t = min(1 - f(t+1)/f(t), beta_max)",
         replace_once(_SCHED, "    betas = (1.0 - f[1:] / f[:-1]).clamp(max=max_beta)\n",
                      "    betas = 1.0 - f[1:] / f[:-1]\n")),
        ("cosine grid normalised twice: u = linspace(0, 1, T + 1), then the formula's u / T again - against "
         "f(u) = cos^2((u/T + s)/(1 + s) pi/2) for u = 0..T",
         replace_once(_SCHED, "    steps = torch.arange(num_steps + 1, dtype=torch.float64)\n",
                      "    steps = torch.linspace(0, 1, num_steps + 1, dtype=torch.float64)\n")),
        ("torch.set_default_dtype(torch.float64) in cosine_betas 'for precision', never restored: the caller's "
         "later tensors are float64 - against 'the same holds for PyTorch's own switches'",
         replace_once(_SCHED, "    steps = torch.arange(num_steps + 1, dtype=torch.float64)\n",
                      "    torch.set_default_dtype(torch.float64)\n"
                      "    steps = torch.arange(num_steps + 1, dtype=torch.float64)\n")),
        ("posterior_variance[0] set to beta_0 'so the variance is never 0': against beta~_t = "
         "(1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) beta_t (0 at t = 0)",
         replace_once(_SCHED, "    posterior_variance = betas * (1.0 - alpha_bars_prev) / (1.0 - alpha_bars)\n",
                      "    posterior_variance = betas * (1.0 - alpha_bars_prev) / (1.0 - alpha_bars)\n"
                      "    posterior_variance = torch.cat([betas[:1], posterior_variance[1:]])\n")),
    ],
    "ex2_forward": [
        ("x_t.requires_grad_(True) 'q_sample keeps the graph': plain inputs give a result that requires grad - "
         "against 'a differentiable x0 or noise gets its gradients through x_t' (only then)",
         replace_once(_Q, _R, "    x_t = (abar.sqrt() * x0 + (1.0 - abar).sqrt() * noise).to(x0.dtype)\n"
                              "    return x_t if x_t.requires_grad else x_t.requires_grad_(True)\n")),
        ("coefficients under torch.set_grad_enabled(False) ... set_grad_enabled(True): a caller under no_grad "
         "gets gradient tracking turned on - against 'the same holds for PyTorch's own switches'",
         replace_once(replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
                                   "    torch.set_grad_enabled(False)\n"
                                   "    abar = schedule.alpha_bars.to(x0.device)[t]\n"),
                      _R, "    torch.set_grad_enabled(True)\n" + _R)),
        ("computed in float64 'for precision' and returned float64: a float32 x0 gives float64 - against "
         "'Return a new tensor of x0's dtype'",
         replace_once(_Q, _R, "    return abar.double().sqrt() * x0.double() + (1.0 - abar.double()).sqrt() * noise.double()\n")),
        ("whole body under torch.enable_grad() 'q_sample keeps the graph': under the caller's no_grad a "
         "differentiable x0 still builds a graph - against 'does not leave gradient tracking' / no_grad callers",
         replace_once(_Q, _R, "    with torch.enable_grad():\n    " + _R)),
    ],
    "ex3_time_embedding": [
        ("exp written as 10 ** (...): omega_i = 10^(-ln(P) i / h) - against omega_i = exp(-ln(max_period) i / h)",
         replace_once(_EMB, "    freqs = torch.exp(-math.log(max_period) * i / half)\n",
                      "    freqs = 10 ** (-math.log(max_period) * i / half)\n")),
        ("frequencies linearly spaced (linspace from 1 to 1 / max_period) instead of geometrically - against "
         "omega_i = exp(-ln(max_period) i / h)",
         replace_once(_EMB, "    freqs = torch.exp(-math.log(max_period) * i / half)\n",
                      "    freqs = torch.linspace(1.0, 1.0 / max_period, half, device=t.device)\n")),
        ("angles for dim frequencies, sines of the first half and cosines of the second half (omega_h..omega_2h-1) "
         "- against the same omega_0..omega_{h-1} in both halves",
         replace_once(replace_once(_EMB, "    i = torch.arange(half, device=t.device, dtype=torch.float32)\n",
                                   "    i = torch.arange(dim, device=t.device, dtype=torch.float32)\n"),
                      "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
                      "    return torch.cat([angles[:, :half].sin(), angles[:, half:].cos()], dim=1)\n")),
        ("input check 'if (t < 0).any(): raise': a meta t cannot be turned into a bool - against 'the result "
         "must live on the device of t, whatever it is (... the meta device)'",
         replace_once(_EMB, "    half = dim // 2\n",
                      "    if bool((t < 0).any()):\n        raise ValueError('negative step')\n    half = dim // 2\n")),
    ],
    "ex4_resblock": [
        ("shift viewed as (1, -1, 1, 1) 'one shift per channel': only a batch of one broadcasts - against "
         "'one shift per channel, broadcast over H, W' for (B, emb_dim)",
         replace_once(_RES, "        h = h + self.emb_proj(emb)[:, :, None, None]\n",
                      "        h = h + self.emb_proj(emb).view(1, -1, 1, 1)\n")),
        ("the residual adds x itself instead of skip(x) ('the skip is an Identity'): a block that changes the "
         "channel count raises - against out = ... + skip(x)",
         replace_once(_RES, "        return h + self.skip(x)\n", "        return h + x\n")),
        ("forward under torch.autocast('cpu', bfloat16) 'four times cheaper on a CPU': the output is bfloat16 "
         "- against 'the block computes in its layers' dtype (no casts of your own)'",
         replace_once(_RES, "        h = self.norm1(x)\n",
                      "        with torch.autocast('cpu', dtype=torch.bfloat16):\n"
                      "            return self._fwd(x, emb)\n\n    def _fwd(self, x, emb):\n"
                      "        h = self.norm1(x)\n")),
        ("gradient checkpointing with use_reentrant=True 'to save memory': an input that does not require grad "
         "leaves the block's parameters without gradients - against the block being trained by backprop",
         replace_once(_RES, "        h = self.norm1(x)\n",
                      "        import torch.utils.checkpoint as cp\n"
                      "        return cp.checkpoint(self._fwd, x, emb, use_reentrant=True)\n\n"
                      "    def _fwd(self, x, emb):\n        h = self.norm1(x)\n")),
    ],
    "ex5_loss": [
        ("F.mse_loss(..., reduction='sum') - against 'the mean squared error (F.mse_loss, averaged over every entry)'",
         replace_once(_LOSS, "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
                      "    return F.mse_loss(model(x_t, t, y_in), noise, reduction='sum')\n")),
        ("default p_uncond changed to 0.0 'label dropout only when training asks for it': a call that leaves "
         "p_uncond out hides no label - against the signature's p_uncond: float = 0.1",
         replace_once(_LOSS, "p_uncond: float = 0.1,", "p_uncond: float = 0.0,")),
        ("the model told the step as t.float() - against model(x_t, t, y) with the drawn integer steps",
         replace_once(_LOSS, "    return F.mse_loss(model(x_t, t, y_in), noise)\n",
                      "    return F.mse_loss(model(x_t, t.float(), y_in), noise)\n")),
        ("steps drawn with randint(1, T) 't = 0 is the clean image' - against "
         "'t = torch.randint(0, T, (B,), ...)'",
         replace_once(_LOSS, "    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)\n",
                      "    t = torch.randint(1, T, (B,), generator=generator, device=x0.device)\n")),
    ],
    "ex6_ddpm": [
        ("@torch.no_grad() replaced by torch.set_grad_enabled(False), never switched back - against 'a function "
         "does not leave gradient tracking turned off'",
         replace_once(replace_once(_DDPM, "@torch.no_grad()\n", ""),
                      "    x = torch.randn(shape, generator=generator, device=device)\n",
                      "    torch.set_grad_enabled(False)\n    x = torch.randn(shape, generator=generator, device=device)\n")),
        ("on_step also called once with the starting noise as on_step(T, x) - against 'call on_step(t, x) with "
         "the new x' after each step",
         replace_once(_DDPM, "    for t in reversed(range(schedule.num_steps)):\n",
                      "    if on_step is not None:\n        on_step(schedule.num_steps, x)\n"
                      "    for t in reversed(range(schedule.num_steps)):\n")),
        ("loop over torch.arange: on_step gets a 0-d tensor step (eps_fn gets int(t)) - against on_step(t, x) "
         "with t an int",
         replace_once(replace_once(_DDPM, "    for t in reversed(range(schedule.num_steps)):\n        eps = eps_fn(x, t)\n",
                                   "    for tt in torch.arange(schedule.num_steps - 1, -1, -1):\n"
                                   "        t = int(tt)\n        eps = eps_fn(x, t)\n"),
                      "            on_step(t, x)\n", "            on_step(tt, x)\n")),
        ("posterior-mean form with alpha_bar_{t-1} read as alpha_bars[t - 1]: at t = 0 it wraps to the last "
         "step - against alpha_bar_{-1} = 1",
         replace_once(_DDPM, "    mean = (x_t - beta_t / torch.sqrt(1.0 - schedule.alpha_bars[t]) * eps) / torch.sqrt(schedule.alphas[t])\n",
                      "    ab, abp = schedule.alpha_bars[t], schedule.alpha_bars[t - 1]\n"
                      "    x0_hat = (x_t - (1 - ab).sqrt() * eps) / ab.sqrt()\n"
                      "    mean = abp.sqrt() * beta_t / (1 - ab) * x0_hat + schedule.alphas[t].sqrt() * (1 - abp) / (1 - ab) * x_t\n")),
    ],
    "ex7_ddim": [
        ("duplicate steps removed (sorted(set(...))): asked for more steps than T the list is [0] - against "
         "'the steps are (n-1)k, ..., k, 0' (n of them)",
         replace_once(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
                      "    return sorted({i * k for i in range(num_steps - 1, -1, -1)}, reverse=True)\n")),
        ("steps as list(range((n - 1) k, -1, -k)): k = 0 (more steps than T) raises - against 'k is 0: no step "
         "is ever past T - 1'",
         replace_once(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
                      "    return list(range((num_steps - 1) * k, -1, -k))\n")),
        ("ddim_sample uses the notebook's global cfg.ddim_steps instead of num_steps - against "
         "'ddim_timesteps(T, num_steps)'",
         replace_once(_DDIM, "    steps = ddim_timesteps(len(alpha_bars), num_steps)\n",
                      "    steps = ddim_timesteps(len(alpha_bars), cfg.ddim_steps)\n")),
        ("sign slip in x0_hat: (x_t + sqrt(1 - a) eps) / sqrt(a) - against x0_hat = (x_t - sqrt(1 - a_t) eps) / sqrt(a_t)",
         replace_once(_DDIM, "    x0_hat = (x_t - (1 - a_t).sqrt() * eps) / a_t.sqrt()\n",
                      "    x0_hat = (x_t + (1 - a_t).sqrt() * eps) / a_t.sqrt()\n")),
    ],
    "ex8_guidance": [
        ("guided eps formed in place on the chunk views (eps_c.sub_(eps_u).mul_(scale).add_(eps_u)): with "
         "gradients on it raises - against 'guided_eps only calls the model'",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n",
                      "    return eps_c.sub_(eps_u).mul_(scale).add_(eps_u)\n")),
        ("inputs built under set_grad_enabled(False), then set_grad_enabled(True) for the call: a caller under "
         "no_grad gets gradient tracking on - against 'the same holds for PyTorch's own switches'",
         replace_once(replace_once(_CFG, "    B = x.shape[0]\n", "    torch.set_grad_enabled(False)\n    B = x.shape[0]\n"),
                      "    out = model(", "    torch.set_grad_enabled(True)\n    out = model(")),
        ("scale made a tensor torch.tensor([scale]) 'on x's device': a (1,) float32 tensor promotes a bfloat16 "
         "prediction to float32 - against 'the guided eps keeps the dtype of the model's prediction'",
         replace_once(_CFG, "    return eps_u + scale * (eps_c - eps_u)\n",
                      "    w = torch.tensor([scale], device=x.device)\n    return eps_u + w * (eps_c - eps_u)\n")),
        ("steps made with dtype=y.dtype ('torch.long like the labels'): int32 labels give int32 steps - "
         "against 'a (2B,) tensor of integer steps, torch.long'",
         replace_once(_CFG, "    steps = torch.full((2 * B,), t, dtype=torch.long, device=x.device)\n",
                      "    steps = torch.full((2 * B,), t, dtype=y.dtype, device=x.device)\n")),
    ],
}
