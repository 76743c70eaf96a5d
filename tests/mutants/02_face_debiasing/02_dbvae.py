"""Wrong answers for lab 02 part 2 (DB-VAE): the classic slips in VAEs and in the public lab; correct
answers in other styles (CORRECT: the plain template first)."""

_VAE = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight):
{pre}    reconstruction = {rec}
    kl = {kl}
    return {total}
'''
_VAE_OK = dict(pre="", rec="((x - x_recon) ** 2).mean(dim=(1, 2, 3))", kl="0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)",
               total="reconstruction + kl_weight * kl")

_SAMPLE = "def sample_latent(mu, logvar):\n    eps = {eps}\n    return {z}\n"
_SAMPLE_OK = dict(eps="torch.randn_like(mu)", z="mu + torch.exp(0.5 * logvar) * eps")

_DBVAE = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim=16, n_filters=12):
        super().__init__()
{init}

    def forward(self, x):
        out = self.encoder(x)
        L = {L}
        logit, mu, logvar = {split}
        z = {sample}
        return logit, mu, logvar, self.decoder({dec_in})
'''
_SPLIT_OK = "out[:, 0], out[:, 1:L + 1], out[:, L + 1:]"
_INIT_OK = """        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)"""
_DBVAE_OK = dict(init=_INIT_OK, L="self.latent_dim", split=_SPLIT_OK, sample="sample_latent(mu, logvar)", dec_in="z")

_DEBIAS = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight):
    classification = {bce}
    face = {face}
    return {total}
'''
_DEBIAS_OK = dict(bce='F.binary_cross_entropy_with_logits(logit, y, reduction="none")', face="y.float()", total="(classification + face * vae_loss(x, x_recon, mu, logvar, kl_weight)).mean()")

_RESAMPLE = '''
def resampling_probabilities(mu, bins=10, smoothing=1e-3):
    {mu_line}
    p = torch.zeros(mu.shape[0], dtype=mu.dtype)
    for j in range(mu.shape[1]):
        values = mu[:, j]
        lo, hi = {lohi}
        index = {index}
        density = torch.bincount(index, minlength=bins).to(mu.dtype)
        density = density / density.sum()
{smooth}
        p_j = {p_j}
        p = {combine}
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
_RESAMPLE_OK = dict(mu_line="", lohi="values.min(), values.max()",
                    index="((values - lo) / (hi - lo) * bins).long().clamp(0, bins - 1)", smooth=_SMOOTH_OK,
                    p_j="1.0 / density[index]", combine="torch.maximum(p, p_j / p_j.sum())", ret="p / p.sum()")

_TRAIN = '''
def train(model, loss_fn, x, y, epochs, batch_size, lr, weights_fn=None, seed=0):
    n_batches = {n_batches}
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
{gen_once}    history = []
{before}    for epoch in range(epochs):
{gen_each}{weights}        idx = {draw}
        {mode}
        losses = []
        for start in range({batches}):
            b = {batch}
{zero}            loss = loss_fn(model, x[b], y[b])
            loss.backward()
            optimizer.step()
{sched}            losses.append({item})
{sched_epoch}        history.append(sum(losses) / len(losses))
    return history
'''
_W_EACH = "        weights = weights_fn(model) if weights_fn is not None else torch.ones(len(x))\n"
_GEN = "    gen = torch.Generator().manual_seed(seed)\n"
_TRAIN_OK = dict(n_batches="-(-len(x) // batch_size)", gen_once=_GEN, gen_each="", before="", weights=_W_EACH,
                 draw="torch.multinomial(weights, len(x), replacement=True, generator=gen)", mode="model.train()",
                 batches="0, len(x), batch_size", batch="idx[start:start + batch_size]",
                 zero="            optimizer.zero_grad()\n", sched="            scheduler.step()\n", item="loss.item()",
                 sched_epoch="")


_SAMPLE_NORMAL = "def sample_latent(mu, logvar):\n    return torch.normal(mu, torch.exp(0.5 * logvar))\n"
_SAMPLE_DIST = ("def sample_latent(mu, logvar):\n    dist = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))\n"
                "    return dist.{draw}()\n")
_SAMPLE_INPLACE = ("def sample_latent(mu, logvar):\n    std = logvar.mul_(0.5).exp_()\n"
                   "    return mu + std * torch.randn_like(mu)\n")

_VAE_TORCH = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight):
    reconstruction = F.mse_loss(x_recon, x, reduction="none").flatten(1).mean(dim=1)
    posterior = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    prior = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    kl = torch.distributions.kl_divergence(posterior, prior).sum(dim=1)
    return reconstruction + kl_weight * kl
