"""Proofs for blind round 11 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round11/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 10's probe of the same exercise
(imported from benchmarks/blind/round10/prove_05.py, itself rounds 3 to 9's plus round 10's
observations, with gradients switched on around each probe) and adds what this round's mistakes need:
pixels near 0 and 1 and an example the model gets wrong for fgsm; a set whose last batch is smaller
and an attack that needs gradients for accuracy_under_attack; more steps than eps / alpha and a random
start near the pixel range's edges for pgd; a model given in eval mode and the caller's x after the
call for targeted_pgd; and for train_adversarial the calls of on_epoch, the mode the model comes back
in and an attack that leaves gradients on the parameters (it calls backward()).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, main  # noqa: E402
from benchmarks.blind.probe_kit import identity_classifier, tensor_loader  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

R10 = earlier_proofs(10, "prove_05.py")
grad_on, context = R10.grad_on, R10.context


def extend(base, extra):
    """Round 10's probe (already wrapped by grad_on), then this round's observations, gradients on."""
    def probe(ns, out):
        try:
            base(ns, out)
        except Exception as err:  # noqa: BLE001 - what the earlier probe saw so far stays; the extra still runs
            out["<earlier probe>"] = type(err).__name__
        torch.manual_seed(0)
        grad_on(extra)(ns, out)
    return probe


# ----------------------------------------------------------------------------- ex1
def more_fgsm(ns, out):
    fgsm = ns["fgsm"]
    x = torch.tensor([[0.02, 0.97, 0.5], [0.95, 0.04, 0.6]])
    y = torch.tensor([1, 0])                           # both classified right; pixels next to 0 and 1
    out["near_edges"] = attempt(fgsm, identity_classifier(), x, y, 0.1)
    out["near_edges_x_after"] = x
    x_wrong = torch.tensor([[0.6, 0.3, 0.5]])          # the model says class 0, the label is 2
    out["misclassified"] = attempt(fgsm, identity_classifier(), x_wrong, torch.tensor([2]), 0.05)


# ----------------------------------------------------------------------------- ex2
def more_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    lin = identity_classifier()
    x = torch.eye(3).repeat(3, 1)[:7]                  # 7 examples: batches of 3, 3 and 1
    y = torch.tensor([0, 1, 2, 0, 1, 0, 0])            # hits: 3, 1, 1
    out["partial_last_batch"] = attempt(acc, lin, x, y, batch_size=3)
    out["fewer_than_a_batch"] = attempt(acc, lin, x, y)          # the default batch_size=256 > 7
    flags = []

    def grad_attack(m, xb, yb):                        # an fgsm-like attack: it needs gradients
        flags.append(torch.is_grad_enabled())
        xr = xb.detach().clone().requires_grad_(True)
        (g,) = torch.autograd.grad(F.cross_entropy(m(xr), yb), xr)
        return (xr.detach() + 0.6 * g.sign()).clamp(0.0, 1.0)

    out["grad_attack"] = attempt(acc, lin, x, y, attack=grad_attack, batch_size=3)
    out["grad_attack_flags"] = list(flags)
    clean = attempt(acc, lin, x, y, batch_size=3)
    out["result_type"] = type(clean).__name__


# ----------------------------------------------------------------------------- ex3
def more_pgd(ns, out):
    pgd = ns["pgd"]
    lin = identity_classifier().eval()
    x, y = torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5]]), torch.tensor([1, 2])
    out["five_steps_of_0.04"] = attempt(pgd, lin, x, y, eps=0.1, alpha=0.04, steps=5)   # 0.2 > eps: the box binds
    x_e = torch.tensor([[0.02, 0.98, 0.5, 0.05], [0.97, 0.03, 0.01, 0.99]])
    y_e = torch.tensor([0, 2])
    torch.manual_seed(21)
    out["random_start_edges_0_steps"] = attempt(pgd, identity_classifier(4), x_e, y_e, eps=0.1, alpha=0.03,
                                                steps=0, random_start=True)
    torch.manual_seed(21)
    out["random_start_edges_1_step"] = attempt(pgd, identity_classifier(4), x_e, y_e, eps=0.1, alpha=0.01,
                                               steps=1, random_start=True)
    lin.train()
    out["given_train_result"] = attempt(pgd, lin, x, y, eps=0.1, alpha=0.03, steps=1)
    out["given_train_mode_after"] = lin.training


# ----------------------------------------------------------------------------- ex4
def more_targeted(ns, out):
    tp = ns["targeted_pgd"]
    lin = identity_classifier().eval()
    x, t = torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5]]), torch.tensor([2, 0])
    out["given_eval_result"] = attempt(tp, lin, x, t, eps=0.1, alpha=0.03, steps=2)
    out["given_eval_mode_after"] = lin.training
    out["x_after"] = x
    out["x_after_requires_grad"] = x.requires_grad
    torch.manual_seed(22)
    out["cross_entropy_vs_logit"] = attempt(tp, identity_classifier(), torch.full((1, 3), 0.5), torch.tensor([1]),
                                            eps=0.2, alpha=0.05, steps=2)
    out["global_rng_after"] = torch.rand(3)


# ----------------------------------------------------------------------------- ex5
def more_train(ns, out):
    train = ns["train_adversarial"]
    g = torch.Generator().manual_seed(15)
    x, y = torch.rand(7, 3, generator=g), torch.randint(0, 3, (7,), generator=g)
    model = identity_classifier()
    calls = []
    out["callback_run"] = attempt(train, model, tensor_loader(x, y, 3), torch.optim.SGD(model.parameters(), lr=0.5),
                                  lambda m, xb, yb: xb.clone(), 2, on_epoch=lambda e, loss: calls.append((e, loss)))
    out["callback_calls"] = [(e, type(loss).__name__, float(loss)) for e, loss in calls]
    out["mode_after"] = model.training
    model = identity_classifier()

    def backward_attack(m, xb, yb):                    # an attack that leaves gradients on the parameters
        xr = xb.detach().clone().requires_grad_(True)
        F.cross_entropy(m(xr), yb).backward()
        return (xr.detach() + 0.1 * xr.grad.sign()).clamp(0.0, 1.0)

    out["backward_attack_losses"] = attempt(train, model, tensor_loader(x, y, 3),
                                            torch.optim.SGD(model.parameters(), lr=0.5), backward_attack, 1)
    out["backward_attack_params"] = [p.detach().clone() for p in model.parameters()]


P = R10.PROBES_05
PROBES_05 = {
    "ex1_fgsm": extend(P["ex1_fgsm"], more_fgsm),
    "ex2_accuracy": extend(P["ex2_accuracy"], more_accuracy),
    "ex3_pgd": extend(P["ex3_pgd"], more_pgd),
    "ex4_targeted": extend(P["ex4_targeted"], more_targeted),
    "ex5_adv_train": extend(P["ex5_adv_train"], more_train),
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:], context=context))
