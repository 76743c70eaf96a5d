"""A Gradescope autograder bundle, and the code that runs inside it.

    labgrader export --gradescope 01_music_rnn --out autograder.zip     # upload to Gradescope

Gradescope unpacks the zip in /autograder/source, runs setup.sh once per image, then
run_autograder per submission with the student's files in /autograder/submission; we grade
them exactly like `labgrader grade` (sandbox falls back to resource limits where bubblewrap
cannot run) and write /autograder/results/results.json: one test per exercise, with the
grader's verdict as its output.

Everything that is the same for every submission happens once, in setup.sh: the system
packages (a missing one fails the build, not a student's run), the course's secret seed, and
the solution's reference runs under both seeds (`prepare`), which also fill the shared cache
(lab 03's converted model). run_autograder then only runs the one submission. Gradescope's
default container (768 MB, 1/2 vCPU, 10 minutes) is too small for these labs: README.md in the
bundle says what to set.
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
# Gradescope image setup, once per image: system packages, the course (helpers + grader) in a
# venv, then the secret seed and the solution's reference runs, so run_autograder only grades.
set -euo pipefail
apt-get update -qq
# never ignore a failed install: an image without these must fail here, loudly, not grade every student 0
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip bubblewrap{packages}
python3 -m venv /autograder/venv
/autograder/venv/bin/pip install -q "torch>=2.3,<2.15"
/autograder/venv/bin/pip install -q -e "/autograder/source/course[grader]"
# the student's kernel runs as nobody where bubblewrap cannot run (Gradescope's containers):
# solutions, references and the workspace are readable by root only
chmod -R go-rwx /autograder/source/course/solutions
mkdir -p /autograder/workspace && chmod 700 /autograder/workspace
/autograder/venv/bin/python -m labgrader.export.gradescope prepare {lab} \\
    --repo /autograder/source/course --workspace /autograder/workspace{notebook_flags}
"""
# Debian packages a lab's notebooks read at run time (the offline Fashion-MNIST of labs 04, 05)
LAB_PACKAGES = {"04_diffusion": ["dataset-fashion-mnist"], "05_adversarial": ["dataset-fashion-mnist"]}

BUNDLE_README = """# Gradescope autograder for {lab}

Built by `labgrader export --gradescope {lab}`. Upload this zip as the assignment's autograder.

- setup.sh (once per image): system packages, the course in /autograder/venv, the course's
  secret seed and the solution's reference runs (two seeds) in /autograder/workspace.
- run_autograder (once per submission): grades /autograder/submission only.

Container size: give it at least 2 vCPU and 6 GB of memory (the grader caps one submission's
kernel at 6 GB; lab 03 loads a 135M-parameter model) and a timeout of 20 minutes. Gradescope's
default (768 MB, 1/2 vCPU, 10 minutes) kills the kernel of most labs. On a 2-core machine one
submission of this lab took {seconds} of sandbox time in fast mode (docs/results.md).
"""
# sandbox seconds per submission (median of the sample class, 2-core CPU, docs/results.md)
LAB_SECONDS = {"01_music_rnn": "8 + 8 s (two notebooks)", "02_face_debiasing": "24 + 8 s (two notebooks)",
               "03_llm_finetuning": "19 s", "04_diffusion": "9 s", "05_adversarial": "13 s"}

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
        flags = "".join(f" \\\n    --notebook {n}" for n in notebooks or [])
        packages = "".join(f" {p}" for p in LAB_PACKAGES.get(lab, []))
        (root / "setup.sh").write_text(SETUP_SH.format(lab=lab, notebook_flags=flags, packages=packages))
        (root / "run_autograder").write_text(RUN_AUTOGRADER.format(lab=lab, notebook_flags=flags))
        (root / "README.md").write_text(BUNDLE_README.format(lab=lab, seconds=LAB_SECONDS.get(lab, "(not measured)")))
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


def prepare(lab: str, repo: Path, workspace: Path, notebooks: list[str] | None = None) -> list[Path]:
    """At image build: the secret seed and the solution's reference runs, cached in `workspace`."""
    from ..grade import sandbox
    from ..grade.reference import grading_seed, reference_checks

    course = load_course(workspace=workspace, repo=repo)
    course.workspace.mkdir(parents=True, exist_ok=True)
    course.workspace.chmod(0o700)
    seed, kind = grading_seed(course), sandbox.choose("auto")
    paths = [p for p in sorted((course.solutions / lab).glob("*.ipynb")) if not notebooks or p.stem in notebooks]
    for path in paths:
        reference_checks(course, lab, path, seed, kind, sandbox.Limits())
    return paths


def run(lab: str, submission: Path, results: Path, repo: Path, workspace: Path,
        notebooks: list[str] | None = None) -> dict:
    from ..grade.assemble import read_submission_bytes
    from ..grade.batch import grade_lab

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
    p = sub.add_parser("prepare")
    p.add_argument("lab")
    for name in ("repo", "workspace"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--notebook", action="append")
    args = parser.parse_args(argv)
    if args.cmd == "prepare":
        done = prepare(args.lab, Path(args.repo), Path(args.workspace), args.notebook)
        print(f"reference runs ready for {len(done)} notebook(s) of {args.lab}")
        return 0
    data = run(args.lab, Path(args.submission), Path(args.results), Path(args.repo), Path(args.workspace),
               args.notebook)
    print(f"score {data['score']} over {len(data['tests'])} tests")
    return 1 if "NOT graded" in data["output"] else 0


if __name__ == "__main__":
    sys.exit(main())
