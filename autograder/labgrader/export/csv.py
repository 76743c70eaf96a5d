"""Grades as CSV: one row per student, lab and exercise (plus each lab's total).

    labgrader export --out grades.csv

Exercise rows carry the gradebook's score (blank while a written answer waits for a human).
TOTAL rows carry the raw score and, beside it, the late policy applied (term/): when it was
submitted, the lateness, the penalty, the penalised `final_score`, and `needs_manual` when a
written answer still waits for a grader.
"""
from __future__ import annotations

import csv
from pathlib import Path

from ..config import Course

COLUMNS = ["student", "lab", "notebook", "exercise", "score", "max_score",
           "manual", "needs_manual", "submitted_at", "lateness", "extension", "late_penalty", "final_score"]


def rows(course: Course) -> list[dict]:
    from ..term.apply import lab_results

    out = []
    for result in lab_results(course):
        for nb in result.notebooks:
            for ex in nb.exercises:
                out.append({"student": result.student, "lab": result.lab, "notebook": nb.notebook,
                            "exercise": ex.exercise, "score": "" if ex.score is None else ex.score,
                            "max_score": ex.max_score, "manual": "yes" if ex.manual else "",
                            "needs_manual": "yes" if ex.needs_manual else ""})
        out.append({"student": result.student, "lab": result.lab, "notebook": "", "exercise": "TOTAL",
                    "score": result.raw, "max_score": result.max_score, "manual": "",
                    "needs_manual": "yes" if result.needs_manual else "", "submitted_at": result.submitted_at,
                    "lateness": result.status, "extension": result.extension,
                    "late_penalty": result.penalty, "final_score": result.final})
    return out


def export_csv(course: Course, out: Path) -> Path:
    if not course.gradebook.exists():
        raise SystemExit(f"labgrader: no gradebook at {course.gradebook}; grade something first")
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows(course))
    return out
