"""Blind round 16, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of rounds 1-15 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 15's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

Several wrong answers break a sentence of the notebook's introduction ("What your functions may
change"); their labels quote which: (R) "draws random numbers only from the generator or seed it is
given (from PyTorch's global generator when it is given none) without reseeding it", (G) "a function
does not leave gradient tracking turned off (`torch.set_grad_enabled(False)`) for the caller".

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND15 = earlier_round(15, __file__)  # its references are round 2's right answers: this round keeps them

_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND15._FGSM, ROUND15._ACC, ROUND15._PGD, ROUND15._TGT, ROUND15._TRAIN

# ----------------------------------------------------------------------------- round 16's own right answers
_FGSM_LOG_SOFTMAX_GATHER = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    leaf = torch.empty_like(x).copy_(x.detach())
    leaf.requires_grad_()
    log_p = torch.log_softmax(model(leaf), dim=-1)
    nll = -log_p.gather(-1, y.reshape(-1, 1)).mean()          # the cross-entropy, written out
    grad_x = torch.autograd.grad(nll, leaf)[0]
    return torch.clip(leaf.detach() + eps * grad_x.sign(), min=0.0, max=1.0)
'''

_ACC_INDEX_SELECT = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    dev = next(iter(model.parameters())).device
    n = len(y)
    correct = 0
    for start in range(0, n, batch_size):
        rows = torch.arange(start, min(start + batch_size, n), device=x.device)
        xb, yb = x.index_select(0, rows).to(dev), y.index_select(0, rows.to(y.device)).to(dev)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            pred = torch.argmax(model(xb), dim=-1)
        correct += int(torch.count_nonzero(pred == yb))
    return float(correct) / float(n)
'''

_PGD_DELTA = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    base = x.detach().clone()
    adv = base.clone()
    if random_start:
        adv = torch.clamp(base + torch.empty_like(base).uniform_(-eps, eps), 0, 1)
    step = 0
    while step < steps:
        adv.requires_grad_(True)
        loss = F.cross_entropy(model(adv), y)
        g, = torch.autograd.grad(loss, adv)
        with torch.no_grad():
            adv = adv + alpha * torch.sign(g)
            adv = torch.where(adv > base + eps, base + eps, adv)
            adv = torch.where(adv < base - eps, base - eps, adv)
            adv = adv.clamp(0, 1)
        step += 1
    return adv.detach()
'''

_TGT_ONE_HOT = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    start = x.detach().clone()
    lo, hi = start - eps, start + eps
    cur = start.clone()
    for _ in range(steps):
        cur = cur.detach().requires_grad_(True)
        logits = model(cur)
        onehot = F.one_hot(target, num_classes=logits.shape[-1]).to(logits.dtype)
        loss = -(onehot * F.log_softmax(logits, dim=-1)).sum(dim=-1).mean()   # cross-entropy to the target
        grad = torch.autograd.grad(loss, cur)[0]
        cur = torch.maximum(torch.minimum(cur.detach() - alpha * grad.sign(), hi), lo).clamp(0.0, 1.0)
    return cur.detach()
'''

_TRAIN_ENUMERATE = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    where = next(model.parameters()).device
    out = []
    for e in range(epochs):
        running, n_batches = 0.0, 0
        for n_batches, (xb, yb) in enumerate(loader, start=1):
            xb, yb = xb.to(where), yb.to(where)
            model.eval()
            xa = attack(model, xb, yb)
            model.train(True)
            optimizer.zero_grad(set_to_none=True)
            batch_loss = F.cross_entropy(model(xa), yb)
            batch_loss.backward()
            optimizer.step()
            running += float(batch_loss.item())
        epoch_mean = running / n_batches
        out.append(epoch_mean)
        if callable(on_epoch):
            on_epoch(e, epoch_mean)
    return out
'''

CORRECT = {
    gid: [ROUND15.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_fgsm", "empty_like + copy_ leaf, log_softmax and gather written out, torch.clip (round 16)",
         _FGSM_LOG_SOFTMAX_GATHER),
        ("ex2_accuracy", "index_select of torch.arange rows per batch, count_nonzero, float / float (round 16)",
         _ACC_INDEX_SELECT),
        ("ex3_pgd", "while loop, requires_grad_ on the iterate, the box by torch.where (round 16)", _PGD_DELTA),
        ("ex4_targeted", "cross-entropy written as one-hot times log_softmax, the box by torch.minimum / "
                         "torch.maximum with bounds made once (round 16)", _TGT_ONE_HOT),
        ("ex5_adv_train", "enumerate(loader, start=1) counting, zero_grad(set_to_none=True), callable(on_epoch) "
                          "(round 16)", _TRAIN_ENUMERATE),
    )
}

# ----------------------------------------------------------------------------- round 16's wrong answers
_FGSM_FORK_RNG = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    with torch.random.fork_rng(devices=[]):      # the attack leaves the caller's random stream alone
        x_req = x.detach().clone().requires_grad_(True)
        loss = F.cross_entropy(model(x_req), y)
        grad = torch.autograd.grad(loss, x_req)[0]
    step = eps * torch.sign(grad)
    return torch.clamp(x_req.detach() + step, 0.0, 1.0)
'''

_TGT_FORK_RNG = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x_orig = x.detach().clone()
    x_adv = x_orig.clone()
    with torch.random.fork_rng(devices=[]):      # a deterministic attack: the caller's stream is put back
        for _ in range(steps):
            x_adv = x_adv.detach().requires_grad_(True)
            loss = F.cross_entropy(model(x_adv), target)
            (grad,) = torch.autograd.grad(loss, [x_adv])
            x_adv = x_adv.detach() - alpha * grad.sign()
            x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)
            x_adv = torch.clamp(x_adv, 0.0, 1.0)
    return x_adv.detach()
'''

_PGD_START_IN_LOOP = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    x_orig = x.detach().clone()
    x_adv = x_orig.clone()
    for t in range(steps):
        if t == 0 and random_start:                 # the random start belongs to the first step
            x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)
        x_adv = x_adv.detach().requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), y)
        (grad,) = torch.autograd.grad(loss, [x_adv])
        x_adv = x_adv.detach() + alpha * grad.sign()
        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    return x_adv.detach()
'''

_ACC_CAT_CLEAN = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n_right, n_clean = 0, 0
    for i in range(0, x.shape[0], batch_size):
        xb = x[i:i + batch_size].to(device)
        yb = y[i:i + batch_size].to(device)
        x_eval = xb if attack is None else attack(model, xb, yb)
        with torch.no_grad():
            logits = model(torch.cat([xb, x_eval]))          # clean and attacked in one pass
        clean_logits, logits = logits[:len(xb)], logits[len(xb):]
        n_clean += (clean_logits.argmax(dim=1) == yb).sum().item()   # the clean accuracy, for comparison
        n_right += (logits.argmax(dim=1) == yb).sum().item()
    return n_right / x.shape[0]
'''

MUTANTS = {
    "ex1_fgsm": [
        ("the logits divided by a temperature of 10 before the cross-entropy ('unsaturated gradients', the "
         "defensive-distillation trick): the gradient of another loss, whose signs differ on a CNN ('Write fgsm "
         "... with the cross-entropy loss', L(f(x), y) of the logits)",
         replace_once(_FGSM, "    loss = F.cross_entropy(model(x_req), y)\n",
                      "    loss = F.cross_entropy(model(x_req) / 10.0, y)   # temperature 10: no saturated softmax\n")),
        ("clamped from below only, clamp(min=0) ('pixels cannot be negative'): a pixel stepped past 1 stays "
         "above it ('and still in [0, 1]', x' = clip_[0,1](...))",
         replace_once(_FGSM, "    return torch.clamp(x_req.detach() + step, 0.0, 1.0)\n",
                      "    return torch.clamp(x_req.detach() + step, min=0.0)   # pixels cannot be negative\n")),
        ("the result switched back to requires_grad_(True) 'so a training step can take it as its input': it "
         "comes back requiring grad ('return a detached tensor'; 'The result is an ordinary tensor')",
         replace_once(_FGSM, "    return torch.clamp(x_req.detach() + step, 0.0, 1.0)\n",
                      "    x_adv = torch.clamp(x_req.detach() + step, 0.0, 1.0)\n"
                      "    return x_adv.requires_grad_(True)          # ready to be a training input\n")),
        ("the forward pass inside torch.random.fork_rng() 'so the attack leaves the caller's random stream "
         "alone': a model in training mode draws its dropout mask and the global generator is put back after, "
         "so the caller's next draw repeats it (R: drawing from the global generator 'without reseeding it')",
         _FGSM_FORK_RNG),
        ("returns the pair (x_adv, loss.item()) 'for logging' instead of the attacked image ('return a detached "
         "tensor'; 'The result is an ordinary tensor: a training step can take it as its input')",
         replace_once(_FGSM, "    return torch.clamp(x_req.detach() + step, 0.0, 1.0)\n",
                      "    return torch.clamp(x_req.detach() + step, 0.0, 1.0), loss.item()   # image and loss\n")),
    ],
    "ex2_accuracy": [
        ("clean and attacked batch classified together in one forward pass, torch.cat([xb, x_adv]), 'to report "
         "the clean accuracy too': a forward pass holds 2 x batch_size examples ('with or without an attack, no "
         "forward pass holds more than batch_size examples')", _ACC_CAT_CLEAN),
        ("x and y cut to the notebook's cfg.test_images first ('attacks make evaluation slow: a subset is "
         "enough'): a larger set is scored on its first 500 examples only ('return the share of correct "
         "predictions over **all** examples')",
         replace_once(_ACC, "    model.eval()\n",
                      "    x, y = x[:cfg.test_images], y[:cfg.test_images]   # a subset is enough\n"
                      "    model.eval()\n").replace("return n_right / x.shape[0]", "return n_right / len(x)")),
        ("torch.set_grad_enabled(attack is not None) at the top 'no graph is needed for a clean evaluation', as a "
         "statement: after a clean call gradient tracking stays off for the caller (G)",
         replace_once(_ACC, "    model.eval()\n",
                      "    torch.set_grad_enabled(attack is not None)       # clean evaluation: no graphs\n"
                      "    model.eval()\n")),
        ("predictions from softmax(logits, dim=0) (the batch dimension) before argmax(dim=1): each class's "
         "column normalised over the batch, so the argmax is another class ('count how many the model still gets "
         "right', its prediction argmax of the logits); a batch of one always predicts class 0",
         replace_once(_ACC, "        n_right += (logits.argmax(dim=1) == yb).sum().item()\n",
                      "        probs = F.softmax(logits, dim=0)\n"
                      "        n_right += (probs.argmax(dim=1) == yb).sum().item()\n")),
    ],
    "ex3_pgd": [
        ("alpha read as a fraction of eps (cfg's 'PGD step = eps / 4'): steps of alpha * eps ('many small steps "
         "of size alpha', x^t + alpha sign(...))",
         replace_once(_PGD, "        x_adv = x_adv.detach() + alpha * grad.sign()\n",
                      "        x_adv = x_adv.detach() + alpha * eps * grad.sign()   # alpha: a fraction of eps\n")),
        ("a decaying step alpha / (t + 1) (the optimiser's schedule habit): later steps are smaller than alpha "
         "('many small steps of size alpha', x^{t+1} = clip(clip(x^t + alpha sign(...))))",
         replace_once(_PGD, "    for _ in range(steps):\n", "    for t in range(steps):\n").replace(
             "        x_adv = x_adv.detach() + alpha * grad.sign()\n",
             "        x_adv = x_adv.detach() + alpha / (t + 1) * grad.sign()   # decaying step\n")),
        ("the random start drawn inside the loop at its first iteration ('the start belongs to the first step'): "
         "with steps=0 no start is drawn and x comes back ('x^0 = clip_[0,1](x + u) ... drawn once, before the "
         "first step')", _PGD_START_IN_LOOP),
        ("the number of steps computed as ceil(eps / alpha) ('enough to reach the ball's edge', cfg's comment) "
         "instead of the steps argument ('`steps` signed-gradient steps')",
         replace_once(_PGD, "    for _ in range(steps):\n",
                      "    steps = max(1, math.ceil(eps / alpha)) if alpha > 0 else steps   # to the edge\n"
                      "    for _ in range(steps):\n").replace("def pgd(", "import math\n\n\ndef pgd(", 1)),
    ],
    "ex4_targeted": [
        ("the steps inside torch.random.fork_rng() 'for a deterministic attack': a model in training mode draws "
         "its dropout masks and the global generator is put back after, so the caller's next draws repeat them "
         "(R: drawing from the global generator 'without reseeding it')", _TGT_FORK_RNG),
        ("alpha read as a fraction of eps: steps of alpha * eps ('x^t - alpha sign(...)', steps of size alpha)",
         replace_once(_TGT, "        x_adv = x_adv.detach() - alpha * grad.sign()\n",
                      "        x_adv = x_adv.detach() - alpha * eps * grad.sign()   # alpha: a fraction of eps\n")),
        ("a decaying step alpha / (t + 1) 'to settle into the target class': later steps are smaller than alpha "
         "('x^{t+1} = clip(clip(x^t - alpha sign(...)))' at every step)",
         replace_once(_TGT, "    for _ in range(steps):\n", "    for t in range(steps):\n").replace(
             "        x_adv = x_adv.detach() - alpha * grad.sign()\n",
             "        x_adv = x_adv.detach() - alpha / (t + 1) * grad.sign()   # decaying step\n")),
        ("the logits divided by a temperature of 10 before the target's cross-entropy ('so a confident model "
         "still has a gradient'): the gradient of another loss, whose signs differ on a CNN ('L is the "
         "cross-entropy of the logits, as in fgsm')",
         replace_once(_TGT, "        loss = F.cross_entropy(model(x_adv), target)\n",
                      "        loss = F.cross_entropy(model(x_adv) / 10.0, target)   # temperature: no saturation\n")),
    ],
    "ex5_adv_train": [
        ("an L2 penalty 1e-3 * sum of the squared weights added to the loss (the regularisation habit): another "
         "loss is stepped on and returned ('compute the cross-entropy of model(x_adv), backward and step'; the "
         "mean of the loss.item() of that cross-entropy)",
         replace_once(_TRAIN, "            loss = F.cross_entropy(model(x_adv), y)\n",
                      "            loss = F.cross_entropy(model(x_adv), y)\n"
                      "            loss = loss + 1e-3 * sum((p ** 2).sum() for p in model.parameters())   # L2\n")),
        ("the training forward pass under torch.autocast(bfloat16) 'for speed' (the LLM lab's habit): the "
         "cross-entropy is computed in bfloat16, the steps and the returned losses differ ('compute the "
         "cross-entropy of model(x_adv)' in the model's own dtype)",
         replace_once(_TRAIN, "            loss = F.cross_entropy(model(x_adv), y)\n",
                      "            with torch.autocast(device_type=device.type, dtype=torch.bfloat16):\n"
                      "                loss = F.cross_entropy(model(x_adv), y)\n")),
        ("on_epoch given round(mean_loss, 2) 'for a tidy plot': the callback gets another value than the mean "
         "it returns ('call on_epoch(epoch, mean_loss)')",
         replace_once(_TRAIN, "            on_epoch(epoch, mean_loss)\n",
                      "            on_epoch(epoch, round(mean_loss, 2))      # tidy numbers on the plot\n")),
        ("batches of one example skipped ('batch-norm cannot train on a single example'): a last batch of one is "
         "neither attacked, trained on nor counted ('For every batch ...'; 'the average of the loss.item() of "
         "every batch, each batch counting once however many examples it holds')",
         replace_once(_TRAIN, "            x, y = x.to(device), y.to(device)\n",
                      "            if len(x) < 2:\n"
                      "                continue                            # batch-norm needs two examples\n"
                      "            x, y = x.to(device), y.to(device)\n")),
    ],
}
