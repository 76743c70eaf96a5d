"""Proofs for blind round 10 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round10/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 9's probe of the same exercise
(imported from benchmarks/blind/round9/prove_05.py, itself rounds 3 to 8's plus round 9's observations)
and adds what this round's mistakes need: the parameters' .grad after fgsm, pgd and targeted_pgd (and
after accuracy_under_attack on a model that already holds gradients), float64 images and models, the
mode a model given in training mode comes back in, a model off the notebook's global `device` for fgsm,
pgd and targeted_pgd (round 9's meta-device stand-in), an attack that draws random numbers and whether
gradients are still on after accuracy_under_attack, and for train_adversarial a model whose parameters
already hold gradients and an attack whose output leaves [0, 1].

One wrong answer of accuracy_under_attack switches gradients off globally and leaves them off; so that
it cannot spoil the observations and visible checks that run after it, every probe and every visible
check of this script starts (and every probe ends) with gradients switched back on.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind import visible_runs  # noqa: E402
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import identity_classifier, images, labels, small_cnn, tensor_loader  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R9 = earlier_proofs(9, "prove_05.py")
on_other_device, ignores_last_pixel = R9.on_other_device, R9.ignores_last_pixel


def grads_of(model: nn.Module) -> list:
    return [None if p.grad is None else p.grad.detach().clone() for p in model.parameters()]


# ----------------------------------------------------------------------------- ex1
def more_fgsm(ns, out):
    fgsm = ns["fgsm"]
    lin = identity_classifier()
    x, y = torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5]]), torch.tensor([1, 2])
    out["fresh_params_result"] = attempt(fgsm, lin, x, y, 0.1)
    out["fresh_params_grads_after"] = grads_of(lin)
    out["off_notebook_device"] = on_other_device(ns, fgsm, identity_classifier(), x, y, 0.1)
    lin64 = identity_classifier().double()
    out["float64"] = attempt(fgsm, lin64, x.double(), y, 0.1)
    cnn = small_cnn(5)
    out["cnn_eps_0.1"] = attempt(fgsm, cnn, images(8, 61), labels(8, 62), 0.1)
    part = identity_classifier()
    part.bias.requires_grad_(False)                    # a caller who froze part of the model
    out["frozen_bias_result"] = attempt(fgsm, part, x, y, 0.1)
    out["frozen_bias_flags_after"] = [p.requires_grad for p in part.parameters()]


# ----------------------------------------------------------------------------- ex2
def more_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    lin = identity_classifier()
    x = torch.eye(3).repeat(2, 1)[:5]
    y = torch.tensor([0, 1, 2, 2, 2])

    def noisy(m, xb, yb):                               # a random attack: draws from the global generator
        return xb + 0.8 * torch.rand_like(xb)

    torch.manual_seed(7)
    out["random_attack"] = attempt(acc, lin, x, y, attack=noisy, batch_size=2)
    out["global_rng_after_random_attack"] = torch.rand(3)
    lin64 = identity_classifier().double()
    out["float64"] = attempt(acc, lin64, x.double(), y, batch_size=2)
    out["float64_attacked"] = attempt(acc, lin64, x.double(), y, attack=lambda m, xb, yb: xb.flip(1), batch_size=2)
    held = identity_classifier()
    for p in held.parameters():
        p.grad = torch.full_like(p, 0.5)               # gradients the caller had accumulated
    out["held_grads_result"] = attempt(acc, held, x, y, attack=lambda m, xb, yb: xb.clone(), batch_size=2)
    out["held_grads_after"] = grads_of(held)
    seen = []

    def spy(m, xb, yb):
        seen.append(torch.is_grad_enabled())
        return xb

    try:
        out["grad_spy"] = attempt(acc, lin, x, y, attack=spy, batch_size=2)
        out["grad_enabled_during_attacks"] = list(seen)
        out["grad_enabled_after"] = torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(True)


# ----------------------------------------------------------------------------- ex3
def more_pgd(ns, out):
    pgd = ns["pgd"]
    lin = identity_classifier()
    x, y = torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5]]), torch.tensor([1, 2])
    out["fresh_params_result"] = attempt(pgd, lin, x, y, eps=0.1, alpha=0.03, steps=3)
    out["fresh_params_grads_after"] = grads_of(lin)
    lin.train()
    out["train_mode_result"] = attempt(pgd, lin, x, y, eps=0.1, alpha=0.03, steps=2)
    out["train_mode_after"] = lin.training
    lin.eval()
    out["eval_mode_result"] = attempt(pgd, lin, x, y, eps=0.1, alpha=0.03, steps=2)
    out["eval_mode_after"] = lin.training
    x_r = torch.full((32, 3), 0.5)
    torch.manual_seed(13)
    start = attempt(pgd, lin, x_r, torch.zeros(32, dtype=torch.long), eps=0.1, alpha=0.02, steps=0,
                    random_start=True)
    out["random_start_only"] = start
    if isinstance(start, torch.Tensor):
        out["random_start_range"] = [float((start - x_r).min()), float((start - x_r).max())]
    out["off_notebook_device"] = on_other_device(ns, pgd, identity_classifier(), x, y, eps=0.1, alpha=0.03, steps=2)
    out["two_steps_of_0.04"] = attempt(pgd, lin, torch.full((1, 3), 0.5), torch.tensor([0]), eps=0.1, alpha=0.04,
                                       steps=2)


# ----------------------------------------------------------------------------- ex4
def more_targeted(ns, out):
    tp = ns["targeted_pgd"]
    lin = identity_classifier()
    x, t = torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5]]), torch.tensor([2, 0])
    out["fresh_params_result"] = attempt(tp, lin, x, t, eps=0.1, alpha=0.03, steps=3)
    out["fresh_params_grads_after"] = grads_of(lin)
    lin.train()
    out["train_mode_result"] = attempt(tp, lin, x, t, eps=0.1, alpha=0.03, steps=2)
    out["train_mode_after"] = lin.training
    lin.eval()
    out["off_notebook_device"] = on_other_device(ns, tp, identity_classifier(), x, t, eps=0.1, alpha=0.03, steps=2)
    out["float32_result"] = attempt(tp, identity_classifier(), x, t, eps=0.1, alpha=0.03, steps=2)
    lin64 = identity_classifier().double()
    out["float64"] = attempt(tp, lin64, x.double(), t, eps=0.1, alpha=0.03, steps=2)


# ----------------------------------------------------------------------------- ex5
def more_train(ns, out):
    train = ns["train_adversarial"]
    g = torch.Generator().manual_seed(14)
    x, y = torch.rand(7, 3, generator=g), torch.randint(0, 3, (7,), generator=g)
    model = identity_classifier()
    for p in model.parameters():
        p.grad = torch.full_like(p, 3.0)               # what an earlier backward left there
    out["held_grads_losses"] = attempt(train, model, tensor_loader(x, y, 3), torch.optim.SGD(model.parameters(), lr=0.5),
                                       lambda m, xb, yb: xb.clone(), 1)
    out["held_grads_params_after"] = [p.detach().clone() for p in model.parameters()]
    out["held_grads_after"] = grads_of(model)
    model = identity_classifier()
    out["two_epochs"] = attempt(train, model, tensor_loader(x, y, 3), torch.optim.SGD(model.parameters(), lr=0.5),
                                lambda m, xb, yb: xb.clone(), 2)
    model = identity_classifier()
    out["off_notebook_device"] = on_other_device(
        ns, train, model, tensor_loader(x, y, 3), torch.optim.SGD(model.parameters(), lr=0.5),
        lambda m, xb, yb: xb.clone(), 1)
    out["off_notebook_device_param_devices"] = [p.device.type for p in model.parameters()]
    model = identity_classifier()
    out["out_of_range_attack"] = attempt(train, model, tensor_loader(x, y, 3),
                                         torch.optim.SGD(model.parameters(), lr=0.5),
                                         lambda m, xb, yb: 3.0 * xb - 1.0, 1)   # any function (model, x, y) -> x_adv
    out["out_of_range_attack_params"] = [p.detach().clone() for p in model.parameters()]


def grad_on(probe):
    """The probe with gradients switched on before and after it (see the module's docstring)."""
    def run(ns, out):
        torch.set_grad_enabled(True)
        try:
            probe(ns, out)
        finally:
            torch.set_grad_enabled(True)
    return run


def context(ns, name, gid):
    """round 9's training-run context, with gradients switched on first (see the module's docstring)."""
    torch.set_grad_enabled(True)
    return visible_runs.context(ns, name, gid)


P = R9.PROBES_05
PROBES_05 = {
    "ex1_fgsm": grad_on(extend(P["ex1_fgsm"], more_fgsm)),
    "ex2_accuracy": grad_on(extend(P["ex2_accuracy"], more_accuracy)),
    "ex3_pgd": grad_on(extend(P["ex3_pgd"], more_pgd)),
    "ex4_targeted": grad_on(extend(P["ex4_targeted"], more_targeted)),
    "ex5_adv_train": grad_on(extend(P["ex5_adv_train"], more_train)),
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:], context=context))
