"""Blind round 13: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round12/ (lab 02 has no
round 8). CORRECT[...][0] is round 12's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round13/prove_02_dbvae.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND12 = earlier_round(12, __file__)

# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND12.CORRECT["ex1_vae_loss"][0][1]
_EX1_LOOP = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    losses = []
    for i in range(x.shape[0]):                       # one image at a time
        err = x[i] - x_recon[i]
        reconstruction = (err * err).sum() / err.numel()
        kl = 0.5 * torch.sum(torch.exp(logvar[i]) + mu[i].pow(2) - 1.0 - logvar[i])
        losses.append(reconstruction + kl_weight * kl)
    return torch.stack(losses)
'''
# 1/(CHW) hard-coded as the notebook's 3 * 32 * 32 images (the formula: 1/(CHW) of the images given)
_EX1_HARDCODED = replace_once(_EX1_OK, "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))",
                              "reconstruction = ((x - x_recon) ** 2).sum(dim=(1, 2, 3)) / (3 * 32 * 32)")
# the usual -1/2 (1 + logvar - mu^2 - e^logvar) written without its minus: the whole KL negated
_EX1_KL_NEGATED = replace_once(_EX1_OK, "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)",
                               "kl = 0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(dim=1)")
# .view(B, -1) on the squared error: raises for non-contiguous (e.g. channels-last) images
_EX1_VIEW = replace_once(_EX1_OK, "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))",
                         "reconstruction = ((x - x_recon) ** 2).view(x.shape[0], -1).mean(dim=1)")
# x_recon.detach() 'the target has no gradient': the detach put on the reconstruction, not on x
_EX1_DETACH_RECON = replace_once(_EX1_OK, "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))",
                                 "reconstruction = ((x - x_recon.detach()) ** 2).mean(dim=(1, 2, 3))")
# ||mu|| for ||mu||^2 in the KL: mu.norm(dim=1) (the formula: sum_j mu_j^2)
_EX1_MU_NORM = replace_once(_EX1_OK, "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)",
                            "kl = 0.5 * ((logvar.exp() - 1 - logvar).sum(dim=1) + mu.norm(dim=1))")

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND12.CORRECT["ex2_reparameterise"][0][1]
_EX2_ADDCMUL = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    eps = torch.randn_like(mu)
    return torch.addcmul(mu, logvar.mul(0.5).exp(), eps)      # mu + sigma * eps, out of place
'''
# sigma = exp(logvar): the variance used as the standard deviation (the text: sigma = e^(logvar/2))
_EX2_VARIANCE = replace_once(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps",
                             "return mu + torch.exp(logvar) * eps")
# mu.detach() 'the mean is only shifted': no gradient to mu (text: a differentiable function of mu and logvar)
_EX2_MU_DETACHED = replace_once(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps",
                                "return mu.detach() + torch.exp(0.5 * logvar) * eps")
# five samples averaged 'for a less noisy sample': the variance shrinks to sigma^2 / 5 (text: the sample must follow
# N(mu, e^logvar) exactly)
_EX2_AVERAGED = replace_once(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps",
                             "samples = [mu + torch.exp(0.5 * logvar) * eps]\n"
                             "    samples += [mu + torch.exp(0.5 * logvar) * torch.randn_like(mu) for _ in range(4)]\n"
                             "    return torch.stack(samples).mean(dim=0)")
# antithetic noise 'for lower variance': the second half of the batch gets -eps of the first (text: eps ~ N(0, I),
# eps = torch.randn_like(mu))
_EX2_ANTITHETIC = replace_once(_EX2_OK, "eps = torch.randn_like(mu)",
                               "half = torch.randn_like(mu[: (mu.shape[0] + 1) // 2])\n"
                               "    eps = torch.cat([half, -half])[: mu.shape[0]]")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND12.CORRECT["ex3_dbvae"][0][1]
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
        logit = logit.squeeze(1)
        x_recon = self.decoder(sample_latent(mu, logvar))
        return logit, mu, logvar, x_recon
'''
# mu and logvar columns swapped: logvar read from columns 1..L, mu from L+1..2L (text: logit, mu, logvar, in this
# order), returned and sampled swapped
_EX3_MU_LOGVAR_COLUMNS = replace_once(_EX3_OK, "logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]",
                                      "logit, logvar, mu = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]")
# torch.manual_seed(0) in __init__ 'for reproducible models': the caller's seed overridden, the global RNG reseeded
_EX3_SEED_INIT = replace_once(_EX3_OK, "        self.latent_dim = latent_dim\n",
                              "        torch.manual_seed(0)\n        self.latent_dim = latent_dim\n")
# .squeeze() on the encoder's output: a batch of one becomes (2L+1,) and out[:, 0] raises (text: also for a
# batch of one image)
_EX3_SQUEEZE_OUT = replace_once(_EX3_OK, "out = self.encoder(x)", "out = self.encoder(x).squeeze()")
# returns a dict (HF style): unpacking gives the keys (text: forward(x) returns (logit, mu, logvar, x_recon))
_EX3_DICT = replace_once(_EX3_OK, "return logit, mu, logvar, x_recon",
                         'return {"logit": logit, "mu": mu, "logvar": logvar, "x_recon": x_recon}')

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND12.CORRECT["ex4_debias_loss"][0][1]
_EX4_DOT = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    vae = vae_loss(x, x_recon, mu, logvar, kl_weight)
    return (bce.sum() + torch.dot(y, vae)) / logit.shape[0]
'''
# summed, not averaged: the formula's 1/B forgotten
_EX4_SUM = replace_once(_EX4_OK, "return (bce + y * vae).mean()", "return (bce + y * vae).sum()")
# the label as a column, y[:, None] * vae: the (B, B) broadcast the text warns about, averaged over B^2
_EX4_COLUMN = replace_once(_EX4_OK, "return (bce + y * vae).mean()",
                           "return (bce + y[:, None] * vae).mean()")
# y turned into a bool mask and then given to the BCE: raises (the BCE needs float targets)
_EX4_BOOL_Y = replace_once(_EX4_OK, "    bce = F.binary_cross_entropy_with_logits(logit, y, reduction=\"none\")\n",
                           "    y = y == 1\n    bce = F.binary_cross_entropy_with_logits(logit, y, reduction=\"none\")\n")
# y.float() 'to be safe', and the loss computed in float32: a float64 batch gets a float32 loss (intro: no
# tensor to another dtype)
_EX4_FLOAT = replace_once(_EX4_OK, "return (bce + y * vae).mean()",
                          "return (bce.float() + y.float() * vae.float()).mean()")

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND12.CORRECT["ex5_resampling"][0][1]
_EX5_VECTORISED = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n, dims = mu.shape
    lo = mu.min(dim=0, keepdim=True).values
    hi = mu.max(dim=0, keepdim=True).values
    index = ((mu - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)     # (N, L)
    counts = F.one_hot(index, bins).sum(dim=0)                                     # (L, bins)
    density = counts.to(mu.dtype) / n + smoothing
    density = density / density.sum(dim=1, keepdim=True)
    p = 1.0 / torch.gather(density, 1, index.T).T                                  # (N, L)
    p = p / p.sum(dim=0, keepdim=True)
    p = p.amax(dim=1)
    return p / p.sum()
'''
# clamp(max=9): bins - 1 hard-coded for the default 10 bins; more bins merge into bin 9, fewer leave the max alone
_EX5_CLAMP9 = replace_once(_EX5_OK, ".clamp(max=bins - 1)", ".clamp(max=9)")
# for v in mu: iterating the tensor gives its rows (the faces), not the latent dimensions
_EX5_ROWS = replace_once(replace_once(_EX5_OK, "    for j in range(dims):\n        v = mu[:, j]\n",
                                      "    for v in mu:\n"), "n, dims = mu.shape", "n = len(mu)")
# dims, n = mu.shape: the shape unpacked the wrong way round (text: (N, L))
_EX5_SHAPE_SWAP = replace_once(_EX5_OK, "n, dims = mu.shape", "dims, n = mu.shape")
# range(mu.dim()): the tensor's number of axes (2), not the latent dimensions L
_EX5_NDIM = replace_once(_EX5_OK, "for j in range(dims):", "for j in range(mu.dim()):")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND12.CORRECT["ex6_train"][0][1]
_EX6_SPLIT = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    where = next(model.parameters()).device
    n_batches = math.ceil(len(x) / batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator().manual_seed(seed)
    means = []
    for _ in range(epochs):
        weights = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        batch_losses = []
        for b in torch.split(idx, batch_size):        # the last piece may be smaller
            loss = loss_fn(model, x[b].to(where), y[b].to(where))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            batch_losses.append(float(loss.item()))
        means.append(math.fsum(batch_losses) / len(batch_losses))
    return means
'''
# total += loss (the tensor), not loss.item(): the epoch means are 0-d tensors (text: Python floats, loss.item())
_EX6_TENSOR_SUM = replace_once(replace_once(
    _EX6_OK, "losses.append(loss.item())", "losses.append(loss)"),
    "history.append(sum(losses) / len(losses))", "history.append(sum(losses).detach() / len(losses))")
# scheduler.step() once per epoch (torch's tutorials' habit), not after every optimizer.step()
_EX6_SCHED_EPOCH = replace_once(replace_once(
    _EX6_OK, "            scheduler.step()\n", ""),
    "        history.append(sum(losses) / len(losses))\n",
    "        scheduler.step()\n        history.append(sum(losses) / len(losses))\n")
# gen = torch.Generator() without manual_seed: the seed argument ignored (text: torch.Generator().manual_seed(seed))
_EX6_SEED_IGNORED = replace_once(_EX6_OK, "gen = torch.Generator().manual_seed(seed)", "gen = torch.Generator()")
# model.training = True: only the top module's flag; its BatchNorm layers stay in the eval mode weights_fn left
# (text: model.train())
_EX6_TRAINING_FLAG = replace_once(_EX6_OK, "        model.train()\n", "        model.training = True\n")

MUTANTS = {
    "ex1_vae_loss": [
        ("1/(CHW) hard-coded as 1/(3*32*32), the notebook's images (the formula: C, H, W of the images given)",
         _EX1_HARDCODED),
        ("KL written 0.5*(1 + logvar - mu^2 - e^logvar), the -1/2 form without its minus: the KL negated (the"
         " formula: 1/2 sum (sigma^2 + mu^2 - 1 - log sigma^2))", _EX1_KL_NEGATED),
        ("squared error .view(B, -1): raises on non-contiguous (channels-last) images (text: x: (B, C, H, W))",
         _EX1_VIEW),
        ("x_recon.detach() in the reconstruction: no gradient to the decoder (the loss trains the VAE: the"
         " reconstruction term)", _EX1_DETACH_RECON),
        ("mu.norm(dim=1) for sum_j mu_j^2: the norm, not its square, in the KL (the formula: mu_j^2)", _EX1_MU_NORM),
    ],
    "ex2_reparameterise": [
        ("sigma = exp(logvar): the variance used as the standard deviation (text: sigma = e^(logvar/2))",
         _EX2_VARIANCE),
        ("mu.detach() + sigma * eps: no gradient to mu (text: a differentiable function of mu and logvar)",
         _EX2_MU_DETACHED),
        ("five samples averaged 'for a less noisy sample': variance sigma^2 / 5 (text: the sample must follow"
         " N(mu, e^logvar) exactly)", _EX2_AVERAGED),
        ("antithetic noise: the second half of the batch gets -eps of the first (text: eps = torch.randn_like(mu),"
         " eps ~ N(0, I))", _EX2_ANTITHETIC),
    ],
    "ex3_dbvae": [
        ("logvar read from columns 1..L and mu from L+1..2L: the two blocks swapped, returned and sampled so"
         " (text: the logit (column 0), mu (columns 1..L), logvar (columns L+1..2L), in this order)",
         _EX3_MU_LOGVAR_COLUMNS),
        ("torch.manual_seed(0) in __init__: the caller's seed overridden, the global RNG reseeded (intro: without"
         " reseeding it)", _EX3_SEED_INIT),
        ("self.encoder(x).squeeze(): a batch of one becomes (2L+1,) and the column slicing raises (text: also for"
         " a batch of one image)", _EX3_SQUEEZE_OUT),
        ("returns a dict of the four outputs: unpacking gives the keys (text: returns (logit, mu, logvar,"
         " x_recon))", _EX3_DICT),
    ],
    "ex4_debias_loss": [
        ("(bce + y * vae).sum(): the formula's 1/B forgotten", _EX4_SUM),
        ("y[:, None] * vae: the (B, B) broadcast the text warns about, averaged over B^2 entries", _EX4_COLUMN),
        ("y = y == 1 for the mask, then given to the BCE: bool targets raise (text: BCE(logit_i, y_i), y in {0, 1})",
         _EX4_BOOL_Y),
        ("bce.float() + y.float() * vae.float(): a float64 batch gets a float32 loss (intro: no tensor to another"
         " dtype)", _EX4_FLOAT),
    ],
    "ex5_resampling": [
        ("clamp(max=9): bins - 1 hard-coded for 10 bins; with 12 bins the top three merge into bin 9, with 4 the"
         " maximum gets a bin of its own (text: split into `bins` equal bins, the maximum into the last bin)",
         _EX5_CLAMP9),
        ("for v in mu: the rows (faces) iterated, not the latent dimensions (text: for each dimension j)",
         _EX5_ROWS),
        ("dims, n = mu.shape: the shape unpacked the wrong way (text: (N, L))", _EX5_SHAPE_SWAP),
        ("range(mu.dim()): 2, the tensor's number of axes, not L (text: for each dimension j)", _EX5_NDIM),
    ],
    "ex6_train": [
        ("losses.append(loss), the tensors summed: the epoch means are 0-d tensors (text: Python floats,"
         " loss.item())", _EX6_TENSOR_SUM),
        ("scheduler.step() once per epoch (text: stepped after every optimizer.step())", _EX6_SCHED_EPOCH),
        ("gen = torch.Generator() without manual_seed: the seed argument ignored (text:"
         " gen = torch.Generator().manual_seed(seed))", _EX6_SEED_IGNORED),
        ("model.training = True for model.train(): the submodules (BatchNorm) stay in the eval mode weights_fn left"
         " (text: model.train())", _EX6_TRAINING_FLAG),
    ],
}

CORRECT = {
    "ex1_vae_loss": ROUND12.CORRECT["ex1_vae_loss"][:1] + [
        ("a loop over the images, err * err summed / err.numel(), torch.stack", _EX1_LOOP),
    ],
    "ex2_reparameterise": ROUND12.CORRECT["ex2_reparameterise"][:1] + [
        ("torch.addcmul(mu, exp(logvar / 2), randn_like(mu))", _EX2_ADDCMUL),
    ],
    "ex3_dbvae": ROUND12.CORRECT["ex3_dbvae"][:1] + [
        ("torch.split(out, [1, L, L], dim=1), logit.squeeze(1)", _EX3_SPLIT),
    ],
    "ex4_debias_loss": ROUND12.CORRECT["ex4_debias_loss"][:1] + [
        ("(bce.sum() + torch.dot(y, vae)) / B", _EX4_DOT),
    ],
    "ex5_resampling": ROUND12.CORRECT["ex5_resampling"][:1] + [
        ("vectorised: one_hot counts per dimension, gather, amax over the dimensions", _EX5_VECTORISED),
    ],
    "ex6_train": ROUND12.CORRECT["ex6_train"][:1] + [
        ("torch.split(idx, batch_size), set_to_none zero_grad, math.fsum epoch means", _EX6_SPLIT),
    ],
}
