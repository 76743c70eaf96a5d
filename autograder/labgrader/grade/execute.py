"""Run one notebook (a submission or the solution) with its kernel in a sandbox.

The host side of a run: a private job folder, a cgroup for the kernel, the runner process
(runner.py) that drives the kernel, and the runner's account of what happened. Nothing is
read from anywhere the kernel can write: the kernel's scratch space is a tmpfs inside the
sandbox, and its records reach the runner as messages, tagged with the cell that was running.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from deeplabs.protocol import ACTIVE_ENV, SEED_ENV

from . import cgroups, sandbox

RUNNER = [sys.executable, "-m", "labgrader.grade.runner"]
JOB_PREFIX = "labgrader-run-"
MAX_RESULT_BYTES = 96 * 2**20
MAX_EXECUTED_BYTES = 64 * 2**20


class GraderError(RuntimeError):
    """The grader could not run a notebook: not the student's doing; retry, never a zero."""


@dataclass
class Execution:
    notebook: NotebookNode | None        # the executed notebook, for the instructor's copy only
    records: list[dict]                  # {"cell": grade id or cell id, "index": i, "entry": {...}}
    cells: list[dict] = field(default_factory=list)   # the runner's account per code cell
    status: str = "ok"                   # ok | killed | died | unreadable | notebook timeout
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    limits_applied: list[str] = field(default_factory=list)


def kernel_env(paths: dict, seed: int, threads: int, shared_cache: Path | None) -> dict[str, str]:
    """The whole environment the kernel sees: nothing inherited from the grader."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": paths["home"],
        "TMPDIR": paths["tmp"],
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "DEEPLABS_MODE": "fast",
        "DEEPLABS_DEVICE": "cpu",
        "NBGRADER_EXECUTION": "autograde",
        ACTIVE_ENV: "1",
        SEED_ENV: str(seed),
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        "PYTHONDONTWRITEBYTECODE": "1",
        "JUPYTER_PLATFORM_DIRS": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "DEEPLABS_CACHE": str(shared_cache) if shared_cache else f"{paths['home']}/cache",
    }


def _read_capped(path: Path, cap: int) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(cap + 1)
    return None if len(data) > cap else data


def execute(nb: NotebookNode, seed: int, limits: sandbox.Limits, kind: str, threads: int = 1,
            shared_cache: Path | None = None, trusted: bool = False) -> Execution:
    """Run `nb` with its kernel sandboxed. `trusted` (the solution's run) may fill `shared_cache`.

    Raises GraderError when the run could not happen for reasons of the grader's own.
    """
    job_dir = Path(tempfile.mkdtemp(prefix=f"{JOB_PREFIX}{os.getpid()}-"))  # 0700: the kernel never sees it
    cores = limits.cpu_cores or float(threads)
    group = cgroups.Cgroup.create(cgroups.CgroupLimits(memory_bytes=limits.memory_mb * 2**20,
                                                       max_procs=limits.max_procs, cpu_cores=cores))
    try:
        ipc, scratch = job_dir / "ipc", job_dir / "scratch"
        ipc.mkdir()
        uid = None
        if kind != "bwrap":
            (scratch / "home").mkdir(parents=True)
            (scratch / "tmp").mkdir()
            if sandbox.nobody_can_run_python():
                uid = sandbox.NOBODY
                for path in (ipc, scratch, scratch / "home", scratch / "tmp"):
                    os.chown(path, uid, uid)
                os.chmod(job_dir, 0o711)  # nobody may pass through to ipc/ and scratch/, not list
        paths = sandbox.kernel_paths(kind, ipc, scratch)
        job = {"notebook": nb, "kind": kind, "limits": limits.to_dict(), "paths": paths,
               "env": kernel_env(paths, seed, threads, shared_cache), "join": [str(p) for p in group.procs_files],
               "uid": uid, "shared_cache": str(shared_cache) if shared_cache else None, "cache_writable": trusted}
        if kind != "bwrap":
            job["env"]["PWD"] = paths["cwd"]
        (job_dir / "job.json").write_text(json.dumps(job))
        with open(job_dir / "runner.log", "wb") as log:
            proc = subprocess.Popen(RUNNER + [str(job_dir)], stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True,
                                    cwd=paths["cwd"] if kind != "bwrap" else str(job_dir))
            try:
                proc.wait(timeout=limits.notebook_timeout_s + 120)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            finally:
                group.kill_all()
        raw = _read_capped(job_dir / "result.json", MAX_RESULT_BYTES)
        if raw is None:
            log_tail = (job_dir / "runner.log").read_bytes()[-1500:].decode("utf-8", "replace")
            raise GraderError(f"the grader's runner ended without a result (exit code {proc.returncode}):\n{log_tail}")
        result = json.loads(raw)
        if result["status"] == "start failed":
            raise GraderError("the kernel could not be started: " + "; ".join(result["problems"])[:500])
        executed = None
        data = _read_capped(job_dir / "executed.ipynb", MAX_EXECUTED_BYTES)
        if data is not None:
            executed = nbformat.reads(data.decode("utf-8"), as_version=4)
        return Execution(executed, result["records"], result["cells"], result["status"], result["problems"],
                         result.get("seconds", 0.0),
                         [sandbox_layer(kind, uid)] + group.applied + [f"NOT applied: {m}" for m in group.missing])
    finally:
        group.remove()
        shutil.rmtree(job_dir, ignore_errors=True)


def sweep_stale_jobs() -> list[Path]:
    """Job folders of graders that are gone (e.g. after kill -9): they may hold hidden tests."""
    removed = []
    for path in Path(tempfile.gettempdir()).glob(f"{JOB_PREFIX}*-*"):
        try:
            pid = int(path.name[len(JOB_PREFIX):].split("-", 1)[0])
            os.kill(pid, 0)
            continue  # that grader is still running
        except ProcessLookupError:
            pass
        except (ValueError, PermissionError):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    cgroups.sweep_stale()
    return removed


def sandbox_layer(kind: str, uid: int | None) -> str:
    if kind == "bwrap":
        return "bwrap (no network, private mounts, size-capped scratch)"
    return "rlimit only" + (" as user nobody" if uid is not None else " (same user as the grader!)")
