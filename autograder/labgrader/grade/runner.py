"""Executes one notebook inside the sandbox (python -m labgrader.grade.runner IN OUT).

Runs every code cell in order with a per-cell timeout and keeps going after errors, like
nbgrader's autograde. Before each cell it appends a marker line to the records file so the
grader knows which cell produced which record (used for the solution's run). Prints one
JSON line with the run's status on stdout.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

MAX_OUTPUT_CHARS = 20_000      # per stream output kept in the notebook
MAX_CELL_OUTPUT_BYTES = 2**22  # per cell, counted while it runs: a flood never reaches memory


class BoundedClient(NotebookClient):
    """nbclient that stops collecting a cell's output once it passed MAX_CELL_OUTPUT_BYTES."""

    _seen: dict[int, int] = {}

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {})))
        total = self._seen.get(cell_index, 0) + size
        self._seen[cell_index] = total
        if total > MAX_CELL_OUTPUT_BYTES:
            if total - size <= MAX_CELL_OUTPUT_BYTES:
                outs.append(nbformat.v4.new_output(
                    "stream", name="stdout", text="\n… further output dropped by the grader (too much output) …\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)


def _truncate_outputs(cell) -> None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and len(out.get("text", "")) > MAX_OUTPUT_CHARS:
            out["text"] = out["text"][:MAX_OUTPUT_CHARS] + "\n… output truncated by the grader …\n"


def run(notebook: str, out: str, cell_timeout: int) -> dict:
    nb = nbformat.read(notebook, as_version=4)
    records = os.environ.get("DEEPLABS_GRADER_RECORDS")
    # interrupt_on_timeout: a cell that runs too long gets KeyboardInterrupt and the notebook
    # goes on with the next cell (the kernel stays usable)
    client = BoundedClient(nb, timeout=cell_timeout, kernel_name="python3", allow_errors=True,
                           interrupt_on_timeout=True, resources={"metadata": {"path": os.getcwd()}})
    status, started = {"status": "ok", "problems": []}, time.monotonic()
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if records:
                with open(records, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"__cell__": cell.get("id"), "index": index}) + "\n")
            cell_started = time.monotonic()
            try:
                client.execute_cell(cell, index)
                if time.monotonic() - cell_started >= cell_timeout:
                    status["problems"].append(f"cell {index} ({cell.get('id')}) ran longer than {cell_timeout} s "
                                              "and was interrupted")
            except CellTimeoutError:  # the interrupt did not stop it either
                status["problems"].append(f"cell {index} ({cell.get('id')}) ran longer than {cell_timeout} s")
                break
            except DeadKernelError:
                status["status"] = "kernel died"
                status["problems"].append(f"the kernel died in cell {index} ({cell.get('id')})")
                break
            finally:
                _truncate_outputs(cell)
    status["seconds"] = round(time.monotonic() - started, 2)
    nbformat.write(nb, out)
    return status


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("out")
    parser.add_argument("--cell-timeout", type=int, default=300)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.notebook, args.out, args.cell_timeout)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
