"""Blind round 6, lab 05 (adversarial examples): wrong answers and right answers in other styles,
written from the student notebook only (no hidden checks seen), each wrong answer a mistake that
none of tests/mutants, rounds 1-5 holds for the same exercise.
Right answers: CORRECT[gid][0] is round 5's reference (round 2's, reused by name: it keeps the
proofs comparable); CORRECT[gid][1] is this round's own, in another style.

MUTANTS[grade_id]: (label, full wrong source of the answer cell)
CORRECT[grade_id]: (label, full correct source); the first is the reference the proofs compare with.
"""

from benchmarks.blind.answers import earlier_round, replace_once

ROUND5 = earlier_round(5, __file__)  # its references are round 2's right answers: this round keeps them


_FGSM, _ACC, _PGD, _TGT, _TRAIN = ROUND5._FGSM, ROUND5._ACC, ROUND5._PGD, ROUND5._TGT, ROUND5._TRAIN

# ----------------------------------------------------------------------------- round 6's own right answers
_FGSM_GRAD_OUTPUTS = '''
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """One step of size eps up the loss, in the sign of the input gradient; pixels kept in [0, 1]."""
    inp = x.detach().clone().requires_grad_(True)
    per_example = F.cross_entropy(model(inp), y, reduction="none")
    (g,) = torch.autograd.grad(per_example, inp, grad_outputs=torch.ones_like(per_example))
    direction = (g > 0).to(g.dtype) - (g < 0).to(g.dtype)       # sign(g) with sign(0) = 0
    moved = inp.detach() + eps * direction
    return torch.minimum(torch.maximum(moved, torch.zeros_like(moved)), torch.ones_like(moved))
'''

_ACC_TENSOR_SPLIT = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    dev = next(model.parameters()).device
    cuts = list(range(batch_size, len(x), batch_size))
    right = []
    for xb, yb in zip(torch.tensor_split(x, cuts), torch.tensor_split(y, cuts)):
        xb, yb = xb.to(dev), yb.to(dev)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            right.append(int((model(xb).argmax(dim=-1) == yb).sum()))
    return sum(right) / len(y)
'''

_PGD_BACKWARD_INPUTS = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    x0 = x.detach()
    lo = (x0 - eps).clamp(min=0.0)          # the eps-box and [0, 1] in one box: x is an image in [0, 1]
    hi = (x0 + eps).clamp(max=1.0)
    cur = x0.clone()
    if random_start:
        cur = (x0 + torch.empty_like(x0).uniform_(-eps, eps)).clamp(0.0, 1.0)
    for _ in range(steps):
        leaf = cur.clone().requires_grad_(True)
        with torch.enable_grad():
            loss = F.cross_entropy(model(leaf), y, reduction="sum")
        loss.backward(inputs=[leaf])         # only the input's .grad: the model's stays alone
        cur = torch.clip(cur + alpha * leaf.grad.sign(), lo, hi)
    return cur.detach()
'''

_TGT_CATEGORICAL = '''
def targeted_pgd(model: nn.Module, x: torch.Tensor, target: torch.Tensor, eps: float, alpha: float,
                 steps: int) -> torch.Tensor:
    """PGD that pushes every x toward its class in `target`: all `steps` steps down the target's loss."""
    x0 = x.detach()
    adv = x0.clone()
    for _ in range(steps):
        adv.requires_grad_(True)
        dist = torch.distributions.Categorical(logits=model(adv))
        nll = -dist.log_prob(target).sum()          # the cross-entropy of the target, summed
        (g,) = torch.autograd.grad(nll, adv)
        stepped = adv.detach() - alpha * g.sign()
        adv = torch.max(torch.min(stepped, x0 + eps), x0 - eps).clamp(0.0, 1.0)
    return adv.detach()
'''

