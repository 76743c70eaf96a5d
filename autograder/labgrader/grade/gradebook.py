"""The single writer: scores into nbgrader's gradebook, notebooks into autograded/.

Only the main grading process calls this, one submission at a time, each in one
transaction, so parallel workers never touch the SQLite file and an interrupted batch
leaves every submission either fully written or not at all.
"""
from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from ..config import Course
from .assemble import grade_id, is_test, strip_hidden
from .compare import Verdict


@dataclass
class CellScore:
    grade_id: str
    points: float
    max_points: float
    verdicts: list[Verdict] = field(default_factory=list)


@dataclass
class NotebookScore:
    student: str
    notebook: str
    cells: list[CellScore]
    notes: list[str] = field(default_factory=list)
    error: str | None = None     # the submission could not be graded at all
    seconds: float = 0.0         # time in the sandbox

    @property
    def score(self) -> float:
        return sum(c.points for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.cells)


def verdict_text(cell: CellScore) -> str:
    lines = [f"Grader: {cell.points:g} / {cell.max_points:g} points"]
    for v in cell.verdicts:
        lines.append(f"  {'✓' if v.passed else '✗'} {v.name}" + (f" — {v.message}" if v.message else ""))
    return "\n".join(lines) + "\n"


def feedback_notebook(base: NotebookNode, executed: bool, metadata: dict, score: NotebookScore) -> NotebookNode:
    """The notebook students see in feedback: hidden tests removed, the grader's verdict on top.

    `base` is the executed notebook, or (when nothing ran) the assembled submission or the
    released stub: never the solution.
    """
    nb = nbformat.from_dict(json.loads(json.dumps(base)))
    by_id = {c.grade_id: c for c in score.cells}
    header = []
    if score.error:
        header.append(f"This submission could not be graded: {score.error}")
    header += score.notes
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if not executed:
            cell.outputs, cell.execution_count = [], None
        if is_test(cell):
            cell.source = strip_hidden(cell.source).strip("\n")
            verdict = by_id.get(grade_id(cell))
            if verdict is not None:
                out = nbformat.v4.new_output("stream", name="stdout", text=verdict_text(verdict))
                cell.outputs = [out] + [o for o in cell.get("outputs", []) if o.get("output_type") != "error"][:5]
    if header:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell("**Grader notes**\n\n" + "\n".join(f"- {h}" for h in header)))
    nb.metadata = metadata
    return nb


def write(course: Course, lab: str, score: NotebookScore, notebook: NotebookNode) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    target = course.workspace / "autograded" / score.student / lab / f"{score.notebook}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    nbformat.write(notebook, tmp)
    os.replace(tmp, target)
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course.gradebook}") as gb:
        # nbgrader's add_submission trips a harmless SQLAlchemy autoflush warning
        warnings.simplefilter("ignore")
        gb.update_or_create_student(score.student)
        try:
            gb.find_submission(lab, score.student)
        except MissingEntry:
            gb.add_submission(lab, score.student)
        submitted = gb.find_submission_notebook(score.notebook, lab, score.student)
        by_id = {c.grade_id: c for c in score.cells}
        for grade in submitted.grades:
            cell = by_id.get(grade.name)
            if cell is not None:
                grade.auto_score = cell.points
                grade.needs_manual_grade = False
        gb.db.commit()


def read_scores(course: Course, lab: str) -> dict[str, dict[str, float]]:
    """student -> {notebook/grade_id: score} from the gradebook (for reports and tests)."""
    from nbgrader.api import Gradebook

    scores: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{course.gradebook}") as gb:
        for submission in gb.find_assignment(lab).submissions:
            row = scores.setdefault(submission.student.id, {})
            for nb in submission.notebooks:
                for grade in nb.grades:
                    row[f"{nb.name}/{grade.name}"] = grade.score
    return scores
