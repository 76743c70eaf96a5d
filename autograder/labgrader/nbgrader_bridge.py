"""The one place labgrader talks to nbgrader: a Config for a course, the API object, the gradebook.

nbgrader's source folder is the repository's solutions/ and its release folder labs/;
everything nbgrader writes while grading (gradebook, autograded/, feedback/) goes to the
course workspace. autograder/nbgrader_config.py uses the same function, so formgrader
and the nbgrader command line see exactly what labgrader sees.
"""
from __future__ import annotations

import logging
import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

from traitlets.config import Config

from .config import Course


def nbgrader_config(course: Course, release_dir: Path | None = None) -> Config:
    c = Config()
    c.CourseDirectory.root = str(course.workspace)
    c.CourseDirectory.source_directory = str(course.solutions)
    c.CourseDirectory.release_directory = str(release_dir or course.labs)
    c.CourseDirectory.submitted_directory = "submitted"
    c.CourseDirectory.autograded_directory = "autograded"
    c.CourseDirectory.feedback_directory = "feedback"
    c.CourseDirectory.db_url = f"sqlite:///{course.gradebook}"
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*.ckpt"]
    c.Exchange.root = str(course.workspace / "exchange")
    return c


def api(course: Course, **kwargs):
    """An NbGraderAPI for the course (quiet logs; alembic reachable on PATH)."""
    from nbgrader.apps import NbGraderAPI

    (course.workspace / "exchange").mkdir(parents=True, exist_ok=True)
    bindir = str(Path(sys.executable).parent)  # gradebook creation shells out to alembic
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    return NbGraderAPI(config=nbgrader_config(course, **kwargs))


@contextmanager
def gradebook(course: Course):
    """nbgrader's Gradebook on the course's database (`with gradebook(course) as gb`), with the
    harmless SQLAlchemy autoflush warnings nbgrader's writes trip kept quiet."""
    from nbgrader.api import Gradebook

    with warnings.catch_warnings(), Gradebook(f"sqlite:///{course.gradebook}") as gb:
        warnings.simplefilter("ignore")
        yield gb


def missing_entry() -> type[Exception]:
    """nbgrader's "no such row" exception (imported late: nbgrader is slow to import)."""
    from nbgrader.api import MissingEntry

    return MissingEntry


def ensure_submission(gb, lab: str, student: str):
    """The student's submission of `lab` in `gb`, the student and the submission added if new."""
    from nbgrader.api import MissingEntry

    gb.update_or_create_student(student)
    try:
        return gb.find_submission(lab, student)
    except MissingEntry:
        return gb.add_submission(lab, student)