_TRAIN_F64_TENSOR = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    dev = next(model.parameters()).device
    epoch_means = []
    for epoch in range(epochs):
        losses = []
        for batch in loader:
            xb, yb = batch[0].to(dev), batch[1].to(dev)
            model.eval()
            xa = attack(model, xb, yb)
            model.train()
            model.zero_grad()
            loss = F.nll_loss(F.log_softmax(model(xa), dim=-1), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        epoch_means.append(torch.tensor(losses, dtype=torch.float64).mean().item())
        if on_epoch is not None:
            on_epoch(epoch, epoch_means[-1])
    return epoch_means
'''

CORRECT = {
    "ex1_fgsm": [ROUND5.CORRECT["ex1_fgsm"][0],
                 ("per-example CE with grad_outputs=ones, sign as (g > 0) - (g < 0), maximum/minimum clip (round 6)",
                  _FGSM_GRAD_OUTPUTS)],
    "ex2_accuracy": [ROUND5.CORRECT["ex2_accuracy"][0],
                     ("tensor_split at multiples of batch_size, list of int counts (round 6)", _ACC_TENSOR_SPLIT)],
    "ex3_pgd": [ROUND5.CORRECT["ex3_pgd"][0],
                ("backward(inputs=[leaf]) under enable_grad, summed CE, one precomputed box, torch.clip (round 6)",
                 _PGD_BACKWARD_INPUTS)],
    "ex4_targeted": [ROUND5.CORRECT["ex4_targeted"][0],
                     ("torch.distributions.Categorical(logits).log_prob(target), min/max projection (round 6)",
                      _TGT_CATEGORICAL)],
    "ex5_adv_train": [ROUND5.CORRECT["ex5_adv_train"][0],
                      ("model.zero_grad(), nll_loss of log_softmax, float64 tensor mean of the batch losses (round 6)",
                       _TRAIN_F64_TENSOR)],
}

# ----------------------------------------------------------------------------- round 6's wrong answers
_ACC_SHUFFLED = '''
def accuracy_under_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, attack=None,
                          batch_size: int = 256) -> float:
    """Share of (x, y) that the model classifies correctly after attack(model, x, y) (None: clean)."""
    model.eval()
    device = next(model.parameters()).device
    n_right = 0
    for xb, yb in DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True):
        xb, yb = xb.to(device), yb.to(device)
        if attack is not None:
            xb = attack(model, xb, yb)
        with torch.no_grad():
            logits = model(xb)
        n_right += (logits.argmax(dim=1) == yb).sum().item()
    return n_right / x.shape[0]
'''

_PGD_DELTA_IN_GRAPH = '''
def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int,
        random_start: bool = False) -> torch.Tensor:
    """`steps` signed-gradient steps of size alpha, each projected onto the eps-box around x and [0, 1]."""
    x0 = x.detach()
    delta = torch.zeros_like(x0)
    if random_start:
        delta = torch.empty_like(x0).uniform_(-eps, eps)
    for _ in range(steps):
        delta = delta.detach().requires_grad_(True)
        x_adv = torch.clamp(x0 + delta.clamp(-eps, eps), 0.0, 1.0)    # the projection, inside the forward pass
        loss = F.cross_entropy(model(x_adv), y)
        (grad,) = torch.autograd.grad(loss, [delta])
        delta = delta.detach() + alpha * grad.sign()
    return torch.clamp(x0 + delta.clamp(-eps, eps), 0.0, 1.0).detach()
'''

_TRAIN_PRECOMPUTED = '''
def train_adversarial(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer, attack,
                      epochs: int, on_epoch=None) -> list[float]:
    """Train on attack(model, x, y) instead of x; return the mean batch loss of every epoch."""
    device = next(model.parameters()).device
    model.eval()
    adversarial = []                      # the attacked data set, made once: attacks are the slow part
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        adversarial.append((attack(model, x, y), y))
    history = []
    for epoch in range(epochs):
        batch_losses = []
        for x_adv, y in adversarial:
            model.train()
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_adv), y)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        mean_loss = sum(batch_losses) / len(batch_losses)
        history.append(mean_loss)
        if on_epoch is not None:
            on_epoch(epoch, mean_loss)
    return history
