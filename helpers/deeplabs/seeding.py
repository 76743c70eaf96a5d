"""One call seeds every random number generator a lab uses.

    from deeplabs.seeding import seed_everything
    seed_everything(0)
"""
from __future__ import annotations

import os
import random

import numpy as np
import torch


def seed_everything(seed: int = 0, deterministic: bool = False) -> int:
    """Seed python, numpy and torch (all CUDA devices too); return the seed.

    `deterministic=True` also asks cuDNN for deterministic kernels (slower; only needed
    when you compare GPU runs bit for bit).
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)  # inherited by worker processes
    if deterministic:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    return seed
