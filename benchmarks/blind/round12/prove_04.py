"""Proofs for blind round 12 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round12/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 11's probe of the same exercise
(imported from benchmarks/blind/round11/prove_04.py, itself built on rounds 3 to 10) and adds what this
round's mistakes need: the linear default, a schedule from betas on the meta device and from float64
betas, the caller's x0 after the forward noising, a bfloat16 x0, a meta batch and a differentiable x0
there, another max_period and meta steps for the embedding, a float64 block, the caller's y after the
loss and a loss with every label hidden, the number of eps_fn calls and on_step's steps in DDPM, the
DDIM steps when n does not divide T, the caller's x_t after a DDIM jump and the global generator around
a DDIM sample with a generator, and the model calls and the model's mode around guidance.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, answer_schedule  # noqa: E402

import torch  # noqa: E402

R11 = earlier_proofs(11, "prove_04.py")

DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


def _fields(s):
    if not hasattr(s, "betas"):
        return s
    return {k: (v.device.type, str(v.dtype), tuple(v.shape)) for k, v in vars(s).items()}


# ----------------------------------------------------------------------------- ex1 schedules
def more_schedule(ns, out):
    lin, make = ns["linear_betas"], ns["make_schedule"]
    out["linear_default_5"] = attempt(lin, 5)
    out["meta_betas"] = _fields(attempt(make, torch.full((4,), 0.1, device="meta")))
    s64 = attempt(make, torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64))
    out["float64_betas"] = _fields(s64)
    out["float64_betas_alpha_bars"] = getattr(s64, "alpha_bars", s64)


# ----------------------------------------------------------------------------- ex2 forward noising
def more_forward(ns, out):
    q = ns["q_sample"]
    s = answer_schedule(ns, torch.linspace(1e-4, 0.02, 10))
    g = torch.Generator().manual_seed(97)
    x0, noise = torch.randn(3, 1, 2, 2, generator=g), torch.randn(3, 1, 2, 2, generator=g)
    out["x0_call"] = attempt(q, x0, torch.tensor([0, 4, 9]), noise, s)
    out["x0_after"] = x0
    xb = x0.to(torch.bfloat16)
    out["bfloat16_small_t"] = attempt(q, xb, torch.tensor([0, 0, 1]), noise.to(torch.bfloat16), s)
    out["meta_batch"] = attempt(q, torch.zeros(3, 1, 2, 2, device="meta"), torch.tensor([0, 4, 9], device="meta"),
                                torch.zeros(3, 1, 2, 2, device="meta"), s)
    xg = x0.clone().requires_grad_(True)
    r = attempt(q, xg, torch.tensor([1, 2, 3]), noise, s)
    out["grad_x0"] = r
    if isinstance(r, torch.Tensor) and r.requires_grad:
        r.sum().backward()
        out["grad_x0_grad"] = xg.grad
    else:
        out["grad_x0_grad"] = None


# ----------------------------------------------------------------------------- ex3 time embedding
def more_embedding(ns, out):
    emb = ns["timestep_embedding"]
    t = torch.tensor([0, 1, 7, 30])
    out["period_100"] = attempt(emb, t, 6, max_period=100.0)
    out["plain_dim8"] = attempt(emb, t, 8)
    r = attempt(emb, torch.tensor([0, 5], device="meta"), 4)
    out["meta_steps"] = r if not isinstance(r, torch.Tensor) else (r.device.type, str(r.dtype), tuple(r.shape))


# ----------------------------------------------------------------------------- ex4 ResBlock
def more_resblock(ns, out):
    Res = ns["ResBlock"]
    g = torch.Generator().manual_seed(101)
    x, emb = torch.randn(2, 4, 3, 3, generator=g), torch.randn(2, 3, generator=g)
    torch.manual_seed(103)
    block = Res(4, 6, 3, groups=2)
    with torch.no_grad():
        block.emb_proj.bias.normal_(0.0, 1.0)
        block.emb_proj.weight.normal_(0.0, 1.0)
    out["changed_channels"] = attempt(block, x, emb)
    out["float64_block"] = attempt(block.double(), x.double(), emb.double())


# ----------------------------------------------------------------------------- ex5 loss
def more_loss(ns, out):
    loss_fn = ns["diffusion_loss"]
    s = answer_schedule(ns, [0.1, 0.3, 0.5, 0.7])
    g = torch.Generator().manual_seed(107)
    x0, y = torch.randn(4, 1, 2, 2, generator=g), torch.tensor([1, 0, 0, 1])
    net = ProbeNet()
    loss = attempt(loss_fn, net, x0, y, s, 0.5, torch.Generator().manual_seed(5))
    out["half_loss"] = loss
    out["half_loss_type"] = type(loss).__name__
    out["half_y_after"] = y
    out["half_labels"] = [c[1] for c in net.calls]
    net2 = ProbeNet()
    out["all_hidden"] = attempt(loss_fn, net2, x0, torch.tensor([0, 1, 0, 0]), s, 1.0,
                                torch.Generator().manual_seed(6))
    out["all_hidden_labels"] = [c[1] for c in net2.calls]


# ----------------------------------------------------------------------------- ex6 DDPM
def more_ddpm(ns, out):
    step, sample = ns["ddpm_step"], ns["ddpm_sample"]
    s = answer_schedule(ns, [0.1, 0.2, 0.3])
    g = torch.Generator().manual_seed(109)
    x_t, eps, z = (torch.randn(2, 1, 2, 2, generator=g) for _ in range(3))
    out["step_0_prev"] = attempt(step, eps, 0, x_t, s, z)
    out["step_1_prev"] = attempt(step, eps, 1, x_t, s, z)
    calls, seen = [], []
    out["counted"] = attempt(sample, lambda x, t: calls.append(t) or 0.3 * x, (2, 1, 2, 2), s,
                             torch.Generator().manual_seed(11), "cpu", lambda t, x: seen.append((t, x.clone())))
    out["counted_calls"] = list(calls)
    out["counted_on_step"] = [t for t, _ in seen]
    out["counted_on_step_x"] = [x for _, x in seen]


# ----------------------------------------------------------------------------- ex7 DDIM
def more_ddim(ns, out):
    times, step, sample = ns["ddim_timesteps"], ns["ddim_step"], ns["ddim_sample"]
    out["times_10_3"] = attempt(times, 10, 3)
    out["times_1000_4"] = attempt(times, 1000, 4)
    abar = torch.cumprod(1 - torch.tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), 0)
    g = torch.Generator().manual_seed(113)
    x_t, eps = torch.randn(2, 1, 2, 2, generator=g), torch.randn(2, 1, 2, 2, generator=g)
    out["jump"] = attempt(step, eps, 4, 1, x_t, abar)
    out["jump_x_t_after"] = x_t
    out["jump_eps_after"] = eps
    torch.manual_seed(1)
    calls = []
    out["with_generator"] = attempt(sample, lambda x, t: calls.append(t) or 0.2 * x, (2, 1, 2, 2), abar, 3,
                                    torch.Generator().manual_seed(17))
    out["with_generator_calls"] = list(calls)
    out["with_generator_global_after"] = torch.rand(3)


# ----------------------------------------------------------------------------- ex8 guidance
def more_guidance(ns, out):
    guided = ns["guided_eps"]
    torch.set_grad_enabled(True)
    x = torch.randn(3, 1, 2, 2, generator=torch.Generator().manual_seed(127))
    net = ProbeNet().eval()
    out["eval_model"] = attempt(guided, net, x, 2, torch.tensor([0, 1, 2]), 1.5)
    out["eval_model_training_after"] = net.training
    out["eval_model_calls"] = [(c[0], c[1], c[2]) for c in net.calls]
    out["eval_model_ncalls"] = len(net.calls)
    torch.set_grad_enabled(True)


P = R11.PROBES_04
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
