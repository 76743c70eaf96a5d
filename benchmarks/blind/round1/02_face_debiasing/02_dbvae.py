"""Blind round: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook only, without the hidden checks.

Every mutant is a mistake not already in tests/mutants/02_face_debiasing/02_dbvae.py.
CORRECT[...][0] is the reference the proofs (benchmarks/blind/round1/prove_01_02.py) compare with.
"""

# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    reconstruction = (x - x_recon).pow(2).flatten(start_dim=1).mean(dim=1)
    kl = torch.sum(mu * mu + torch.exp(logvar) - logvar - 1.0, dim=1) / 2
    return reconstruction + kl_weight * kl
'''
_EX1_F64 = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    reconstruction = F.mse_loss(x_recon.double(), x.double(), reduction="none").mean(dim=[1, 2, 3])
    mu64, lv64 = mu.double(), logvar.double()
    kl = 0.5 * (lv64.exp() + mu64.square() - 1.0 - lv64).sum(dim=-1)
    return (reconstruction + kl_weight * kl).to(x.dtype)
'''
_EX1 = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight):
    reconstruction = {rec}
    kl = {kl}
    return {total}
'''
_EX1_P = dict(rec="((x - x_recon) ** 2).mean(dim=(1, 2, 3))",
              kl="0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)", total="reconstruction + kl_weight * kl")
_EX1_SQUARED_MEAN = _EX1.format(**{**_EX1_P, "rec": "(x - x_recon).mean(dim=(1, 2, 3)) ** 2"})
_EX1_KL_BATCH_MEAN = _EX1.format(**{**_EX1_P, "total": "reconstruction + kl_weight * kl.mean()"})
_EX1_TWO_LOGVAR = _EX1.format(**{**_EX1_P, "kl": "0.5 * (logvar.exp() + mu ** 2 - 1 - 2 * logvar).sum(dim=1)"})
_EX1_CHANNEL_SUM = _EX1.format(**{**_EX1_P, "rec": "((x - x_recon) ** 2).mean(dim=(2, 3)).sum(dim=1)"})

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    eps = torch.randn_like(mu)
    std = logvar.mul(0.5).exp()
    return torch.addcmul(mu, std, eps)
'''
_EX2_SQRT = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    eps = torch.randn_like(mu)
    return mu + eps * torch.sqrt(torch.exp(logvar))
'''
_EX2_HALF_LOGVAR = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    eps = torch.randn(mu.shape, dtype=mu.dtype, device=mu.device)
    return mu + torch.exp(logvar / 2) * eps
'''
_EX2 = "def sample_latent(mu, logvar):\n{pre}    eps = torch.randn_like(mu)\n    return {z}\n"
_Z = "mu + torch.exp(0.5 * logvar) * eps"
_EX2_SEEDED = _EX2.format(pre="    torch.manual_seed(0)  # reproducible samples\n", z=_Z)
_EX2_HALF_VARIANCE = _EX2.format(pre="", z="mu + 0.5 * torch.exp(logvar) * eps")
_EX2_CLAMP = _EX2.format(pre="    logvar = logvar.clamp(-10.0, 10.0)  # numerical safety\n", z=_Z)
_EX2_LOGVAR_DETACHED = _EX2.format(pre="", z="mu + torch.exp(0.5 * logvar.detach()) * eps")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x: torch.Tensor):
        out = self.encoder(x)
        logit, mu, logvar = torch.tensor_split(out, [1, 1 + self.latent_dim], dim=1)
        x_recon = self.decoder(sample_latent(mu, logvar))
        return logit[:, 0], mu, logvar, x_recon
'''
_EX3_NARROW = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(n_outputs=2 * latent_dim + 1, n_filters=n_filters)
        self.decoder = make_decoder(latent_dim=latent_dim, n_filters=n_filters)

    def forward(self, x: torch.Tensor):
        L = self.latent_dim
        encoded = self.encoder(x)
        logit = encoded.narrow(1, 0, 1).squeeze(1)
        mu = encoded.narrow(1, 1, L)
        logvar = encoded.narrow(1, 1 + L, L)
        z = sample_latent(mu=mu, logvar=logvar)
        return logit, mu, logvar, self.decoder(z)
'''
_EX3 = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim=16, n_filters=12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x):
        out = self.encoder(x)
        L = {L}
        logit, mu, logvar = out[:, {logit}], out[:, 1:L + 1], out[:, L + 1:]
        z = {z}
        return logit, mu, logvar, self.decoder(z)
