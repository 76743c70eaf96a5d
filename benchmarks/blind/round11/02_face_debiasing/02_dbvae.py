"""Blind round 11: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round10/ (lab 02 has no
round 8). CORRECT[...][0] is round 10's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round11/prove_02_dbvae.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND10 = earlier_round(10, __file__)

# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND10.CORRECT["ex1_vae_loss"][0][1]
_EX1_MSE_NONE = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    reconstruction = F.mse_loss(x_recon, x, reduction="none").flatten(1).mean(dim=1)
    kl = 0.5 * torch.sum(logvar.exp() - logvar + mu.square() - 1.0, dim=-1)
    return torch.add(reconstruction, kl, alpha=kl_weight)
'''
# the KL averaged over the latent dimensions (.mean) instead of summed (the formula: sum over j = 1..L)
_EX1_KL_MEAN = replace_once(_EX1_OK, "- 1 - logvar).sum(dim=1)", "- 1 - logvar).mean(dim=1)")
# F.mse_loss with its default reduction: the batch's mean reconstruction error given to every image
_EX1_MSE_DEFAULT = replace_once(_EX1_OK, "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))",
                                "reconstruction = F.mse_loss(x_recon, x)")
# kl_weight on the reconstruction instead of the KL (the formula: reconstruction + beta * KL)
_EX1_WEIGHT_SWAPPED = replace_once(_EX1_OK, "return reconstruction + kl_weight * kl",
                                   "return kl_weight * reconstruction + kl")
# logvar clamped to [-10, 10] in the KL 'for stability' (ex. 2: logvar can be any real number)
_EX1_CLAMP_KL = replace_once(_EX1_OK, "    kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)\n",
                             "    logvar = logvar.clamp(-10.0, 10.0)   # keep exp() finite\n"
                             "    kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)\n")

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND10.CORRECT["ex2_reparameterise"][0][1]
_EX2_ADDCMUL = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    eps = torch.randn_like(mu)
    sigma = (logvar * 0.5).exp()
    return torch.addcmul(mu, sigma, eps)
'''
# torch.normal(mu, sigma): the right distribution, but torch.normal passes no gradient to mu or sigma
_EX2_TORCH_NORMAL = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    return torch.normal(mu, torch.exp(0.5 * logvar))
'''
# torch.distributions.Normal(...).sample(): sample, not rsample, so the sample is cut from mu and logvar
_EX2_SAMPLE = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    return torch.distributions.Normal(mu, torch.exp(0.5 * logvar)).sample()
'''
# torch.rand_like for torch.randn_like: uniform noise in [0, 1), not N(0, I)
_EX2_RAND = replace_once(_EX2_OK, "eps = torch.randn_like(mu)", "eps = torch.rand_like(mu)")
# sigma computed in place, logvar.mul_(0.5).exp_(): the caller's logvar overwritten (the text: neither
# argument may be changed)
_EX2_INPLACE = replace_once(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps",
                            "sigma = logvar.mul_(0.5).exp_()   # no temporaries\n    return mu + sigma * eps")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND10.CORRECT["ex3_dbvae"][0][1]
_EX3_SPLIT = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        head, mu, logvar = torch.split(self.encoder(x), [1, self.latent_dim, self.latent_dim], dim=1)
        return head.squeeze(1), mu, logvar, self.decoder(sample_latent(mu, logvar))
'''
# the decoder created before the encoder: another initialisation (the text: create self.encoder and then
# self.decoder)
_EX3_DECODER_FIRST = replace_once(
    _EX3_OK,
    "        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)\n"
    "        self.decoder = make_decoder(latent_dim, n_filters)\n",
    "        self.decoder = make_decoder(latent_dim, n_filters)\n"
    "        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)\n")
# n_filters not passed to make_decoder: the decoder always has make_decoder's default 12 filters
_EX3_DECODER_DEFAULT = replace_once(_EX3_OK, "self.decoder = make_decoder(latent_dim, n_filters)",
                                    "self.decoder = make_decoder(latent_dim)")
# sample_latent(logvar, mu): the arguments swapped
_EX3_ARGS_SWAPPED = replace_once(_EX3_OK, "z = sample_latent(mu, logvar)", "z = sample_latent(logvar, mu)")
# latent_dim kept as a local only, L recovered from the encoder's width: no model.latent_dim (the text:
# in __init__ store latent_dim; latent_means reads model.latent_dim)
_EX3_NOT_STORED = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        out = self.encoder(x)
        L = (out.shape[1] - 1) // 2
        logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]
        z = sample_latent(mu, logvar)
        x_recon = self.decoder(z)
        return logit, mu, logvar, x_recon
'''

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND10.CORRECT["ex4_debias_loss"][0][1]
_EX4_WHERE = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    classification = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    per_image = torch.where(y == 1, classification + vae_loss(x, x_recon, mu, logvar, kl_weight), classification)
    return per_image.sum() / len(y)
'''
# the VAE term averaged over the faces (sum / y.sum()), the BCE over the batch (the formula: both / B)
_EX4_FACE_MEAN = replace_once(_EX4_OK, "return (bce + y * vae).mean()",
                              "return bce.mean() + (y * vae).sum() / y.sum().clamp(min=1)")
# (1 - y) * vae: the mask inverted, non-faces train the VAE (the text: only faces train the VAE)
_EX4_INVERTED = replace_once(_EX4_OK, "return (bce + y * vae).mean()", "return (bce + (1 - y) * vae).mean()")
# vae_loss(x, x_recon, logvar, mu, ...): mu and logvar swapped in the call
_EX4_MU_LOGVAR = replace_once(_EX4_OK, "vae = vae_loss(x, x_recon, mu, logvar, kl_weight)",
                              "vae = vae_loss(x, x_recon, logvar, mu, kl_weight)")
# F.binary_cross_entropy on sigmoid(logit): the probability's log is clamped at -100, and sigmoid
# rounds to 1 in float32 for logits above ~17 (the text: binary_cross_entropy_with_logits)
_EX4_PROB_BCE = replace_once(_EX4_OK, 'bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")',
                             'bce = F.binary_cross_entropy(torch.sigmoid(logit), y, reduction="none")')

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND10.CORRECT["ex5_resampling"][0][1]
_EX5_ONE_HOT = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n = mu.shape[0]
    lo = mu.amin(dim=0, keepdim=True)
    hi = mu.amax(dim=0, keepdim=True)
    bin_of = ((mu - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)      # (N, L)
    share = F.one_hot(bin_of, bins).sum(dim=0).to(mu.dtype) / n                      # (L, bins)
    share = share + smoothing
    share = share / share.sum(dim=1, keepdim=True)
    weight = 1.0 / torch.gather(share.T, 0, bin_of)                                  # (N, L)
    weight = weight / weight.sum(dim=0, keepdim=True)
    p = weight.amax(dim=1)
    return p / p.sum()
'''
# one min and max over all of mu, not per dimension (the text: [min_i mu_ij, max_i mu_ij] for each j)
_EX5_GLOBAL_RANGE = replace_once(replace_once(
    _EX5_OK, "    p = None\n", "    lo, hi = mu.min(), mu.max()\n    p = None\n"),
    "        lo, hi = v.min(), v.max()\n", "")
# dimensions combined by the mean (sum, then normalised), not the maximum
_EX5_MEAN = replace_once(_EX5_OK, "p = p_j if p is None else torch.maximum(p, p_j)",
                         "p = p_j if p is None else p + p_j")
# smoothing added to the raw counts (pseudo-counts), not to the shares (the text: d_b = share + alpha)
_EX5_PSEUDO_COUNTS = replace_once(_EX5_OK, "density = torch.bincount(index, minlength=bins).to(mu.dtype) / n",
                                  "density = torch.bincount(index, minlength=bins).to(mu.dtype)")
# v -= lo on the column view: mu's columns shifted in place (the text: mu itself stays as it was)
_EX5_VIEW_INPLACE = replace_once(_EX5_OK, "        index = ((v - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)\n",
                                 "        v -= lo\n"
                                 "        index = (v / (hi - lo) * bins).floor().long().clamp(max=bins - 1)\n")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND10.CORRECT["ex6_train"][0][1]
_EX6_SPLIT = '''
import statistics


def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    where = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    n_batches = math.ceil(len(x) / batch_size)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator().manual_seed(seed)
    out = []
    for _ in progress(range(epochs)):
        weights = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        batch_losses = []
        for b in idx.split(batch_size):
            loss = loss_fn(model, x[b].to(where), y[b].to(where))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            batch_losses.append(loss.item())
        out.append(statistics.fmean(batch_losses))
    return out
'''
# zero_grad after the step instead of before backward: the first backward adds to whatever the
# caller's .grad held (the text: per batch, zero the gradients, backward, step)
_EX6_ZERO_AFTER = replace_once(
    _EX6_OK,
    "            optimizer.zero_grad()\n            loss.backward()\n            optimizer.step()\n            scheduler.step()\n",
    "            loss.backward()\n            optimizer.step()\n            scheduler.step()\n"
    "            optimizer.zero_grad()   # clean for the next batch\n")
# CosineAnnealingLR(..., eta_min=1e-5) out of habit: not the cosine down to 0 the text builds
_EX6_ETA_MIN = replace_once(_EX6_OK, "T_max=epochs * n_batches)", "T_max=epochs * n_batches, eta_min=1e-5)")
# the weights turned into probabilities with a softmax: zero weights get drawn, and the odds are
# exp(w), not w (the text: torch.multinomial(weights, ...))
_EX6_SOFTMAX = replace_once(_EX6_OK, "idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)",
                            "idx = torch.multinomial(torch.softmax(weights, dim=0), len(x), replacement=True,"
                            " generator=gen)")
# an extra scheduler.step() at the end of every epoch (the per-epoch habit kept on top of the per-batch
# steps): epochs more steps than the text's one per optimizer.step()
_EX6_EXTRA_STEP = replace_once(_EX6_OK, "        history.append(sum(losses) / len(losses))\n",
                               "        scheduler.step()   # and once per epoch\n"
                               "        history.append(sum(losses) / len(losses))\n")

MUTANTS = {
    "ex1_vae_loss": [
        ("KL .mean(dim=1) over the latent dimensions, not the formula's sum over j", _EX1_KL_MEAN),
        ("F.mse_loss(x_recon, x) with its default reduction: the batch's mean reconstruction for every image",
         _EX1_MSE_DEFAULT),
        ("kl_weight * reconstruction + KL: beta on the wrong term", _EX1_WEIGHT_SWAPPED),
        ("logvar clamped to [-10, 10] in the KL 'for stability' (text: logvar can be any real number)",
         _EX1_CLAMP_KL),
    ],
    "ex2_reparameterise": [
        ("torch.normal(mu, sigma): the right distribution, no gradient to mu or logvar", _EX2_TORCH_NORMAL),
        ("Normal(mu, sigma).sample(), not rsample(): the sample cut from mu and logvar", _EX2_SAMPLE),
        ("torch.rand_like for randn_like: uniform noise in [0, 1)", _EX2_RAND),
        ("sigma = logvar.mul_(0.5).exp_(): the caller's logvar overwritten (text: neither argument may be"
         " changed)", _EX2_INPLACE),
    ],
    "ex3_dbvae": [
        ("decoder created before the encoder: another initialisation (text: self.encoder 'and then'"
         " self.decoder)", _EX3_DECODER_FIRST),
        ("make_decoder(latent_dim): n_filters not passed, the decoder keeps 12 filters", _EX3_DECODER_DEFAULT),
        ("sample_latent(logvar, mu): arguments swapped", _EX3_ARGS_SWAPPED),
        ("latent_dim not stored, L recovered from the encoder's width: no model.latent_dim (text: 'in __init__"
         " store latent_dim')", _EX3_NOT_STORED),
    ],
    "ex4_debias_loss": [
        ("bce.mean() + (y * vae).sum() / y.sum(): the VAE term averaged over the faces, not over B",
         _EX4_FACE_MEAN),
        ("(1 - y) * vae: the mask inverted, non-faces train the VAE", _EX4_INVERTED),
        ("vae_loss(x, x_recon, logvar, mu, ...): mu and logvar swapped in the call", _EX4_MU_LOGVAR),
        ("F.binary_cross_entropy(sigmoid(logit), y): log clamped at -100, sigmoid rounds to 1 for large logits",
         _EX4_PROB_BCE),
    ],
    "ex5_resampling": [
        ("one min and max over all of mu, not per dimension", _EX5_GLOBAL_RANGE),
        ("dimensions combined by the mean (sum, normalised), not the maximum", _EX5_MEAN),
        ("smoothing added to the raw bin counts (pseudo-counts), not to the shares", _EX5_PSEUDO_COUNTS),
        ("v -= lo on the column view: mu shifted in place (text: 'mu itself stays as it was')", _EX5_VIEW_INPLACE),
    ],
    "ex6_train": [
        ("zero_grad after step: the first backward adds to the caller's stale .grad (text: zero the gradients,"
         " backward, step)", _EX6_ZERO_AFTER),
        ("CosineAnnealingLR(..., eta_min=1e-5) out of habit", _EX6_ETA_MIN),
        ("multinomial on softmax(weights): zero weights drawn, odds exp(w) (text: multinomial(weights, ...))",
         _EX6_SOFTMAX),
        ("an extra scheduler.step() at each epoch's end: more steps than one per optimizer.step()",
         _EX6_EXTRA_STEP),
    ],
}

CORRECT = {
    "ex1_vae_loss": ROUND10.CORRECT["ex1_vae_loss"][:1] + [
        ("F.mse_loss(reduction='none') flattened and averaged, torch.sum of the KL terms, torch.add(alpha=kl_weight)",
         _EX1_MSE_NONE),
    ],
    "ex2_reparameterise": ROUND10.CORRECT["ex2_reparameterise"][:1] + [
        ("torch.addcmul(mu, (logvar * 0.5).exp(), eps)", _EX2_ADDCMUL),
    ],
    "ex3_dbvae": ROUND10.CORRECT["ex3_dbvae"][:1] + [
        ("torch.split(out, [1, L, L], dim=1), head.squeeze(1), the decoder called inline", _EX3_SPLIT),
    ],
    "ex4_debias_loss": ROUND10.CORRECT["ex4_debias_loss"][:1] + [
        ("torch.where(y == 1, bce + vae, bce), summed over len(y)", _EX4_WHERE),
    ],
    "ex5_resampling": ROUND10.CORRECT["ex5_resampling"][:1] + [
        ("vectorised: amin/amax per column, F.one_hot counts, gather on the transposed shares, amax", _EX5_ONE_HOT),
    ],
    "ex6_train": ROUND10.CORRECT["ex6_train"][:1] + [
        ("idx.split(batch_size), statistics.fmean", _EX6_SPLIT),
    ],
}
