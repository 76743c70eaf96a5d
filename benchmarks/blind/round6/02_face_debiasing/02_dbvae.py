"""Blind round 6: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 2
(DB-VAE), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/02_dbvae.py nor in
benchmarks/blind/round1/ ... round5/. CORRECT[...][0] is round 5's reference (reused by name, so the
proofs stay comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round6/prove_02.py.
"""

from benchmarks.blind.answers import earlier_round

ROUND5 = earlier_round(5, __file__)


def _sub(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


# ---- ex1_vae_loss -----------------------------------------------------------------------------
_EX1_OK = ROUND5._EX1_OK
_EX1_EINSUM = '''
def vae_loss(x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    diff = (x - x_recon).flatten(start_dim=1)
    reconstruction = torch.einsum("bp,bp->b", diff, diff) / diff.shape[1]
    kl = -0.5 * torch.sum(1.0 + logvar - mu.square() - torch.exp(logvar), dim=-1)
    return torch.add(reconstruction, kl, alpha=kl_weight)
'''
# the norm, not its square: ||x - x_hat|| / CHW
_EX1_NORM = _sub(_EX1_OK, "reconstruction = ((x - x_recon) ** 2).mean(dim=(1, 2, 3))",
                 "reconstruction = torch.linalg.vector_norm(x - x_recon, dim=(1, 2, 3)) / x[0].numel()")
# -0.5·(1 + logvar - mu² + exp(logvar)): the sign of the variance term flipped in the popular form
_EX1_SIGN_EXP = _sub(_EX1_OK, "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)",
                     "kl = -0.5 * (1 + logvar - mu ** 2 + logvar.exp()).sum(dim=1)")
# beta forgotten: kl_weight never used
_EX1_NO_WEIGHT = _sub(_EX1_OK, "return reconstruction + kl_weight * kl", "return reconstruction + kl")
# logvar.exp_(): in place, the caller's logvar becomes sigma², and sigma² - logvar cancels
_EX1_EXP_INPLACE = _sub(_EX1_OK, "kl = 0.5 * (logvar.exp() + mu ** 2 - 1 - logvar).sum(dim=1)",
                        "var = logvar.exp_()\n    kl = 0.5 * (var + mu ** 2 - 1 - logvar).sum(dim=1)")

# ---- ex2_reparameterise -----------------------------------------------------------------------
_EX2_OK = ROUND5._EX2_OK
_EX2_INDEPENDENT = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    posterior = torch.distributions.Independent(torch.distributions.Normal(mu, torch.exp(logvar / 2)), 1)
    return posterior.rsample()
'''
# covariance_matrix = diag(sigma): the standard deviation where the variance goes, sigma' = exp(logvar / 4)
_EX2_MVN = '''
def sample_latent(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    std = torch.exp(0.5 * logvar)
    q = torch.distributions.MultivariateNormal(mu, covariance_matrix=torch.diag_embed(std))
    return q.rsample()
'''
_EX2_SQUEEZE = _sub(_EX2_OK, "return mu + torch.exp(0.5 * logvar) * eps", "return (mu + torch.exp(0.5 * logvar) * eps).squeeze()")
_EX2_FORK_RNG = _sub(_EX2_OK, "    eps = torch.randn_like(mu)\n",
                     "    with torch.random.fork_rng():   # leave the global RNG as it was\n"
                     "        eps = torch.randn_like(mu)\n")
_EX2_RANDN_LEN = _sub(_EX2_OK, "eps = torch.randn_like(mu)", "eps = torch.randn(len(mu))")

# ---- ex3_dbvae --------------------------------------------------------------------------------
_EX3_OK = ROUND5._EX3_OK
_EX3_UNBIND = '''
class DBVAE(nn.Module):
    def __init__(self, latent_dim: int = 16, n_filters: int = 12):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = make_encoder(n_outputs=2 * latent_dim + 1, n_filters=n_filters)
        self.decoder = make_decoder(latent_dim=latent_dim, n_filters=n_filters)

    def forward(self, x: torch.Tensor):
        encoded = self.encoder(x)
        logit = encoded.narrow(1, 0, 1).reshape(-1)
        mu, logvar = encoded.narrow(1, 1, 2 * self.latent_dim).reshape(len(x), 2, self.latent_dim).unbind(1)
        return logit, mu, logvar, self.decoder(sample_latent(mu, logvar))
'''
_EX3_RECON_FIRST = _sub(_EX3_OK, "return logit, mu, logvar, x_recon", "return x_recon, mu, logvar, logit")
_EX3_LOGIT_COLUMN = _sub(_EX3_OK, "out[:, 0], out[:, 1:L + 1]", "out[:, :1], out[:, 1:L + 1]")
_EX3_SOFTPLUS = _sub(_EX3_OK, "out[:, 0], out[:, 1:L + 1], out[:, L + 1:]",
                     "out[:, 0], out[:, 1:L + 1], F.softplus(out[:, L + 1:])   # a variance is positive")
_EX3_EVAL_NO_GRAD = _sub(_EX3_OK, "        x_recon = self.decoder(z)\n",
                         "        if self.training:\n            x_recon = self.decoder(z)\n"
                         "        else:\n            with torch.no_grad():   # no gradients needed at evaluation\n"
                         "                x_recon = self.decoder(z)\n")

# ---- ex4_debias_loss --------------------------------------------------------------------------
_EX4_OK = ROUND5._EX4_OK
_EX4_LOOP = '''
def debiasing_loss(logit, y, x, x_recon, mu, logvar, kl_weight: float) -> torch.Tensor:
    total = logit.new_zeros(())
    vae = vae_loss(x, x_recon, mu, logvar, kl_weight)
    for i in range(len(y)):
        total = total + F.binary_cross_entropy_with_logits(logit[i], y[i])
        if y[i] == 1:
            total = total + vae[i]
    return total / len(y)
'''
_EX4_OVER_FACES = _sub(_EX4_OK, "return (bce + y * vae).mean()", "return (bce + y * vae).sum() / y.sum()")
_EX4_MASKED_IMAGES = _sub(_EX4_OK, "vae = vae_loss(x, x_recon, mu, logvar, kl_weight)",
                          "m = y.view(-1, 1, 1, 1)   # non-faces: nothing to reconstruct\n"
                          "    vae = vae_loss(x * m, x_recon * m, mu, logvar, kl_weight)")
_EX4_MASKED_IMAGES = _sub(_EX4_MASKED_IMAGES, "return (bce + y * vae).mean()", "return (bce + vae).mean()")
_EX4_SQUEEZE = _sub(_EX4_OK, "F.binary_cross_entropy_with_logits(logit, y,",
                    "F.binary_cross_entropy_with_logits(logit.squeeze(), y,")
_EX4_LABEL_INDEX = _sub(_EX4_OK, "return (bce + y * vae).mean()",
                        "return bce.mean() + vae[y.long()].sum() / len(y)   # the faces' VAE losses")

# ---- ex5_resampling ---------------------------------------------------------------------------
_EX5_OK = ROUND5._EX5_OK
_EX5_VECTOR = '''
def resampling_probabilities(mu: torch.Tensor, bins: int = 10, smoothing: float = 1e-3) -> torch.Tensor:
    n = mu.shape[0]
    lo, hi = mu.amin(dim=0, keepdim=True), mu.amax(dim=0, keepdim=True)
    index = torch.floor((mu - lo) / (hi - lo) * bins).long().clamp(max=bins - 1)      # (N, L)
    counts = torch.zeros(bins, mu.shape[1], dtype=mu.dtype).scatter_add_(0, index, torch.ones_like(mu))
    density = counts / n + smoothing
    density = density / density.sum(dim=0, keepdim=True)
    inv = torch.take_along_dim(density, index, dim=0).reciprocal()                   # (N, L)
    p = (inv / inv.sum(dim=0, keepdim=True)).max(dim=1).values
    return p / p.sum()
'''
_EX5_NO_MIN = _sub(_EX5_OK, "index = ((v - lo) / (hi - lo) * bins)", "index = (v / (hi - lo) * bins)")
_EX5_HIST_DENSITY = _sub(_EX5_OK, "density = torch.bincount(index, minlength=bins).to(mu.dtype) / n",
                         "width = (hi - lo) / bins\n"
                         "        density = torch.bincount(index, minlength=bins).to(mu.dtype) / (n * width)   # density=True")
_EX5_SORTED = _sub(_EX5_OK, "        v = mu[:, j]\n", "        v = mu[:, j].sort().values\n")
_EX5_FLOOR_DIV = _sub(_EX5_OK, "index = ((v - lo) / (hi - lo) * bins).floor().long().clamp(max=bins - 1)",
                      "width = (hi - lo) / bins\n"
                      "        index = ((v - lo) // width).long().clamp(max=bins - 1)")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND5._EX6_OK
_EX6_SPLIT = '''
def train(model: nn.Module, loss_fn, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
          lr: float, weights_fn=None, seed: int = 0) -> list[float]:
    dev = next(model.parameters()).device
    n_batches = -(-len(x) // batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * n_batches)
    gen = torch.Generator()
    gen.manual_seed(seed)
    history = []
    for _ in range(epochs):
        weights = torch.ones(len(x)) if weights_fn is None else weights_fn(model)
        drawn = torch.multinomial(weights, num_samples=len(x), replacement=True, generator=gen)
        model.train()
        epoch_losses = torch.zeros(n_batches, dtype=torch.float64)
        for k, b in enumerate(torch.split(drawn, batch_size)):
            loss = loss_fn(model, x[b].to(dev), y[b].to(dev))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            epoch_losses[k] = loss.item()
        history.append(epoch_losses.mean().item())
    return history
'''
_EX6_RESHUFFLE = _sub(_EX6_OK, "        model.train()\n",
                      "        idx = idx[torch.randperm(len(idx), generator=gen)]   # shuffle the draws\n"
                      "        model.train()\n")
_EX6_FLOAT_TMAX = _sub(_EX6_OK, "T_max=epochs * n_batches)", "T_max=epochs * len(x) / batch_size)")
_EX6_LAST_LOSS = _sub(_EX6_OK, "history.append(sum(losses) / len(losses))", "history.append(loss.item())")
_EX6_CHUNK = _sub(_sub(_EX6_OK, "for start in range(0, len(x), batch_size):", "for b in idx.chunk(n_batches):"),
                  "            b = idx[start:start + batch_size]\n", "")

MUTANTS = {
    "ex1_vae_loss": [
        ("||x - x_hat|| / CHW: the norm, not its square", _EX1_NORM),
        ("-0.5·(1 + logvar - mu² + exp(logvar)): the variance term's sign flipped", _EX1_SIGN_EXP),
        ("kl_weight never used: reconstruction + KL", _EX1_NO_WEIGHT),
        ("var = logvar.exp_(): the caller's logvar overwritten, and var - logvar cancels in the KL",
         _EX1_EXP_INPLACE),
    ],
    "ex2_reparameterise": [
        ("MultivariateNormal(mu, covariance_matrix=diag(sigma)): the std where the variance goes", _EX2_MVN),
        ("(mu + sigma·eps).squeeze(): a batch of one comes back as (L,)", _EX2_SQUEEZE),
        ("eps drawn inside torch.random.fork_rng(): the RNG never advances, every call the same noise",
         _EX2_FORK_RNG),
        ("eps = torch.randn(len(mu)): one draw per image broadcast along the latent axis (raises unless B == L)",
         _EX2_RANDN_LEN),
    ],
    "ex3_dbvae": [
        ("returns (x_recon, mu, logvar, logit): the VAE tutorials' order, the logit last", _EX3_RECON_FIRST),
        ("logit = out[:, :1]: shape (B, 1), not (B,)", _EX3_LOGIT_COLUMN),
        ("softplus on the logvar columns ('a variance is positive'): not the encoder's columns as they are",
         _EX3_SOFTPLUS),
        ("decoder under torch.no_grad in eval mode: forward looks at self.training, no gradient in eval",
         _EX3_EVAL_NO_GRAD),
    ],
    "ex4_debias_loss": [
        ("(bce + y·vae).sum() / y.sum(): both terms averaged over the faces, not the batch", _EX4_OVER_FACES),
        ("non-faces masked in the images (x·y, x_recon·y), not in the loss: their KL still counts",
         _EX4_MASKED_IMAGES),
        ("logit.squeeze() in the BCE: a batch of one gives a 0-d logit against a (1,) label and raises",
         _EX4_SQUEEZE),
        ("vae[y.long()]: the labels used as indices (images 0 and 1), not as a mask", _EX4_LABEL_INDEX),
    ],
    "ex5_resampling": [
        ("bin from v / (max - min) · bins: the minimum never subtracted (negative bins raise)", _EX5_NO_MIN),
        ("density as numpy's density=True, share / bin width: smoothed on another scale", _EX5_HIST_DENSITY),
        ("each column sorted before binning: p_j in sorted order, not the faces' order", _EX5_SORTED),
        ("bin = (v - min) // width: float rounding puts some edge values one bin lower (0.7 // 0.1 = 6)",
         _EX5_FLOOR_DIV),
    ],
    "ex6_train": [
        ("drawn idx reshuffled with randperm(generator=gen): other batches, and gen's stream moves on",
         _EX6_RESHUFFLE),
        ("T_max = epochs · len(x) / batch_size: a float without the ceil, the cosine ends early", _EX6_FLOAT_TMAX),
        ("epoch loss = the last batch's loss", _EX6_LAST_LOSS),
        ("idx.chunk(n_batches): equal chunks, not batches of batch_size (30 by 7: 6 x 5, not 7 x 4 + 2)",
         _EX6_CHUNK),
    ],
}

CORRECT = {
    "ex1_vae_loss": [
        ("round 3: per-image mean of squares, KL with exp(logvar)", _EX1_OK),
        ("einsum of the flattened difference, the -0.5·(1 + logvar - mu² - σ²) form, torch.add alpha", _EX1_EINSUM),
    ],
    "ex2_reparameterise": [
        ("round 3: mu + exp(0.5 logvar) * randn_like(mu)", _EX2_OK),
        ("Independent(Normal(mu, exp(logvar / 2)), 1).rsample()", _EX2_INDEPENDENT),
    ],
    "ex3_dbvae": [
        ("round 3: column slices of the encoder output", _EX3_OK),
        ("keyword factories, narrow, reshape(B, 2, L).unbind(1)", _EX3_UNBIND),
    ],
    "ex4_debias_loss": [
        ("round 3: (bce + y * vae).mean()", _EX4_OK),
        ("a loop over the images, per-image BCE, the VAE term added for faces", _EX4_LOOP),
    ],
    "ex5_resampling": [
        ("round 3: a loop over dimensions with bincount", _EX5_OK),
        ("vectorised: scatter_add_ counts (bins, L), take_along_dim, max(dim=1)", _EX5_VECTOR),
    ],
    "ex6_train": [
        ("round 3: for loop over batch starts", _EX6_OK),
        ("torch.split of the draws, ceil by negative floor division, float64 loss tensor", _EX6_SPLIT),
    ],
}
