"""Blind round 5: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/02_dbvae.py nor in
benchmarks/blind/round1/, round2/, round3/ or round4/. CORRECT[...][0] is round 4's reference
(reused by name, so the proofs stay comparable); CORRECT[...][1] is this round's own, in another
style. The proofs are benchmarks/blind/round5/prove_02.py.
"""

from benchmarks.blind.answers import earlier_round

ROUND4 = earlier_round(4, __file__)


def _sub(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND4._EX1_OK
_EX1_LOOP = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    losses = []
    for xi, ri, mi, li in zip(x, x_recon, mu, logvar):          # one image at a time
        reconstruction = torch.mean(torch.square(xi - ri))
        kl = 0.5 * torch.sum(torch.exp(li) + mi * mi - 1.0 - li)
        losses.append(reconstruction + kl_weight * kl)
    return torch.stack(losses)
'''
_EX1_LOG_OF_SIGMA2 = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))
    sigma = torch.exp(0.5 * logvar)
    kl = 0.5 * (sigma ** 2 + mu ** 2 - 1 - torch.log(sigma ** 2)).sum(dim=1)    # the formula as written
    return reconstruction + kl_weight * kl
'''
_EX1_INTERPOLATED = _sub(_EX1_OK, "return reconstruction + kl_weight * kl",
                         "return (1 - kl_weight) * reconstruction + kl_weight * kl")
_EX1_SIGMA_SQUARED = _sub(_EX1_OK, "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)",
                          "sigma = logvar.exp()\n    kl = 0.5 * (sigma ** 2 + mu ** 2 - 1 - logvar).sum(dim=1)")
_EX1_SQUARE_IMAGES = _sub(_EX1_OK, "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))",
                          "C, S = x.shape[1], x.shape[-1]\n"
                          "    reconstruction = ((x - x_recon) ** 2).sum(dim=(1, 2, 3)) / (C * S * S)")

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND4._EX2_OK
_EX2_IN_PLACE_NOISE = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    z = torch.randn_like(mu)                      # eps, then scaled and shifted in place (it is ours)
    z.mul_(torch.exp(0.5 * logvar)).add_(mu)
    return z
'''
_EX2_OWN_GENERATOR = '''
_NOISE = torch.Generator().manual_seed(0)        # a generator of its own, as the training loops use


def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    eps = torch.randn(mu.shape, generator=_NOISE, dtype=mu.dtype, device=mu.device)
    return mu + torch.exp(0.5 * logvar) * eps
'''
_EX2_MEAN_WITHOUT_GRAD = _sub(_EX2_OK, "    eps = torch.randn_like(mu)\n",
                              "    if not torch.is_grad_enabled():   # inference: no noise needed\n"
                              "        return mu\n    eps = torch.randn_like(mu)\n")
_EX2_STD_FLOOR = _sub(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps",
                      "return mu + torch.exp(0.5 * logvar).clamp(min=1e-6) * eps   # sigma > 0")
_EX2_STANDARDISED = _sub(_EX2_OK, "    eps = torch.randn_like(mu)\n",
                         "    eps = torch.randn_like(mu)\n"
                         "    eps = (eps - eps.mean(dim=0)) / eps.std(dim=0)   # exactly mean 0, std 1 over the batch\n")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND4._EX3_OK
_EX3_ROWS = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        L = self.latent_dim
        rows = self.encoder(x).T                           # (2L+1, B): one row per output
        logit, mu, logvar = rows[0], rows[1:1 + L].T, rows[1 + L:].T
        return logit, mu, logvar, self.decoder(sample_latent(mu, logvar))
'''
_EX3_SIGMOID_AGAIN = _sub(_EX3_OK, "x_recon = self.decoder(z)", "x_recon = torch.sigmoid(self.decoder(z))   # pixels in [0, 1]")
_EX3_CLAMP_LOGVAR = _sub(_EX3_OK, "out[:, 0], out[:, 1:L + 1], out[:, L + 1:]",
                         "out[:, 0], out[:, 1:L + 1], out[:, L + 1:].clamp(-10.0, 10.0)   # exp stays finite")
_EX3_RESHAPE_2BL = _sub(_EX3_OK, "logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]",
                        "logit = out[:, 0]\n        mu, logvar = out[:, 1:].reshape(2, -1, L)")
_EX3_OWN_CLASSIFIER = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim, n_filters)     # the VAE's job: mu and logvar
        self.classifier = make_encoder(1, n_filters)               # the detector's job: the face logit
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        L = self.latent_dim
        out = self.encoder(x)
        mu, logvar = out[:, :L], out[:, L:]
        logit = self.classifier(x)[:, 0]
        return logit, mu, logvar, self.decoder(sample_latent(mu, logvar))
