"""Blind round 5: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/01_pytorch_primer.py nor in
benchmarks/blind/round1/ to round4/. CORRECT[...][0] is round 4's reference (round 3's, reused by
name; the proofs, benchmarks/blind/round5/prove_01.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND4 = earlier_round(4, __file__)


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND4._EX1_OK
_EX1_LOOP = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    return images.reshape(-1, images[0].numel())


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    n = x.shape[0]
    total = torch.zeros_like(x[0])
    for row in x:
        total = total + row
    mean = total / n
    squares = torch.zeros_like(x[0])
    for row in x:
        squares = squares + (row - mean) ** 2
    return (x - mean) / ((squares / n).sqrt() + eps)
'''
_EX1_FLOAT = replace_once(_EX1_OK, "return images.reshape(images.shape[0], -1)",
                  "return images.reshape(images.shape[0], -1).float()   # features for a dense layer")
_EX1_NORM_OVER_N = replace_once(_EX1_OK, '''    std = x.std(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / (std + eps)''', '''    centred = x - mean
    std = torch.linalg.vector_norm(centred, dim=0, keepdim=True) / x.shape[0]
    return centred / (std + eps)''')
_EX1_EPS_IF_ZERO = replace_once(_EX1_OK, "    return (x - mean) / (std + eps)",
                        "    std = torch.where(std == 0, torch.full_like(std, eps), std)   # guard constant columns\n"
                        "    return (x - mean) / std")
_EX1_STD_FLOAT = replace_once(_EX1_OK, "    mean = x.mean(dim=0, keepdim=True)\n",
                      "    x = x.float()\n    mean = x.mean(dim=0, keepdim=True)\n")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND4._EX2_OK
_EX2_PAIRWISE = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    # softmax_k = 1 / sum_j exp(z_j - z_k): every exponent is a difference, so nothing overflows
    # where it matters (an infinite term only makes a probability 0)
    gaps = logits.unsqueeze(-2) - logits.unsqueeze(-1)          # [..., k, j] = z_j - z_k
    return torch.exp(gaps).sum(dim=-1).reciprocal()
'''
_EX2_MAX_DIV = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)", "return e / e.max(dim=-1, keepdim=True).values")
_EX2_ROW_1D = replace_once(_EX2_OK, "    m = logits.max(dim=-1, keepdim=True).values\n",
                   "    if logits.dim() == 1:\n        logits = logits.unsqueeze(0)   # work on rows\n"
                   "    m = logits.max(dim=-1, keepdim=True).values\n")
_EX2_SQUEEZE = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)",
                    "return (e / e.sum(dim=-1, keepdim=True)).squeeze()")
_EX2_VIEW = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    rows = logits.view(-1, logits.shape[-1])
    m = rows.max(dim=-1, keepdim=True).values
    e = torch.exp(rows - m)
    return (e / e.sum(dim=-1, keepdim=True)).view(logits.shape)
'''

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND4._EX3_OK
_EX3_VJP = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    def loss(v):
        residual = x @ v - y
        return (residual * residual).mean()
    _, pull_back = torch.func.vjp(loss, w.detach())
    (grad,) = pull_back(torch.ones((), dtype=w.dtype))
    return grad
'''
_EX3_MEAN_SQUARED = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()", "loss = (x @ w - y).mean() ** 2")
_EX3_X_GRAD = replace_once(_EX3_OK, "    loss = ((x @ w - y) ** 2).mean()\n",
                   "    x.requires_grad_(True)   # track the inputs as well\n    loss = ((x @ w - y) ** 2).mean()\n")
_EX3_ZEROED = replace_once(_EX3_OK, "    return w.grad\n",
                   "    grad = w.grad\n    w.grad.zero_()   # leave no gradient behind for the next call\n    return grad\n")
_EX3_RMSE = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()", "loss = ((x @ w - y) ** 2).mean().sqrt()")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND4._EX4_OK
_EX4_DIST = '''
import torch.nn.functional as F


class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        normal = torch.distributions.Normal(0.0, 1.0 / math.sqrt(in_features))
        self.W = nn.Parameter(normal.sample((in_features, out_features)))
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.logsigmoid(torch.matmul(x, self.W) + self.b).exp()
'''
_EX4_NAMES = replace_once(replace_once(replace_once(_EX4_OK, "self.W = nn.Parameter(", "self.weight = nn.Parameter("),
                       "self.b = nn.Parameter(", "self.bias = nn.Parameter("),
                  "x @ self.W + self.b", "x @ self.weight + self.bias")
_EX4_SMALL_BIAS = replace_once(_EX4_OK, "torch.zeros(out_features)", "torch.full((out_features,), 0.01)")
_EX4_SQUEEZE = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                    "return torch.sigmoid(x @ self.W + self.b).squeeze()")
_EX4_WHERE = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                  "z = x @ self.W + self.b\n"
                  "        # the stable form of each sign: 1 / (1 + e^-z) for z >= 0, e^z / (1 + e^z) below\n"
                  "        return torch.where(z >= 0, 1 / (1 + torch.exp(-z)), torch.exp(z) / (1 + torch.exp(z)))")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND4._EX5_OK
_EX5_FROM_SEQ = '''
import torch.nn.functional as F


def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    stack = nn.Sequential()
    stack.append(nn.Linear(in_features, hidden))
    stack.append(nn.ReLU())
    stack.append(nn.Linear(hidden, out_features))
    return stack


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        first, _, second = build_mlp(in_features, hidden, out_features)
        self.fc1 = first
        self.fc2 = second

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.relu(self.fc1(x)))
'''
_EX5_RELU_INPUT = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))", "return self.fc2(self.fc1(torch.relu(x)))")
_EX5_MODULE_LIST = replace_once(_EX5_OK, "return nn.Sequential(nn.Linear(in_features, hidden),",
                        "return nn.ModuleList([nn.Linear(in_features, hidden),")
_EX5_MODULE_LIST = replace_once(_EX5_MODULE_LIST, "nn.Linear(hidden, out_features))\n\n\nclass",
                        "nn.Linear(hidden, out_features)])\n\n\nclass")
_EX5_PLAIN_LIST = replace_once(replace_once(_EX5_OK, '''        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)''', '''        self.layers = [nn.Linear(in_features, hidden), nn.Linear(hidden, out_features)]'''),
                       "return self.fc2(torch.relu(self.fc1(x)))", "return self.layers[1](torch.relu(self.layers[0](x)))")
_EX5_HIDDEN_64 = replace_once(replace_once(_EX5_OK, "self.fc1 = nn.Linear(in_features, hidden)", "self.fc1 = nn.Linear(in_features, 64)"),
                      "self.fc2 = nn.Linear(hidden, out_features)", "self.fc2 = nn.Linear(64, out_features)")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND4._EX6_OK
_EX6_SUM_FSUM = '''
import math


def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    dev = next(model.parameters()).device
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    summed = nn.CrossEntropyLoss(reduction="sum")
    model.train(True)
    history = []
    for epoch in progress(range(epochs), desc="train"):
        values = []
        for batch_x, batch_y in loader:
            batch_x, batch_y = batch_x.to(dev), batch_y.to(dev)
            optimizer.zero_grad(set_to_none=True)
            loss = summed(model(batch_x), batch_y) / batch_y.shape[0]   # the batch mean
            loss.backward()
            optimizer.step()
            values.append(loss.item())
        history.append(math.fsum(values) / len(values))
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    return history
'''
_EX6_KEYWORDS = replace_once(_EX6_OK, "on_epoch(epoch, mean_loss)", "on_epoch(epoch=epoch, mean_loss=mean_loss)")
_EX6_SKIP_LAST = replace_once(_EX6_OK, "            x, y = x.to(dev), y.to(dev)\n",
                      "            if len(x) < loader.batch_size:\n"
                      "                continue   # a smaller last batch would weigh as much as a full one\n"
                      "            x, y = x.to(dev), y.to(dev)\n")
_EX6_SQUEEZE = replace_once(_EX6_OK, "loss = loss_fn(model(x), y)", "loss = loss_fn(model(x).squeeze(), y)")
_EX6_CLIP = replace_once(_EX6_OK, "            loss.backward()\n",
                 "            loss.backward()\n"
                 "            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)   # safe steps\n")

MUTANTS = {
    "ex1_tensors": [
        ("flatten casts to float32 (.float()): float64 or integer images change dtype", _EX1_FLOAT),
        ("std as the norm of the centred column divided by N, not by sqrt(N)", _EX1_NORM_OVER_N),
        ("eps used only where a column's std is exactly 0: other columns divided by the bare std", _EX1_EPS_IF_ZERO),
        ("standardize casts x to float32 first: float64 data comes back float32", _EX1_STD_FLOAT),
    ],
    "ex2_softmax": [
        ("divides by the largest exponential (always 1) instead of their sum", _EX2_MAX_DIV),
        ("1-D logits promoted to a row and never squeezed back: (V,) comes back (1, V)", _EX2_ROW_1D),
        ("result squeezed: a batch of one row (1, V) comes back (V,)", _EX2_SQUEEZE),
        ("rows made with .view(-1, V): non-contiguous logits (a transpose) raise", _EX2_VIEW),
    ],
    "ex3_autograd": [
        ("square of the mean residual, (mean(xw - y))^2, not the mean of the squares", _EX3_MEAN_SQUARED),
        ("requires_grad_ also set on the caller's x: x is changed and gets a .grad", _EX3_X_GRAD),
        ("w.grad zeroed after reading it: the returned tensor is that same gradient, now all zeros", _EX3_ZEROED),
        ("root mean squared error (sqrt of the mean): the gradient of the RMSE, not of the MSE", _EX3_RMSE),
    ],
    "ex4_dense": [
        ("parameters named weight and bias (PyTorch's convention), not W and b", _EX4_NAMES),
        ("bias initialised to 0.01 instead of zeros", _EX4_SMALL_BIAS),
        ("output squeezed: one output feature, or a batch of one, loses a dimension", _EX4_SQUEEZE),
        ("'stable' sigmoid by torch.where over both branches: NaN gradients once |z| passes ~88", _EX4_WHERE),
    ],
    "ex5_mlp": [
        ("MLP applies the ReLU to the input before fc1: nothing between fc1 and fc2", _EX5_RELU_INPUT),
        ("build_mlp returns an nn.ModuleList: not callable, not an nn.Sequential", _EX5_MODULE_LIST),
        ("MLP keeps its layers in a plain Python list: no fc1/fc2, no registered parameters", _EX5_PLAIN_LIST),
        ("MLP's hidden width hard-coded to 64 (the notebook's MLP(64, 64, 10)), the hidden argument ignored",
         _EX5_HIDDEN_64),
    ],
    "ex6_train": [
        ("on_epoch called with keywords (epoch=, mean_loss=): a positional callback such as lambda e, l breaks",
         _EX6_KEYWORDS),
        ("skips the last, smaller batch: it is neither trained on nor in the epoch's mean", _EX6_SKIP_LAST),
        ("logits squeezed before the loss: a last batch of one example gives cross-entropy a 1-D input",
         _EX6_SQUEEZE),
        ("adds gradient clipping at norm 1.0 (from part 2): large gradients make smaller steps than SGD's",
         _EX6_CLIP),
    ],
}

CORRECT = {
    "ex1_tensors": [
        ("round 4's reference (round 3's): reshape(B, -1), mean and std(unbiased=False) with keepdim", _EX1_OK),
        ("reshape(-1, images[0].numel()), column sums by a loop over the rows", _EX1_LOOP),
    ],
    "ex2_softmax": [
        ("round 4's reference (round 3's): max with keepdim, exp, divide by the sum", _EX2_OK),
        ("pairwise differences: 1 / sum_j exp(z_j - z_k)", _EX2_PAIRWISE),
    ],
    "ex3_autograd": [
        ("round 4's reference (round 3's): detached clone, backward(), .grad", _EX3_OK),
        ("torch.func.vjp of the loss, pulled back with a one of w's dtype", _EX3_VJP),
    ],
    "ex4_dense": [
        ("round 4's reference (round 3's): randn / sqrt(in), torch.sigmoid(x @ W + b)", _EX4_OK),
        ("weights sampled from torch.distributions.Normal, matmul, exp of F.logsigmoid", _EX4_DIST),
    ],
    "ex5_mlp": [
        ("round 4's reference (round 3's): Sequential in one line, torch.relu", _EX5_OK),
        ("Sequential.append; MLP takes fc1 and fc2 out of build_mlp's stack, F.relu", _EX5_FROM_SEQ),
    ],
    "ex6_train": [
        ("round 4's reference (round 3's): nn.CrossEntropyLoss, per-epoch list of loss.item()", _EX6_OK),
        ("summed cross-entropy divided by the batch size, math.fsum of the batch means", _EX6_SUM_FSUM),
    ],
}
