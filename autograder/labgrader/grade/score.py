"""Scores of one graded notebook: per test cell, from the checks and the runner's account."""
from __future__ import annotations

from dataclasses import dataclass, field

from nbformat import NotebookNode

from ..notebook import grade_id, is_test, points_of
from .compare import SHOWN_EXCEPTIONS, HiddenCheck, Verdict
from .records import score_cell


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
    error: str | None = None     # the submission could not be graded at all (the student's file)
    graded: bool = True          # False: the grader failed (retry); nothing is written
    flags: list[str] = field(default_factory=list)   # for an instructor's review (integrity.py)

    @property
    def score(self) -> float:
        return sum(c.points for c in self.cells)

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.cells)


def score_notebook(student: str, notebook: str, source: NotebookNode, checks: list[HiddenCheck],
                   execution) -> NotebookScore:
    cells, notes = [], []
    for cell in source.cells:
        if not is_test(cell):
            continue
        gid = grade_id(cell)
        result = score_cell(gid, points_of(cell), checks, execution.records)
        if result.note:
            notes.append(result.note)
        cells.append(CellScore(gid, result.points, points_of(cell), result.verdicts))
    return NotebookScore(student, notebook, cells, notes + run_notes(execution, {c.grade_id for c in cells}))


def flag_for_review(score: NotebookScore, reasons: list[str]) -> NotebookScore:
    """Zero every cell of a submission that reaches for the grader, and say why."""
    for cell in score.cells:
        cell.points = 0.0
        for verdict in cell.verdicts:
            verdict.passed, verdict.message = False, "not credited: pending an instructor's review"
    score.flags = reasons
    score.notes.insert(0, "scored 0 pending an instructor's review: the submission's code touches the grading "
                          "machinery (" + "; ".join(reasons) + ")")
    return score


def zero_score(student: str, notebook: str, source: NotebookNode, error: str, graded: bool = True) -> NotebookScore:
    cells = [CellScore(grade_id(c), 0.0, points_of(c)) for c in source.cells if is_test(c)]
    return NotebookScore(student, notebook, cells, error=error, graded=graded)


def _shown(error_type: str | None) -> str:
    return error_type if error_type in SHOWN_EXCEPTIONS else "an exception"


def run_notes(execution, test_ids: set[str]) -> list[str]:
    """The runner's account of the run, in the grader's words (exception types whitelisted)."""
    notes = list(execution.problems)
    for cell in execution.cells:
        where = f"cell {cell['index'] + 1}" + (f" ({cell['grade_id']})" if cell.get("grade_id") else "")
        outcome = cell.get("outcome")
        if outcome == "error" and cell.get("grade_id") not in test_ids:
            notes.append(f"{where} raised {_shown(cell.get('error_type'))} (later cells that need it fail too)")
        elif outcome == "interrupted":
            notes.append(f"{where} ran longer than the cell limit and was interrupted")
        elif outcome == "killed":
            notes.append(f"{where} ran past the cell limit and ignored the interrupt: the kernel was stopped, "
                         "later cells did not run")
        elif outcome == "died":
            notes.append(f"the kernel died in {where} (exit, crash or memory limit); later cells did not run")
    if execution.status == "notebook timeout":
        notes.append("the notebook ran past the grader's time limit; later cells did not run")
    return notes
