"""What one sandboxed run costs beyond its cells: process start, kernel start and stop, sandbox.

    python benchmarks/notebook_overhead.py                      # trivial notebooks only
    python benchmarks/notebook_overhead.py solutions/01_music_rnn/01_pytorch_primer.ipynb

For each notebook, runs it `--repeat` times through labgrader's `execute()` (bwrap when it
works) and prints the wall time, the seconds its cells took (the runner's per-cell account)
and the difference: the overhead issue 16 wants at most 1 s. Also the CPU seconds of the
grader's children (the runner and whatever it reaped), which vary less with machine load.
Trivial notebooks (1 and 30 cells of `x = 1`) show the fixed cost alone.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

import nbformat

from labgrader.grade import execute, sandbox


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(nb, repeat: int, kind: str) -> dict:
    walls, cells, cpus = [], [], []
    for _ in range(repeat):
        started, cpu = time.monotonic(), _children_cpu()
        run = execute.execute(nb, 1, sandbox.Limits(), kind)
        walls.append(time.monotonic() - started)
        cpus.append(_children_cpu() - cpu)
        cells.append(sum(c.get("seconds", 0.0) for c in run.cells))
    wall, cell = statistics.median(walls), statistics.median(cells)
    return {"wall": wall, "cells": cell, "overhead": wall - cell, "cpu": statistics.median(cpus)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sandbox", default="auto")
    args = parser.parse_args()
    os.environ.setdefault("DEEPLABS_MODE", "fast")
    kind = sandbox.choose(args.sandbox)
    cases = {f"trivial, {n} cells":
             nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1") for _ in range(n)])
             for n in (1, 30)}
    cases.update({path: nbformat.read(path, as_version=4) for path in args.notebooks})
    print(f"sandbox: {kind}; load average {os.getloadavg()[0]:.1f}; median of {args.repeat}")
    print(f"{'notebook':<60} {'wall s':>7} {'cells s':>8} {'overhead':>9} {'child cpu':>10}")
    for name, nb in cases.items():
        m = measure(nb, args.repeat, kind)
        print(f"{name:<60} {m['wall']:>7.2f} {m['cells']:>8.2f} {m['overhead']:>9.2f} {m['cpu']:>10.2f}")


if __name__ == "__main__":
    main()
