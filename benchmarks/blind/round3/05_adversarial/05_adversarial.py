"""Blind round 3, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of tests/mutants, round 1 or round 2 holds.
Right answers: CORRECT[gid][0] and [2] are round 2's (the reference keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style (added at the end of the file).

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND2 = earlier_round(2, __file__)  # its right answers are this round's references, reused by name


# ----------------------------------------------------------------------------- ex1 FGSM
_FGSM = ROUND2._FGSM

_FGSM_F64 = ROUND2._FGSM_F64

# ----------------------------------------------------------------------------- ex2 accuracy
_ACC = ROUND2._ACC

_ACC_SPLIT = ROUND2._ACC_SPLIT

# ----------------------------------------------------------------------------- ex3 PGD
_PGD = ROUND2._PGD

_PGD_DELTA = ROUND2._PGD_DELTA

# ----------------------------------------------------------------------------- ex4 targeted PGD
_TGT = ROUND2._TGT

_TGT_NEG = ROUND2._TGT_NEG

# ----------------------------------------------------------------------------- ex5 adversarial training
_TRAIN = ROUND2._TRAIN

_TRAIN_FSUM = ROUND2._TRAIN_FSUM

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


_TGT_DELTA_IN_GRAPH = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: steps down the target's loss."""
    x0 = x.detach()
    delta = torch.zeros_like(x0)
    for _ in range(steps):
        delta = delta.detach().requires_grad_(True)
        x_adv = torch.clamp(x0 + delta.clamp(-eps, eps), 0.0, 1.0)
        loss = F.cross_entropy(model(x_adv), target)
        (grad,) = torch.autograd.grad(loss, [delta])
        delta = delta.detach() - alpha * grad.sign()
    return torch.clamp(x0 + delta.clamp(-eps, eps), 0.0, 1.0).detach()
'''

MUTANTS = {
    "ex1_fgsm": [
        ("calls model.eval() inside fgsm: a model given in training mode comes back in eval mode",
         replace_once(_FGSM, "    x_req = x.detach().clone().requires_grad_(True)\n",
              "    model.eval()\n    x_req = x.detach().clone().requires_grad_(True)\n")),
        ("cross-entropy with label_smoothing=0.1 (the training loss habit): gradient signs flip on confident inputs",
         replace_once(_FGSM, "F.cross_entropy(model(x_req), y)", "F.cross_entropy(model(x_req), y, label_smoothing=0.1)")),
        ("rounds the attacked image to 8-bit grey levels ((x * 255).round() / 255)",
         replace_once(_FGSM, "    return torch.clamp(x_req.detach() + step, 0.0, 1.0)\n",
              "    x_adv = torch.clamp(x_req.detach() + step, 0.0, 1.0)\n    return (x_adv * 255).round() / 255\n")),
        ("Carlini-Wagner margin loss (best wrong logit minus true logit) instead of the cross-entropy",
         replace_once(_FGSM, "    loss = F.cross_entropy(model(x_req), y)\n",
              "    logits = model(x_req)\n"
              "    true = logits.gather(1, y[:, None]).squeeze(1)\n"
              "    wrong = logits.masked_fill(F.one_hot(y, logits.shape[1]).bool(), float('-inf')).amax(dim=1)\n"
              "    loss = (wrong - true).sum()\n")),
    ],
    "ex2_accuracy": [
        ("torch.chunk(x, batch_size): batch_size batches, not batches of batch_size examples",
         replace_once(_ACC_SPLIT, "zip(torch.split(x, batch_size), torch.split(y, batch_size))",
              "zip(torch.chunk(x, batch_size), torch.chunk(y, batch_size))")),
        ("writes each attacked batch back into the caller's x (x[i:i + b] = attack(...))",
         replace_once(_ACC, "            xb = attack(model, xb, yb)\n",
              "            x[i:i + batch_size] = attack(model, xb, yb).detach()\n            xb = x[i:i + batch_size]\n")),
        ("ends with model.train() 'to restore it': an eval-mode model comes back in training mode",
         replace_once(_ACC, "    return n_right / x.shape[0]\n", "    model.train()\n    return n_right / x.shape[0]\n")),
        ("compares the largest logit's value (max(dim=1)[0]) with the labels instead of its index",
         replace_once(_ACC, "(logits.argmax(dim=1) == yb)", "(logits.max(dim=1)[0] == yb)")),
    ],
    "ex3_pgd": [
        ("one random start for the whole batch (uniform noise of x[0]'s shape, broadcast)",
         replace_once(_PGD, "torch.empty_like(x_orig).uniform_(-eps, eps)", "torch.empty_like(x_orig[0]).uniform_(-eps, eps)")),
        ("stops as soon as every example is misclassified (fewer than `steps` steps)",
         replace_once(_PGD, "    for _ in range(steps):\n        x_adv = x_adv.detach().requires_grad_(True)\n",
              "    for _ in range(steps):\n"
              "        with torch.no_grad():\n"
              "            if bool((model(x_adv).argmax(dim=1) != y).all()):\n"
              "                break\n"
              "        x_adv = x_adv.detach().requires_grad_(True)\n")),
        ("returns, per example, the iterate with the highest loss seen, not the last one",
         replace_once(replace_once(_PGD, "    for _ in range(steps):\n",
                   "    best = x_adv.clone()\n"
                   "    with torch.no_grad():\n"
                   "        best_loss = F.cross_entropy(model(best), y, reduction='none')\n"
                   "    for _ in range(steps):\n"),
              "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n    return x_adv.detach()\n",
              "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n"
              "        with torch.no_grad():\n"
              "            cur = F.cross_entropy(model(x_adv), y, reduction='none')\n"
              "            better = cur > best_loss\n"
              "            best[better] = x_adv[better]\n"
              "            best_loss = torch.where(better, cur, best_loss)\n"
              "    return best.detach()\n")),
        ("attacks the model's clean predictions instead of y (label leaking)",
         replace_once(_PGD, "    for _ in range(steps):\n",
              "    with torch.no_grad():\n        y = model(x_orig).argmax(dim=1)\n    for _ in range(steps):\n")),
    ],
    "ex4_targeted": [
        ("step size eps / steps instead of alpha",
         replace_once(_TGT, "x_adv.detach() - alpha * grad.sign()", "x_adv.detach() - (eps / steps) * grad.sign()")),
        ("clamps to [0, 1] once after the loop instead of after every step",
         replace_once(replace_once(_TGT, "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n", ""),
              "    return x_adv.detach()\n", "    return torch.clamp(x_adv, 0.0, 1.0).detach()\n")),
        ("perturbation clamped inside the graph (model(x + delta.clamp(-eps, eps))): no gradient at the box's edge",
         _TGT_DELTA_IN_GRAPH),
        ("aims at each example's least-likely class (argmin of the logits), ignoring `target`",
         replace_once(_TGT, "    for _ in range(steps):\n",
              "    with torch.no_grad():\n        target = model(x_orig).argmin(dim=1)\n    for _ in range(steps):\n")),
    ],
    "ex5_adv_train": [
        ("epoch mean divided by the last enumerate index (number of batches - 1)",
         replace_once(replace_once(_TRAIN, "        for x, y in loader:\n", "        for i, (x, y) in enumerate(loader):\n"),
              "sum(batch_losses) / len(batch_losses)", "sum(batch_losses) / max(i, 1)")),
        ("attack called under torch.no_grad() ('no gradients needed to make the data')",
         replace_once(_TRAIN, "            x_adv = attack(model, x, y)\n",
              "            with torch.no_grad():\n                x_adv = attack(model, x, y)\n")),
        ("range(1, epochs): one epoch too few",
         replace_once(_TRAIN, "for epoch in range(epochs):", "for epoch in range(1, epochs):")),
        ("trains toward the model's own clean predictions instead of y",
         replace_once(_TRAIN, "            x_adv = attack(model, x, y)\n",
              "            x_adv = attack(model, x, y)\n"
              "            with torch.no_grad():\n                y = model(x).argmax(dim=1)\n")),
    ],
}

# ----------------------------------------------------------------------------- round 3's own right answers
_FGSM_FUNC = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    loss_of = lambda inp: F.cross_entropy(model(inp), y)  # noqa: E731
    g = torch.func.grad(loss_of)(x.detach().clone())   # a function of the weights too: detach the result
    return (x.detach() + eps * g.sign()).clamp(min=0.0, max=1.0).detach()
'''

