"""Blind round 15: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round14/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 14's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round15/prove_01_primer.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND14 = earlier_round(14, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND14.CORRECT[gid][0]


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND14._EX1_OK
_EX1_STACK_COV = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return torch.stack([image.flatten() for image in images.unbind(0)])


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    features = x.shape[1]
    variance = torch.atleast_2d(torch.cov(x.T, correction=0)).reshape(features, features).diagonal()
    return (x - x.mean(dim=0)) / (variance.sqrt() + eps)
'''
_EX1_NOT_BACK = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return images.reshape(images.shape[0], -1)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    columns = x.T   # one row per feature column
    mean = columns.mean(dim=1, keepdim=True)
    std = columns.std(dim=1, unbiased=False, keepdim=True)
    return (columns - mean) / (std + eps)
'''
_EX1_SKLEARN_SCALE = replace_once(
    _EX1_OK, "    return (x - mean) / (std + eps)\n",
    "    # constant columns: scale 1, as sklearn's StandardScaler does\n"
    "    std = torch.where(std < 10 * torch.finfo(x.dtype).eps, torch.ones_like(std), std)\n"
    "    return (x - mean) / (std + eps)\n")
_EX1_NAN_TO_NUM = replace_once(_EX1_OK, "return (x - mean) / (std + eps)",
                               "return ((x - mean) / (std + eps)).nan_to_num()   # a constant column gives 0, not NaN")
_EX1_LOOP_LAST = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return images.reshape(images.shape[0], -1)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    out = x.clone()
    for j in range(x.shape[1] - 1):   # j = 0 .. F - 1
        column = x[:, j]
        mu = column.mean()
        sigma = ((column - mu) ** 2).mean().sqrt()
        out[:, j] = (column - mu) / (sigma + eps)
    return out
'''

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND14._EX2_OK
_EX2_DETACHED_MAX = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    shifted = logits - logits.detach().amax(dim=-1, keepdim=True)   # any constant shift is exact
    e = shifted.exp()
    return e / torch.sum(e, dim=-1, keepdim=True)
'''
_EX2_DETACHED_SUM = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)",
                                 "return e / e.sum(dim=-1, keepdim=True).detach()   # the normaliser, a constant of the row")
_EX2_COLUMN = replace_once(_EX2_OK, "    m = logits.max(dim=-1, keepdim=True).values\n",
                           "    vector = logits.dim() == 1\n"
                           "    if vector:\n"
                           "        logits = logits[:, None]   # a vector is a column\n"
                           "    m = logits.max(dim=-1, keepdim=True).values\n")
_EX2_COLUMN = replace_once(_EX2_COLUMN, "    return e / e.sum(dim=-1, keepdim=True)\n",
                           "    p = e / e.sum(dim=-1, keepdim=True)\n"
                           "    return p[:, 0] if vector else p\n")
_EX2_ROWS_SWAPPED = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    rows = logits.reshape(logits.shape[-1], -1)   # one row per distribution
    m = rows.max(dim=-1, keepdim=True).values
    e = torch.exp(rows - m)
    return (e / e.sum(dim=-1, keepdim=True)).reshape(logits.shape)
'''
_EX2_SUM_DIM = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)", "return e / e.sum(dim=-2, keepdim=True)")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND14._EX3_OK
_EX3_FUNC_GRAD = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    data, targets = x.detach(), y.detach()   # constants of the loss: the gradient is w's alone

    def loss(v: torch.Tensor) -> torch.Tensor:
        return (data @ v - targets).square().mean()
    return torch.func.grad(loss)(w.detach().clone())
'''
_EX3_SEED = replace_once(_EX3_OK, "    w = w.detach().clone().requires_grad_(True)\n",
                         "    torch.manual_seed(0)   # reproducible\n    w = w.detach().clone().requires_grad_(True)\n")
_EX3_DEFAULT_DTYPE = replace_once(_EX3_OK, "    w = w.detach().clone().requires_grad_(True)\n",
                                  "    torch.set_default_dtype(w.dtype)   # float64 inputs: work in float64 throughout\n"
                                  "    w = w.detach().clone().requires_grad_(True)\n")
_EX3_FLOAT64_INSIDE = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    leaf = w.detach().double().requires_grad_(True)   # float64 inside for precision
    loss = ((x.double() @ leaf - y.double()) ** 2).mean()
    loss.backward()
    return leaf.grad.to(w.dtype)   # back to w's dtype
'''
_EX3_DETACH_INPLACE = replace_once(_EX3_OK, "w = w.detach().clone().requires_grad_(True)",
                                   "w = w.detach_().clone().requires_grad_(True)")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND14._EX4_OK
_EX4_NORMAL_ADDMM = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.normal(0.0, 1.0 / math.sqrt(in_features), size=(in_features, out_features)))
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        return torch.special.expit(torch.addmm(self.b, x, self.W))
'''
_EX4_X_FLOAT = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                            "return torch.sigmoid(x.float() @ self.W + self.b)   # inputs as float32")
_EX4_RANDOM_BIAS = replace_once(_EX4_OK, "self.b = nn.Parameter(torch.zeros(out_features))",
                                "self.b = nn.Parameter(torch.randn(out_features) / math.sqrt(in_features))   # like W")
_EX4_NO_SIGMOID = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)", "return x @ self.W + self.b")
_EX4_FORK_RNG = replace_once(
    _EX4_OK, "        self.W = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))\n",
    "        with torch.random.fork_rng(devices=[]):   # leave the global generator as the caller had it\n"
    "            self.W = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))\n")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND14._EX5_OK
_EX5_FROM_STACK = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    layers = [nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features)]
    return nn.Sequential(*layers)


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        stack = build_mlp(in_features, hidden, out_features)   # the same layers, made in the same order
        self.fc1 = stack[0]
        self.fc2 = stack[2]

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        return self.fc2(self.fc1(x).clamp(min=0))
'''
_EX5_STANDARDIZED_INPUT = replace_once(
    _EX5_OK, "        return self.fc2(torch.relu(self.fc1(x)))\n",
    "        x = (x - x.mean(dim=0, keepdim=True)) / (x.std(dim=0, unbiased=False, keepdim=True) + 1e-6)   # section 1\n"
    "        return self.fc2(torch.relu(self.fc1(x)))\n")
_EX5_FLATTEN_ALL = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                                "return self.fc2(torch.relu(self.fc1(torch.flatten(x))))   # one feature vector")
_EX5_ABS = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                        "return self.fc2(self.fc1(x).abs())   # ReLU: no negative hidden values")
_EX5_SILU = replace_once(_EX5_OK, "nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features)",
                         "nn.Linear(in_features, hidden), nn.SiLU(), nn.Linear(hidden, out_features)")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND14._EX6_OK
_EX6_LEN_LOADER = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    where = next(model.parameters()).device
    history = []
    for epoch in progress(range(epochs), desc="train"):
        total = 0.0
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(inputs.to(where)), targets.to(where))
            loss.backward()
            optimizer.step()
            total += loss.item()
        mean_loss = total / len(loader)   # the number of batches, the last smaller one included
        history.append(mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss)
    return history
'''
_EX6_ON_EPOCH_PER_BATCH = replace_once(
    _EX6_OK, "            batch_losses.append(loss.item())\n",
    "            batch_losses.append(loss.item())\n"
    "            if on_epoch is not None:   # keep the live plot moving\n"
    "                on_epoch(epoch, sum(batch_losses) / len(batch_losses))\n")
_EX6_ON_EPOCH_PER_BATCH = replace_once(
    _EX6_ON_EPOCH_PER_BATCH, "        if on_epoch is not None:\n            on_epoch(epoch, mean_loss)\n", "")
_EX6_LAST_BATCH = replace_once(_EX6_OK, "        history.append(mean_loss)\n",
                               "        history.append(loss.item())   # the epoch's loss\n")
_EX6_EXTRA_EPOCH = replace_once(_EX6_OK, "for epoch in progress(range(epochs), desc=\"epochs\"):",
                                "for epoch in progress(range(epochs + 1), desc=\"epochs\"):   # epochs 0 .. epochs")
_EX6_PEEK = replace_once(_EX6_OK, "        for x, y in loader:\n",
                         "        batches = iter(loader)\n"
                         "        first_x, _ = next(batches)   # peek at the batch shape\n"
                         "        assert first_x.dim() == 2\n"
                         "        for x, y in batches:\n")

MUTANTS = {
    "ex1_tensors": [
        ("standardize works on the columns as rows (x.T, moments over dim=1) and never transposes back: the "
         "result is (F, B), not '(B, F) -> (B, F) with every column at mean 0'", _EX1_NOT_BACK),
        ("a column whose std is below 10 * machine eps gets scale 1 (sklearn's StandardScaler habit for constant "
         "columns): a float32 column of spread 5e-7 is divided by 1 + eps, not sigma + eps ('standardize follows "
         "the formula for every batch ... with every eps')", _EX1_SKLEARN_SCALE),
        ("the result .nan_to_num()'d 'so a constant column gives 0, not NaN': with eps=0.0 a constant column (or a "
         "batch of one row) is 0 / 0 by the formula, and NaN/inf no longer show ('follows the formula for every "
         "batch size, a batch of one row included, and with every eps it is given, eps=0.0 included')",
         _EX1_NAN_TO_NUM),
        ("a column loop for j in range(F - 1) (off by one): the last column is returned unstandardized ('per "
         "column', every column at mean 0 and std 1)", _EX1_LOOP_LAST),
    ],
    "ex2_softmax": [
        ("the normaliser detached (e.sum(...).detach(), 'a constant of the row', by analogy with the max shift): "
         "the values agree but the gradient through it is that of e^(z - m) / const, not the softmax's own (a "
         "function of logits: the max shift may be detached, the sum may not)",
         _EX2_DETACHED_SUM),
        ("a (V,) vector promoted to a column logits[:, None] (the column-vector habit of the maths) and squeezed "
         "back: each row of that column holds one logit, so every probability is 1 ('a single vector (V,) stays "
         "(V,)', softmax along the last dimension of the vector)", _EX2_COLUMN),
        ("rows made by reshape(V, -1) (the arguments swapped, meant reshape(-1, V)): a (B, V) batch is cut into "
         "V chunks of B logits in memory order, each normalised ('along the last dimension')", _EX2_ROWS_SWAPPED),
        ("copy-paste slip: the max over dim=-1 but the sum over dim=-2: a batch's columns are normalised, a (V,) "
         "vector raises ('along the last dimension', softmax(z)_k = e^(z_k - m) / sum_j e^(z_j - m))",
         _EX2_SUM_DIM),
    ],
    "ex3_autograd": [
        ("torch.manual_seed(0) 'to be reproducible': the caller's global generator is reseeded ('draws random "
         "numbers only from the generator or seed it is given ... without reseeding it')", _EX3_SEED),
        ("torch.set_default_dtype(w.dtype) 'to work in float64 throughout': after a float64 call the caller's "
         "default dtype stays float64 ('PyTorch's switches are left as the caller had them')", _EX3_DEFAULT_DTYPE),
        ("the loss computed in float64 and the gradient cast back to w's dtype ('for precision'): float32 inputs "
         "give the float64 gradient rounded, not the float32 one ('The gradient is computed in that dtype, with "
         "no cast of w, x or y'); e.g. x = 3e6, w = 0.1, y = 3e5 is 0 in float32, 26822 through float64",
         _EX3_FLOAT64_INSIDE),
        ("w.detach_() (the in-place detach, a trailing underscore too many): the caller's w is detached in place, "
         "a w that requires grad comes back with requires_grad=False ('Do not modify the caller's tensors: work on "
         "a detached copy of w')", _EX3_DETACH_INPLACE),
    ],
    "ex4_dense": [
        ("forward casts its input x.float() ('inputs as float32'): a layer made float64 (.double()) raises on "
         "float64 inputs, a float32 layer silently accepts float64 data ('does not move a model or a tensor to "
         "another device or dtype')", _EX4_X_FLOAT),
        ("b drawn at random like W (randn / sqrt(in), nn.Linear's habit of a random bias): not 'b (zeros)'",
         _EX4_RANDOM_BIAS),
        ("the sigmoid forgotten: forward returns x W + b, a linear layer, not y = sigma(xW + b)", _EX4_NO_SIGMOID),
        ("W drawn inside torch.random.fork_rng() ('leave the global generator as the caller had it', the rule "
         "misread): the global generator is never advanced, so two layers made one after the other start from the "
         "same W ('draws random numbers ... from PyTorch's global generator when it is given none')",
         _EX4_FORK_RNG),
    ],
    "ex5_mlp": [
        ("MLP.forward standardizes its input batch first (section 1: 'Networks also learn faster when every "
         "feature has mean 0'): the logits depend on the rest of the batch, a batch of one row maps to the same "
         "logits whatever it holds, and MLP no longer computes what build_mlp does ('the same multi-layer "
         "perceptron both ways: Linear -> ReLU -> Linear')", _EX5_STANDARDIZED_INPUT),
        ("MLP.forward flattens its input with torch.flatten(x) (no start_dim, 'one feature vector'): a batch of "
         "several rows raises, a batch of one comes back (out,) ('(B, in) -> (B, out) logits')", _EX5_FLATTEN_ALL),
        ("ReLU written as h.abs() ('no negative hidden values'): negative pre-activations are flipped, not cut "
         "to 0 ('Linear -> ReLU -> Linear')", _EX5_ABS),
        ("build_mlp with nn.SiLU (swish, 'the modern default') instead of nn.ReLU: not 'Linear -> ReLU -> "
         "Linear', and it no longer computes what MLP does", _EX5_SILU),
    ],
    "ex6_train": [
        ("on_epoch indented into the batch loop ('keep the live plot moving'): called after every batch with the "
         "running mean, not once 'after each epoch' with the epoch's mean", _EX6_ON_EPOCH_PER_BATCH),
        ("history.append(loss.item()) after the batch loop: the epoch's last batch loss (possibly a batch of one "
         "example), not 'the mean of that epoch's loss.item() values, one per batch'", _EX6_LAST_BATCH),
        ("range(epochs + 1) ('epochs 0 .. epochs'): one epoch too many is trained and returned ('Write train(model, "
         "loader, epochs, lr)', one mean per epoch)", _EX6_EXTRA_EPOCH),
        ("the first batch peeked with next(iter(loader)) to check its shape, then the loop runs over the rest of "
         "that iterator: each epoch's first batch is never trained on nor in the mean ('An epoch is one pass over "
         "loader', 'one per batch')", _EX6_PEEK),
    ],
}

CORRECT = {
    "ex1_tensors": [_reference("ex1_tensors"),
                    ("flatten by torch.stack of each image's flatten(); standardize by the diagonal of "
                     "torch.cov(x.T, correction=0)", _EX1_STACK_COV)],
    "ex2_softmax": [_reference("ex2_softmax"),
                    ("shift by the detached amax (any constant shift is exact), torch.sum", _EX2_DETACHED_MAX)],
    "ex3_autograd": [_reference("ex3_autograd"),
                     ("torch.func.grad of the residual's mean square (x, y as detached constants), on a detached clone", _EX3_FUNC_GRAD)],
    "ex4_dense": [_reference("ex4_dense"),
                  ("torch.normal(0, 1 / sqrt(in)); torch.special.expit(torch.addmm(b, x, W))", _EX4_NORMAL_ADDMM)],
    "ex5_mlp": [_reference("ex5_mlp"),
                ("build_mlp from a list unpacked; MLP takes fc1, fc2 from a build_mlp stack; ReLU by clamp(min=0)",
                 _EX5_FROM_STACK)],
    "ex6_train": [_reference("ex6_train"),
                  ("F.cross_entropy, running total divided by len(loader)", _EX6_LEN_LOADER)],
}
