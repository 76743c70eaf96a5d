"""Run one notebook (a submission or the solution) in the sandbox and collect its records."""
from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from . import sandbox
from .compare import read_records

RUNNER = [sys.executable, "-m", "labgrader.grade.runner"]


@dataclass
class Execution:
    notebook: NotebookNode | None
    records: list[dict]
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sandbox: str = ""


def sandbox_env(workdir: Path, seed: int, threads: int, shared_cache: Path | None = None) -> dict[str, str]:
    """The whole environment the submission sees: nothing inherited from the grader."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(workdir / "home"),
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "DEEPLABS_MODE": "fast",
        "DEEPLABS_DEVICE": "cpu",
        "NBGRADER_EXECUTION": "autograde",
        "DEEPLABS_GRADER_RECORDS": str(workdir / "records.jsonl"),
        "DEEPLABS_GRADER_SEED": str(seed),
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        "PYTHONDONTWRITEBYTECODE": "1",
        "JUPYTER_PLATFORM_DIRS": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "DEEPLABS_CACHE": str(shared_cache or workdir / "home" / "cache"),
    }


def execute(nb: NotebookNode, seed: int, limits: sandbox.Limits, kind: str, threads: int = 1,
            shared_cache: Path | None = None, trusted: bool = False) -> Execution:
    """Run `nb` sandboxed. `trusted` (the solution's run) may fill `shared_cache`."""
    with tempfile.TemporaryDirectory(prefix="labgrader-run-") as tmp:
        workdir = Path(tmp)
        (workdir / "home").mkdir()
        nbformat.write(nb, workdir / "run.ipynb")
        env = sandbox_env(workdir, seed, threads, shared_cache)
        inside = Path("/sub") if kind == "bwrap" else workdir
        argv = RUNNER + [str(inside / "run.ipynb"), str(inside / "out.ipynb"),
                         "--cell-timeout", str(limits.cell_timeout_s)]
        result = sandbox.run(argv, workdir, env, limits, kind, shared_cache, cache_writable=trusted)
        records, problems = read_records(workdir / "records.jsonl")
        executed = None
        if (workdir / "out.ipynb").exists():
            try:
                executed = nbformat.read(workdir / "out.ipynb", as_version=4)
            except Exception:  # written by a process the student controlled: trust nothing
                problems.append("the executed notebook could not be read back")
        status = _status_line(result.stdout)
        problems += status.get("problems", []) if isinstance(status.get("problems"), list) else []
        if result.timed_out:
            problems.append(f"the notebook ran longer than {limits.notebook_timeout_s} s and was stopped")
        elif status.get("status") != "ok":
            reason = status.get("status") or f"the grader's runner stopped (exit code {result.returncode})"
            tail = [ln for ln in result.stderr.strip().splitlines() if "Kernel is running over TCP" not in ln][-1:]
            problems.append(f"{reason}" + (f": {tail[0][:300]}" if tail else ""))
        return Execution(executed, records, [str(p)[:500] for p in problems], result.seconds, " + ".join(result.layers))


def _status_line(stdout: str) -> dict:
    for line in reversed(stdout.strip().splitlines()):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return {}
