"""Blind round 4: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/01_pytorch_primer.py nor in
benchmarks/blind/round1/, round2/ or round3/. CORRECT[...][0] is round 3's reference (the proofs,
benchmarks/blind/round4/prove_01.py, compare with it, as round 3's did); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND3 = earlier_round(3, __file__)


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND3._EX1_OK
_EX1_VAR_MEAN = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    return images.contiguous().view(images.size(0), -1)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    var, mean = torch.var_mean(x, dim=0, correction=0, keepdim=True)
    return (x - mean) / (var.sqrt() + eps)
'''
_EX1_RESIZE = replace_once(_EX1_OK, "return images.reshape(images.shape[0], -1)",
                   "return images.resize_(images.shape[0], images[0].numel())")
_EX1_STD_MEAN = replace_once(_EX1_OK, '''    mean = x.mean(dim=0, keepdim=True)
    std = x.std(dim=0, unbiased=False, keepdim=True)''', '''    mean, std = torch.std_mean(x, dim=0, correction=0, keepdim=True)''')
_EX1_RMS = replace_once(_EX1_OK, "std = x.std(dim=0, unbiased=False, keepdim=True)",
                "std = x.pow(2).mean(dim=0, keepdim=True).sqrt()")
_EX1_NORMALIZE = replace_once(_EX1_OK, '''    mean = x.mean(dim=0, keepdim=True)
    std = x.std(dim=0, unbiased=False, keepdim=True)
    return (x - mean) / (std + eps)''', '''    centred = x - x.mean(dim=0, keepdim=True)
    return torch.nn.functional.normalize(centred, dim=0, eps=eps)''')

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND3._EX2_OK
_EX2_LSE = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    return torch.exp(logits - torch.logsumexp(logits, dim=-1, keepdim=True))
'''
_EX2_THRESHOLD = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    if logits.max() > 80:                       # exp overflows past ~88 in float32: shift only then
        logits = logits - logits.max(dim=-1, keepdim=True).values
    e = torch.exp(logits)
    return e / e.sum(dim=-1, keepdim=True)
'''
_EX2_FIRST_AXIS = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    rows = []
    for row in logits:
        e = torch.exp(row - row.max())
        rows.append(e / e.sum())
    return torch.stack(rows)
'''
_EX2_ABS_MAX = replace_once(_EX2_OK, "m = logits.max(dim=-1, keepdim=True).values",
                    "m = logits.abs().max(dim=-1, keepdim=True).values")
_EX2_FLOAT = replace_once(_EX2_OK, "e = torch.exp(logits - m)", "e = torch.exp((logits - m).float())")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND3._EX3_OK
_EX3_FUNC = '''
import torch.nn.functional as F


def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.func.grad(lambda v: F.mse_loss(x @ v, y))(w.detach())
'''
_EX3_NORM = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()", "loss = torch.linalg.norm(x @ w - y) / len(y)")
_EX3_SQUEEZE = replace_once(_EX3_OK, "    return w.grad\n", "    return w.grad.squeeze()\n")
_EX3_N_MINUS_1 = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()", "loss = ((x @ w - y) ** 2).sum() / (len(y) - 1)")
_EX3_TWICE = replace_once(_EX3_OK, "    loss.backward()\n",
                  "    loss.backward(retain_graph=True)   # a first pass to look at the gradient\n"
                  "    loss.backward()\n")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND3._EX4_OK
_EX4_ADDMM = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.empty(in_features, out_features).normal_(0.0, 1.0 / math.sqrt(in_features)))
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.addmm(self.b, x, self.W).sigmoid()
'''
_EX4_XAVIER = replace_once(_EX4_OK, "self.W = nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))",
                   "self.W = nn.Parameter(torch.empty(in_features, out_features))\n"
                   "        nn.init.xavier_uniform_(self.W)")
_EX4_FROZEN = replace_once(_EX4_OK, "torch.randn(in_features, out_features) / math.sqrt(in_features))",
                   "torch.randn(in_features, out_features) / math.sqrt(in_features), requires_grad=False)")
_EX4_RESEED = replace_once(_EX4_OK, "        super().__init__()\n",
                   "        super().__init__()\n        torch.manual_seed(0)   # reproducible weights\n")
_EX4_EXP_RATIO = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                      "z = x @ self.W + self.b\n        return torch.exp(z) / (1 + torch.exp(z))")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND3._EX5_OK
_EX5_ORDERED = '''
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
        for name, (n_in, n_out) in (("fc1", (in_features, hidden)), ("fc2", (hidden, out_features))):
            setattr(self, name, nn.Linear(n_in, n_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.fc1(x).clamp(min=0))
'''
_EX5_FLATTEN = replace_once(_EX5_OK, "return nn.Sequential(nn.Linear(in_features, hidden),",
                    "return nn.Sequential(nn.Flatten(), nn.Linear(in_features, hidden),")
_EX5_KAIMING = replace_once(_EX5_OK, "        self.fc2 = nn.Linear(hidden, out_features)\n",
                    "        self.fc2 = nn.Linear(hidden, out_features)\n"
                    "        nn.init.kaiming_normal_(self.fc1.weight, nonlinearity=\"relu\")   # He init for ReLU\n")
_EX5_TWO_STACKS = replace_once(replace_once(_EX5_OK, "        self.fc2 = nn.Linear(hidden, out_features)\n",
                            "        self.fc2 = nn.Linear(hidden, out_features)\n"
                            "        self.net = build_mlp(in_features, hidden, out_features)\n"),
                       "return self.fc2(torch.relu(self.fc1(x)))", "return self.net(x)")
_EX5_NO_TRANSPOSE = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                         "return torch.relu(self.fc1(x)) @ self.fc2.weight + self.fc2.bias")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND3._EX6_OK
_EX6_FMEAN = '''
import statistics

import torch.nn.functional as F


def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    params = list(model.parameters())
    dev = params[0].device
    opt = torch.optim.SGD(params, lr=lr)
    model.train()
    history: list[float] = []
    epoch = 0
    bar = progress(total=epochs, desc="epochs")
    while epoch < epochs:
        seen = []
        for inputs, labels in iter(loader):
            opt.zero_grad()
            loss = F.cross_entropy(model(inputs.to(dev)), labels.to(dev))
            loss.backward()
            opt.step()
            seen.append(float(loss.detach()))
        history.append(statistics.fmean(seen))
        if on_epoch:
            on_epoch(epoch, history[-1])
        epoch += 1
        bar.update(1)
    bar.close()
    return history
'''
_EX6_ONE_BASED = replace_once(_EX6_OK, "on_epoch(epoch, mean_loss)", "on_epoch(epoch + 1, mean_loss)")
_EX6_NP_MEAN = replace_once(replace_once(_EX6_OK, "mean_loss = sum(batch_losses) / len(batch_losses)",
                         "mean_loss = np.mean(batch_losses)"),
                    "def train(", "import numpy as np\n\n\ndef train(")
_EX6_TRAIN_AT_END = replace_once(replace_once(_EX6_OK, "    model.train()\n    history = []\n", "    history = []\n"),
                         "            on_epoch(epoch, mean_loss)\n",
                         "            on_epoch(epoch, mean_loss)\n        model.train()\n")
_EX6_RESEED = replace_once(_EX6_OK, "    dev = next(model.parameters()).device\n",
                   "    torch.manual_seed(0)   # reproducible runs\n    dev = next(model.parameters()).device\n")

MUTANTS = {
    "ex1_tensors": [
        ("flatten with resize_: the caller's batch is reshaped in place, a transposed view read in memory order",
         _EX1_RESIZE),
        ("torch.std_mean unpacked as (mean, std): it returns (std, mean)", _EX1_STD_MEAN),
        ("std as the root mean square of x, not centred on the column mean", _EX1_RMS),
        ("F.normalize of the centred columns: unit L2 norm per column, not unit standard deviation", _EX1_NORMALIZE),
    ],
    "ex2_softmax": [
        ("shifts by the row max only when some logit exceeds 80: rows of very negative logits underflow to NaN",
         _EX2_THRESHOLD),
        ("a loop over the first axis: right for 2-D logits, a 3-D batch normalised over whole matrices",
         _EX2_FIRST_AXIS),
        ("subtracts the largest |logit| of the row, not its max: negative rows underflow", _EX2_ABS_MAX),
        ("exponentials computed in float32 (.float()): float64 logits give float32 probabilities", _EX2_FLOAT),
    ],
    "ex3_autograd": [
        ("loss is the norm of the residual over N, not the mean of its squares", _EX3_NORM),
        ("the gradient squeezed: a one-weight w gives a 0-d gradient, not shape (1,)", _EX3_SQUEEZE),
        ("squared errors summed and divided by N - 1 (the sample-variance habit)", _EX3_N_MINUS_1),
        ("backward called twice (retain_graph=True): the gradient accumulates to twice its value", _EX3_TWICE),
    ],
    "ex4_dense": [
        ("W from nn.init.xavier_uniform_: std sqrt(2 / (in + out)), not 1 / sqrt(in)", _EX4_XAVIER),
        ("W a Parameter with requires_grad=False: backward never reaches it", _EX4_FROZEN),
        ("reseeds torch (manual_seed(0)) in __init__: every layer starts from the same weights", _EX4_RESEED),
        ("sigmoid as exp(z) / (1 + exp(z)): NaN once z passes ~88", _EX4_EXP_RATIO),
    ],
    "ex5_mlp": [
        ("build_mlp starts with nn.Flatten(): four modules, not Linear, ReLU, Linear", _EX5_FLATTEN),
        ("MLP re-initialises fc1 with kaiming_normal_: not the same start as build_mlp", _EX5_KAIMING),
        ("MLP keeps fc1 and fc2 but runs a second stack from build_mlp: twice the parameters, fc1 and fc2 unused",
         _EX5_TWO_STACKS),
        ("MLP applies fc2 as h @ weight + bias, without the transpose", _EX5_NO_TRANSPOSE),
    ],
    "ex6_train": [
        ("on_epoch(epoch + 1, ...): epochs counted from 1", _EX6_ONE_BASED),
        ("epoch mean from np.mean: numpy.float64 values, not Python floats", _EX6_NP_MEAN),
        ("model.train() at the end of each epoch instead of before the loop: the first epoch runs in eval mode",
         _EX6_TRAIN_AT_END),
        ("reseeds torch (manual_seed(0)) at the start: a loader shuffled by torch's generator replays one order",
         _EX6_RESEED),
    ],
}

CORRECT = {
    "ex1_tensors": [
        ("round 3's reference: reshape(B, -1), mean and std(unbiased=False) with keepdim", _EX1_OK),
        ("contiguous().view, torch.var_mean with correction=0", _EX1_VAR_MEAN),
    ],
    "ex2_softmax": [
        ("round 3's reference: max with keepdim, exp, divide by the sum", _EX2_OK),
        ("exp(logits - logsumexp)", _EX2_LSE),
    ],
    "ex3_autograd": [
        ("round 3's reference: detached clone, backward(), .grad", _EX3_OK),
        ("torch.func.grad of F.mse_loss", _EX3_FUNC),
    ],
    "ex4_dense": [
        ("round 3's reference: randn / sqrt(in), torch.sigmoid(x @ W + b)", _EX4_OK),
        ("normal_(0, 1 / sqrt(in)) in place, addmm and .sigmoid()", _EX4_ADDMM),
    ],
    "ex5_mlp": [
        ("round 3's reference: Sequential in one line, torch.relu", _EX5_OK),
        ("Sequential from an OrderedDict, layers made with setattr in a loop, clamp(min=0)", _EX5_ORDERED),
    ],
    "ex6_train": [
        ("round 3's reference: nn.CrossEntropyLoss, per-epoch list of loss.item()", _EX6_OK),
        ("while loop over epochs, a manual progress bar, statistics.fmean", _EX6_FMEAN),
    ],
}
