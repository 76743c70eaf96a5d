"""Wrong answers for lab 04 (diffusion models): the bugs people actually write.

MUTANTS: wrong answers, each proven to behave differently from the solution on inputs the
instructions cover. CORRECT: for every exercise the correct template first, then correct answers
written in other styles; all of them must keep full marks.
"""


def _sub(source: str, old: str, new: str) -> str:
    """source with `old` replaced; fails loudly when a template drifted and `old` is gone."""
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times"
    return source.replace(old, new)


_LINEAR_OK = '''
def linear_betas(num_steps, beta_start=1e-4, beta_end=0.02):
    return torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)
'''
_COSINE = '''
def cosine_betas(num_steps, s=0.008, max_beta=0.999):
    def f(u):
        return {f}

    return torch.tensor([min(1 - f(t + 1) / f(t), max_beta) for t in range(num_steps)], dtype=torch.float32)
'''
_COSINE_OK = _COSINE.format(f="math.cos((u / num_steps + s) / (1 + s) * math.pi / 2) ** 2")
_MAKE = '''
def make_schedule(betas):
    alphas = 1.0 - betas
    alpha_bars = torch.cumprod(alphas, dim=0)
    alpha_bars_prev = {prev}
    posterior_variance = {var}
    return Schedule(betas, alphas, alpha_bars, alpha_bars_prev, posterior_variance)
'''
_PREV_OK = "torch.cat([torch.ones(1), alpha_bars[:-1]])"
_VAR_OK = "betas * (1.0 - alpha_bars_prev) / (1.0 - alpha_bars)"
_MAKE_OK = _MAKE.format(prev=_PREV_OK, var=_VAR_OK)

_Q = '''
def q_sample(x0, t, noise, schedule):
    a = {a}.reshape(-1, *([1] * (x0.dim() - 1)))
    return {out}
'''
_Q_OUT_OK = "a.sqrt() * x0 + (1 - a).sqrt() * noise"

_EMB = '''
def timestep_embedding(t, dim, max_period=10000.0):
    half = dim // 2
    freqs = {freqs}
    angles = t.float()[:, None] * freqs[None, :]
    return {out}
'''
_FREQS_OK = "torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32, device=t.device) / half)"
_EMB_OUT_OK = "torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)"

_RES = '''
class ResBlock(nn.Module):
    def __init__(self, in_channels, out_channels, emb_dim, groups=8):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.emb_proj = nn.Linear(emb_dim, out_channels)
        self.norm2 = nn.GroupNorm(groups, out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.skip = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else nn.Identity()

    def forward(self, x, emb):
{body}
'''
_LOSS = '''
def diffusion_loss(model, x0, y, schedule, p_uncond=0.1, generator=None):
    B, T = x0.shape[0], schedule.num_steps
    t = torch.randint({low}, T, (B,), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(B, generator=generator, device=x0.device) {cmp} p_uncond
    y = {y}
    return F.mse_loss(model(q_sample(x0, t, noise, schedule), t, y), {target})
'''
_LOSS_OK = dict(low="0", cmp="<", y="torch.where(drop, torch.full_like(y, model.num_classes), y)", target="noise")

_DDPM = '''
def ddpm_step(eps, t, x_t, schedule, noise):
    beta, alpha = schedule.betas[t], schedule.alphas[t]
    alpha_bar = {alpha_bar}
    mean = (x_t - beta / (1 - alpha_bar).sqrt() * eps) / {alpha_root}
    if {final}:
        return mean
    return mean + {sigma} * noise


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule, generator=None, device="cpu", on_step=None):
    x = torch.randn(shape, generator=generator, device=device)
    for t in {order}:
        eps = eps_fn(x, t)
        noise = torch.randn(shape, generator=generator, device=device) if t > 0 else torch.zeros(shape, device=device)
        x = ddpm_step(eps, t, x, schedule, noise)
        if on_step is not None:
            on_step(t, x)
    return x
'''
_DDPM_OK = dict(alpha_bar="schedule.alpha_bars[t]", alpha_root="alpha.sqrt()", final="t == 0",
                sigma="schedule.posterior_variance[t].sqrt()", order="reversed(range(schedule.num_steps))")

_DDIM = '''
def ddim_timesteps(num_train_steps, num_steps):
    k = num_train_steps // num_steps
    return {steps}


def ddim_step(eps, t, t_prev, x_t, alpha_bars):
    alpha_bar = alpha_bars[t]
    alpha_bar_prev = {prev}
    x0 = (x_t - (1 - alpha_bar).sqrt() * eps) / alpha_bar.sqrt()
    return alpha_bar_prev.sqrt() * x0 + {eps_coef} * eps


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars, num_steps, generator=None, device="cpu"):
    steps = ddim_timesteps(len(alpha_bars), num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    for i, t in enumerate(steps):
        t_prev = steps[i + 1] if i + 1 < len(steps) else -1
        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)
    return x
'''
_DDIM_OK = dict(steps="list(range(0, num_steps * k, k))[::-1]",
                prev="alpha_bars[t_prev] if t_prev >= 0 else torch.tensor(1.0)",
                eps_coef="(1 - alpha_bar_prev).sqrt()")

