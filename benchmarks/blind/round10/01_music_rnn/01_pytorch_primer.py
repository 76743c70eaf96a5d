"""Blind round 10: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/01_pytorch_primer.py nor in
benchmarks/blind/round1/ to round9/. CORRECT[...][0] is round 9's reference (round 3's, reused by
name; the proofs, benchmarks/blind/round10/prove_01_primer.py, compare with it); CORRECT[...][1] is
this round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND9 = earlier_round(9, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND9.CORRECT[gid][0]


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND9._EX1_OK
_EX1_RECIPROCAL = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return images.flatten(1)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    centred = x - torch.mean(x, 0, True)
    spread = centred.pow(2).mean(dim=0, keepdim=True).sqrt()
    return centred * torch.reciprocal(spread + eps)
'''
_EX1_LAST_TWO = replace_once(_EX1_OK, "return images.reshape(images.shape[0], -1)",
                             "return images.flatten(start_dim=-2)   # merge the image's rows and columns")
_EX1_COLUMN_MEAN = replace_once(
    _EX1_OK, '''    mean = x.mean(dim=0, keepdim=True)
    std = x.std(dim=0, unbiased=False, keepdim=True)''',
    '''    mean = x.mean(dim=0)[:, None]                      # one mean per column, as a column vector
    std = x.std(dim=0, unbiased=False)''')
_EX1_BATCHNORM = replace_once(
    _EX1_OK, '''    mean = x.mean(dim=0, keepdim=True)
    std = x.std(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / (std + eps)''',
    '''    norm = nn.BatchNorm1d(x.shape[1])                  # per-feature mean 0 and std 1 over the batch
    return norm(x)''')
_EX1_CLIPPED = replace_once(_EX1_OK, "return (x - mean) / (std + eps)",
                            "return ((x - mean) / (std + eps)).clamp(-3.0, 3.0)   # outliers capped at 3 std")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND9._EX2_OK
_EX2_CUMSUM = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    top = logits.detach().amax(dim=-1, keepdim=True)       # a constant shift: no gradient needed through it
    e = (logits - top).exp()
    return e / e.cumsum(dim=-1)[..., -1:]                   # the running sum's last entry is the row total
'''
_EX2_ROUNDED = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)",
                            "return (e / e.sum(dim=-1, keepdim=True)).round(decimals=4)   # readable probabilities")
_EX2_SQRT_V = replace_once(_EX2_OK, "e = torch.exp(logits - m)",
                           "e = torch.exp((logits - m) / math.sqrt(logits.shape[-1]))   # scaled as in attention")
_EX2_CLAMP_SHIFTED = replace_once(_EX2_OK, "e = torch.exp(logits - m)",
                                  "e = torch.exp((logits - m).clamp(min=-50.0))   # exp never underflows to 0")
_EX2_FIRST_SUM = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)",
                              "return e / e.sum(dim=-1, keepdim=True)[0]   # [0] as in torch.max(...)[0]")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND9._EX3_OK
_EX3_INNER = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    leaf = w.detach().requires_grad_()          # a new tensor object: the caller's w is never marked
    residual = torch.mv(x, leaf) - y
    loss = torch.inner(residual, residual) / residual.numel()
    (grad,) = torch.autograd.grad(loss, [leaf])
    return grad
'''
_EX3_SUM_DIM0 = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()",
                             "loss = (((x * w).sum(dim=0) - y) ** 2).mean()   # the product written out")
_EX3_RESTORED = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    w.requires_grad_(True)
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    w.requires_grad_(False)                     # put the caller's w back as it was
    return w.grad
'''
_EX3_Y_GRAD = replace_once(_EX3_OK, "    loss = ((x @ w - y) ** 2).mean()\n",
                           "    y = y.requires_grad_(True)   # the targets take part in the loss too\n"
                           "    loss = ((x @ w - y) ** 2).mean()\n")
_EX3_SQUEEZE_X = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()",
                              "loss = ((x.squeeze() @ w - y) ** 2).mean()   # drop stray size-1 axes")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND9._EX4_OK
_EX4_INPLACE_CHAIN = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.randn(in_features, out_features) * math.pow(in_features, -0.5))
        self.b = nn.Parameter(torch.full((out_features,), 0.0))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        return x.matmul(self.W).add_(self.b).sigmoid_()
'''
_EX4_FRESH_GENERATOR = replace_once(
    _EX4_OK, "torch.randn(in_features, out_features) / math.sqrt(in_features)",
    "torch.randn(in_features, out_features, generator=torch.Generator()) / math.sqrt(in_features)")
_EX4_PARAM_LIST = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.params = nn.ParameterList([                                   # [W, b]
            nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features)),
            nn.Parameter(torch.zeros(out_features))])

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        W, b = self.params
        return torch.sigmoid(x @ W + b)
'''
_EX4_SILU = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                         "return nn.functional.silu(x @ self.W + self.b)   # the sigmoid (linear) unit")
_EX4_PRECEDENCE = replace_once(_EX4_OK, "torch.randn(in_features, out_features) / math.sqrt(in_features)",
                               "torch.randn(in_features, out_features) * in_features ** -1/2")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND9._EX5_OK
_EX5_INPLACE_RELU = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, out_features))


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        hidden = nn.functional.relu(self.fc1(x), inplace=True)   # fc1's fresh output, nobody else holds it
        return self.fc2.forward(hidden)
'''
_EX5_ABS_RELU = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                             "h = self.fc1(x)\n        return self.fc2(h + h.abs())   # relu(h) = max(0, h)")
_EX5_NO_GRAD = replace_once(
    _EX5_OK, "    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits\n",
    "    @torch.no_grad()\n    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits\n")
_EX5_SKIP = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                         "return x + self.fc2(torch.relu(self.fc1(x)))   # a skip connection, as in a ResNet")
_EX5_NO_FIRST_BIAS = replace_once(
    _EX5_OK,
    "return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features))",
    "return nn.Sequential(nn.Linear(in_features, hidden, bias=False), nn.ReLU(), nn.Linear(hidden, out_features))")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND9._EX6_OK
_EX6_GROUPS = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    where = next(model.parameters()).device
    model.train()
    means = []
    for epoch in progress(range(epochs), desc="epochs"):
        total, batches = 0.0, 0
        for inputs, targets in loader:
            for group in optimizer.param_groups:
                for p in group["params"]:
                    p.grad = None
            batch_loss = nn.functional.nll_loss(model(inputs.to(where)).log_softmax(dim=1), targets.to(where))
            batch_loss.backward()
            optimizer.step()
            total, batches = total + batch_loss.detach().cpu().tolist(), batches + 1
        means.append(total / batches)
        if callable(on_epoch):
            on_epoch(epoch, means[-1])
    return means
'''
_EX6_STEP_PER_EPOCH = replace_once(_EX6_OK, "            optimizer.step()\n            batch_losses.append(loss.item())\n",
                                   "            batch_losses.append(loss.item())\n        optimizer.step()\n")
_EX6_STEP_PER_EPOCH = replace_once(_EX6_STEP_PER_EPOCH, "            optimizer.zero_grad()\n", "")
_EX6_STEP_PER_EPOCH = replace_once(_EX6_STEP_PER_EPOCH, "        batch_losses = []\n",
                                   "        batch_losses = []\n        optimizer.zero_grad()\n")
_EX6_MEDIAN = "\nimport statistics\n" + replace_once(
    _EX6_OK, "mean_loss = sum(batch_losses) / len(batch_losses)", "mean_loss = statistics.median(batch_losses)")
_EX6_RELOADER = replace_once(
    _EX6_OK, "        for x, y in loader:\n",
    "        epoch_loader = DataLoader(loader.dataset, batch_size=loader.batch_size, shuffle=True)   # reshuffled\n"
    "        for x, y in epoch_loader:\n")
_EX6_WEIGHTED_SUM = replace_once(_EX6_OK, "batch_losses.append(loss.item())",
                                 "batch_losses.append(loss.item() * len(x))   # weighted by the batch size")

MUTANTS = {
    "ex1_tensors": [
        ("flatten(start_dim=-2): merges only the last two axes, (B, C, H, W) -> (B, C, H*W), a 2-D batch -> 1-D",
         _EX1_LAST_TWO),
        ("column means unsqueezed as a column (mean[:, None], shape (F, 1)): broadcasts against the rows, "
         "raises unless B == F", _EX1_COLUMN_MEAN),
        ("standardize through a fresh nn.BatchNorm1d: eps 1e-5 under the square root, the eps argument ignored, "
         "float64 data raises against its float32 weights, the result requires grad", _EX1_BATCHNORM),
        ("standardized values clipped to [-3, 3] (the outlier habit)", _EX1_CLIPPED),
    ],
    "ex2_softmax": [
        ("probabilities rounded to 4 decimals (.round(decimals=4)) for readability", _EX2_ROUNDED),
        ("shifted logits divided by sqrt(V) (the attention habit): a softmax of z / sqrt(V)", _EX2_SQRT_V),
        ("shifted logits clamped at -50 so that exp never underflows: probabilities below e^-50 raised to it",
         _EX2_CLAMP_SHIFTED),
        ("the [0] of torch.max(...)[0] carried over to the sum: e.sum(-1, keepdim=True)[0] is the first row's "
         "total, every row divided by it", _EX2_FIRST_SUM),
    ],
    "ex3_autograd": [
        ("x * w summed over dim 0 (the examples) instead of dim 1: raises unless N == D or D == 1, else wrong",
         _EX3_SUM_DIM0),
        ("requires_grad_ on the caller's w, switched off afterwards: the caller's w keeps a .grad that "
         "accumulates over calls", _EX3_RESTORED),
        ("requires_grad_ set on the caller's y (the targets): y is changed and gets a .grad", _EX3_Y_GRAD),
        ("x.squeeze() before the product: a (N, 1) x becomes (N,) and x @ w raises (or is a dot product)",
         _EX3_SQUEEZE_X),
    ],
    "ex4_dense": [
        ("W drawn from a fresh torch.Generator(): the global seed ignored, every layer of a shape starts alike",
         _EX4_FRESH_GENERATOR),
        ("W and b kept in an nn.ParameterList (self.params): the layer has no W or b attributes", _EX4_PARAM_LIST),
        ("F.silu (the 'sigmoid linear unit', z * sigmoid(z)) taken for the sigmoid", _EX4_SILU),
        ("precedence slip: in_features ** -1/2 is 1 / (2 in), not in ** -0.5: W's std 1 / (2 in)",
         _EX4_PRECEDENCE),
    ],
    "ex5_mlp": [
        ("MLP's ReLU written as h + |h| without the 1/2: hidden activations doubled", _EX5_ABS_RELU),
        ("@torch.no_grad() on MLP.forward (the inference habit): the logits have no graph, backward raises",
         _EX5_NO_GRAD),
        ("MLP adds a skip connection x + fc2(h) (the ResNet habit): raises unless in == out, else shifted logits",
         _EX5_SKIP),
        ("build_mlp's first Linear without a bias (bias=False): `hidden` parameters fewer than MLP's",
         _EX5_NO_FIRST_BIAS),
    ],
    "ex6_train": [
        ("optimizer.step() and zero_grad() moved out of the batch loop: one update per epoch from the "
         "accumulated gradients", _EX6_STEP_PER_EPOCH),
        ("the epoch's median batch loss (statistics.median), not the mean", _EX6_MEDIAN),
        ("a new DataLoader(loader.dataset, shuffle=True) every epoch: the caller's loader, its order and its "
         "generator ignored", _EX6_RELOADER),
        ("batch losses weighted by their size (loss.item() * len(x)) but divided by the number of batches",
         _EX6_WEIGHTED_SUM),
    ],
}

CORRECT = {
    "ex1_tensors": [_reference("ex1_tensors"),
                    ("Tensor.flatten(1); centred columns, pow(2).mean().sqrt(), times the reciprocal of std + eps",
                     _EX1_RECIPROCAL)],
    "ex2_softmax": [_reference("ex2_softmax"),
                    ("detached amax shift, Tensor.exp, the row total read from cumsum's last entry", _EX2_CUMSUM)],
    "ex3_autograd": [_reference("ex3_autograd"),
                     ("w.detach().requires_grad_() without a clone, torch.mv, inner product / numel, "
                      "autograd.grad unpacked", _EX3_INNER)],
    "ex4_dense": [_reference("ex4_dense"),
                  ("randn * in ** -0.5 via math.pow, bias by torch.full, matmul().add_().sigmoid_() chained in place "
                   "on the fresh product", _EX4_INPLACE_CHAIN)],
    "ex5_mlp": [_reference("ex5_mlp"),
                ("nn.ReLU(inplace=True) in the Sequential; MLP with F.relu(inplace=True) and fc2.forward",
                 _EX5_INPLACE_RELU)],
    "ex6_train": [_reference("ex6_train"),
                  ("grads set to None through optimizer.param_groups, log_softmax + nll_loss, "
                   "detach().cpu().tolist() totals", _EX6_GROUPS)],
}
