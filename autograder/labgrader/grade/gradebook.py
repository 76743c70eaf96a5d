"""The single writer: scores into nbgrader's gradebook, notebooks into autograded/ and runs/.

Only the main grading process calls this, one submission at a time, each in one
transaction, so parallel workers never touch the SQLite file. The notebooks are written to
temporary names first and renamed only after the transaction committed: a failed write
(a locked, read-only or full gradebook) leaves neither a row nor a notebook, and stops the
batch with GradebookError instead of grading on into a database that does not take it.

autograded/<student>/<lab>/ holds what nbgrader's feedback and formgrader show (the student's
code and the grader's verdicts: feedback/notebook.py); runs/<student>/<lab>/ the full
executed run for instructors, which may quote hidden tests and must never be returned.
"""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from .. import nbgrader_bridge
from ..config import Course
from .score import NotebookScore


class GradebookError(RuntimeError):
    """The gradebook did not take a write: grading stops; nothing of that submission was kept."""


def _staged(notebook: NotebookNode | None, staging: Path, name: str) -> Path | None:
    """Write to the workspace's staging folder: nothing appears under autograded/ until renamed."""
    if notebook is None:
        return None
    staging.mkdir(parents=True, exist_ok=True)
    tmp = staging / f"{name}.{os.getpid()}.ipynb"
    nbformat.write(notebook, tmp)
    return tmp


def write(course: Course, lab: str, score: NotebookScore, feedback: NotebookNode,
          run: NotebookNode | None = None) -> None:
    targets = [course.workspace / "autograded" / score.student / lab / f"{score.notebook}.ipynb",
               course.workspace / "runs" / score.student / lab / f"{score.notebook}.ipynb"]
    staged = []
    try:
        staging = course.workspace / ".staging"
        tag = f"{score.student}.{lab}.{score.notebook}"
        staged = [_staged(feedback, staging, f"autograded.{tag}"), _staged(run, staging, f"run.{tag}")]
        with nbgrader_bridge.gradebook(course) as gb:
            try:
                nbgrader_bridge.ensure_submission(gb, lab, score.student)
                submitted = gb.find_submission_notebook(score.notebook, lab, score.student)
                by_id = {c.grade_id: c for c in score.cells}
                for grade in submitted.grades:
                    cell = by_id.get(grade.name)
                    if cell is not None:
                        # only auto_score: a manual_score someone gave in formgrader wins (nbgrader's
                        # Grade.score prefers it) and survives every regrade
                        grade.auto_score = cell.points
                        grade.needs_manual_grade = False
                    elif grade.cell.cell_type == "markdown":
                        # a written answer: people grade it; until then it waits, never a final 0
                        grade.needs_manual_grade = grade.manual_score is None
                gb.db.commit()
            except Exception:
                gb.db.rollback()
                raise
    except Exception as err:
        for tmp in staged:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        raise GradebookError(f"could not record {score.student}/{score.notebook} in {course.gradebook}: "
                             f"{type(err).__name__}: {err}"[:600]) from err
    for tmp, target in zip(staged, targets):
        if tmp is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)


def read_scores(course: Course, lab: str) -> dict[str, dict[str, float]]:
    """student -> {notebook/grade_id: score} from the gradebook (for reports and tests)."""
    scores: dict[str, dict[str, float]] = {}
    with nbgrader_bridge.gradebook(course) as gb:
        for submission in gb.find_assignment(lab).submissions:
            row = scores.setdefault(submission.student.id, {})
            for nb in submission.notebooks:
                for grade in nb.grades:
                    row[f"{nb.name}/{grade.name}"] = grade.score
    return scores
