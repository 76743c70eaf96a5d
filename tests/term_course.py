"""A tiny course for the term tests (tests/fixtures/manual_lab): a gradebook written the way
`labgrader grade` writes it (gradebook.write), without running a kernel."""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from labgrader import nbgrader_bridge
from labgrader.config import Course
from labgrader.feedback.notebook import feedback_notebook
from labgrader.grade.gradebook import write
from labgrader.grade.score import CellScore, NotebookScore

FIXTURE = Path(__file__).parent / "fixtures" / "manual_lab"
LAB = "99_manual"


def make_course(tmp_path: Path, pyproject_extra: str = "") -> Course:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    if pyproject_extra:
        path = repo / "pyproject.toml"
        path.write_text(path.read_text() + pyproject_extra)
    course = Course(repo=repo, workspace=tmp_path / "workspace")
    course.workspace.mkdir()
    result = nbgrader_bridge.api(course, release_dir=course.workspace / "release").generate_assignment(LAB, force=True)
    assert result["success"], result.get("log")
    return course


def grade(course: Course, student: str, points: float, submitted: bytes | None = None,
          notes: list[str] | None = None, verdicts: list | None = None) -> None:
    """Record `points` for the coded exercise as `labgrader grade` would (a regrade when repeated),
    with the student's feedback notebook; `submitted` is the file kept under submitted/ (what
    record_times matches by content)."""
    cell = CellScore("test_ex1_double", points, 2.0, list(verdicts or []))
    score = NotebookScore(student, "part1", [cell], notes=list(notes or []))
    released = nbformat.read(course.workspace / "release" / LAB / "part1.ipynb", as_version=4)
    write(course, LAB, score, feedback_notebook(None, released, f"{LAB}/part1", score))
    if submitted is not None:
        kept = course.workspace / "submitted" / student / LAB / "part1.ipynb"
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_bytes(submitted)


def manual_grade(course: Course, student: str, points: float, comment: str = "") -> None:
    """What a grader does in formgrader: a manual score (and comment) on the written answer."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.gradebook}") as gb:
        grade = gb.find_grade("reflect_q1", "part1", LAB, student)
        grade.manual_score = points
        grade.needs_manual_grade = False
        if comment:
            gb.find_comment("reflect_q1", "part1", LAB, student).manual_comment = comment
        gb.db.commit()
