"""labgrader.grade.cgroups: v1 and v2 against a fake cgroup tree (a stand-in kernel that
creates control files on mkdir, rounds memory to pages, refuses or ignores chosen writes),
and, as root on a machine with cgroups, real pids / memory / cpu limits."""
from __future__ import annotations

import errno
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from labgrader.grade import cgroups
from labgrader.grade.cgroups import Cgroup, CgroupLimits, describe, detect, sweep_stale
from labgrader.grade.confine import confine_argv

MiB = 2**20
PAGE = cgroups.PAGE
LIMITS = CgroupLimits(memory_bytes=2048 * MiB, max_procs=128, cpu_cores=1.0)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


class FakeKernel:
    """A cgroup filesystem in tmp_path. faults: {file name or path relative to root: kind},
    kind "eperm" | "einval" | "ebusy" (the write raises) or "ignore" (accepted, not kept)."""

    V1_FILES = {
        "memory": {"memory.limit_in_bytes": "9223372036854771712",
                   "memory.memsw.limit_in_bytes": "9223372036854771712"},
        "pids": {"pids.max": "max"},
        "cpu": {"cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "-1", "cpu.shares": "1024"},
    }
    V2_FILES = {
        "memory": {"memory.max": "max", "memory.swap.max": "max"},
        "pids": {"pids.max": "max"},
        "cpu": {"cpu.max": "max 100000", "cpu.weight": "100"},
    }

    def __init__(self, monkeypatch, root: Path, version: str, controllers=("memory", "pids", "cpu"),
                 faults=None, no_files=()):
        self.root, self.version, self.faults, self.no_files = root, version, dict(faults or {}), set(no_files)
        self.writes: list[tuple[str, str]] = []
        if version == "v1":
            for c in controllers:
                (root / c).mkdir(parents=True)
                (root / c / "cgroup.procs").write_text("")
        elif version == "v2":
            root.mkdir(parents=True, exist_ok=True)
            (root / "cgroup.controllers").write_text(" ".join(("cpuset", *controllers, "io")) + "\n")
            (root / "cgroup.subtree_control").write_text("")
            (root / "cgroup.procs").write_text("1\n")   # the root may hold processes
        for name in ("_mkdir", "_rmdir", "_write", "_read"):
            monkeypatch.setattr(cgroups, name, getattr(self, name))

    def _fault(self, path: Path):
        rel = str(path.relative_to(self.root))
        return self.faults.get(rel) or self.faults.get(path.name)

    def _populate(self, path: Path) -> None:
        if self.version == "v1":
            controller = path.parent.name
            (path / "cgroup.procs").write_text("")
            for name, value in self.V1_FILES.get(controller, {}).items():
                if name not in self.no_files:
                    (path / name).write_text(value)
        else:
            enabled = (path.parent / "cgroup.subtree_control").read_text().split()
            for name in ("cgroup.procs", "cgroup.subtree_control"):
                (path / name).write_text("")
            (path / "cgroup.controllers").write_text(" ".join(enabled))
            (path / "cgroup.kill").write_text("")
            for c in enabled:
                self._controller_files(path, c)

    def _controller_files(self, path: Path, controller: str) -> None:
        for name, value in self.V2_FILES.get(controller, {}).items():
            if name not in self.no_files and not (path / name).exists():
                (path / name).write_text(value)

    # the four primitives cgroups.py uses
    def _mkdir(self, path: Path) -> None:
        os.mkdir(path)
        self._populate(path)

    def _rmdir(self, path: Path) -> None:
        if self._read(path / "cgroup.procs").split() or any(p.is_dir() for p in path.iterdir()):
            raise OSError(errno.EBUSY, "Device or resource busy", str(path))
        shutil.rmtree(path)

    def _read(self, path: Path) -> str:
        text = Path(path).read_text()
        if path.name == "cgroup.procs":
            text = "".join(f"{p}\n" for p in text.split() if p == "1" or _alive(int(p)))
        return text

    def _write(self, path: Path, text: str) -> None:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
        self.writes.append((str(path.relative_to(self.root)), text))
        kind = self._fault(path)
        if kind in ("eperm", "einval", "ebusy"):
            code = {"eperm": errno.EPERM, "einval": errno.EINVAL, "ebusy": errno.EBUSY}[kind]
            raise OSError(code, os.strerror(code), str(path))
        if kind == "ignore":
            return
        name = path.name
        if name == "cgroup.subtree_control":
            group = path.parent
            have = set(path.read_text().split())
            for token in text.split():
                controller = token[1:]
                if controller not in (group / "cgroup.controllers").read_text().split():
                    raise OSError(errno.ENOENT, "No such file or directory", str(path))
                if group != self.root and self._read(group / "cgroup.procs").split():
                    raise OSError(errno.EBUSY, "Device or resource busy", str(path))
                if token.startswith("+"):
                    have.add(controller)
                    for child in group.iterdir():
                        if child.is_dir():
                            self._controller_files(child, controller)
                            ctl = child / "cgroup.controllers"
                            ctl.write_text(" ".join(sorted(set(ctl.read_text().split()) | {controller})))
            path.write_text(" ".join(sorted(have)))
        elif name == "cgroup.procs":
            path.write_text(path.read_text() + text.strip() + "\n")
        elif name == "cgroup.kill":
            for pid in self._read(path.parent / "cgroup.procs").split():
                os.kill(int(pid), signal.SIGKILL)
        elif name in ("memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.max") and text.strip().isdigit():
            path.write_text(f"{int(text) // PAGE * PAGE}\n")
        else:
            path.write_text(text.strip() + "\n")


# --- detect ---

def test_detect_layouts(tmp_path, monkeypatch):
    FakeKernel(monkeypatch, tmp_path / "v2", "v2")
    FakeKernel(monkeypatch, tmp_path / "v1", "v1")
    hybrid = tmp_path / "hybrid"
    FakeKernel(monkeypatch, hybrid, "v1")
    (hybrid / "unified").mkdir()
    (hybrid / "unified" / "cgroup.controllers").write_text("")   # the empty v2 mount of a hybrid host
    (tmp_path / "empty").mkdir()
    assert detect(tmp_path / "v2") == "v2"
    assert detect(tmp_path / "v1") == "v1"
    assert detect(hybrid) == "v1"
    assert detect(tmp_path / "empty") == "none"
    assert detect(tmp_path / "does-not-exist") == "none"


# --- v1 ---

def test_v1_all_limits_applied_and_read_back(tmp_path, monkeypatch):
    FakeKernel(monkeypatch, tmp_path, "v1")
    group = Cgroup.create(CgroupLimits(memory_bytes=2048 * MiB + 123, max_procs=128, cpu_cores=1.0), root=tmp_path)
    assert group.version == "v1" and group.missing == []
    assert group.applied == ["memory 2048 MiB (cgroup v1)", "memory+swap 2048 MiB (cgroup v1 memsw)",
                             "pids 128 (cgroup v1)", "cpu 1.0 core (cgroup v1 cfs quota)",
                             "cpu.shares 1024 (cgroup v1)"]
    assert group.procs_files == [tmp_path / c / group.name / "cgroup.procs" for c in ("memory", "pids", "cpu")]
    g = {c: tmp_path / c / group.name for c in ("memory", "pids", "cpu")}
    assert (g["memory"] / "memory.limit_in_bytes").read_text().strip() == str(2048 * MiB)
    assert (g["memory"] / "memory.memsw.limit_in_bytes").read_text().strip() == str(2048 * MiB)
    assert (g["pids"] / "pids.max").read_text().strip() == "128"
    assert (g["cpu"] / "cpu.cfs_period_us").read_text().strip() == "100000"
    assert (g["cpu"] / "cpu.cfs_quota_us").read_text().strip() == "100000"
    assert describe(group) == "cgroup v1: memory 2048 MiB incl. swap, pids 128, cpu 1.0 core"


def test_v1_half_core_quota(tmp_path, monkeypatch):
    FakeKernel(monkeypatch, tmp_path, "v1")
    group = Cgroup.create(CgroupLimits(256 * MiB, 20, 0.5), root=tmp_path)
    assert (tmp_path / "cpu" / group.name / "cpu.cfs_quota_us").read_text().strip() == "50000"
    assert "cpu 0.5 core (cgroup v1 cfs quota)" in group.applied


def test_v1_failed_and_unverified_writes_are_missing(tmp_path, monkeypatch):
    kernel = FakeKernel(monkeypatch, tmp_path, "v1", faults={
        "pids.max": "eperm",                 # write refused
        "memory.limit_in_bytes": "ignore",   # write accepted but the value does not stick
        "cpu.cfs_quota_us": "einval",
    })
    group = Cgroup.create(LIMITS, root=tmp_path)
    assert not any(a.startswith(("memory", "pids", "cpu ")) for a in group.applied), group.applied
    assert group.applied == ["cpu.shares 1024 (cgroup v1)"]
    missing = "\n".join(group.missing)
    assert "pids: permission denied" in missing
    assert "memory: wrote" in missing and "but it reads" in missing
    assert "cpu: value refused" in missing
    # groups that limit nothing are not joined and not left behind
    assert group.procs_files == [tmp_path / "cpu" / group.name / "cgroup.procs"]
    assert not (tmp_path / "pids" / group.name).exists()
    assert not (tmp_path / "memory" / group.name).exists()
    assert ("pids/" + group.name + "/pids.max", "128") in kernel.writes
    assert describe(group).startswith("cgroup v1: cpu.shares 1024 (not applied: ")


def test_v1_controller_absent_and_no_swap_accounting(tmp_path, monkeypatch):
    FakeKernel(monkeypatch, tmp_path, "v1", controllers=("memory", "cpu"),
               no_files={"memory.memsw.limit_in_bytes"})
    group = Cgroup.create(LIMITS, root=tmp_path)
    assert "memory 2048 MiB (cgroup v1)" in group.applied
    assert any(m.startswith("pids: controller absent") for m in group.missing)
    assert any(m.startswith("swap: not limited") for m in group.missing)
    assert not any(a.startswith(("pids", "memory+swap")) for a in group.applied)
    assert len(group.procs_files) == 2


def test_v1_mkdir_permission_denied(tmp_path, monkeypatch):
    FakeKernel(monkeypatch, tmp_path, "v1")

    def refuse(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(cgroups, "_mkdir", refuse)
    group = Cgroup.create(LIMITS, root=tmp_path)
    assert group.applied == [] and group.procs_files == []
    assert len(group.missing) == 3 and all("permission denied" in m for m in group.missing)
    assert describe(group).startswith("cgroup: NOT applied (memory: cannot create ")


def test_v1_kill_all_and_remove(tmp_path, monkeypatch):
    FakeKernel(monkeypatch, tmp_path, "v1")
    group = Cgroup.create(LIMITS, root=tmp_path)
    sleepers = [subprocess.Popen(["sleep", "60"]) for _ in range(3)]
    try:
        for proc, procs in zip(sleepers, group.procs_files):
            cgroups._write(procs, str(proc.pid))
        assert sorted(group.pids()) == sorted(p.pid for p in sleepers)
        assert group.remove(tries=2) is False          # busy: rmdir refused, nothing raised
        assert group.kill_all(deadline_s=3) is True
        assert [p.wait(timeout=5) for p in sleepers] == [-signal.SIGKILL] * 3
        paths = list(group.paths)
        assert group.remove() is True
        assert not any(p.exists() for p in paths)
    finally:
        for p in sleepers:
            p.kill()
            p.wait()


# --- v2 ---

def test_v2_leaf_under_delegating_parent(tmp_path, monkeypatch):
    FakeKernel(monkeypatch, tmp_path, "v2")
    group = Cgroup.create(CgroupLimits(512 * MiB, 64, 0.5), root=tmp_path)
    leaf = tmp_path / "labgrader" / group.name
    assert group.version == "v2" and group.missing == []
    assert group.applied == ["memory 512 MiB (cgroup v2)", "swap 0 (cgroup v2 memory.swap.max)",
                             "pids 64 (cgroup v2)", "cpu 0.5 core (cgroup v2 cpu.max)"]
    assert group.procs_files == [leaf / "cgroup.procs"]
    assert set((tmp_path / "cgroup.subtree_control").read_text().split()) >= {"memory", "pids", "cpu"}
    assert set((tmp_path / "labgrader" / "cgroup.subtree_control").read_text().split()) == {"memory", "pids", "cpu"}
    assert (tmp_path / "labgrader" / "cgroup.procs").read_text() == ""   # the grader never sits there
    assert (leaf / "memory.max").read_text().strip() == str(512 * MiB)
    assert (leaf / "memory.swap.max").read_text().strip() == "0"
    assert (leaf / "pids.max").read_text().strip() == "64"
    assert (leaf / "cpu.max").read_text().strip() == "50000 100000"
    assert describe(group) == "cgroup v2: memory 512 MiB incl. swap, pids 64, cpu 0.5 core"
    # a second group reuses the parent
    other = Cgroup.create(CgroupLimits(512 * MiB, 64, 0.5), root=tmp_path)
    assert other.missing == [] and other.name != group.name
    assert group.remove() and other.remove()
    assert not leaf.exists() and (tmp_path / "labgrader").is_dir()


def test_v2_controller_absent_and_unverified(tmp_path, monkeypatch):
    FakeKernel(monkeypatch, tmp_path, "v2", controllers=("memory", "pids"), faults={"pids.max": "ignore"},
               no_files={"memory.swap.max"})
    group = Cgroup.create(LIMITS, root=tmp_path)
    assert group.applied == ["memory 2048 MiB (cgroup v2)"]
    missing = "\n".join(group.missing)
    assert "cpu: controller absent" in missing
    assert "pids: wrote '128'" in missing and "but it reads 'max'" in missing
    assert "swap: not limited" in missing


def test_v2_delegation_refused(tmp_path, monkeypatch):
    FakeKernel(monkeypatch, tmp_path, "v2", faults={"cgroup.subtree_control": "ebusy"})
    group = Cgroup.create(LIMITS, root=tmp_path)
    assert group.applied == []
    assert len(group.missing) == 3
    assert all("busy (processes in that group?)" in m for m in group.missing)
    assert describe(group).startswith("cgroup: NOT applied (memory: cannot enable in ")
    # the leaf still exists: joining it gives kill_all every process even without limits
    assert group.procs_files == [tmp_path / "labgrader" / group.name / "cgroup.procs"]


def test_v2_memory_write_refused(tmp_path, monkeypatch):
    FakeKernel(monkeypatch, tmp_path, "v2", faults={"memory.max": "eperm"})
    group = Cgroup.create(LIMITS, root=tmp_path)
    assert [a.split(" (")[0] for a in group.applied] == ["pids 128", "cpu 1.0 core"]
    assert any(m.startswith("memory: permission denied") for m in group.missing)


@pytest.mark.parametrize("with_kill_file", [True, False])
def test_v2_kill_all(tmp_path, monkeypatch, with_kill_file):
    FakeKernel(monkeypatch, tmp_path, "v2")
    group = Cgroup.create(LIMITS, root=tmp_path)
    if not with_kill_file:
        (group.paths[0] / "cgroup.kill").unlink()
    sleepers = [subprocess.Popen(["sleep", "60"]) for _ in range(2)]
    try:
        for proc in sleepers:
            cgroups._write(group.procs_files[0], str(proc.pid))
        with group:
            pass   # leaving the block kills and removes
        assert [p.wait(timeout=5) for p in sleepers] == [-signal.SIGKILL] * 2
        assert group.remove() is True and not (tmp_path / "labgrader" / group.name).exists()
    finally:
        for p in sleepers:
            p.kill()
            p.wait()


# --- no cgroups, never raising, names, sweep ---

def test_no_cgroups_never_raises(tmp_path):
    with Cgroup.create(LIMITS, root=tmp_path / "nothing") as group:
        assert group.version == "none" and group.procs_files == [] and group.applied == []
        assert [m.split(":")[0] for m in group.missing] == ["memory", "pids", "cpu"]
        assert group.kill_all() is True and group.remove() is True
    assert describe(group).startswith("cgroup: NOT applied (memory: no cgroup hierarchy")


def test_unexpected_error_is_reported_not_raised(tmp_path, monkeypatch):
    FakeKernel(monkeypatch, tmp_path, "v2")

    def boom(path):
        raise RuntimeError("kernel on fire")

    monkeypatch.setattr(cgroups, "_read", boom)
    group = Cgroup.create(LIMITS, root=tmp_path)
    assert group.applied == [] and any("kernel on fire" in m for m in group.missing)


def test_names_unique_and_prefixed(tmp_path, monkeypatch):
    FakeKernel(monkeypatch, tmp_path, "v1")
    names = {Cgroup.create(LIMITS, root=tmp_path).name for _ in range(20)}
    assert len(names) == 20 and all(n.startswith("labgrader-") for n in names)
    assert Cgroup.create(LIMITS, name="x1", root=tmp_path).name == "labgrader-x1"


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_sweep_stale(tmp_path, monkeypatch, version):
    FakeKernel(monkeypatch, tmp_path, version)
    old_empty = Cgroup.create(LIMITS, root=tmp_path)
    old_busy = Cgroup.create(LIMITS, root=tmp_path)
    fresh = Cgroup.create(LIMITS, root=tmp_path)
    for procs in old_busy.procs_files:
        cgroups._write(procs, str(os.getpid()))
    foreign = (tmp_path / "pids" if version == "v1" else tmp_path / "labgrader") / "someone-else"
    cgroups._mkdir(foreign)
    long_ago = time.time() - 7200
    for path in [*old_empty.paths, *old_busy.paths, foreign]:
        os.utime(path, (long_ago, long_ago))
    removed = sweep_stale(root=tmp_path, older_than_s=3600)
    assert sorted(removed) == sorted(old_empty.paths)
    assert not any(p.exists() for p in old_empty.paths)
    assert all(p.exists() for p in [*old_busy.paths, *fresh.paths, foreign])
    assert sweep_stale(root=tmp_path / "nothing") == []


# --- the real machine (root only) ---

REAL = detect() in ("v1", "v2")


def _real_group(limits: CgroupLimits, controller: str) -> Cgroup:
    if os.geteuid() != 0 or not REAL:
        pytest.skip("needs root and a cgroup hierarchy")
    group = Cgroup.create(limits)
    if not any(a.startswith(controller + " ") for a in group.applied):   # "cpu.shares" alone is no quota
        group.kill_all()
        group.remove()
        pytest.skip(f"{controller} limit not available here: {group.missing}")
    return group


FORKER = """
import os, time
ok = 0
for _ in range(100):
    try:
        pid = os.fork()
    except OSError:
        continue
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    ok += 1
print(ok, flush=True)
time.sleep(60)
"""


def test_real_pids_limit_stops_fork_bomb():
    group = _real_group(CgroupLimits(memory_bytes=512 * MiB, max_procs=20, cpu_cores=1.0), "pids")
    paths = list(group.paths)
    proc = subprocess.Popen(confine_argv(sys.executable, join=group.procs_files, argv=[sys.executable, "-c", FORKER]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, "the forking child printed nothing"
        forked = int(proc.stdout.readline())
        assert 1 <= forked < 25, forked
        assert proc.pid in group.pids() and len(group.pids()) == forked + 1
        assert group.kill_all() is True
        assert proc.wait(timeout=10) == -signal.SIGKILL
        assert group.remove() is True
        assert not any(p.exists() for p in paths)
    finally:
        group.kill_all()
        proc.wait()
        group.remove()


def test_real_memory_limit_kills_hog():
    group = _real_group(CgroupLimits(memory_bytes=64 * MiB, max_procs=20, cpu_cores=1.0), "memory")
    try:
        hog = "b = b'x' * (512 * 2**20); print('survived', len(b))"
        small = "b = b'x' * (8 * 2**20); print('fine', len(b))"
        ok = subprocess.run(confine_argv(sys.executable, join=group.procs_files, argv=[sys.executable, "-c", small]),
                            capture_output=True, text=True, timeout=60)
        assert ok.returncode == 0 and "fine" in ok.stdout, ok.stderr
        killed = subprocess.run(confine_argv(sys.executable, join=group.procs_files, argv=[sys.executable, "-c", hog]),
                                capture_output=True, text=True, timeout=60)
        assert "survived" not in killed.stdout
        assert killed.returncode in (-signal.SIGKILL, 1), (killed.returncode, killed.stderr[-500:])
    finally:
        group.kill_all()
        assert group.remove() is True


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])   # utime + stime


def test_real_cpu_quota_caps_busy_children():
    group = _real_group(CgroupLimits(memory_bytes=256 * MiB, max_procs=20, cpu_cores=0.5), "cpu")
    argv = confine_argv(sys.executable, join=group.procs_files, argv=[sys.executable, "-c", "while True: pass"])
    procs = [subprocess.Popen(argv) for _ in range(2)]
    try:
        time.sleep(0.6)
        t0, c0 = time.monotonic(), sum(_cpu_ticks(p.pid) for p in procs)
        time.sleep(2.5)
        t1, c1 = time.monotonic(), sum(_cpu_ticks(p.pid) for p in procs)
        rate = (c1 - c0) / os.sysconf("SC_CLK_TCK") / (t1 - t0)
        assert 0.05 < rate <= 0.7, f"{rate:.2f} core-seconds per second"
    finally:
        group.kill_all()
        for p in procs:
            p.wait()
        assert group.remove() is True


def test_real_v2_leaf_join_and_cgroup_kill():
    """The v2 path on a real cgroup2 mount (on a hybrid host, the controller-less `unified` one):
    leaf creation, joining through confine.py, cgroup.kill and removal."""
    unified = cgroups.ROOT if detect() == "v2" else cgroups.ROOT / "unified"
    if os.geteuid() != 0 or detect(unified) != "v2":
        pytest.skip("needs root and a cgroup2 mount")
    parent = unified / "labgrader"
    made_parent = not parent.exists()
    group = Cgroup.create(LIMITS, root=unified)
    try:
        assert group.version == "v2" and group.procs_files == [parent / group.name / "cgroup.procs"], group
        assert len(group.applied) + len(group.missing) >= 3
        proc = subprocess.Popen(confine_argv(sys.executable, join=group.procs_files,
                                             argv=["sh", "-c", "sleep 60 & sleep 60 & wait"]))
        deadline = time.monotonic() + 10
        while len(group.pids()) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.pid in group.pids() and len(group.pids()) == 3
        assert group.kill_all() is True
        assert proc.wait(timeout=10) == -signal.SIGKILL
        leaf = group.paths[0]
        assert group.remove() is True and not leaf.exists()
    finally:
        group.kill_all()
        group.remove()
        if made_parent:
            try:
                os.rmdir(parent)
            except OSError:
                pass
