"""Blind round 3: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/02_dbvae.py nor in
benchmarks/blind/round1/ or round2/. CORRECT[...][0] is the reference the proofs
(benchmarks/blind/round3/prove_01_02.py) compare with.
"""


def _sub(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))
    kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)
    return reconstruction + kl_weight * kl
'''
_EX1_DIST = '''
from torch.distributions import Normal, kl_divergence


def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    reconstruction = F.mse_loss(x_recon, x, reduction="none").flatten(start_dim=1).mean(dim=1)
    posterior = Normal(mu, torch.exp(0.5 * logvar))
    prior = Normal(torch.zeros_like(mu), torch.ones_like(mu))
    kl = kl_divergence(posterior, prior).sum(dim=-1)
    return reconstruction + kl_weight * kl
'''
_EX1_L1 = _sub(_EX1_OK, "((x - x_recon) ** 2).mean(dim=(1, 2, 3))", "(x - x_recon).abs().mean(dim=(1, 2, 3))")
_EX1_MU = _sub(_EX1_OK, "logvar.exp() + mu ** 2 - 1 - logvar", "logvar.exp() + mu - 1 - logvar")
_EX1_SCALAR = _sub(_EX1_OK, "return reconstruction + kl_weight * kl", "return (reconstruction + kl_weight * kl).mean()")
_EX1_NUMEL = _sub(_EX1_OK, "((x - x_recon) ** 2).mean(dim=(1, 2, 3))", "((x - x_recon) ** 2).sum(dim=(1, 2, 3)) / x.numel()")

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    eps = torch.randn_like(mu)
    return mu + torch.exp(0.5 * logvar) * eps
'''
_EX2_RSAMPLE = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    eps = torch.randn_like(mu)
    return torch.addcmul(mu, logvar.mul(0.5).exp(), eps)
'''
_EX2_SQRT = _sub(_EX2_OK, "torch.exp(0.5 * logvar)", "torch.sqrt(logvar)")
_EX2_FIXED = '''
_NOISE = {}


def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    if mu.shape not in _NOISE:                 # draw the noise once per shape, reproducible samples
        _NOISE[mu.shape] = torch.randn_like(mu)
    return mu + torch.exp(0.5 * logvar) * _NOISE[mu.shape]
'''
_EX2_CLAMP_EPS = _sub(_EX2_OK, "eps = torch.randn_like(mu)", "eps = torch.randn_like(mu).clamp(-3.0, 3.0)   # no outliers")
_EX2_TUPLE = _sub(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps", "return mu + torch.exp(0.5 * logvar) * eps, eps")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        out = self.encoder(x)
        L = self.latent_dim
        logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]
        z = sample_latent(mu, logvar)
        x_recon = self.decoder(z)
        return logit, mu, logvar, x_recon
'''
_EX3_NARROW = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = int(latent_dim)
        self.encoder = make_encoder(n_outputs=2 * self.latent_dim + 1, n_filters=n_filters)
        self.decoder = make_decoder(self.latent_dim, n_filters=n_filters)

    def forward(self, x: torch.Tensor):
        encoded = self.encoder(x)
        L = self.latent_dim
        logit, mu, logvar = torch.split(encoded, [1, L, L], dim=1)
        return logit.flatten(), mu, logvar, self.decoder(sample_latent(mu, logvar))
'''
_EX3_SLICE = _sub(_EX3_OK, "out[:, 1:L + 1], out[:, L + 1:]", "out[:, 1:L], out[:, L:]")
_EX3_INTERLEAVED = _sub(_EX3_OK, "out[:, 1:L + 1], out[:, L + 1:]", "out[:, 1::2], out[:, 2::2]")
_EX3_VARIANCE = _sub(_EX3_OK, "z = sample_latent(mu, logvar)", "z = sample_latent(mu, logvar.exp())   # the variance")
_EX3_CHUNK = _sub(_EX3_OK, "logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]",
                  "logit = out[:, 0]\n        mu, logvar = out[:, 1:].chunk(2)")

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    vae = vae_loss(x, x_recon, mu, logvar, kl_weight)
    return (bce + y * vae).mean()
'''
_EX4_WHERE = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    classification = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    per_image_vae = vae_loss(x, x_recon, mu, logvar, kl_weight)
    face_term = torch.where(y > 0.5, per_image_vae, torch.zeros_like(per_image_vae))
    return torch.sum(classification + face_term) / len(y)
