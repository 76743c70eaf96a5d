"""Wrong answers for lab 02 part 2 (DB-VAE): the classic slips in VAEs and in the public lab."""

_VAE = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight):
    reconstruction = {rec}
    kl = {kl}
    return reconstruction + kl_weight * kl
'''
_VAE_OK = dict(rec="((x - x_recon) ** 2).mean(dim=(1, 2, 3))", kl="0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)")

_SAMPLE = "def sample_latent(mu, logvar):\n    eps = {eps}\n    return {z}\n"

_DBVAE = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim=16, n_filters=12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x):
        out = self.encoder(x)
        L = self.latent_dim
        logit, mu, logvar = {split}
        z = sample_latent(mu, logvar)
        return logit, mu, logvar, self.decoder({dec_in})
'''
_SPLIT_OK = "out[:, 0], out[:, 1:L + 1], out[:, L + 1:]"

_DEBIAS = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight):
    classification = F.binary_cross_entropy_with_logits(logit, y, reduction="none")
    face = {face}
    return {total}
'''
_DEBIAS_OK = dict(face="y.float()", total="(classification + face * vae_loss(x, x_recon, mu, logvar, kl_weight)).mean()")

_RESAMPLE = '''
def resampling_probabilities(mu, bins=10, smoothing=1e-3):
    {mu_line}
    p = torch.zeros(mu.shape[0])
    for j in range(mu.shape[1]):
        values = mu[:, j]
        lo, hi = values.min(), values.max()
        index = ((values - lo) / (hi - lo) * bins).long().clamp(0, bins - 1)
        density = torch.bincount(index, minlength=bins).float()
        density = density / density.sum()
{smooth}
        p_j = {p_j}
        p = torch.maximum(p, p_j / p_j.sum())
    return {ret}
'''
_SMOOTH_OK = "        density = density + smoothing\n        density = density / density.sum()"
_RESAMPLE_AXIS = '''
def resampling_probabilities(mu, bins=10, smoothing=1e-3):
    lo, hi = mu.min(dim=1, keepdim=True).values, mu.max(dim=1, keepdim=True).values
    index = ((mu - lo) / (hi - lo) * bins).long().clamp(0, bins - 1)
    p = torch.zeros(mu.shape[0])
    for j in range(mu.shape[1]):
        density = torch.bincount(index[:, j], minlength=bins).float()
        density = density / density.sum()
        density = (density + smoothing) / (density + smoothing).sum()
        p_j = 1.0 / density[index[:, j]]
        p = torch.maximum(p, p_j / p_j.sum())
    return p / p.sum()
'''
_RESAMPLE_OK = dict(mu_line="", smooth=_SMOOTH_OK, p_j="1.0 / density[index]", ret="p / p.sum()")

_TRAIN = '''
def train(model, loss_fn, x, y, epochs, batch_size, lr, weights_fn=None, seed=0):
    n_batches = -(-len(x) // batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator().manual_seed(seed)
    history = []
{before}    for epoch in range(epochs):
{weights}        idx = {draw}
        losses = []
        for start in range(0, len(x), batch_size):
            b = idx[start:start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model, x[b], y[b])
            loss.backward()
            optimizer.step()
{sched}            losses.append(loss.item())
        history.append(sum(losses) / len(losses))
    return history
'''
_W_EACH = "        weights = weights_fn(model) if weights_fn is not None else torch.ones(len(x))\n"
_TRAIN_OK = dict(before="", weights=_W_EACH, draw="torch.multinomial(weights, len(x), replacement=True, generator=gen)",
                 sched="            scheduler.step()\n")

MUTANTS = {
    "ex1_vae_loss": [
        ("KL with the wrong sign", _VAE.format(**{**_VAE_OK, "kl": "-0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)"})),
        ("exp(0.5·logvar) in the KL (logvar read as log sigma)", _VAE.format(**{**_VAE_OK, "kl": "0.5 * (torch.exp(0.5 * logvar) + mu ** 2 - 1 - logvar).sum(dim=1)"})),
        ("KL averaged over latent dimensions", _VAE.format(**{**_VAE_OK, "kl": "0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).mean(dim=1)"})),
        ("reconstruction summed over pixels", _VAE.format(**{**_VAE_OK, "rec": "((x - x_recon) ** 2).sum(dim=(1, 2, 3))"})),
    ],
    "ex2_reparameterise": [
        ("exp(logvar) as the standard deviation", _SAMPLE.format(eps="torch.randn_like(mu)", z="mu + torch.exp(logvar) * eps")),
        ("logvar used as the standard deviation", _SAMPLE.format(eps="torch.randn_like(mu)", z="mu + logvar * eps")),
        ("one eps shared by the whole batch", _SAMPLE.format(eps="torch.randn_like(mu[0])", z="mu + torch.exp(0.5 * logvar) * eps")),
        ("forgot the mean", _SAMPLE.format(eps="torch.randn_like(mu)", z="torch.exp(0.5 * logvar) * eps")),
    ],
    "ex3_dbvae": [
        ("decoder fed mu instead of the sample", _DBVAE.format(split=_SPLIT_OK, dec_in="mu")),
        ("mu and logvar swapped", _DBVAE.format(split="out[:, 0], out[:, L + 1:], out[:, 1:L + 1]", dec_in="z")),
        ("logit kept as (B, 1)", _DBVAE.format(split="out[:, :1], out[:, 1:L + 1], out[:, L + 1:]", dec_in="z")),
        ("mu slice starts at column 0 (overlaps the logit)", _DBVAE.format(split="out[:, 0], out[:, 0:L], out[:, L + 1:]", dec_in="z")),
    ],
    "ex4_debias_loss": [
        ("VAE term on non-faces too", _DEBIAS.format(**{**_DEBIAS_OK, "face": "torch.ones_like(y)"})),
        ("(B, 1) face indicator broadcast against (B,) losses", _DEBIAS.format(**{**_DEBIAS_OK, "face": "y.float().unsqueeze(1)"})),
        ("VAE term on non-faces only", _DEBIAS.format(**{**_DEBIAS_OK, "face": "1 - y.float()"})),
        ("VAE term averaged over faces, not the batch", _DEBIAS.format(**{**_DEBIAS_OK, "total": "classification.mean() + (face * vae_loss(x, x_recon, mu, logvar, kl_weight)).sum() / face.sum()"})),
    ],
    "ex5_resampling": [
        ("smoothing ignored", _RESAMPLE.format(**{**_RESAMPLE_OK, "smooth": ""})),
        ("probabilities not normalised at the end", _RESAMPLE.format(**{**_RESAMPLE_OK, "ret": "p"})),
        ("bin edges from each sample's min/max (wrong axis)", _RESAMPLE_AXIS),
        ("density instead of its inverse", _RESAMPLE.format(**{**_RESAMPLE_OK, "p_j": "density[index]"})),
    ],
    "ex6_train": [
        ("weights computed once, before the first epoch", _TRAIN.format(**{**_TRAIN_OK, "before": _W_EACH.replace("        ", "    ", 1), "weights": ""})),
        ("weights ignored: a plain shuffle", _TRAIN.format(**{**_TRAIN_OK, "draw": "torch.randperm(len(x), generator=gen)"})),
        ("scheduler never stepped", _TRAIN.format(**{**_TRAIN_OK, "sched": ""})),
        ("draws without the generator", _TRAIN.format(**{**_TRAIN_OK, "draw": "torch.multinomial(weights, len(x), replacement=True)"})),
    ],
}
