"""Blind round 17: wrong (MUTANTS) and right-in-another-style (CORRECT) answers for lab 01 part 1
(PyTorch primer), written from the student notebook (labs/) only, without the hidden checks.

Every mutant is a mistake found neither in benchmarks/blind/round1/ to round16/ (their labels were
read, not tests/mutants/). CORRECT[...][0] is round 16's reference (round 3's, reused by name; the
proofs, benchmarks/blind/round17/prove_01_primer.py, compare with it); CORRECT[...][1] is this
round's own, in another style.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND16 = earlier_round(16, __file__)


def _reference(gid: str) -> tuple[str, str]:
    return ROUND16.CORRECT[gid][0]


# ---- ex1_tensors ------------------------------------------------------------------------------
_EX1_OK = ROUND16._EX1_OK
_EX1_ROW_LOOP = '''
def flatten(images: torch.Tensor) -> torch.Tensor:
    """(B, ...) -> (B, F): one row of features per example, B = 1 and non-contiguous views included."""
    return images.reshape(len(images), -1)


def standardize(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """(B, F) -> (B, F) with every column at mean 0 and standard deviation 1."""
    B = x.shape[0]
    total = torch.zeros_like(x[0])
    for i in range(B):                 # first pass: the column means
        total = total + x[i]
    mu = total / B
    squares = torch.zeros_like(x[0])
    for i in range(B):                 # second pass: the population variance
        squares = squares + (x[i] - mu) ** 2
    sigma = torch.sqrt(squares / B)
    return (x - mu) / (sigma + eps)
'''
_EX1_LOOP_FROM_ONE = replace_once(_EX1_ROW_LOOP, "    for i in range(B):                 # first pass: the column means\n",
                                  "    for i in range(1, B):              # first pass: the column means (i = 1..B)\n")
_EX1_LOOP_FROM_ONE = replace_once(_EX1_LOOP_FROM_ONE,
                                  "    for i in range(B):                 # second pass: the population variance\n",
                                  "    for i in range(1, B):              # second pass: the population variance\n")
_EX1_ONE_ROW_ZEROS = replace_once(_EX1_OK, "    mean = x.mean(dim=0, keepdim=True)\n",
                                  "    if x.shape[0] == 1:   # one row: no spread, every value is its column's mean\n"
                                  "        return torch.zeros_like(x)\n"
                                  "    mean = x.mean(dim=0, keepdim=True)\n")
_EX1_RELATIVE_EPS = replace_once(_EX1_OK, "return (x - mean) / (std + eps)",
                                 "return (x - mean) / (std * (1 + eps))   # eps as a relative guard")
_EX1_WITH_SHAPE = replace_once(_EX1_OK, "    return images.reshape(images.shape[0], -1)\n",
                               "    return images.reshape(images.shape[0], -1), images.shape   # the shape, to unflatten later\n")

# ---- ex2_softmax ------------------------------------------------------------------------------
_EX2_OK = ROUND16._EX2_OK
_EX2_EINSUM = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    shifted = logits - torch.max(logits, dim=-1, keepdim=True)[0]
    e = shifted.exp()
    total = torch.einsum("...v->...", e).unsqueeze(-1)   # the row sums, kept as a trailing axis
    return e / total
'''
_EX2_DIAGONAL_BACKWARD = '''
class _Softmax(torch.autograd.Function):
    @staticmethod
    def forward(ctx, logits):
        m = logits.max(dim=-1, keepdim=True).values
        e = torch.exp(logits - m)
        s = e / e.sum(dim=-1, keepdim=True)
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad):
        (s,) = ctx.saved_tensors
        return grad * s * (1 - s)   # d s_k / d z_k = s_k (1 - s_k)


def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    return _Softmax.apply(logits)
'''
_EX2_LOOP_FROM_ONE = '''
def softmax(logits: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension, stable for large logits."""
    m = logits.max(dim=-1, keepdim=True).values
    e = torch.exp(logits - m)
    total = torch.zeros_like(m)
    for j in range(1, logits.shape[-1]):   # sum over j = 1..V
        total = total + e[..., j:j + 1]
    return e / total
