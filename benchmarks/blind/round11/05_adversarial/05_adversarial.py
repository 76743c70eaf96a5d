"""Blind round 11, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of rounds 1-10 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 10's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

Several wrong answers break a sentence of the notebook's introduction ("What your functions may
change"); their labels quote which: (C) "a function changes nothing the caller gives it: it does not
modify the caller's tensors in place", (M) "every other function that takes a model uses it in the
train/eval mode the caller left it in, and hands it back in that mode", (R) "draws random numbers only
from the generator or seed it is given".

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND10 = earlier_round(10, __file__)  # its references are round 2's right answers: this round keeps them
ROUND8 = earlier_round(8, __file__)

_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND8._FGSM, ROUND8._ACC, ROUND8._PGD, ROUND8._TGT, ROUND8._TRAIN

# ----------------------------------------------------------------------------- round 11's own right answers
_FGSM_ZEROS_COPY = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    point = torch.zeros_like(x, requires_grad=True)       # a fresh leaf of x's shape, dtype and device
    with torch.no_grad():
        point.copy_(x)
    total = F.cross_entropy(model(point), y, reduction="sum")   # the sum's gradient has the mean's sign
    (g,) = torch.autograd.grad(total, (point,))
    return torch.add(point.detach(), g.sign(), alpha=eps).clamp_(0.0, 1.0)
'''

_ACC_CEIL_WINDOWS = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    where = next(iter(model.parameters())).device
    hits = 0
    n_batches = -(-len(x) // batch_size)                  # ceil: the last batch may be smaller
    for k in range(n_batches):
        window = slice(k * batch_size, min((k + 1) * batch_size, len(x)))
        xb, yb = x[window].to(where), y[window].to(where)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            guess = model(xb).max(dim=1).indices
        hits += int(torch.eq(guess, yb).sum())
    return float(hits) / len(x)
'''

_PGD_MAX_MIN = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    anchor = x.detach().clone()
    lo, hi = anchor - eps, anchor + eps
    current = anchor.clone()
    if random_start:
        current = (anchor + torch.empty_like(anchor).uniform_(-eps, eps)).clamp(0.0, 1.0)
    for _ in range(steps):
        with torch.enable_grad():
            leaf = current.clone().requires_grad_(True)
            objective = F.cross_entropy(model(leaf), y, reduction="sum")
            (g,) = torch.autograd.grad(objective, leaf)
        current = torch.min(torch.max(current + alpha * g.sign(), lo), hi).clamp(0.0, 1.0)
    return current
'''

_TGT_DELTA = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    base = x.detach()                                     # only read, never written
    delta = torch.zeros_like(base)
    for _ in range(steps):
        delta.requires_grad_(True)
        loss = F.cross_entropy(model(base + delta), target)
        (g,) = torch.autograd.grad(loss, delta)
        delta = (delta.detach() - alpha * g.sign()).clamp(-eps, eps)
        delta = (base + delta).clamp(0.0, 1.0) - base
    return (base + delta).detach()
'''

_TRAIN_STACK = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    criterion = nn.CrossEntropyLoss()
    target_device = next(model.parameters()).device
    means = []
    for epoch in range(epochs):
        per_batch = []
        for inputs, labels in loader:
            inputs, labels = inputs.to(target_device), labels.to(target_device)
            model.eval()
            perturbed = attack(model, inputs, labels)
            model.train()
            optimizer.zero_grad(set_to_none=True)
            batch_loss = criterion(model(perturbed), labels)
            batch_loss.backward()
            optimizer.step()
            per_batch.append(batch_loss.detach().double())
        means.append(float(torch.stack(per_batch).mean()))
        if on_epoch is not None:
            on_epoch(epoch, means[-1])
    return means
'''

CORRECT = {
    gid: [ROUND10.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_fgsm", "zeros_like leaf filled by copy_ under no_grad, summed CE, torch.add(alpha=eps) then an "
                     "in-place clamp_ of the new tensor (round 11)", _FGSM_ZEROS_COPY),
        ("ex2_accuracy", "ceil-many slice windows, max(dim=1).indices, torch.eq count as int, float division "
                         "(round 11)", _ACC_CEIL_WINDOWS),
        ("ex3_pgd", "enable_grad around a cloned leaf, summed CE, torch.max/torch.min box then clamp, never a "
                    "graph on the iterate (round 11)", _PGD_MAX_MIN),
        ("ex4_targeted", "perturbation delta clamped to [-eps, eps], then re-expressed through clamp(base + delta) "
                         "(round 11)", _TGT_DELTA),
        ("ex5_adv_train", "CrossEntropyLoss module, detached float64 batch losses stacked and averaged, "
                          "zero_grad(set_to_none=True) (round 11)", _TRAIN_STACK),
    )
}

# ----------------------------------------------------------------------------- round 11's wrong answers
_FGSM_OWN_PREDICTION = replace_once(
    _FGSM, "    loss = F.cross_entropy(model(x_req), y)\n",
    "    with torch.no_grad():\n"
    "        seen = model(x_req).argmax(dim=1)              # 'push it away from what the model sees'\n"
    "    loss = F.cross_entropy(model(x_req), seen)\n")

_ACC_FULL_BATCHES = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n_right = 0
    n_batches = x.shape[0] // batch_size               # full batches of batch_size examples
    for b in range(n_batches):
        xb = x[b * batch_size:(b + 1) * batch_size].to(device)
        yb = y[b * batch_size:(b + 1) * batch_size].to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            logits = model(xb)
        n_right += (logits.argmax(dim=1) == yb).sum().item()
    return n_right / (n_batches * batch_size)
'''

_ACC_BATCH_MEAN = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    batch_accuracies = []
    for i in range(0, x.shape[0], batch_size):
        xb = x[i:i + batch_size].to(device)
        yb = y[i:i + batch_size].to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            logits = model(xb)
        batch_accuracies.append((logits.argmax(dim=1) == yb).float().mean().item())
    return sum(batch_accuracies) / len(batch_accuracies)
'''

_TGT_IN_PLACE = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    lower, upper = x - eps, x + eps
    x_adv = x.detach()                                 # 'a detached copy' (it shares x's memory)
    for _ in range(steps):
        x_adv.requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), target)
        (grad,) = torch.autograd.grad(loss, [x_adv])
        x_adv.requires_grad_(False)
        x_adv.sub_(alpha * grad.sign())
        x_adv.copy_(torch.clamp(torch.max(torch.min(x_adv, upper), lower), 0.0, 1.0))
    return x_adv
'''

MUTANTS = {
    "ex1_fgsm": [
        ("the result built from x_req itself, not x_req.detach() ('return a detached tensor'): it comes back "
         "with requires_grad and a grad_fn",
         replace_once(_FGSM, "return torch.clamp(x_req.detach() + step, 0.0, 1.0)",
                      "return torch.clamp(x_req + step, 0.0, 1.0)")),
        ("the gradient scaled by its largest absolute value (grad / grad.abs().max()) instead of its sign "
         "('delta = eps sign(grad_x L)'): only the steepest pixel moves by eps",
         replace_once(_FGSM, "step = eps * torch.sign(grad)", "step = eps * grad / grad.abs().max()")),
        ("the cross-entropy taken against the model's own prediction (argmax) instead of y ('the loss "
         "L(f(x'), y)'): an example the model already gets wrong is pushed away from the wrong class",
         _FGSM_OWN_PREDICTION),
        ("the clip to [0, 1] applied to x before the step instead of to x + eps sign(grad) "
         "('x' = clip_[0,1](x + eps sign(...))'): attacked pixels leave [0, 1]",
         replace_once(_FGSM, "return torch.clamp(x_req.detach() + step, 0.0, 1.0)",
                      "return torch.clamp(x_req.detach(), 0.0, 1.0) + step")),
    ],
    "ex2_accuracy": [
        ("the count kept as a tensor (.sum() without .item()): the share comes back as a 0-d tensor, not 'a "
         "Python float'",
         replace_once(_ACC, "(logits.argmax(dim=1) == yb).sum().item()", "(logits.argmax(dim=1) == yb).sum()")),
        ("full batches only (len(x) // batch_size of them), the share over the examples seen: the last, "
         "smaller batch is skipped ('over **all** examples'), fewer than batch_size examples divide by zero",
         _ACC_FULL_BATCHES),
        ("the mean of the per-batch accuracies: the last, smaller batch counts as much as a full one (the share "
         "'over **all** examples' is not the mean of batch shares)", _ACC_BATCH_MEAN),
        ("@torch.no_grad() on the whole function ('an evaluation'): the attacks run without gradients ('Attacks "
         "need gradients, so only the final prediction goes under torch.no_grad()')",
         replace_once(_ACC, "def accuracy_under_attack(", "@torch.no_grad()\ndef accuracy_under_attack(")),
        ("the attacked batch stored in x_adv, the prediction still made on xb: every attack is scored as clean "
         "('replace each batch by attack(model, x_batch, y_batch)')",
         replace_once(_ACC, "            xb = attack(model, xb, yb)\n", "            x_adv = attack(model, xb, yb)\n")),
    ],
    "ex3_pgd": [
        ("each step projected onto the eps-box around the previous iterate, not the original x ('into the "
         "eps-box around the **original** x'): after eps / alpha steps the iterate leaves the box",
         replace_once(_PGD, "        x_adv = x_adv.detach() + alpha * grad.sign()\n"
                            "        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)\n",
                      "        x_prev = x_adv.detach()\n"
                      "        x_adv = x_adv.detach() + alpha * grad.sign()\n"
                      "        x_adv = torch.clamp(x_adv, min=x_prev - eps, max=x_prev + eps)\n")),
        ("random start torch.rand_like(x) * eps: uniform in [0, eps], never negative ('u uniform in [-eps, eps]')",
         replace_once(_PGD, "torch.empty_like(x_orig).uniform_(-eps, eps)", "torch.rand_like(x_orig) * eps")),
        ("random start x + u not clipped to [0, 1] ('x^0 = clip_[0,1](x + u)'): the first gradient is taken "
         "outside the pixel range, and with steps=0 the result leaves [0, 1]",
         replace_once(_PGD, "(x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)",
                      "x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)")),
        ("model.eval() at the start ('an attack evaluates the model'): a model given in training mode is "
         "attacked in eval mode and comes back in eval mode (M)",
         replace_once(_PGD, "    x_orig = x.detach().clone()\n",
                      "    model.eval()                                       # 'the attack evaluates it'\n"
                      "    x_orig = x.detach().clone()\n")),
        ("every step of size eps (as in fgsm) instead of the alpha argument ('many small steps of size alpha')",
         replace_once(_PGD, "x_adv = x_adv.detach() + alpha * grad.sign()",
                      "x_adv = x_adv.detach() + eps * grad.sign()")),
    ],
    "ex4_targeted": [
        ("the target's logit raised (loss = minus the gathered logit) instead of its cross-entropy lowered "
         "('walks *down* the loss of the target label t', L the cross-entropy): the other logits are ignored",
         replace_once(_TGT, "loss = F.cross_entropy(model(x_adv), target)",
                      "loss = -model(x_adv).gather(1, target[:, None]).sum()")),
        ("a uniform random start in the eps-box, as pgd's random_start=True ('no random start'): the result is "
         "random, the global generator moves (R)",
         replace_once(_TGT, "    x_adv = x_orig.clone()\n",
                      "    x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)\n")),
        ("x.detach() taken as the copy and stepped with sub_ / copy_ in place: it shares memory with x, the "
         "caller's x comes back attacked ('x stays unchanged') (C)", _TGT_IN_PLACE),
        ("model.eval() for the attack and model.train() at the end 'to give it back': a model given in eval "
         "mode comes back in training mode (M)",
         replace_once(replace_once(_TGT, "    x_orig = x.detach().clone()\n",
                                   "    model.eval()\n    x_orig = x.detach().clone()\n"),
                      "    return x_adv.detach()\n", "    model.train()                                      "
                      "# 'hand it back'\n    return x_adv.detach()\n")),
    ],
    "ex5_adv_train": [
        ("on_epoch called after every batch with the running mean so far ('once after each epoch')",
         replace_once(
             replace_once(_TRAIN, "        if on_epoch is not None:\n            on_epoch(epoch, mean_loss)\n", ""),
             "            batch_losses.append(loss.item())\n",
             "            batch_losses.append(loss.item())\n"
             "            if on_epoch is not None:\n"
             "                on_epoch(epoch, sum(batch_losses) / len(batch_losses))\n")),
        ("model.eval() after the epochs 'ready for evaluation': the model comes back in eval mode ('When "
         "train_adversarial returns, the model is in **training mode**')",
         replace_once(_TRAIN, "    return history\n",
                      "    model.eval()                                       # 'ready for evaluation'\n"
                      "    return history\n")),
        ("the epoch's loss weighted by examples (loss.item() * len(y) summed, divided by len(loader.dataset)): "
         "'each batch counting once however many examples it holds'",
         replace_once(replace_once(_TRAIN, "batch_losses.append(loss.item())", "batch_losses.append(loss.item() * len(y))"),
                      "mean_loss = sum(batch_losses) / len(batch_losses)",
                      "mean_loss = sum(batch_losses) / len(loader.dataset)")),
        ("batch losses kept as detached tensors and their mean never turned into a float: a list of 0-d tensors "
         "comes back ('a list of Python floats')",
         replace_once(replace_once(_TRAIN, "batch_losses.append(loss.item())", "batch_losses.append(loss.detach())"),
                      "mean_loss = sum(batch_losses) / len(batch_losses)",
                      "mean_loss = torch.stack(batch_losses).mean()")),
        ("optimizer.zero_grad() at the top of the batch, before the attack (the usual loop habit): the gradients "
         "an attack leaves on the parameters go into the step ('model.eval(), x_adv = attack(...), model.train(), "
         "then zero the gradients')",
         replace_once(_TRAIN, "            model.eval()\n            x_adv = attack(model, x, y)\n"
                              "            model.train()\n            optimizer.zero_grad()\n",
                      "            optimizer.zero_grad()\n            model.eval()\n"
                      "            x_adv = attack(model, x, y)\n            model.train()\n")),
    ],
}
