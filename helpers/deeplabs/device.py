"""Pick the compute device once, the same way in every lab.

    from deeplabs.device import get_device
    device = get_device()          # cuda -> mps -> cpu, prints one line

Override with the environment variable DEEPLABS_DEVICE=cpu|cuda|cuda:1|mps (useful to
compare CPU and GPU timings, or to keep a shared GPU free).
"""
from __future__ import annotations

import os

import torch

ENV_VAR = "DEEPLABS_DEVICE"


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps and mps.is_available())


def describe(device: torch.device) -> str:
    """One human line: device name and memory."""
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        return f"cuda ({props.name}, {props.total_memory / 2**30:.1f} GiB)"
    if device.type == "mps":
        return "mps (Apple GPU)"
    return f"cpu ({os.cpu_count()} cores, {torch.get_num_threads()} torch threads)"


def get_device(preferred: str | None = None, verbose: bool = True) -> torch.device:
    """Return the best available device: cuda, then mps, then cpu.

    `preferred` (or $DEEPLABS_DEVICE) forces a choice; asking for a GPU that is not there
    falls back to the CPU with a warning instead of failing, so a notebook written on a GPU
    still runs on a laptop.
    """
    wanted = (preferred or os.environ.get(ENV_VAR, "")).strip().lower()
    if wanted:
        device = torch.device(wanted)
        missing = (device.type == "cuda" and not torch.cuda.is_available()) or (
            device.type == "mps" and not _mps_available()
        )
        if missing:
            print(f"[deeplabs] {wanted} requested but not available: using the CPU instead.")
            device = torch.device("cpu")
    elif torch.cuda.is_available():
        device = torch.device("cuda")
    elif _mps_available():
        device = torch.device("mps")
    else:
        device = torch.device("cpu")
    if verbose:
        print(f"[deeplabs] device: {describe(device)}")
    return device
