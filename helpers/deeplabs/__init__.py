"""deeplabs: the helpers every lab of the course imports.

One module per concern that every lab shares (device, precision, seeding, budget, progress,
plots, checkpoints, the `checks` framework, fashion_mnist for labs 04 and 05), and one package
per lab for what only that lab uses, each with the same file names: primer/, music/, faces/,
llm/, diffusion/, adversarial/ hold `checks.py` (visible checks), `data.py` where the lab has its
own data, and the lab's extras (music/audio.py, faces/fairness.py, llm/model.py, llm/judge.py,
diffusion/scoring.py). Importing the package does not import any lab's code, nor torch:
`from deeplabs import budget, start_lab` loads what it names when it is named (PEP 562), so
the grader's own processes can read `deeplabs.protocol` without paying for a torch import.
"""
from __future__ import annotations

import importlib

# budget is torch-free, and its function shares the submodule's name: imported here, so that
# importing deeplabs.budget elsewhere never leaves the module where the function should be
from .budget import budget, is_fast, mode

__version__ = "0.1.0"
_HOMES = {"get_device": "device", "seed_everything": "seeding", "start_lab": "session"}
__all__ = ["budget", "is_fast", "mode", *_HOMES]


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'deeplabs' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
