"""Proofs for blind round 7 of lab 05: every wrong answer differs from a right one on inputs the
notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round7/prove_05.py [05_adversarial/05_adversarial] [--train-mutants]

The driver is benchmarks/blind/proofs.py. Each probe runs round 6's probe of the same exercise
(imported from benchmarks/blind/round6/prove_05.py, itself rounds 3 to 5's plus round 6's observations)
and adds what this round's mistakes need: the caller's x.grad and the model's parameter gradients after
fgsm, the parameters' requires_grad flags after accuracy_under_attack and an attack spy on a set that
the batch size divides, the mode every attack call sees during adversarial training.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import identity_classifier, tensor_loader  # noqa: E402

import torch  # noqa: E402

R6 = earlier_proofs(6, "prove_05.py")


# ----------------------------------------------------------------------------- ex1
def more_fgsm(ns, out):
    fgsm = ns["fgsm"]
    lin = identity_classifier()
    for p in lin.parameters():                           # gradients the caller has accumulated
        p.grad = torch.full_like(p, 0.25)
    x = torch.tensor([[0.2, 0.7, 0.4], [0.6, 0.3, 0.5]])
    out["with_param_grads"] = attempt(fgsm, lin, x, torch.tensor([1, 2]), 0.1)
    out["param_grads_after"] = [None if p.grad is None else p.grad.clone() for p in lin.parameters()]
    out["x_grad_after"] = x.grad
    out["x_flag_after"] = x.requires_grad


# ----------------------------------------------------------------------------- ex2
def more_accuracy(ns, out):
    acc = ns["accuracy_under_attack"]
    lin = identity_classifier()
    x = torch.eye(3).repeat(2, 1)                       # 6 rows, batch size 3 divides them
    y = torch.tensor([0, 1, 2, 1, 1, 1])
    seen = []

    def spy(m, xb, yb):
        seen.append(tuple(xb.shape))
        return xb.clone()

    out["spy_bs3_even"] = attempt(acc, lin, x, y, attack=spy, batch_size=3)
    out["spy_bs3_even_calls"] = list(seen)
    out["param_flags_after"] = [p.requires_grad for p in lin.parameters()]


# ----------------------------------------------------------------------------- ex5
def more_train(ns, out):
    train = ns["train_adversarial"]
    torch.manual_seed(8)
    model = torch.nn.Linear(3, 3)
    g = torch.Generator().manual_seed(9)
    x, y = torch.rand(7, 3, generator=g), torch.randint(0, 3, (7,), generator=g)
    modes = []

    def spy(m, xb, yb):                                  # which mode every attack call sees
        modes.append(m.training)
        return xb.clone()

    out["mode_spy"] = attempt(train, model, tensor_loader(x, y, 3), torch.optim.SGD(model.parameters(), lr=0.1),
                              spy, 2)
    out["mode_spy_modes"] = list(modes)
    seen = []
    torch.manual_seed(10)
    shuffled = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=3, shuffle=True)
    out["shuffled_spy"] = attempt(train, model, shuffled, torch.optim.SGD(model.parameters(), lr=0.1),
                                  lambda m, xb, yb: seen.append(yb.clone()) or xb.clone(), 2)
    out["shuffled_spy_batches"] = list(seen)


P = R6.PROBES_05
PROBES_05 = {
    "ex1_fgsm": extend(P["ex1_fgsm"], more_fgsm),
    "ex2_accuracy": extend(P["ex2_accuracy"], more_accuracy),
    "ex3_pgd": P["ex3_pgd"],
    "ex4_targeted": P["ex4_targeted"],
    "ex5_adv_train": extend(P["ex5_adv_train"], more_train),
}

PROBES = {"05_adversarial/05_adversarial": PROBES_05}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
