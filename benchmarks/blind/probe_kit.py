"""Small inputs and stand-in models that the probes of every blind round use.

    from benchmarks.blind.probe_kit import identity_classifier, images, labels, point, ProbeNet

A probe feeds an answer inputs small enough to reason about by hand (a 3-class identity
classifier, a 2x2 image whose first pixel is its logit, a denoiser that records how it was
called) so that a difference in what comes back names the mistake. What only one round needs
stays in its prove script.
"""
from __future__ import annotations

import torch
from torch import nn


# ----------------------------------------------------------------------------- general
def flat_params(model: nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().flatten() for p in model.parameters()])


def seeded(seed: int, fn):
    torch.manual_seed(seed)
    return fn()


# ----------------------------------------------------------------------------- labs 01 and 02
def digits_like(n: int = 37, seed: int = 0) -> torch.utils.data.TensorDataset:
    """n rows of 4 features and 3 classes: 37 leaves a last partial batch for most batch sizes."""
    g = torch.Generator().manual_seed(seed)
    return torch.utils.data.TensorDataset(torch.randn(n, 4, generator=g), torch.randint(0, 3, (n,), generator=g))


def images_with_logits(values) -> torch.Tensor:
    """(len(values), 3, 2, 2) images whose first pixel holds the value (FirstPixel-style models)."""
    x = torch.zeros(len(values), 3, 2, 2)
    x[:, 0, 0, 0] = torch.tensor(values)
    return x


# ----------------------------------------------------------------------------- labs 03, 04 and 05
def identity_classifier(n: int = 3) -> nn.Module:
    layer = nn.Linear(n, n)
    with torch.no_grad():
        layer.weight.copy_(torch.eye(n))
        layer.bias.zero_()
    return layer


def point(*values: float) -> torch.Tensor:
    return torch.tensor([list(values)])


def small_cnn(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(), nn.Flatten(),
                         nn.Linear(4 * 4 * 4, 10)).eval()


def images(n: int, seed: int, side: int = 8) -> torch.Tensor:
    return torch.rand(n, 1, side, side, generator=torch.Generator().manual_seed(seed))


def labels(n: int, seed: int, classes: int = 10) -> torch.Tensor:
    return torch.randint(0, classes, (n,), generator=torch.Generator().manual_seed(seed))


def tensor_loader(x: torch.Tensor, y: torch.Tensor, batch_size: int) -> torch.utils.data.DataLoader:
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=batch_size)


def answer_schedule(ns: dict, betas) -> object:
    """The answer's make_schedule on given betas (float32)."""
    return ns["make_schedule"](torch.as_tensor(betas, dtype=torch.float32))


class ProbeNet(nn.Module):
    """Depends on x, t and y; records the steps, labels and inputs it was called with."""

    def __init__(self, num_classes: int = 3):
        super().__init__()
        self.num_classes = num_classes
        self.w = nn.Parameter(torch.tensor(0.5))
        self.calls = []

    def forward(self, x, t, y):
        self.calls.append((t.detach().clone(), y.detach().clone(), x.detach().clone()))
        shape = (-1,) + (1,) * (x.dim() - 1)
        return self.w * x + 0.01 * t.float().reshape(shape) + 0.1 * y.float().reshape(shape)


class TwoProj(nn.Module):
    """Modules named proj, out_proj and inner.proj: which ones an injection by name should reach."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)
        self.out_proj = nn.Linear(4, 2)
        self.inner = nn.Sequential(nn.Linear(4, 4), nn.ReLU())
        self.inner.proj = nn.Linear(4, 4)
