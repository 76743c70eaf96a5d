"""Proofs for blind round 11 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round11/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 10's probe of the same exercise
(imported from benchmarks/blind/round10/prove_04.py, itself built on rounds 3 to 9) and adds what this
round's mistakes need: a one-step linear schedule, the caller's schedule object's attributes after the
forward noising, float64 steps for the embedding, the loss and the grad mode under a caller's
torch.no_grad(), the caller's x_t after a DDPM step, and the grad mode and a frozen model's
requires_grad after guidance.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, answer_schedule  # noqa: E402

import torch  # noqa: E402

R10 = earlier_proofs(10, "prove_04.py")

DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


# ----------------------------------------------------------------------------- ex1 schedules
def more_schedule(ns, out):
    lin = ns["linear_betas"]
    out["linear_1"] = attempt(lin, 1)                                   # a one-step schedule: (beta_start,)
    out["linear_1_ends"] = attempt(lin, 1, 0.05, 0.5)


# ----------------------------------------------------------------------------- ex2 forward noising
def more_forward(ns, out):
    q = ns["q_sample"]
    s = answer_schedule(ns, torch.linspace(0.05, 0.5, 10))
    before = sorted(vars(s))
    g = torch.Generator().manual_seed(67)
    x0, noise = torch.randn(3, 1, 2, 2, generator=g), torch.randn(3, 1, 2, 2, generator=g)
    out["plain"] = attempt(q, x0, torch.tensor([0, 5, 9]), noise, s)
    out["schedule_attributes_added"] = sorted(set(vars(s)) - set(before))


# ----------------------------------------------------------------------------- ex3 time embedding
def more_embedding(ns, out):
    emb = ns["timestep_embedding"]
    out["float64_steps_dim6"] = attempt(emb, torch.tensor([0.0, 3.5, 20.0], dtype=torch.float64), 6)


# ----------------------------------------------------------------------------- ex4 ResBlock
def more_resblock(ns, out):
    Res = ns["ResBlock"]
    g = torch.Generator().manual_seed(71)
    x, emb = torch.randn(2, 4, 3, 3, generator=g), torch.randn(2, 3, generator=g)
    torch.manual_seed(73)
    block = Res(4, 4, 3, groups=2)
    with torch.no_grad():
        block.emb_proj.bias.normal_(0.0, 1.0)
    out["same_channels_small"] = attempt(block, x, emb)


# ----------------------------------------------------------------------------- ex5 loss
def more_loss(ns, out):
    loss_fn = ns["diffusion_loss"]
    s = answer_schedule(ns, [0.1, 0.3, 0.5, 0.7])
    g = torch.Generator().manual_seed(79)
    x0, y = torch.randn(4, 1, 2, 2, generator=g), torch.tensor([1, 0, 2, 1])
    net = ProbeNet()
    with torch.no_grad():                          # a caller evaluating the loss without a graph
        loss = attempt(loss_fn, net, x0, y, s, 0.5, torch.Generator().manual_seed(3))
        out["no_grad_grad_mode_after"] = torch.is_grad_enabled()
    out["no_grad_loss"] = loss
    out["no_grad_loss_has_graph"] = loss.requires_grad if isinstance(loss, torch.Tensor) else loss


# ----------------------------------------------------------------------------- ex6 DDPM
def more_ddpm(ns, out):
    step = ns["ddpm_step"]
    s = answer_schedule(ns, [0.1, 0.2, 0.3, 0.4])
    g = torch.Generator().manual_seed(83)
    x_t, eps, z = (torch.randn(2, 1, 2, 2, generator=g) for _ in range(3))
    for t in (3, 0):
        out[f"step_{t}"] = attempt(step, eps, t, x_t, s, z)
        out[f"step_{t}_x_t_after"] = x_t


# ----------------------------------------------------------------------------- ex8 guidance
def more_guidance(ns, out):
    guided = ns["guided_eps"]
    torch.set_grad_enabled(True)                   # whatever an earlier call left
    x = torch.randn(2, 1, 2, 2, generator=torch.Generator().manual_seed(89))
    out["grad_on"] = attempt(guided, ProbeNet(), x, 1, torch.tensor([0, 2]), 2.0)
    out["grad_on_mode_after"] = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    frozen = ProbeNet().requires_grad_(False)      # like the notebook's EMA copy
    out["frozen"] = attempt(guided, frozen, x, 3, torch.tensor([1, 1]), 3.0)
    out["frozen_requires_grad_after"] = [p.requires_grad for p in frozen.parameters()]
    torch.set_grad_enabled(True)


P = R10.PROBES_04
PROBES_04 = {
    "ex1_schedule": extend(P["ex1_schedule"], more_schedule),
    "ex2_forward": extend(P["ex2_forward"], more_forward),
    "ex3_time_embedding": extend(P["ex3_time_embedding"], more_embedding),
    "ex4_resblock": extend(P["ex4_resblock"], more_resblock),
    "ex5_loss": extend(P["ex5_loss"], more_loss),
    "ex6_ddpm": extend(P["ex6_ddpm"], more_ddpm),
    "ex7_ddim": P["ex7_ddim"],
    "ex8_guidance": extend(P["ex8_guidance"], more_guidance),
}

PROBES = {DIFFUSION: PROBES_04}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
