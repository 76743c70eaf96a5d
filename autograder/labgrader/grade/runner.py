"""The grader's runner: one process per notebook, on the host, driving a sandboxed kernel.

    python -m labgrader.grade.runner JOB_DIR      (execute.py starts it; not for people)

JOB_DIR (private to the grader, never visible to the kernel) holds job.json: the notebook to
run, the sandbox kind and limits, the kernel's environment and the cgroup to join. The runner
starts the kernel inside the sandbox (sandbox.py) and talks to it over Unix sockets in
JOB_DIR/ipc, connected before any student code runs and never reconnected, so the kernel cannot
redirect them. It runs every code cell in order with a per-cell timeout (interrupt, then kill),
takes grading records (deeplabs.protocol.RECORD_MIME) off the cell that is running, and writes
JOB_DIR/result.json and JOB_DIR/executed.ipynb. Everything in them is the runner's own account:
which cell ran, how it ended, which records it emitted. Values inside records are the kernel's
and are judged, never believed, by the grader.
"""
from __future__ import annotations

import json
import os
import stat
import sys
import time
from pathlib import Path
from queue import Empty

import zmq
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpec

from deeplabs.protocol import RECORD_MIME

from . import confine, sandbox

MAX_MESSAGE_BYTES = 16 * 2**20    # one message from the kernel; a larger one drops the channel
MAX_CELL_OUTPUT_BYTES = 2**22     # outputs kept per cell (for the instructor's copy)
MAX_OUTPUT_CHARS = 20_000         # per stream output kept
MAX_RECORDS_BYTES = 64 * 2**20    # all records of one notebook
ERROR_TYPE_CHARS = 60


class SandboxedKernelManager(KernelManager):
    """A KernelManager whose kernel command is the sandbox around ipykernel."""

    def __init__(self, job: dict, job_dir: Path, **kwargs):
        self.job, self.job_dir = job, job_dir
        super().__init__(**kwargs)
        self._kernel_spec = KernelSpec(argv=["sandboxed"], display_name="sandboxed", language="python",
                                       interrupt_mode="message")  # signals do not cross bwrap

    def format_kernel_cmd(self, extra_arguments=None):
        job, ipc = self.job, self.job_dir / "ipc"
        paths = job["paths"]
        info = json.loads(Path(self.connection_file).read_text())
        info["ip"] = paths["ipc"]
        (ipc / "kernel.json").write_text(json.dumps(info))
        kernel_conn = str(Path(paths["ipc"]).parent / "kernel.json")
        limits = sandbox.Limits(**job["limits"])
        rlimits = {"CPU": limits.cpu_s, "FSIZE": limits.file_mb * 2**20, "CORE": 0,
                   "AS": max(limits.memory_mb * 2**20 * 4, 16 * 2**30),
                   # per user, not per submission (kernels may share uid nobody): the pids cgroup
                   # is the per-submission limit, this only a backstop
                   "NPROC": max(4096, limits.max_procs * 4)}
        argv = confine.confine_argv(sys.executable, join=job["join"], rlimits=rlimits,
                                    uid=job.get("uid"), gid=job.get("uid"), new_session=True,
                                    die_with_parent=True)
        if job["kind"] == "bwrap":
            shared = Path(job["shared_cache"]) if job.get("shared_cache") else None
            argv += sandbox.bwrap_argv(ipc, limits, shared, job.get("cache_writable", False))
        return argv + [sys.executable, "-m", "ipykernel_launcher", "-f", kernel_conn]


def _wait_for_sockets(km: KernelManager, deadline: float) -> None:
    """The kernel binds its sockets in ipc/; connect only to real sockets (no links)."""
    prefix = km.ip
    ports = [km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port]
    while time.monotonic() < deadline:
        if not km.is_alive():
            raise KernelStartError("the kernel exited while starting")
        try:
            modes = [os.lstat(f"{prefix}-{port}").st_mode for port in ports]
            if all(stat.S_ISSOCK(m) for m in modes):
                return
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    raise KernelStartError("the kernel did not start in time")


class KernelStartError(RuntimeError):
    pass


def _error_type(content: dict) -> str:
    name = str(content.get("ename", "Error"))
    return "".join(ch for ch in name if ch.isalnum() or ch in "._")[:ERROR_TYPE_CHARS] or "Error"


