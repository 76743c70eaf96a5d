"""Wrong answers for lab 02 part 1 (face detector and per-group evaluation), and correct ones
in other styles (CORRECT: the plain template first)."""

_CNN = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters=12, image_size=32):
        super().__init__()
        f = {f}
        self.net = nn.Sequential(
            nn.Conv2d(3, f, {k1}, stride=2, padding={p1}), {block1}
            nn.Conv2d(f, 2 * f, 5, stride=2, padding=2), nn.BatchNorm2d(2 * f), nn.ReLU(),
            nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1), nn.BatchNorm2d(4 * f), nn.ReLU(),
            nn.Flatten(),
            nn.Linear({flat}, 128), {act}
            nn.Linear(128, 1),
        )

    def forward(self, x):
        return {forward}
'''
_CNN_OK = dict(f="n_filters", k1=5, p1=2, block1="nn.BatchNorm2d(f), nn.ReLU(),", flat="4 * f * (image_size // 8) ** 2",
               act="nn.ReLU(),", forward="self.net(x).squeeze(-1)")

_CNN_LOOP = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters=12, image_size=32):
        super().__init__()
        layers, c_in = [], 3
        for c_out, k, p in [(n_filters, 5, 2), (2 * n_filters, 5, 2), (4 * n_filters, 3, 1)]:
            layers += [nn.Conv2d(c_in, c_out, kernel_size=k, stride=2, padding=p), nn.BatchNorm2d(c_out), nn.ReLU()]
            c_in = c_out
        side = image_size // 8
        layers += [nn.Flatten(), nn.Linear(c_in * side * side, 128), nn.ReLU(), nn.Linear(128, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)[:, 0]
'''

_TRAIN = '''
def train_classifier(model, x, y, epochs, batch_size, lr, seed=0, on_epoch=None):
    optimizer = torch.optim.Adam(model.parameters(), {opt_lr})
{gen_once}    {mode}
    history = []
    for epoch in progress(range(epochs)):
{gen_each}        order = {order}
        losses = []
        for start in range({batches}):
            idx = order[start:start + batch_size]
            xb, yb = x[idx], y[idx]
{step}
            losses.append({item})
        history.append({summary})
        if on_epoch is not None:
            on_epoch({callback})
    return history
'''
_STEP_OK = '''            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(xb), yb)
            loss.backward()
            optimizer.step()'''
_GEN = "    gen = torch.Generator().manual_seed(seed)\n"
_TRAIN_OK = dict(opt_lr="lr=lr", gen_once=_GEN, mode="model.train()", gen_each="",
                 order="torch.randperm(len(x), generator=gen)", batches="0, len(x), batch_size", step=_STEP_OK,
                 item="loss.item()", summary="sum(losses) / len(losses)", callback="epoch, history[-1]")

_TRAIN_LOADER = '''
from torch.utils.data import DataLoader, TensorDataset


def train_classifier(model, x, y, epochs, batch_size, lr, seed=0, on_epoch=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    criterion = nn.BCEWithLogitsLoss()
    gen = torch.Generator().manual_seed(seed)
    model.train()
    history = []
    for epoch in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, sampler=order.tolist())
        losses = []
        for xb, yb in progress(loader, desc=f"epoch {epoch}"):
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())
        mean_loss = torch.stack(losses).mean().item()
        history.append(mean_loss)
        if on_epoch:
            on_epoch(epoch, mean_loss)
    return history
'''

_EVAL = '''
def evaluate_by_group(model, x, y, groups, n_groups, batch_size=512):
    {mode}
    {grad_ctx}
        logits = torch.cat([model(x[i:i + batch_size]) for i in range({batches})])
    correct = ((logits > {threshold}).float() == y).float()
    faces = {faces}
    hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)
    counts = torch.bincount(groups[faces], minlength=n_groups)
    per_group = hits / counts
    return {{"overall": {overall}, "per_group": per_group,
            "worst": per_group.{worst}().item(), "gap": {gap}}}
'''
_EVAL_OK = dict(mode="model.eval()", grad_ctx="with torch.no_grad():", batches="0, len(x), batch_size", threshold="0",
                faces="y == 1", overall="correct.mean().item()", worst="min",
                gap="(per_group.max() - per_group.min()).item()")

