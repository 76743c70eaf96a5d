"""Blind round 14: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round13/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 13's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round14/prove_01_primer.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND13 = earlier_round(13, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND13.CORRECT[gid][0]


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND13._EX1_OK
_EX1_HAND_MOMENTS = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return nn.Flatten(start_dim=1)(images)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    n = x.shape[0]
    centred = x - x.sum(dim=0, keepdim=True) / n
    sigma = (centred.square().sum(dim=0, keepdim=True) / n).sqrt()
    return centred / (sigma + eps)
'''
_EX1_LAST_TWO_AXES = replace_once(
    _EX1_OK, "return images.reshape(images.shape[0], -1)",
    "return images.reshape(-1, images.shape[-2] * images.shape[-1])   # each image's H x W pixels")
_EX1_NUMEL = replace_once(
    _EX1_OK, "std = x.std(dim=0, unbiased=False, keepdim=True)",
    "std = (((x - mean) ** 2).sum(dim=0, keepdim=True) / x.numel()).sqrt()   # population: divide by the count")
_EX1_EPS_OR = replace_once(_EX1_OK, "    mean = x.mean(dim=0, keepdim=True)\n",
                           "    eps = eps or 1e-6   # fall back to the default\n    mean = x.mean(dim=0, keepdim=True)\n")
_EX1_COLUMNS = replace_once(_EX1_OK, "return images.reshape(images.shape[0], -1)",
                            "return images.reshape(images.shape[0], -1).T   # one feature column x_i per example")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND13._EX2_OK
_EX2_LOGSUMEXP = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    return torch.exp(logits - torch.logsumexp(logits, dim=-1, keepdim=True))
'''
_EX2_BUILTIN_MAX = replace_once(_EX2_OK, "m = logits.max(dim=-1, keepdim=True).values", "m = max(logits)")
_EX2_SORTED = replace_once(_EX2_OK, "    m = logits.max(dim=-1, keepdim=True).values\n",
                           "    logits, _ = torch.sort(logits, dim=-1, descending=True)\n"
                           "    m = logits[..., :1]   # the largest logit of each row\n")
_EX2_ITEM = replace_once(_EX2_OK, "m = logits.max(dim=-1, keepdim=True).values",
                         "m = logits.max(dim=-1, keepdim=True).values.item()   # a plain number")
_EX2_LEN_DIM = replace_once(_EX2_OK, "    m = logits.max(dim=-1, keepdim=True).values\n",
                            "    last = len(logits) - 1   # the last dimension\n"
                            "    m = logits.max(dim=last, keepdim=True).values\n")
_EX2_LEN_DIM = replace_once(_EX2_LEN_DIM, "return e / e.sum(dim=-1, keepdim=True)",
                            "return e / e.sum(dim=last, keepdim=True)")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND13._EX3_OK
_EX3_AUTOGRAD_GRAD = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    leaf = w.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        loss = nn.functional.mse_loss(x @ leaf, y)
    (grad,) = torch.autograd.grad(loss, leaf)
    return grad
'''
_EX3_CREATE_GRAPH = replace_once(_EX3_OK, "loss.backward()", "loss.backward(create_graph=True)   # keep the graph")
_EX3_ANOMALY = replace_once(_EX3_OK, "    w = w.detach().clone().requires_grad_(True)\n",
                            "    torch.autograd.set_detect_anomaly(True)   # report where a NaN comes from\n"
                            "    w = w.detach().clone().requires_grad_(True)\n")
_EX3_Y_FLOAT = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()",
                            "loss = ((x @ w - y.float()) ** 2).mean()   # targets as floats")
_EX3_CLIPPED = replace_once(_EX3_OK, "    return w.grad\n",
                            "    torch.nn.utils.clip_grad_norm_([w], max_norm=1.0)   # keep the gradient tame\n"
                            "    return w.grad\n")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND13._EX4_OK
_EX4_TANH = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.register_parameter("W", nn.Parameter(torch.randn(in_features, out_features).mul_(in_features ** -0.5)))
        self.register_parameter("b", nn.Parameter(torch.zeros(out_features)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        z = torch.matmul(x, self.W) + self.b
        return 0.5 * (1.0 + torch.tanh(0.5 * z))   # sigma(z) = (1 + tanh(z / 2)) / 2
'''
_EX4_UNSCALED = replace_once(_EX4_OK, "torch.randn(in_features, out_features) / math.sqrt(in_features)",
                             "torch.randn(in_features, out_features)")
_EX4_NORMAL_POSITIONAL = replace_once(
    _EX4_OK, "self.W = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))",
    "self.W = nn.Parameter(torch.empty(in_features, out_features))\n"
    "        nn.init.normal_(self.W, 1 / math.sqrt(in_features))   # std 1 / sqrt(in)")
_EX4_RESET_NOT_CALLED = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.empty(in_features, out_features))
        self.b = nn.Parameter(torch.empty(out_features))

    def reset_parameters(self) -> None:   # like nn.Linear
        with torch.no_grad():
            self.W.copy_(torch.randn_like(self.W) / math.sqrt(self.W.shape[0]))
            self.b.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        return torch.sigmoid(x @ self.W + self.b)
'''
_EX4_B_PLAIN = replace_once(_EX4_OK, "self.b = nn.Parameter(torch.zeros(out_features))",
                            "self.b = torch.zeros(out_features, requires_grad=True)")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND13._EX5_OK
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
        self.add_module("fc1", nn.Linear(in_features, hidden))
        self.add_module("fc2", nn.Linear(hidden, out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        h = nn.functional.relu(self.fc1(x))
        return self.fc2(h)
'''
_EX5_NET_KEPT = replace_once(
    _EX5_OK, "        self.fc1 = nn.Linear(in_features, hidden)\n        self.fc2 = nn.Linear(hidden, out_features)\n",
    "        self.net = build_mlp(in_features, hidden, out_features)   # reuse the stack\n"
    "        self.fc1, self.fc2 = self.net[0], self.net[2]\n")
_EX5_FC1_BLOCK = replace_once(
    _EX5_OK, "        self.fc1 = nn.Linear(in_features, hidden)\n",
    "        self.fc1 = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU())   # layer and its activation\n")
_EX5_FC1_BLOCK = replace_once(_EX5_FC1_BLOCK, "return self.fc2(torch.relu(self.fc1(x)))", "return self.fc2(self.fc1(x))")
_EX5_X_FLOAT = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                            "return self.fc2(torch.relu(self.fc1(x.float())))   # pixels as float32")
_EX5_STEP = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                         "h = self.fc1(x)\n        return self.fc2((h > 0).float())   # ReLU: keep what is positive")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND13._EX6_OK
_EX6_COUNTERS = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    where = next(model.parameters()).device
    history = []
    for epoch in progress(range(epochs), desc="train"):
        total, count = 0.0, 0
        for inputs, targets in loader:
            optimizer.zero_grad(set_to_none=False)
            logits = model(inputs.to(where))
            loss = nn.functional.cross_entropy(logits, targets.to(where))
            loss.backward()
            optimizer.step()
            total += float(loss.item())
            count += 1
        history.append(total / count)
        if on_epoch is not None:
            on_epoch(epoch, total / count)
    return history
'''
_EX6_DEEPCOPY = replace_once(_EX6_OK, "    dev = next(model.parameters()).device\n",
                             "    import copy\n"
                             "    model = copy.deepcopy(model)   # a function changes nothing the caller gives it\n"
                             "    dev = next(model.parameters()).device\n")
_EX6_STEP_FIRST = replace_once(_EX6_OK, "            loss.backward()\n            optimizer.step()\n",
                               "            optimizer.step()\n            loss.backward()\n")
_EX6_UNFREEZE = replace_once(_EX6_OK, "    model.train()\n",
                             "    model.train()\n    model.requires_grad_(True)   # make sure every parameter learns\n")
_EX6_ROUNDED = replace_once(_EX6_OK, "mean_loss = sum(batch_losses) / len(batch_losses)",
                            "mean_loss = round(sum(batch_losses) / len(batch_losses), 2)   # tidy for the plot")

MUTANTS = {
    "ex1_tensors": [
        ("flatten as reshape(-1, H * W) of the last two axes ('each image's pixels'): a (B, C, H, W) batch becomes "
         "(B * C, H * W), not (B, F) ('(B, ...) -> (B, F)', 'flatten must work on every such batch')",
         _EX1_LAST_TWO_AXES),
        ("standardize's population variance divided by x.numel() (B * F entries), not by B: the std is sqrt(F) "
         "too small whenever F > 1 ('sigma_j = sqrt(1/B sum_i (x_ij - mu_j)^2)')", _EX1_NUMEL),
        ("eps = eps or 1e-6 ('fall back to the default'): eps=0.0 is falsy and silently becomes 1e-6, so columns "
         "with a tiny spread are divided by sigma + 1e-6, not sigma ('standardize(x, eps)', x_hat = (x - mu) / "
         "(sigma + eps))", _EX1_EPS_OR),
        ("flatten returns the (B, F) rows transposed, (F, B) (one feature column per example, the maths habit): "
         "not '(B, ...) -> (B, F): one row of features per example'", _EX1_COLUMNS),
    ],
    "ex2_softmax": [
        ("m = max(logits), Python's built-in max: fine for one (V,) vector, but it iterates over rows: a (1, V) "
         "row is shifted by itself (all probabilities 1/V), a (B, V) batch compares rows and raises ('Use keepdim=True so the reductions broadcast back', 'along the last dimension')",
         _EX2_BUILTIN_MAX),
        ("logits sorted (descending) to read the row max, and the sorted logits kept: the probabilities come back "
         "in sorted order, not at their classes' positions ('The result has exactly the shape of logits', "
         "softmax(z)_k)", _EX2_SORTED),
        ("m = max(...).values.item() (the max as a plain number): right for (V,) and (1, V), but a batch of "
         "several rows raises ('whatever it is': the shape of logits)", _EX2_ITEM),
        ("the last dimension taken as len(logits) - 1 (len is the size of the first axis, not ndim): a (1, V) row "
         "is normalised over dim 0 (all ones), a (V,) vector or (B, V) with B > 2 raises ('along the last "
         "dimension')", _EX2_LEN_DIM),
    ],
    "ex3_autograd": [
        ("loss.backward(create_graph=True) 'to keep the graph': the returned gradient requires grad and carries "
         "a graph back to the copy, not a plain gradient tensor ('Return dL/dw ... with the shape and dtype of w')",
         _EX3_CREATE_GRAPH),
        ("torch.autograd.set_detect_anomaly(True) left on (a debugging leftover): the caller's anomaly mode is "
         "switched on for every later backward ('The same holds for PyTorch's own switches')", _EX3_ANOMALY),
        ("y.float() in the loss ('targets as floats'): float64 targets are rounded to float32, so the float64 "
         "gradient is the one of rounded targets ('w, x and y share one dtype, float32 or float64')", _EX3_Y_FLOAT),
        ("the gradient clipped to norm 1 (clip_grad_norm_, the habit of part 2's training) before it is returned: "
         "a gradient longer than 1 is scaled down, not dL/dw ('Return dL/dw using autograd')", _EX3_CLIPPED),
    ],
    "ex4_dense": [
        ("W = torch.randn(in, out) without dividing by sqrt(in): standard deviation 1, not 1/sqrt(d_in) ('e.g. "
         "torch.randn values divided by sqrt(d_in)'), outputs saturate for wide inputs", _EX4_UNSCALED),
        ("nn.init.normal_(W, 1 / sqrt(in)) with the std passed positionally: normal_'s second argument is the "
         "mean, so W has mean 1/sqrt(in) and std 1 ('random with mean 0 ... and standard deviation 1/sqrt(d_in)')",
         _EX4_NORMAL_POSITIONAL),
        ("W and b made with torch.empty and a reset_parameters() (nn.Linear's layout) that __init__ never calls: W "
         "is whatever memory held, not random with std 1/sqrt(in), possibly not finite ('each entry of W is a "
         "finite random number'), b not zeros", _EX4_RESET_NOT_CALLED),
        ("b a plain tensor with requires_grad=True, not an nn.Parameter: parameters() and optimizers miss it "
         "('create the weights in __init__ as nn.Parameters (so optimizers find them)')", _EX4_B_PLAIN),
    ],
    "ex5_mlp": [
        ("MLP keeps build_mlp's stack as self.net and takes fc1 = net[0], fc2 = net[2]: the parameters are "
         "named net.0.weight ... (registered first), not fc1.weight ... ('its parameters are named fc1.weight, "
         "fc1.bias, ...')", _EX5_NET_KEPT),
        ("MLP's fc1 an nn.Sequential(Linear, ReLU) ('the layer and its activation'): parameters named "
         "fc1.0.weight, fc1 not a Linear ('MLP holds them as its own attributes ... named fc1.weight, fc1.bias')",
         _EX5_FC1_BLOCK),
        ("MLP.forward casts its input to float32 (x.float()): an MLP made float64 (.double()) raises on float64 "
         "inputs ('does not move a model or a tensor to another device or dtype')", _EX5_X_FLOAT),
        ("ReLU written as (h > 0).float(), the step function (ReLU's derivative), instead of max(h, 0): the "
         "hidden values are 0/1 and no gradient reaches fc1 ('Linear -> ReLU -> Linear')", _EX5_STEP),
    ],
    "ex6_train": [
        ("train deep-copies the model first ('a function changes nothing the caller gives it' misread): the "
         "caller's model is never trained, and stays in its own mode ('A function whose exercise says it trains "
         "updates the model's parameters and puts the model in training mode')", _EX6_DEEPCOPY),
        ("optimizer.step() before loss.backward(): every step applies the gradients of before (none after "
         "zero_grad), so the model never learns ('Follow the five steps in that order')", _EX6_STEP_FIRST),
        ("model.requires_grad_(True) 'so every parameter learns': parameters the caller froze are switched on "
         "and trained ('a function changes nothing the caller gives it'; SGD over model.parameters() leaves "
         "frozen ones alone)", _EX6_UNFREEZE),
        ("each epoch's mean rounded to 2 decimals 'for the plot': not the mean of that epoch's loss.item() values "
         "('Return a list of Python floats, the mean batch loss of each epoch')", _EX6_ROUNDED),
    ],
}

CORRECT = {
    "ex1_tensors": [_reference("ex1_tensors"),
                    ("flatten by nn.Flatten(start_dim=1); hand-written moments: sum / B, sqrt of the mean of the "
                     "squared deviations", _EX1_HAND_MOMENTS)],
    "ex2_softmax": [_reference("ex2_softmax"),
                    ("exp(logits - logsumexp(logits, -1, keepdim=True))", _EX2_LOGSUMEXP)],
    "ex3_autograd": [_reference("ex3_autograd"),
                     ("torch.autograd.grad of F.mse_loss on a detached leaf, under enable_grad", _EX3_AUTOGRAD_GRAD)],
    "ex4_dense": [_reference("ex4_dense"),
                  ("register_parameter, randn * in ** -0.5; sigmoid as (1 + tanh(z / 2)) / 2", _EX4_TANH)],
    "ex5_mlp": [_reference("ex5_mlp"),
                ("build_mlp by Sequential().append; MLP by add_module, F.relu", _EX5_APPEND)],
    "ex6_train": [_reference("ex6_train"),
                  ("F.cross_entropy, zero_grad(set_to_none=False), running total and count", _EX6_COUNTERS)],
}
