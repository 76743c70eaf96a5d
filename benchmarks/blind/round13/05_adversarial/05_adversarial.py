"""Blind round 13, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of rounds 1-12 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 12's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

Several wrong answers break a sentence of the notebook's introduction ("What your functions may
change"); their labels quote which: (C) "a function changes nothing the caller gives it: it does not
modify the caller's tensors in place ...", (D) "does not move a model or a tensor to another device or
dtype", (G) "a function does not leave gradient tracking turned off
(`torch.set_grad_enabled(False)`) for the caller".

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND12 = earlier_round(12, __file__)  # its references are round 2's right answers: this round keeps them

_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND12._FGSM, ROUND12._ACC, ROUND12._PGD, ROUND12._TGT, ROUND12._TRAIN

# ----------------------------------------------------------------------------- round 13's own right answers
_FGSM_FUNC_GRAD = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    from torch.func import grad as input_grad

    start = x.detach().clone()
    g = input_grad(lambda inp: F.nll_loss(F.log_softmax(model(inp), dim=-1), y))(start)   # d loss / d input
    upper = torch.ones_like(start)
    g = g.detach()                                     # func.grad keeps a graph through the weights
    return torch.minimum(torch.maximum(start + eps * g.sign(), torch.zeros_like(start)), upper)
'''

_ACC_SPLIT_ZIP = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.train(False)
    where = next(iter(model.parameters())).device
    hits = []
    for xs, ys in zip(torch.split(x, batch_size), torch.split(y, batch_size)):
        xs, ys = xs.to(where), ys.to(where)
        batch = attack(model, xs, ys) if attack is not None else xs
        with torch.no_grad():
            hits.append(int(torch.count_nonzero(torch.max(model(batch), 1).indices == ys)))
    return float(sum(hits)) / float(len(y))
'''

_PGD_DELTA = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    base = x.detach()                                  # read only, never written
    if random_start:
        delta = torch.empty_like(base).uniform_(-eps, eps)
        delta = (base + delta).clamp(0.0, 1.0) - base
    else:
        delta = torch.zeros_like(base)
    for _ in range(steps):
        delta.requires_grad_(True)
        loss = F.cross_entropy(model(base + delta), y, reduction="sum")
        g = torch.autograd.grad(loss, delta)[0]
        delta = (delta.detach() + alpha * torch.sign(g)).clamp(-eps, eps)
        delta = (base + delta).clamp(0.0, 1.0) - base
    return (base + delta).detach()
'''

_TGT_ASCEND_NEGATIVE = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x0 = x.detach().clone()
    lo, hi = x0 - eps, x0 + eps
    cur = x0
    n = 0
    while n < steps:
        leaf = cur.clone().requires_grad_()
        objective = -F.cross_entropy(model(leaf), target)     # climbing minus the loss = descending it
        g, = torch.autograd.grad(objective, leaf)
        cur = torch.max(torch.min(leaf.detach() + alpha * g.sign(), hi), lo).clamp(0.0, 1.0)
        n += 1
    return cur.detach()
'''

_TRAIN_COUNTERS = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    dev = next(model.parameters()).device
    means = []
    epoch = 0
    while epoch < epochs:
        total, count = 0.0, 0
        for inputs, targets in loader:
            inputs, targets = inputs.to(dev), targets.to(dev)
            model.eval()
            perturbed = attack(model, inputs, targets)
            model.train(mode=True)
            for p in model.parameters():
                p.grad = None
            loss = F.nll_loss(F.log_softmax(model(perturbed), dim=-1), targets)
            loss.backward()
            optimizer.step()
            total += loss.item()
            count += 1
        means.append(total / count)
        if on_epoch:
            on_epoch(epoch, means[-1])
        epoch += 1
    return means
'''

CORRECT = {
    gid: [ROUND12.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_fgsm", "torch.func.grad of an nll_loss(log_softmax) closure, the box [0, 1] by torch.maximum / "
                     "torch.minimum (round 13)", _FGSM_FUNC_GRAD),
        ("ex2_accuracy", "zip of torch.split(x) and torch.split(y), torch.count_nonzero of max(1).indices, "
                         "train(False), python-int hits (round 13)", _ACC_SPLIT_ZIP),
        ("ex3_pgd", "perturbation delta as the iterate, summed CE, delta clamped to [-eps, eps] then re-expressed "
                    "through clamp(base + delta, 0, 1) - base (round 13)", _PGD_DELTA),
        ("ex4_targeted", "ascent on minus the target's cross-entropy, while loop, torch.max / torch.min box "
                         "(round 13)", _TGT_ASCEND_NEGATIVE),
        ("ex5_adv_train", "while loop over epochs, running total and count, p.grad = None for the zeroing, "
                          "nll_loss(log_softmax), train(mode=True) (round 13)", _TRAIN_COUNTERS),
    )
}

# ----------------------------------------------------------------------------- round 13's wrong answers
_ACC_CLEAN_ONE_FORWARD = replace_once(
    _ACC, "    n_right = 0\n",
    "    if attack is None:                                 # no attack: nothing to batch\n"
    "        with torch.no_grad():\n"
    "            return (model(x.to(device)).argmax(dim=1) == y.to(device)).sum().item() / x.shape[0]\n"
    "    n_right = 0\n")

_ACC_RETURN_IN_LOOP = replace_once(
    _ACC, "        n_right += (logits.argmax(dim=1) == yb).sum().item()\n    return n_right / x.shape[0]\n",
    "        n_right += (logits.argmax(dim=1) == yb).sum().item()\n        return n_right / x.shape[0]\n")

_ACC_LABELS_BY_BATCH_INDEX = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n_right = 0
    for b, xb in enumerate(x.split(batch_size)):
        yb = y[b:b + batch_size].to(device)            # the labels of the same batch
        xb = xb.to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            n_right += (model(xb).argmax(dim=1) == yb).sum().item()
    return n_right / len(x)
'''

_PGD_RANDOM_FLOAT32 = replace_once(
    _PGD, "torch.empty_like(x_orig).uniform_(-eps, eps)", "torch.empty(x_orig.shape).uniform_(-eps, eps)")

_TGT_ALIASED_BOX = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x_orig = x.detach().clone()
    x_adv = x_orig                                     # the iterate starts at x
    for _ in range(steps):
        x_adv.requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), target)
        (grad,) = torch.autograd.grad(loss, [x_adv])
        x_adv.requires_grad_(False)
        with torch.no_grad():
            x_adv.sub_(alpha * grad.sign())
            x_adv.copy_(torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps))
            x_adv.clamp_(0.0, 1.0)
    return x_adv.detach()
'''

MUTANTS = {
    "ex1_fgsm": [
        ("sign written as grad / (grad.abs() + 1e-12) 'to avoid dividing by zero': on a confident model the "
         "input gradient is below 1e-12 and the pixels move by a fraction of eps ('delta = eps sign(grad_x L)', "
         "'with sign(0) = 0 as in torch.sign')",
         replace_once(_FGSM, "    step = eps * torch.sign(grad)\n",
                      "    step = eps * grad / (grad.abs() + 1e-12)           # sign, without dividing by 0\n")),
        ("torch.autograd.grad(..., create_graph=True) (copied from a second-order example): the gradient keeps a "
         "graph, so the result x + eps sign(grad) comes back with requires_grad and a grad_fn ('return a "
         "detached tensor')",
         replace_once(_FGSM, "grad = torch.autograd.grad(loss, x_req)[0]",
                      "grad = torch.autograd.grad(loss, x_req, create_graph=True)[0]")),
        ("the step added to the caller's x instead of the detached copy (clamp(x + step)): when the caller's x "
         "requires grad the result comes back attached to it ('Work on a detached copy of x ... return a "
         "detached tensor')",
         replace_once(_FGSM, "return torch.clamp(x_req.detach() + step, 0.0, 1.0)",
                      "return torch.clamp(x + step, 0.0, 1.0)")),
        ("the notebook's `standard` model used for the loss instead of the model argument (as in the demo "
         "cell fgsm(standard, ...)): any other model is attacked through the standard CNN ('Write "
         "fgsm(model, x, y, eps)', the gradient of L(f(x), y) for the given f)",
         replace_once(_FGSM, "loss = F.cross_entropy(model(x_req), y)", "loss = F.cross_entropy(standard(x_req), y)")),
    ],
    "ex2_accuracy": [
        ("the clean evaluation (attack=None) made in one forward pass over the whole set ('nothing to batch'): "
         "batch_size is ignored for it ('go through the data in batches')", _ACC_CLEAN_ONE_FORWARD),
        ("the return indented into the batch loop: only the first batch is evaluated, its hits divided by N "
         "('return the share of correct predictions over **all** examples')", _ACC_RETURN_IN_LOOP),
        ("model.requires_grad_(True) at the top 'because attacks need gradients': a model whose parameters the "
         "caller had frozen comes back trainable ((C) 'a function changes nothing the caller gives it')",
         replace_once(_ACC, "    model.eval()\n",
                      "    model.eval()\n    model.requires_grad_(True)                     # attacks need gradients\n")),
        ("labels sliced with the batch number (enumerate(x.split(batch_size)), y[b:b + batch_size]) instead of "
         "the batch's offset: from the second batch on every example is scored against another example's label",
         _ACC_LABELS_BY_BATCH_INDEX),
    ],
    "ex3_pgd": [
        ("the default changed to random_start=True (the usual training choice): a call that does not name it "
         "gets a random start and draws from the global generator ('pgd(model, x, y, eps, alpha, steps, "
         "random_start=False)', 'otherwise x^0 = x and nothing is drawn')",
         replace_once(_PGD, "random_start: bool = False", "random_start: bool = True")),
        ("random start drawn as torch.empty(x.shape).uniform_(-eps, eps): float32 noise on the CPU, not noise "
         "like x ('torch.empty_like(x).uniform_(-eps, eps)'): a float64 image gets another (float32) draw",
         _PGD_RANDOM_FLOAT32),
        ("alpha capped at eps ('a step cannot be larger than the budget'): with alpha > eps (the training "
         "attack's 2.5 eps / steps when steps < 2.5) the steps are shorter than alpha ('many small steps of "
         "size alpha', x^t + alpha sign(...))",
         replace_once(_PGD, "    x_orig = x.detach().clone()\n",
                      "    alpha = min(alpha, eps)                            # a step never exceeds the budget\n"
                      "    x_orig = x.detach().clone()\n")),
        ("logits .squeeze()d before the cross-entropy: a batch of one has (C,) logits against a (1,) label "
         "and raises",
         replace_once(_PGD, "loss = F.cross_entropy(model(x_adv), y)", "loss = F.cross_entropy(model(x_adv).squeeze(), y)")),
        ("the pixel range taken from the data, clamp(x_orig.min(), x_orig.max()), instead of [0, 1] ('then "
         "into [0, 1]'): a pixel of the brightest value can never be brightened",
         replace_once(_PGD, "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n",
                      "        x_adv = torch.clamp(x_adv, x_orig.min(), x_orig.max())\n")),
    ],
    "ex4_targeted": [
        ("F.nll_loss on the softmax (the log forgotten): the loss is minus the target's probability, whose "
         "gradient vanishes when the target's probability underflows, so a confidently wrong example does not "
         "move ('walks *down* the loss of the target label t', L the cross-entropy)",
         replace_once(_TGT, "loss = F.cross_entropy(model(x_adv), target)",
                      "loss = F.nll_loss(F.softmax(model(x_adv), dim=1), target)")),
        ("F.nll_loss(torch.log(F.softmax(...))) instead of the cross-entropy: log of an underflowed probability "
         "is -inf and the gradient NaN on a confident model (a numerically unstable form of L)",
         replace_once(_TGT, "loss = F.cross_entropy(model(x_adv), target)",
                      "loss = F.nll_loss(torch.log(F.softmax(model(x_adv), dim=1)), target)")),
        ("x_adv = x_orig without a clone, stepped in place: the eps-box is taken around the iterate itself, so "
         "the projection does nothing and the iterate leaves the box ('clip_[x - eps, x + eps]' around the "
         "original x)", _TGT_ALIASED_BOX),
        ("target.squeeze() at the top 'to make it (B,)': a batch of one becomes a 0-d target and the "
         "cross-entropy raises ('target holds one class index per example')",
         replace_once(_TGT, "    x_orig = x.detach().clone()\n",
                      "    target = target.squeeze()                          # (B, 1) -> (B,)\n"
                      "    x_orig = x.detach().clone()\n")),
        ("torch.set_grad_enabled(False) after the loop 'the attack is done, no more graphs': gradients stay "
         "off for the caller (G)",
         replace_once(_TGT, "    return x_adv.detach()\n",
                      "    torch.set_grad_enabled(False)                      # attack done: no more graphs\n"
                      "    return x_adv.detach()\n")),
    ],
    "ex5_adv_train": [
        ("the notebook's cfg.epochs instead of the epochs argument (copied from train_standard): another "
         "number of epochs is trained and returned ('train_adversarial(model, loader, optimizer, attack, "
         "epochs, ...)')",
         replace_once(_TRAIN, "for epoch in range(epochs):", "for epoch in range(cfg.epochs):")),
        ("optimizer.zero_grad() forgotten: every step follows the gradients summed over all batches so far "
         "(and the caller's .grad) ('then zero the gradients, compute the cross-entropy ..., backward and step')",
         replace_once(_TRAIN, "            optimizer.zero_grad()\n", "")),
        ("model.float() and batches .float() 'to train in float32': a float64 model comes back with float32 "
         "weights (D)",
         replace_once(replace_once(_TRAIN, "    history = []\n", "    model.float()\n    history = []\n"),
                      "x, y = x.to(device), y.to(device)", "x, y = x.to(device).float(), y.to(device)")),
        ("model.train() and model.eval() swapped around the attack: each batch is attacked in training mode, "
         "the step trains in eval mode and the model comes back in eval mode ('model.eval(), x_adv = "
         "attack(model, x, y), model.train()')",
         replace_once(_TRAIN, "            model.eval()\n            x_adv = attack(model, x, y)\n"
                              "            model.train()\n",
                      "            model.train()\n            x_adv = attack(model, x, y)\n"
                      "            model.eval()\n")),
    ],
}
