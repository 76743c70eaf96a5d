"""Blind round 15: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round14/ (lab 02 has no
round 8). CORRECT[...][0] is round 14's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round15/prove_02_faces.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND14 = earlier_round(14, __file__)

# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND14.CORRECT["ex1_cnn"][0][1]
_EX1_LOOP = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        layers, c_in = [], 3
        for c_out, k, p in [(f, 5, 2), (2 * f, 5, 2), (4 * f, 3, 1)]:      # the table's three rows
            layers += [nn.Conv2d(c_in, c_out, kernel_size=k, stride=2, padding=p), nn.BatchNorm2d(c_out), nn.ReLU()]
            c_in = c_out
        side = image_size // 8
        layers += [nn.Flatten(), nn.Linear(c_in * side * side, 128), nn.ReLU(), nn.Linear(128, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        out = self.net(x)                                 # (B, 1)
        return out[:, 0]
'''
# the images detached at the start of forward, 'the input needs no gradient': the logits still
# carry the parameters' graph, but a caller can no longer take their gradient with respect to the
# images (the text: 'the logits stay in the autograd graph: a caller may take their gradient with
# respect to the images')
_EX1_DETACH_INPUT = replace_once(
    _EX1_OK, "        return self.net(x).squeeze(-1)\n",
    "        x = x.detach()                              # the images are data, not parameters\n"
    "        return self.net(x).squeeze(-1)\n")
# a two-class head Linear(128, 2) as in the digits lab, the 'face' column returned: another layer
# shape and other weights (table: last row 'Linear | 1'; 'one logit')
_EX1_TWO_LOGITS = replace_once(replace_once(
    _EX1_OK, "nn.Linear(128, 1),", "nn.Linear(128, 2),                  # scores for (not face, face)"),
    "return self.net(x).squeeze(-1)", "return self.net(x)[:, 1]")
# signature retyped with n_filters: int = 16: FaceCNN() and FaceCNN(image_size=...) build another
# network (the given signature: 'def __init__(self, n_filters: int = 12, image_size: int = 32)')
_EX1_DEFAULT_16 = replace_once(_EX1_OK, "n_filters: int = 12", "n_filters: int = 16")
# BatchNorm2d(c, eps=1e-3) in the three blocks (Keras' epsilon, momentum left alone): not plain
# BatchNorm2d (text: 'plain nn.BatchNorm2d(channels) layers (their default momentum and eps)')
_EX1_BN_EPS = _EX1_OK.replace("nn.BatchNorm2d(f)", "nn.BatchNorm2d(f, eps=1e-3)") \
    .replace("nn.BatchNorm2d(2 * f)", "nn.BatchNorm2d(2 * f, eps=1e-3)") \
    .replace("nn.BatchNorm2d(4 * f)", "nn.BatchNorm2d(4 * f, eps=1e-3)")
assert _EX1_BN_EPS.count("eps=1e-3") == 3

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND14.CORRECT["ex2_train"][0][1]
_EX2_SPLIT = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    import math

    model.train()
    where = next(model.parameters()).device
    adam = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    means = []
    for epoch, _ in enumerate(progress(range(epochs), desc="train")):
        batch_losses = []
        for idx in torch.split(torch.randperm(len(x), generator=gen), batch_size):   # last may be smaller
            model.zero_grad()
            logits = model(x[idx].to(where))
            target = y[idx].to(where).to(logits.dtype)
            loss = F.binary_cross_entropy_with_logits(logits, target, reduction="none").mean()
            loss.backward()
            adam.step()
            batch_losses.append(loss.item())
        mean_loss = math.fsum(batch_losses) / len(batch_losses)
        means.append(float(mean_loss))
        if on_epoch:
            on_epoch(epoch, mean_loss)
    return means
'''
# the model deep-copied 'so the caller's model is left alone' and the copy trained: the caller's
# model comes back untrained (intro: 'A function whose exercise says it trains updates the model's
# parameters and puts the model in training mode')
_EX2_DEEPCOPY = replace_once(
    _EX2_OK, "    model.train()\n",
    "    import copy\n"
    "    model = copy.deepcopy(model)                   # a function changes nothing the caller gives it\n"
    "    model.train()\n")
# the history returned as torch.tensor(history) 'ready to plot': a float32 tensor, not a list of
# Python floats (text: 'return a list with the mean batch loss of every epoch, as Python floats')
_EX2_TENSOR = replace_once(_EX2_OK, "    return history\n", "    return torch.tensor(history)\n")
# batch slice typed order[start:batch_size] for order[start:start + batch_size]: only the first
# batch holds examples, the others are empty and their loss is NaN (text: 'in batches of
# batch_size (the last one may be smaller: keep it)')
_EX2_SLICE_TYPO = replace_once(_EX2_OK, "idx = order[start:start + batch_size]", "idx = order[start:batch_size]")
# Adam(amsgrad=True), 'the fixed Adam': another optimiser's steps (text: 'Adam with learning rate lr')
_EX2_AMSGRAD = replace_once(_EX2_OK, "torch.optim.Adam(model.parameters(), lr=lr)",
                            "torch.optim.Adam(model.parameters(), lr=lr, amsgrad=True)")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND14.CORRECT["ex3_evaluate"][0][1]
_EX3_INDEX_ADD = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    hits = torch.zeros(n_groups, dtype=torch.float64)
    faces_seen = torch.zeros(n_groups, dtype=torch.float64)
    n_right = 0
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            stop = min(start + batch_size, len(x))
            is_face = (model(x[start:stop].to(dev)) > 0).cpu()
            truth = y[start:stop] == 1
            right = (is_face == truth).double()
            n_right += int(right.sum().item())
            g = groups[start:stop][truth].long()
            hits.index_add_(0, g, right[truth])
            faces_seen.index_add_(0, g, torch.ones(len(g), dtype=torch.float64))
    per_group = (hits / faces_seen).float()                # float32, as the notebook's tensors
    best, low = per_group.max().item(), per_group.min().item()
    return {"overall": n_right / len(x), "per_group": per_group, "worst": low, "gap": best - low}
'''
# per-group counts by bincount over all images with y as weights 'non-faces weigh 0': with skin
# tones a non-face carries -1 and bincount raises (text: '-1 for skin tone (a non-face has none)')
_EX3_WEIGHTED_ALL = replace_once(replace_once(
    _EX3_OK, "    hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)\n",
    "    hits = torch.bincount(groups, weights=correct * y, minlength=n_groups)     # non-faces weigh 0\n"),
    "    counts = torch.bincount(groups[faces], minlength=n_groups)\n",
    "    counts = torch.bincount(groups, weights=y, minlength=n_groups)\n")
# minlength=len(SKIN_TONES), the setup's ten tones, instead of n_groups: glasses or hats
# (n_groups=2) get ten accuracies, eight of them NaN (text: 'per_group (a tensor of n_groups
# accuracies ...)')
_EX3_SKIN_TONES = replace_once(replace_once(
    _EX3_OK, "weights=correct[faces], minlength=n_groups)", "weights=correct[faces], minlength=len(SKIN_TONES))"),
    "torch.bincount(groups[faces], minlength=n_groups)", "torch.bincount(groups[faces], minlength=len(SKIN_TONES))")
# predictions by torch.sign(logit) against labels 2y - 1: a logit of exactly 0 is neither face nor
# non-face and counts as a mistake on a non-face (text: 'a logit of exactly 0 is not a face')
_EX3_SIGN = replace_once(_EX3_OK, "    correct = ((logits > 0).float() == y).float()\n",
                         "    correct = (torch.sign(logits) == 2 * y - 1).float()      # labels as -1 / +1\n")
# per-group hits with scatter_ (not scatter_add_): each group keeps its last face's hit, not the sum
# (text: 'per_group (a tensor of n_groups accuracies over faces only, y == 1)')
_EX3_SCATTER = replace_once(
    _EX3_OK, "    hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)\n",
    "    hits = torch.zeros(n_groups).scatter_(0, groups[faces], correct[faces])\n")

MUTANTS = {
    "ex1_cnn": [
        ("images detached at the start of forward: no gradient of the logits w.r.t. the images (text: 'a caller"
         " may take their gradient with respect to the images')", _EX1_DETACH_INPUT),
        ("two-class head Linear(128, 2), column 1 returned (table: last row 'Linear | 1'; text: 'one logit')",
         _EX1_TWO_LOGITS),
        ("signature retyped with n_filters: int = 16: FaceCNN() builds another network (the given signature:"
         " 'n_filters: int = 12')", _EX1_DEFAULT_16),
        ("BatchNorm2d(c, eps=1e-3), Keras' epsilon (text: 'plain nn.BatchNorm2d(channels) layers (their default"
         " momentum and eps)')", _EX1_BN_EPS),
    ],
    "ex2_train": [
        ("a copy.deepcopy of the model trained: the caller's model comes back untrained (intro: 'A function whose"
         " exercise says it trains updates the model's parameters')", _EX2_DEEPCOPY),
        ("history returned as torch.tensor(history), not a list (text: 'return a list with the mean batch loss of"
         " every epoch, as Python floats')", _EX2_TENSOR),
        ("batch slice order[start:batch_size] typed for order[start:start + batch_size]: later batches empty,"
         " NaN losses (text: 'in batches of batch_size')", _EX2_SLICE_TYPO),
        ("Adam(amsgrad=True), 'the fixed Adam' (text: 'Adam with learning rate lr')", _EX2_AMSGRAD),
    ],
    "ex3_evaluate": [
        ("bincount over all images with y as weights: non-faces' -1 skin tone makes bincount raise (text: '-1 for"
         " skin tone (a non-face has none)')", _EX3_WEIGHTED_ALL),
        ("minlength=len(SKIN_TONES) instead of n_groups: ten accuracies for glasses (text: 'per_group (a tensor"
         " of n_groups accuracies')", _EX3_SKIN_TONES),
        ("torch.sign(logit) against 2y - 1: a logit of exactly 0 counts wrong on a non-face (text: 'a logit of"
         " exactly 0 is not a face')", _EX3_SIGN),
        ("per-group hits with scatter_ instead of scatter_add_: each group keeps its last face's hit (text:"
         " 'per_group (a tensor of n_groups accuracies over faces only')", _EX3_SCATTER),
    ],
}

CORRECT = {
    "ex1_cnn": ROUND14.CORRECT["ex1_cnn"][:1] + [
        ("the three blocks built in a loop over the table's rows, nn.Sequential(*layers), out[:, 0]", _EX1_LOOP),
    ],
    "ex2_train": ROUND14.CORRECT["ex2_train"][:1] + [
        ("torch.split of the permutation, reduction='none' then .mean(), model.zero_grad, math.fsum", _EX2_SPLIT),
    ],
    "ex3_evaluate": ROUND14.CORRECT["ex3_evaluate"][:1] + [
        ("per-batch accumulation with index_add_ in float64, per_group cast back to float32", _EX3_INDEX_ADD),
    ],
}
