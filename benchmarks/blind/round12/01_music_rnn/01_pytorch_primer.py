"""Blind round 12: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round11/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 11's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round12/prove_01_primer.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND11 = earlier_round(11, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND11.CORRECT[gid][0]


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND11._EX1_OK
_EX1_VIEW_SUMS = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return images.contiguous().view(images.size(0), math.prod(images.shape[1:]))


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    n = x.shape[0]
    mu = x.sum(dim=0, keepdim=True) / n
    centred = x - mu
    sigma = (centred * centred).sum(dim=0, keepdim=True).div(n).sqrt()   # population: divided by B
    return centred / (sigma + eps)
'''
_EX1_UNBIASED = replace_once(_EX1_OK, "std = x.std(dim=0, unbiased=False, keepdim=True)",
                             "std = x.std(dim=0, keepdim=True)   # torch's default std")
_EX1_PER_ROW = replace_once(_EX1_OK, "mean = x.mean(dim=0, keepdim=True)", "mean = x.mean(dim=-1, keepdim=True)")
_EX1_PER_ROW = replace_once(_EX1_PER_ROW, "std = x.std(dim=0, unbiased=False, keepdim=True)",
                            "std = x.std(dim=-1, unbiased=False, keepdim=True)   # each example's features")
_EX1_STD_DIM1 = replace_once(_EX1_OK, "std = x.std(dim=0, unbiased=False, keepdim=True)",
                             "std = x.std(dim=1, unbiased=False, keepdim=True)")
_EX1_HARD_3D = replace_once(_EX1_OK, "return images.reshape(images.shape[0], -1)",
                            "return images.reshape(images.shape[0], images.shape[1] * images.shape[2])   # (B, H*W)")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND11._EX2_OK
_EX2_LOGSUMEXP = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    return torch.exp(logits - torch.logsumexp(logits, dim=-1, keepdim=True))   # log-sum-exp is shifted inside
'''
_EX2_DIM1 = replace_once(_EX2_OK, "m = logits.max(dim=-1, keepdim=True).values", "m = logits.max(dim=1, keepdim=True).values")
_EX2_DIM1 = replace_once(_EX2_DIM1, "return e / e.sum(dim=-1, keepdim=True)", "return e / e.sum(dim=1, keepdim=True)   # over the classes")
_EX2_SUM_ALL = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)", "return e / e.sum()   # normalised to 1")
_EX2_MEAN_SHIFT = replace_once(_EX2_OK, "m = logits.max(dim=-1, keepdim=True).values",
                               "m = logits.mean(dim=-1, keepdim=True)   # centre the row (any shift is exact)")
_EX2_DOUBLE = replace_once(_EX2_OK, "e = torch.exp(logits - m)",
                           "e = torch.exp((logits - m).double())   # exp in float64 for accuracy")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND11._EX3_OK
_EX3_AUTOGRAD_GRAD = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    leaf = w.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        r = torch.mv(x, leaf) - y
        loss = torch.dot(r, r) / r.numel()
        (grad,) = torch.autograd.grad(loss, leaf)
    return grad
'''
_EX3_SUM = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()",
                        "loss = nn.functional.mse_loss(x @ w, y, reduction='sum')")
_EX3_DOUBLE = replace_once(_EX3_OK, "w = w.detach().clone().requires_grad_(True)",
                           "w = w.detach().clone().double().requires_grad_(True)\n    x, y = x.double(), y.double()   # float64 for precision")
_EX3_CLEAR_XY = replace_once(_EX3_OK, "    return w.grad\n",
                             "    x.grad = None   # no .grad left on x and y\n    y.grad = None\n    return w.grad\n")
_EX3_RETURN_FLOAT = replace_once(_EX3_OK, "    return w.grad\n", "    return w.grad.float()\n")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND11._EX4_OK
_EX4_EINSUM_TANH = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.randn(in_features, out_features).mul(in_features ** -0.5))
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        z = torch.einsum("bi,io->bo", x, self.W) + self.b
        return 0.5 * (1.0 + torch.tanh(0.5 * z))      # sigmoid(z) = (1 + tanh(z / 2)) / 2
'''
_EX4_NUMPY = replace_once(
    _EX4_OK, "self.W = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))",
    "import numpy as np\n"
    "        W = np.random.randn(in_features, out_features) / np.sqrt(in_features)\n"
    "        self.W = nn.Parameter(torch.from_numpy(W).float())")
_EX4_OUT_IN = replace_once(
    _EX4_OK, "self.W = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))",
    "self.W = nn.Parameter(torch.randn(out_features, in_features) / math.sqrt(in_features))   # as nn.Linear")
_EX4_OUT_IN = replace_once(_EX4_OUT_IN, "return torch.sigmoid(x @ self.W + self.b)",
                           "return torch.sigmoid(x @ self.W.T + self.b)")
_EX4_NAIVE_SIGMOID = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                                  "return 1 / (1 + torch.exp(-(x @ self.W + self.b)))   # the formula")
_EX4_BIAS_IN_W = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                              "return torch.sigmoid(x @ (self.W + self.b))")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND11._EX5_OK
_EX5_APPEND = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    stack = nn.Sequential()
    stack.append(nn.Linear(in_features, hidden))
    stack.append(nn.ReLU())
    stack.append(nn.Linear(hidden, out_features))
    return stack


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        h = self.fc1(x).clamp(min=0.0)
        return self.fc2(h)
'''
_EX5_SOFTMAX = replace_once(_EX5_OK, "nn.Linear(hidden, out_features))", "nn.Linear(hidden, out_features), nn.Softmax(dim=-1))")
_EX5_SOFTMAX = replace_once(_EX5_SOFTMAX, "return self.fc2(torch.relu(self.fc1(x)))",
                            "return torch.softmax(self.fc2(torch.relu(self.fc1(x))), dim=-1)   # class probabilities")
_EX5_LOG_SOFTMAX = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                                "return nn.functional.log_softmax(self.fc2(torch.relu(self.fc1(x))), dim=-1)")
_EX5_NAMES = replace_once(
    _EX5_OK, "        self.fc1 = nn.Linear(in_features, hidden)\n        self.fc2 = nn.Linear(hidden, out_features)\n",
    "        self.hidden = nn.Linear(in_features, hidden)\n        self.out = nn.Linear(hidden, out_features)\n")
_EX5_NAMES = replace_once(_EX5_NAMES, "return self.fc2(torch.relu(self.fc1(x)))",
                          "return self.out(torch.relu(self.hidden(x)))")
_EX5_TUPLE = replace_once(_EX5_OK, "        return self.fc2(torch.relu(self.fc1(x)))\n",
                          "        h = torch.relu(self.fc1(x))\n        return self.fc2(h), h   # the features too\n")
_EX5_PRELU = replace_once(_EX5_OK, "nn.Linear(in_features, hidden), nn.ReLU(),", "nn.Linear(in_features, hidden), nn.PReLU(),")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND11._EX6_OK
_EX6_LEN_LOADER = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    model.train()
    sgd = torch.optim.SGD(model.parameters(), lr=lr)
    dev = next(model.parameters()).device
    means = []
    for epoch in progress(range(epochs), desc="train"):
        total = 0.0
        for inputs, targets in loader:
            sgd.zero_grad(set_to_none=False)
            logits = model(inputs.to(dev))
            loss = nn.functional.cross_entropy(logits, targets.to(dev))
            loss.backward()
            sgd.step()
            total += float(loss.detach())
        means.append(total / len(loader))      # len(loader): the number of batches, the last one included
        if on_epoch is not None:
            on_epoch(epoch, means[-1])
    return means
'''
_EX6_LR_FIXED = replace_once(_EX6_OK, "torch.optim.SGD(model.parameters(), lr=lr)",
                             "torch.optim.SGD(model.parameters(), lr=0.2)   # the notebook's learning rate")
_EX6_PROBS = replace_once(_EX6_OK, "loss = loss_fn(model(x), y)", "loss = loss_fn(torch.softmax(model(x), dim=-1), y)")
_EX6_TENSORS = replace_once(_EX6_OK, "batch_losses.append(loss.item())", "batch_losses.append(loss.detach())")
_EX6_RESTORE = replace_once(_EX6_OK, "    model.train()\n", "    was_training = model.training\n    model.train()\n")
_EX6_RESTORE = replace_once(_EX6_RESTORE, "    return history\n",
                            "    model.train(was_training)   # hand the model back in the caller's mode\n    return history\n")

MUTANTS = {
    "ex1_tensors": [
        ("standardize with torch's default x.std(dim=0) (unbiased, divided by B - 1), not the population "
         "std the text asks for ('per column, population standard deviation'); a batch of one gives NaN",
         _EX1_UNBIASED),
        ("standardize per row (mean and std over dim=-1, the layer-norm habit), not per column "
         "('mu_j = 1/B sum_i x_ij')", _EX1_PER_ROW),
        ("copy-paste slip: the mean per column (dim=0) but the std over dim=1 (per example)", _EX1_STD_DIM1),
        ("flatten hard-codes the (B, H, W) layout of the text, reshape(B, H * W): a (B, C, H, W) batch "
         "raises, a (B, F) batch too ('flatten must work on every such batch', (B, ...) -> (B, F))",
         _EX1_HARD_3D),
    ],
    "ex2_softmax": [
        ("max and sum over dim=1 (the class axis of a (B, V) batch), not the last dimension: a (V,) vector "
         "raises, 3-D logits normalised over their middle axis ('along the last dimension')", _EX2_DIM1),
        ("exponentials divided by the sum of the whole tensor (e.sum() without dim): every row of a batch "
         "sums to less than 1, right only for a single row", _EX2_SUM_ALL),
        ("shifted by the row mean instead of the row max ('m = max_j z_j'): a wide row such as [1000, 0] "
         "overflows exp to inf / inf", _EX2_MEAN_SHIFT),
        ("exponentials upcast to float64 and never cast back: float32 logits give float64 probabilities",
         _EX2_DOUBLE),
    ],
    "ex3_autograd": [
        ("the sum of squared errors (F.mse_loss(reduction='sum')), not their mean 'L(w) = 1/N ||Xw - y||^2': "
         "the gradient N times too large", _EX3_SUM),
        ("w, x and y upcast to float64 'for precision': float32 inputs give a float64 gradient ('with the "
         "shape and dtype of w')", _EX3_DOUBLE),
        ("x.grad = None and y.grad = None at the end ('no .grad left on them' read as clear them): a .grad "
         "the caller's x or y held is wiped ('leave x and y as they were given')", _EX3_CLEAR_XY),
        ("returns w.grad.float(): float64 inputs give a float32 gradient ('with the shape and dtype of w')",
         _EX3_RETURN_FLOAT),
    ],
    "ex4_dense": [
        ("W drawn with NumPy's np.random.randn (cast to float32): torch's global seed ignored, two layers "
         "made under one torch.manual_seed differ ('draws random numbers only from ... PyTorch's global "
         "generator')", _EX4_NUMPY),
        ("W stored (out_features, in_features) like nn.Linear.weight and used as x @ W.T: the text asks for "
         "W of shape (in_features, out_features)", _EX4_OUT_IN),
        ("sigmoid written as 1 / (1 + exp(-z)): exp overflows for z below about -88 and the gradient there "
         "is NaN (inf / inf)", _EX4_NAIVE_SIGMOID),
        ("parenthesis slip: sigmoid(x @ (W + b)), the bias added to every row of W, so b is scaled by sum(x) "
         "(the same output while b = 0, b's gradient wrong)", _EX4_BIAS_IN_W),
    ],
    "ex5_mlp": [
        ("a softmax after the last layer (nn.Softmax in build_mlp, torch.softmax in MLP): probabilities, "
         "not logits ('The last layer outputs logits ... no activation after it')", _EX5_SOFTMAX),
        ("MLP.forward returns log_softmax of the logits (the NLLLoss habit): not the unnormalised scores",
         _EX5_LOG_SOFTMAX),
        ("MLP's layers named self.hidden and self.out: no fc1 / fc2, parameters hidden.weight, ... ('MLP "
         "holds them as its own attributes self.fc1 and self.fc2')", _EX5_NAMES),
        ("MLP.forward returns (logits, hidden activations): a tuple, not the (B, out) logits", _EX5_TUPLE),
        ("build_mlp with nn.PReLU (a learnable slope, one more parameter) instead of nn.ReLU: not "
         "Linear -> ReLU -> Linear, negative hidden values leak through", _EX5_PRELU),
    ],
    "ex6_train": [
        ("SGD's learning rate hard-coded to the notebook's 0.2: the lr argument silently ignored "
         "('torch.optim.SGD(model.parameters(), lr=lr)')", _EX6_LR_FIXED),
        ("cross-entropy of torch.softmax(logits): probabilities fed to nn.CrossEntropyLoss ('takes logits, "
         "not probabilities')", _EX6_PROBS),
        ("batch losses kept as loss.detach() (0-d tensors, .item() never called): the history holds tensors, "
         "not Python floats", _EX6_TENSORS),
        ("the caller's train/eval mode restored at the end (model.train(was_training)): a model given in eval "
         "mode comes back in eval mode, though a function that trains 'puts the model in training mode'",
         _EX6_RESTORE),
    ],
}

CORRECT = {
    "ex1_tensors": [_reference("ex1_tensors"),
                    ("contiguous().view(B, prod(shape[1:])); moments as sums divided by B, sqrt, + eps",
                     _EX1_VIEW_SUMS)],
    "ex2_softmax": [_reference("ex2_softmax"),
                    ("exp(z - logsumexp(z, dim=-1, keepdim=True))", _EX2_LOGSUMEXP)],
    "ex3_autograd": [_reference("ex3_autograd"),
                     ("torch.autograd.grad of dot(r, r) / N under enable_grad, on a detached leaf", _EX3_AUTOGRAD_GRAD)],
    "ex4_dense": [_reference("ex4_dense"),
                  ("randn().mul(in ** -0.5); einsum and the tanh form of the sigmoid", _EX4_EINSUM_TANH)],
    "ex5_mlp": [_reference("ex5_mlp"),
                ("Sequential built by append; MLP with clamp(min=0) as the ReLU", _EX5_APPEND)],
    "ex6_train": [_reference("ex6_train"),
                  ("F.cross_entropy, zero_grad(set_to_none=False), float(loss.detach()) summed / len(loader)",
                   _EX6_LEN_LOADER)],
}
