"""Written answers graded by people: released without the model answer or rubric, waiting for
a human after autograding (never a final 0), a manual score kept by every regrade, in export."""
from __future__ import annotations

import nbformat

from labgrader.export.csv import rows
from labgrader.grade.assemble import is_answer, is_test
from tests.term_course import FIXTURE, LAB, grade, make_course, manual_grade


def _grade_row(course, student, exercise):
    return next(r for r in rows(course) if r["student"] == student and r["exercise"] == exercise)


def test_release_keeps_the_answer_cell_and_drops_model_answer_and_rubric(tmp_path):
    course = make_course(tmp_path)
    released = nbformat.read(course.workspace / "release" / LAB / "part1.ipynb", as_version=4)
    answer = next(c for c in released.cells if c.metadata["nbgrader"]["grade_id"] == "reflect_q1")
    assert answer.cell_type == "markdown" and answer.metadata["nbgrader"]["points"] == 2
    assert answer.source == "YOUR ANSWER HERE"
    text = nbformat.writes(released)
    assert "MARK SCHEME" not in text and "distributes" not in text
    source = nbformat.read(FIXTURE / "solutions" / LAB / "part1.ipynb", as_version=4)
    manual = [c for c in source.cells if c.metadata["nbgrader"].get("grade") and c.cell_type == "markdown"]
    # the self-check and the autograder score test cells only: a written answer is neither failed nor 0
    assert manual and all(is_answer(c) and not is_test(c) for c in manual)


def test_manual_score_waits_for_a_human_and_survives_regrades(tmp_path):
    from nbgrader.api import Gradebook

    course = make_course(tmp_path)
    grade(course, "amy", 2.0)
    pending = _grade_row(course, "amy", "reflect_q1")
    assert pending["score"] == "" and pending["needs_manual"] == "yes"
    assert _grade_row(course, "amy", "TOTAL")["needs_manual"] == "yes"
    with Gradebook(f"sqlite:///{course.gradebook}") as gb:   # formgrader lists it as to grade
        assert gb.find_grade("reflect_q1", "part1", LAB, "amy").needs_manual_grade

    manual_grade(course, "amy", 1.5, "good")
    grade(course, "amy", 1.0)            # a regrade (e.g. --force after fixing a check)
    grade(course, "amy", 1.0)
    assert _grade_row(course, "amy", "reflect_q1")["score"] == 1.5
    total = _grade_row(course, "amy", "TOTAL")
    assert (total["score"], total["needs_manual"]) == (2.5, "")
    with Gradebook(f"sqlite:///{course.gradebook}") as gb:
        written = gb.find_grade("reflect_q1", "part1", LAB, "amy")
        assert (written.manual_score, written.needs_manual_grade) == (1.5, False)
        # an instructor's override of an autograded cell also survives: nbgrader prefers manual_score
        gb.find_grade("test_ex1_double", "part1", LAB, "amy").manual_score = 2.0
        gb.db.commit()
    grade(course, "amy", 0.0)
    assert _grade_row(course, "amy", "test_ex1_double")["score"] == 2.0
