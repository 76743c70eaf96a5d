"""Blind round 10, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of tests/mutants, rounds 1-9 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 9's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

Several wrong answers break a sentence of the notebook's introduction ("What your functions may
change"); their labels quote which: (P) "does not leave gradients in the .grad of the caller's
parameters", (D) "does not move a model or a tensor to another device or dtype", (R) "draws random
numbers only from the generator or seed it is given ... without reseeding it", (C) "a function
changes nothing the caller gives it".

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND9 = earlier_round(9, __file__)  # its references are round 2's right answers: this round keeps them
ROUND8 = earlier_round(8, __file__)

_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND8._FGSM, ROUND8._ACC, ROUND8._PGD, ROUND8._TGT, ROUND8._TRAIN

# ----------------------------------------------------------------------------- round 10's own right answers
_FGSM_HARDTANH = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    leaf = x.detach().clone()
    leaf.requires_grad_()
    F.cross_entropy(model(leaf), y).backward(inputs=[leaf])    # only the input's .grad is filled
    with torch.no_grad():
        return F.hardtanh(leaf + eps * leaf.grad.sign(), min_val=0.0, max_val=1.0)
'''

_ACC_TOLIST = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    (first, *_rest) = list(model.parameters())
    correct = 0
    starts = list(range(0, len(x), batch_size))
    for lo, hi in zip(starts, starts[1:] + [len(x)]):
        xb, yb = x[lo:hi].to(first.device), y[lo:hi].to(first.device)
        shown = xb if attack is None else attack(model, xb, yb)
        with torch.no_grad():
            predicted = model(shown).argmax(dim=-1)
        correct += sum(int(p == t) for p, t in zip(predicted.tolist(), yb.tolist()))
    return correct / len(x)
'''

_PGD_RAND_LIKE = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    origin = x.detach()
    lo, hi = origin - eps, origin + eps
    point = origin.clone()
    if random_start:
        point = torch.clamp(origin + (2 * torch.rand_like(origin) - 1) * eps, 0.0, 1.0)   # U(-eps, eps)
    for _ in range(steps):
        leaf = point.clone().requires_grad_(True)
        F.cross_entropy(model(leaf), y).backward(inputs=[leaf])  # the parameters' .grad stay untouched
        moved = leaf.detach() + alpha * leaf.grad.sign()
        moved = torch.where(moved < lo, lo, torch.where(moved > hi, hi, moved))
        point = torch.where(moved < 0, torch.zeros_like(moved), torch.where(moved > 1, torch.ones_like(moved), moved))
    return point.detach()
'''

_TGT_ADD_ALPHA = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    criterion = nn.CrossEntropyLoss(reduction="sum")          # the sum's gradient has the mean's sign
    start = x.detach()
    low, high = (start - eps).clamp(min=0.0), (start + eps).clamp(max=1.0)
    current = start.clone()
    step = 0
    while step < steps:
        current.requires_grad_(True)
        (g,) = torch.autograd.grad(criterion(model(current), target), current)
        current = torch.add(current.detach(), g.sign(), alpha=-alpha).clamp(min=low, max=high)
        step += 1
    return current.detach()
'''

_TRAIN_PREALLOC = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    home = next(iter(model.parameters())).device
    result: list[float] = []
    for epoch in range(epochs):
        losses = torch.empty(len(loader), dtype=torch.float64)   # one slot per batch
        for k, (xb, yb) in enumerate(loader):
            xb, yb = xb.to(home), yb.to(home)
            model.train(False)
            adversarial = attack(model, xb, yb)
            model.train(True)
            optimizer.zero_grad(set_to_none=False)
            loss = nn.functional.cross_entropy(model(adversarial), yb)
            loss.backward()
            optimizer.step()
            losses[k] = loss.item()
        result.append(float(losses.mean()))
        if on_epoch is not None:
            on_epoch(epoch, result[-1])
    return result
'''

CORRECT = {
    gid: [ROUND9.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_fgsm", "backward(inputs=[leaf]) so only the input's .grad fills, F.hardtanh(0, 1) as the clip "
                     "(round 10)", _FGSM_HARDTANH),
        ("ex2_accuracy", "zipped (start, stop) bounds, predictions and labels compared as Python lists with "
                         "tolist() (round 10)", _ACC_TOLIST),
        ("ex3_pgd", "random start (2 * rand_like - 1) * eps, backward(inputs=[leaf]), box and [0, 1] by nested "
                    "torch.where (round 10)", _PGD_RAND_LIKE),
        ("ex4_targeted", "CrossEntropyLoss(reduction='sum') module, torch.add(alpha=-alpha) descent, the box "
                         "within [0, 1] as clamp bounds, while loop (round 10)", _TGT_ADD_ALPHA),
        ("ex5_adv_train", "preallocated float64 tensor of the batch losses, zero_grad(set_to_none=False), "
                          "train(False)/train(True) (round 10)", _TRAIN_PREALLOC),
    )
}

# ----------------------------------------------------------------------------- round 10's wrong answers
_FGSM_BACKWARD = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    x_req = x.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x_req), y)
    loss.backward()                                    # fills x_req.grad, and every parameter's .grad too
    step = eps * torch.sign(x_req.grad)
    return torch.clamp(x_req.detach() + step, 0.0, 1.0)
'''

_FGSM_MSE = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    x_req = x.detach().clone().requires_grad_(True)
    logits = model(x_req)
    loss = F.mse_loss(F.softmax(logits, dim=1), F.one_hot(y, logits.shape[1]).float())
    grad = torch.autograd.grad(loss, x_req)[0]
    step = eps * torch.sign(grad)
    return torch.clamp(x_req.detach() + step, 0.0, 1.0)
'''

_ACC_SET_GRAD = '''
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
        torch.set_grad_enabled(False)                  # 'only the final prediction without gradients'
        logits = model(xb)
        n_right += (logits.argmax(dim=1) == yb).sum().item()
    return n_right / x.shape[0]
'''

_PGD_BACKWARD = '''
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
        loss.backward()                                # a fresh leaf each step; the parameters' .grad add up
        x_adv = x_adv.detach() + alpha * x_adv.grad.sign()
        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    return x_adv.detach()
'''

_TGT_BACKWARD = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: steps down the target's loss."""
    x_orig = x.detach().clone()
    x_adv = x_orig.clone()
    for _ in range(steps):
        x_adv = x_adv.detach().requires_grad_(True)
        F.cross_entropy(model(x_adv), target).backward()   # the input's gradient, and the parameters' too
        x_adv = x_adv.detach() - alpha * x_adv.grad.sign()
        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    return x_adv.detach()