_EVAL_LOOP = '''
@torch.no_grad()
def evaluate_by_group(model, x, y, groups, n_groups, batch_size=512):
    model.eval()
    preds = []
    for batch in torch.split(x, batch_size):
        preds.append(model(batch) > 0)
    correct = torch.cat(preds).float() == y
    per_group = torch.zeros(n_groups)
    for g in range(n_groups):
        mine = (y == 1) & (groups == g)
        per_group[g] = correct[mine].float().mean()
    return {"overall": float(correct.float().mean()), "per_group": per_group,
            "worst": float(per_group.min()), "gap": float(per_group.max() - per_group.min())}
'''

_CNN_NAMED = '''
from collections import OrderedDict


class FaceCNN(nn.Module):
    def __init__(self, n_filters=12, image_size=32):
        super().__init__()
        f = n_filters
        self.net = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(3, f, kernel_size=5, stride=2, padding=2)), ("bn1", nn.BatchNorm2d(f)), ("relu1", nn.ReLU()),
            ("conv2", nn.Conv2d(f, 2 * f, kernel_size=5, stride=2, padding=2)), ("bn2", nn.BatchNorm2d(2 * f)), ("relu2", nn.ReLU()),
            ("conv3", nn.Conv2d(2 * f, 4 * f, kernel_size=3, stride=2, padding=1)), ("bn3", nn.BatchNorm2d(4 * f)), ("relu3", nn.ReLU()),
            ("flatten", nn.Flatten()),
            ("dense", nn.Linear(4 * f * (image_size // 8) * (image_size // 8), 128)), ("relu4", nn.ReLU()),
            ("logit", nn.Linear(128, 1)),
        ]))

    def forward(self, x):
        return self.net(x).view(-1)
'''

_TRAIN_SPLIT = '''
def train_classifier(model, x, y, epochs, batch_size, lr, seed=0, on_epoch=None):
    model.train()
    dev = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for epoch in range(epochs):
        total, count = 0.0, 0
        for idx in torch.randperm(len(x), generator=gen).split(batch_size):
            logits = model(x[idx].to(dev))
            loss = F.binary_cross_entropy_with_logits(logits, y[idx].to(dev))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += float(loss)
            count += 1
        history.append(total / count)
        if on_epoch is not None:
            on_epoch(epoch, total / count)
    return history
'''

_EVAL_INDEX_ADD = '''
def evaluate_by_group(model, x, y, groups, n_groups, batch_size=512):
    model.eval()
    with torch.inference_mode():
        logits = torch.cat([model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
    correct = (logits > 0) == (y == 1)
    faces = y == 1
    hits = torch.zeros(n_groups, dtype=torch.float64).index_add_(0, groups[faces], correct[faces].double())
    counts = torch.zeros(n_groups, dtype=torch.float64).index_add_(0, groups[faces], torch.ones(int(faces.sum()), dtype=torch.float64))
    per_group = (hits / counts).float()
    return {"overall": correct.double().mean().item(), "per_group": per_group,
            "worst": per_group.min().item(), "gap": (per_group.max() - per_group.min()).item()}
'''

