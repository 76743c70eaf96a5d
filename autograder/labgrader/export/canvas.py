"""Lab totals in Canvas's gradebook-import CSV format.

    labgrader export --canvas --out canvas.csv

Canvas matches rows by "SIS Login ID" (we write the labgrader student id there, which is the
Canvas login when submissions came from `labgrader collect` of a Canvas zip). Import it under
Grades → Import; Canvas shows a preview before it changes anything. The score written is the
lab's `final_score`: the late policy applied (term/), manual grades included.
"""
from __future__ import annotations

import csv
from pathlib import Path

from ..config import Course
from .csv import rows


def export_canvas(course: Course, out: Path) -> Path:
    totals: dict[str, dict[str, float]] = {}
    maxima: dict[str, float] = {}
    for row in rows(course):
        if row["exercise"] == "TOTAL":
            totals.setdefault(row["student"], {})[row["lab"]] = row["final_score"]
            maxima[row["lab"]] = row["max_score"]
    labs = sorted(maxima)
    header = (["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
              + [f"{lab} ({maxima[lab]:g} pts)" for lab in labs])
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerow(["    Points Possible", "", "", "", ""] + [f"{maxima[lab]:g}" for lab in labs])
        for student in sorted(totals):
            writer.writerow([student, "", "", student, ""] + [f"{totals[student].get(lab, ''):g}"
                                                                if lab in totals[student] else "" for lab in labs])
    return out
