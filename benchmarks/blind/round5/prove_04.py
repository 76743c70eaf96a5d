"""Proofs for blind round 5 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round5/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 4's probe of the same exercise
(imported from benchmarks/blind/round4/prove_03_05.py, itself built on round 3's) and adds what this
round's mistakes need: the caller's x after a ResBlock, a schedule whose posterior variance is not 0
at t = 0, sampling without a generator, the generator left behind by the loss.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, answer_schedule  # noqa: E402

import torch  # noqa: E402

R4 = earlier_proofs(4, "prove_03_05.py")

DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


# ----------------------------------------------------------------------------- ex1 schedules
def more_schedule(ns, out):
    lin, cos, make = ns["linear_betas"], ns["cosine_betas"], ns["make_schedule"]
    out["linear_7_default_ends"] = attempt(lin, 7)
    out["cosine_3"] = attempt(cos, 3)
    s = attempt(make, torch.tensor([0.05, 0.1, 0.2, 0.4]))
    out["same_object_alphas_alpha_bars"] = (getattr(s, "alphas", None) is getattr(s, "alpha_bars", None)
                                            if hasattr(s, "alphas") else s)


# ----------------------------------------------------------------------------- ex2 forward noising
def more_forward(ns, out):
    q = ns["q_sample"]
    s = answer_schedule(ns, torch.linspace(0.05, 0.5, 10))
    g = torch.Generator().manual_seed(11)
    x0, noise = torch.randn(4, 2, 3, generator=g), torch.randn(4, 2, 3, generator=g)
    out["3d_with_t0"] = attempt(q, x0, torch.tensor([0, 0, 5, 9]), noise, s)
    out["5d_batch_of_one_t0"] = attempt(q, torch.ones(1, 1, 1, 2, 2), torch.tensor([0]), torch.full((1, 1, 1, 2, 2), 3.0), s)


# ----------------------------------------------------------------------------- ex3 time embedding
def more_embedding(ns, out):
    emb = ns["timestep_embedding"]
    out["float32_steps_dim4"] = attempt(emb, torch.tensor([0.0, 1.0, 2.5]), 4)
    out["two_steps_dim2"] = attempt(emb, torch.tensor([3, 4]), 2)


# ----------------------------------------------------------------------------- ex4 ResBlock
def more_resblock(ns, out):
    Res = ns["ResBlock"]
    g = torch.Generator().manual_seed(7)
    x, emb = torch.randn(2, 8, 4, 4, generator=g), torch.randn(2, 6, generator=g)
    keep = x.clone()
    torch.manual_seed(12)
    block = Res(8, 8, 6, groups=4)
    with torch.no_grad():                       # a non-zero projection bias, trained-looking norms
        block.emb_proj.bias.normal_(0.0, 1.0)
        block.norm2.weight.normal_(1.0, 0.5)
    out["same_channels"] = attempt(block, x, emb)
    out["x_untouched"] = bool(torch.equal(x, keep))
    out["same_channels_again"] = attempt(block, x, emb)
    torch.manual_seed(13)
    out["more_channels"] = attempt(Res(8, 12, 6, groups=4), keep.clone(), emb)


# ----------------------------------------------------------------------------- ex5 loss
def more_loss(ns, out):
    loss_fn = ns["diffusion_loss"]
    s = answer_schedule(ns, [0.1, 0.3, 0.5, 0.7])
    g = torch.Generator().manual_seed(3)
    x0, y = torch.randn(8, 1, 2, 2, generator=g), torch.tensor([0, 1, 2, 0, 1, 2, 0, 1])
    net = ProbeNet()
    gen = torch.Generator().manual_seed(9)
    loss = attempt(loss_fn, net, x0, y, s, 0.5, gen)
    out["p0.5_seed9"] = loss
    out["p0.5_seed9_labels"] = [c[1] for c in net.calls]
    out["p0.5_seed9_generator_after"] = torch.rand(3, generator=gen)
    out["p0.5_seed9_requires_grad"] = loss.requires_grad if isinstance(loss, torch.Tensor) else loss


# ----------------------------------------------------------------------------- ex6 DDPM
def _clipped_schedule(ns):
    """A schedule whose posterior variance at t = 0 is not 0 (improved DDPM clips it to the t = 1 value)."""
    betas = torch.tensor([0.19, 0.36, 0.5])
    alphas = 1 - betas
    abar = torch.cumprod(alphas, 0)
    prev = torch.cat([torch.ones(1), abar[:-1]])
    var = betas * (1 - prev) / (1 - abar)
    var[0] = var[1]
    return ns["Schedule"](betas, alphas, abar, prev, var)


def more_ddpm(ns, out):
    step, sample = ns["ddpm_step"], ns["ddpm_sample"]
    s = _clipped_schedule(ns)
    g = torch.Generator().manual_seed(5)
    x_t, eps, z = (torch.randn(2, 1, 2, 2, generator=g), torch.randn(2, 1, 2, 2, generator=g),
                   torch.randn(2, 1, 2, 2, generator=g))
    out["clipped_step_0"] = attempt(step, eps, 0, x_t, s, z)
    out["clipped_step_2"] = attempt(step, eps, 2, x_t, s, z)
    torch.manual_seed(21)
    out["clipped_step_1_twice"] = [attempt(step, eps, 1, x_t, s, z), attempt(step, eps, 1, x_t, s, z)]
    s2 = answer_schedule(ns, [0.19, 0.3, 0.36, 0.5])
    seen, steps = [], []
    torch.manual_seed(3)
    out["no_generator"] = attempt(sample, lambda x, t: seen.append(t) or 0.1 * x, (2, 1, 2, 2), s2,
                                  on_step=lambda t, x: steps.append(t))
    out["no_generator_global_after"] = torch.rand(3)
    out["no_generator_steps"] = [list(seen), list(steps)]


# ----------------------------------------------------------------------------- ex7 DDIM
def more_ddim(ns, out):
    ts, step, sample = ns["ddim_timesteps"], ns["ddim_step"], ns["ddim_sample"]
    for T, n in ((10, 4), (9, 2), (100, 8), (5, 5), (12, 1)):
        out[f"more_timesteps_{T}_{n}"] = attempt(ts, T, n)
    alpha_bars = torch.cumprod(1 - torch.linspace(0.02, 0.4, 12), 0)
    g = torch.Generator().manual_seed(8)
    x_t, eps = torch.randn(3, 2, generator=g), torch.randn(3, 2, generator=g)
    torch.manual_seed(4)
    out["jump_9_3"] = attempt(step, eps, 9, 3, x_t, alpha_bars)
    out["jump_9_3_global_after"] = torch.rand(2)
    calls = []
    out["sample_12_4"] = attempt(sample, lambda x, t: calls.append(t) or -0.1 * x, (2, 2), alpha_bars, 4,
                                 torch.Generator().manual_seed(3))
    out["sample_12_4_calls"] = list(calls)


# ----------------------------------------------------------------------------- ex8 guidance
def more_guidance(ns, out):
    guided = ns["guided_eps"]
    x = torch.randn(2, 1, 2, 2, generator=torch.Generator().manual_seed(4))
    for t in (0, 2):
        net = R4.R3.GuideNet()
        out[f"t{t}"] = attempt(guided, net, x, t, torch.tensor([1, 0]), 2.5)
        out[f"t{t}_calls"] = list(net.calls)


P = R4.PROBES_04
PROBES_04 = {
    "ex1_schedule": extend(P["ex1_schedule"], more_schedule),
    "ex2_forward": extend(P["ex2_forward"], more_forward),
    "ex3_time_embedding": extend(P["ex3_time_embedding"], more_embedding),
    "ex4_resblock": extend(P["ex4_resblock"], more_resblock),
    "ex5_loss": extend(P["ex5_loss"], more_loss),
    "ex6_ddpm": extend(P["ex6_ddpm"], more_ddpm),
    "ex7_ddim": extend(P["ex7_ddim"], more_ddim),
    "ex8_guidance": extend(P["ex8_guidance"], more_guidance),
}

PROBES = {DIFFUSION: PROBES_04}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
