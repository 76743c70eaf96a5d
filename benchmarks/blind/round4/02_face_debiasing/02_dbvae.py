"""Blind round 4: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/02_dbvae.py nor in
benchmarks/blind/round1/, round2/ or round3/. CORRECT[...][0] is round 3's reference (reused by
name, so the proofs stay comparable); CORRECT[...][1] is this round's own, in another style. The
proofs are benchmarks/blind/round4/prove_02.py.
"""

from benchmarks.blind.answers import earlier_round

ROUND3 = earlier_round(3, __file__)


def _sub(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND3._EX1_OK
_EX1_INDEPENDENT = '''
from torch.distributions import Independent, Normal, kl_divergence


def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    pixels = x[0].numel()                                          # C * H * W
    squared = (x_recon - x).square().reshape(len(x), -1).sum(dim=1)
    q = Independent(Normal(mu, (0.5 * logvar).exp()), 1)          # sums the KL over the L dimensions
    p = Independent(Normal(torch.zeros_like(mu), torch.ones_like(mu)), 1)
    return squared / pixels + kl_weight * kl_divergence(q, p)
'''
_EX1_HALF_VARIANCE_ONLY = _sub(_EX1_OK, "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)",
                               "kl = (0.5 * (logvar.exp() - 1 - logvar) + mu ** 2).sum(dim=1)")
_EX1_NORMAL_VARIANCE = '''
from torch.distributions import Normal, kl_divergence


def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))
    posterior = Normal(mu, logvar.exp())                 # scale given the variance exp(logvar), not sigma
    kl = kl_divergence(posterior, Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(dim=1)
    return reconstruction + kl_weight * kl
'''
_EX1_KEEPDIM = _sub(_EX1_OK, "((x - x_recon) ** 2).mean(dim=(1, 2, 3))", "((x - x_recon) ** 2).mean(dim=(1, 2, 3), keepdim=True)")
_EX1_KL_DIM0 = _sub(_EX1_OK, "(logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)", "(logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=0)")

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND3._EX2_OK
_EX2_RANDN = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    noise = torch.randn(mu.size(), dtype=mu.dtype, device=mu.device)   # the same draw as randn_like(mu)
    sigma = torch.exp(logvar * 0.5)
    return noise * sigma + mu
'''
_EX2_SQRT_EXP = _sub(_EX2_OK, "torch.exp(0.5 * logvar)", "torch.exp(logvar).sqrt()")
_EX2_INPLACE_MU = _sub(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps",
                       "return mu.addcmul_(torch.exp(0.5 * logvar), eps)")
_EX2_RSAMPLE_SHAPE = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    return q.rsample((1,))                      # one sample per row ... with an extra leading dimension
'''
_EX2_SWAPPED = _sub(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps", "return torch.exp(0.5 * logvar) + mu * eps")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND3._EX3_OK
_EX3_UNFLATTEN = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        head = self.encoder(x)
        logit = head.select(1, 0)
        mu, logvar = head[:, 1:].unflatten(1, (2, self.latent_dim)).unbind(dim=1)
        return logit, mu, logvar, self.decoder(sample_latent(mu, logvar))
'''
_EX3_2L_OUTPUTS = _sub(_EX3_OK, "make_encoder(2 * latent_dim + 1, n_filters)", "make_encoder(2 * latent_dim, n_filters)")
_EX3_SPLIT2 = _sub(_EX3_OK, "logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]",
                   "logit = out[:, 0]\n        mu, logvar = out[:, 1:].split(2, dim=1)")
_EX3_RETURNS_Z = _sub(_EX3_OK, "return logit, mu, logvar, x_recon", "return logit, mu, logvar, z")
_EX3_HALF_LOGVAR = _sub(_EX3_OK, "z = sample_latent(mu, logvar)", "z = sample_latent(mu, 0.5 * logvar)   # log sigma")

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND3._EX4_OK
_EX4_STABLE = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    y = y.to(logit.dtype)
    bce = logit.clamp(min=0) - logit * y + torch.log1p(torch.exp(-logit.abs()))   # stable BCE with logits
    per_image = torch.addcmul(bce, y, vae_loss(x, x_recon, mu, logvar, kl_weight))
    return torch.mean(per_image)
'''
_EX4_BCE_SUM = _sub(_EX4_OK, "return (bce + y * vae).mean()", "return bce.sum() + (y * vae).mean()")
_EX4_KEEPDIM = _sub(_EX4_OK, "return (bce + y * vae).mean()", "return (bce + y * vae).mean(dim=0, keepdim=True)")
_EX4_RECON_DETACHED = _sub(_EX4_OK, "vae = vae_loss(x, x_recon, mu, logvar, kl_weight)",
                           "vae = vae_loss(x, x_recon.detach(), mu, logvar, kl_weight)")
_EX4_LOG_EXP = _sub(_EX4_OK, 'F.binary_cross_entropy_with_logits(logit, y, reduction="none")',
                    "torch.log(1 + torch.exp(logit)) - y * logit   # softplus(z) - y*z, written out")

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND3._EX5_OK
_EX5_ONEHOT = ROUND3._EX5_ONEHOT
_EX5_SCATTER = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    n, L = mu.shape
    m = mu.detach().double()
    lo, hi = m.amin(dim=0, keepdim=True), m.amax(dim=0, keepdim=True)
    index = ((m - lo) / (hi - lo) * bins).floor().long().clamp_max(bins - 1)            # (N, L)
    counts = torch.zeros(L, bins, dtype=torch.float64).scatter_add_(
        1, index.T, torch.ones(L, n, dtype=torch.float64))                               # (L, bins)
    density = counts / n + smoothing
    density /= density.sum(dim=1, keepdim=True)
    weight = density.gather(1, index.T).reciprocal()                                     # (L, N)
    weight /= weight.sum(dim=1, keepdim=True)
    p = weight.max(dim=0).values
    return (p / p.sum()).to(mu.dtype)
'''
_EX5_NUMPY = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    values = mu.detach().cpu().numpy()
    p = None
    for column in values.T:
        counts, edges = np.histogram(column, bins=bins)          # last bin closed: the maximum is in it
        index = np.clip(np.digitize(column, edges[1:-1]), 0, bins - 1)
        density = counts / len(column) + smoothing
        density = density / density.sum()
        p_j = 1.0 / density[index]
        p_j = p_j / p_j.sum()
        p = p_j if p is None else np.maximum(p, p_j)
    return p / p.sum()
'''
_EX5_COUNTS_OVER_BINS = _sub(_EX5_OK, "density = torch.bincount(index, minlength=bins).to(mu.dtype) / n",
                             "density = torch.bincount(index, minlength=bins).to(mu.dtype) / bins")
_EX5_AMAX_FACES = _sub(_EX5_ONEHOT, "p = torch.amax(inv, dim=1)", "p = torch.amax(inv, dim=0)")
_EX5_SMOOTH_INVERSE = _sub(_sub(_EX5_OK, "        density = density + smoothing\n", ""),
                           "p_j = 1.0 / density[index]", "p_j = 1.0 / density[index] + smoothing")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND3._EX6_OK
_EX6_LISTED = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    import statistics

    n_batches = math.ceil(len(x) / batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator().manual_seed(seed)
    on = next(model.parameters()).device
    per_epoch = []
    for _ in range(epochs):
        weights = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        batches = [idx[k * batch_size:(k + 1) * batch_size] for k in range(n_batches)]
        values = []
        for b in progress(batches, leave=False):
            loss = loss_fn(model, x[b].to(on), y[b].to(on))
            optimizer.zero_grad(set_to_none=False)
            loss.backward()
            optimizer.step()
            scheduler.step()
            values.append(loss.item())
        per_epoch.append(statistics.fmean(values))
    return per_epoch
'''
_EX6_STEP_BEFORE_BACKWARD = _sub(_EX6_OK, "            loss.backward()\n            optimizer.step()\n",
                                 "            optimizer.step()\n            loss.backward()\n")
_EX6_PER_EXAMPLE = _sub(_sub(_EX6_OK, "            losses.append(loss.item())\n",
                             "            losses.append(loss.item() * len(b))\n"),
                        "history.append(sum(losses) / len(losses))", "history.append(sum(losses) / len(x))")
_EX6_TMAX_ONE_EPOCH = _sub(_EX6_OK, "CosineAnnealingLR(optimizer, T_max=epochs * n_batches)",
                           "CosineAnnealingLR(optimizer, T_max=n_batches)")
_EX6_LOSS_TWICE = _sub(_EX6_OK, "            losses.append(loss.item())\n",
                       "            losses.append(loss_fn(model, xb, yb).item())   # the loss after the step\n")

MUTANTS = {
    "ex1_vae_loss": [
        ("KL's 1/2 on the variance terms only: mu² enters with weight 1", _EX1_HALF_VARIANCE_ONLY),
        ("torch.distributions.Normal(mu, exp(logvar)): the variance given as the scale", _EX1_NORMAL_VARIANCE),
        ("reconstruction mean with keepdim=True: (B, 1, 1, 1) + (B,) broadcasts to (B, 1, 1, B)", _EX1_KEEPDIM),
        ("KL summed over dim 0 (the batch), not over the latent dimensions", _EX1_KL_DIM0),
    ],
    "ex2_reparameterise": [
        ("std = exp(logvar).sqrt(): inf for logvar > 88 and 0 for logvar < -104 in float32", _EX2_SQRT_EXP),
        ("mu.addcmul_(sigma, eps): the sample written into the caller's mu", _EX2_INPLACE_MU),
        ("Normal(...).rsample((1,)): an extra leading dimension, (1, B, L)", _EX2_RSAMPLE_SHAPE),
        ("mean and standard deviation swapped: sigma + mu * eps", _EX2_SWAPPED),
    ],
    "ex3_dbvae": [
        ("encoder with 2L outputs (the logit's +1 forgotten)", _EX3_2L_OUTPUTS),
        ("out[:, 1:].split(2, dim=1): chunks of 2 columns where chunk(2, dim=1) was meant", _EX3_SPLIT2),
        ("returns the latent sample z instead of the reconstruction", _EX3_RETURNS_Z),
        ("sample_latent given 0.5 * logvar (log sigma), not logvar", _EX3_HALF_LOGVAR),
    ],
    "ex4_debias_loss": [
        ("BCE summed over the batch while the VAE term is averaged", _EX4_BCE_SUM),
        ("mean(dim=0, keepdim=True): a (1,) tensor, not a scalar", _EX4_KEEPDIM),
        ("x_recon detached in the VAE term: no gradient to the decoder", _EX4_RECON_DETACHED),
        ("BCE written as log(1 + exp(z)) - y·z: inf once exp overflows (z > 88)", _EX4_LOG_EXP),
    ],
    "ex5_resampling": [
        ("built with numpy (np.histogram) and returned as a numpy float64 array", _EX5_NUMPY),
        ("bin shares as counts / bins, not counts / N (wrong against the smoothing)", _EX5_COUNTS_OVER_BINS),
        ("maximum over the faces (dim 0), not the dimensions: one value per dimension", _EX5_AMAX_FACES),
        ("smoothing added to the inverse density (1/d + alpha), not to the density", _EX5_SMOOTH_INVERSE),
    ],
    "ex6_train": [
        ("optimizer.step() before loss.backward(): each step finds zeroed gradients", _EX6_STEP_BEFORE_BACKWARD),
        ("epoch loss as a per-example mean (batch losses weighted by batch size)", _EX6_PER_EXAMPLE),
        ("T_max = n_batches: the cosine ends after one epoch and climbs back", _EX6_TMAX_ONE_EPOCH),
        ("loss_fn called a second time for the logged loss (after the step)", _EX6_LOSS_TWICE),
    ],
}

CORRECT = {
    "ex1_vae_loss": [
        ("round 3: per-image mean of squares, KL with exp(logvar)", _EX1_OK),
        ("sum of squares / x[0].numel(), Independent(Normal) kl_divergence", _EX1_INDEPENDENT),
    ],
    "ex2_reparameterise": [
        ("round 3: mu + exp(0.5 logvar) * randn_like(mu)", _EX2_OK),
        ("torch.randn(mu.size(), dtype, device), noise * sigma + mu", _EX2_RANDN),
    ],
    "ex3_dbvae": [
        ("round 3: column slices of the encoder output", _EX3_OK),
        ("select(1, 0), unflatten(1, (2, L)).unbind(1)", _EX3_UNFLATTEN),
    ],
    "ex4_debias_loss": [
        ("round 3: (bce + y * vae).mean()", _EX4_OK),
        ("the stable BCE formula by hand, addcmul, torch.mean", _EX4_STABLE),
    ],
    "ex5_resampling": [
        ("round 3: a loop over dimensions with bincount", _EX5_OK),
        ("float64 scatter_add_ counts per dimension, gather, reciprocal, cast back", _EX5_SCATTER),
    ],
    "ex6_train": [
        ("round 3: for loop over batch starts", _EX6_OK),
        ("a list of batch slices, zero_grad(set_to_none=False), statistics.fmean", _EX6_LISTED),
    ],
}
