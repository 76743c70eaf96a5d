"""Wrong answers for lab 05 (adversarial examples).

MUTANTS: wrong answers, each proven to behave differently from the solution on inputs the
instructions cover. CORRECT: for every exercise the correct template first, then correct answers
written in other styles; all of them must keep full marks.
"""


def _sub(source: str, old: str, new: str) -> str:
    """source with `old` replaced; fails loudly when a template drifted and `old` is gone."""
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times"
    return source.replace(old, new)


_FGSM = '''
def fgsm(model, x, y, eps):
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x), {labels}), x)
    return ({step}){clamp}.detach()
'''

_ACCURACY = '''
def accuracy_under_attack(model, x, y, attack=None, batch_size=256):
{eval}    device = next(model.parameters()).device
    correct, shares = 0, []
    for start in range(0, len(x), batch_size):
        xb, yb = x[start:start + batch_size].to(device), y[start:start + batch_size].to(device)
{attack}        with torch.no_grad():
            right = (model(xb).argmax(dim=-1) == yb).sum().item()
        correct += right
        shares.append(right / len(yb))
    return {result}
'''
_EVAL = "    model.eval()\n"
_ATTACK = "        if attack is not None:\n            xb = attack(model, xb, yb)\n"

_PGD = '''
def pgd(model, x, y, eps, alpha, steps, random_start=False):
    x = x.detach()
    x_adv = x.clone()
{start}    for _ in range(steps):
        x_adv.requires_grad_(True)
        (grad,) = torch.autograd.grad(F.cross_entropy(model({at}), y), x_adv)
        x_adv = x_adv.detach() + alpha * grad.sign()
        x_adv = {project}
    return x_adv.detach()
'''
_RANDOM_START = "    if random_start:\n        x_adv = (x_adv + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)\n"
_PROJECT = "torch.min(torch.max(x_adv, x - eps), x + eps).clamp(0, 1)"

_TARGETED = '''
def targeted_pgd(model, x, target, eps, alpha, steps):
    x = x.detach()
    x_adv = x.clone()
    for _ in range({steps}):
        x_adv.requires_grad_(True)
        (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), target), x_adv)
        x_adv = x_adv.detach() {sign} {size} * grad.sign()
        x_adv = {project}
    return x_adv.detach()
'''

_TRAIN = '''
def train_adversarial(model, loader, optimizer, attack, epochs, on_epoch=None):
    history = []
    for epoch in range(epochs):
        batch_losses = []
        for x, y in loader:
            model.eval()
            x_adv = attack(model, x, y)
            model.train()
{step}
            batch_losses.append(loss.item())
        history.append({summary})
        if on_epoch is not None:
            on_epoch(epoch, history[-1])
    return history
'''
_STEP = '''            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_adv), y)
            loss.backward()
            optimizer.step()'''
_MEAN = "sum(batch_losses) / len(batch_losses)"

_FGSM_OK = _FGSM.format(labels="y", step="x + eps * grad.sign()", clamp=".clamp(0, 1)")
_ACCURACY_OK = _ACCURACY.format(eval=_EVAL, attack=_ATTACK, result="correct / len(x)")
_PGD_OK = _PGD.format(start=_RANDOM_START, at="x_adv", project=_PROJECT)
_TARGETED_OK = _TARGETED.format(steps="steps", sign="-", size="alpha", project=_PROJECT)
_TRAIN_OK = _TRAIN.format(step=_STEP, summary=_MEAN)

