"""Blind round 15, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of rounds 1-14 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 14's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

Several wrong answers break a sentence of the notebook's introduction ("What your functions may
change"); their labels quote which: (C) "a function changes nothing the caller gives it: it does not
modify the caller's tensors in place", (R) "draws random numbers only from the generator or seed it
is given (from PyTorch's global generator when it is given none) without reseeding it", (M) "every
other function that takes a model uses it in the train/eval mode the caller left it in".

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND14 = earlier_round(14, __file__)  # its references are round 2's right answers: this round keeps them

_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND14._FGSM, ROUND14._ACC, ROUND14._PGD, ROUND14._TGT, ROUND14._TRAIN

# ----------------------------------------------------------------------------- round 15's own right answers
_FGSM_GRAD_OUTPUTS = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    inp = x.detach().clone()
    inp.requires_grad = True
    with torch.enable_grad():
        per_example = F.cross_entropy(model(inp), y, reduction="none")     # (B,): one loss per example
        (g,) = torch.autograd.grad(per_example, inp, grad_outputs=torch.ones_like(per_example))
    with torch.no_grad():
        adv = inp.addcmul(g.sign(), torch.full_like(inp, eps))          # inp + eps * sign(g)
        adv.clamp_(0.0, 1.0)
    return adv
'''

_ACC_SPLIT_BOOLS = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.train(False)
    where = next(model.parameters()).device
    hits = []
    for xb, yb in zip(torch.split(x, batch_size), torch.split(y, batch_size)):   # in order, last one partial
        xb, yb = xb.to(where), yb.to(where)
        inputs = xb if attack is None else attack(model, xb, yb)
        with torch.no_grad():
            hits.append(model(inputs).max(dim=-1).indices.eq(yb).cpu())
    return torch.cat(hits).double().mean().item()
'''

_PGD_VIA_FGSM = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    origin = x.detach().clone()
    it = origin
    if random_start:
        u = torch.empty_like(origin).uniform_(-eps, eps)
        it = torch.clamp(origin + u, 0.0, 1.0)
    for _ in range(steps):
        stepped = fgsm(model, it, y, alpha)            # x^t + alpha sign(grad), already clipped to [0, 1]
        it = torch.max(torch.min(stepped, origin + eps), origin - eps).clamp(0.0, 1.0)
    return it.detach().clone()
'''

_TGT_VIA_PGD_NEGATIVE_ALPHA = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    # x^t - alpha sign(grad L(f(x^t), t)) is pgd's update with the target as label and a step of -alpha
    return pgd(model, x, target, eps, -alpha, steps, random_start=False)
'''

_TRAIN_TENSOR_SUM = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    dev = next(model.parameters()).device
    means = []
    epoch = 0
    while epoch < epochs:
        total, count = torch.zeros((), dtype=torch.float64), 0
        for inputs, targets in loader:
            inputs, targets = inputs.to(dev), targets.to(dev)
            model.eval()
            attacked = attack(model, inputs, targets)
            model.train()
            for p in model.parameters():
                p.grad = None
            loss = F.cross_entropy(model(attacked), targets, reduction="mean")
            loss.backward()
            optimizer.step()
            total += loss.item()
            count += 1
        means.append((total / count).item())
        if on_epoch:
            on_epoch(epoch, means[-1])
        epoch += 1
    return means
'''

CORRECT = {
    gid: [ROUND14.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_fgsm", "requires_grad attribute, per-example losses with grad_outputs of ones under enable_grad, "
                     "addcmul and clamp_ on the new tensor under no_grad (round 15)", _FGSM_GRAD_OUTPUTS),
        ("ex2_accuracy", "torch.split of x and y zipped, model.train(False), max(...).indices, hits kept as bools "
                         "and averaged in float64 at the end (round 15)", _ACC_SPLIT_BOOLS),
        ("ex3_pgd", "each step made by the answer's own fgsm with eps = alpha, then the box by torch.min / "
                    "torch.max (round 15)", _PGD_VIA_FGSM),
        ("ex4_targeted", "pgd with the target as label and a step of -alpha (round 15)", _TGT_VIA_PGD_NEGATIVE_ALPHA),
        ("ex5_adv_train", "while loop over epochs, .grad set to None by hand, float64 tensor total (round 15)",
         _TRAIN_TENSOR_SUM),
    )
}

# ----------------------------------------------------------------------------- round 15's wrong answers
_ACC_WRAP_LAST_BATCH = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n = x.shape[0]
    n_right, n_seen = 0, 0
    for i in range(0, n, batch_size):
        rows = torch.arange(i, i + batch_size) % n     # the last batch filled up from the start: equal batches
        rows = rows[:min(batch_size, n)]
        xb, yb = x[rows].to(device), y[rows].to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            n_right += (model(xb).argmax(dim=1) == yb).sum().item()
        n_seen += len(rows)
    return n_right / n_seen
'''

_TGT_BOX_AROUND_ITERATE = replace_once(
    _TGT, "        x_adv = x_adv.detach() - alpha * grad.sign()\n"
          "        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)\n",
    "        previous = x_adv.detach()\n"
    "        x_adv = previous - alpha * grad.sign()\n"
    "        x_adv = torch.clamp(x_adv, min=previous - eps, max=previous + eps)   # the eps-box of this step\n")

_TGT_TRACK_PROGRESS = replace_once(
    _TGT, "    return x_adv.detach()\n",
    "        reached = (model(x_adv).argmax(dim=1) == target).float().mean().item()   # progress, no early stop\n"
    "    return x_adv.detach()\n")

_TRAIN_TRACK_CLEAN = replace_once(
    _TRAIN, "            loss = F.cross_entropy(model(x_adv), y)\n",
    "            with torch.no_grad():\n"
    "                clean_right = (model(x).argmax(dim=1) == y).sum().item()   # clean accuracy, for the log\n"
    "            loss = F.cross_entropy(model(x_adv), y)\n")

MUTANTS = {
    "ex1_fgsm": [
        ("eps == 0 short-cut `return x` ('nothing to do'; the notebook's FGSM curve starts at eps = 0.0): the "
         "caller's own tensor comes back, with its requires_grad and its memory ('Work on a detached copy of x "
         "... and return a detached tensor')",
         replace_once(_FGSM, "    x_req = x.detach().clone().requires_grad_(True)\n",
                      "    if eps == 0:\n        return x                               # nothing to do\n"
                      "    x_req = x.detach().clone().requires_grad_(True)\n")),
        ("torch.manual_seed(0) at the top 'for a reproducible attack': a model in training mode always draws the "
         "same dropout mask and the caller's global generator is reseeded (R)",
         replace_once(_FGSM, "    x_req = x.detach().clone().requires_grad_(True)\n",
                      "    torch.manual_seed(0)                           # reproducible attack\n"
                      "    x_req = x.detach().clone().requires_grad_(True)\n")),
        ("the loss written as the error probability 1 - softmax(f(x))_y instead of the cross-entropy: on a model "
         "confident of another class p_y underflows, its gradient is 0 and nothing moves ('Write fgsm ... with "
         "the cross-entropy loss')",
         replace_once(_FGSM, "    loss = F.cross_entropy(model(x_req), y)\n",
                      "    p_true = F.softmax(model(x_req), dim=1).gather(1, y[:, None]).squeeze(1)\n"
                      "    loss = (1 - p_true).mean()                     # the probability of a mistake\n")),
        ("x.requires_grad_(False) on the caller's x at the end, read from 'the caller's x must come back ... no "
         "requires_grad': a caller's x that requires grad is switched off ((C), 'the caller's x must come back "
         "unchanged')",
         replace_once(_FGSM, "    return torch.clamp(x_req.detach() + step, 0.0, 1.0)\n",
                      "    if x.is_leaf:\n        x.requires_grad_(False)                    # no requires_grad on x\n"
                      "    return torch.clamp(x_req.detach() + step, 0.0, 1.0)\n")),
    ],
    "ex2_accuracy": [
        ("logits .squeeze()d before argmax(dim=1) ('(B, 10) logits'): a batch of one (N = k * batch_size + 1) has "
         "(10,) logits and argmax(dim=1) raises ('go through the data in batches', the last one smaller)",
         replace_once(_ACC, "            logits = model(xb)\n", "            logits = model(xb).squeeze()\n")),
        ("the last, smaller batch filled up with examples from the start (indices modulo N) 'so every batch has "
         "batch_size examples': those examples are counted twice ('the share of correct predictions over **all** "
         "examples', each once)", _ACC_WRAP_LAST_BATCH),
        ("the hits divided by len(xb) (the loop's batch) instead of len(x): with more than one batch the share is "
         "over the last batch's size and can pass 1 ('return the share of correct predictions over **all** "
         "examples')",
         replace_once(_ACC, "    return n_right / x.shape[0]\n", "    return n_right / xb.shape[0]\n")),
        ("zip(x.split(batch_size), y): the labels iterated one by one instead of split in batches, so each "
         "batch's predictions are compared (by broadcasting) with one example's label ('replace each batch by "
         "attack(model, x_batch, y_batch)', its own labels)",
         replace_once(
             _ACC,
             "    for i in range(0, x.shape[0], batch_size):\n"
             "        xb = x[i:i + batch_size].to(device)\n"
             "        yb = y[i:i + batch_size].to(device)\n",
             "    for xb, yb in zip(x.split(batch_size), y):\n"
             "        xb, yb = xb.to(device), yb.to(device)\n")),
    ],
    "ex3_pgd": [
        ("`if eps == 0 or steps == 0: return x` ('nothing can move'; the notebook's robustness curves call pgd "
         "with eps = 0.0): the caller's own tensor comes back, with its requires_grad and its memory ('As in "
         "fgsm, leave the caller's x unchanged and return a detached tensor')",
         replace_once(_PGD, "    x_orig = x.detach().clone()\n",
                      "    if eps == 0 or steps == 0:\n        return x                               # nothing can move\n"
                      "    x_orig = x.detach().clone()\n")),
        ("random start drawn and clipped into x_start, the loop then started from x_orig.clone() (a variable "
         "slip): the generator moves but the steps start from x ('x^0 = clip_[0,1](x + u)')",
         replace_once(_PGD,
                      "        x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)\n"
                      "    else:\n        x_adv = x_orig.clone()\n",
                      "        x_start = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)\n"
                      "    x_adv = x_orig.clone()\n")),
        ("the first step of size eps ('PGD with one step of size eps ... is FGSM': an FGSM start), alpha only from "
         "the second step on ('many small steps of size alpha', x^t + alpha sign(...) at every step)",
         replace_once(_PGD, "    for _ in range(steps):\n", "    for t in range(steps):\n").replace(
             "        x_adv = x_adv.detach() + alpha * grad.sign()\n",
             "        x_adv = x_adv.detach() + (eps if t == 0 else alpha) * grad.sign()   # an FGSM first step\n")),
        ("an extra clean forward pass model(x) under no_grad 'to record the clean predictions' before the steps: a "
         "model in training mode draws one more dropout mask from the global generator (and updates its batch-"
         "norm statistics once more), so the steps see other masks ('uses it in the train/eval mode the caller "
         "left it in' as is, drawing from the generator only for the random start)",
         replace_once(_PGD, "    x_orig = x.detach().clone()\n",
                      "    x_orig = x.detach().clone()\n"
                      "    with torch.no_grad():\n"
                      "        clean_pred = model(x_orig).argmax(dim=1)     # the clean predictions, for reference\n")),
    ],
    "ex4_targeted": [
        ("each step projected onto the eps-box around the previous iterate instead of the original x: after "
         "eps / alpha steps the iterate leaves the box ('clip_[x - eps, x + eps]', x the original image)",
         _TGT_BOX_AROUND_ITERATE),
        ("the share of examples already at their target computed after every step ('progress', no early stop): "
         "one more forward pass per step, so a model in training mode draws extra dropout masks from the global "
         "generator and updates its batch-norm statistics (as in fgsm, the model as the caller gave it: only the "
         "steps' passes)", _TGT_TRACK_PROGRESS),
        ("returns the perturbation x_adv - x ('the demo shows delta') instead of the attacked image (as in pgd, "
         "the result is the image x^T)",
         replace_once(_TGT, "    return x_adv.detach()\n", "    return (x_adv - x_orig).detach()\n")),
        ("eps read as the box's width: clip_[x - eps/2, x + eps/2] ('every pixel moved by at most eps', "
         "clip_[x - eps, x + eps])",
         replace_once(_TGT, "torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)",
                      "torch.clamp(x_adv, min=x_orig - eps / 2, max=x_orig + eps / 2)")),
    ],
    "ex5_adv_train": [
        ("the attack given the model's clean predictions instead of y ('x_adv = attack(model, x, y)'): examples "
         "the model gets wrong are pushed away from the wrong class",
         replace_once(_TRAIN, "            x_adv = attack(model, x, y)\n",
                      "            with torch.no_grad():\n"
                      "                guess = model(x).argmax(dim=1)\n"
                      "            x_adv = attack(model, x, guess)                # attack what the model sees\n")),
        ("a clean forward pass in training mode 'to log the clean accuracy' before the step: batch-norm statistics "
         "are updated with the clean batch and dropout draws an extra mask ('then zero the gradients, compute the "
         "cross-entropy of model(x_adv), backward and step': the step's pass is the only training-mode pass)",
         _TRAIN_TRACK_CLEAN),
        ("model.train() forgotten after the attack ('the attack is done'): every step trains in eval mode and the "
         "model comes back in eval mode ('model.eval(), x_adv = attack(model, x, y), model.train(), then zero the "
         "gradients ...'; 'When train_adversarial returns, the model is in **training mode**')",
         replace_once(_TRAIN, "            x_adv = attack(model, x, y)\n            model.train()\n",
                      "            x_adv = attack(model, x, y)\n")),
        ("on_epoch's return value taken as a stop signal (`if on_epoch(epoch, mean_loss): break`, the Keras-style "
         "early-stopping habit): a callback that returns something truthy (a plot update, the loss it logged) ends "
         "the training after one epoch ('call on_epoch(epoch, mean_loss) once after each epoch'; 'Return the mean "
         "batch loss of each epoch')",
         replace_once(_TRAIN, "            on_epoch(epoch, mean_loss)\n",
                      "            if on_epoch(epoch, mean_loss):          # the callback asks to stop\n"
                      "                break\n")),
        ("a StepLR(optimizer, step_size=1, gamma=0.5) stepped after every epoch (the usual schedule): the lr of the "
         "caller's optimizer is halved each epoch and stays changed ('train_adversarial(model, loader, optimizer, "
         "...)': the optimizer as given; (C) 'a function changes nothing the caller gives it')",
         replace_once(_TRAIN, "    history = []\n",
                      "    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)\n"
                      "    history = []\n").replace(
             "        history.append(mean_loss)\n", "        history.append(mean_loss)\n        scheduler.step()\n")),
    ],
}