'''
_EX4_DETACH = _sub(_EX4_OK, "binary_cross_entropy_with_logits(logit, y,", "binary_cross_entropy_with_logits(logit.detach(), y,")
_EX4_SOFTPLUS = _sub(_EX4_OK, 'F.binary_cross_entropy_with_logits(logit, y, reduction="none")', "F.softplus(-logit)   # -log sigmoid(logit)")
_EX4_ITEM = _sub(_EX4_OK, "return (bce + y * vae).mean()", "return (bce + y * vae).mean().item()")
_EX4_BCELOSS = _sub(_EX4_OK, 'F.binary_cross_entropy_with_logits(logit, y, reduction="none")', 'nn.BCELoss(reduction="none")(logit, y)')

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n, dims = mu.shape
    p = None
    for j in range(dims):
        v = mu[:, j]
        lo, hi = v.min(), v.max()
        index = ((v - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)
        density = torch.bincount(index, minlength=bins).to(mu.dtype) / n
        density = density + smoothing
        density = density / density.sum()
        p_j = 1.0 / density[index]
        p_j = p_j / p_j.sum()
        p = p_j if p is None else torch.maximum(p, p_j)
    return p / p.sum()
'''
_EX5_ONEHOT = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    n = mu.shape[0]
    lo, hi = mu.min(dim=0).values, mu.max(dim=0).values
    index = torch.floor((mu - lo) / (hi - lo) * bins).long()
    index = torch.where(index >= bins, torch.full_like(index, bins - 1), index)          # (N, L)
    counts = F.one_hot(index, num_classes=bins).sum(dim=0).to(mu.dtype)                 # (L, bins)
    density = counts / n + smoothing
    density = density / density.sum(dim=1, keepdim=True)
    inv = 1.0 / torch.gather(density, 1, index.T).T                                      # (N, L)
    inv = inv / inv.sum(dim=0)
    p = torch.amax(inv, dim=1)
    return p / p.sum()
'''
_EX5_GLOBAL_MAX = _sub(_EX5_OK, "p = p_j if p is None else torch.maximum(p, p_j)",
                       "p = p_j if p is None else torch.max(torch.stack([p, p_j]))")
_EX5_NO_CLAMP = _sub(_EX5_OK, ".floor().long().clamp(max=bins - 1)", ".floor().long()")
_EX5_DEFAULT = _sub(_EX5_OK, "smoothing: float = 1e-3", "smoothing: float = 1e-4")
_EX5_OVER_BINS = _sub(_EX5_OK, "        p_j = 1.0 / density[index]\n        p_j = p_j / p_j.sum()\n",
                      "        inverse = 1.0 / density\n        p_j = (inverse / inverse.sum())[index]\n")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    dev = next(model.parameters()).device
    n_batches = math.ceil(len(x) / batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for epoch in progress(range(epochs), desc="epochs"):
        weights = weights_fn(model) if weights_fn is not None else torch.ones(len(x))
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        losses = []
        for start in range(0, len(x), batch_size):
            b = idx[start:start + batch_size]
            xb, yb = x[b].to(dev), y[b].to(dev)
            loss = loss_fn(model, xb, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
        history.append(sum(losses) / len(losses))
    return history
'''
_EX6_CHUNKS = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    target = next(model.parameters()).device
    steps = epochs * math.ceil(len(x) / batch_size)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    gen = torch.Generator()
    gen.manual_seed(seed)
    out = []
    for _ in progress(range(epochs)):
        weights = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        drawn = torch.multinomial(weights, num_samples=len(x), replacement=True, generator=gen)
        model.train()
        epoch_losses = torch.zeros(0, dtype=torch.float64)
        for b in drawn.split(batch_size):
            loss = loss_fn(model, x[b].to(target), y[b].to(target))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            epoch_losses = torch.cat([epoch_losses, torch.tensor([loss.item()], dtype=torch.float64)])
        out.append(float(epoch_losses.mean()))
    return out
