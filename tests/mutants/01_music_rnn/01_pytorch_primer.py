"""Wrong (MUTANTS) and correct-in-another-style (CORRECT) answers for lab 01 part 1 (PyTorch primer).

Each exercise has a template filled with the correct parts (CORRECT's first entry) from which its
mutants are made, so a template broken by drift fails the control round instead of passing silently.
"""

_FLATTEN = '''
def flatten(images):
    return {flat}
'''
_FLAT_OK = "images.reshape(images.shape[0], -1)"
_STANDARDIZE = '''
def standardize(x, eps=1e-6):
{body}
'''
_STD_OK = '''    mean = x.mean(dim=0, keepdim=True)
    std = x.std(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / (std + eps)'''


def _ex1(flat=_FLAT_OK, body=_STD_OK):
    return _FLATTEN.format(flat=flat) + _STANDARDIZE.format(body=body)


_SOFTMAX = '''
def softmax(logits):
{pre}    shifted = logits - {m}
    exp = shifted.exp()
    return exp / exp.sum({dim})
'''
_SM = dict(pre="", m="logits.max(dim=-1, keepdim=True).values", dim="dim=-1, keepdim=True")

_GRAD = '''
def mse_gradient(w, x, y):
{body}
'''
_GRAD_OK = '''    w = w.detach().clone().requires_grad_(True)
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    return w.grad'''

_DENSE = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.W = {W}
        self.b = {b}

    def forward(self, x):
        return {forward}
'''
_W_OK = "nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))"
_B_OK = "nn.Parameter(torch.zeros(out_features))"
_D = dict(W=_W_OK, b=_B_OK, forward="torch.sigmoid(x @ self.W + self.b)")

_MLP = '''
def build_mlp(in_features, hidden, out_features):
    return nn.Sequential(nn.Linear(in_features, hidden), {act}nn.Linear(hidden, out_features){tail})


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        return {forward}
'''
_M = dict(act="nn.ReLU(), ", tail="", forward="self.fc2(torch.relu(self.fc1(x)))")

_TRAIN = '''
def train(model, loader, epochs, lr, on_epoch=None):
    optimizer = torch.optim.SGD(model.parameters(), lr={lr})
    loss_fn = nn.CrossEntropyLoss()
    device = next(model.parameters()).device
    history = []
{mode}    for epoch in progress(range(epochs), desc="epochs"):
        batch_losses = []
        for x, y in loader:
            x, y = x.to(device), y.to(device)
{body}
            batch_losses.append({item})
        history.append({summary})
{callback}
    return history
