"""scikit-learn's handwritten digits (1,797 8×8 images, shipped with the package: offline).

    from deeplabs.data.digits import load_digits_split
    train, test = load_digits_split()      # TensorDatasets of (x: (N, 64) in [0,1], y: (N,))
"""
from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import TensorDataset


def load_digits_split(test_fraction: float = 0.25, seed: int = 0, limit: int | None = None):
    """Deterministic train/test split; `limit` caps the training set (fast mode)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32)  # pixel values are 0..16
    y = torch.tensor(digits.target, dtype=torch.long)
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(round(len(x) * test_fraction))
    test_idx, train_idx = order[:n_test], order[n_test:]
    if limit is not None:
        train_idx = train_idx[:limit]
    return TensorDataset(x[train_idx], y[train_idx]), TensorDataset(x[test_idx], y[test_idx])
