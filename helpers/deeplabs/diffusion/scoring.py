"""Scoring generated Fashion-MNIST images (lab 04): a reference classifier and a Fréchet distance.

    from deeplabs.diffusion.scoring import reference_classifier, score_samples
    clf = reference_classifier(device)              # trained once, then loaded from the cache
    report = score_samples(clf, samples, labels, real_images)
    # {'class_accuracy': 0.86, 'per_class': {...}, 'frechet': 12.3}

Images are (N, 1, 28, 28) in [-1, 1], the scale the diffusion model works in. The classifier is
a small CNN trained with `load_or_train` (fast and full mode keep separate checkpoints). Its
128-dimensional penultimate layer gives the features for an FID-style distance: the Fréchet
distance between Gaussians fitted to real and generated features. It is *not* the published FID
(that uses Inception-v3 on ImageNet); numbers are comparable only with each other.
This is evaluation code for the lab, not part of any exercise.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ..budget import budget
from ..checkpoints import load_or_train
from ..progress import progress


class FashionClassifier(nn.Module):
    """Two conv blocks and a 128-unit hidden layer: ~91% test accuracy after 3 epochs."""

    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # (B, 32, 14, 14)
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (B, 64, 7, 7)
            nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(),          # (B, 128): the features
        )
        self.head = nn.Linear(128, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, 1, 28, 28) in [-1, 1] -> (B, 10) logits
        return self.head(self.features(x))


@dataclass
class ClassifierConfig:
    # read when the config is made, so a test can switch the mode after import
    epochs: int = field(default_factory=lambda: budget(full=3, fast=1))
    train_limit: int | None = field(default_factory=lambda: budget(full=None, fast=3000))  # fast: rough but quick
    batch_size: int = 128
    lr: float = 1e-3
    seed: int = 0


def _fashion_tensors(split: str, limit: int | None):
    from ..fashion_mnist import as_tensors, load_fashion_mnist

    x, y = as_tensors(load_fashion_mnist(split, limit=limit))
    return x * 2 - 1, y  # [0, 1] -> [-1, 1]


def _train(model: FashionClassifier, cfg: ClassifierConfig, device) -> None:
    x, y = _fashion_tensors("train", cfg.train_limit)
    g = torch.Generator().manual_seed(cfg.seed)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    model.train()
    for _ in progress(range(cfg.epochs), desc="reference classifier"):
        for idx in torch.randperm(len(x), generator=g).split(cfg.batch_size):
            loss = nn.functional.cross_entropy(model(x[idx].to(device)), y[idx].to(device))
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()


def reference_classifier(device="cpu", cfg: ClassifierConfig | None = None) -> FashionClassifier:
    """The course's Fashion-MNIST classifier: loaded from the cache, or trained and cached."""
    cfg = cfg or ClassifierConfig()
    torch.manual_seed(cfg.seed)
    model = FashionClassifier().to(device)
    model = load_or_train("lab04_fashion_classifier", model, lambda m: _train(m, cfg, device))
    return model.to(device).eval()


@torch.no_grad()
def _batched(fn, x: torch.Tensor, device, batch: int = 500) -> torch.Tensor:
    return torch.cat([fn(x[i:i + batch].to(device)).cpu() for i in range(0, len(x), batch)])


def classifier_accuracy(clf: FashionClassifier, x: torch.Tensor, y: torch.Tensor) -> float:
    device = next(clf.parameters()).device
    return (_batched(clf, x, device).argmax(-1) == y).float().mean().item()


def features(clf: FashionClassifier, x: torch.Tensor) -> torch.Tensor:
    """(N, 1, 28, 28) -> (N, 128) penultimate activations."""
    device = next(clf.parameters()).device
    return _batched(clf.features, x, device)


def frechet_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^1/2) between Gaussian fits of two feature sets."""
    a, b = a.double().numpy(), b.double().numpy()
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # Tr((S_a S_b)^1/2) = sum of sqrt(eigenvalues of S_a^1/2 S_b S_a^1/2), a symmetric PSD matrix
    w, v = np.linalg.eigh(s_a)
    root_a = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ s_b @ root_a), 0, None)).sum()
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * cross)


def score_samples(clf: FashionClassifier, samples: torch.Tensor, labels: torch.Tensor,
                  real: torch.Tensor) -> dict:
    """How often samples are classified as the class they were asked for, per class and overall,
    and the Fréchet distance between the classifier features of `real` images and of `samples`."""
    device = next(clf.parameters()).device
    predicted = _batched(clf, samples, device).argmax(-1)
    hits = (predicted == labels).float()
    per_class = {int(c): hits[labels == c].mean().item() for c in labels.unique()}
    return {"class_accuracy": hits.mean().item(), "per_class": per_class,
            "frechet": frechet_distance(features(clf, real), features(clf, samples))}
