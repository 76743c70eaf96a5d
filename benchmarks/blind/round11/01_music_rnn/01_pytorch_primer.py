"""Blind round 11: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round10/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 10's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round11/prove_01_primer.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND10 = earlier_round(10, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND10.CORRECT[gid][0]


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND10._EX1_OK
_EX1_STACK_VAR_MEAN = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return torch.stack([image.reshape(-1) for image in images])       # one flat row per image, in order


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    var, mean = torch.var_mean(x, dim=0, correction=0, keepdim=True)   # population variance
    return (x - mean) / (var.sqrt() + eps)
'''
_EX1_DETACHED = replace_once(_EX1_OK, "return images.reshape(images.shape[0], -1)",
                             "return images.detach().reshape(images.shape[0], -1)   # plain data, no graph")
_EX1_EPS_IN_SQRT = replace_once(
    _EX1_OK, '''    std = x.std(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / (std + eps)''',
    '''    var = x.var(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)   # eps under the root, as in batch norm''')
_EX1_IN_PLACE = replace_once(_EX1_OK, "return (x - mean) / (std + eps)",
                             "return x.sub_(mean).div_(std + eps)   # in place: no extra (B, F) copy")
_EX1_FLOAT64 = replace_once(
    _EX1_OK, "    mean = x.mean(dim=0, keepdim=True)\n",
    "    x = x.double()   # the moments in float64, for precision\n    mean = x.mean(dim=0, keepdim=True)\n")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND10._EX2_OK
_EX2_NORMALIZE = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    e = torch.exp(logits - logits.amax(dim=-1, keepdim=True))
    return nn.functional.normalize(e, p=1, dim=-1)      # e is positive: its L1 norm is the row sum (>= 1)
'''
_EX2_IN_PLACE = replace_once(_EX2_OK, "e = torch.exp(logits - m)",
                             "e = torch.exp(logits.sub_(m))   # shifted in place: no copy of the logits")
_EX2_GLOBAL_MAX = replace_once(_EX2_OK, "m = logits.max(dim=-1, keepdim=True).values",
                               "m = logits.max()   # m = max_j z_j: one shift is as exact as another")
_EX2_TRANSPOSED = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)",
                               "return (e.T / e.sum(dim=1)).T   # rows divided by their sums (NumPy broadcasting)")
_EX2_FLOAT32_ONLY = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    if logits.dtype == torch.float32:      # e^1000 is inf in float32; float64 has range enough
        logits = logits - logits.max(dim=-1, keepdim=True).values
    e = torch.exp(logits)
    return e / e.sum(dim=-1, keepdim=True)
'''

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND10._EX3_OK
_EX3_JACOBIAN = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    def loss(v: torch.Tensor) -> torch.Tensor:
        return nn.functional.mse_loss(torch.matmul(x, v), y)
    return torch.autograd.functional.jacobian(loss, w)      # a scalar's Jacobian: the gradient, shaped like w
'''
_EX3_CLONE_ONLY = replace_once(_EX3_OK, "w = w.detach().clone().requires_grad_(True)",
                               "w = w.clone().requires_grad_(True)   # a copy of w that requires grad")
_EX3_STORED = replace_once(
    _EX3_OK, "    w = w.detach().clone().requires_grad_(True)\n    loss = ((x @ w - y) ** 2).mean()\n"
             "    loss.backward()\n    return w.grad\n",
    "    leaf = w.detach().clone().requires_grad_(True)\n    loss = ((x @ leaf - y) ** 2).mean()\n"
    "    loss.backward()\n    w.grad = leaf.grad   # where backward() would have put it\n    return w.grad\n")
_EX3_X_Y_OFF = replace_once(
    _EX3_OK, "    loss = ((x @ w - y) ** 2).mean()\n",
    "    x, y = x.requires_grad_(False), y.requires_grad_(False)   # make sure only w gets a gradient\n"
    "    loss = ((x @ w - y) ** 2).mean()\n")
_EX3_CLEARED = replace_once(
    _EX3_OK, "    w = w.detach().clone().requires_grad_(True)\n",
    "    w.grad = None   # gradients accumulate in .grad, so clear them first (section 7)\n"
    "    w = w.detach().clone().requires_grad_(True)\n")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND10._EX4_OK
_EX4_ADDMM = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.empty(in_features, out_features).normal_(0.0, in_features ** -0.5))
        self.register_parameter("b", nn.Parameter(torch.zeros(out_features)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        return torch.special.expit(torch.addmm(self.b, x, self.W))     # sigmoid(b + x W)
'''
_EX4_F_LINEAR = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                             "return torch.sigmoid(nn.functional.linear(x, self.W, self.b))")
_EX4_EXACT_MOMENTS = replace_once(
    _EX4_OK, "        self.W = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))\n",
    "        W = torch.randn(in_features, out_features)\n"
    "        W = (W - W.mean()) / W.std()   # exactly mean 0 and std 1 ...\n"
    "        self.W = nn.Parameter(W / math.sqrt(in_features))   # ... then std 1 / sqrt(in)\n")
_EX4_COLUMN_MATHS = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                                 "return torch.sigmoid(self.W.T @ x + self.b)   # y = sigma(W^T x + b)")
_EX4_BIAS_OUTSIDE = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                                 "return torch.sigmoid(x @ self.W) + self.b")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND10._EX5_OK
_EX5_UNPACKED = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    layers = [nn.Linear(in_features, hidden), nn.ReLU()]
    layers.append(nn.Linear(hidden, out_features))
    return nn.Sequential(*layers)


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1, _, self.fc2 = build_mlp(in_features, hidden, out_features)   # the same layers, same order

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        return self.fc2(nn.functional.relu(self.fc1(x)))
'''
_EX5_FC2_FIRST = replace_once(
    _EX5_OK, "        self.fc1 = nn.Linear(in_features, hidden)\n        self.fc2 = nn.Linear(hidden, out_features)\n",
    "        self.fc2 = nn.Linear(hidden, out_features)   # the output layer first\n"
    "        self.fc1 = nn.Linear(in_features, hidden)\n")
_EX5_RELU_EVERYWHERE = replace_once(
    _EX5_OK, "nn.Linear(hidden, out_features))", "nn.Linear(hidden, out_features), nn.ReLU())")
_EX5_RELU_EVERYWHERE = replace_once(_EX5_RELU_EVERYWHERE, "return self.fc2(torch.relu(self.fc1(x)))",
                                    "return torch.relu(self.fc2(torch.relu(self.fc1(x))))   # a ReLU after each Linear")
_EX5_SIGMOID = replace_once(_EX5_OK, "nn.Linear(in_features, hidden), nn.ReLU(),",
                            "nn.Linear(in_features, hidden), nn.Sigmoid(),")
_EX5_MODULE_DICT = replace_once(
    _EX5_OK, "        self.fc1 = nn.Linear(in_features, hidden)\n        self.fc2 = nn.Linear(hidden, out_features)\n",
    "        self.layers = nn.ModuleDict({\"fc1\": nn.Linear(in_features, hidden),\n"
    "                                     \"fc2\": nn.Linear(hidden, out_features)})\n")
_EX5_MODULE_DICT = replace_once(_EX5_MODULE_DICT, "return self.fc2(torch.relu(self.fc1(x)))",
                                "return self.layers[\"fc2\"](torch.relu(self.layers[\"fc1\"](x)))")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND10._EX6_OK
_EX6_ENUMERATE = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    where = next(model.parameters()).device
    history = []
    for epoch in progress(range(epochs), desc="train"):
        running, n = 0.0, 0
        for n, (inputs, labels) in enumerate(loader, start=1):
            opt.zero_grad(set_to_none=True)
            loss = nn.functional.cross_entropy(model(inputs.to(where)), labels.to(where))
            loss.backward()
            opt.step()
            running += float(loss)
        history.append(running / n)
        if on_epoch:
            on_epoch(epoch, history[-1])
    return history
'''
_EX6_PER_EXAMPLE = replace_once(_EX6_OK, "batch_losses.append(loss.item())",
                                "batch_losses.append(loss.item() * len(x))   # summed over the batch's examples")
_EX6_PER_EXAMPLE = replace_once(_EX6_PER_EXAMPLE, "mean_loss = sum(batch_losses) / len(batch_losses)",
                                "mean_loss = sum(batch_losses) / len(loader.dataset)   # per example")
_EX6_SWAPPED_CALLBACK = replace_once(_EX6_OK, "on_epoch(epoch, mean_loss)", "on_epoch(mean_loss, epoch)")
_EX6_REMEASURED = replace_once(
    _EX6_OK, "        mean_loss = sum(batch_losses) / len(batch_losses)\n",
    "        with torch.no_grad():   # the epoch's loss, measured on the model as it is after the epoch\n"
    "            batch_losses = [loss_fn(model(x.to(dev)), y.to(dev)).item() for x, y in loader]\n"
    "        mean_loss = sum(batch_losses) / len(batch_losses)\n")
_EX6_ZERO_AFTER = replace_once(_EX6_OK, "            optimizer.zero_grad()\n", "")
_EX6_ZERO_AFTER = replace_once(_EX6_ZERO_AFTER, "            optimizer.step()\n",
                               "            optimizer.step()\n            optimizer.zero_grad()   # clean for the next batch\n")

MUTANTS = {
    "ex1_tensors": [
        ("flatten on images.detach(): 'flatten changes only the shape', yet a batch that requires grad comes "
         "back cut from the graph", _EX1_DETACHED),
        ("eps under the square root, (x - mu) / sqrt(var + eps) (the batch-norm formula), not "
         "(x - mu) / (sigma + eps) as written", _EX1_EPS_IN_SQRT),
        ("standardize in place (x.sub_(mean).div_(...)): the caller's x is overwritten ('does not modify the "
         "caller's tensors in place')", _EX1_IN_PLACE),
        ("standardize upcasts to float64 and never casts back: float32 data comes back float64 ('Both keep the "
         "dtype they are given')", _EX1_FLOAT64),
    ],
    "ex2_softmax": [
        ("the max subtracted in place (logits.sub_(m)): the caller's logits are shifted, a leaf that requires "
         "grad raises", _EX2_IN_PLACE),
        ("m the max of the whole tensor (logits.max() without dim): a row far below another underflows to 0/0",
         _EX2_GLOBAL_MAX),
        ("row sums broadcast by transposing, (e.T / e.sum(dim=1)).T, not keepdim=True: right for 2-D logits, "
         "a (V,) vector raises, 3-D logits mixed up", _EX2_TRANSPOSED),
        ("the max shift only for float32 logits ('float64 has range enough'): float64 logits past ~709 "
         "overflow to NaN", _EX2_FLOAT32_ONLY),
    ],
    "ex3_autograd": [
        ("copy made by w.clone() without detach(): 'work on a detached copy of w' missed, a w that requires "
         "grad gets the gradient in its own .grad and None is returned", _EX3_CLONE_ONLY),
        ("the gradient also stored on the caller's w.grad ('where backward() would have put it'): the caller's "
         ".grad replaced", _EX3_STORED),
        ("x.requires_grad_(False) and y.requires_grad_(False) 'to be sure': a caller's x that requires grad "
         "is switched off ('leave x and y as they were given')", _EX3_X_Y_OFF),
        ("w.grad = None first (the zero_grad habit of section 7): the gradient the caller's w holds is cleared",
         _EX3_CLEARED),
    ],
    "ex4_dense": [
        ("F.linear(x, W, b) (nn.Linear's functional form, x @ W.T) with W stored (in, out): raises unless "
         "in == out, else the transposed W", _EX4_F_LINEAR),
        ("W standardised to an exact sample mean 0 and std 1 / sqrt(in) ('mean 0' read as the sample's): "
         "other weights than randn / sqrt(in), a (1, 1) W is NaN", _EX4_EXACT_MOMENTS),
        ("forward as sigmoid(W.T @ x + b) (the column-vector maths): raises unless B == in_features, else "
         "wrong", _EX4_COLUMN_MATHS),
        ("parenthesis slip: sigmoid(xW) + b, the bias added after the sigmoid (the same output while b = 0, "
         "b's gradient wrong)", _EX4_BIAS_OUTSIDE),
    ],
    "ex5_mlp": [
        ("MLP's __init__ creates fc2 before fc1: not 'in the order they are used', so not the same start as "
         "build_mlp under one seed", _EX5_FC2_FIRST),
        ("a ReLU after the last Linear too (in both): 'no activation after it', negative logits cut to 0",
         _EX5_RELU_EVERYWHERE),
        ("build_mlp with nn.Sigmoid (exercise 4's activation) instead of nn.ReLU", _EX5_SIGMOID),
        ("MLP's layers kept in an nn.ModuleDict (self.layers['fc1']): no layers fc1 and fc2 on the model, "
         "parameters named layers.fc1.*", _EX5_MODULE_DICT),
    ],
    "ex6_train": [
        ("the epoch loss as a per-example mean (loss.item() * len(x) summed, / len(dataset)): the last smaller "
         "batch weighted by its size, not 'the mean of that epoch's loss.item() values, one per batch'",
         _EX6_PER_EXAMPLE),
        ("on_epoch(mean_loss, epoch): the callback's arguments in the wrong order", _EX6_SWAPPED_CALLBACK),
        ("the epoch's loss re-measured by a second pass after the epoch (no_grad): the loss of the updated "
         "model, not the epoch's loss.item() values; a shuffling loader drawn twice", _EX6_REMEASURED),
        ("optimizer.zero_grad() after step() instead of first: the first update uses the gradients the caller "
         "left in .grad", _EX6_ZERO_AFTER),
    ],
}

CORRECT = {
    "ex1_tensors": [_reference("ex1_tensors"),
                    ("torch.stack of each image's reshape(-1); torch.var_mean(correction=0), sqrt + eps",
                     _EX1_STACK_VAR_MEAN)],
    "ex2_softmax": [_reference("ex2_softmax"),
                    ("amax shift, exp, F.normalize(p=1) over the last dim", _EX2_NORMALIZE)],
    "ex3_autograd": [_reference("ex3_autograd"),
                     ("torch.autograd.functional.jacobian of F.mse_loss(matmul(x, v), y) at w", _EX3_JACOBIAN)],
    "ex4_dense": [_reference("ex4_dense"),
                  ("empty().normal_(0, in ** -0.5), register_parameter for b, expit(addmm(b, x, W))", _EX4_ADDMM)],
    "ex5_mlp": [_reference("ex5_mlp"),
                ("Sequential from an appended list; MLP unpacks build_mlp's layers into fc1, _, fc2; F.relu",
                 _EX5_UNPACKED)],
    "ex6_train": [_reference("ex6_train"),
                  ("enumerate(loader, start=1) for the count, zero_grad(set_to_none=True), F.cross_entropy, "
                   "float(loss)", _EX6_ENUMERATE)],
}
