"""Blind round 3: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/01_face_detection.py nor
in benchmarks/blind/round1/ or round2/. CORRECT[...][0] is the reference the proofs
(benchmarks/blind/round3/prove_01_02.py) compare with.
"""


def _sub(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        self.net = nn.Sequential(
            nn.Conv2d(3, f, 5, stride=2, padding=2), nn.BatchNorm2d(f), nn.ReLU(),
            nn.Conv2d(f, 2 * f, 5, stride=2, padding=2), nn.BatchNorm2d(2 * f), nn.ReLU(),
            nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1), nn.BatchNorm2d(4 * f), nn.ReLU(),
            nn.Flatten(),
            nn.Linear(4 * f * (image_size // 8) ** 2, 128), nn.ReLU(),
            nn.Linear(128, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        return self.net(x).squeeze(-1)
'''
_EX1_SPEC = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        spec = [(3, f, 5, 2), (f, 2 * f, 5, 2), (2 * f, 4 * f, 3, 1)]   # (in, out, kernel, padding)
        layers = []
        for c_in, c_out, k, p in spec:
            layers += [nn.Conv2d(c_in, c_out, kernel_size=k, stride=2, padding=p), nn.BatchNorm2d(c_out), nn.ReLU()]
        side = image_size // 2 // 2 // 2
        layers += [nn.Flatten(), nn.Linear(c_out * side * side, 128), nn.ReLU(), nn.Linear(128, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).reshape(x.shape[0])
'''
_EX1_K3 = _sub(_sub(_EX1_OK, "nn.Conv2d(3, f, 5, stride=2, padding=2)", "nn.Conv2d(3, f, 3, stride=2, padding=1)"),
               "nn.Conv2d(f, 2 * f, 5, stride=2, padding=2)", "nn.Conv2d(f, 2 * f, 3, stride=2, padding=1)")
_EX1_FLOAT_SIZE = _sub(_EX1_OK, "(image_size // 8) ** 2", "(image_size / 8) ** 2")
_EX1_SAME = _sub(_EX1_OK, "nn.Conv2d(3, f, 5, stride=2, padding=2)", "nn.Conv2d(3, f, 5, stride=2, padding='same')")
_EX1_SECOND_F = _sub(_sub(_EX1_OK, "nn.Conv2d(f, 2 * f, 5, stride=2, padding=2), nn.BatchNorm2d(2 * f)",
                          "nn.Conv2d(f, f, 5, stride=2, padding=2), nn.BatchNorm2d(f)"),
                     "nn.Conv2d(2 * f, 4 * f, 3", "nn.Conv2d(f, 4 * f, 3")

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train()
    dev = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for epoch in progress(range(epochs), desc="epochs"):
        order = torch.randperm(len(x), generator=gen)
        losses = []
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            xb, yb = x[idx].to(dev), y[idx].to(dev)
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(xb), yb.float())
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        mean_loss = sum(losses) / len(losses)
        history.append(mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss)
    return history
'''
_EX2_SPLIT = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train(True)
    where = next(model.parameters()).device
    adam = torch.optim.Adam(model.parameters(), lr)
    criterion = nn.BCEWithLogitsLoss()
    rng = torch.Generator()
    rng.manual_seed(seed)
    result = []
    for epoch in range(epochs):
        batch_losses = torch.tensor([], dtype=torch.float64)
        for idx in progress(torch.randperm(len(x), generator=rng).split(batch_size), leave=False):
            adam.zero_grad()
            loss = criterion(model(x[idx].to(where)), y[idx].to(where).float())
            loss.backward()
            adam.step()
            batch_losses = torch.cat([batch_losses, torch.tensor([loss.item()], dtype=torch.float64)])
        result.append(batch_losses.mean().item())
        if on_epoch is not None:
            on_epoch(epoch, result[-1])
    return result
'''
_EX2_UNSQUEEZE = _sub(_EX2_OK, "F.binary_cross_entropy_with_logits(model(xb), yb.float())",
                      "F.binary_cross_entropy_with_logits(model(xb), yb.float().unsqueeze(1))")
_EX2_LIST_CB = _sub(_EX2_OK, "on_epoch(epoch, mean_loss)", "on_epoch(epoch, losses)")
_EX2_CLIP = _sub(_EX2_OK, "            loss.backward()\n",
                 "            loss.backward()\n            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)\n")
_EX2_PERM_PER_BATCH = _sub(_sub(_EX2_OK, "        order = torch.randperm(len(x), generator=gen)\n", ""),
                           "            idx = order[start:start + batch_size]\n",
                           "            idx = torch.randperm(len(x), generator=gen)[:batch_size]\n")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + batch_size].to(dev)).cpu() for i in range(0, len(x), batch_size)])
    correct = ((logits > 0).float() == y).float()
    faces = y == 1
    hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)
    counts = torch.bincount(groups[faces], minlength=n_groups)
    per_group = hits / counts
    return {"overall": correct.mean().item(), "per_group": per_group,
            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}
