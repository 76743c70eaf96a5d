"""Blind round 7: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/01_pytorch_primer.py nor in
benchmarks/blind/round1/ to round6/. CORRECT[...][0] is round 6's reference (round 3's, reused by
name; the proofs, benchmarks/blind/round7/prove_01_primer.py, compare with it); CORRECT[...][1] is
this round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND6 = earlier_round(6, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND6.CORRECT[gid][0]


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = _reference("ex1_tensors")[1]
_EX1_FLOAT64_INSIDE = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return torch.flatten(images.contiguous(), start_dim=1)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    wide = x.to(torch.float64)                               # the moments in float64, whatever x is
    n = wide.shape[0]
    mean = torch.einsum("bf->f", wide) / n
    var = torch.einsum("bf,bf->f", wide - mean, wide - mean) / n
    return ((wide - mean) / (var.sqrt() + eps)).to(x.dtype)
'''
_EX1_INTERLEAVED = replace_once(_EX1_OK, "return images.reshape(images.shape[0], -1)",
                                "return images.reshape(-1, images.shape[0]).T   # (F, B), then one row per image")
_EX1_NUMPY = replace_once(_EX1_OK, "return images.reshape(images.shape[0], -1)",
                          "return images.numpy().reshape(images.shape[0], -1)   # NumPy's reshape")
_EX1_MEAN_SQUARED = replace_once(_EX1_OK, "std = x.std(dim=0, unbiased=False, keepdim=True)",
                                 "std = torch.sqrt((x - mean).mean(dim=0, keepdim=True) ** 2)")
_EX1_NOT_CENTRED = replace_once(_EX1_OK, "return (x - mean) / (std + eps)", "return x / (std + eps)")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = _reference("ex2_softmax")[1]
_EX2_LOGSUMEXP = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    return torch.exp(logits - torch.logsumexp(logits, dim=-1, keepdim=True))
'''
_EX2_NO_VALUES = replace_once(_EX2_OK, "m = logits.max(dim=-1, keepdim=True).values",
                              "m = logits.max(dim=-1, keepdim=True)")
_EX2_LSE_UNSHIFTED = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)",
                                  "return torch.exp(logits - torch.log(e.sum(dim=-1, keepdim=True)))  # log domain")
_EX2_EXPM1 = replace_once(_EX2_OK, "e = torch.exp(logits - m)", "e = torch.expm1(logits - m)")
_EX2_SIGMOID = replace_once(_EX2_OK, "e = torch.exp(logits - m)",
                            "e = torch.sigmoid(logits)   # bounded in (0, 1): never overflows")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = _reference("ex3_autograd")[1]
_EX3_AUTOGRAD_GRAD = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    leaf = w.detach().clone()
    leaf.requires_grad = True
    residual = torch.mv(x, leaf) - y
    loss = nn.functional.mse_loss(residual, torch.zeros_like(residual))
    (grad,) = torch.autograd.grad(loss, [leaf])
    return grad
'''
_EX3_W_AT_X = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()", "loss = ((w @ x - y) ** 2).mean()")
_EX3_RETURNS_W = replace_once(_EX3_OK, "return w.grad", "return w   # the leaf that now holds the gradient")
_EX3_NUMPY = replace_once(_EX3_OK, "return w.grad", "return w.grad.numpy()")
_EX3_TWICE = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()",
                          "loss = (2 * (x @ w - y) ** 2).mean()   # the 2 of the gradient formula")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = _reference("ex4_dense")[1]
_EX4_ADDMM = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(nn.init.normal_(torch.empty(in_features, out_features), 0.0, in_features ** -0.5))
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        return torch.special.expit(torch.addmm(self.b, x, self.W))
'''
_EX4_HE = replace_once(_EX4_OK, "/ math.sqrt(in_features)", "* math.sqrt(2.0 / in_features)")
_EX4_B_IN = replace_once(_EX4_OK, "torch.zeros(out_features)", "torch.zeros(in_features)")
_EX4_B_SCALAR = replace_once(_EX4_OK, "self.b = nn.Parameter(torch.zeros(out_features))",
                             "self.b = nn.Parameter(torch.zeros(1))   # one bias, broadcast over the outputs")
_EX4_SOFTMAX = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                            "return torch.softmax(x @ self.W + self.b, dim=-1)")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = _reference("ex5_mlp")[1]
_EX5_LIST = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    layers = [nn.Linear(in_features, hidden)]
    layers.append(nn.ReLU())
    layers.append(nn.Linear(hidden, out_features))
    return nn.Sequential(*layers)


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features=in_features, out_features=hidden)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(in_features=hidden, out_features=out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        hidden = self.act(self.fc1(x))
        return self.fc2(hidden)
'''
_EX5_FC2_OF_X = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                             "h = torch.relu(self.fc1(x))\n        return self.fc2(x)")
_EX5_RETURNS_MLP = replace_once(
    _EX5_OK,
    "    return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features))\n",
    "    return MLP(in_features, hidden, out_features)   # the same layers, written once\n")
_EX5_HIDDEN_OUT = replace_once(_EX5_OK, "nn.ReLU(), nn.Linear(hidden, out_features))",
                               "nn.ReLU(), nn.Linear(hidden, hidden))")
_EX5_TANH = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                         "return self.fc2(torch.tanh(self.fc1(x)))")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = _reference("ex6_train")[1]
_EX6_COUNTERS = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    device_of_model = next(iter(model.parameters())).device
    sgd = torch.optim.SGD(params=model.parameters(), lr=lr)
    model.train(True)
    history = []
    epoch = 0
    for epoch in progress(range(epochs), desc="epochs"):
        total, batches = 0.0, 0
        for step, (inputs, targets) in enumerate(loader):
            model.zero_grad(set_to_none=True)
            logits = model(inputs.to(device_of_model))
            loss = nn.functional.cross_entropy(logits, targets.to(device_of_model))
            loss.backward()
            sgd.step()
            total += float(loss.detach())
            batches = step + 1
        history.append(total / batches)
        if on_epoch:
            on_epoch(epoch, history[-1])
    return history
'''
_EX6_EVERY_BATCH = replace_once(_EX6_OK, "        history.append(mean_loss)\n",
                                "        history.extend(batch_losses)   # the whole curve, batch by batch\n")
_EX6_BY_EXAMPLES = replace_once(_EX6_OK, "mean_loss = sum(batch_losses) / len(batch_losses)",
                                "mean_loss = sum(batch_losses) / len(loader.dataset)")
_EX6_ONE_HOT_10 = replace_once(_EX6_OK, "loss = loss_fn(model(x), y)",
                               "loss = loss_fn(model(x), nn.functional.one_hot(y, 10).float())   # 10 digits")
_EX6_EMA = replace_once(_EX6_OK, "mean_loss = sum(batch_losses) / len(batch_losses)",
                        "mean_loss = batch_losses[0]\n"
                        "        for value in batch_losses[1:]:\n"
                        "            mean_loss = 0.9 * mean_loss + 0.1 * value   # smoothed, as progress bars show it")

MUTANTS = {
    "ex1_tensors": [
        ("flatten as reshape(-1, B).T: each row mixes pixels of every image", _EX1_INTERLEAVED),
        ("flatten through NumPy: returns an ndarray, not a tensor", _EX1_NUMPY),
        ("parenthesis slip: std = sqrt(mean(x - mu) ** 2), the mean deviation (0) squared", _EX1_MEAN_SQUARED),
        ("standardize forgets to subtract the mean: x / (std + eps)", _EX1_NOT_CENTRED),
    ],
    "ex2_softmax": [
        ("max(...) without .values: subtracting the (values, indices) tuple raises", _EX2_NO_VALUES),
        ("log-domain form with the unshifted log-sum: exp(z - log sum e^(z - m)), rows sum to e^m",
         _EX2_LSE_UNSHIFTED),
        ("torch.expm1 (e^x - 1) instead of torch.exp: the largest logit gets probability 0", _EX2_EXPM1),
        ("sigmoids normalised to sum 1 instead of exponentials", _EX2_SIGMOID),
    ],
    "ex3_autograd": [
        ("w @ x instead of x @ w: a shape error, or x.T @ w when x is square", _EX3_W_AT_X),
        ("returns the leaf w (its values), not w.grad", _EX3_RETURNS_W),
        ("returns w.grad.numpy(): an ndarray, not a tensor", _EX3_NUMPY),
        ("the 2 of the gradient formula put into the loss: the gradient doubled", _EX3_TWICE),
    ],
    "ex4_dense": [
        ("He init randn * sqrt(2 / in) (the ReLU habit) instead of randn / sqrt(in)", _EX4_HE),
        ("bias sized in_features instead of out_features", _EX4_B_IN),
        ("one scalar bias of shape (1,) shared by every output", _EX4_B_SCALAR),
        ("softmax over the outputs instead of the element-wise sigmoid", _EX4_SOFTMAX),
    ],
    "ex5_mlp": [
        ("typo: MLP's fc2 applied to the input x, not the hidden h (runs when hidden == in_features)",
         _EX5_FC2_OF_X),
        ("build_mlp returns an MLP instance, not an nn.Sequential", _EX5_RETURNS_MLP),
        ("build_mlp's last layer Linear(hidden, hidden): out_features ignored", _EX5_HIDDEN_OUT),
        ("MLP uses tanh (the RNN habit) instead of ReLU", _EX5_TANH),
    ],
    "ex6_train": [
        ("returns every batch loss (a flat list), not one mean per epoch", _EX6_EVERY_BATCH),
        ("sum of the batch means divided by len(loader.dataset) (examples), not the number of batches",
         _EX6_BY_EXAMPLES),
        ("cross-entropy against one_hot(y, 10): the digits' 10 classes hard-coded", _EX6_ONE_HOT_10),
        ("exponential moving average of the batch losses (the progress-bar habit), not their mean", _EX6_EMA),
    ],
}

CORRECT = {
    "ex1_tensors": [_reference("ex1_tensors"),
                    ("torch.flatten(start_dim=1); moments by einsum in float64, cast back to x's dtype",
                     _EX1_FLOAT64_INSIDE)],
    "ex2_softmax": [_reference("ex2_softmax"),
                    ("exp(z - logsumexp(z)) along the last dimension", _EX2_LOGSUMEXP)],
    "ex3_autograd": [_reference("ex3_autograd"),
                     ("requires_grad attribute on a clone, torch.mv, F.mse_loss against zeros, autograd.grad",
                      _EX3_AUTOGRAD_GRAD)],
    "ex4_dense": [_reference("ex4_dense"),
                  ("nn.init.normal_ with std in**-0.5, addmm, torch.special.expit", _EX4_ADDMM)],
    "ex5_mlp": [_reference("ex5_mlp"),
                ("Sequential from a list of layers; MLP with keyword Linear arguments and an nn.ReLU module",
                 _EX5_LIST)],
    "ex6_train": [_reference("ex6_train"),
                  ("F.cross_entropy, model.zero_grad(set_to_none=True), enumerate-counted batches", _EX6_COUNTERS)],
}
