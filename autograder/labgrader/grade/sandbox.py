"""Where a student's kernel runs: the command line that confines it, and the limits it gets.

Only the Jupyter *kernel* is sandboxed. The grader's runner (runner.py) stays outside, on the
host, and drives the kernel over Unix sockets; so the kernel cannot signal, trace or write to
it, and nothing the kernel prints or leaves behind is read as a status (docs/grading.md).

Layers, strongest available first (the report says which were applied):
  bwrap    bubblewrap (Debian `bubblewrap`): a private mount namespace showing only the system,
           the Python environment (the grader's and the parity libraries hidden), the course
           helpers and a size-capped scratch tmpfs; no network; own PID namespace; the seed is
           passed in the environment, never on a command line.
  cgroup   memory, pids and CPU quota per submission, cgroup v1 or v2 (cgroups.py).
  rlimit   CPU time, address space, file size, processes (confine.py, before exec).
  uid      without bwrap, as root: the kernel runs as an unprivileged user (nobody).
  timeout  per cell (interrupt, then SIGKILL) and per notebook, enforced by the runner.
Without bwrap (`--sandbox rlimit`) a kernel can read whatever its user can read and see other
kernels: use that only where bubblewrap cannot run, and keep the workspace private (0700).
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

NOBODY = 65534
# Packages the grader has and students do not: hidden from the kernel (an empty tmpfs over each)
# so grading sees what a student's environment has. Not hidden: packages that a lab's libraries
# probe with find_spec (transformers and sentence-transformers probe peft; datasets probes dask),
# since an emptied folder still looks installed to a probe and the import after it then fails.
HIDDEN_PACKAGES = ("labgrader", "nbgrader", "diffusers", "torchattacks", "playwright", "xdist", "pytest",
                   "_pytest", "nbval")


@dataclass(frozen=True)
class Limits:
    cell_timeout_s: int = 300       # one cell; real training cells in fast mode take < 60 s
    interrupt_grace_s: int = 10     # after the interrupt, a cell that ignores it is killed
    notebook_timeout_s: int = 900   # the whole notebook
    memory_mb: int = 6144           # a 135M-parameter LLM in fp32 needs ~2 GB
    cpu_s: int = 3600
    file_mb: int = 512
    scratch_mb: int = 1024          # the kernel's writable space (/sub and /tmp, each)
    max_procs: int = 256
    cpu_cores: float = 0.0          # CPU quota per submission; 0 = the run's thread count

    def to_dict(self) -> dict:
        return asdict(self)


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


def choose(requested: str = "auto") -> str:
    if requested == "bwrap" and not bwrap_works():
        raise RuntimeError("bubblewrap was requested but cannot run here (apt install bubblewrap; "
                           "user namespaces must be allowed). Use --sandbox rlimit to grade anyway.")
    if requested == "auto":
        return "bwrap" if bwrap_works() else "rlimit"
    if requested not in ("bwrap", "rlimit"):
        raise RuntimeError(f"unknown sandbox {requested!r}: use auto, bwrap or rlimit")
    return requested


def python_roots() -> list[Path]:
    """Folders the interpreter, the installed packages and the course helpers live in."""
    import deeplabs

    exe = Path(sys.executable).resolve()
    roots = {Path(sys.prefix), Path(sys.base_prefix), exe.parents[1], Path(deeplabs.__file__).resolve().parents[1]}
    return sorted(r for r in roots if r.exists())


def hidden_package_dirs(names=HIDDEN_PACKAGES) -> list[Path]:
    """Installed folders of the grader-only packages (each gets an empty tmpfs over it)."""
    import deeplabs

    helpers = Path(deeplabs.__file__).resolve().parents[1]
    found = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            path = Path(location).resolve()
            if path.is_dir() and helpers not in path.parents:
                found.append(path)
    return sorted(set(found))


def bwrap_argv(ipc_dir: Path, limits: Limits, shared_cache: Path | None, cache_writable: bool) -> list[str]:
    """bubblewrap around the kernel: the kernel sees /ipc (its sockets), /sub (scratch), /tmp."""
    scratch = str(limits.scratch_mb * 2**20)
    argv = ["bwrap", "--die-with-parent", "--unshare-all", "--new-session", "--cap-drop", "ALL",
            "--proc", "/proc", "--dev", "/dev"]
    for system in ("/usr", "/bin", "/lib", "/lib64", "/etc"):
        if Path(system).exists():
            argv += ["--ro-bind", system, system]
    # the scratch tmpfs first: a later bind under /tmp (a checkout, a workspace) then shows
    # through it instead of being hidden by it
    argv += ["--size", scratch, "--tmpfs", "/tmp", "--size", scratch, "--tmpfs", "/sub", "--dir", "/sub/home"]
    for root in python_roots():
        argv += ["--ro-bind", str(root), str(root)]
    for hidden in hidden_package_dirs():
        argv += ["--tmpfs", str(hidden)]
    if shared_cache is not None:
        argv += ["--bind" if cache_writable else "--ro-bind", str(shared_cache), str(shared_cache)]
    argv += ["--bind", str(ipc_dir), "/ipc", "--chdir", "/sub",
             "--unsetenv", "JPY_PARENT_PID"]  # a host pid means nothing in the kernel's namespace
    return argv


def kernel_paths(kind: str, ipc_dir: Path, scratch: Path) -> dict[str, str]:
    """How the kernel sees its socket prefix, scratch folder and home."""
    if kind == "bwrap":
        return {"ipc": "/ipc/kernel", "cwd": "/sub", "home": "/sub/home", "tmp": "/tmp"}
    return {"ipc": str(ipc_dir / "kernel"), "cwd": str(scratch), "home": str(scratch / "home"),
            "tmp": str(scratch / "tmp")}


@lru_cache(maxsize=None)
def nobody_can_run_python() -> bool:
    """Without bwrap, a root grader runs kernels as nobody (who cannot read the 0700 workspace),
    when nobody can reach the interpreter and the helpers (not under a 0700 /root, say)."""
    if os.geteuid() != 0:
        return False
    for root in python_roots():
        for folder in (root, *root.parents):
            if not os.stat(folder).st_mode & 0o001:
                return False
    return True