'''
_VAE_EINSUM = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight):
    d = (x - x_recon).flatten(1)
    reconstruction = torch.einsum("bi,bi->b", d, d) / d.shape[1]
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)
    return reconstruction + kl_weight * kl
'''

_DBVAE_SPLIT = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim=16, n_filters=12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(2 * latent_dim + 1, n_filters)
        self.decoder = make_decoder(latent_dim, n_filters)

    def forward(self, x):
        logit, mu, logvar = self.encoder(x).split([1, self.latent_dim, self.latent_dim], dim=1)
        x_recon = self.decoder(sample_latent(mu, logvar))
        return logit.squeeze(1), mu, logvar, x_recon
'''

_DEBIAS_MASKED = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight):
    classification = F.binary_cross_entropy_with_logits(logit, y)
    faces = y == 1
    vae = vae_loss(x[faces], x_recon[faces], mu[faces], logvar[faces], kl_weight)
    return classification + vae.sum() / len(y)
'''

_RESAMPLE_VECTOR = '''
def resampling_probabilities(mu, bins=10, smoothing=1e-3):
    n = mu.shape[0]
    lo, hi = mu.min(dim=0).values, mu.max(dim=0).values              # (L,)
    index = ((mu - lo) / (hi - lo) * bins).long().clamp(0, bins - 1)  # (N, L)
    density = F.one_hot(index, bins).sum(dim=0).to(mu.dtype) / n     # (L, bins)
    density = (density + smoothing) / (density + smoothing).sum(dim=1, keepdim=True)
    p = 1.0 / torch.gather(density, 1, index.T).T                    # (N, L)
    p = p / p.sum(dim=0, keepdim=True)
    p = p.max(dim=1).values
    return p / p.sum()
'''
_RESAMPLE_DOUBLE = _RESAMPLE.format(**{**_RESAMPLE_OK, "mu_line": "dtype, mu = mu.dtype, mu.double()  # exact bins, cast back",
                                       "ret": "(p / p.sum()).to(dtype)"})

_TRAIN_SPLIT = '''
import math


def train(model, loss_fn, x, y, epochs, batch_size, lr, weights_fn=None, seed=0):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    total_steps = epochs * math.ceil(len(x) / batch_size)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for epoch in progress(range(epochs), desc="epochs"):
        weights = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        idx = torch.multinomial(weights, len(x), replacement=True, generator=gen)
        model.train()
        batch_losses = []
        for b in progress(idx.split(batch_size), desc=f"epoch {epoch}", leave=False):
            loss = loss_fn(model, x[b], y[b])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            batch_losses.append(loss.detach())
        history.append(torch.stack(batch_losses).mean().item())
    return history
'''

