"""Blind round 9: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/01_face_detection.py nor
in benchmarks/blind/round1/ ... round7/ (lab 02 has no round 8). CORRECT[...][0] is round 7's
reference (round 3's, reused by name, so the proofs stay comparable); CORRECT[...][1] is this round's
own, in another style. The proofs are benchmarks/blind/round9/prove_02_faces.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND7 = earlier_round(7, __file__)

# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND7._EX1_OK
_EX1_CHAIN = '''
import itertools


class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters

        def block(c_in, c_out, kernel, padding):
            return (nn.Conv2d(c_in, c_out, kernel_size=kernel, stride=2, padding=padding),
                    nn.BatchNorm2d(c_out), nn.ReLU(inplace=True))

        side = image_size // 8
        self.net = nn.Sequential(*itertools.chain(
            block(3, f, 5, 2), block(f, 2 * f, 5, 2), block(2 * f, 4 * f, 3, 1),
            (nn.Flatten(), nn.Linear(in_features=4 * f * side * side, out_features=128), nn.ReLU(inplace=True),
             nn.Linear(in_features=128, out_features=1))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        return self.net(x).flatten(0)
'''
# "turns the 4×4 feature map into one logit" read the modern way: global average pooling, a dense layer of 4f inputs
_EX1_GLOBAL_POOL = replace_once(
    _EX1_OK, "            nn.Flatten(),\n            nn.Linear(4 * f * (image_size // 8) ** 2, 128), nn.ReLU(),\n",
    "            nn.AdaptiveAvgPool2d(1), nn.Flatten(),   # one value per channel, whatever the image size\n"
    "            nn.Linear(4 * f, 128), nn.ReLU(),\n")
# BatchNorm2d(f) copied into all three blocks: the second and third get 2f and 4f channels and raise
_EX1_BN_COPIED = replace_once(
    replace_once(_EX1_OK, "nn.BatchNorm2d(2 * f)", "nn.BatchNorm2d(f)"), "nn.BatchNorm2d(4 * f)", "nn.BatchNorm2d(f)")
# padding 1 in the second convolution (copied from the third): 16 -> 7 -> 4, so the map is still 4×4 and
# the parameter count unchanged, but the convolution sees other pixels
_EX1_PAD2 = replace_once(_EX1_OK, "nn.Conv2d(f, 2 * f, 5, stride=2, padding=2)", "nn.Conv2d(f, 2 * f, 5, stride=2, padding=1)")
# Keras' defaults out of habit: glorot-uniform weights and zero biases in the dense layers
_EX1_GLOROT = replace_once(
    _EX1_OK, "            nn.Linear(128, 1),\n        )\n",
    "            nn.Linear(128, 1),\n        )\n"
    "        for layer in self.net:\n"
    "            if isinstance(layer, nn.Linear):   # Keras' glorot_uniform and zeros\n"
    "                nn.init.xavier_uniform_(layer.weight)\n"
    "                nn.init.zeros_(layer.bias)\n")

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND7._EX2_OK
_EX2_BATCHED = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train()
    where = next(model.parameters()).device
    adam = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.BCEWithLogitsLoss(reduction="sum")
    g = torch.Generator().manual_seed(seed)
    per_epoch = []
    for epoch in progress(range(epochs)):
        perm = torch.randperm(len(x), generator=g).tolist()
        batch_losses = []
        for start in range(0, len(perm), batch_size):
            rows = torch.tensor(perm[start:start + batch_size])
            inputs, targets = x.index_select(0, rows).to(where), y.index_select(0, rows).to(where).float()
            for p in model.parameters():
                p.grad = None
            loss = criterion(model(inputs), targets) / len(rows)   # a sum over the batch / its size: the mean
            loss.backward()
            adam.step()
            batch_losses.append(loss.item())
        epoch_loss = torch.tensor(batch_losses, dtype=torch.float64).mean().item()
        per_epoch.append(epoch_loss)
        if on_epoch is not None:
            on_epoch(epoch, epoch_loss)
    return per_epoch
'''
# next() on the parameters' iterator for the device, then that same iterator handed to Adam: the first
# parameter (the first convolution's weight) was already consumed and is never trained
_EX2_ITER_CONSUMED = replace_once(
    _EX2_OK, "    dev = next(model.parameters()).device\n    optimizer = torch.optim.Adam(model.parameters(), lr=lr)\n",
    "    params = model.parameters()\n    dev = next(params).device\n    optimizer = torch.optim.Adam(params, lr=lr)\n")
# optimizer.step() dedented out of the batch loop: one step per epoch, on the last batch's gradient
_EX2_STEP_DEDENTED = replace_once(
    _EX2_OK, "            optimizer.step()\n            losses.append(loss.item())\n",
    "            losses.append(loss.item())\n        optimizer.step()\n")
# the epoch's batch losses summed, never divided by their number
_EX2_SUMMED = replace_once(_EX2_OK, "mean_loss = sum(losses) / len(losses)", "mean_loss = sum(losses)")
# label smoothing 0.1 out of habit: targets 0.05 / 0.95
_EX2_SMOOTHED = replace_once(_EX2_OK, "F.binary_cross_entropy_with_logits(model(xb), yb.float())",
                             "F.binary_cross_entropy_with_logits(model(xb), yb.float() * 0.9 + 0.05)   # label smoothing")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND7._EX3_OK
_EX3_MATMUL = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    device_ = next(model.parameters()).device
    parts = []
    with torch.no_grad():
        for batch in torch.utils.data.DataLoader(x, batch_size=batch_size, shuffle=False):
            parts.append(model(batch.to(device_)).cpu())
    said_face = torch.cat(parts).clamp(min=0) != 0           # logit > 0; 0 and below are "not a face"
    right = (said_face == y.bool()).float()
    is_face = y == 1
    member = (groups[is_face].reshape(-1, 1) == torch.arange(n_groups)).float()   # (faces, n_groups)
    per_group = (right[is_face] @ member) / member.sum(dim=0)
    return {"overall": float(right.mean()), "per_group": per_group,
            "worst": float(per_group.min()), "gap": float(per_group.max() - per_group.min())}
'''
# the config's batch size (cfg.batch_size = 64) instead of the batch_size argument
_EX3_CFG_BATCH = replace_once(
    _EX3_OK, "for i in range(0, len(x), batch_size)])", "for i in range(0, len(x), cfg.batch_size)])")
_EX3_CFG_BATCH = replace_once(_EX3_CFG_BATCH, "model(x[i:i + batch_size]", "model(x[i:i + cfg.batch_size]")
# "predict without gradients" done with model.requires_grad_(False): autograd stays on, and the caller's
# model comes back with every parameter frozen
_EX3_FREEZE = replace_once(
    _EX3_OK,
    "    with torch.no_grad():\n"
    "        logits = torch.cat([model(x[i:i + batch_size].to(dev)).cpu() for i in range(0, len(x), batch_size)])\n",
    "    model.requires_grad_(False)   # no gradients while predicting\n"
    "    logits = torch.cat([model(x[i:i + batch_size].to(dev)).cpu() for i in range(0, len(x), batch_size)])\n")
# per-group counts with numpy's bincount: per_group comes back a numpy float64 array, not a tensor
_EX3_NUMPY = replace_once(
    _EX3_OK,
    "    hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)\n"
    "    counts = torch.bincount(groups[faces], minlength=n_groups)\n"
    "    per_group = hits / counts\n",
    "    g = groups[faces].numpy()\n"
    "    hits = np.bincount(g, weights=correct[faces].numpy(), minlength=n_groups)\n"
    "    counts = np.bincount(g, minlength=n_groups)\n"
    "    per_group = hits / counts\n")
# accuracies written into torch.zeros_like(counts), a long tensor: every accuracy truncated to 0 or 1
_EX3_LONG = replace_once(
    _EX3_OK, "    per_group = hits / counts\n",
    "    per_group = torch.zeros_like(counts)\n"
    "    for g in range(n_groups):\n"
    "        per_group[g] = hits[g] / counts[g]\n")

MUTANTS = {
    "ex1_cnn": [
        ("AdaptiveAvgPool2d(1) before Flatten, Linear(4f, 128): global pooling instead of the 4×4 map",
         _EX1_GLOBAL_POOL),
        ("BatchNorm2d(f) copied into all three blocks: 2f and 4f channels meet a BatchNorm of f (raises)",
         _EX1_BN_COPIED),
        ("padding 1 in the second convolution (kernel 5): still a 4×4 map and the same parameter count",
         _EX1_PAD2),
        ("Keras' defaults: xavier_uniform_ weights and zero biases in both Linear layers", _EX1_GLOROT),
    ],
    "ex2_train": [
        ("params = model.parameters(); next(params) for the device, then Adam(params): the first parameter is"
         " never trained", _EX2_ITER_CONSUMED),
        ("optimizer.step() dedented out of the batch loop: one step per epoch, from the last batch's gradient",
         _EX2_STEP_DEDENTED),
        ("the epoch's batch losses summed, not divided by the number of batches", _EX2_SUMMED),
        ("label smoothing 0.1 (targets 0.05 / 0.95) out of habit", _EX2_SMOOTHED),
    ],
    "ex3_evaluate": [
        ("batches of the global cfg.batch_size (64) instead of the batch_size argument", _EX3_CFG_BATCH),
        ("model.requires_grad_(False) instead of torch.no_grad(): autograd on, the caller's parameters frozen",
         _EX3_FREEZE),
        ("per-group counts with np.bincount: per_group a numpy float64 array, not a tensor", _EX3_NUMPY),
        ("accuracies stored in torch.zeros_like(counts), a long tensor: truncated to 0 or 1", _EX3_LONG),
    ],
}

CORRECT = {
    "ex1_cnn": [
        ("round 3: one Sequential written out, squeeze(-1)", _EX1_OK),
        ("itertools.chain of block tuples, keyword sizes, ReLU(inplace=True), flatten(0)", _EX1_CHAIN),
    ],
    "ex2_train": [
        ("round 3: randperm slices, F.binary_cross_entropy_with_logits", _EX2_OK),
        ("randperm as a list, index_select, BCEWithLogitsLoss(sum) / batch size, grads set to None, "
         "float64 tensor mean", _EX2_BATCHED),
    ],
    "ex3_evaluate": [
        ("round 3: all logits first, bincount with weights", _EX3_OK),
        ("a DataLoader over x, clamp(min=0) != 0, membership by broadcast comparison and a matrix product",
         _EX3_MATMUL),
    ],
}
