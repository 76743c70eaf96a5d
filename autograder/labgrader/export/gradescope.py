"""A Gradescope autograder bundle, and the code that runs inside it.

    labgrader export --gradescope 01_music_rnn --out autograder.zip     # upload to Gradescope

Gradescope unpacks the zip in /autograder/source, runs setup.sh once per image, then
run_autograder per submission with the student's files in /autograder/submission; we grade
them exactly like `labgrader grade` (sandbox falls back to resource limits where bubblewrap
cannot run) and write /autograder/results/results.json: one test per exercise, with the
grader's verdict as its output.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from ..config import Course, load_course

COURSE_FILES = ("pyproject.toml", "README.md")
COURSE_DIRS = ("helpers", "autograder")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope image setup: system packages, then the course (helpers + grader) in a venv.
set -euo pipefail
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip bubblewrap dataset-fashion-mnist || true
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q "torch>=2.3,<2.15"
/autograder/venv/bin/pip install -q -e "/autograder/source/course[grader]"
# the student's kernel runs as nobody where bubblewrap cannot run (Gradescope's containers):
# solutions, references and the workspace are readable by root only
chmod -R go-rwx /autograder/source/course/solutions
mkdir -p /autograder/workspace && chmod 700 /autograder/workspace
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
set -uo pipefail
mkdir -p /autograder/results
/autograder/venv/bin/python -m labgrader.export.gradescope run {lab} \\
    --submission /autograder/submission --results /autograder/results/results.json \\
    --repo /autograder/source/course --workspace /autograder/workspace{notebook_flags}
"""


def build_bundle(course: Course, lab: str, out: Path, notebooks: list[str] | None = None) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        dest = root / "course"
        dest.mkdir()
        for name in COURSE_FILES:
            shutil.copy(course.repo / name, dest / name)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
        for name in COURSE_DIRS:
            shutil.copytree(course.repo / name, dest / name, ignore=ignore)
        for folder in ("solutions", "labs"):
            shutil.copytree(course.repo / folder / lab, dest / folder / lab, ignore=ignore)
        (root / "setup.sh").write_text(SETUP_SH)
        flags = "".join(f" \\\n    --notebook {n}" for n in notebooks or [])
        (root / "run_autograder").write_text(RUN_AUTOGRADER.format(lab=lab, notebook_flags=flags))
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    info = zipfile.ZipInfo.from_file(path, path.relative_to(root).as_posix())
                    if path.name in ("setup.sh", "run_autograder"):
                        info.external_attr = 0o755 << 16
                    archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return out


def results_json(scores) -> dict:
    """Gradescope's results format from labgrader NotebookScores (one student)."""
    from ..feedback.notebook import verdict_text

    tests, notes = [], []
    for nb in scores:
        if nb.error:
            notes.append(f"{nb.notebook}: {nb.error}")
        if not nb.graded:
            notes.append(f"{nb.notebook}: NOT graded because of a grader problem; it will be regraded")
        notes += [f"{nb.notebook}: {n}" for n in nb.notes]
        for cell in nb.cells:
            tests.append({"name": f"{nb.notebook} · {cell.grade_id}", "score": cell.points,
                          "max_score": cell.max_points, "output": verdict_text(cell), "visibility": "visible"})
    return {"score": round(sum(t["score"] for t in tests), 2), "tests": tests,
            "output": "\n".join(notes) or "Graded by labgrader.", "visibility": "visible"}


def run(lab: str, submission: Path, results: Path, repo: Path, workspace: Path,
        notebooks: list[str] | None = None) -> dict:
    from ..api import grade_lab
    from ..grade.assemble import read_submission_bytes

    course = load_course(workspace=workspace, repo=repo)
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "subs"
        student = subs / "student"
        student.mkdir(parents=True)
        for path in sorted(submission.rglob("*.ipynb")):
            if path.is_symlink() or not path.is_file():
                continue  # never follow a link the student uploaded
            (student / path.name).write_bytes(read_submission_bytes(path))
        report = grade_lab(course, lab, subs, workers=1, force=True, quiet=True, notebooks=notebooks)
    data = results_json(report.scores)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(data, indent=1))
    return data


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labgrader.export.gradescope")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("run")
    p.add_argument("lab")
    for name in ("submission", "results", "repo", "workspace"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--notebook", action="append")
    args = parser.parse_args(argv)
    data = run(args.lab, Path(args.submission), Path(args.results), Path(args.repo), Path(args.workspace),
               args.notebook)
    print(f"score {data['score']} over {len(data['tests'])} tests")
    return 1 if "NOT graded" in data["output"] else 0


if __name__ == "__main__":
    sys.exit(main())
