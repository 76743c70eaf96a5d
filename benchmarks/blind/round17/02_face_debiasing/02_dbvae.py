"""Blind round 17: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round16/ (lab 02 has no
round 8). CORRECT[...][0] is round 16's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round17/prove_02_dbvae.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND16 = earlier_round(16, __file__)

# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND16.CORRECT["ex1_vae_loss"][0][1]
_EX1_MSE_FLAT = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    reconstruction = F.mse_loss(x_recon, x, reduction="none").flatten(1).mean(dim=1)
    kl = torch.sum(torch.square(mu) + torch.exp(logvar) - logvar, dim=-1).sub(mu.shape[-1]).mul(0.5)
    return torch.add(reconstruction, kl, alpha=kl_weight)
'''
_KL = "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)"
_REC = "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))"
# expm1 'for precision' for sigma^2 - 1, and the -1 still written: the KL 1/2 L too small
_EX1_EXPM1 = replace_once(_EX1_OK, _KL, "kl = 0.5 * (torch.expm1(logvar) + mu ** 2 - 1 - logvar).sum(dim=1)   # expm1: precise e^x - 1")
# the reconstruction as the variance of the error per image: its mean subtracted, and unbiased (1/(CHW - 1))
_EX1_VAR = replace_once(_EX1_OK, _REC, "reconstruction = (x - x_recon).var(dim=(1, 2, 3))")
# the squared error computed in half precision "to save memory": the reconstruction rounded to float16
_EX1_HALF = replace_once(_EX1_OK, _REC, "reconstruction = ((x.half() - x_recon.half()) ** 2).mean(dim=(1, 2, 3))   # saves memory")
# sum_j mu_j^2 as (mu @ mu.T).sum(1): the dot products with every other image of the batch
_EX1_GRAM = replace_once(_EX1_OK, _KL,
                         "kl = 0.5 * ((logvar.exp() - 1 - logvar).sum(dim=1) + (mu @ mu.T).sum(dim=1))")

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND16.CORRECT["ex2_reparameterise"][0][1]
_EX2_MUL_ADD = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    std = logvar.mul(0.5).exp()
    return torch.randn_like(mu).mul(std).add(mu)
'''
_EPS = "eps = torch.randn_like(mu)"
_RET = "return mu + torch.exp(0.5 * logvar) * eps"
# mu - sigma * eps 'the noise is symmetric': the same law, another sample for the same eps
_EX2_MINUS = replace_once(_EX2_OK, _RET, "return mu - torch.exp(0.5 * logvar) * eps   # eps is symmetric")
# the Keras VAE example's epsilon_std = 0.1: eps ~ N(0, 0.01)
_EX2_EPS_STD = replace_once(_EX2_OK, _EPS, "epsilon_std = 0.1                       # as in the Keras VAE example\n"
                                           "    eps = torch.randn_like(mu) * epsilon_std")
# a private generator 'not to disturb the global stream', seeded with torch.seed(): the global RNG reseeded
_EX2_SEED = replace_once(_EX2_OK, _EPS,
                         "gen = torch.Generator(device=mu.device).manual_seed(torch.seed())   # own stream\n"
                         "    eps = torch.randn(mu.shape, generator=gen, dtype=mu.dtype, device=mu.device)")
# in-place ops 'to save memory': exp_ then mul_ overwrite exp's saved output, backward raises
_EX2_INPLACE = replace_once(_EX2_OK, _RET, "std = logvar.mul(0.5).exp_()            # in place: no extra tensors\n"
                                           "    return std.mul_(eps).add_(mu)")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND16.CORRECT["ex3_dbvae"][0][1]
_EX3_SPLIT = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        L = self.latent_dim
        logit, mu, logvar = torch.split(self.encoder(x), [1, L, L], dim=1)
        logit = logit.squeeze(1)                       # (B,), also for B = 1
        return logit, mu, logvar, self.decoder(sample_latent(mu, logvar))
'''
# typo: the decoder fed mu, the sample z computed and never used
_EX3_DECODE_MU = replace_once(_EX3_OK, "x_recon = self.decoder(z)", "x_recon = self.decoder(mu)")
# forward under torch.autocast 'for speed': on the CPU every output comes back bfloat16
_EX3_AUTOCAST = replace_once(
    _EX3_OK, "        out = self.encoder(x)\n        L = self.latent_dim\n"
             "        logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]\n"
             "        z = sample_latent(mu, logvar)\n        x_recon = self.decoder(z)\n",
    "        with torch.autocast(device_type=x.device.type):      # mixed precision for speed\n"
    "            out = self.encoder(x)\n            L = self.latent_dim\n"
    "            logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]\n"
    "            z = sample_latent(mu, logvar)\n            x_recon = self.decoder(z)\n")
# latent_dim stored as the encoder's width 2L + 1: model.latent_dim wrong and the slices of forward with it
_EX3_WIDTH = replace_once(_EX3_OK, "self.latent_dim = latent_dim", "self.latent_dim = 2 * latent_dim + 1   # the encoder's outputs")
# the sample skipped when autograd is off 'nothing to train': forward looks at torch.is_grad_enabled()
_EX3_GRAD_MODE = replace_once(_EX3_OK, "z = sample_latent(mu, logvar)",
                              "z = sample_latent(mu, logvar) if torch.is_grad_enabled() else mu   # inference: the mean")

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND16.CORRECT["ex4_debias_loss"][0][1]
_EX4_FACES_ONLY = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    faces = y == 1                                       # only faces train the VAE
    vae = vae_loss(x[faces], x_recon[faces], mu[faces], logvar[faces], kl_weight)
    return (bce.sum() + vae.sum()) / len(y)
'''
_EX4_BCE = 'bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")'
_EX4_VAE = "vae = vae_loss(x, x_recon, mu, logvar, kl_weight)"
_EX4_RET = "return (bce + y * vae).mean()"
# the final mean forgotten: the (B,) per-image losses returned
_EX4_NO_MEAN = replace_once(_EX4_OK, _EX4_RET, "return bce + y * vae")
# 1/B as 1 / cfg.batch_size: wrong for the last smaller batch and any other batch size
_EX4_CFG_B = replace_once(_EX4_OK, _EX4_RET, "return (bce + y * vae).sum() / cfg.batch_size")
# logit.squeeze_() and y.squeeze_() 'to be sure they are (B,)': a batch of one leaves the caller's tensors 0-d
_EX4_SQUEEZE_ = replace_once(_EX4_OK, _EX4_BCE, "logit.squeeze_(), y.squeeze_()          # make sure both are (B,)\n    " + _EX4_BCE)
# .double() 'for precision' on both terms: a float32 batch gets a float64 loss
_EX4_DOUBLE = replace_once(_EX4_OK, _EX4_RET, "return (bce.double() + y.double() * vae.double()).mean()   # precision")

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND16.CORRECT["ex5_resampling"][0][1]
_EX5_ONE_HOT = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n = mu.shape[0]
    lo, hi = mu.amin(dim=0, keepdim=True), mu.amax(dim=0, keepdim=True)
    index = torch.floor((mu - lo) / (hi - lo) * bins).long().clamp(max=bins - 1)   # (N, L)
    share = F.one_hot(index, bins).sum(dim=0).to(mu.dtype) / n                    # (L, bins)
    share = (share + smoothing) / (share + smoothing).sum(dim=1, keepdim=True)
    inv = 1.0 / torch.take_along_dim(share.T, index, dim=0)                         # (N, L)
    p = (inv / inv.sum(dim=0, keepdim=True)).max(dim=1).values
    return p / p.sum()
'''
# the smoothing literal 1e-3 typed in: the smoothing argument ignored
_EX5_LITERAL = replace_once(_EX5_OK, "density = density + smoothing", "density = density + 1e-3")
# the maximum as logsumexp 'a smooth maximum' over the dimensions
_EX5_LSE = replace_once(_EX5_OK, "p = p_j if p is None else torch.maximum(p, p_j)",
                        "p = p_j if p is None else torch.logsumexp(torch.stack([p, p_j]), dim=0)   # smooth max")
# the share as count / the largest count, not / N: the smoothing weighs otherwise
_EX5_BY_MAX = replace_once(_EX5_OK, "density = torch.bincount(index, minlength=bins).to(mu.dtype) / n",
                           "counts = torch.bincount(index, minlength=bins).to(mu.dtype)\n"
                           "        density = counts / counts.max()")
# bins numbered from the right, ceil - 1: a value on an edge goes to the lower bin
_EX5_CEIL = replace_once(_EX5_OK, "index = ((v - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)",
                         "index = (((v - lo) / (hi - lo) * bins).ceil().long() - 1).clamp(0, bins - 1)")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND16.CORRECT["ex6_train"][0][1]
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
        w = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        order = torch.multinomial(w, len(x), replacement=True, generator=gen)
        model.train()
        total, count = 0.0, 0
        for b in order.split(batch_size):
            loss = loss_fn(model, x[b].to(device_), y[b].to(device_))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item()
            count += 1
        means.append(total / count)
    return means
'''
_ZERO = "            optimizer.zero_grad()\n"
# zero_grad forgotten: the gradients add up over all the steps (and the caller's stale .grad)
_EX6_NO_ZERO = replace_once(_EX6_OK, _ZERO, "")
# for i in range(n_batches): b = idx[i:i + batch_size], the batch number used as the start: overlapping batches
_EX6_OVERLAP = replace_once(replace_once(
    _EX6_OK, "for start in range(0, len(x), batch_size):", "for i in range(n_batches):"),
    "b = idx[start:start + batch_size]", "b = idx[i:i + batch_size]")
# idx.split(n_batches): split's argument is the chunk size, not the number of chunks
_EX6_SPLIT_N = replace_once(replace_once(
    _EX6_OK, "for start in range(0, len(x), batch_size):", "for b in idx.split(n_batches):"),
    "            b = idx[start:start + batch_size]\n", "")
# early stopping out of habit: training stops at the first epoch whose mean loss is worse than the one before
_EX6_EARLY_STOP = replace_once(_EX6_OK, "        history.append(sum(losses) / len(losses))\n",
                               "        history.append(sum(losses) / len(losses))\n"
                               "        if len(history) > 1 and history[-1] > history[-2]:\n"
                               "            break                                # early stopping\n")

MUTANTS = {
    "ex1_vae_loss": [
        ("sigma^2 - 1 as torch.expm1(logvar) 'for precision' and the -1 still written: the KL 1/2 per dimension"
         " too small (the formula: 1/2 sum_j (sigma_j^2 + mu_j^2 - 1 - log sigma_j^2))", _EX1_EXPM1),
        ("reconstruction as (x - x_recon).var(dim=(1, 2, 3)): the error's mean subtracted and 1/(CHW - 1)"
         " (the formula: 1/(CHW) ||x - x_hat||^2)", _EX1_VAR),
        ("squared error in half precision 'to save memory': the reconstruction rounded to float16, three digits, for"
         " float32 and float64 batches alike (intro: no tensor to another dtype; the formula: 1/(CHW) ||x - x_hat||^2 of the images given)", _EX1_HALF),
        ("sum_j mu_j^2 as (mu @ mu.T).sum(1): dot products with the other images of the batch (the formula: per"
         " image, sum over j of mu_j^2)", _EX1_GRAM),
    ],
    "ex2_reparameterise": [
        ("mu - sigma * eps 'the noise is symmetric': another sample for the same eps (text: z = mu + sigma * eps"
         " with eps = torch.randn_like(mu))", _EX2_MINUS),
        ("eps scaled by epsilon_std = 0.1 as in the Keras VAE example: the sample's variance is sigma^2 / 100"
         " (text: eps ~ N(0, I); the sample must follow N(mu, e^logvar) exactly)", _EX2_EPS_STD),
        ("a private generator seeded with torch.seed() 'not to disturb the global stream': torch.seed() reseeds"
         " the global RNG at random, and the noise is not randn_like(mu)'s (intro: draws from PyTorch's global"
         " generator without reseeding it; text: eps = torch.randn_like(mu))", _EX2_SEED),
        ("logvar.mul(0.5).exp_() then std.mul_(eps).add_(mu) 'in place to save memory': exp's saved output is"
         " overwritten and backward raises (text: the sample must be a differentiable function of mu and logvar)",
         _EX2_INPLACE),
    ],
    "ex3_dbvae": [
        ("typo: self.decoder(mu), the sample z computed and never used (text: a latent sample z ="
         " sample_latent(mu, logvar) goes through the decoder, in training and in eval mode)", _EX3_DECODE_MU),
        ("forward under torch.autocast(x.device.type) 'for speed': on the CPU the logit, mu, logvar and"
         " reconstruction come back bfloat16 (intro: no tensor to another dtype)", _EX3_AUTOCAST),
        ("self.latent_dim = 2 * latent_dim + 1, the encoder's width: model.latent_dim is wrong and the slices"
         " with it break (text: in __init__ store latent_dim)", _EX3_WIDTH),
        ("under torch.no_grad() the decoder is fed mu: forward looks at torch.is_grad_enabled() (text: forward"
         " always samples, in training and in eval mode)", _EX3_GRAD_MODE),
    ],
    "ex4_debias_loss": [
        ("the final mean forgotten: the (B,) per-image losses returned (text: -> a scalar; the formula's 1/B"
         " sum_i)", _EX4_NO_MEAN),
        ("sum / cfg.batch_size: 1/B with the config's 64, wrong for every other batch and for the last smaller"
         " one (the formula: 1/B sum_i over the batch given)", _EX4_CFG_B),
        ("logit.squeeze_(), y.squeeze_() 'to be sure they are (B,)': a batch of one leaves the caller's logit"
         " and label 0-d (intro: does not modify the caller's tensors in place)", _EX4_SQUEEZE_),
        (".double() on both terms 'for precision': a float32 batch gets a float64 loss (intro: no tensor to"
         " another dtype; text: a float64 batch gives a float64 loss, so float32 gives float32)", _EX4_DOUBLE),
    ],
    "ex5_resampling": [
        ("the smoothing typed in as the literal 1e-3: the smoothing argument ignored (text: the training run"
         " passes the config's values explicitly; d_b <- d_b + alpha)", _EX5_LITERAL),
        ("the dimensions combined by logsumexp 'a smooth maximum' (text step 4: p_i = max_j p_ij)", _EX5_LSE),
        ("the share as count / the largest count, not / N: the smoothing weighs differently (text step 2:"
         " density d_b = share of faces in bin b)", _EX5_BY_MAX),
        ("bin as ceil(...) - 1 clamped to [0, bins - 1]: a value exactly on an edge goes to the lower bin (text"
         " step 1: the floor; a value on the edge belongs to the upper one)", _EX5_CEIL),
    ],
    "ex6_train": [
        ("optimizer.zero_grad() forgotten: gradients add up over every step, starting from the caller's .grad"
         " (text: per batch: zero the gradients, backward, step)", _EX6_NO_ZERO),
        ("for i in range(n_batches): b = idx[i:i + batch_size], the batch number used as the start: overlapping"
         " batches from the first few draws (text: go through idx in order, in batches of batch_size)",
         _EX6_OVERLAP),
        ("idx.split(n_batches): split's argument is the chunk size, so batches of n_batches draws (text: in"
         " batches of batch_size)", _EX6_SPLIT_N),
        ("early stopping out of habit: the epochs end at the first epoch worse than the one before (text: every"
         " epoch of `epochs`; a list with the mean batch loss of each epoch)", _EX6_EARLY_STOP),
    ],
}

CORRECT = {
    "ex1_vae_loss": ROUND16.CORRECT["ex1_vae_loss"][:1] + [
        ("F.mse_loss(reduction='none') flattened per image, KL as torch.sum(...) - L, torch.add(alpha=beta)",
         _EX1_MSE_FLAT),
    ],
    "ex2_reparameterise": ROUND16.CORRECT["ex2_reparameterise"][:1] + [
        ("std from logvar.mul(0.5).exp(), randn_like(mu).mul(std).add(mu)", _EX2_MUL_ADD),
    ],
    "ex3_dbvae": ROUND16.CORRECT["ex3_dbvae"][:1] + [
        ("torch.split(out, [1, L, L], dim=1), the logit squeeze(1)", _EX3_SPLIT),
    ],
    "ex4_debias_loss": ROUND16.CORRECT["ex4_debias_loss"][:1] + [
        ("vae_loss on the faces only (boolean index), (sum BCE + sum VAE) / B", _EX4_FACES_ONLY),
    ],
    "ex5_resampling": ROUND16.CORRECT["ex5_resampling"][:1] + [
        ("vectorised: F.one_hot counts per dimension, take_along_dim for each face's share", _EX5_ONE_HOT),
    ],
    "ex6_train": ROUND16.CORRECT["ex6_train"][:1] + [
        ("idx.split(batch_size), a running total and count, zero_grad(set_to_none=True)", _EX6_SPLIT),
    ],
}
