"""Blind round 9: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/01_pytorch_primer.py nor in
benchmarks/blind/round1/ to round8/. CORRECT[...][0] is round 8's reference (round 3's, reused by
name; the proofs, benchmarks/blind/round9/prove_01_primer.py, compare with it); CORRECT[...][1] is
this round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND8 = earlier_round(8, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND8.CORRECT[gid][0]


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND8._EX1_OK
_EX1_UNBIND_SUMS = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    features = math.prod(images.shape[1:])
    return torch.reshape(images, (len(images), features))


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    n = len(x)
    mean = torch.sum(x, dim=0) / n                        # (F,): broadcasts against every row
    spread = torch.sqrt(torch.sum(torch.square(x - mean), dim=0) / n)
    return torch.sub(x, mean).div(spread.add(eps))
'''
_EX1_COLUMN_MAJOR = replace_once(_EX1_OK, "return images.reshape(images.shape[0], -1)",
                                 "return images.transpose(-1, -2).reshape(images.shape[0], -1)   # column by column")
_EX1_MEDIAN = replace_once(_EX1_OK, "mean = x.mean(dim=0, keepdim=True)",
                           "mean = x.median(dim=0, keepdim=True).values   # robust centre")
_EX1_LIST_MOMENTS = replace_once(
    _EX1_OK, '''    mean = x.mean(dim=0, keepdim=True)
    std = x.std(dim=0, unbiased=False, keepdim=True)''',
    '''    mean = torch.tensor([column.mean().item() for column in x.T])             # one per column
    std = torch.tensor([column.std(unbiased=False).item() for column in x.T])''')
_EX1_SKLEARN = replace_once(
    _EX1_OK, '''    mean = x.mean(dim=0, keepdim=True)
    std = x.std(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / (std + eps)''',
    '''    from sklearn.preprocessing import StandardScaler
    return torch.from_numpy(StandardScaler().fit_transform(x.numpy()))''')

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND8._EX2_OK
_EX2_SORTED = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    top = logits.sort(dim=-1, descending=True).values.narrow(-1, 0, 1)   # (..., 1): the row max
    shifted = torch.sub(logits, top)
    e = shifted.exp()
    return torch.div(e, torch.sum(e, -1, True))
'''
_EX2_EXP2 = replace_once(_EX2_OK, "e = torch.exp(logits - m)", "e = torch.exp2(logits - m)")
_EX2_RESCALED_DENOM = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)",
                                   "return e / (torch.exp(logits).sum(dim=-1, keepdim=True) * torch.exp(-m))")
_EX2_HALF = replace_once(_EX2_OK, "e = torch.exp(logits - m)",
                         "e = torch.exp((logits - m).half()).to(logits.dtype)   # half precision is enough in [0, 1]")
_EX2_FLOOR = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)",
                          "return (e / e.sum(dim=-1, keepdim=True)).clamp(min=1e-6)   # no exact 0: log stays finite")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND8._EX3_OK
_EX3_SUM_OVER_N = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    leaf = torch.empty_like(w).copy_(w.detach()).requires_grad_()
    residual = torch.addmv(-y, x, leaf)                        # x @ leaf - y
    (residual.square().sum() / y.shape[0]).backward(inputs=[leaf])
    return leaf.grad
'''
_EX3_FINITE = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    def loss(v):
        return ((x @ v - y) ** 2).mean()
    h = 1e-3
    base = loss(w)
    grad = torch.zeros_like(w)
    for i in range(len(w)):                                    # forward differences, one weight at a time
        step = w.clone()
        step[i] += h
        grad[i] = (loss(step) - base) / h
    return grad
'''
_EX3_DETACH_LATE = replace_once(_EX3_OK, "w = w.detach().clone().requires_grad_(True)",
                                "w = w.clone().requires_grad_(True).detach()")
_EX3_HUBER = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()",
                          "loss = F.smooth_l1_loss(x @ w, y)   # the regression loss")
_EX3_HUBER = "\nimport torch.nn.functional as F\n" + _EX3_HUBER
_EX3_Y_INPLACE = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()",
                              "residual = y.sub_(x @ w)   # in place: no extra (N,) tensor\n"
                              "    loss = (residual ** 2).mean()")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND8._EX4_OK
_EX4_REGISTER = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        scale = 1.0 / math.sqrt(in_features)
        self.register_parameter("W", nn.Parameter(scale * torch.randn(in_features, out_features)))
        self.register_parameter("b", nn.Parameter(torch.zeros(out_features)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        z = torch.matmul(x, self.W).add(self.b)
        return nn.Sigmoid()(z)
'''
_EX4_UNIFORM = replace_once(
    _EX4_OK, "torch.randn(in_features, out_features) / math.sqrt(in_features)",
    "torch.empty(in_features, out_features).uniform_(-1 / math.sqrt(in_features), 1 / math.sqrt(in_features))")
_EX4_HARDSIGMOID = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                                "return nn.functional.hardsigmoid(x @ self.W + self.b)")
_EX4_SIGMOID_INPUT = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                                  "return torch.sigmoid(x) @ self.W + self.b")
_EX4_BUFFER = replace_once(
    _EX4_OK, "self.W = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))",
    'self.register_buffer("W", torch.randn(in_features, out_features) / math.sqrt(in_features))')

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND8._EX5_OK
_EX5_MODULEDICT = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    layers = [nn.Linear(in_features=in_features, out_features=hidden)]
    layers += [nn.ReLU(), nn.Linear(in_features=hidden, out_features=out_features)]
    return nn.Sequential(*layers)


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        h = torch.addmm(self.fc1.bias, x, self.fc1.weight.T)
        h = torch.maximum(h, torch.zeros((), dtype=h.dtype))
        return self.fc2(h)
'''
_EX5_DETACH_HIDDEN = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                                  "h = torch.relu(self.fc1(x)).detach()\n        return self.fc2(h)")
_EX5_LAZY = replace_once(_EX5_OK, "self.fc1 = nn.Linear(in_features, hidden)",
                         "self.fc1 = nn.LazyLinear(hidden)   # in_features inferred at the first call")
_EX5_DOUBLE = replace_once(
    _EX5_OK,
    "return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features))",
    "return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features)).double()")
_EX5_SOFTPLUS = replace_once(
    _EX5_OK,
    "return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features))",
    "return nn.Sequential(nn.Linear(in_features, hidden), nn.Softplus(), nn.Linear(hidden, out_features))")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND8._EX6_OK
_EX6_TENSOR_MEAN = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    device_of_model = next(iter(model.parameters())).device
    sgd = torch.optim.SGD(params=model.parameters(), lr=lr)
    model.train(True)
    per_epoch = []
    epoch = 0
    for epoch in progress(range(epochs), desc="epochs"):
        values = []
        for inputs, labels in iter(loader):
            for p in model.parameters():
                p.grad = None
            out = model(inputs.to(device_of_model))
            loss = nn.functional.cross_entropy(out, labels.to(device_of_model))
            loss.backward()
            sgd.step()
            values.append(loss.item())
        mean_loss = float(torch.tensor(values, dtype=torch.float64).mean())
        per_epoch.append(mean_loss)
        if on_epoch:
            on_epoch(epoch, mean_loss)
    return per_epoch
'''
_EX6_NO_GRAD = "\n@torch.no_grad()" + _EX6_OK
_EX6_SMOOTHING = replace_once(_EX6_OK, "loss_fn = nn.CrossEntropyLoss()",
                              "loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)")
_EX6_RETURN_TENSOR = replace_once(_EX6_OK, "    return history\n", "    return torch.tensor(history)\n")
_EX6_PER_EXAMPLE = replace_once(_EX6_OK, "loss.backward()", "(loss / len(x)).backward()   # per example")

MUTANTS = {
    "ex1_tensors": [
        ("flatten transposes the last two axes first: each image's pixels read column by column", _EX1_COLUMN_MAJOR),
        ("standardize centres on the column median, not the mean (the robust-scaling habit)", _EX1_MEDIAN),
        ("column moments collected with torch.tensor([... .item()]): float32, float64 data standardized "
         "with rounded moments", _EX1_LIST_MOMENTS),
        ("standardize through sklearn's StandardScaler: no eps (tiny spreads divided by the bare std)",
         _EX1_SKLEARN),
    ],
    "ex2_softmax": [
        ("torch.exp2 (2 ** z) taken for e ** z: a softmax of z * ln 2", _EX2_EXP2),
        ("numerator shifted, denominator the unshifted sum times exp(-m): inf * 0 for large logits",
         _EX2_RESCALED_DENOM),
        ("exponentials computed in float16 and cast back: probabilities rounded to half precision", _EX2_HALF),
        ("probabilities clamped at 1e-6 so that log never gives -inf: tiny ones raised, rows above 1",
         _EX2_FLOOR),
    ],
    "ex3_autograd": [
        ("forward finite differences (h = 1e-3) instead of autograd: an approximate gradient", _EX3_FINITE),
        ("detach() after requires_grad_: the copy does not require grad, backward raises", _EX3_DETACH_LATE),
        ("F.smooth_l1_loss (Huber) taken for the squared error", _EX3_HUBER),
        ("residual computed in place in the caller's y (y.sub_(x @ w)): y is overwritten", _EX3_Y_INPLACE),
    ],
    "ex4_dense": [
        ("W uniform in +-1/sqrt(in) (nn.Linear's habit): standard deviation 1/sqrt(3 in), not 1/sqrt(in)",
         _EX4_UNIFORM),
        ("F.hardsigmoid (piecewise linear) instead of the logistic sigmoid", _EX4_HARDSIGMOID),
        ("sigmoid applied to the input: sigmoid(x) @ W + b, the output not squashed", _EX4_SIGMOID_INPUT),
        ("W registered as a buffer: not a parameter, optimizers and backward never reach it", _EX4_BUFFER),
    ],
    "ex5_mlp": [
        ("MLP detaches the hidden activations: no gradient reaches fc1", _EX5_DETACH_HIDDEN),
        ("MLP's fc1 an nn.LazyLinear: no weights until the first call, not the same start as build_mlp",
         _EX5_LAZY),
        ("build_mlp casts the stack to float64 (.double()): float32 inputs raise", _EX5_DOUBLE),
        ("build_mlp uses nn.Softplus (a smooth ReLU) instead of nn.ReLU", _EX5_SOFTPLUS),
    ],
    "ex6_train": [
        ("@torch.no_grad() copied from the accuracy cell onto train: backward raises", _EX6_NO_GRAD),
        ("CrossEntropyLoss(label_smoothing=0.1): not the plain cross-entropy", _EX6_SMOOTHING),
        ("returns torch.tensor(history), not a list of Python floats", _EX6_RETURN_TENSOR),
        ("backward on loss / len(x) (per example, though the loss is already a batch mean): steps shrunk",
         _EX6_PER_EXAMPLE),
    ],
}

CORRECT = {
    "ex1_tensors": [_reference("ex1_tensors"),
                    ("torch.reshape to (len, math.prod of the rest); torch.sum moments without keepdim, sub/div",
                     _EX1_UNBIND_SUMS)],
    "ex2_softmax": [_reference("ex2_softmax"),
                    ("row max from a descending sort narrowed to one column, torch.sub/div with sum(-1, True)",
                     _EX2_SORTED)],
    "ex3_autograd": [_reference("ex3_autograd"),
                     ("leaf by empty_like().copy_(), residual by addmv(-y, x, w), backward(inputs=[leaf])",
                      _EX3_SUM_OVER_N)],
    "ex4_dense": [_reference("ex4_dense"),
                  ("register_parameter with a scaled randn, matmul().add(), an nn.Sigmoid() module called in forward",
                   _EX4_REGISTER)],
    "ex5_mlp": [_reference("ex5_mlp"),
                ("Sequential from a list built in two steps; MLP's fc1 by addmm, ReLU by torch.maximum",
                 _EX5_MODULEDICT)],
    "ex6_train": [_reference("ex6_train"),
                  ("SGD(params=...), grads set to None per parameter, F.cross_entropy, float64 tensor mean",
                   _EX6_TENSOR_MEAN)],
}