'''
_EX3_P = dict(L="self.latent_dim", logit="0", z="sample_latent(mu, logvar)")
_EX3_SQUEEZE = _EX3.format(**{**_EX3_P, "logit": ":1"}).replace("return logit,", "return logit.squeeze(),")
_EX3_EVAL_MEAN = _EX3.format(**{**_EX3_P, "z": "sample_latent(mu, logvar) if self.training else mu"})
_EX3_DETACHED = _EX3.format(**{**_EX3_P, "z": "sample_latent(mu.detach(), logvar.detach())"})
_EX3_GLOBAL_CFG = _EX3.format(**{**_EX3_P, "L": "cfg.latent_dim"})

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    bce = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    vae = vae_loss(x, x_recon, mu, logvar, kl_weight)
    per_image = bce + torch.where(y == 1, vae, torch.zeros_like(vae))
    return per_image.sum() / len(y)
'''
_EX4_DOT = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    classification = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    face_vae = torch.dot(y.to(classification.dtype), vae_loss(x, x_recon, mu, logvar, kl_weight))
    return torch.mean(classification) + face_vae / y.numel()
'''
_EX4 = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight):
    classification = {bce}
    vae = {vae}
    return (classification + {mask} * vae).mean()
'''
_EX4_P = dict(bce='F.binary_cross_entropy_with_logits(logit, y, reduction="none")',
              vae="vae_loss(x, x_recon, mu, logvar, kl_weight)", mask="y")
