"""labgrader.grade.confine: the launcher that confines a child and execs it (no preexec_fn)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from labgrader.grade import confine
from labgrader.grade.confine import CONFINE_PATH, confine_argv

PY = sys.executable
NOBODY = 65534
root_only = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


def _run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, **kw)


def test_command_line_shape():
    argv = confine_argv("/usr/bin/python3", join=["/a/cgroup.procs", Path("/b/cgroup.procs")],
                        rlimits={"cpu": 10, "RLIMIT_FSIZE": (1, 2)}, uid=NOBODY, gid=NOBODY, argv=["x", "-y"])
    assert argv[:4] == ["/usr/bin/python3", "-I", "-S", CONFINE_PATH]
    assert argv[argv.index("--"):] == ["--", "x", "-y"]
    opts = argv[4:argv.index("--")]
    assert opts == ["--new-session", "--join", "/a/cgroup.procs", "--join", "/b/cgroup.procs",
                    "--rlimit", "CPU=10:10", "--rlimit", "FSIZE=1:2", "--uid", "65534", "--gid", "65534"]
    assert "--new-session" not in confine_argv(PY, new_session=False, argv=["x"])
    with pytest.raises(ValueError):
        confine_argv(PY, rlimits={"STACK": 1})
    with pytest.raises(ValueError):
        confine_argv(PY, uid=NOBODY)
    with pytest.raises(ValueError):
        confine_argv(PY, rlimits={"CPU": "lots"})


def test_stdlib_only_source():
    """It runs under -S: only standard-library imports, none from labgrader/deeplabs."""
    source = Path(CONFINE_PATH).read_text()
    imported = {line.split()[1].split(".")[0] for line in source.splitlines()
                if line.strip().startswith(("import ", "from ")) and not line.startswith("from __future__")}
    assert imported <= set(sys.stdlib_module_names), imported


def test_rlimits_applied():
    report = ("import json, resource; print(json.dumps({n: resource.getrlimit(getattr(resource, 'RLIMIT_' + n))"
              " for n in ['CPU', 'FSIZE', 'AS', 'NPROC', 'CORE', 'NOFILE']}))")
    limits = {"CPU": 100, "FSIZE": (2**20, 2 * 2**20), "AS": (8 * 2**30, "unlimited"),
              "NPROC": 4000, "CORE": 0, "NOFILE": (64, 128)}
    out = _run(confine_argv(PY, rlimits=limits, argv=[PY, "-c", report]))
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    inf = -1  # resource.RLIM_INFINITY on Linux
    assert got == {"CPU": [100, 100], "FSIZE": [2**20, 2 * 2**20], "AS": [8 * 2**30, inf],
                   "NPROC": [4000, 4000], "CORE": [0, 0], "NOFILE": [64, 128]}


def test_rlimit_really_enforced(tmp_path):
    big = tmp_path / "big"
    out = _run(confine_argv(PY, rlimits={"FSIZE": 4096},
                            argv=[PY, "-c", f"open({str(big)!r}, 'wb').write(b'x' * 100000)"]))
    assert out.returncode != 0 and big.stat().st_size <= 4096


@pytest.mark.parametrize("spec", ["STACK=1", "CPU", "CPU=abc", "CPU=10:5", "NOFILE=unlimited:10"])
def test_bad_rlimit_refused(spec, tmp_path):
    marker = tmp_path / "ran"
    out = _run([PY, "-I", "-S", CONFINE_PATH, "--rlimit", spec, "--", "touch", str(marker)])
    assert out.returncode == 125 and "confine:" in out.stderr
    assert not marker.exists()


def test_exec_keeps_pid_and_joins(tmp_path):
    procs = tmp_path / "cgroup.procs"   # a regular file stands in for a cgroup's
    procs.write_text("")
    proc = subprocess.Popen(confine_argv(PY, join=[procs],
                                         argv=[PY, "-c", "import os; print(os.getpid(), os.getsid(0))"]),
                            stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate(timeout=60)
    pid, sid = map(int, out.split())
    assert pid == proc.pid                          # exec'd, not forked
    assert procs.read_text().strip() == str(pid)    # joined with its own pid
    assert sid == pid                               # --new-session


def test_without_new_session_keeps_session():
    out = _run(confine_argv(PY, new_session=False, argv=[PY, "-c", "import os; print(os.getsid(0))"]))
    assert int(out.stdout) == os.getsid(0)


def test_failing_join_exits_125(tmp_path):
    marker = tmp_path / "ran"
    bad = tmp_path / "no-such-group" / "cgroup.procs"
    out = _run(confine_argv(PY, join=[bad], argv=["touch", str(marker)]))
    assert out.returncode == 125
    assert f"cannot join cgroup {bad}" in out.stderr
    assert not marker.exists()                      # the command never ran outside its group
    out = _run(confine_argv(PY, join=[bad], join_optional=True, argv=["touch", str(marker)]))
    assert out.returncode == 0 and "warning" in out.stderr and marker.exists()


def test_usage_errors():
    assert _run([PY, "-I", "-S", CONFINE_PATH, "true"]).returncode == 125          # no --
    assert _run([PY, "-I", "-S", CONFINE_PATH, "--"]).returncode == 125            # no command
    assert _run([PY, "-I", "-S", CONFINE_PATH, "--bogus", "--", "true"]).returncode == 125
    assert _run([PY, "-I", "-S", CONFINE_PATH, "--uid", "1", "--", "true"]).returncode == 125
    missing = _run([PY, "-I", "-S", CONFINE_PATH, "--", "/no/such/program"])
    assert missing.returncode == 127 and "not found" in missing.stderr


@root_only
def test_uid_drop_to_nobody():
    out = _run(confine_argv(PY, uid=NOBODY, gid=NOBODY, argv=["sh", "-c", "id -u; id -g; id -G"]))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["65534", "65534", "65534"]   # uid, gid, no other groups


@root_only
def test_no_way_back_to_root():
    """Once dropped, a nested launcher asked for uid 0 refuses (125) instead of running."""
    system_python = shutil.which("python3", path="/usr/bin:/bin")
    if not system_python:
        pytest.skip("no system python3 that nobody can run")
    public = Path(tempfile.mkdtemp(prefix="confine-test-"))
    try:
        public.chmod(0o755)
        copy = public / "confine.py"
        shutil.copy(CONFINE_PATH, copy)
        copy.chmod(0o644)
        inner = [system_python, "-I", "-S", str(copy), "--uid", "0", "--gid", "0", "--", "id", "-u"]
        out = _run(confine_argv(PY, uid=NOBODY, gid=NOBODY, argv=inner), cwd="/")
        assert out.returncode == 125, (out.stdout, out.stderr)
        assert "cannot switch to uid 0" in out.stderr and out.stdout == ""
    finally:
        shutil.rmtree(public)


def test_main_in_process_rejects_before_exec(capsys, monkeypatch):
    """main() never execs after a failed step (checked without a subprocess)."""
    calls = []
    monkeypatch.setattr(os, "execvp", lambda *a: calls.append(a))
    monkeypatch.setattr(os, "_exit", lambda code: (_ for _ in ()).throw(SystemExit(code)))
    with pytest.raises(SystemExit) as exc:
        confine.main(["--join", "/no/such/cgroup.procs", "--", "true"])
    assert exc.value.code == 125 and calls == []
    confine.main(["--", "true", "x"])
    assert calls == [("true", ["true", "x"])]