'''
_EX6_TRAIN_IF_WEIGHTS = _sub(_EX6_OK, """        weights = weights_fn(model) if weights_fn is not None else torch.ones(len(x))
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
""", """        if weights_fn is not None:
            weights = weights_fn(model)
            model.train()                     # weights_fn left it in eval mode
        else:
            weights = torch.ones(len(x))
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
""")
_EX6_FLOOR_MEAN = _sub(_EX6_OK, "history.append(sum(losses) / len(losses))",
                       "history.append(sum(losses) / (len(x) // batch_size))")
_EX6_CFG_LR = _sub(_EX6_OK, "torch.optim.Adam(model.parameters(), lr=lr)", "torch.optim.Adam(model.parameters(), lr=cfg.lr)")
_EX6_UNIFORM_RANDINT = _sub(_EX6_OK, """        weights = weights_fn(model) if weights_fn is not None else torch.ones(len(x))
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
""", """        if weights_fn is None:        # uniform: no need for multinomial
            idx = torch.randint(0, len(x), (len(x),), generator=gen)
        else:
            idx = torch.multinomial(weights_fn(model), len(x), replacement=True, generator=gen)
""")

MUTANTS = {
    "ex1_vae_loss": [
        ("mean absolute error (L1) instead of the mean squared error", _EX1_L1),
        ("KL with mu instead of mu squared", _EX1_MU),
        ("returns the batch mean, a scalar, not one loss per image", _EX1_SCALAR),
        ("squared error divided by x.numel() (B·C·H·W), not C·H·W", _EX1_NUMEL),
    ],
    "ex2_reparameterise": [
        ("sqrt(logvar) as the standard deviation (logvar read as the variance)", _EX2_SQRT),
        ("noise drawn once per shape and reused: every call gives the same sample", _EX2_FIXED),
        ("eps clamped to [-3, 3]: the tails are cut", _EX2_CLAMP_EPS),
        ("returns (z, eps), not z", _EX2_TUPLE),
    ],
    "ex3_dbvae": [
        ("mu = out[:, 1:L], logvar = out[:, L:] (off by one)", _EX3_SLICE),
        ("mu and logvar read interleaved: columns 1, 3, 5, ... and 2, 4, 6, ...", _EX3_INTERLEAVED),
        ("sample_latent given exp(logvar), the variance, instead of logvar", _EX3_VARIANCE),
        ("chunk(2) without dim=1: mu and logvar split along the batch", _EX3_CHUNK),
    ],
    "ex4_debias_loss": [
        ("logit detached in the BCE: the classifier gets no gradient", _EX4_DETACH),
        ("BCE written as softplus(-logit): the label is ignored", _EX4_SOFTPLUS),
        ("returns .item(): a float, backward impossible", _EX4_ITEM),
        ("nn.BCELoss (expects probabilities) applied to the logits", _EX4_BCELOSS),
    ],
    "ex5_resampling": [
        ("torch.max of the stacked p without dim: one number, not one per face", _EX5_GLOBAL_MAX),
        ("the maximum not clamped into the last bin: it gets a bin of its own", _EX5_NO_CLAMP),
        ("wrong default: smoothing 1e-4 (the config's value) instead of 1e-3", _EX5_DEFAULT),
        ("inverse densities normalised over the bins, not over the faces", _EX5_OVER_BINS),
    ],
    "ex6_train": [
        ("model.train() only after weights_fn: without one, a model that comes in eval mode trains in eval mode", _EX6_TRAIN_IF_WEIGHTS),
        ("epoch loss divided by len(x) // batch_size batches", _EX6_FLOOR_MEAN),
        ("Adam with the global cfg.lr, not the lr argument", _EX6_CFG_LR),
        ("uniform epochs drawn with torch.randint, not torch.multinomial(ones): another stream", _EX6_UNIFORM_RANDINT),
    ],
}

CORRECT = {
    "ex1_vae_loss": [
        ("per-image mean of squares, KL with exp(logvar)", _EX1_OK),
        ("F.mse_loss flattened, torch.distributions.kl_divergence", _EX1_DIST),
    ],
    "ex2_reparameterise": [
        ("mu + exp(0.5 logvar) * randn_like(mu)", _EX2_OK),
        ("addcmul with logvar.mul(0.5).exp()", _EX2_RSAMPLE),
    ],
    "ex3_dbvae": [
        ("column slices of the encoder output", _EX3_OK),
        ("torch.split([1, L, L]), keyword factories, flatten()", _EX3_NARROW),
    ],
    "ex4_debias_loss": [
        ("(bce + y * vae).mean()", _EX4_OK),
        ("torch.where on the labels, sum / B", _EX4_WHERE),
    ],
    "ex5_resampling": [
        ("a loop over dimensions with bincount", _EX5_OK),
        ("vectorised: one_hot counts, gather, amax", _EX5_ONEHOT),
    ],
    "ex6_train": [
        ("for loop over batch starts", _EX6_OK),
        ("drawn.split(batch_size), float64 epoch losses", _EX6_CHUNKS),
    ],
}
