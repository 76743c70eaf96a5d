"""Blind round 2: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/02_dbvae.py nor in
benchmarks/blind/round1/02_face_debiasing/02_dbvae.py. CORRECT[...][0] is the reference the proofs
(benchmarks/blind/round2/prove_01_02.py) compare with.
"""

# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1 = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> (B,)"""
    reconstruction = {rec}
    kl = {kl}
    return {total}
'''
_EX1_P = dict(rec="((x - x_recon) ** 2).mean(dim=(1, 2, 3))",
              kl="0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)",
              total="reconstruction + kl_weight * kl")
_EX1_OK = _EX1.format(**_EX1_P)
_EX1_EXPM1 = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    diff = (x - x_recon).flatten(start_dim=1)                                  # (B, C*H*W)
    reconstruction = torch.linalg.vector_norm(diff, dim=1) ** 2 / diff.shape[1]
    kl = 0.5 * torch.sum(torch.expm1(logvar) - logvar + mu.square(), dim=-1)   # exp(lv) - 1 = expm1(lv)
    return reconstruction + kl_weight * kl
'''
_EX1_BCE = _EX1.format(**{**_EX1_P, "rec": 'F.binary_cross_entropy(x_recon, x, reduction="none").mean(dim=(1, 2, 3))'})
_EX1_LOGVAR_AS_VAR = _EX1.format(**{**_EX1_P, "kl": "0.5 * (logvar + mu ** 2 - 1 - torch.log(logvar)).sum(dim=1)"})
_EX1_RMSE = _EX1.format(**{**_EX1_P, "rec": "((x - x_recon) ** 2).mean(dim=(1, 2, 3)).sqrt()"})
_EX1_WEIGHT_BOTH = _EX1.format(**{**_EX1_P, "total": "kl_weight * (reconstruction + kl)"})

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2 = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """(B, L), (B, L) -> (B, L) samples of N(mu, exp(logvar))."""
    eps = {eps}
    return {z}
'''
_EX2_P = dict(eps="torch.randn_like(mu)", z="mu + torch.exp(0.5 * logvar) * eps")
_EX2_OK = _EX2.format(**_EX2_P)
_EX2_F64 = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    eps = torch.randn_like(mu)
    sigma = torch.exp(logvar.double() / 2)
    return (mu.double() + sigma * eps.double()).to(mu.dtype)
'''
_EX2_SOFTPLUS = _EX2.format(**{**_EX2_P, "z": "mu + F.softplus(logvar) * eps"})
_EX2_TWICE = _EX2.format(**{**_EX2_P, "z": "mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)"})
_EX2_ROW_EPS = _EX2.format(**{**_EX2_P, "eps": "torch.randn(mu.shape[0], 1)"})
_EX2_NEG = _EX2.format(**{**_EX2_P, "z": "mu + torch.exp(-0.5 * logvar) * eps"})

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3 = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        out = self.encoder(x)
        L = self.latent_dim
        logit, mu, logvar = {logit}, out[:, 1:L + 1], out[:, L + 1:]
        z = {z}
        x_recon = {recon}
        return logit, mu, logvar, x_recon
'''
_EX3_P = dict(logit="out[:, 0]", z="sample_latent(mu, logvar)", recon="self.decoder(z)")
_EX3_OK = _EX3.format(**_EX3_P)
_EX3_CHUNK = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(n_outputs=2 * latent_dim + 1, n_filters=n_filters)
        self.decoder = make_decoder(latent_dim=latent_dim, n_filters=n_filters)

    def forward(self, x: torch.Tensor):
        encoded = self.encoder(x)
        logit = encoded[..., 0]
        mu, logvar = encoded[:, 1:].chunk(2, dim=1)
        return logit, mu, logvar, self.decoder(sample_latent(mu, logvar))
'''
_EX3_SIGMOID = _EX3.format(**{**_EX3_P, "logit": "torch.sigmoid(out[:, 0])"})
_EX3_INLINE_VAR = _EX3.format(**{**_EX3_P, "z": "mu + torch.exp(logvar) * torch.randn_like(mu)"})
_EX3_RECON_DETACHED = _EX3.format(**{**_EX3_P, "recon": "self.decoder(z).detach()"})
_EX3_SAMPLE_TWICE = _EX3.format(**{**_EX3_P, "recon": "self.decoder(sample_latent(mu, logvar))"})

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4 = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    """logit, y: (B,); x, x_recon: (B, C, H, W); mu, logvar: (B, L) -> scalar"""
    bce = {bce}
    vae = vae_loss(x, x_recon, mu, logvar, kl_weight)
    return {total}
