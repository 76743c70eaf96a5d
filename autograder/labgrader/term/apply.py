"""The late policy applied to the gradebook's current scores (export, feedback bundles, stats).

Computed afresh at every export from the gradebook (scores, manual grades included), the kept
submission times (term/times.py) and the term's due dates and extensions: nothing a regrade
rewrites holds the penalty, so a regrade never loses it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import nbgrader_bridge
from .policy import Lateness, Term, parse_time
from .times import read_times


@dataclass
class ExerciseRow:
    notebook: str
    exercise: str
    score: float | None          # None: a manually graded cell nobody has graded yet
    max_score: float
    manual: bool                 # a written answer graded by people
    needs_manual: bool


@dataclass
class NotebookResult:
    notebook: str
    raw: float
    max_score: float
    lateness: Lateness
    penalty: float
    exercises: list[ExerciseRow] = field(default_factory=list)

    @property
    def needs_manual(self) -> bool:
        return any(e.needs_manual for e in self.exercises)


@dataclass
class LabResult:
    student: str
    lab: str
    notebooks: list[NotebookResult]

    @property
    def raw(self) -> float:
        return round(sum(n.raw for n in self.notebooks), 4)

    @property
    def max_score(self) -> float:
        return round(sum(n.max_score for n in self.notebooks), 4)

    @property
    def penalty(self) -> float:
        return round(sum(n.penalty for n in self.notebooks), 4)

    @property
    def final(self) -> float:
        return round(self.raw - self.penalty, 4)

    @property
    def needs_manual(self) -> bool:
        return any(n.needs_manual for n in self.notebooks)

    @property
    def submitted_at(self) -> str:
        stamps = [n.lateness.submitted for n in self.notebooks if n.lateness.submitted]
        return max(stamps).isoformat() if stamps else ""

    @property
    def status(self) -> str:
        statuses = {n.lateness.status for n in self.notebooks}
        worst = [s for s in statuses if s not in ("on time", "no due date")]
        return "; ".join(sorted(worst)) or ("on time" if "on time" in statuses else "no due date")

    @property
    def extension(self) -> str:
        return "; ".join(sorted({n.lateness.extension for n in self.notebooks if n.lateness.extension}))


def _is_manual(grade) -> bool:
    """A graded markdown cell is a written answer: people grade it (labgrader's autograded
    cells are code test cells; nbgrader only allows markdown grade cells as answers)."""
    return grade.cell.cell_type == "markdown"


def lab_results(course, lab: str | None = None) -> list[LabResult]:
    """Every (student, lab) in the gradebook with raw and penalised scores, sorted."""
    term = Term.of(course)
    out = []
    with nbgrader_bridge.gradebook(course) as gb:
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            if lab is not None and assignment.name != lab:
                continue
            times = read_times(course, assignment.name)
            for submission in sorted(assignment.submissions, key=lambda s: s.student.id):
                student = submission.student.id
                notebooks = []
                for nb in sorted(submission.notebooks, key=lambda n: n.name):
                    rows = []
                    for grade in sorted(nb.grades, key=lambda g: g.name):
                        manual = _is_manual(grade)
                        pending = grade.needs_manual_grade or (manual and grade.manual_score is None)
                        rows.append(ExerciseRow(nb.name, grade.name, None if pending and manual else grade.score,
                                                grade.max_score, manual, pending))
                    raw = sum(r.score or 0.0 for r in rows)
                    maximum = sum(r.max_score for r in rows)
                    stamp = times.get(student, {}).get(nb.name)
                    late = term.lateness(student, assignment.name, nb.name, parse_time(stamp) if stamp else None)
                    notebooks.append(NotebookResult(nb.name, raw, maximum, late, late.penalty(raw, maximum), rows))
                out.append(LabResult(student, assignment.name, notebooks))
    return out
