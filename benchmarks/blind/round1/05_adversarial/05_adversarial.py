"""Blind round, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen).

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""


def _sub(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times"
    return source.replace(old, new)


_FGSM = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    x_in = x.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x_in), y)
    (grad,) = torch.autograd.grad(loss, x_in)
    x_adv = x_in.detach() + eps * grad.sign()
    return x_adv.clamp(0.0, 1.0).detach()
'''

_FGSM_BACKWARD = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    x_in = x.clone().detach()
    x_in.requires_grad_()
    log_probs = torch.log_softmax(model(x_in), dim=1)
    loss = -log_probs.gather(1, y.view(-1, 1)).mean()
    loss.backward()
    g = x_in.grad
    step = torch.where(g > 0, torch.full_like(g, eps), torch.where(g < 0, torch.full_like(g, -eps), torch.zeros_like(g)))
    with torch.no_grad():
        out = torch.minimum(torch.maximum(x_in + step, torch.zeros_like(g)), torch.ones_like(g))
    return out.detach()
'''  # noqa: E501 (student code, kept as typed)

_ACC = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    correct = 0
    for start in range(0, len(x), batch_size):
        xb = x[start:start + batch_size].to(device)
        yb = y[start:start + batch_size].to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            pred = model(xb).argmax(dim=1)
        correct += int((pred == yb).sum())
    return correct / len(x)
'''

_ACC_LOADER = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.train(False)
    device = next(iter(model.parameters())).device
    hits = []
    for xb, yb in DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=False):
        xb, yb = xb.to(device), yb.to(device)
        x_eval = xb if attack is None else attack(model, xb, yb)
        with torch.inference_mode():
            hits.append(model(x_eval).argmax(-1).eq(yb).cpu())
    return torch.cat(hits).double().mean().item()
'''

_PGD = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    x0 = x.detach()
    x_adv = x0.clone()
    if random_start:
        x_adv = (x_adv + torch.empty_like(x_adv).uniform_(-eps, eps)).clamp(0, 1)
    for _ in range(steps):
        x_adv.requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), y)
        (grad,) = torch.autograd.grad(loss, x_adv)
        x_adv = x_adv.detach() + alpha * grad.sign()
        x_adv = torch.max(torch.min(x_adv, x0 + eps), x0 - eps).clamp(0, 1)
    return x_adv.detach()
'''

_PGD_DELTA = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    base = x.clone().detach()
    delta = torch.zeros_like(base)
    if random_start:
        delta.uniform_(-eps, eps)
        delta = (base + delta).clamp(0, 1) - base
    delta.requires_grad_(True)
    for _ in range(steps):
        loss = F.cross_entropy(model(base + delta), y)
        loss.backward()
        with torch.no_grad():
            delta += alpha * delta.grad.sign()
            delta.clamp_(-eps, eps)
            delta.copy_((base + delta).clamp(0, 1) - base)
        delta.grad.zero_()
    return (base + delta).clamp(0, 1).detach()
'''

_TARGETED = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: steps down the target's loss."""
    x0 = x.detach()
    x_adv = x0.clone()
    for _ in range(steps):
        x_adv.requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), target)
        (grad,) = torch.autograd.grad(loss, x_adv)
        x_adv = x_adv.detach() - alpha * grad.sign()
        x_adv = torch.max(torch.min(x_adv, x0 + eps), x0 - eps).clamp(0, 1)
    return x_adv.detach()
'''

_TARGETED_NLL = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: steps down the target's loss."""
    lower = torch.clamp(x.detach() - eps, min=0.0)
    upper = torch.clamp(x.detach() + eps, max=1.0)
    x_adv = x.detach().clone()
    for _ in range(steps):
        x_adv = x_adv.detach().requires_grad_(True)
        log_probs = F.log_softmax(model(x_adv), dim=-1)
        loss = F.nll_loss(log_probs, target, reduction="sum")   # per-example gradients: same signs as the mean
        grad, = torch.autograd.grad(loss, [x_adv])
        x_adv = torch.clamp(x_adv - alpha * torch.sign(grad), lower, upper)
    return x_adv.detach()
'''

_TRAIN = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    device = next(model.parameters()).device
    history = []
    for epoch in range(epochs):
        total, batches = 0.0, 0
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            model.eval()
            x_adv = attack(model, x, y)
            model.train()
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_adv), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
            batches += 1
        mean_loss = total / batches
        history.append(mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss)
    return history
'''

_TRAIN_FMEAN = '''
import statistics


def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    device = next(model.parameters()).device
    means = []
    for epoch in progress(range(epochs), desc="adversarial training"):
        losses = []
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            model.eval()
            xb_adv = attack(model, xb, yb).detach()
            model.train()
            optimizer.zero_grad(set_to_none=False)
            loss = F.nll_loss(F.log_softmax(model(xb_adv), dim=1), yb)
            loss.backward()
            optimizer.step()
            losses.append(float(loss))
        means.append(statistics.fmean(losses))
        if on_epoch:
            on_epoch(epoch, means[-1])
    return means
