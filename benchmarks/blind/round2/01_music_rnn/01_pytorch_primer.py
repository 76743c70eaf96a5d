"""Blind round 2: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/01_pytorch_primer.py nor in
benchmarks/blind/round1/01_music_rnn/01_pytorch_primer.py. CORRECT[...][0] is the reference the
proofs (benchmarks/blind/round2/prove_01_02.py) compare with.
"""

# ---- ex1_tensors ------------------------------------------------------------------------------
_FLATTEN = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return {flat}
'''
_STANDARDIZE = '''

def standardize(x: torch.Tensor, eps: float = {eps}) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
{body}
'''
_STD_BODY = '''    mean = x.mean(dim=0, keepdim=True)
    std = x.std(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / (std + eps)'''


def _ex1(flat="images.reshape(images.shape[0], -1)", eps="1e-6", body=_STD_BODY):
    return _FLATTEN.format(flat=flat) + _STANDARDIZE.format(eps=eps, body=body)


_EX1_OK = _ex1()
_EX1_NORM = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    return images.flatten(start_dim=1)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    n = x.shape[0]
    centered = x - x.sum(dim=0) / n
    std = torch.linalg.vector_norm(centered, dim=0) / math.sqrt(n)   # population std per column
    return centered / (std + eps)
'''
_EX1_NO_START_DIM = _ex1(flat="torch.flatten(images)")
_EX1_VARIANCE = _ex1(body='''    mean = x.mean(dim=0, keepdim=True)
    var = x.var(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / (var + eps)''')
_EX1_CANCELLATION = _ex1(body='''    mean = x.mean(dim=0, keepdim=True)
    std = torch.sqrt((x ** 2).mean(dim=0, keepdim=True) - mean ** 2)   # Var = E[x^2] - E[x]^2
    return (x - mean) / (std + eps)''')
_EX1_DEFAULT_EPS = _ex1(eps="1e-5")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    m = logits.max(dim=-1, keepdim=True).values
    e = torch.exp(logits - m)
    return e / e.sum(dim=-1, keepdim=True)
'''
_EX2_LSE = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    m = torch.amax(logits, dim=-1, keepdim=True)
    log_norm = m + torch.log(torch.sum(torch.exp(logits - m), dim=-1, keepdim=True))   # log-sum-exp
    return torch.exp(logits - log_norm)
'''
_EX2_INDICES = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    m = torch.max(logits, dim=-1, keepdim=True)[1]
    e = torch.exp(logits - m)
    return e / e.sum(dim=-1, keepdim=True)
'''
_EX2_SHIFT_AFTER_EXP = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    m = logits.max(dim=-1, keepdim=True).values
    e = torch.exp(logits) / torch.exp(m)   # = exp(logits - m)
    return e / e.sum(dim=-1, keepdim=True)
'''
_EX2_UNSQUEEZE = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    m = logits.max(dim=-1).values.unsqueeze(1)
    e = torch.exp(logits - m)
    return e / e.sum(dim=-1).unsqueeze(1)
'''
_EX2_LOG = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    shifted = logits - logits.max(dim=-1, keepdim=True).values
    return shifted - torch.log(torch.exp(shifted).sum(dim=-1, keepdim=True))
'''

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3 = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
{body}
'''
_EX3_BODY = '''    w = w.detach().clone().requires_grad_(True)
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    return w.grad'''
_EX3_OK = _EX3.format(body=_EX3_BODY)
_EX3_JACOBIAN = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    def loss(v):
        return torch.mean(torch.square(torch.matmul(x, v) - y))
    with torch.enable_grad():
        return torch.autograd.functional.jacobian(loss, w.detach())
'''
_EX3_HALF = _EX3.format(body=_EX3_BODY.replace("((x @ w - y) ** 2).mean()", "0.5 * ((x @ w - y) ** 2).mean()"))
_EX3_BY_D = _EX3.format(body=_EX3_BODY.replace("((x @ w - y) ** 2).mean()", "((x @ w - y) ** 2).sum() / len(w)"))
_EX3_WRT_X = _EX3.format(body='''    x = x.detach().clone().requires_grad_(True)
    loss = ((x @ w - y) ** 2).mean()
    loss.backward()
    return x.grad''')
_EX3_FLOAT = _EX3.format(body=_EX3_BODY.replace("w.detach().clone()", "w.detach().float()"))

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4 = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter({W})
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        return {forward}
'''
_W = "torch.randn(in_features, out_features) / math.sqrt(in_features)"
_F = "torch.sigmoid(x @ self.W + self.b)"
_EX4_OK = _EX4.format(W=_W, forward=_F)
_EX4_TANH_IDENTITY = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        weight = torch.empty(in_features, out_features)
        nn.init.normal_(weight, mean=0.0, std=1.0 / math.sqrt(in_features))
        self.W = nn.Parameter(weight)
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = torch.tensordot(x, self.W, dims=1) + self.b
        return 0.5 * (1.0 + torch.tanh(0.5 * z))   # sigmoid(z) written with tanh
'''
_EX4_RAND = _EX4.format(W="torch.rand(in_features, out_features) / math.sqrt(in_features)", forward=_F)
_EX4_TANH = _EX4.format(W=_W, forward="torch.tanh(x @ self.W + self.b)")
_EX4_DATA = _EX4.format(W=_W, forward="torch.sigmoid(x @ self.W.data + self.b)")
_EX4_KAIMING = _EX4.format(W="nn.init.kaiming_normal_(torch.empty(in_features, out_features))", forward=_F)

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5 = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features))


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features{fc2})
{extra}
    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        return {forward}
