"""Blind round 4: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/01_face_detection.py nor
in benchmarks/blind/round1/, round2/ or round3/. CORRECT[...][0] is round 3's reference (reused by
name, so the proofs stay comparable); CORRECT[...][1] is this round's own, in another style. The
proofs are benchmarks/blind/round4/prove_02.py.
"""

from benchmarks.blind.answers import earlier_round

ROUND3 = earlier_round(3, __file__)


def _sub(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND3._EX1_OK
_EX1_PROBE = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        widths, kernels = [3, f, 2 * f, 4 * f], [5, 5, 3]
        convs = nn.Sequential(*[layer for c_in, c_out, k in zip(widths, widths[1:], kernels)
                                for layer in (nn.Conv2d(c_in, c_out, k, 2, k // 2), nn.BatchNorm2d(c_out), nn.ReLU())])
        convs.eval()                                  # a dummy pass must not touch BatchNorm's running statistics
        with torch.no_grad():
            flat = convs(torch.zeros(1, 3, image_size, image_size)).numel()
        convs.train()
        self.net = nn.Sequential(*convs, nn.Flatten(), nn.Linear(flat, 128), nn.ReLU(), nn.Linear(128, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.flatten(self.net(x))
'''
_EX1_THIRD_K5 = _sub(_EX1_OK, "nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1)", "nn.Conv2d(2 * f, 4 * f, 5, stride=2, padding=2)")
_EX1_LEAKY = _EX1_OK.replace("nn.BatchNorm2d(f), nn.ReLU()", "nn.BatchNorm2d(f), nn.LeakyReLU(0.2)").replace(
    "nn.BatchNorm2d(2 * f), nn.ReLU()", "nn.BatchNorm2d(2 * f), nn.LeakyReLU(0.2)").replace(
    "nn.BatchNorm2d(4 * f), nn.ReLU()", "nn.BatchNorm2d(4 * f), nn.LeakyReLU(0.2)")
_EX1_BN1D = _sub(_EX1_OK, "nn.Linear(4 * f * (image_size // 8) ** 2, 128), nn.ReLU(),",
                 "nn.Linear(4 * f * (image_size // 8) ** 2, 128), nn.BatchNorm1d(128), nn.ReLU(),")
_EX1_KERAS_BN = _EX1_OK.replace("nn.BatchNorm2d(f)", "nn.BatchNorm2d(f, eps=1e-3, momentum=0.99)").replace(
    "nn.BatchNorm2d(2 * f)", "nn.BatchNorm2d(2 * f, eps=1e-3, momentum=0.99)").replace(
    "nn.BatchNorm2d(4 * f)", "nn.BatchNorm2d(4 * f, eps=1e-3, momentum=0.99)")

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND3._EX2_OK
_EX2_MANUAL = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    import math
    import statistics

    model.train()
    device_of_model = next(model.parameters()).device
    opt = torch.optim.Adam(params=model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    n_batches = math.ceil(len(x) / batch_size)
    means = []
    for epoch in progress(range(epochs)):
        order = torch.randperm(len(x), generator=gen)
        batch_losses = []
        for b in range(n_batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            xb = torch.index_select(x, 0, idx).to(device_of_model)
            yb = torch.index_select(y, 0, idx).to(device_of_model).float()
            opt.zero_grad()
            z = model(xb)
            # the stable BCE-with-logits: max(z, 0) - z*y + log(1 + exp(-|z|))
            loss = (z.clamp(min=0) - z * yb + torch.log1p(torch.exp(-z.abs()))).mean()
            loss.backward()
            opt.step()
            batch_losses.append(float(loss.item()))
        means.append(statistics.fmean(batch_losses))
        if on_epoch:
            on_epoch(epoch, means[-1])
    return means
'''
_EX2_ZERO_BEFORE_STEP = _sub(_sub(_EX2_OK, "            optimizer.zero_grad()\n", ""),
                             "            loss.backward()\n",
                             "            loss.backward()\n            optimizer.zero_grad()\n")
_EX2_ADAMW = _sub(_EX2_OK, "torch.optim.Adam(model.parameters(), lr=lr)", "torch.optim.AdamW(model.parameters(), lr=lr)")
_EX2_CB_PER_BATCH = _sub(_sub(_EX2_OK, "        if on_epoch is not None:\n            on_epoch(epoch, mean_loss)\n", ""),
                         "            losses.append(loss.item())\n",
                         "            losses.append(loss.item())\n"
                         "            if on_epoch is not None:\n"
                         "                on_epoch(epoch, sum(losses) / len(losses))\n")
_EX2_CUMULATIVE = _sub(_sub(_EX2_OK, "        losses = []\n", ""), "    history = []\n", "    history = []\n    losses = []\n")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND3._EX3_OK
_EX3_SCATTER = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    said_face = []
    with torch.no_grad():
        start = 0
        while start < len(x):
            chunk = torch.narrow(x, 0, start, min(batch_size, len(x) - start))
            said_face.append(model(chunk.to(dev)).gt(0).cpu())
            start += batch_size
    said_face = torch.cat(said_face).long()
    truth = y.long()
    right = said_face.eq(truth).double()
    is_face = truth == 1
    ids = groups[is_face].long()
    hits = torch.zeros(n_groups, dtype=torch.float64).scatter_add_(0, ids, right[is_face])
    totals = torch.zeros(n_groups, dtype=torch.float64).scatter_add_(0, ids, torch.ones(len(ids), dtype=torch.float64))
    per_group = (hits / totals).float()
    best, worst = per_group.max().item(), per_group.min().item()
    return {"overall": right.mean().item(), "per_group": per_group, "worst": worst, "gap": best - worst}
'''
_EX3_BATCH_MEAN = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    parts, batch_accuracies = [], []
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            pred = (model(x[i:i + batch_size].to(dev)).cpu() > 0).float()
            parts.append((pred == y[i:i + batch_size]).float())
            batch_accuracies.append(parts[-1].mean().item())
    correct = torch.cat(parts)
    faces = y == 1
    hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)
    counts = torch.bincount(groups[faces], minlength=n_groups)
    per_group = hits / counts
    return {"overall": sum(batch_accuracies) / len(batch_accuracies), "per_group": per_group,
            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}
'''
_EX3_SHIFTED = _sub(_sub(_EX3_OK, "hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)",
                         "hits = torch.bincount(groups[faces] + 1, weights=correct[faces], minlength=n_groups + 1)"
                         "[:n_groups]  # +1: room for -1"),
                    "counts = torch.bincount(groups[faces], minlength=n_groups)",
                    "counts = torch.bincount(groups[faces] + 1, minlength=n_groups + 1)[:n_groups]")
_EX3_EXTRA_BATCH = _sub(_EX3_OK, "for i in range(0, len(x), batch_size)",
                        "for i in [b * batch_size for b in range(len(x) // batch_size + 1)]")
_EX3_ALL_FACES = _sub(_EX3_OK, "per_group = hits / counts", "per_group = hits / faces.sum()")

MUTANTS = {
    "ex1_cnn": [
        ("third convolution with kernel 5, padding 2, like the first two (the table says 3, padding 1)",
         _EX1_THIRD_K5),
        ("LeakyReLU(0.2) instead of ReLU in the convolution blocks", _EX1_LEAKY),
        ("BatchNorm1d(128) added after the hidden dense layer", _EX1_BN1D),
        ("BatchNorm2d(eps=1e-3, momentum=0.99): Keras' defaults, PyTorch reads momentum the other way",
         _EX1_KERAS_BN),
    ],
    "ex2_train": [
        ("zero_grad between backward and step: every step uses zero gradients", _EX2_ZERO_BEFORE_STEP),
        ("AdamW (weight decay 0.01 by default) instead of Adam", _EX2_ADAMW),
        ("on_epoch called after every batch, with the running mean", _EX2_CB_PER_BATCH),
        ("batch-loss list created once before the epochs: each epoch's mean covers all batches so far",
         _EX2_CUMULATIVE),
    ],
    "ex3_evaluate": [
        ("overall = mean of the per-batch accuracies: the short last batch weighs like a full one",
         _EX3_BATCH_MEAN),
        ("groups shifted by +1 for bincount, then [:n_groups] instead of [1:]: every group reads the one below",
         _EX3_SHIFTED),
        ("range(len(x) // batch_size + 1) batches: an empty extra batch when batch_size divides len(x)",
         _EX3_EXTRA_BATCH),
        ("per-group hits divided by the number of all faces, not the group's faces", _EX3_ALL_FACES),
    ],
}

CORRECT = {
    "ex1_cnn": [
        ("round 3: one Sequential written out, squeeze(-1)", _EX1_OK),
        ("layers from zipped widths, dense size from a dummy pass in eval mode, torch.flatten", _EX1_PROBE),
    ],
    "ex2_train": [
        ("round 3: randperm slices, F.binary_cross_entropy_with_logits", _EX2_OK),
        ("index_select per batch number, the stable BCE formula by hand, statistics.fmean", _EX2_MANUAL),
    ],
    "ex3_evaluate": [
        ("round 3: all logits first, bincount with weights", _EX3_OK),
        ("while loop with narrow, gt(0) as long ints, float64 scatter_add_, cast back", _EX3_SCATTER),
    ],
}
