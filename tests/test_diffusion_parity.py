"""Lab 04's student-facing functions agree with diffusers given the same inputs and noise.

The functions are the solution notebook's answer cells (markers removed, as a student would
type them), executed in a namespace: the deeplabs package carries no solution code.
"""
from __future__ import annotations

import math

import pytest
import torch

from tests.adapters import notebook_namespace

diffusers = pytest.importorskip("diffusers")
from diffusers import DDIMScheduler, DDPMScheduler  # noqa: E402
from diffusers.models.embeddings import get_timestep_embedding  # noqa: E402

SCHEDULES = {"linear": "linear", "cosine": "squaredcos_cap_v2"}  # ours -> diffusers' name


@pytest.fixture(scope="module")
def lab():
    """The notebook's setup cells and the solution's answers (tests/adapters.py): no data, no training."""
    return notebook_namespace("04_diffusion/01_diffusion_fashion_mnist")


def _betas(lab, kind, T):
    return lab["linear_betas"](T) if kind == "linear" else lab["cosine_betas"](T)


@pytest.mark.parametrize("kind", SCHEDULES)
def test_schedule_matches_ddpm_scheduler(lab, kind):
    ref = DDPMScheduler(num_train_timesteps=1000, beta_schedule=SCHEDULES[kind])
    s = lab["make_schedule"](_betas(lab, kind, 1000))
    torch.testing.assert_close(s.betas, ref.betas, rtol=1e-6, atol=1e-8)
    torch.testing.assert_close(s.alphas, ref.alphas, rtol=1e-6, atol=1e-8)
    torch.testing.assert_close(s.alpha_bars, ref.alphas_cumprod, rtol=1e-5, atol=1e-8)
    # diffusers' fixed_small variance is the posterior variance (it clamps t=0 to 1e-20)
    variance = torch.stack([ref._get_variance(t) for t in range(1000)])
    # diffusers derives beta_t back from the alpha_bar ratio: float32 rounding, up to 0.1% at small t
    torch.testing.assert_close(s.posterior_variance[1:], variance[1:], rtol=2e-3, atol=1e-7)
    assert s.posterior_variance[0] == 0


@pytest.mark.parametrize("kind", SCHEDULES)
def test_q_sample_matches_add_noise(lab, kind):
    ref = DDPMScheduler(num_train_timesteps=1000, beta_schedule=SCHEDULES[kind])
    s = lab["make_schedule"](_betas(lab, kind, 1000))
    g = torch.Generator().manual_seed(0)
    x0, noise = torch.randn(6, 1, 28, 28, generator=g), torch.randn(6, 1, 28, 28, generator=g)
    t = torch.tensor([0, 1, 250, 500, 998, 999])
    torch.testing.assert_close(lab["q_sample"](x0, t, noise, s), ref.add_noise(x0, noise, t), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", SCHEDULES)
@pytest.mark.parametrize("t", [999, 500, 10, 1, 0])
def test_ddpm_step_matches_ddpm_scheduler(lab, kind, t):
    ref = DDPMScheduler(num_train_timesteps=1000, beta_schedule=SCHEDULES[kind], clip_sample=False)
    s = lab["make_schedule"](_betas(lab, kind, 1000))
    g = torch.Generator().manual_seed(t)
    x, eps = torch.randn(4, 1, 8, 8, generator=g), torch.randn(4, 1, 8, 8, generator=g)
    expected = ref.step(eps, t, x, generator=torch.Generator().manual_seed(1)).prev_sample
    noise = torch.randn(x.shape, generator=torch.Generator().manual_seed(1))  # what diffusers drew
    # the two formulas are algebraically equal; float32 rounding differs most near t = 1
    torch.testing.assert_close(lab["ddpm_step"](eps, t, x, s, noise), expected, rtol=1e-3, atol=1e-3)


def _fake_eps(x, t):
    return 0.5 * torch.tanh(x) + 1e-4 * t


def test_ddpm_sampling_loop_matches_diffusers(lab):
    T = 60
    ref = DDPMScheduler(num_train_timesteps=T, beta_schedule="linear", beta_start=1e-3, beta_end=0.1, clip_sample=False)
    ref.set_timesteps(T)
    g = torch.Generator().manual_seed(3)
    x = torch.randn(3, 1, 5, 5, generator=g)
    for t in ref.timesteps:
        x = ref.step(_fake_eps(x, int(t)), t, x, generator=g).prev_sample
    s = lab["make_schedule"](lab["linear_betas"](T, 1e-3, 0.1))
    ours = lab["ddpm_sample"](_fake_eps, (3, 1, 5, 5), s, generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(ours, x, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("kind", SCHEDULES)
@pytest.mark.parametrize("num_steps", [50, 7])
def test_ddim_timesteps_and_step_match_ddim_scheduler(lab, kind, num_steps):
    ref = DDIMScheduler(num_train_timesteps=1000, beta_schedule=SCHEDULES[kind], clip_sample=False)
    ref.set_timesteps(num_steps)
    steps = lab["ddim_timesteps"](1000, num_steps)
    assert list(steps) == ref.timesteps.tolist()
    alpha_bars = lab["make_schedule"](_betas(lab, kind, 1000)).alpha_bars
    g = torch.Generator().manual_seed(num_steps)
    for i in (0, len(steps) // 2, len(steps) - 1):
        x, eps = torch.randn(2, 1, 8, 8, generator=g), torch.randn(2, 1, 8, 8, generator=g)
        t_prev = steps[i + 1] if i + 1 < len(steps) else -1
        expected = ref.step(eps, steps[i], x, eta=0.0).prev_sample
        torch.testing.assert_close(lab["ddim_step"](eps, steps[i], t_prev, x, alpha_bars), expected,
                                   rtol=1e-4, atol=1e-5)


def test_ddim_sampling_loop_matches_diffusers(lab):
    ref = DDIMScheduler(num_train_timesteps=1000, beta_schedule="linear", clip_sample=False)
    ref.set_timesteps(20)
    x = torch.randn(3, 1, 5, 5, generator=torch.Generator().manual_seed(4))
    for t in ref.timesteps:
        x = ref.step(_fake_eps(x, int(t)), t, x, eta=0.0).prev_sample
    alpha_bars = lab["make_schedule"](lab["linear_betas"](1000)).alpha_bars
    ours = lab["ddim_sample"](_fake_eps, (3, 1, 5, 5), alpha_bars, 20, generator=torch.Generator().manual_seed(4))
    torch.testing.assert_close(ours, x, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("dim", [8, 32, 128])
def test_timestep_embedding_matches_diffusers(lab, dim):
    t = torch.tensor([0, 1, 17, 500, 999])
    expected = get_timestep_embedding(t, dim, flip_sin_to_cos=False, downscale_freq_shift=0)
    torch.testing.assert_close(lab["timestep_embedding"](t, dim), expected, rtol=1e-5, atol=1e-5)


def test_guidance_at_scale_one_is_the_conditional_model(lab):
    class Net(torch.nn.Module):
        num_classes = 10

        def forward(self, x, t, y):
            return x * (y[:, None].float() + 1) + t[:, None].float() / 100

    x, y = torch.randn(4, 3), torch.tensor([0, 3, 9, 2])
    cond = Net()(x, torch.full((4,), 7), y)
    torch.testing.assert_close(lab["guided_eps"](Net(), x, 7, y, 1.0), cond)
    assert not math.isclose(float((lab["guided_eps"](Net(), x, 7, y, 3.0) - cond).abs().max()), 0.0)
