"""Blind round 14: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round13/ (lab 02 has no
round 8). CORRECT[...][0] is round 13's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round14/prove_02_dbvae.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND13 = earlier_round(13, __file__)

# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND13.CORRECT["ex1_vae_loss"][0][1]
_EX1_EINSUM = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    err = (x - x_recon).flatten(1)                                  # (B, CHW), any memory layout
    reconstruction = torch.einsum("bi,bi->b", err, err) / err.shape[1]
    kl = 0.5 * torch.einsum("bj->b", torch.exp(logvar) + mu * mu - 1.0 - logvar)
    return torch.add(reconstruction, kl, alpha=kl_weight)
'''
_KL = "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)"
_REC = "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))"
# sigma (e^(logvar/2)) where sigma^2 (e^logvar) goes in the KL
_EX1_SIGMA = replace_once(_EX1_OK, _KL, "kl = 0.5 * ((0.5 * logvar).exp() + mu ** 2 - 1 - logvar).sum(dim=1)")
# .sum() without dim=1: the whole batch's KL added to every image
_EX1_KL_ALL = replace_once(_EX1_OK, _KL, "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum()")
# keepdim=True on both terms 'to keep the batch axis': a (B, 1) loss
_EX1_KEEPDIM = replace_once(replace_once(
    _EX1_OK, _REC, "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3)).unsqueeze(1)"),
    _KL, "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1, keepdim=True)")
# mu and logvar detached in the KL 'it is only a regulariser': the KL sends no gradient to the encoder
_EX1_KL_DETACHED = replace_once(_EX1_OK, _KL,
                                "mu, logvar = mu.detach(), logvar.detach()\n"
                                "    kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)")
# everything in float64 'for precision', never cast back: a float32 batch gets a float64 loss
_EX1_DOUBLE = replace_once(replace_once(
    _EX1_OK, _REC, "reconstruction = ((x.double() - x_recon.double()) ** 2).mean(dim=(1, 2, 3))"),
    _KL, "mu, logvar = mu.double(), logvar.double()\n    " + _KL)

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND13.CORRECT["ex2_reparameterise"][0][1]
_EX2_FLOAT64 = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    eps = torch.randn_like(mu)
    z = mu.double() + torch.exp(logvar.double() / 2) * eps.double()     # float64 inside
    return z.to(mu.dtype)                                                # cast back
'''
_RET = "return mu + torch.exp(0.5 * logvar) * eps"
# torch.distributions.Normal(mu, sigma).rsample(): its argument check raises once sigma underflows to 0
_EX2_NORMAL = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    return torch.distributions.Normal(mu, torch.exp(0.5 * logvar)).rsample()   # the same randn_like draw
'''
# numpy's global RNG for the noise: torch.manual_seed does not reproduce it
_EX2_NUMPY = replace_once(_EX2_OK, "eps = torch.randn_like(mu)",
                          "eps = torch.from_numpy(np.random.standard_normal(tuple(mu.shape))).to(mu)")
# set_grad_enabled(False) for the draw, then (True): tracking switched on inside the caller's no_grad
_EX2_GRAD_ON = replace_once(_EX2_OK, "eps = torch.randn_like(mu)",
                            "torch.set_grad_enabled(False)              # eps needs no gradient\n"
                            "    eps = torch.randn_like(mu)\n"
                            "    torch.set_grad_enabled(True)")
# the sample clamped to [-10, 10] 'to keep the decoder's input sane': the tails beyond 10 cut
_EX2_Z_CLAMPED = replace_once(_EX2_OK, _RET, "return (mu + torch.exp(0.5 * logvar) * eps).clamp(-10.0, 10.0)")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND13.CORRECT["ex3_dbvae"][0][1]
_EX3_NARROW = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        out, L = self.encoder(x), self.latent_dim
        logit = out.select(1, 0)
        mu = out.narrow(1, 1, L)
        logvar = out.narrow(1, 1 + L, L)
        return logit, mu, logvar, self.decoder(sample_latent(mu, logvar))
'''
# the decoder line copied from the encoder's: make_decoder(2 * latent_dim + 1, ...) cannot take z (B, L)
_EX3_DECODER_WIDTH = replace_once(_EX3_OK, "self.decoder = make_decoder(latent_dim, n_filters)",
                                  "self.decoder = make_decoder(2 * latent_dim + 1, n_filters)")
# a Xavier initialisation of every Linear and conv layer, out of habit
_EX3_XAVIER = replace_once(_EX3_OK, "        self.decoder = make_decoder(latent_dim, n_filters)\n",
                           "        self.decoder = make_decoder(latent_dim, n_filters)\n"
                           "        for m in self.modules():\n"
                           "            if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):\n"
                           "                nn.init.xavier_uniform_(m.weight)\n"
                           "                nn.init.zeros_(m.bias)\n")
# self.train() in forward, 'forward always samples, as in training': the caller's eval mode overridden
_EX3_TRAIN_IN_FORWARD = replace_once(_EX3_OK, "        out = self.encoder(x)\n",
                                     "        self.train()                       # forward always samples\n"
                                     "        out = self.encoder(x)\n")
# mu and logvar .squeeze()d 'to drop extra dims': a batch of one gives (L,) and the decoder raises
_EX3_SQUEEZE_MU = replace_once(_EX3_OK, "logit, mu, logvar = out[:, 0], out[:, 1:L + 1], out[:, L + 1:]",
                               "logit, mu, logvar = out[:, 0], out[:, 1:L + 1].squeeze(), out[:, L + 1:].squeeze()")

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND13.CORRECT["ex4_debias_loss"][0][1]
_EX4_MASKED_FILL = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    vae = vae_loss(x, x_recon, mu, logvar, kl_weight).masked_fill(y == 0, 0.0)   # only faces
    return (bce.sum() + vae.sum()) / y.numel()
'''
_EX4_RET = "return (bce + y * vae).mean()"
# torch.tensor(...) around the result 'to return a tensor': a copy cut from the graph
_EX4_TORCH_TENSOR = replace_once(_EX4_OK, _EX4_RET, "return torch.tensor((bce + y * vae).mean().item(), dtype=logit.dtype)")
# faces = y.nonzero().squeeze(): one face makes it 0-d, x[faces] loses its batch axis, vae_loss raises
_EX4_NONZERO = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    faces = y.nonzero().squeeze()
    vae = vae_loss(x[faces], x_recon[faces], mu[faces], logvar[faces], kl_weight)
    return (bce.sum() + vae.sum()) / len(y)
'''
# y * (bce + vae): the label multiplies the whole bracket, non-faces no longer train the classifier
_EX4_BRACKET = replace_once(_EX4_OK, _EX4_RET, "return (y * (bce + vae)).mean()")
# a loop accumulating into torch.tensor(0.0): the total stays float32, a float64 batch gets a float32 loss
_EX4_LOOP_F32 = replace_once(_EX4_OK, _EX4_RET,
                             "total = torch.tensor(0.0)\n"
                             "    for i in range(len(y)):\n"
                             "        total = total + (bce[i] + y[i] * vae[i]).float()\n"
                             "    return total / len(y)")

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND13.CORRECT["ex5_resampling"][0][1]
_EX5_OFFSETS = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n, dims = mu.shape
    lo, hi = mu.amin(dim=0), mu.amax(dim=0)
    index = torch.floor((mu - lo) / (hi - lo) * bins).long().clamp(max=bins - 1)   # (N, L)
    flat = index + torch.arange(dims) * bins                                       # one bin range per dimension
    counts = torch.bincount(flat.flatten(), minlength=dims * bins).view(dims, bins)
    density = counts.to(mu.dtype) / n + smoothing
    density = density / density.sum(dim=1, keepdim=True)
    p = density.flatten()[flat].reciprocal()                                       # (N, L)
    p = p / p.sum(dim=0)
    p = p.max(dim=1).values
    return p / p.sum()
'''
# .double() for the counts 'for precision': a float32 mu gives a float64 p
_EX5_DOUBLE = replace_once(_EX5_OK, ".to(mu.dtype) / n", ".double() / n")
# p_ij proportional to the density itself: the inverse forgotten, common faces drawn more
_EX5_NO_INVERSE = replace_once(_EX5_OK, "p_j = 1.0 / density[index]", "p_j = density[index]")
# vectorised bincount over index.flatten() without per-dimension offsets: one histogram pooled over all dimensions
_EX5_POOLED = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n, dims = mu.shape
    lo, hi = mu.min(dim=0).values, mu.max(dim=0).values
    index = ((mu - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)      # (N, L)
    density = torch.bincount(index.flatten(), minlength=bins).to(mu.dtype) / index.numel()
    density = density + smoothing
    density = density / density.sum()
    p = 1.0 / density[index]                                                       # (N, L)
    p = p / p.sum(dim=0)
    p = p.max(dim=1).values
    return p / p.sum()
'''
# the last normalisation by the maximum, p / p.max(): the largest is 1, the sum is not
_EX5_BY_MAX = replace_once(_EX5_OK, "return p / p.sum()", "return p / p.max()")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND13.CORRECT["ex6_train"][0][1]
_EX6_WHILE = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    import statistics
    target = next(model.parameters()).device
    n_batches = -(-len(x) // batch_size)                     # math.ceil without floats
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator().manual_seed(seed)
    out = []
    epoch = 0
    while epoch < epochs:
        weights = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        batch_losses, start = [], 0
        while start < len(idx):
            b = idx[start:start + batch_size]
            loss = loss_fn(model, x[b].to(target), y[b].to(target))
            optimizer.zero_grad(set_to_none=False)
            loss.backward()
            optimizer.step()
            scheduler.step()
            batch_losses.append(loss.item())
            start += batch_size
        out.append(float(statistics.fmean(batch_losses)))
        epoch += 1
    return out
'''
# n_batches = len(x) // batch_size: T_max too short when batch_size does not divide len(x)
_EX6_FLOOR = replace_once(_EX6_OK, "n_batches = math.ceil(len(x) / batch_size)", "n_batches = len(x) // batch_size")
# the history returned as a tensor, torch.tensor(history) (text: a list of Python floats)
_EX6_TENSOR = replace_once(_EX6_OK, "    return history", "    return torch.tensor(history)")
# losses = [] once before the epochs: each epoch's mean includes the earlier epochs' batches
_EX6_RUNNING = replace_once(replace_once(
    _EX6_OK, "        losses = []\n", ""),
    "    history = []\n", "    history = []\n    losses = []\n")
# weights_fn's weights computed but the draw made on ones (the variable of the uniform case)
_EX6_WEIGHTS_IGNORED = replace_once(
    _EX6_OK, "        weights = weights_fn(model) if weights_fn is not None else torch.ones(len(x))\n"
             "        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)\n",
    "        uniform = torch.ones(len(x))\n"
    "        weights = weights_fn(model) if weights_fn is not None else uniform\n"
    "        idx = torch.multinomial(uniform, len(x), replacement=True, generator=gen)\n")

MUTANTS = {
    "ex1_vae_loss": [
        ("KL with sigma = e^(logvar/2) where sigma^2 = e^logvar goes (the formula: sigma_j^2 + mu_j^2 - 1 - log"
         " sigma_j^2; text: sigma^2 = e^logvar)", _EX1_SIGMA),
        ("KL .sum() without dim=1: the whole batch's KL added to every image (text: one loss per image; the"
         " formula: sum over j = 1..L)", _EX1_KL_ALL),
        ("both terms kept as (B, 1) columns (keepdim): the loss is (B, 1) (text: one loss per image, shape (B,))",
         _EX1_KEEPDIM),
        ("mu and logvar detached in the KL 'it is only a regulariser': the KL sends no gradient to the encoder"
         " (the formula's KL term is part of the loss that trains the VAE)", _EX1_KL_DETACHED),
        ("computed in float64 'for precision' and never cast back: a float32 batch gets a float64 loss (intro: a"
         " function does not move a tensor to another dtype)", _EX1_DOUBLE),
    ],
    "ex2_reparameterise": [
        ("torch.distributions.Normal(mu, exp(logvar/2)): its argument check raises once sigma underflows to 0"
         " (logvar below about -207 in float32) (text: use logvar as it is, whatever its value, large or small)",
         _EX2_NORMAL),
        ("noise from numpy's global RNG (np.random.standard_normal): torch.manual_seed does not reproduce it"
         " (text: eps = torch.randn_like(mu); intro: random numbers from PyTorch's global generator)", _EX2_NUMPY),
        ("torch.set_grad_enabled(False) for the draw, then set_grad_enabled(True): tracking turned on inside the"
         " caller's no_grad (intro: a function does not change PyTorch's switches for the caller)", _EX2_GRAD_ON),
        ("the sample z clamped to [-10, 10] 'to keep the decoder's input sane': a far mean or a wide sigma is"
         " cut (text: no clamping, the sample must follow N(mu, e^logvar) exactly)", _EX2_Z_CLAMPED),
    ],
    "ex3_dbvae": [
        ("decoder line copied from the encoder's, make_decoder(2 * latent_dim + 1, n_filters): z (B, L) does not"
         " fit (text: self.decoder = make_decoder(latent_dim, n_filters))", _EX3_DECODER_WIDTH),
        ("Xavier initialisation of every Linear/conv layer out of habit: not the layers make_encoder/make_decoder"
         " create (text: create self.encoder = make_encoder(...) and then self.decoder = make_decoder(...))",
         _EX3_XAVIER),
        ("self.train() in forward 'forward always samples': the caller's eval mode overridden, BatchNorm uses and"
         " updates batch statistics (intro: uses the model in the train/eval mode the caller left it in)",
         _EX3_TRAIN_IN_FORWARD),
        ("mu and logvar .squeeze()d: a batch of one gives (L,) and the decoder raises (text: also for a batch of"
         " one image; mu (B, L), logvar (B, L))", _EX3_SQUEEZE_MU),
    ],
    "ex4_debias_loss": [
        ("torch.tensor(loss.item()) returned 'as a tensor': cut from the graph, backward impossible (text: the"
         " loss that trains the model, -> a scalar tensor)", _EX4_TORCH_TENSOR),
        ("faces = y.nonzero().squeeze(): a batch with exactly one face gives a 0-d index, x[faces] loses its batch"
         " axis and vae_loss raises (text: 1/B sum_i [BCE + y_i L_VAE], any batch)", _EX4_NONZERO),
        ("y * (bce + vae): the label multiplies the whole bracket, non-faces no longer train the classifier (text:"
         " every image trains the classifier; BCE_i + y_i L_VAE(x_i))", _EX4_BRACKET),
        ("a loop accumulating into torch.tensor(0.0) in float32: a float64 batch gets a float32 loss (text: a"
         " float64 batch gives a float64 loss)", _EX4_LOOP_F32),
    ],
    "ex5_resampling": [
        ("bin shares .double() 'for precision': a float32 mu gives a float64 p (text: in mu's dtype, float32 for"
         " a float32 mu)", _EX5_DOUBLE),
        ("p_ij proportional to d_b(i): the inverse forgotten, common faces drawn more (text step 3: p_ij"
         " proportional to 1 / d_b(i))", _EX5_NO_INVERSE),
        ("vectorised bincount of index.flatten() without per-dimension offsets: one histogram pooled over all"
         " dimensions (text step 1-2: for each dimension j, the share of faces in bin b)", _EX5_POOLED),
        ("last normalisation p / p.max(): the largest probability is 1 and they do not sum to 1 (text step 4:"
         " normalise once more; summing to 1)", _EX5_BY_MAX),
    ],
    "ex6_train": [
        ("n_batches = len(x) // batch_size: T_max short when batch_size does not divide len(x), the cosine"
         " restarts (text: n_batches = math.ceil(len(x) / batch_size))", _EX6_FLOOR),
        ("torch.tensor(history) returned: a tensor, not a list (text: return a list with the mean batch loss of"
         " each epoch, as Python floats)", _EX6_TENSOR),
        ("losses = [] created once before the epochs: each epoch's mean includes the earlier epochs' batches"
         " (text: the mean batch loss of each epoch)", _EX6_RUNNING),
        ("weights_fn called but the draw made on the uniform ones (text: idx = torch.multinomial(weights, ...)"
         " with weights = weights_fn(model))", _EX6_WEIGHTS_IGNORED),
    ],
}

CORRECT = {
    "ex1_vae_loss": ROUND13.CORRECT["ex1_vae_loss"][:1] + [
        ("einsum: flattened squared error dotted with itself / CHW, KL summed by einsum, torch.add(alpha=beta)",
         _EX1_EINSUM),
    ],
    "ex2_reparameterise": ROUND13.CORRECT["ex2_reparameterise"][:1] + [
        ("float64 inside (mu, sigma, eps), cast back to mu's dtype", _EX2_FLOAT64),
    ],
    "ex3_dbvae": ROUND13.CORRECT["ex3_dbvae"][:1] + [
        ("out.select(1, 0), out.narrow(1, 1, L), out.narrow(1, 1 + L, L)", _EX3_NARROW),
    ],
    "ex4_debias_loss": ROUND13.CORRECT["ex4_debias_loss"][:1] + [
        ("vae.masked_fill(y == 0, 0), (bce.sum() + vae.sum()) / y.numel()", _EX4_MASKED_FILL),
    ],
    "ex5_resampling": ROUND13.CORRECT["ex5_resampling"][:1] + [
        ("vectorised: bincount with per-dimension offsets, reciprocal of the flat densities, max over dim 1",
         _EX5_OFFSETS),
    ],
    "ex6_train": ROUND13.CORRECT["ex6_train"][:1] + [
        ("while loops over epochs and batch starts, zero_grad(set_to_none=False), statistics.fmean", _EX6_WHILE),
    ],
}
