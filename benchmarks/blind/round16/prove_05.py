"""Proofs for blind round 16 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round16/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 15's probe of the same exercise
(imported from benchmarks/blind/round15/prove_05.py, itself rounds 3 to 14's plus round 15's
observations) and adds what this round's mistakes need: for fgsm images near the top of [0, 1], a
CNN with large logits and the global generator after a dropout model's call; for
accuracy_under_attack the batch sizes a spy model's forward passes hold, more examples than the
notebook's cfg.test_images, whether gradients are on after a clean call and a batch of one; for pgd a
random start with steps=0 and more steps than eps / alpha; for targeted_pgd a CNN with large logits
and the generator after a dropout model's call; and for train_adversarial a last batch of one, the
values on_epoch gets and the losses of a CNN.
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

R15 = earlier_proofs(15, "prove_05.py")
context, extend = R15.context, R15.extend

X_TOP = torch.tensor([[0.95, 0.7, 0.98], [0.6, 0.97, 0.5]])   # pixels near 1: a step up leaves [0, 1]
Y = torch.tensor([1, 2])


def dropout_model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5)).train()


def loud_cnn(seed: int) -> nn.Module:
    """small_cnn with its last layer scaled up: large logits, a saturated softmax."""
    model = small_cnn(seed)
    with torch.no_grad():
        model[-1].weight.mul_(30.0)
    return model


class BatchSpy(nn.Module):
    """The 3-class identity classifier, recording the size of every forward pass."""

    def __init__(self):
        super().__init__()
        self.inner = identity_classifier(3)
        self.sizes = []

    def forward(self, x):
        self.sizes.append(int(x.shape[0]))
        return self.inner(x)


# ----------------------------------------------------------------------------- ex1
def r16_fgsm(ns, out):
    fgsm = ns["fgsm"]
    out["r16_near_top"] = attempt(fgsm, identity_classifier(), X_TOP.clone(), Y, 0.1)
    out["r16_loud_cnn"] = attempt(fgsm, loud_cnn(161), images(4, 162), labels(4, 163), 0.05)
    out["r16_cnn"] = attempt(fgsm, small_cnn(164), images(4, 165), labels(4, 166), 0.05)
    torch.manual_seed(167)
    out["r16_dropout_result"] = attempt(fgsm, dropout_model(16), X_TOP.clone(), Y, 0.1)
    out["r16_rng_after"] = torch.rand(4)


# ----------------------------------------------------------------------------- ex2
def r16_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    spy = BatchSpy()
    x = torch.eye(3).repeat(3, 1)[:7]
    y = torch.tensor([0, 1, 1, 0, 1, 2, 2])
    out["r16_spy_clean"] = attempt(acc, spy, x.clone(), y, batch_size=3)
    out["r16_spy_clean_sizes"] = list(spy.sizes)
    spy.sizes.clear()
    out["r16_spy_attacked"] = attempt(acc, spy, x.clone(), y, attack=lambda m, xb, yb: xb.flip(1), batch_size=3)
    out["r16_spy_attacked_sizes"] = list(spy.sizes)
    big_x = torch.eye(3).repeat(200, 1)                     # 600 examples, more than cfg.test_images (500)
    big_y = torch.arange(600) % 3
    big_y[500:] = (big_y[500:] + 1) % 3                      # the last 100 labelled wrong
    out["r16_six_hundred"] = attempt(acc, identity_classifier(), big_x, big_y)
    torch.set_grad_enabled(True)
    attempt(acc, identity_classifier(), x.clone(), y, batch_size=4)
    out["r16_grad_enabled_after_clean"] = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    out["r16_batch_of_one"] = attempt(acc, identity_classifier(), torch.tensor([[0.1, 0.2, 0.9]]),
                                      torch.tensor([2]))


# ----------------------------------------------------------------------------- ex3
def r16_pgd(ns, out):
    pgd = ns["pgd"]
    torch.manual_seed(168)
    out["r16_random_start_no_steps"] = attempt(pgd, identity_classifier(), X_TOP.clone(), Y, 0.1, 0.03, 0,
                                               random_start=True)
    out["r16_rng_after_no_steps"] = torch.rand(3)
    out["r16_cnn_many_steps"] = attempt(pgd, small_cnn(169), images(3, 170), labels(3, 171), 0.05, 0.02, 6)


# ----------------------------------------------------------------------------- ex4
def r16_targeted(ns, out):
    tp = ns["targeted_pgd"]
    out["r16_loud_cnn"] = attempt(tp, loud_cnn(172), images(4, 173), labels(4, 174), 0.1, 0.02, 3)
    torch.manual_seed(175)
    out["r16_dropout_result"] = attempt(tp, dropout_model(18), X_TOP.clone(), torch.tensor([0, 1]), 0.1, 0.03, 2)
    out["r16_rng_after"] = torch.rand(4)


# ----------------------------------------------------------------------------- ex5
def r16_train(ns, out):
    train = ns["train_adversarial"]
    g = torch.Generator().manual_seed(161)
    x, y = torch.rand(7, 3, generator=g), torch.tensor([0, 1, 2, 0, 1, 2, 1])
    torch.manual_seed(162)
    model = nn.Linear(3, 3)
    seen = []
    out["r16_last_batch_of_one"] = attempt(train, model, tensor_loader(x, y, 3),
                                           torch.optim.SGD(model.parameters(), lr=0.3),
                                           lambda m, xb, yb: (xb + 0.02).clamp(0, 1), 2,
                                           on_epoch=lambda e, loss: seen.append((e, loss)))
    torch.set_grad_enabled(True)
    out["r16_on_epoch_values"] = seen
    out["r16_params_after"] = [p.detach().clone() for p in model.parameters()]


P = R15.PROBES_05
PROBES_05 = {
    "ex1_fgsm": extend(P["ex1_fgsm"], r16_fgsm),
    "ex2_accuracy": extend(P["ex2_accuracy"], r16_accuracy),
    "ex3_pgd": extend(P["ex3_pgd"], r16_pgd),
    "ex4_targeted": extend(P["ex4_targeted"], r16_targeted),
    "ex5_adv_train": extend(P["ex5_adv_train"], r16_train),
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:], context=context))
