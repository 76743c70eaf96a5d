"""Proofs for blind round 13 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round13/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 12's probe of the same exercise
(imported from benchmarks/blind/round12/prove_04.py, itself built on rounds 3 to 11) and adds what this
round's mistakes need: a linear schedule with another beta_end, the first cosine betas at T = 1000, a
schedule from float16 betas, a differentiable noise, a hand-built schedule whose alpha_bars are not the
product of its betas and a meta batch with CPU steps in the forward noising, float16 steps and a batch
of one for the embedding, a block in training mode, a DDPM step on a float64 x_t and the caller's
schedule after steps, a DDIM jump with float64 alpha_bars, the step list's element types, a DDIM sample
without a generator and the grad mode after it, and guidance with a model that has no class_emb.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, answer_schedule  # noqa: E402

import torch  # noqa: E402

R12 = earlier_proofs(12, "prove_04.py")

DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


def _meta(r):
    return r if not isinstance(r, torch.Tensor) else (r.device.type, str(r.dtype), tuple(r.shape))


# ----------------------------------------------------------------------------- ex1 schedules
def more_schedule(ns, out):
    lin, cos, make = ns["linear_betas"], ns["cosine_betas"], ns["make_schedule"]
    out["linear_5_end_0.05"] = attempt(lin, 5, 1e-4, 0.05)
    c = attempt(cos, 1000)
    out["cosine_1000_first"] = c[:4] if isinstance(c, torch.Tensor) else c
    s16 = attempt(make, torch.tensor([0.1, 0.2, 0.3], dtype=torch.float16))
    out["float16_betas"] = R12._fields(s16)


# ----------------------------------------------------------------------------- ex2 forward noising
def more_forward(ns, out):
    q, Schedule = ns["q_sample"], ns["Schedule"]
    s = answer_schedule(ns, torch.linspace(1e-4, 0.02, 10))
    g = torch.Generator().manual_seed(131)
    x0, noise = torch.randn(3, 1, 2, 2, generator=g), torch.randn(3, 1, 2, 2, generator=g)
    ng = noise.clone().requires_grad_(True)
    r = attempt(q, x0, torch.tensor([1, 5, 9]), ng, s)
    out["grad_noise"] = r
    if isinstance(r, torch.Tensor) and r.requires_grad:
        r.sum().backward()
        out["grad_noise_grad"] = ng.grad
    else:
        out["grad_noise_grad"] = None
    # a hand-built schedule: the cosine's exact alpha_bar_t = f(t + 1) / f(0), betas clipped at 0.5
    T = 6
    f = [math.cos((u / T + 0.008) / 1.008 * math.pi / 2) ** 2 for u in range(T + 1)]
    abar = torch.tensor([f[t + 1] / f[0] for t in range(T)])
    betas = torch.tensor([min(1 - f[t + 1] / f[t], 0.5) for t in range(T)])
    prev = torch.cat([torch.ones(1), abar[:-1]])
    hand = Schedule(betas, 1 - betas, abar, prev, betas * (1 - prev) / (1 - abar))
    out["hand_schedule"] = attempt(q, x0, torch.tensor([2, 4, 5]), noise, hand)
    out["meta_batch_cpu_steps"] = _meta(attempt(q, torch.zeros(3, 1, 2, 2, device="meta"), torch.tensor([0, 4, 9]),
                                                torch.zeros(3, 1, 2, 2, device="meta"), s))


# ----------------------------------------------------------------------------- ex3 time embedding
def more_embedding(ns, out):
    emb = ns["timestep_embedding"]
    out["float16_steps"] = attempt(emb, torch.tensor([0.0, 2.5, 9.0], dtype=torch.float16), 6)
    out["batch_of_one"] = attempt(emb, torch.tensor([7]), 8)
    out["meta_steps_int"] = _meta(attempt(emb, torch.tensor([3, 1, 4], device="meta"), 6))


# ----------------------------------------------------------------------------- ex4 ResBlock
def more_resblock(ns, out):
    Res = ns["ResBlock"]
    g = torch.Generator().manual_seed(137)
    x, emb = torch.randn(2, 4, 3, 3, generator=g), torch.randn(2, 3, generator=g)
    torch.manual_seed(139)
    block = Res(4, 4, 3, groups=2).train()
    with torch.no_grad():
        block.emb_proj.bias.normal_(0.0, 1.0)
        block.norm2.weight.normal_(1.0, 0.5)
        block.norm2.bias.normal_(0.0, 0.5)
    torch.manual_seed(141)
    out["training_mode"] = attempt(block, x, emb)
    torch.manual_seed(142)
    out["training_mode_again"] = attempt(block, x, emb)


# ----------------------------------------------------------------------------- ex5 loss
def more_loss(ns, out):
    loss_fn = ns["diffusion_loss"]
    s = answer_schedule(ns, [0.1, 0.3, 0.5, 0.7, 0.8, 0.9])
    g = torch.Generator().manual_seed(149)
    x0, y = torch.randn(4, 1, 2, 2, generator=g), torch.tensor([2, 0, 1, 1])
    net = ProbeNet()
    torch.manual_seed(151)
    out["gen_loss"] = attempt(loss_fn, net, x0, y, s, 0.6, torch.Generator().manual_seed(8))
    out["gen_steps"] = [c[0] for c in net.calls]
    out["gen_labels"] = [c[1] for c in net.calls]
    out["gen_inputs"] = [c[2] for c in net.calls]
    with torch.no_grad():
        loss = attempt(loss_fn, ProbeNet(), x0, y, s, 0.6, torch.Generator().manual_seed(8))
    out["no_grad_has_graph"] = loss.requires_grad if isinstance(loss, torch.Tensor) else loss


# ----------------------------------------------------------------------------- ex6 DDPM
def more_ddpm(ns, out):
    step, sample = ns["ddpm_step"], ns["ddpm_sample"]
    s = answer_schedule(ns, [0.1, 0.2, 0.3, 0.4])
    g = torch.Generator().manual_seed(157)
    x_t, eps, z = (torch.randn(2, 1, 2, 2, generator=g) for _ in range(3))
    out["float64_step_2"] = attempt(step, eps.double(), 2, x_t.double(), s, z.double())
    out["float64_step_0"] = attempt(step, eps.double(), 0, x_t.double(), s, z.double())
    out["step_3_twice"] = [attempt(step, eps, 3, x_t, s, z), attempt(step, eps, 3, x_t, s, z)]
    out["schedule_after_steps"] = {k: getattr(s, k) for k in ("betas", "alphas", "alpha_bars", "alpha_bars_prev",
                                                             "posterior_variance")}
    seen = []
    out["typed"] = attempt(sample, lambda x, t: seen.append((type(x).__name__, type(t).__name__)) or 0.4 * x,
                           (3, 1, 2, 2), s, torch.Generator().manual_seed(19))
    out["typed_args"] = seen


# ----------------------------------------------------------------------------- ex7 DDIM
def more_ddim(ns, out):
    times, step, sample = ns["ddim_timesteps"], ns["ddim_step"], ns["ddim_sample"]
    r = attempt(times, 12, 4)
    out["times_types"] = [type(v).__name__ for v in r] if isinstance(r, list) else type(r).__name__
    abar64 = torch.cumprod(1 - torch.tensor([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], dtype=torch.float64), 0)
    g = torch.Generator().manual_seed(163)
    x_t, eps = torch.randn(2, 1, 2, 2, generator=g), torch.randn(2, 1, 2, 2, generator=g)
    out["jump_float64_schedule"] = attempt(step, eps, 5, 2, x_t, abar64)
    out["jump_float64_eps"] = attempt(step, eps.double(), 5, 2, x_t, abar64.float())
    torch.manual_seed(123)
    out["no_generator"] = attempt(sample, lambda x, t: 0.2 * x, (2, 1, 2, 2), abar64.float(), 3)
    out["no_generator_global_after"] = torch.rand(2)
    torch.set_grad_enabled(True)
    attempt(sample, lambda x, t: 0.2 * x, (1, 1, 2, 2), abar64.float(), 2, torch.Generator().manual_seed(3))
    out["grad_mode_after"] = torch.is_grad_enabled()
    torch.set_grad_enabled(True)


# ----------------------------------------------------------------------------- ex8 guidance
class PlainNet(torch.nn.Module):
    """A denoiser with num_classes and no class_emb: it records the labels it gets."""

    def __init__(self):
        super().__init__()
        self.num_classes = 4
        self.labels = []

    def forward(self, x, t, y):
        self.labels.append(y.clone())
        return 0.5 * x + 0.1 * y.float().reshape(-1, 1, 1, 1) + 0.01 * t.float().reshape(-1, 1, 1, 1)


def more_guidance(ns, out):
    guided = ns["guided_eps"]
    torch.set_grad_enabled(True)
    x = torch.randn(3, 1, 2, 2, generator=torch.Generator().manual_seed(167))
    net = PlainNet()
    out["plain_net"] = attempt(guided, net, x, 4, torch.tensor([0, 3, 1]), 2.5)
    out["plain_net_labels"] = net.labels
    net1 = ProbeNet()
    out["batch_of_one"] = attempt(guided, net1, x[:1], 2, torch.tensor([1]), 2.0)
    out["batch_of_one_steps"] = [c[0] for c in net1.calls]
    torch.set_grad_enabled(True)


def _grad_on(probe):
    """The probe run with gradient tracking on: a mutant's visible check may leave it off."""
    def run(ns, out):
        torch.set_grad_enabled(True)
        try:
            probe(ns, out)
        finally:
            torch.set_grad_enabled(True)
    return run


P = R12.PROBES_04
PROBES_04 = {
    "ex1_schedule": _grad_on(extend(P["ex1_schedule"], more_schedule)),
    "ex2_forward": _grad_on(extend(P["ex2_forward"], more_forward)),
    "ex3_time_embedding": _grad_on(extend(P["ex3_time_embedding"], more_embedding)),
    "ex4_resblock": _grad_on(extend(P["ex4_resblock"], more_resblock)),
    "ex5_loss": _grad_on(extend(P["ex5_loss"], more_loss)),
    "ex6_ddpm": _grad_on(extend(P["ex6_ddpm"], more_ddpm)),
    "ex7_ddim": _grad_on(extend(P["ex7_ddim"], more_ddim)),
    "ex8_guidance": _grad_on(extend(P["ex8_guidance"], more_guidance)),
}

PROBES = {DIFFUSION: PROBES_04}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
