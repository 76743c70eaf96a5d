"""Blind round 2: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/01_face_detection.py nor
in benchmarks/blind/round1/02_face_debiasing/01_face_detection.py. CORRECT[...][0] is the reference
the proofs (benchmarks/blind/round2/prove_01_02.py) compare with.
"""

# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1 = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        self.net = nn.Sequential(
            nn.Conv2d(3, f, 5, stride=2, padding=2), nn.BatchNorm2d(f{bn}), nn.ReLU(),
            nn.Conv2d(f, 2 * f, 5, stride=2, padding=2), nn.BatchNorm2d(2 * f{bn}), nn.ReLU(),
            nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1), nn.BatchNorm2d(4 * f{bn}), nn.ReLU(),
            nn.Flatten(),
            {dense}, nn.ReLU(),
            nn.Linear(128, 1),
        )
{extra}
    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        return self.net({inp}).squeeze(-1)
'''
_EX1_P = dict(bn="", dense="nn.Linear(4 * f * (image_size // 8) ** 2, 128)", extra="", inp="x")
_EX1_OK = _EX1.format(**_EX1_P)
_EX1_BLOCKS = '''
def _block(c_in: int, c_out: int, kernel: int) -> list[nn.Module]:
    return [nn.Conv2d(c_in, c_out, kernel_size=kernel, stride=2, padding=kernel // 2),
            nn.BatchNorm2d(c_out), nn.ReLU()]


class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        side = image_size // 8
        self.net = nn.Sequential(
            *_block(3, f, 5), *_block(f, 2 * f, 5), *_block(2 * f, 4 * f, 3),
            nn.Flatten(start_dim=1),
            nn.Linear(in_features=4 * f * side * side, out_features=128), nn.ReLU(),
            nn.Linear(in_features=128, out_features=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).select(1, 0)
'''
_EX1_LAZY = _EX1.format(**{**_EX1_P, "dense": "nn.LazyLinear(128)"})
_EX1_RESCALE = _EX1.format(**{**_EX1_P, "inp": "x / 255.0"})
_EX1_KAIMING = _EX1.format(**{**_EX1_P, "extra": (
    "        for m in self.net:\n"
    "            if isinstance(m, nn.Conv2d):\n"
    "                nn.init.kaiming_normal_(m.weight, nonlinearity='relu')\n")})
_EX1_NO_RUNNING = _EX1.format(**{**_EX1_P, "bn": ", track_running_stats=False"})

# ---- ex2_train --------------------------------------------------------------------------------
_EX2 = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train()
    dev = next(model.parameters()).device
    optimizer = torch.optim.{opt}(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for epoch in progress(range(epochs), desc="epochs"):
{reseed}        order = torch.randperm(len(x), generator=gen)
        losses = []
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            xb, yb = {batch}
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(xb), yb.float(){reduction})
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        mean_loss = sum(losses) / len(losses)
        history.append(mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss)
    return history
'''
_EX2_P = dict(opt="Adam", reseed="", batch="x[idx].to(dev), y[idx].to(dev)", reduction="")
_EX2_OK = _EX2.format(**_EX2_P)
_EX2_SAMPLER = '''
from torch.utils.data import BatchSampler


def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train(True)
    target = next(model.parameters()).device
    adam = torch.optim.Adam(params=model.parameters(), lr=lr)
    generator = torch.Generator()
    generator.manual_seed(seed)
    means = []
    for epoch in range(epochs):
        perm = torch.randperm(len(x), generator=generator).tolist()
        total, n = 0.0, 0
        for batch in progress(BatchSampler(perm, batch_size=batch_size, drop_last=False), leave=False):
            logits = model(x[batch].to(target))
            labels = y[batch].to(target).float()
            loss = (F.softplus(logits) - labels * logits).mean()   # BCE with logits, written out
            adam.zero_grad()
            loss.backward()
            adam.step()
            total += loss.item()
            n += 1
        means.append(total / n)
        if on_epoch:
            on_epoch(epoch, means[-1])
    return means
'''
_EX2_SGD = _EX2.format(**{**_EX2_P, "opt": "SGD"})
_EX2_ORDER_UNUSED = _EX2.format(**{**_EX2_P, "batch": "x[start:start + batch_size].to(dev), "
                                                     "y[start:start + batch_size].to(dev)"})
_EX2_SEED_PLUS_EPOCH = _EX2.format(**{**_EX2_P,
                                      "reseed": "        gen.manual_seed(seed + epoch)  # a new shuffle each epoch\n"})
_EX2_SUM = _EX2.format(**{**_EX2_P, "reduction": ', reduction="sum"'})

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3 = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + batch_size].to(dev)){squeeze}.cpu() for i in range(0, len(x), batch_size)])
    correct = ((logits > 0).float() == y).float()
    faces = {faces}
    hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)
    counts = torch.bincount(groups[faces], minlength=n_groups)
    per_group = hits / counts
    return {{"overall": {overall}, "per_group": per_group,
            "worst": {worst}, "gap": (per_group.max() - per_group.min()).item()}}
