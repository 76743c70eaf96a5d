"""Blind round 16: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round15/ (lab 02 has no
round 8). CORRECT[...][0] is round 15's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round16/prove_02_dbvae.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND15 = earlier_round(15, __file__)

# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND15.CORRECT["ex1_vae_loss"][0][1]
_EX1_EINSUM = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    diff = (x - x_recon).reshape(len(x), -1)               # reshape copies a channels-last batch
    reconstruction = torch.einsum("bp,bp->b", diff, diff) / diff.shape[1]
    kl = 0.5 * (torch.einsum("bl,bl->b", mu, mu) + logvar.exp().sum(-1) - logvar.sum(-1) - mu.shape[1])
    return reconstruction + kl_weight * kl
'''
_KL = "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)"
_REC = "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))"
# one MSE per image in a list comprehension, gathered with torch.tensor: a new leaf, the graph cut
_EX1_TENSOR_LIST = replace_once(
    _EX1_OK, _REC,
    "reconstruction = torch.tensor([F.mse_loss(xr, xi) for xi, xr in zip(x, x_recon)], dtype=x.dtype)")
# .mean(dim=(0, 1, 2)): counted from 0 as if the batch axis were not there, a (W,) term
_EX1_DIMS_012 = replace_once(_EX1_OK, _REC, "reconstruction = ((x - x_recon) ** 2).mean(dim=(0, 1, 2))")
# 'free bits' out of a VAE tutorial: each dimension's KL floored at 0.1
_EX1_FREE_BITS = replace_once(_EX1_OK, _KL,
                              "kl = (0.5 * (logvar.exp() + mu ** 2 - 1 - logvar)).clamp(min=0.1).sum(dim=1)  # free bits")
# the sum over j pulled out of the square: (sum_j mu_j)^2 for sum_j mu_j^2
_EX1_SQUARE_OF_SUM = replace_once(
    _EX1_OK, _KL,
    "L = mu.shape[1]\n"
    "    kl = 0.5 * (logvar.exp().sum(dim=1) + mu.sum(dim=1) ** 2 - L - logvar.sum(dim=1))")

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND15.CORRECT["ex2_reparameterise"][0][1]
_EX2_EMPTY_NORMAL = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    eps = torch.empty_like(mu).normal_()          # the same draw as torch.randn_like(mu)
    return torch.addcmul(mu, (logvar / 2).exp(), eps)
'''
_EPS = "eps = torch.randn_like(mu)"
_RET = "return mu + torch.exp(0.5 * logvar) * eps"
# eps created with requires_grad=True 'the trick needs gradients': a sample of plain tensors requires grad
_EX2_EPS_GRAD = replace_once(_EX2_OK, _EPS, "eps = torch.randn_like(mu, requires_grad=True)")
# the whole sample computed in torch.no_grad() 'sampling is random, it has no gradient'
_EX2_NO_GRAD = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    with torch.no_grad():           # random: nothing to differentiate
        eps = torch.randn_like(mu)
        z = mu + torch.exp(0.5 * logvar) * eps
    return z
'''
# eps from nn.init.trunc_normal_ (the weight-init habit): cut at +-2, another stream
_EX2_TRUNC = replace_once(_EX2_OK, _EPS, "eps = nn.init.trunc_normal_(torch.empty_like(mu))")
# eps drawn row by row with torch.randn(L): another stream than randn_like(mu), and float32 whatever mu's dtype
_EX2_PER_ROW = replace_once(_EX2_OK, _EPS, "eps = torch.stack([torch.randn(mu.shape[1]) for _ in range(len(mu))])")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND15.CORRECT["ex3_dbvae"][0][1]
_EX3_NARROW = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        out = self.encoder(x)
        L = self.latent_dim
        logit = out.select(1, 0)                   # (B,), also for B = 1
        mu, logvar = out.narrow(1, 1, L), out.narrow(1, L + 1, L)
        return logit, mu, logvar, self.decoder(sample_latent(mu, logvar))
'''
_SLICE = "logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]"
# mu and logvar swapped in the returned tuple only (sampled right)
_EX3_RETURN_ORDER = replace_once(_EX3_OK, "return logit, mu, logvar, x_recon", "return logit, logvar, mu, x_recon")
# the reparameterisation written inline (the right formula) instead of calling sample_latent
_EX3_INLINE = replace_once(_EX3_OK, "z = sample_latent(mu, logvar)",
                           "z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)   # the trick, inline")
# latent_dim stored as a registered buffer 'so it is saved with the model': a tensor, an extra state_dict entry
_EX3_BUFFER = replace_once(_EX3_OK, "self.latent_dim = latent_dim",
                           "self.register_buffer(\"latent_dim\", torch.tensor(latent_dim))   # saved with the model")
# the decoder built in forward: new random weights at every call, never registered nor trained
_EX3_DECODER_IN_FORWARD = replace_once(replace_once(
    _EX3_OK, "        self.decoder = make_decoder(latent_dim, n_filters)\n", "        self.n_filters = n_filters\n"),
    "x_recon = self.decoder(z)", "x_recon = make_decoder(L, self.n_filters).to(z.device)(z)")

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND15.CORRECT["ex4_debias_loss"][0][1]
_EX4_LOGSIGMOID = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    bce = -(y * F.logsigmoid(logit) + (1 - y) * F.logsigmoid(-logit))   # stable BCE with logits
    vae = torch.where(y == 1, vae_loss(x, x_recon, mu, logvar, kl_weight), torch.zeros_like(bce))
    return torch.sum(bce + vae) / y.numel()
'''
_EX4_BCE = 'bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")'
_EX4_VAE = "vae = vae_loss(x, x_recon, mu, logvar, kl_weight)"
_EX4_RET = "return (bce + y * vae).mean()"
# beta moved out: kl_weight * vae_loss(..., 1.0), the reconstruction scaled by beta too
_EX4_BETA_OUTSIDE = replace_once(_EX4_OK, _EX4_VAE, "vae = kl_weight * vae_loss(x, x_recon, mu, logvar, 1.0)")
# x_recon.clamp_(1e-6, 1 - 1e-6) 'pixels strictly inside (0, 1)': the caller's tensor changed in place
_EX4_CLAMP_ = replace_once(_EX4_OK, _EX4_VAE, "x_recon.clamp_(1e-6, 1 - 1e-6)          # pixels strictly inside (0, 1)\n"
                                              "    vae = vae_loss(x, x_recon, mu, logvar, kl_weight)")
# focal loss (gamma 2) 'for the rare faces': the BCE scaled by (1 - p_t)^2
_EX4_FOCAL = replace_once(_EX4_OK, _EX4_BCE,
                          _EX4_BCE + "\n    p_t = torch.exp(-bce)                    # focal loss for the imbalance\n"
                          "    bce = (1 - p_t) ** 2 * bce")
# the label forgotten on the VAE term: every image trains the VAE
_EX4_NO_MASK = replace_once(_EX4_OK, _EX4_RET, "return (bce + vae).mean()")

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND15.CORRECT["ex5_resampling"][0][1]
_EX5_SCATTER = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n, dims = mu.shape
    lo, hi = mu.min(dim=0).values, mu.max(dim=0).values
    index = torch.floor((mu - lo) / (hi - lo) * bins).long().clamp(max=bins - 1)          # (N, L)
    counts = torch.zeros(dims, bins, dtype=mu.dtype).scatter_add_(1, index.T.contiguous(),
                                                                  torch.ones(dims, n, dtype=mu.dtype))
    density = counts / n + smoothing
    density = density / density.sum(dim=1, keepdim=True)
    inv = 1.0 / torch.gather(density, 1, index.T.contiguous())                             # (L, N)
    p = (inv / inv.sum(dim=1, keepdim=True)).amax(dim=0)
    return p / p.sum()
'''
# the name `bins` reused for the bin indices: from the second dimension on, bins is a tensor
_EX5_SHADOW = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n, dims = mu.shape
    p = None
    for j in range(dims):
        v = mu[:, j]
        lo, hi = v.min(), v.max()
        nb = bins
        bins = ((v - lo) / (hi - lo) * nb).floor().long().clamp(max=nb - 1)   # each face's bin
        density = torch.bincount(bins, minlength=nb).to(mu.dtype) / n
        density = density + smoothing
        density = density / density.sum()
        p_j = 1.0 / density[bins]
        p_j = p_j / p_j.sum()
        p = p_j if p is None else torch.maximum(p, p_j)
    return p / p.sum()
'''
# rarity as surprisal, -log d, for 1 / d
_EX5_SURPRISAL = replace_once(_EX5_OK, "p_j = 1.0 / density[index]", "p_j = -torch.log(density[index])   # rarity")
# the bin position computed in float32 'a histogram needs no more': a float64 value on an edge rounds down
_EX5_FLOAT32_INDEX = replace_once(
    _EX5_OK, "index = ((v - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)",
    "index = ((v - lo).float() / (hi - lo).float() * bins).floor().long().clamp(max=bins - 1)")
# the last normalisation with F.normalize: unit L2 norm, not sum 1
_EX5_L2 = replace_once(_EX5_OK, "    return p / p.sum()", "    return F.normalize(p, dim=0)")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND15.CORRECT["ex6_train"][0][1]
_EX6_WHILE = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    where = next(model.parameters()).device
    n = len(x)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * math.ceil(n / batch_size))
    gen = torch.Generator().manual_seed(seed)
    history = []
    epoch = 0
    while epoch < epochs:
        weights = torch.ones(n) if weights_fn is None else weights_fn(model)
        idx = torch.multinomial(weights, n, replacement=True, generator=gen)
        model.train()
        batch_losses = []
        start = 0
        while start < n:
            b = idx[start:start + batch_size]
            loss = loss_fn(model, x[b].to(where), y[b].to(where))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            batch_losses.append(float(loss.item()))
            start += batch_size
        history.append(float(np.mean(batch_losses)))
        epoch += 1
    return history
'''
_W = "weights = weights_fn(model) if weights_fn is not None else torch.ones(len(x))"
# the weights normalised in place 'into probabilities': the tensor weights_fn handed over is changed
_EX6_WEIGHTS_INPLACE = replace_once(_EX6_OK, _W, _W + "\n        weights /= weights.sum()                  # probabilities")
# uniform weights as torch.ones_like(y): integer labels give integer weights and multinomial raises
_EX6_ONES_LIKE = replace_once(_EX6_OK, _W, "weights = weights_fn(model) if weights_fn is not None else torch.ones_like(y)")
# the caller's mode restored at the end, as the intro asks of other functions
_EX6_RESTORE_MODE = replace_once(replace_once(
    _EX6_OK, "    history = []\n", "    was_training = model.training\n    history = []\n"),
    "    return history", "    model.train(was_training)               # hand the model back in its mode\n    return history")
# range(epochs + 1): one epoch too many (the cosine restarts over the extra one)
_EX6_EXTRA_EPOCH = replace_once(_EX6_OK, "for epoch in progress(range(epochs), desc=\"epochs\"):",
                                "for epoch in progress(range(epochs + 1), desc=\"epochs\"):")

MUTANTS = {
    "ex1_vae_loss": [
        ("per-image F.mse_loss in a list gathered with torch.tensor([...]): a new leaf, the reconstruction term"
         " sends no gradient to the decoder (the formula's reconstruction is part of the loss that trains the VAE)",
         _EX1_TENSOR_LIST),
        ("reconstruction .mean(dim=(0, 1, 2)): axes counted as if the batch axis were not there, a (W,) term"
         " averaged over the batch (text: one loss per image, shape (B,); 1/(CHW) per image)", _EX1_DIMS_012),
        ("'free bits': each dimension's KL floored at 0.1 before the sum, out of a VAE tutorial (the formula:"
         " 1/2 sum_j (sigma_j^2 + mu_j^2 - 1 - log sigma_j^2))", _EX1_FREE_BITS),
        ("(sum_j mu_j)^2 for sum_j mu_j^2: the sum pulled out of the square (the formula: sum over j of mu_j^2)",
         _EX1_SQUARE_OF_SUM),
    ],
    "ex2_reparameterise": [
        ("eps = torch.randn_like(mu, requires_grad=True) 'the trick needs gradients': a sample of plain tensors"
         " requires grad (text: eps = torch.randn_like(mu); a differentiable function of mu and logvar only)",
         _EX2_EPS_GRAD),
        ("the noise and the sum under torch.no_grad() 'a random draw has no gradient': the sample is cut from mu"
         " and logvar (text: the sample must be a differentiable function of mu and logvar)", _EX2_NO_GRAD),
        ("eps from nn.init.trunc_normal_(torch.empty_like(mu)), the weight-init habit: tails beyond +-2 cut and"
         " another stream (text: eps = torch.randn_like(mu); N(mu, e^logvar) exactly)", _EX2_TRUNC),
        ("eps drawn row by row, torch.stack([torch.randn(L) ...]): another stream than randn_like(mu), float32"
         " whatever mu's dtype (text: eps = torch.randn_like(mu))", _EX2_PER_ROW),
    ],
    "ex3_dbvae": [
        ("returns (logit, logvar, mu, x_recon): mu and logvar swapped in the tuple only (text: forward(x) returns"
         " (logit (B,), mu (B, L), logvar (B, L), x_recon))", _EX3_RETURN_ORDER),
        ("the reparameterisation written inline, mu + exp(logvar/2) * randn_like(mu), instead of calling"
         " sample_latent (text: a latent sample z = sample_latent(mu, logvar); they are what sample_latent gets)",
         _EX3_INLINE),
        ("latent_dim stored as a registered buffer 'so it is saved with the model': model.latent_dim is a tensor"
         " and the state_dict has an extra entry (text: in __init__ store latent_dim, create self.encoder ... and"
         " self.decoder)", _EX3_BUFFER),
        ("the decoder built inside forward, make_decoder(L, n_filters)(z): fresh random weights at every call,"
         " never registered or trained (text: in __init__ ... then self.decoder = make_decoder(latent_dim,"
         " n_filters))", _EX3_DECODER_IN_FORWARD),
    ],
    "ex4_debias_loss": [
        ("beta moved out of vae_loss: kl_weight * vae_loss(..., 1.0), the reconstruction scaled by beta too (the"
         " formula: BCE + y_i L_VAE(x_i), L_VAE = reconstruction + beta KL)", _EX4_BETA_OUTSIDE),
        ("x_recon.clamp_(1e-6, 1 - 1e-6) 'pixels strictly inside (0, 1)': the caller's reconstruction changed"
         " in place, and backward through the decoder's Sigmoid raises (intro: no in-place change of the"
         " caller's tensors)", _EX4_CLAMP_),
        ("focal loss (1 - p_t)^2 * BCE 'for the rare faces' (text: BCE(logit_i, y_i) with"
         " F.binary_cross_entropy_with_logits(..., reduction='none'))", _EX4_FOCAL),
        ("(bce + vae).mean(): the label forgotten on the VAE term, non-faces train the VAE too (text: only faces"
         " train the VAE; the formula's y_i L_VAE(x_i))", _EX4_NO_MASK),
    ],
    "ex5_resampling": [
        ("the name `bins` reused for the faces' bin indices: from the second dimension on it is a tensor and"
         " bincount raises (text: `bins` equal bins for each dimension j)", _EX5_SHADOW),
        ("rarity as surprisal, p_ij proportional to -log d_b(i) (text step 3: p_ij proportional to 1 / d_b(i))",
         _EX5_SURPRISAL),
        ("the bin position computed in float32 'a histogram needs no more': a float64 value on an edge (0.9 of [0,"
         " 3]) rounds into the lower bin (text: float64 for a float64 mu; a value exactly on the edge belongs"
         " to the upper one)", _EX5_FLOAT32_INDEX),
        ("last normalisation F.normalize(p, dim=0): unit L2 norm, not sum 1 (text step 4: normalise once more;"
         " summing to 1)", _EX5_L2),
    ],
    "ex6_train": [
        ("weights /= weights.sum() 'into probabilities': the tensor weights_fn returned is changed in place"
         " (intro: does not modify the caller's tensors; text: multinomial(weights, ...))", _EX6_WEIGHTS_INPLACE),
        ("uniform weights as torch.ones_like(y): integer labels give integer weights and multinomial raises (text:"
         " or torch.ones(len(x)))", _EX6_ONES_LIKE),
        ("the caller's train/eval mode restored at the end, model.train(was_training) (intro: a function whose"
         " exercise says it trains puts the model in training mode)", _EX6_RESTORE_MODE),
        ("range(epochs + 1): one epoch too many, the cosine past its T_max (text: every epoch ... of `epochs`;"
         " T_max=epochs * n_batches; a list with the mean batch loss of each epoch)", _EX6_EXTRA_EPOCH),
    ],
}

CORRECT = {
    "ex1_vae_loss": ROUND15.CORRECT["ex1_vae_loss"][:1] + [
        ("reshape (copies channels-last) and einsum for the squared norms, the -1 summed as - L", _EX1_EINSUM),
    ],
    "ex2_reparameterise": ROUND15.CORRECT["ex2_reparameterise"][:1] + [
        ("torch.empty_like(mu).normal_() (the same draw as randn_like) and torch.addcmul", _EX2_EMPTY_NORMAL),
    ],
    "ex3_dbvae": ROUND15.CORRECT["ex3_dbvae"][:1] + [
        ("out.select(1, 0) for the logit, out.narrow for mu and logvar", _EX3_NARROW),
    ],
    "ex4_debias_loss": ROUND15.CORRECT["ex4_debias_loss"][:1] + [
        ("BCE from F.logsigmoid, the VAE term masked with torch.where, sum / y.numel()", _EX4_LOGSIGMOID),
    ],
    "ex5_resampling": ROUND15.CORRECT["ex5_resampling"][:1] + [
        ("vectorised with scatter_add_ counts and gather, (L, N) layout", _EX5_SCATTER),
    ],
    "ex6_train": ROUND15.CORRECT["ex6_train"][:1] + [
        ("while loops over epochs and batch starts, float(np.mean(...)) per epoch", _EX6_WHILE),
    ],
}
