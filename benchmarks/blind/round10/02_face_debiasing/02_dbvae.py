"""Blind round 10: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/02_dbvae.py nor in
benchmarks/blind/round1/ ... round9/ (lab 02 has no round 8). CORRECT[...][0] is round 9's reference
(round 3's, reused by name, so the proofs stay comparable); CORRECT[...][1] is this round's own, in
another style. The proofs are benchmarks/blind/round10/prove_02_dbvae.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND9 = earlier_round(9, __file__)

# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND9._EX1_OK
_EX1_HALVES = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    per_pixel = torch.square(x - x_recon).reshape(x.shape[0], -1)       # (B, CHW)
    reconstruction = torch.mean(per_pixel, dim=1)
    kl_terms = 0.5 * torch.exp(logvar) + 0.5 * mu * mu - 0.5 - 0.5 * logvar   # the 1/2 on every term
    return reconstruction + kl_weight * torch.sum(kl_terms, dim=-1)
'''
# torch.distributions' kl_divergence with its arguments swapped: KL(prior || posterior), not KL(q || prior)
_EX1_KL_SWAPPED = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    from torch.distributions import Normal, kl_divergence
    reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))
    posterior = Normal(mu, torch.exp(0.5 * logvar))
    prior = Normal(torch.zeros_like(mu), torch.ones_like(mu))
    kl = kl_divergence(prior, posterior).sum(dim=1)
    return reconstruction + kl_weight * kl
'''
# the squared error computed in place on x to save memory: the caller's x comes back as (x - x_recon)²
_EX1_X_INPLACE = replace_once(_EX1_OK, "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))",
                              "reconstruction = x.sub_(x_recon).pow_(2).mean(dim=(1, 2, 3))   # no temporaries")
# the KL summed with keepdim=True: (B, 1) + (B,) broadcasts to a (B, B) matrix
_EX1_KL_KEEPDIM = replace_once(_EX1_OK, "- 1 - logvar).sum(dim=1)", "- 1 - logvar).sum(dim=1, keepdim=True)")
# mu ** 2 typed as mu * 2: the KL's mean term linear (and signed) in mu
_EX1_MU_TIMES_2 = replace_once(_EX1_OK, "mu ** 2", "mu * 2")

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND9._EX2_OK
_EX2_ADD = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    eps = torch.randn_like(mu)
    return torch.add(mu, eps * logvar.div(2).exp())
'''
# sigma forgotten: z = mu + eps, a unit variance whatever logvar (and no gradient to logvar)
_EX2_NO_SIGMA = replace_once(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps", "return mu + eps")
# logvar // 2 (floor division) for logvar / 2: sigma = exp(floor(logvar / 2)), and autograd has no
# derivative for floor_divide (backward raises)
_EX2_FLOOR_DIV = replace_once(_EX2_OK, "torch.exp(0.5 * logvar)", "torch.exp(logvar // 2)")
# z.float() 'for the decoder': a float64 mu gives a float32 sample (intro: no tensor moved to another dtype)
_EX2_FLOAT = replace_once(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps",
                          "z = mu + torch.exp(0.5 * logvar) * eps\n    return z.float()   # the decoder works in float32")
# a parenthesis misplaced: mu + exp(0.5·logvar·eps) instead of mu + exp(0.5·logvar)·eps
_EX2_PAREN = replace_once(_EX2_OK, "torch.exp(0.5 * logvar) * eps", "torch.exp(0.5 * logvar * eps)")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND9._EX3_OK
_EX3_MASKS = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        out = self.encoder(x)
        col = torch.arange(out.shape[1], device=out.device)
        logit = out[:, col == 0].reshape(-1)
        mu = out[:, (col >= 1) & (col <= self.latent_dim)]
        logvar = out[:, col > self.latent_dim]
        return logit, mu, logvar, self.decoder(sample_latent(mu, logvar))
'''
# the encoder's last layer zero-initialised 'so that the posterior starts at the prior': not the given
# make_encoder's initialisation (every logit, mu and logvar starts at 0)
_EX3_ZERO_INIT = replace_once(_EX3_OK, "        self.decoder = make_decoder(latent_dim, n_filters)\n",
                              "        self.decoder = make_decoder(latent_dim, n_filters)\n"
                              "        nn.init.zeros_(self.encoder[-1].weight)   # the posterior starts at the prior\n"
                              "        nn.init.zeros_(self.encoder[-1].bias)\n")
# logvar's slice copied from mu's line and not edited: logvar is mu's columns
_EX3_COPY_PASTE = replace_once(_EX3_OK, "out[:, 0], out[:, 1:L + 1], out[:, L + 1:]",
                               "out[:, 0], out[:, 1:L + 1], out[:, 1:L + 1]")
# the variable mu reused for the sample: the returned 'mu' is z, not the encoder's columns
_EX3_MU_IS_Z = replace_once(replace_once(_EX3_OK, "        z = sample_latent(mu, logvar)\n",
                                         "        mu = sample_latent(mu, logvar)\n"),
                            "x_recon = self.decoder(z)", "x_recon = self.decoder(mu)")
# x_recon flattened to (B, 3·S·S) 'for the loss': not shaped like x
_EX3_FLAT_RECON = replace_once(_EX3_OK, "return logit, mu, logvar, x_recon", "return logit, mu, logvar, x_recon.flatten(1)")

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND9._EX4_OK
_EX4_MASKED_SELECT = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    classification = F.binary_cross_entropy_with_logits(logit, y, reduction="none").sum()
    faces_vae = vae_loss(x, x_recon, mu, logvar, kl_weight).masked_select(y == 1).sum()
    return (classification + faces_vae) / y.numel()
'''
# BCE by hand with 1e-8 inside the logs 'for stability': capped at -log(1e-8) = 18.4 for confident mistakes
_EX4_LOG_EPS = replace_once(_EX4_OK, 'bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")',
                            "p = torch.sigmoid(logit)\n"
                            "    bce = -(y * torch.log(p + 1e-8) + (1 - y) * torch.log(1 - p + 1e-8))   # stable logs")
# label smoothing 0.1 in the classification term (targets 0.05 / 0.95)
_EX4_SMOOTHED = replace_once(_EX4_OK, 'F.binary_cross_entropy_with_logits(logit, y, reduction="none")',
                             'F.binary_cross_entropy_with_logits(logit, y * 0.9 + 0.05, reduction="none")   # smoothing')
# the VAE loss detached: its value counts, but no gradient reaches the encoder or decoder through it
_EX4_VAE_DETACHED = replace_once(_EX4_OK, "vae = vae_loss(x, x_recon, mu, logvar, kl_weight)",
                                 "vae = vae_loss(x, x_recon, mu, logvar, kl_weight).detach()")
# the VAE term weighted by sigmoid(logit), how face-like the model finds the image, not by the label y
_EX4_SOFT_MASK = replace_once(_EX4_OK, "return (bce + y * vae).mean()", "return (bce + torch.sigmoid(logit) * vae).mean()")

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND9._EX5_OK
_EX5_OFFSETS = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n, dims = mu.shape
    lo, hi = mu.min(dim=0).values, mu.max(dim=0).values
    which = torch.floor((mu - lo) / (hi - lo) * bins).long().clamp(max=bins - 1)         # (N, L)
    flat = which + bins * torch.arange(dims, device=mu.device)                          # one id per (dim, bin)
    counts = torch.bincount(flat.reshape(-1), minlength=dims * bins).reshape(dims, bins).to(mu.dtype)
    density = counts / n + smoothing
    density = density / density.sum(dim=1, keepdim=True)
    inverse = 1.0 / torch.gather(density, 1, which.T)                                   # (L, N)
    per_dim = inverse / inverse.sum(dim=1, keepdim=True)
    best = per_dim.max(dim=0).values
    return best / best.sum()
'''
# sampling weights p·N (as face_weights builds them) returned instead of probabilities that sum to 1
_EX5_TIMES_N = replace_once(_EX5_OK, "    return p / p.sum()", "    return p / p.sum() * n   # one weight per face")
# the last normalisation done with a softmax over the faces instead of p / p.sum()
_EX5_SOFTMAX = replace_once(_EX5_OK, "    return p / p.sum()", "    return torch.softmax(p, dim=0)   # normalise once more")
# smoothing only for empty bins (density[density == 0] = alpha), not added to every bin
_EX5_EMPTY_ONLY = replace_once(_EX5_OK, "        density = density + smoothing\n",
                               "        density[density == 0] = smoothing   # smoothing keeps empty bins finite\n")
# range(dims - 1): the last latent dimension is never looked at
_EX5_LAST_DIM = replace_once(_EX5_OK, "for j in range(dims):", "for j in range(dims - 1):")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND9._EX6_OK
_EX6_ISLICE = '''
import itertools


def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    device_ = next(model.parameters()).device
    n_batches = math.ceil(len(x) / batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator().manual_seed(seed)
    per_epoch = []
    for _ in progress(range(epochs)):
        weights = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        draws = iter(idx.tolist())
        total, count = 0.0, 0
        while chunk := list(itertools.islice(draws, batch_size)):
            b = torch.tensor(chunk)
            loss = loss_fn(model, x[b].to(device_), y[b].to(device_))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total, count = total + loss.item(), count + 1
        per_epoch.append(total / count)
    return per_epoch
'''
# x, y = x[idx], y[idx] every epoch, then batches by position: from the second epoch the draws (whose
# weights are about the original x) index the already resampled set
_EX6_COMPOSED = replace_once(replace_once(
    _EX6_OK, "        model.train()\n", "        x, y = x[idx], y[idx]   # this epoch's resampled data set\n        model.train()\n"),
    "            b = idx[start:start + batch_size]\n            xb, yb = x[b].to(dev), y[b].to(dev)\n",
    "            xb, yb = x[start:start + batch_size].to(dev), y[start:start + batch_size].to(dev)\n")
# model.eval() after training 'ready for evaluation' (intro: a function that trains puts the model in
# training mode)
_EX6_EVAL_AT_END = replace_once(_EX6_OK, "    return history\n", "    model.eval()   # ready for evaluation\n    return history\n")
# torch.manual_seed(seed) besides gen 'for reproducible runs': torch's global RNG, which loss_fn's
# augmentation and sample_latent draw from, is reseeded (intro: without reseeding it)
_EX6_GLOBAL_SEED = replace_once(_EX6_OK, "    gen = torch.Generator().manual_seed(seed)\n",
                                "    gen = torch.Generator().manual_seed(seed)\n"
                                "    torch.manual_seed(seed)   # reproducible runs\n")
# batch losses as loss.detach().cpu().numpy(): the epoch means are numpy float32, not Python floats
_EX6_NUMPY = replace_once(_EX6_OK, "losses.append(loss.item())", "losses.append(loss.detach().cpu().numpy())")

MUTANTS = {
    "ex1_vae_loss": [
        ("kl_divergence(prior, posterior): torch.distributions' arguments swapped, KL(N(0, I) || q)", _EX1_KL_SWAPPED),
        ("x.sub_(x_recon).pow_(2): the squared error computed in the caller's x (intro: no in-place changes)",
         _EX1_X_INPLACE),
        ("KL .sum(dim=1, keepdim=True): (B, 1) + (B,) broadcasts to (B, B)", _EX1_KL_KEEPDIM),
        ("mu * 2 typed for mu ** 2 in the KL", _EX1_MU_TIMES_2),
    ],
    "ex2_reparameterise": [
        ("sigma forgotten: z = mu + eps (unit variance, no gradient to logvar)", _EX2_NO_SIGMA),
        ("exp(logvar // 2): floor division for logvar / 2 (a floored sigma; backward through floor_divide raises)",
         _EX2_FLOOR_DIV),
        ("z.float() 'for the decoder': a float64 mu gives a float32 sample (intro: no tensor to another dtype)",
         _EX2_FLOAT),
        ("parenthesis misplaced: mu + exp(0.5·logvar·eps)", _EX2_PAREN),
    ],
    "ex3_dbvae": [
        ("the encoder's last Linear zero-initialised 'so the posterior starts at the prior'", _EX3_ZERO_INIT),
        ("logvar = out[:, 1:L + 1], copied from mu's slice: logvar is mu", _EX3_COPY_PASTE),
        ("mu = sample_latent(mu, logvar): the variable reused, the returned mu is the sample z", _EX3_MU_IS_Z),
        ("x_recon.flatten(1) returned: (B, 3·S·S), not shaped like x", _EX3_FLAT_RECON),
    ],
    "ex4_debias_loss": [
        ("BCE by hand with log(p + 1e-8) and log(1 - p + 1e-8): capped near 18.4 for confident mistakes",
         _EX4_LOG_EPS),
        ("label smoothing 0.1 in the BCE (targets 0.05 / 0.95)", _EX4_SMOOTHED),
        ("vae_loss(...).detach(): the VAE term's value counts but sends no gradient", _EX4_VAE_DETACHED),
        ("VAE term weighted by sigmoid(logit) (how face-like), not by the label y", _EX4_SOFT_MASK),
    ],
    "ex5_resampling": [
        ("returns p·N, sampling weights as face_weights builds them, not probabilities summing to 1", _EX5_TIMES_N),
        ("the last normalisation as torch.softmax(p) instead of p / p.sum()", _EX5_SOFTMAX),
        ("smoothing only for empty bins (density[density == 0] = alpha), not added to every bin", _EX5_EMPTY_ONLY),
        ("range(L - 1): the last latent dimension skipped", _EX5_LAST_DIM),
    ],
    "ex6_train": [
        ("x, y = x[idx], y[idx] every epoch, batches by position: from the second epoch the draws index the"
         " already resampled set", _EX6_COMPOSED),
        ("model.eval() after the last epoch: the trained model comes back in eval mode (intro: a function that"
         " trains puts the model in training mode)", _EX6_EVAL_AT_END),
        ("torch.manual_seed(seed) besides gen: torch's global RNG reseeded (intro: 'without reseeding it')",
         _EX6_GLOBAL_SEED),
        ("batch losses as loss.detach().cpu().numpy(): the epoch means are numpy float32, not Python floats",
         _EX6_NUMPY),
    ],
}

CORRECT = {
    "ex1_vae_loss": [
        ("round 3: per-image mean of squares, KL with exp(logvar)", _EX1_OK),
        ("torch.square reshaped to (B, CHW) and averaged, the KL's 1/2 written on every term", _EX1_HALVES),
    ],
    "ex2_reparameterise": [
        ("round 3: mu + exp(0.5 logvar) * randn_like(mu)", _EX2_OK),
        ("torch.add(mu, eps * logvar.div(2).exp())", _EX2_ADD),
    ],
    "ex3_dbvae": [
        ("round 3: column slices of the encoder output", _EX3_OK),
        ("boolean column masks from arange (== 0, 1..L, > L), reshape(-1), the decoder called inline", _EX3_MASKS),
    ],
    "ex4_debias_loss": [
        ("round 3: (bce + y * vae).mean()", _EX4_OK),
        ("BCE sum plus the faces' VAE losses by masked_select, over y.numel()", _EX4_MASKED_SELECT),
    ],
    "ex5_resampling": [
        ("round 3: a loop over dimensions with bincount", _EX5_OK),
        ("vectorised: one bincount over bin ids offset by dimension, gather, max over dimensions", _EX5_OFFSETS),
    ],
    "ex6_train": [
        ("round 3: for loop over batch starts", _EX6_OK),
        ("itertools.islice chunks of idx.tolist() in a walrus while loop, a running total and count", _EX6_ISLICE),
    ],
}