'''
_EX3_P = dict(squeeze="", faces="y == 1", overall="correct.mean().item()", worst="per_group.min().item()")
_EX3_OK = _EX3.format(**_EX3_P)
_EX3_RUNNING = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    hits = torch.zeros(n_groups, dtype=torch.float64)
    faces_seen = torch.zeros(n_groups, dtype=torch.float64)
    right_total = 0
    start = 0
    while start < len(x):
        stop = min(start + batch_size, len(x))
        with torch.no_grad():
            predicted_face = model(x[start:stop].to(dev)).cpu() > 0
        is_face = y[start:stop] == 1
        right = predicted_face == is_face
        right_total += int(right.sum())
        g = groups[start:stop][is_face].long()
        hits.index_add_(0, g, right[is_face].double())
        faces_seen.index_add_(0, g, torch.ones(len(g), dtype=torch.float64))
        start = stop
    per_group = (hits / faces_seen).float()
    worst, best = float(per_group.min()), float(per_group.max())
    return {"overall": right_total / len(x), "per_group": per_group, "worst": worst, "gap": best - worst}
'''
_EX3_BALANCED = _EX3.format(**{**_EX3_P, "overall": "per_group.mean().item()"})
_EX3_ARGMIN = _EX3.format(**{**_EX3_P, "worst": "per_group.argmin().item()"})
_EX3_PRECISION = _EX3.format(**{**_EX3_P, "faces": "logits > 0"})
_EX3_SQUEEZE = _EX3.format(**{**_EX3_P, "squeeze": ".squeeze()"})

MUTANTS = {
    "ex1_cnn": [
        ("nn.LazyLinear: the dense layer is created (and initialised) at the first forward", _EX1_LAZY),
        ("images divided by 255 again (they are already in [0, 1])", _EX1_RESCALE),
        ("convolutions re-initialised with kaiming_normal_ (not the default initialisation)", _EX1_KAIMING),
        ("BatchNorm2d(track_running_stats=False): eval mode still uses batch statistics", _EX1_NO_RUNNING),
    ],
    "ex2_train": [
        ("SGD instead of Adam", _EX2_SGD),
        ("permutation drawn but batches taken in the original order", _EX2_ORDER_UNUSED),
        ("generator reseeded with seed + epoch every epoch", _EX2_SEED_PLUS_EPOCH),
        ('BCE with reduction="sum" (loss and step scale with the batch size)', _EX2_SUM),
    ],
    "ex3_evaluate": [
        ("overall = mean of the per-group accuracies (balanced accuracy)", _EX3_BALANCED),
        ("worst = index of the worst group (argmin), not its accuracy", _EX3_ARGMIN),
        ("per-group accuracy over predicted faces (precision), not true faces", _EX3_PRECISION),
        ("squeeze() per batch: a last batch of one image is 0-d and cannot be concatenated", _EX3_SQUEEZE),
    ],
}

CORRECT = {
    "ex1_cnn": [
        ("one Sequential written out, squeeze(-1)", _EX1_OK),
        ("a block helper with padding kernel // 2, keyword Linear sizes, select(1, 0)", _EX1_BLOCKS),
    ],
    "ex2_train": [
        ("randperm slices, F.binary_cross_entropy_with_logits", _EX2_OK),
        ("BatchSampler over the permutation, BCE written as softplus(z) - y·z", _EX2_SAMPLER),
    ],
    "ex3_evaluate": [
        ("all logits first, bincount with weights", _EX3_OK),
        ("running float64 counts per batch with index_add_", _EX3_RUNNING),
    ],
}