'''
_EX4_P = dict(bce='F.binary_cross_entropy_with_logits(logit, y, reduction="none")', total="(bce + y * vae).mean()")
_EX4_OK = _EX4.format(**_EX4_P)
_EX4_MASKED = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    per_image = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    face = y == 1
    faces_vae = vae_loss(x[face], x_recon[face], mu[face], logvar[face], kl_weight)
    return (per_image.sum() + faces_vae.sum()) / y.shape[0]
'''
_EX4_VAE_SUM = _EX4.format(**{**_EX4_P, "total": "bce.mean() + (y * vae).sum()"})
_EX4_CROSS_ENTROPY = _EX4.format(**{**_EX4_P, "bce": "F.cross_entropy(logit, y)", "total": "bce + (y * vae).mean()"})
_EX4_CLAMP = _EX4.format(**{**_EX4_P,
                            "bce": 'F.binary_cross_entropy_with_logits(logit.clamp(-10, 10), y, reduction="none")'})
_EX4_MEAN_PRODUCT = _EX4.format(**{**_EX4_P, "total": "bce.mean() + y.mean() * vae.mean()"})

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5 = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    """mu: (N, L) latent means of the training faces -> (N,) sampling probabilities."""
    n, dims = mu.shape
    p = None
    for j in range(dims):
        v = mu[:, j]
        lo, hi = v.min(), v.max()
        index = {index}
        density = torch.bincount(index, minlength=bins).to(mu.dtype) / n
        density = density + smoothing
        density = density / density.sum()
        p_j = {p_j}
        p_j = p_j / p_j.sum()
        p = p_j if p is None else {combine}
    return p / p.sum()
