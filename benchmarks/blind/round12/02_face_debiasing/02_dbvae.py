"""Blind round 12: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round11/ (lab 02 has no
round 8). CORRECT[...][0] is round 11's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round12/prove_02_dbvae.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND11 = earlier_round(11, __file__)

# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND11.CORRECT["ex1_vae_loss"][0][1]
_EX1_DISTRIBUTIONS = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    pixels = x[0].numel()
    reconstruction = torch.einsum("bi,bi->b", (x - x_recon).flatten(1), (x - x_recon).flatten(1)) / pixels
    kl = 0.5 * torch.sum(torch.expm1(logvar) + mu * mu - logvar, dim=-1)   # expm1(lv) = sigma^2 - 1
    return reconstruction + kl_weight * kl
'''
# the KL's 1/2 dropped: twice the KL (the formula: 1/2 sum_j (...))
_EX1_NO_HALF = replace_once(_EX1_OK, "kl = 0.5 * (logvar.exp()", "kl = (logvar.exp()")
# operator precedence: sum / C * H * W divides by C and multiplies by H*W (the formula: 1/(CHW))
_EX1_PRECEDENCE = replace_once(_EX1_OK, "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))",
                               "reconstruction = ((x - x_recon) ** 2).sum(dim=(1, 2, 3)) / x.shape[1] * x.shape[2] * x.shape[3]")
# .float() on the result 'so the loss is float32': a float64 batch gets a float32 loss (intro: no tensor to
# another dtype)
_EX1_FLOAT = replace_once(_EX1_OK, "return reconstruction + kl_weight * kl",
                          "return (reconstruction + kl_weight * kl).float()")
# F.mse_loss(..., reduction="sum") / CHW: the whole batch's squared error given to every image
_EX1_MSE_SUM = replace_once(_EX1_OK, "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))",
                            'reconstruction = F.mse_loss(x_recon, x, reduction="sum") / x[0].numel()')

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND11.CORRECT["ex2_reparameterise"][0][1]
_EX2_INPLACE_EPS = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    eps = torch.randn_like(mu)
    return eps.mul_(logvar.div(2).exp()).add_(mu)   # in place on the fresh noise only
'''
# one noise row shared by the whole batch: randn_like(mu[0]) broadcast over the images
_EX2_SHARED_ROW = replace_once(_EX2_OK, "eps = torch.randn_like(mu)", "eps = torch.randn_like(mu[0])")
# torch.randn(mu.shape): float32 noise whatever mu's dtype, and laid out row-major whatever mu's strides
# (text: eps = torch.randn_like(mu))
_EX2_RANDN_SHAPE = replace_once(_EX2_OK, "eps = torch.randn_like(mu)", "eps = torch.randn(mu.shape)")
# a fresh torch.Generator() at every call: default-seeded, the same noise at every call (text: drawn afresh)
_EX2_FRESH_GEN = replace_once(_EX2_OK, "eps = torch.randn_like(mu)",
                              "eps = torch.randn(mu.shape, generator=torch.Generator(), dtype=mu.dtype)")
# logvar.float() 'for a stable exp': a float16 pair gives a float32 sample
_EX2_FLOAT_EXP = replace_once(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps",
                              "return mu + torch.exp(0.5 * logvar.float()) * eps")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND11.CORRECT["ex3_dbvae"][0][1]
_EX3_NARROW = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = int(latent_dim)
        self.encoder = make_encoder(2 * self.latent_dim + 1, n_filters)
        self.decoder = make_decoder(self.latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        out = self.encoder(x)
        L = self.latent_dim
        logit = out.select(1, 0)
        mu, logvar = out.narrow(1, 1, L), out.narrow(1, 1 + L, L)
        return logit, mu, logvar, self.decoder(sample_latent(mu, logvar))
'''
# make_encoder(2L + 1) without n_filters: the encoder keeps 12 filters
_EX3_ENCODER_DEFAULT = replace_once(_EX3_OK, "self.encoder = make_encoder(2 * latent_dim + 1, n_filters)",
                                    "self.encoder = make_encoder(2 * latent_dim + 1)")
# the encoder called once per head: in training mode BatchNorm's running statistics move three times per
# forward
_EX3_THREE_CALLS = replace_once(
    _EX3_OK,
    "        out = self.encoder(x)\n        L = self.latent_dim\n"
    "        logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]\n",
    "        L = self.latent_dim\n"
    "        logit = self.encoder(x)[:, 0]\n"
    "        mu = self.encoder(x)[:, 1:L + 1]\n"
    "        logvar = self.encoder(x)[:, L + 1:]\n")
# x.float() 'in case the images come as doubles': a model in float64 raises (intro: no tensor to another dtype)
_EX3_X_FLOAT = replace_once(_EX3_OK, "out = self.encoder(x)", "out = self.encoder(x.float())")
# the logit taken as the last column, mu and logvar from column 0 (text: the logit is column 0, mu 1..L,
# logvar L+1..2L, in this order)
_EX3_LOGIT_LAST = replace_once(_EX3_OK, "logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]",
                               "logit, mu, logvar = out[:, -1], out[:, :L], out[:, L:2 * L]")

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND11.CORRECT["ex4_debias_loss"][0][1]
_EX4_INDEXED = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    faces = y == 1
    bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    vae = vae_loss(x[faces], x_recon[faces], mu[faces], logvar[faces], kl_weight)
    return (bce.sum() + vae.sum()) / y.shape[0]
'''
# torch.where(y == 1, vae, bce): faces train only the VAE (text: every image trains the classifier)
_EX4_WHERE_EXCLUSIVE = replace_once(_EX4_OK, "return (bce + y * vae).mean()",
                                    "return torch.where(y == 1, vae, bce).mean()")
# the faces' mean VAE loss times the share of faces: the formula's value, but NaN for a batch without faces
_EX4_SHARE_NAN = replace_once(_EX4_OK, "return (bce + y * vae).mean()",
                              "return bce.mean() + vae[y == 1].mean() * y.mean()")
# returns (loss, bce, vae) for logging: a tuple, not a scalar (text: -> a scalar)
_EX4_TUPLE = replace_once(_EX4_OK, "return (bce + y * vae).mean()",
                          "return (bce + y * vae).mean(), bce.mean().detach(), (y * vae).mean().detach()")
# the classification term balanced per class (mean over faces + mean over non-faces) / 2: not 1/B sum
_EX4_BALANCED = replace_once(_EX4_OK, "return (bce + y * vae).mean()",
                             "bce_bal = 0.5 * (bce[y == 1].mean() + bce[y == 0].mean())\n"
                             "    return bce_bal + (y * vae).mean()")

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND11.CORRECT["ex5_resampling"][0][1]
_EX5_FLOAT64_INSIDE = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n, dims = mu.shape
    per_dim = []
    for j in range(dims):
        col = mu[:, j].detach()                 # the bins in mu's own dtype, as the formula is written
        lo, hi = col.min(), col.max()
        index = torch.floor((col - lo) / (hi - lo) * bins).long()
        index = torch.where(index >= bins, torch.full_like(index, bins - 1), index)
        counts = torch.zeros(bins, dtype=torch.float64).index_add_(0, index, torch.ones(n, dtype=torch.float64))
        d = counts / n + smoothing
        d = d / d.sum()
        w = d[index].reciprocal()
        per_dim.append(w / w.sum())
    p = torch.stack(per_dim, dim=1).max(dim=1).values
    return (p / p.sum()).to(mu.dtype)
'''
# .float() for the counts: a float64 mu gives a float32 p (text: float32 like mu; intro: no other dtype)
_EX5_FLOAT_COUNTS = replace_once(_EX5_OK, "density = torch.bincount(index, minlength=bins).to(mu.dtype) / n",
                                 "density = torch.bincount(index, minlength=bins).float() / n")
# p_ij = 1 / d not normalised over the faces before the maximum (text step 3: normalised over the faces)
_EX5_NO_STEP3 = replace_once(_EX5_OK, "        p_j = p_j / p_j.sum()\n", "")
# the last normalisation forgotten: max_j p_ij returned as is, not summing to 1 (text step 4)
_EX5_NO_FINAL = replace_once(_EX5_OK, "    return p / p.sum()", "    return p")
# vectorised with the range per face (dim=1), not per latent dimension over the faces (dim 0)
_EX5_ROW_RANGE = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n, dims = mu.shape
    lo = mu.min(dim=1, keepdim=True).values
    hi = mu.max(dim=1, keepdim=True).values
    index = ((mu - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)      # (N, L)
    p = None
    for j in range(dims):
        density = torch.bincount(index[:, j], minlength=bins).to(mu.dtype) / n + smoothing
        density = density / density.sum()
        p_j = 1.0 / density[index[:, j]]
        p_j = p_j / p_j.sum()
        p = p_j if p is None else torch.maximum(p, p_j)
    return p / p.sum()
'''

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND11.CORRECT["ex6_train"][0][1]
_EX6_WHILE = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    device_of_model = next(model.parameters()).device
    n_batches = math.ceil(len(x) / batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator().manual_seed(seed)
    history = []
    epoch = 0
    while epoch < epochs:
        if weights_fn is None:
            weights = torch.ones(len(x))
        else:
            weights = weights_fn(model)
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        total, count = 0.0, 0
        for k in range(n_batches):
            b = idx[k * batch_size:(k + 1) * batch_size]
            xb, yb = x[b].to(device_of_model), y[b].to(device_of_model)
            loss = loss_fn(model, xb, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item()
            count += 1
        history.append(total / count)
        epoch += 1
    return history
'''
# multinomial without generator=gen: torch's global RNG draws the indices (text: generator=gen)
_EX6_NO_GEN = replace_once(_EX6_OK, "idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)",
                           "idx = torch.multinomial(weights, len(x), replacement=True)")
# gen created inside the epoch loop: every epoch draws the same indices (text: gen ... created once)
_EX6_GEN_PER_EPOCH = replace_once(replace_once(
    _EX6_OK, "    gen = torch.Generator().manual_seed(seed)\n", ""),
    "        weights = weights_fn(model)",
    "        gen = torch.Generator().manual_seed(seed)\n        weights = weights_fn(model)")
# the last, smaller batch dropped: range(0, len(x) - batch_size + 1, batch_size) (text: keep it)
_EX6_DROP_LAST = replace_once(_EX6_OK, "for start in range(0, len(x), batch_size):",
                              "for start in range(0, len(x) - batch_size + 1, batch_size):")
# weights_fn called once before the epochs: later epochs reuse the first weights (text: every epoch)
_EX6_WEIGHTS_ONCE = replace_once(replace_once(
    _EX6_OK, "        weights = weights_fn(model) if weights_fn is not None else torch.ones(len(x))\n", ""),
    "    history = []\n",
    "    history = []\n    weights = weights_fn(model) if weights_fn is not None else torch.ones(len(x))\n")
# torch.optim.AdamW out of habit: decoupled weight decay 0.01 (text: torch.optim.Adam(model.parameters(), lr=lr))
_EX6_ADAMW = replace_once(_EX6_OK, "optimizer = torch.optim.Adam(model.parameters(), lr=lr)",
                          "optimizer = torch.optim.AdamW(model.parameters(), lr=lr)")

MUTANTS = {
    "ex1_vae_loss": [
        ("KL without its 1/2: twice the KL (the formula: 1/2 sum_j (...))", _EX1_NO_HALF),
        ("sum / x.shape[1] * x.shape[2] * x.shape[3]: operator precedence divides by C, multiplies by HW"
         " (the formula: 1/(CHW))", _EX1_PRECEDENCE),
        ("(...).float() on the result: a float64 batch gets a float32 loss (intro: no tensor to another dtype)",
         _EX1_FLOAT),
        ("F.mse_loss(reduction='sum') / CHW: the batch's summed squared error given to every image (text: per image,"
         " 1/(CHW) ||x - x_hat||^2; one loss per image, shape (B,))", _EX1_MSE_SUM),
    ],
    "ex2_reparameterise": [
        ("eps = randn_like(mu[0]): one noise row shared by every image of the batch (text: eps = torch.randn_like(mu),"
         " eps ~ N(0, I))", _EX2_SHARED_ROW),
        ("eps = torch.randn(mu.shape): float32, row-major noise whatever mu's dtype and strides (text: eps ="
         " torch.randn_like(mu))", _EX2_RANDN_SHAPE),
        ("a fresh torch.Generator() per call: default-seeded, the same noise at every call (text: drawn afresh)",
         _EX2_FRESH_GEN),
        ("exp(0.5 * logvar.float()): a float16 pair gives a float32 sample (intro: no tensor to another"
         " dtype)", _EX2_FLOAT_EXP),
    ],
    "ex3_dbvae": [
        ("make_encoder(2L + 1) without n_filters: the encoder keeps 12 filters (text: self.encoder ="
         " make_encoder(2 * latent_dim + 1, n_filters))", _EX3_ENCODER_DEFAULT),
        ("the encoder called once per head (three forwards): BatchNorm's running statistics move three times (text:"
         " 'One encoder, two jobs. Its 2L+1 outputs are split')",
         _EX3_THREE_CALLS),
        ("self.encoder(x.float()): a float64 model raises (intro: no tensor to another dtype)", _EX3_X_FLOAT),
        ("logit = out[:, -1], mu = out[:, :L], logvar = out[:, L:2L] (text: logit column 0, mu 1..L, in this"
         " order)", _EX3_LOGIT_LAST),
    ],
    "ex4_debias_loss": [
        ("torch.where(y == 1, vae, bce): faces train only the VAE (text: every image trains the classifier)",
         _EX4_WHERE_EXCLUSIVE),
        ("bce.mean() + vae[faces].mean() * y.mean(): the formula's value, NaN for a batch without faces (text: 1/B"
         " sum_i [BCE_i + y_i L_VAE(x_i)], any batch)",
         _EX4_SHARE_NAN),
        ("returns (loss, bce, vae) for logging: a tuple, not a scalar (text: -> a scalar)", _EX4_TUPLE),
        ("classification term balanced per class, (mean over faces + mean over non-faces) / 2 (text: 1/B sum_i BCE_i;"
         " NaN for a one-class batch)",
         _EX4_BALANCED),
    ],
    "ex5_resampling": [
        ("bincount(...).float(): a float64 mu gives a float32 p (text: float32 like mu)", _EX5_FLOAT_COUNTS),
        ("p_ij = 1/d not normalised over the faces before the maximum (text step 3)", _EX5_NO_STEP3),
        ("the last normalisation forgotten: max_j p_ij returned as is (text step 4: normalise once more)",
         _EX5_NO_FINAL),
        ("min/max per face (dim=1), not per latent dimension over the faces (text: [min_i mu_ij, max_i mu_ij])",
         _EX5_ROW_RANGE),
    ],
    "ex6_train": [
        ("multinomial without generator=gen: torch's global RNG draws the indices (text: generator=gen)",
         _EX6_NO_GEN),
        ("gen re-created inside the epoch loop: every epoch the same draws (text: created once)",
         _EX6_GEN_PER_EPOCH),
        ("range(0, len(x) - batch_size + 1, batch_size): the last smaller batch dropped (text: keep it)",
         _EX6_DROP_LAST),
        ("weights_fn called once before the epochs (text: every epoch: weights = weights_fn(model))",
         _EX6_WEIGHTS_ONCE),
        ("torch.optim.AdamW out of habit: weight decay 0.01 (text: torch.optim.Adam(model.parameters(), lr=lr))",
         _EX6_ADAMW),
    ],
}

CORRECT = {
    "ex1_vae_loss": ROUND11.CORRECT["ex1_vae_loss"][:1] + [
        ("einsum of the flattened error / CHW, KL with torch.expm1(logvar) for sigma^2 - 1",
         _EX1_DISTRIBUTIONS),
    ],
    "ex2_reparameterise": ROUND11.CORRECT["ex2_reparameterise"][:1] + [
        ("eps.mul_(exp(logvar / 2)).add_(mu): in place on the fresh noise only", _EX2_INPLACE_EPS),
    ],
    "ex3_dbvae": ROUND11.CORRECT["ex3_dbvae"][:1] + [
        ("out.select(1, 0) and out.narrow(1, ...), the decoder called inline", _EX3_NARROW),
    ],
    "ex4_debias_loss": ROUND11.CORRECT["ex4_debias_loss"][:1] + [
        ("vae_loss on the faces only (boolean index), (bce.sum() + vae.sum()) / B", _EX4_INDEXED),
    ],
    "ex5_resampling": ROUND11.CORRECT["ex5_resampling"][:1] + [
        ("bins in mu's dtype, float64 shares (index_add_ counts, torch.where clamp, stack + max), cast back",
         _EX5_FLOAT64_INSIDE),
    ],
    "ex6_train": ROUND11.CORRECT["ex6_train"][:1] + [
        ("while loop over epochs, batches by index k, running total / count", _EX6_WHILE),
    ],
}