MUTANTS = {
    "ex1_fgsm": [
        ("steps down the loss (minus sign)", _FGSM.format(labels="y", step="x - eps * grad.sign()", clamp=".clamp(0, 1)")),
        ("raw gradient instead of its sign", _FGSM.format(labels="y", step="x + eps * grad", clamp=".clamp(0, 1)")),
        ("no clamp to [0, 1]", _FGSM.format(labels="y", step="x + eps * grad.sign()", clamp="")),
        ("attacks the predicted labels, not y",
         _FGSM.format(labels="model(x).argmax(-1)", step="x + eps * grad.sign()", clamp=".clamp(0, 1)")),
    ],
    "ex2_accuracy": [
        ("ignores the attack (clean accuracy)", _ACCURACY.format(eval=_EVAL, attack="", result="correct / len(x)")),
        ("forgets model.eval() (dropout stays on)", _ACCURACY.format(eval="", attack=_ATTACK, result="correct / len(x)")),
        ("averages per-batch accuracies (uneven last batch)",
         _ACCURACY.format(eval=_EVAL, attack=_ATTACK, result="sum(shares) / len(shares)")),
        ("returns the attack's success rate", _ACCURACY.format(eval=_EVAL, attack=_ATTACK, result="1 - correct / len(x)")),
    ],
    "ex3_pgd": [
        ("no projection onto the ε-box", _PGD.format(start=_RANDOM_START, at="x_adv", project="x_adv.clamp(0, 1)")),
        ("gradient taken at the clean x every step", _PGD.format(start=_RANDOM_START, at="x", project=_PROJECT)),
        ("ignores random_start", _PGD.format(start="", at="x_adv", project=_PROJECT)),
        ("projects around the previous iterate, not x",
         _PGD.format(start=_RANDOM_START, at="x_adv",
                     project="torch.min(torch.max(x_adv, x_adv - eps), x_adv + eps).clamp(0, 1)")),
    ],
    "ex4_targeted": [
        ("steps up the target's loss (plus sign)", _TARGETED.format(steps="steps", sign="+", size="alpha", project=_PROJECT)),
        ("no projection onto the ε-box", _TARGETED.format(steps="steps", sign="-", size="alpha", project="x_adv.clamp(0, 1)")),
        ("one step of size ε, ignoring steps and alpha", _TARGETED.format(steps="1", sign="-", size="eps", project=_PROJECT)),
    ],
    "ex5_adv_train": [
        ("trains on the clean batch", _TRAIN.format(step=_STEP.replace("model(x_adv)", "model(x)"), summary=_MEAN)),
        ("no zero_grad: gradients accumulate", _TRAIN.format(step=_STEP.replace("            optimizer.zero_grad()\n", ""), summary=_MEAN)),
        ("reports the last batch's loss", _TRAIN.format(step=_STEP, summary="batch_losses[-1]")),
        ("trains on clean and attacked batches together",
         _TRAIN.format(step=_STEP.replace("F.cross_entropy(model(x_adv), y)",
                                          "F.cross_entropy(model(torch.cat([x, x_adv])), torch.cat([y, y]))"),
                       summary=_MEAN)),
    ],
}