_EX4_KL_TWICE = _EX4.format(**{**_EX4_P, "vae": "kl_weight * vae_loss(x, x_recon, mu, logvar, kl_weight)"})
_EX4_BATCH_VAE = _EX4.format(**{**_EX4_P, "vae": "vae_loss(x, x_recon, mu, logvar, kl_weight).mean()"})
_EX4_PREDICTED_FACES = _EX4.format(**{**_EX4_P, "mask": "(logit > 0).float()"})
_EX4_ARGS_SWAPPED = _EX4.format(**{**_EX4_P, "bce": 'F.binary_cross_entropy_with_logits(y, logit, reduction="none")'})

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    n, dims = mu.shape
    lo = mu.min(dim=0, keepdim=True).values
    hi = mu.max(dim=0, keepdim=True).values
    index = ((mu - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)          # (N, L)
    counts = torch.zeros(dims, bins, dtype=mu.dtype).scatter_add_(1, index.T, torch.ones(dims, n, dtype=mu.dtype))
    density = counts / n
    density = density + smoothing
    density = density / density.sum(dim=1, keepdim=True)                                # (L, bins)
    p = density.gather(1, index.T).reciprocal()                                         # (L, N)
    p = p / p.sum(dim=1, keepdim=True)
    p = p.amax(dim=0)
    return p / p.sum()
'''
_EX5_LOOP = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    per_dim = []
    for column in mu.unbind(dim=1):
        lo, hi = column.min(), column.max()
        index = torch.floor((column - lo) / (hi - lo) * bins).to(torch.long)
        index = torch.minimum(index, torch.tensor(bins - 1))
        share = torch.bincount(index, minlength=bins).to(mu.dtype) / len(column)
        smoothed = (share + smoothing) / (share + smoothing).sum()
        weight = smoothed.reciprocal()[index]
        per_dim.append(weight / weight.sum())
    p = torch.stack(per_dim).max(dim=0).values
    return p / p.sum()
'''
_EX5 = '''
def resampling_probabilities(mu, bins=10, smoothing=1e-3):
    p = torch.zeros(mu.shape[0])
    for j in range(mu.shape[1]):
        values = mu[:, j]
        lo, hi = values.min(), values.max()
        index = {index}
        density = torch.bincount(index, minlength=bins).float()
        density = density / density.sum()
        density = (density + smoothing) / (density + smoothing).sum()
        p_j = 1.0 / density[index]
        p_j = p_j / p_j.sum()
        p = {combine}
    return p / p.sum()
'''
_EX5_P = dict(index="((values - lo) / (hi - lo) * bins).long().clamp(0, bins - 1)", combine="torch.maximum(p, p_j)")
_EX5_ROUND = _EX5.format(**{**_EX5_P, "index": "((values - lo) / (hi - lo) * bins).round().long().clamp(0, bins - 1)"})
_EX5_BUCKETIZE = _EX5.format(**{**_EX5_P, "index": "torch.bucketize(values, torch.linspace(lo, hi, bins + 1)[1:-1])"})
_EX5_PRODUCT = _EX5.format(**{**_EX5_P, "combine": "p_j if j == 0 else p * p_j"})
_EX5_BINS_MINUS_ONE = _EX5.format(**{**_EX5_P, "index": "((values - lo) / (hi - lo) * (bins - 1)).long()"})

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    dev = next(model.parameters()).device
    n_batches = math.ceil(len(x) / batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for epoch in progress(range(epochs), desc="epochs"):
        weights = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        total = 0.0
        for i in range(n_batches):
            b = idx[i * batch_size:(i + 1) * batch_size]
            xb, yb = x[b].to(dev), y[b].to(dev)
            loss = loss_fn(model, xb, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item()
        history.append(total / n_batches)
    return history
'''
_EX6_TENSOR_SPLIT = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    n_batches = math.ceil(len(x) / batch_size)
    optimizer = torch.optim.Adam(params=model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator()
    gen.manual_seed(seed)
    device_of = next(model.parameters()).device
    means = []
    for epoch in range(epochs):
        if weights_fn is not None:
            weights = weights_fn(model)
        else:
            weights = torch.ones(len(x))
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train(True)
        epoch_losses = []
        for b in progress(torch.tensor_split(idx, list(range(batch_size, len(idx), batch_size))), leave=False):
            loss = loss_fn(model, x[b].to(device_of), y[b].to(device_of))
            model.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            epoch_losses.append(loss.item())
        means.append(sum(epoch_losses) / len(epoch_losses))
    return means
'''
_EX6 = '''
def train(model, loss_fn, x, y, epochs, batch_size, lr, weights_fn=None, seed=0):
    dev = next(model.parameters()).device
    n_batches = math.ceil(len(x) / batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max={t_max})
    gen = torch.Generator().manual_seed(seed)
    history = []
    for epoch in range(epochs):
{train_before}        weights = weights_fn(model) if weights_fn is not None else torch.ones(len(x))
        idx = torch.multinomial(weights, len(x), replacement={replacement}, generator=gen)
{train_after}        losses = []
        for start in range(0, len(x), batch_size):
            b = idx[start:start + batch_size]
            loss = loss_fn(model, x[b].to(dev), y[b].to(dev))
            optimizer.zero_grad()
            loss.backward()
{steps}
            losses.append(loss.item())
        history.append(sum(losses) / len(losses))
    return history
'''
_EX6_P = dict(t_max="epochs * n_batches", train_before="", replacement="True", train_after="        model.train()\n",
              steps="            optimizer.step()\n            scheduler.step()")
_EX6_TRAIN_BEFORE_WEIGHTS = _EX6.format(**{**_EX6_P, "train_before": "        model.train()\n", "train_after": ""})
_EX6_SCHED_FIRST = _EX6.format(**{**_EX6_P, "steps": "            scheduler.step()\n            optimizer.step()"})
_EX6_TMAX_EPOCHS = _EX6.format(**{**_EX6_P, "t_max": "epochs"})
_EX6_NO_REPLACEMENT = _EX6.format(**{**_EX6_P, "replacement": "False"})

MUTANTS = {
    "ex1_vae_loss": [
        ("squared mean error instead of mean squared error", _EX1_SQUARED_MEAN),
        ("KL averaged over the batch and broadcast back", _EX1_KL_BATCH_MEAN),
        ("KL's log-variance term doubled (logvar read as log sigma)", _EX1_TWO_LOGVAR),
        ("reconstruction summed over channels (mean over H, W only)", _EX1_CHANNEL_SUM),
    ],
    "ex2_reparameterise": [
        ("reseeds torch's global RNG on every call", _EX2_SEEDED),
        ("0.5 * exp(logvar) as the standard deviation", _EX2_HALF_VARIANCE),
        ("logvar clamped to [-10, 10]", _EX2_CLAMP),
        ("logvar detached: no gradient to the variance", _EX2_LOGVAR_DETACHED),
        # a CORRECT answer until round 4 (2026-12-03): exp(logvar) overflows for logvar > 88 and underflows
        # below -104 in float32, and the instructions ask for any logvar, "large or small"
        ("sqrt(exp(logvar)): inf or 0 once exp(logvar) leaves float32's range", _EX2_SQRT),
    ],
    "ex3_dbvae": [
        ("logit.squeeze(): a batch of one gives a 0-d logit", _EX3_SQUEEZE),
        ("decoder fed mu in eval mode (no sampling)", _EX3_EVAL_MEAN),
        ("mu and logvar detached before sampling (no gradient from the reconstruction)", _EX3_DETACHED),
        ("global cfg.latent_dim instead of the model's own", _EX3_GLOBAL_CFG),
    ],
    "ex4_debias_loss": [
        ("kl_weight applied twice (also multiplies the VAE loss)", _EX4_KL_TWICE),
        ("batch-mean VAE loss given to every face", _EX4_BATCH_VAE),
        ("VAE term on predicted faces (logit > 0), not on labelled faces", _EX4_PREDICTED_FACES),
        ("BCE arguments swapped: (y, logit)", _EX4_ARGS_SWAPPED),
    ],
    "ex5_resampling": [
        ("bin by round() instead of floor", _EX5_ROUND),
        ("bucketize on the inner edges: a value on an edge goes to the lower bin", _EX5_BUCKETIZE),
        ("dimensions combined by the product", _EX5_PRODUCT),
        ("scaled by bins - 1: the first bins-1 bins are wider and the max gets a bin of its own", _EX5_BINS_MINUS_ONE),
    ],
    "ex6_train": [
        ("model.train() before weights_fn, which leaves it in eval mode", _EX6_TRAIN_BEFORE_WEIGHTS),
        ("scheduler.step() before optimizer.step()", _EX6_SCHED_FIRST),
        ("T_max = epochs (the cosine is done after the first epoch's batches)", _EX6_TMAX_EPOCHS),
        ("multinomial without replacement", _EX6_NO_REPLACEMENT),
    ],
}

CORRECT = {
    "ex1_vae_loss": [
        ("pow/flatten, KL written as sum(...) / 2", _EX1_OK),
        ("F.mse_loss in float64, cast back", _EX1_F64),
    ],
    "ex2_reparameterise": [
        ("addcmul", _EX2_OK),
        ("exp(logvar / 2), eps drawn with torch.randn(mu.shape)", _EX2_HALF_LOGVAR),
    ],
    "ex3_dbvae": [
        ("tensor_split and logit[:, 0]", _EX3_OK),
        ("narrow, keyword arguments", _EX3_NARROW),
    ],
    "ex4_debias_loss": [
        ("torch.where mask, sum / B", _EX4_OK),
        ("dot product of labels and VAE losses", _EX4_DOT),
    ],
    "ex5_resampling": [
        ("vectorised: scatter_add_ histogram, gather", _EX5_OK),
        ("loop over unbind(1) columns, torch.minimum", _EX5_LOOP),
    ],
    "ex6_train": [
        ("index arithmetic over n_batches, zero_grad(set_to_none)", _EX6_OK),
        ("tensor_split at multiples of batch_size, model.zero_grad", _EX6_TENSOR_SPLIT),
    ],
}
