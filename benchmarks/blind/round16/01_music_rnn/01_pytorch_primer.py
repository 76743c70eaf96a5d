"""Blind round 16: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round15/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 15's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round16/prove_01_primer.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND15 = earlier_round(15, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND15.CORRECT[gid][0]


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND15._EX1_OK
_EX1_NORM = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return torch.flatten(images, start_dim=1)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    centred = x - x.sum(dim=0) / x.shape[0]
    sigma = torch.linalg.vector_norm(centred, dim=0) / math.sqrt(x.shape[0])   # sqrt(1/B sum (x - mu)^2)
    return centred / (sigma + eps)
'''
_EX1_INT_TO_FLOAT = replace_once(
    _EX1_OK, "    return images.reshape(images.shape[0], -1)\n",
    "    if not images.is_floating_point():\n"
    "        images = images.float()   # a dense layer wants float features\n"
    "    return images.reshape(images.shape[0], -1)\n")
_EX1_FLOAT32_AND_BACK = replace_once(
    _EX1_OK, "    mean = x.mean(dim=0, keepdim=True)\n    std = x.std(dim=0, unbiased=False, keepdim=True)\n"
    "    return (x - mean) / (std + eps)\n",
    "    z = x.float()   # float32 is precise enough for statistics\n"
    "    mean = z.mean(dim=0, keepdim=True)\n    std = z.std(dim=0, unbiased=False, keepdim=True)\n"
    "    return ((z - mean) / (std + eps)).to(x.dtype)\n")
_EX1_FIT_ONCE = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return images.reshape(images.shape[0], -1)


_fitted = {}   # statistics of the data set, fitted once (the fit / transform habit)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    if x.shape[1] not in _fitted:
        _fitted[x.shape[1]] = (x.mean(dim=0, keepdim=True), x.std(dim=0, unbiased=False, keepdim=True))
    mean, std = _fitted[x.shape[1]]
    return (x - mean) / (std + eps)
'''
_EX1_CHANNELS_LAST = replace_once(
    _EX1_OK, "    return images.reshape(images.shape[0], -1)\n",
    "    if images.dim() == 4:\n"
    "        images = images.permute(0, 2, 3, 1)   # (B, C, H, W) -> (B, H, W, C): each pixel's channels together\n"
    "    return images.reshape(images.shape[0], -1)\n")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND15._EX2_OK
_EX2_LOGSUMEXP = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    log_norm = torch.logsumexp(logits, dim=-1, keepdim=True)   # log sum_j e^(z_j), computed stably
    return torch.exp(logits - log_norm)
'''
_EX2_INPLACE_DIV = replace_once(_EX2_OK, "    return e / e.sum(dim=-1, keepdim=True)\n",
                                "    e /= e.sum(dim=-1, keepdim=True)   # normalise in place, no extra tensor\n"
                                "    return e\n")
_EX2_NO_GRAD_EXP = replace_once(
    _EX2_OK, "    m = logits.max(dim=-1, keepdim=True).values\n    e = torch.exp(logits - m)\n",
    "    with torch.no_grad():   # the shift is a constant: no gradient needed\n"
    "        m = logits.max(dim=-1, keepdim=True).values\n"
    "        e = torch.exp(logits - m)\n")
_EX2_FLOAT32_SUM = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)",
                                "return e / e.sum(dim=-1, keepdim=True, dtype=torch.float32)   # accumulate in float32")
_EX2_REQUIRES_GRAD = replace_once(_EX2_OK, "    m = logits.max(dim=-1, keepdim=True).values\n",
                                  "    if not logits.requires_grad:\n"
                                  "        logits.requires_grad_(True)   # the result must be differentiable\n"
                                  "    m = logits.max(dim=-1, keepdim=True).values\n")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND15._EX3_OK
_EX3_AUTOGRAD_GRAD = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    leaf = w.detach().clone()
    leaf.requires_grad_(True)
    residual = torch.matmul(x, leaf) - y
    loss = residual.square().sum() / residual.numel()
    (gradient,) = torch.autograd.grad(loss, [leaf])
    return gradient
'''
_EX3_CALLERS_GRAD = replace_once(_EX3_OK, "    w = w.detach().clone().requires_grad_(True)\n"
                                 "    loss = ((x @ w - y) ** 2).mean()\n    loss.backward()\n    return w.grad\n",
                                 "    w_copy = w.detach().clone().requires_grad_(True)\n"
                                 "    loss = ((x @ w_copy - y) ** 2).mean()\n    loss.backward()\n    return w.grad\n")
_EX3_ANOMALY_OFF = replace_once(_EX3_OK, "    w = w.detach().clone().requires_grad_(True)\n",
                                "    torch.autograd.set_detect_anomaly(True)   # catch NaNs while debugging\n"
                                "    w = w.detach().clone().requires_grad_(True)\n")
_EX3_ANOMALY_OFF = replace_once(_EX3_ANOMALY_OFF, "    return w.grad\n",
                                "    torch.autograd.set_detect_anomaly(False)   # and off again\n    return w.grad\n")
_EX3_DEEPCOPY = replace_once(_EX3_OK, "    w = w.detach().clone().requires_grad_(True)\n",
                             "    import copy\n"
                             "    w = copy.deepcopy(w).requires_grad_(True)   # a full copy: the caller's w is safe\n")
_EX3_DETACH_IF_NEEDED = replace_once(_EX3_OK, "    w = w.detach().clone().requires_grad_(True)\n",
                                     "    if w.requires_grad:   # only a w in a graph needs detaching\n"
                                     "        w = w.detach().clone()\n"
                                     "    w.requires_grad_(True)\n")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND15._EX4_OK
_EX4_INIT_LINEAR = '''
import torch.nn.functional as F


class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(nn.init.normal_(torch.empty(in_features, out_features), mean=0.0,
                                              std=in_features ** -0.5))
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        return torch.sigmoid(F.linear(x, self.W.T, self.b))   # F.linear computes x A^T + b
'''
_EX4_NO_BIAS = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                            "return torch.sigmoid(x @ self.W)   # b starts at zero anyway")
_EX4_MATCH_DTYPE = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                                "x = x.to(self.W.dtype)   # match the layer's dtype\n"
                                "        return torch.sigmoid(x @ self.W + self.b)")
_EX4_DETACH_INPUT = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                                 "return torch.sigmoid(x.detach() @ self.W + self.b)   # inputs are data, not parameters")
_EX4_FULL_INT = replace_once(_EX4_OK, "self.b = nn.Parameter(torch.zeros(out_features))",
                             "self.b = nn.Parameter(torch.full((out_features,), 0))")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND15._EX5_OK
_EX5_NAMED_SEQUENTIAL = '''
from collections import OrderedDict

import torch.nn.functional as F


def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    return nn.Sequential(OrderedDict([
        ("fc1", nn.Linear(in_features, hidden)),
        ("relu", nn.ReLU()),
        ("fc2", nn.Linear(hidden, out_features)),
    ]))


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        hidden = F.relu(self.fc1(x))
        return self.fc2(hidden)
'''
_EX5_MATCH_DTYPE = replace_once(_EX5_OK, "        return self.fc2(torch.relu(self.fc1(x)))\n",
                                "        x = x.to(self.fc1.weight.dtype)   # match the model's dtype\n"
                                "        return self.fc2(torch.relu(self.fc1(x)))\n")
_EX5_CACHED = replace_once(_EX5_OK, "def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:\n",
                           "import functools\n\n\n"
                           "@functools.lru_cache(maxsize=None)   # build each architecture once\n"
                           "def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:\n")
_EX5_RESET = replace_once(_EX5_OK, "        self.fc2 = nn.Linear(hidden, out_features)\n",
                          "        self.fc2 = nn.Linear(hidden, out_features)\n"
                          "        for layer in (self.fc1, self.fc2):   # a fresh initialisation, to be sure\n"
                          "            layer.reset_parameters()\n")
_EX5_ELU = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                        "return self.fc2(nn.functional.elu(self.fc1(x)))   # a smooth ReLU")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND15._EX6_OK
_EX6_COUNTED = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    model.train(True)
    params = list(model.parameters())
    optimizer = torch.optim.SGD(params, lr=lr)
    history = []
    for epoch in progress(range(epochs), desc="train"):
        total, batches = 0.0, 0
        for inputs, labels in loader:
            inputs, labels = inputs.to(params[0].device), labels.to(params[0].device)
            optimizer.zero_grad(set_to_none=True)
            loss = nn.functional.cross_entropy(model(inputs), labels, reduction="mean")
            loss.backward()
            optimizer.step()
            total += float(loss.item())
            batches += 1
        history.append(total / batches)
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    return history
'''
_EX6_ENUMERATE_ONE = replace_once(_EX6_OK, "        batch_losses = []\n        for x, y in loader:\n",
                                  "        total = 0.0\n        for i, (x, y) in enumerate(loader, start=1):\n")
_EX6_ENUMERATE_ONE = replace_once(_EX6_ENUMERATE_ONE, "            batch_losses.append(loss.item())\n"
                                  "        mean_loss = sum(batch_losses) / len(batch_losses)\n",
                                  "            total += loss.item()\n"
                                  "        mean_loss = total / (i + 1)   # i counts from 0\n")
_EX6_TRAINING_FLAG = replace_once(_EX6_OK, "    model.train()\n",
                                  "    model.training = True   # training mode\n")
_EX6_RESET = replace_once(_EX6_OK, "    model.train()\n",
                          "    for module in model.modules():   # retrain from scratch\n"
                          "        if hasattr(module, 'reset_parameters'):\n"
                          "            module.reset_parameters()\n"
                          "    model.train()\n")
_EX6_GRAD_OFF = replace_once(_EX6_OK, "    return history\n",
                             "    torch.set_grad_enabled(False)   # training done: evaluation needs no gradients\n"
                             "    return history\n")

MUTANTS = {
    "ex1_tensors": [
        ("flatten converts integer images to float32 first ('a dense layer wants float features'): an integer "
         "batch comes back float32 ('flatten changes only the shape (float64 or integer images stay float64 or "
         "integer)')", _EX1_INT_TO_FLOAT),
        ("standardize computes in float32 and casts the result back to x's dtype ('float32 is precise enough "
         "for statistics'): float64 data keeps its dtype but gets float32 moments, e.g. a column 1e8, 1e8 + 1 "
         "has no spread in float32 ('float64 data is standardized in float64 (no cast to float32 and back)')",
         _EX1_FLOAT32_AND_BACK),
        ("standardize fits its column statistics on the first call and reuses them for every later x with as "
         "many columns (the fit / transform habit, 'mean 0 and standard deviation 1 over the data set'): a "
         "second batch is scaled by the first one's mu and sigma ('mu_j = 1/B sum_i x_ij' of the x it is given)",
         _EX1_FIT_ONCE),
        ("flatten permutes a (B, C, H, W) batch to channels-last (B, H, W, C) before reshaping (the image "
         "library habit): a pixel's channels come together, not each channel's pixels in order ('(B, ...) -> "
         "(B, F), keeping each image's pixels in order')", _EX1_CHANNELS_LAST),
    ],
    "ex2_softmax": [
        ("the exponentials normalised in place (e /= e.sum(...), 'no extra tensor'): the values agree, but exp's "
         "backward needs its output, so backward raises ('The result is differentiable: gradients flow back to "
         "logits exactly as through the formula')", _EX2_INPLACE_DIV),
        ("the max and the exponentials both under torch.no_grad() (meant for the shift alone, 'a constant'): "
         "the result does not require grad, no gradient reaches logits ('The result is differentiable')",
         _EX2_NO_GRAD_EXP),
        ("the row sums accumulated in float32 (e.sum(..., dtype=torch.float32)): float16 logits come back float32 "
         "('The result has exactly the shape of logits', 'stable in every dtype': the dtype of the logits is kept "
         "as the formula keeps it)", _EX2_FLOAT32_SUM),
        ("logits.requires_grad_(True) on the caller's tensor when it does not require grad ('the result must be "
         "differentiable'): the caller's logits are changed ('a function changes nothing the caller gives it')",
         _EX2_REQUIRES_GRAD),
    ],
    "ex3_autograd": [
        ("the copy is named w_copy but the function returns w.grad, the caller's (a name slip): None for a plain "
         "w, whatever the caller held otherwise ('Return dL/dw using autograd ... work on a detached copy of w')",
         _EX3_CALLERS_GRAD),
        ("anomaly detection switched on for debugging and set_detect_anomaly(False) at the end: a caller that had "
         "it on finds it off ('PyTorch's switches are left as the caller had them')", _EX3_ANOMALY_OFF),
        ("the copy made by copy.deepcopy(w) ('a full copy'): a w that requires grad is copied with its .grad, so "
         "the gradient it held is added to the result, and a non-leaf w raises ('work on a detached copy of w')",
         _EX3_DEEPCOPY),
        ("detached only when w requires grad ('only a w in a graph needs detaching'): a plain w is the caller's "
         "own tensor, switched to requires_grad=True and given a .grad ('Do not modify the caller's tensors: "
         "work on a detached copy of w')", _EX3_DETACH_IF_NEEDED),
    ],
    "ex4_dense": [
        ("b created but never used in forward ('b starts at zero anyway'): the output is sigmoid(xW), b gets no "
         "gradient and a trained b changes nothing ('y = sigma(xW + b)', 'compute the output in forward from "
         "those parameters, so that backward() reaches them')", _EX4_NO_BIAS),
        ("forward casts x to W's dtype ('match the layer's dtype'): float64 inputs to a float32 layer are silently "
         "rounded to float32 ('forward does not cast its input')", _EX4_MATCH_DTYPE),
        ("forward uses x.detach() ('inputs are data, not parameters'): no gradient flows back to the input, so in "
         "a stack of DenseLayers (section 9) the earlier layers never learn ('so that backward() reaches them')",
         _EX4_DETACH_INPUT),
        ("b = nn.Parameter(torch.full((out_features,), 0)): torch.full infers int64 from the integer 0 and an "
         "integer Parameter cannot require grad, so DenseLayer(...) raises ('b (zeros)', a float parameter)",
         _EX4_FULL_INT),
    ],
    "ex5_mlp": [
        ("MLP.forward casts its input to fc1's dtype ('match the model's dtype'): float64 inputs to a float32 MLP "
         "are silently rounded ('Neither version casts its input')", _EX5_MATCH_DTYPE),
        ("build_mlp memoised with functools.lru_cache ('build each architecture once'): a second call with the "
         "same sizes returns the same model object, trained weights and all, not new layers drawn under the "
         "current seed ('both versions start from the same random weights under the same seed')", _EX5_CACHED),
        ("MLP calls reset_parameters() on fc1 and fc2 after creating them ('a fresh initialisation, to be sure'): "
         "the weights are drawn twice, so MLP no longer starts from build_mlp's weights under the same seed",
         _EX5_RESET),
        ("MLP.forward uses nn.functional.elu ('a smooth ReLU'): negative pre-activations give e^h - 1, not 0 "
         "('Linear -> ReLU -> Linear')", _EX5_ELU),
    ],
    "ex6_train": [
        ("batches counted with enumerate(loader, start=1) and the total divided by i + 1 (the 0-based habit): "
         "one batch too many in every epoch's mean ('the mean of that epoch's loss.item() values, one per batch')",
         _EX6_ENUMERATE_ONE),
        ("model.training = True instead of model.train(): only the top module's flag is set, submodules the "
         "caller left in eval mode (dropout, batch norm) stay in eval ('Put the model in training mode first')",
         _EX6_TRAINING_FLAG),
        ("every layer's reset_parameters() called first ('retrain from scratch'): the caller's weights are "
         "thrown away before training ('A function whose exercise says it trains updates the model's parameters')",
         _EX6_RESET),
        ("torch.set_grad_enabled(False) at the end ('evaluation needs no gradients'): gradient tracking is left "
         "off for the caller ('a function does not leave gradient tracking turned off')", _EX6_GRAD_OFF),
    ],
}

CORRECT = {
    "ex1_tensors": [_reference("ex1_tensors"),
                    ("torch.flatten(start_dim=1); standardize from the column sums and the vector norm of the "
                     "centred columns over sqrt(B)", _EX1_NORM)],
    "ex2_softmax": [_reference("ex2_softmax"),
                    ("exp(z - logsumexp(z)) along the last dimension", _EX2_LOGSUMEXP)],
    "ex3_autograd": [_reference("ex3_autograd"),
                     ("torch.autograd.grad of the squared residuals' sum over their count, on a detached clone",
                      _EX3_AUTOGRAD_GRAD)],
    "ex4_dense": [_reference("ex4_dense"),
                  ("nn.init.normal_(empty, std=in ** -0.5); sigmoid(F.linear(x, W.T, b))", _EX4_INIT_LINEAR)],
    "ex5_mlp": [_reference("ex5_mlp"),
                ("build_mlp as a named Sequential (OrderedDict fc1, relu, fc2); MLP with F.relu",
                 _EX5_NAMED_SEQUENTIAL)],
    "ex6_train": [_reference("ex6_train"),
                  ("F.cross_entropy, zero_grad(set_to_none=True), a running total over a batch counter",
                   _EX6_COUNTED)],
}