_CFG = '''
def guided_eps(model, x, t, y, scale):
    B = x.shape[0]
    steps = torch.full((2 * B,), t, dtype=torch.long, device=x.device)
    no_label = torch.full_like(y, {null})
    eps_cond, eps_uncond = model(torch.cat([x, x]), steps, torch.cat([y, no_label])).chunk(2)
    return {out}
'''
_CFG_OK = dict(null="model.num_classes", out="eps_uncond + scale * (eps_cond - eps_uncond)")

_SCHED_OK = _LINEAR_OK + _COSINE_OK + _MAKE_OK
_Q_OK = _Q.format(a="schedule.alpha_bars[t]", out=_Q_OUT_OK)
_EMB_OK = _EMB.format(freqs=_FREQS_OK, out=_EMB_OUT_OK)
_RES_OK_BODY = ("        h = self.conv1(F.silu(self.norm1(x)))\n        h = h + self.emb_proj(emb)[:, :, None, None]\n"
                "        h = self.conv2(F.silu(self.norm2(h)))\n        return h + self.skip(x)")
_RES_OK = _RES.format(body=_RES_OK_BODY)
_LOSS_SRC = _LOSS.format(**_LOSS_OK)
_DDPM_SRC = _DDPM.format(**_DDPM_OK)
_DDIM_SRC = _DDIM.format(**_DDIM_OK)
_CFG_SRC = _CFG.format(**_CFG_OK)

MUTANTS = {
    "ex1_schedule": [
        ("alpha_bars_prev indexed off by one (= alpha_bars)", _LINEAR_OK + _COSINE_OK + _MAKE.format(prev="alpha_bars", var=_VAR_OK)),
        ("posterior variance ratio upside down", _LINEAR_OK + _COSINE_OK + _MAKE.format(prev=_PREV_OK, var="betas * (1.0 - alpha_bars) / (1.0 - alpha_bars_prev)")),
        ("cosine schedule without the square", _LINEAR_OK + _COSINE.format(f="math.cos((u / num_steps + s) / (1 + s) * math.pi / 2)") + _MAKE_OK),
        ("linear betas skip beta_start (linspace over T+1 points)", _LINEAR_OK.replace("num_steps, dtype=torch.float32)", "num_steps + 1, dtype=torch.float32)[1:]") + _COSINE_OK + _MAKE_OK),
    ],
    "ex2_forward": [
        ("missing square roots", _Q.format(a="schedule.alpha_bars[t]", out="a * x0 + (1 - a) * noise")),
        ("alpha_bar indexed one step early", _Q.format(a="schedule.alpha_bars_prev[t]", out=_Q_OUT_OK)),
        ("alpha_t instead of alpha_bar_t", _Q.format(a="schedule.alphas[t]", out=_Q_OUT_OK)),
    ],
    "ex3_time_embedding": [
        ("no frequency scaling (every frequency is 1)", _EMB.format(freqs="torch.ones(half, device=t.device)", out=_EMB_OUT_OK)),
        ("exponent divided by dim instead of dim/2", _EMB.format(freqs=_FREQS_OK.replace("/ half)", "/ dim)"), out=_EMB_OUT_OK)),
        ("cosines first", _EMB.format(freqs=_FREQS_OK, out="torch.cat([torch.cos(angles), torch.sin(angles)], dim=-1)")),
        ("frequencies grow instead of decay", _EMB.format(freqs=_FREQS_OK.replace("torch.exp(-", "torch.exp("), out=_EMB_OUT_OK)),
    ],
    "ex4_resblock": [
        ("no residual connection", _RES.format(body="        h = self.conv1(F.silu(self.norm1(x)))\n        h = h + self.emb_proj(emb)[:, :, None, None]\n        return self.conv2(F.silu(self.norm2(h)))")),
        ("conditioning added after the second convolution", _RES.format(body="        h = self.conv2(F.silu(self.norm2(self.conv1(F.silu(self.norm1(x))))))\n        return h + self.emb_proj(emb)[:, :, None, None] + self.skip(x)")),
        ("conditioning ignored", _RES.format(body="        h = self.conv1(F.silu(self.norm1(x)))\n        return self.conv2(F.silu(self.norm2(h))) + self.skip(x)")),
        ("activation before the norm", _RES.format(body="        h = self.conv1(self.norm1(F.silu(x)))\n        h = h + self.emb_proj(emb)[:, :, None, None]\n        h = self.conv2(self.norm2(F.silu(h)))\n        return h + self.skip(x)")),
    ],
    "ex5_loss": [
        ("predicts x0 instead of the noise", _LOSS.format(**{**_LOSS_OK, "target": "x0"})),
        ("no label dropout", _LOSS.format(**{**_LOSS_OK, "y": "y"})),
        ("drop mask inverted (hides labels with probability 1 - p)", _LOSS.format(**{**_LOSS_OK, "cmp": ">="})),
        ("t never 0 (randint from 1)", _LOSS.format(**{**_LOSS_OK, "low": "1"})),
    ],
    "ex6_ddpm": [
        ("alpha_bar indexed off by one", _DDPM.format(**{**_DDPM_OK, "alpha_bar": "schedule.alpha_bars_prev[t]"})),
        ("missing square root on the noise scale", _DDPM.format(**{**_DDPM_OK, "sigma": "schedule.posterior_variance[t]"})),
        ("noise added at the final step (sigma^2 = beta_t)", _DDPM.format(**{**_DDPM_OK, "final": "False", "sigma": "beta.sqrt()"})),
        ("divides by alpha_t instead of sqrt(alpha_t)", _DDPM.format(**{**_DDPM_OK, "alpha_root": "alpha"})),
        ("walks the chain forwards", _DDPM.format(**{**_DDPM_OK, "order": "range(schedule.num_steps)"})),
    ],
    "ex7_ddim": [
        ("final jump uses alpha_bars[-1] (the noisiest step) instead of 1", _DDIM.format(**{**_DDIM_OK, "prev": "alpha_bars[t_prev]"})),
        ("missing square root on the noise coefficient", _DDIM.format(**{**_DDIM_OK, "eps_coef": "(1 - alpha_bar_prev)"})),
        ("timesteps in increasing order", _DDIM.format(**{**_DDIM_OK, "steps": "list(range(0, num_steps * k, k))"})),
        ("timesteps end at k instead of 0", _DDIM.format(**{**_DDIM_OK, "steps": "list(range(k, (num_steps + 1) * k, k))[::-1]"})),
    ],
    "ex8_guidance": [
        ("guidance sign flipped", _CFG.format(**{**_CFG_OK, "out": "eps_cond + scale * (eps_uncond - eps_cond)"})),
        ("guides from the conditional prediction (eps_c + w (eps_c - eps_u))", _CFG.format(**{**_CFG_OK, "out": "eps_cond + scale * (eps_cond - eps_uncond)"})),
        ("'no label' is class 0", _CFG.format(**{**_CFG_OK, "null": "0"})),
        ("scales the conditional prediction only", _CFG.format(**{**_CFG_OK, "out": "scale * eps_cond"})),
    ],
}

