"""`labgrader check NOTEBOOK`: run a notebook in fast mode, print one row per exercise.

This runs the *visible* checks only, on the student's own machine: it says what the
visible test cells say. The grader's hidden checks use other inputs, so a full table
here is necessary but not sufficient for full marks.
"""
from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

import nbformat
from deeplabs.checks.report import ExerciseResult, failure_message, print_table  # noqa: F401 (cli)

from ..grade.assemble import SubmissionError, grade_id, is_test, read_submission

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _message(cell) -> str:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and failure_message(out.get("text", "")):
            return failure_message(out.get("text", ""))
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return ANSI.sub("", f"{out.get('ename')}: {out.get('evalue')}")[:200]
    return ""


def results_from_executed(nb) -> list[ExerciseResult]:
    rows = []
    for cell in nb.cells:
        if cell.cell_type == "code" and is_test(cell):
            errored = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            ran = cell.get("execution_count") is not None or bool(cell.get("outputs"))
            rows.append(ExerciseResult(grade_id(cell), float(cell.metadata["nbgrader"].get("points", 0)),
                                       ran and not errored, _message(cell) if ran else "did not run"))
    return rows


def self_check(path: Path, timeout: int = 600) -> list[ExerciseResult]:
    """Run the student's notebook (their own machine, their own code: no sandbox) in fast mode.

    `timeout` is per cell. The kernel talks over Unix sockets in a private folder (no TCP port,
    so no "running over TCP without encryption" warning)."""
    from jupyter_client import KernelManager
    from nbclient import NotebookClient

    path = path.resolve()
    try:
        read_submission(path)
    except SubmissionError as err:
        raise SystemExit(f"labgrader check: {err}") from None
    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ, DEEPLABS_MODE="fast", MPLBACKEND=os.environ.get("MPLBACKEND", "Agg"))
    with tempfile.TemporaryDirectory() as tmp:
        km = KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(tmp) / "kernel"))
        client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=True,
                                resources={"metadata": {"path": str(path.parent)}})
        # the kernel's own stderr is its log (start-up notes, "parent exited" at shutdown), not
        # the notebook's: cell output comes over the kernel's messages
        with client.setup_kernel(env=env, cwd=str(path.parent), stderr=subprocess.DEVNULL):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
    return results_from_executed(nb)