'''

_TGT_FLOAT64 = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: steps down the target's loss."""
    x_orig = x.detach().clone().double()               # the iterate in float64 'for precision'
    x_adv = x_orig.clone()
    for _ in range(steps):
        x_adv = x_adv.detach().requires_grad_(True)
        loss = F.cross_entropy(model(x_adv.to(x.dtype)), target)
        (grad,) = torch.autograd.grad(loss, [x_adv])
        x_adv = x_adv.detach() - alpha * grad.sign()
        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    return x_adv.detach()                              # never cast back to x's dtype
'''

_TGT_BEST = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: steps down the target's loss."""
    x_orig = x.detach().clone()
    x_adv = x_orig.clone()
    best, best_loss = x_orig.clone(), torch.full((len(x_orig),), float("inf"))

    def keep_best(candidate, losses):
        nonlocal best, best_loss
        better = losses < best_loss
        best = torch.where(better.view(-1, *[1] * (candidate.dim() - 1)), candidate, best)
        best_loss = torch.where(better, losses, best_loss)

    for _ in range(steps):
        x_adv = x_adv.detach().requires_grad_(True)
        per_example = F.cross_entropy(model(x_adv), target, reduction="none")
        keep_best(x_adv.detach(), per_example.detach())
        (grad,) = torch.autograd.grad(per_example.mean(), [x_adv])
        x_adv = x_adv.detach() - alpha * grad.sign()
        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    with torch.no_grad():
        keep_best(x_adv, F.cross_entropy(model(x_adv), target, reduction="none"))
    return best.detach()