'''
_EX5_P = dict(fc2="", extra="", forward="self.fc2(torch.relu(self.fc1(x)))")
_EX5_OK = _EX5.format(**_EX5_P)
_EX5_ADD_MODULE = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    model = nn.Sequential()
    model.add_module("hidden", nn.Linear(in_features, hidden))
    model.add_module("act", nn.ReLU())
    model.add_module("out", nn.Linear(hidden, out_features))
    return model


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc1(x)
        h = torch.where(h > 0, h, torch.zeros_like(h))   # ReLU by hand
        return self.fc2(h)
'''
_EX5_NO_BIAS = _EX5.format(**{**_EX5_P, "fc2": ", bias=False"})
_EX5_GELU = _EX5.format(**{**_EX5_P, "forward": "self.fc2(nn.functional.gelu(self.fc1(x)))"})
_EX5_ZERO_BIAS = _EX5.format(**{**_EX5_P, "extra": "        nn.init.zeros_(self.fc1.bias)  # start from zero biases\n"
                                                    "        nn.init.zeros_(self.fc2.bias)\n"})
_EX5_RELU6 = _EX5.format(**{**_EX5_P, "forward": "self.fc2(self.fc1(x).clamp(0, 6))"})

# ---- ex6_train --------------------------------------------------------------------------------
_EX6 = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    dev = next(model.parameters()).device
    optimizer = torch.optim.{opt}(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    history = []
    for epoch in progress(range(epochs), desc="epochs"):
        batch_losses = []
{zero_outer}        for x, y in loader:
            x, y = x.to(dev), y.to(dev)
{zero_inner}            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        mean_loss = {mean}
        history.append(mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss)
{end}    return history
'''
_EX6_P = dict(opt="SGD", zero_outer="", zero_inner="            optimizer.zero_grad()\n",
              mean="sum(batch_losses) / len(batch_losses)", end="")
_EX6_OK = _EX6.format(**_EX6_P)
_EX6_MANUAL = '''
import statistics


def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    params = list(model.parameters())
    dev = params[0].device
    sgd = torch.optim.SGD(params, lr=lr)
    model.train(True)
    history = []
    bar = progress(total=epochs, desc="train")
    for epoch in range(epochs):
        values = []
        for inputs, labels in loader:
            inputs, labels = inputs.to(dev), labels.to(dev)
            for p in params:
                p.grad = None
            log_probs = torch.log_softmax(model(inputs), dim=-1)
            loss = -log_probs.gather(1, labels.unsqueeze(1)).mean()     # cross-entropy by hand
            loss.backward()
            sgd.step()
            values.append(float(loss.item()))
        history.append(statistics.fmean(values))
        bar.update(1)
        if on_epoch:
            on_epoch(epoch, history[-1])
    bar.close()
    return history
'''
_EX6_ADAM = _EX6.format(**{**_EX6_P, "opt": "Adam"})
_EX6_ZERO_PER_EPOCH = _EX6.format(**{**_EX6_P, "zero_outer": "        optimizer.zero_grad()\n", "zero_inner": ""})
_EX6_EVAL_AT_END = _EX6.format(**{**_EX6_P, "end": "    model.eval()  # done training\n"})
_EX6_FRACTIONAL = _EX6.format(**{**_EX6_P, "mean": "sum(batch_losses) / (len(loader.dataset) / loader.batch_size)"})

MUTANTS = {
    "ex1_tensors": [
        ("flatten without start_dim: the whole batch becomes one 1-D vector", _EX1_NO_START_DIM),
        ("standardize divides by the variance (square root forgotten)", _EX1_VARIANCE),
        ("variance as E[x²] - E[x]²: cancels catastrophically for columns far from 0", _EX1_CANCELLATION),
        ("wrong default: eps = 1e-5 instead of 1e-6", _EX1_DEFAULT_EPS),
    ],
    "ex2_softmax": [
        ("torch.max(...)[1]: subtracts the argmax index, not the maximum", _EX2_INDICES),
        ("exp(logits) / exp(max): the shift comes after the overflow", _EX2_SHIFT_AFTER_EXP),
        ("reductions unsqueezed at dim 1 instead of keepdim (wrong for 3-D logits)", _EX2_UNSQUEEZE),
        ("returns log-probabilities (log-softmax)", _EX2_LOG),
    ],
    "ex3_autograd": [
        ("half the MSE (the 1/2 convention): gradient halved", _EX3_HALF),
        ("sum divided by len(w), the number of weights, not the number of examples", _EX3_BY_D),
        ("gradient taken with respect to x, not w", _EX3_WRT_X),
        ("w cast to float32 (.float()): float64 inputs break", _EX3_FLOAT),
    ],
    "ex4_dense": [
        ("torch.rand: uniform, all-positive weights", _EX4_RAND),
        ("tanh instead of the sigmoid", _EX4_TANH),
        ("forward uses self.W.data: no gradient reaches W", _EX4_DATA),
        ("kaiming_normal_ on an (in, out) tensor: std sqrt(2 / out_features)", _EX4_KAIMING),
    ],
    "ex5_mlp": [
        ("MLP's fc2 without bias", _EX5_NO_BIAS),
        ("MLP uses GELU instead of ReLU", _EX5_GELU),
        ("MLP zeroes its biases: not the same start as build_mlp", _EX5_ZERO_BIAS),
        ("MLP clamps the hidden layer to [0, 6] (ReLU6)", _EX5_RELU6),
    ],
    "ex6_train": [
        ("Adam instead of SGD", _EX6_ADAM),
        ("zero_grad once per epoch: gradients accumulate over the epoch's batches", _EX6_ZERO_PER_EPOCH),
        ("leaves the model in eval mode at the end", _EX6_EVAL_AT_END),
        ("mean divided by len(dataset) / batch_size (a fractional batch count)", _EX6_FRACTIONAL),
    ],
}

CORRECT = {
    "ex1_tensors": [
        ("reshape(B, -1), mean and std(unbiased=False) with keepdim", _EX1_OK),
        ("flatten(start_dim=1), centred columns and vector_norm / sqrt(N)", _EX1_NORM),
    ],
    "ex2_softmax": [
        ("max with keepdim, exp, divide by the sum", _EX2_OK),
        ("amax and a hand-written log-sum-exp", _EX2_LSE),
    ],
    "ex3_autograd": [
        ("detached clone, backward(), .grad", _EX3_OK),
        ("torch.autograd.functional.jacobian of the scalar loss", _EX3_JACOBIAN),
    ],
    "ex4_dense": [
        ("randn / sqrt(in), torch.sigmoid(x @ W + b)", _EX4_OK),
        ("nn.init.normal_, tensordot and sigmoid via tanh", _EX4_TANH_IDENTITY),
    ],
    "ex5_mlp": [
        ("Sequential in one line, torch.relu", _EX5_OK),
        ("add_module with names, ReLU by torch.where", _EX5_ADD_MODULE),
    ],
    "ex6_train": [
        ("nn.CrossEntropyLoss, per-epoch list of loss.item()", _EX6_OK),
        ("log_softmax + gather by hand, grads set to None, statistics.fmean, manual progress bar", _EX6_MANUAL),
    ],
}