# Written blind (issue 17): before looking at which of them the hidden checks catch.
MUTANTS["ex1_schedule"] += [
    ("linear betas in float64", _sub(_SCHED_OK, "num_steps, dtype=torch.float32)", "num_steps, dtype=torch.float64)")),
    ("alpha_bar approximated by 1 - cumsum(betas)",
     _sub(_SCHED_OK, "torch.cumprod(alphas, dim=0)", "1.0 - torch.cumsum(betas, dim=0)")),
    ("alpha_bars_prev by torch.roll (wraps the last value round)", _sub(_SCHED_OK, _PREV_OK, "torch.roll(alpha_bars, 1)")),
    ("cosine betas not clipped at max_beta", _sub(_SCHED_OK, "min(1 - f(t + 1) / f(t), max_beta)", "1 - f(t + 1) / f(t)")),
    ("cosine schedule without the offset s", _sub(_SCHED_OK, "(u / num_steps + s) / (1 + s)", "(u / num_steps)")),
    ("linear betas stop short of beta_end",
     _sub(_SCHED_OK, "torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)",
          "beta_start + (beta_end - beta_start) * torch.arange(num_steps, dtype=torch.float32) / num_steps")),
]
MUTANTS["ex2_forward"] += [
    ("noises the caller's x0 in place", _sub(_Q_OK, "return a.sqrt() * x0 + (1 - a).sqrt() * noise",
                                              "return x0.mul_(a.sqrt()).add_((1 - a).sqrt() * noise)")),
    ("assumes 4-D images", _sub(_Q_OK, ".reshape(-1, *([1] * (x0.dim() - 1)))", "[:, None, None, None]")),
    ("no reshape: the (B,) coefficients broadcast over the last axis",
     _sub(_Q_OK, ".reshape(-1, *([1] * (x0.dim() - 1)))", "")),
    ("returns float64 (coefficients cast to double)", _sub(_Q_OK, "schedule.alpha_bars[t].reshape", "schedule.alpha_bars[t].double().reshape")),
    ("one step for the whole batch (t[0])", _sub(_Q_OK, "schedule.alpha_bars[t].reshape(-1,", "schedule.alpha_bars[t[0]].expand(len(t)).reshape(-1,")),
    ("noise scaled by the variance, not the std", _sub(_Q_OK, "(1 - a).sqrt() * noise", "(1 - a) * noise")),
]
MUTANTS["ex3_time_embedding"] += [
    ("float64 t gives a float64 embedding", _sub(_EMB_OK, "t.float()[:, None]", "t[:, None]")),
    ("exponents evenly spaced from 0 to 1 (linspace)", _sub(_EMB_OK, "torch.arange(half, dtype=torch.float32, device=t.device) / half", "torch.linspace(0, 1, half, device=t.device)")),
    ("sines and cosines interleaved", _sub(_EMB_OK, "torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)",
                                            "torch.stack([torch.sin(angles), torch.cos(angles)], dim=-1).flatten(1)")),
    ("max_period ignored (10000 hard-coded)", _sub(_EMB_OK, "math.log(max_period)", "math.log(10000.0)")),
    ("t rescaled to [0, 1) first (t / 1000)", _sub(_EMB_OK, "t.float()[:, None]", "(t.float() / 1000)[:, None]")),
    # blind round 1: a GPU run fails; the grader's CPU sees it through a t on the meta device
    ("frequencies made on the CPU, not on t.device (blind round 1)",
     _sub(_EMB_OK, "torch.arange(half, dtype=torch.float32, device=t.device)", "torch.arange(half, dtype=torch.float32)")),
]
MUTANTS["ex4_resblock"] += [
    ("adds x instead of skip(x)", _sub(_RES_OK, "return h + self.skip(x)", "return h + x")),
    ("norm2 left out", _sub(_RES_OK, "self.conv2(F.silu(self.norm2(h)))", "self.conv2(F.silu(h))")),
    ("ReLU instead of SiLU", _RES_OK.replace("F.silu", "F.relu")),
    ("norm1 used twice", _sub(_RES_OK, "self.norm2(h)", "self.norm1(h)")),
    ("conditioning multiplies instead of adding", _sub(_RES_OK, "h = h + self.emb_proj(emb)", "h = h * self.emb_proj(emb)")),
    ("extra SiLU after conv2", _sub(_RES_OK, "h = self.conv2(F.silu(self.norm2(h)))", "h = F.silu(self.conv2(F.silu(self.norm2(h))))")),
]
MUTANTS["ex5_loss"] += [
    ("generator not passed to randint", _sub(_LOSS_SRC, "(B,), generator=generator, device", "(B,), device")),
    ("noise drawn before t", _sub(_LOSS_SRC,
        "    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)\n    noise = torch.randn(x0.shape, generator=generator, device=x0.device)\n",
        "    noise = torch.randn(x0.shape, generator=generator, device=x0.device)\n    t = torch.randint(0, T, (B,), generator=generator, device=x0.device)\n")),
    ("'no label' is class 0", _sub(_LOSS_SRC, "torch.full_like(y, model.num_classes)", "torch.zeros_like(y)")),
    ("hides labels in the caller's y (in place)", _sub(_LOSS_SRC, "    y = torch.where(drop, torch.full_like(y, model.num_classes), y)\n",
                                                       "    y[drop] = model.num_classes\n")),
    ("returns loss.item() (a float)", _sub(_LOSS_SRC, "noise)\n", "noise).item()\n")),
    ("sums the squared error over pixels", _sub(_LOSS_SRC, "return F.mse_loss(model(q_sample(x0, t, noise, schedule), t, y), noise)",
                                                "return ((model(q_sample(x0, t, noise, schedule), t, y) - noise) ** 2).sum() / B")),
]
MUTANTS["ex6_ddpm"] += [
    ("on_step gets x before the step", _sub(_DDPM_SRC,
        "        x = ddpm_step(eps, t, x, schedule, noise)\n        if on_step is not None:\n            on_step(t, x)\n",
        "        if on_step is not None:\n            on_step(t, x)\n        x = ddpm_step(eps, t, x, schedule, noise)\n")),
    ("on_step(x, t): arguments swapped", _sub(_DDPM_SRC, "on_step(t, x)", "on_step(x, t)")),
    ("skips the step at t = 0 (returns x_0 un-denoised)", _sub(_DDPM_SRC,
        "        x = ddpm_step(eps, t, x, schedule, noise)\n        if on_step is not None:\n            on_step(t, x)\n",
        "        if t > 0:\n            x = ddpm_step(eps, t, x, schedule, noise)\n            if on_step is not None:\n                on_step(t, x)\n")),
    ("no on_step call at t = 0", _sub(_DDPM_SRC, "        if on_step is not None:\n", "        if on_step is not None and t > 0:\n")),
    ("eps_fn called twice per step", _sub(_DDPM_SRC, "x = ddpm_step(eps, t, x", "x = ddpm_step(eps_fn(x, t), t, x")),
    # blind round 1 (replaces "z drawn without the generator": the generator's state after sampling,
    # which catches this one, catches that one too)
    ("draws z from the generator at t = 0 too (blind round 1: randomness the instructions leave alone)",
     _sub(_DDPM_SRC, "torch.randn(shape, generator=generator, device=device) if t > 0 else torch.zeros(shape, device=device)",
          "torch.randn(shape, generator=generator, device=device)")),
    ("ddpm_step updates the caller's x_t in place", _sub(_DDPM_SRC,
        "    mean = (x_t - beta / (1 - alpha_bar).sqrt() * eps) / alpha.sqrt()\n",
        "    mean = x_t.sub_(beta / (1 - alpha_bar).sqrt() * eps).div_(alpha.sqrt())\n")),
    # the labs' rule "what your functions may change" (ddpm/hands_back_what_it_was_given)
    ("keeps the schedule's posterior variance off zero in place (clamp_) before the square root",
     _sub(_DDPM_SRC, "    return mean + schedule.posterior_variance[t].sqrt() * noise\n",
          "    return mean + schedule.posterior_variance.clamp_(min=1e-20)[t].sqrt() * noise\n")),
]
MUTANTS["ex7_ddim"] += [
    ("initial noise drawn without the generator", _sub(_DDIM_SRC, "torch.randn(shape, generator=generator, device=device)",
                                                        "torch.randn(shape, device=device)")),
    ("final jump to t' = 0 instead of -1", _sub(_DDIM_SRC, "if i + 1 < len(steps) else -1", "if i + 1 < len(steps) else 0")),
    ("timesteps from linspace over [0, T-1]", _sub(_DDIM_SRC, "return list(range(0, num_steps * k, k))[::-1]",
                                                   "return torch.linspace(0, num_train_steps - 1, num_steps).long().flip(0).tolist()")),
    ("range(0, T, k): an extra step when n does not divide T", _sub(_DDIM_SRC, "range(0, num_steps * k, k)", "range(0, num_train_steps, k)")),
    ("noise coefficient from alpha_bar_t, not alpha_bar_t'", _sub(_DDIM_SRC, "(1 - alpha_bar_prev).sqrt() * eps", "(1 - alpha_bar).sqrt() * eps")),
    ("eps_fn called twice per step", _sub(_DDIM_SRC, "        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)\n",
                                          "        eps = eps_fn(x, t)\n        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)\n")),
    ("ddim_step updates the caller's x_t in place", _sub(_DDIM_SRC, "x0 = (x_t - (1 - alpha_bar).sqrt() * eps) / alpha_bar.sqrt()",
                                                          "x0 = x_t.sub_((1 - alpha_bar).sqrt() * eps).div_(alpha_bar.sqrt())")),
    # the labs' rule "what your functions may change" (ddim/hands_back_what_it_was_given)
    ("torch.set_grad_enabled(False) in place of @torch.no_grad(): gradient tracking stays off after sampling",
     _sub(_sub(_DDIM_SRC, "@torch.no_grad()\ndef ddim_sample", "def ddim_sample"),
          "    steps = ddim_timesteps(len(alpha_bars), num_steps)\n",
          "    torch.set_grad_enabled(False)\n    steps = ddim_timesteps(len(alpha_bars), num_steps)\n")),
]
MUTANTS["ex8_guidance"] += [
    ("two model calls", _sub(_CFG_SRC,
        "    eps_cond, eps_uncond = model(torch.cat([x, x]), steps, torch.cat([y, no_label])).chunk(2)\n",
        "    eps_cond = model(x, steps[:B], y)\n    eps_uncond = model(x, steps[:B], no_label)\n")),
    ("t passed as a Python int", _sub(_CFG_SRC, "model(torch.cat([x, x]), steps,", "model(torch.cat([x, x]), t,")),
    ("a (B,) step tensor for a batch of 2B", _sub(_CFG_SRC, "torch.full((2 * B,), t,", "torch.full((B,), t,")),
    ("'no label' is -1", _sub(_CFG_SRC, "torch.full_like(y, model.num_classes)", "torch.full_like(y, -1)")),
    ("x concatenated along the channels", _sub(_CFG_SRC, "torch.cat([x, x])", "torch.cat([x, x], dim=1)")),
]
# blind round 2: wrong answers that kept their points until their own checks were added
MUTANTS["ex7_ddim"] += [
    ("ddim_step returns .float() whatever the dtype of x_t (blind round 2)",
     _sub(_DDIM_SRC, "    return alpha_bar_prev.sqrt() * x0 + (1 - alpha_bar_prev).sqrt() * eps\n",
          "    return (alpha_bar_prev.sqrt() * x0 + (1 - alpha_bar_prev).sqrt() * eps).float()\n")),
]
MUTANTS["ex8_guidance"] += [
    ("shortcuts w = 0 and w = 1 with a single batch-of-B call (blind round 2)",
     _sub(_CFG_SRC, "    B = x.shape[0]\n",
          "    B = x.shape[0]\n"
          "    if scale in (0, 1):\n"
          "        labels = y if scale == 1 else torch.full_like(y, model.num_classes)\n"
          "        return model(x, torch.full((B,), t, dtype=torch.long, device=x.device), labels)\n")),
]