# Written blind (issue 17): before looking at which of them the hidden checks catch.
MUTANTS["ex1_fgsm"] += [
    ("sets requires_grad on the caller's x", _sub(_FGSM_OK, "x = x.detach().clone().requires_grad_(True)", "x.requires_grad_(True)")),
    ("steps the caller's x in place (detach shares storage)", '''
def fgsm(model, x, y, eps):
    x_adv = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), y), x_adv)
    x_adv.data.add_(eps * grad.sign()).clamp_(0, 1)
    return x_adv.detach()
'''),
    ("result not detached", _sub(_FGSM_OK, ".clamp(0, 1).detach()", ".clamp(0, 1)")),
    ("gradient divided by its largest entry instead of its sign", _sub(_FGSM_OK, "eps * grad.sign()", "eps * grad / grad.abs().max()")),
    ("nll_loss on the logits (no log-softmax)", _sub(_FGSM_OK, "F.cross_entropy(model(x), y)", "F.nll_loss(model(x), y)")),
    ("switches the model to train mode for the gradient (blind round 1: batch-norm statistics change, mode left changed)",
     _sub(_FGSM_OK, "    x = x.detach()", "    model.train()\n    x = x.detach()")),
]
MUTANTS["ex2_accuracy"] += [
    ("returns a tensor", _sub(_ACCURACY_OK, "(model(xb).argmax(dim=-1) == yb).sum().item()", "(model(xb).argmax(dim=-1) == yb).sum()")),
    ("attacks under torch.no_grad()", _sub(_ACCURACY_OK, "        if attack is not None:\n            xb = attack(model, xb, yb)\n        with torch.no_grad():\n",
                                           "        with torch.no_grad():\n            if attack is not None:\n                xb = attack(model, xb, yb)\n")),
    ("model.eval() only after the first attack", _sub(_sub(_ACCURACY_OK, "    model.eval()\n    device", "    device"),
                                                       "            xb = attack(model, xb, yb)\n", "            xb = attack(model, xb, yb)\n        model.eval()\n")),
    ("drops the last partial batch", _sub(_ACCURACY_OK, "range(0, len(x), batch_size)", "range(0, len(x) - batch_size + 1, batch_size)")),
    ("divides by batches × batch_size", _sub(_ACCURACY_OK, "return correct / len(x)", "return correct / (len(shares) * batch_size)")),
]
MUTANTS["ex3_pgd"] += [
    ("steps the caller's x in place", '''
def pgd(model, x, y, eps, alpha, steps, random_start=False):
    x_orig = x.detach().clone()
    x_adv = x.detach()
    if random_start:
        x_adv.add_(torch.empty_like(x_adv).uniform_(-eps, eps)).clamp_(0, 1)
    for _ in range(steps):
        x_adv.requires_grad_(True)
        (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), y), x_adv)
        with torch.no_grad():
            x_adv.add_(alpha * grad.sign())
            x_adv.copy_(torch.min(torch.max(x_adv, x_orig - eps), x_orig + eps).clamp(0, 1))
    return x_adv.detach()
'''),
    ("never detached (the result carries the graph)", _sub(_sub(_PGD_OK, "x_adv = x_adv.detach() + alpha", "x_adv = x_adv + alpha"),
                                                           "    return x_adv.detach()\n", "    return x_adv\n")),
    ("random start not clamped to [0, 1]", _sub(_PGD_OK, "(x_adv + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)",
                                                 "x_adv + torch.empty_like(x).uniform_(-eps, eps)")),
    ("random start in [0, ε] only", _sub(_PGD_OK, "torch.empty_like(x).uniform_(-eps, eps)", "torch.rand_like(x) * eps")),
    ("steps of size ε instead of α", _sub(_PGD_OK, "x_adv.detach() + alpha * grad.sign()", "x_adv.detach() + eps * grad.sign()")),
]
MUTANTS["ex4_targeted"] += [
    ("steps the caller's x in place", '''
def targeted_pgd(model, x, target, eps, alpha, steps):
    x_orig = x.detach().clone()
    x_adv = x.detach()
    for _ in range(steps):
        x_adv.requires_grad_(True)
        (grad,) = torch.autograd.grad(F.cross_entropy(model(x_adv), target), x_adv)
        with torch.no_grad():
            x_adv.sub_(alpha * grad.sign())
            x_adv.copy_(torch.min(torch.max(x_adv, x_orig - eps), x_orig + eps).clamp(0, 1))
    return x_adv.detach()
'''),
    ("result not detached", _sub(_sub(_TARGETED_OK, "x_adv = x_adv.detach() -", "x_adv = x_adv -"), "    return x_adv.detach()\n", "    return x_adv\n")),
    ("raises the target's logit instead of lowering its loss", _sub(_sub(_TARGETED_OK,
        "F.cross_entropy(model(x_adv), target)", "model(x_adv).gather(1, target[:, None]).sum()"),
        "x_adv.detach() - alpha", "x_adv.detach() + alpha")),
    ("projects around the previous iterate, not x", _sub(_TARGETED_OK, _PROJECT, "torch.min(torch.max(x_adv, x_adv - eps), x_adv + eps).clamp(0, 1)")),
    ("adds a random start", _sub(_TARGETED_OK, "    x_adv = x.clone()\n",
                                 "    x_adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)\n")),
    ("raw gradient instead of its sign", _sub(_TARGETED_OK, "alpha * grad.sign()", "alpha * grad")),
    ("stops early once every example is classified as its target (blind round 1)",
     _sub(_TARGETED_OK, "        x_adv.requires_grad_(True)\n",
          "        with torch.no_grad():\n            if (model(x_adv).argmax(dim=1) == target).all():\n"
          "                break\n"
          "        x_adv.requires_grad_(True)\n")),
]
MUTANTS["ex5_adv_train"] += [
    ("trains in eval mode (no model.train() after the attack)", _sub(_TRAIN_OK, "            model.train()\n", "")),
    ("attacks in training mode (no model.eval())", _sub(_TRAIN_OK, "            model.eval()\n", "")),
    ("returns the model in eval mode", _sub(_TRAIN_OK, "    return history\n", "    model.eval()\n    return history\n")),
    ("on_epoch(mean_loss, epoch): arguments swapped", _sub(_TRAIN_OK, "on_epoch(epoch, history[-1])", "on_epoch(history[-1], epoch)")),
    ("on_epoch called after every batch", _sub(_sub(_TRAIN_OK, "        if on_epoch is not None:\n            on_epoch(epoch, history[-1])\n", ""),
        "            batch_losses.append(loss.item())\n",
        "            batch_losses.append(loss.item())\n            if on_epoch is not None:\n                on_epoch(epoch, sum(batch_losses) / len(batch_losses))\n")),
    ("history holds tensors (loss, not loss.item())", _sub(_TRAIN_OK, "batch_losses.append(loss.item())", "batch_losses.append(loss)")),
    ("mean over examples, not over batches (uneven last batch)", _sub(_sub(_TRAIN_OK,
        "batch_losses.append(loss.item())", "batch_losses.append(loss.item() * len(y))"),
        "sum(batch_losses) / len(batch_losses)", "sum(batch_losses) / len(loader.dataset)")),
    ("zero_grad before the attack (what the attack leaves in .grad joins the step)", _sub(_sub(_TRAIN_OK,
        "            optimizer.zero_grad()\n", ""), "            model.eval()\n", "            optimizer.zero_grad()\n            model.eval()\n")),
    # the labs' rule "what your functions may change" (adv_train/hands_back_what_it_was_given)
    ("unfreezes every parameter so all of them train", _sub(_TRAIN_OK, "    history = []\n",
        "    for p in model.parameters():\n        p.requires_grad_(True)\n    history = []\n")),
    ("turns gradient tracking off to log the epoch's loss, and leaves it off", _sub(_TRAIN_OK,
        "        history.append(", "        torch.set_grad_enabled(False)\n        history.append(")),
]
# blind round 2: wrong answers that kept their points until their own checks were added
MUTANTS["ex1_fgsm"] += [
    ("sign by (grad >= 0) * 2 - 1: pixels with zero gradient still move by eps (blind round 2)",
     _sub(_FGSM_OK, "eps * grad.sign()", "eps * ((grad >= 0).float() * 2 - 1)")),
]
MUTANTS["ex3_pgd"] += [
    ("reseeds the global generator for the random start (blind round 2)",
     _sub(_PGD_OK, "    if random_start:\n        x_adv =", "    if random_start:\n        torch.manual_seed(0)\n        x_adv =")),
    ("adds fresh uniform noise before every step, not only at the start (blind round 2)",
     _sub(_PGD_OK, "        x_adv.requires_grad_(True)\n",
          "        if random_start:\n"
          "            x_adv = (x_adv + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)\n"
          "        x_adv.requires_grad_(True)\n")),
]

