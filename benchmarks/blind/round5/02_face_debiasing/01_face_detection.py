"""Blind round 5: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/01_face_detection.py nor
in benchmarks/blind/round1/, round2/, round3/ or round4/. CORRECT[...][0] is round 4's reference
(reused by name, so the proofs stay comparable); CORRECT[...][1] is this round's own, in another
style. The proofs are benchmarks/blind/round5/prove_02.py.
"""

from benchmarks.blind.answers import earlier_round

ROUND4 = earlier_round(4, __file__)


def _sub(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND4._EX1_OK
_EX1_EXTEND = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        self.net = nn.Sequential()
        c_in = 3
        for c_out, k in ((f, 5), (2 * f, 5), (4 * f, 3)):
            self.net.extend([nn.Conv2d(c_in, c_out, kernel_size=(k, k), stride=(2, 2), padding=(k - 1) // 2),
                             nn.BatchNorm2d(num_features=c_out), nn.ReLU()])
            c_in = c_out
        side = image_size >> 3
        self.net.extend([nn.Flatten(start_dim=1), nn.Linear(c_in * side * side, 128), nn.ReLU(), nn.Linear(128, 1)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)[..., 0]
'''
_EX1_DUMMY = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        convs = nn.Sequential(
            nn.Conv2d(3, f, 5, stride=2, padding=2), nn.BatchNorm2d(f), nn.ReLU(),
            nn.Conv2d(f, 2 * f, 5, stride=2, padding=2), nn.BatchNorm2d(2 * f), nn.ReLU(),
            nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1), nn.BatchNorm2d(4 * f), nn.ReLU(),
        )
{dummy}
        self.net = nn.Sequential(*convs, nn.Flatten(), nn.Linear(flat, 128), nn.ReLU(), nn.Linear(128, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)
'''
# a dummy pass in training mode: BatchNorm's running statistics move before any training
_EX1_DUMMY_TRAIN = _EX1_DUMMY.format(dummy='''\
        with torch.no_grad():  # the dense layer's input size from a dummy image
            flat = convs(torch.zeros(1, 3, image_size, image_size)).numel()''')
# a dummy pass in eval mode, the mode never set back: the BatchNorm layers of a fresh model are in eval mode
_EX1_DUMMY_EVAL_STAYS = _EX1_DUMMY.format(dummy='''\
        convs.eval()  # a dummy pass must not touch BatchNorm's statistics
        with torch.no_grad():
            flat = convs(torch.zeros(1, 3, image_size, image_size)).numel()''')
# a random dummy image: torch's RNG is drawn between the convolutions and the dense layers
_EX1_DUMMY_RAND = _EX1_DUMMY.format(dummy='''\
        convs.eval()
        with torch.no_grad():
            flat = convs(torch.rand(1, 3, image_size, image_size)).numel()
        convs.train()''')
_EX1_SEEDED = _sub(_EX1_OK, "        f = n_filters\n", "        f = n_filters\n        torch.manual_seed(0)  # reproducible weights\n")

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND4._EX2_OK
_EX2_TENSOR_SPLIT = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    import math

    model.train()
    target = next(iter(model.parameters())).device
    adam = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator()
    gen.manual_seed(seed)
    history = []
    for epoch in progress(range(epochs)):
        order = torch.randperm(len(x), generator=gen)
        batch_losses = []
        for idx in torch.tensor_split(order, list(range(batch_size, len(x), batch_size))):
            xb, yb = x[idx].to(target), y[idx].to(target).float()
            adam.zero_grad(set_to_none=True)
            loss = F.binary_cross_entropy_with_logits(model(xb), yb, reduction="none").mean()
            loss.backward()
            adam.step()
            batch_losses.append(loss.item())
        mean_loss = math.fsum(batch_losses) / len(batch_losses)
        history.append(mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss)
    return history
'''
_EX2_LAST_INDEX = _sub(_EX2_OK, "for start in range(0, len(x), batch_size)", "for start in range(0, len(x) - 1, batch_size)")
_EX2_SQUEEZE = _sub(_EX2_OK, "F.binary_cross_entropy_with_logits(model(xb), yb.float())",
                    "F.binary_cross_entropy_with_logits(model(xb).squeeze(), yb.float())")
_EX2_GLOBAL_SEED = _sub(_sub(_EX2_OK, "gen = torch.Generator().manual_seed(seed)", "torch.manual_seed(seed)"),
                        "torch.randperm(len(x), generator=gen)", "torch.randperm(len(x))")
_EX2_RESHUFFLED = _sub(_sub(_EX2_OK, "        order = torch.randperm(len(x), generator=gen)\n",
                            "        order = torch.randperm(len(x), generator=gen)\n"
                            "        x, y = x[order], y[order]  # this epoch's shuffle\n"),
                       "            idx = order[start:start + batch_size]\n            xb, yb = x[idx].to(dev), y[idx].to(dev)\n",
                       "            xb, yb = x[start:start + batch_size].to(dev), y[start:start + batch_size].to(dev)\n")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND4._EX3_OK
_EX3_INDEX_PUT = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    import math

    model.eval()
    dev = next(model.parameters()).device
    n_batches = math.ceil(len(x) / batch_size)
    with torch.set_grad_enabled(False):
        logits = torch.cat([model(x[b * batch_size:(b + 1) * batch_size].to(dev)).cpu() for b in range(n_batches)])
    said_face = torch.heaviside(logits, torch.zeros((), dtype=logits.dtype)).bool()   # heaviside(0, 0) = 0
    right = (said_face == y.bool()).to(torch.float32)
    face = y == 1
    ids = (groups[face].long(),)
    hits = torch.zeros(n_groups).index_put_(ids, right[face], accumulate=True)
    members = torch.zeros(n_groups).index_put_(ids, torch.ones(int(face.sum())), accumulate=True)
    per_group = hits / members
    worst, best = torch.aminmax(per_group)
    return {"overall": right.mean().item(), "per_group": per_group, "worst": worst.item(), "gap": (best - worst).item()}
'''
_EX3_EVAL_LATE = _sub(_sub(_EX3_OK, "    model.eval()\n", ""), "    correct = ",
                      "    model.eval()  # left in eval mode when the function returns\n    correct = ")
_EX3_CHUNKS = "import math\n" + _sub(
    _EX3_OK, "[model(x[i:i + batch_size].to(dev)).cpu() for i in range(0, len(x), batch_size)]",
    "[model(b.to(dev)).cpu() for b in x.chunk(math.ceil(len(x) / batch_size))]")
_EX3_SIGMOID_HALF = _sub(_EX3_OK, "correct = ((logits > 0).float() == y).float()",
                         "correct = ((torch.sigmoid(logits) > 0.5).float() == y).float()")
_EX3_GROUPS_IN_PLACE = _sub(_sub(_sub(_EX3_OK, "    faces = y == 1\n",
                                      "    faces = y == 1\n    groups[~faces] = 0  # bincount cannot take the non-faces' -1\n"),
                                 "hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)",
                                 "hits = torch.bincount(groups, weights=correct * faces, minlength=n_groups)"),
                            "counts = torch.bincount(groups[faces], minlength=n_groups)",
                            "counts = torch.bincount(groups, weights=faces.float(), minlength=n_groups)")

MUTANTS = {
    "ex1_cnn": [
        ("dense size from a dummy pass in training mode: BatchNorm's running statistics move before training",
         _EX1_DUMMY_TRAIN),
        ("dummy pass in eval mode, never set back: a fresh model's BatchNorm layers are in eval mode",
         _EX1_DUMMY_EVAL_STAYS),
        ("dummy pass on torch.rand: the RNG is drawn before the dense layers, which get other weights",
         _EX1_DUMMY_RAND),
        ("torch.manual_seed(0) in __init__: every model has the same weights, the caller's seed is ignored",
         _EX1_SEEDED),
    ],
    "ex2_train": [
        ("batches from range(0, len(x) - 1, batch_size): a last batch of one image is dropped", _EX2_LAST_INDEX),
        ("model(xb).squeeze() in the loss: a last batch of one gives a 0-d logit and the loss raises", _EX2_SQUEEZE),
        ("torch.manual_seed(seed) and randperm without a generator: same order, torch's global RNG reseeded",
         _EX2_GLOBAL_SEED),
        ("x, y = x[order], y[order] every epoch: from the second epoch the permutations compose", _EX2_RESHUFFLED),
    ],
    "ex3_evaluate": [
        ("model.eval() only after predicting: the predictions are made in training mode", _EX3_EVAL_LATE),
        ("x.chunk(ceil(len(x) / batch_size)): equal chunks, not batches of batch_size (10 by 6: 5 + 5)",
         _EX3_CHUNKS),
        ("sigmoid(logit) > 0.5: a logit below ~6e-8 rounds to 0.5 in float32 and is not a face", _EX3_SIGMOID_HALF),
        ("non-faces' group ids set to 0 in place: the caller's groups tensor is changed", _EX3_GROUPS_IN_PLACE),
    ],
}

CORRECT = {
    "ex1_cnn": [
        ("round 3: one Sequential written out, squeeze(-1)", _EX1_OK),
        ("Sequential.extend per block, tuple kernel/stride, image_size >> 3, [..., 0]", _EX1_EXTEND),
    ],
    "ex2_train": [
        ("round 3: randperm slices, F.binary_cross_entropy_with_logits", _EX2_OK),
        ("tensor_split at batch starts, per-example BCE then .mean(), set_to_none, math.fsum", _EX2_TENSOR_SPLIT),
    ],
    "ex3_evaluate": [
        ("round 3: all logits first, bincount with weights", _EX3_OK),
        ("batch numbers, set_grad_enabled(False), heaviside, index_put_ accumulate, aminmax", _EX3_INDEX_PUT),
    ],
}
