"""Run one submission's notebook in a sandbox and return what came out.

Layers, strongest available first (`describe()` says which are active):
  bwrap    bubblewrap (Debian `bubblewrap`): a private mount namespace that shows only the
           system, the Python environment, the course helpers and this submission's
           scratch copy (no solutions/, no gradebook, no other student); no network;
           own PID namespace; clean environment.
  cgroup   cgroup v1 `pids` and `memory` limits when the machine lets us create groups:
           a fork bomb or a memory hog hits the limit instead of the host.
  rlimit   CPU time, address space and file size limits (always on).
  timeout  a wall-clock limit for the whole notebook (and nbclient's per-cell timeout).
Without bwrap (`--sandbox rlimit`) the submission can read whatever the grading user can:
use that only on a machine where bubblewrap cannot run, and keep the workspace private.
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Limits:
    cell_timeout_s: int = 300       # one cell; real training cells in fast mode take < 60 s
    notebook_timeout_s: int = 900   # the whole notebook
    memory_mb: int = 6144           # a 135M-parameter LLM in fp32 needs ~2 GB
    cpu_s: int = 3600
    file_mb: int = 512
    max_procs: int = 256


@dataclass
class RunResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool
    layers: list[str] = field(default_factory=list)


@lru_cache(maxsize=None)
def bwrap_works() -> bool:
    exe = shutil.which("bwrap")
    if not exe:
        return False
    try:
        probe = subprocess.run([exe, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
                               capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


@lru_cache(maxsize=None)
def cgroups_work() -> bool:
    try:
        for controller in ("pids", "memory"):
            probe = CGROUP_ROOT / controller / f"labgrader-probe-{os.getpid()}"
            probe.mkdir()
            probe.rmdir()
        return True
    except OSError:
        return False


def choose(requested: str = "auto") -> str:
    if requested == "bwrap" and not bwrap_works():
        raise RuntimeError("bubblewrap was requested but cannot run here (apt install bubblewrap; "
                           "user namespaces must be allowed). Use --sandbox rlimit to grade anyway.")
    if requested == "auto":
        return "bwrap" if bwrap_works() else "rlimit"
    return requested


def describe(kind: str) -> str:
    layers = [kind] + (["cgroup"] if cgroups_work() else []) + ["rlimit", "timeout"]
    return " + ".join(dict.fromkeys(layers))


def _python_roots() -> list[Path]:
    """Folders the interpreter and the installed packages (editable ones too) live in."""
    import deeplabs
    import labgrader

    roots = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parents[1],
             Path(deeplabs.__file__).resolve().parents[1], Path(labgrader.__file__).resolve().parents[1]}
    return sorted(r for r in roots if r.exists())


def _bwrap_argv(workdir: Path, shared_cache: Path | None, cache_writable: bool) -> list[str]:
    argv = ["bwrap", "--die-with-parent", "--unshare-all", "--new-session", "--cap-drop", "ALL",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for system in ("/usr", "/bin", "/lib", "/lib64", "/etc"):
        if Path(system).exists():
            argv += ["--ro-bind", system, system]
    for root in _python_roots():
        argv += ["--ro-bind", str(root), str(root)]
    if shared_cache is not None:
        argv += ["--bind" if cache_writable else "--ro-bind", str(shared_cache), str(shared_cache)]
    argv += ["--bind", str(workdir), "/sub", "--chdir", "/sub"]
    return argv


class _Cgroup:
    def __init__(self, limits: Limits):
        self.paths: list[Path] = []
        if not cgroups_work():
            return
        name = f"labgrader-{uuid.uuid4().hex[:12]}"
        settings = {"pids": {"pids.max": str(limits.max_procs)},
                    "memory": {"memory.limit_in_bytes": str(limits.memory_mb * 2**20)}}
        for controller, values in settings.items():
            path = CGROUP_ROOT / controller / name
            try:
                path.mkdir()
                for key, value in values.items():
                    (path / key).write_text(value)
                self.paths.append(path)
            except OSError:
                pass

    def enter(self) -> None:  # runs in the child, before exec
        for path in self.paths:
            (path / "cgroup.procs").write_text(str(os.getpid()))

    def kill_all(self) -> None:
        for path in self.paths:
            try:
                for pid in (path / "cgroup.procs").read_text().split():
                    os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass

    def remove(self) -> None:
        for path in self.paths:
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)


def run(argv: list[str], workdir: Path, env: dict[str, str], limits: Limits, kind: str,
        shared_cache: Path | None = None, cache_writable: bool = False) -> RunResult:
    """Run `argv` (a python command line) in the sandbox with `workdir` as its only writable place.

    `shared_cache` (models converted once, e.g. lab 03's LLM) is visible at its own path,
    read-only unless `cache_writable` (only for the solution's trusted run).
    """
    cgroup = _Cgroup(limits)
    as_bytes = max(limits.memory_mb * 2**20 * 4, 16 * 2**30)  # address space >> resident memory for torch

    def preexec() -> None:
        os.setsid()
        cgroup.enter()
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * 2**20,) * 2)
        resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_procs * 4,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    if kind == "bwrap":
        full = _bwrap_argv(workdir, shared_cache, cache_writable) + ["--clearenv"]
        for key, value in env.items():
            full += ["--setenv", key, value.replace(str(workdir), "/sub")]
        full += argv
        cwd = None
    else:
        full, cwd = argv, str(workdir)
    started = time.monotonic()
    timed_out = False
    # stdout/stderr go to files outside the sandbox: a flood of output fills at most
    # RLIMIT_FSIZE on disk instead of this process's memory
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(full, cwd=cwd, env=env if kind != "bwrap" else {"PATH": os.environ.get("PATH", "")},
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL, preexec_fn=preexec)
        try:
            proc.wait(timeout=limits.notebook_timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill(proc, cgroup)
            proc.wait()
            cgroup.remove()
        stdout, stderr = _tail(out), _tail(err)
    return RunResult(proc.returncode, stdout, stderr, round(time.monotonic() - started, 2),
                     timed_out, describe(kind).split(" + "))


def _tail(fh, limit: int = 20_000) -> str:
    fh.seek(0, os.SEEK_END)
    fh.seek(max(0, fh.tell() - limit))
    return fh.read().decode("utf-8", errors="replace")


def _kill(proc: subprocess.Popen, cgroup: _Cgroup) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    cgroup.kill_all()