'''

MUTANTS = {
    "ex1_fgsm": [
        ("log_softmax over the batch dimension (dim=0) before the gather: a batch of one never moves",
         replace_once(_FGSM, "    loss = F.cross_entropy(model(x_req), y)\n",
              "    log_probs = F.log_softmax(model(x_req), dim=0)\n"
              "    loss = -log_probs.gather(1, y[:, None]).mean()\n")),
        ("log_probs[:, y] instead of a gather: a (B, B) block, every example pushed away from every label",
         replace_once(_FGSM, "    loss = F.cross_entropy(model(x_req), y)\n",
              "    log_probs = F.log_softmax(model(x_req), dim=1)\n"
              "    loss = -log_probs[:, y].mean()\n")),
        ("soft targets F.one_hot(y) without num_classes: breaks when the batch lacks the top class",
         replace_once(_FGSM, "F.cross_entropy(model(x_req), y)", "F.cross_entropy(model(x_req), F.one_hot(y).float())")),
        ("clips to the batch's own pixel range [x.min(), x.max()] instead of [0, 1]",
         replace_once(_FGSM, "torch.clamp(x_req.detach() + step, 0.0, 1.0)",
              "torch.clamp(x_req.detach() + step, x.min().item(), x.max().item())")),
    ],
    "ex2_accuracy": [
        ("batches from a DataLoader with shuffle=True (the training habit): the attack sees other batches, "
         "the global generator moves", _ACC_SHUFFLED),
        ("the count reset inside the batch loop: only the last batch's hits, divided by N",
         replace_once(replace_once(_ACC, "    n_right = 0\n", ""),
              "        xb = x[i:i + batch_size].to(device)\n",
              "        n_right = 0\n        xb = x[i:i + batch_size].to(device)\n")),
        ("evaluates a deep copy ('do not touch the caller's model'): the caller's model is not left in eval mode",
         replace_once(_ACC, "    model.eval()\n", "    import copy\n    model = copy.deepcopy(model).eval()\n")),
        ("clamps the attack's output to [0, 1] 'to be safe': an attack is classified as it returns, not repaired",
         replace_once(_ACC, "xb = attack(model, xb, yb)", "xb = attack(model, xb, yb).clamp(0.0, 1.0)")),
    ],
    "ex3_pgd": [
        ("clamps to [0, 1] only at the random start, not after each step: the steps leave the pixel range",
         replace_once(_PGD, "        x_adv = torch.clamp(x_adv, 0.0, 1.0)\n", "")),
        ("the projection done inside the forward pass (model(clip(x + clip(delta)))): a pixel past the edge "
         "gets zero gradient and sticks", _PGD_DELTA_IN_GRAPH),
        ("step size eps / steps instead of the alpha argument",
         replace_once(_PGD, "x_adv.detach() + alpha * grad.sign()", "x_adv.detach() + (eps / steps) * grad.sign()")),
        ("returns the perturbation x_adv - x instead of the attacked image",
         replace_once(_PGD, "    return x_adv.detach()\n", "    return (x_adv - x_orig).detach()\n")),
    ],
    "ex4_targeted": [
        ("one step too few: range(1, steps)", replace_once(_TGT, "for _ in range(steps):", "for _ in range(1, steps):")),
        ("softmax applied before cross_entropy (double softmax)",
         replace_once(_TGT, "F.cross_entropy(model(x_adv), target)", "F.cross_entropy(F.softmax(model(x_adv), dim=1), target)")),
        ("binary cross-entropy on one-hot targets instead of the cross-entropy",
         replace_once(_TGT, "        loss = F.cross_entropy(model(x_adv), target)\n",
              "        logits = model(x_adv)\n"
              "        loss = F.binary_cross_entropy_with_logits(logits, F.one_hot(target, logits.shape[-1]).float())\n")),
        ("one-hot targets with a hard-coded 10 classes (Fashion-MNIST's): breaks on any other classifier",
         replace_once(_TGT, "F.cross_entropy(model(x_adv), target)",
              "F.cross_entropy(model(x_adv), F.one_hot(target, 10).float())")),
    ],
    "ex5_adv_train": [
        ("optimizer.zero_grad() between backward() and step(): every step is taken on zero gradients",
         replace_once(_TRAIN, "            optimizer.zero_grad()\n            loss = F.cross_entropy(model(x_adv), y)\n"
                      "            loss.backward()\n",
              "            loss = F.cross_entropy(model(x_adv), y)\n            loss.backward()\n"
              "            optimizer.zero_grad()\n")),
        ("attacks every batch once, with the initial model, and trains on that fixed set for all epochs",
         _TRAIN_PRECOMPUTED),
        ("on_epoch(epoch, loss.item()): the callback gets the last batch's loss, the history the mean",
         replace_once(_TRAIN, "on_epoch(epoch, mean_loss)", "on_epoch(epoch, loss.item())")),
        ("optimizer.zero_grad() once per epoch: gradients add up over the epoch's batches",
         replace_once(replace_once(_TRAIN, "            optimizer.zero_grad()\n", ""),
              "        batch_losses = []\n", "        batch_losses = []\n        optimizer.zero_grad()\n")),
    ],
}
