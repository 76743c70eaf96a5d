"""Blind round 13: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round12/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 12's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round13/prove_01_primer.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND12 = earlier_round(12, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND12.CORRECT[gid][0]


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND12._EX1_OK
_EX1_STACK_VAR_MEAN = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return torch.stack([image.reshape(-1) for image in images.unbind(0)])


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    x64 = x.double()                                   # float64 inside, cast back at the end
    var, mu = torch.var_mean(x64, dim=0, correction=0, keepdim=True)
    return ((x64 - mu) / (var.sqrt() + eps)).to(x.dtype)
'''
_EX1_EPS_IGNORED = replace_once(_EX1_OK, "return (x - mean) / (std + eps)",
                                "return (x - mean) / (std + 1e-6)   # a small constant against division by 0")
_EX1_MAX_ABS = replace_once(_EX1_OK, "std = x.std(dim=0, unbiased=False, keepdim=True)",
                            "std = (x - mean).abs().amax(dim=0, keepdim=True)   # the column's spread")
_EX1_ONE_ROW = replace_once(_EX1_OK, "    mean = x.mean(dim=0, keepdim=True)\n",
                            "    if x.shape[0] < 2:\n"
                            "        return x   # one example: no spread to divide by\n"
                            "    mean = x.mean(dim=0, keepdim=True)\n")
_EX1_AS_STRIDED = replace_once(
    _EX1_OK, "return images.reshape(images.shape[0], -1)",
    "n = images[0].numel()\n"
    "    return images.as_strided((images.shape[0], n), (n, 1))   # no copy: the same storage seen as rows")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND12._EX2_OK
_EX2_AMAX_RECIPROCAL = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    shifted = logits - torch.amax(logits, dim=-1, keepdim=True)
    e = shifted.exp()
    return e * e.sum(dim=-1, keepdim=True).reciprocal()
'''
_EX2_MAX_NO_KEEPDIM = replace_once(_EX2_OK, "m = logits.max(dim=-1, keepdim=True).values",
                                   "m = logits.max(dim=-1).values")
_EX2_DIM0 = replace_once(_EX2_OK, "m = logits.max(dim=-1, keepdim=True).values", "m = logits.max(dim=0, keepdim=True).values")
_EX2_DIM0 = replace_once(_EX2_DIM0, "return e / e.sum(dim=-1, keepdim=True)", "return e / e.sum(dim=0, keepdim=True)")
_EX2_FLOAT32_INSIDE = replace_once(_EX2_OK, "e = torch.exp(logits - m)",
                                   "e = torch.exp((logits - m).float()).to(logits.dtype)   # float32 exp, cast back")
_EX2_LOG_EXP = replace_once(_EX2_OK, "e = torch.exp(logits - m)", "e = torch.exp(logits - m).log1p()")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND12._EX3_OK
_EX3_PER_EXAMPLE = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    leaf = w.detach().clone().requires_grad_(True)
    n = x.shape[0]
    with torch.enable_grad():
        for i in range(n):                     # one backward per example: .grad accumulates the sum
            ((x[i] @ leaf - y[i]) ** 2 / n).backward()
    return leaf.grad
'''
_EX3_GRAD_OFF = replace_once(_EX3_OK, "    w = w.detach().clone().requires_grad_(True)\n",
                             "    torch.set_grad_enabled(True)\n    w = w.detach().clone().requires_grad_(True)\n")
_EX3_GRAD_OFF = replace_once(_EX3_GRAD_OFF, "    return w.grad\n",
                             "    torch.set_grad_enabled(False)   # recording switched back off\n    return w.grad\n")
_EX3_FROM_ONE = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    w = w.detach().clone().requires_grad_(True)
    n = len(y)
    loss = 0
    for i in range(1, n):                      # i = 1 .. N
        loss = loss + (x[i] @ w - y[i]) ** 2
    (loss / n).backward()
    return w.grad
'''
_EX3_CARET = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()", "loss = ((x @ w - y) ^ 2).mean()")
_EX3_FLAT_GRAD = replace_once(_EX3_OK, "    return w.grad\n", "    return w.grad.flatten()   # one entry per weight\n")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND12._EX4_OK
_EX4_NORMAL_EXPIT = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.empty(in_features, out_features).normal_(0.0, 1.0 / math.sqrt(in_features)))
        self.b = nn.Parameter(torch.zeros_like(self.W[0]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        return torch.special.expit(torch.addmm(self.b, x, self.W))
'''
_EX4_TRUNC = replace_once(
    _EX4_OK, "self.W = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))",
    "self.W = nn.Parameter(nn.init.trunc_normal_(torch.empty(in_features, out_features),\n"
    "                                                     std=1 / math.sqrt(in_features)))   # no outliers")
_EX4_B_FROZEN = replace_once(_EX4_OK, "self.b = nn.Parameter(torch.zeros(out_features))",
                             "self.b = nn.Parameter(torch.zeros(out_features), requires_grad=False)   # starts at 0")
_EX4_LOGSIGMOID = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                               "return nn.functional.logsigmoid(x @ self.W + self.b)   # the stable sigmoid")
_EX4_B_DTYPE_FLOAT = replace_once(_EX4_OK, "self.b = nn.Parameter(torch.zeros(out_features))",
                                  "self.b = nn.Parameter(torch.zeros(out_features, dtype=float))")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND12._EX5_OK
_EX5_FROM_SEQUENTIAL = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    sizes = [in_features, hidden, out_features]
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    return nn.Sequential(*layers[:-1])          # no activation after the last layer


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        stack = build_mlp(in_features, hidden, out_features)   # the same draws, in the same order
        self.fc1 = stack[0]
        self.fc2 = stack[2]

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        return self.fc2(nn.functional.relu(self.fc1(x)))
'''
_EX5_BUILD_LAST_FIRST = replace_once(
    _EX5_OK, "    return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features))\n",
    "    head = nn.Linear(hidden, out_features)      # the output layer decides the classes\n"
    "    body = nn.Linear(in_features, hidden)\n"
    "    return nn.Sequential(body, nn.ReLU(), head)\n")
_EX5_SQUEEZE = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                            "return self.fc2(torch.relu(self.fc1(x))).squeeze()")
_EX5_RELU_MODULE = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                                "return self.fc2(nn.ReLU(self.fc1(x)))")
_EX5_ZERO_HEAD = replace_once(_EX5_OK, "        self.fc2 = nn.Linear(hidden, out_features)\n",
                              "        self.fc2 = nn.Linear(hidden, out_features)\n"
                              "        nn.init.zeros_(self.fc2.weight)   # start from uniform predictions\n")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND12._EX6_OK
_EX6_FMEAN = '''
import statistics


def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    where = next(model.parameters()).device
    history = []
    for epoch in progress(range(epochs), desc="train"):
        values = []
        for step, (inputs, targets) in enumerate(loader):
            optimizer.zero_grad(set_to_none=True)
            logits = model(inputs.to(where))
            loss = nn.functional.cross_entropy(logits, targets.to(where))
            loss.backward()
            optimizer.step()
            values.append(loss.item())
        history.append(statistics.fmean(values))
        if on_epoch:
            on_epoch(epoch, history[-1])
    return history
'''
_EX6_SCHEDULER = replace_once(_EX6_OK, "    loss_fn = nn.CrossEntropyLoss()\n",
                              "    loss_fn = nn.CrossEntropyLoss()\n"
                              "    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)\n")
_EX6_SCHEDULER = replace_once(_EX6_SCHEDULER, "        history.append(mean_loss)\n",
                              "        history.append(mean_loss)\n        scheduler.step()   # decay the lr each epoch\n")
_EX6_FLOAT = replace_once(_EX6_OK, "            x, y = x.to(dev), y.to(dev)\n",
                          "            model.float()\n            x, y = x.to(dev).float(), y.to(dev)   # float32 throughout\n")
_EX6_NO_CALL = replace_once(_EX6_OK, "    model.train()\n", "    model.train\n")
_EX6_CALLBACK_ONCE = replace_once(_EX6_OK, "        if on_epoch is not None:\n            on_epoch(epoch, mean_loss)\n",
                                  "    if on_epoch is not None:\n        on_epoch(epoch, mean_loss)\n")

MUTANTS = {
    "ex1_tensors": [
        ("standardize divides by std + 1e-6, a hard-coded constant: the eps argument is silently ignored "
         "('standardize(x, eps)', x_hat = (x - mu) / (sigma + eps))", _EX1_EPS_IGNORED),
        ("standardize divides the centred column by its largest absolute deviation (max-abs scaling), not by "
         "the population standard deviation ('sigma_j = sqrt(1/B sum_i (x_ij - mu_j)^2)')", _EX1_MAX_ABS),
        ("standardize returns a batch of one row unchanged ('no spread to divide by'): the formula gives "
         "(x - mu) / (0 + eps) = 0 there, not x", _EX1_ONE_ROW),
        ("flatten by as_strided with contiguous strides (a no-copy 'view'): a slice images[:, ::2] or a transpose "
         "is read in storage order, the wrong pixels ('one that is a view of another tensor ... whose pixels need "
         "not lie contiguously in memory')", _EX1_AS_STRIDED),
    ],
    "ex2_softmax": [
        ("the max taken without keepdim=True (the sum with it): (B, V) logits raise unless B == V (then each "
         "column's max is subtracted, not the row's), 3-D logits too ('Use keepdim=True so the reductions "
         "broadcast back')", _EX2_MAX_NO_KEEPDIM),
        ("max and sum over dim=0 (written for one vector): a (V,) vector is right, but a (1, V) row comes back all "
         "ones and a batch is normalised per column ('along the last dimension')", _EX2_DIM0),
        ("exponentials computed in float32 and cast back to the logits' dtype: float64 logits keep their dtype but "
         "lose float64's range, probabilities below ~1e-45 flush to 0 ('It is stable in every dtype')",
         _EX2_FLOAT32_INSIDE),
        ("log1p of the exponentials (a 'stable' log form mixed in): log(1 + e^(z - m)) normalised, not "
         "e^(z - m) ('softmax(z)_k = e^(z_k - m) / sum_j e^(z_j - m)')", _EX2_LOG_EXP),
    ],
    "ex3_autograd": [
        ("torch.set_grad_enabled(True) first and torch.set_grad_enabled(False) at the end 'to switch recording "
         "back off': the caller's gradient tracking is left turned off ('a function does not leave gradient "
         "tracking turned off (torch.set_grad_enabled(False)) for the caller')", _EX3_GRAD_OFF),
        ("per-example loop for i in range(1, N) (the i = 1..N of the maths): the first example is left out of "
         "the sum, still divided by N ('L(w) = 1/N ||Xw - y||^2')", _EX3_FROM_ONE),
        ("(x @ w - y) ^ 2: Python's ^ is the bitwise xor, not a power, and raises on float tensors", _EX3_CARET),
        ("the gradient flattened (w.grad.flatten()): a (D, 1) column w gets a (D,) gradient ('with the shape and "
         "dtype of w')", _EX3_FLAT_GRAD),
    ],
    "ex4_dense": [
        ("W from nn.init.trunc_normal_(std=1/sqrt(in)): it cuts at +-2 (absolute, not +-2 std), so for small "
         "in_features (DenseLayer(1, 1) ...) W's standard deviation is about 0.88 / sqrt(in), not 1/sqrt(in)",
         _EX4_TRUNC),
        ("b a Parameter with requires_grad=False ('starts at 0'): backward never reaches b, optimizers never move "
         "it ('so that backward() reaches them')", _EX4_B_FROZEN),
        ("F.logsigmoid (log of the sigmoid) taken for the stable sigmoid: outputs negative, not in (0, 1) "
         "('y = sigma(xW + b)')", _EX4_LOGSIGMOID),
        ("b created with dtype=float (the NumPy habit): Python's float is torch.float64, so float32 inputs give "
         "float64 outputs and b is a float64 parameter", _EX4_B_DTYPE_FLOAT),
    ],
    "ex5_mlp": [
        ("build_mlp creates its output layer before its hidden layer (then puts them in order in the "
         "Sequential): not 'Create the layers in the order they are used', so build_mlp and MLP start from "
         "different weights under one seed", _EX5_BUILD_LAST_FIRST),
        ("MLP.forward returns its logits .squeeze()d: out_features = 1 gives (B,), a batch of one (out,) "
         "('(B, in) -> (B, out) logits')", _EX5_SQUEEZE),
        ("nn.ReLU(h), the module class called on the tensor, instead of torch.relu(h): it builds a module "
         "(inplace=h) and fc2 of a module raises", _EX5_RELU_MODULE),
        ("MLP zero-initialises fc2.weight ('start from uniform predictions'): not the same start as build_mlp "
         "under one seed, every logit equal to fc2's bias at first ('both versions start from the same random "
         "weights under the same seed')", _EX5_ZERO_HEAD),
    ],
    "ex6_train": [
        ("an ExponentialLR(gamma=0.9) scheduler stepped every epoch: from the second epoch on the step is "
         "smaller than lr ('torch.optim.SGD(model.parameters(), lr=lr)')", _EX6_SCHEDULER),
        ("model.float() and x.float() in the batch loop 'float32 throughout': a float64 model is cast to float32 "
         "('does not move a model or a tensor to another device or dtype')", _EX6_FLOAT),
        ("model.train written without the call: nothing happens, a model given in eval mode trains in eval "
         "mode and stays there ('Put the model in training mode first (model.train() ...)')", _EX6_NO_CALL),
        ("on_epoch dedented out of the epoch loop: called once after training with the last epoch, not 'after "
         "each epoch'", _EX6_CALLBACK_ONCE),
    ],
}

CORRECT = {
    "ex1_tensors": [_reference("ex1_tensors"),
                    ("flatten as torch.stack of each image's reshape(-1); torch.var_mean(correction=0) in float64, "
                     "cast back to x's dtype", _EX1_STACK_VAR_MEAN)],
    "ex2_softmax": [_reference("ex2_softmax"),
                    ("torch.amax with keepdim, exp, times the reciprocal of the row sum", _EX2_AMAX_RECIPROCAL)],
    "ex3_autograd": [_reference("ex3_autograd"),
                     ("one backward per example (squared error / N) accumulating in the leaf's .grad, under "
                      "enable_grad", _EX3_PER_EXAMPLE)],
    "ex4_dense": [_reference("ex4_dense"),
                  ("empty().normal_(0, 1/sqrt(in)), zeros_like(W[0]); expit(addmm(b, x, W))", _EX4_NORMAL_EXPIT)],
    "ex5_mlp": [_reference("ex5_mlp"),
                ("build_mlp from a loop over sizes; MLP takes fc1 and fc2 out of build_mlp's stack",
                 _EX5_FROM_SEQUENTIAL)],
    "ex6_train": [_reference("ex6_train"),
                  ("F.cross_entropy, zero_grad(set_to_none=True), statistics.fmean of loss.item()", _EX6_FMEAN)],
}