_ACC_WHILE = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    where = next(model.parameters()).device
    start, right = 0, 0
    while start < len(x):
        stop = min(start + batch_size, len(x))
        xb, yb = x[start:stop].to(where), y[start:stop].to(where)
        xb = xb if attack is None else attack(model, xb, yb)
        with torch.no_grad():
            right += int(torch.count_nonzero(model(xb).argmax(1) == yb))
        start = stop
    return float(right) / len(x)
'''

_PGD_FUNC = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    x0 = x.detach()
    lo, hi = x0 - eps, x0 + eps
    cur = x0.clone()
    if random_start:
        cur = torch.clamp(x0 + torch.empty_like(x0).uniform_(-eps, eps), 0, 1)
    grad_of = torch.func.grad(lambda inp: F.cross_entropy(model(inp), y))
    for _ in range(steps):
        cur = cur + alpha * grad_of(cur).sign()
        cur = torch.maximum(torch.minimum(cur, hi), lo).clamp(0, 1)
    return cur.detach()
'''

_TGT_WHERE = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x0 = x.detach()
    adv = x0.clone()
    for _ in range(steps):
        adv.requires_grad_(True)
        log_p = torch.log_softmax(model(adv), dim=1)
        loss = -log_p[torch.arange(len(target)), target].mean()
        (g,) = torch.autograd.grad(loss, adv)
        with torch.no_grad():
            adv = adv - alpha * torch.sign(g)
            adv = torch.where(adv > x0 + eps, x0 + eps, adv)
            adv = torch.where(adv < x0 - eps, x0 - eps, adv)
            adv = adv.clamp(0.0, 1.0)
    return adv.detach()
'''

_TRAIN_COUNT = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    dev = next(model.parameters()).device
    means = []
    for epoch in range(epochs):
        total, count = 0.0, 0
        for xb, yb in loader:
            xb, yb = xb.to(dev), yb.to(dev)
            model.eval()
            attacked = attack(model, xb, yb)
            model.train()
            optimizer.zero_grad(set_to_none=True)
            batch_loss = F.nll_loss(F.log_softmax(model(attacked), dim=1), yb)
            batch_loss.backward()
            optimizer.step()
            total += batch_loss.item()
            count += 1
        means.append(total / count)
        if on_epoch:
            on_epoch(epoch, means[-1])
    return means
'''

for _gid, _src, _label in (
        ("ex1_fgsm", _FGSM_FUNC, "torch.func.grad of the loss (round 3)"),
        ("ex2_accuracy", _ACC_WHILE, "while loop over index ranges, count_nonzero (round 3)"),
        ("ex3_pgd", _PGD_FUNC, "torch.func.grad, projection by maximum/minimum (round 3)"),
        ("ex4_targeted", _TGT_WHERE, "log-probs indexed by arange, projection by torch.where (round 3)"),
        ("ex5_adv_train", _TRAIN_COUNT, "running total and count, nll_loss of log_softmax (round 3)")):
    CORRECT[_gid].insert(1, (_label, _src))
