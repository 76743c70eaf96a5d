"""Blind round 15: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round14/ (lab 02 has no
round 8). CORRECT[...][0] is round 14's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round15/prove_02_dbvae.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND14 = earlier_round(14, __file__)

# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND14.CORRECT["ex1_vae_loss"][0][1]
_EX1_MSE_NONE = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    reconstruction = F.mse_loss(x_recon, x, reduction="none").flatten(1).mean(dim=1)
    variance = torch.exp(logvar)
    kl = torch.sum(variance + mu.square() - logvar - 1.0, dim=-1) / 2
    return torch.addcmul(reconstruction, torch.full_like(kl, kl_weight), kl)
'''
_KL = "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)"
_REC = "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))"
# the squared error summed over the pixels and divided by x.shape[0], the batch size, not C*H*W
_EX1_BY_B = replace_once(_EX1_OK, _REC, "reconstruction = ((x - x_recon) ** 2).sum(dim=(1, 2, 3)) / x.shape[0]")
# torch.linalg.norm(..., ord=2, dim=(2, 3)): ord=2 on a matrix is the spectral norm, not the Frobenius one
_EX1_SPECTRAL = replace_once(
    _EX1_OK, _REC,
    "C, H, W = x.shape[1:]\n"
    "    reconstruction = (torch.linalg.norm(x - x_recon, ord=2, dim=(2, 3)) ** 2).sum(dim=1) / (C * H * W)")
# the -1 of every dimension summed as - L with L = len(mu): the batch size, not the latent size
_EX1_LEN_MU = replace_once(_EX1_OK, _KL,
                           "L = len(mu)                                  # number of latent dimensions\n"
                           "    kl = 0.5 * ((logvar.exp() + mu ** 2 - logvar).sum(dim=1) - L)")
# .mean(dim=(1, 2)): the last axis (W) forgotten, a (B, W) reconstruction that (B,) broadcasts against
_EX1_DIMS_12 = replace_once(_EX1_OK, _REC, "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2))")
# sigma^2 written exp(logvar) ** 0.5 ** 2: ** is right-associative, exp(logvar) ** 0.25
_EX1_POW_PRECEDENCE = replace_once(_EX1_OK, _KL,
                                   "kl = 0.5 * (logvar.exp() ** 0.5 ** 2 + mu ** 2 - 1 - logvar).sum(dim=1)")

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND14.CORRECT["ex2_reparameterise"][0][1]
_EX2_CLASSIC = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    std = logvar.mul(0.5).exp()          # a new tensor: logvar itself untouched
    eps = torch.randn_like(mu)
    return eps.mul(std).add_(mu)         # in place on the fresh product only
'''
_EPS = "eps = torch.randn_like(mu)"
_RET = "return mu + torch.exp(0.5 * logvar) * eps"
# eps drawn in torch.inference_mode() 'it needs no gradient': an inference tensor autograd cannot save
_EX2_INFERENCE = replace_once(_EX2_OK, _EPS, "with torch.inference_mode():           # the noise needs no gradient\n"
                                             "        eps = torch.randn_like(mu)")
# the whole function under @torch.enable_grad() 'so the grader can check the gradients': tracked inside no_grad
_EX2_ENABLE_GRAD = replace_once(_EX2_OK, "def sample_latent(", "@torch.enable_grad()\ndef sample_latent(")
# z.requires_grad_() 'so gradients can flow': a sample of plain tensors, or one drawn in no_grad, is a leaf that wants grad
_EX2_REQUIRES_GRAD = replace_once(_EX2_OK, _RET, "z = mu + torch.exp(0.5 * logvar) * eps\n"
                                                 "    return z.requires_grad_(True)")
# torch.nan_to_num(z) 'to keep the decoder safe': an infinite sigma (large logvar) replaced by float's max
_EX2_NAN_TO_NUM = replace_once(_EX2_OK, _RET, "return torch.nan_to_num(mu + torch.exp(0.5 * logvar) * eps)")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND14.CORRECT["ex3_dbvae"][0][1]
_EX3_SPLIT = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        L = self.latent_dim
        head, mu, logvar = torch.split(self.encoder(x), [1, L, L], dim=1)
        logit = head.reshape(-1)                  # (B,), also for B = 1
        z = sample_latent(mu, logvar)
        return logit, mu, logvar, self.decoder(z)
'''
_SLICE = "logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]"
# make_decoder(latent_dim) without n_filters: the decoder keeps 12 filters whatever n_filters is
_EX3_DECODER_FILTERS = replace_once(_EX3_OK, "self.decoder = make_decoder(latent_dim, n_filters)",
                                    "self.decoder = make_decoder(latent_dim)")
# mu passed through tanh 'a bounded mean': not the encoder's columns as they are
_EX3_TANH_MU = replace_once(_EX3_OK, _SLICE,
                            "logit, mu, logvar = out[:, 0], torch.tanh(out[:, 1:L + 1]), out[:, L + 1:]")
# the images normalised to [-1, 1] before the encoder, as image CNNs often are
_EX3_NORMALISED = replace_once(_EX3_OK, "        out = self.encoder(x)\n",
                               "        out = self.encoder((x - 0.5) / 0.5)       # inputs in [-1, 1]\n")
# dropout on z out of habit: in training mode latent coordinates are zeroed and the rest scaled
_EX3_DROPOUT_Z = replace_once(replace_once(
    _EX3_OK, "        self.decoder = make_decoder(latent_dim, n_filters)\n",
    "        self.decoder = make_decoder(latent_dim, n_filters)\n"
    "        self.dropout = nn.Dropout(0.2)\n"),
    "z = sample_latent(mu, logvar)", "z = self.dropout(sample_latent(mu, logvar))")

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND14.CORRECT["ex4_debias_loss"][0][1]
_EX4_INDEXED = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    faces = y == 1
    vae = vae_loss(x[faces], x_recon[faces], mu[faces], logvar[faces], kl_weight)   # (F,), maybe empty
    return (bce.sum() + vae.sum()) / len(y)
'''
_EX4_BCE = 'bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")'
_EX4_RET = "return (bce + y * vae).mean()"
# pos_weight = non-faces / faces 'for the class imbalance': the faces' BCE reweighted (0 in an all-face batch)
_EX4_POS_WEIGHT = replace_once(_EX4_OK, _EX4_BCE,
                               "pos_weight = (1 - y).sum() / y.sum().clamp(min=1)   # balance the classes\n"
                               "    bce = F.binary_cross_entropy_with_logits(logit, y, reduction=\"none\","
                               " pos_weight=pos_weight)")
# loss.backward() inside the loss 'so train only has to step': .grad filled, and the caller's backward raises
_EX4_BACKWARD = replace_once(_EX4_OK, _EX4_RET, "loss = (bce + y * vae).mean()\n"
                                                "    if loss.requires_grad:\n"
                                                "        loss.backward()\n"
                                                "    return loss")
# non-faces' reconstructions overwritten with their images 'so their error is 0': the caller's x_recon changed, KL kept
_EX4_OVERWRITE = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    with torch.no_grad():
        x_recon[y == 0] = x[y == 0]          # non-faces: nothing to reconstruct
    vae = vae_loss(x, x_recon, mu, logvar, kl_weight)
    return (bce + vae).mean()
'''
# the sum divided by len(y) - 1 'the unbiased mean': 1/(B - 1) where the formula has 1/B
_EX4_B_MINUS_1 = replace_once(_EX4_OK, _EX4_RET, "return (bce + y * vae).sum() / (len(y) - 1)   # unbiased mean")

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND14.CORRECT["ex5_resampling"][0][1]
_EX5_ONE_HOT = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n = mu.shape[0]
    lo = mu.min(dim=0, keepdim=True).values
    hi = mu.max(dim=0, keepdim=True).values
    index = torch.floor((mu - lo) / (hi - lo) * bins).long().clamp(max=bins - 1)    # (N, L)
    onehot = F.one_hot(index, bins).to(mu.dtype)                                  # (N, L, bins)
    density = onehot.sum(dim=0) / n + smoothing                                   # (L, bins)
    density = density / density.sum(dim=1, keepdim=True)
    p = 1.0 / (onehot * density).sum(dim=2)                                       # (N, L): 1 / d_b(i)
    p = p / p.sum(dim=0, keepdim=True)
    p = p.amax(dim=1)
    return p / p.sum()
'''
_VEC = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n, dims = mu.shape
    lo, hi = mu.amin(dim=0), mu.amax(dim=0)
    index = ((mu - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)       # (N, L)
    counts = torch.stack([torch.bincount(index[:, j], minlength=bins) for j in range(dims)])   # (L, bins)
    density = counts.to(mu.dtype) / n + smoothing
    density = density / density.sum(dim=1, keepdim=True)
    p = 1.0 / density.gather(1, index.T).T                                          # (N, L)
    p = p / p.sum(dim=0)
    return (p.max(dim=1).values) / p.max(dim=1).values.sum()
'''
# step 2's renormalisation over the wrong axis of the (L, bins) table: each bin normalised over the dimensions
_EX5_AXIS = replace_once(_VEC, "density = density / density.sum(dim=1, keepdim=True)",
                         "density = density / density.sum(dim=0, keepdim=True)")
# torch.take(density, index): the flat (L, bins) table read without offsets, every dimension gets dimension 0's bins
_EX5_TAKE = replace_once(_VEC, "p = 1.0 / density.gather(1, index.T).T", "p = 1.0 / torch.take(density, index)")
# torch.linspace(lo, hi, bins) used as the edges: bins - 1 bins, not bins
_EX5_LINSPACE = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n, dims = mu.shape
    p = None
    for j in range(dims):
        v = mu[:, j]
        edges = torch.linspace(float(v.min()), float(v.max()), bins, dtype=mu.dtype)   # the bin edges
        index = torch.bucketize(v, edges[1:-1], right=True)                           # a value on an edge goes up
        density = torch.bincount(index, minlength=bins).to(mu.dtype) / n
        density = density + smoothing
        density = density / density.sum()
        p_j = 1.0 / density[index]
        p_j = p_j / p_j.sum()
        p = p_j if p is None else torch.maximum(p, p_j)
    return p / p.sum()
'''
# the range from the 1% and 99% quantiles 'robust to outliers', values beyond clamped (text: [min_i mu_ij, max_i mu_ij])
_EX5_QUANTILE = replace_once(replace_once(
    _EX5_OK, "lo, hi = v.min(), v.max()", "lo, hi = torch.quantile(v, 0.01), torch.quantile(v, 0.99)   # robust range"),
    ".clamp(max=bins - 1)", ".clamp(0, bins - 1)")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND14.CORRECT["ex6_train"][0][1]
_EX6_SPLIT = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    device_ = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * math.ceil(len(x) / batch_size)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    gen = torch.Generator().manual_seed(seed)
    means = []
    for _ in range(epochs):
        weights = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        total, count = 0.0, 0
        for b in idx.split(batch_size):           # the last chunk may be smaller
            xb, yb = x[b].to(device_), y[b].to(device_)
            loss = loss_fn(model, xb, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item()
            count += 1
        means.append(total / count)
    return means
'''
_TMAX = "T_max=epochs * n_batches)"
# T_max = epochs * n_batches - 1 'so the last step reaches the minimum': the cosine off by one step
_EX6_TMAX_MINUS1 = replace_once(_EX6_OK, _TMAX, "T_max=epochs * n_batches - 1)   # last step at eta_min")
# scheduler.step(epoch) as in old tutorials: the closed form at the epoch index, the lr constant within an epoch
_EX6_STEP_EPOCH = replace_once(_EX6_OK, "            scheduler.step()\n", "            scheduler.step(epoch)\n")
# x[b].float(), y[b].float() 'the model wants float32': a float64 model gets float32 batches, integer labels become floats
_EX6_FLOAT = replace_once(_EX6_OK, "xb, yb = x[b].to(dev), y[b].to(dev)", "xb, yb = x[b].float().to(dev), y[b].float().to(dev)")
# the best epoch's weights restored at the end 'keep the best model': not the trained model when a later epoch is worse
_EX6_BEST = replace_once(replace_once(replace_once(
    _EX6_OK, "    history = []\n", "    history = []\n    best, best_state = float(\"inf\"), None\n"),
    "        history.append(sum(losses) / len(losses))\n",
    "        history.append(sum(losses) / len(losses))\n"
    "        if history[-1] < best:\n"
    "            best = history[-1]\n"
    "            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}\n"),
    "    return history", "    model.load_state_dict(best_state)\n    return history")

MUTANTS = {
    "ex1_vae_loss": [
        ("squared error summed per image and divided by x.shape[0], the batch size, not C*H*W (the formula:"
         " 1/(CHW) ||x - x_hat||^2)", _EX1_BY_B),
        ("torch.linalg.norm(x - x_recon, ord=2, dim=(2, 3)) ** 2: ord=2 over two axes is the spectral norm, not"
         " the Frobenius norm (the formula: ||x - x_hat||^2, the sum of squared pixel errors)", _EX1_SPECTRAL),
        ("the -1 summed as - L with L = len(mu): the batch size, not the number of latent dimensions (the formula:"
         " sum over j = 1..L of (... - 1 ...))", _EX1_LEN_MU),
        ("reconstruction .mean(dim=(1, 2)): the W axis forgotten, a (B, W) term broadcast against the (B,) KL"
         " (text: one loss per image, shape (B,); the mean over C, H and W)", _EX1_DIMS_12),
        ("sigma^2 typed exp(logvar) ** 0.5 ** 2: ** is right-associative, exp(logvar) ** 0.25 (text: sigma^2 ="
         " e^logvar)", _EX1_POW_PRECEDENCE),
    ],
    "ex2_reparameterise": [
        ("eps drawn inside torch.inference_mode() 'the noise needs no gradient': an inference tensor, backward"
         " through the sample raises (text: the sample must be a differentiable function of mu and logvar)",
         _EX2_INFERENCE),
        ("@torch.enable_grad() on the function 'so the gradients can be checked': inside the caller's no_grad the"
         " sample is tracked (text: called inside the caller's torch.no_grad(), it returns with gradient tracking"
         " still off)", _EX2_ENABLE_GRAD),
        ("z.requires_grad_(True) before returning 'so gradients flow': a sample of plain tensors, or one drawn"
         " inside no_grad, comes back as a leaf requiring grad (text: gradient tracking still off in no_grad)",
         _EX2_REQUIRES_GRAD),
        ("torch.nan_to_num(z) 'to keep the decoder safe': an infinite sigma (a large logvar) turned into float's"
         " maximum (text: use logvar as it is, whatever its value, large or small; N(mu, e^logvar) exactly)",
         _EX2_NAN_TO_NUM),
    ],
    "ex3_dbvae": [
        ("make_decoder(latent_dim) without n_filters: the decoder keeps 12 filters whatever n_filters is (text:"
         " self.decoder = make_decoder(latent_dim, n_filters))", _EX3_DECODER_FILTERS),
        ("mu passed through tanh 'a bounded mean' (text: mu and logvar are the encoder's columns as they are, and"
         " they are what sample_latent gets)", _EX3_TANH_MU),
        ("images normalised to [-1, 1], (x - 0.5) / 0.5, before the encoder out of habit (text: the encoder's"
         " outputs for x; the logit is the detector's on the images given)", _EX3_NORMALISED),
        ("nn.Dropout(0.2) on the latent sample out of habit: in training mode coordinates of z are zeroed and the"
         " rest scaled (text: a latent sample z = sample_latent(mu, logvar) goes through the decoder)",
         _EX3_DROPOUT_Z),
    ],
    "ex4_debias_loss": [
        ("pos_weight = #non-faces / #faces in the BCE 'for the class imbalance' (text: BCE(logit_i, y_i) with"
         " F.binary_cross_entropy_with_logits(..., reduction='none'); 1/B sum_i)", _EX4_POS_WEIGHT),
        ("loss.backward() called inside the loss 'so train only has to step': the parameters' .grad filled and the"
         " caller's own backward raises (intro: does not change the gradients in .grad; the loss is returned)",
         _EX4_BACKWARD),
        ("non-faces' x_recon overwritten in place with their images 'so their error is 0', then (bce + vae) for"
         " all: the caller's x_recon changed and the non-faces' KL still counts (intro: no in-place change of"
         " the caller's tensors; only faces train the VAE)", _EX4_OVERWRITE),
        ("sum / (len(y) - 1) 'the unbiased mean': the formula's 1/B replaced by 1/(B - 1) (the formula: 1/B sum_i)",
         _EX4_B_MINUS_1),
    ],
    "ex5_resampling": [
        ("vectorised, step 2's renormalisation over the wrong axis: density / density.sum(dim=0) of the (L, bins)"
         " table normalises each bin over the dimensions (text step 2: normalise it again to sum 1, per"
         " dimension)", _EX5_AXIS),
        ("torch.take(density, index) on the (L, bins) table: flat indices without per-dimension offsets, every"
         " dimension reads dimension 0's densities (text step 3: p_ij proportional to 1 / d_b(i) of dimension j)",
         _EX5_TAKE),
        ("torch.linspace(min, max, bins) used as the bin edges: bins - 1 bins, not bins (text step 1: split [min,"
         " max] into `bins` equal bins)", _EX5_LINSPACE),
        ("range from the 1% and 99% quantiles 'robust to outliers', values beyond clamped into the end bins (text"
         " step 1: split [min_i mu_ij, max_i mu_ij])", _EX5_QUANTILE),
    ],
    "ex6_train": [
        ("T_max = epochs * n_batches - 1 'so the last step reaches the minimum': the schedule one step short"
         " (text: T_max=epochs * n_batches with n_batches = math.ceil(len(x) / batch_size))", _EX6_TMAX_MINUS1),
        ("scheduler.step(epoch) as in old tutorials: the closed form at the epoch index, the lr constant within an"
         " epoch (text: scheduler stepped after every optimizer.step(), T_max counted in batches)", _EX6_STEP_EPOCH),
        ("x[b].float(), y[b].float() 'the model wants float32': a float64 model gets float32 batches, integer labels"
         " become floats (text: xb, yb = x[b], y[b] moved to the model's device; intro: no other dtype)",
         _EX6_FLOAT),
        ("the best epoch's weights restored at the end 'keep the best model': the returned model is not the trained"
         " one when a later epoch is worse (text: a function that trains updates the model's parameters)",
         _EX6_BEST),
    ],
}

CORRECT = {
    "ex1_vae_loss": ROUND14.CORRECT["ex1_vae_loss"][:1] + [
        ("F.mse_loss(reduction='none') flattened and averaged, KL over dim -1 / 2, torch.addcmul for beta",
         _EX1_MSE_NONE),
    ],
    "ex2_reparameterise": ROUND14.CORRECT["ex2_reparameterise"][:1] + [
        ("the classic example: std = logvar.mul(0.5).exp(), eps.mul(std).add_(mu)", _EX2_CLASSIC),
    ],
    "ex3_dbvae": ROUND14.CORRECT["ex3_dbvae"][:1] + [
        ("torch.split(out, [1, L, L], dim=1), the logit reshaped to (B,)", _EX3_SPLIT),
    ],
    "ex4_debias_loss": ROUND14.CORRECT["ex4_debias_loss"][:1] + [
        ("faces indexed by y == 1 (maybe none), (bce.sum() + vae.sum()) / len(y)", _EX4_INDEXED),
    ],
    "ex5_resampling": ROUND14.CORRECT["ex5_resampling"][:1] + [
        ("vectorised with F.one_hot: (N, L, bins) one-hot counts, densities read back by the one-hot product",
         _EX5_ONE_HOT),
    ],
    "ex6_train": ROUND14.CORRECT["ex6_train"][:1] + [
        ("idx.split(batch_size), zero_grad(set_to_none=True), running total and count", _EX6_SPLIT),
    ],
}
