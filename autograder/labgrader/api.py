"""labgrader from Python: the functions behind the command line, for scripts, tests and bundles.

    from labgrader import api

    course = api.load_course(workspace="/srv/grading/fall26")     # repo: found from the cwd
    api.release(course, ["01_music_rnn"])                          # solutions/ -> labs/
    assert api.check_release(course, ["01_music_rnn"]) == []       # labs/ is what solutions/ makes
    report = api.grade_lab(course, "01_music_rnn", Path("submissions/01"), workers=2)
    report.print_table()                                           # report.scores: NotebookScore
    api.read_scores(course, "01_music_rnn")   # {student: {"notebook/grade_id": points}}
    api.generate_feedback(course, "01_music_rnn")                  # HTML per student
    api.export_csv(course, Path("grades.csv"))                     # a row per student, exercise
    api.self_check(Path("labs/01_music_rnn/01_pytorch_primer.ipynb"))  # the student's table

Everything else in the package is an implementation detail that may move; these names stay.
Each is the function the matching `labgrader` verb calls (see cli.py), with the same defaults.
"""
from __future__ import annotations

from .check.selfcheck import self_check
from .collect.importer import collect
from .config import Course, load_course
from .export.canvas import export_canvas
from .export.csv import export_csv
from .export.gradescope import build_bundle as gradescope_bundle
from .feedback.html import generate_feedback
from .grade.batch import Report, grade_lab
from .grade.gradebook import read_scores
from .grade.sandbox import Limits
from .release.build import check_release, release
from .release.publish import publish

__all__ = ["Course", "Limits", "Report", "check_release", "collect", "export_canvas", "export_csv",
           "generate_feedback", "grade_lab", "gradescope_bundle", "load_course", "publish", "read_scores",
           "release", "self_check"]
