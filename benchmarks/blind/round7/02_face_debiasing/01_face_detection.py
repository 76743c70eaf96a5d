"""Blind round 7: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/01_face_detection.py nor
in benchmarks/blind/round1/ ... round6/. CORRECT[...][0] is round 6's reference (reused by name, so
the proofs stay comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round7/prove_02_faces.py.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND6 = earlier_round(6, __file__)

# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND6._EX1_OK
_EX1_ARITHMETIC = '''
def _conv_out(side: int, kernel: int, padding: int, stride: int = 2) -> int:
    """Output side of a convolution: floor((side + 2·padding - kernel) / stride) + 1."""
    return (side + 2 * padding - kernel) // stride + 1


class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        plan = ((3, f, 5, 2), (f, 2 * f, 5, 2), (2 * f, 4 * f, 3, 1))   # (in, out, kernel, padding)
        modules, side = [], image_size
        for c_in, c_out, kernel, padding in plan:
            modules.extend((nn.Conv2d(c_in, c_out, kernel, stride=2, padding=padding),
                            nn.BatchNorm2d(c_out), nn.ReLU()))
            side = _conv_out(side, kernel, padding)
        modules.extend((nn.Flatten(), nn.Linear(plan[-1][1] * side * side, 128), nn.ReLU(), nn.Linear(128, 1)))
        self.net = nn.Sequential(*modules)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        (logits,) = self.net(x).unbind(dim=1)
        return logits
'''
# the convolution blocks kept in a plain Python list (Keras habit), only the head in self.net:
# the list's layers are not registered, so no parameters, no .eval()/.to(), nothing trained
_EX1_PLAIN_LIST = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        self.blocks = [
            nn.Conv2d(3, f, 5, stride=2, padding=2), nn.BatchNorm2d(f), nn.ReLU(),
            nn.Conv2d(f, 2 * f, 5, stride=2, padding=2), nn.BatchNorm2d(2 * f), nn.ReLU(),
            nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1), nn.BatchNorm2d(4 * f), nn.ReLU(),
        ]
        self.net = nn.Sequential(
            nn.Flatten(),
            nn.Linear(4 * f * (image_size // 8) ** 2, 128), nn.ReLU(),
            nn.Linear(128, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        for layer in self.blocks:
            x = layer(x)
        return self.net(x).squeeze(-1)
'''
# the third block ends with its BatchNorm: no ReLU before Flatten
_EX1_NO_RELU3 = replace_once(_EX1_OK, "nn.BatchNorm2d(4 * f), nn.ReLU(),\n", "nn.BatchNorm2d(4 * f),\n")
# "images (uint8, N×S×S×3)" read as the model's input layout: a channels-last permute in forward
_EX1_PERMUTE = replace_once(_EX1_OK, "return self.net(x).squeeze(-1)",
                            "x = x.permute(0, 3, 1, 2)  # images are N×S×S×3, Conv2d wants N×3×S×S\n"
                            "        return self.net(x).squeeze(-1)")
# padding left out of every convolution; a (correct, eval-mode) dummy pass sizes the dense layer, so nothing raises
_EX1_NO_PADDING = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        convs = nn.Sequential(
            nn.Conv2d(3, f, 5, stride=2), nn.BatchNorm2d(f), nn.ReLU(),
            nn.Conv2d(f, 2 * f, 5, stride=2), nn.BatchNorm2d(2 * f), nn.ReLU(),
            nn.Conv2d(2 * f, 4 * f, 3, stride=2), nn.BatchNorm2d(4 * f), nn.ReLU(),
        )
        convs.eval()
        with torch.no_grad():
            flat = convs(torch.zeros(1, 3, image_size, image_size)).numel()
        convs.train()
        self.net = nn.Sequential(*convs, nn.Flatten(), nn.Linear(flat, 128), nn.ReLU(), nn.Linear(128, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)
'''

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND6._EX2_OK
_EX2_LOGSIGMOID = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train()
    dev = next(model.parameters()).device
    adam = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for epoch in progress(range(epochs)):
        order = torch.randperm(len(x), generator=gen)
        mean_loss, k = 0.0, 0
        for xb, yb in zip(x[order].split(batch_size), y[order].split(batch_size)):
            xb, yb = xb.to(dev), yb.to(dev).float()
            adam.zero_grad()
            z = model(xb)
            # BCE with logits: -[y·log σ(z) + (1 - y)·log σ(-z)], logsigmoid keeps it stable
            loss = -(yb * F.logsigmoid(z) + (1 - yb) * F.logsigmoid(-z)).mean()
            loss.backward()
            adam.step()
            k += 1
            mean_loss += (loss.item() - mean_loss) / k   # running mean of the batch losses
        history.append(mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss)
    return history
'''
# the images taken through the permutation, the labels by position: x and y no longer match
_EX2_LABELS_UNSHUFFLED = replace_once(_EX2_OK, "xb, yb = x[idx].to(dev), y[idx].to(dev)",
                                      "xb, yb = x[idx].to(dev), y[start:start + batch_size].to(dev)")
# a training accuracy per batch from a second forward pass, still in training mode: no gradient, but
# BatchNorm's running statistics are updated twice per batch
_EX2_SECOND_PASS = replace_once(
    _EX2_OK, "            losses.append(loss.item())\n",
    "            losses.append(loss.item())\n"
    "            with torch.no_grad():   # training accuracy of this batch\n"
    "                hits += ((model(xb) > 0).float() == yb).sum().item()\n")
_EX2_SECOND_PASS = replace_once(_EX2_SECOND_PASS, "        losses = []\n", "        losses, hits = [], 0\n")
_EX2_SECOND_PASS = replace_once(_EX2_SECOND_PASS, "        history.append(mean_loss)\n",
                                "        history.append(mean_loss)\n"
                                "        print(f'epoch {epoch}: loss {mean_loss:.3f}, train accuracy {hits / len(x):.1%}')\n")
# the epoch's loss sum divided by the number of full batches: the short last batch is summed, not counted
_EX2_FLOOR_BATCHES = replace_once(_EX2_OK, "mean_loss = sum(losses) / len(losses)",
                                  "mean_loss = sum(losses) / (len(x) // batch_size)")
# "the training set is imbalanced": faces re-weighted by pos_weight = #non-faces / #faces in the loss
_EX2_POS_WEIGHT = replace_once(_EX2_OK, "    history = []\n",
                               "    pos_weight = ((y == 0).sum() / (y == 1).sum()).to(dev)   # the data set is imbalanced\n"
                               "    history = []\n")
_EX2_POS_WEIGHT = replace_once(_EX2_POS_WEIGHT, "F.binary_cross_entropy_with_logits(model(xb), yb.float())",
                               "F.binary_cross_entropy_with_logits(model(xb), yb.float(), pos_weight=pos_weight)")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND6._EX3_OK
_EX3_EINSUM = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    rows = torch.arange(len(x)).split(batch_size)
    with torch.no_grad():
        logits = torch.cat([model(x.index_select(0, r).to(dev)).cpu() for r in rows])
    said_face = logits.sign().clamp(min=0)               # 1 for a logit > 0; 0 for 0 and below
    right = (said_face.double() == y.double()).double()
    face = (y == 1).double()
    ids = torch.where(y == 1, groups.long(), torch.zeros_like(groups.long()))   # non-faces: any valid id...
    member = F.one_hot(ids, n_groups).double() * face[:, None]                # ...then their row is zeroed
    per_group = (torch.einsum("ng,n->g", member, right) / member.sum(dim=0)).float()
    worst, best = per_group.min().item(), per_group.max().item()
    return {"overall": right.mean().item(), "per_group": per_group, "worst": worst, "gap": best - worst}
'''
# the groups found in the data (groups.unique()) instead of range(n_groups): the non-faces' -1 becomes a
# group, a group without faces disappears, and n_groups is never used
_EX3_UNIQUE = replace_once(
    _EX3_OK,
    "    hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)\n"
    "    counts = torch.bincount(groups[faces], minlength=n_groups)\n"
    "    per_group = hits / counts\n",
    "    per_group = torch.stack([correct[faces & (groups == g)].mean() for g in groups.unique()])\n")
# predictions by argmax(-1), as for the digits of lab 01: one index per batch, not one bit per image
_EX3_ARGMAX = replace_once(
    replace_once(_EX3_OK, "logits = torch.cat([model(x[i:i + batch_size].to(dev)).cpu() for i in range(0, len(x), batch_size)])",
                 "preds = torch.cat([model(x[i:i + batch_size].to(dev)).argmax(-1).cpu()\n"
                 "                           for i in range(0, len(x), batch_size)])"),
    "correct = ((logits > 0).float() == y).float()", "correct = (preds.float() == y).float()")
# the summary indented into the batch loop: it returns after the first batch
_EX3_RETURN_IN_LOOP = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            logits = model(x[i:i + batch_size].to(dev)).cpu()
            yb, gb = y[i:i + batch_size], groups[i:i + batch_size]
            correct = ((logits > 0).float() == yb).float()
            faces = yb == 1
            hits = torch.bincount(gb[faces], weights=correct[faces], minlength=n_groups)
            counts = torch.bincount(gb[faces], minlength=n_groups)
            per_group = hits / counts
            return {"overall": correct.mean().item(), "per_group": per_group,
                    "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}
'''
# model.training = False sets the flag of the top module only: its children (BatchNorm) stay in training mode
_EX3_TRAINING_FLAG = replace_once(_EX3_OK, "    model.eval()\n", "    model.training = False   # eval mode\n")

MUTANTS = {
    "ex1_cnn": [
        ("convolution blocks in a plain Python list, only the head in self.net: unregistered layers",
         _EX1_PLAIN_LIST),
        ("no ReLU after the third block's BatchNorm (straight into Flatten)", _EX1_NO_RELU3),
        ("x.permute(0, 3, 1, 2) in forward: the input taken as channels-last N×S×S×3", _EX1_PERMUTE),
        ("padding left out of all three convolutions, the dense layer sized by a dummy pass (2×2 map)",
         _EX1_NO_PADDING),
    ],
    "ex2_train": [
        ("labels sliced by position y[start:start + batch_size] while images go through the permutation",
         _EX2_LABELS_UNSHUFFLED),
        ("a second forward pass per batch for a training accuracy, in training mode: BatchNorm stats move twice",
         _EX2_SECOND_PASS),
        ("epoch mean = sum of batch losses / (len(x) // batch_size): the short last batch is not counted",
         _EX2_FLOOR_BATCHES),
        ("pos_weight = #non-faces / #faces in the BCE (the data set is 'imbalanced')", _EX2_POS_WEIGHT),
    ],
    "ex3_evaluate": [
        ("per-group accuracy for g in groups.unique(): -1 becomes a group, n_groups ignored", _EX3_UNIQUE),
        ("predictions by argmax(-1) as in the digits lab: one index per batch", _EX3_ARGMAX),
        ("the summary and return indented into the batch loop: only the first batch is evaluated",
         _EX3_RETURN_IN_LOOP),
        ("model.training = False instead of model.eval(): submodules (BatchNorm) stay in training mode",
         _EX3_TRAINING_FLAG),
    ],
}

CORRECT = {
    "ex1_cnn": [
        ("round 3: one Sequential written out, squeeze(-1)", _EX1_OK),
        ("layers from a plan in a loop, side from the conv-arithmetic formula, unbind(dim=1)", _EX1_ARITHMETIC),
    ],
    "ex2_train": [
        ("round 3: randperm slices, F.binary_cross_entropy_with_logits", _EX2_OK),
        ("x[order].split zipped with y[order].split, BCE from logsigmoid, a running mean", _EX2_LOGSIGMOID),
    ],
    "ex3_evaluate": [
        ("round 3: all logits first, bincount with weights", _EX3_OK),
        ("index batches by arange.split, sign().clamp, one_hot masked by faces, einsum in float64", _EX3_EINSUM),
    ],
}
