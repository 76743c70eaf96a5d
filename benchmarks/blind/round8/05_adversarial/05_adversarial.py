"""Blind round 8, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of tests/mutants, rounds 1-7 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 7's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND7 = earlier_round(7, __file__)  # its references are round 2's right answers: this round keeps them


_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND7._FGSM, ROUND7._ACC, ROUND7._PGD, ROUND7._TGT, ROUND7._TRAIN

# ----------------------------------------------------------------------------- round 8's own right answers
_FGSM_DIST = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    inp = x.detach().clone()
    inp.requires_grad_()
    nll = -torch.distributions.Categorical(logits=model(inp)).log_prob(y).mean()   # the cross-entropy
    (g,) = torch.autograd.grad(nll, inp)
    moved = inp.detach() + eps * torch.sgn(g)
    zero, one = torch.zeros_like(moved), torch.ones_like(moved)
    return torch.where(moved < 0, zero, torch.where(moved > 1, one, moved))
'''

_ACC_SAMPLER = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    from torch.utils.data import BatchSampler, SequentialSampler

    model.eval()
    device = next(model.parameters()).device
    right = 0
    for idx in BatchSampler(SequentialSampler(range(len(y))), batch_size=batch_size, drop_last=False):
        xb = x.index_select(0, torch.as_tensor(idx, device=x.device)).to(device)
        yb = y.index_select(0, torch.as_tensor(idx, device=y.device)).to(device)
        inputs = xb if attack is None else attack(model, xb, yb)
        with torch.no_grad():
            right += int(model(inputs).max(dim=1).indices.eq(yb).count_nonzero())
    return right / float(len(y))
'''

_PGD_WHERE = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    base = x.detach()
    lo, hi = base - eps, base + eps
    adv = base.clone()
    if random_start:
        adv = (base + torch.empty_like(base).uniform_(-eps, eps)).clamp(0.0, 1.0)
    for _step in range(steps):
        leaf = adv.clone().requires_grad_(True)
        per_example = F.cross_entropy(model(leaf), y, reduction="none")
        (g,) = torch.autograd.grad(per_example.sum(), [leaf])
        adv = leaf.detach() + alpha * g.sign()
        adv = torch.where(adv < lo, lo, torch.where(adv > hi, hi, adv))
        adv = torch.where(adv < 0, torch.zeros_like(adv), torch.where(adv > 1, torch.ones_like(adv), adv))
    return adv
'''

_TGT_F64 = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    nll, log_softmax = nn.NLLLoss(reduction="sum"), nn.LogSoftmax(dim=1)
    clean = x.detach().double()
    delta = torch.zeros_like(clean)
    for _ in range(steps):
        inp = (clean + delta).to(x.dtype).requires_grad_(True)
        (g,) = torch.autograd.grad(nll(log_softmax(model(inp)), target), inp)
        delta = (delta - alpha * torch.sign(g).double()).clamp(-eps, eps)
        delta = (clean + delta).clamp(0.0, 1.0) - clean
    return (clean + delta).to(x.dtype)
'''

_TRAIN_NUMPY = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    import numpy as np

    device = next(model.parameters()).device
    per_epoch = []
    for epoch, _ in enumerate(range(epochs)):
        losses = np.zeros(0)
        for batch_x, batch_y in loader:
            batch_x, batch_y = batch_x.to(device), batch_y.to(device)
            model.eval()
            attacked = attack(model, batch_x, batch_y)
            model.train()
            for group in optimizer.param_groups:
                for p in group["params"]:
                    p.grad = None
            loss = F.nll_loss(F.log_softmax(model(attacked), dim=1), batch_y, reduction="none").mean()
            loss.backward()
            optimizer.step()
            losses = np.append(losses, loss.item())
        per_epoch.append(float(np.mean(losses)))
        if on_epoch is not None:
            on_epoch(epoch, per_epoch[-1])
    return per_epoch
'''

CORRECT = {
    gid: [ROUND7.CORRECT[gid][0], (label, source)]
    for gid, label, source in (
        ("ex1_fgsm", "minus Categorical.log_prob as the loss, torch.sgn, clipping by torch.where (round 8)",
         _FGSM_DIST),
        ("ex2_accuracy", "BatchSampler over a SequentialSampler, index_select, count_nonzero (round 8)",
         _ACC_SAMPLER),
        ("ex3_pgd", "summed per-example CE, box and [0, 1] by nested torch.where (round 8)", _PGD_WHERE),
        ("ex4_targeted", "float64 perturbation, NLLLoss(sum) and LogSoftmax modules, delta clamped twice (round 8)",
         _TGT_F64),
        ("ex5_adv_train", "grads set to None through param_groups, reduction='none' then mean, numpy mean (round 8)",
         _TRAIN_NUMPY),
    )
}

# ----------------------------------------------------------------------------- round 8's wrong answers
_FGSM_GRAD_ATTR = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    x_req = x.detach().clone().requires_grad_(True)
    loss = F.cross_entropy(model(x_req), y)
    torch.autograd.grad(loss, x_req)                   # the gradient is returned, not stored in x_req.grad
    return torch.clamp(x_req.detach() + eps * x_req.grad.sign(), 0.0, 1.0)
'''

_FGSM_DOUBLE_MODEL = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    model = model.double()                             # float64 'for an exact gradient sign'
    x_req = x.detach().clone().double().requires_grad_(True)
    loss = F.cross_entropy(model(x_req), y)
    grad = torch.autograd.grad(loss, x_req)[0]
    return torch.clamp(x_req.detach() + eps * torch.sign(grad), 0.0, 1.0).to(x.dtype)
'''

_ACC_OFFSET_TWICE = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n_right = 0
    for i in range(0, x.shape[0], batch_size):
        xb = x[i * batch_size:(i + 1) * batch_size].to(device)
        yb = y[i * batch_size:(i + 1) * batch_size].to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            logits = model(xb)
        n_right += (logits.argmax(dim=1) == yb).sum().item()
    return n_right / x.shape[0]
'''

_ACC_BOOL_MEAN = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    hits = []
    for i in range(0, x.shape[0], batch_size):
        xb, yb = x[i:i + batch_size].to(device), y[i:i + batch_size].to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            hits.append(model(xb).argmax(dim=1) == yb)
    return torch.cat(hits).mean().item()               # a bool tensor has no mean
'''

_PGD_NONLEAF_GRAD = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    x_orig = x.detach().clone()
    x_adv = x_orig.clone()
    if random_start:
        x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)
    x_adv.requires_grad_(True)                              # once, before the loop
    for _ in range(steps):
        loss = F.cross_entropy(model(x_adv), y)
        loss.backward()
        x_adv = x_adv + alpha * x_adv.grad.sign()           # a non-leaf from here on: its .grad stays None
        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    return x_adv.detach()
'''

_TGT_CW = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x_orig = x.detach().clone()
    x_adv = x_orig.clone()
    for _ in range(steps):
        x_adv = x_adv.detach().requires_grad_(True)
        logits = model(x_adv)
        target_logit = logits.gather(1, target[:, None]).squeeze(1)
        others = logits.masked_fill(F.one_hot(target, logits.shape[1]).bool(), float("-inf"))
        loss = (others.max(dim=1).values - target_logit).sum()     # Carlini-Wagner margin
        (grad,) = torch.autograd.grad(loss, [x_adv])
        x_adv = x_adv.detach() - alpha * grad.sign()
        x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)
        x_adv = torch.clamp(x_adv, 0.0, 1.0)
    return x_adv.detach()
'''

_TGT_BOX_AFTER = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x_orig = x.detach().clone()
    x_adv = x_orig.clone()
    for _ in range(steps):
        x_adv = x_adv.detach().requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), target)
        (grad,) = torch.autograd.grad(loss, [x_adv])
        x_adv = torch.clamp(x_adv.detach() - alpha * grad.sign(), 0.0, 1.0)
    x_adv = torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)   # back into the box at the end
    return x_adv.detach()
'''

_TGT_L2_BALL = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x_orig = x.detach().clone()
    x_adv = x_orig.clone()
    for _ in range(steps):
        x_adv = x_adv.detach().requires_grad_(True)
        loss = F.cross_entropy(model(x_adv), target)
        (grad,) = torch.autograd.grad(loss, [x_adv])
        delta = x_adv.detach() - alpha * grad.sign() - x_orig
        norms = delta.flatten(1).norm(dim=1).clamp(min=1e-12).view(-1, *[1] * (delta.dim() - 1))
        delta = delta * torch.clamp(eps / norms, max=1.0)          # back onto the eps-ball (L2)
        x_adv = torch.clamp(x_orig + delta, 0.0, 1.0)
    return x_adv.detach()
'''

_TRAIN_OWN_ADAM = replace_once(
    _TRAIN, "    history = []\n",
    "    history = []\n    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr)   # as train_standard does\n")

_TRAIN_CLEAN_LOSS = replace_once(
    _TRAIN, "            batch_losses.append(loss.item())\n",
    "            with torch.no_grad():                      # what the model does on the real data\n"
    "                batch_losses.append(F.cross_entropy(model(x), y).item())\n")

_TRAIN_BY_DATASET = replace_once(
    _TRAIN, "        mean_loss = sum(batch_losses) / len(batch_losses)\n",
    "        mean_loss = sum(batch_losses) / len(loader.dataset)\n")

_TRAIN_RESEED = replace_once(
    _TRAIN, "        batch_losses = []\n",
    "        torch.manual_seed(0)                           # reproducible epochs\n        batch_losses = []\n")

MUTANTS = {
    "ex1_fgsm": [
        ("torch.autograd.grad called but x_req.grad read after it: .grad is None, the step raises",
         _FGSM_GRAD_ATTR),
        ("logits .squeeze()d before the cross-entropy: a batch of one has (10,) logits against a (1,) label",
         replace_once(_FGSM, "F.cross_entropy(model(x_req), y)", "F.cross_entropy(model(x_req).squeeze(), y)")),
        ("model.double() for a float64 gradient: the caller's model comes back with float64 weights",
         _FGSM_DOUBLE_MODEL),
        ("the model fed x_req * 2 - 1 (the diffusion lab's [-1, 1] scaling): the gradient of another input",
         replace_once(_FGSM, "F.cross_entropy(model(x_req), y)", "F.cross_entropy(model(x_req * 2 - 1), y)")),
    ],
    "ex2_accuracy": [
        ("range(0, N, batch_size) offsets multiplied by batch_size again: every batch after the first is empty",
         _ACC_OFFSET_TWICE),
        ("mean() of the concatenated bool hits: a bool tensor has no mean, it raises", _ACC_BOOL_MEAN),
        ("labels cast with the images (.to(device, torch.float32)): the attack gets float labels",
         replace_once(_ACC, "        yb = y[i:i + batch_size].to(device)\n",
                      "        yb = y[i:i + batch_size].to(device, torch.float32)\n")),
        ("argmax() without dim: the flat index over the whole batch compared with every label",
         replace_once(_ACC, "logits.argmax(dim=1) == yb", "logits.argmax() == yb")),
    ],
    "ex3_pgd": [
        ("'projected gradient descent' taken literally: steps down the loss (x - alpha * sign)",
         replace_once(_PGD, "x_adv.detach() + alpha * grad.sign()", "x_adv.detach() - alpha * grad.sign()")),
        ("the .sign() forgotten: steps of alpha times the raw gradient",
         replace_once(_PGD, "x_adv.detach() + alpha * grad.sign()", "x_adv.detach() + alpha * grad")),
        ("softmax applied to the logits before cross_entropy (double softmax): the gradient of another loss",
         replace_once(_PGD, "F.cross_entropy(model(x_adv), y)", "F.cross_entropy(F.softmax(model(x_adv), dim=1), y)")),
        ("requires_grad set once before the loop and backward(): from step 2 the iterate is a non-leaf, .grad None",
         _PGD_NONLEAF_GRAD),
    ],
    "ex4_targeted": [
        ("log_softmax over the batch dimension (dim=0) before the gather of the target's log-probability",
         replace_once(_TGT, "loss = F.cross_entropy(model(x_adv), target)",
                      "loss = -F.log_softmax(model(x_adv), dim=0).gather(1, target[:, None]).mean()")),
        ("Carlini-Wagner margin (best other logit minus the target's) instead of the target's cross-entropy",
         _TGT_CW),
        ("the perturbation projected onto the L2 ball of radius eps instead of the L-infinity box", _TGT_L2_BALL),
        ("the eps-box projection once, after the loop (only [0, 1] at every step): the iterate leaves the box",
         _TGT_BOX_AFTER),
    ],
    "ex5_adv_train": [
        ("ignores the optimizer argument: builds Adam(lr=cfg.lr) itself, as train_standard does", _TRAIN_OWN_ADAM),
        ("history of the clean batch's loss (under no_grad) while the step trains on x_adv", _TRAIN_CLEAN_LOSS),
        ("the sum of the batch means divided by len(loader.dataset) instead of the number of batches",
         _TRAIN_BY_DATASET),
        ("torch.manual_seed(0) at the top of every epoch 'for reproducibility': same shuffles and random starts",
         _TRAIN_RESEED),
    ],
}
