"""Proofs for blind round 17 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round17/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe runs round 16's probe of the same exercise (itself
built on rounds 3 to 15) and adds what this round's mistakes need: a linear schedule with its own
beta_start, a longer cosine schedule and its posterior variance, noising at steps 0..2 with a tiny first
beta and with a differentiable noise beside a plain x0, embeddings of dim 8 and 16, a block on inputs of
small variance and with gradients on, the loss with no generator called twice (and the global RNG after)
and the step shape the model sees, a float16 and a mixed float64 / float32 DDPM step, DDIM steps for
(1000, 4), (10, 3) and (4, 6) and a float64 jump on a float32 schedule, and guidance on a (B, D) batch, with
a train-mode dropout model, on large predictions and with the labels' dtype the model sees.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, answer_schedule  # noqa: E402

import torch  # noqa: E402

R16 = earlier_proofs(16, "prove_04.py")
DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


def _fields(s):
    if not hasattr(s, "betas"):
        return s
    return {k: getattr(s, k) for k in ("betas", "alphas", "alpha_bars", "alpha_bars_prev", "posterior_variance")}


def more_schedule(ns, out):
    out["r17_linear"] = attempt(ns["linear_betas"], 5, 0.003, 0.05)
    out["r17_cos"] = attempt(ns["cosine_betas"], 10)
    c = attempt(ns["cosine_betas"], 1000)
    out["r17_cos1000_first_in_1e-5"] = c[:8] * 1e5 if isinstance(c, torch.Tensor) else c  # small betas, relative view
    out["r17_sched"] = _fields(attempt(ns["make_schedule"], torch.tensor([0.01, 0.05, 0.2, 0.5])))


def more_forward(ns, out):
    q = ns["q_sample"]
    s = answer_schedule(ns, [1e-6, 0.1, 0.3])
    x0, noise = torch.randn(3, 2, 2), torch.randn(3, 2, 2)
    out["r17_steps"] = attempt(q, x0, torch.tensor([0, 1, 2]), noise, s)
    nz = noise.clone().requires_grad_(True)
    r = attempt(q, x0, torch.tensor([2, 1, 0]), nz, s)
    out["r17_noise_grad_out"] = r
    if isinstance(r, torch.Tensor) and r.requires_grad:
        r.sum().backward()
    out["r17_noise_grad"] = nz.grad


def more_embedding(ns, out):
    emb = ns["timestep_embedding"]
    out["r17_d8"] = attempt(emb, torch.tensor([0, 3, 50]), 8)
    out["r17_d16"] = attempt(emb, torch.tensor([0.0, 7.5, 999.0]), 16, 500.0)


def more_resblock(ns, out):
    Res = ns["ResBlock"]
    torch.manual_seed(11)
    block = Res(4, 4, 3, groups=2)
    x, emb = 1e-3 * torch.randn(2, 4, 3, 3), torch.randn(2, 3)
    with torch.no_grad():
        out["r17_small"] = attempt(block, x, emb)
    torch.manual_seed(12)
    block = Res(2, 4, 3, groups=2)
    r = attempt(block, torch.randn(1, 2, 2, 2), torch.randn(1, 3))
    out["r17_grad_out"] = r
    if isinstance(r, torch.Tensor) and r.requires_grad:
        r.sum().backward()
    out["r17_emb_grad"] = block.emb_proj.weight.grad


def more_loss(ns, out):
    loss = ns["diffusion_loss"]
    s = answer_schedule(ns, [0.01, 0.02, 0.05, 0.3])
    x0, y = torch.randn(6, 1, 2, 2), torch.tensor([0, 1, 2, 1, 0, 2])
    torch.manual_seed(3)
    net = ProbeNet()
    out["r17_none_1"] = attempt(loss, net, x0, y, s, 0.5)
    out["r17_none_2"] = attempt(loss, net, x0, y, s, 0.5)
    out["r17_rng_after"] = torch.rand(2)
    out["r17_t_shapes"] = [tuple(c[0].shape) for c in net.calls]
    out["r17_y_seen"] = [c[1] for c in net.calls]


def more_ddpm(ns, out):
    step = ns["ddpm_step"]
    s = answer_schedule(ns, [1e-4, 0.02, 0.05])
    g = torch.Generator().manual_seed(4)
    x, eps, z = (torch.randn(2, 3, generator=g) for _ in range(3))
    out["r17_f16_t0"] = attempt(step, eps.half(), 0, x.half(), s, z.half())
    out["r17_f16_t1"] = attempt(step, eps.half(), 1, x.half(), s, z.half())
    out["r17_mixed_t0"] = attempt(step, eps, 0, x.double(), s, z.double())
    out["r17_mixed_t2"] = attempt(step, eps, 2, x.double(), s, z.double())
    out["r17_sample"] = attempt(ns["ddpm_sample"], lambda x, t: 0.2 * x, (2, 2), s, torch.Generator().manual_seed(6))


def more_ddim(ns, out):
    ts = ns["ddim_timesteps"]
    out["r17_ts"] = [attempt(ts, 1000, 4), attempt(ts, 10, 3), attempt(ts, 4, 6), attempt(ts, 12, 12)]
    abar = torch.cumprod(1 - torch.linspace(0.05, 0.4, 12), 0)
    out["r17_f64"] = attempt(ns["ddim_step"], torch.full((2,), 0.3, dtype=torch.float64), 8, 4,
                             torch.tensor([0.5, -1.0], dtype=torch.float64), abar)


class DropNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.num_classes = 3
        self.drop = torch.nn.Dropout(0.5)

    def forward(self, x, t, y):
        shape = (-1,) + (1,) * (x.dim() - 1)
        return self.drop(x) + 0.1 * y.float().reshape(shape)


def more_guidance(ns, out):
    guided = ns["guided_eps"]
    net = ProbeNet()
    out["r17_vec"] = attempt(guided, net, torch.randn(2, 3), 1, torch.tensor([0, 1]), 2.0)
    out["r17_y_seen"] = [c[1] for c in net.calls]
    dn = DropNet().train()
    torch.manual_seed(5)
    out["r17_drop"] = attempt(guided, dn, torch.ones(2, 1, 2, 2), 4, torch.tensor([1, 2]), 2.0)
    out["r17_drop_mode"] = dn.training
    out["r17_big"] = attempt(guided, ProbeNet(), 20 * torch.randn(2, 1, 2, 2), 3, torch.tensor([2, 0]), 3.0)


PROBES_04 = {
    "ex1_schedule": extend(R16.PROBES_04["ex1_schedule"], more_schedule),
    "ex2_forward": extend(R16.PROBES_04["ex2_forward"], more_forward),
    "ex3_time_embedding": extend(R16.PROBES_04["ex3_time_embedding"], more_embedding),
    "ex4_resblock": extend(R16.PROBES_04["ex4_resblock"], more_resblock),
    "ex5_loss": extend(R16.PROBES_04["ex5_loss"], more_loss),
    "ex6_ddpm": extend(R16.PROBES_04["ex6_ddpm"], more_ddpm),
    "ex7_ddim": extend(R16.PROBES_04["ex7_ddim"], more_ddim),
    "ex8_guidance": extend(R16.PROBES_04["ex8_guidance"], more_guidance),
}

PROBES = {DIFFUSION: PROBES_04}

if __name__ == "__main__":
    try:
        sys.exit(main(HERE, PROBES, sys.argv[1:]))
    finally:
        torch.set_default_dtype(torch.float32)