MUTANTS = {
    "ex1_cnn": [
        ("logits of shape (B, 1): no squeeze", _CNN.format(**{**_CNN_OK, "forward": "self.net(x)"})),
        ("no BatchNorm after the first convolution", _CNN.format(**{**_CNN_OK, "block1": "nn.ReLU(),"})),
        ("no ReLU after the hidden dense layer", _CNN.format(**{**_CNN_OK, "act": ""})),
        ("sigmoid at the end", _CNN.format(**{**_CNN_OK, "forward": "torch.sigmoid(self.net(x).squeeze(-1))"})),
        # new, written blind (issue 17)
        ("ReLU before BatchNorm in the first block", _CNN.format(**{**_CNN_OK, "block1": "nn.ReLU(), nn.BatchNorm2d(f),"})),
        ("padding 1 in the first convolution (still 4×4 at the end)", _CNN.format(**{**_CNN_OK, "p1": 1})),
        ("dropout added before the last layer", _CNN.format(**{**_CNN_OK, "act": "nn.ReLU(), nn.Dropout(0.5),"})),
        ("squeeze() drops the batch dimension of a batch of one", _CNN.format(**{**_CNN_OK, "forward": "self.net(x).squeeze()"})),
        ("dense layer sized for 32×32 images whatever image_size", _CNN.format(**{**_CNN_OK, "flat": "4 * f * 4 * 4"})),
        ("n_filters ignored: 12 channels always", _CNN.format(**{**_CNN_OK, "f": "12"})),
    ],
    "ex2_train": [
        ("no zero_grad: gradients accumulate", _TRAIN.format(**{**_TRAIN_OK, "step": _STEP_OK.replace("            optimizer.zero_grad()\n", "")})),
        ("sigmoid before the with-logits loss", _TRAIN.format(**{**_TRAIN_OK, "step": _STEP_OK.replace("model(xb), yb", "torch.sigmoid(model(xb)), yb")})),
        ("reports the last batch's loss", _TRAIN.format(**{**_TRAIN_OK, "summary": "losses[-1]"})),
        ("shuffles once, not every epoch", _TRAIN.format(**_TRAIN_OK).replace(
            "    for epoch in progress(range(epochs)):\n        order = torch.randperm(len(x), generator=gen)\n",
            "    order = torch.randperm(len(x), generator=gen)\n    for epoch in progress(range(epochs)):\n")),
        # new, written blind (issue 17)
        ("generator re-created every epoch: the same order each time", _TRAIN.format(**{**_TRAIN_OK, "gen_once": "", "gen_each": "    " + _GEN})),
        ("randperm without the generator", _TRAIN.format(**{**_TRAIN_OK, "order": "torch.randperm(len(x))"})),
        ("last partial batch dropped", _TRAIN.format(**{**_TRAIN_OK, "batches": "0, len(x) - batch_size + 1, batch_size"})),
        ("losses kept as tensors (no .item())", _TRAIN.format(**{**_TRAIN_OK, "item": "loss"})),
        ("on_epoch called with (loss, epoch)", _TRAIN.format(**{**_TRAIN_OK, "callback": "history[-1], epoch"})),
        ("model never put in training mode", _TRAIN.format(**{**_TRAIN_OK, "mode": "pass"})),
        ("Adam's default learning rate, lr ignored", _TRAIN.format(**{**_TRAIN_OK, "opt_lr": ""}).replace("model.parameters(), )", "model.parameters())")),
    ],
    "ex3_evaluate": [
        ("model left in training mode (BatchNorm uses batch statistics)", _EVAL.format(**{**_EVAL_OK, "mode": "model.train()"})),
        ("threshold 0.5 on logits", _EVAL.format(**{**_EVAL_OK, "threshold": "0.5"})),
        ("gap as a ratio worst / best", _EVAL.format(**{**_EVAL_OK, "gap": "(per_group.min() / per_group.max()).item()"})),
        ("overall accuracy over faces only", _EVAL.format(**{**_EVAL_OK, "overall": "correct[faces].mean().item()"})),
        # new, written blind (issue 17)
        ("faces picked by group >= 0 instead of y == 1", _EVAL.format(**{**_EVAL_OK, "faces": "groups >= 0"})),
        ("overall returned as a tensor", _EVAL.format(**{**_EVAL_OK, "overall": "correct.mean()"})),
        ("no torch.no_grad(): results carry a graph", _EVAL.format(**{**_EVAL_OK, "grad_ctx": "if True:"})),
        ("batch_size ignored: one forward pass over everything", _EVAL.format(**_EVAL_OK).replace(
            "torch.cat([model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])", "model(x)")),
        ("last partial batch dropped", _EVAL.format(**{**_EVAL_OK, "batches": "0, len(x) - batch_size + 1, batch_size"})),
        # blind round 1 (benchmarks/blind/round1); "model put back in training mode" replaces "eval mode never set",
        # which behaved like "model left in training mode" on every model the checks hand over (in training mode)
        ("blind round 1: logit >= 0 counts as a face", _EVAL.format(**_EVAL_OK).replace("logits > 0", "logits >= 0")),
        ("blind round 1: model put back in training mode at the end",
         _EVAL.format(**_EVAL_OK).replace("    correct = ", "    model.train()  # back to training mode\n    correct = ")),
    ],
}

