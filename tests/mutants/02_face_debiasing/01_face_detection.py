"""Wrong answers for lab 02 part 1 (face detector and per-group evaluation)."""

_CNN = '''
class FaceCNN(nn.Module):
    def __init__(self, n_filters=12, image_size=32):
        super().__init__()
        f = n_filters
        self.net = nn.Sequential(
            nn.Conv2d(3, f, {k1}, stride=2, padding=2), {bn1}nn.ReLU(),
            nn.Conv2d(f, 2 * f, 5, stride=2, padding=2), nn.BatchNorm2d(2 * f), nn.ReLU(),
            nn.Conv2d(2 * f, 4 * f, 3, stride=2, padding=1), nn.BatchNorm2d(4 * f), nn.ReLU(),
            nn.Flatten(),
            nn.Linear(4 * f * (image_size // 8) ** 2, 128), {act}
            nn.Linear(128, 1),
        )

    def forward(self, x):
        return {forward}
'''
_CNN_OK = dict(k1=5, bn1="nn.BatchNorm2d(f), ", act="nn.ReLU(),", forward="self.net(x).squeeze(-1)")

_TRAIN = '''
def train_classifier(model, x, y, epochs, batch_size, lr, seed=0, on_epoch=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    history = []
    for epoch in range(epochs):
        order = {order}
        losses = []
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            xb, yb = x[idx], y[idx]
{step}
            losses.append(loss.item())
        history.append({summary})
    return history
'''
_STEP_OK = '''            optimizer.zero_grad()
            loss = F.binary_cross_entropy_with_logits(model(xb), yb)
            loss.backward()
            optimizer.step()'''
_TRAIN_OK = dict(order="torch.randperm(len(x), generator=gen)", step=_STEP_OK, summary="sum(losses) / len(losses)")

_EVAL = '''
def evaluate_by_group(model, x, y, groups, n_groups, batch_size=512):
    {mode}
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
    correct = ((logits > {threshold}).float() == y).float()
    faces = y == 1
    hits = torch.bincount(groups[faces], weights=correct[faces], minlength=n_groups)
    counts = torch.bincount(groups[faces], minlength=n_groups)
    per_group = hits / counts
    return {{"overall": {overall}, "per_group": per_group,
            "worst": per_group.{worst}().item(), "gap": {gap}}}
'''
_EVAL_OK = dict(mode="model.eval()", threshold="0", overall="correct.mean().item()", worst="min",
                gap="(per_group.max() - per_group.min()).item()")

MUTANTS = {
    "ex1_cnn": [
        ("logits of shape (B, 1): no squeeze", _CNN.format(**{**_CNN_OK, "forward": "self.net(x)"})),
        ("no BatchNorm after the first convolution", _CNN.format(**{**_CNN_OK, "bn1": ""})),
        ("no ReLU after the hidden dense layer", _CNN.format(**{**_CNN_OK, "act": ""})),
        ("sigmoid at the end", _CNN.format(**{**_CNN_OK, "forward": "torch.sigmoid(self.net(x).squeeze(-1))"})),
    ],
    "ex2_train": [
        ("no zero_grad: gradients accumulate", _TRAIN.format(**{**_TRAIN_OK, "step": _STEP_OK.replace("            optimizer.zero_grad()\n", "")})),
        ("sigmoid before the with-logits loss", _TRAIN.format(**{**_TRAIN_OK, "step": _STEP_OK.replace("model(xb), yb", "torch.sigmoid(model(xb)), yb")})),
        ("reports the last batch's loss", _TRAIN.format(**{**_TRAIN_OK, "summary": "losses[-1]"})),
        ("shuffles once, not every epoch", _TRAIN.format(**_TRAIN_OK).replace(
            "    for epoch in range(epochs):\n        order = torch.randperm(len(x), generator=gen)\n",
            "    order = torch.randperm(len(x), generator=gen)\n    for epoch in range(epochs):\n")),
    ],
    "ex3_evaluate": [
        ("model left in training mode (BatchNorm uses batch statistics)", _EVAL.format(**{**_EVAL_OK, "mode": "model.train()"})),
        ("threshold 0.5 on logits", _EVAL.format(**{**_EVAL_OK, "threshold": "0.5"})),
        ("gap as a ratio worst / best", _EVAL.format(**{**_EVAL_OK, "gap": "(per_group.min() / per_group.max()).item()"})),
        ("overall accuracy over faces only", _EVAL.format(**{**_EVAL_OK, "overall": "correct[faces].mean().item()"})),
    ],
}
