"""Run a solution notebook in full mode and time every cell (the numbers in docs/results.md).

    python benchmarks/full_mode.py solutions/03_llm_finetuning/03_llm_finetuning.ipynb \
        --out /tmp/lab03-full.ipynb [--mode full] [--threads 2]

Prints one line per code cell that took ≥ 1 s, then the total, and saves the executed notebook
(its outputs hold the lab's own metrics). Checkpoints go to $DEEPLABS_CACHE as in a student run:
point it at an empty folder to time training from scratch.

`--inject CELL_ID:CODE` runs CODE right after that cell, e.g. a shorter training run to time the
rest of full mode: `--inject "config:cfg.train_steps = 60"` (use its own $DEEPLABS_CACHE, so the
short model is not cached as the full one).
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


class TimedClient(NotebookClient):
    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        start = time.perf_counter()
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            took = time.perf_counter() - start
            if cell.cell_type == "code" and took >= 1.0:
                print(f"{took:8.1f} s  cell {cell_index:3d}  {cell.get('id')}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--mode", default="full", choices=["full", "fast"])
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--timeout", type=int, default=3 * 3600, help="per cell, seconds")
    parser.add_argument("--inject", action="append", default=[], metavar="CELL_ID:CODE")
    args = parser.parse_args()
    os.environ.update(DEEPLABS_MODE=args.mode, OMP_NUM_THREADS=str(args.threads), MPLBACKEND="Agg")
    os.environ.pop("CI", None)  # CI forces fast mode; this is a measurement, not CI
    nb = nbformat.read(args.notebook, as_version=4)
    for spec in args.inject:
        cell_id, code = spec.split(":", 1)
        at = next(i for i, c in enumerate(nb.cells) if c.get("id") == cell_id)
        nb.cells.insert(at + 1, nbformat.v4.new_code_cell(code, id=f"injected-{cell_id}"))
    start = time.perf_counter()
    client = TimedClient(nb, timeout=args.timeout, allow_errors=False,
                         resources={"metadata": {"path": str(args.notebook.parent)}})
    try:
        client.execute()
    finally:
        nbformat.write(nb, args.out)
        print(f"total {time.perf_counter() - start:.1f} s ({args.mode} mode, {args.threads} threads); "
              f"executed notebook: {args.out}")


if __name__ == "__main__":
    main()
