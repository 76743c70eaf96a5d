"""Blind round 17: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round16/ (lab 02 has no
round 8). CORRECT[...][0] is round 16's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round17/prove_02_faces.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND16 = earlier_round(16, __file__)

# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND16.CORRECT["ex1_cnn"][0][1]
_EX1_TABLE_LOOP = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        table = [(f, 5, 2), (2 * f, 5, 2), (4 * f, 3, 1)]      # (out channels, kernel, padding), stride 2
        layers, c_in = [], 3
        for c_out, kernel, pad in table:
            layers += [nn.Conv2d(c_in, c_out, kernel_size=kernel, stride=2, padding=pad),
                       nn.BatchNorm2d(c_out), nn.ReLU()]
            c_in = c_out
        side = image_size // 8
        layers += [nn.Flatten(), nn.Linear(c_in * side * side, 128), nn.ReLU(), nn.Linear(128, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        out = self.net(x)                                 # (B, 1)
        return out[:, 0]
'''
# a BatchNorm2d(3) in front of the first convolution 'to normalise the input images': an extra layer
# (text: 'Nothing else: no dropout, no extra layers')
_EX1_INPUT_BN = replace_once(_EX1_OK, "            nn.Conv2d(3, f, 5, stride=2, padding=2),",
                             "            nn.BatchNorm2d(3),                     # normalise the inputs\n"
                             "            nn.Conv2d(3, f, 5, stride=2, padding=2),")
# channels grown in a loop as f * (i + 1): f, 2f, 3f, the third block 3f instead of 4f (table: out
# channels f, 2f, 4f)
_EX1_LINEAR_GROWTH = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        layers, c_in = [], 3
        for i, (kernel, pad) in enumerate([(5, 2), (5, 2), (3, 1)]):
            c_out = f * (i + 1)                           # the channels grow: f, 2f, ...
            layers += [nn.Conv2d(c_in, c_out, kernel, stride=2, padding=pad), nn.BatchNorm2d(c_out), nn.ReLU()]
            c_in = c_out
        layers += [nn.Flatten(), nn.Linear(c_in * (image_size // 8) ** 2, 128), nn.ReLU(), nn.Linear(128, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        return self.net(x).squeeze(-1)
'''
# the layers in an nn.ModuleList run by a loop in forward: same layers, but self.net is no
# nn.Sequential (text: 'one nn.Sequential in self.net')
_EX1_MODULELIST = replace_once(replace_once(
    _EX1_OK, "self.net = nn.Sequential(\n", "self.net = nn.ModuleList([\n"),
    "            nn.Linear(128, 1),\n        )\n", "            nn.Linear(128, 1),\n        ])\n")
_EX1_MODULELIST = replace_once(_EX1_MODULELIST, "        return self.net(x).squeeze(-1)\n",
                               "        for layer in self.net:\n            x = layer(x)\n"
                               "        return x.squeeze(-1)\n")
# the hidden dense layer Linear(..., 128, bias=False), 'ReLU after it anyway': no bias there (text: 'What
# the table does not list keeps PyTorch's defaults')
_EX1_HIDDEN_NO_BIAS = replace_once(_EX1_OK, "nn.Linear(4 * f * (image_size // 8) ** 2, 128)",
                                   "nn.Linear(4 * f * (image_size // 8) ** 2, 128, bias=False)")

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND16.CORRECT["ex2_train"][0][1]
_EX2_SPLIT = '''
import math


def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train()
    target = next(model.parameters()).device
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    per_epoch = []
    for epoch in progress(range(epochs), desc="train"):
        order = torch.randperm(len(x), generator=gen)
        batch_losses = []
        for idx in order.split(batch_size):                 # the last, smaller batch kept
            xb = x.index_select(0, idx).to(target)
            yb = y.index_select(0, idx).to(target)
            optimizer.zero_grad()
            logits = model(xb)
            loss = loss_fn(logits, yb.to(logits.dtype))
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        per_epoch.append(math.fsum(batch_losses) / len(batch_losses))
        if on_epoch is not None:
            on_epoch(epoch, per_epoch[-1])
    return per_epoch
'''
# a DataLoader per epoch with sampler=randperm(..., generator=gen).tolist(): the right order, but each
# iteration of the loader draws its base seed from torch's global RNG (intro: 'draws random numbers only
# from the generator or seed it is given')
_EX2_LOADER_GLOBAL_RNG = '''
from statistics import fmean

from torch.utils.data import DataLoader, TensorDataset


def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train()
    target = next(model.parameters()).device
    loss_fn = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    dataset = TensorDataset(x, y)
    per_epoch = []
    for epoch in progress(range(epochs), desc="train"):
        order = torch.randperm(len(x), generator=gen)
        loader = DataLoader(dataset, batch_size=batch_size, sampler=order.tolist())   # this order, last batch kept
        batch_losses = []
        for xb, yb in loader:
            xb, yb = xb.to(target), yb.to(target)
            optimizer.zero_grad()
            logits = model(xb)
            loss = loss_fn(logits, yb.to(logits.dtype))
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        per_epoch.append(fmean(batch_losses))
        if on_epoch is not None:
            on_epoch(epoch, per_epoch[-1])
    return per_epoch
'''
# batches of the notebook's cfg.batch_size (64), the batch_size argument ignored (text: 'in batches of
# batch_size')
_EX2_GLOBAL_BATCH = replace_once(
    _EX2_OK, "        for start in range(0, len(x), batch_size):\n            idx = order[start:start + batch_size]\n",
    "        for start in range(0, len(x), cfg.batch_size):\n            idx = order[start:start + cfg.batch_size]\n")
# range(len(x) // batch_size + 1) batches 'to keep the last one': when batch_size divides len(x) an empty
# batch follows, its loss is NaN and Adam still steps (text: 'in batches of batch_size (the last one may be
# smaller: keep it)')
_EX2_EXTRA_BATCH = replace_once(
    _EX2_OK, "        for start in range(0, len(x), batch_size):\n            idx = order[start:start + batch_size]\n",
    "        for b in range(len(x) // batch_size + 1):           # + 1: the last, smaller batch\n"
    "            idx = order[b * batch_size:(b + 1) * batch_size]\n")
# model.requires_grad_(True) 'in case an evaluation froze it': parameters the caller froze are trained
# (intro: 'a function changes nothing the caller gives it'; the exercise only asks for model.train())
_EX2_UNFREEZE = replace_once(_EX2_OK, "    model.train()\n",
                             "    model.train()\n    model.requires_grad_(True)              # make sure everything trains\n")
# epochs from the notebook's cfg.epochs, the epochs argument ignored (text: 'train_classifier(model, x, y,
# epochs, ...)', 'the mean batch loss of every epoch')
_EX2_GLOBAL_EPOCHS = replace_once(_EX2_OK, "for epoch in progress(range(epochs)",
                                  "for epoch in progress(range(cfg.epochs)")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND16.CORRECT["ex3_evaluate"][0][1]
_EX3_INDEX_ADD = '''
@torch.no_grad()
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()                                           # left in eval mode
    dev = next(model.parameters()).device
    hits, faces_seen = torch.zeros(n_groups), torch.zeros(n_groups)
    n_right = 0.0
    for start in range(0, len(x), batch_size):
        stop = start + batch_size
        said_face = model(x[start:stop].to(dev)).cpu() > 0
        yb, gb = y[start:stop], groups[start:stop]
        right = (said_face == (yb == 1)).float()
        n_right += right.sum().item()
        face = yb == 1
        hits.index_add_(0, gb[face], right[face])
        faces_seen.index_add_(0, gb[face], torch.ones(int(face.sum())))
    per_group = hits / faces_seen
    best, worst = per_group.max().item(), per_group.min().item()
    return {"overall": n_right / len(x), "per_group": per_group, "worst": worst, "gap": best - worst}
'''
# the worst and gap keys named 'worst_group' and 'max_gap' (text: 'Return a dict with overall ...,
# per_group ..., worst and gap')
_EX3_KEYS = replace_once(_EX3_OK, '"worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}',
                         '"worst_group": per_group.min().item(),\n'
                         '            "max_gap": (per_group.max() - per_group.min()).item()}')
# worst and gap over per_group[per_group > 0] 'to skip groups without faces': a group whose faces are all
# missed is skipped (text: 'the worst-group accuracy min_g acc_g and the gap max_g acc_g - min_g acc_g')
_EX3_SKIP_ZERO = replace_once(
    _EX3_OK, '    return {"overall": correct.mean().item(), "per_group": per_group,\n'
             '            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}',
    '    seen = per_group[per_group > 0]                       # skip empty groups\n'
    '    return {"overall": correct.mean().item(), "per_group": per_group,\n'
    '            "worst": seen.min().item(), "gap": (seen.max() - seen.min()).item()}')
# predictions under torch.autocast(bfloat16) 'for speed': logits close to 0 round to 0 or change sign,
# other predictions than the model's (text: 'face means logit > 0'; intro: no other dtype)
_EX3_AUTOCAST = replace_once(
    _EX3_OK, "    with torch.no_grad():\n        logits = torch.cat([model(x[i:i + batch_size].to(dev)).cpu()",
    "    with torch.no_grad(), torch.autocast(dev.type, dtype=torch.bfloat16):      # faster inference\n"
    "        logits = torch.cat([model(x[i:i + batch_size].to(dev)).float().cpu()")
# overall rounded to 3 decimals 'as it is printed' (text: 'overall (accuracy over all images, a float)')
_EX3_OVERALL_ROUNDED = replace_once(_EX3_OK, '"overall": correct.mean().item(),',
                                    '"overall": round(correct.mean().item(), 3),')

MUTANTS = {
    "ex1_cnn": [
        ("BatchNorm2d(3) in front of the first convolution 'to normalise the inputs' (text: 'Nothing else: no"
         " dropout, no extra layers')", _EX1_INPUT_BN),
        ("channels grown in a loop as f * (i + 1): f, 2f, 3f, the third block 3f (table: out channels f, 2f, 4f)",
         _EX1_LINEAR_GROWTH),
        ("layers in an nn.ModuleList looped over in forward: self.net is no nn.Sequential (text: 'one"
         " nn.Sequential in self.net')", _EX1_MODULELIST),
        ("hidden dense layer Linear(..., 128, bias=False) (text: 'What the table does not list keeps PyTorch's"
         " defaults')", _EX1_HIDDEN_NO_BIAS),
    ],
    "ex2_train": [
        ("batches of the notebook's cfg.batch_size, the batch_size argument ignored (text: 'in batches of"
         " batch_size')", _EX2_GLOBAL_BATCH),
        ("range(len(x) // batch_size + 1) batches: an empty batch with a NaN loss (and an Adam step) when"
         " batch_size divides len(x) (text: 'in batches of batch_size (the last one may be smaller: keep it)')",
         _EX2_EXTRA_BATCH),
        ("model.requires_grad_(True) after model.train(): parameters the caller froze get trained (intro: 'a"
         " function changes nothing the caller gives it')", _EX2_UNFREEZE),
        ("epochs from the notebook's cfg.epochs, the epochs argument ignored (text: 'the mean batch loss of every"
         " epoch' of train_classifier(model, x, y, epochs, ...))", _EX2_GLOBAL_EPOCHS),
        ("a DataLoader per epoch with sampler=randperm(..., generator=gen).tolist(): the order is right, but the"
         " loader draws its base seed from torch's global RNG (intro: 'draws random numbers only from the generator"
         " or seed it is given')", _EX2_LOADER_GLOBAL_RNG),
    ],
    "ex3_evaluate": [
        ("dict keys 'worst_group' and 'max_gap' instead of worst and gap (text: 'Return a dict with overall ...,"
         " per_group ..., worst and gap')", _EX3_KEYS),
        ("worst and gap over per_group[per_group > 0] 'to skip empty groups': a group whose faces are all missed"
         " is skipped (text: 'worst-group accuracy min_g acc_g', 'gap max_g acc_g - min_g acc_g')", _EX3_SKIP_ZERO),
        ("predictions under torch.autocast(bfloat16) 'for speed': logits near 0 round to 0 (text: 'face means"
         " logit > 0'; intro: no other dtype)", _EX3_AUTOCAST),
        ("overall rounded to 3 decimals as printed (text: 'overall (accuracy over all images, a float)')",
         _EX3_OVERALL_ROUNDED),
    ],
}

CORRECT = {
    "ex1_cnn": ROUND16.CORRECT["ex1_cnn"][:1] + [
        ("layers from a (channels, kernel, padding) table in a loop, one Sequential, out[:, 0]", _EX1_TABLE_LOOP),
    ],
    "ex2_train": ROUND16.CORRECT["ex2_train"][:1] + [
        ("order.split(batch_size), index_select batches, nn.BCEWithLogitsLoss, math.fsum for the epoch mean",
         _EX2_SPLIT),
    ],
    "ex3_evaluate": ROUND16.CORRECT["ex3_evaluate"][:1] + [
        ("@torch.no_grad() decorator, per-batch index_add_ counters, overall from a running count", _EX3_INDEX_ADD),
    ],
}
