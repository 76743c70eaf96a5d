"""Blind round 8: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/01_pytorch_primer.py nor in
benchmarks/blind/round1/ to round7/. CORRECT[...][0] is round 7's reference (round 3's, reused by
name; the proofs, benchmarks/blind/round8/prove_01_primer.py, compare with it); CORRECT[...][1] is
this round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND7 = earlier_round(7, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND7.CORRECT[gid][0]


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND7._EX1_OK
_EX1_STACK_MATMUL = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return torch.stack([image.reshape(-1) for image in images.unbind(0)])


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    n = x.shape[0]
    ones = torch.ones(1, n, dtype=x.dtype, device=x.device)
    mean = ones @ x / n                                      # (1, F): column sums by a matrix product
    centred = x - mean
    std = torch.sqrt(ones @ (centred * centred) / n)
    return centred / (std + eps)
'''
_EX1_64 = replace_once(_EX1_OK, "return images.reshape(images.shape[0], -1)",
                       "return images.reshape(-1, 64)   # 8 x 8 digits: 64 pixels per image")
_EX1_2D_AS_IMAGE = replace_once(
    _EX1_OK, "    return images.reshape(images.shape[0], -1)\n",
    "    if images.dim() == 2:                 # a single (H, W) image: give it its batch dimension\n"
    "        images = images.unsqueeze(0)\n"
    "    return images.reshape(images.shape[0], -1)\n")
_EX1_MEAN_NO_DIM = replace_once(_EX1_OK, "mean = x.mean(dim=0, keepdim=True)", "mean = x.mean()")
_EX1_DIVIDE_FIRST = replace_once(_EX1_OK, "return (x - mean) / (std + eps)", "return x / (std + eps) - mean")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND7._EX2_OK
_EX2_TOPK = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    top = torch.topk(logits, k=1, dim=-1).values          # the row max, its axis kept at size 1
    e = torch.pow(math.e, logits - top)
    return e * torch.reciprocal(torch.sum(e, dim=-1, keepdim=True))
'''
_EX2_FIRST_LOGIT = replace_once(_EX2_OK, "m = logits.max(dim=-1, keepdim=True).values",
                                "m = logits[..., :1]   # any shift gives the same softmax: use the first logit")
_EX2_NUMPY = '''
import numpy as np


def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    z = np.asarray(logits)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
'''
_EX2_EXP_DIFF = replace_once(_EX2_OK, "e = torch.exp(logits - m)", "e = torch.exp(logits) - torch.exp(m)")
_EX2_ONE_PLUS = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)",
                             "return e / (1 + e.sum(dim=-1, keepdim=True))   # as in the sigmoid's 1 + e^z")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND7._EX3_OK
_EX3_JACOBIAN = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    def loss(v: torch.Tensor) -> torch.Tensor:
        residual = torch.matmul(x, v) - y
        return torch.dot(residual, residual) / residual.numel()
    return torch.autograd.functional.jacobian(loss, w.detach())   # the Jacobian of a scalar: its gradient
'''
_EX3_MM = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()", "loss = ((torch.mm(x, w) - y) ** 2).mean()")
_EX3_LEAF_CAST = replace_once(_EX3_OK, "w = w.detach().clone().requires_grad_(True)",
                              "w = w.detach().clone().requires_grad_(True)\n"
                              "    w = w.double()   # float64 for an exact gradient")
_EX3_RIDGE = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()",
                          "loss = ((x @ w - y) ** 2).mean() + 0.01 * (w ** 2).sum()   # regularised, as in ridge")
_EX3_PLUS_Y = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()", "loss = ((x @ w + y) ** 2).mean()")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND7._EX4_OK
_EX4_TANH_IDENTITY = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.normal(0.0, in_features ** -0.5, size=(in_features, out_features)))
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        z = torch.tensordot(x, self.W, dims=1) + self.b
        return 0.5 * torch.tanh(0.5 * z) + 0.5           # sigmoid(z) = (1 + tanh(z / 2)) / 2
'''
_EX4_LOGIT = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                          "return torch.logit(x @ self.W + self.b)   # the logistic function")
_EX4_B_COLUMN = replace_once(_EX4_OK, "torch.zeros(out_features)", "torch.zeros(out_features, 1)")
_EX4_MINUS_B = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                            "return torch.sigmoid(x @ self.W - self.b)   # b as the threshold of a perceptron")
_EX4_FLOAT64 = replace_once(_EX4_OK, "torch.randn(in_features, out_features)",
                            "torch.randn(in_features, out_features, dtype=torch.float64)")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND7._EX5_OK
_EX5_ADD_MODULE = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    model = nn.Sequential()
    model.add_module("fc1", nn.Linear(in_features, hidden))
    model.add_module("act", nn.ReLU())
    model.add_module("fc2", nn.Linear(hidden, out_features))
    return model


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        h = self.fc1(x)
        h = torch.where(h > 0, h, torch.zeros_like(h))
        return nn.functional.linear(h, self.fc2.weight, self.fc2.bias)
'''
_EX5_RELU_ON_OUTPUT = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                                   "return torch.relu(self.fc2(self.fc1(x)))")
_EX5_CLAMP_MAX = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                              "return self.fc2(self.fc1(x).clamp(max=0))   # ReLU: cut at 0")
_EX5_TWO_HIDDEN = replace_once(
    _EX5_OK,
    "return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features))",
    "return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(),\n"
    "                         nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, out_features))")
_EX5_FC2_IN_FORWARD = replace_once(
    replace_once(_EX5_OK, "        self.fc2 = nn.Linear(hidden, out_features)\n",
                 "        self.hidden, self.out_features = hidden, out_features\n"),
    "return self.fc2(torch.relu(self.fc1(x)))",
    "self.fc2 = nn.Linear(self.hidden, self.out_features)   # made where it is used\n"
    "        return self.fc2(torch.relu(self.fc1(x)))")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND7._EX6_OK
_EX6_FMEAN = '''
import statistics


def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    where = next(model.parameters()).device
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    criterion = nn.CrossEntropyLoss(reduction="mean")
    model.train()
    means: list[float] = []
    bar = progress(range(epochs), desc="epochs")
    for epoch in bar:
        seen = []
        for batch in loader:
            inputs, targets = (t.to(where) for t in batch)
            optimizer.zero_grad(set_to_none=False)
            loss = criterion(model(inputs), targets)
            loss.backward()
            optimizer.step()
            seen.append(loss.item())
        means.append(statistics.fmean(seen))
        bar.set_postfix(loss=f"{means[-1]:.3f}")
        if on_epoch is not None:
            on_epoch(epoch, means[-1])
    return means
'''
_EX6_ARGS_SWAPPED = replace_once(_EX6_OK, "loss = loss_fn(model(x), y)",
                                 "loss = loss_fn(y, model(x))   # (target, output)")
_EX6_APPEND_DEDENTED = replace_once(
    replace_once(_EX6_OK, "        history.append(mean_loss)\n", ""),
    "    return history\n", "    history.append(mean_loss)\n    return history\n")
_EX6_ITER_ONCE = replace_once(
    replace_once(_EX6_OK, "    for epoch in progress(range(epochs), desc=\"epochs\"):\n",
                 "    batches = iter(loader)\n    for epoch in progress(range(epochs), desc=\"epochs\"):\n"),
    "        for x, y in loader:\n", "        for x, y in batches:\n")
_EX6_CALLBACK_HISTORY = replace_once(_EX6_OK, "on_epoch(epoch, mean_loss)", "on_epoch(epoch, history)")

MUTANTS = {
    "ex1_tensors": [
        ("flatten as reshape(-1, 64): the digits' 8 x 8 pixel count hard-coded", _EX1_64),
        ("flatten takes a 2-D input for one (H, W) image: an already flat (B, F) batch becomes (1, B * F)",
         _EX1_2D_AS_IMAGE),
        ("mean without dim=0: one mean of the whole tensor subtracted (the std still per column)",
         _EX1_MEAN_NO_DIM),
        ("order-of-operations slip: x / (std + eps) - mean, the mean not divided by the std", _EX1_DIVIDE_FIRST),
    ],
    "ex2_softmax": [
        ("shifts by the first logit of each row (any shift is exact in theory): a larger later logit overflows",
         _EX2_FIRST_LOGIT),
        ("a NumPy softmax (np.exp, np.max with keepdims): returns an ndarray, not a tensor", _EX2_NUMPY),
        ("exp(a - b) taken as exp(a) - exp(b): exp(z) - exp(m), non-positive and overflowing", _EX2_EXP_DIFF),
        ("the sigmoid's 1 + carried into the denominator: e / (1 + sum e), rows sum to less than 1",
         _EX2_ONE_PLUS),
    ],
    "ex3_autograd": [
        ("torch.mm(x, w): mm takes two matrices, a (D,) w raises", _EX3_MM),
        ("the leaf cast to float64 after requires_grad_: float32 inputs meet a float64 non-leaf copy, x @ w raises",
         _EX3_LEAF_CAST),
        ("an L2 penalty 0.01 * ||w||^2 added to the loss (the ridge habit)", _EX3_RIDGE),
        ("sign slip in the residual: x @ w + y instead of x @ w - y", _EX3_PLUS_Y),
    ],
    "ex4_dense": [
        ("torch.logit (the inverse of the sigmoid) taken for the logistic function", _EX4_LOGIT),
        ("bias a column vector (out_features, 1), the math habit: (B, out) + (out, 1) broadcasts wrongly",
         _EX4_B_COLUMN),
        ("bias subtracted, sigmoid(xW - b) (the perceptron threshold): b's gradient has the wrong sign",
         _EX4_MINUS_B),
        ("W created in float64: float32 inputs raise a dtype mismatch in x @ W", _EX4_FLOAT64),
    ],
    "ex5_mlp": [
        ("MLP's ReLU moved onto the output: relu(fc2(fc1(x))), nothing between the layers", _EX5_RELU_ON_OUTPUT),
        ("MLP's ReLU as clamp(max=0) instead of clamp(min=0): keeps the negative part", _EX5_CLAMP_MAX),
        ("build_mlp with a second hidden layer: Linear, ReLU, Linear, ReLU, Linear", _EX5_TWO_HIDDEN),
        ("MLP creates fc2 inside forward: new random weights every call, fc2 not registered at first",
         _EX5_FC2_IN_FORWARD),
    ],
    "ex6_train": [
        ("cross-entropy called as loss_fn(y, logits): target and input swapped", _EX6_ARGS_SWAPPED),
        ("history.append dedented out of the epoch loop: only the last epoch's mean is returned",
         _EX6_APPEND_DEDENTED),
        ("iter(loader) made once before the epochs: from the second epoch on it is exhausted", _EX6_ITER_ONCE),
        ("on_epoch given the whole history list instead of this epoch's mean", _EX6_CALLBACK_HISTORY),
    ],
}

CORRECT = {
    "ex1_tensors": [_reference("ex1_tensors"),
                    ("torch.stack of per-image reshape(-1); column moments by a ones-row matrix product",
                     _EX1_STACK_MATMUL)],
    "ex2_softmax": [_reference("ex2_softmax"),
                    ("row max by torch.topk(k=1), e as a power of math.e, times the reciprocal of the sum",
                     _EX2_TOPK)],
    "ex3_autograd": [_reference("ex3_autograd"),
                     ("torch.autograd.functional.jacobian of the scalar loss (dot of the residual with itself)",
                      _EX3_JACOBIAN)],
    "ex4_dense": [_reference("ex4_dense"),
                  ("torch.normal with std in**-0.5, tensordot, sigmoid as (1 + tanh(z / 2)) / 2",
                   _EX4_TANH_IDENTITY)],
    "ex5_mlp": [_reference("ex5_mlp"),
                ("Sequential filled by add_module; ReLU by torch.where, fc2 through F.linear", _EX5_ADD_MODULE)],
    "ex6_train": [_reference("ex6_train"),
                  ("reduction='mean' criterion, batches unpacked by a generator, statistics.fmean, set_postfix",
                   _EX6_FMEAN)],
}
