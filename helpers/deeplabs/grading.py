"""The kernel side of grading: record outputs for inputs the grader chooses.

A hidden test cell calls

    record("dense/forward", lambda g: layer_output(torch.randn(4, 3, generator=g)))

Outside grading this does nothing. While `labgrader grade` runs a notebook it sets
$DEEPLABS_GRADER_RECORDS (a file) and $DEEPLABS_GRADER_SEED (chosen by the grader). `record`
seeds every RNG from that seed and the check's name, calls the function with a seeded
torch.Generator, and appends the *output* to the file as plain JSON. The grader runs the
same cell of the solution notebook with the same seed in a separate process and compares
the two in its own process. Expected values never enter the student's kernel, so patching
assert helpers, torch or this module cannot earn points; only correct outputs can.

`rule` tells the grader how to compare (the grader reads it from the solution's run, not
from the student's): {"kind": "close", "rtol": .., "atol": ..} (default), {"kind": "equal"},
{"kind": "at_least", "value": x}, {"kind": "at_most", "value": x}.
"""
from __future__ import annotations

import json
import os
import zlib
from typing import Any, Callable

import numpy as np
import torch

from .seeding import seed_everything

RECORDS_ENV, SEED_ENV = "DEEPLABS_GRADER_RECORDS", "DEEPLABS_GRADER_SEED"
MAX_RECORD_BYTES = 4_000_000  # a probe output is a few tensors, never a dataset


def encode(value: Any) -> Any:
    """Turn tensors, arrays and containers into JSON-safe data (no pickle, ever)."""
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu()
        if t.is_complex() or t.dtype == torch.bfloat16 or t.dtype == torch.float16:
            t = t.float()
        return {"__tensor__": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                "data": t.reshape(-1).tolist()}
    if isinstance(value, np.ndarray):
        return encode(torch.from_numpy(np.ascontiguousarray(value)))
    if isinstance(value, (np.generic,)):
        return value.item()
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    raise TypeError(f"cannot record a value of type {type(value).__name__}")


def case_seed(name: str) -> int:
    return (int(os.environ.get(SEED_ENV, "0")) ^ zlib.crc32(name.encode())) % 2**31


def record(name: str, fn: Callable[[torch.Generator], Any], rule: dict | None = None,
           weight: float = 1.0) -> None:
    """Run `fn(generator)` and append its output for the grader (no-op when not grading)."""
    path = os.environ.get(RECORDS_ENV)
    if not path:
        return
    seed = case_seed(name)
    seed_everything(seed)
    entry: dict[str, Any] = {"name": name, "rule": rule or {"kind": "close"}, "weight": weight}
    try:
        entry["value"] = encode(fn(torch.Generator().manual_seed(seed)))
    except NotImplementedError:
        entry["error"] = "not implemented"
    except Exception as err:  # the grader reports it; the notebook goes on
        entry["error"] = f"{type(err).__name__}: {err}"[:500]
    line = json.dumps(entry)
    if len(line) > MAX_RECORD_BYTES:
        line = json.dumps({"name": name, "rule": entry["rule"], "weight": weight,
                           "error": f"output too large ({len(line)} bytes)"})
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
