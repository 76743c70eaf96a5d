"""Proofs for blind round 9 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round9/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 8's probe of the same exercise
(imported from benchmarks/blind/round8/prove_04.py, itself built on rounds 3 to 7) and adds what this
round's mistakes need: the forward noising with a second schedule after a first, the loss's effect on
the model's gradients and the loss of an eval-mode model, the tensors DDPM sampling hands to on_step,
kept as they were given.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, answer_schedule  # noqa: E402

import torch  # noqa: E402

R8 = earlier_proofs(8, "prove_04.py")

DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


# ----------------------------------------------------------------------------- ex2 forward noising
def more_forward(ns, out):
    q = ns["q_sample"]
    s = answer_schedule(ns, torch.linspace(0.05, 0.5, 10))
    g = torch.Generator().manual_seed(37)
    x0, noise = torch.randn(3, 1, 2, 2, generator=g), torch.randn(3, 1, 2, 2, generator=g)
    t = torch.tensor([0, 4, 9])
    out["first_schedule"] = attempt(q, x0, t, noise, s)
    other = answer_schedule(ns, torch.linspace(0.2, 0.6, 10))    # a second schedule, after the first
    out["second_schedule"] = attempt(q, x0, t, noise, other)


# ----------------------------------------------------------------------------- ex5 loss
def more_loss(ns, out):
    loss_fn = ns["diffusion_loss"]
    s = answer_schedule(ns, [0.1, 0.3, 0.5, 0.7])
    g = torch.Generator().manual_seed(4)
    x0, y = torch.randn(5, 1, 2, 2, generator=g), torch.tensor([0, 1, 2, 1, 0])
    net = ProbeNet()
    loss = attempt(loss_fn, net, x0, y, s, 0.5, torch.Generator().manual_seed(12))
    out["grad_after_loss"] = net.w.grad                     # None: the caller runs backward
    out["backward_by_caller"] = attempt(lambda: loss.backward() or float(net.w.grad))
    frozen = ProbeNet().eval()                              # label dropout does not depend on the model's mode
    out["eval_model"] = attempt(loss_fn, frozen, x0, y, s, 0.5, torch.Generator().manual_seed(12))
    out["eval_model_labels"] = [c[1] for c in frozen.calls]


# ----------------------------------------------------------------------------- ex6 DDPM
def more_ddpm(ns, out):
    sample = ns["ddpm_sample"]
    s = answer_schedule(ns, [0.1, 0.2, 0.3, 0.4])
    given = []                                              # the tensors on_step gets, kept as they are
    out["on_step_kept"] = attempt(sample, lambda x, t: 0.1 * x, (2, 1, 2, 2), s, torch.Generator().manual_seed(6),
                                  "cpu", lambda t, x: given.append((t, x)))
    out["on_step_kept_after"] = list(given)


P = R8.PROBES_04
PROBES_04 = {
    "ex1_schedule": P["ex1_schedule"],
    "ex2_forward": extend(P["ex2_forward"], more_forward),
    "ex3_time_embedding": P["ex3_time_embedding"],
    "ex4_resblock": P["ex4_resblock"],
    "ex5_loss": extend(P["ex5_loss"], more_loss),
    "ex6_ddpm": extend(P["ex6_ddpm"], more_ddpm),
    "ex7_ddim": P["ex7_ddim"],
    "ex8_guidance": P["ex8_guidance"],
}

PROBES = {DIFFUSION: PROBES_04}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
