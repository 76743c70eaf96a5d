"""Blind round: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook only, without the hidden checks.

Every mutant is a mistake not already in tests/mutants/01_music_rnn/01_pytorch_primer.py.
CORRECT[...][0] is the reference the proofs (benchmarks/blind/round1/prove_01_02.py) compare with.
"""

# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    return torch.flatten(images, start_dim=1)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    std, mean = torch.std_mean(x, dim=0, unbiased=False, keepdim=True)
    return (x - mean) / (std + eps)
'''

_EX1_LOOP = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    features = math.prod(images.shape[1:])
    return images.contiguous().view(images.shape[0], features)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    columns = []
    for j in range(x.shape[1]):
        col = x[:, j]
        mu = col.sum() / col.numel()
        sigma = torch.sqrt(((col - mu) ** 2).sum() / col.numel())
        columns.append((col - mu) / (sigma + eps))
    return torch.stack(columns, dim=1)
'''

_EX1_VIEW = _EX1_OK.replace("torch.flatten(images, start_dim=1)", "images.view(images.shape[0], -1)")
_EX1_SQUEEZE = _EX1_OK.replace("torch.flatten(images, start_dim=1)", "images.reshape(len(images), -1).squeeze()")
_EX1_EPS_AFTER = _EX1_OK.replace("(x - mean) / (std + eps)", "(x - mean) / std + eps")
_EX1_GLOBAL = _EX1_OK.replace("torch.std_mean(x, dim=0, unbiased=False, keepdim=True)",
                              "torch.std_mean(x, unbiased=False)")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    shape = logits.shape
    rows = logits.reshape(-1, shape[-1])
    m = torch.max(rows, dim=1).values[:, None]
    e = torch.exp(rows - m)
    return torch.div(e, e.sum(dim=1, keepdim=True)).reshape(shape)
'''

_EX2_ROWS = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(logits)
    flat_in = logits.reshape(-1, logits.shape[-1])
    flat_out = out.view(-1, logits.shape[-1])
    for i, row in enumerate(flat_in.unbind(0)):
        e = (row - row.max()).exp()
        flat_out[i] = e / e.sum()
    return out
'''

_EX2_NUMERATOR_ONLY = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    m = logits.max(dim=-1, keepdim=True).values
    return torch.exp(logits - m) / torch.exp(logits).sum(dim=-1, keepdim=True)
'''
_EX2_SUM_NO_KEEPDIM = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    e = torch.exp(logits - logits.max(dim=-1, keepdim=True).values)
    return e / e.sum(dim=-1)
'''
_EX2_CLAMP = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    e = torch.exp(logits.clamp(-80.0, 80.0))   # keep exp() finite
    return e / e.sum(dim=-1, keepdim=True)
'''
_EX2_PLUS_MAX = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    e = torch.exp(logits + logits.max(dim=-1, keepdim=True).values)
    return e / e.sum(dim=-1, keepdim=True)
'''

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    def loss(w_):
        return ((x @ w_ - y) ** 2).mean()
    return torch.func.grad(loss)(w.detach())
'''
_EX3_MSE = '''
import torch.nn.functional as F


def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    with torch.enable_grad():
        leaf = w.clone().detach().requires_grad_(True)
        loss = F.mse_loss(x @ leaf, y)
        loss.backward()
    return leaf.grad.detach()
'''
_EX3_BODY = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    w = w.detach().clone().requires_grad_(True)
{body}
'''
_BACKWARD = "\n    loss.backward()\n    return w.grad"
_EX3_COLUMN = _EX3_BODY.format(body="    loss = ((x @ w - y.reshape(-1, 1)) ** 2).mean()" + _BACKWARD)
_EX3_NUMEL = _EX3_BODY.format(body="    loss = ((x @ w - y) ** 2).sum() / x.numel()" + _BACKWARD)
_EX3_TUPLE = _EX3_BODY.format(body="    loss = ((x @ w - y) ** 2).mean()\n    return torch.autograd.grad(loss, w)")
_EX3_NEG = _EX3_BODY.format(body="    loss = ((x @ w - y) ** 2).mean()\n    loss.backward()\n    return -w.grad")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.empty(in_features, out_features).normal_(0.0, in_features ** -0.5))
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.special.expit(torch.matmul(x, self.W).add(self.b))
'''
_EX4_FLINEAR = '''
import torch.nn.functional as F


