"""Blind round 9, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of tests/mutants, rounds 1-8 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 8's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND8 = earlier_round(8, __file__)  # its references are round 2's right answers: this round keeps them


_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND8._FGSM, ROUND8._ACC, ROUND8._PGD, ROUND8._TGT, ROUND8._TRAIN

# ----------------------------------------------------------------------------- round 9's own right answers
_FGSM_VJP = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    from torch.autograd.functional import vjp

    _, g = vjp(lambda inp: F.cross_entropy(model(inp), y), x.detach().clone())   # d loss / d input
    stepped = x.detach() + eps * g.sign()
    return stepped.clamp(min=0.0).clamp(max=1.0).detach()
'''

_ACC_NARROW = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    where = next(model.parameters()).device
    total, good, start = len(y), 0, 0
    while start < total:
        width = min(batch_size, total - start)
        xb, yb = x.narrow(0, start, width).to(where), y.narrow(0, start, width).to(where)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.set_grad_enabled(False):
            top = model(xb).topk(1, dim=1).indices.squeeze(1)
        good += int(torch.sum(top == yb))
        start += width
    return float(good) / total
'''

_PGD_VJP = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    from torch.autograd.functional import vjp

    x0 = x.detach().clone()
    floor, ceiling = (x0 - eps).clamp(min=0.0), (x0 + eps).clamp(max=1.0)   # the box within [0, 1]
    cur = x0
    if random_start:
        cur = (x0 + torch.empty_like(x0).uniform_(-eps, eps)).clamp(0.0, 1.0)
    for _ in range(steps):
        _, g = vjp(lambda inp: F.cross_entropy(model(inp), y), cur)
        cur = torch.max(torch.min(cur + alpha * g.sign(), ceiling), floor)
    return cur.detach()
'''

_TGT_SGD = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    clean = x.detach()
    adv = clean.clone().requires_grad_(True)
    opt = torch.optim.SGD([adv], lr=alpha)             # a plain SGD step on the image: adv -= alpha * adv.grad
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(model(adv), target).backward(inputs=[adv])
        adv.grad = adv.grad.sign()                     # the step follows the sign of the gradient
        opt.step()
        with torch.no_grad():
            adv.copy_(torch.clamp(torch.clamp(adv, clean - eps, clean + eps), 0.0, 1.0))
    return adv.detach().clone()
'''

_TRAIN_REDUCE = '''
import functools as _functools
import operator as _operator


def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    where = next(model.parameters()).device
    means = []
    for epoch in range(epochs):
        per_batch = []
        for step, (inputs, targets) in enumerate(loader):
            inputs, targets = inputs.to(where), targets.to(where)
            model.eval()
            attacked = attack(model, inputs, targets)
            model.train()
            optimizer.zero_grad()
            loss = F.cross_entropy(model(attacked), targets, reduction="sum") / targets.shape[0]
            loss.backward()
            optimizer.step()
            per_batch.append(loss.detach().cpu().item())
        means.append(_functools.reduce(_operator.add, per_batch, 0.0) / len(per_batch))
        if on_epoch:
            on_epoch(epoch, means[-1])
    return means
'''

CORRECT = {
    gid: [ROUND8.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_fgsm", "torch.autograd.functional.vjp of the loss in the input, clamp(min) then clamp(max) (round 9)",
         _FGSM_VJP),
        ("ex2_accuracy", "narrow() windows in a while loop, topk(1) indices, set_grad_enabled(False) (round 9)",
         _ACC_NARROW),
        ("ex3_pgd", "vjp per step, the box intersected with [0, 1] once, torch.max/torch.min projection (round 9)",
         _PGD_VJP),
        ("ex4_targeted", "torch.optim.SGD(lr=alpha) on the image with its .grad replaced by the sign, copy_ "
                         "projection (round 9)", _TGT_SGD),
        ("ex5_adv_train", "CE reduction='sum' / batch length, enumerate(loader), functools.reduce mean (round 9)",
         _TRAIN_REDUCE),
    )
}

# ----------------------------------------------------------------------------- round 9's wrong answers
_FGSM_NONLEAF_FLAG = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    x_req = x.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x_req), y)
    grad = torch.autograd.grad(loss, x_req)[0]
    x_adv = torch.clamp(x_req + eps * torch.sign(grad), 0.0, 1.0)
    return x_adv.requires_grad_(False)                 # 'no requires_grad': on a non-leaf this raises
'''

_ACC_PER_EXAMPLE = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n_right = 0
    for i in range(0, x.shape[0], batch_size):
        xb = x[i:i + batch_size].to(device)
        yb = y[i:i + batch_size].to(device)
        if attack is not None:                          # one image at a time, to keep the attack's memory small
            xb = torch.cat([attack(model, xb[j:j + 1], yb[j:j + 1]) for j in range(len(xb))])
        with torch.no_grad():
            logits = model(xb)
        n_right += (logits.argmax(dim=1) == yb).sum().item()
    return n_right / x.shape[0]
'''

_ACC_EVAL_AT_END = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
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
    model.eval()                                        # 'leave the model in eval mode when you return'
    return n_right / x.shape[0]
'''

_PGD_NUMPY_START = replace_once(
    _PGD, "        x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)\n",
    "        import numpy as np\n"
    "        u = torch.from_numpy(np.random.uniform(-eps, eps, size=tuple(x_orig.shape))).to(x_orig)\n"
    "        x_adv = (x_orig + u).clamp(0.0, 1.0)\n")

_PGD_START_IS_A_STEP = replace_once(
    _PGD, "    for _ in range(steps):\n",
    "    for _ in range(steps - 1 if random_start else steps):   # the random start counts as the first step\n")

_TGT_SQUEEZE = replace_once(_TGT, "F.cross_entropy(model(x_adv), target)",
                            "F.cross_entropy(model(x_adv).squeeze(), target)")

_TRAIN_HISTORY_IN_IF = replace_once(
    _TRAIN, "        history.append(mean_loss)\n        if on_epoch is not None:\n",
    "        if on_epoch is not None:\n            history.append(mean_loss)\n")

MUTANTS = {
    "ex1_fgsm": [
        ("the notebook's cfg.eps instead of the eps argument",
         replace_once(_FGSM, "step = eps * torch.sign(grad)", "step = cfg.eps * torch.sign(grad)")),
        ("one-hot soft targets with a hard-coded 10 classes (Fashion-MNIST's): breaks on any other classifier",
         replace_once(_FGSM, "F.cross_entropy(model(x_req), y)",
                      "F.cross_entropy(model(x_req), F.one_hot(y, 10).float())")),
        ("the result's flag switched off with requires_grad_(False) instead of detach(): it raises on a non-leaf",
         _FGSM_NONLEAF_FLAG),
        ("the model fed the caller's x instead of the copy that requires grad: autograd.grad raises",
         replace_once(_FGSM, "F.cross_entropy(model(x_req), y)", "F.cross_entropy(model(x), y)")),
    ],
    "ex2_accuracy": [
        ("no device of its own: batches moved to the notebook's global `device`, not the model's device",
         replace_once(_ACC, "    device = next(model.parameters()).device\n", "")),
        ("the attack called with keywords attack(model=, x=, y=): breaks on attacks whose parameters have other "
         "names", replace_once(_ACC, "xb = attack(model, xb, yb)", "xb = attack(model=model, x=xb, y=yb)")),
        ("the attack called one example at a time instead of once per batch", _ACC_PER_EXAMPLE),
        ("model.eval() only just before the return ('leave it in eval mode'): every batch attacked and "
         "classified in the caller's mode", _ACC_EVAL_AT_END),
    ],
    "ex3_pgd": [
        ("cross-entropy with label_smoothing=0.1 (the training habit): the gradient of another loss",
         replace_once(_PGD, "F.cross_entropy(model(x_adv), y)", "F.cross_entropy(model(x_adv), y, label_smoothing=0.1)")),
        ("random start from numpy's np.random.uniform: another generator, torch's global stream left unread",
         _PGD_NUMPY_START),
        ("with random_start the start counts as one of the steps: steps - 1 gradient steps", _PGD_START_IS_A_STEP),
        ("sign written as torch.where(grad > 0, 1, -1): a pixel with zero gradient still moves by alpha",
         replace_once(_PGD, "alpha * grad.sign()", "alpha * torch.where(grad > 0, 1.0, -1.0)")),
    ],
    "ex4_targeted": [
        ("the notebook's cfg.eps instead of the eps argument for the box",
         replace_once(_TGT, "min=x_orig - eps, max=x_orig + eps", "min=x_orig - cfg.eps, max=x_orig + cfg.eps")),
        ("loop over range(cfg.steps) (the notebook's 10) instead of the steps argument",
         replace_once(_TGT, "for _ in range(steps):", "for _ in range(cfg.steps):")),
        ("sign written as torch.where(grad >= 0, 1, -1): a pixel with zero gradient still moves by alpha",
         replace_once(_TGT, "alpha * grad.sign()", "alpha * torch.where(grad >= 0, 1.0, -1.0)")),
        ("logits .squeeze()d before the cross-entropy: a batch of one has (C,) logits against a (1,) target",
         _TGT_SQUEEZE),
    ],
    "ex5_adv_train": [
        ("no device of its own: batches moved to the notebook's global `device`, not the model's device",
         replace_once(_TRAIN, "    device = next(model.parameters()).device\n", "")),
        ("softmax applied to the logits before cross_entropy (double softmax)",
         replace_once(_TRAIN, "F.cross_entropy(model(x_adv), y)", "F.cross_entropy(F.softmax(model(x_adv), dim=1), y)")),
        ("on_epoch(epoch, mean_loss) called without the `is not None` test: raises when no callback is given",
         replace_once(_TRAIN, "        if on_epoch is not None:\n            on_epoch(epoch, mean_loss)\n",
                      "        on_epoch(epoch, mean_loss)\n")),
        ("history.append indented under `if on_epoch is not None`: without a callback the list comes back empty",
         _TRAIN_HISTORY_IN_IF),
    ],
}
