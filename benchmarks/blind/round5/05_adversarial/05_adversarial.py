"""Blind round 5, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of tests/mutants, rounds 1-4 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 4's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND4 = earlier_round(4, __file__)  # its references are round 2's right answers: this round keeps them


_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND4._FGSM, ROUND4._ACC, ROUND4._PGD, ROUND4._TGT, ROUND4._TRAIN

# ----------------------------------------------------------------------------- round 5's own right answers
_FGSM_SUM_RATIO = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    work = x.detach().clone()
    work.requires_grad = True
    with torch.enable_grad():
        total = F.cross_entropy(model(work), y, reduction="sum")   # a sum: the same signs as the mean
    (g,) = torch.autograd.grad(total, (work,))
    direction = (g / g.abs()).nan_to_num(nan=0.0)                   # sign(g), with sign(0) = 0
    return (work.detach() + eps * direction).clamp_(0.0, 1.0)
'''

_ACC_INDEX_SELECT = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n = len(x)

    @torch.no_grad()
    def hits(inputs, targets):
        return int(torch.eq(model(inputs).argmax(dim=1), targets).sum())

    total = 0
    for lo in range(0, n, batch_size):
        idx = torch.arange(lo, min(lo + batch_size, n), device=x.device)
        xb = x.index_select(0, idx).to(device)
        yb = y.index_select(0, idx.to(y.device)).to(device)
        total += hits(attack(model, xb, yb) if attack is not None else xb, yb)
    return total / float(n)
'''

_PGD_F64 = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    x0 = x.detach().double()
    if random_start:
        noise = torch.empty_like(x).uniform_(-eps, eps)          # in x's dtype, from the global generator
        cur = (x0 + noise.double()).clamp(0.0, 1.0)
    else:
        cur = x0.clone()
    lower, upper = x0 - eps, x0 + eps
    for _ in range(steps):
        probe = cur.to(dtype=x.dtype, copy=True).requires_grad_(True)
        loss = F.cross_entropy(model(probe), y)
        grad = torch.autograd.grad(loss, probe)[0]
        cur = torch.minimum(torch.maximum(cur + alpha * grad.double().sign(), lower), upper).clamp(0.0, 1.0)
    return cur.to(dtype=x.dtype, copy=True)
'''

_TGT_ONEHOT = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x0 = x.detach()
    lo = torch.clip(x0 - eps, 0.0, 1.0)      # the eps-box and [0, 1] at once: both are boxes
    hi = torch.clip(x0 + eps, 0.0, 1.0)
    adv = x0.clone()
    for _ in range(steps):
        leaf = adv.clone().requires_grad_()
        logits = model(leaf)
        onehot = F.one_hot(target, num_classes=logits.shape[-1]).to(logits.dtype)
        loss = -(onehot * F.log_softmax(logits, dim=-1)).sum(dim=-1).mean()
        loss.backward()
        adv = torch.clip(adv - alpha * leaf.grad.sign(), lo, hi)
    return adv.detach()
'''

_TRAIN_WELFORD = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    dev = next(model.parameters()).device
    per_epoch = []
    for epoch in range(epochs):
        mean, k = 0.0, 0
        batches = iter(loader)
        while True:
            try:
                xb, yb = next(batches)
            except StopIteration:
                break
            xb, yb = xb.to(dev), yb.to(dev)
            model.eval()
            x_adv = attack(model, xb, yb)
            model.train()
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x_adv), yb, reduction="none").mean()
            loss.backward()
            optimizer.step()
            k += 1
            mean += (loss.item() - mean) / k      # running mean: every batch counts once
        per_epoch.append(mean)
        if on_epoch is not None:
            on_epoch(epoch, mean)
    return per_epoch
'''

CORRECT = {
    "ex1_fgsm": [("autograd.grad, torch.sign, torch.clamp (round 2)", _FGSM),
                 ("summed CE under enable_grad, sign as g / |g| with NaN -> 0, in-place clamp_ (round 5)",
                  _FGSM_SUM_RATIO)],
    "ex2_accuracy": [("slices, .sum().item() count, divide by N (round 2)", _ACC),
                     ("index_select of arange batches, a no_grad-decorated counter (round 5)", _ACC_INDEX_SELECT)],
    "ex3_pgd": [("autograd.grad, clamp with tensor bounds then [0, 1] (round 2)", _PGD),
                ("float64 iterate, gradient at its float32 copy, maximum/minimum projection (round 5)", _PGD_F64)],
    "ex4_targeted": [("autograd.grad, minus the signed gradient (round 2)", _TGT),
                     ("one-hot dot log-softmax, backward(), box of the two boxes precomputed (round 5)", _TGT_ONEHOT)],
    "ex5_adv_train": [("list of batch losses, sum / len (round 2)", _TRAIN),
                      ("next() until StopIteration, incremental running mean, CE reduction='none'.mean() (round 5)",
                       _TRAIN_WELFORD)],
}

# ----------------------------------------------------------------------------- round 5's wrong answers
_TGT_GRAD_ONCE = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x_orig = x.detach().clone()
    x_req = x_orig.clone().requires_grad_(True)
    loss = F.cross_entropy(model(x_req), target)
    (grad,) = torch.autograd.grad(loss, [x_req])     # the same model every step: compute the direction once
    x_adv = x_orig.clone()
    for _ in range(steps):
        x_adv = x_adv - alpha * grad.sign()
        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    return x_adv.detach()
'''

MUTANTS = {
    "ex1_fgsm": [
        ("switches to eval mode for the gradient and restores the caller's mode after: a model given in "
         "training mode is attacked without its dropout",
         replace_once(replace_once(_FGSM, "    x_req = x.detach().clone().requires_grad_(True)\n",
                   "    was_training = model.training\n    model.eval()\n"
                   "    x_req = x.detach().clone().requires_grad_(True)\n"),
              "    return torch.clamp(x_req.detach() + step, 0.0, 1.0)\n",
              "    x_adv = torch.clamp(x_req.detach() + step, 0.0, 1.0)\n"
              "    model.train(was_training)\n    return x_adv\n")),
        ("'the model stays fixed' read as freezing it: every parameter comes back with requires_grad=False",
         replace_once(_FGSM, "    x_req = x.detach().clone().requires_grad_(True)\n",
              "    for p in model.parameters():\n        p.requires_grad_(False)     # the model stays fixed\n"
              "    x_req = x.detach().clone().requires_grad_(True)\n")),
        ("step made in float64 (sign(grad).double()) 'for precision': a float32 image comes back float64",
         replace_once(replace_once(_FGSM, "step = eps * torch.sign(grad)", "step = eps * torch.sign(grad).double()"),
              "torch.clamp(x_req.detach() + step, 0.0, 1.0)", "torch.clamp(x_req.detach().double() + step, 0.0, 1.0)")),
        ("leaves the examples the model already gets wrong unattacked (step zeroed where argmax != y)",
         replace_once(replace_once(_FGSM, "    loss = F.cross_entropy(model(x_req), y)\n",
                   "    logits = model(x_req)\n    loss = F.cross_entropy(logits, y)\n"),
              "    step = eps * torch.sign(grad)\n",
              "    step = eps * torch.sign(grad)\n"
              "    step[logits.argmax(dim=1) != y] = 0.0     # already misclassified: nothing to gain\n")),
    ],
    "ex2_accuracy": [
        ("passes the whole y to the attack (attack(model, xb, y)), not the batch's labels",
         replace_once(_ACC, "xb = attack(model, xb, yb)", "xb = attack(model, xb, y)")),
        ("model.training = False instead of model.eval(): the submodules (dropout) stay in training mode",
         replace_once(_ACC, "    model.eval()\n", "    model.training = False     # eval mode\n")),
        ("attacks only the examples the model gets right (the 'robust accuracy' shortcut): the attack sees a subset",
         replace_once(_ACC, "            xb = attack(model, xb, yb)\n",
              "            with torch.no_grad():\n"
              "                ok = model(xb).argmax(dim=1) == yb     # the wrong ones stay wrong anyway\n"
              "            xb = xb.clone()\n"
              "            xb[ok] = attack(model, xb[ok], yb[ok])\n")),
        ("model.train() before each attack ('it needs gradients'), model.eval() again only for the prediction",
         replace_once(_ACC, "            xb = attack(model, xb, yb)\n",
              "            model.train()\n            xb = attack(model, xb, yb)\n            model.eval()\n")),
    ],
    "ex3_pgd": [
        ("projects onto the eps-box and [0, 1] once, after the loop, instead of after every step",
         replace_once(_PGD, "        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)\n"
                    "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n    return",
              "    x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)\n"
              "    x_adv = torch.clamp(x_adv, 0.0, 1.0)\n    return")),
        ("random start at a random corner of the box (eps * sign(randn)) instead of uniform inside it",
         replace_once(_PGD, "torch.empty_like(x_orig).uniform_(-eps, eps)", "eps * torch.randn_like(x_orig).sign()")),
        ("one direction for the whole batch: the sign of the batch-summed gradient (a universal perturbation)",
         replace_once(_PGD, "x_adv.detach() + alpha * grad.sign()", "x_adv.detach() + alpha * grad.sum(dim=0, keepdim=True).sign()")),
        ("random start by += and clamp_ on x.detach(): the caller's x is moved to the random start",
         replace_once(_PGD, "        x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)\n",
              "        x_adv = x.detach()\n"
              "        x_adv += torch.empty_like(x_adv).uniform_(-eps, eps)\n"
              "        x_adv.clamp_(0.0, 1.0)\n")),
    ],
    "ex4_targeted": [
        ("one target class for the batch: target[0] used for every example",
         replace_once(_TGT, "    for _ in range(steps):\n",
              "    target = target[:1].expand(len(x_orig))     # the class to reach\n    for _ in range(steps):\n")),
        ("the gradient taken once at the clean x and reused for every step", _TGT_GRAD_ONCE),
        ("log_probs[:, target] instead of a gather: a (B, B) block, every example pulled toward every target",
         replace_once(_TGT, "        loss = F.cross_entropy(model(x_adv), target)\n",
              "        log_probs = F.log_softmax(model(x_adv), dim=1)\n"
              "        loss = -log_probs[:, target].mean()\n")),
        ("cross-entropy with label_smoothing=0.1 (the training habit): past 93 % target probability it steps back",
         replace_once(_TGT, "F.cross_entropy(model(x_adv), target)", "F.cross_entropy(model(x_adv), target, label_smoothing=0.1)")),
    ],
    "ex5_adv_train": [
        ("hands the model back in the mode it came in (model.train(was_training)), not in training mode",
         replace_once(replace_once(_TRAIN, "    history = []\n", "    was_training = model.training\n    history = []\n"),
              "    return history\n", "    model.train(was_training)\n    return history\n")),
        ("skips the last, smaller batch (a drop_last habit): it is neither trained on nor counted",
         replace_once(_TRAIN, "            x, y = x.to(device), y.to(device)\n",
              "            x, y = x.to(device), y.to(device)\n"
              "            if len(x) < loader.batch_size:     # a partial batch is noisy\n"
              "                continue\n")),
        ("backward of loss / len(loader) ('the epoch's mean, batch by batch'): every step len(loader) times too small",
         replace_once(_TRAIN, "            loss.backward()\n", "            (loss / len(loader)).backward()\n")),
        ("forward pass of the training step still in eval mode: model.train() only just before backward",
         replace_once(_TRAIN, "            model.train()\n            optimizer.zero_grad()\n"
                      "            loss = F.cross_entropy(model(x_adv), y)\n",
              "            optimizer.zero_grad()\n            loss = F.cross_entropy(model(x_adv), y)\n"
              "            model.train()\n")),
    ],
}
