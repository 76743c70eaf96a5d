"""Blind round 13: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round12/ (lab 02 has no
round 8). CORRECT[...][0] is round 12's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round13/prove_02_faces.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND12 = earlier_round(12, __file__)

# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND12.CORRECT["ex1_cnn"][0][1]
_EX1_LOOP = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        layers, c_in = [], 3
        for c_out, k in [(f, 5), (2 * f, 5), (4 * f, 3)]:      # the table's rows, in order
            layers += [nn.Conv2d(c_in, c_out, kernel_size=k, stride=2, padding=(k - 1) // 2),
                       nn.BatchNorm2d(c_out), nn.ReLU()]
            c_in = c_out
        side = image_size // 8
        layers += [nn.Flatten(), nn.Linear(c_in * side * side, 128), nn.ReLU(), nn.Linear(128, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        logits = self.net(x)                              # (B, 1)
        return logits.reshape(logits.shape[0])            # (B,), a batch of one gives (1,)
'''
# padding forgotten in the first convolution only: 32 -> 14 -> 7 -> 4, still a 4x4 map and the same
# parameters, so nothing raises (the table: kernel 5, stride 2, padding 2 in the first row)
_EX1_FIRST_NO_PAD = replace_once(_EX1_OK, "nn.Conv2d(3, f, 5, stride=2, padding=2)", "nn.Conv2d(3, f, 5, stride=2)")
# x.float() in forward 'in case the images come as uint8': a float64 FaceCNN (model.double()) on
# float64 images raises a dtype mismatch (intro: a function 'does not move ... a tensor to another dtype')
_EX1_INPUT_FLOAT = replace_once(_EX1_OK, "return self.net(x).squeeze(-1)", "return self.net(x.float()).squeeze(-1)")
# BatchNorm2d(c, momentum=0.01): Keras' 0.99 'converted' to PyTorch's convention (the text: 'plain
# nn.BatchNorm2d(channels) layers (their default momentum and eps)')
_EX1_MOMENTUM_001 = replace_once(replace_once(replace_once(
    _EX1_OK, "nn.BatchNorm2d(f),", "nn.BatchNorm2d(f, momentum=0.01),"),
    "nn.BatchNorm2d(2 * f),", "nn.BatchNorm2d(2 * f, momentum=0.01),"),
    "nn.BatchNorm2d(4 * f),", "nn.BatchNorm2d(4 * f, momentum=0.01),")
# DCGAN's kernel 4, stride 2, padding 1 in all three convolutions: the same 4x4 map, other weights
# (the table: kernels 5, 5, 3 with padding 2, 2, 1)
_EX1_DCGAN_K4 = replace_once(replace_once(replace_once(
    _EX1_OK, "nn.Conv2d(3, f, 5, stride=2, padding=2)", "nn.Conv2d(3, f, 4, stride=2, padding=1)"),
    "nn.Conv2d(f, 2 * f, 5, stride=2, padding=2)", "nn.Conv2d(f, 2 * f, 4, stride=2, padding=1)"),
    "nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1)", "nn.Conv2d(2 * f, 4 * f, 4, stride=2, padding=1)")
# the output layer's bias zeroed 'the classes are balanced, start at p = 0.5': not PyTorch's default
# initialisation (the text: 'the grader compares outputs for a fixed initialisation'; 'What the
# table does not list keeps PyTorch's defaults')
_EX1_ZERO_OUT_BIAS = replace_once(_EX1_OK, "            nn.Linear(128, 1),\n        )\n",
                                  "            nn.Linear(128, 1),\n        )\n"
                                  "        nn.init.zeros_(self.net[-1].bias)   # balanced classes: start at p = 0.5\n")

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND12.CORRECT["ex2_train"][0][1]
_EX2_SPLIT = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train()
    target_device = next(model.parameters()).device
    criterion = nn.BCEWithLogitsLoss()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history: list[float] = []
    for epoch in progress(range(epochs), desc="train"):
        batch_losses = []
        for idx in torch.randperm(len(x), generator=gen).split(batch_size):
            inputs = x[idx].to(target_device)
            targets = y[idx].to(device=target_device, dtype=torch.float32)
            for p in model.parameters():
                p.grad = None
            loss = criterion(model(inputs), targets)
            loss.backward()
            opt.step()
            batch_losses.append(loss.item())
        epoch_loss = float(np.mean(batch_losses))
        history.append(epoch_loss)
        if on_epoch:
            on_epoch(epoch, epoch_loss)
    return history
'''
# optimizer.zero_grad() once per epoch, before the batch loop: the gradients of an epoch's batches
# add up (the text: 'per batch: zero the gradients, compute the loss, backward, step')
_EX2_ZERO_PER_EPOCH = replace_once(replace_once(
    _EX2_OK, "            optimizer.zero_grad()\n", ""),
    "        losses = []\n", "        losses = []\n        optimizer.zero_grad()\n")
# optimizer.step() before loss.backward(): each step uses the previous batch's gradients, the first
# none (the text: 'per batch: zero the gradients, compute the loss, backward, step')
_EX2_STEP_FIRST = replace_once(_EX2_OK, "            loss.backward()\n            optimizer.step()\n",
                               "            optimizer.step()\n            loss.backward()\n")
# torch.sigmoid before binary_cross_entropy_with_logits: the sigmoid applied twice (the text: the
# with_logits loss 'takes the logits (it applies the sigmoid itself ...)')
_EX2_DOUBLE_SIGMOID = replace_once(_EX2_OK, "F.binary_cross_entropy_with_logits(model(xb), yb.float())",
                                   "F.binary_cross_entropy_with_logits(torch.sigmoid(model(xb)), yb.float())")
# a StepLR scheduler halving the learning rate every epoch, out of habit (the text: 'Adam with
# learning rate lr')
_EX2_STEP_LR = replace_once(replace_once(
    _EX2_OK, "    gen = torch.Generator().manual_seed(seed)\n",
    "    gen = torch.Generator().manual_seed(seed)\n"
    "    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)\n"),
    "        mean_loss = sum(losses) / len(losses)\n",
    "        scheduler.step()\n        mean_loss = sum(losses) / len(losses)\n")
# random horizontal flips 'faces are symmetric', drawn from torch's global RNG (intro: a function
# 'draws random numbers only from the generator or seed it is given'; the text: visit the set in
# the order randperm(..., generator=gen), nothing else)
_EX2_FLIP_AUGMENT = replace_once(
    _EX2_OK, "            xb, yb = x[idx].to(dev), y[idx].to(dev)\n",
    "            xb, yb = x[idx].to(dev), y[idx].to(dev)\n"
    "            flip = torch.rand(len(idx), device=dev) < 0.5          # augmentation: mirrored faces\n"
    "            xb = torch.where(flip[:, None, None, None], xb.flip(-1), xb)\n")
# for epoch in range(1, epochs) 'epochs count from 1': one epoch fewer, and on_epoch's epoch starts
# at 1 (the text: 'the mean batch loss of every epoch'; 'epoch counts from 0')
_EX2_RANGE_1 = replace_once(_EX2_OK, "for epoch in progress(range(epochs), desc=\"epochs\"):",
                            "for epoch in progress(range(1, epochs), desc=\"epochs\"):")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND12.CORRECT["ex3_evaluate"][0][1]
_EX3_MASKS = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    where = next(model.parameters()).device
    preds = []
    with torch.no_grad():
        for xb in x.split(batch_size):
            preds.append(model(xb.to(where)).cpu() > 0)
    is_face_pred = torch.cat(preds)
    is_face = y == 1
    right = is_face_pred == is_face
    accs = []
    for g in range(n_groups):
        mask = is_face & (groups == g)
        accs.append(right[mask].float().mean())
    per_group = torch.stack(accs)
    return {"overall": right.float().mean().item(), "per_group": per_group,
            "worst": float(per_group.min()), "gap": float(per_group.max() - per_group.min())}
'''
# range(len(x) // batch_size) batches, accumulated per batch: the last, smaller batch is never
# evaluated (the text: 'in batches of batch_size (the last one may be smaller ...)')
_EX3_DROP_LAST = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    hits = torch.zeros(n_groups)
    counts = torch.zeros(n_groups)
    n_right, n_seen = 0, 0
    for b in range(len(x) // batch_size):
        sl = slice(b * batch_size, (b + 1) * batch_size)
        with torch.no_grad():
            pred = (model(x[sl].to(dev)).cpu() > 0).float()
        correct = (pred == y[sl]).float()
        n_right += correct.sum().item()
        n_seen += len(correct)
        faces = y[sl] == 1
        hits += torch.bincount(groups[sl][faces], weights=correct[faces], minlength=n_groups)
        counts += torch.bincount(groups[sl][faces], minlength=n_groups)
    per_group = hits / counts
    return {"overall": n_right / n_seen, "per_group": per_group,
            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}
'''
# overall left a 0-d tensor (correct.mean()): the text: 'overall (accuracy over all images, a float)'
_EX3_OVERALL_TENSOR = replace_once(_EX3_OK, '"overall": correct.mean().item()', '"overall": correct.mean()')
# no torch.no_grad() around the forward passes: predictions made with autograd on (the text:
# 'predict without gradients')
_EX3_NO_NO_GRAD = replace_once(replace_once(
    _EX3_OK, "    with torch.no_grad():\n        logits = torch.cat(",
    "    logits = torch.cat("), "(x[i:i + batch_size].to(dev)).cpu()", "(x[i:i + batch_size].to(dev)).detach().cpu()")
# per_group rounded to 3 decimals 'for the report' (worst and gap follow it): not the accuracies
# (the text: 'per_group (a tensor of n_groups accuracies over faces only)')
_EX3_ROUNDED = replace_once(_EX3_OK, "    per_group = hits / counts\n",
                            "    per_group = (hits / counts).round(decimals=3)   # readable in the report\n")

# per_group as the mean over batches of each batch's per-group accuracy (nanmean for batches without
# a group's faces): a batch with few faces of a group weighs like a full one (the text: 'per_group (a
# tensor of n_groups accuracies over faces only, y == 1)': each group's accuracy over its faces)
_EX3_BATCH_MEAN = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    batch_accs, all_correct = [], []
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            logits = model(x[i:i + batch_size].to(dev)).cpu()
            yb, gb = y[i:i + batch_size], groups[i:i + batch_size]
            correct = ((logits > 0).float() == yb).float()
            all_correct.append(correct)
            faces = yb == 1
            hits = torch.bincount(gb[faces], weights=correct[faces], minlength=n_groups)
            counts = torch.bincount(gb[faces], minlength=n_groups)
            batch_accs.append(hits / counts)
    per_group = torch.nanmean(torch.stack(batch_accs), dim=0)
    overall = torch.cat(all_correct).mean().item()
    return {"overall": overall, "per_group": per_group,
            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}
'''

MUTANTS = {
    "ex1_cnn": [
        ("padding forgotten in the first convolution only: 32 -> 14 -> 7 -> 4, still a 4x4 map, nothing raises"
         " (table: first row kernel 5, stride 2, padding 2)", _EX1_FIRST_NO_PAD),
        ("forward casts x.float(): a float64 FaceCNN on float64 images raises (intro: a function 'does not move"
         " ... a tensor to another dtype')", _EX1_INPUT_FLOAT),
        ("BatchNorm2d(c, momentum=0.01), Keras' 0.99 converted: not plain BatchNorm2d (text: 'plain"
         " nn.BatchNorm2d(channels) layers (their default momentum and eps)')", _EX1_MOMENTUM_001),
        ("DCGAN kernel 4, stride 2, padding 1 in all three convolutions: same 4x4 map, other weights (table:"
         " kernels 5, 5, 3 with padding 2, 2, 1)", _EX1_DCGAN_K4),
        ("output Linear's bias zeroed at init 'start at p = 0.5' (text: 'What the table does not list keeps"
         " PyTorch's defaults'; the grader compares outputs for a fixed initialisation)", _EX1_ZERO_OUT_BIAS),
    ],
    "ex2_train": [
        ("optimizer.zero_grad() once per epoch, before the batch loop: gradients pile up across batches (text:"
         " 'per batch: zero the gradients, compute the loss, backward, step')", _EX2_ZERO_PER_EPOCH),
        ("optimizer.step() before loss.backward(): each step uses the previous batch's gradients (text: 'per"
         " batch: zero the gradients, compute the loss, backward, step')", _EX2_STEP_FIRST),
        ("torch.sigmoid before binary_cross_entropy_with_logits: the sigmoid applied twice (text: it 'takes the"
         " logits (it applies the sigmoid itself')", _EX2_DOUBLE_SIGMOID),
        ("StepLR(step_size=1, gamma=0.5) halving the learning rate every epoch (text: 'Adam with learning rate"
         " lr')", _EX2_STEP_LR),
        ("random horizontal flips drawn from torch's global RNG (intro: 'draws random numbers only from the"
         " generator or seed it is given'; text: visit the set in the randperm order)", _EX2_FLIP_AUGMENT),
        ("for epoch in range(1, epochs): one epoch fewer, on_epoch from 1 (text: 'the mean batch loss of every"
         " epoch', 'epoch counts from 0')", _EX2_RANGE_1),
    ],
    "ex3_evaluate": [
        ("range(len(x) // batch_size) batches: the last, smaller batch is never evaluated (text: 'in batches of"
         " batch_size (the last one may be smaller')", _EX3_DROP_LAST),
        ("overall left a 0-d tensor, correct.mean() (text: 'overall (accuracy over all images, a float)')",
         _EX3_OVERALL_TENSOR),
        ("no torch.no_grad(): the forward passes run with autograd on, logits detached after (text: 'predict"
         " without gradients')", _EX3_NO_NO_GRAD),
        ("per_group rounded to 3 decimals for the report (text: 'per_group (a tensor of n_groups accuracies over"
         " faces only)')", _EX3_ROUNDED),
        ("per_group = nanmean over batches of each batch's per-group accuracy: a batch with few of a group's"
         " faces weighs like a full one (text: 'per_group (a tensor of n_groups accuracies over faces only')",
         _EX3_BATCH_MEAN),
    ],
}

CORRECT = {
    "ex1_cnn": ROUND12.CORRECT["ex1_cnn"][:1] + [
        ("the table's rows in a loop over (channels, kernel), padding (k - 1) // 2, reshape(B)", _EX1_LOOP),
    ],
    "ex2_train": ROUND12.CORRECT["ex2_train"][:1] + [
        ("randperm(...).split(batch_size), nn.BCEWithLogitsLoss, grads set to None by hand, float(np.mean)",
         _EX2_SPLIT),
    ],
    "ex3_evaluate": ROUND12.CORRECT["ex3_evaluate"][:1] + [
        ("x.split(batch_size), boolean predictions, a mask per group in a Python loop, torch.stack", _EX3_MASKS),
    ],
}