class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.randn(in_features, out_features).div(math.sqrt(in_features)))
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.W.T, self.b).sigmoid()
'''
_EX4 = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter({W})
        self.b = nn.Parameter(torch.zeros(out_features))
        self.in_features = in_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return {forward}
'''
_W = "torch.randn(in_features, out_features) / math.sqrt(in_features)"
_F = "torch.sigmoid(x @ self.W + self.b)"
_EX4_INV_D = _EX4.format(W="torch.randn(in_features, out_features) / in_features", forward=_F)
_EX4_SQRT_OUT = _EX4.format(W="torch.randn(in_features, out_features) / math.sqrt(out_features)", forward=_F)
_EX4_SCALE_IN_FORWARD = _EX4.format(W="torch.randn(in_features, out_features)",
                                    forward="torch.sigmoid(x @ self.W / math.sqrt(self.in_features) + self.b)")
_EX4_SIGMOID_SIGN = _EX4.format(W=_W, forward="1 / (1 + torch.exp(x @ self.W + self.b))")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = '''
from collections import OrderedDict


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

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.fc1(x).relu())
'''
_EX5_APPEND = '''
import torch.nn.functional as F


def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    model = nn.Sequential()
    model.append(nn.Linear(in_features, hidden))
    model.append(nn.ReLU())
    model.append(nn.Linear(hidden, out_features))
    return model


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features=in_features, out_features=hidden)
        self.fc2 = nn.Linear(in_features=hidden, out_features=out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.threshold(self.fc1(x), 0.0, 0.0)
        return self.fc2(h)
'''
_EX5 = '''
import torch.nn.functional as F


def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(in_features, {h1}), nn.ReLU(), nn.Linear({h2}, out_features))


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
{init}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return {forward}
'''
_INIT = "        self.fc1 = nn.Linear(in_features, hidden)\n        self.fc2 = nn.Linear(hidden, out_features)"
_EX5_P = dict(h1="hidden", h2="hidden", init=_INIT, forward="self.fc2(F.relu(self.fc1(x)))")
_EX5_LEAKY = _EX5.format(**{**_EX5_P, "forward": "self.fc2(F.leaky_relu(self.fc1(x), 0.01))"})
_EX5_DROPOUT = _EX5.format(**{**_EX5_P, "init": _INIT + "\n        self.dropout = nn.Dropout(0.2)",
                              "forward": "self.fc2(self.dropout(F.relu(self.fc1(x))))"})
_EX5_SEED = _EX5.format(**{**_EX5_P, "init": "        torch.manual_seed(0)  # same weights as build_mlp\n" + _INIT})
_EX5_SWAP = _EX5.format(**{**_EX5_P, "h1": "out_features", "h2": "out_features"}).replace(
    "nn.Linear(out_features, out_features))", "nn.Linear(out_features, hidden))")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    dev = next(model.parameters()).device
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    history = []
    for epoch in progress(range(epochs), desc="epochs"):
        batches = iter(loader)
        total, count = 0.0, 0
        while True:
            try:
                x, y = next(batches)
            except StopIteration:
                break
            x, y = x.to(dev), y.to(dev)
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
            count += 1
        history.append(total / count)
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    return history
'''
_EX6_RUNNING = '''
import torch.nn.functional as F


def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    device_of_model = next(model.parameters()).device
    sgd = torch.optim.SGD(params=model.parameters(), lr=lr)
    model.train()
    means = []
    for epoch in range(epochs):
        mean = 0.0
        for k, (inputs, labels) in enumerate(progress(loader, desc=f"epoch {epoch}", leave=False), start=1):
            sgd.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(inputs.to(device_of_model)), labels.to(device_of_model))
            loss.backward()
            sgd.step()
            mean += (loss.item() - mean) / k
        means.append(float(mean))
        if on_epoch:
            on_epoch(epoch, means[-1])
    return means
