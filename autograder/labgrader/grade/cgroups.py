"""Per-submission cgroups: memory, process count and CPU limits on cgroup v1 and v2 hosts.

One submission's kernel must never slow down or starve a concurrent one, so each run gets its
own group with a memory limit (swap included), a process limit (fork bombs) and a CPU quota.

Usage (the grader, with `confine.py` joining the group in the child before exec):

    from labgrader.grade import cgroups
    from labgrader.grade.confine import confine_argv

    limits = cgroups.CgroupLimits(memory_bytes=2048 * 2**20, max_procs=128, cpu_cores=1.0)
    with cgroups.Cgroup.create(limits) as group:          # never raises
        report_line = cgroups.describe(group)              # "cgroup v1: memory 2048 MiB, ..."
        argv = confine_argv(sys.executable, join=group.procs_files, argv=kernel_argv)
        proc = subprocess.Popen(argv, ...)
        ...
        group.kill_all()                                   # every process of the submission
        proc.wait()
    # leaving the block kills what is left and removes the group (best effort)

    cgroups.sweep_stale()   # at start-up: empty groups left behind by a grader killed with -9

Layouts (`detect`):
  v2      /sys/fs/cgroup/cgroup.controllers exists (current Ubuntu/Fedora). Groups are leaves
          `labgrader/labgrader-<hex>`: the parent `labgrader` only delegates (a v2 group whose
          children have controllers enabled cannot hold processes, so the grader never joins it).
          memory.max, memory.swap.max=0, pids.max, cpu.max; kill via cgroup.kill.
  v1      one hierarchy per controller, /sys/fs/cgroup/{memory,pids,cpu}/labgrader-<hex>:
          memory.limit_in_bytes (+ memory.memsw.limit_in_bytes), pids.max,
          cpu.cfs_period_us/cpu.cfs_quota_us and cpu.shares. A hybrid host (v1 controllers and
          an empty v2 `unified` mount) is v1.
  none    no cgroups: `Cgroup.create` returns a group with no procs_files and every limit in
          `missing`.

A limit is listed in `applied` only after its value was read back from the kernel; everything
that could not be applied is in `missing` with the reason. Standard library only.
"""
from __future__ import annotations

import errno
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PREFIX = "labgrader-"
V2_PARENT = "labgrader"
V1_CONTROLLERS = ("memory", "pids", "cpu")
V2_CONTROLLERS = ("memory", "pids", "cpu")
CFS_PERIOD_US = 100_000
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

__all__ = ["CgroupLimits", "Cgroup", "detect", "describe", "sweep_stale", "ROOT", "PREFIX"]


# --- filesystem primitives (module level so tests can stand in for the kernel) -----------------

def _mkdir(path: Path) -> None:
    os.mkdir(path)


def _rmdir(path: Path) -> None:
    os.rmdir(path)


def _write(path: Path, text: str) -> None:
    # no O_CREAT: a control file that does not exist is an absent feature, not a file to make
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _read(path: Path) -> str:
    with open(path, encoding="ascii", errors="replace") as fh:
        return fh.read()


# --- helpers -----------------------------------------------------------------------------------

def _why(exc: BaseException) -> str:
    code = getattr(exc, "errno", None)
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if code == errno.ENOENT:
        return "file absent"
    if code == errno.EBUSY:
        return "busy"
    if code == errno.EINVAL:
        return "value refused"
    if code is not None:
        return f"write failed: {os.strerror(code)}"
    return f"{type(exc).__name__}: {exc}"


