"""Blind round 12, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of rounds 1-11 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 11's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

Several wrong answers break a sentence of the notebook's introduction ("What your functions may
change"); their labels quote which: (C) "a function changes nothing the caller gives it: it does not
modify the caller's tensors in place ... does not clear or replace the gradients the caller's
parameters hold in `.grad`", (D) "does not move a model or a tensor to another device or dtype",
(M) "every other function that takes a model uses it in the train/eval mode the caller left it in,
and hands it back in that mode", (R) "draws random numbers only from the generator or seed it is
given ... without reseeding it", (G) "a function does not leave gradient tracking turned off
(`torch.set_grad_enabled(False)`) for the caller".

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND11 = earlier_round(11, __file__)  # its references are round 2's right answers: this round keeps them

_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND11._FGSM, ROUND11._ACC, ROUND11._PGD, ROUND11._TGT, ROUND11._TRAIN

# ----------------------------------------------------------------------------- round 12's own right answers
_FGSM_LOGSUMEXP = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    leaf = x.detach().clone()
    leaf.requires_grad = True
    logits = model(leaf)
    # cross-entropy written out: log-sum-exp of the logits minus the true class's logit, averaged
    ce = (torch.logsumexp(logits, dim=1) - logits.gather(1, y.view(-1, 1)).squeeze(1)).mean()
    g = torch.autograd.grad(outputs=ce, inputs=leaf)[0]
    moved = leaf.detach() + eps * g.sign()
    return moved.clamp(min=0.0, max=1.0)
'''

_ACC_CAT_PREDICTIONS = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    dev = next(model.parameters()).device
    predictions = []
    start = 0
    while start < len(x):
        stop = start + batch_size
        xb, yb = x[start:stop].to(dev), y[start:stop].to(dev)
        inputs = xb if attack is None else attack(model, xb, yb)
        with torch.no_grad():
            predictions.append(model(inputs).argmax(dim=-1).cpu())
        start = stop
    correct = torch.cat(predictions) == y.cpu()
    return float(correct.sum()) / y.numel()
'''

_PGD_PARAMETER = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    clean = x.detach()                                 # only read
    point = nn.Parameter(clean.clone())                # the iterate, updated in place through .data
    if random_start:
        point.data.add_(torch.empty_like(clean).uniform_(-eps, eps)).clamp_(0.0, 1.0)
    step = 0
    while step < steps:
        (g,) = torch.autograd.grad(F.cross_entropy(model(point), y), point)
        point.data.add_(g.sign(), alpha=alpha)
        point.data = torch.where(point.data > clean + eps, clean + eps, point.data)
        point.data = torch.where(point.data < clean - eps, clean - eps, point.data)
        point.data.clamp_(0.0, 1.0)
        step += 1
    return point.detach().clone()
'''

_TGT_SOFT_LABELS = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    origin = x.detach().clone()
    iterates = [origin]
    for _ in range(steps):
        current = iterates[-1].clone().requires_grad_(True)
        logits = model(current)
        wanted = F.one_hot(target, num_classes=logits.shape[-1]).to(logits.dtype)   # soft-label form of the CE
        (g,) = torch.autograd.grad(F.cross_entropy(logits, wanted), current)
        nxt = current.detach() - alpha * g.sign()
        nxt = torch.min(torch.max(nxt, origin - eps), origin + eps).clamp(0.0, 1.0)
        iterates.append(nxt)
    return iterates[-1].detach()
'''

_TRAIN_DEFAULTDICT = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    import statistics
    from collections import defaultdict

    where = next(model.parameters()).device
    per_epoch = defaultdict(list)
    for epoch in range(epochs):
        for xb, yb in loader:
            xb, yb = xb.to(where), yb.to(where)
            model.train(False)
            attacked = attack(model, xb, yb)
            model.train(True)
            optimizer.zero_grad()
            log_p = F.log_softmax(model(attacked), dim=1)
            loss = -log_p[torch.arange(len(yb), device=where), yb].mean()
            loss.backward()
            optimizer.step()
            per_epoch[epoch].append(float(loss.item()))
        if on_epoch is not None:
            on_epoch(epoch, statistics.mean(per_epoch[epoch]))
    return [statistics.mean(per_epoch[e]) for e in range(epochs)]
'''

CORRECT = {
    gid: [ROUND11.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_fgsm", "cross-entropy written as logsumexp minus the gathered logit, autograd.grad(outputs=, "
                     "inputs=), clamp(min=, max=) (round 12)", _FGSM_LOGSUMEXP),
        ("ex2_accuracy", "while loop over slices, predictions collected on the CPU and compared with y once "
                         "after torch.cat, divided by y.numel() (round 12)", _ACC_CAT_PREDICTIONS),
        ("ex3_pgd", "the iterate an nn.Parameter updated in place through .data, add_(alpha=), the box by two "
                    "torch.where, while loop (round 12)", _PGD_PARAMETER),
        ("ex4_targeted", "soft-label cross-entropy on F.one_hot(target, num_classes=logits.shape[-1]), the "
                         "iterates kept in a list (round 12)", _TGT_SOFT_LABELS),
        ("ex5_adv_train", "defaultdict of per-epoch loss lists, statistics.mean, train(False)/train(True), CE "
                          "by arange indexing of log_softmax (round 12)", _TRAIN_DEFAULTDICT),
    )
}

# ----------------------------------------------------------------------------- round 12's wrong answers
_FGSM_IN_PLACE = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    x_req = x.detach().requires_grad_(True)            # 'a detached copy' (it shares x's memory)
    loss = F.cross_entropy(model(x_req), y)
    grad = torch.autograd.grad(loss, x_req)[0]
    with torch.no_grad():
        x_req.add_(eps * torch.sign(grad)).clamp_(0.0, 1.0)
    return x_req.detach()
'''

_ACC_FORK_RNG = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n_right = 0
    with torch.random.fork_rng(devices=[]):            # 'leave the caller's random stream alone'
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

_PGD_CLEAN_GRADIENT = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    x_orig = x.detach().clone()
    x_req = x_orig.clone().requires_grad_(True)        # 'work on a detached copy of x that requires grad'
    if random_start:
        x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)
    else:
        x_adv = x_orig.clone()
    for _ in range(steps):
        loss = F.cross_entropy(model(x_req), y)
        (grad,) = torch.autograd.grad(loss, [x_req])
        x_adv = x_adv.detach() + alpha * grad.sign()
        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    return x_adv.detach()
'''

_PGD_GRAD_SWITCH = replace_once(
    replace_once(_PGD, "    for _ in range(steps):\n",
                 "    for _ in range(steps):\n"
                 "        torch.set_grad_enabled(True)                   # gradients for the step\n"),
    "        x_adv = x_adv.detach() + alpha * grad.sign()\n",
    "        torch.set_grad_enabled(False)                  # no graph for the update and the projection\n"
    "        x_adv = x_adv.detach() + alpha * grad.sign()\n")

_TGT_ZERO_GRAD_BACKWARD = replace_once(
    _TGT, "        (grad,) = torch.autograd.grad(loss, [x_adv])\n",
    "        model.zero_grad()                              # 'start every step clean'\n"
    "        loss.backward()\n"
    "        grad = x_adv.grad\n")

_TGT_ATTACHED = replace_once(
    replace_once(_TGT, "x_adv = x_adv.detach() - alpha * grad.sign()", "x_adv = x_adv - alpha * grad.sign()"),
    "    return x_adv.detach()\n", "    return x_adv\n")

MUTANTS = {
    "ex1_fgsm": [
        ("loss.backward() and x_req.grad instead of torch.autograd.grad: the gradient also lands in the "
         "parameters' .grad, which the caller's values no longer hold ('torch.autograd.grad(loss, x) ... leaves "
         "the model's .grad alone'; (C) 'does not clear or replace the gradients ... in .grad')",
         replace_once(_FGSM, "    grad = torch.autograd.grad(loss, x_req)[0]\n",
                      "    loss.backward()\n    grad = x_req.grad\n")),
        ("torch.set_grad_enabled(False) called after the gradient 'since no graph is needed for the step', "
         "never switched back on: the caller is left with gradients off (G)",
         replace_once(_FGSM, "    step = eps * torch.sign(grad)\n",
                      "    torch.set_grad_enabled(False)                  # no graph needed for the step\n"
                      "    step = eps * torch.sign(grad)\n")),
        ("x.detach() taken as the copy (it shares x's memory) and the step made with add_ / clamp_ under "
         "no_grad: the caller's x comes back attacked ('the caller's x must come back unchanged (same "
         "values ...)') (C)", _FGSM_IN_PLACE),
        ("x - eps sign(grad) (a gradient-descent habit): the step goes down the loss ('They want the loss "
         "L(f(x'), y) as large as possible', x' = clip(x + eps sign(grad)))",
         replace_once(_FGSM, "return torch.clamp(x_req.detach() + step, 0.0, 1.0)",
                      "return torch.clamp(x_req.detach() - step, 0.0, 1.0)")),
    ],
    "ex2_accuracy": [
        ("x = x.to(device).requires_grad_(True) at the top 'because attacks need gradients': on the model's "
         "own device .to() returns the caller's tensor, which comes back with requires_grad=True ('Leave the "
         "caller's x and y as they were') (C)",
         replace_once(_ACC, "    n_right = 0\n",
                      "    x = x.to(device).requires_grad_(True)          # 'attacks need gradients'\n"
                      "    n_right = 0\n")),
        ("the whole evaluation inside torch.random.fork_rng(devices=[]) 'to leave the caller's random stream "
         "alone': the global generator is put back after the call, so a random attack draws the same noise "
         "every call and the caller's next draws repeat it ('draws random numbers ... from PyTorch's global "
         "generator when it is given none) without reseeding it') (R)", _ACC_FORK_RNG),
        ("batch starts range(0, len(x) - 1, batch_size) (an off-by-one end): when the last batch holds one "
         "example it is never evaluated, the share still divided by len(x) ('return the share of correct "
         "predictions over **all** examples')",
         replace_once(_ACC, "for i in range(0, x.shape[0], batch_size):",
                      "for i in range(0, x.shape[0] - 1, batch_size):")),
        ("model.eval() only when no attack is given ('attacks need gradients'): an attacked evaluation runs "
         "in the caller's mode and hands the model back in training mode ('Put the model in eval mode ... "
         "leave the model in eval mode when you return')",
         replace_once(_ACC, "    model.eval()\n",
                      "    if attack is None:                             # attacks need the model as it is\n"
                      "        model.eval()\n")),
    ],
    "ex3_pgd": [
        ("loss.backward() and x_adv.grad instead of torch.autograd.grad: every step adds its gradient to the "
         "parameters' .grad (as in fgsm, 'leaves the model's .grad alone'; (C) 'does not clear or replace the "
         "gradients the caller's parameters hold in .grad')",
         replace_once(_PGD, "        (grad,) = torch.autograd.grad(loss, [x_adv])\n",
                      "        loss.backward()\n        grad = x_adv.grad\n")),
        ("the gradient taken at the clean x (one leaf made before the loop) at every step instead of at the "
         "iterate x^t ('sign(grad_x L(f(x^t), y))'): the steps repeat one direction",
         _PGD_CLEAN_GRADIENT),
        ("the copy cast with .float() ('images are float32'): a float64 image is attacked in float32 (a "
         "float64 model raises) and comes back float32 (D)",
         replace_once(_PGD, "    x_orig = x.detach().clone()\n", "    x_orig = x.detach().clone().float()\n")),
        ("torch.set_grad_enabled(True) before each gradient and set_grad_enabled(False) for the update and "
         "the projection, used as if scoped: after the last step gradients stay off for the caller (G)",
         _PGD_GRAD_SWITCH),
    ],
    "ex4_targeted": [
        ("model.zero_grad() then loss.backward() and x_adv.grad at every step ('start every step clean'): the "
         "gradients the caller's parameters held are wiped and replaced by the attack's (C)",
         _TGT_ZERO_GRAD_BACKWARD),
        ("x^t + alpha sign(grad) kept from pgd (copy-paste): the steps go up the target's loss, away from the "
         "target ('it walks *down* the loss of the target label t', x^t - alpha sign(...))",
         replace_once(_TGT, "x_adv = x_adv.detach() - alpha * grad.sign()",
                      "x_adv = x_adv.detach() + alpha * grad.sign()")),
        ("the step made on the leaf itself (x_adv - alpha sign(grad), no .detach()) and the last iterate "
         "returned as it is: the result comes back with requires_grad and a grad_fn ('the result is "
         "detached')", _TGT_ATTACHED),
        ("model.eval() at the start 'for a deterministic attack', never undone: a model given in training mode "
         "is attacked in eval mode and comes back in eval mode (M)",
         replace_once(_TGT, "    x_orig = x.detach().clone()\n",
                      "    model.eval()                                       # 'a deterministic attack'\n"
                      "    x_orig = x.detach().clone()\n")),
    ],
    "ex5_adv_train": [
        ("no model.eval() before the attack (model.train() once per batch before it): every batch is "
         "attacked in training mode ('For every batch ...: model.eval(), x_adv = attack(model, x, y), "
         "model.train()')",
         replace_once(_TRAIN, "            model.eval()\n            x_adv = attack(model, x, y)\n"
                              "            model.train()\n",
                      "            model.train()\n            x_adv = attack(model, x, y)\n")),
        ("on_epoch(mean_loss, epoch): the arguments swapped ('call on_epoch(epoch, mean_loss)')",
         replace_once(_TRAIN, "on_epoch(epoch, mean_loss)", "on_epoch(mean_loss, epoch)")),
        ("the step's loss computed on the clean batch, model(x) (a slip: x_adv computed and unused): the model "
         "is trained on clean images ('compute the cross-entropy of model(x_adv)')",
         replace_once(_TRAIN, "loss = F.cross_entropy(model(x_adv), y)", "loss = F.cross_entropy(model(x), y)")),
        ("Goodfellow's mixed objective: the mean of the clean and the attacked batch's cross-entropy instead of "
         "the cross-entropy of model(x_adv) alone ('compute the cross-entropy of model(x_adv), backward and "
         "step')",
         replace_once(_TRAIN, "loss = F.cross_entropy(model(x_adv), y)",
                      "loss = 0.5 * (F.cross_entropy(model(x), y) + F.cross_entropy(model(x_adv), y))")),
    ],
}
