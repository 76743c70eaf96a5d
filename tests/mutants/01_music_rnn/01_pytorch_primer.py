"""Wrong answers for lab 01 part 1 (PyTorch primer)."""

_FLATTEN_OK = '''
def flatten(images):
    return images.reshape(images.shape[0], -1)
'''
_STANDARDIZE_OK = '''
def standardize(x, eps=1e-6):
    return (x - x.mean(dim=0, keepdim=True)) / (x.std(dim=0, unbiased=False, keepdim=True) + eps)
'''

_DENSE = '''
class DenseLayer(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.W = {W}
        self.b = {b}

    def forward(self, x):
        return {forward}
'''
_W_OK = "nn.Parameter(torch.randn(in_features, out_features) / math.sqrt(in_features))"
_B_OK = "nn.Parameter(torch.zeros(out_features))"

_MLP = '''
def build_mlp(in_features, hidden, out_features):
    return nn.Sequential(nn.Linear(in_features, hidden), {act}nn.Linear(hidden, out_features){tail})


class MLP(nn.Module):
    def __init__(self, in_features, hidden, out_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.fc2 = nn.Linear(hidden, out_features)

    def forward(self, x):
        return {forward}
'''

_TRAIN = '''
def train(model, loader, epochs, lr, on_epoch=None):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    history = []
    for epoch in range(epochs):
        batch_losses = []
        for x, y in loader:
{body}
            batch_losses.append(loss.item())
        history.append({summary})
    return history
'''
_STEP_OK = '''            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()'''

MUTANTS = {
    "ex1_tensors": [
        ("flatten puts the batch last", "def flatten(images):\n    return images.reshape(-1, images.shape[0])\n" + _STANDARDIZE_OK),
        ("standardize over rows (dim=1)", _FLATTEN_OK + _STANDARDIZE_OK.replace("dim=0", "dim=1")),
        ("unbiased standard deviation", _FLATTEN_OK + _STANDARDIZE_OK.replace("unbiased=False", "unbiased=True")),
        ("no eps: constant columns divide by zero", _FLATTEN_OK + _STANDARDIZE_OK.replace(" + eps)", ")")),
    ],
    "ex2_softmax": [
        ("no max subtraction (overflows)", "def softmax(logits):\n    e = logits.exp()\n    return e / e.sum(dim=-1, keepdim=True)\n"),
        ("normalised over the batch (dim=0)", "def softmax(logits):\n    e = (logits - logits.max(dim=0, keepdim=True).values).exp()\n    return e / e.sum(dim=0, keepdim=True)\n"),
        ("sum over every element", "def softmax(logits):\n    e = (logits - logits.max()).exp()\n    return e / e.sum()\n"),
    ],
    "ex3_autograd": [
        ("sum instead of mean", "def mse_gradient(w, x, y):\n    w = w.detach().clone().requires_grad_(True)\n    ((x @ w - y) ** 2).sum().backward()\n    return w.grad\n"),
        ("forgot the square", "def mse_gradient(w, x, y):\n    w = w.detach().clone().requires_grad_(True)\n    (x @ w - y).mean().backward()\n    return w.grad\n"),
        ("hand formula without the factor 2", "def mse_gradient(w, x, y):\n    return x.T @ (x @ w - y) / len(y)\n"),
    ],
    "ex4_dense": [
        ("no activation", _DENSE.format(W=_W_OK, b=_B_OK, forward="x @ self.W + self.b")),
        ("bias is a plain tensor, not a Parameter", _DENSE.format(W=_W_OK, b="torch.zeros(out_features)", forward="torch.sigmoid(x @ self.W + self.b)")),
        ("W stored as (out, in)", _DENSE.format(W="nn.Parameter(torch.randn(out_features, in_features))", b=_B_OK, forward="torch.sigmoid(x @ self.W.T + self.b)")),
        ("random bias init and ReLU", _DENSE.format(W=_W_OK, b="nn.Parameter(torch.randn(out_features))", forward="torch.relu(x @ self.W + self.b)")),
    ],
    "ex5_mlp": [
        ("no ReLU between the layers", _MLP.format(act="", tail="", forward="self.fc2(self.fc1(x))")),
        ("ReLU after the output layer", _MLP.format(act="nn.ReLU(), ", tail=", nn.ReLU()", forward="torch.relu(self.fc2(torch.relu(self.fc1(x))))")),
        ("sigmoid instead of ReLU", _MLP.format(act="nn.Sigmoid(), ", tail="", forward="self.fc2(torch.sigmoid(self.fc1(x)))")),
    ],
    "ex6_train": [
        ("no zero_grad: gradients accumulate", _TRAIN.format(body=_STEP_OK.replace("            optimizer.zero_grad()\n", ""), summary="sum(batch_losses) / len(batch_losses)")),
        ("step before backward", _TRAIN.format(body="            optimizer.zero_grad()\n            loss = loss_fn(model(x), y)\n            optimizer.step()\n            loss.backward()", summary="sum(batch_losses) / len(batch_losses)")),
        ("softmax applied before cross-entropy", _TRAIN.format(body=_STEP_OK.replace("loss_fn(model(x), y)", "loss_fn(torch.softmax(model(x), dim=-1), y)"), summary="sum(batch_losses) / len(batch_losses)")),
        ("reports the last batch's loss", _TRAIN.format(body=_STEP_OK, summary="batch_losses[-1]")),
    ],
}
