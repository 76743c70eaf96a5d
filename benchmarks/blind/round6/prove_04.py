"""Proofs for blind round 6 of lab 04 (diffusion): every wrong answer differs from a right one on inputs
the notebook's instructions cover, and every right answer passes its visible check.

    .venv/bin/python benchmarks/blind/round6/prove_04.py [04_diffusion/01_diffusion_fashion_mnist]

The driver is benchmarks/blind/proofs.py. Each probe here runs round 5's probe of the same exercise
(imported from benchmarks/blind/round5/prove_04.py, itself built on rounds 3 and 4) and adds what this
round's mistakes need: an expanded x0 like the notebook's coat and a transposed one, the loss called
without a generator, guidance on the meta device.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from benchmarks.blind.proofs import attempt, earlier_proofs, extend, main  # noqa: E402
from benchmarks.blind.probe_kit import ProbeNet, answer_schedule  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402

R5 = earlier_proofs(5, "prove_04.py")

DIFFUSION = "04_diffusion/01_diffusion_fashion_mnist"


# ----------------------------------------------------------------------------- ex1 schedules
def more_schedule(ns, out):
    lin, cos = ns["linear_betas"], ns["cosine_betas"]
    out["linear_4_ends"] = attempt(lin, 4, 0.1, 0.4)
    out["linear_6_defaults"] = attempt(lin, 6)
    out["cosine_8_max0.3"] = attempt(cos, 8, max_beta=0.3)


# ----------------------------------------------------------------------------- ex2 forward noising
def more_forward(ns, out):
    q = ns["q_sample"]
    s = answer_schedule(ns, torch.linspace(0.05, 0.5, 10))
    g = torch.Generator().manual_seed(13)
    coat = torch.randn(1, 1, 3, 3, generator=g).expand(4, -1, -1, -1)       # like the notebook's noising strip
    noise = torch.randn(4, 1, 3, 3, generator=g)
    out["expanded_x0"] = attempt(q, coat, torch.tensor([0, 3, 6, 9]), noise, s)
    x0 = torch.randn(3, 1, 2, 4, generator=g).transpose(2, 3)                # non-contiguous trailing dims
    out["transposed_x0"] = attempt(q, x0, torch.tensor([1, 4, 8]), torch.randn(3, 1, 4, 2, generator=g), s)


# ----------------------------------------------------------------------------- ex3 time embedding
def more_embedding(ns, out):
    emb = ns["timestep_embedding"]
    out["int_steps_dim6"] = attempt(emb, torch.tensor([2, 9, 40]), 6)


# ----------------------------------------------------------------------------- ex5 loss
def more_loss(ns, out):
    loss_fn = ns["diffusion_loss"]
    s = answer_schedule(ns, [0.1, 0.3, 0.5, 0.7])
    g = torch.Generator().manual_seed(2)
    x0, y = torch.randn(6, 1, 2, 2, generator=g), torch.tensor([0, 1, 2, 0, 1, 2])
    torch.manual_seed(17)
    first, second = ProbeNet(), ProbeNet()
    out["no_generator_twice"] = [attempt(loss_fn, first, x0, y, s, 0.5), attempt(loss_fn, second, x0, y, s, 0.5)]
    out["no_generator_calls"] = [[c[:2] for c in first.calls], [c[:2] for c in second.calls]]
    out["no_generator_global_after"] = torch.rand(3)


# ----------------------------------------------------------------------------- ex8 guidance
class MetaSpy(nn.Module):
    """Records the devices it is called with; works on any device (meta included)."""

    def __init__(self):
        super().__init__()
        self.num_classes = 3
        self.calls = []

    def forward(self, x, t, y):
        self.calls.append((x.device.type, t.device.type, y.device.type, tuple(t.shape)))
        shape = (-1,) + (1,) * (x.dim() - 1)
        return 0.5 * x + 0.01 * t.float().reshape(shape) + 0.1 * y.float().reshape(shape)


def more_guidance(ns, out):
    guided = ns["guided_eps"]
    net = MetaSpy()
    x = torch.zeros(2, 1, 2, 2, device="meta")
    out["meta"] = attempt(guided, net, x, 3, torch.tensor([1, 0], device="meta"), 2.0)
    out["meta_calls"] = list(net.calls)


P = R5.PROBES_04
PROBES_04 = {
    "ex1_schedule": extend(P["ex1_schedule"], more_schedule),
    "ex2_forward": extend(P["ex2_forward"], more_forward),
    "ex3_time_embedding": extend(P["ex3_time_embedding"], more_embedding),
    "ex4_resblock": P["ex4_resblock"],
    "ex5_loss": extend(P["ex5_loss"], more_loss),
    "ex6_ddpm": P["ex6_ddpm"],
    "ex7_ddim": P["ex7_ddim"],
    "ex8_guidance": extend(P["ex8_guidance"], more_guidance),
}

PROBES = {DIFFUSION: PROBES_04}

if __name__ == "__main__":
    sys.exit(main(HERE, PROBES, sys.argv[1:]))
