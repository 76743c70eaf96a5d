"""Grades as CSV: one row per student, lab and exercise (plus each lab's total).

    labgrader export --out grades.csv
"""
from __future__ import annotations

import csv
import warnings
from pathlib import Path

from ..config import Course

COLUMNS = ["student", "lab", "notebook", "exercise", "score", "max_score"]


def rows(course: Course) -> list[dict]:
    from nbgrader.api import Gradebook

    out = []
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course.gradebook}") as gb:
        warnings.simplefilter("ignore")
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            for submission in sorted(assignment.submissions, key=lambda s: s.student.id):
                for nb in sorted(submission.notebooks, key=lambda n: n.name):
                    for grade in sorted(nb.grades, key=lambda g: g.name):
                        out.append({"student": submission.student.id, "lab": assignment.name,
                                    "notebook": nb.name, "exercise": grade.name,
                                    "score": grade.score, "max_score": grade.max_score})
                out.append({"student": submission.student.id, "lab": assignment.name, "notebook": "",
                            "exercise": "TOTAL", "score": submission.score, "max_score": submission.max_score})
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
