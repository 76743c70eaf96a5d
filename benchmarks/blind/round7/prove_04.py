"""Proofs for blind round 7 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round7/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 6's probe of the same exercise
(imported from benchmarks/blind/round6/prove_04.py, itself built on rounds 3 to 5) and adds what this
round's mistakes need: a cosine schedule with another offset s, a bfloat16 x0 and a batch of scalars for
the forward noising, DDPM sampling on the meta device, DDIM spacings where T / n rounds up.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import answer_schedule  # noqa: E402

import torch  # noqa: E402

R6 = earlier_proofs(6, "prove_04.py")

DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


# ----------------------------------------------------------------------------- ex1 schedules
def more_schedule(ns, out):
    out["cosine_6_s0.05"] = attempt(ns["cosine_betas"], 6, s=0.05)


# ----------------------------------------------------------------------------- ex2 forward noising
def more_forward(ns, out):
    q = ns["q_sample"]
    s = answer_schedule(ns, torch.linspace(0.05, 0.5, 10))
    g = torch.Generator().manual_seed(23)
    x0, noise = torch.randn(3, 1, 2, 2, generator=g), torch.randn(3, 1, 2, 2, generator=g)
    out["bfloat16_x0"] = attempt(q, x0.bfloat16(), torch.tensor([1, 5, 8]), noise.bfloat16(), s)
    out["scalars_x0"] = attempt(q, torch.tensor([0.5, -1.0, 2.0]), torch.tensor([0, 4, 7]),
                                torch.tensor([1.0, 0.3, -0.7]), s)


# ----------------------------------------------------------------------------- ex6 DDPM
def more_ddpm(ns, out):
    s = answer_schedule(ns, [0.1, 0.2, 0.3])
    out["meta_sample"] = attempt(ns["ddpm_sample"], lambda x, t: 0.1 * x, (2, 1, 2, 2), s, None, "meta")


# ----------------------------------------------------------------------------- ex7 DDIM
def more_ddim(ns, out):
    for T, n in ((7, 2), (11, 4)):
        out[f"timesteps_{T}_{n}"] = attempt(ns["ddim_timesteps"], T, n)


P = R6.PROBES_04
PROBES_04 = {
    "ex1_schedule": extend(P["ex1_schedule"], more_schedule),
    "ex2_forward": extend(P["ex2_forward"], more_forward),
    "ex3_time_embedding": P["ex3_time_embedding"],
    "ex4_resblock": P["ex4_resblock"],
    "ex5_loss": P["ex5_loss"],
    "ex6_ddpm": extend(P["ex6_ddpm"], more_ddpm),
    "ex7_ddim": extend(P["ex7_ddim"], more_ddim),
    "ex8_guidance": P["ex8_guidance"],
}

PROBES = {DIFFUSION: PROBES_04}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
