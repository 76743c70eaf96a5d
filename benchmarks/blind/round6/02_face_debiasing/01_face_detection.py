"""Blind round 6: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 02 part 1
(face detector, per-group evaluation), written from the student notebook (labs/) only, without the
hidden checks.

Every mutant is a mistake found neither in tests/mutants/02_face_debiasing/01_face_detection.py nor
in benchmarks/blind/round1/ ... round5/. CORRECT[...][0] is round 5's reference (reused by name, so
the proofs stay comparable); CORRECT[...][1] is this round's own, in another style. The proofs are
benchmarks/blind/round6/prove_02.py.
"""

from benchmarks.blind.answers import earlier_round

ROUND5 = earlier_round(5, __file__)


def _sub(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


# ---- ex1_cnn ----------------------------------------------------------------------------------
_EX1_OK = ROUND5._EX1_OK
_EX1_ADD_MODULES = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters: int = 12, image_size: int = 32):
        super().__init__()
        f = n_filters
        widths = [3, f, 2 * f, 4 * f]
        shapes = [(5, 2), (5, 2), (3, 1)]
        self.net = nn.Sequential()
        for i, (kernel, pad) in enumerate(shapes):
            self.net.add_module(f"conv{i}", nn.Conv2d(widths[i], widths[i + 1], kernel, 2, pad))
            self.net.add_module(f"bn{i}", nn.BatchNorm2d(widths[i + 1]))
            self.net.add_module(f"relu{i}", nn.ReLU())
        side = image_size // 2 // 2 // 2
        self.net.add_module("flatten", nn.Flatten())
        self.net.add_module("hidden", nn.Linear(widths[-1] * side * side, 128))
        self.net.add_module("relu_hidden", nn.ReLU())
        self.net.add_module("out", nn.Linear(128, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.net(x)
        return out.view(out.shape[0])
'''
# ReLU after every Linear, the output layer too: logits are never negative, nothing is "not a face"
_EX1_RELU_OUT = _sub(_EX1_OK, "            nn.Linear(128, 1),\n", "            nn.Linear(128, 1), nn.ReLU(),\n")
# [0] where [:, 0] was meant: the first image's logit, shape (1,), whatever the batch
_EX1_ROW = _sub(_EX1_OK, "return self.net(x).squeeze(-1)", "return self.net(x)[0]")
# precedence: 4 * f * image_size // 8 ** 2 is (4·f·S) // 64, not 4·f·(S/8)²
_EX1_PRECEDENCE = _sub(_EX1_OK, "nn.Linear(4 * f * (image_size // 8) ** 2, 128)", "nn.Linear(4 * f * image_size // 8 ** 2, 128)")
# stride forgotten on the 3x3 convolution ("padding 1 keeps the size"), the dense layer resized to fit
_EX1_NO_STRIDE3 = _sub(_sub(_EX1_OK, "nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1)", "nn.Conv2d(2 * f, 4 * f, 3, padding=1)"),
                       "nn.Linear(4 * f * (image_size // 8) ** 2, 128)", "nn.Linear(4 * f * (image_size // 4) ** 2, 128)")

# ---- ex2_train --------------------------------------------------------------------------------
_EX2_OK = ROUND5._EX2_OK
_EX2_WHILE = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    model.train()
    where = next(model.parameters()).device
    opt = torch.optim.Adam(params=model.parameters(), lr=lr)
    gen = torch.Generator()
    gen.manual_seed(seed)
    bce = nn.BCEWithLogitsLoss()
    history = []
    for epoch in progress(range(epochs)):
        perm = torch.randperm(len(x), generator=gen)
        total, n_batches, start = 0.0, 0, 0
        while start < len(perm):
            rows = perm[start:start + batch_size]
            start += batch_size
            logits = model(x.index_select(0, rows).to(where))
            loss = bce(logits, y.index_select(0, rows).to(where).to(logits.dtype))
            model.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.item())
            n_batches += 1
        history.append(total / n_batches)
        if on_epoch:
            on_epoch(epoch, history[-1])
    return history
'''
# a training accuracy after every epoch, in eval mode, and model.train() only once, before the loop
_EX2_EVAL_EACH_EPOCH = _sub(_EX2_OK, "        history.append(mean_loss)\n",
                            "        history.append(mean_loss)\n"
                            "        model.eval()   # training accuracy of this epoch\n"
                            "        with torch.no_grad():\n"
                            "            acc = ((model(x.to(dev)) > 0).float() == y.to(dev)).float().mean().item()\n"
                            "        print(f'epoch {epoch}: loss {mean_loss:.3f}, train accuracy {acc:.1%}')\n")
# F.binary_cross_entropy_with_logits(target, input): labels as logits, logits as targets
_EX2_SWAPPED = _sub(_EX2_OK, "F.binary_cross_entropy_with_logits(model(xb), yb.float())",
                    "F.binary_cross_entropy_with_logits(yb.float(), model(xb))")
# the batch's end index taken as inclusive: one example of every batch never seen
_EX2_INCLUSIVE_END = _sub(_EX2_OK, "idx = order[start:start + batch_size]", "idx = order[start:start + batch_size - 1]")
# DataLoader(shuffle=True, generator=gen): its own seed draw from gen comes first, another order
_EX2_DATALOADER = '''
def train_classifier(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int, batch_size: int,
                     lr: float, seed: int = 0, on_epoch=None) -> list[float]:
    from torch.utils.data import DataLoader, TensorDataset

    model.train()
    dev = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=gen)
    history = []
    for epoch in progress(range(epochs)):
        losses = []
        for xb, yb in loader:
            xb, yb = xb.to(dev), yb.to(dev)
            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(xb), yb.float())
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        history.append(sum(losses) / len(losses))
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    return history
'''

# ---- ex3_evaluate -----------------------------------------------------------------------------
_EX3_OK = ROUND5._EX3_OK
_EX3_LOOPS = '''
def evaluate_by_group(model: nn.Module, x: torch.Tensor, y: torch.Tensor, groups: torch.Tensor,
                      n_groups: int, batch_size: int = 512) -> dict:
    model.eval()
    dev = next(model.parameters()).device
    hits_all = []
    with torch.inference_mode():
        for batch in torch.split(x, batch_size):
            hits_all.append(model(batch.to(dev)).gt(0).cpu())
    predicted = torch.cat(hits_all)
    right = predicted.eq(y.bool()).double()
    per_group = torch.empty(n_groups, dtype=torch.float64)
    for g in range(n_groups):
        members = (y == 1) & (groups == g)
        per_group[g] = right[members].sum() / members.sum()
    per_group = per_group.float()
    best, worst = float(per_group.max()), float(per_group.min())
    return {"overall": float(right.mean()), "per_group": per_group, "worst": worst, "gap": best - worst}
'''
# torch.stack of the batch predictions: fine while batch_size divides len(x), raises otherwise
_EX3_STACK = _sub(_EX3_OK, "logits = torch.cat([model(x[i:i + batch_size].to(dev)).cpu() for i in range(0, len(x), batch_size)])",
                  "logits = torch.stack([model(x[i:i + batch_size].to(dev)).cpu()\n"
                  "                              for i in range(0, len(x), batch_size)]).flatten()")
# per_group sorted to read worst and best: the returned accuracies no longer follow the group ids
_EX3_SORTED = _sub(_EX3_OK, "    per_group = hits / counts\n",
                   "    per_group, _ = (hits / counts).sort()   # worst first, best last\n")
# "correct" as a detected face: the rejected non-faces count as mistakes in overall
_EX3_TRUE_POSITIVES = _sub(_EX3_OK, "correct = ((logits > 0).float() == y).float()",
                           "correct = ((logits > 0) & (y == 1)).float()")
# accuracies in percent
_EX3_PERCENT = _sub(_EX3_OK, "    correct = ((logits > 0).float() == y).float()\n",
                    "    correct = ((logits > 0).float() == y).float() * 100   # in %\n")

MUTANTS = {
    "ex1_cnn": [
        ("ReLU after the output Linear too: logits never negative, nothing is called 'not a face'", _EX1_RELU_OUT),
        ("forward returns self.net(x)[0]: the first image's logit (shape (1,)), not column 0", _EX1_ROW),
        ("dense size 4 * f * image_size // 8 ** 2: precedence, (4·f·S) // 64 instead of 4·f·(S/8)²",
         _EX1_PRECEDENCE),
        ("third convolution without stride 2, dense layer resized to (S/4)²: one halving too few", _EX1_NO_STRIDE3),
    ],
    "ex2_train": [
        ("training accuracy in eval mode after every epoch, model.train() only once: epochs 2+ train in eval mode",
         _EX2_EVAL_EACH_EPOCH),
        ("binary_cross_entropy_with_logits(labels, logits): input and target swapped", _EX2_SWAPPED),
        ("batch slice order[start:start + batch_size - 1]: end taken as inclusive, one example per batch lost",
         _EX2_INCLUSIVE_END),
        ("DataLoader(shuffle=True, generator=gen): the loader draws its own seed from gen, another order",
         _EX2_DATALOADER),
    ],
    "ex3_evaluate": [
        ("torch.stack of the batches' logits: raises when the last batch is smaller", _EX3_STACK),
        ("per_group sorted (to read worst and best): accuracies no longer in group order", _EX3_SORTED),
        ("correct = predicted face AND face: rejected non-faces count as errors in overall", _EX3_TRUE_POSITIVES),
        ("accuracies in percent (x 100)", _EX3_PERCENT),
    ],
}

CORRECT = {
    "ex1_cnn": [
        ("round 3: one Sequential written out, squeeze(-1)", _EX1_OK),
        ("named add_module per block, positional stride/padding, S // 2 // 2 // 2, view(B)", _EX1_ADD_MODULES),
    ],
    "ex2_train": [
        ("round 3: randperm slices, F.binary_cross_entropy_with_logits", _EX2_OK),
        ("while loop, index_select, nn.BCEWithLogitsLoss, model.zero_grad, a running total", _EX2_WHILE),
    ],
    "ex3_evaluate": [
        ("round 3: all logits first, bincount with weights", _EX3_OK),
        ("torch.split, inference_mode, gt/eq, a float64 loop over groups, cast back", _EX3_LOOPS),
    ],
}