CORRECT = {
    "ex1_schedule": [
        ("template", _SCHED_OK),
        ("arange, vectorised cosine in float64, a loop for the products", '''
def linear_betas(num_steps, beta_start=1e-4, beta_end=0.02):
    if num_steps == 1:
        return torch.tensor([beta_start], dtype=torch.float32)
    step = (beta_end - beta_start) / (num_steps - 1)
    return (beta_start + step * torch.arange(num_steps, dtype=torch.float64)).float()


def cosine_betas(num_steps, s=0.008, max_beta=0.999):
    u = torch.arange(num_steps + 1, dtype=torch.float64)
    f = torch.cos((u / num_steps + s) / (1 + s) * math.pi / 2) ** 2
    return (1 - f[1:] / f[:-1]).clamp(max=max_beta).float()


def make_schedule(betas):
    alphas = 1 - betas
    products, running = [], torch.ones((), dtype=betas.dtype)
    for a in alphas:
        running = running * a
        products.append(running)
    alpha_bars = torch.stack(products)
    alpha_bars_prev = F.pad(alpha_bars[:-1], (1, 0), value=1.0)
    posterior_variance = (1 - alpha_bars_prev) / (1 - alpha_bars) * betas
    return Schedule(betas=betas, alphas=alphas, alpha_bars=alpha_bars, alpha_bars_prev=alpha_bars_prev,
                    posterior_variance=posterior_variance)
'''),
    ],
    "ex2_forward": [
        ("template", _sub(_Q_OK, "return a.sqrt() * x0 + (1 - a).sqrt() * noise",
                          "return (a.sqrt() * x0 + (1 - a).sqrt() * noise).to(x0.dtype)")),
        ("unsqueeze in a loop, torch.sqrt", '''
def q_sample(x0, t, noise, schedule):
    signal, rest = torch.sqrt(schedule.alpha_bars[t]), torch.sqrt(1 - schedule.alpha_bars[t])
    while signal.dim() < x0.dim():
        signal, rest = signal.unsqueeze(-1), rest.unsqueeze(-1)
    return (signal * x0 + rest * noise).to(x0.dtype)
'''),
        ("view with x0.shape, torch.addcmul", '''
def q_sample(x0, t, noise, schedule):
    shape = (x0.shape[0],) + (1,) * (x0.ndim - 1)
    a = schedule.alpha_bars.gather(0, t).view(shape)
    return torch.addcmul(a.sqrt() * x0, (1 - a).sqrt(), noise).to(x0.dtype)
'''),
    ],
    "ex3_time_embedding": [
        ("template", _EMB_OK),
        ("max_period ** (-i / h), torch.outer", '''
def timestep_embedding(t, dim, max_period=10000.0):
    half = dim // 2
    i = torch.arange(half, device=t.device, dtype=torch.float32)
    angles = torch.outer(t.to(torch.float32), max_period ** (-i / half))
    return torch.cat((angles.sin(), angles.cos()), dim=1)
'''),
    ],
    "ex4_resblock": [
        ("template", _RES_OK),
        ("nn.SiLU module, view and unsqueeze", _sub(_RES_OK, _RES_OK_BODY,
            "        act = nn.SiLU()\n        shift = self.emb_proj(emb).view(emb.shape[0], -1, 1, 1)\n"
            "        h = self.conv1(act(self.norm1(x))) + shift\n        return self.skip(x) + self.conv2(act(self.norm2(h)))")),
    ],
    "ex5_loss": [
        ("template", _LOSS_SRC),
        ("masked_fill, the squared error by hand", '''
def diffusion_loss(model, x0, y, schedule, p_uncond=0.1, generator=None):
    t = torch.randint(0, schedule.num_steps, (len(x0),), generator=generator, device=x0.device)
    noise = torch.randn(x0.shape, generator=generator, device=x0.device)
    drop = torch.rand(len(x0), generator=generator, device=x0.device) < p_uncond
    labels = y.masked_fill(drop, model.num_classes)
    pred = model(q_sample(x0, t, noise, schedule), t, labels)
    return ((pred - noise) ** 2).mean()
'''),
    ],
    "ex6_ddpm": [
        ("template", _DDPM_SRC),
        ("coefficients from 1 - alpha, an explicit zero noise, while loop", '''
def ddpm_step(eps, t, x_t, schedule, noise):
    alpha = schedule.alphas[t]
    coef = (1 - alpha) / torch.sqrt(1 - schedule.alpha_bars[t])
    x_prev = (x_t - coef * eps) / torch.sqrt(alpha)
    if t > 0:
        x_prev = x_prev + torch.sqrt(schedule.posterior_variance[t]) * noise
    return x_prev


@torch.no_grad()
def ddpm_sample(eps_fn, shape, schedule, generator=None, device="cpu", on_step=None):
    x = torch.randn(shape, generator=generator, device=device)
    t = schedule.num_steps - 1
    while t >= 0:
        eps = eps_fn(x, t)
        z = torch.randn(shape, generator=generator, device=device) if t > 0 else torch.zeros_like(x)
        x = ddpm_step(eps, t, x, schedule, z)
        if on_step:
            on_step(t, x)
        t -= 1
    return x
'''),
    ],
    "ex7_ddim": [
        ("template", _DDIM_SRC),
        ("list comprehension, zip over neighbouring steps, python floats", '''
def ddim_timesteps(num_train_steps, num_steps):
    k = num_train_steps // num_steps
    return [i * k for i in reversed(range(num_steps))]


def ddim_step(eps, t, t_prev, x_t, alpha_bars):
    a = alpha_bars[t]
    a_prev = alpha_bars[t_prev] if t_prev >= 0 else torch.ones_like(a)
    x0_hat = (x_t - torch.sqrt(1 - a) * eps) / torch.sqrt(a)
    return torch.sqrt(a_prev) * x0_hat + torch.sqrt(1 - a_prev) * eps


@torch.no_grad()
def ddim_sample(eps_fn, shape, alpha_bars, num_steps, generator=None, device="cpu"):
    steps = ddim_timesteps(len(alpha_bars), num_steps)
    x = torch.randn(shape, generator=generator, device=device)
    for t, t_prev in zip(steps, steps[1:] + [-1]):
        x = ddim_step(eps_fn(x, t), t, t_prev, x, alpha_bars)
    return x
'''),
    ],
    "ex8_guidance": [
        ("template", _CFG_SRC),
        ("slicing and torch.lerp", '''
def guided_eps(model, x, t, y, scale):
    B = len(x)
    labels = torch.cat([y, y.new_full((B,), model.num_classes)])
    out = model(x.repeat(2, *([1] * (x.dim() - 1))), torch.full((2 * B,), t, device=x.device), labels)
    return torch.lerp(out[B:], out[:B], scale)
'''),
    ],
}