CORRECT = {
    "ex1_fgsm": [
        ("template", _FGSM_OK),
        ("loss.backward() and x.grad, torch.clamp", '''
def fgsm(model, x, y, eps):
    x_adv = x.clone().detach()
    x_adv.requires_grad = True
    loss = F.cross_entropy(model(x_adv), y)
    loss.backward()
    return torch.clamp(x_adv + eps * torch.sign(x_adv.grad), min=0.0, max=1.0).detach()
'''),
        ("log_softmax + nll_loss, float64 inside then cast back", '''
def fgsm(model, x, y, eps):
    x_in = x.detach().clone().requires_grad_(True)
    loss = F.nll_loss(F.log_softmax(model(x_in), dim=-1), y)
    (grad,) = torch.autograd.grad(loss, x_in)
    out = (x_in.detach().double() + eps * grad.sign().double()).clamp(0, 1)
    return out.to(x.dtype)
'''),
    ],
    "ex2_accuracy": [
        ("template", _ACCURACY_OK),
        ("split into batches, float() at the end", '''
def accuracy_under_attack(model, x, y, attack=None, batch_size=256):
    model.eval()
    device = next(model.parameters()).device
    hits = torch.zeros((), dtype=torch.long)
    for xb, yb in zip(x.split(batch_size), y.split(batch_size)):
        xb, yb = xb.to(device), yb.to(device)
        if attack:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            hits += (model(xb).argmax(1) == yb).sum().cpu()
    return float(hits) / len(y)
'''),
    ],
    "ex3_pgd": [
        ("template", _PGD_OK),
        ("a perturbation delta, torch.clamp with tensor bounds, backward()", '''
def pgd(model, x, y, eps, alpha, steps, random_start=False):
    x = x.detach()
    delta = torch.zeros_like(x)
    if random_start:
        delta = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1) - x
    for _ in range(steps):
        delta.requires_grad_(True)
        F.cross_entropy(model(x + delta), y).backward()
        with torch.no_grad():
            x_adv = torch.clamp(x + delta + alpha * delta.grad.sign(), x - eps, x + eps).clamp(0, 1)
        delta = (x_adv - x).detach()
    return (x + delta).detach()
'''),
    ],
    "ex4_targeted": [
        ("template", _TARGETED_OK),
        ("ascends the negative loss, torch.clamp with tensor bounds", '''
def targeted_pgd(model, x, target, eps, alpha, steps):
    lo, hi = (x - eps).clamp(min=0), (x + eps).clamp(max=1)
    x_adv = x.clone().detach()
    for _ in range(steps):
        x_adv.requires_grad_()
        loss = -F.cross_entropy(model(x_adv), target)
        (grad,) = torch.autograd.grad(loss, [x_adv])
        x_adv = torch.clamp(x_adv.detach() + alpha * grad.sign(), lo, hi)
    return x_adv
'''),
    ],
    "ex5_adv_train": [
        ("template", _TRAIN_OK),
        ("progress over the loader, tensor mean of the batch losses", '''
def train_adversarial(model, loader, optimizer, attack, epochs, on_epoch=None):
    device = next(model.parameters()).device
    history = []
    for epoch in range(epochs):
        losses = []
        for x, y in progress(loader, desc=f"epoch {epoch}"):
            x, y = x.to(device), y.to(device)
            model.eval()
            x_adv = attack(model, x, y)
            model.train()
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x_adv), y)
            loss.backward()
            optimizer.step()
            losses.append(loss.detach())
        history.append(torch.stack(losses).mean().item())
        if on_epoch:
            on_epoch(epoch, history[-1])
    return history
'''),
    ],
}


