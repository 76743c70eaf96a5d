"""A term in miniature: N synthetic students × every notebook of every lab, graded end to end.

    DEEPLABS_MODE=fast .venv/bin/python benchmarks/term.py --students 40 --workers 2
    DEEPLABS_MODE=fast .venv/bin/python benchmarks/term.py --students 8 --serial-check   # + a 1-worker rerun
    DEEPLABS_MODE=fast .venv/bin/python benchmarks/term.py --students 40 --labs 01_music_rnn

Students come from the sample classes (tests/sample_class.py): student i hands in, in every lab,
the i-th of [the solution, round 0, control 0, round 1, control 1, …] (wrong answers and right
answers in other styles, in turn), so the batch runs the code paths a real class does. Each lab is
graded by `labgrader.api.grade_lab` (bwrap, threads) in one workspace under one secret seed; the
solution's reference runs are done first and timed apart (once per term, not per student).

Prints per lab: notebooks graded, wall seconds, the median sandbox seconds per notebook (the
runner's own account of each run) and in total: wall time, seconds per student, the largest child
process's RSS, and the projection to 300 students on this machine. `--serial-check` grades the
same batch again with one worker in a second workspace (same seed) and requires every score to
be identical (exit 1 otherwise).
"""
from __future__ import annotations

import argparse
import itertools
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "autograder"))

from labgrader import api  # noqa: E402
from labgrader.grade import batch  # noqa: E402
from tests.sample_class import build_sample_class  # noqa: E402

LABS = sorted(p.name for p in (REPO / "solutions").iterdir() if list(p.glob("*.ipynb")))
SEED = "20261202"


def build_term(students: int, root: Path, labs: list[str]) -> dict[str, Path]:
    """root/subs/<lab>/s<i>/<notebook>.ipynb for every lab; returns {lab: submissions folder}."""
    folders = {}
    for lab in labs:
        pool = root / "pool" / lab
        plan = build_sample_class(REPO, lab, pool)
        rounds = sorted(s for s in plan if s.startswith("round"))
        controls = sorted(s for s in plan if s.startswith("control"))
        order = ["perfect"] + [s for pair in itertools.zip_longest(rounds, controls) for s in pair if s]
        subs = root / "subs" / lab
        for i in range(students):
            shutil.copytree(pool / order[i % len(order)], subs / f"s{i:03d}")
        folders[lab] = subs
    return folders


class SandboxSeconds:
    """The runner's seconds of every sandboxed run grade_lab starts in this process (threads)."""

    def __init__(self):
        self.seconds: list[float] = []
        self._execute = batch.execute

    def __enter__(self):
        def timed(*args, **kwargs):
            run = self._execute(*args, **kwargs)
            self.seconds.append(run.seconds)
            return run
        batch.execute = timed
        return self

    def __exit__(self, *exc):
        batch.execute = self._execute


def grade_term(folders: dict[str, Path], workspace: Path, workers: int) -> tuple[dict, dict]:
    course = api.load_course(workspace=workspace, repo=REPO)
    course.workspace.mkdir(parents=True, exist_ok=True)
    (course.workspace / "secret_seed").write_text(SEED)
    rows, scores = {}, {}
    for lab, subs in folders.items():
        empty = workspace.parent / f"empty-{workspace.name}"
        empty.mkdir(exist_ok=True)
        started = time.monotonic()
        api.grade_lab(course, lab, empty, workers=1, quiet=True)          # the reference runs
        reference = time.monotonic() - started
        with SandboxSeconds() as sandbox:
            started = time.monotonic()
            report = api.grade_lab(course, lab, subs, workers=workers, quiet=True, force=True)
            wall = time.monotonic() - started
        rows[lab] = {"notebooks": len(report.scores), "wall": wall, "reference": reference,
                     "median": statistics.median(sandbox.seconds) if sandbox.seconds else 0.0,
                     "not_graded": len(report.not_graded)}
        scores[lab] = api.read_scores(course, lab)
    return rows, scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--serial-check", action="store_true")
    parser.add_argument("--labs", nargs="+", choices=LABS, default=LABS, help="only these labs (default: all)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="term-") as tmp:
        root = Path(tmp)
        folders = build_term(args.students, root, args.labs)
        started = time.monotonic()
        rows, scores = grade_term(folders, root / "workspace", args.workers)
        total = time.monotonic() - started
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        notebooks = sum(len(list((REPO / "solutions" / lab).glob("*.ipynb"))) for lab in args.labs)
        print(f"{args.students} students × {notebooks} notebooks, {args.workers} workers")
        print(f"{'lab':<22} {'notebooks':>9} {'wall s':>8} {'median sandbox s':>17} {'reference s':>12}")
        for lab, row in rows.items():
            print(f"{lab:<22} {row['notebooks']:>9} {row['wall']:>8.1f} {row['median']:>17.1f}"
                  f" {row['reference']:>12.1f}" + (f"  ✗ {row['not_graded']} not graded" if row["not_graded"] else ""))
        graded = sum(r["wall"] for r in rows.values())
        references = sum(r["reference"] for r in rows.values())
        print(f"\ngrading: {graded:.0f} s ({graded / args.students:.1f} s per student, all labs); reference runs "
              f"{references:.0f} s; total {total:.0f} s; largest child RSS {rss:.0f} MB")
        print(f"projected to 300 students: {graded / args.students * 300 / 3600:.2f} h of grading on this machine")
        if args.serial_check:
            _, serial = grade_term(folders, root / "serial", 1)
            same = serial == scores
            print(f"serial rerun (1 worker, same seed): gradebook {'identical' if same else 'DIFFERENT'}")
            for lab in scores:
                for student in sorted(set(scores[lab]) | set(serial[lab])):
                    a, b = scores[lab].get(student, {}), serial[lab].get(student, {})
                    for key in sorted(set(a) | set(b)):
                        if a.get(key) != b.get(key):
                            print(f"  {lab} {student} {key}: {a.get(key)} with {args.workers} workers, "
                                  f"{b.get(key)} with 1")
            return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
