"""Blind round 7: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/02_dbvae.py nor in
benchmarks/blind/round1/ ... round6/. CORRECT[...][0] is round 6's reference (reused by name, so the
proofs stay comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round7/prove_02_dbvae.py.
"""

from benchmarks.blind.answers import earlier_round

ROUND6 = earlier_round(6, __file__)


def _sub(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND6._EX1_OK
_EX1_VMAP = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    def one_image(xi, ri, mi, lvi):
        reconstruction = torch.mean(torch.square(xi - ri))
        kl = 0.5 * torch.sum(torch.exp(lvi) + torch.square(mi) - 1.0 - lvi)
        return reconstruction + kl_weight * kl
    return torch.func.vmap(one_image)(x, x_recon, mu, logvar)
'''
# the Gaussian log-likelihood habit: 1/2 in front of the squared error
_EX1_HALF_MSE = _sub(_EX1_OK, "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))",
                     "reconstruction = 0.5 * ((x - x_recon) ** 2).mean(dim=(1, 2, 3))")
# the sign of the log term flipped in the notebook's form: ... - 1 + logvar
_EX1_LOG_SIGN = _sub(_EX1_OK, "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)",
                     "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 + logvar).sum(dim=1)")
# (B, 1) columns on purpose, then .squeeze(): a batch of one comes back 0-d
_EX1_SQUEEZE = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    reconstruction = (x - x_recon).pow(2).flatten(1).mean(dim=1, keepdim=True)   # (B, 1)
    kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1, keepdim=True)   # (B, 1)
    return (reconstruction + kl_weight * kl).squeeze()
'''
# the KL put "per pixel" as well, like the reconstruction: divided by C·H·W
_EX1_KL_PER_PIXEL = _sub(_EX1_OK, "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)",
                         "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1) / x[0].numel()   # per pixel too")

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND6._EX2_OK
_EX2_NORMAL_ = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    eps = torch.empty_like(mu).normal_()
    return eps.mul(logvar.mul(0.5).exp()).add(mu)
'''
# "the grader checks the gradients": requires_grad_() switched on in the caller's tensors
_EX2_REQUIRES_GRAD = _sub(_EX2_OK, "    eps = torch.randn_like(mu)\n",
                          "    mu.requires_grad_()   # make sure gradients flow\n"
                          "    logvar.requires_grad_()\n"
                          "    eps = torch.randn_like(mu)\n")
# rsample's sample_shape read as the shape of the sample: (B, L, B, L)
_EX2_RSAMPLE_SHAPE = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    q = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    return q.rsample(mu.shape)
'''
# |logvar|: "a variance is positive", sigma = exp(|logvar| / 2) >= 1
_EX2_ABS = _sub(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps", "return mu + torch.exp(0.5 * logvar.abs()) * eps")
# sqrt(variance + 1e-8): the normalisation layers' stabiliser, sigma >= 1e-4
_EX2_VAR_EPS = _sub(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps",
                    "return mu + torch.sqrt(torch.exp(logvar) + 1e-8) * eps")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND6._EX3_OK
_EX3_INDEX_SELECT = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        out = self.encoder(x)
        L = self.latent_dim
        cols = torch.arange(out.shape[1], device=out.device)
        logit = out.index_select(1, cols[:1]).view(-1)
        mu = out.index_select(1, cols[1:L + 1])
        logvar = out.index_select(1, cols[L + 1:])
        return logit, mu, logvar, self.decoder(sample_latent(mu, logvar))
'''
# "columns L+1..2L" sliced as L + 1:2 * L: logvar has L - 1 columns
_EX3_LOGVAR_SHORT = _sub(_EX3_OK, "out[:, L + 1:]", "out[:, L + 1:2 * L]")
# the VAE tutorials' fc_mu / fc_logvar heads, put on top of the encoder's columns
_EX3_HEADS = _sub(_sub(_EX3_OK, "        self.decoder = make_decoder(latent_dim, n_filters)\n",
                       "        self.decoder = make_decoder(latent_dim, n_filters)\n"
                       "        self.fc_mu = nn.Linear(latent_dim, latent_dim)\n"
                       "        self.fc_logvar = nn.Linear(latent_dim, latent_dim)\n"),
                  "out[:, 0], out[:, 1:L + 1], out[:, L + 1:]",
                  "out[:, 0], self.fc_mu(out[:, 1:L + 1]), self.fc_logvar(out[:, L + 1:])")
# z returned as well: a 5-tuple
_EX3_RETURNS_Z = _sub(_EX3_OK, "return logit, mu, logvar, x_recon", "return logit, mu, logvar, x_recon, z")
# mu and logvar handed back detached ("only statistics for the histogram"): the KL never reaches the encoder
_EX3_RETURN_DETACHED = _sub(_EX3_OK, "return logit, mu, logvar, x_recon",
                            "return logit, mu.detach(), logvar.detach(), x_recon   # statistics only")

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND6._EX4_OK
_EX4_EINSUM = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    vae = vae_loss(x, x_recon, mu, logvar, kl_weight)
    return (bce.sum() + torch.einsum("b,b->", y.to(vae.dtype), vae)) / y.numel()
'''
# the VAE term subtracted, as if vae_loss were the ELBO to maximise
_EX4_ELBO_SIGN = _sub(_EX4_OK, "return (bce + y * vae).mean()", "return (bce - y * vae).mean()")
# the faces' losses gathered in a list and stacked: a batch without faces raises
_EX4_STACK_FACES = _sub(_EX4_OK, "return (bce + y * vae).mean()",
                        "faces = [vae[i] for i in range(len(y)) if y[i] == 1]\n"
                        "    return bce.mean() + torch.stack(faces).sum() / len(y)")
# the images indexed by the faces, mu and logvar not: (F,) + (B,) in vae_loss
_EX4_IMAGES_ONLY = _sub(_EX4_OK, "    vae = vae_loss(x, x_recon, mu, logvar, kl_weight)\n"
                        "    return (bce + y * vae).mean()",
                        "    faces = y == 1\n"
                        "    vae = vae_loss(x[faces], x_recon[faces], mu, logvar, kl_weight)\n"
                        "    return bce.mean() + vae.sum() / len(y)")
# both terms stacked, then one mean: over 2B entries, half the loss
_EX4_STACK_MEAN = _sub(_EX4_OK, "return (bce + y * vae).mean()", "return torch.stack([bce, y * vae]).mean()")

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND6._EX5_OK
_EX5_INDEX_ADD = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n = mu.shape[0]
    per_dimension = []
    for column in mu.T:
        lo, hi = torch.aminmax(column)
        index = torch.floor((column - lo) / (hi - lo) * bins).long().clamp(max=bins - 1)
        counts = torch.zeros(bins, dtype=mu.dtype, device=mu.device).index_add_(0, index, torch.ones_like(column))
        density = counts / n + smoothing
        density = density / density.sum()
        inverse = density.reciprocal()[index]
        per_dimension.append(inverse / inverse.sum())
    p = torch.stack(per_dimension).amax(dim=0)
    return p / p.sum()
'''
# edges from linspace and searchsorted(right=True) without the - 1: every bin one up, the top two merged
_EX5_SEARCHSORTED = _sub(_EX5_OK, "index = ((v - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)",
                         "edges = torch.linspace(float(lo), float(hi), bins + 1)\n"
                         "        index = torch.searchsorted(edges, v, right=True).clamp(max=bins - 1)")
# the config's bins instead of the argument
_EX5_CFG_BINS = _sub(_sub(_EX5_OK, "index = ((v - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)",
                          "index = ((v - lo) / (hi - lo) * cfg.bins).floor().long().clamp(max=cfg.bins - 1)"),
                     "minlength=bins", "minlength=cfg.bins")
# the maximum over the dimensions with keepdim=True: (N, 1)
_EX5_KEEPDIM = _sub(ROUND6._EX5_VECTOR, ".max(dim=1).values", ".max(dim=1, keepdim=True).values")
# "equal bins" read as equally full bins: quantile edges
_EX5_QUANTILE = _sub(_EX5_OK, "index = ((v - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)",
                     "edges = torch.quantile(v, torch.linspace(0, 1, bins + 1, dtype=v.dtype))   # equal bins\n"
                     "        index = torch.bucketize(v, edges[1:-1], right=True)")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND6._EX6_OK
_EX6_PAIRWISE = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    import itertools
    device_ = next(model.parameters()).device
    n_batches = math.ceil(len(x) / batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator().manual_seed(seed)
    bounds = [*range(0, len(x), batch_size), len(x)]
    history = []
    for _ in range(epochs):
        weights = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        total = 0.0
        for start, stop in itertools.pairwise(bounds):
            b = idx[start:stop]
            xb, yb = x[b].to(device_), y[b].to(device_)
            loss = loss_fn(model, xb, yb)
            for p in model.parameters():
                p.grad = None
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item()
        history.append(total / (len(bounds) - 1))
    return history
'''
# uniform epochs: the data in its own order, no draws ("uniform" read as "no resampling")
_EX6_ARANGE = _sub(_EX6_OK, "        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)\n",
                   "        if weights_fn is None:\n"
                   "            idx = torch.arange(len(x))   # uniform: every image once\n"
                   "        else:\n"
                   "            idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)\n")
# idx viewed as (n_batches, batch_size): raises unless batch_size divides len(x)
_EX6_VIEW = _sub(_EX6_OK, "        for start in range(0, len(x), batch_size):\n"
                 "            b = idx[start:start + batch_size]\n",
                 "        for b in idx.view(-1, batch_size):\n")
# gradient clipping out of habit (lab 3): other steps once the gradient norm passes 1
_EX6_CLIP = _sub(_EX6_OK, "            optimizer.step()\n",
                 "            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)\n"
                 "            optimizer.step()\n")
# the generator reseeded with seed + epoch at every epoch: other draws from the second epoch on
_EX6_RESEED = _sub(_EX6_OK, "        weights = weights_fn(model)",
                   "        gen.manual_seed(seed + epoch)   # one seed per epoch\n"
                   "        weights = weights_fn(model)")

MUTANTS = {
    "ex1_vae_loss": [
        ("0.5·MSE: the Gaussian log-likelihood's 1/2 on the reconstruction", _EX1_HALF_MSE),
        ("0.5·(σ² + mu² - 1 + logvar): the log term's sign flipped", _EX1_LOG_SIGN),
        ("(B, 1) terms then .squeeze(): a batch of one gives a 0-d loss", _EX1_SQUEEZE),
        ("KL divided by C·H·W too ('per pixel', like the reconstruction)", _EX1_KL_PER_PIXEL),
    ],
    "ex2_reparameterise": [
        ("mu.requires_grad_(), logvar.requires_grad_() 'so gradients flow': the caller's tensors changed",
         _EX2_REQUIRES_GRAD),
        ("Normal(...).rsample(mu.shape): sample_shape read as the sample's shape, (B, L, B, L)", _EX2_RSAMPLE_SHAPE),
        ("exp(0.5·|logvar|): 'a variance is positive', sigma >= 1", _EX2_ABS),
        ("sigma = sqrt(exp(logvar) + 1e-8): a stabiliser, sigma >= 1e-4", _EX2_VAR_EPS),
    ],
    "ex3_dbvae": [
        ("logvar = out[:, L + 1:2 * L]: 'columns L+1..2L' with an exclusive end, L - 1 columns", _EX3_LOGVAR_SHORT),
        ("extra nn.Linear heads fc_mu / fc_logvar on the encoder's columns (VAE tutorial habit)", _EX3_HEADS),
        ("returns z as well: a 5-tuple", _EX3_RETURNS_Z),
        ("mu and logvar returned detached (sampled attached): the KL term cannot train the encoder",
         _EX3_RETURN_DETACHED),
    ],
    "ex4_debias_loss": [
        ("bce - y·vae: the VAE term subtracted (as if it were the ELBO)", _EX4_ELBO_SIGN),
        ("faces' VAE losses in a list, torch.stack-ed: a batch without faces raises", _EX4_STACK_FACES),
        ("x and x_recon indexed by the faces, mu and logvar not: (F,) + (B,) in vae_loss", _EX4_IMAGES_ONLY),
        ("torch.stack([bce, y·vae]).mean(): a mean over 2B entries, half the loss", _EX4_STACK_MEAN),
    ],
    "ex5_resampling": [
        ("searchsorted(linspace edges, v, right=True) without the - 1: bins one up, the top two merged",
         _EX5_SEARCHSORTED),
        ("the global cfg.bins (10) instead of the bins argument", _EX5_CFG_BINS),
        ("max over the dimensions with keepdim=True: (N, 1), not (N,)", _EX5_KEEPDIM),
        ("quantile edges: bins of equal counts, not of equal width", _EX5_QUANTILE),
    ],
    "ex6_train": [
        ("uniform epochs go through x in order (arange), no multinomial draw on ones", _EX6_ARANGE),
        ("idx.view(-1, batch_size): raises unless batch_size divides len(x)", _EX6_VIEW),
        ("clip_grad_norm_(..., 1.0) before each step, out of habit", _EX6_CLIP),
        ("gen.manual_seed(seed + epoch) every epoch: other draws from the second epoch on", _EX6_RESEED),
    ],
}

CORRECT = {
    "ex1_vae_loss": [
        ("round 3: per-image mean of squares, KL with exp(logvar)", _EX1_OK),
        ("torch.func.vmap of a one-image loss", _EX1_VMAP),
    ],
    "ex2_reparameterise": [
        ("round 3: mu + exp(0.5 logvar) * randn_like(mu)", _EX2_OK),
        ("empty_like(mu).normal_(), mul / add chain", _EX2_NORMAL_),
    ],
    "ex3_dbvae": [
        ("round 3: column slices of the encoder output", _EX3_OK),
        ("index_select of arange column sets, view(-1)", _EX3_INDEX_SELECT),
    ],
    "ex4_debias_loss": [
        ("round 3: (bce + y * vae).mean()", _EX4_OK),
        ("BCE sum plus einsum of labels and VAE losses, over y.numel()", _EX4_EINSUM),
    ],
    "ex5_resampling": [
        ("round 3: a loop over dimensions with bincount", _EX5_OK),
        ("a loop over mu.T with aminmax, index_add_ counts, stacked amax", _EX5_INDEX_ADD),
    ],
    "ex6_train": [
        ("round 3: for loop over batch starts", _EX6_OK),
        ("itertools.pairwise of batch bounds, grads set to None per parameter, a running float total", _EX6_PAIRWISE),
    ],
}