# Written before the signature-defaults checks ran: a default of the given signature changed
# (later cells and callers leave the argument out).
for _gid, _label, _given, _changed in [
    ('ex3_pgd', 'random_start on by default', 'random_start=False', 'random_start=True'),
]:
    _template = CORRECT[_gid][0][1]
    assert _template.count(_given) == 1, f"{_gid}: the template's signature drifted ({_given!r})"
    MUTANTS[_gid].append((_label, _template.replace(_given, _changed)))


# The introduction's "what your functions may change": an attack hands the caller's model back as it came
# (its train/eval mode, the .grad its parameters hold, their requires_grad).
def _leaves_model_changed(template: str, first_line: str) -> list[tuple[str, str]]:
    """Three ways an attack changes the caller's model, each put before `first_line` of the template."""
    backward = _sub(template, "(grad,) = torch.autograd.grad(", "model.zero_grad()\n        (grad,) = torch.autograd.grad(")
    return [
        ("model.eval() at the start, never undone (a model handed over in training mode comes back in eval mode)",
         _sub(template, first_line, "    model.eval()\n" + first_line)),
        ("model.zero_grad() before every gradient: the .grad the caller had accumulated is cleared", backward),
        ("freezes the model's parameters (requires_grad_(False)) to save work, never undone",
         _sub(template, first_line, "    for p in model.parameters():\n        p.requires_grad_(False)\n" + first_line)),
    ]


MUTANTS["ex3_pgd"] += _leaves_model_changed(_PGD_OK, "    x = x.detach()\n")
MUTANTS["ex4_targeted"] += _leaves_model_changed(_TARGETED_OK, "    x = x.detach()\n")

# Blind round 12's misses that now have records (the sources stay in benchmarks/blind/round12).
from benchmarks.blind.answers import add_wrong_answers  # noqa: E402

add_wrong_answers(MUTANTS, 12, "05_adversarial/05_adversarial", {"ex2_accuracy": [
    "x = x.to(device).requires_grad_(True)", "the whole evaluation inside torch.random.fork_rng",
    "batch starts range(0, len(x) - 1, batch_size)"]})

# Blind round 13's misses that now have records (the sources stay in benchmarks/blind/round13).
add_wrong_answers(MUTANTS, 13, "05_adversarial/05_adversarial", {
    "ex1_fgsm": ["sign written as grad / (grad.abs() + 1e-12)", "the step added to the caller's x instead"],
    "ex2_accuracy": ["the clean evaluation (attack=None) made in one forward pass",
                     "model.requires_grad_(True) at the top"],
    "ex3_pgd": ["alpha capped at eps", "logits .squeeze()d before the cross-entropy"],
    "ex4_targeted": ["F.nll_loss on the softmax (the log forgotten)", "F.nll_loss(torch.log(F.softmax(...)))"],
})

# Blind round 14's answer that kept full marks, until fgsm/result_feeds_a_training_step.
add_wrong_answers(MUTANTS, 14, "05_adversarial/05_adversarial",
                  {"ex1_fgsm": ["the step and the clip made under torch.inference_mode()"]})

add_wrong_answers(MUTANTS, 15, "05_adversarial/05_adversarial", {
    "ex1_fgsm": ["eps == 0 short-cut `return x`", "the loss written as the error probability 1 - softmax"],
    "ex3_pgd": ["an extra clean forward pass model(x) under no_grad"],
    "ex4_targeted": ["the share of examples already at their target computed after every step"],
    "ex5_adv_train": ["on_epoch's return value taken as a stop signal"],
})