# Written before the signature-defaults checks ran: a default of the given signature changed
# (later cells and callers leave the argument out).
for _gid, _label, _given, _changed in [
    ('ex1_schedule', "linear_betas' beta_end default 0.2 (a zero too few)", 'beta_end=0.02', 'beta_end=0.2'),
    ('ex3_time_embedding', 'max_period default 1000', 'max_period=10000.0', 'max_period=1000.0'),
    ('ex4_resblock', 'GroupNorm groups default 4', 'groups=8', 'groups=4'),
    ('ex5_loss', 'p_uncond default 0.5', 'p_uncond=0.1', 'p_uncond=0.5'),
]:
    _template = CORRECT[_gid][0][1]
    assert _template.count(_given) == 1, f"{_gid}: the template's signature drifted ({_given!r})"
    MUTANTS[_gid].append((_label, _template.replace(_given, _changed)))


# The introduction's "what your functions may change": functions that are not the training loop or a sampler
# use the model in the train/eval mode the caller left it in, and hand it back in that mode.
MUTANTS["ex5_loss"] += [
    ("model.train() inside diffusion_loss (a model given in eval mode comes back in training mode)",
     _sub(_LOSS_SRC, "    B, T = x0.shape[0]", "    model.train()\n    B, T = x0.shape[0]")),
    ("model.train() for the forward pass, model.eval() after it (every model comes back in eval mode)",
     _sub(_sub(_LOSS_SRC, "    B, T = x0.shape[0]", "    model.train()\n    B, T = x0.shape[0]"),
          "    return F.mse_loss(model(q_sample(x0, t, noise, schedule), t, y), noise)\n",
          "    loss = F.mse_loss(model(q_sample(x0, t, noise, schedule), t, y), noise)\n    model.eval()\n    return loss\n")),
    ("model.train(p_uncond > 0): label dropout taken for a training-only switch",
     _sub(_LOSS_SRC, "    B, T = x0.shape[0]", "    model.train(p_uncond > 0)\n    B, T = x0.shape[0]")),
]
MUTANTS["ex8_guidance"] += [
    ("model.eval() inside guided_eps, never undone (a model given in training mode comes back in eval mode)",
     _sub(_CFG_SRC, "    B = x.shape[0]\n", "    model.eval()\n    B = x.shape[0]\n")),
    ("model.eval() for the two predictions, then model.train() (a model given in eval mode comes back training)",
     _sub(_sub(_CFG_SRC, "    B = x.shape[0]\n", "    model.eval()\n    B = x.shape[0]\n"),
          "    return eps_uncond", "    model.train()\n    return eps_uncond")),
]

