"""Blind round 11: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found in none of benchmarks/blind/round1/ ... round10/ (lab 02 has no
round 8). CORRECT[...][0] is round 10's reference (round 3's, reused by name, so the proofs stay
comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round11/prove_02_faces.py.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND10 = earlier_round(10, __file__)

# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND10.CORRECT["ex1_cnn"][0][1]
_EX1_LOOP = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        layers = []
        c_in = 3
        for c_out, k in ((f, 5), (2 * f, 5), (4 * f, 3)):
            layers += [nn.Conv2d(c_in, c_out, kernel_size=k, stride=2, padding=(k - 1) // 2),
                       nn.BatchNorm2d(c_out), nn.ReLU()]
            c_in = c_out
        s = image_size // 8
        layers += [nn.Flatten(), nn.Linear(c_in * s * s, 128), nn.ReLU(), nn.Linear(128, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        return torch.flatten(self.net(x))           # (B, 1) -> (B,), a batch of one included
'''
# the head's two Linear layers created output-first ("build from the end"): the same network, but
# the random initialisation is drawn in another order (the text: create the layers in this order)
_EX1_HEAD_REVERSED = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        out_layer = nn.Linear(128, 1)
        hidden = nn.Linear(4 * f * (image_size // 8) ** 2, 128)
        self.net = nn.Sequential(
            nn.Conv2d(3, f, 5, stride=2, padding=2), nn.BatchNorm2d(f), nn.ReLU(),
            nn.Conv2d(f, 2 * f, 5, stride=2, padding=2), nn.BatchNorm2d(2 * f), nn.ReLU(),
            nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1), nn.BatchNorm2d(4 * f), nn.ReLU(),
            nn.Flatten(), hidden, nn.ReLU(), out_layer,
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 3, S, S) -> (B,) logits
        return self.net(x).squeeze(-1)
'''
# padding_mode="reflect" in every convolution 'to avoid dark borders': the table's padding is
# Conv2d's zero padding
_EX1_REFLECT = replace_once(replace_once(replace_once(
    _EX1_OK, "nn.Conv2d(3, f, 5, stride=2, padding=2)", "nn.Conv2d(3, f, 5, stride=2, padding=2, padding_mode='reflect')"),
    "nn.Conv2d(f, 2 * f, 5, stride=2, padding=2)", "nn.Conv2d(f, 2 * f, 5, stride=2, padding=2, padding_mode='reflect')"),
    "nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1)",
    "nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1, padding_mode='reflect')")
# BatchNorm2d(momentum=None), 'an exact running average': cumulative statistics, not BatchNorm2d's
# default exponential average (eval-mode outputs differ after training steps)
_EX1_CUMULATIVE_BN = replace_once(replace_once(replace_once(
    _EX1_OK, "nn.BatchNorm2d(f)", "nn.BatchNorm2d(f, momentum=None)"),
    "nn.BatchNorm2d(2 * f)", "nn.BatchNorm2d(2 * f, momentum=None)"),
    "nn.BatchNorm2d(4 * f)", "nn.BatchNorm2d(4 * f, momentum=None)")
# logits clamped to [-15, 15] in forward 'for a stable sigmoid': not the last Linear's output
_EX1_CLAMPED = replace_once(_EX1_OK, "return self.net(x).squeeze(-1)",
                            "return self.net(x).squeeze(-1).clamp(-15.0, 15.0)   # keep the sigmoid stable")

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND10.CORRECT["ex2_train"][0][1]
_EX2_SPLIT = '''
import statistics


def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train()
    device_ = next(model.parameters()).device
    criterion = nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    means = []
    for epoch in progress(range(epochs)):
        batch_losses = []
        for rows in torch.randperm(len(x), generator=gen).split(batch_size):
            optimizer.zero_grad()
            loss = criterion(model(x[rows].to(device_)), y[rows].to(device_).float())
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        means.append(statistics.fmean(batch_losses))
        if on_epoch:
            on_epoch(epoch, means[-1])
    return means
'''
# the permutation drawn once, before the epochs: every epoch visits the set in the same order (the
# text: every epoch visit the training set in the order torch.randperm(len(x), generator=gen))
_EX2_ONE_ORDER = replace_once(replace_once(
    _EX2_OK, "    history = []\n", "    history = []\n    order = torch.randperm(len(x), generator=gen)\n"),
    "        order = torch.randperm(len(x), generator=gen)\n", "")
# on_epoch(mean_loss, epoch): the arguments in the wrong order (the text: on_epoch(epoch, mean_loss))
_EX2_ON_EPOCH_SWAPPED = replace_once(_EX2_OK, "on_epoch(epoch, mean_loss)", "on_epoch(mean_loss, epoch)")
# len(x) // batch_size batches: the last, smaller batch is never visited (the text: keep it)
_EX2_FLOOR_BATCHES = replace_once(_EX2_OK, "for start in range(0, len(x), batch_size):",
                                  "for start in range(0, len(x) // batch_size * batch_size, batch_size):")
# gen created as told, but randperm called without generator=gen: the order comes from torch's global
# RNG (the text: the order torch.randperm(len(x), generator=gen))
_EX2_NO_GEN = replace_once(_EX2_OK, "order = torch.randperm(len(x), generator=gen)", "order = torch.randperm(len(x))")
# the epoch mean rounded to 3 decimals, like the notebook's print: not the mean batch loss
_EX2_ROUNDED = replace_once(_EX2_OK, "mean_loss = sum(losses) / len(losses)",
                            "mean_loss = round(sum(losses) / len(losses), 3)")

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND10.CORRECT["ex3_evaluate"][0][1]
_EX3_MASKS = '''
@torch.no_grad()
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    preds = [model(chunk.to(dev)).cpu() > 0 for chunk in x.split(batch_size)]
    hit = torch.cat(preds).float() == y
    is_face = y == 1
    per_group = torch.stack([hit[is_face & (groups == g)].float().mean() for g in range(n_groups)])
    worst, best = per_group.min().item(), per_group.max().item()
    return {"overall": hit.float().mean().item(), "per_group": per_group, "worst": worst, "gap": best - worst}
'''
# copy.deepcopy(model).eval() 'so the caller's model is not changed': the caller's model is not put in
# eval mode (the text: put the model in eval mode and leave it there)
_EX3_DEEPCOPY = replace_once(_EX3_OK, "    model.eval()\n",
                             "    import copy\n    model = copy.deepcopy(model).eval()   # leave the caller's model alone\n")
# x[i:batch_size] typed for x[i:i + batch_size]: every batch after the first is empty
_EX3_SLICE_TYPO = replace_once(_EX3_OK, "model(x[i:i + batch_size].to(dev))", "model(x[i:batch_size].to(dev))")
# logit > 0.5, a probability's threshold on logits (the text: face means logit > 0)
_EX3_HALF = replace_once(_EX3_OK, "correct = ((logits > 0).float() == y).float()",
                         "correct = ((logits > 0.5).float() == y).float()")
# model.float() 'so the dtypes match': a float64 model comes back float32 (the intro: does not move a
# model to another dtype)
_EX3_FLOAT = replace_once(_EX3_OK, "    model.eval()\n", "    model.eval().float()   # the images are float32\n")

MUTANTS = {
    "ex1_cnn": [
        ("head's Linear(128, 1) created before the hidden Linear: another initialisation (text: 'create the"
         " layers in this order')", _EX1_HEAD_REVERSED),
        ("padding_mode='reflect' in the three convolutions: not the table's (zero) padding", _EX1_REFLECT),
        ("BatchNorm2d(momentum=None): cumulative running statistics, not the default BatchNorm2d of the table",
         _EX1_CUMULATIVE_BN),
        ("logits clamped to [-15, 15] in forward 'for a stable sigmoid': not the raw logits", _EX1_CLAMPED),
    ],
    "ex2_train": [
        ("randperm drawn once before the epochs: the same order every epoch (text: 'every epoch visit the"
         " training set in the order torch.randperm(...)')", _EX2_ONE_ORDER),
        ("on_epoch(mean_loss, epoch): arguments swapped (text: 'call on_epoch(epoch, mean_loss)')",
         _EX2_ON_EPOCH_SWAPPED),
        ("batches up to len(x) // batch_size * batch_size: the last, smaller batch dropped (text: 'keep it')",
         _EX2_FLOOR_BATCHES),
        ("randperm without generator=gen: the order from torch's global RNG (text: 'torch.randperm(len(x),"
         " generator=gen)')", _EX2_NO_GEN),
        ("epoch mean rounded to 3 decimals like the print: not the mean batch loss", _EX2_ROUNDED),
    ],
    "ex3_evaluate": [
        ("copy.deepcopy(model).eval(): the caller's model not put in eval mode (text: 'Put the model in eval"
         " mode (and leave it there)')", _EX3_DEEPCOPY),
        ("x[i:batch_size] typed for x[i:i + batch_size]: every batch after the first is empty", _EX3_SLICE_TYPO),
        ("logit > 0.5, a probability threshold on logits (text: 'face means logit > 0')", _EX3_HALF),
        ("model.float() 'so the dtypes match': a float64 model comes back float32 (intro: 'does not move a"
         " model ... to another dtype')", _EX3_FLOAT),
    ],
}

CORRECT = {
    "ex1_cnn": ROUND10.CORRECT["ex1_cnn"][:1] + [
        ("a for loop over (channels, kernel) pairs, padding (k - 1) // 2, torch.flatten of the (B, 1) output",
         _EX1_LOOP),
    ],
    "ex2_train": ROUND10.CORRECT["ex2_train"][:1] + [
        ("randperm(...).split(batch_size), nn.BCEWithLogitsLoss, statistics.fmean", _EX2_SPLIT),
    ],
    "ex3_evaluate": ROUND10.CORRECT["ex3_evaluate"][:1] + [
        ("@torch.no_grad() on the function, x.split batches, a per-group masked mean stacked", _EX3_MASKS),
    ],
}
