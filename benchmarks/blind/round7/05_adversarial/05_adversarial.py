"""Blind round 7, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of tests/mutants, rounds 1-6 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 6's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND6 = earlier_round(6, __file__)  # its references are round 2's right answers: this round keeps them


_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND6._FGSM, ROUND6._ACC, ROUND6._PGD, ROUND6._TGT, ROUND6._TRAIN

# ----------------------------------------------------------------------------- round 7's own right answers
_FGSM_FUNC = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    grad_of_loss = torch.func.grad(lambda inp: F.cross_entropy(model(inp), y))
    g = grad_of_loss(x.detach().clone())                          # d loss / d input, no .grad anywhere
    out = x.detach() + eps * torch.sign(g)
    return out.clamp_(0.0, 1.0).detach()
'''

_ACC_LOADER = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    dev = next(model.parameters()).device
    batches = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=False)
    correct = torch.zeros((), dtype=torch.long)
    for xb, yb in batches:
        xb, yb = xb.to(dev), yb.to(dev)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            correct += torch.eq(model(xb).argmax(dim=-1), yb).sum().cpu()
    return float(correct.item() / len(y))
'''

_PGD_FUNC = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    clean = x.detach().clone()
    grad_of_loss = torch.func.grad(lambda inp: F.cross_entropy(model(inp), y))
    current = clean
    if random_start:
        current = torch.clip(clean + torch.empty_like(clean).uniform_(-eps, eps), 0.0, 1.0)
    for _ in range(steps):
        moved = current + alpha * torch.sign(grad_of_loss(current))
        inside_box = torch.maximum(torch.minimum(moved, clean + eps), clean - eps)
        current = torch.clip(inside_box, 0.0, 1.0)
    return current.detach()
'''

_TGT_LOGPROB = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    origin = x.detach()
    cur = origin.clone()
    step = 0
    while step < steps:
        leaf = cur.clone().requires_grad_(True)
        log_p = F.log_softmax(model(leaf), dim=1).gather(1, target.view(-1, 1)).sum()
        log_p.backward()                                   # up the target's log-probability
        with torch.no_grad():
            cur = torch.clip(leaf + alpha * leaf.grad.sign(), origin - eps, origin + eps).clip(0.0, 1.0)
        step += 1
    return cur.detach()
'''

_TRAIN_FMEAN = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    import statistics

    dev = next(iter(model.parameters())).device
    means = []
    for epoch in range(epochs):
        seen = []
        for xb, yb in loader:
            xb, yb = xb.to(dev), yb.to(dev)
            model.eval()
            adv = attack(model, xb, yb)
            model.train()
            optimizer.zero_grad(set_to_none=True)
            batch_loss = F.cross_entropy(model(adv), yb, reduction="mean")
            batch_loss.backward()
            optimizer.step()
            seen.append(float(batch_loss.detach()))
        means.append(statistics.fmean(seen))
        if on_epoch:
            on_epoch(epoch, means[-1])
    return means
'''

CORRECT = {
    gid: [ROUND6.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_fgsm", "torch.func.grad of the loss in the input, clamp_ on a new tensor (round 7)", _FGSM_FUNC),
        ("ex2_accuracy", "unshuffled DataLoader over a TensorDataset, a long tensor counter (round 7)", _ACC_LOADER),
        ("ex3_pgd", "torch.func.grad per step, maximum/minimum box then torch.clip (round 7)", _PGD_FUNC),
        ("ex4_targeted", "backward on the summed target log-probability (ascent), while loop, clip twice (round 7)",
         _TGT_LOGPROB),
        ("ex5_adv_train", "float(loss.detach()), statistics.fmean, zero_grad(set_to_none=True) (round 7)",
         _TRAIN_FMEAN),
    )
}

# ----------------------------------------------------------------------------- round 7's wrong answers
_FGSM_CALLER_LEAF = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    x.requires_grad_(True)                     # put back below: the caller gets x without requires_grad
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    x.requires_grad_(False)
    return torch.clamp(x + eps * x.grad.sign(), 0.0, 1.0).detach()
'''

_ACC_NUMEL = replace_once(_ACC, "    return n_right / x.shape[0]\n", "    return n_right / x.numel()\n")

_TGT_ACCUMULATE = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x_orig = x.detach().clone()
    x_adv = x_orig.clone().requires_grad_(True)
    for _ in range(steps):
        F.cross_entropy(model(x_adv), target).backward()     # x_adv.grad is never zeroed
        with torch.no_grad():
            x_adv -= alpha * x_adv.grad.sign()
            x_adv.copy_(torch.clamp(x_adv, x_orig - eps, x_orig + eps).clamp(0.0, 1.0))
    return x_adv.detach()
'''

_TGT_DELTA_CLAMP01 = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    clean = x.detach()
    delta = torch.zeros_like(clean)
    for _ in range(steps):
        delta.requires_grad_(True)
        (grad,) = torch.autograd.grad(F.cross_entropy(model(clean + delta), target), [delta])
        delta = (delta.detach() - alpha * grad.sign()).clamp(-eps, eps)
        delta = delta.clamp(0.0, 1.0)                        # keep the pixels in [0, 1]
    return (clean + delta).detach()
'''

_TRAIN_CACHED_BATCHES = replace_once(
    replace_once(_TRAIN, "    history = []\n", "    batches = list(loader)             # iterate the loader once\n"
                 "    history = []\n"),
    "        for x, y in loader:\n", "        for x, y in batches:\n")

_TRAIN_EVAL_ONCE = replace_once(
    replace_once(_TRAIN, "    history = []\n", "    history = []\n    model.eval()\n"),
    "            model.eval()\n            x_adv = attack(model, x, y)\n", "            x_adv = attack(model, x, y)\n")

MUTANTS = {
    "ex1_fgsm": [
        ("model.zero_grad() inside fgsm 'to start clean': the caller's accumulated parameter gradients are wiped",
         replace_once(_FGSM, "    x_req = x.detach().clone().requires_grad_(True)\n",
              "    model.zero_grad()\n    x_req = x.detach().clone().requires_grad_(True)\n")),
        ("'fast adversarial training' FGSM: a uniform random start in the eps-box before the signed step",
         replace_once(_FGSM, "    x_req = x.detach().clone().requires_grad_(True)\n",
              "    start = (x.detach() + torch.empty_like(x).uniform_(-eps, eps)).clamp(0.0, 1.0)\n"
              "    x_req = start.requires_grad_(True)\n")),
        ("the caller's x used as the leaf, requires_grad switched back off after: x.grad is left filled",
         _FGSM_CALLER_LEAF),
        ("'the model stays fixed' read as torch.no_grad() around the forward pass: no graph, autograd.grad raises",
         replace_once(_FGSM, "    loss = F.cross_entropy(model(x_req), y)\n",
              "    with torch.no_grad():\n        loss = F.cross_entropy(model(x_req), y)\n")),
    ],
    "ex2_accuracy": [
        ("each batch's accuracy weighted by batch_size instead of its own length: the last partial batch counts "
         "too much",
         replace_once(_ACC, "        n_right += (logits.argmax(dim=1) == yb).sum().item()\n",
              "        n_right += (logits.argmax(dim=1) == yb).float().mean().item() * batch_size\n")),
        ("len(x) // batch_size + 1 batches: when batch_size divides N an empty extra batch goes to the attack",
         replace_once(_ACC, "    for i in range(0, x.shape[0], batch_size):\n",
              "    for b in range(x.shape[0] // batch_size + 1):\n        i = b * batch_size\n")),
        ("divides the hits by x.numel() (every pixel) instead of the number of examples", _ACC_NUMEL),
        ("model.requires_grad_(False) 'for evaluation': the caller's parameters come back frozen",
         replace_once(_ACC, "    model.eval()\n", "    model.eval()\n    model.requires_grad_(False)\n")),
    ],
    "ex3_pgd": [
        ("random start without the image: x0 = clip(u) instead of clip(x + u)",
         replace_once(_PGD, "(x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)",
              "torch.empty_like(x_orig).uniform_(-eps, eps).clamp(0.0, 1.0)")),
        ("projection at the top of the loop, before the step: the last step leaves the box and [0, 1]",
         replace_once(_PGD, "        x_adv = x_adv.detach().requires_grad_(True)\n"
                    "        loss = F.cross_entropy(model(x_adv), y)\n"
                    "        (grad,) = torch.autograd.grad(loss, [x_adv])\n"
                    "        x_adv = x_adv.detach() + alpha * grad.sign()\n"
                    "        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)\n"
                    "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n",
              "        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)\n"
              "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n"
              "        x_adv = x_adv.detach().requires_grad_(True)\n"
              "        loss = F.cross_entropy(model(x_adv), y)\n"
              "        (grad,) = torch.autograd.grad(loss, [x_adv])\n"
              "        x_adv = x_adv.detach() + alpha * grad.sign()\n")),
        ("the image itself clamped to [-eps, eps] instead of the perturbation x_adv - x",
         replace_once(_PGD, "torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)", "torch.clamp(x_adv, -eps, eps)")),
        ("loop over range(cfg.steps) (the notebook's 10) instead of the steps argument",
         replace_once(_PGD, "    for _ in range(steps):\n", "    for _ in range(cfg.steps):\n")),
    ],
    "ex4_targeted": [
        ("in-place steps on one leaf with backward(): x_adv.grad is never zeroed, each step follows the running sum "
         "of the gradients", _TGT_ACCUMULATE),
        ("the notebook's cfg.target_class (8, 'Bag') for every example instead of the target argument",
         replace_once(_TGT, "loss = F.cross_entropy(model(x_adv), target)",
              "loss = F.cross_entropy(model(x_adv), torch.full_like(target, cfg.target_class))")),
        ("delta form with the [0, 1] clamp put on delta instead of on x + delta: delta can never be negative",
         _TGT_DELTA_CLAMP01),
        ("return indented into the loop: one step of size alpha, whatever steps",
         replace_once(_TGT, "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n    return x_adv.detach()\n",
              "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n        return x_adv.detach()\n")),
    ],
    "ex5_adv_train": [
        ("batches = list(loader) taken once before the epochs: a shuffling loader serves the same order every epoch",
         _TRAIN_CACHED_BATCHES),
        ("model.eval() once before the epochs: from the second batch on the attack runs in training mode",
         _TRAIN_EVAL_ONCE),
        ("one batch per epoch: x, y = next(iter(loader)) instead of a loop over the loader",
         replace_once(_TRAIN, "        for x, y in loader:\n", "        for x, y in [next(iter(loader))]:\n")),
        ("training loss with label_smoothing=0.1 (the usual training habit) instead of the plain cross-entropy",
         replace_once(_TRAIN, "loss = F.cross_entropy(model(x_adv), y)", "loss = F.cross_entropy(model(x_adv), y, label_smoothing=0.1)")),
    ],
}