'''

_TRAIN_ZERO_AFTER = replace_once(
    _TRAIN, "            optimizer.zero_grad()\n            loss = F.cross_entropy(model(x_adv), y)\n"
            "            loss.backward()\n            optimizer.step()\n",
    "            loss = F.cross_entropy(model(x_adv), y)\n"
    "            loss.backward()\n            optimizer.step()\n            optimizer.zero_grad()\n")

_TRAIN_ITER_ONCE = replace_once(
    replace_once(_TRAIN, "    history = []\n", "    history = []\n    batches = iter(loader)\n"),
    "        for x, y in loader:\n", "        for x, y in batches:\n")

MUTANTS = {
    "ex1_fgsm": [
        ("loss.backward() and x_req.grad instead of torch.autograd.grad: the model's parameters are left with "
         "a .grad (P)", _FGSM_BACKWARD),
        ("the copy moved to the notebook's global `device` (x.detach().clone().to(device)): a model on another "
         "device than `device` gets the wrong device, the result moves (D)",
         replace_once(_FGSM, "x_req = x.detach().clone().requires_grad_(True)",
                      "x_req = x.detach().clone().to(device).requires_grad_(True)")),
        ("the result cast with .float() 'to return an image': a float64 image comes back float32 (D)",
         replace_once(_FGSM, "return torch.clamp(x_req.detach() + step, 0.0, 1.0)",
                      "return torch.clamp(x_req.detach() + step, 0.0, 1.0).float()")),
        ("mean squared error between the softmax and the one-hot label instead of the cross-entropy", _FGSM_MSE),
    ],
    "ex2_accuracy": [
        ("torch.manual_seed(0) at the top 'for a reproducible accuracy': a random attack always draws the same "
         "noise, the caller's global generator is reseeded (R)",
         replace_once(_ACC, "    model.eval()\n", "    torch.manual_seed(0)\n    model.eval()\n")),
        ("batches cast to float32 (.to(device).float()) 'for the model': a float64 model gets float32 images (D)",
         replace_once(_ACC, "xb = x[i:i + batch_size].to(device)", "xb = x[i:i + batch_size].to(device).float()")),
        ("model.zero_grad() after each attack 'so the attack's gradients do not pile up': the caller's parameter "
         "gradients are wiped (C)",
         replace_once(_ACC, "            xb = attack(model, xb, yb)\n",
                      "            xb = attack(model, xb, yb)\n            model.zero_grad()\n")),
        ("torch.set_grad_enabled(False) called as a statement before the prediction (as if scoped to it): the "
         "attacks after the first batch run without gradients, and gradients stay off for the caller",
         _ACC_SET_GRAD),
    ],
    "ex3_pgd": [
        ("loss.backward() on a fresh leaf each step instead of torch.autograd.grad: the model's parameters are "
         "left with the .grad of every step (P)", _PGD_BACKWARD),
        ("the copy moved to the notebook's global `device` (x.detach().clone().to(device)): a model on another "
         "device than `device` gets the wrong device, the result moves (D)",
         replace_once(_PGD, "    x_orig = x.detach().clone()\n", "    x_orig = x.detach().clone().to(device)\n")),
        ("one step too many: range(steps + 1)", replace_once(_PGD, "for _ in range(steps):", "for _ in range(steps + 1):")),
        ("random start written torch.rand_like(x) * 2 - 1 * eps (operator precedence): the noise is uniform in "
         "[-eps, 2 - eps], not [-eps, eps]",
         replace_once(_PGD, "(x_orig + torch.empty_like(x_orig).uniform_(-eps, eps))",
                      "(x_orig + torch.rand_like(x_orig) * 2 - 1 * eps)")),
    ],
    "ex4_targeted": [
        ("returns, per example, the iterate with the lowest target loss seen ('best so far'), not the last one",
         _TGT_BEST),
        ("loss.backward() on a fresh leaf each step instead of torch.autograd.grad: the model's parameters are "
         "left with the .grad of every step (P)", _TGT_BACKWARD),
        ("the copy moved to the notebook's global `device` (x.detach().clone().to(device)): a model on another "
         "device than `device` gets the wrong device, the result moves (D)",
         replace_once(_TGT, "    x_orig = x.detach().clone()\n", "    x_orig = x.detach().clone().to(device)\n")),
        ("iterate kept in float64 'for precision' (the model fed its cast to x's dtype), returned without the "
         "cast back: a float32 image comes back float64 (D)", _TGT_FLOAT64),
    ],
    "ex5_adv_train": [
        ("optimizer.zero_grad() after optimizer.step() (the end-of-loop habit): the first step adds the .grad the "
         "caller's parameters already held, and no gradients are left after the last step", _TRAIN_ZERO_AFTER),
        ("iter(loader) taken once before the epochs: the iterator is spent after the first epoch, the second has "
         "no batches (ZeroDivisionError)", _TRAIN_ITER_ONCE),
        ("model.to(device) at the top 'to make sure it is on the device' (the notebook's global device), the "
         "batches sent there too: the caller's model is moved (D)",
         replace_once(_TRAIN, "    device = next(model.parameters()).device\n", "    model.to(device)\n")),
        ("the attacked batch clamped to [0, 1] 'to be safe' before the training step: the model trains on "
         "something else than what the attack returned",
         replace_once(_TRAIN, "            x_adv = attack(model, x, y)\n",
                      "            x_adv = attack(model, x, y).clamp(0.0, 1.0)\n")),
    ],
}

# Withdrawn by the lead after the round was written: while it was being written the introduction's sentence
# on gradients was reworded to "does not clear or replace the gradients the caller's parameters hold in .grad",
# so a backward() that only adds to the parameters' .grad is no longer a mistake by the instructions.
WITHDRAWN = {gid: [m for m in MUTANTS[gid] if m[0].startswith("loss.backward()")]
             for gid in ("ex1_fgsm", "ex3_pgd", "ex4_targeted")}
assert all(len(ms) == 1 for ms in WITHDRAWN.values()), WITHDRAWN.keys()
MUTANTS = {gid: [m for m in ms if m not in WITHDRAWN.get(gid, [])] for gid, ms in MUTANTS.items()}

# Replacements for the three withdrawn backward() answers (one each, none held by tests/mutants or rounds 1-10
# for the same exercise).
MUTANTS["ex1_fgsm"].append((
    "'the model stays fixed' read as model.requires_grad_(False) for the gradient, then requires_grad_(True) "
    "after: a parameter the caller had frozen comes back trainable (C)",
    replace_once(
        replace_once(_FGSM, "    x_req = x.detach().clone().requires_grad_(True)\n",
                     "    model.requires_grad_(False)                        # 'the model stays fixed'\n"
                     "    x_req = x.detach().clone().requires_grad_(True)\n"),
        "    step = eps * torch.sign(grad)\n",
        "    model.requires_grad_(True)                         # unfrozen again\n"
        "    step = eps * torch.sign(grad)\n")))
MUTANTS["ex3_pgd"].append((
    "model.train() at the start 'so that gradients flow', never undone: a model given in eval mode is attacked "
    "and comes back in training mode",
    replace_once(_PGD, "    x_orig = x.detach().clone()\n",
                 "    model.train()                                      # 'so that gradients flow'\n"
                 "    x_orig = x.detach().clone()\n")))
MUTANTS["ex4_targeted"].append((
    "the copy cast with .float() ('the model takes float32'): a float64 image is attacked in float32 (a float64 "
    "model raises) and comes back float32 (D)",
    replace_once(_TGT, "    x_orig = x.detach().clone()\n", "    x_orig = x.detach().clone().float()\n")))
