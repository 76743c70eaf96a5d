"""Proofs for blind round 14 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round14/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 13's probe of the same exercise
(imported from benchmarks/blind/round13/prove_04.py, itself built on rounds 3 to 12) and adds what this
round's mistakes need: the caller's betas after make_schedule and a positional linear schedule, the
caller's schedule after a meta-device noising, an embedding on the CPU then on the meta device with the
same dim, seeded blocks, the generator after a loss with p_uncond = 1, a DDPM sample from a float64
schedule and on_step's snapshots when x leaves [-1, 1], and guidance with a model holding gradients, a
float64 model and a model with a convolution (ex7 reuses round 13's probe as it is).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, answer_schedule  # noqa: E402

import torch  # noqa: E402

R13 = earlier_proofs(13, "prove_04.py")

DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


def _meta(r):
    return r if not isinstance(r, torch.Tensor) else (r.device.type, str(r.dtype), tuple(r.shape))


# ----------------------------------------------------------------------------- ex1 schedules
def more_schedule(ns, out):
    betas = torch.tensor([0.1, 0.2, 0.3, 0.4])
    attempt(ns["make_schedule"], betas)
    out["caller_betas_after"] = betas
    out["linear_7_positional"] = attempt(ns["linear_betas"], 7, 1e-3, 0.04)


# ----------------------------------------------------------------------------- ex2 forward noising
def more_forward(ns, out):
    s = answer_schedule(ns, torch.linspace(1e-4, 0.02, 10))
    attempt(ns["q_sample"], torch.zeros(2, 1, 2, 2, device="meta"), torch.tensor([1, 3]),
            torch.zeros(2, 1, 2, 2, device="meta"), s)
    out["schedule_after_meta"] = {k: _meta(getattr(s, k)) for k in ("betas", "alphas", "alpha_bars",
                                                                     "alpha_bars_prev", "posterior_variance")}


# ----------------------------------------------------------------------------- ex3 time embedding
def more_embedding(ns, out):
    emb = ns["timestep_embedding"]
    out["cpu_dim10"] = attempt(emb, torch.tensor([1, 50, 999]), 10)
    out["meta_dim10_after_cpu"] = _meta(attempt(emb, torch.tensor([1, 50, 999], device="meta"), 10))
    out["meta_float_dim12"] = _meta(attempt(emb, torch.tensor([0.5, 3.0], device="meta"), 12))


# ----------------------------------------------------------------------------- ex4 ResBlock
def more_resblock(ns, out):
    Res = ns["ResBlock"]
    g = torch.Generator().manual_seed(211)
    x, emb = torch.randn(2, 4, 3, 3, generator=g), torch.randn(2, 5, generator=g)
    torch.manual_seed(213)
    out["seeded_block"] = attempt(Res(4, 4, 5, groups=2), x, emb)
    torch.manual_seed(215)
    out["seeded_block_wider"] = attempt(Res(4, 6, 5, groups=2), x, emb)


# ----------------------------------------------------------------------------- ex5 loss
def more_loss(ns, out):
    s = answer_schedule(ns, [0.1, 0.3, 0.5, 0.7])
    x0, y = torch.randn(3, 1, 2, 2, generator=torch.Generator().manual_seed(219)), torch.tensor([0, 2, 1])
    g = torch.Generator().manual_seed(221)
    out["p1_loss"] = attempt(ns["diffusion_loss"], ProbeNet(), x0, y, s, 1.0, g)
    out["p1_generator_after"] = torch.rand(3, generator=g)


# ----------------------------------------------------------------------------- ex6 DDPM
def more_ddpm(ns, out):
    sample = ns["ddpm_sample"]
    s64 = ns["make_schedule"](torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64))
    out["float64_schedule_sample"] = attempt(sample, lambda x, t: 0.1 * x, (2, 1, 2, 2), s64,
                                             torch.Generator().manual_seed(5))
    s = answer_schedule(ns, [0.1, 0.2, 0.3])
    seen = []
    out["wide"] = attempt(sample, lambda x, t: -4.0 * x, (2, 1, 2, 2), s, torch.Generator().manual_seed(6),
                          on_step=lambda t, x: seen.append(x))
    out["wide_on_step_x"] = seen


# ----------------------------------------------------------------------------- ex8 guidance
class ConvNet(torch.nn.Module):
    """A denoiser with a 1x1 convolution and num_classes: parameters that hold gradients."""

    def __init__(self):
        super().__init__()
        self.num_classes = 3
        self.conv = torch.nn.Conv2d(1, 1, 1)
        with torch.no_grad():
            self.conv.weight.fill_(0.7)
            self.conv.bias.fill_(0.05)

    def forward(self, x, t, y):
        shape = (-1,) + (1,) * (x.dim() - 1)
        return self.conv(x) + 0.01 * t.to(x.dtype).reshape(shape) + 0.1 * y.to(x.dtype).reshape(shape)


def more_guidance(ns, out):
    guided = ns["guided_eps"]
    torch.set_grad_enabled(True)
    x = torch.randn(2, 1, 2, 2, generator=torch.Generator().manual_seed(217)) * 3.3
    net = ConvNet()
    net.conv.weight.grad = torch.full_like(net.conv.weight, 0.25)
    out["conv_net"] = attempt(guided, net, x, 3, torch.tensor([2, 0]), 2.5)
    out["conv_net_grad_after"] = net.conv.weight.grad
    net64 = ConvNet().double()
    out["float64_net"] = attempt(guided, net64, x.double(), 3, torch.tensor([1, 2]), 1.5)
    torch.set_grad_enabled(True)


P = R13.PROBES_04
_g = R13._grad_on
PROBES_04 = {
    "ex1_schedule": _g(extend(P["ex1_schedule"], more_schedule)),
    "ex2_forward": _g(extend(P["ex2_forward"], more_forward)),
    "ex3_time_embedding": _g(extend(P["ex3_time_embedding"], more_embedding)),
    "ex4_resblock": _g(extend(P["ex4_resblock"], more_resblock)),
    "ex5_loss": _g(extend(P["ex5_loss"], more_loss)),
    "ex6_ddpm": _g(extend(P["ex6_ddpm"], more_ddpm)),
    "ex7_ddim": P["ex7_ddim"],
    "ex8_guidance": _g(extend(P["ex8_guidance"], more_guidance)),
}

PROBES = {DIFFUSION: PROBES_04}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