'''
_STEP_OK = '''            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()'''
_T = dict(lr="lr", mode="    model.train()\n", body=_STEP_OK, item="loss.item()",
          summary="sum(batch_losses) / len(batch_losses)",
          callback="        if on_epoch is not None:\n            on_epoch(epoch, history[-1])")


def _train(**parts):
    return _TRAIN.format(**{**_T, **parts})


MUTANTS = {
    "ex1_tensors": [
        ("flatten puts the batch last", _ex1(flat="images.reshape(-1, images.shape[0])")),
        ("standardize over rows (dim=1)", _ex1(body=_STD_OK.replace("dim=0", "dim=1"))),
        ("unbiased standard deviation", _ex1(body=_STD_OK.replace("unbiased=False", "unbiased=True"))),
        ("no eps: constant columns divide by zero", _ex1(body=_STD_OK.replace("(std + eps)", "std"))),
        # new (issue 17), written before reading the hidden checks
        ("standardize overwrites the caller's x in place",
         _ex1(body=_STD_OK.replace("    return (x - mean) / (std + eps)", "    x -= mean\n    x /= std + eps\n    return x"))),
        ("flatten only handles (B, H, W)", _ex1(flat="images.reshape(images.shape[0], images.shape[1] * images.shape[2])")),
        ("eps inside the square root", _ex1(body="    mean = x.mean(dim=0, keepdim=True)\n"
                                                 "    var = x.var(dim=0, unbiased=False, keepdim=True)\n"
                                                 "    return (x - mean) / torch.sqrt(var + eps)")),
        ("standardize returns float64", _ex1(body="    x = x.double()\n" + _STD_OK)),
        ("eps argument ignored (1e-6 hard-coded)", _ex1(body=_STD_OK.replace("(std + eps)", "(std + 1e-6)"))),
        # blind round 1 (benchmarks/blind/round1), missed by the hidden checks before they were extended
        ("flatten with .view fails on non-contiguous images (blind round 1)", _ex1(flat="images.view(images.shape[0], -1)")),
        ("flatten squeezes: a batch of one image loses its batch dimension (blind round 1)",
         _ex1(flat="images.reshape(len(images), -1).squeeze()")),
    ],
    "ex2_softmax": [
        ("no max subtraction (overflows)", "def softmax(logits):\n    e = logits.exp()\n    return e / e.sum(dim=-1, keepdim=True)\n"),
        ("normalised over the batch (dim=0)", _SOFTMAX.format(**{**_SM, "m": "logits.max(dim=0, keepdim=True).values", "dim": "dim=0, keepdim=True"})),
        ("sum over every element", _SOFTMAX.format(**{**_SM, "m": "logits.max()", "dim": ""})),
        # new (issue 17)
        ("one global max for every row (rows of different scales underflow)", _SOFTMAX.format(**{**_SM, "m": "logits.max()"})),
        ("overwrites the caller's logits in place",
         "def softmax(logits):\n    logits -= logits.max(dim=-1, keepdim=True).values\n    logits.exp_()\n"
         "    return logits / logits.sum(dim=-1, keepdim=True)\n"),
        ("dim=1 hard-coded (wrong for 3-D logits)", _SOFTMAX.format(**{**_SM, "m": "logits.max(dim=1, keepdim=True).values", "dim": "dim=1, keepdim=True"})),
        ("subtracts the mean instead of the max", _SOFTMAX.format(**{**_SM, "m": "logits.mean(dim=-1, keepdim=True)"})),
        ("max without keepdim (broadcasts along the wrong axis)", _SOFTMAX.format(**{**_SM, "m": "logits.max(dim=-1).values"})),
        ("returns float64", _SOFTMAX.format(**{**_SM, "pre": "    logits = logits.double()\n"})),
    ],
    "ex3_autograd": [
        ("sum instead of mean", _GRAD.format(body=_GRAD_OK.replace(".mean()", ".sum()"))),
        ("forgot the square", _GRAD.format(body=_GRAD_OK.replace("((x @ w - y) ** 2).mean()", "(x @ w - y).mean()"))),
        ("hand formula without the factor 2", _GRAD.format(body="    return x.T @ (x @ w - y) / len(y)")),
        # new (issue 17)
        ("requires_grad set on the caller's w",
         _GRAD.format(body=_GRAD_OK.replace("w = w.detach().clone().requires_grad_(True)", "w.requires_grad_(True)"))),
        ("clone without detach (gradient flows into the caller's w)", _GRAD.format(body=_GRAD_OK.replace("w.detach().clone()", "w.clone()"))),
        ("gradient returned with its graph (create_graph=True)",
         _GRAD.format(body=_GRAD_OK.replace("    loss.backward()\n    return w.grad",
                                            "    (grad,) = torch.autograd.grad(loss, w, create_graph=True)\n    return grad"))),
        ("x * w instead of x @ w", _GRAD.format(body=_GRAD_OK.replace("x @ w", "x * w"))),
        ("returns float64", _GRAD.format(body=_GRAD_OK.replace("w.detach().clone()", "w.detach().double()")
                                         .replace("(x @ w - y)", "(x.double() @ w - y.double())"))),
        # blind round 2 (benchmarks/blind/round2), missed by the hidden checks before they were extended
        ("w cast to float32: float64 inputs break (blind round 2)",
         _GRAD.format(body=_GRAD_OK.replace("w.detach().clone()", "w.detach().float()"))),
    ],
    "ex4_dense": [
        ("no activation", _DENSE.format(**{**_D, "forward": "x @ self.W + self.b"})),
        ("bias is a plain tensor, not a Parameter", _DENSE.format(**{**_D, "b": "torch.zeros(out_features)"})),
        ("W stored as (out, in)", _DENSE.format(**{**_D, "W": "nn.Parameter(torch.randn(out_features, in_features))",
                                                   "forward": "torch.sigmoid(x @ self.W.T + self.b)"})),
        ("random bias init and ReLU", _DENSE.format(**{**_D, "b": "nn.Parameter(torch.randn(out_features))",
                                                       "forward": "torch.relu(x @ self.W + self.b)"})),
        # new (issue 17)
        ("W initialised to zeros", _DENSE.format(**{**_D, "W": "nn.Parameter(torch.zeros(in_features, out_features))"})),
        ("W not scaled (randn)", _DENSE.format(**{**_D, "W": "nn.Parameter(torch.randn(in_features, out_features))"})),
        ("sigmoid applied before adding the bias", _DENSE.format(**{**_D, "forward": "torch.sigmoid(x @ self.W) + self.b"})),
        ("F.linear with W (in, out): x @ W.T", _DENSE.format(**{**_D, "forward": "torch.sigmoid(nn.functional.linear(x, self.W, self.b))"})),
        # blind round 2
        ("W from torch.rand: uniform, all-positive weights (blind round 2)",
         _DENSE.format(**{**_D, "W": _W_OK.replace("torch.randn(", "torch.rand(")})),
        ("forward uses self.W.data: no gradient reaches W (blind round 2)",
         _DENSE.format(**{**_D, "forward": "torch.sigmoid(x @ self.W.data + self.b)"})),
        # a CORRECT answer until 2026-12-03: the instructions divide by sqrt(in_features) and by nothing else
        ("Xavier init (sqrt(6 / (in + out))): the scale depends on out_features too",
         _DENSE.format(W="nn.Parameter(nn.init.xavier_uniform_(torch.empty(in_features, out_features)))", b=_B_OK,
                       forward="1 / (1 + torch.exp(-torch.addmm(self.b, x, self.W)))")),
    ],
    "ex5_mlp": [
        ("no ReLU between the layers", _MLP.format(act="", tail="", forward="self.fc2(self.fc1(x))")),
        ("ReLU after the output layer", _MLP.format(act="nn.ReLU(), ", tail=", nn.ReLU()", forward="torch.relu(self.fc2(torch.relu(self.fc1(x))))")),
        ("sigmoid instead of ReLU", _MLP.format(act="nn.Sigmoid(), ", tail="", forward="self.fc2(torch.sigmoid(self.fc1(x)))")),
        # new (issue 17)
        ("MLP creates fc2 before fc1", _MLP.format(**_M).replace(
            "        self.fc1 = nn.Linear(in_features, hidden)\n        self.fc2 = nn.Linear(hidden, out_features)",
            "        self.fc2 = nn.Linear(hidden, out_features)\n        self.fc1 = nn.Linear(in_features, hidden)")),
        ("MLP returns log-probabilities", _MLP.format(**{**_M, "forward": "torch.log_softmax(self.fc2(torch.relu(self.fc1(x))), dim=-1)"})),
        ("MLP squeezes its output (a batch of one loses its batch dimension)",
         _MLP.format(**{**_M, "forward": "self.fc2(torch.relu(self.fc1(x))).squeeze()"})),
        ("softmax at the end of the Sequential", _MLP.format(**{**_M, "tail": ", nn.Softmax(dim=-1)"})),
        # blind round 2
        ("MLP clamps the hidden layer to [0, 6] (ReLU6, blind round 2)",
         _MLP.format(**{**_M, "forward": "self.fc2(self.fc1(x).clamp(0, 6))"})),
    ],
    "ex6_train": [
        ("no zero_grad: gradients accumulate", _train(body=_STEP_OK.replace("            optimizer.zero_grad()\n", ""))),
        ("step before backward", _train(body="            optimizer.zero_grad()\n            loss = loss_fn(model(x), y)\n"
                                              "            optimizer.step()\n            loss.backward()")),
        ("softmax applied before cross-entropy", _train(body=_STEP_OK.replace("loss_fn(model(x), y)", "loss_fn(torch.softmax(model(x), dim=-1), y)"))),
        ("reports the last batch's loss", _train(summary="batch_losses[-1]")),
        # new (issue 17)
        ("on_epoch never called", _train(callback="")),
        ("on_epoch(mean_loss, epoch): arguments swapped", _train(callback="        if on_epoch is not None:\n            on_epoch(history[-1], epoch)")),
        ("on_epoch called after every batch",
         _train(callback="", body=_STEP_OK + "\n            if on_epoch is not None:\n                on_epoch(epoch, loss.item())")),
        ("losses kept as tensors (history holds tensors with their graph)", _train(item="loss")),
        ("never calls model.train()", _train(mode="")),
        ("lr argument ignored (0.1 hard-coded)", _train(lr="0.1")),
        ("mean over examples, not over batches (last partial batch weighted less)",
         _train(item="loss.item() * len(x)", summary="sum(batch_losses) / len(loader.dataset)")),
        # the labs' rule "what your functions may change" (train/hands_back_what_it_was_given)
        ("reseeds torch for a reproducible run", _train(mode="    torch.manual_seed(0)\n    model.train()\n")),
        ("unfreezes every parameter so all of them train",
         _train(mode="    model.train()\n    for p in model.parameters():\n        p.requires_grad_(True)\n")),
    ],
}

CORRECT = {
    "ex1_tensors": [
        ("template", _ex1()),
        ("torch.flatten and hand-written moments",
         "def flatten(images):\n    return torch.flatten(images, start_dim=1)\n\n\n"
         "def standardize(x, eps=1e-6):\n    mean = x.sum(dim=0) / x.shape[0]\n"
         "    std = ((x - mean) ** 2).mean(dim=0).sqrt()\n    return (x - mean) / (std + eps)\n"),
        ("float64 inside, cast back",
         "def flatten(images):\n    return images.reshape(len(images), -1)\n\n\n"
         "def standardize(x, eps=1e-6):\n    x64 = x.double()\n"
         "    var, mean = torch.var_mean(x64, dim=0, correction=0, keepdim=True)\n"
         "    return ((x64 - mean) / (var.sqrt() + eps)).to(x.dtype)\n"),
    ],
    "ex2_softmax": [
        ("template", _SOFTMAX.format(**_SM)),
        ("logsumexp", "def softmax(logits):\n    return torch.exp(logits - torch.logsumexp(logits, dim=-1, keepdim=True))\n"),
        ("float64 inside, cast back, amax",
         "def softmax(logits):\n    z = logits.double()\n    e = torch.exp(z - z.amax(dim=-1, keepdim=True))\n"
         "    return (e / e.sum(dim=-1, keepdim=True)).to(logits.dtype)\n"),
    ],
    "ex3_autograd": [
        ("template", _GRAD.format(body=_GRAD_OK)),
        ("torch.autograd.grad", "def mse_gradient(w, x, y):\n    w = w.detach().requires_grad_(True)\n"
                                "    loss = torch.mean((x @ w - y) ** 2)\n    (grad,) = torch.autograd.grad(loss, w)\n    return grad\n"),
        ("float64 inside, cast back", "def mse_gradient(w, x, y):\n    w64 = w.detach().to(torch.float64).requires_grad_(True)\n"
                                      "    loss = ((x.double() @ w64 - y.double()) ** 2).mean()\n    loss.backward()\n"
                                      "    return w64.grad.to(w.dtype)\n"),
    ],
    "ex4_dense": [
        ("template", _DENSE.format(**_D)),
        ("uniform init scaled by sqrt(3 / in), addmm and a hand-written sigmoid",
         _DENSE.format(W="nn.Parameter((torch.rand(in_features, out_features) * 2 - 1) * (3 / in_features) ** 0.5)",
                       b=_B_OK, forward="1 / (1 + torch.exp(-torch.addmm(self.b, x, self.W)))")),
        ("einsum", _DENSE.format(W="nn.Parameter(torch.randn(in_features, out_features) * (1 / in_features) ** 0.5)",
                                 b="nn.Parameter(torch.zeros(out_features))",
                                 forward="torch.sigmoid(torch.einsum('bi,io->bo', x, self.W) + self.b)")),
    ],
    "ex5_mlp": [
        ("template", _MLP.format(**_M)),
        ("layers in a list, F.relu",
         "def build_mlp(in_features, hidden, out_features):\n"
         "    layers = [nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features)]\n"
         "    return nn.Sequential(*layers)\n\n\n"
         "class MLP(nn.Module):\n    def __init__(self, in_features, hidden, out_features):\n        super().__init__()\n"
         "        self.fc1 = nn.Linear(in_features, hidden)\n        self.fc2 = nn.Linear(hidden, out_features)\n\n"
         "    def forward(self, x):\n        h = nn.functional.relu(self.fc1(x))\n        return self.fc2(h)\n"),
        ("clamp as ReLU", _MLP.format(**{**_M, "forward": "self.fc2(self.fc1(x).clamp(min=0))"})),
    ],
    "ex6_train": [
        ("template", _train()),
        ("for x, y in progress(loader)",
         "def train(model, loader, epochs, lr, on_epoch=None):\n"
         "    optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n    loss_fn = nn.CrossEntropyLoss()\n"
         "    model.train()\n    losses = []\n    for epoch in range(epochs):\n        total, n = 0.0, 0\n"
         "        for x, y in progress(loader, desc=f'epoch {epoch + 1}/{epochs}', leave=False):\n"
         "            optimizer.zero_grad()\n            logits = model(x)\n            loss = loss_fn(logits, y)\n"
         "            loss.backward()\n            optimizer.step()\n            total += loss.item()\n            n += 1\n"
         "        losses.append(total / n)\n        if on_epoch:\n            on_epoch(epoch, losses[-1])\n    return losses\n"),
        ("enumerate, F.cross_entropy, a tensor sum turned into a float",
         "def train(model, loader, epochs, lr, on_epoch=None):\n"
         "    opt = torch.optim.SGD(model.parameters(), lr=lr)\n    model.train()\n    out = []\n"
         "    bar = progress(range(epochs))\n    for epoch in bar:\n        total = torch.zeros((), dtype=torch.float64)\n"
         "        for i, (x, y) in enumerate(loader):\n            opt.zero_grad(set_to_none=True)\n"
         "            loss = nn.functional.cross_entropy(model(x), y)\n            loss.backward()\n            opt.step()\n"
         "            total += loss.detach().double()\n        mean = float(total / (i + 1))\n        out.append(mean)\n"
         "        bar.set_postfix(loss=mean)\n        if on_epoch is not None:\n            on_epoch(epoch, mean)\n    return out\n"),
    ],
}

# Blind round 11's answers that kept their points until their own checks were added (the sources stay there).
from benchmarks.blind.answers import add_wrong_answers  # noqa: E402

add_wrong_answers(MUTANTS, 11, "01_music_rnn/01_pytorch_primer", {
    "ex1_tensors": ["flatten on images.detach()"],
    "ex2_softmax": ["the max shift only for float32 logits"],
    "ex3_autograd": ["x.requires_grad_(False) and y.requires_grad_(False)", "w.grad = None first"],
    "ex4_dense": ["W standardised to an exact sample mean 0"],
    "ex5_mlp": ["MLP's layers kept in an nn.ModuleDict"],
    "ex6_train": ["optimizer.zero_grad() after step()"],
})

# Blind round 12's answers that kept their points until their own checks were added (the sources stay there).
add_wrong_answers(MUTANTS, 12, "01_music_rnn/01_pytorch_primer", {
    "ex3_autograd": ["x.grad = None and y.grad = None at the end"],
    "ex4_dense": ["W drawn with NumPy's np.random.randn"],
})

# Blind round 13's answers that kept their points until their own checks were added (the sources stay there).
add_wrong_answers(MUTANTS, 13, "01_music_rnn/01_pytorch_primer", {
    "ex1_tensors": ["standardize returns a batch of one row unchanged"],
    "ex3_autograd": ["torch.set_grad_enabled(True) first and torch.set_grad_enabled(False) at the end"],
    "ex4_dense": ["W from nn.init.trunc_normal_(std=1/sqrt(in))"],
    "ex6_train": ["model.float() and x.float() in the batch loop"],
})

# Blind round 14's answers that kept their points until their own checks were added (the sources stay there).
add_wrong_answers(MUTANTS, 14, "01_music_rnn/01_pytorch_primer", {
    "ex1_tensors": ["eps = eps or 1e-6"],
    "ex3_autograd": ["torch.autograd.set_detect_anomaly(True) left on", "y.float() in the loss"],
    "ex5_mlp": ["MLP.forward casts its input to float32"],
})

# Blind round 15's answers that kept their points until their own checks were added (the sources stay there).
add_wrong_answers(MUTANTS, 15, "01_music_rnn/01_pytorch_primer", {
    "ex1_tensors": ["a column whose std is below 10 * machine eps gets scale 1", "the result .nan_to_num()'d"],
    "ex2_softmax": ["the normaliser detached"],
    "ex3_autograd": ["torch.manual_seed(0) 'to be reproducible'", "w.detach_()", "torch.set_default_dtype(w.dtype)"],
    "ex4_dense": ["forward casts its input x.float()"],
})
