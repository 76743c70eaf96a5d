"""Blind round 4, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of tests/mutants, rounds 1-3 holds.
Right answers: CORRECT[gid][0] is round 2's (the reference keeps the proofs comparable);
CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND3 = earlier_round(3, __file__)  # round 3 reuses round 2's right answers by name: so does this round


_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND3._FGSM, ROUND3._ACC, ROUND3._PGD, ROUND3._TGT, ROUND3._TRAIN

# ----------------------------------------------------------------------------- round 4's own right answers
_FGSM_BACKWARD_NOGRAD = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    inp = torch.empty_like(x).copy_(x).requires_grad_()
    with torch.enable_grad():
        log_probs = torch.log_softmax(model(inp), dim=-1)
        loss = -log_probs.gather(1, y.view(-1, 1)).mean()
    grad, = torch.autograd.grad(loss, inp)
    with torch.no_grad():
        out = x.detach() + eps * grad.sign()
        out = torch.where(out < 0, torch.zeros_like(out), out)
        out = torch.where(out > 1, torch.ones_like(out), out)
    return out
'''

_ACC_LISTS = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    dev = next(iter(model.parameters())).device
    hits = []
    starts = list(range(0, len(x), batch_size))
    for s in starts:
        xb = x[s:s + batch_size].to(dev)
        yb = y[s:s + batch_size].to(dev)
        if attack:
            xb = attack(model, xb, yb)
        with torch.inference_mode():
            hits.extend((model(xb).max(dim=1).indices == yb).tolist())
    return sum(hits) / float(len(hits))
'''

_PGD_LIST = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    base = x.detach().clone()
    cur = base.clone()
    if random_start:
        u = torch.empty_like(base)
        u.uniform_(-eps, eps)
        cur = (base + u).clip(0.0, 1.0)
    step = 0
    while step < steps:
        cur.requires_grad_(True)
        loss = F.nll_loss(F.log_softmax(model(cur), dim=1), y)
        loss.backward()
        with torch.no_grad():
            nxt = cur + alpha * cur.grad.sign()
            nxt = base + (nxt - base).clip(-eps, eps)
            cur = nxt.clip(0.0, 1.0)
        step += 1
    return cur.detach()
'''

_TGT_DELTA = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x0 = x.detach().clone()
    delta = torch.zeros_like(x0)
    for _ in range(steps):
        delta.requires_grad_(True)
        loss = F.cross_entropy(model(x0 + delta), target, reduction="sum")
        g = torch.autograd.grad(loss, delta)[0]
        with torch.no_grad():
            delta = (delta - alpha * g.sign()).clamp(-eps, eps)
            delta = (x0 + delta).clamp(0.0, 1.0) - x0
    return (x0 + delta).detach()
'''

_TRAIN_ENUM = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    where = next(model.parameters()).device
    result = [0.0] * epochs
    for e in range(epochs):
        n_batches = 0
        for n_batches, (xb, yb) in enumerate(loader, start=1):
            xb, yb = xb.to(where), yb.to(where)
            model.eval()
            xa = attack(model, xb, yb)
            model.train()
            for p in model.parameters():
                p.grad = None
            loss = nn.CrossEntropyLoss()(model(xa), yb)
            loss.backward()
            optimizer.step()
            result[e] += float(loss.item())
        result[e] /= n_batches
        if on_epoch is not None:
            on_epoch(e, result[e])
    return result
'''

CORRECT = {
    "ex1_fgsm": [("autograd.grad, torch.sign, torch.clamp (round 2)", _FGSM),
                 ("empty_like copy, gather of log-softmax, torch.where clipping (round 4)", _FGSM_BACKWARD_NOGRAD)],
    "ex2_accuracy": [("slices, .sum().item() count, divide by N (round 2)", _ACC),
                     ("list of hits, max().indices, inference_mode (round 4)", _ACC_LISTS)],
    "ex3_pgd": [("autograd.grad, clamp with tensor bounds then [0, 1] (round 2)", _PGD),
                ("while loop, backward(), projection of the difference (round 4)", _PGD_LIST)],
    "ex4_targeted": [("autograd.grad, minus the signed gradient (round 2)", _TGT),
                     ("perturbation delta, summed CE, projected as a delta (round 4)", _TGT_DELTA)],
    "ex5_adv_train": [("list of batch losses, sum / len (round 2)", _TRAIN),
                      ("enumerate(start=1), grads set to None, CrossEntropyLoss module (round 4)", _TRAIN_ENUM)],
}

MUTANTS = {
    "ex1_fgsm": [
        ("clamps only the top (max=1.0): pixels pushed below 0 stay negative",
         replace_once(_FGSM, "torch.clamp(x_req.detach() + step, 0.0, 1.0)", "torch.clamp(x_req.detach() + step, max=1.0)")),
        ("eps read as grey levels: steps of eps / 255",
         replace_once(_FGSM, "step = eps * torch.sign(grad)", "step = eps / 255 * torch.sign(grad)")),
        ("sign written as grad / grad.abs(): a pixel with zero gradient becomes NaN",
         replace_once(_FGSM, "step = eps * torch.sign(grad)", "step = eps * grad / grad.abs()")),
        ("clamps the step, not the image (misplaced parenthesis): negative steps vanish",
         replace_once(_FGSM, "    return torch.clamp(x_req.detach() + step, 0.0, 1.0)\n",
              "    return x_req.detach() + torch.clamp(step, 0.0, 1.0)\n")),
    ],
    "ex2_accuracy": [
        ("restores the mode the caller gave (model.train(was_training)) instead of leaving eval mode",
         replace_once(replace_once(_ACC, "    model.eval()\n", "    was_training = model.training\n    model.eval()\n"),
              "    return n_right / x.shape[0]\n", "    model.train(was_training)\n    return n_right / x.shape[0]\n")),
        ("argmax(dim=1, keepdim=True) == yb: a (B, 1) against (B,) comparison broadcasts to B x B",
         replace_once(_ACC, "(logits.argmax(dim=1) == yb)", "(logits.argmax(dim=1, keepdim=True) == yb)")),
        ("rounds the share to 3 decimals (round(..., 3))",
         replace_once(_ACC, "    return n_right / x.shape[0]\n", "    return round(n_right / x.shape[0], 3)\n")),
        ("default batch size taken from the notebook's cfg.batch_size (64) instead of 256",
         replace_once(_ACC, "batch_size: int = 256", "batch_size: int = cfg.batch_size")),
    ],
    "ex3_pgd": [
        ("projects onto the alpha-box around x instead of the eps-box",
         replace_once(_PGD, "min=x_orig - eps, max=x_orig + eps", "min=x_orig - alpha, max=x_orig + alpha")),
        ("draws the random start before the `if`: the global generator moves even when random_start=False",
         replace_once(_PGD, "    if random_start:\n        x_adv = (x_orig + torch.empty_like(x_orig).uniform_(-eps, eps)).clamp(0.0, 1.0)\n",
              "    noise = torch.empty_like(x_orig).uniform_(-eps, eps)\n"
              "    if random_start:\n        x_adv = (x_orig + noise).clamp(0.0, 1.0)\n")),
        ("random start from a fresh torch.Generator() instead of the global generator",
         replace_once(_PGD, "torch.empty_like(x_orig).uniform_(-eps, eps)",
              "torch.empty_like(x_orig).uniform_(-eps, eps, generator=torch.Generator())")),
        ("random start (rand_like - 0.5) * eps: uniform in [-eps/2, eps/2], the factor 2 forgotten",
         replace_once(_PGD, "torch.empty_like(x_orig).uniform_(-eps, eps)", "(torch.rand_like(x_orig) - 0.5) * eps")),
    ],
    "ex4_targeted": [
        ("cross-entropy against F.one_hot(target).float() without num_classes: breaks when the top class is absent",
         replace_once(_TGT, "F.cross_entropy(model(x_adv), target)", "F.cross_entropy(model(x_adv), F.one_hot(target).float())")),
        ("uses the notebook's cfg.alpha instead of the alpha argument",
         replace_once(_TGT, "x_adv.detach() - alpha * grad.sign()", "x_adv.detach() - cfg.alpha * grad.sign()")),
        ("projects the eps-box from below only (min=x - eps, no max)",
         replace_once(_TGT, "torch.clamp(x_adv, min=x_orig - eps, max=x_orig + eps)", "torch.clamp(x_adv, min=x_orig - eps)")),
        ("every step starts again from the clean x (x_orig - alpha * sign(grad at the iterate))",
         replace_once(_TGT, "x_adv.detach() - alpha * grad.sign()", "x_orig - alpha * grad.sign()")),
    ],
    "ex5_adv_train": [
        ("returns every batch's loss (one flat list over all epochs), not one mean per epoch",
         replace_once(replace_once(_TRAIN, "        history.append(mean_loss)\n", ""),
              "            batch_losses.append(loss.item())\n",
              "            batch_losses.append(loss.item())\n            history.append(loss.item())\n")),
        ("reports the loss re-computed after the step (under no_grad) instead of the batch's training loss",
         replace_once(_TRAIN, "            batch_losses.append(loss.item())\n",
              "            with torch.no_grad():\n"
              "                batch_losses.append(F.cross_entropy(model(x_adv), y).item())\n")),
        ("'running mean' as mean = (mean + loss) / 2: later batches weigh more",
         replace_once(_TRAIN, "        mean_loss = sum(batch_losses) / len(batch_losses)\n",
              "        mean_loss = batch_losses[0]\n"
              "        for value in batch_losses[1:]:\n"
              "            mean_loss = (mean_loss + value) / 2\n")),
        ("clips the gradient norm to 1.0 before the step (the LLM lab's habit)",
         replace_once(_TRAIN, "            optimizer.step()\n",
              "            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)\n            optimizer.step()\n")),
    ],
}