'''

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND4._EX4_OK
_EX4_MASKED_FILL = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    classify = nn.BCEWithLogitsLoss(reduction="none")(logit, y)
    per_image = vae_loss(x, x_recon, mu, logvar, kl_weight)
    face_term = per_image.masked_fill(y == 0, 0.0)           # non-faces: no VAE term
    return torch.mean(classify + face_term)
'''
_EX4_LATENTS_DETACHED = _sub(_EX4_OK, "vae = vae_loss(x, x_recon, mu, logvar, kl_weight)",
                             "vae = vae_loss(x, x_recon, mu.detach(), logvar.detach(), kl_weight)")
_EX4_HALF_STABLE = _sub(_EX4_OK, 'F.binary_cross_entropy_with_logits(logit, y, reduction="none")',
                        "-(y * F.logsigmoid(logit) + (1 - y) * torch.log(1 - torch.sigmoid(logit)))")
_EX4_SIGMOID_FIRST = _sub(_EX4_OK, 'F.binary_cross_entropy_with_logits(logit, y, reduction="none")',
                          'F.binary_cross_entropy_with_logits(torch.sigmoid(logit), y, reduction="none")')
_EX4_CFG_WEIGHT = _sub(_EX4_OK, "vae = vae_loss(x, x_recon, mu, logvar, kl_weight)",
                       "vae = vae_loss(x, x_recon, mu, logvar, cfg.kl_weight)")

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND4._EX5_OK
_EX5_UNIQUE_INVERSE = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    n = mu.shape[0]
    per_dim = []
    for column in mu.detach().unbind(dim=1):
        lo, hi = column.min(), column.max()
        index = torch.floor((column - lo) / (hi - lo) * bins).long().clamp(max=bins - 1)
        _, inverse, counts = torch.unique(index, return_inverse=True, return_counts=True)
        share = counts.to(mu.dtype)[inverse] / n                   # each face's bin share (empty bins never show)
        density = (share + smoothing) / (1.0 + bins * smoothing)   # smoothed over all the bins, renormalised
        inv = density.reciprocal()
        per_dim.append(inv / inv.sum())
    p = torch.stack(per_dim, dim=1).amax(dim=1)
    return p / p.sum()
'''
_EX5_UNIQUE_COUNTS = _sub(_EX5_OK, "density = torch.bincount(index, minlength=bins).to(mu.dtype) / n",
                          "_, counts = torch.unique(index, return_counts=True)\n"
                          "        density = counts.to(mu.dtype) / n")
_EX5_OVER_MAX = _sub(_EX5_OK, "p_j = p_j / p_j.sum()", "p_j = p_j / p_j.max()")
_EX5_SOFTMAX = _sub(_EX5_OK, "        p_j = 1.0 / density[index]\n        p_j = p_j / p_j.sum()\n",
                    "        p_j = torch.softmax(1.0 / density[index], dim=0)   # normalised over the faces\n")
_EX5_FLOOR = _sub(_EX5_OK, "density = density + smoothing", "density = density.clamp(min=smoothing)")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND4._EX6_OK
_EX6_BATCH_SAMPLER = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    from torch.utils.data import BatchSampler

    device_of = next(model.parameters()).device
    n_batches = math.ceil(len(x) / batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for _ in range(epochs):
        weights = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        total, count = 0.0, 0
        for batch in progress(BatchSampler(idx.tolist(), batch_size, drop_last=False), leave=False):
            b = torch.as_tensor(batch)
            loss = loss_fn(model, x[b].to(device_of), y[b].to(device_of))
            for p in model.parameters():
                p.grad = None
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item()
            count += 1
        history.append(total / count)
    return history
'''
_EX6_SORTED = _sub(_EX6_OK, "        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)\n",
                   "        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)\n"
                   "        idx = idx.sort().values   # go through idx in order\n")
_EX6_DRAW_PER_BATCH = _sub(_sub(_EX6_OK, "        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)\n",
                                ""),
                           "            b = idx[start:start + batch_size]\n",
                           "            b = torch.multinomial(weights, batch_size, replacement=True, generator=gen)\n")
_EX6_WEIGHTS_AFTER = _sub(_sub(_sub(_EX6_OK, "    history = []\n", "    history = []\n    weights = torch.ones(len(x))\n"),
                               "        weights = weights_fn(model) if weights_fn is not None else torch.ones(len(x))\n",
                               ""),
                          "        history.append(sum(losses) / len(losses))\n",
                          "        history.append(sum(losses) / len(losses))\n"
                          "        if weights_fn is not None:\n"
                          "            weights = weights_fn(model)   # what this epoch taught the model, for the next\n")
_EX6_FLOOR_PLUS_ONE = _sub(_EX6_OK, "n_batches = math.ceil(len(x) / batch_size)", "n_batches = len(x) // batch_size + 1")

