"""Full vs fast mode: every loop in every lab asks here how big it may be.

    from deeplabs.budget import budget, mode
    steps = budget(full=2000, fast=40)

Fast mode runs the same code on less data and fewer steps. It is on when
  - $DEEPLABS_MODE is "fast" (and off when it is "full": that wins over everything), or
  - nbgrader is executing the notebook ($NBGRADER_EXECUTION is set), or
  - a CI system is running ($CI is set to anything but "false"/"0").
"""
from __future__ import annotations

import os
from typing import TypeVar

T = TypeVar("T")
FAST, FULL = "fast", "full"


def mode() -> str:
    """'fast' or 'full' (read from the environment every time, so tests can switch)."""
    explicit = os.environ.get("DEEPLABS_MODE", "").strip().lower()
    if explicit in (FAST, FULL):
        return explicit
    if explicit:
        raise ValueError(f"DEEPLABS_MODE={explicit!r}: use 'fast' or 'full'.")
    if os.environ.get("NBGRADER_EXECUTION"):
        return FAST
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):
        return FAST
    return FULL


def is_fast() -> bool:
    return mode() == FAST


def budget(full: T, fast: T) -> T:
    """Pick the full-mode or fast-mode value of a size (steps, epochs, examples, ...)."""
    return fast if is_fast() else full


def why() -> str:
    """A short sentence saying which mode is on and why, printed by the setup cell."""
    explicit = os.environ.get("DEEPLABS_MODE", "").strip().lower()
    if explicit:
        return f"{mode()} mode (DEEPLABS_MODE={explicit})"
    if os.environ.get("NBGRADER_EXECUTION"):
        return "fast mode (running under the autograder)"
    if mode() == FAST:
        return "fast mode (CI detected)"
    return "full mode (set DEEPLABS_MODE=fast for a quick run)"
