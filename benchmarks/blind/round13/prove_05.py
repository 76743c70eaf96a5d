"""Proofs for blind round 13 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round13/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 12's probe of the same exercise
(imported from benchmarks/blind/round12/prove_05.py, itself rounds 3 to 11's plus round 12's
observations, with gradients switched on around each probe) and adds what this round's mistakes need:
for fgsm a confident model (input gradients below 1e-12), a caller's x that requires grad and a
CNN other than the notebook's `standard` (a stand-in where the namespace has none); for
accuracy_under_attack the batch sizes a spy model is called with and a model whose parameters the
caller froze; for pgd a call without random_start and the global generator after it, a float64 random
start, a step size larger than eps and a batch of one; for targeted_pgd a confident model that is
wrong, more steps than eps / alpha, a batch of one and whether gradients are on after the call; and
for train_adversarial a float64 model.
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

R12 = earlier_proofs(12, "prove_05.py")
context, extend = R12.context, R12.extend

X = torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5]])
Y = torch.tensor([1, 2])


def scaled_identity(scale: float, n: int = 3) -> nn.Module:
    """A confident classifier: logits scale * x."""
    model = identity_classifier(n)
    with torch.no_grad():
        model.weight.mul_(scale)
    return model


# ----------------------------------------------------------------------------- ex1
def r13_fgsm(ns, out):
    fgsm = ns["fgsm"]
    confident = scaled_identity(60.0)
    x = torch.tensor([[0.9, 0.1, 0.2], [0.3, 0.8, 0.1]])
    out["r13_confident"] = attempt(fgsm, confident, x, torch.tensor([0, 1]), 0.1)
    xg = X.clone().requires_grad_(True)
    out["r13_x_requires_grad_result"] = attempt(fgsm, identity_classifier(), xg, Y, 0.1)
    out["r13_x_requires_grad_after"] = xg
    # the notebook defines `standard` (the trained CNN); a stand-in of the same kind where the namespace lacks it
    ns.setdefault("standard", small_cnn(13))
    out["r13_cnn_not_standard"] = attempt(fgsm, small_cnn(14), images(4, 141), labels(4, 142), 0.05)


# ----------------------------------------------------------------------------- ex2
class Spy(nn.Module):
    """An identity classifier that records the batch size of every forward pass."""

    def __init__(self):
        super().__init__()
        self.lin = identity_classifier()
        self.sizes = []

    def forward(self, x):
        self.sizes.append(int(x.shape[0]))
        return self.lin(x)


def r13_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    x = torch.eye(3).repeat(3, 1)[:7]
    y = torch.tensor([0, 1, 2, 0, 1, 0, 0])
    spy = Spy().eval()
    out["r13_spy_clean"] = attempt(acc, spy, x.clone(), y, batch_size=3)
    out["r13_spy_sizes"] = list(spy.sizes)
    frozen = identity_classifier().requires_grad_(False)
    out["r13_frozen"] = attempt(acc, frozen, x.clone(), y, batch_size=3)
    out["r13_frozen_flags_after"] = [p.requires_grad for p in frozen.parameters()]
    y2 = torch.tensor([0, 1, 2, 1, 1, 0, 2])
    out["r13_other_labels"] = attempt(acc, identity_classifier(), x.clone(), y2, batch_size=2)


# ----------------------------------------------------------------------------- ex3
def r13_pgd(ns, out):
    pgd = ns["pgd"]
    lin = identity_classifier()
    torch.manual_seed(3)
    out["r13_default_start"] = attempt(pgd, lin, X.clone(), Y, 0.1, 0.03, 2)
    out["r13_rng_after_default"] = torch.rand(3)
    torch.manual_seed(4)
    out["r13_float64_random"] = attempt(pgd, identity_classifier().double(), X.double(), Y, eps=0.1, alpha=0.03,
                                        steps=2, random_start=True)
    torch.manual_seed(5)
    out["r13_big_alpha_random"] = attempt(pgd, lin, X.clone(), Y, eps=0.1, alpha=0.25, steps=1, random_start=True)
    out["r13_big_alpha_cnn"] = attempt(pgd, small_cnn(11), images(4, 111), labels(4, 112), eps=0.1, alpha=0.25,
                                       steps=3)
    out["r13_batch_of_one"] = attempt(pgd, lin, X[:1].clone(), Y[:1], eps=0.1, alpha=0.03, steps=2)
    x_dim = torch.tensor([[0.3, 0.5, 0.4]])        # its brightest pixel is 0.5: the label's class brightens it
    out["r13_dim_image"] = attempt(pgd, lin, x_dim, torch.tensor([2]), eps=0.1, alpha=0.05, steps=2)


# ----------------------------------------------------------------------------- ex4
def r13_targeted(ns, out):
    tp = ns["targeted_pgd"]
    confident = scaled_identity(200.0)
    x = torch.tensor([[0.9, 0.1, 0.1], [0.1, 0.9, 0.2]])
    out["r13_confident_wrong"] = attempt(tp, confident, x, torch.tensor([2, 0]), eps=0.1, alpha=0.03, steps=2)
    out["r13_many_steps"] = attempt(tp, identity_classifier(), X.clone(), torch.tensor([2, 0]), eps=0.1,
                                    alpha=0.05, steps=6)
    out["r13_batch_of_one"] = attempt(tp, identity_classifier(), X[:1].clone(), torch.tensor([2]), eps=0.1,
                                      alpha=0.03, steps=2)
    torch.set_grad_enabled(True)
    out["r13_result"] = attempt(tp, identity_classifier(), X.clone(), torch.tensor([0, 1]), eps=0.1, alpha=0.03,
                                steps=1)
    out["r13_grad_enabled_after"] = torch.is_grad_enabled()
    torch.set_grad_enabled(True)


# ----------------------------------------------------------------------------- ex5
def r13_train(ns, out):
    train = ns["train_adversarial"]
    g = torch.Generator().manual_seed(31)
    x, y = torch.rand(6, 3, generator=g, dtype=torch.float64), torch.randint(0, 3, (6,), generator=g)
    model = identity_classifier().double()
    attack = lambda m, xb, yb: (xb + 0.1).clamp(0.0, 1.0)  # noqa: E731
    out["r13_float64_losses"] = attempt(train, model, tensor_loader(x, y, 4),
                                        torch.optim.SGD(model.parameters(), lr=0.3), attack, 2)
    out["r13_float64_params_after"] = [p.detach().clone() for p in model.parameters()]


P = R12.PROBES_05
PROBES_05 = {
    "ex1_fgsm": extend(P["ex1_fgsm"], r13_fgsm),
    "ex2_accuracy": extend(P["ex2_accuracy"], r13_accuracy),
    "ex3_pgd": extend(P["ex3_pgd"], r13_pgd),
    "ex4_targeted": extend(P["ex4_targeted"], r13_targeted),
    "ex5_adv_train": extend(P["ex5_adv_train"], r13_train),
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:], context=context))
