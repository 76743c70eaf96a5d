"""Lab 05's FGSM and PGD (the solution's answer cells) agree with torchattacks.

torchattacks is installed with --no-deps (its metadata asks for torchvision, which it does not
import for these attacks and which would replace our torch build): see the Makefile.
"""
from __future__ import annotations

import pytest
import torch
from torch import nn

from tests.test_lab05_adversarial import _namespace, solution  # noqa: F401  (fixture)

torchattacks = pytest.importorskip("torchattacks")


@pytest.fixture(scope="module")
def ns(solution):  # noqa: F811
    return _namespace(solution)


def _cnn(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(4 * 14 * 14, 10)).double().eval()
    return model


def _batch(seed: int):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(8, 1, 28, 28, generator=g, dtype=torch.float64), torch.randint(0, 10, (8,), generator=g)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("eps", [0.03, 0.1])
def test_fgsm_matches_torchattacks(ns, seed, eps):
    model, (x, y) = _cnn(seed), _batch(seed)
    ours = ns["fgsm"](model, x, y, eps)
    theirs = torchattacks.FGSM(model, eps=eps)(x, y)
    torch.testing.assert_close(ours, theirs.to(ours.dtype), rtol=0, atol=1e-12)


@pytest.mark.parametrize("random_start", [False, True])
def test_pgd_matches_torchattacks_with_the_same_random_start(ns, random_start):
    model, (x, y) = _cnn(3), _batch(3)
    torch.manual_seed(11)
    ours = ns["pgd"](model, x, y, eps=0.1, alpha=0.02, steps=7, random_start=random_start)
    torch.manual_seed(11)
    theirs = torchattacks.PGD(model, eps=0.1, alpha=0.02, steps=7, random_start=random_start)(x, y)
    torch.testing.assert_close(ours, theirs.to(ours.dtype), rtol=0, atol=1e-12)
    assert (ours - x).abs().max() <= 0.1 + 1e-12


def test_targeted_pgd_matches_torchattacks_targeted_mode(ns):
    model, (x, _) = _cnn(4), _batch(4)
    target = torch.full((8,), 8)
    ours = ns["targeted_pgd"](model, x, target, eps=0.1, alpha=0.02, steps=5)
    attack = torchattacks.PGD(model, eps=0.1, alpha=0.02, steps=5, random_start=False)
    attack.set_mode_targeted_by_function(lambda images, labels: target)
    theirs = attack(x, target)
    torch.testing.assert_close(ours, theirs.to(ours.dtype), rtol=0, atol=1e-12)
