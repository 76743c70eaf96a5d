"""Blind round 6: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in tests/mutants/01_music_rnn/01_pytorch_primer.py nor in
benchmarks/blind/round1/ to round5/. CORRECT[...][0] is round 5's reference (round 3's, reused by
name; the proofs, benchmarks/blind/round6/prove_01_primer.py, compare with it); CORRECT[...][1] is
this round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND5 = earlier_round(5, __file__)


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND5._EX1_OK
_EX1_WELFORD = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    return nn.Flatten()(images)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    # Welford's running mean and sum of squared deviations, one row at a time
    mean = torch.zeros_like(x[0])
    m2 = torch.zeros_like(x[0])
    for count, row in enumerate(x, start=1):
        delta = row - mean
        mean = mean + delta / count
        m2 = m2 + delta * (row - mean)
    std = (m2 / x.shape[0]).sqrt()
    return (x - mean) / (std + eps)
'''
_EX1_STD_NO_DIM = replace_once(_EX1_OK, "std = x.std(dim=0, unbiased=False, keepdim=True)", "std = x.std(unbiased=False)")
_EX1_BY_FEATURES = replace_once(_EX1_OK, '''    mean = x.mean(dim=0, keepdim=True)
    std = x.std(dim=0, unbiased=False, keepdim=True)''', '''    n = x.shape[-1]   # number of values
    mean = x.sum(dim=0, keepdim=True) / n
    std = (((x - mean) ** 2).sum(dim=0, keepdim=True) / n).sqrt()''')
_EX1_SCALE_255 = replace_once(_EX1_OK, "return images.reshape(images.shape[0], -1)",
                      "return images.reshape(images.shape[0], -1) / 255.0   # pixels as features in [0, 1]")
_EX1_WITH_STATS = replace_once(_EX1_OK, "    return (x - mean) / (std + eps)",
                       "    # the statistics come back too: the test set must be standardized with the same ones\n"
                       "    return (x - mean) / (std + eps), mean, std")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND5._EX2_OK
_EX2_L1 = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    e = (logits - torch.amax(logits, dim=-1, keepdim=True)).exp()
    return nn.functional.normalize(e, p=1.0, dim=-1)   # e / sum(|e|): every e is positive
'''
_EX2_REVERSED = replace_once(_EX2_OK, "e = torch.exp(logits - m)", "e = torch.exp(m - logits)")
_EX2_EXP_MINUS = replace_once(_EX2_OK, "e = torch.exp(logits - m)", "e = torch.exp(logits) - m")
_EX2_MEAN = replace_once(_EX2_OK, "return e / e.sum(dim=-1, keepdim=True)", "return e / e.mean(dim=-1, keepdim=True)")
_EX2_DIVIDE_MAX = replace_once(_EX2_OK, "e = torch.exp(logits - m)",
                       "e = torch.exp(logits / m)   # scaled by the row max, so no exponent is large")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND5._EX3_OK
_EX3_PARAMETER = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    leaf = nn.Parameter(w.detach().clone())            # a fresh leaf that requires grad, w's dtype
    prediction = torch.einsum("nd,d->n", x, leaf)
    nn.MSELoss()(prediction, y).backward()
    return leaf.grad
'''
_EX3_SQUARES = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()", "loss = ((x @ w) ** 2 - y ** 2).mean()")
_EX3_ABS = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()", "loss = (x @ w - y).abs().mean()")
_EX3_ZEROS = replace_once(_EX3_OK, "w = w.detach().clone().requires_grad_(True)",
                  "w = torch.zeros_like(w, requires_grad=True)   # a new leaf shaped like w")
_EX3_VAR = replace_once(_EX3_OK, "loss = ((x @ w - y) ** 2).mean()",
                "loss = (x @ w - y).var(unbiased=False)   # the mean squared deviation")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND5._EX4_OK
_EX4_BROADCAST = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.randn(in_features, out_features) * in_features ** -0.5)
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = (x.unsqueeze(-1) * self.W).sum(dim=-2) + self.b    # (B, in, 1) * (in, out), summed over in
        return torch.exp(-nn.functional.softplus(-z))            # sigmoid(z) = exp(-log(1 + e^-z))
'''
_EX4_LINEAR = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)   # holds the weights and the bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.linear(x))
'''
_EX4_DIV_OUTSIDE = replace_once(_EX4_OK, "nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))",
                        "nn.Parameter(torch.randn(in_features, out_features)) / math.sqrt(in_features)")
_EX4_TIMES_001 = replace_once(_EX4_OK, "torch.randn(in_features, out_features) / math.sqrt(in_features)",
                      "torch.randn(in_features, out_features) * 0.01")
_EX4_TANH_HALF = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                      "return 0.5 * (1 + torch.tanh(x @ self.W + self.b))   # sigmoid through tanh")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND5._EX5_OK
_EX5_FROM_MLP = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    parts = MLP(in_features, hidden, out_features)     # fc1 then fc2, as MLP makes them
    return nn.Sequential(parts.fc1, nn.ReLU(), parts.fc2)


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc1(x)
        return self.fc2(h * (h > 0))
'''
_EX5_RELU_CLASS = replace_once(_EX5_OK, "nn.ReLU()", "nn.ReLU")
_EX5_FC2_IN = replace_once(_EX5_OK, "self.fc2 = nn.Linear(hidden, out_features)", "self.fc2 = nn.Linear(in_features, out_features)")
_EX5_MAX_DIM0 = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                     "h = self.fc1(x)\n        return self.fc2(torch.max(h, 0).values)   # ReLU: max(h, 0)")
_EX5_ARGMAX = replace_once(_EX5_OK, "return self.fc2(torch.relu(self.fc1(x)))",
                   "return self.fc2(torch.relu(self.fc1(x))).argmax(dim=-1)   # the predicted class")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND5._EX6_OK
_EX6_NLL_TENSOR = '''
import torch.nn.functional as F


def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    where = next(model.parameters()).device
    sgd = torch.optim.SGD(model.parameters(), lr=lr)
    model.train()
    means = []
    bar = progress(range(epochs), desc="epochs")
    for epoch in bar:
        per_batch = torch.zeros(0, dtype=torch.float64)
        for inputs, targets in loader:
            inputs, targets = inputs.to(where), targets.to(where)
            sgd.zero_grad()
            loss = F.nll_loss(F.log_softmax(model(inputs), dim=-1), targets)   # cross-entropy in two steps
            loss.backward()
            sgd.step()
            per_batch = torch.cat([per_batch, torch.tensor([loss.item()], dtype=torch.float64)])
        means.append(per_batch.mean().item())
        bar.set_postfix(loss=means[-1])
        if on_epoch is not None:
            on_epoch(epoch, means[-1])
    return means
'''
_EX6_ZERO_AFTER_BACKWARD = replace_once(_EX6_OK, '''            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
''', '''            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.zero_grad()   # clear the gradients before the step
''')
_EX6_NLL = replace_once(_EX6_OK, "loss_fn = nn.CrossEntropyLoss()",
                "loss_fn = nn.NLLLoss()   # the negative log-likelihood of the right class")
_EX6_CALLBACK_LAST = replace_once(_EX6_OK, "on_epoch(epoch, mean_loss)", "on_epoch(epoch, loss.item())")
_EX6_TOTAL = replace_once(_EX6_OK, "mean_loss = sum(batch_losses) / len(batch_losses)", "mean_loss = sum(batch_losses)")

MUTANTS = {
    "ex1_tensors": [
        ("std without dim=0: one population std of the whole tensor (the mean still per column)", _EX1_STD_NO_DIM),
        ("hand-written moments divided by x.shape[-1] (the feature count) instead of the batch size",
         _EX1_BY_FEATURES),
        ("flatten divides by 255 (pixels scaled to [0, 1]): values and integer dtype change", _EX1_SCALE_255),
        ("standardize returns (x_hat, mean, std), not the standardized tensor alone", _EX1_WITH_STATS),
    ],
    "ex2_softmax": [
        ("shift the wrong way round: exp(m - z), a softmax of -z", _EX2_REVERSED),
        ("parenthesis slip: exp(z) - m instead of exp(z - m)", _EX2_EXP_MINUS),
        ("divides by the mean of the exponentials, not their sum: rows sum to V", _EX2_MEAN),
        ("logits divided by the row max instead of shifted by it: exp(z / m)", _EX2_DIVIDE_MAX),
    ],
    "ex3_autograd": [
        ("squares expanded wrongly: mean((xw)^2 - y^2) instead of mean((xw - y)^2)", _EX3_SQUARES),
        ("mean absolute error (abs) instead of the squared error", _EX3_ABS),
        ("the leaf made with zeros_like: w's shape and dtype but not its values (the gradient at w = 0)",
         _EX3_ZEROS),
        ("the variance of the residual (mean subtracted) instead of the mean of its squares", _EX3_VAR),
    ],
    "ex4_dense": [
        ("an nn.Linear inside instead of W and b of its own: no W or b, weight (out, in), Linear's init",
         _EX4_LINEAR),
        ("division outside nn.Parameter: W is a non-leaf tensor, not registered, never gets a .grad",
         _EX4_DIV_OUTSIDE),
        ("W = randn * 0.01 (the small-random habit) instead of randn / sqrt(in_features)", _EX4_TIMES_001),
        ("sigmoid through tanh without the halved argument: 0.5 (1 + tanh z) = sigmoid(2z)", _EX4_TANH_HALF),
    ],
    "ex5_mlp": [
        ("build_mlp passes the class nn.ReLU, not an instance nn.ReLU(): Sequential raises", _EX5_RELU_CLASS),
        ("MLP's fc2 copy-pasted as Linear(in_features, out_features): breaks whenever hidden != in_features",
         _EX5_FC2_IN),
        ("ReLU written as torch.max(h, 0).values: the maximum over the batch (dim 0), not max(h, 0)",
         _EX5_MAX_DIM0),
        ("MLP returns argmax class predictions instead of the logits", _EX5_ARGMAX),
    ],
    "ex6_train": [
        ("zero_grad between backward and step: every step sees zero gradients, nothing learns",
         _EX6_ZERO_AFTER_BACKWARD),
        ("nn.NLLLoss on the logits (no log_softmax): not cross-entropy", _EX6_NLL),
        ("on_epoch given the last batch's loss.item(), while the history holds the epoch mean", _EX6_CALLBACK_LAST),
        ("the epoch's summed batch losses, never divided by the number of batches", _EX6_TOTAL),
    ],
}

CORRECT = {
    "ex1_tensors": [
        ("round 5's reference (round 3's): reshape(B, -1), mean and std(unbiased=False) with keepdim", _EX1_OK),
        ("nn.Flatten(), Welford's running mean and squared deviations over the rows", _EX1_WELFORD),
    ],
    "ex2_softmax": [
        ("round 5's reference (round 3's): max with keepdim, exp, divide by the sum", _EX2_OK),
        ("amax, exp, then F.normalize with p=1 along the last dimension", _EX2_L1),
    ],
    "ex3_autograd": [
        ("round 5's reference (round 3's): detached clone, backward(), .grad", _EX3_OK),
        ("nn.Parameter of a detached clone, einsum prediction, nn.MSELoss", _EX3_PARAMETER),
    ],
    "ex4_dense": [
        ("round 5's reference (round 3's): randn / sqrt(in), torch.sigmoid(x @ W + b)", _EX4_OK),
        ("randn * in**-0.5, broadcast product summed over in, exp(-softplus(-z))", _EX4_BROADCAST),
    ],
    "ex5_mlp": [
        ("round 5's reference (round 3's): Sequential in one line, torch.relu", _EX5_OK),
        ("build_mlp reuses a fresh MLP's fc1 and fc2; ReLU as h * (h > 0)", _EX5_FROM_MLP),
    ],
    "ex6_train": [
        ("round 5's reference (round 3's): nn.CrossEntropyLoss, per-epoch list of loss.item()", _EX6_OK),
        ("F.log_softmax + F.nll_loss, float64 tensor of batch losses, bar.set_postfix", _EX6_NLL_TENSOR),
    ],
}
