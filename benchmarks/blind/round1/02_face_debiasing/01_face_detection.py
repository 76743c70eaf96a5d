"""Blind round: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook only, without the
hidden checks.

Every mutant is a mistake not already in tests/mutants/02_face_debiasing/01_face_detection.py.
CORRECT[...][0] is the reference the proofs (benchmarks/blind/round1/prove_01_02.py) compare with.
"""

# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        features = nn.Sequential(
            nn.Conv2d(3, f, kernel_size=5, stride=2, padding=2), nn.BatchNorm2d(f), nn.ReLU(),
            nn.Conv2d(f, 2 * f, kernel_size=5, stride=2, padding=2), nn.BatchNorm2d(2 * f), nn.ReLU(),
            nn.Conv2d(2 * f, 4 * f, kernel_size=3, stride=2, padding=1), nn.BatchNorm2d(4 * f), nn.ReLU(),
            nn.Flatten(),
        )
        features.eval()   # a dummy pass to size the dense layer must not touch the BatchNorm statistics
        with torch.no_grad():
            n_flat = features(torch.zeros(1, 3, image_size, image_size)).shape[1]
        features.train()
        self.net = nn.Sequential(*features, nn.Linear(n_flat, 128), nn.ReLU(), nn.Linear(128, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.squeeze(self.net(x), dim=1)
'''
_EX1_APPEND = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        self.net = nn.Sequential()
        channels = [3, f, 2 * f, 4 * f]
        kernels, paddings = [5, 5, 3], [2, 2, 1]
        for i in range(3):
            self.net.append(nn.Conv2d(channels[i], channels[i + 1], kernels[i], 2, paddings[i]))
            self.net.append(nn.BatchNorm2d(channels[i + 1]))
            self.net.append(nn.ReLU())
        self.net.append(nn.Flatten())
        self.net.append(nn.Linear(channels[-1] * (image_size // 8) * (image_size // 8), 128))
        self.net.append(nn.ReLU())
        self.net.append(nn.Linear(128, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).flatten()
'''
_EX1 = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
{body}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)
'''
_BLOCKS = '''            nn.Conv2d(3, f, 5, stride=2, padding=2{bias}), nn.BatchNorm2d(f), nn.ReLU(),{pool}
            nn.Conv2d(f, 2 * f, 5, stride=2, padding=2{bias}), nn.BatchNorm2d(2 * f), nn.ReLU(),
            nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1{bias}), nn.BatchNorm2d(4 * f), nn.ReLU(),'''
_HEAD = "            nn.Flatten(), nn.Linear(4 * f * (image_size // {div}) ** 2, 128), nn.ReLU(), nn.Linear(128, 1),"


def _cnn(bias="", pool="", div=8):
    blocks = _BLOCKS.format(bias=bias, pool=pool)
    body = "        self.net = nn.Sequential(\n" + blocks + "\n" + _HEAD.format(div=div) + "\n        )"
    return _EX1.format(body=body)


_EX1_NO_BIAS = _cnn(bias=", bias=False")
_EX1_DENSE_FIRST = _EX1.format(body=(
    "        dense = [nn.Flatten(), nn.Linear(4 * f * (image_size // 8) ** 2, 128), nn.ReLU(), nn.Linear(128, 1)]\n"
    "        convs = [\n" + _BLOCKS.format(bias="", pool="") + "\n        ]\n"
    "        self.net = nn.Sequential(*convs, *dense)"))
_EX1_MAXPOOL = _EX1.format(body=(
    "        self.net = nn.Sequential(\n"
    "            nn.Conv2d(3, f, 5, padding=2), nn.BatchNorm2d(f), nn.ReLU(), nn.MaxPool2d(2),\n"
    "            nn.Conv2d(f, 2 * f, 5, padding=2), nn.BatchNorm2d(2 * f), nn.ReLU(), nn.MaxPool2d(2),\n"
    "            nn.Conv2d(2 * f, 4 * f, 3, padding=1), nn.BatchNorm2d(4 * f), nn.ReLU(), nn.MaxPool2d(2),\n"
    + _HEAD.format(div=8) + "\n        )"))
_EX1_DIV4 = _cnn(div=4)

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train()
    dev = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    n_batches = -(-len(x) // batch_size)
    history = []
    for epoch in progress(range(epochs), desc="epochs"):
        order = torch.randperm(len(x), generator=gen)
        batch_losses = []
        for b in range(n_batches):
            idx = order[b * batch_size:(b + 1) * batch_size]
            xb, yb = x[idx].to(dev), y[idx].to(dev)
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(xb), yb.float())
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        mean_loss = float(np.mean(batch_losses))
        history.append(mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss)
    return history
'''
_EX2_STACK = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train(True)
    target = next(model.parameters()).device
    opt = torch.optim.Adam(params=model.parameters(), lr=lr)
    criterion = nn.BCEWithLogitsLoss()
    generator = torch.Generator()
    generator.manual_seed(seed)
    per_epoch = []
    bar = progress(total=epochs)
    for epoch in range(epochs):
        perm = torch.randperm(len(x), generator=generator)
        values = []
        start = 0
        while start < len(x):
            chosen = perm[start:start + batch_size]
            start += batch_size
            opt.zero_grad(set_to_none=True)
            loss = criterion(model(x[chosen].to(target)), y[chosen].to(target))
            loss.backward()
            opt.step()
            values.append(loss.item())
        per_epoch.append(torch.tensor(values, dtype=torch.float64).mean().item())
        bar.update(1)
        if on_epoch:
            on_epoch(epoch, per_epoch[-1])
    bar.close()
    return per_epoch