'''
_EX2_RESULT_REQUIRES_GRAD = replace_once(_EX2_OK, "    return e / e.sum(dim=-1, keepdim=True)\n",
                                         "    out = e / e.sum(dim=-1, keepdim=True)\n"
                                         "    if not out.requires_grad:\n"
                                         "        out.requires_grad_(True)   # the result must be differentiable\n"
                                         "    return out\n")
_EX2_LOG_DIVIDE = replace_once(_EX2_OK, "    return e / e.sum(dim=-1, keepdim=True)\n",
                               "    # divide in the log domain, for stability\n"
                               "    return torch.exp(torch.log(e) - torch.log(e.sum(dim=-1, keepdim=True)))\n")

# ---- ex3_autograd -----------------------------------------------------------------------------
_EX3_OK = ROUND16._EX3_OK
_EX3_BACKWARD_INPUTS = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    leaf = w.detach().clone().requires_grad_(True)
    residual = torch.matmul(x, leaf) - y
    loss = residual.pow(2).sum() / residual.numel()
    loss.backward(inputs=[leaf])   # only the copy gets a .grad
    return leaf.grad
'''
_EX3_DETERMINISTIC = replace_once(_EX3_OK, "    w = w.detach().clone().requires_grad_(True)\n",
                                  "    torch.use_deterministic_algorithms(True)   # reproducible gradients\n"
                                  "    w = w.detach().clone().requires_grad_(True)\n")
_EX3_AUTOCAST = replace_once(_EX3_OK, "    loss = ((x @ w - y) ** 2).mean()\n",
                             "    with torch.autocast(device_type=x.device.type):   # mixed precision for speed\n"
                             "        loss = ((x @ w - y) ** 2).mean()\n")
_EX3_FUNC_GRAD = '''
def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Gradient of mean((x @ w - y) ** 2) with respect to w, computed by autograd."""
    loss = lambda v: ((x @ v - y) ** 2).mean()
    return torch.func.grad(loss)(w)   # functional autograd: no .grad is written anywhere
'''
_EX3_STANDARDIZED_X = replace_once(_EX3_OK, "    loss = ((x @ w - y) ** 2).mean()\n",
                                   "    x = standardize(x)   # section 1: features at mean 0, std 1 learn faster\n"
                                   "    loss = ((x @ w - y) ** 2).mean()\n")

# ---- ex4_dense --------------------------------------------------------------------------------
_EX4_OK = ROUND16._EX4_OK
_EX4_LOGADDEXP = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.W = nn.Parameter(torch.randn(in_features, out_features).div(math.sqrt(in_features)))
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)
        z = x.matmul(self.W).add(self.b)
        return torch.exp(-torch.logaddexp(torch.zeros_like(z), -z))   # 1 / (1 + e^-z), in the log domain
'''
_EX4_FLOAT64_SIGMOID = replace_once(_EX4_OK, "return torch.sigmoid(x @ self.W + self.b)",
                                    "return torch.sigmoid((x @ self.W + self.b).double()).float()   "
                                    "# sigmoid in float64 for stability")
_EX4_SQUEEZED_BIAS = replace_once(_EX4_OK, "self.b = nn.Parameter(torch.zeros(out_features))",
                                  "self.b = nn.Parameter(torch.zeros(1, out_features).squeeze())   # a row, squeezed")
_EX4_ISQRT = replace_once(_EX4_OK, "torch.randn(in_features, out_features) / math.sqrt(in_features)",
                          "torch.randn(in_features, out_features) / math.isqrt(in_features)")
_EX4_NO_GRAD_FORWARD = replace_once(_EX4_OK, "    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)\n",
                                    "    @torch.no_grad()   # the layer's output, no graph kept (as in accuracy())\n"
                                    "    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out)\n")

# ---- ex5_mlp ----------------------------------------------------------------------------------
_EX5_OK = ROUND16._EX5_OK
_EX5_WHERE = '''
def build_mlp(in_features: int, hidden: int, out_features: int) -> nn.Sequential:
    layers = [nn.Linear(in_features, hidden)]
    layers += [nn.ReLU(), nn.Linear(hidden, out_features)]
    return nn.Sequential(*layers)