CORRECT = {
    "ex1_cnn": [
        ("template", _CNN.format(**_CNN_OK)),
        ("layers built in a loop, logits[:, 0]", _CNN_LOOP),
        ("named layers in an OrderedDict, view(-1)", _CNN_NAMED),
    ],
    "ex2_train": [
        ("template", _TRAIN.format(**_TRAIN_OK)),
        ("DataLoader over the permutation, BCEWithLogitsLoss, progress(loader)", _TRAIN_LOADER),
        ("randperm(...).split(batch_size), a running total", _TRAIN_SPLIT),
    ],
    "ex3_evaluate": [
        ("template", _EVAL.format(**_EVAL_OK)),
        ("torch.split, a loop over groups, float()", _EVAL_LOOP),
        ("inference_mode, index_add_ in float64, cast back", _EVAL_INDEX_ADD),
    ],
}


# Written before the signature-defaults checks ran: a default of the given signature changed
# (later cells and callers leave the argument out).
for _gid, _label, _given, _changed in [
    ('ex1_cnn', 'n_filters default 16 instead of the given 12', 'n_filters=12', 'n_filters=16'),
]:
    _template = CORRECT[_gid][0][1]
    assert _template.count(_given) == 1, f"{_gid}: the template's signature drifted ({_given!r})"
    MUTANTS[_gid].append((_label, _template.replace(_given, _changed)))

# Written before the confident-model check ran: the same loss as two steps, exact only while the
# logits stay moderate (F.binary_cross_entropy clamps log(0) at -100).
MUTANTS["ex2_train"].append(("sigmoid, then F.binary_cross_entropy on the probabilities", _TRAIN.format(**{
    **_TRAIN_OK, "step": _STEP_OK.replace("F.binary_cross_entropy_with_logits(model(xb), yb)",
                                          "F.binary_cross_entropy(torch.sigmoid(model(xb)), yb)")})))

# Blind round 11 (benchmarks/blind/round11): BatchNorm2d with a cumulative average of its running statistics,
# logits clamped in forward, a float64 model turned float32 by the evaluation.
MUTANTS["ex1_cnn"] += [
    ("BatchNorm2d(momentum=None): cumulative running statistics, not PyTorch's default (blind round 11)",
     _CNN.format(**{**_CNN_OK, "block1": "nn.BatchNorm2d(f, momentum=None), nn.ReLU(),"}).replace(
         "nn.BatchNorm2d(2 * f)", "nn.BatchNorm2d(2 * f, momentum=None)").replace(
         "nn.BatchNorm2d(4 * f)", "nn.BatchNorm2d(4 * f, momentum=None)")),
    ("logits clamped to [-15, 15] in forward 'for a stable sigmoid' (blind round 11)",
     _CNN.format(**{**_CNN_OK, "forward": "self.net(x).squeeze(-1).clamp(-15.0, 15.0)"})),
]
MUTANTS["ex3_evaluate"].append(("model.float() 'so the dtypes match': a float64 model comes back float32 (blind round 11)",
                                _EVAL.format(**{**_EVAL_OK, "mode": "model.eval().float()"})))

# Blind round 11's answer that a regrade under another secret seed let through, until train/mean_loss_exact.
from benchmarks.blind.answers import add_wrong_answers  # noqa: E402

add_wrong_answers(MUTANTS, 11, "02_face_debiasing/01_face_detection",
                  {"ex2_train": ["epoch mean rounded to 3 decimals"]})

# Blind round 12's answer that kept full marks, until evaluate/default_batch_size.
add_wrong_answers(MUTANTS, 12, "02_face_debiasing/01_face_detection",
                  {"ex3_evaluate": ["default batch_size=64"]})

# Blind round 13's answer that kept full marks, until cnn/float64_model.
add_wrong_answers(MUTANTS, 13, "02_face_debiasing/01_face_detection",
                  {"ex1_cnn": ["forward casts x.float()"]})

# Blind round 14's answers that kept full marks, until cnn/eval_mode_logits_in_the_graph and
# evaluate/inside_callers_no_grad.
add_wrong_answers(MUTANTS, 14, "02_face_debiasing/01_face_detection", {
    "ex1_cnn": ["forward under torch.no_grad() in eval mode"],
    "ex3_evaluate": ["set_grad_enabled(False) then set_grad_enabled(True)"]})

add_wrong_answers(MUTANTS, 15, "02_face_debiasing/01_face_detection", {"ex2_train": ["Adam(amsgrad=True)"]})
