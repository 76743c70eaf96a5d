"""Proofs for blind round 16 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round16/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe runs round 15's probe of the same exercise and adds
what this round's mistakes need: the default dtype and grad mode after a call, plain and no_grad q_sample
results, a meta embedding, a batch of two through a block, parameter grads with an input that needs none,
a bfloat16 block output, the steps a spy model sees, on_step's steps, more DDIM steps than T, guidance
with gradients on, under no_grad, with a bfloat16 head and int32 labels.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, answer_schedule  # noqa: E402

import torch  # noqa: E402

R15 = earlier_proofs(15, "prove_04.py")
DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


def _grad_after(fn, *args):
    with torch.no_grad():
        r = attempt(fn, *args)
        on = torch.is_grad_enabled()
    torch.set_grad_enabled(True)
    return r, on


def more_schedule(ns, out):
    out["r16_cos"] = attempt(ns["cosine_betas"], 6)
    out["r16_default_dtype"] = str(torch.get_default_dtype())
    torch.set_default_dtype(torch.float32)
    s = ns["make_schedule"](torch.tensor([0.05, 0.1, 0.2]))
    out["r16_post"] = s.posterior_variance


def more_forward(ns, out):
    s = answer_schedule(ns, [0.05, 0.1, 0.3])
    x0, noise, t = torch.randn(2, 3), torch.randn(2, 3), torch.tensor([2, 0])
    out["r16_plain"] = attempt(ns["q_sample"], x0, t, noise, s)
    xg = x0.clone().requires_grad_(True)
    r, on = _grad_after(ns["q_sample"], xg, t, noise, s)
    out["r16_nograd"], out["r16_grad_on_after"] = r, on


def more_embedding(ns, out):
    r = attempt(ns["timestep_embedding"], torch.tensor([0, 5, 9], device="meta"), 8)
    out["r16_meta"] = r if not isinstance(r, torch.Tensor) else (tuple(r.shape), str(r.device), str(r.dtype))
    out["r16_vals"] = attempt(ns["timestep_embedding"], torch.tensor([1, 30, 400]), 8)


def more_resblock(ns, out):
    Res = ns["ResBlock"]
    torch.manual_seed(5)
    block = Res(4, 6, 5, groups=2)
    x, emb = torch.randn(2, 4, 3, 3), torch.randn(2, 5)
    r = attempt(block, x, emb)
    out["r16_out"] = r
    if isinstance(r, torch.Tensor) and r.requires_grad:
        r.float().sum().backward()
    out["r16_pgrad"] = block.conv1.weight.grad


def more_loss(ns, out):
    s = answer_schedule(ns, [0.01, 0.02, 0.05, 0.3])
    net = ProbeNet()
    x0, y = torch.randn(5, 1, 2, 2), torch.tensor([0, 1, 2, 1, 0])
    out["r16_loss"] = attempt(ns["diffusion_loss"], net, x0, y, s, 0.4, torch.Generator().manual_seed(7))
    out["r16_t_seen"] = [c[0] for c in net.calls]
    out["r16_y_seen"] = [c[1] for c in net.calls]
    net = ProbeNet()
    x0, y = torch.randn(40, 1, 2, 2), torch.zeros(40, dtype=torch.long)
    out["r16_default_p"] = attempt(ns["diffusion_loss"], net, x0, y, s, generator=torch.Generator().manual_seed(8))
    out["r16_default_p_y"] = [c[1] for c in net.calls]


def more_ddpm(ns, out):
    s = answer_schedule(ns, [0.1, 0.2, 0.3])
    g = torch.Generator().manual_seed(9)
    x, eps, z = (torch.randn(2, 3, generator=g) for _ in range(3))
    out["r16_step0"] = attempt(ns["ddpm_step"], eps, 0, x, s, z)
    seen = []
    r, on = _grad_after(lambda: ns["ddpm_sample"](lambda x, t: 0.1 * x, (2, 3), s, torch.Generator().manual_seed(1),
                                                  on_step=lambda t, x: seen.append(t)))
    out["r16_sample"], out["r16_seen"] = r, seen
    torch.set_grad_enabled(True)
    r = attempt(ns["ddpm_sample"], lambda x, t: 0.1 * x, (2, 3), s, torch.Generator().manual_seed(1))
    out["r16_grad_after_plain"] = torch.is_grad_enabled()
    torch.set_grad_enabled(True)


def more_ddim(ns, out):
    out["r16_more"] = attempt(ns["ddim_timesteps"], 4, 6)
    abar = torch.cumprod(1 - torch.linspace(0.05, 0.4, 12), 0)
    out["r16_step"] = attempt(ns["ddim_step"], torch.full((2,), 0.3), 8, 4, torch.tensor([0.5, -1.0]), abar)
    seen = []
    attempt(ns["ddim_sample"], lambda x, t: seen.append(t) or 0.1 * x, (2,), abar, 2, torch.Generator().manual_seed(3))
    out["r16_seen"] = seen


class BF16Head(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.num_classes = 4
        self.w = torch.nn.Parameter(torch.tensor(0.6))

    def forward(self, x, t, y):
        shape = (-1,) + (1,) * (x.dim() - 1)
        return ((self.w * x) + 0.1 * y.float().reshape(shape)).to(torch.bfloat16)


def more_guidance(ns, out):
    guided = ns["guided_eps"]
    x = torch.randn(2, 1, 2, 2)
    torch.set_grad_enabled(True)
    out["r16_grad"] = attempt(guided, ProbeNet(), x, 3, torch.tensor([0, 2]), 2.0)
    r, on = _grad_after(guided, ProbeNet(), x, 3, torch.tensor([0, 2]), 2.0)
    out["r16_nograd"], out["r16_grad_on_after"] = r, on
    out["r16_bf16"] = attempt(guided, BF16Head(), x, 1, torch.tensor([3, 0]), 3.0)
    net = ProbeNet()
    attempt(guided, net, x, 2, torch.tensor([1, 0], dtype=torch.int32), 1.5)
    out["r16_t_seen"] = [c[0] for c in net.calls]
    torch.set_grad_enabled(True)


def _f32(probe):
    def run(ns, out):
        torch.set_default_dtype(torch.float32)
        try:
            probe(ns, out)
        finally:
            torch.set_default_dtype(torch.float32)
    return run


P = {gid: _f32(p) for gid, p in R15.PROBES_04.items()}
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
    try:
        sys.exit(main(HERE, PROBES, sys.argv[1:]))
    finally:
        torch.set_default_dtype(torch.float32)