def _output_from_msg(kind: str, content: dict) -> dict | None:
    """An nbformat v4 output for an iopub message, or None for one of the wrong shape.

    Written here rather than taken from nbformat: nbformat (jsonschema) costs the runner, a
    process per notebook, more to import than a small notebook takes to run.
    """
    def texts(value) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    if kind == "stream":
        name, text = content.get("name"), content.get("text")
        if name in ("stdout", "stderr") and isinstance(text, str):
            return {"output_type": "stream", "name": name, "text": text}
        return None
    if kind in ("display_data", "execute_result"):
        data, metadata = content.get("data"), content.get("metadata", {})
        if not (isinstance(data, dict) and isinstance(metadata, dict) and all(isinstance(k, str) for k in data)):
            return None
        if not all(isinstance(v, (str, dict, list)) for v in data.values()):
            return None
        out = {"output_type": kind, "data": data, "metadata": metadata}
        if kind == "execute_result":
            count = content.get("execution_count")
            out["execution_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
        return out
    if kind == "error":
        ename, evalue, traceback = content.get("ename"), content.get("evalue"), content.get("traceback")
        if isinstance(ename, str) and isinstance(evalue, str) and texts(traceback):
            return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": traceback}
    return None


class CellRun:
    """Collects one cell's outputs and records from iopub."""

    def __init__(self):
        self.outputs: list = []
        self.records: list[dict] = []
        self.bytes = 0
        self.dropped = False
        self.error_type: str | None = None

    def add(self, msg: dict) -> None:
        kind, content = msg["msg_type"], msg.get("content", {})
        if kind == "display_data" and isinstance(content.get("data"), dict) and RECORD_MIME in content["data"]:
            entry = content["data"][RECORD_MIME]
            self.records.append(entry if isinstance(entry, dict) else {"malformed": True})
            return
        if kind == "error":
            self.error_type = _error_type(content)
        if kind == "clear_output":
            self.outputs, self.bytes = [], 0
            return
        if kind not in ("stream", "display_data", "execute_result", "error"):
            return
        size = len(json.dumps(content, default=str))
        if self.bytes + size > MAX_CELL_OUTPUT_BYTES:
            if not self.dropped:
                self.outputs.append({"output_type": "stream", "name": "stdout",
                                     "text": "\n… further output dropped by the grader (too much output) …\n"})
            self.dropped = True
            return
        self.bytes += size
        out = _output_from_msg(kind, content)
        if out is None:  # the kernel built a message a notebook cannot hold: drop it
            return
        if out.get("output_type") == "stream" and len(out.get("text", "")) > MAX_OUTPUT_CHARS:
            out["text"] = out["text"][:MAX_OUTPUT_CHARS] + "\n… output truncated by the grader …\n"
        self.outputs.append(out)


def run_cell(km: KernelManager, kc, source: str, timeout: float, grace: float) -> tuple[str, CellRun]:
    """Execute one cell. Outcome: ok | error | interrupted | killed | died | unreadable."""
    run = CellRun()
    msg_id = kc.execute(source, store_history=True, allow_stdin=False, stop_on_error=False)
    deadline, interrupted, replied, idle = time.monotonic() + timeout, False, False, False
    outcome = "ok"
    last_alive = time.monotonic()
    while not (replied and idle):
        now = time.monotonic()
        if now >= deadline:
            if interrupted:
                _kill(km)
                return "killed", run
            try:
                km.interrupt_kernel()
            except zmq.ZMQError:  # the control socket does not take it: the kernel is gone or stuck
                _kill(km)
                return "killed", run
            interrupted, deadline = True, now + grace
        if now - last_alive > 1.0:
            last_alive = now
            if not km.is_alive():
                return "died", run
        try:
            msg = kc.get_iopub_msg(timeout=0.1)
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                if msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle":
                    idle = True
                else:
                    run.add(msg)
        except Empty:
            pass
        try:
            while True:
                reply = kc.get_shell_msg(timeout=0)
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    replied = True
                    if reply["content"].get("status") == "error":
                        outcome = "error"
                        run.error_type = run.error_type or _error_type(reply["content"])
        except Empty:
            pass
    if interrupted:
        outcome = "interrupted"
    return outcome, run


def _die_with_grader() -> None:
    """The runner goes when the grader goes (kill -9 included), and its kernel with it."""
    import ctypes
    import signal

    ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG


def _kill(km: KernelManager) -> None:
    """Stop the kernel without talking to it (it may be dead, or deaf on purpose)."""
    process = getattr(km.provisioner, "process", None) if km.provisioner else None
    try:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(10)
    except Exception:
        pass
    try:
        km.cleanup_resources()
    except Exception:
        pass


def run_job(job_dir: Path) -> dict:
    _die_with_grader()
    job = json.loads((job_dir / "job.json").read_text())
    (job_dir / "job.json").unlink()  # it holds the hidden tests: in memory only from here on
    nb = job["notebook"]  # a plain dict: the grader built it with nbformat, the runner only fills outputs
    limits = sandbox.Limits(**job["limits"])
    result = {"status": "ok", "cells": [], "records": [], "problems": []}
    started = time.monotonic()
    km = SandboxedKernelManager(job, job_dir, transport="ipc", ip=str(job_dir / "ipc" / "kernel"),
                                connection_file=str(job_dir / "connection.json"))
    km.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    km.context.setsockopt(zmq.RCVHWM, 64)      # at most 64 × 16 MB queued from the kernel
    km.context.setsockopt(zmq.SNDTIMEO, 2000)  # a dead kernel must not block a send forever
    km.context.setsockopt(zmq.LINGER, 0)
    km.start_kernel(env=job["env"])
    try:
        _wait_for_sockets(km, time.monotonic() + 60)
        # connected once, to the sockets just checked, before any student code runs; never
        # reconnected, so a kernel that swaps a socket for a link cannot redirect the runner
        km.context.setsockopt(zmq.RECONNECT_IVL, -1)
        km._close_control_socket()
        km._connect_control_socket()
        kc = km.client()
        kc.start_channels(hb=False)
        try:
            kc.wait_for_ready(timeout=120)
        except RuntimeError as err:
            raise KernelStartError(str(err)) from err
        records_bytes, stopped = 0, None
        for index, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code":
                continue
            info = {"index": index, "id": cell.get("id"),
                    "grade_id": cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")}
            if stopped:
                info["outcome"] = "not run"
                result["cells"].append(info)
                continue
            left = limits.notebook_timeout_s - (time.monotonic() - started)
            cell_started = time.monotonic()
            try:
                outcome, run = run_cell(km, kc, cell["source"], min(limits.cell_timeout_s, max(left, 1)),
                                        limits.interrupt_grace_s)
            except (zmq.ZMQError, ValueError, KeyError, TypeError, RecursionError) as err:
                # the kernel sent something jupyter_client cannot read (it controls the messages)
                outcome, run = "unreadable", CellRun()
                result["problems"].append(f"cell {index}: the kernel sent a message the grader could not read "
                                          f"({type(err).__name__})")
            cell["outputs"] = run.outputs
            cell["execution_count"] = index
            info.update(outcome=outcome, error_type=run.error_type, seconds=round(time.monotonic() - cell_started, 2),
                        timed_out=time.monotonic() - started >= limits.notebook_timeout_s)
            result["cells"].append(info)
            for entry in run.records:
                size = len(json.dumps(entry))
                records_bytes += size
                if records_bytes > MAX_RECORDS_BYTES:
                    result["problems"].append("too much recorded output; the rest was ignored")
                    break
                result["records"].append({"cell": info["grade_id"] or info["id"], "index": index, "entry": entry})
            if outcome in ("killed", "died", "unreadable"):
                stopped = outcome
            elif time.monotonic() - started >= limits.notebook_timeout_s:
                stopped = "notebook timeout"
        if stopped:
            result["status"] = stopped
    finally:
        _kill(km)
    result["seconds"] = round(time.monotonic() - started, 2)
    (job_dir / "executed.ipynb").write_text(json.dumps(nb))
    return result


def main(argv=None) -> int:
    job_dir = Path((argv or sys.argv[1:])[0])
    try:
        result = run_job(job_dir)
    except KernelStartError as err:
        result = {"status": "start failed", "cells": [], "records": [], "problems": [str(err)]}
    tmp = job_dir / "result.tmp"
    tmp.write_text(json.dumps(result))
    os.replace(tmp, job_dir / "result.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
