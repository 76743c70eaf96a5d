"""Blind round 2, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
neither tests/mutants nor round 1 holds.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""


def _sub(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times"
    return source.replace(old, new)


# ----------------------------------------------------------------------------- ex1 FGSM
_FGSM = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    x_req = x.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x_req), y)
    grad = torch.autograd.grad(loss, x_req)[0]
    step = eps * torch.sign(grad)
    return torch.clamp(x_req.detach() + step, 0.0, 1.0)
'''

_FGSM_F64 = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    leaf = torch.empty_like(x).copy_(x)
    leaf.requires_grad = True
    nll = F.nll_loss(F.log_softmax(model(leaf), dim=1), y)
    nll.backward()
    with torch.no_grad():
        moved = leaf.double() + eps * leaf.grad.double().sign()
        out = torch.clip(moved, 0.0, 1.0).to(x.dtype)
    return out
'''

# ----------------------------------------------------------------------------- ex2 accuracy
_ACC = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n_right = 0
    for i in range(0, x.shape[0], batch_size):
        xb = x[i:i + batch_size].to(device)
        yb = y[i:i + batch_size].to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            logits = model(xb)
        n_right += (logits.argmax(dim=1) == yb).sum().item()
    return n_right / x.shape[0]
'''

_ACC_SPLIT = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.train(mode=False)
    dev = next(iter(model.parameters())).device
    hits = []
    for xb, yb in zip(torch.split(x, batch_size), torch.split(y, batch_size)):
        xb, yb = xb.to(dev), yb.to(dev)
        inputs = attack(model, xb, yb) if attack is not None else xb
        with torch.inference_mode():
            hits.append(torch.eq(model(inputs).argmax(-1), yb).cpu())
    return float(torch.cat(hits).double().mean())
'''

# ----------------------------------------------------------------------------- ex3 PGD
_PGD = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    x_orig = x.detach().clone()
    if random_start:
        x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)
    else:
        x_adv = x_orig.clone()
    for _ in range(steps):
        x_adv = x_adv.detach().requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), y)
        (grad,) = torch.autograd.grad(loss, [x_adv])
        x_adv = x_adv.detach() + alpha * grad.sign()
        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    return x_adv.detach()
'''

_PGD_DELTA = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    clean = x.detach()
    delta = torch.zeros_like(clean)
    if random_start:
        delta = torch.empty_like(clean).uniform_(-eps, eps)
        delta = (clean + delta).clamp(0, 1) - clean
    step = 0
    while step < steps:
        delta = delta.detach().requires_grad_()
        F.cross_entropy(model(clean + delta), y).backward()
        with torch.no_grad():
            delta = (delta + alpha * delta.grad.sign()).clamp(-eps, eps)
            delta = (clean + delta).clamp(0, 1) - clean
        step += 1
    return (clean + delta).detach()
'''

# ----------------------------------------------------------------------------- ex4 targeted PGD
_TGT = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: steps down the target's loss."""
    x_orig = x.detach().clone()
    x_adv = x_orig.clone()
    for _ in range(steps):
        x_adv = x_adv.detach().requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), target)
        (grad,) = torch.autograd.grad(loss, [x_adv])
        x_adv = x_adv.detach() - alpha * grad.sign()
        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    return x_adv.detach()
'''

_TGT_NEG = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: steps down the target's loss."""
    base = x.detach()
    low = torch.maximum(base - eps, torch.zeros_like(base))
    high = torch.minimum(base + eps, torch.ones_like(base))
    cur = base.clone()
    for _ in range(steps):
        cur.requires_grad_(True)
        objective = -F.nll_loss(torch.log_softmax(model(cur), dim=-1), target)   # ascend minus the loss
        objective.backward()
        with torch.no_grad():
            cur = torch.minimum(torch.maximum(cur + alpha * cur.grad.sign(), low), high)
    return cur.detach()
'''

