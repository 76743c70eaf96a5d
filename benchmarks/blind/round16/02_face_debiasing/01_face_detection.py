"""Blind round 16: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round15/ (lab 02 has no
round 8). CORRECT[...][0] is round 15's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round16/prove_02_faces.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND15 = earlier_round(15, __file__)

# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND15.CORRECT["ex1_cnn"][0][1]
_EX1_BLOCKS = '''
def _conv_block(c_in: int, c_out: int, kernel: int, padding: int) -> list:
    return [nn.Conv2d(c_in, c_out, kernel, stride=2, padding=padding), nn.BatchNorm2d(c_out), nn.ReLU()]


class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        side = image_size // 8                       # three halvings: S -> S/2 -> S/4 -> S/8
        self.net = nn.Sequential(
            *_conv_block(3, f, 5, 2),
            *_conv_block(f, 2 * f, 5, 2),
            *_conv_block(2 * f, 4 * f, 3, 1),
            nn.Flatten(),
            nn.Linear(4 * f * side * side, 128),
            nn.ReLU(),
            nn.Linear(128, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        return self.net(x).view(-1)                       # (B, 1) -> (B,)
'''
# the output Linear without bias, 'BatchNorm/the sigmoid takes care of the offset': one parameter
# fewer and other logits (text: 'What the table does not list keeps PyTorch's defaults')
_EX1_NO_OUT_BIAS = replace_once(_EX1_OK, "nn.Linear(128, 1),", "nn.Linear(128, 1, bias=False),")
# squeeze(0) typed for squeeze(-1): a batch of one gives (1,), but any larger batch comes back
# (B, 1) (text: 'a forward that returns logits of shape (B,) ... not (B, 1)')
_EX1_SQUEEZE_0 = replace_once(_EX1_OK, "return self.net(x).squeeze(-1)", "return self.net(x).squeeze(0)")
# third convolution written positionally Conv2d(2f, 4f, 3, 1, 2), stride and padding swapped: an
# 8 -> 10 map, and the dense layer sized for S/8 refuses it (table: third row kernel 3, stride 2,
# padding 1)
_EX1_POSITIONAL = replace_once(_EX1_OK, "nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1)",
                               "nn.Conv2d(2 * f, 4 * f, 3, 1, 2)")
# forward returns probabilities in eval mode 'for inference', logits only while training: an
# eval-mode FaceCNN gives sigmoid outputs (text: 'forward returns the last Linear's output as it is,
# only reshaped: no sigmoid'; the grader runs the network in both modes)
_EX1_EVAL_SIGMOID = replace_once(
    _EX1_OK, "        return self.net(x).squeeze(-1)\n",
    "        logits = self.net(x).squeeze(-1)\n"
    "        return logits if self.training else torch.sigmoid(logits)   # inference: a probability\n")
# dense layer sized 4f * (S/8), the square of the map's side forgotten: the Linear refuses the
# flattened 4f * (S/8)^2 features (text: 'for image_size S the map before Flatten is S/8 x S/8')
_EX1_SIDE_NOT_SQUARED = replace_once(_EX1_OK, "nn.Linear(4 * f * (image_size // 8) ** 2, 128)",
                                     "nn.Linear(4 * f * (image_size // 8), 128)")

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND15.CORRECT["ex2_train"][0][1]
_EX2_WHILE = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train()
    device_of_model = next(model.parameters()).device
    criterion = nn.BCEWithLogitsLoss()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    epoch_means: list[float] = []
    for epoch in progress(range(epochs), desc="train"):
        perm = torch.randperm(len(x), generator=gen)
        total, n_batches, start = 0.0, 0, 0
        while start < len(x):                               # the last batch may be smaller
            sel = perm[start:start + batch_size]
            start += batch_size
            xb = x[sel].to(device_of_model)
            opt.zero_grad(set_to_none=True)
            logits = model(xb)
            loss = criterion(logits, y[sel].to(device_of_model).to(logits.dtype))
            loss.backward()
            opt.step()
            total += loss.item()
            n_batches += 1
        epoch_means.append(total / n_batches)
        if on_epoch is not None:
            on_epoch(epoch, epoch_means[-1])
    return epoch_means
'''
# history.append indented under the 'if on_epoch' test: without a callback the function returns an
# empty list (text: 'return a list with the mean batch loss of every epoch'; on_epoch 'if given')
_EX2_APPEND_IN_IF = replace_once(
    _EX2_OK, "        history.append(mean_loss)\n        if on_epoch is not None:\n            on_epoch(epoch, mean_loss)\n",
    "        if on_epoch is not None:\n            history.append(mean_loss)\n            on_epoch(epoch, mean_loss)\n")
# torch.chunk(order, batch_size): batch_size chunks, not chunks of batch_size (9 by 4: 3, 3, 3)
# (text: 'in batches of batch_size (the last one may be smaller: keep it)')
_EX2_CHUNK = replace_once(
    _EX2_OK, "        for start in range(0, len(x), batch_size):\n            idx = order[start:start + batch_size]\n",
    "        for idx in torch.chunk(order, batch_size):\n")
# the epoch's value a smoothed loss, an exponential moving average of the batch losses as fastai
# prints it: not their mean (text: 'return a list with the mean batch loss of every epoch')
_EX2_EMA = replace_once(
    _EX2_OK, "        mean_loss = sum(losses) / len(losses)\n",
    "        mean_loss = losses[0]\n"
    "        for value in losses[1:]:\n"
    "            mean_loss = 0.9 * mean_loss + 0.1 * value          # smoothed, as fastai shows it\n")
# each batch cast .float() 'as the labels': a float64 model meets float32 images and raises
# (intro: a function does not move 'a model or a tensor to another device or dtype'; text: 'move
# each batch to the model's device')
_EX2_FLOAT_BATCH = replace_once(_EX2_OK, "xb, yb = x[idx].to(dev), y[idx].to(dev)",
                                "xb, yb = x[idx].to(dev).float(), y[idx].to(dev)")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND15.CORRECT["ex3_evaluate"][0][1]
_EX3_MASKS = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()                                          # and it stays in eval mode
    where = next(model.parameters()).device
    pieces = []
    with torch.no_grad():
        for xb in torch.split(x, batch_size):
            pieces.append(model(xb.to(where)).cpu())
    is_face = torch.cat(pieces) > 0                       # exactly 0 is not a face
    truth = y == 1
    right = is_face == truth
    accs = [right[truth & (groups == g)].double().mean() for g in range(n_groups)]
    per_group = torch.stack(accs).float()
    return {"overall": right.double().mean().item(), "per_group": per_group,
            "worst": float(per_group.min()), "gap": float(per_group.max() - per_group.min())}
'''
# gap read as 'how far the worst group falls below the average': overall - worst, not
# max_g acc_g - min_g acc_g (text: 'the gap max_g acc_g - min_g acc_g')
_EX3_GAP_OVERALL = replace_once(_EX3_OK, '"gap": (per_group.max() - per_group.min()).item()}',
                                '"gap": correct.mean().item() - per_group.min().item()}')
# batches accumulated for the groups, but overall assigned in the loop: the last batch's accuracy
# (text: 'overall (accuracy over all images, a float)')
_EX3_OVERALL_LAST = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    hits = torch.zeros(n_groups)
    counts = torch.zeros(n_groups)
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            logits = model(x[i:i + batch_size].to(dev)).cpu()
            yb, gb = y[i:i + batch_size], groups[i:i + batch_size]
            correct = ((logits > 0).float() == yb).float()
            overall = correct.mean().item()
            faces = yb == 1
            hits += torch.bincount(gb[faces], weights=correct[faces], minlength=n_groups)
            counts += torch.bincount(gb[faces], minlength=n_groups)
    per_group = hits / counts
    return {"overall": overall, "per_group": per_group,
            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}
'''
# a loop over the groups with range(n_groups - 1), 'ids go up to n_groups - 1': the last group is
# never measured (text: 'per_group (a tensor of n_groups accuracies ...)', ids 'in 0 ... n_groups-1')
_EX3_RANGE_OFF_BY_ONE = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + batch_size].to(dev)).cpu() for i in range(0, len(x), batch_size)])
    correct = ((logits > 0).float() == y).float()
    faces = y == 1
    per_group = torch.stack([correct[faces & (groups == g)].mean() for g in range(n_groups - 1)])
    return {"overall": correct.mean().item(), "per_group": per_group,
            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}
'''
# model.requires_grad_(False) 'to be safe', switched back with requires_grad_(True) at the end: a
# caller's frozen parameters come back trainable (text: 'The function only reads its arguments';
# intro: 'a function changes nothing the caller gives it')
_EX3_REQUIRES_GRAD_BACK = replace_once(replace_once(
    _EX3_OK, "    model.eval()\n", "    model.eval()\n    model.requires_grad_(False)                   # no gradients needed\n"),
    "    correct = ((logits > 0).float() == y).float()\n",
    "    model.requires_grad_(True)                    # give the model back as it came\n"
    "    correct = ((logits > 0).float() == y).float()\n")

MUTANTS = {
    "ex1_cnn": [
        ("output Linear(128, 1, bias=False): no bias on the logit (text: 'What the table does not list keeps"
         " PyTorch's defaults')", _EX1_NO_OUT_BIAS),
        ("forward returns squeeze(0) typed for squeeze(-1): (B, 1) for any batch larger than one (text: 'returns"
         " logits of shape (B,) ... not (B, 1)')", _EX1_SQUEEZE_0),
        ("third convolution written positionally Conv2d(2f, 4f, 3, 1, 2): stride and padding swapped, the dense"
         " layer refuses the 10x10 map (table: third row kernel 3, stride 2, padding 1)", _EX1_POSITIONAL),
        ("forward returns sigmoid(logits) in eval mode 'for inference': probabilities, not logits (text: 'forward"
         " returns the last Linear's output as it is, only reshaped: no sigmoid')", _EX1_EVAL_SIGMOID),
        ("dense layer sized 4f * (S/8), the square forgotten: the Linear refuses the flattened map (text: 'the map"
         " before Flatten is S/8 x S/8')", _EX1_SIDE_NOT_SQUARED),
    ],
    "ex2_train": [
        ("history.append indented under 'if on_epoch is not None': without a callback an empty list comes back"
         " (text: 'return a list with the mean batch loss of every epoch')", _EX2_APPEND_IN_IF),
        ("torch.chunk(order, batch_size): batch_size chunks, not batches of batch_size (text: 'in batches of"
         " batch_size (the last one may be smaller: keep it)')", _EX2_CHUNK),
        ("epoch value an exponential moving average of the batch losses, fastai's smoothed loss (text: 'return"
         " a list with the mean batch loss of every epoch')", _EX2_EMA),
        ("each batch cast .float(): a float64 model raises (intro: a function does not move 'a tensor to another"
         " dtype'; text: 'move each batch to the model's device')", _EX2_FLOAT_BATCH),
    ],
    "ex3_evaluate": [
        ("gap as overall - worst, 'how far the worst group is below average' (text: 'the gap max_g acc_g -"
         " min_g acc_g')", _EX3_GAP_OVERALL),
        ("overall assigned inside the batch loop: the last batch's accuracy (text: 'overall (accuracy over all"
         " images, a float)')", _EX3_OVERALL_LAST),
        ("groups looped with range(n_groups - 1): the last group is missing (text: 'per_group (a tensor of"
         " n_groups accuracies', ids 'in 0 ... n_groups-1')", _EX3_RANGE_OFF_BY_ONE),
        ("model.requires_grad_(False), then requires_grad_(True) at the end: the caller's frozen parameters come"
         " back trainable (text: 'The function only reads its arguments')", _EX3_REQUIRES_GRAD_BACK),
    ],
}

CORRECT = {
    "ex1_cnn": ROUND15.CORRECT["ex1_cnn"][:1] + [
        ("the blocks from a helper returning [Conv2d, BatchNorm2d, ReLU], unpacked into one Sequential, view(-1)",
         _EX1_BLOCKS),
    ],
    "ex2_train": ROUND15.CORRECT["ex2_train"][:1] + [
        ("while loop over the permutation, nn.BCEWithLogitsLoss with labels in the logits' dtype,"
         " zero_grad(set_to_none=True), running total", _EX2_WHILE),
    ],
    "ex3_evaluate": ROUND15.CORRECT["ex3_evaluate"][:1] + [
        ("torch.split batches, boolean masks per group in float64, per_group stacked and cast to float32",
         _EX3_MASKS),
    ],
}