def _mib(n: int) -> str:
    return str(n // 2**20) if n % 2**20 == 0 else f"{n / 2**20:.1f}"


def _cores(c: float) -> str:
    return f"{c:.1f} core" if c <= 1 else f"{c:.1f} cores"


def _pids(procs: Path) -> list[int]:
    try:
        return [int(p) for p in _read(procs).split()]
    except (OSError, ValueError):
        return []


def _set(path: Path, value: str, expect=None) -> str | None:
    """Write `value` to a control file and read it back; None when the kernel holds the value,
    else the reason. `expect(read_back) -> bool` overrides the plain comparison."""
    try:
        _write(path, value)
    except OSError as exc:
        return f"{_why(exc)} ({path})"
    try:
        got = _read(path).strip()
    except OSError as exc:
        return f"cannot read back {path}: {_why(exc)}"
    ok = expect(got) if expect else got == value.strip()
    return None if ok else f"wrote {value.strip()!r} to {path} but it reads {got!r}"


def _near_bytes(target: int):
    # the kernel rounds memory limits to whole pages
    def check(got: str) -> bool:
        try:
            return abs(int(got) - target) < PAGE
        except ValueError:
            return False
    return check


def detect(root: Path = ROOT) -> str:
    """"v2" when root/cgroup.controllers exists, "v1" when root/<controller> hierarchies for
    memory, pids or cpu are mounted, else "none"."""
    root = Path(root)
    try:
        if (root / "cgroup.controllers").is_file():
            return "v2"
        if any((root / c / "cgroup.procs").is_file() for c in V1_CONTROLLERS):
            return "v1"
    except OSError:
        pass
    return "none"


@dataclass(frozen=True)
class CgroupLimits:
    memory_bytes: int   # resident memory (swap included where the kernel lets us); <= 0: not requested
    max_procs: int      # processes and threads; <= 0: not requested
    cpu_cores: float    # CPU quota, 1.0 = one core; <= 0: not requested


class Cgroup:
    """One submission's group. Build with `Cgroup.create`; see the module docstring."""

    def __init__(self, limits: CgroupLimits, name: str, version: str, root: Path):
        self.limits = limits
        self.name = name
        self.version = version              # "v1", "v2" or "none"
        self.root = Path(root)
        self.paths: list[Path] = []         # group directories (one per v1 controller, one on v2)
        self.procs_files: list[Path] = []   # write a pid to each to join
        self.applied: list[str] = []        # verified limits, human-readable
        self.missing: list[str] = []        # limits not applied, with why

    def __repr__(self) -> str:
        return f"Cgroup({self.version}, {self.name}, applied={self.applied}, missing={self.missing})"

    # -- construction --

    @classmethod
    def create(cls, limits: CgroupLimits, name: str | None = None, root: Path = ROOT) -> "Cgroup":
        name = name or f"{PREFIX}{uuid.uuid4().hex[:16]}"
        if not name.startswith(PREFIX):
            name = PREFIX + name
        version = detect(root)
        group = cls(limits, name, version, root)
        try:
            if version == "v2":
                group._create_v2()
            elif version == "v1":
                group._create_v1()
            else:
                group._all_missing(f"no cgroup hierarchy under {root}")
        except Exception as exc:  # never raise: report and carry on without the group
            group.missing.append(f"cgroup setup failed: {type(exc).__name__}: {exc}")
        return group

    def _requested(self) -> list[str]:
        out = []
        if self.limits.memory_bytes > 0:
            out.append("memory")
        if self.limits.max_procs > 0:
            out.append("pids")
        if self.limits.cpu_cores > 0:
            out.append("cpu")
        return out

    def _all_missing(self, why: str) -> None:
        for controller in self._requested():
            self.missing.append(f"{controller}: {why}")

    def _create_v1(self) -> None:
        lim = self.limits
        for controller in self._requested():
            base = self.root / controller
            if not (base / "cgroup.procs").is_file():
                self.missing.append(f"{controller}: controller absent (no {base})")
                continue
            path = base / self.name
            try:
                _mkdir(path)
            except OSError as exc:
                self.missing.append(f"{controller}: cannot create {path}: {_why(exc)}")
                continue
            before = len(self.applied)
            if controller == "memory":
                mem = max(PAGE, lim.memory_bytes // PAGE * PAGE)
                why = _set(path / "memory.limit_in_bytes", str(mem), _near_bytes(mem))
                if why:
                    self.missing.append(f"memory: {why}")
                else:
                    self.applied.append(f"memory {_mib(mem)} MiB (cgroup v1)")
                    memsw = path / "memory.memsw.limit_in_bytes"
                    if memsw.exists():
                        why = _set(memsw, str(mem), _near_bytes(mem))
                        if why:
                            self.missing.append(f"swap: {why}")
                        else:
                            self.applied.append(f"memory+swap {_mib(mem)} MiB (cgroup v1 memsw)")
                    else:
                        self.missing.append("swap: not limited (memory.memsw.limit_in_bytes absent: "
                                            "kernel without swap accounting)")
            elif controller == "pids":
                why = _set(path / "pids.max", str(lim.max_procs))
                if why:
                    self.missing.append(f"pids: {why}")
                else:
                    self.applied.append(f"pids {lim.max_procs} (cgroup v1)")
            elif controller == "cpu":
                quota = max(1000, round(lim.cpu_cores * CFS_PERIOD_US))
                why = (_set(path / "cpu.cfs_period_us", str(CFS_PERIOD_US))
                       or _set(path / "cpu.cfs_quota_us", str(quota)))
                if why:
                    self.missing.append(f"cpu: {why}")
                else:
                    self.applied.append(f"cpu {_cores(quota / CFS_PERIOD_US)} (cgroup v1 cfs quota)")
                shares = max(2, round(1024 * lim.cpu_cores))
                why = _set(path / "cpu.shares", str(shares))
                if why:
                    self.missing.append(f"cpu shares: {why}")
                else:
                    self.applied.append(f"cpu.shares {shares} (cgroup v1)")
            if len(self.applied) > before:
                self.paths.append(path)
                self.procs_files.append(path / "cgroup.procs")
            else:  # nothing took: do not make the child join a group that limits nothing
                self._rmdir_retry(path, tries=3)

    def _create_v2(self) -> None:
        lim = self.limits
        wanted = self._requested()
        try:
            available = _read(self.root / "cgroup.controllers").split()
        except OSError as exc:
            self._all_missing(f"cannot read {self.root / 'cgroup.controllers'}: {_why(exc)}")
            return
        usable: dict[str, str] = {}   # controller -> why it cannot be used
        for controller in wanted:
            if controller not in available:
                usable[controller] = f"controller absent (not in {self.root / 'cgroup.controllers'})"
        # delegate from the root (as far as allowed), then from the `labgrader` parent
        parent = self.root / V2_PARENT
        for group in (self.root, parent):
            if group is parent and not parent.is_dir():
                try:
                    _mkdir(parent)
                except FileExistsError:
                    pass
                except OSError as exc:
                    self._all_missing(f"cannot create {parent}: {_why(exc)}")
                    return
            for controller in wanted:
                if controller in usable:
                    continue
                why = self._enable_v2(group, controller)
                if why:
                    usable[controller] = why
        leaf = parent / self.name
        try:
            _mkdir(leaf)
        except OSError as exc:
            self._all_missing(f"cannot create {leaf}: {_why(exc)}")
            return
        self.paths.append(leaf)
        self.procs_files.append(leaf / "cgroup.procs")
        for controller in wanted:
            if controller in usable:
                self.missing.append(f"{controller}: {usable[controller]}")
                continue
            if controller == "memory":
                mem = max(PAGE, lim.memory_bytes // PAGE * PAGE)
                why = _set(leaf / "memory.max", str(mem), _near_bytes(mem))
                if why:
                    self.missing.append(f"memory: {why}")
                    continue
                self.applied.append(f"memory {_mib(mem)} MiB (cgroup v2)")
                swap = leaf / "memory.swap.max"
                if swap.exists():
                    why = _set(swap, "0")
                    if why:
                        self.missing.append(f"swap: {why}")
                    else:
                        self.applied.append("swap 0 (cgroup v2 memory.swap.max)")
                else:
                    self.missing.append("swap: not limited (memory.swap.max absent: kernel without "
                                        "swap accounting)")
            elif controller == "pids":
                why = _set(leaf / "pids.max", str(lim.max_procs))
                if why:
                    self.missing.append(f"pids: {why}")
                else:
                    self.applied.append(f"pids {lim.max_procs} (cgroup v2)")
            elif controller == "cpu":
                quota = max(1000, round(lim.cpu_cores * CFS_PERIOD_US))
                value = f"{quota} {CFS_PERIOD_US}"
                why = _set(leaf / "cpu.max", value, lambda got: got.split() == value.split())  # noqa: B023 (called at once)
                if why:
                    self.missing.append(f"cpu: {why}")
                else:
                    self.applied.append(f"cpu {_cores(quota / CFS_PERIOD_US)} (cgroup v2 cpu.max)")

    @staticmethod
    def _enable_v2(group: Path, controller: str) -> str | None:
        control = group / "cgroup.subtree_control"
        try:
            if controller in _read(control).split():
                return None
        except OSError as exc:
            return f"cannot read {control}: {_why(exc)}"
        try:
            _write(control, f"+{controller}")
        except OSError as exc:
            hint = " (processes in that group?)" if exc.errno == errno.EBUSY else ""
            return f"cannot enable in {control}: {_why(exc)}{hint}"
        try:
            if controller in _read(control).split():
                return None
        except OSError as exc:
            return f"cannot read back {control}: {_why(exc)}"
        return f"wrote +{controller} to {control} but it is not enabled"

    # -- teardown --

    def pids(self) -> list[int]:
        """Processes in the group (all controllers together)."""
        seen: dict[int, None] = {}
        for procs in self.procs_files:
            seen.update(dict.fromkeys(_pids(procs)))
        return list(seen)

    def kill_all(self, deadline_s: float = 5.0) -> bool:
        """SIGKILL every process of the group (v2: cgroup.kill, atomic against forks); repeat
        until the group is empty or `deadline_s` passed. True when it is empty. Never raises."""
        if not self.procs_files:
            return True
        end = time.monotonic() + deadline_s
        if self.version == "v2":
            kill = self.paths[0] / "cgroup.kill"
            try:
                if kill.exists():
                    _write(kill, "1")
            except OSError:
                pass
        me = os.getpid()
        while True:
            left = [p for p in self.pids() if p != me]
            if not left:
                return True
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            if time.monotonic() > end:
                return not [p for p in self.pids() if p != me]
            time.sleep(0.02)

    @staticmethod
    def _rmdir_retry(path: Path, tries: int = 50, pause: float = 0.1) -> bool:
        for attempt in range(tries):
            try:
                _rmdir(path)
                return True
            except FileNotFoundError:
                return True
            except OSError:
                if attempt + 1 < tries:
                    time.sleep(pause)
            except Exception:
                return False
        return False

    def remove(self, tries: int = 50) -> bool:
        """rmdir every group directory (retries while the last processes exit). Never raises;
        True when nothing is left. The v2 parent `labgrader` stays (other runs share it)."""
        ok = True
        for path in self.paths:
            ok = self._rmdir_retry(path, tries=tries) and ok
        if ok:
            self.paths, self.procs_files = [], []
        return ok

    def __enter__(self) -> "Cgroup":
        return self

    def __exit__(self, *exc) -> None:
        self.kill_all()
        self.remove()


def describe(cgroup: Cgroup) -> str:
    """One line for the grading report."""
    if cgroup.applied:
        short = [a.split(" (")[0] for a in cgroup.applied]
        swap = any(s.startswith(("memory+swap ", "swap ")) for s in short)
        parts = [s + (" incl. swap" if swap and s.startswith("memory ") else "") for s in short
                 if not s.startswith(("memory+swap ", "swap ", "cpu.shares "))]
        line = f"cgroup {cgroup.version}: " + ", ".join(parts or short)
        if cgroup.missing:
            line += " (not applied: " + "; ".join(cgroup.missing) + ")"
        return line
    return "cgroup: NOT applied (" + ("; ".join(cgroup.missing) or "no limits requested") + ")"


def sweep_stale(root: Path = ROOT, older_than_s: float = 3600) -> list[Path]:
    """Remove empty `labgrader-*` groups older than `older_than_s` (left by a grader that was
    killed with -9). Best effort, never raises; returns the groups removed."""
    root = Path(root)
    removed: list[Path] = []
    version = detect(root)
    if version == "v2":
        bases = [root / V2_PARENT]
    elif version == "v1":
        bases = [root / c for c in V1_CONTROLLERS]
    else:
        return removed
    now = time.time()
    for base in bases:
        try:
            children = list(base.iterdir())
        except OSError:
            continue
        for group in children:
            try:
                if not group.name.startswith(PREFIX) or not group.is_dir() or group.is_symlink():
                    continue
                if now - group.stat().st_mtime < older_than_s:
                    continue
                if _pids(group / "cgroup.procs") or not (group / "cgroup.procs").exists():
                    continue
                _rmdir(group)
                removed.append(group)
            except Exception:
                continue
    return removed