MUTANTS = {
    "ex1_vae_loss": [
        ("KL with the wrong sign", _VAE.format(**{**_VAE_OK, "kl": "-0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)"})),
        ("exp(0.5·logvar) in the KL (logvar read as log sigma)", _VAE.format(**{**_VAE_OK, "kl": "0.5 * (torch.exp(0.5 * logvar) + mu ** 2 - 1 - logvar).sum(dim=1)"})),
        ("KL averaged over latent dimensions", _VAE.format(**{**_VAE_OK, "kl": "0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).mean(dim=1)"})),
        ("reconstruction summed over pixels", _VAE.format(**{**_VAE_OK, "rec": "((x - x_recon) ** 2).sum(dim=(1, 2, 3))"})),
        # new, written blind (issue 17)
        ("reconstruction averaged over the whole batch (broadcast back)", _VAE.format(**{**_VAE_OK, "rec": "((x - x_recon) ** 2).mean()"})),
        ("kl_weight on the reconstruction term", _VAE.format(**{**_VAE_OK, "total": "kl_weight * reconstruction + kl"})),
        ("KL without the factor 1/2", _VAE.format(**{**_VAE_OK, "kl": "(logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)"})),
        ("KL without the -1", _VAE.format(**{**_VAE_OK, "kl": "0.5 * (logvar.exp() + mu ** 2 - logvar).sum(dim=1)"})),
        ("x_recon -= x in place (changes the caller's tensor)", _VAE.format(**{**_VAE_OK, "pre": "    x_recon -= x\n", "rec": "(x_recon ** 2).mean(dim=(1, 2, 3))"})),
        ("x_recon detached: no gradient to the decoder", _VAE.format(**{**_VAE_OK, "rec": "((x - x_recon.detach()) ** 2).mean(dim=(1, 2, 3))"})),
    ],
    "ex2_reparameterise": [
        ("exp(logvar) as the standard deviation", _SAMPLE.format(eps="torch.randn_like(mu)", z="mu + torch.exp(logvar) * eps")),
        ("logvar used as the standard deviation", _SAMPLE.format(eps="torch.randn_like(mu)", z="mu + logvar * eps")),
        ("one eps shared by the whole batch", _SAMPLE.format(eps="torch.randn_like(mu[0])", z="mu + torch.exp(0.5 * logvar) * eps")),
        ("forgot the mean", _SAMPLE.format(eps="torch.randn_like(mu)", z="torch.exp(0.5 * logvar) * eps")),
        # new, written blind (issue 17)
        ("torch.normal(mu, std): zero gradient through the sample", _SAMPLE_NORMAL),
        ("Normal(...).sample(): no gradient at all", _SAMPLE_DIST.format(draw="sample")),
        ("uniform noise: rand_like", _SAMPLE.format(**{**_SAMPLE_OK, "eps": "torch.rand_like(mu)"})),
        ("numpy noise: float64 result, ignores torch's seed", _SAMPLE.format(**{**_SAMPLE_OK, "eps": "torch.from_numpy(np.random.randn(*mu.shape))"})),
        ("std computed in place on the caller's logvar", _SAMPLE_INPLACE),
        ("mu detached: no gradient to the mean", _SAMPLE.format(**{**_SAMPLE_OK, "z": "mu.detach() + torch.exp(0.5 * logvar) * eps"})),
        ("blind round 1: logvar clamped to [-10, 10]",
         _SAMPLE.format(**{**_SAMPLE_OK, "z": "mu + torch.exp(0.5 * logvar.clamp(-10.0, 10.0)) * eps"})),
    ],
    "ex3_dbvae": [
        # blind round 1: replaces "decoder fed mu instead of the sample" (the same mistake in every mode)
        ("blind round 1: decoder fed mu in eval mode (no sampling)",
         _DBVAE.format(**{**_DBVAE_OK, "sample": "sample_latent(mu, logvar) if self.training else mu"})),
        ("mu and logvar swapped", _DBVAE.format(**{**_DBVAE_OK, "split": "out[:, 0], out[:, L + 1:], out[:, 1:L + 1]"})),
        # blind round 1: replaces "logit kept as (B, 1)" (caught by the same batch-of-one check, and more)
        ("blind round 1: logit.squeeze(): a batch of one gives a 0-d logit",
         _DBVAE.format(**{**_DBVAE_OK, "split": "out[:, :1].squeeze(), out[:, 1:L + 1], out[:, L + 1:]"})),
        ("mu slice starts at column 0 (overlaps the logit)", _DBVAE.format(**{**_DBVAE_OK, "split": "out[:, 0], out[:, 0:L], out[:, L + 1:]"})),
        # new, written blind (issue 17)
        ("decoder created before the encoder", _DBVAE.format(**{**_DBVAE_OK, "init": "\n".join(_INIT_OK.splitlines()[i] for i in (0, 2, 1))})),
        ("n_filters not passed on", _DBVAE.format(**{**_DBVAE_OK, "init": _INIT_OK.replace(", n_filters)", ")")})),
        ("latent_dim not stored on the model", _DBVAE.format(**{**_DBVAE_OK, "init": _INIT_OK.split("\n", 1)[1],
                                                                  "L": "(self.encoder[-1].out_features - 1) // 2"})),
        ("encoder run once per output", _DBVAE.format(**{**_DBVAE_OK, "split": "self.encoder(x)[:, 0], self.encoder(x)[:, 1:L + 1], self.encoder(x)[:, L + 1:]"}).replace(
            "        out = self.encoder(x)\n", "")),
        ("sample_latent(logvar, mu): arguments swapped", _DBVAE.format(**{**_DBVAE_OK, "sample": "sample_latent(logvar, mu)"})),
        ("logit read from the last column", _DBVAE.format(**{**_DBVAE_OK, "split": "out[:, -1], out[:, :L], out[:, L:2 * L]"})),
        ("blind round 1: mu and logvar detached before sampling (no gradient from the reconstruction)",
         _DBVAE.format(**{**_DBVAE_OK, "sample": "sample_latent(mu.detach(), logvar.detach())"})),
    ],
    "ex4_debias_loss": [
        ("VAE term on non-faces too", _DEBIAS.format(**{**_DEBIAS_OK, "face": "torch.ones_like(y)"})),
        ("(B, 1) face indicator broadcast against (B,) losses", _DEBIAS.format(**{**_DEBIAS_OK, "face": "y.float().unsqueeze(1)"})),
        ("VAE term on non-faces only", _DEBIAS.format(**{**_DEBIAS_OK, "face": "1 - y.float()"})),
        ("VAE term averaged over faces, not the batch", _DEBIAS.format(**{**_DEBIAS_OK, "total": "classification.mean() + (face * vae_loss(x, x_recon, mu, logvar, kl_weight)).sum() / face.sum()"})),
        # new, written blind (issue 17)
        ("sigmoid then binary_cross_entropy (saturates for confident logits)", _DEBIAS.format(**{**_DEBIAS_OK, "bce": 'F.binary_cross_entropy(torch.sigmoid(logit), y, reduction="none")'})),
        ("kl_weight not passed on (1.0)", _DEBIAS.format(**{**_DEBIAS_OK, "total": "(classification + face * vae_loss(x, x_recon, mu, logvar, 1.0)).mean()"})),
        ("mu and logvar swapped in the vae_loss call", _DEBIAS.format(**{**_DEBIAS_OK, "total": "(classification + face * vae_loss(x, x_recon, logvar, mu, kl_weight)).mean()"})),
        ("no mean: a (B,) loss", _DEBIAS.format(**{**_DEBIAS_OK, "total": "classification + face * vae_loss(x, x_recon, mu, logvar, kl_weight)"})),
        ("summed over the batch", _DEBIAS.format(**{**_DEBIAS_OK, "total": "(classification + face * vae_loss(x, x_recon, mu, logvar, kl_weight)).sum()"})),
        ("classification counted on faces only", _DEBIAS.format(**{**_DEBIAS_OK, "total": "(face * (classification + vae_loss(x, x_recon, mu, logvar, kl_weight))).mean()"})),
    ],
    "ex5_resampling": [
        ("smoothing ignored", _RESAMPLE.format(**{**_RESAMPLE_OK, "smooth": ""})),
        ("probabilities not normalised at the end", _RESAMPLE.format(**{**_RESAMPLE_OK, "ret": "p"})),
        ("bin edges from each sample's min/max (wrong axis)", _RESAMPLE_AXIS),
        ("density instead of its inverse", _RESAMPLE.format(**{**_RESAMPLE_OK, "p_j": "density[index]"})),
        # new, written blind (issue 17)
        ("one min/max over all dimensions", _RESAMPLE.format(**{**_RESAMPLE_OK, "lohi": "mu.min(), mu.max()"})),
        ("dimensions combined by the sum", _RESAMPLE.format(**{**_RESAMPLE_OK, "combine": "p + p_j / p_j.sum()"})),
        ("p_j not normalised before the maximum", _RESAMPLE.format(**{**_RESAMPLE_OK, "combine": "torch.maximum(p, p_j)"})),
        # blind round 1: replaces "the maximum gets a bin of its own (no clamp)": another value on a bin edge
        # in the wrong bin; the edge check (its grid holds the maximum) catches both
        ("blind round 1: bucketize on the inner edges: a value on an edge goes to the lower bin",
         _RESAMPLE.format(**{**_RESAMPLE_OK, "index": "torch.bucketize(values, torch.linspace(lo, hi, bins + 1)[1:-1])"})),
        ("smoothing added to the counts, not the shares", _RESAMPLE.format(**_RESAMPLE_OK).replace(
            "        density = density / density.sum()\n" + _SMOOTH_OK, _SMOOTH_OK)),
        ("mu shifted in place (changes the caller's tensor)", _RESAMPLE.format(**{**_RESAMPLE_OK, "mu_line": "mu -= mu.min(dim=0).values"})),
        ("probabilities accumulated in float64", _RESAMPLE.format(**_RESAMPLE_OK).replace(
            "torch.zeros(mu.shape[0], dtype=mu.dtype)", "torch.zeros(mu.shape[0], dtype=torch.float64)")),
    ],
    "ex6_train": [
        ("weights computed once, before the first epoch", _TRAIN.format(**{**_TRAIN_OK, "before": _W_EACH.replace("        ", "    ", 1), "weights": ""})),
        ("weights ignored: a plain shuffle", _TRAIN.format(**{**_TRAIN_OK, "draw": "torch.randperm(len(x), generator=gen)"})),
        ("scheduler never stepped", _TRAIN.format(**{**_TRAIN_OK, "sched": ""})),
        ("draws without the generator", _TRAIN.format(**{**_TRAIN_OK, "draw": "torch.multinomial(weights, len(x), replacement=True)"})),
        # new, written blind (issue 17)
        ("last partial batch dropped", _TRAIN.format(**{**_TRAIN_OK, "batches": "0, len(x) - batch_size + 1, batch_size"})),
        ("T_max from floor division", _TRAIN.format(**{**_TRAIN_OK, "n_batches": "len(x) // batch_size"})),
        ("scheduler stepped once per epoch", _TRAIN.format(**{**_TRAIN_OK, "sched": "", "sched_epoch": "        scheduler.step()\n"})),
        ("model never put back in training mode", _TRAIN.format(**{**_TRAIN_OK, "mode": "pass"})),
        ("losses kept as tensors (no .item())", _TRAIN.format(**{**_TRAIN_OK, "item": "loss"})),
        ("generator re-created every epoch", _TRAIN.format(**{**_TRAIN_OK, "gen_once": "", "gen_each": "    " + _GEN})),
        ("no zero_grad: gradients accumulate", _TRAIN.format(**{**_TRAIN_OK, "zero": ""})),
        ("zero_grad after the step: the first backward adds to the .grad the caller held (blind round 11)",
         _TRAIN.format(**{**_TRAIN_OK, "zero": "",
                          "sched": "            scheduler.step()\n            optimizer.zero_grad()\n"})),
    ],
}