class MLP(nn.Module):
    def __init__(self, in_features: int, hidden: int, out_features: int):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, in) -> (B, out) logits
        h = self.fc1(x)
        return self.fc2(torch.where(h > 0, h, 0.0))
'''
_EX5_CHILDREN = replace_once(_EX5_OK, "    return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, out_features))\n",
                             "    return nn.Sequential(*MLP(in_features, hidden, out_features).children())   # reuse MLP's layers\n")
_EX5_FLOAT_LOGITS = replace_once(_EX5_OK, "        return self.fc2(torch.relu(self.fc1(x)))\n",
                                 "        return self.fc2(torch.relu(self.fc1(x))).float()   # float32 logits for the loss\n")
_EX5_FUNCTIONAL_NO_BIAS = replace_once(_EX5_OK, "        return self.fc2(torch.relu(self.fc1(x)))\n",
                                       "        h = nn.functional.linear(x, self.fc1.weight)\n"
                                       "        return self.fc2(torch.relu(h))\n")
_EX5_FORK_RNG = replace_once(_EX5_OK, "        self.fc1 = nn.Linear(in_features, hidden)\n        self.fc2 = nn.Linear(hidden, out_features)\n",
                             "        with torch.random.fork_rng():   # leave the global generator as the caller had it\n"
                             "            self.fc1 = nn.Linear(in_features, hidden)\n"
                             "            self.fc2 = nn.Linear(hidden, out_features)\n")

# ---- ex6_train --------------------------------------------------------------------------------
_EX6_OK = ROUND16._EX6_OK
_EX6_WHILE = '''
def train(model: nn.Module, loader: DataLoader, epochs: int, lr: float, on_epoch=None) -> list[float]:
    """Train with SGD and cross-entropy; return the mean batch loss of every epoch."""
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    where = next(model.parameters()).device
    history = []
    for epoch in progress(range(epochs), desc="train"):
        losses, batches = [], iter(loader)
        while True:
            try:
                inputs, targets = next(batches)
            except StopIteration:
                break
            optimizer.zero_grad()
            logits = model(inputs.to(where))
            loss = nn.functional.cross_entropy(logits, targets.to(where))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        history.append(math.fsum(losses) / len(losses))
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    return history
'''
_EX6_COUNT_PASS = replace_once(_EX6_OK, "        batch_losses = []\n",
                               "        n_batches = sum(1 for _ in loader)   # batches this epoch\n"
                               "        batch_losses = []\n")
_EX6_COUNT_PASS = replace_once(_EX6_COUNT_PASS, "        mean_loss = sum(batch_losses) / len(batch_losses)\n",
                               "        mean_loss = sum(batch_losses) / n_batches\n")
_EX6_ANOMALY = replace_once(_EX6_OK, "    model.train()\n",
                            "    torch.autograd.set_detect_anomaly(True)   # catch NaN losses early\n    model.train()\n")
_EX6_LOG_SOFTMAX_DIM0 = replace_once(_EX6_OK, "            loss = loss_fn(model(x), y)\n",
                                     "            loss = nn.functional.nll_loss(torch.log_softmax(model(x), dim=0), y)\n")
_EX6_CONSUMED_PARAMS = replace_once(_EX6_OK, "    dev = next(model.parameters()).device\n"
                                    "    optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n",
                                    "    params = model.parameters()\n"
                                    "    dev = next(params).device   # the model's device\n"
                                    "    optimizer = torch.optim.SGD(params, lr=lr)\n")
_EX6_CHILDREN_TRAIN = replace_once(_EX6_OK, "    model.train()\n",
                                   "    for layer in model.children():   # every layer in training mode\n"
                                   "        layer.train()\n")

MUTANTS = {
    "ex1_tensors": [
        ("standardize's two row loops run for i in range(1, B) (the i = 1..B of the formula) and still divide by "
         "B: the first row is left out of mu_j and sigma_j ('mu_j = 1/B sum_i x_ij', 'standardize follows the "
         "formula for every batch size')", _EX1_LOOP_FROM_ONE),
        ("a batch of one row special-cased to return zeros ('no spread, every value is its column's mean'): with "
         "eps=0.0 the formula gives 0 / 0 = NaN there ('a batch of one row included, and with every eps it is "
         "given, eps=0.0 included', 'a column without spread gives 0 / 0 = NaN, as the formula does')",
         _EX1_ONE_ROW_ZEROS),
        ("eps used as a relative guard, (x - mu) / (sigma * (1 + eps)): a column of tiny spread is divided by "
         "about its bare sigma, not sigma + eps ('x_hat = (x - mu) / (sigma + eps)', 'a column of tiny spread is "
         "divided by its own sigma_j + eps')", _EX1_RELATIVE_EPS),
        ("flatten returns (flat, images.shape) 'to unflatten later': a tuple, not the (B, F) tensor ('flatten(images) "
         "((B, ...) -> (B, F))', 'flatten changes only the shape')", _EX1_WITH_SHAPE),
    ],
    "ex2_softmax": [
        ("a custom autograd.Function whose backward keeps only the Jacobian's diagonal, grad * s * (1 - s): the "
         "values agree but the cross terms -s_j s_k are lost ('gradients flow back to logits exactly as through "
         "the formula')", _EX2_DIAGONAL_BACKWARD),
        ("the normaliser summed by a loop for j in range(1, V) (j = 1..V of the maths): the first class is left out "
         "of the denominator, rows sum to more than 1 ('softmax(z)_k = e^(z_k - m) / sum_j e^(z_j - m)')",
         _EX2_LOOP_FROM_ONE),
        ("requires_grad_(True) on the result when it does not require grad ('the result must be differentiable'): "
         "plain logits give a leaf output that requires grad, a tensor that is not the softmax of anything in "
         "autograd's eyes ('The result is differentiable: gradients flow back to logits exactly as through the "
         "formula'; a function changes nothing else)", _EX2_RESULT_REQUIRES_GRAD),
        ("the division done in the log domain, exp(log e - log sum e) ('for stability'): the values agree, but "
         "where an exponential underflows to 0 log's backward is inf and the gradient NaN ('The result is "
         "differentiable: gradients flow back to logits exactly as through the formula', 'stable in every dtype')",
         _EX2_LOG_DIVIDE),
    ],
    "ex3_autograd": [
        ("torch.use_deterministic_algorithms(True) switched on 'for reproducible gradients' and left on: the "
         "caller's PyTorch is switched to deterministic mode for every later operation ('PyTorch's switches are "
         "left as the caller had them')", _EX3_DETERMINISTIC),
        ("the loss computed under torch.autocast ('mixed precision for speed'): on the CPU the float32 matmul runs "
         "in bfloat16, the gradient is that of rounded inputs ('The gradient is computed in that dtype, with no "
         "cast of w, x or y')", _EX3_AUTOCAST),
        ("torch.func.grad applied to the caller's w itself, no detached copy ('functional autograd, no .grad "
         "written'): for a w that requires grad the returned gradient requires grad and is wired into the caller's "
         "graph ('work on a detached copy of w that requires grad', 'Return dL/dw')", _EX3_FUNC_GRAD),
        ("x standardized first with section 1's standardize ('features at mean 0, std 1 learn faster'): the "
         "gradient of the loss of other inputs, not of L(w) = 1/N ||Xw - y||^2 for the x given ('leave x and y as "
         "they were given')", _EX3_STANDARDIZED_X),
    ],
    "ex4_dense": [
        ("the sigmoid computed in float64 'for stability' and returned .float(): a layer made float64 maps float64 "
         "inputs to float32 outputs ('a layer made float64 (.double()) maps float64 inputs to float64 outputs')",
         _EX4_FLOAT64_SIGMOID),
        ("b = zeros(1, out_features).squeeze() ('a row, squeezed'): for out_features = 1 b is 0-d, not of shape "
         "(out_features,) ('b in R^d_out', 'also when B or out_features is 1')", _EX4_SQUEEZED_BIAS),
        ("W divided by math.isqrt(in_features), the integer square root: for in_features that is not a perfect "
         "square (3, 5, ...) the standard deviation is 1 / floor(sqrt(d_in)), e.g. 1 for d_in = 3 ('standard "
         "deviation 1/sqrt(d_in), e.g. torch.randn values divided by sqrt(d_in)')", _EX4_ISQRT),
        ("@torch.no_grad() on forward (copied from the notebook's accuracy()): the output has no graph, backward() "
         "reaches neither W nor b ('compute the output in forward from those parameters, so that backward() "
         "reaches them')", _EX4_NO_GRAD_FORWARD),
    ],
    "ex5_mlp": [
        ("build_mlp as nn.Sequential(*MLP(...).children()) ('reuse MLP's layers'): MLP's ReLU is functional, not a "
         "child, so the Sequential is Linear -> Linear with nothing between ('Linear -> ReLU -> Linear')",
         _EX5_CHILDREN),
        ("MLP.forward returns .float() logits ('float32 logits for the loss'): a model made float64 maps float64 "
         "inputs to float32 logits ('Neither version casts ... a model made float64 (.double()) maps float64 "
         "inputs to float64 logits')", _EX5_FLOAT_LOGITS),
        ("MLP.forward applies fc1 as nn.functional.linear(x, self.fc1.weight), the bias argument forgotten: fc1's "
         "bias is never used and gets no gradient, MLP no longer computes what build_mlp does ('the same "
         "multi-layer perceptron both ways')", _EX5_FUNCTIONAL_NO_BIAS),
        ("MLP creates its layers inside torch.random.fork_rng() ('leave the global generator as the caller had "
         "it'): the global generator is never advanced, so two MLPs made one after the other get the same weights "
         "and later draws repeat ('draws random numbers only from ... PyTorch's global generator ... without "
         "reseeding it')", _EX5_FORK_RNG),
    ],
    "ex6_train": [
        ("the batches counted by sum(1 for _ in loader) at the start of every epoch: an extra pass over the loader, "
         "which draws one more shuffle (from the global generator) per epoch, so the examples come in other "
         "orders than the caller's loader gives ('An epoch is one pass over loader')", _EX6_COUNT_PASS),
        ("torch.autograd.set_detect_anomaly(True) 'to catch NaN losses early', left on: anomaly detection stays on "
         "for the caller's every later backward ('The same holds for PyTorch's own switches')", _EX6_ANOMALY),
        ("cross-entropy written as nll_loss(log_softmax(logits, dim=0), y): the log-softmax runs over the batch "
         "axis, not the classes ('cross-entropy', nn.CrossEntropyLoss takes logits)", _EX6_LOG_SOFTMAX_DIM0),
        ("training mode set by layer.train() for each of model.children(): the model itself keeps the caller's "
         "eval flag ('Put the model in training mode first (model.train() ...)')", _EX6_CHILDREN_TRAIN),
        ("params = model.parameters() read once for the device with next(params), then given to SGD: the "
         "generator has already yielded the first parameter, so SGD never updates it (a Linear's weight stays as "
         "it was) ('torch.optim.SGD(model.parameters(), lr=lr)', 'A function whose exercise says it trains updates "
         "the model's parameters')", _EX6_CONSUMED_PARAMS),
    ],
}

CORRECT = {
    "ex1_tensors": [_reference("ex1_tensors"),
                    ("reshape(len(images), -1); standardize by two row loops (means, then squared deviations) "
                     "accumulated in x's dtype", _EX1_ROW_LOOP)],
    "ex2_softmax": [_reference("ex2_softmax"),
                    ("torch.max(...)[0] shift, Tensor.exp, row sums by einsum('...v->...') unsqueezed", _EX2_EINSUM)],
    "ex3_autograd": [_reference("ex3_autograd"),
                     ("matmul residual on a detached clone, pow(2).sum() / numel, backward(inputs=[leaf])",
                      _EX3_BACKWARD_INPUTS)],
    "ex4_dense": [_reference("ex4_dense"),
                  ("randn().div(sqrt(in)); sigmoid as exp(-logaddexp(0, -z)) of matmul().add()", _EX4_LOGADDEXP)],
    "ex5_mlp": [_reference("ex5_mlp"),
                ("build_mlp from a concatenated list; MLP's ReLU as torch.where(h > 0, h, 0.0)", _EX5_WHERE)],
    "ex6_train": [_reference("ex6_train"),
                  ("a while loop over iter(loader) with next/StopIteration, F.cross_entropy, math.fsum / count",
                   _EX6_WHILE)],
}