# blind round 11: wrong answers that kept their points until their own checks were added
MUTANTS["ex1_schedule"] += [
    ("linear betas as beta_start + (beta_end - beta_start) i / (T - 1): NaN for a one-step schedule "
     "(blind round 11)",
     _sub(_SCHED_OK, "torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32)",
          "beta_start + (beta_end - beta_start) * torch.arange(num_steps, dtype=torch.float32) / (num_steps - 1)")),
]
MUTANTS["ex2_forward"] += [
    ("coefficients by torch.take with the caller's t: int32 steps raise (blind round 11)",
     _sub(CORRECT["ex2_forward"][0][1], "schedule.alpha_bars[t]", "torch.take(schedule.alpha_bars, t)")),
    ("square roots cached as new attributes on the caller's schedule (blind round 11)", '''
def q_sample(x0, t, noise, schedule):
    if not hasattr(schedule, "sqrt_alpha_bars"):
        schedule.sqrt_alpha_bars = schedule.alpha_bars.sqrt()
        schedule.sqrt_one_minus_alpha_bars = (1 - schedule.alpha_bars).sqrt()
    shape = (x0.shape[0],) + (1,) * (x0.dim() - 1)
    a, b = schedule.sqrt_alpha_bars[t].view(shape), schedule.sqrt_one_minus_alpha_bars[t].view(shape)
    return (a * x0 + b * noise).to(x0.dtype)
'''),
]
MUTANTS["ex5_loss"] += [
    ("noising between set_grad_enabled(False) and set_grad_enabled(True): a caller under torch.no_grad() "
     "gets gradient tracking back on (blind round 11)",
     _sub(_LOSS_SRC, "    return F.mse_loss(model(q_sample(x0, t, noise, schedule), t, y), noise)\n",
          "    torch.set_grad_enabled(False)\n    x_t = q_sample(x0, t, noise, schedule)\n"
          "    torch.set_grad_enabled(True)\n    return F.mse_loss(model(x_t, t, y), noise)\n")),
]
MUTANTS["ex8_guidance"] += [
    ("parameters frozen for the call, then requires_grad_(True): a frozen model comes back trainable "
     "(blind round 11)",
     _sub(_sub(_CFG_SRC, "    B = x.shape[0]\n", "    model.requires_grad_(False)\n    B = x.shape[0]\n"),
          "    return eps_uncond", "    model.requires_grad_(True)\n    return eps_uncond")),
]