CORRECT = {
    "ex1_vae_loss": [
        ("template", _VAE.format(**_VAE_OK)),
        ("F.mse_loss and torch.distributions.kl_divergence", _VAE_TORCH),
        ("einsum, the -0.5·(1 + logvar - mu² - σ²) form", _VAE_EINSUM),
    ],
    "ex2_reparameterise": [
        ("template", _SAMPLE.format(**_SAMPLE_OK)),
        ("Normal(...).rsample()", _SAMPLE_DIST.format(draw="rsample")),
    ],
    "ex3_dbvae": [
        ("template", _DBVAE.format(**_DBVAE_OK)),
        ("split([1, L, L]) and squeeze(1)", _DBVAE_SPLIT),
    ],
    "ex4_debias_loss": [
        ("template", _DEBIAS.format(**_DEBIAS_OK)),
        ("mean BCE plus the faces' VAE sum over B", _DEBIAS_MASKED),
    ],
    "ex5_resampling": [
        ("template", _RESAMPLE.format(**_RESAMPLE_OK)),
        ("vectorised over dimensions (one_hot, gather)", _RESAMPLE_VECTOR),
        ("float64 inside, cast back", _RESAMPLE_DOUBLE),
    ],
    "ex6_train": [
        ("template", _TRAIN.format(**_TRAIN_OK)),
        ("math.ceil, idx.split, progress over batches", _TRAIN_SPLIT),
    ],
}

