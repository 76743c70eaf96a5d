"""Blind round 17, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of rounds 1-16 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 16's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

Several wrong answers break a sentence of the notebook's introduction ("What your functions may
change"); their labels quote which: (R) "draws random numbers only from the generator or seed it is
given (from PyTorch's global generator when it is given none) without reseeding it", (M) "one whose
exercise says it *evaluates* ... puts it in eval mode and leaves it there".

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND16 = earlier_round(16, __file__)  # its references are round 2's right answers: this round keeps them

_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND16._FGSM, ROUND16._ACC, ROUND16._PGD, ROUND16._TGT, ROUND16._TRAIN

# ----------------------------------------------------------------------------- round 17's own right answers
_FGSM_WHERE = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    with torch.enable_grad():
        probe = x.detach().clone()
        probe.requires_grad = True
        nll = F.nll_loss(F.log_softmax(model(probe), dim=1), y)
        (g,) = torch.autograd.grad(outputs=nll, inputs=probe)
    zero = torch.zeros_like(g)
    step = torch.where(g > 0, zero + eps, torch.where(g < 0, zero - eps, zero))   # eps * sign(g), sign(0) = 0
    out = probe.detach() + step
    return out.clamp_(0.0, 1.0)
'''

_ACC_ZIP_SPLIT = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.train(False)
    where = next(model.parameters()).device
    hits = []
    for xb, yb in zip(torch.split(x, batch_size), torch.split(y, batch_size)):
        xb, yb = xb.to(where), yb.to(where)
        x_eval = attack(model, xb, yb) if attack is not None else xb
        with torch.no_grad():
            hits.append(int((model(x_eval).max(dim=1).indices == yb).sum()))
    return sum(hits) / float(y.shape[0])
'''

_PGD_DELTA_FORM = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    x0 = x.detach().clone()
    delta = torch.zeros_like(x0)
    if random_start:
        delta = torch.empty_like(x0).uniform_(-eps, eps)
        delta = (x0 + delta).clamp(0.0, 1.0) - x0          # x^0 = clip_[0,1](x + u), kept as a perturbation
    for _ in range(steps):
        point = (x0 + delta).requires_grad_(True)
        g = torch.autograd.grad(F.cross_entropy(model(point), y), point)[0]
        delta = (delta + alpha * g.sign()).clamp(-eps, eps)    # the eps-box around the original x
        delta = (x0 + delta).clamp(0.0, 1.0) - x0              # then [0, 1]
    return (x0 + delta).detach()
'''

_TGT_SUM_LOSS = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    origin = x.detach().clone()
    current = origin.clone()
    t = 0
    while t < steps:
        current.requires_grad_(True)
        with torch.enable_grad():
            loss = F.cross_entropy(model(current), target, reduction="sum")   # same signs as the mean
            grad = torch.autograd.grad(loss, current)[0]
        moved = current.detach() - alpha * torch.sign(grad)
        current = (origin + (moved - origin).clamp(-eps, eps)).clamp(0.0, 1.0)
        t += 1
    return current.detach()
'''

_TRAIN_ITER = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    dev = next(iter(model.parameters())).device
    means = []
    epoch = 0
    while epoch < epochs:
        total, count = 0.0, 0
        it = iter(loader)
        while True:
            try:
                xb, yb = next(it)
            except StopIteration:
                break
            xb, yb = xb.to(dev), yb.to(dev)
            model.eval()
            adv = attack(model, xb, yb)
            model.train()
            for group in optimizer.param_groups:
                for p in group["params"]:
                    p.grad = None
            step_loss = F.cross_entropy(model(adv), yb)
            step_loss.backward()
            optimizer.step()
            total += step_loss.item()
            count += 1
        means.append(total / count)
        if on_epoch is not None:
            on_epoch(epoch, means[-1])
        epoch += 1
    return means
'''

CORRECT = {
    gid: [ROUND16.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_fgsm", "torch.enable_grad, nll_loss of log_softmax, the signed step by nested torch.where, "
                     "clamp_ on the new tensor (round 17)", _FGSM_WHERE),
        ("ex2_accuracy", "zip of torch.split of x and y, model.train(False), max(dim=1).indices, int per batch "
                         "(round 17)", _ACC_ZIP_SPLIT),
        ("ex3_pgd", "perturbation form: delta clamped to the eps-box, then x0 + delta to [0, 1] and back to a "
                    "delta (round 17)", _PGD_DELTA_FORM),
        ("ex4_targeted", "while loop, cross-entropy with reduction='sum' (same signs), the box as origin + "
                         "clamped perturbation (round 17)", _TGT_SUM_LOSS),
        ("ex5_adv_train", "explicit iterator with StopIteration, grads set to None by hand over the optimizer's "
                          "param groups, while loop over epochs (round 17)", _TRAIN_ITER),
    )
}

# ----------------------------------------------------------------------------- round 17's wrong answers
_FGSM_PER_EXAMPLE = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    rows = []
    for i in range(len(x)):                       # one image at a time: a batch would mix the gradients
        xi = x[i:i + 1].detach().clone().requires_grad_(True)
        loss = F.cross_entropy(model(xi), y[i:i + 1])
        grad = torch.autograd.grad(loss, xi)[0]
        rows.append(torch.clamp(xi.detach() + eps * torch.sign(grad), 0.0, 1.0))
    return torch.cat(rows)
'''

_ACC_TIES = '''
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
        true_logit = logits.gather(1, yb[:, None]).squeeze(1)
        n_right += (true_logit >= logits.max(dim=1).values).sum().item()   # the label has the top logit
    return n_right / x.shape[0]
'''

_ACC_RESHAPE = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n_right = 0
    x_batches = x.reshape(-1, batch_size, *x.shape[1:])       # (n_batches, batch_size, ...)
    y_batches = y.reshape(-1, batch_size)
    for xb, yb in zip(x_batches, y_batches):
        xb, yb = xb.to(device), yb.to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            logits = model(xb)
        n_right += (logits.argmax(dim=1) == yb).sum().item()
    return n_right / x.shape[0]
'''

_ACC_ARG_ORDER = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch_size: int = 256,
                          attack=None) -> float:
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

_ACC_SOME_LAYERS = replace_once(
    _ACC, "    model.eval()\n",
    "    for layer in model.modules():                    # only these layers act differently in eval mode\n"
    "        if isinstance(layer, (nn.Dropout, nn.BatchNorm2d)):\n"
    "            layer.eval()\n")

_PGD_FORK_START = replace_once(
    _PGD,
    "        x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)\n",
    "        with torch.random.fork_rng(devices=[]):      # the caller's random stream is left alone\n"
    "            x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)\n")

_TGT_PAIR = replace_once(
    _TGT, "    return x_adv.detach()\n",
    "    with torch.no_grad():\n"
    "        hit_rate = (model(x_adv).argmax(dim=1) == target).float().mean().item()\n"
    "    return x_adv.detach(), hit_rate               # the image and how often the target was reached\n")

_TRAIN_ACCUM = replace_once(
    replace_once(
        replace_once(_TRAIN, "        for x, y in loader:\n", "        for i, (x, y) in enumerate(loader):\n"),
        "            optimizer.zero_grad()\n", ""),
    "            loss.backward()\n            optimizer.step()\n",
    "            loss.backward()\n"
    "            if i % 2 == 1:                        # accumulate two batches: a larger effective batch\n"
    "                optimizer.step()\n"
    "                optimizer.zero_grad()\n")

MUTANTS = {
    "ex1_fgsm": [
        ("a dead zone on the sign: pixels whose gradient is below 1e-8 in size do not move ('float noise has no "
         "direction'): on a model confident of the true class every gradient is that small and nothing moves "
         "('delta = eps sign(grad_x L)', 'with sign(0) = 0 as in torch.sign': only an exact 0 gives 0)",
         replace_once(_FGSM, "    step = eps * torch.sign(grad)\n",
                      "    step = eps * torch.sign(grad) * (grad.abs() > 1e-8)   # float noise has no direction\n")),
        ("the multi-class hinge loss F.multi_margin_loss instead of the cross-entropy: once the true class wins by "
         "a margin of 1 the gradient is 0 and nothing moves, and elsewhere its signs differ ('Write fgsm(model, x, "
         "y, eps) with the cross-entropy loss')",
         replace_once(_FGSM, "    loss = F.cross_entropy(model(x_req), y)\n",
                      "    loss = F.multi_margin_loss(model(x_req), y)       # the SVM loss of the logits\n")),
        ("the gradient taken one image at a time ('a batch would mix the images' gradients'): a model the caller "
         "left in training mode with batch-norm sees batches of one, so f(x) and its gradient are not the batch's "
         "(a BatchNorm1d raises on a batch of one) and its statistics move once per image (the gradient of "
         "L(f(x), y) of the batch, 'fgsm leaves the model as the caller gave it: it does not switch its mode')",
         _FGSM_PER_EXAMPLE),
        ("the loss computed under torch.autocast('cpu', bfloat16) 'for speed': the gradient is a bfloat16 "
         "approximation whose signs differ on a CNN's small gradients (delta = eps sign(grad_x L(f(x), y)), "
         "the model in its own dtype)",
         replace_once(_FGSM, "    loss = F.cross_entropy(model(x_req), y)\n",
                      "    with torch.autocast(device_type=x_req.device.type, dtype=torch.bfloat16):\n"
                      "        loss = F.cross_entropy(model(x_req), y)\n")),
    ],
    "ex2_accuracy": [
        ("an example counted right when its label's logit equals the largest ('the label has the top logit'): "
         "on a tie every tied label counts as a hit, where the prediction argmax picks one class ('return the "
         "share of correct predictions', the notebook's prediction argmax(-1))", _ACC_TIES),
        ("batches made by x.reshape(-1, batch_size, ...): when batch_size does not divide N (or N < batch_size, "
         "e.g. 500 test images with the default 256) it raises ('go through the data in batches ... over "
         "**all** examples')", _ACC_RESHAPE),
        ("the parameters reordered to (model, x, y, batch_size=256, attack=None): the notebook's positional call "
         "accuracy_under_attack(m, x_test, y_test, attack) passes the attack as batch_size and raises "
         "('Write accuracy_under_attack(model, x, y, attack=None, batch_size=256)')", _ACC_ARG_ORDER),
        ("only the Dropout and BatchNorm2d layers switched to eval ('the only layers that act differently'): the "
         "model itself and its other layers (a BatchNorm1d) stay in training mode ('Put the model in eval mode', "
         "'leave the model in eval mode when you return'; (M))", _ACC_SOME_LAYERS),
    ],
    "ex3_pgd": [
        ("the random start drawn inside torch.random.fork_rng() 'so the caller's random stream is left alone': "
         "the global generator is put back after, so the caller's next draw repeats the start's noise ('drawn "
         "once ... from the global random generator as the caller left it'; (R) 'without reseeding it')",
         _PGD_FORK_START),
        ("a dead zone on the sign: pixels whose gradient is below 1e-8 in size do not move ('float noise has no "
         "direction'): on a model confident of the true class nothing moves (x^t + alpha sign(grad_x L), "
         "sign(0) = 0 only for an exact 0)",
         replace_once(_PGD, "        x_adv = x_adv.detach() + alpha * grad.sign()\n",
                      "        x_adv = x_adv.detach() + alpha * grad.sign() * (grad.abs() > 1e-8)   # no noise\n")),
        ("the sign written as grad / (grad.abs() + 1e-12) 'to avoid dividing by zero': on a confident model the "
         "input gradient is near 1e-12 and the steps are a fraction of alpha ('many small steps of size alpha', "
         "x^t + alpha sign(...))",
         replace_once(_PGD, "        x_adv = x_adv.detach() + alpha * grad.sign()\n",
                      "        x_adv = x_adv.detach() + alpha * grad / (grad.abs() + 1e-12)   # a safe sign\n")),
        ("the pixel range clamped from below only, clamp(min=0) ('pixels cannot be negative'): a pixel stepped "
         "past 1 stays above it ('then into [0, 1]', clip_[0,1](clip_[x-eps, x+eps](...)))",
         replace_once(_PGD, "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n",
                      "        x_adv = torch.clamp(x_adv, min=0.0)               # pixels cannot be negative\n")),
    ],
    "ex4_targeted": [
        ("a dead zone on the sign: pixels whose gradient is below 1e-8 in size do not move: once the model is "
         "sure of the target every gradient is that small and the later steps do nothing ('Take all `steps` "
         "steps ... the later steps push the examples deeper into the target class', x^t - alpha sign(...))",
         replace_once(_TGT, "        x_adv = x_adv.detach() - alpha * grad.sign()\n",
                      "        x_adv = x_adv.detach() - alpha * grad.sign() * (grad.abs() > 1e-8)   # no noise\n")),
        ("the target's multi-class hinge loss F.multi_margin_loss instead of the cross-entropy: once the target "
         "wins by a margin of 1 its gradient is 0 and the later steps stop ('L is the cross-entropy of the "
         "logits, as in fgsm'; 'the later steps push the examples deeper into the target class')",
         replace_once(_TGT, "        loss = F.cross_entropy(model(x_adv), target)\n",
                      "        loss = F.multi_margin_loss(model(x_adv), target)   # the SVM loss of the logits\n")),
        ("the sign written as grad / (grad.abs() + 1e-12) 'to avoid dividing by zero': where the model is sure of "
         "the target the gradient is near 1e-12 and the steps are a fraction of alpha (x^t - alpha sign(...))",
         replace_once(_TGT, "        x_adv = x_adv.detach() - alpha * grad.sign()\n",
                      "        x_adv = x_adv.detach() - alpha * grad / (grad.abs() + 1e-12)   # a safe sign\n")),
        ("returns the pair (x_adv, share of examples at their target) 'to report the success rate' instead of the "
         "attacked images ('as in pgd, x stays unchanged and the result is detached': one tensor, the image)",
         _TGT_PAIR),
    ],
    "ex5_adv_train": [
        ("the return indented into the epoch loop: one epoch is trained and a list of one mean comes back, "
         "whatever epochs ('Return the **mean batch loss of each epoch**', train_adversarial(..., epochs))",
         replace_once(_TRAIN, "            on_epoch(epoch, mean_loss)\n    return history\n",
                      "            on_epoch(epoch, mean_loss)\n        return history\n")),
        ("gradients accumulated over two batches, one optimizer step every second batch ('a larger effective "
         "batch', the LLM lab's habit): half the steps, each on two batches' gradients, and an odd last batch's "
         "gradients never stepped ('For every batch ...: zero the gradients, compute the cross-entropy ..., "
         "backward and step')", _TRAIN_ACCUM),
        ("on_epoch called with keywords, on_epoch(epoch=epoch, mean_loss=mean_loss): the notebook's callback "
         "lambda e, l: ... raises TypeError ('call on_epoch(epoch, mean_loss)', positional as the robust-train "
         "cell's lambda expects)",
         replace_once(_TRAIN, "            on_epoch(epoch, mean_loss)\n",
                      "            on_epoch(epoch=epoch, mean_loss=mean_loss)\n")),
        ("each epoch's mean rounded to 3 decimals before it is stored ('a readable history'): the list holds "
         "other numbers than the mean of the loss.item() ('the average of the loss.item() of every batch')",
         replace_once(_TRAIN, "        history.append(mean_loss)\n",
                      "        history.append(round(mean_loss, 3))     # a readable history\n")),
    ],
}
