"""Blind round 3: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/01_pytorch_primer.py nor in
benchmarks/blind/round1/ or round2/. CORRECT[...][0] is the reference the proofs
(benchmarks/blind/round3/prove_01_02.py) compare with.
"""


def _sub(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return images.reshape(images.shape[0], -1)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    mean = x.mean(dim=0, keepdim=True)
    std = x.std(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / (std + eps)
'''
_EX1_EINSUM = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    return torch.stack([image.flatten() for image in images.unbind(0)])


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    n = x.shape[0]
    ones = torch.ones(n, dtype=x.dtype)
    mean = torch.einsum("i,ij->j", ones, x) / n
    centred = x - mean
    var = torch.einsum("ij,ij->j", centred, centred) / n
    return centred / (var.sqrt() + eps)
'''
_EX1_END_DIM = _sub(_EX1_OK, "images.reshape(images.shape[0], -1)", "images.flatten(start_dim=1, end_dim=2)")
_EX1_CLAMP = _sub(_EX1_OK, "(std + eps)", "std.clamp(min=eps)")
_EX1_MAD = _sub(_EX1_OK, "x.std(dim=0, unbiased=False, keepdim=True)", "(x - mean).abs().mean(dim=0, keepdim=True)")
_EX1_MINMAX = _sub(_EX1_OK, '''    mean = x.mean(dim=0, keepdim=True)
    std = x.std(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / (std + eps)''', '''    lo = x.min(dim=0, keepdim=True).values
    hi = x.max(dim=0, keepdim=True).values
    return (x - lo) / (hi - lo + eps)''')

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    m = logits.max(dim=-1, keepdim=True).values
    e = torch.exp(logits - m)
    return e / e.sum(dim=-1, keepdim=True)
'''
_EX2_MOVEDIM = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    rows = logits.reshape(-1, logits.shape[-1])
    out = torch.empty_like(rows)
    for i in range(rows.shape[0]):
        shifted = rows[i] - torch.max(rows[i])
        weights = shifted.exp()
        out[i] = weights / weights.sum()
    return out.reshape(logits.shape)
'''
_EX2_MIN = _sub(_EX2_OK, "logits.max(dim=-1, keepdim=True).values", "logits.min(dim=-1, keepdim=True).values")
_EX2_L2 = _sub(_EX2_OK, "e / e.sum(dim=-1, keepdim=True)", "e / e.norm(dim=-1, keepdim=True)")
_EX2_ROWS_2D = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    rows = logits.reshape(-1, logits.shape[-1])          # work on 2-D rows
    m = rows.max(dim=-1, keepdim=True).values
    e = torch.exp(rows - m)
    return e / e.sum(dim=-1, keepdim=True)
'''
_EX2_MAX_COLS = _sub(_EX2_OK, "logits.max(dim=-1, keepdim=True).values", "logits.max(dim=-2, keepdim=True).values")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    w = w.detach().clone().requires_grad_(True)
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    return w.grad
'''
_EX3_GRAD = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    leaf = torch.tensor(w.tolist(), dtype=w.dtype, requires_grad=True)
    residual = torch.mv(x, leaf) - y
    loss = torch.dot(residual, residual) / residual.numel()
    (grad,) = torch.autograd.grad(loss, [leaf])
    return grad
'''
_EX3_AGAIN = _sub(_EX3_OK, "    return w.grad\n", "    return w.grad / len(y)   # the loss is a mean over N examples\n")
_EX3_NO_GRAD = _sub(_EX3_OK, "    loss = ((x @ w - y) ** 2).mean()\n",
                    "    with torch.no_grad():   # the caller's tensors must not be recorded\n"
                    "        loss = ((x @ w - y) ** 2).mean()\n")
_EX3_COLUMN = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    w = w.detach().clone().reshape(-1, 1).requires_grad_(True)   # weights as a column vector
    loss = (((x @ w).squeeze(1) - y) ** 2).mean()
    loss.backward()
    return w.grad
'''
_EX3_CALLER_W = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    w_copy = w.detach().clone().requires_grad_(True)
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    return w_copy.grad
'''

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        return torch.sigmoid(x @ self.W + self.b)
'''
_EX4_EINSUM = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        scale = in_features ** -0.5
        self.register_parameter("W", nn.Parameter(scale * torch.randn(in_features, out_features)))
        self.register_parameter("b", nn.Parameter(torch.zeros(out_features)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = torch.einsum("bi,io->bo", x, self.W) + self.b
        return 1.0 / (1.0 + torch.exp(-z))
'''
_EX4_ONES = _sub(_EX4_OK, "torch.zeros(out_features)", "torch.ones(out_features)")
_EX4_PLAIN_W = _sub(_EX4_OK, "self.W = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))",
                    "self.W = (torch.randn(in_features, out_features) / math.sqrt(in_features)).requires_grad_()")
_EX4_TIMES = _sub(_EX4_OK, "/ math.sqrt(in_features)", "* math.sqrt(in_features)")
_EX4_ROW_BIAS = _sub(_EX4_OK, "torch.zeros(out_features)", "torch.zeros(1, out_features)")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features))


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        return self.fc2(torch.relu(self.fc1(x)))
'''
_EX5_MODULES = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    layers = [nn.Linear(in_features, hidden)]
    layers.append(nn.ReLU(inplace=True))
    layers.append(nn.Linear(hidden, out_features))
    return nn.Sequential(*layers)


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features=in_features, out_features=hidden)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(in_features=hidden, out_features=out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hidden = self.act(self.fc1(x))
        return torch.addmm(self.fc2.bias, hidden, self.fc2.weight.T)
'''
_EX5_LIST = _sub(_EX5_OK, "nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features))",
                 "nn.Sequential([nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features)])")
_EX5_BATCHNORM = _sub(_EX5_OK, "nn.Linear(in_features, hidden), nn.ReLU(),",
                      "nn.Linear(in_features, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),")
_EX5_SMALL_LAST = _sub(_EX5_OK, "        self.fc2 = nn.Linear(hidden, out_features)\n",
                       "        self.fc2 = nn.Linear(hidden, out_features)\n"
                       "        with torch.no_grad():\n"
                       "            self.fc2.weight.mul_(0.1)   # a small last layer starts near uniform\n")
_EX5_HIDDEN_OUT = _sub(_sub(_EX5_OK, "self.fc1 = nn.Linear(in_features, hidden)", "self.fc1 = nn.Linear(in_features, out_features)"),
                       "self.fc2 = nn.Linear(hidden, out_features)", "self.fc2 = nn.Linear(out_features, out_features)")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    dev = next(model.parameters()).device
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    history = []
    for epoch in progress(range(epochs), desc="epochs"):
        batch_losses = []
        for x, y in loader:
            x, y = x.to(dev), y.to(dev)
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        mean_loss = sum(batch_losses) / len(batch_losses)
        history.append(mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss)
    return history
'''
_EX6_TENSOR_SUM = '''
import torch.nn.functional as F


def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    device_of = next(iter(model.parameters())).device
    sgd = torch.optim.SGD(params=list(model.parameters()), lr=lr)
    model.train(mode=True)
    means = []
    epochs_bar = progress(range(epochs))
    for epoch in epochs_bar:
        total = torch.zeros((), dtype=torch.float64)
        n_batches = 0
        for batch in loader:
            inputs, labels = (t.to(device_of) for t in batch)
            sgd.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(inputs), labels)
            loss.backward()
            sgd.step()
            total += loss.item()
            n_batches += 1
        means.append(float(total) / n_batches)
        if callable(on_epoch):
            on_epoch(epoch, means[-1])
    return means
'''
_EX6_MOMENTUM = _sub(_EX6_OK, "torch.optim.SGD(model.parameters(), lr=lr)", "torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)")
_EX6_DECAY = _sub(_EX6_OK, "torch.optim.SGD(model.parameters(), lr=lr)",
                  "torch.optim.SGD(model.parameters(), lr=lr, weight_decay=1e-3)")
_EX6_RANGE_1 = _sub(_EX6_OK, "for epoch in progress(range(epochs), desc=\"epochs\"):",
                    "for epoch in progress(range(1, epochs), desc=\"epochs\"):")
_EX6_DATASET = _sub(_sub(_EX6_OK, "        for x, y in loader:\n", "        for x, y in loader.dataset:\n"),
                    "            x, y = x.to(dev), y.to(dev)\n", "            x, y = x.unsqueeze(0).to(dev), y.unsqueeze(0).to(dev)\n")

MUTANTS = {
    "ex1_tensors": [
        ("flatten(start_dim=1, end_dim=2): a (B, C, H, W) batch keeps its last axis", _EX1_END_DIM),
        ("std.clamp(min=eps) instead of std + eps: tiny spreads are divided by the bare std", _EX1_CLAMP),
        ("mean absolute deviation instead of the standard deviation", _EX1_MAD),
        ("min-max scaling to [0, 1] instead of standardising", _EX1_MINMAX),
    ],
    "ex2_softmax": [
        ("subtracts the row minimum instead of the maximum: overflows for wide rows", _EX2_MIN),
        ("divides by the L2 norm of the exponentials, not their sum", _EX2_L2),
        ("reshapes to 2-D rows and never reshapes back: 3-D logits come back (N, V)", _EX2_ROWS_2D),
        ("the max over dim=-2 (per column) while the sum runs over the last dim", _EX2_MAX_COLS),
    ],
    "ex3_autograd": [
        ("gradient of the mean divided by N once more after backward", _EX3_AGAIN),
        ("forward pass under torch.no_grad(): backward has no graph", _EX3_NO_GRAD),
        ("w reshaped to a (D, 1) column: the gradient comes back (D, 1), not (D,)", _EX3_COLUMN),
        ("loss computed from the caller's w, not the copy that requires grad", _EX3_CALLER_W),
    ],
    "ex4_dense": [
        ("bias initialised to ones instead of zeros", _EX4_ONES),
        ("W a plain tensor with requires_grad, not an nn.Parameter: parameters() misses it", _EX4_PLAIN_W),
        ("W multiplied by sqrt(in_features) instead of divided", _EX4_TIMES),
        ("bias of shape (1, out_features), not (out_features,)", _EX4_ROW_BIAS),
    ],
    "ex5_mlp": [
        ("nn.Sequential given a list instead of the layers unpacked", _EX5_LIST),
        ("build_mlp adds a BatchNorm1d after the hidden layer", _EX5_BATCHNORM),
        ("MLP shrinks fc2's initial weights by 10", _EX5_SMALL_LAST),
        ("MLP's hidden width is out_features, not hidden", _EX5_HIDDEN_OUT),
    ],
    "ex6_train": [
        ("SGD with momentum=0.9", _EX6_MOMENTUM),
        ("SGD with weight_decay=1e-3", _EX6_DECAY),
        ("epochs counted with range(1, epochs): one epoch too few", _EX6_RANGE_1),
        ("iterates over loader.dataset: one example per step, the batches and shuffle ignored", _EX6_DATASET),
    ],
}

CORRECT = {
    "ex1_tensors": [
        ("reshape(B, -1), mean and std(unbiased=False) with keepdim", _EX1_OK),
        ("stack of per-image flatten, einsum moments", _EX1_EINSUM),
    ],
    "ex2_softmax": [
        ("max with keepdim, exp, divide by the sum", _EX2_OK),
        ("a loop over the rows of a 2-D view, reshaped back", _EX2_MOVEDIM),
    ],
    "ex3_autograd": [
        ("detached clone, backward(), .grad", _EX3_OK),
        ("a fresh leaf from tolist(), mv and dot, torch.autograd.grad", _EX3_GRAD),
    ],
    "ex4_dense": [
        ("randn / sqrt(in), torch.sigmoid(x @ W + b)", _EX4_OK),
        ("register_parameter, einsum and a hand-written sigmoid", _EX4_EINSUM),
    ],
    "ex5_mlp": [
        ("Sequential in one line, torch.relu", _EX5_OK),
        ("list of layers unpacked, ReLU module, addmm with fc2's weights", _EX5_MODULES),
    ],
    "ex6_train": [
        ("nn.CrossEntropyLoss, per-epoch list of loss.item()", _EX6_OK),
        ("F.cross_entropy, float64 running total, set_to_none", _EX6_TENSOR_SUM),
    ],
}