# ----------------------------------------------------------------------------- ex5 adversarial training
_TRAIN = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    device = next(model.parameters()).device
    history = []
    for epoch in range(epochs):
        batch_losses = []
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            model.eval()
            x_adv = attack(model, x, y)
            model.train()
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_adv), y)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        mean_loss = sum(batch_losses) / len(batch_losses)
        history.append(mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss)
    return history
'''

_TRAIN_FSUM = '''
import math as _math


def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    device = next(model.parameters()).device
    out = []
    epoch = 0
    while epoch < epochs:
        seen = []
        for batch in loader:
            xb, yb = (t.to(device) for t in batch)
            model.train(False)
            adv = attack(model, xb, yb).detach()
            model.train(True)
            for p in model.parameters():
                p.grad = None
            logp = torch.log_softmax(model(adv), dim=-1)
            loss = -logp.gather(1, yb[:, None]).mean()
            loss.backward()
            optimizer.step()
            seen.append(float(loss))
        out.append(_math.fsum(seen) / len(seen))
        if callable(on_epoch):
            on_epoch(epoch, out[-1])
        epoch += 1
    return out
'''

CORRECT = {
    "ex1_fgsm": [("autograd.grad, torch.sign, torch.clamp", _FGSM),
                 ("backward() on an empty_like copy, nll_loss(log_softmax), float64 step, torch.clip", _FGSM_F64)],
    "ex2_accuracy": [("slices, .sum().item() count, divide by N", _ACC),
                     ("torch.split pairs, inference_mode, mean of a hit tensor", _ACC_SPLIT)],
    "ex3_pgd": [("autograd.grad, clamp with tensor bounds then [0, 1]", _PGD),
                ("a perturbation delta, backward(), while loop", _PGD_DELTA)],
    "ex4_targeted": [("autograd.grad, minus the signed gradient", _TGT),
                     ("ascends -nll_loss with backward(), bounds precomputed with maximum/minimum", _TGT_NEG)],
    "ex5_adv_train": [("list of batch losses, sum / len", _TRAIN),
                      ("while over epochs, grads set to None by hand, CE by gather, math.fsum", _TRAIN_FSUM)],
}

MUTANTS = {
    "ex1_fgsm": [
        ("sign by (grad >= 0) * 2 - 1: pixels with zero gradient still move by eps",
         _sub(_FGSM, "eps * torch.sign(grad)", "eps * ((grad >= 0).float() * 2 - 1)")),
        ("binary cross-entropy on one-hot labels instead of the cross-entropy",
         _sub(_FGSM, "    loss = F.cross_entropy(model(x_req), y)\n",
              "    logits = model(x_req)\n"
              "    loss = F.binary_cross_entropy_with_logits(logits, F.one_hot(y, logits.shape[-1]).float())\n")),
        ("one perturbation for the whole batch (gradient summed over the batch)",
         _sub(_FGSM, "eps * torch.sign(grad)", "eps * torch.sign(grad.sum(dim=0, keepdim=True))")),
        ("steps down the true class's logit instead of up the loss",
         _sub(_sub(_FGSM, "F.cross_entropy(model(x_req), y)", "model(x_req).gather(1, y[:, None]).sum()"),
              "x_req.detach() + step", "x_req.detach() - step")),
    ],
    "ex2_accuracy": [
        ("argmax over the batch dimension (dim=0)", _sub(_ACC, "logits.argmax(dim=1)", "logits.argmax(dim=0)")),
        ("the attack is given the model's predictions instead of the true labels",
         _sub(_ACC, "            xb = attack(model, xb, yb)\n",
              "            with torch.no_grad():\n                guess = model(xb).argmax(dim=1)\n"
              "            xb = attack(model, xb, guess)\n")),
        ("floor division: returns 0 (an int) unless every example is right",
         _sub(_ACC, "return n_right / x.shape[0]", "return n_right // x.shape[0]")),
        ("counts predictions the attack left unchanged, not predictions equal to y",
         _sub(_sub(_ACC, "        if attack is not None:\n            xb = attack(model, xb, yb)\n",
                   "        with torch.no_grad():\n            clean_pred = model(xb).argmax(dim=1)\n"
                   "        if attack is not None:\n            xb = attack(model, xb, yb)\n"),
              "(logits.argmax(dim=1) == yb)", "(logits.argmax(dim=1) == clean_pred)")),
    ],
    "ex3_pgd": [
        ("reseeds the global generator for the random start (torch.manual_seed(0) inside)",
         _sub(_PGD, "    if random_start:\n        x_adv =", "    if random_start:\n        torch.manual_seed(0)\n        x_adv =")),
        ("adds fresh uniform noise before every step, not only at the start",
         _sub(_PGD, "        x_adv = x_adv.detach().requires_grad_(True)\n",
              "        if random_start:\n"
              "            x_adv = (x_adv + torch.empty_like(x_adv).uniform_(-eps, eps)).clamp(0.0, 1.0)\n"
              "        x_adv = x_adv.detach().requires_grad_(True)\n")),
        ("projects onto the eps-box around the random start instead of the clean x",
         _sub(_PGD, "        x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)\n",
              "        x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)\n"
              "        x_orig = x_adv.clone()\n")),
        ("momentum: steps in the sign of the running sum of L1-normalised gradients (MI-FGSM)",
         _sub(_sub(_PGD, "    for _ in range(steps):\n", "    g = torch.zeros_like(x_orig)\n    for _ in range(steps):\n"),
              "        x_adv = x_adv.detach() + alpha * grad.sign()\n",
              "        g = g + grad / grad.abs().flatten(1).sum(1).clamp_min(1e-12).view(-1, *([1] * (grad.dim() - 1)))\n"
              "        x_adv = x_adv.detach() + alpha * g.sign()\n")),
    ],
    "ex4_targeted": [
        ("freezes the examples already classified as their target",
         _sub(_TGT, "        x_adv = x_adv.detach() - alpha * grad.sign()\n",
              "        with torch.no_grad():\n            done = (model(x_adv).argmax(dim=1) == target)\n"
              "        grad = grad * (~done).view(-1, *([1] * (grad.dim() - 1)))\n"
              "        x_adv = x_adv.detach() - alpha * grad.sign()\n")),
        ("mean squared error between the softmax and the one-hot target instead of the cross-entropy",
         _sub(_TGT, "F.cross_entropy(model(x_adv), target)",
              "F.mse_loss(torch.softmax(model(x_adv), dim=1), F.one_hot(target, model(x_adv).shape[1]).float())")),
        ("clamps the image itself to [-eps, eps] instead of the perturbation",
         _sub(_TGT, "torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)", "torch.clamp(x_adv, -eps, eps)")),
        ("L2-normalised gradient step instead of the sign",
         _sub(_TGT, "x_adv.detach() - alpha * grad.sign()",
              "x_adv.detach() - alpha * grad / grad.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, *([1] * (grad.dim() - 1)))")),
    ],
    "ex5_adv_train": [
        ("returns the total of the batch losses, not their mean",
         _sub(_TRAIN, "sum(batch_losses) / len(batch_losses)", "sum(batch_losses)")),
        ("divides by len(dataset) / batch_size (not the number of batches: uneven last batch)",
         _sub(_TRAIN, "sum(batch_losses) / len(batch_losses)", "sum(batch_losses) / (len(loader.dataset) / loader.batch_size)")),
        ("history reset inside the epoch loop: only the last epoch comes back",
         _sub(_TRAIN, "    history = []\n    for epoch in range(epochs):\n",
              "    for epoch in range(epochs):\n        history = []\n")),
        ("optimizer.step() dedented: one step per epoch, from the last batch's gradients",
         _sub(_TRAIN, "            optimizer.step()\n            batch_losses.append(loss.item())\n",
              "            batch_losses.append(loss.item())\n        optimizer.step()\n")),
    ],
}
