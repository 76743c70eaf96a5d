"""Proofs for blind round 8 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round8/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 7's probe of the same exercise
(imported from benchmarks/blind/round7/prove_04.py, itself built on rounds 3 to 6) and adds what this
round's mistakes need: the forward noising called twice on one schedule (and the schedule after),
the caller's eps after a DDPM step, DDPM sampling with an eps_fn that draws from the global RNG,
DDIM sampling on the meta device.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import answer_schedule  # noqa: E402

import torch  # noqa: E402

R7 = earlier_proofs(7, "prove_04.py")

DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


# ----------------------------------------------------------------------------- ex2 forward noising
def more_forward(ns, out):
    q = ns["q_sample"]
    s = answer_schedule(ns, torch.linspace(0.05, 0.5, 10))
    g = torch.Generator().manual_seed(31)
    x0, noise = torch.randn(3, 1, 2, 2, generator=g), torch.randn(3, 1, 2, 2, generator=g)
    t = torch.tensor([2, 5, 9])
    out["same_schedule_twice"] = [attempt(q, x0, t, noise, s), attempt(q, x0, t, noise, s)]
    out["same_schedule_after"] = [s.betas, s.alphas, s.alpha_bars, s.alpha_bars_prev, s.posterior_variance]


# ----------------------------------------------------------------------------- ex6 DDPM
def more_ddpm(ns, out):
    step, sample = ns["ddpm_step"], ns["ddpm_sample"]
    s = answer_schedule(ns, [0.1, 0.2, 0.3, 0.4])
    g = torch.Generator().manual_seed(33)
    x_t, eps, z = (torch.randn(2, 1, 2, 2, generator=g) for _ in range(3))
    keep = eps.clone()
    out["step_2"] = attempt(step, eps, 2, x_t, s, z)
    out["step_2_eps_untouched"] = bool(torch.equal(eps, keep))
    out["step_2_eps_after"] = eps

    def noisy_eps(x, t):                        # an eps_fn with randomness of its own (dropout-like)
        return 0.1 * x + 0.01 * torch.rand(x.shape)

    torch.manual_seed(41)
    out["global_rng_eps_fn"] = attempt(sample, noisy_eps, (2, 1, 2, 2), s)
    out["global_rng_eps_fn_after"] = torch.rand(3)


# ----------------------------------------------------------------------------- ex7 DDIM
def more_ddim(ns, out):
    sample = ns["ddim_sample"]
    alpha_bars = torch.cumprod(1 - torch.linspace(0.02, 0.4, 12), 0).to("meta")
    out["meta_sample"] = attempt(sample, lambda x, t: 0.1 * x, (2, 1, 2, 2), alpha_bars, 3, None, "meta")


P = R7.PROBES_04
PROBES_04 = {
    "ex1_schedule": P["ex1_schedule"],
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
