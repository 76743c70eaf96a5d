"""Wrong answers for lab 04 (diffusion models): the bugs people actually write."""

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
_FREQS_OK = "torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)"
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
        ("no frequency scaling (every frequency is 1)", _EMB.format(freqs="torch.ones(half)", out=_EMB_OUT_OK)),
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
