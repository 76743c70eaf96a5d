"""Blind round 14: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round13/ (lab 02 has no
round 8). CORRECT[...][0] is round 13's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round14/prove_02_faces.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND13 = earlier_round(13, __file__)

# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND13.CORRECT["ex1_cnn"][0][1]
_EX1_APPEND = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        self.net = nn.Sequential()
        self.net.append(nn.Conv2d(in_channels=3, out_channels=f, kernel_size=5, stride=2, padding=2))
        self.net.append(nn.BatchNorm2d(f))
        self.net.append(nn.ReLU())
        self.net.append(nn.Conv2d(in_channels=f, out_channels=2 * f, kernel_size=5, stride=2, padding=2))
        self.net.append(nn.BatchNorm2d(2 * f))
        self.net.append(nn.ReLU())
        self.net.append(nn.Conv2d(in_channels=2 * f, out_channels=4 * f, kernel_size=3, stride=2, padding=1))
        self.net.append(nn.BatchNorm2d(4 * f))
        self.net.append(nn.ReLU())
        self.net.append(nn.Flatten())
        s = image_size // 8                                  # S/8 x S/8 map before Flatten
        self.net.append(nn.Linear(4 * f * s * s, 128))
        self.net.append(nn.ReLU())
        self.net.append(nn.Linear(128, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        return self.net(x).flatten()                      # (B, 1) -> (B,), also for B = 1
'''
# forward under torch.no_grad() when the model is in eval mode, 'no gradients needed at test time':
# the eval-mode logits are cut from the graph (the text: 'forward returns the last Linear's output
# as it is, only reshaped')
_EX1_EVAL_NO_GRAD = replace_once(
    _EX1_OK, "        return self.net(x).squeeze(-1)\n",
    "        if not self.training:                      # inference: no graph needed\n"
    "            with torch.no_grad():\n"
    "                return self.net(x).squeeze(-1)\n"
    "        return self.net(x).squeeze(-1)\n")
# logits cast .float() on the way out 'for the loss': a float64 FaceCNN returns float32 logits (the
# text: 'A FaceCNN made float64 ... returns float64 logits: no casts of your own in forward')
_EX1_OUTPUT_FLOAT = replace_once(_EX1_OK, "return self.net(x).squeeze(-1)", "return self.net(x).squeeze(-1).float()")
# second convolution with kernel 3, padding 1 (the table's third row read for the second): still a
# 4x4 map, other weights (table: second row kernel 5, stride 2, padding 2)
_EX1_SECOND_K3 = replace_once(_EX1_OK, "nn.Conv2d(f, 2 * f, 5, stride=2, padding=2)",
                              "nn.Conv2d(f, 2 * f, 3, stride=2, padding=1)")
# dense size from the notebook's global cfg.n_filters instead of the argument: FaceCNN(f, S) with
# f != 12 breaks (the text: 'the grader also tries S = 64 and other n_filters')
_EX1_GLOBAL_FILTERS = replace_once(_EX1_OK, "nn.Linear(4 * f * (image_size // 8) ** 2, 128)",
                                   "nn.Linear(4 * cfg.n_filters * (image_size // 8) ** 2, 128)")
# every image standardised to zero mean and unit spread in forward, 'so lighting does not matter'
# (the text: 'Nothing else'; forward returns the last Linear's output, the network of the table)
_EX1_PER_IMAGE_STD = replace_once(
    _EX1_OK, "        return self.net(x).squeeze(-1)\n",
    "        mean = x.mean(dim=(1, 2, 3), keepdim=True)\n"
    "        std = x.std(dim=(1, 2, 3), keepdim=True)\n"
    "        return self.net((x - mean) / (std + 1e-6)).squeeze(-1)   # lighting-invariant input\n")

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND13.CORRECT["ex2_train"][0][1]
_EX2_SAMPLER = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    from torch.utils.data import BatchSampler, SubsetRandomSampler

    model.train()
    device_of_model = next(model.parameters()).device
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    gen = torch.Generator().manual_seed(seed)
    # SubsetRandomSampler visits range(len(x)) in the order torch.randperm(len(x), generator=gen)
    batches = BatchSampler(SubsetRandomSampler(range(len(x)), generator=gen), batch_size, drop_last=False)
    out = []
    for epoch in progress(range(epochs), desc="train"):
        total, n_batches = 0.0, 0
        for idx in batches:
            idx = torch.tensor(idx)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx].to(device_of_model)), y[idx].to(device_of_model).float())
            loss.backward()
            opt.step()
            total += loss.item()
            n_batches += 1
        mean_loss = total / n_batches
        out.append(mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss)
    return out
'''
# the epoch's value is the last batch's loss (loss.item() after the loop), not the mean over the
# epoch's batches (the text: 'return a list with the mean batch loss of every epoch')
_EX2_LAST_BATCH = replace_once(_EX2_OK, "        mean_loss = sum(losses) / len(losses)\n",
                               "        mean_loss = loss.item()                    # the epoch's loss\n")
# Adam(weight_decay=5e-4), an L2 penalty out of habit (the text: 'Adam with learning rate lr')
_EX2_WEIGHT_DECAY = replace_once(_EX2_OK, "torch.optim.Adam(model.parameters(), lr=lr)",
                                 "torch.optim.Adam(model.parameters(), lr=lr, weight_decay=5e-4)")
# signature retyped with seed: int = 42: a call without seed visits another order (the signature
# given: train_classifier(..., seed: int = 0, on_epoch=None))
_EX2_SEED_42 = replace_once(_EX2_OK, "lr: float, seed: int = 0, on_epoch=None", "lr: float, seed: int = 42, on_epoch=None")
# the mean-reduced loss divided by the batch size again 'per example': the losses reported are
# 1/batch_size of the mean batch loss (the text: 'the mean batch loss of every epoch')
_EX2_DIVIDE_AGAIN = replace_once(
    _EX2_OK, "            loss = F.binary_cross_entropy_with_logits(model(xb), yb.float())\n",
    "            loss = F.binary_cross_entropy_with_logits(model(xb), yb.float()) / len(idx)   # per example\n")
# the epoch's loss measured in one pass over the whole set after the epoch (no_grad, still in
# training mode): not the mean of the batch losses, and BatchNorm's statistics move once more (the
# text: 'return a list with the mean batch loss of every epoch')
_EX2_FULL_PASS = replace_once(
    _EX2_OK, "        mean_loss = sum(losses) / len(losses)\n",
    "        with torch.no_grad():                       # the epoch's loss on the whole training set\n"
    "            mean_loss = F.binary_cross_entropy_with_logits(model(x.to(dev)), y.to(dev).float()).item()\n")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND13.CORRECT["ex3_evaluate"][0][1]
_EX3_ONE_HOT = '''
@torch.no_grad()
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    pred = torch.cat([model(xb.to(dev)).cpu() > 0 for xb in torch.split(x, batch_size)])
    right = (pred == (y == 1)).double()
    faces = y == 1
    member = F.one_hot(groups[faces].long(), n_groups).double()      # (faces, n_groups)
    per_group = ((right[faces] @ member) / member.sum(0)).float()
    return {"overall": float(right.mean()), "per_group": per_group,
            "worst": float(per_group.min()), "gap": float(per_group.max() - per_group.min())}
'''
# each batch cast .float() before the model 'images are float32': a float64 model meets float32
# images and raises (intro: a function does not move 'a tensor to another dtype'; the text: 'move
# each to the model's device', nothing else)
_EX3_BATCH_FLOAT = replace_once(_EX3_OK, "model(x[i:i + batch_size].to(dev))", "model(x[i:i + batch_size].to(dev).float())")
# per-batch accumulation with the counters created inside the batch loop: per_group comes from the
# last batch only (the text: 'per_group (a tensor of n_groups accuracies over faces only, y == 1)')
_EX3_RESET_IN_LOOP = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    n_right = 0
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            hits = torch.zeros(n_groups)
            counts = torch.zeros(n_groups)
            pred = (model(x[i:i + batch_size].to(dev)).cpu() > 0).float()
            yb, gb = y[i:i + batch_size], groups[i:i + batch_size]
            correct = (pred == yb).float()
            n_right += correct.sum().item()
            faces = yb == 1
            hits += torch.bincount(gb[faces], weights=correct[faces], minlength=n_groups)
            counts += torch.bincount(gb[faces], minlength=n_groups)
    per_group = hits / counts
    return {"overall": n_right / len(x), "per_group": per_group,
            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}
'''
# torch.set_grad_enabled(False) at the start and set_grad_enabled(True) at the end: a caller inside
# torch.no_grad() gets autograd switched on (intro: 'The same holds for PyTorch's own switches'; a
# function 'changes nothing the caller gives it')
_EX3_GRAD_ON_AFTER = replace_once(replace_once(
    _EX3_OK, "    with torch.no_grad():\n        logits = torch.cat(", "    torch.set_grad_enabled(False)\n    logits = torch.cat("),
    "    correct = ((logits > 0).float() == y).float()\n",
    "    torch.set_grad_enabled(True)                 # switch autograd back on\n"
    "    correct = ((logits > 0).float() == y).float()\n")
# batches sliced x[i:i + batch_size - 1], the end taken as inclusive: one image per batch is never
# predicted and the logits no longer line up with y (the text: 'in batches of batch_size')
_EX3_SLICE_MINUS_1 = replace_once(_EX3_OK, "model(x[i:i + batch_size].to(dev))", "model(x[i:i + batch_size - 1].to(dev))")
# the four results returned as a tuple (overall, per_group, worst, gap), not a dict (the text:
# 'Return a dict with overall ..., per_group ..., worst and gap')
_EX3_TUPLE = replace_once(
    _EX3_OK, '''    return {"overall": correct.mean().item(), "per_group": per_group,
            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}''',
    '''    return (correct.mean().item(), per_group, per_group.min().item(),
            (per_group.max() - per_group.min()).item())''')

MUTANTS = {
    "ex1_cnn": [
        ("forward under torch.no_grad() in eval mode: eval-mode logits cut from the graph (text: 'forward returns"
         " the last Linear's output as it is, only reshaped')", _EX1_EVAL_NO_GRAD),
        ("logits cast .float() on the way out: a float64 FaceCNN returns float32 logits (text: 'returns float64"
         " logits: no casts of your own in forward')", _EX1_OUTPUT_FLOAT),
        ("second convolution with kernel 3, padding 1: same 4x4 map, other weights (table: second row kernel 5,"
         " stride 2, padding 2)", _EX1_SECOND_K3),
        ("dense size from the global cfg.n_filters, not the argument: FaceCNN(f, S) with f != 12 breaks (text:"
         " 'the grader also tries S = 64 and other n_filters')", _EX1_GLOBAL_FILTERS),
        ("each image standardised (mean 0, std 1) in forward 'lighting-invariant' (text: 'Nothing else'; forward"
         " returns the table's network output)", _EX1_PER_IMAGE_STD),
    ],
    "ex2_train": [
        ("the epoch's value is the last batch's loss, not the mean over its batches (text: 'return a list with the"
         " mean batch loss of every epoch')", _EX2_LAST_BATCH),
        ("Adam(weight_decay=5e-4) out of habit (text: 'Adam with learning rate lr')", _EX2_WEIGHT_DECAY),
        ("signature retyped with seed: int = 42: a call without seed takes another order (the given signature:"
         " 'seed: int = 0')", _EX2_SEED_42),
        ("mean-reduced loss divided by the batch size again 'per example' (text: 'the mean batch loss of every"
         " epoch')", _EX2_DIVIDE_AGAIN),
        ("epoch loss from one no_grad pass over the whole set after the epoch, in training mode: not the mean"
         " batch loss, BatchNorm statistics move (text: 'the mean batch loss of every epoch')", _EX2_FULL_PASS),
    ],
    "ex3_evaluate": [
        ("each batch cast .float() before the model: a float64 model raises (intro: a function does not move 'a"
         " tensor to another dtype'; text: 'move each to the model's device')", _EX3_BATCH_FLOAT),
        ("per-group counters created inside the batch loop: per_group from the last batch only (text: 'per_group"
         " (a tensor of n_groups accuracies over faces only')", _EX3_RESET_IN_LOOP),
        ("set_grad_enabled(False) then set_grad_enabled(True): a caller inside torch.no_grad() gets autograd on"
         " (intro: 'The same holds for PyTorch's own switches')", _EX3_GRAD_ON_AFTER),
        ("batches x[i:i + batch_size - 1], end taken as inclusive: an image per batch never predicted (text: 'in"
         " batches of batch_size')", _EX3_SLICE_MINUS_1),
        ("a tuple (overall, per_group, worst, gap) returned, not a dict (text: 'Return a dict with overall ...,"
         " per_group ..., worst and gap')", _EX3_TUPLE),
    ],
}

CORRECT = {
    "ex1_cnn": ROUND13.CORRECT["ex1_cnn"][:1] + [
        ("an empty nn.Sequential filled with .append in the table's order, keyword arguments, .flatten()",
         _EX1_APPEND),
    ],
    "ex2_train": ROUND13.CORRECT["ex2_train"][:1] + [
        ("BatchSampler(SubsetRandomSampler(range(n), generator=gen)), nn.BCEWithLogitsLoss, a running total",
         _EX2_SAMPLER),
    ],
    "ex3_evaluate": ROUND13.CORRECT["ex3_evaluate"][:1] + [
        ("@torch.no_grad() on the function, torch.split batches, one-hot membership matrix in float64, cast back",
         _EX3_ONE_HOT),
    ],
}
