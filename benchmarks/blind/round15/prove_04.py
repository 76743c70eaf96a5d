"""Proofs for blind round 15 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round15/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 14's probe of the same exercise
(imported from benchmarks/blind/round14/prove_04.py, itself built on rounds 3 to 13) and adds what this
round's mistakes need: a one-step linear schedule and float16 betas, a differentiable x0 outside [-1, 1]
with one channel and mixed steps, an embedding with dim = 98 and fractional float steps, a block's
gradient to x, the loss of a train-mode model, of a float64 batch and of low-noise steps with the
generator after, a float64 schedule under a float32 x_t and a schedule with its own posterior_variance,
DDIM with more steps than T and the generators after, a step spy, and guidance with two models of other
num_classes, a float64 batch into a float32 model and a model that predicts in float64.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, answer_schedule  # noqa: E402

import torch  # noqa: E402

R14 = earlier_proofs(14, "prove_04.py")

DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


# ----------------------------------------------------------------------------- ex1 schedules
def more_schedule(ns, out):
    out["r15_linear_1"] = attempt(ns["linear_betas"], 1)
    out["r15_linear_1_args"] = attempt(ns["linear_betas"], 1, 0.003, 0.05)
    s16 = attempt(ns["make_schedule"], torch.linspace(1e-4, 0.02, 50).half())
    out["r15_half"] = s16 if not hasattr(s16, "betas") else {
        k: getattr(s16, k) for k in ("betas", "alphas", "alpha_bars", "alpha_bars_prev", "posterior_variance")}


# ----------------------------------------------------------------------------- ex2 forward noising
def more_forward(ns, out):
    s = answer_schedule(ns, torch.linspace(0.05, 0.3, 6))
    g = torch.Generator().manual_seed(301)
    x0 = (torch.randn(3, 1, 2, 2, generator=g) * 2.5).requires_grad_(True)
    noise = torch.randn(3, 1, 2, 2, generator=g).requires_grad_(True)
    t = torch.tensor([5, 0, 2])
    r = attempt(ns["q_sample"], x0, t, noise, s)
    out["r15_xt"] = r
    if isinstance(r, torch.Tensor) and r.requires_grad:
        r.sum().backward()
        out["r15_grads"] = (x0.grad, noise.grad)
    with torch.no_grad():
        out["r15_xt_nograd"] = attempt(ns["q_sample"], x0.detach(), t, noise.detach(), s)


# ----------------------------------------------------------------------------- ex3 time embedding
def more_embedding(ns, out):
    emb = ns["timestep_embedding"]
    out["r15_dim98"] = attempt(emb, torch.tensor([0, 7, 999]), 98)
    out["r15_float_steps"] = attempt(emb, torch.tensor([12.34, 0.1, 517.77]), 8)


# ----------------------------------------------------------------------------- ex4 ResBlock
def more_resblock(ns, out):
    Res = ns["ResBlock"]
    g = torch.Generator().manual_seed(311)
    emb = torch.randn(2, 5, generator=g)
    for name, cin, cout in (("same", 4, 4), ("wider", 4, 6)):
        torch.manual_seed(313)
        block = Res(cin, cout, 5, groups=2)
        x = torch.randn(2, cin, 3, 3, generator=g).requires_grad_(True)
        r = attempt(block, x, emb)
        out[f"r15_{name}"] = r
        if isinstance(r, torch.Tensor) and r.requires_grad:
            (r * torch.linspace(-1, 1, r.numel()).view_as(r)).sum().backward()
            out[f"r15_{name}_xgrad"] = x.grad


# ----------------------------------------------------------------------------- ex5 loss
def more_loss(ns, out):
    loss = ns["diffusion_loss"]
    s = answer_schedule(ns, [0.01, 0.02, 0.05, 0.3])
    g = torch.Generator().manual_seed(321)
    x0, y = torch.randn(6, 1, 2, 2, generator=g), torch.tensor([0, 2, 1, 1, 0, 2])
    net = ProbeNet().train()
    gen = torch.Generator().manual_seed(323)
    out["r15_loss"] = attempt(loss, net, x0, y, s, 0.5, gen)
    out["r15_gen_after"] = torch.rand(4, generator=gen)
    out["r15_labels_seen"] = [c[1] for c in net.calls]
    out["r15_mode_after"] = net.training
    s64 = ns["make_schedule"](torch.tensor([0.01, 0.02, 0.05, 0.3], dtype=torch.float64))
    out["r15_loss64"] = attempt(loss, ProbeNet(), x0.double(), y, s64, 0.5, torch.Generator().manual_seed(325))


# ----------------------------------------------------------------------------- ex6 DDPM
def more_ddpm(ns, out):
    step, sample, Schedule = ns["ddpm_step"], ns["ddpm_sample"], ns["Schedule"]
    g = torch.Generator().manual_seed(331)
    x, eps, z = (torch.randn(2, 1, 2, 2, generator=g) for _ in range(3))
    s64 = ns["make_schedule"](torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64))
    out["r15_step64"] = [attempt(step, eps, t, x, s64, z) for t in (2, 0)]
    s = answer_schedule(ns, [0.1, 0.2, 0.3])
    own = Schedule(betas=s.betas, alphas=s.alphas, alpha_bars=s.alpha_bars, alpha_bars_prev=s.alpha_bars_prev,
                   posterior_variance=s.betas.clone())
    out["r15_own_var"] = [attempt(step, eps, t, x, own, z) for t in (2, 1, 0)]
    out["r15_step0"] = attempt(step, eps, 0, x, s, z)
    seen = []
    out["r15_sample"] = attempt(sample, lambda x, t: 0.2 * x, (2, 1, 2, 2), s, torch.Generator().manual_seed(333),
                                on_step=lambda t, x: seen.append(t))
    out["r15_on_step_t"] = seen


# ----------------------------------------------------------------------------- ex7 DDIM
def more_ddim(ns, out):
    out["r15_more_than_T"] = attempt(ns["ddim_timesteps"], 3, 5)
    abar = torch.cumprod(1 - torch.linspace(0.05, 0.4, 12), 0)
    x, eps = torch.randn(2, 3, generator=torch.Generator().manual_seed(341)), torch.full((2, 3), 0.3)
    out["r15_step"] = attempt(ns["ddim_step"], eps, 8, 4, x, abar)
    out["r15_last_step"] = attempt(ns["ddim_step"], eps, 0, -1, x, abar)
    seen = []
    gen = torch.Generator().manual_seed(343)
    out["r15_sample"] = attempt(ns["ddim_sample"], lambda x, t: seen.append(t) or 0.1 * x, (2, 3), abar, 3, gen)
    out["r15_steps_seen"] = seen
    out["r15_gen_after"] = torch.rand(3, generator=gen)
    torch.manual_seed(345)
    attempt(ns["ddim_sample"], lambda x, t: 0.1 * x, (2, 3), abar, 4)
    out["r15_global_after"] = torch.rand(3)


# ----------------------------------------------------------------------------- ex8 guidance
class Float64Head(torch.nn.Module):
    """A denoiser whose prediction comes back in float64 whatever the dtype of x."""

    def __init__(self):
        super().__init__()
        self.num_classes = 4
        self.w = torch.nn.Parameter(torch.tensor(0.6))

    def forward(self, x, t, y):
        shape = (-1,) + (1,) * (x.dim() - 1)
        return (self.w * x).double() + 0.01 * t.double().reshape(shape) + 0.1 * y.double().reshape(shape)


def more_guidance(ns, out):
    guided = ns["guided_eps"]
    g = torch.Generator().manual_seed(351)
    x = torch.randn(3, 1, 2, 2, generator=g)
    out["r15_three"] = attempt(guided, ProbeNet(num_classes=3), x, 4, torch.tensor([0, 2, 1]), 2.0)
    out["r15_seven"] = attempt(guided, ProbeNet(num_classes=7), x, 4, torch.tensor([5, 2, 6]), 2.0)
    net = ProbeNet(num_classes=3)
    out["r15_x64"] = attempt(guided, net, x.double(), 2, torch.tensor([1, 0, 2]), 1.5)
    out["r15_x64_seen"] = [c[2] for c in net.calls]
    out["r15_head64"] = attempt(guided, Float64Head(), x, 1, torch.tensor([3, 0, 1]), 3.0)
    torch.set_grad_enabled(True)


P = R14.PROBES_04
_g = R14.R13._grad_on
PROBES_04 = {
    "ex1_schedule": _g(extend(P["ex1_schedule"], more_schedule)),
    "ex2_forward": _g(extend(P["ex2_forward"], more_forward)),
    "ex3_time_embedding": _g(extend(P["ex3_time_embedding"], more_embedding)),
    "ex4_resblock": _g(extend(P["ex4_resblock"], more_resblock)),
    "ex5_loss": _g(extend(P["ex5_loss"], more_loss)),
    "ex6_ddpm": _g(extend(P["ex6_ddpm"], more_ddpm)),
    "ex7_ddim": _g(extend(P["ex7_ddim"], more_ddim)),
    "ex8_guidance": _g(extend(P["ex8_guidance"], more_guidance)),
}

PROBES = {DIFFUSION: PROBES_04}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
