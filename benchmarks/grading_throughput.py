"""Grading throughput: serial nbgrader autograde vs labgrader (threads) vs labgrader on Dask.

    python benchmarks/grading_throughput.py --n 40 --workers 2
    python benchmarks/grading_throughput.py --n 20 --workers 1 2 --skip-nbgrader   # speed-up per worker
    python benchmarks/grading_throughput.py --n 10 --notebook 05_adversarial/05_adversarial

Grades N copies of one notebook (default lab 01 part 1; the solution's answers) three ways on this
machine and prints wall time, time per submission and peak memory (max RSS of this process's
children). nbgrader runs in its own course folder built here (release + `nbgrader autograde`,
serial, no sandbox, every cell); labgrader runs as in production (bwrap sandbox, display-only cells
skipped, the solution's reference run done beforehand).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAB, NB = "01_music_rnn", "01_pytorch_primer"  # --notebook LAB/NB sets them


def children_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def nbgrader_serial(n: int, root: Path) -> float:
    course = root / "nbgrader_course"
    (course / "source" / "bench").mkdir(parents=True)
    shutil.copy(REPO / "solutions" / LAB / f"{NB}.ipynb", course / "source" / "bench" / f"{NB}.ipynb")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.root = %r\nc.ExecutePreprocessor.timeout = 300\n" % str(course))
    env = {**os.environ, "DEEPLABS_MODE": "fast", "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    run = lambda *args: subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,  # noqa: E731
                                       check=True, capture_output=True)
    run("generate_assignment", "bench", "--force")
    for i in range(n):
        target = course / "submitted" / f"s{i:02d}" / "bench"
        target.mkdir(parents=True)
        shutil.copy(course / "source" / "bench" / f"{NB}.ipynb", target / f"{NB}.ipynb")
    started = time.monotonic()
    run("autograde", "bench", "--force")
    return time.monotonic() - started


def labgrader(n: int, root: Path, workers: int, scheduler: str | None) -> float:
    from labgrader.api import grade_lab, load_course

    subs = root / f"subs-{scheduler or 'threads'}-{workers}"
    subs.mkdir()
    for i in range(n):
        shutil.copy(REPO / "solutions" / LAB / f"{NB}.ipynb", subs / f"s{i:02d}.ipynb")
    course = load_course(workspace=root / "workspace", repo=REPO)
    grade_lab(course, LAB, _warm(root), workers=1, quiet=True, notebooks=[NB])
    started = time.monotonic()
    report = grade_lab(course, LAB, subs, workers=workers, quiet=True, scheduler=scheduler, notebooks=[NB], force=True)
    elapsed = time.monotonic() - started
    assert all(s.score == s.max_score for s in report.scores), "benchmark submissions must get full marks"
    return elapsed


def _warm(root: Path) -> Path:
    """An empty submissions folder: the first call only syncs the gradebook and runs the reference."""
    warm = root / "warm"
    warm.mkdir(exist_ok=True)
    return warm


def main() -> None:
    global LAB, NB
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--workers", type=int, nargs="+", default=[2], help="one or more worker counts")
    parser.add_argument("--skip-nbgrader", action="store_true")
    parser.add_argument("--notebook", default=f"{LAB}/{NB}", help="LAB/NOTEBOOK of solutions/ to grade")
    args = parser.parse_args()
    LAB, NB = args.notebook.split("/")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        root = Path(tmp)
        rows = []
        if not args.skip_nbgrader:
            rows.append(("nbgrader autograde, serial", nbgrader_serial(args.n, root), children_maxrss_mb()))
        for workers in args.workers:
            rows.append((f"labgrader, {workers} threads", labgrader(args.n, root, workers, None),
                         children_maxrss_mb()))
            rows.append((f"labgrader, Dask LocalCluster ({workers})", labgrader(args.n, root, workers, "local"),
                         children_maxrss_mb()))
    base = rows[0][1]
    print(f"{args.n} submissions of {LAB}/{NB}, {os.cpu_count()} cores")
    print(f"{'how':<36} {'wall s':>8} {'s/submission':>13} {'speed-up':>9} {'peak child RSS MB':>18}")
    for name, seconds, rss in rows:
        print(f"{name:<36} {seconds:8.1f} {seconds / args.n:13.2f} {base / seconds:8.2f}x {rss:18.0f}")


if __name__ == "__main__":
    main()