'''

CORRECT = {
    "ex1_fgsm": [("autograd.grad, clamp", _FGSM),
                 ("backward() and x.grad, log_softmax + gather, torch.where sign, min/max clamp", _FGSM_BACKWARD)],
    "ex2_accuracy": [("slices, int count, division by len(x)", _ACC),
                     ("DataLoader over a TensorDataset, inference_mode, mean of a hit tensor", _ACC_LOADER)],
    "ex3_pgd": [("autograd.grad, min/max projection", _PGD),
                ("a perturbation delta updated in place with backward() and grad.zero_()", _PGD_DELTA)],
    "ex4_targeted": [("autograd.grad, minus the signed gradient", _TARGETED),
                     ("nll_loss(sum) on log_softmax, clamp with tensor bounds precomputed", _TARGETED_NLL)],
    "ex5_adv_train": [("running total and count", _TRAIN),
                      ("progress over epochs, statistics.fmean, nll_loss on log_softmax", _TRAIN_FMEAN)],
}

MUTANTS = {
    "ex1_fgsm": [
        ("switches the model to train mode to get gradients (batch-norm statistics change, mode left changed)",
         _sub(_FGSM, "    x_in = x.detach()", "    model.train()\n    x_in = x.detach()")),
        ("clamps to [-1, 1] instead of the pixel range [0, 1]", _sub(_FGSM, "clamp(0.0, 1.0)", "clamp(-1.0, 1.0)")),
        ("returns the perturbation eps * sign(grad), not the attacked image",
         _sub(_FGSM, "    return x_adv.clamp(0.0, 1.0).detach()\n", "    return (eps * grad.sign()).detach()\n")),
        ("softmax applied before cross_entropy (double softmax)",
         _sub(_FGSM, "F.cross_entropy(model(x_in), y)", "F.cross_entropy(F.softmax(model(x_in), dim=1), y)")),
    ],
    "ex2_accuracy": [
        ("off-by-one slice end: batches overlap by one example",
         _sub(_sub(_ACC, "x[start:start + batch_size]", "x[start:start + batch_size + 1]"),
              "y[start:start + batch_size]", "y[start:start + batch_size + 1]")),
        ("attacks the whole set in one call instead of batch by batch",
         _sub(_sub(_ACC, "        if attack is not None:\n            xb = attack(model, xb, yb)\n", ""),
              "    correct = 0\n",
              "    correct = 0\n    if attack is not None:\n        x = attack(model, x.to(device), y.to(device))\n")),
        ("returns a percentage (0-100) instead of a share",
         _sub(_ACC, "return correct / len(x)", "return 100.0 * correct / len(x)")),
        ("ignores the batch_size argument (always 256)",
         _sub(_sub(_sub(_ACC, "range(0, len(x), batch_size)", "range(0, len(x), 256)"),
                   "x[start:start + batch_size]", "x[start:start + 256]"),
              "y[start:start + batch_size]", "y[start:start + 256]")),
    ],
    "ex3_pgd": [
        ("one step too few: range(1, steps)", _sub(_PGD, "for _ in range(steps):", "for _ in range(1, steps):")),
        ("the perturbation's .grad is never zeroed: gradients accumulate over the steps",
         _sub(_PGD_DELTA, "        delta.grad.zero_()\n", "")),
        ("random start drawn in [-alpha, alpha] instead of [-eps, eps]",
         _sub(_PGD, "uniform_(-eps, eps)", "uniform_(-alpha, alpha)")),
        ("Gaussian random start (randn * eps) instead of uniform",
         _sub(_PGD, "torch.empty_like(x_adv).uniform_(-eps, eps)", "torch.randn_like(x_adv) * eps")),
    ],
    "ex4_targeted": [
        ("projects before the step instead of after it (the last step leaves the ball)",
         _sub(_sub(_TARGETED, "        x_adv = torch.max(torch.min(x_adv, x0 + eps), x0 - eps).clamp(0, 1)\n", ""),
              "        x_adv.requires_grad_(True)\n",
              "        x_adv = torch.max(torch.min(x_adv, x0 + eps), x0 - eps).clamp(0, 1)\n"
              "        x_adv.requires_grad_(True)\n")),
        ("projects onto the eps-box only, no clamp to [0, 1]",
         _sub(_TARGETED, "torch.max(torch.min(x_adv, x0 + eps), x0 - eps).clamp(0, 1)",
              "torch.max(torch.min(x_adv, x0 + eps), x0 - eps)")),
        ("stops early once every example is classified as its target",
         _sub(_TARGETED, "        x_adv.requires_grad_(True)\n",
              "        with torch.no_grad():\n            if (model(x_adv).argmax(dim=1) == target).all():\n"
              "                break\n"
              "        x_adv.requires_grad_(True)\n")),
        ("one step too many: range(steps + 1)",
         _sub(_TARGETED, "for _ in range(steps):", "for _ in range(steps + 1):")),
    ],
    "ex5_adv_train": [
        ("batch losses not reset per epoch (a running mean over all epochs so far)",
         _sub(_sub(_TRAIN, "        total, batches = 0.0, 0\n", ""),
              "    history = []\n", "    history = []\n    total, batches = 0.0, 0\n")),
        ("optimizer.step() before loss.backward()",
         _sub(_TRAIN, "            loss.backward()\n            optimizer.step()\n",
              "            optimizer.step()\n            loss.backward()\n")),
        ("cross-entropy summed over the batch (reduction='sum')",
         _sub(_TRAIN, "F.cross_entropy(model(x_adv), y)", "F.cross_entropy(model(x_adv), y, reduction=\"sum\")")),
        ("on_epoch gets a 1-based epoch number",
         _sub(_TRAIN, "on_epoch(epoch, mean_loss)", "on_epoch(epoch + 1, mean_loss)")),
    ],
}
