"""Blind round 10: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/01_face_detection.py nor
in benchmarks/blind/round1/ ... round9/ (lab 02 has no round 8). CORRECT[...][0] is round 9's
reference (round 3's, reused by name, so the proofs stay comparable); CORRECT[...][1] is this round's
own, in another style. The proofs are benchmarks/blind/round10/prove_02_faces.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND9 = earlier_round(9, __file__)

# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND9._EX1_OK
_EX1_LIST_SUM = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        plan = [(3, f, 5), (f, 2 * f, 5), (2 * f, 4 * f, 3)]        # (in, out, kernel); padding = kernel // 2
        blocks = sum(([nn.Conv2d(c_in, c_out, k, 2, k // 2), nn.BatchNorm2d(c_out), nn.ReLU()]
                      for c_in, c_out, k in plan), [])
        side = image_size // 2 // 2 // 2
        head = [nn.Flatten(), nn.Linear(4 * f * side * side, 128), nn.ReLU(), nn.Linear(128, 1)]
        self.net = nn.Sequential(*(blocks + head))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        return torch.sum(self.net(x), dim=-1)        # a sum over the single output column
'''
# torchvision's Normalize(0.5, 0.5) habit: the images, already in [0, 1], mapped to [-1, 1] in forward
_EX1_NORMALISE = replace_once(_EX1_OK, "return self.net(x).squeeze(-1)",
                              "x = (x - 0.5) / 0.5   # normalise to [-1, 1]\n        return self.net(x).squeeze(-1)")
# torchvision's features / classifier split: the convolutions in self.features, self.net only the head
_EX1_FEATURES = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        self.features = nn.Sequential(
            nn.Conv2d(3, f, 5, stride=2, padding=2), nn.BatchNorm2d(f), nn.ReLU(),
            nn.Conv2d(f, 2 * f, 5, stride=2, padding=2), nn.BatchNorm2d(2 * f), nn.ReLU(),
            nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1), nn.BatchNorm2d(4 * f), nn.ReLU(),
        )
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(4 * f * (image_size // 8) ** 2, 128), nn.ReLU(),
            nn.Linear(128, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        return self.net(self.features(x)).squeeze(-1)
'''
# GELU in the dense head (a transformer habit) instead of the table's ReLU
_EX1_GELU = replace_once(_EX1_OK, "nn.Linear(4 * f * (image_size // 8) ** 2, 128), nn.ReLU(),",
                         "nn.Linear(4 * f * (image_size // 8) ** 2, 128), nn.GELU(),")
# BatchNorm2d(affine=False): normalisation without the learned scale and shift
_EX1_NO_AFFINE = replace_once(replace_once(replace_once(
    _EX1_OK, "nn.BatchNorm2d(f)", "nn.BatchNorm2d(f, affine=False)"),
    "nn.BatchNorm2d(2 * f)", "nn.BatchNorm2d(2 * f, affine=False)"),
    "nn.BatchNorm2d(4 * f)", "nn.BatchNorm2d(4 * f, affine=False)")

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND9._EX2_OK
_EX2_NARROW = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train()
    target_device = next(model.parameters()).device
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    n = len(x)
    n_batches = (n + batch_size - 1) // batch_size
    result = []
    for epoch in progress(range(epochs)):
        perm = torch.randperm(n, generator=gen)
        batch_loss = torch.empty(n_batches, dtype=torch.float64)
        for k in range(n_batches):
            rows = perm.narrow(0, k * batch_size, min(batch_size, n - k * batch_size))
            logits = model(x[rows].to(target_device))
            loss = F.binary_cross_entropy_with_logits(logits, y[rows].to(target_device).float(), reduction="mean")
            opt.zero_grad()
            loss.backward()
            opt.step()
            batch_loss[k] = loss.item()
        result.append(batch_loss.mean().item())
        if on_epoch is not None:
            on_epoch(epoch, result[-1])
    return result
'''
# the data set shuffled in place every epoch (np.random.shuffle habit): the caller's x and y come back
# reordered, and from the second epoch each permutation applies to the already shuffled set
_EX2_SHUFFLE_IN_PLACE = replace_once(replace_once(
    _EX2_OK, "        order = torch.randperm(len(x), generator=gen)\n",
    "        order = torch.randperm(len(x), generator=gen)\n"
    "        x[:], y[:] = x[order], y[order]   # shuffle the data set in place\n"),
    "            idx = order[start:start + batch_size]\n            xb, yb = x[idx].to(dev), y[idx].to(dev)\n",
    "            xb, yb = x[start:start + batch_size].to(dev), y[start:start + batch_size].to(dev)\n")
# torch.manual_seed(seed) as well as the generator, 'for reproducibility': the same batches, but torch's
# global RNG is reseeded (the intro: draws only from the generator it is given, without reseeding)
_EX2_GLOBAL_SEED = replace_once(_EX2_OK, "    gen = torch.Generator().manual_seed(seed)\n",
                                "    torch.manual_seed(seed)   # reproducible training\n"
                                "    gen = torch.Generator().manual_seed(seed)\n")
# model.eval() after the last epoch, 'ready for evaluation': a training function hands the model back
# in eval mode (the intro: a function that trains puts the model in training mode)
_EX2_EVAL_AT_END = replace_once(_EX2_OK, "    return history\n",
                                "    model.eval()   # training done: ready for evaluation\n    return history\n")
# batch losses as loss.detach().cpu().numpy(): the returned means are numpy float32, not Python floats
_EX2_NUMPY = replace_once(_EX2_OK, "losses.append(loss.item())", "losses.append(loss.detach().cpu().numpy())")
# Adam with betas=(0.5, 0.999), the GAN recipe, instead of Adam's defaults
_EX2_BETAS = replace_once(_EX2_OK, "torch.optim.Adam(model.parameters(), lr=lr)",
                          "torch.optim.Adam(model.parameters(), lr=lr, betas=(0.5, 0.999))")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND9._EX3_OK
_EX3_SCATTER_MEAN = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    where = next(model.parameters()).device

    @torch.no_grad()
    def predict(batch):
        return model(batch.to(where)).cpu()

    n_batches = -(-len(x) // batch_size)
    logits = torch.cat([predict(x[k * batch_size:(k + 1) * batch_size]) for k in range(n_batches)])
    correct = torch.gt(logits, 0).to(torch.float32).eq(y).to(torch.float32)
    faces = y.eq(1)
    per_group = torch.full((n_groups,), float("nan")).scatter_reduce(   # a group without faces: nan
        0, groups[faces], correct[faces], reduce="mean", include_self=False)
    lo, hi = torch.aminmax(per_group)
    return {"overall": float(torch.count_nonzero(correct)) / len(y), "per_group": per_group,
            "worst": lo.item(), "gap": (hi - lo).item()}
'''
# a DataLoader with shuffle=True out of habit, the labels taken from the loader: overall is right, but
# the faces' group ids, read in the original order, no longer belong to the shuffled predictions
_EX3_SHUFFLED = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=batch_size, shuffle=True)
    logits, labels = [], []
    with torch.no_grad():
        for xb, yb in loader:
            logits.append(model(xb.to(dev)).cpu())
            labels.append(yb)
    logits, labels = torch.cat(logits), torch.cat(labels)
    correct = ((logits > 0).float() == labels).float()
    faces = labels == 1
    hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)
    counts = torch.bincount(groups[faces], minlength=n_groups)
    per_group = hits / counts
    return {"overall": correct.mean().item(), "per_group": per_group,
            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}
'''
# model.zero_grad() before predicting, out of habit: the caller's .grad are wiped (the intro: a function
# changes nothing the caller gives it)
_EX3_ZERO_GRAD = replace_once(_EX3_OK, "    model.eval()\n", "    model.eval()\n    model.zero_grad()   # no stale gradients\n")
# torch.manual_seed(0) 'for a reproducible evaluation': torch's global RNG reseeded (the intro: without
# reseeding it)
_EX3_SEEDED = replace_once(_EX3_OK, "    model.eval()\n", "    torch.manual_seed(0)   # reproducible evaluation\n    model.eval()\n")
# torch.set_grad_enabled(False) written as a statement, not a context manager: predictions are made
# without autograd, but autograd stays off for the caller after the function returns
_EX3_GRAD_OFF = replace_once(
    _EX3_OK,
    "    with torch.no_grad():\n"
    "        logits = torch.cat([model(x[i:i + batch_size].to(dev)).cpu() for i in range(0, len(x), batch_size)])\n",
    "    torch.set_grad_enabled(False)   # predict without gradients\n"
    "    logits = torch.cat([model(x[i:i + batch_size].to(dev)).cpu() for i in range(0, len(x), batch_size)])\n")

MUTANTS = {
    "ex1_cnn": [
        ("forward normalises the [0, 1] images to [-1, 1] with (x - 0.5) / 0.5 (torchvision habit)", _EX1_NORMALISE),
        ("convolutions in self.features, only the dense head in self.net (the notebook asks for one nn.Sequential"
         " in self.net)", _EX1_FEATURES),
        ("GELU instead of ReLU after the hidden dense layer", _EX1_GELU),
        ("BatchNorm2d(affine=False) in all three blocks: no learned scale and shift", _EX1_NO_AFFINE),
    ],
    "ex2_train": [
        ("x[:], y[:] = x[order], y[order] every epoch: the caller's x and y shuffled in place (intro: 'does not"
         " modify the caller's tensors in place'), and the permutations compose", _EX2_SHUFFLE_IN_PLACE),
        ("torch.manual_seed(seed) besides the generator: torch's global RNG reseeded (intro: 'without reseeding"
         " it')", _EX2_GLOBAL_SEED),
        ("model.eval() after the last epoch: the trained model comes back in eval mode (intro: a function that"
         " trains puts the model in training mode)", _EX2_EVAL_AT_END),
        ("batch losses as loss.detach().cpu().numpy(): the epoch means are numpy float32, not Python floats",
         _EX2_NUMPY),
        ("Adam(betas=(0.5, 0.999)), the GAN recipe, instead of Adam with lr only", _EX2_BETAS),
    ],
    "ex3_evaluate": [
        ("DataLoader(shuffle=True) with the labels from the loader: overall right, but groups read in the original"
         " order no longer match the shuffled predictions", _EX3_SHUFFLED),
        ("model.zero_grad() before predicting: the caller's .grad wiped (intro: 'changes nothing the caller gives"
         " it')", _EX3_ZERO_GRAD),
        ("torch.manual_seed(0) at the start: torch's global RNG reseeded (intro: 'without reseeding it')",
         _EX3_SEEDED),
        ("torch.set_grad_enabled(False) as a statement, not a context manager: autograd stays off after the call",
         _EX3_GRAD_OFF),
    ],
}

CORRECT = {
    "ex1_cnn": [
        ("round 3: one Sequential written out, squeeze(-1)", _EX1_OK),
        ("sum() of block lists from a (in, out, kernel) plan, padding kernel // 2, torch.sum over the output column",
         _EX1_LIST_SUM),
    ],
    "ex2_train": [
        ("round 3: randperm slices, F.binary_cross_entropy_with_logits", _EX2_OK),
        ("batch count by ceiling arithmetic, perm.narrow, a preallocated float64 tensor of batch losses",
         _EX2_NARROW),
    ],
    "ex3_evaluate": [
        ("round 3: all logits first, bincount with weights", _EX3_OK),
        ("a no_grad-decorated inner predict, batch numbers, scatter_reduce(reduce='mean') over a nan-filled tensor, count_nonzero, aminmax",
         _EX3_SCATTER_MEAN),
    ],
}
