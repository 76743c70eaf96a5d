"""Blind round 12: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round11/ (lab 02 has no
round 8). CORRECT[...][0] is round 11's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round12/prove_02_faces.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND11 = earlier_round(11, __file__)

# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND11.CORRECT["ex1_cnn"][0][1]
_EX1_BLOCKS = '''
def _block(c_in: int, c_out: int, k: int) -> list:
    return [nn.Conv2d(c_in, c_out, kernel_size=k, stride=2, padding=k // 2), nn.BatchNorm2d(c_out), nn.ReLU()]


class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        side = image_size // 2 // 2 // 2                 # three halvings: S/8
        self.net = nn.Sequential(
            *_block(3, f, 5), *_block(f, 2 * f, 5), *_block(2 * f, 4 * f, 3),
            nn.Flatten(), nn.Linear(4 * f * side * side, 128), nn.ReLU(), nn.Linear(128, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        out = self.net(x)                                # (B, 1)
        return out[:, 0]                                 # column 0: (B,), also for B = 1
'''
# squeeze() without a dim: a batch of one image gives a 0-d logit, not shape (1,) (the text: '(B,),
# also for a batch of one image')
_EX1_SQUEEZE_ALL = replace_once(_EX1_OK, "return self.net(x).squeeze(-1)", "return self.net(x).squeeze()")
# the dense layer sized for the 4x4 map of the table's 32x32 images: FaceCNN(f, 64) builds a
# Linear(4f*16, 128) that a 8x8 map cannot enter (the text: 'for image_size S the map before Flatten
# is S/8 x S/8 (the grader also tries S = 64)')
_EX1_FIXED_4X4 = replace_once(_EX1_OK, "nn.Linear(4 * f * (image_size // 8) ** 2, 128)",
                              "nn.Linear(4 * f * 4 * 4, 128)")
# Conv2d -> ReLU -> BatchNorm2d in every block ('normalise what the activation gives'): not the
# table's Conv2d -> BatchNorm2d -> ReLU
_EX1_RELU_BEFORE_BN = replace_once(replace_once(replace_once(
    _EX1_OK, "nn.BatchNorm2d(f), nn.ReLU(),", "nn.ReLU(), nn.BatchNorm2d(f),"),
    "nn.BatchNorm2d(2 * f), nn.ReLU(),", "nn.ReLU(), nn.BatchNorm2d(2 * f),"),
    "nn.BatchNorm2d(4 * f), nn.ReLU(),", "nn.ReLU(), nn.BatchNorm2d(4 * f),")
# nn.Dropout(0.5) before the output layer 'against overfitting' (the text: 'Nothing else: no dropout')
_EX1_DROPOUT = replace_once(_EX1_OK, "nn.Linear(128, 1),", "nn.Dropout(0.5), nn.Linear(128, 1),")
# no ReLU between the two Linear layers of the head (the table: Flatten -> Linear -> ReLU, 128)
_EX1_NO_HEAD_RELU = replace_once(_EX1_OK, "nn.Linear(4 * f * (image_size // 8) ** 2, 128), nn.ReLU(),",
                                 "nn.Linear(4 * f * (image_size // 8) ** 2, 128),")
# nn.Sigmoid() after the last Linear, 'a probability of face': forward no longer returns logits (the
# text: 'no sigmoid')
_EX1_SIGMOID = replace_once(_EX1_OK, "nn.Linear(128, 1),", "nn.Linear(128, 1), nn.Sigmoid(),")

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND11.CORRECT["ex2_train"][0][1]
_EX2_WHILE = '''
import math


def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train(True)
    where = next(model.parameters()).device
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    means = []
    for epoch in progress(range(epochs)):
        perm = torch.randperm(len(x), generator=gen)
        batch_losses, start = [], 0
        while start < len(x):
            rows = perm[start:start + batch_size]
            start += batch_size
            xb = x.index_select(0, rows).to(where)
            yb = y.index_select(0, rows).to(where).float()
            opt.zero_grad(set_to_none=True)
            per_example = F.binary_cross_entropy_with_logits(model(xb), yb, reduction="none")
            loss = per_example.mean()
            loss.backward()
            opt.step()
            batch_losses.append(float(loss.item()))
        means.append(math.fsum(batch_losses) / len(batch_losses))
        if on_epoch is not None:
            on_epoch(epoch, means[-1])
    return means
'''
# model.train() forgotten: a model that comes in eval mode trains with its BatchNorm running
# statistics (the text: 'put the model in training mode first (model.train(): it may come in eval
# mode ...)')
_EX2_NO_TRAIN_MODE = replace_once(_EX2_OK, "    model.train()\n", "")
# Adam(model.parameters()) with its default lr=1e-3: the lr argument ignored (the text: 'Adam with
# learning rate lr')
_EX2_DEFAULT_LR = replace_once(_EX2_OK, "torch.optim.Adam(model.parameters(), lr=lr)",
                               "torch.optim.Adam(model.parameters())")
# the order from numpy's default_rng(seed).permutation: seeded, but not the order the text names
# (the text: 'the order torch.randperm(len(x), generator=gen)')
_EX2_NUMPY_PERM = replace_once(replace_once(
    _EX2_OK, "    gen = torch.Generator().manual_seed(seed)\n", "    rng = np.random.default_rng(seed)\n"),
    "order = torch.randperm(len(x), generator=gen)", "order = torch.from_numpy(rng.permutation(len(x)))")
# order.tensor_split(ceil(len(x) / batch_size)): as many batches, but of equal sizes (10 by 4 gives
# 4, 3, 3 instead of 4, 4, 2; the text: 'in batches of batch_size (the last one may be smaller)')
_EX2_TENSOR_SPLIT = replace_once(replace_once(
    _EX2_OK, "        for start in range(0, len(x), batch_size):\n            idx = order[start:start + batch_size]\n",
    "        for idx in order.tensor_split(math.ceil(len(x) / batch_size)):\n"),
    "def train_classifier(", "import math\n\n\ndef train_classifier(")
# sigmoid, then F.binary_cross_entropy on the probabilities: a saturated logit (|z| > ~17 in float32)
# gives log(0), clamped to -100 (the text: binary_cross_entropy_with_logits 'applies the sigmoid
# itself, in a numerically stable way')
_EX2_SIGMOID_BCE = replace_once(_EX2_OK, "F.binary_cross_entropy_with_logits(model(xb), yb.float())",
                                "F.binary_cross_entropy(torch.sigmoid(model(xb)), yb.float())")
# batch losses kept as tensors (loss.detach()), the epoch mean a 0-d tensor: not Python floats (the
# text: 'as Python floats (loss.item())')
_EX2_TENSOR_MEANS = replace_once(replace_once(
    _EX2_OK, "losses.append(loss.item())", "losses.append(loss.detach())"),
    "mean_loss = sum(losses) / len(losses)", "mean_loss = torch.stack(losses).mean()")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND11.CORRECT["ex3_evaluate"][0][1]
_EX3_INDEX_ADD = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    hits = torch.zeros(n_groups)
    faces_seen = torch.zeros(n_groups)
    n_correct = 0
    for start in range(0, len(x), batch_size):
        stop = start + batch_size
        with torch.no_grad():
            said_face = model(x[start:stop].to(dev)).cpu() > 0
        right = (said_face == (y[start:stop] == 1)).float()
        n_correct += int(right.sum().item())
        face = y[start:stop] == 1
        g = groups[start:stop][face].long()
        hits.index_add_(0, g, right[face])
        faces_seen.index_add_(0, g, torch.ones(len(g)))
    per_group = hits / faces_seen
    lo, hi = per_group.min().item(), per_group.max().item()
    return {"overall": n_correct / len(x), "per_group": per_group, "worst": lo, "gap": hi - lo}
'''
# overall computed over the faces only (the recall of all faces): the text: 'overall (accuracy over
# all images, a float)'
_EX3_OVERALL_FACES = replace_once(_EX3_OK, '"overall": correct.mean().item()',
                                  '"overall": correct[faces].mean().item()')
# faces told by groups >= 0 (non-faces carry -1 for skin tone): with glasses or hats non-faces carry
# 0 or 1 and are counted (the text: 'only y tells faces from non-faces')
_EX3_GROUP_MASK = replace_once(_EX3_OK, "faces = y == 1", "faces = groups >= 0   # non-faces carry -1")
# worst and gap left as 0-d tensors (per_group.min(), a difference of tensors): the text: 'worst and
# gap (floats)'
_EX3_TENSOR_SUMMARY = replace_once(_EX3_OK, '"worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()',
                                   '"worst": per_group.min(), "gap": per_group.max() - per_group.min()')
# default batch_size=64 copied from cfg.batch_size: the signature's default is 512 (the text:
# 'evaluate_by_group(model, x, y, groups, n_groups, batch_size=512)')
_EX3_DEFAULT_64 = replace_once(_EX3_OK, "n_groups: int, batch_size: int = 512) -> dict:",
                               "n_groups: int, batch_size: int = 64) -> dict:")
# all of x in one forward pass 'it is only evaluation': batch_size ignored (the text: 'predict ... in
# batches of batch_size')
_EX3_ONE_PASS = replace_once(
    _EX3_OK, "logits = torch.cat([model(x[i:i + batch_size].to(dev)).cpu() for i in range(0, len(x), batch_size)])",
    "logits = model(x.to(dev)).cpu()   # no training here: one pass is enough")

MUTANTS = {
    "ex1_cnn": [
        ("forward returns self.net(x).squeeze(): a batch of one gives a 0-d logit (text: 'logits of shape (B,),"
         " also for a batch of one image')", _EX1_SQUEEZE_ALL),
        ("dense layer sized for a fixed 4x4 map, Linear(4f*16, 128): FaceCNN(f, 64) breaks (text: 'for image_size"
         " S the map before Flatten is S/8 x S/8 (the grader also tries S = 64)')", _EX1_FIXED_4X4),
        ("Conv2d -> ReLU -> BatchNorm2d in every block: not the table's Conv2d -> BatchNorm2d -> ReLU",
         _EX1_RELU_BEFORE_BN),
        ("nn.Dropout(0.5) before the output Linear (text: 'Nothing else: no dropout')", _EX1_DROPOUT),
        ("no ReLU between the head's two Linear layers (table: 'Flatten -> Linear -> ReLU | 128')",
         _EX1_NO_HEAD_RELU),
        ("nn.Sigmoid() after the last Linear: probabilities, not logits (text: 'no sigmoid, no clamping')",
         _EX1_SIGMOID),
    ],
    "ex2_train": [
        ("model.train() forgotten: a model arriving in eval mode trains on BatchNorm's running statistics (text:"
         " 'put the model in training mode first')", _EX2_NO_TRAIN_MODE),
        ("Adam(model.parameters()) with its default lr 1e-3: the lr argument ignored (text: 'Adam with learning"
         " rate lr')", _EX2_DEFAULT_LR),
        ("order from np.random.default_rng(seed).permutation: not the order torch.randperm(len(x), generator=gen)"
         " (text)", _EX2_NUMPY_PERM),
        ("order.tensor_split(ceil(len(x) / batch_size)): equal-sized batches, 10 by 4 gives 4, 3, 3 (text: 'in"
         " batches of batch_size (the last one may be smaller)')", _EX2_TENSOR_SPLIT),
        ("sigmoid then F.binary_cross_entropy: saturated logits give log(0), clamped to 100 (text: the with_logits"
         " loss 'applies the sigmoid itself, in a numerically stable way')", _EX2_SIGMOID_BCE),
        ("batch losses kept as loss.detach(), epoch means 0-d tensors: not Python floats (text: 'as Python floats"
         " (loss.item())')", _EX2_TENSOR_MEANS),
    ],
    "ex3_evaluate": [
        ("overall = accuracy over the faces only: not over all images (text: 'overall (accuracy over all"
         " images, a float)')", _EX3_OVERALL_FACES),
        ("faces told by groups >= 0: with glasses/hat ids non-faces count as faces (text: 'only y tells faces from"
         " non-faces')", _EX3_GROUP_MASK),
        ("worst and gap returned as 0-d tensors, not floats (text: 'worst and gap (floats)')", _EX3_TENSOR_SUMMARY),
        ("default batch_size=64 (cfg.batch_size) instead of the signature's 512 (text: 'evaluate_by_group(...,"
         " batch_size=512)')", _EX3_DEFAULT_64),
        ("all of x in one forward pass: batch_size ignored (text: 'predict without gradients, in batches of"
         " batch_size')", _EX3_ONE_PASS),
    ],
}

CORRECT = {
    "ex1_cnn": ROUND11.CORRECT["ex1_cnn"][:1] + [
        ("a _block(c_in, c_out, k) helper unpacked into one Sequential, side S // 2 // 2 // 2, out[:, 0]",
         _EX1_BLOCKS),
    ],
    "ex2_train": ROUND11.CORRECT["ex2_train"][:1] + [
        ("a while loop over start, index_select, reduction='none' then .mean(), math.fsum", _EX2_WHILE),
    ],
    "ex3_evaluate": ROUND11.CORRECT["ex3_evaluate"][:1] + [
        ("per-batch accumulation with index_add_, no_grad around each forward, counts as Python ints",
         _EX3_INDEX_ADD),
    ],
}