'''
_EX5_P = dict(index="((v - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)", p_j="1.0 / density[index]",
              combine="torch.maximum(p, p_j)")
_EX5_OK = _EX5.format(**_EX5_P)
_EX5_COMPARE = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    n = mu.shape[0]
    lo = mu.amin(dim=0)
    hi = mu.amax(dim=0)
    index = torch.clamp(torch.floor((mu - lo) / (hi - lo) * bins), max=bins - 1).long()      # (N, L)
    members = index.unsqueeze(-1) == torch.arange(bins)                                      # (N, L, bins)
    share = members.sum(dim=0).to(mu.dtype) / n                                              # (L, bins)
    share = share + smoothing
    share = share / share.sum(dim=1, keepdim=True)
    inverse = 1.0 / torch.take_along_dim(share.T, index, dim=0)                              # (N, L)
    inverse = inverse / inverse.sum(dim=0, keepdim=True)
    p = inverse.max(dim=1).values
    return p / p.sum()
'''
_EX5_MIN = _EX5.format(**{**_EX5_P, "combine": "torch.minimum(p, p_j)"})
_EX5_EPS_RANGE = _EX5.format(**{**_EX5_P, "index": "((v - lo) / (hi - lo + 1e-6) * bins).floor().long()"})
_EX5_ONE_MINUS = _EX5.format(**{**_EX5_P, "p_j": "1.0 - density[index]"})
_EX5_PER_FACE = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    n, dims = mu.shape
    columns = []
    for j in range(dims):
        v = mu[:, j]
        lo, hi = v.min(), v.max()
        index = ((v - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)
        density = torch.bincount(index, minlength=bins).to(mu.dtype) / n
        density = (density + smoothing) / (density + smoothing).sum()
        columns.append(1.0 / density[index])
    p = torch.stack(columns, dim=1)                  # (N, L)
    p = p / p.sum(dim=1, keepdim=True)               # normalised
    p = p.max(dim=1).values
    return p / p.sum()
'''

# ---- ex6_train --------------------------------------------------------------------------------
_EX6 = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    dev = next(model.parameters()).device
    n_batches = math.ceil(len(x) / batch_size)
{opt_outer}    gen = torch.Generator().manual_seed(seed)
    history = []
    for epoch in progress(range(epochs), desc="epochs"):
{opt_inner}        weights = weights_fn(model) if weights_fn is not None else torch.ones(len(x))
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        losses = []
        for start in range(0, len(x), batch_size):
            b = idx[start:start + batch_size]
            xb, yb = {batch}
            loss = loss_fn(model, xb, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(loss.item())
        {record}
    return history
'''
_OPT = ("optimizer = torch.optim.Adam(model.parameters(), lr=lr)\n"
        "{ind}scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max={t_max})\n")
_OPT_OUTER = _OPT.format(ind="    ", t_max="epochs * n_batches").replace("optimizer =", "    optimizer =", 1)
_EX6_P = dict(opt_outer=_OPT_OUTER,
              opt_inner="", batch="x[b].to(dev), y[b].to(dev)", record="history.append(sum(losses) / len(losses))")
_EX6_OK = _EX6.format(**_EX6_P)
_EX6_WHILE = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    device_of = next(model.parameters()).device
    steps_per_epoch = -(-len(x) // batch_size)           # = math.ceil(len(x) / batch_size)
    adam = torch.optim.Adam(params=model.parameters(), lr=lr)
    cosine = torch.optim.lr_scheduler.CosineAnnealingLR(adam, T_max=epochs * steps_per_epoch)
    rng = torch.Generator()
    rng.manual_seed(seed)
    per_epoch = []
    for epoch in range(epochs):
        w = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        drawn = torch.multinomial(w, num_samples=len(x), replacement=True, generator=rng)
        model.train(True)
        total, count, pos = 0.0, 0, 0
        while pos < len(drawn):
            chosen = drawn.narrow(0, pos, min(batch_size, len(drawn) - pos))
            pos += len(chosen)
            loss = loss_fn(model, x[chosen].to(device_of), y[chosen].to(device_of))
            adam.zero_grad(set_to_none=False)
            loss.backward()
            adam.step()
            cosine.step()
            total += loss.item()
            count += 1
        per_epoch.append(total / count)
    return per_epoch
'''
_EX6_TMAX_SAMPLES = _EX6.format(**{**_EX6_P, "opt_outer": _OPT_OUTER.replace("epochs * n_batches", "epochs * len(x)")})
_EX6_Y_MISALIGNED = _EX6.format(**{**_EX6_P, "batch": "x[b].to(dev), y[start:start + batch_size].to(dev)"})
_EX6_PER_BATCH = _EX6.format(**{**_EX6_P, "record": "history.extend(losses)"})
_EX6_OPT_EACH_EPOCH = _EX6.format(**{**_EX6_P, "opt_outer": "",
                                     "opt_inner": "        " + _OPT.format(ind="        ", t_max="epochs * n_batches")})

MUTANTS = {
    "ex1_vae_loss": [
        ("binary cross-entropy reconstruction instead of the mean squared error", _EX1_BCE),
        ("logvar read as the variance: log(logvar) in the KL (NaN for negative logvar)", _EX1_LOGVAR_AS_VAR),
        ("root of the mean squared error (RMSE)", _EX1_RMSE),
        ("kl_weight multiplies both terms", _EX1_WEIGHT_BOTH),
    ],
    "ex2_reparameterise": [
        ("softplus(logvar) as the standard deviation", _EX2_SOFTPLUS),
        ("eps drawn, then a second randn_like drawn and used", _EX2_TWICE),
        ("one eps per row, shared by every latent dimension: randn(B, 1)", _EX2_ROW_EPS),
        ("exp(-0.5 * logvar): the inverse standard deviation", _EX2_NEG),
    ],
    "ex3_dbvae": [
        ("sigmoid on the logit (returns a probability)", _EX3_SIGMOID),
        ("reparameterises inline with exp(logvar) as the std instead of calling sample_latent", _EX3_INLINE_VAR),
        ("reconstruction detached: no gradient to the decoder or encoder", _EX3_RECON_DETACHED),
        ("z sampled, then a second sample drawn for the decoder", _EX3_SAMPLE_TWICE),
    ],
    "ex4_debias_loss": [
        ("VAE term summed over the batch while the BCE is averaged", _EX4_VAE_SUM),
        ("F.cross_entropy on the (B,) logits instead of binary cross-entropy", _EX4_CROSS_ENTROPY),
        ("logits clamped to [-10, 10] before the BCE", _EX4_CLAMP),
        ("share of faces times the mean VAE loss: mean(y) · mean(vae)", _EX4_MEAN_PRODUCT),
    ],
    "ex5_resampling": [
        ("dimensions combined by the minimum", _EX5_MIN),
        ("eps 1e-6 in the range instead of the clamp: a value on an inner bin edge falls one bin lower",
         _EX5_EPS_RANGE),
        ("1 - density instead of 1 / density", _EX5_ONE_MINUS),
        ("each face's p normalised over the dimensions, not each dimension over the faces", _EX5_PER_FACE),
    ],
    "ex6_train": [
        ("T_max = epochs * len(x): counts samples, not batches", _EX6_TMAX_SAMPLES),
        ("yb taken in the original order: labels no longer match the drawn images", _EX6_Y_MISALIGNED),
        ("returns every batch's loss, not one mean per epoch", _EX6_PER_BATCH),
        ("optimizer and scheduler re-created every epoch", _EX6_OPT_EACH_EPOCH),
    ],
}

CORRECT = {
    "ex1_vae_loss": [
        ("per-image mean of squares, KL with exp(logvar)", _EX1_OK),
        ("squared vector_norm / pixels, KL with expm1", _EX1_EXPM1),
    ],
    "ex2_reparameterise": [
        ("mu + exp(0.5 logvar) * randn_like(mu)", _EX2_OK),
        ("float64 inside, cast back to mu's dtype", _EX2_F64),
    ],
    "ex3_dbvae": [
        ("column slices of the encoder output", _EX3_OK),
        ("keyword factories, encoded[..., 0] and chunk(2) of the rest", _EX3_CHUNK),
    ],
    "ex4_debias_loss": [
        ("(bce + y * vae).mean()", _EX4_OK),
        ("VAE loss of the faces only, both sums over B", _EX4_MASKED),
    ],
    "ex5_resampling": [
        ("a loop over dimensions with bincount", _EX5_OK),
        ("vectorised: a membership tensor and take_along_dim", _EX5_COMPARE),
    ],
    "ex6_train": [
        ("for loop over batch starts", _EX6_OK),
        ("while loop with narrow, set_to_none=False, ceil by negative floor division", _EX6_WHILE),
    ],
}
