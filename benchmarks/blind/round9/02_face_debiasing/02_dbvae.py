"""Blind round 9: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/02_dbvae.py nor in
benchmarks/blind/round1/ ... round7/ (lab 02 has no round 8). CORRECT[...][0] is round 7's reference
(round 3's, reused by name, so the proofs stay comparable); CORRECT[...][1] is this round's own, in
another style. The proofs are benchmarks/blind/round9/prove_02_dbvae.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND7 = earlier_round(7, __file__)

# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND7._EX1_OK
_EX1_BMM = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    d = (x - x_recon).flatten(start_dim=1)                              # (B, CHW)
    squared = torch.bmm(d.unsqueeze(1), d.unsqueeze(2)).view(len(d))    # per-image dot product with itself
    reconstruction = squared / d.shape[1]
    kl = torch.sum(torch.exp(logvar) - logvar - 1.0 + mu.square(), dim=-1) / 2
    return reconstruction + kl.mul(kl_weight)
'''
# the -1 outside the sum over the latent dimensions: subtracted once per image, not once per dimension
_EX1_MINUS_ONE_OUTSIDE = replace_once(_EX1_OK, "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)",
                                      "kl = 0.5 * ((logvar.exp() + mu ** 2 - logvar).sum(dim=1) - 1)")
# the config's kl_weight (5e-4) instead of the argument
_EX1_CFG_WEIGHT = replace_once(_EX1_OK, "return reconstruction + kl_weight * kl",
                               "return reconstruction + cfg.kl_weight * kl")
# mu ** 2 written in place, mu.square_(): the caller's mu comes back squared
_EX1_SQUARE_INPLACE = replace_once(_EX1_OK, "mu ** 2", "mu.square_()")
# log σ² recomputed from σ² with a 'stabiliser': log(exp(logvar) + 1e-8), which is -18.4 and not logvar
# once logvar < -20
_EX1_LOG_EPS = replace_once(_EX1_OK, "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)",
                            "var = logvar.exp()\n"
                            "    kl = 0.5 * (var + mu ** 2 - 1 - torch.log(var + 1e-8)).sum(dim=1)   # stable log")

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND7._EX2_OK
_EX2_OLD_EXAMPLE = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    std = logvar.mul(0.5).exp_()               # the old PyTorch VAE example: in place on a fresh tensor
    eps = std.new(std.size()).normal_()
    return eps.mul(std).add_(mu)
'''
# float64 noise 'for precision': the sample comes back float64 (and draws other numbers)
_EX2_DOUBLE_NOISE = replace_once(_EX2_OK, "eps = torch.randn_like(mu)",
                                 "eps = torch.randn(mu.shape, dtype=torch.float64)   # double precision noise")
# logvar read as a base-10 logarithm: sigma = 10 ** (logvar / 2)
_EX2_LOG10 = replace_once(_EX2_OK, "torch.exp(0.5 * logvar)", "10 ** (0.5 * logvar)")
# the sample handed back as a fresh leaf "so that gradients flow from here": nothing reaches mu or logvar
_EX2_FRESH_LEAF = replace_once(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps",
                               "z = mu + torch.exp(0.5 * logvar) * eps\n"
                               "    return z.detach().requires_grad_(True)")
# both conventions at once: the square root of exp(0.5·logvar), i.e. sigma = exp(logvar / 4)
_EX2_SQRT_STD = replace_once(_EX2_OK, "torch.exp(0.5 * logvar)", "torch.sqrt(torch.exp(0.5 * logvar))")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND7._EX3_OK
_EX3_HSPLIT = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(n_outputs=2 * latent_dim + 1, n_filters=n_filters)
        self.decoder = make_decoder(latent_dim=latent_dim, n_filters=n_filters)

    def forward(self, x: torch.Tensor):
        head, mu, logvar = torch.hsplit(self.encoder(x), (1, 1 + self.latent_dim))
        reconstruction = self.decoder(sample_latent(mu, logvar))
        return head.reshape(-1), mu, logvar, reconstruction
'''
# "three outputs" split with chunk(3, dim=1): pieces of ceil((2L+1)/3) columns, not 1, L, L
_EX3_CHUNK3 = replace_once(_EX3_OK, "logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]",
                           "logit, mu, logvar = out.chunk(3, dim=1)")
# make_decoder's arguments swapped: a decoder for n_filters latent values with latent_dim filters
_EX3_DECODER_ARGS = replace_once(_EX3_OK, "make_decoder(latent_dim, n_filters)", "make_decoder(n_filters, latent_dim)")
# the parts stored as self.enc and self.dec: there is no model.encoder for latent_means and report_for
_EX3_NAMES = replace_once(replace_once(replace_once(replace_once(
    _EX3_OK, "self.encoder = make_encoder", "self.enc = make_encoder"), "self.decoder = make_decoder", "self.dec = make_decoder"),
    "out = self.encoder(x)", "out = self.enc(x)"), "x_recon = self.decoder(z)", "x_recon = self.dec(z)")
# torch.manual_seed(0) in forward "for reproducible reconstructions": every call draws the same eps
_EX3_SEEDED = replace_once(_EX3_OK, "        z = sample_latent(mu, logvar)\n",
                           "        torch.manual_seed(0)   # reproducible reconstructions\n"
                           "        z = sample_latent(mu, logvar)\n")

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND7._EX4_OK
_EX4_COLUMNS = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    per_image = torch.stack([F.binary_cross_entropy_with_logits(logit, y, reduction="none"),
                             y * vae_loss(x, x_recon, mu, logvar, kl_weight)], dim=1)   # (B, 2)
    return per_image.sum(dim=1).mean()
'''
# BCE by hand with the second log-sigmoid's sign slipped: log(1 - σ(z)) written as logsigmoid(z)
_EX4_LOGSIG_SIGN = replace_once(_EX4_OK, 'bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")',
                                "bce = -(y * F.logsigmoid(logit) + (1 - y) * F.logsigmoid(logit))")
# the VAE term as the reconstruction error only: the KL (and kl_weight) left out
_EX4_NO_KL = replace_once(_EX4_OK, "vae = vae_loss(x, x_recon, mu, logvar, kl_weight)",
                          "vae = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))   # the faces' reconstruction")
# a two-class cross-entropy on [-logit, logit]: softmax of ±z is sigmoid(2z), the logit counted twice
_EX4_TWO_CLASS = replace_once(_EX4_OK, 'bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")',
                              'bce = F.cross_entropy(torch.stack([-logit, logit], dim=1), y.long(), reduction="none")')
# the label on the wrong term: y multiplies the BCE, the VAE loss counts for every image
_EX4_LABEL_ON_BCE = replace_once(_EX4_OK, "return (bce + y * vae).mean()", "return (y * bce + vae).mean()")

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND7._EX5_OK
_EX5_PAIRWISE = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n = len(mu)
    best = torch.zeros(n, dtype=mu.dtype, device=mu.device)
    for v in mu.unbind(dim=1):
        lo, hi = v.min(), v.max()
        which = torch.floor((v - lo) / (hi - lo) * bins).long().clamp_max(bins - 1)
        same_bin = (which.unsqueeze(0) == which.unsqueeze(1)).sum(dim=1).to(mu.dtype)   # faces in my bin
        density = (same_bin / n + smoothing) / (1 + bins * smoothing)   # smoothed shares sum to 1 + bins·α
        inverse = density.reciprocal()
        best = torch.maximum(best, inverse / inverse.sum())
    return best / best.sum()
'''
# the running maximum started from torch.ones(N) (a product's neutral element): every p_i is 1, uniform
_EX5_ONES_START = replace_once(replace_once(_EX5_OK, "    p = None\n", "    p = torch.ones(n)\n"),
                               "p = p_j if p is None else torch.maximum(p, p_j)", "p = torch.maximum(p, p_j)")
# column 0 skipped as if it were the logit (as in the encoder's output): the first latent dimension ignored
_EX5_SKIP_FIRST = replace_once(_EX5_OK, "for j in range(dims):", "for j in range(1, dims):   # column 0 is the logit")
# the per-dimension p_j stacked and combined with torch.max(..., dim=0) without .values: a (values, indices) pair
_EX5_MAX_PAIR = replace_once(replace_once(replace_once(
    _EX5_OK, "    p = None\n", "    ps = []\n"),
    "        p = p_j if p is None else torch.maximum(p, p_j)\n", "        ps.append(p_j)\n"),
    "    return p / p.sum()", "    p = torch.max(torch.stack(ps), dim=0)\n    return p / p.sum()")
# shares out of all N·L entries of mu (mu.numel()) instead of the N faces: the smoothing weighs L times more
_EX5_NUMEL = replace_once(_EX5_OK, "density = torch.bincount(index, minlength=bins).to(mu.dtype) / n",
                          "density = torch.bincount(index, minlength=bins).to(mu.dtype) / mu.numel()")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND7._EX6_OK
_EX6_GEN_SLICES = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    where = next(iter(model.parameters())).device
    n_batches = math.ceil(len(x) / batch_size)
    adam = torch.optim.Adam(model.parameters(), lr=lr)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(adam, T_max=epochs * n_batches)
    g = torch.Generator().manual_seed(seed)
    means = []
    for _ in progress(range(epochs)):
        w = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        order = torch.multinomial(w, num_samples=len(x), replacement=True, generator=g)
        model.train()
        batch_losses = []
        for chunk in (order[k * batch_size:(k + 1) * batch_size] for k in range(n_batches)):
            xb, yb = x[chunk].to(where), y[chunk].to(where)
            loss = loss_fn(model, xb, yb)
            model.zero_grad(set_to_none=True)
            loss.backward()
            adam.step()
            cosine.step()
            batch_losses.append(loss.item())
        means.append(float(np.mean(batch_losses)))
    return means
'''
# next() on the parameters' iterator for the device, then that iterator handed to Adam: the first
# parameter is never optimised
_EX6_ITER_CONSUMED = replace_once(
    _EX6_OK, "    dev = next(model.parameters()).device\n", "    params = model.parameters()\n    dev = next(params).device\n")
_EX6_ITER_CONSUMED = replace_once(_EX6_ITER_CONSUMED, "torch.optim.Adam(model.parameters(), lr=lr)",
                                  "torch.optim.Adam(params, lr=lr)")
# zero_grad once per epoch, before the batch loop: gradients accumulate over the epoch's batches
_EX6_ZERO_PER_EPOCH = replace_once(replace_once(
    _EX6_OK, "            optimizer.zero_grad()\n", ""),
    "        model.train()\n", "        model.train()\n        optimizer.zero_grad()\n")
# the epoch loss as the sum of the batch means divided by len(x), not by the number of batches
_EX6_OVER_LEN = replace_once(_EX6_OK, "history.append(sum(losses) / len(losses))",
                             "history.append(sum(losses) / len(x))")
# epochs counted from 1 with range(1, epochs): one epoch fewer
_EX6_ONE_SHORT = replace_once(_EX6_OK, 'for epoch in progress(range(epochs), desc="epochs"):',
                              'for epoch in progress(range(1, epochs), desc="epochs"):   # epochs from 1')

MUTANTS = {
    "ex1_vae_loss": [
        ("KL with the -1 outside the sum over dimensions: 0.5·(sum(σ² + mu² - logvar) - 1)", _EX1_MINUS_ONE_OUTSIDE),
        ("the global cfg.kl_weight (5e-4) instead of the kl_weight argument", _EX1_CFG_WEIGHT),
        ("mu.square_() for mu²: the caller's mu is squared in place", _EX1_SQUARE_INPLACE),
        ("log σ² as log(exp(logvar) + 1e-8): wrong once logvar < -18", _EX1_LOG_EPS),
    ],
    "ex2_reparameterise": [
        ("eps = torch.randn(mu.shape, dtype=float64) 'for precision': a float64 sample, other draws",
         _EX2_DOUBLE_NOISE),
        ("logvar read as log10: sigma = 10 ** (0.5·logvar)", _EX2_LOG10),
        ("z.detach().requires_grad_(True) returned as a fresh leaf: no gradient to mu or logvar", _EX2_FRESH_LEAF),
        ("sigma = sqrt(exp(0.5·logvar)): both conventions applied, exp(logvar / 4)", _EX2_SQRT_STD),
    ],
    "ex3_dbvae": [
        ("out.chunk(3, dim=1) for (logit, mu, logvar): pieces of ceil((2L+1)/3) columns", _EX3_CHUNK3),
        ("make_decoder(n_filters, latent_dim): the two arguments swapped", _EX3_DECODER_ARGS),
        ("encoder and decoder stored as self.enc / self.dec: no model.encoder", _EX3_NAMES),
        ("torch.manual_seed(0) in forward 'for reproducible reconstructions': the same eps every call",
         _EX3_SEEDED),
    ],
    "ex4_debias_loss": [
        ("BCE by hand, -(y·logsigmoid(z) + (1 - y)·logsigmoid(z)): the second sign slipped", _EX4_LOGSIG_SIGN),
        ("the VAE term as the reconstruction error only: KL and kl_weight left out", _EX4_NO_KL),
        ("F.cross_entropy on stack([-logit, logit]): sigmoid(2·logit), the logit counted twice", _EX4_TWO_CLASS),
        ("(y·bce + vae).mean(): the label on the classification term, the VAE term on every image",
         _EX4_LABEL_ON_BCE),
    ],
    "ex5_resampling": [
        ("running maximum started from torch.ones(N): max(1, p_ij) = 1, uniform", _EX5_ONES_START),
        ("range(1, L): column 0 skipped as if it were the logit", _EX5_SKIP_FIRST),
        ("torch.max(stack, dim=0) without .values: a (values, indices) pair, then p / p.sum() raises",
         _EX5_MAX_PAIR),
        ("shares as counts / mu.numel() (N·L), not counts / N: the smoothing weighs L times more", _EX5_NUMEL),
    ],
    "ex6_train": [
        ("params = model.parameters(); next(params) for the device, then Adam(params): the first parameter is"
         " never optimised", _EX6_ITER_CONSUMED),
        ("optimizer.zero_grad() once per epoch, before the batches: gradients accumulate over the epoch",
         _EX6_ZERO_PER_EPOCH),
        ("epoch loss = sum of the batch means / len(x), not / the number of batches", _EX6_OVER_LEN),
        ("for epoch in range(1, epochs): one epoch fewer", _EX6_ONE_SHORT),
    ],
}

CORRECT = {
    "ex1_vae_loss": [
        ("round 3: per-image mean of squares, KL with exp(logvar)", _EX1_OK),
        ("bmm of the flattened difference with itself / CHW, KL as sum(...) / 2, kl.mul(kl_weight)", _EX1_BMM),
    ],
    "ex2_reparameterise": [
        ("round 3: mu + exp(0.5 logvar) * randn_like(mu)", _EX2_OK),
        ("the old PyTorch VAE example: logvar.mul(0.5).exp_(), std.new(size).normal_(), eps.mul(std).add_(mu)",
         _EX2_OLD_EXAMPLE),
    ],
    "ex3_dbvae": [
        ("round 3: column slices of the encoder output", _EX3_OK),
        ("keyword factories, torch.hsplit at (1, 1 + L), head.reshape(-1)", _EX3_HSPLIT),
    ],
    "ex4_debias_loss": [
        ("round 3: (bce + y * vae).mean()", _EX4_OK),
        ("the two per-image terms stacked as columns, row sums, then the mean", _EX4_COLUMNS),
    ],
    "ex5_resampling": [
        ("round 3: a loop over dimensions with bincount", _EX5_OK),
        ("per dimension, each face's bin count by pairwise comparison (no histogram), running maximum from zeros",
         _EX5_PAIRWISE),
    ],
    "ex6_train": [
        ("round 3: for loop over batch starts", _EX6_OK),
        ("a generator of batch slices over n_batches, model.zero_grad(set_to_none=True), float(np.mean)",
         _EX6_GEN_SLICES),
    ],
}
