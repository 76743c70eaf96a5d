"""Blind round 13, lab 04 (diffusion on Fashion-MNIST): wrong answers written from the student notebook
only (no hidden checks seen), each a mistake that none of rounds 1-12 holds.
Right answers: CORRECT[gid][0] is round 12's reference (round 2's answers, reused by name, keep the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND12 = earlier_round(12, __file__)


_SCHED, _Q, _EMB, _RES, _RES_INIT = ROUND12._SCHED, ROUND12._Q, ROUND12._EMB, ROUND12._RES, ROUND12._RES_INIT
_LOSS, _DDPM, _DDIM, _CFG = ROUND12._LOSS, ROUND12._DDPM, ROUND12._DDIM, ROUND12._CFG

# ----------------------------------------------------------------------------- round 13's own right answers
_SCHED_ARANGE = '''
def linear_betas(num_steps: int, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    i = torch.arange(num_steps, dtype=torch.float64)
    step = (beta_end - beta_start) / max(num_steps - 1, 1)                # T = 1: just beta_start
    return (beta_start + step * i).float()


def cosine_betas(num_steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    u = torch.arange(num_steps + 1, dtype=torch.float64)
    f = torch.cos((u / num_steps + s) / (1 + s) * math.pi / 2).square()
    alpha_bar = f / f[0]                                                  # alpha_bar_t = f(t + 1) / f(0) at index t + 1
    return torch.minimum(1 - alpha_bar[1:] / alpha_bar[:-1], torch.tensor(max_beta, dtype=torch.float64)).float()


def make_schedule(betas: torch.Tensor) -> Schedule:
    alphas = 1 - betas
    alpha_bars = alphas.cumprod(0)
    alpha_bars_prev = alpha_bars.roll(1, 0)                               # a new tensor: safe to write into
    alpha_bars_prev[0] = 1
    posterior_variance = (1 - alpha_bars_prev) / (1 - alpha_bars) * betas
    return Schedule(*(betas, alphas, alpha_bars, alpha_bars_prev, posterior_variance))
'''

_Q_EINSUM = '''
def q_sample(x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    abar = torch.gather(schedule.alpha_bars.to(x0.device), 0, t.to(x0.device).long())
    dt = torch.promote_types(abar.dtype, torch.promote_types(x0.dtype, noise.dtype))
    signal = torch.einsum("b,b...->b...", abar.sqrt().to(dt), x0.to(dt))
    rest = torch.einsum("b,b...->b...", (1 - abar).sqrt().to(dt), noise.to(dt))
    return (signal + rest).to(x0.dtype)
'''

_EMB_FLOAT64 = '''
def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    exponents = torch.arange(half, device=t.device, dtype=torch.float64) / half
    freqs = max_period ** (-exponents)                                    # exp(-ln(P) i / h)
    angles = torch.outer(t.to(torch.float64), freqs)
    return torch.cat((torch.sin(angles), torch.cos(angles)), dim=-1).to(torch.float32)
'''

_RES_SIGMOID = _RES_INIT + '''        def silu(v):
            return v * torch.sigmoid(v)

        shift = self.emb_proj(emb)
        h = self.conv1(silu(self.norm1(x))) + shift.view(*shift.shape, 1, 1)
        out = self.conv2(silu(self.norm2(h)))
        return out + self.skip(x)
'''

_LOSS_MASKED = '''
def diffusion_loss(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, schedule: Schedule,
                   p_uncond: float = 0.1, generator: torch.Generator | None = None) -> torch.Tensor:
    B, T = len(x0), schedule.num_steps
    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) < p_uncond   # True: hide the label
    labels = y.masked_fill(drop, model.num_classes)                       # a new tensor
    pred = model(q_sample(x0, t, noise, schedule), t, labels)
    return (pred - noise).pow(2).mean()
'''

_DDPM_POSTERIOR = '''
def ddpm_step(eps: torch.Tensor, t: int, x_t: torch.Tensor, schedule: Schedule, noise: torch.Tensor) -> torch.Tensor:
    beta, alpha = schedule.betas[t], schedule.alphas[t]
    abar, abar_prev = schedule.alpha_bars[t], schedule.alpha_bars_prev[t]
    x0_hat = (x_t - (1 - abar).sqrt() * eps) / abar.sqrt()
    # the posterior mean of q(x_{t-1} | x_t, x0_hat): the same mean as the eps form
    mean = abar_prev.sqrt() * beta / (1 - abar) * x0_hat + alpha.sqrt() * (1 - abar_prev) / (1 - abar) * x_t
    return mean if t == 0 else mean + schedule.posterior_variance[t].sqrt() * noise


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule: Schedule, generator: torch.Generator | None = None,
                device="cpu", on_step=None) -> torch.Tensor:
    x = torch.randn(shape, generator=generator, device=device)
    t = schedule.num_steps - 1
    while t >= 0:
        eps = eps_fn(x, t)
        z = torch.randn(shape, generator=generator, device=device) if t else torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step is not None:
            on_step(t, x)
        t -= 1
    return x
'''

_DDIM_RATIO = '''
def ddim_timesteps(num_train_steps: int, num_steps: int) -> list[int]:
    k = num_train_steps // num_steps
    return sorted((k * i for i in range(num_steps)), reverse=True)


def ddim_step(eps: torch.Tensor, t: int, t_prev: int, x_t: torch.Tensor, alpha_bars: torch.Tensor) -> torch.Tensor:
    levels = torch.cat([alpha_bars, alpha_bars.new_ones(1)])              # index -1 is the clean level 1
    a, a_prev = levels[t], levels[t_prev]
    # x_t' = sqrt(a'/a) x_t + (sqrt(1 - a') - sqrt(a' (1 - a) / a)) eps: x0_hat folded in
    out = (a_prev / a).sqrt() * x_t + ((1 - a_prev).sqrt() - (a_prev * (1 - a) / a).sqrt()) * eps
    return out.to(x_t.dtype)


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars: torch.Tensor, num_steps: int,
                generator: torch.Generator | None = None, device="cpu") -> torch.Tensor:
    steps = ddim_timesteps(alpha_bars.shape[0], num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    for i in range(len(steps)):
        t = steps[i]
        t_prev = steps[i + 1] if i < len(steps) - 1 else -1
        eps = eps_fn(x, t)
        x = ddim_step(eps, t, t_prev, x, alpha_bars)
    return x
'''

_CFG_LERP = '''
def guided_eps(model: nn.Module, x: torch.Tensor, t: int, y: torch.Tensor, scale: float) -> torch.Tensor:
    B = len(y)
    labels = torch.cat((y, y.new_full((B,), model.num_classes)))
    steps = torch.full((2 * B,), t, dtype=torch.long, device=x.device)
    eps_c, eps_u = model(torch.cat((x, x)), steps, labels).split(B)
    return torch.lerp(eps_u, eps_c, scale)                                # eps_u + w (eps_c - eps_u)
'''

CORRECT = {
    gid: [ROUND12.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_schedule", "linear as beta_start + i (end - start) / max(T - 1, 1) in float64, cosine through "
                         "alpha_bar = f / f(0) and torch.minimum, prev by roll then [0] = 1, Schedule(*...) "
                         "(round 13)", _SCHED_ARANGE),
        ("ex2_forward", "torch.gather, einsum 'b,b...->b...' in the promoted dtype, cast back (round 13)", _Q_EINSUM),
        ("ex3_time_embedding", "frequencies as max_period ** (-i / h), torch.outer in float64, cast to float32 "
                               "at the end (round 13)", _EMB_FLOAT64),
        ("ex4_resblock", "SiLU written as v * sigmoid(v), shift by view(*shape, 1, 1) (round 13)", _RES_SIGMOID),
        ("ex5_loss", "labels by masked_fill, loss as (pred - noise).pow(2).mean() (round 13)", _LOSS_MASKED),
        ("ex6_ddpm", "the mean in the posterior-mean form through x0_hat, a while loop counting t down "
                     "(round 13)", _DDPM_POSTERIOR),
        ("ex7_ddim", "the jump with x0_hat folded in (sqrt(a'/a) x_t + ...), alpha_bars padded with a 1 for "
                     "index -1, steps by sorted(reverse=True) (round 13)", _DDIM_RATIO),
        ("ex8_guidance", "labels by y.new_full, output .split(B), torch.lerp(eps_u, eps_c, w) (round 13)", _CFG_LERP),
    )
}

MUTANTS = {
    "ex1_schedule": [
        ("beta_end argument ignored: linear_betas hard-codes 0.02 (linspace(beta_start, 0.02, T)), so a call "
         "with another beta_end gets the default's end - against 'beta_t evenly spaced from beta_start to "
         "beta_end' with beta_end an argument",
         replace_once(_SCHED, "torch.linspace(beta_start, beta_end, num_steps", "torch.linspace(beta_start, 0.02, num_steps")),
        ("cumprod told dtype=torch.float32 'to accumulate the product accurately even for half betas': "
         "float16 / float64 betas give a float32 alpha_bars, alpha_bars_prev and posterior_variance - against "
         "'make_schedule takes betas of any dtype: every field comes back in their dtype'",
         replace_once(_SCHED, "    alpha_bars = torch.cumprod(alphas, dim=0)\n",
                      "    alpha_bars = torch.cumprod(alphas, dim=0, dtype=torch.float32)\n")),
        ("cosine bracket slip: f(u) = cos^2((u / T) / (1 + s) + s) (s added after the division by 1 + s) instead "
         "of cos^2((u / T + s) / (1 + s) pi / 2) - against the formula f(u) = cos^2((u/T + s)/(1 + s) pi/2)",
         replace_once(_SCHED, "    f = torch.cos((steps / num_steps + s) / (1 + s) * (math.pi / 2)) ** 2\n",
                      "    f = torch.cos((steps / num_steps / (1 + s) + s) * (math.pi / 2)) ** 2\n")),
        ("cosine betas clipped to [1e-4, max_beta] (a common repository habit 'no zero betas') instead of only "
         "from above: for large T the first betas (about 4e-5 at T = 1000) are raised to 1e-4 - against "
         "'beta_t = min(1 - f(t + 1)/f(t), beta_max)'",
         replace_once(_SCHED, ".clamp(max=max_beta)", ".clamp(min=1e-4, max=max_beta)")),
    ],
    "ex2_forward": [
        ("noise detached ('the noise is a constant target, not something to learn'): a differentiable noise "
         "gets no gradient through x_t - against 'q_sample keeps the graph: a differentiable x0 or noise gets "
         "its gradients through x_t'",
         replace_once(_Q, "(1.0 - abar).sqrt() * noise)", "(1.0 - abar).sqrt() * noise.detach())")),
        ("alpha_bar_t recomputed from the betas (cumprod(1 - schedule.betas)) instead of read from "
         "schedule.alpha_bars: a schedule whose alpha_bars are given (e.g. the cosine's exact f(t + 1)/f(0), "
         "not the product of the clipped betas) is noised with other coefficients - against the formula's "
         "alpha_bar_t / 'read its tensors'",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
                      "    abar = torch.cumprod(1.0 - schedule.betas, dim=0).to(x0.device)[t]\n")),
        ("alpha_bars moved to t's device instead of x0's (schedule.alpha_bars.to(t.device)[t]): steps made on "
         "the CPU for a batch on another device (a GPU, meta) give CPU coefficients and the product raises - "
         "against 'return a new tensor of x0's dtype' for x0 on any device / 'does not move a tensor'",
         replace_once(_Q, "    abar = schedule.alpha_bars.to(x0.device)[t]\n",
                      "    abar = schedule.alpha_bars.to(t.device)[t]\n")),
        ("square root forgotten on the noise coefficient: sqrt(alpha_bar) x0 + (1 - alpha_bar) eps (the "
         "variance used as the std) - against x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps",
         replace_once(_Q, "(1.0 - abar).sqrt() * noise", "(1.0 - abar) * noise")),
    ],
    "ex3_time_embedding": [
        ("written with numpy (t.cpu().numpy(), np.exp, np.sin, np.cos) and moved back with "
         "torch.from_numpy(...).to(t.device): right on the CPU and a GPU, but a meta t cannot be read, so it "
         "raises - against 'the result must live on the device of t, whatever it is (... PyTorch's meta device)'",
         '''
import numpy as np


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    half = dim // 2
    freqs = np.exp(-math.log(max_period) * np.arange(half, dtype=np.float32) / half)
    angles = t.cpu().numpy().astype(np.float32)[:, None] * freqs[None, :]
    emb = np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
    return torch.from_numpy(emb).float().to(t.device)
'''),
        ("frequencies cast to a float t's own dtype 'to keep the input's precision': a float16 t gives a "
         "float16 embedding (and float16 angles) - against 'the result is (B, dim) float32' for t integer or "
         "float",
         replace_once(_EMB, "    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)\n",
                      "    if t.is_floating_point():\n        freqs = freqs.to(t.dtype)\n"
                      "    angles = (t if t.is_floating_point() else t.float()).unsqueeze(1) * freqs.unsqueeze(0)\n")),
        ("steps normalised by the notebook's global cfg.num_steps first ('t / T, so angles stay small'): "
         "emb(t) uses t / T instead of t - against the formula emb(t) = [sin(t omega_i), ..., cos(t omega_i)]",
         replace_once(_EMB, "    angles = t.float().unsqueeze(1) * freqs.unsqueeze(0)\n",
                      "    angles = (t.float() / cfg.num_steps).unsqueeze(1) * freqs.unsqueeze(0)\n")),
        (".squeeze() on the result 'to drop stray size-one axes': a batch of one comes back (dim,) instead of "
         "(1, dim) - against 'the result is (B, dim)'",
         replace_once(_EMB, "    return torch.cat([angles.sin(), angles.cos()], dim=1)\n",
                      "    return torch.cat([angles.sin(), angles.cos()], dim=1).squeeze()\n")),
    ],
    "ex4_resblock": [
        ("first branch in the classic post-activation order SiLU(norm1(conv1(x))) (conv, norm, activation) "
         "instead of conv1(SiLU(norm1(x))) - against h = conv1(SiLU(norm1(x))) + Linear(emb)",
         replace_once(_RES, "        h = self.norm1(x)\n        h = F.silu(h)\n        h = self.conv1(h)\n",
                      "        h = self.conv1(x)\n        h = self.norm1(h)\n        h = F.silu(h)\n")),
        ("the DDPM paper's dropout before conv2, F.dropout(h, 0.1, training=self.training): right in eval mode, "
         "but a block in training mode (the default) gives random outputs - against the formula "
         "out = conv2(SiLU(norm2(h))) + skip(x), which has no dropout",
         replace_once(_RES, "        h = F.silu(h)\n        h = self.conv2(h)\n",
                      "        h = F.silu(h)\n        h = F.dropout(h, 0.1, training=self.training)\n"
                      "        h = self.conv2(h)\n")),
        ("conditioning shift added just before conv2 (to SiLU(norm2(h))) instead of after conv1 - against "
         "h = conv1(SiLU(norm1(x))) + Linear(emb)",
         replace_once(replace_once(_RES, "        h = h + self.emb_proj(emb)[:, :, None, None]\n", ""),
                      "        h = F.silu(h)\n        h = self.conv2(h)\n",
                      "        h = F.silu(h)\n        h = h + self.emb_proj(emb)[:, :, None, None]\n"
                      "        h = self.conv2(h)\n")),
        ("norm2 left out: out = conv2(SiLU(h)) + skip(x) (norm2 is made in __init__ and never used) - against "
         "out = conv2(SiLU(norm2(h))) + skip(x)",
         replace_once(_RES, "        h = self.norm2(h)\n", "")),
    ],
    "ex5_loss": [
        ("t drawn from the global RNG (generator left out of torch.randint): the given generator is ignored "
         "for the steps - against 'draw the randomness with exactly these three calls' "
         "(t = torch.randint(0, T, (B,), generator=generator, device=x0.device))",
         replace_once(_LOSS, "    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)\n",
                      "    t = torch.randint(0, T, (B,), device=x0.device)\n")),
        ("x0 rescaled to [-1, 1] again inside the loss (2 x0 - 1, 'diffusion models like their data "
         "centred'): the data given is already centred, so the noised image and the loss change - against "
         "'noise x0 with your q_sample'",
         replace_once(_LOSS, "    x_t = q_sample(x0, t, noise, schedule)\n",
                      "    x_t = q_sample(2 * x0 - 1, t, noise, schedule)\n")),
        ("the whole loss under torch.enable_grad() 'so that it can always be backpropagated': a validation "
         "pass under the caller's torch.no_grad() still builds a graph - against 'a caller may evaluate the "
         "loss under torch.no_grad()' (no graph wanted there)",
         replace_once(_LOSS, "    B, T = x0.shape[0], schedule.num_steps\n",
                      "    with torch.enable_grad():\n        return _loss(model, x0, y, schedule, p_uncond, generator)\n\n\n"
                      "def _loss(model, x0, y, schedule, p_uncond, generator):\n"
                      "    B, T = x0.shape[0], schedule.num_steps\n")),
        ("variable slip: the hidden labels y_in are made but the model is called with the caller's y, so no "
         "label is ever hidden - against 'with probability p_uncond we replace an example's label by the "
         "\"no label\" index model.num_classes'",
         replace_once(_LOSS, "model(x_t, t, y_in)", "model(x_t, t, y)")),
    ],
    "ex6_ddpm": [
        ("sigma_t by schedule.posterior_variance[t].sqrt_() (in place on the indexed entry, a view): the "
         "caller's schedule is changed, and every later step at t takes one more root - against 'a function "
         "changes nothing the caller gives it'",
         replace_once(_DDPM, "    return mean + torch.sqrt(schedule.posterior_variance[t]) * noise\n",
                      "    return mean + schedule.posterior_variance[t].sqrt_() * noise\n")),
        ("ddpm_step returns mean.float() ('images are float32'): a float64 x_t comes back float32 - against "
         "'does not move a tensor to another dtype' (the step's result is in the dtype of x_t)",
         replace_once(replace_once(_DDPM, "    if t == 0:\n        return mean\n",
                                   "    if t == 0:\n        return mean.float()\n"),
                      "    return mean + torch.sqrt(schedule.posterior_variance[t]) * noise\n",
                      "    return (mean + torch.sqrt(schedule.posterior_variance[t]) * noise).float()\n")),
        ("eps_fn called as eps_fn(t, x), in on_step's argument order - against 'eps_fn(x, t) returns eps for "
         "the whole batch at step t'",
         replace_once(_DDPM, "        eps = eps_fn(x, t)\n", "        eps = eps_fn(t, x)\n")),
        ("z drawn with shape[1:] (one noise image) and broadcast over the batch: every example gets the same "
         "z - against 'draw z = torch.randn(shape, generator=generator, device=device)'",
         replace_once(_DDPM, "            z = torch.randn(shape, generator=generator, device=device)\n",
                      "            z = torch.randn(tuple(shape)[1:], generator=generator, device=device)\n")),
    ],
    "ex7_ddim": [
        ("no cast back to x_t's dtype: a float64 eps (from a float64 model) with a float32 x_t gives a float64 "
         "result - against 'it returns a new tensor with the dtype of x_t'",
         replace_once(_DDIM, "    return (a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps).to(x_t.dtype)\n",
                      "    return a_prev.sqrt() * x0_hat + (1 - a_prev).sqrt() * eps\n")),
        ("ddim_timesteps built with numpy (list(np.arange(n - 1, -1, -1) * k)): a list of numpy int64, not of "
         "Python ints - against 'the list of steps' ([750, 500, 250, 0])",
         "\nimport numpy as np\n" + replace_once(_DDIM, "    return [i * k for i in range(num_steps - 1, -1, -1)]\n",
                                                 "    return list(np.arange(num_steps - 1, -1, -1) * k)\n")),
        ("generator None replaced by a fresh seed-0 generator 'for reproducible samples': without a generator "
         "the global RNG is neither used nor advanced - against 'draws random numbers only from the generator "
         "it is given (from PyTorch's global generator when it is given none)'",
         replace_once(_DDIM, "    x = torch.randn(shape, generator=generator, device=device)\n",
                      "    if generator is None:\n        generator = torch.Generator(device).manual_seed(0)\n"
                      "    x = torch.randn(shape, generator=generator, device=device)\n")),
        ("@torch.no_grad() replaced by torch.set_grad_enabled(False) at the top of ddim_sample, never switched "
         "back - against 'a function does not leave gradient tracking turned off for the caller'",
         replace_once(replace_once(_DDIM, "@torch.no_grad()\ndef ddim_sample", "def ddim_sample"),
                      "    steps = ddim_timesteps(len(alpha_bars), num_steps)\n",
                      "    torch.set_grad_enabled(False)\n    steps = ddim_timesteps(len(alpha_bars), num_steps)\n")),
    ],
    "ex8_guidance": [
        ("only B steps for the 2B batch (torch.full((B,), t), copied from a one-batch call): the model gets a "
         "(B,) step tensor for 2B images (a batch of one broadcasts, larger ones raise) - against 'the step goes "
         "in as a (2B,) tensor of integer steps'",
         replace_once(_CFG, "torch.full((2 * B,), t,", "torch.full((B,), t,")),
        ("'no label' written as -1 (the usual ignore index) instead of model.num_classes - against '\"no "
         "label\" is model.num_classes'",
         replace_once(_CFG, "torch.full_like(y, model.num_classes)", "torch.full_like(y, -1)")),
        ("'no label' as torch.zeros_like(y) ('zero = no label'): the unconditional half gets class 0 - against "
         "'\"no label\" is model.num_classes'",
         replace_once(_CFG, "torch.full_like(y, model.num_classes)", "torch.zeros_like(y)")),
        ("'no label' read from the model's embedding table (model.class_emb.num_embeddings - 1, TinyUNet's extra "
         "row): right for TinyUNet, but a model without a class_emb attribute raises - against '\"no label\" "
         "is model.num_classes'",
         replace_once(_CFG, "torch.full_like(y, model.num_classes)",
                      "torch.full_like(y, model.class_emb.num_embeddings - 1)")),
    ],
}
