"""Blind round 14, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of rounds 1-13 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 13's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

Several wrong answers break a sentence of the notebook's introduction ("What your functions may
change"); their labels quote which: (C) "a function changes nothing the caller gives it: it does not
modify the caller's tensors in place ... does not clear or replace the gradients the caller's
parameters hold in `.grad`", (D) "does not move a model or a tensor to another device or dtype",
(G) "a function does not leave gradient tracking turned off (`torch.set_grad_enabled(False)`) for the
caller", (M) "every other function that takes a model uses it in the train/eval mode the caller left
it in, and hands it back in that mode".

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND13 = earlier_round(13, __file__)  # its references are round 2's right answers: this round keeps them

_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND13._FGSM, ROUND13._ACC, ROUND13._PGD, ROUND13._TGT, ROUND13._TRAIN

# ----------------------------------------------------------------------------- round 14's own right answers
_FGSM_WHERE_SIGN = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    leaf = torch.empty_like(x).copy_(x.detach())       # a fresh copy with x's dtype, device and layout
    leaf.requires_grad_()
    with torch.enable_grad():
        total = F.cross_entropy(model(leaf), y, reduction="sum")   # a sum: same signs as the mean
        g, = torch.autograd.grad(total, (leaf,))
    direction = torch.where(g > 0, 1.0, torch.where(g < 0, -1.0, 0.0)).to(g.dtype)   # sign(0) = 0
    out = leaf.detach() + eps * direction
    return out.clip(min=0.0, max=1.0)
'''

_ACC_INDEX_SELECT = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    dev = next(model.parameters()).device
    n = x.size(0)
    correct = torch.zeros((), dtype=torch.long)
    for rows in torch.arange(n).split(batch_size):
        inputs = x.index_select(0, rows).to(dev)
        truth = y.index_select(0, rows).to(dev)
        if attack is not None:
            inputs = attack(model, inputs, truth)
        with torch.no_grad():
            predicted = model(inputs).argmax(-1)
        correct += torch.eq(predicted, truth).sum().cpu()
    return float(correct) / n
'''

_PGD_BOX_BOUNDS = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    clean = x.detach()
    low = (clean - eps).clamp(min=0.0)                # the eps-box and [0, 1] intersected once
    high = (clean + eps).clamp(max=1.0)
    if random_start:
        current = (clean + torch.empty_like(clean).uniform_(-eps, eps)).clamp(0.0, 1.0)
    else:
        current = clean.clone()
    t = 0
    while t < steps:
        current = current.detach().requires_grad_(True)
        objective = F.cross_entropy(model(current), y, reduction="sum")
        direction = torch.autograd.grad(objective, current)[0].sign()
        current = torch.minimum(torch.maximum(current.detach() + alpha * direction, low), high)
        t += 1
    return current.detach()
'''

_TGT_LOG_SOFTMAX_DELTA = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    base = x.detach().clone()
    delta = torch.zeros_like(base)
    for _ in range(steps):
        delta.requires_grad_(True)
        log_p = F.log_softmax(model(base + delta), dim=1)
        nll = F.nll_loss(log_p, target, reduction="sum")    # the target's cross-entropy, summed
        g = torch.autograd.grad(nll, delta)[0]
        with torch.no_grad():
            delta = (delta - alpha * g.sign()).clip(-eps, eps)
            delta = (base + delta).clip(0.0, 1.0) - base     # keep base + delta a valid image
    return (base + delta).detach()
'''

_TRAIN_RUNNING_MEAN = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    criterion = nn.CrossEntropyLoss()
    where = next(iter(model.parameters())).device
    per_epoch: list[float] = []
    for epoch in range(epochs):
        running, seen = 0.0, 0
        for batch_x, batch_y in iter(loader):
            batch_x, batch_y = batch_x.to(where), batch_y.to(where)
            model.eval()
            adversarial = attack(model, batch_x, batch_y)
            model.train()
            optimizer.zero_grad(set_to_none=True)
            loss = criterion(model(adversarial), batch_y)
            loss.backward()
            optimizer.step()
            seen += 1
            running += (loss.item() - running) / seen       # incremental mean of the batch losses
        per_epoch.append(float(running))
        if on_epoch is not None:
            on_epoch(epoch, per_epoch[-1])
    return per_epoch
'''

CORRECT = {
    gid: [ROUND13.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_fgsm", "empty_like + copy_ leaf, summed CE under enable_grad, sign by nested torch.where, "
                     "out-of-place clip (round 14)", _FGSM_WHERE_SIGN),
        ("ex2_accuracy", "index batches from torch.arange(n).split, index_select, a long tensor count turned "
                         "into a float at the end (round 14)", _ACC_INDEX_SELECT),
        ("ex3_pgd", "eps-box and [0, 1] intersected into low / high bounds once, torch.minimum / torch.maximum, "
                    "while loop, summed CE (round 14)", _PGD_BOX_BOUNDS),
        ("ex4_targeted", "delta iterate, nll_loss(log_softmax) summed, delta re-expressed through "
                         "clip(base + delta, 0, 1) - base (round 14)", _TGT_LOG_SOFTMAX_DELTA),
        ("ex5_adv_train", "nn.CrossEntropyLoss module, incremental running mean of the batch losses, "
                          "zero_grad(set_to_none=True) (round 14)", _TRAIN_RUNNING_MEAN),
    )
}

# ----------------------------------------------------------------------------- round 14's wrong answers
_ACC_CONCAT_ONE_FORWARD = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    inputs = []
    for i in range(0, x.shape[0], batch_size):
        xb = x[i:i + batch_size].to(device)
        yb = y[i:i + batch_size].to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        inputs.append(xb)
    with torch.no_grad():                              # the attacks are done: classify everything at once
        predictions = model(torch.cat(inputs)).argmax(dim=1)
    return (predictions == y.to(device)).sum().item() / x.shape[0]
'''

_ACC_CHUNK_FLOOR = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n_batches = max(1, x.shape[0] // batch_size)       # the number of batches of batch_size examples
    n_right = 0
    for xb, yb in zip(x.chunk(n_batches), y.chunk(n_batches)):
        xb, yb = xb.to(device), yb.to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            n_right += (model(xb).argmax(dim=1) == yb).sum().item()
    return n_right / x.shape[0]
'''

_ACC_TOTAL_BY_BATCH_SIZE = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n_right, total = 0, 0
    for i in range(0, x.shape[0], batch_size):
        xb = x[i:i + batch_size].to(device)
        yb = y[i:i + batch_size].to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            n_right += (model(xb).argmax(dim=1) == yb).sum().item()
        total += batch_size
    return n_right / total
'''

_PGD_DELTA_DRIFT = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    x_orig = x.detach().clone()
    if random_start:
        delta = torch.empty_like(x_orig).uniform_(-eps, eps)
    else:
        delta = torch.zeros_like(x_orig)
    for _ in range(steps):
        x_adv = (x_orig + delta).clamp(0.0, 1.0).requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), y)
        (grad,) = torch.autograd.grad(loss, [x_adv])
        delta = (delta + alpha * grad.sign()).clamp(-eps, eps)   # the eps-box on the perturbation
    return (x_orig + delta).clamp(0.0, 1.0).detach()
'''

_PGD_CLIP_WHEN_OUTSIDE = replace_once(
    _PGD,
    "        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)\n"
    "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n",
    "        if (x_adv - x_orig).abs().max() > eps:          # project only when the step left the box\n"
    "            x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)\n"
    "            x_adv = torch.clamp(x_adv, 0.0, 1.0)\n")

_TGT_BOX_AROUND_CALLERS_X = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x_adv = x.detach().clone()
    for _ in range(steps):
        x_adv = x_adv.detach().requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), target)
        (grad,) = torch.autograd.grad(loss, [x_adv])
        x_adv = x_adv.detach() - alpha * grad.sign()      # detached here: the result needs no detach
        x_adv = torch.clamp(x_adv, min=x - eps, max=x + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    return x_adv
'''

_TRAIN_FREEZE_FOR_ATTACK = replace_once(
    _TRAIN, "            x_adv = attack(model, x, y)\n",
    "            model.requires_grad_(False)            # the attack must not touch the weights\n"
    "            x_adv = attack(model, x, y)\n"
    "            model.requires_grad_(True)\n")

MUTANTS = {
    "ex1_fgsm": [
        ("the step and the clip made under torch.inference_mode() ('no graph needed: the fastest no_grad'): the "
         "result is an inference tensor, which autograd refuses to save, so a training step on it (as "
         "train_adversarial makes on an attacked batch) raises ('return a detached tensor': an ordinary one)",
         replace_once(_FGSM, "    return torch.clamp(x_req.detach() + step, 0.0, 1.0)\n",
                      "    with torch.inference_mode():                   # no graph for the step\n"
                      "        x_adv = torch.clamp(x_req.detach() + step, 0.0, 1.0)\n"
                      "    return x_adv\n")),
        ("one sign per pixel position, the gradient summed over the colour channels (grad.sum(dim=1)): on a "
         "3-channel image every channel of a pixel moves the same way, and on flat (B, D) inputs every "
         "feature of an example does ('delta = eps sign(grad_x L)', one sign per input value)",
         replace_once(_FGSM, "    step = eps * torch.sign(grad)\n",
                      "    step = eps * torch.sign(grad.sum(dim=1, keepdim=True))   # one sign per pixel\n")),
        ("the model fed x_req.float() ('the model takes float32 images'): a float64 model given float64 images "
         "raises (D: the input's dtype changed for the model)",
         replace_once(_FGSM, "loss = F.cross_entropy(model(x_req), y)", "loss = F.cross_entropy(model(x_req.float()), y)")),
        ("an extra clean forward pass model(x) under no_grad 'to see what the model predicted before': a model "
         "given in training mode updates its batch-norm statistics twice and its dropout draws twice from "
         "the global generator, so the attacked pass sees another mask ('nor change its weights or its "
         "batch-norm statistics')",
         replace_once(_FGSM, "    x_req = x.detach().clone().requires_grad_(True)\n",
                      "    with torch.no_grad():\n"
                      "        clean_pred = model(x).argmax(dim=1)        # what it saw before the attack\n"
                      "    x_req = x.detach().clone().requires_grad_(True)\n")),
        ("eps read as a relative change (x * (1 + eps sign(grad))): a dark pixel barely moves, a black one "
         "never ('every pixel moved by at most eps', x' = clip(x + eps sign(grad)))",
         replace_once(_FGSM, "    return torch.clamp(x_req.detach() + step, 0.0, 1.0)\n",
                      "    return torch.clamp(x_req.detach() * (1 + step), 0.0, 1.0)\n")),
    ],
    "ex2_accuracy": [
        ("model.eval written without the call (model.eval, a no-op): a model given in training mode is "
         "evaluated with its dropout on and comes back in training mode ('Put the model in eval mode ... "
         "leave the model in eval mode when you return')",
         replace_once(_ACC, "    model.eval()\n", "    model.eval\n")),
        ("x.chunk(len(x) // batch_size): the floor of the number of batches, so when batch_size does not divide "
         "N the chunks hold more than batch_size examples ('no forward pass holds more than batch_size "
         "examples')", _ACC_CHUNK_FLOOR),
        ("attacked batch by batch, then every batch concatenated and classified in one forward pass: the "
         "prediction holds all N examples ('with or without an attack, no forward pass holds more than "
         "batch_size examples')", _ACC_CONCAT_ONE_FORWARD),
        ("the denominator counted as batch_size per batch (total += batch_size): a last, smaller batch counts "
         "as a full one ('the share of correct predictions over **all** examples')", _ACC_TOTAL_BY_BATCH_SIZE),
        ("returns 1 - share, the attack's success rate ('fooling rate'), instead of the share of correct "
         "predictions ('return the share of correct predictions')",
         replace_once(_ACC, "    return n_right / x.shape[0]\n", "    return 1.0 - n_right / x.shape[0]\n")),
    ],
    "ex3_pgd": [
        ("`if random_start is not None:` (the default-None habit): False is not None, so every call gets a "
         "random start, random_start=False too ('otherwise x^0 = x and nothing is drawn')",
         replace_once(_PGD, "    if random_start:\n", "    if random_start is not None:\n")),
        ("model.zero_grad() before each step 'so the steps do not accumulate': the gradients the caller's "
         "parameters held are cleared ((C) 'does not clear or replace the gradients the caller's parameters "
         "hold in .grad')",
         replace_once(_PGD, "        x_adv = x_adv.detach().requires_grad_(True)\n",
                      "        model.zero_grad()                              # a clean slate for every step\n"
                      "        x_adv = x_adv.detach().requires_grad_(True)\n")),
        ("every step taken from the original x (x_orig + alpha sign(grad at x^t)) instead of from the iterate: "
         "the steps do not add up, the result is one alpha-step away from x ('x^{t+1} = clip(clip(x^t + alpha "
         "sign(...)))')",
         replace_once(_PGD, "        x_adv = x_adv.detach() + alpha * grad.sign()\n",
                      "        x_adv = x_orig + alpha * grad.sign()\n")),
        ("perturbation delta kept only in the eps-box, the [0, 1] clip applied to x + delta without bringing "
         "delta back: past a pixel's edge delta keeps a part the image cannot show, so a later step back "
         "starts from beyond the edge ('x^{t+1} = clip_[0,1](clip_[x-eps, x+eps](x^t + ...))', the iterate "
         "itself clipped; x^0 = clip_[0,1](x + u))", _PGD_DELTA_DRIFT),
        ("the projection (the eps-box and [0, 1]) made only when some pixel left the eps-box: steps that stay "
         "in the box but leave [0, 1] are never clipped ('after each one *projects* back onto the allowed set')",
         _PGD_CLIP_WHEN_OUTSIDE),
    ],
    "ex4_targeted": [
        ("the eps-box built from the caller's x (x - eps, x + eps) instead of the detached copy, and the last "
         "iterate returned as it is: when x requires grad the result comes back with a grad_fn ('the result "
         "is detached')", _TGT_BOX_AROUND_CALLERS_X),
        ("model.requires_grad_(False) at the start ('the model stays fixed', only the input needs a gradient), "
         "never undone: the caller's parameters come back frozen ((C) 'a function changes nothing the caller "
         "gives it')",
         replace_once(_TGT, "    x_orig = x.detach().clone()\n",
                      "    model.requires_grad_(False)                        # only the input needs gradients\n"
                      "    x_orig = x.detach().clone()\n")),
        ("the box taken with alpha instead of eps (clip_[x - alpha, x + alpha]): the iterate never goes farther "
         "than one step from x ('clip_[x - eps, x + eps]')",
         replace_once(_TGT, "torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)",
                      "torch.clamp(x_adv, min=x_orig - alpha, max=x_orig + alpha)")),
        ("each iterate rounded to 8-bit grey levels (round(x * 255) / 255) 'so it stays a real image': the "
         "steps of alpha are snapped to multiples of 1/255 (x^{t+1} = clip(clip(x^t - alpha sign(...))))",
         replace_once(_TGT, "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n",
                      "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n"
                      "        x_adv = torch.round(x_adv * 255) / 255          # a real 8-bit image\n")),
        ("one direction for the whole batch, the sign of the batch-summed gradient: every example takes the "
         "same step, whatever its own target ('target holds one class index per example', each x^t stepped "
         "by its own gradient)",
         replace_once(_TGT, "        x_adv = x_adv.detach() - alpha * grad.sign()\n",
                      "        x_adv = x_adv.detach() - alpha * grad.sum(dim=0, keepdim=True).sign()\n")),
    ],
    "ex5_adv_train": [
        ("the history returned as torch.tensor(history) ('to plot it'): a tensor, not 'a list of Python floats'",
         replace_once(_TRAIN, "    return history\n", "    return torch.tensor(history)\n")),
        ("on_epoch(epoch, history): the callback gets the list of the means so far instead of this epoch's mean "
         "('call on_epoch(epoch, mean_loss)')",
         replace_once(_TRAIN, "            on_epoch(epoch, mean_loss)\n", "            on_epoch(epoch, history)\n")),
        ("torch.set_grad_enabled(False) after the epochs 'training is done, the evaluation needs no graphs': "
         "gradients stay off for the caller (G)",
         replace_once(_TRAIN, "    return history\n",
                      "    torch.set_grad_enabled(False)                      # training done\n    return history\n")),
        ("model.requires_grad_(False) around the attack 'so it cannot touch the weights', requires_grad_(True) "
         "after: parameters the caller had frozen come back trainable and the optimizer updates them ((C) 'a "
         "function changes nothing the caller gives it'; only the parameters the caller trains are updated)",
         _TRAIN_FREEZE_FOR_ATTACK),
        ("every param group's lr set to the notebook's cfg.lr ('the lab's learning rate'): the caller's "
         "optimizer is changed and trains with another rate ('train_adversarial(model, loader, optimizer, ...)': "
         "the optimizer as given)",
         replace_once(_TRAIN, "    history = []\n",
                      "    for group in optimizer.param_groups:\n        group['lr'] = cfg.lr\n    history = []\n")),
    ],
}