'''
_EX3_LOOP = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    pieces = []
    with torch.inference_mode():
        for batch in torch.split(x, batch_size):
            pieces.append(model(batch.to(dev)).cpu())
    predicted = torch.cat(pieces) > 0
    truth = y == 1
    right = (predicted == truth).float()
    accuracies = []
    for g in range(n_groups):
        members = truth & (groups == g)
        accuracies.append(right[members].mean())
    per_group = torch.stack(accuracies)
    return {"overall": float(right.mean()), "per_group": per_group,
            "worst": float(per_group.min()), "gap": float(per_group.max() - per_group.min())}
'''
_EX3_NO_MINLENGTH = _sub(_sub(_EX3_OK, "weights=correct[faces], minlength=n_groups)", "weights=correct[faces])"),
                         "torch.bincount(groups[faces], minlength=n_groups)", "torch.bincount(groups[faces])")
_EX3_ALL_COUNTS = _sub(_EX3_OK, "counts = torch.bincount(groups[faces], minlength=n_groups)",
                       "counts = torch.bincount(groups, minlength=n_groups)")
_EX3_NEG_GAP = _sub(_EX3_OK, "(per_group.max() - per_group.min()).item()", "(per_group.min() - per_group.max()).item()")
_EX3_LIST = _sub(_EX3_OK, '"per_group": per_group,', '"per_group": per_group.tolist(),')

MUTANTS = {
    "ex1_cnn": [
        ("kernel 3 (padding 1) in every convolution, not 5, 5, 3", _EX1_K3),
        ("dense size from image_size / 8: a float, nn.Linear refuses it", _EX1_FLOAT_SIZE),
        ("padding='same' with stride 2 in the first convolution: Conv2d refuses it", _EX1_SAME),
        ("second convolution keeps f channels (not 2f), the third reads f", _EX1_SECOND_F),
    ],
    "ex2_train": [
        ("labels unsqueezed to (B, 1) against (B,) logits", _EX2_UNSQUEEZE),
        ("on_epoch given the epoch's list of batch losses, not their mean", _EX2_LIST_CB),
        ("gradients clipped to norm 1 (carried over from lab 01)", _EX2_CLIP),
        ("a fresh permutation per batch: examples drawn with repeats, some never seen in an epoch",
         _EX2_PERM_PER_BATCH),
    ],
    "ex3_evaluate": [
        ("bincount without minlength: groups above the last face's group are missing", _EX3_NO_MINLENGTH),
        ("per-group denominator counts every image of the group, non-faces too", _EX3_ALL_COUNTS),
        ("gap as worst - best: a negative number", _EX3_NEG_GAP),
        ("per_group returned as a Python list, not a tensor", _EX3_LIST),
    ],
}

CORRECT = {
    "ex1_cnn": [
        ("one Sequential written out, squeeze(-1)", _EX1_OK),
        ("layers from a spec table in a loop, reshape(B)", _EX1_SPEC),
    ],
    "ex2_train": [
        ("randperm slices, F.binary_cross_entropy_with_logits", _EX2_OK),
        ("randperm(...).split, BCEWithLogitsLoss, float64 tensor of batch losses", _EX2_SPLIT),
    ],
    "ex3_evaluate": [
        ("all logits first, bincount with weights", _EX3_OK),
        ("torch.split, inference_mode, a loop over groups", _EX3_LOOP),
    ],
}