# Blind round 12's answers that kept full marks, until vae_loss/keeps_float64, sample_latent/float64_noise,
# sample_latent/keeps_float16, dbvae/float64_model and resampling/keeps_float64.
from benchmarks.blind.answers import add_wrong_answers  # noqa: E402

add_wrong_answers(MUTANTS, 12, "02_face_debiasing/02_dbvae", {
        "ex1_vae_loss": ["(...).float() on the result"],
        "ex2_reparameterise": ["eps = torch.randn(mu.shape)", "exp(0.5 * logvar.float())"],
        "ex3_dbvae": ["self.encoder(x.float())"],
        "ex5_resampling": ["bincount(...).float()"]})

# Blind round 13's answers that kept full marks, until vae_loss/non_contiguous_images and
# debiasing_loss/float64_batch.
add_wrong_answers(MUTANTS, 13, "02_face_debiasing/02_dbvae", {
        "ex1_vae_loss": ["squared error .view(B, -1)"],
        "ex4_debias_loss": ["bce.float() + y.float() * vae.float()"]})

# Blind round 14's answer that kept full marks, until sample_latent/inside_callers_no_grad.
add_wrong_answers(MUTANTS, 14, "02_face_debiasing/02_dbvae",
                  {"ex2_reparameterise": ["torch.set_grad_enabled(False) for the draw"]})
add_wrong_answers(MUTANTS, 15, "02_face_debiasing/02_dbvae", {
    "ex2_reparameterise": ["@torch.enable_grad() on the function", "z.requires_grad_(True) before returning"],
})

add_wrong_answers(MUTANTS, 15, "02_face_debiasing/02_dbvae", {
    "ex2_reparameterise": ["torch.nan_to_num(z) 'to keep the decoder safe'"],
    "ex6_train": ["x[b].float(), y[b].float()"],
})