MUTANTS = {
    "ex1_vae_loss": [
        ("KL's log sigma² as log(exp(0.5·logvar)²): log(0) = -inf, an infinite loss, once logvar < -104",
         _EX1_LOG_OF_SIGMA2),
        ("kl_weight as an interpolation: (1 - beta)·reconstruction + beta·KL", _EX1_INTERPOLATED),
        ("sigma taken as exp(logvar) and squared: exp(2·logvar) in the KL", _EX1_SIGMA_SQUARED),
        ("pixels counted as C·W·W (square images assumed): wrong for H != W", _EX1_SQUARE_IMAGES),
    ],
    "ex2_reparameterise": [
        ("noise from a module-level torch.Generator: fresh per call, but torch.manual_seed does not reproduce it",
         _EX2_OWN_GENERATOR),
        ("returns mu when autograd is off (torch.no_grad): no sample at inference", _EX2_MEAN_WITHOUT_GRAD),
        ("sigma clamped to at least 1e-6: wrong for logvar < -27.6", _EX2_STD_FLOOR),
        ("eps standardised over the batch (mean 0, std 1 exactly): not N(0, 1) draws, NaN for a batch of one",
         _EX2_STANDARDISED),
    ],
    "ex3_dbvae": [
        ("torch.sigmoid on the decoder's output, which already ends in a Sigmoid: pixels in [0.5, 0.73]",
         _EX3_SIGMOID_AGAIN),
        ("logvar clamped to [-10, 10] in forward: returned and sampled clamped", _EX3_CLAMP_LOGVAR),
        ("out[:, 1:].reshape(2, -1, L), not (B, 2, L): rows of mu and logvar mixed across the batch",
         _EX3_RESHAPE_2BL),
        ("a second encoder for the logit (encoder with 2L outputs): the logit is not column 0", _EX3_OWN_CLASSIFIER),
    ],
    "ex4_debias_loss": [
        ("mu and logvar detached in the VAE term: the KL no longer reaches the encoder", _EX4_LATENTS_DETACHED),
        ("BCE as -(y·logsigmoid(z) + (1-y)·log(1 - sigmoid(z))): inf or NaN (0·log 0) once z > ~17", _EX4_HALF_STABLE),
        ("binary_cross_entropy_with_logits on sigmoid(logit): the sigmoid applied twice", _EX4_SIGMOID_FIRST),
        ("global cfg.kl_weight (5e-4) instead of the kl_weight argument", _EX4_CFG_WEIGHT),
    ],
    "ex5_resampling": [
        ("bin counts from torch.unique(return_counts=True): empty bins drop out and density[index] misreads",
         _EX5_UNIQUE_COUNTS),
        ("each dimension's p_j scaled by its maximum, not normalised to sum 1 before the maximum", _EX5_OVER_MAX),
        ("p_j = softmax(1 / density) over the faces instead of 1/density normalised", _EX5_SOFTMAX),
        ("smoothing as a floor, density.clamp(min=alpha), not an addition", _EX5_FLOOR),
    ],
    "ex6_train": [
        ("idx sorted before batching (a misreading of 'go through idx in order')", _EX6_SORTED),
        ("batch_size indices drawn per batch: n_batches·batch_size draws an epoch, the last batch full",
         _EX6_DRAW_PER_BATCH),
        ("first epoch uniform, weights_fn called after each epoch for the next one", _EX6_WEIGHTS_AFTER),
        ("n_batches = len(x) // batch_size + 1: T_max one batch per epoch too long when batch_size divides len(x)",
         _EX6_FLOOR_PLUS_ONE),
    ],
}

CORRECT = {
    "ex1_vae_loss": [
        ("round 3: per-image mean of squares, KL with exp(logvar)", _EX1_OK),
        ("a loop over the images, torch.square, torch.stack", _EX1_LOOP),
    ],
    "ex2_reparameterise": [
        ("round 3: mu + exp(0.5 logvar) * randn_like(mu)", _EX2_OK),
        ("eps = randn_like(mu), scaled and shifted in place (mul_, add_)", _EX2_IN_PLACE_NOISE),
    ],
    "ex3_dbvae": [
        ("round 3: column slices of the encoder output", _EX3_OK),
        ("rows of the transposed encoder output, transposed back", _EX3_ROWS),
    ],
    "ex4_debias_loss": [
        ("round 3: (bce + y * vae).mean()", _EX4_OK),
        ("nn.BCEWithLogitsLoss, masked_fill on the non-faces, torch.mean", _EX4_MASKED_FILL),
    ],
    "ex5_resampling": [
        ("round 3: a loop over dimensions with bincount", _EX5_OK),
        ("torch.unique with return_inverse and counts, the smoothing's normaliser 1 + bins·alpha", _EX5_UNIQUE_INVERSE),
    ],
    "ex6_train": [
        ("round 3: for loop over batch starts", _EX6_OK),
        ("BatchSampler over idx.tolist(), grads set to None by hand, a running total", _EX6_BATCH_SAMPLER),
    ],
}
