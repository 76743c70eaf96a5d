"""The setup cell every lab runs first: seed, device, mode, one line each.

    from deeplabs.session import start_lab
    device = start_lab("01_music_rnn", seed=0)
"""
from __future__ import annotations

import torch

from .budget import why
from .device import get_device
from .seeding import seed_everything


def start_lab(lab: str, seed: int = 0, device: str | None = None) -> torch.device:
    """Seed everything, choose the device and print the mode; returns the device."""
    seed_everything(seed)
    print(f"[deeplabs] lab {lab} · seed {seed} · {why()}")
    return get_device(device)