from benchmarks.blind.answers import add_wrong_answers  # noqa: E402

add_wrong_answers(MUTANTS, 12, "04_diffusion/01_diffusion_fashion_mnist", {
    "ex1_schedule": ["betas cast with .float() at the top of make_schedule"],
    "ex2_forward": ["@torch.no_grad() on q_sample"],
    "ex4_resblock": ["x and emb cast with .float() at the top"],
    "ex5_loss": ["'no label' taken as one past the largest label of the batch"],
})

# Blind round 13's answers that kept full marks, until q_sample/alpha_bars_as_given,
# loss/no_graph_under_no_grad and ddpm/step_float64.
add_wrong_answers(MUTANTS, 13, "04_diffusion/01_diffusion_fashion_mnist", {
    "ex2_forward": ["alpha_bar_t recomputed from the betas"],
    "ex5_loss": ["the whole loss under torch.enable_grad()"],
    "ex6_ddpm": ["ddpm_step returns mean.float()"],
})

# Blind round 14's answers that kept full marks, until schedule/linear_positional_arguments,
# schedule/hands_back_what_it_was_given, q_sample/last_step_of_the_cosine_schedule,
# q_sample/schedule_kept_after_another_device, time_embedding/device_of_each_call, ddpm/sample_float64_schedule,
# ddim/timesteps_as_a_list and guidance/float64_model.
add_wrong_answers(MUTANTS, 14, "04_diffusion/01_diffusion_fashion_mnist", {
    "ex1_schedule": ["linear_betas' parameters written in the other order",
                     "alphas made in place from the caller's betas"],
    "ex2_forward": ["alpha_bar clamped to at least 1e-5",
                    "the schedule moved to x0's device by assigning to its field"],
    "ex3_time_embedding": ["frequencies cached in a module-level dict"],
    "ex6_ddpm": ["initial x drawn with dtype=schedule.betas.dtype"],
    "ex7_ddim": ["ddim_timesteps returns a tuple"],
    "ex8_guidance": ["the guided eps returned with .float()", "the doubled batch cast with .float()"],
})

# Blind round 15's answers that kept full marks, until schedule/float16_betas,
# time_embedding/exactly_h_frequencies, loss/float64_model, ddpm/step_reads_posterior_variance,
# ddim/timesteps_more_steps_than_T and guidance/no_casts.
add_wrong_answers(MUTANTS, 15, "04_diffusion/01_diffusion_fashion_mnist", {
    "ex1_schedule": ["alphas as torch.ones(T) - betas"],
    "ex3_time_embedding": ["i / h made as torch.arange(0, 1, 1 / h)"],
    "ex5_loss": ["loss computed on pred.float() and noise.float()"],
    "ex6_ddpm": ["sigma_t^2 recomputed from the other fields"],
    "ex7_ddim": ["k = max(T // n, 1)"],
    "ex8_guidance": ["the doubled batch cast to the model's parameter dtype",
                     "the guided eps cast to x's dtype"],
})