'''
_EX2 = '''
def train_classifier(model, x, y, epochs, batch_size, lr, seed=0, on_epoch=None):
    model.train()
    dev = next(model.parameters()).device
{opt_outer}    gen = torch.Generator().manual_seed({seed})
    history = []
    for epoch in progress(range(epochs)):
{opt_inner}        order = torch.randperm(len(x), generator=gen)
        losses = []
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            xb, yb = x[idx].to(dev), y[idx].to(dev)
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append({item})
        history.append({mean})
        if on_epoch is not None:
            on_epoch({epoch}, history[-1])
    return history
'''
_OPT = "optimizer = torch.optim.Adam(model.parameters(), lr=lr)\n"
_EX2_P = dict(opt_outer="    " + _OPT, opt_inner="", seed="seed", item="loss.item()", mean="sum(losses) / len(losses)",
              epoch="epoch")
_EX2_OPT_EACH_EPOCH = _EX2.format(**{**_EX2_P, "opt_outer": "", "opt_inner": "        " + _OPT})
_EX2_SEED0 = _EX2.format(**{**_EX2_P, "seed": "0"})
_EX2_EPOCH_FROM_1 = _EX2.format(**{**_EX2_P, "epoch": "epoch + 1"})
_EX2_PER_EXAMPLE = _EX2.format(**{**_EX2_P, "item": "loss.item() * len(idx)", "mean": "sum(losses) / len(x)"})

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    predicted = torch.zeros(len(x), dtype=torch.bool)
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            stop = min(start + batch_size, len(x))
            predicted[start:stop] = model(x[start:stop].to(dev)).cpu() > 0
    correct = (predicted == (y == 1)).float()
    face = y == 1
    g = groups[face].long()
    hits = torch.zeros(n_groups).scatter_add_(0, g, correct[face])
    counts = torch.zeros(n_groups).scatter_add_(0, g, torch.ones(len(g)))
    per_group = hits / counts
    return {"overall": correct.mean().item(), "per_group": per_group,
            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}
'''
_EX3_ONEHOT = '''
@torch.no_grad()
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    logits = []
    i = 0
    while i < len(x):
        logits.append(model(x[i:i + batch_size].to(dev)).cpu())
        i += batch_size
    logits = torch.cat(logits)
    right = torch.where(logits > 0, 1.0, 0.0) == y.float()
    is_face = y == 1
    member = F.one_hot(groups[is_face].long(), n_groups).float()      # (faces, n_groups)
    per_group = (member * right[is_face].float()[:, None]).sum(0) / member.sum(0)
    best, worst = per_group.max(), per_group.min()
    return {"overall": float(right.float().mean()), "per_group": per_group,
            "worst": float(worst), "gap": float(best - worst)}
'''
_EX3 = '''
def evaluate_by_group(model, x, y, groups, n_groups, batch_size=512):
    model.eval()
    dev = next(model.parameters()).device
    with torch.no_grad():
        logits = torch.cat([model(b.to(dev)).cpu() for b in {batches}])
    pred = ({pred}).float()
{after}    correct = (pred == y).float()
    faces = y == 1
    hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)
    counts = torch.bincount(groups[faces], minlength=n_groups)
    per_group = hits / counts
    return {{"overall": correct.mean().item(), "per_group": per_group,
            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}}
'''
_EX3_P = dict(batches="x.split(batch_size)", pred="logits > 0", after="")
_EX3_GE = _EX3.format(**{**_EX3_P, "pred": "logits >= 0"})
_EX3_CHUNK = _EX3.format(**{**_EX3_P, "batches": "torch.chunk(x, batch_size)"})
_EX3_BACK_TO_TRAIN = _EX3.format(**{**_EX3_P,
                                    "after": "    model.train()  # back to training mode, as accuracy() does\n"})
_EX3_SIGMOID = _EX3.format(**{**_EX3_P, "pred": "torch.sigmoid(logits) > 0"})

MUTANTS = {
    "ex1_cnn": [
        ("convolutions without bias (BatchNorm follows)", _EX1_NO_BIAS),
        ("dense layers created before the convolutions", _EX1_DENSE_FIRST),
        ("stride-1 convolutions + MaxPool2d(2) instead of stride 2", _EX1_MAXPOOL),
        ("flattened size from image_size // 4 (one halving too few)", _EX1_DIV4),
    ],
    "ex2_train": [
        ("Adam re-created every epoch (its moments reset)", _EX2_OPT_EACH_EPOCH),
        ("generator seeded with 0, seed argument ignored", _EX2_SEED0),
        ("on_epoch's epoch counts from 1", _EX2_EPOCH_FROM_1),
        ("mean over examples, not over batches", _EX2_PER_EXAMPLE),
    ],
    "ex3_evaluate": [
        ("logit >= 0 counts as a face", _EX3_GE),
        ("torch.chunk(x, batch_size): batch_size chunks, not chunks of batch_size", _EX3_CHUNK),
        ("model put back in training mode at the end", _EX3_BACK_TO_TRAIN),
        ("sigmoid(logit) > 0: every image is a face", _EX3_SIGMOID),
    ],
}

CORRECT = {
    "ex1_cnn": [
        ("dense size from a dummy pass in eval mode, squeeze(dim=1)", _EX1_OK),
        ("Sequential.append in a loop, flatten()", _EX1_APPEND),
    ],
    "ex2_train": [
        ("batch index arithmetic, np.mean", _EX2_OK),
        ("while loop, BCEWithLogitsLoss, a manual progress bar, float64 mean", _EX2_STACK),
    ],
    "ex3_evaluate": [
        ("boolean predictions filled per batch, scatter_add_", _EX3_OK),
        ("one_hot group membership, while loop over batches", _EX3_ONEHOT),
    ],
}
