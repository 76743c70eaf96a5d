"""Proofs for blind round 12 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round12/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 11's probe of the same exercise
(imported from benchmarks/blind/round11/prove_05.py, itself rounds 3 to 10's plus round 11's
observations, with gradients switched on around each probe) and adds what this round's mistakes need:
for fgsm, pgd and targeted_pgd a model whose parameters already hold gradients (their .grad after the
call) and whether gradients are still on after the call; for fgsm the caller's x after the call; for
accuracy_under_attack the caller's x's requires_grad flag, the global generator after a random attack
and after two calls, a last batch of one example and a model given in training mode with an attack;
for pgd a small CNN attacked for several steps (the gradient must follow the iterate) and a float64
model and image; for targeted_pgd a model given in training mode; and for train_adversarial the mode
each attack sees the model in, the calls of on_epoch and a perturbing attack.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, main  # noqa: E402
from benchmarks.blind.probe_kit import identity_classifier, images, labels, small_cnn, tensor_loader  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R11 = earlier_proofs(11, "prove_05.py")
grad_on, context, extend = R11.grad_on, R11.context, R11.extend


def grads_of(model: nn.Module) -> list:
    return [None if p.grad is None else p.grad.detach().clone() for p in model.parameters()]


def holding_grads(n: int = 3) -> nn.Module:
    """An identity classifier whose parameters hold gradients the caller accumulated (all 0.25)."""
    model = identity_classifier(n)
    for p in model.parameters():
        p.grad = torch.full_like(p, 0.25)
    return model


X = torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5]])
Y = torch.tensor([1, 2])


# ----------------------------------------------------------------------------- ex1
def r12_fgsm(ns, out):
    fgsm = ns["fgsm"]
    held = holding_grads()
    out["r12_held_grads_result"] = attempt(fgsm, held, X.clone(), Y, 0.1)
    out["r12_held_grads_after"] = grads_of(held)
    torch.set_grad_enabled(True)
    x = X.clone()
    out["r12_result"] = attempt(fgsm, identity_classifier(), x, Y, 0.1)
    out["r12_grad_enabled_after"] = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    out["r12_x_after"] = x
    out["r12_cnn"] = attempt(fgsm, small_cnn(3), images(4, 71), labels(4, 72), 0.05)


# ----------------------------------------------------------------------------- ex2
def r12_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    lin = identity_classifier()
    x = torch.eye(3).repeat(3, 1)[:7]
    y = torch.tensor([0, 1, 2, 0, 1, 0, 0])
    out["r12_clean"] = attempt(acc, lin, x, y, batch_size=3)
    out["r12_x_requires_grad_after"] = x.requires_grad
    out["r12_batch_of_one"] = attempt(acc, lin, x.clone(), y, batch_size=1)
    out["r12_batch_of_two"] = attempt(acc, lin, x.clone(), y, batch_size=2)

    def noisy(m, xb, yb):                              # a random attack: draws from the global generator
        return (xb + torch.rand(xb.shape) - 0.5).clamp(0.0, 1.0)

    torch.manual_seed(5)
    first = attempt(acc, lin, x.clone(), y, attack=noisy, batch_size=3)
    second = attempt(acc, lin, x.clone(), y, attack=noisy, batch_size=3)
    out["r12_random_attack_twice"] = [first, second]
    out["r12_global_rng_after"] = torch.rand(4)
    lin.train()
    out["r12_given_train_attacked"] = attempt(acc, lin, x.clone(), y, attack=lambda m, xb, yb: xb.flip(1),
                                              batch_size=3)
    out["r12_given_train_mode_after"] = lin.training


# ----------------------------------------------------------------------------- ex3
def r12_pgd(ns, out):
    pgd = ns["pgd"]
    held = holding_grads()
    out["r12_held_grads_result"] = attempt(pgd, held, X.clone(), Y, eps=0.1, alpha=0.03, steps=3)
    out["r12_held_grads_after"] = grads_of(held)
    torch.set_grad_enabled(True)
    out["r12_result"] = attempt(pgd, identity_classifier(), X.clone(), Y, eps=0.1, alpha=0.03, steps=2)
    out["r12_grad_enabled_after"] = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    cnn = small_cnn(7)
    out["r12_cnn_8_steps"] = attempt(pgd, cnn, images(6, 81), labels(6, 82), eps=0.3, alpha=0.05, steps=8)
    lin64 = identity_classifier().double()
    out["r12_float64"] = attempt(pgd, lin64, X.double(), Y, eps=0.1, alpha=0.03, steps=2)


# ----------------------------------------------------------------------------- ex4
def r12_targeted(ns, out):
    tp = ns["targeted_pgd"]
    t = torch.tensor([2, 0])
    held = holding_grads()
    out["r12_held_grads_result"] = attempt(tp, held, X.clone(), t, eps=0.1, alpha=0.03, steps=3)
    out["r12_held_grads_after"] = grads_of(held)
    lin = identity_classifier().train()
    out["r12_given_train_result"] = attempt(tp, lin, X.clone(), t, eps=0.1, alpha=0.03, steps=2)
    out["r12_given_train_mode_after"] = lin.training
    out["r12_cnn"] = attempt(tp, small_cnn(9), images(4, 91), labels(4, 92), eps=0.2, alpha=0.05, steps=4)


# ----------------------------------------------------------------------------- ex5
def r12_train(ns, out):
    train = ns["train_adversarial"]
    g = torch.Generator().manual_seed(25)
    x, y = torch.rand(7, 3, generator=g), torch.randint(0, 3, (7,), generator=g)
    model = identity_classifier()
    modes, calls = [], []

    def spy(m, xb, yb):                                # records the mode, then perturbs the batch
        modes.append(m.training)
        return (xb + 0.2 * torch.tensor([1.0, -1.0, 0.5])).clamp(0.0, 1.0)

    out["r12_spy_losses"] = attempt(train, model, tensor_loader(x, y, 3), torch.optim.SGD(model.parameters(), lr=0.5),
                                    spy, 2, on_epoch=lambda *args: calls.append(tuple(args)))
    out["r12_modes_seen_by_attack"] = list(modes)
    out["r12_on_epoch_calls"] = [tuple(type(a).__name__ for a in c) for c in calls]
    out["r12_on_epoch_values"] = [tuple(float(a) for a in c) for c in calls]
    out["r12_params_after"] = [p.detach().clone() for p in model.parameters()]
    out["r12_mode_after"] = model.training


P = R11.PROBES_05
PROBES_05 = {
    "ex1_fgsm": extend(P["ex1_fgsm"], r12_fgsm),
    "ex2_accuracy": extend(P["ex2_accuracy"], r12_accuracy),
    "ex3_pgd": extend(P["ex3_pgd"], r12_pgd),
    "ex4_targeted": extend(P["ex4_targeted"], r12_targeted),
    "ex5_adv_train": extend(P["ex5_adv_train"], r12_train),
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:], context=context))