'''
_EX6 = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    dev = next(model.parameters()).device
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss({reduction})
    model.train()
    history = []
{outer}    for epoch in progress(range(epochs), desc="epochs"):
{inner}        for i, (x, y) in enumerate({source}):
            x, y = x.to(dev), y.to(dev)
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
            count += 1
        history.append({mean})
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    return history
'''
_RESET = "        total, count = 0.0, 0\n"
_EX6_P = dict(reduction="", outer="", inner=_RESET, source="loader", mean="total / count")
_EX6_CUMULATIVE = _EX6.format(**{**_EX6_P, "outer": "    total, count = 0.0, 0\n", "inner": ""})
_EX6_ENUM_OFF_BY_ONE = _EX6.format(**{**_EX6_P, "mean": "total / i if i else total"})
_EX6_SUM = _EX6.format(**{**_EX6_P, "reduction": "reduction='sum'"})
_EX6_LIST_ONCE = _EX6.format(**{**_EX6_P, "outer": "    batches = list(loader)  # load the data once\n",
                                "source": "batches"})

MUTANTS = {
    "ex1_tensors": [
        ("flatten with .view fails on non-contiguous images", _EX1_VIEW),
        ("flatten squeezes: a batch of one image loses its batch dimension", _EX1_SQUEEZE),
        ("eps added after the division: (x - mean) / std + eps", _EX1_EPS_AFTER),
        ("one global mean and std for the whole tensor, not per column", _EX1_GLOBAL),
    ],
    "ex2_softmax": [
        ("max subtracted in the numerator only", _EX2_NUMERATOR_ONLY),
        ("sum without keepdim (broadcasts against the wrong axis)", _EX2_SUM_NO_KEEPDIM),
        ("logits clamped to [-80, 80] instead of subtracting the max", _EX2_CLAMP),
        ("adds the row max instead of subtracting it", _EX2_PLUS_MAX),
    ],
    "ex3_autograd": [
        ("targets reshaped to a column: the loss averages an N×N broadcast", _EX3_COLUMN),
        ("divides by x.numel() instead of the number of examples", _EX3_NUMEL),
        ("returns torch.autograd.grad's tuple, not the tensor", _EX3_TUPLE),
        ("returns minus the gradient (the descent direction)", _EX3_NEG),
    ],
    "ex4_dense": [
        ("W divided by in_features instead of its square root", _EX4_INV_D),
        ("W divided by sqrt(out_features) instead of sqrt(in_features)", _EX4_SQRT_OUT),
        ("W left unscaled, the 1/sqrt(in) applied in forward", _EX4_SCALE_IN_FORWARD),
        ("sigmoid with the wrong sign: 1 / (1 + exp(+z))", _EX4_SIGMOID_SIGN),
    ],
    "ex5_mlp": [
        ("MLP uses leaky_relu instead of ReLU", _EX5_LEAKY),
        ("MLP adds dropout after the hidden layer", _EX5_DROPOUT),
        ("MLP reseeds the global RNG in __init__", _EX5_SEED),
        ("build_mlp swaps hidden and out_features", _EX5_SWAP),
    ],
    "ex6_train": [
        ("epoch totals never reset: a running mean over all epochs so far", _EX6_CUMULATIVE),
        ("divides by the last enumerate index (one batch too few)", _EX6_ENUM_OFF_BY_ONE),
        ("cross-entropy with reduction='sum' (batch sums, gradients scaled by the batch size)", _EX6_SUM),
        ("loader materialised once: the same shuffle every epoch", _EX6_LIST_ONCE),
    ],
}

CORRECT = {
    "ex1_tensors": [
        ("torch.flatten and torch.std_mean", _EX1_OK),
        ("math.prod/view and a loop over columns", _EX1_LOOP),
    ],
    "ex2_softmax": [
        ("reshape to rows, torch.max(...).values[:, None], torch.div", _EX2_OK),
        ("a loop over rows writing into empty_like", _EX2_ROWS),
    ],
    "ex3_autograd": [
        ("torch.func.grad", _EX3_OK),
        ("F.mse_loss under enable_grad, clone().detach()", _EX3_MSE),
    ],
    "ex4_dense": [
        ("normal_(0, in**-0.5), torch.special.expit", _EX4_OK),
        ("randn().div(sqrt(in)), F.linear with W.T", _EX4_FLINEAR),
    ],
    "ex5_mlp": [
        ("OrderedDict Sequential, Tensor.relu()", _EX5_OK),
        ("Sequential.append, keyword Linear arguments, F.threshold", _EX5_APPEND),
    ],
    "ex6_train": [
        ("while loop over iter(loader)", _EX6_OK),
        ("running mean, F.cross_entropy, progress over the loader", _EX6_RUNNING),
    ],
}
