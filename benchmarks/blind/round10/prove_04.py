"""Proofs for blind round 10 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round10/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 9's probe of the same exercise
(imported from benchmarks/blind/round9/prove_04.py, itself built on rounds 3 to 8) and adds what this
round's mistakes need: the caller's t and schedule after the forward noising (int32 steps, a float64
x0), embeddings of two sizes in a row and by keyword, the block's gradients, the model's mode, frozen
parameters and accumulated gradients around the loss, a float64 x0 and a meta batch in the loss, a
generator drawn from before sampling, the global generator after sampling on the meta device, the
caller's eps after a DDIM jump, DDIM sampling on float64 alpha_bars, and the model's mode, parameters
and dtype after guidance (a float64 batch).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, answer_schedule  # noqa: E402

import torch  # noqa: E402

R9 = earlier_proofs(9, "prove_04.py")

DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


# ----------------------------------------------------------------------------- ex1 schedules
def more_schedule(ns, out):
    cos, make = ns["cosine_betas"], ns["make_schedule"]
    out["cosine_5_defaults"] = attempt(cos, 5)
    s = attempt(make, torch.tensor([0.1, 0.2, 0.3]))
    out["three_step_fields"] = ([getattr(s, f, None) for f in ("betas", "alphas", "alpha_bars", "alpha_bars_prev",
                                                                "posterior_variance")] if hasattr(s, "betas")
                                else s)


# ----------------------------------------------------------------------------- ex2 forward noising
def more_forward(ns, out):
    q = ns["q_sample"]
    s = answer_schedule(ns, torch.linspace(0.05, 0.5, 10))
    g = torch.Generator().manual_seed(43)
    x0, noise = torch.randn(3, 1, 2, 2, generator=g), torch.randn(3, 1, 2, 2, generator=g)
    t32 = torch.tensor([1, 6, 9], dtype=torch.int32)                    # integer steps, not int64
    out["int32_steps"] = attempt(q, x0, t32, noise, s)
    t = torch.tensor([0, 3, 8])
    out["steps_result"] = attempt(q, x0, t, noise, s)
    out["steps_after"] = t                                              # the caller's t as it was
    out["float64_x0"] = attempt(q, x0.double(), torch.tensor([2, 4, 7]), noise, s)
    out["schedule_after_float64_x0"] = [s.betas, s.alphas, s.alpha_bars, s.alpha_bars_prev, s.posterior_variance]


# ----------------------------------------------------------------------------- ex3 time embedding
def more_embedding(ns, out):
    emb = ns["timestep_embedding"]
    t = torch.tensor([0, 5, 30])
    out["dim4_then_dim8"] = [attempt(emb, t, 4), attempt(emb, t, 8)]
    out["by_keyword_max_period"] = attempt(emb, t, 6, max_period=100.0)
    out["float_steps_dim10"] = attempt(emb, torch.tensor([0.5, 2.0, 7.25]), 10)


# ----------------------------------------------------------------------------- ex4 ResBlock
def more_resblock(ns, out):
    Res = ns["ResBlock"]
    g = torch.Generator().manual_seed(19)
    x, emb = torch.randn(2, 8, 3, 3, generator=g), torch.randn(2, 5, generator=g).requires_grad_(True)
    torch.manual_seed(29)
    block = Res(8, 4, 5, groups=4)                                       # the channel count changes
    with torch.no_grad():
        block.emb_proj.bias.normal_(0.0, 1.0)
    result = attempt(block, x, emb)
    out["changing_channels"] = result
    out["changing_channels_again"] = attempt(block, x, emb)
    if isinstance(result, torch.Tensor):
        (result * torch.linspace(-1.0, 1.0, result.numel()).view_as(result)).sum().backward()
    out["grad_emb_proj_weight"] = block.emb_proj.weight.grad
    out["grad_emb"] = emb.grad


# ----------------------------------------------------------------------------- ex5 loss
def more_loss(ns, out):
    loss_fn = ns["diffusion_loss"]
    s = answer_schedule(ns, [0.1, 0.3, 0.5, 0.7])
    g = torch.Generator().manual_seed(47)
    x0, y = torch.randn(6, 1, 2, 2, generator=g), torch.tensor([2, 0, 1, 1, 2, 0])
    frozen = ProbeNet().eval()                      # a model the caller left in eval mode
    out["eval_model_loss"] = attempt(loss_fn, frozen, x0, y, s, 0.3, torch.Generator().manual_seed(5))
    out["eval_model_mode_after"] = frozen.training
    net = ProbeNet()
    net.w.grad = torch.tensor(2.0)                  # gradients the caller has accumulated so far
    out["accumulated_loss"] = attempt(loss_fn, net, x0, y, s, 0.3, torch.Generator().manual_seed(5))
    out["accumulated_grad_after"] = net.w.grad
    frozen_w = ProbeNet()
    frozen_w.w.requires_grad_(False)                # a parameter the caller froze (like the EMA copy's)
    out["frozen_loss"] = attempt(loss_fn, frozen_w, x0, y, s, 0.3, torch.Generator().manual_seed(5))
    out["frozen_requires_grad_after"] = frozen_w.w.requires_grad
    wide = ProbeNet()
    out["float64_x0"] = attempt(loss_fn, wide, x0.double(), y, s, 0.3, torch.Generator().manual_seed(5))
    out["float64_x0_inputs"] = [c[2] for c in wide.calls]
    torch.manual_seed(61)
    meta = ProbeNet()                               # a batch on another device (meta: shapes only)
    out["meta_batch"] = attempt(loss_fn, meta, torch.zeros(3, 1, 2, 2, device="meta"),
                                torch.tensor([0, 1, 2], device="meta"), s, 0.5)
    out["meta_batch_devices"] = [(c[0].device.type, c[1].device.type, c[2].device.type) for c in meta.calls]
    out["meta_batch_global_after"] = torch.rand(3)


# ----------------------------------------------------------------------------- ex6 DDPM
def more_ddpm(ns, out):
    sample = ns["ddpm_sample"]
    s = answer_schedule(ns, [0.1, 0.2, 0.3])
    gen = torch.Generator().manual_seed(8)
    out["drawn_before"] = torch.rand(4, generator=gen)   # the caller used the generator already
    calls = []
    out["used_generator"] = attempt(sample, lambda x, t: calls.append(t) or 0.2 * x, (2, 1, 2, 2), s, gen)
    out["used_generator_after"] = torch.rand(3, generator=gen)
    out["used_generator_calls"] = list(calls)
    torch.manual_seed(51)
    out["meta_no_generator"] = attempt(sample, lambda x, t: 0.1 * x, (2, 1, 2, 2), s, None, "meta")
    out["meta_no_generator_global_after"] = torch.rand(3)   # sampling on meta draws nothing on the CPU


# ----------------------------------------------------------------------------- ex7 DDIM
def more_ddim(ns, out):
    step, sample = ns["ddim_step"], ns["ddim_sample"]
    alpha_bars = torch.cumprod(1 - torch.linspace(0.02, 0.4, 12), 0)
    g = torch.Generator().manual_seed(53)
    x_t, eps = torch.randn(2, 1, 2, 2, generator=g), torch.randn(2, 1, 2, 2, generator=g)
    out["jump_8_4"] = attempt(step, eps, 8, 4, x_t, alpha_bars)
    out["jump_8_4_eps_after"] = eps
    out["jump_8_4_x_t_after"] = x_t
    calls = []
    out["float64_alpha_bars"] = attempt(sample, lambda x, t: calls.append(t) or -0.1 * x, (2, 2),
                                        alpha_bars.double(), 3, torch.Generator().manual_seed(2))
    out["float64_alpha_bars_calls"] = list(calls)
    out["sample_12_6"] = attempt(sample, lambda x, t: 0.3 * x, (1, 3), alpha_bars, 6, torch.Generator().manual_seed(4))


# ----------------------------------------------------------------------------- ex8 guidance
def more_guidance(ns, out):
    guided = ns["guided_eps"]
    x = torch.randn(3, 1, 2, 2, generator=torch.Generator().manual_seed(59))
    net = ProbeNet().train()                        # a model the caller left in training mode
    out["train_model"] = attempt(guided, net, x, 2, torch.tensor([0, 2, 1]), 1.5)
    out["train_model_mode_after"] = net.training
    out["train_model_requires_grad_after"] = [p.requires_grad for p in net.parameters()]
    wide = ProbeNet()
    out["float64_batch"] = attempt(guided, wide, x.double(), 1, torch.tensor([2, 2, 0]), 2.0)
    out["float64_batch_model_dtype_after"] = [str(p.dtype) for p in wide.parameters()]
    for w in (0.0, 1.0):
        out[f"scale_{w}"] = attempt(guided, ProbeNet(), x, 4, torch.tensor([1, 1, 0]), w)


P = R9.PROBES_04
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
