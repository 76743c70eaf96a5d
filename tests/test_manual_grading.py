"""Written answers graded by people: released without the model answer or rubric, waiting for
a human after autograding (never a final 0), a manual score kept by every regrade, in export;
every lab's Reflect questions are such cells."""
from __future__ import annotations

import re

import nbformat
import pytest

from labgrader.check.selfcheck import results_from_executed
from labgrader.export.csv import rows
from labgrader.grade.assemble import assemble, is_answer, is_test
from labgrader.notebook import grade_id, nbgrader_meta
from tests.conftest import REPO
from tests.term_course import FIXTURE, LAB, grade, make_course, manual_grade

MARK_SCHEME = ("=== BEGIN MARK SCHEME ===\n", "=== END MARK SCHEME ===")
NOTEBOOKS = sorted((REPO / "solutions").glob("*/*.ipynb"))


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


def test_a_deleted_written_answer_is_noted_and_stays_text(tmp_path):
    course = make_course(tmp_path)
    released = nbformat.read(course.workspace / "release" / LAB / "part1.ipynb", as_version=4)
    source = nbformat.read(FIXTURE / "solutions" / LAB / "part1.ipynb", as_version=4)
    released.cells = [c for c in released.cells if grade_id(c) != "reflect_q1"]
    result = assemble(released, source, "part1")
    cell = next(c for c in result.notebook.cells if grade_id(c) == "reflect_q1")
    assert cell.cell_type == "markdown" and "deleted" in cell.source and "raise" not in cell.source
    assert any("'reflect_q1' is missing" in n for n in result.notes)


def _written(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "markdown" and nbgrader_meta(c).get("grade")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_lab_ends_with_written_answers_graded_by_hand(path):
    """Two or three (at least one per notebook) Reflect questions after the Reflect heading: a locked
    question cell saying the points, a manually graded answer cell with model answer and rubric."""
    source = nbformat.read(path, as_version=4)
    written = _written(source)
    assert 1 <= len(written) <= 3, path
    heading = next(i for i, c in enumerate(source.cells) if c.cell_type == "markdown" and "· Reflect" in c.source)
    for n, cell in enumerate(written, 1):
        meta, at = nbgrader_meta(cell), source.cells.index(cell)
        assert is_answer(cell) and not is_test(cell) and meta["points"] > 0 and not meta.get("locked")
        assert meta["grade_id"] == f"reflect_q{n}" and cell.get("id") == f"reflect-q{n}-answer"
        question = source.cells[at - 1]
        assert at == heading + 2 * n and nbgrader_meta(question).get("locked") and not nbgrader_meta(question)["grade"]
        assert question.get("id") == f"reflect-q{n}" and f"({meta['points']:g} points)" in question.source
        model, rubric = cell.source.split(MARK_SCHEME[0])
        assert model.strip() and rubric.strip() and rubric.endswith(MARK_SCHEME[1])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_released_written_answers_are_empty_and_outside_the_self_check(path):
    source = nbformat.read(path, as_version=4)
    released = nbformat.read(REPO / "labs" / path.parent.name / path.name, as_version=4)
    text = "\n".join(c.source for c in released.cells)
    by_id = {grade_id(c): c for c in released.cells if grade_id(c)}
    for cell in _written(source):
        gid = grade_id(cell)
        assert by_id[gid].source == "YOUR ANSWER HERE" and nbgrader_meta(by_id[gid])["points"] > 0
        # no sentence of the model answer or the rubric reaches the student
        secret = [s for s in re.split(r"(?<=[.:;])\s+|\n", cell.source) if len(s) >= 30]
        assert secret and not [s for s in secret if s in text]
    # the self-check (and `labgrader check`) lists the coded exercises only
    assert not any(repr(grade_id(c)) in released.cells[-1].source for c in _written(source))
    assert {r.exercise for r in results_from_executed(released)} == {grade_id(c) for c in released.cells if is_test(c)}
