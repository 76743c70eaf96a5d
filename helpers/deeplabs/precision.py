"""Mixed precision that follows the hardware.

    from deeplabs.precision import autocast
    with autocast(device):
        loss = model(x).mean()

bf16 autocast on GPUs that support it (Ampere and newer), fp16 autocast on older CUDA
GPUs is left out on purpose: it needs a GradScaler and the labs' models are small enough
that the speed-up is not worth the extra concept. On the CPU and MPS this is a no-op.
"""
from __future__ import annotations

import contextlib

import torch


def autocast_dtype(device: torch.device) -> torch.dtype | None:
    """The dtype autocast would use on `device`, or None when autocast is off."""
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return None


def autocast(device: torch.device):
    """A context manager: bf16 autocast where supported, otherwise nothing."""
    dtype = autocast_dtype(torch.device(device))
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type="cuda", dtype=dtype)
