"""Wrong answers for lab 05 (adversarial examples)."""

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
    return history
'''
_STEP = '''            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_adv), y)
            loss.backward()
            optimizer.step()'''
_MEAN = "sum(batch_losses) / len(batch_losses)"

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
