"""Write one HTML page per student and notebook: workspace/feedback/<student>/<lab>/.

The autograded notebooks labgrader writes are the student's feedback notebooks
(feedback/notebook.py): the released lab with the student's own cells and the grader's verdict
(✓/✗ per check, with the reason) as the only output of each test cell, so nbgrader's feedback
shows students what was checked without revealing how, and nothing the grading run printed.
"""
from __future__ import annotations

from pathlib import Path

from .. import nbgrader_bridge
from ..config import Course


def generate_feedback(course: Course, lab: str, student: str | None = None) -> list[Path]:
    api = nbgrader_bridge.api(course)
    students = [student] if student else sorted(
        p.name for p in (course.workspace / "autograded").iterdir() if (p / lab).is_dir())
    written = []
    for sid in students:
        result = api.generate_feedback(lab, sid, force=True)
        if not result.get("success"):
            print(f"✗ feedback for {sid}: {str(result.get('error') or result.get('log'))[-500:]}")
            continue
        written += sorted((course.workspace / "feedback" / sid / lab).glob("*.html"))
    return written
