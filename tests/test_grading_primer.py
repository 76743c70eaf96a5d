"""Grading lab 01 part 1 end to end: the sample class plus hostile submissions, one batch.

Full marks for the solution, zero for the untouched stub, points lost for every plausible
wrong answer (and only where it is wrong), clear errors for broken files, nothing won by
attacks, feedback without hidden tests, an idempotent rerun.
"""
from __future__ import annotations

import csv

import nbformat
import pytest

from labgrader.export.csv import export_csv
from labgrader.feedback.html import generate_feedback
from labgrader.grade.batch import grade_lab
from labgrader.grade.gradebook import read_scores
from tests.hostile import hostile_submissions
from tests.sample_class import answers_of, build_sample_class, filled

LAB, NB = "01_music_rnn", "01_pytorch_primer"


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    subs = tmp_path_factory.mktemp("submissions")
    plan = build_sample_class(course.repo, LAB, subs)
    source = nbformat.read(course.solutions / LAB / f"{NB}.ipynb", as_version=4)
    released = nbformat.read(course.labs / LAB / f"{NB}.ipynb", as_version=4)
    for student, answers in hostile_submissions(answers_of(source)).items():
        (subs / student).mkdir()
        nbformat.write(filled(released, answers), subs / student / "renamed_by_student.ipynb")
    report = grade_lab(course, LAB, subs, workers=2, quiet=True)
    return {"plan": plan, "report": report, "subs": subs, "scores": read_scores(course, LAB), "source": source}


def exercise_scores(graded, student):
    return {k.split("/")[1]: v for k, v in graded["scores"][student].items()}


def max_points(graded):
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
            for c in graded["source"].cells if c.metadata.get("nbgrader", {}).get("grade")}


def test_solution_gets_full_marks(graded):
    assert exercise_scores(graded, "perfect") == pytest.approx(max_points(graded))


def test_untouched_stub_gets_zero_and_completes(graded):
    scores = exercise_scores(graded, "untouched")
    assert scores and all(v == 0 for v in scores.values())


def test_every_wrong_answer_loses_points_only_in_its_exercise(graded):
    maximum = max_points(graded)
    rounds = {s: m[NB] for s, m in graded["plan"].items()}
    assert len(rounds) >= 3
    mutated_per_exercise = {}
    for student, mutated in rounds.items():
        scores = exercise_scores(graded, student)
        for test_id, points in maximum.items():
            answer_id = test_id.removeprefix("test_")
            if answer_id in mutated:
                mutated_per_exercise[answer_id] = mutated_per_exercise.get(answer_id, 0) + 1
                assert scores[test_id] < points, f"{student}: '{mutated[answer_id]}' kept full marks"
            else:
                assert scores[test_id] == points, f"{student}: {test_id} lost points it should not"
    assert all(n >= 3 for n in mutated_per_exercise.values()), mutated_per_exercise
    assert len(mutated_per_exercise) == len(maximum)


def test_broken_files_score_zero_with_a_reason_and_the_batch_goes_on(graded):
    by_student = {s.student: s for s in graded["report"].scores}
    assert "not valid notebook JSON" in by_student["corrupt"].error
    assert "not a notebook of this lab" in by_student["stranger"].error
    assert by_student["corrupt"].score == by_student["stranger"].score == 0
    assert by_student["perfect"].score == by_student["perfect"].max_score  # graded in the same batch


def test_patching_asserts_and_the_recorder_wins_nothing(graded):
    assert sum(exercise_scores(graded, "patcher").values()) == 0


def test_the_sandbox_hides_gradebook_seed_and_solutions(graded, course):
    scores = exercise_scores(graded, "snooper")
    assert scores == pytest.approx(max_points(graded))  # the snooping answer is still correct code
    nb = nbformat.read(course.workspace / "autograded" / "snooper" / LAB / f"{NB}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    if "bwrap" in graded["report"].sandbox:
        assert "FOUND: []" in printed


def test_a_dying_kernel_keeps_earlier_points(graded):
    scores = exercise_scores(graded, "exiter")
    assert scores["test_ex1_tensors"] == 2 and scores["test_ex6_train"] == 0
    notes = next(s.notes for s in graded["report"].scores if s.student == "exiter")
    assert any("kernel died" in n for n in notes)


def test_feedback_shows_verdicts_but_no_hidden_tests_or_solutions(graded, course):
    from labgrader.release.verify import _solution_lines

    pages = generate_feedback(course, LAB)
    assert len(pages) == len({s.student for s in graded["report"].scores})
    for page in pages:
        html = page.read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "_dense_case" not in html and "_train_case" not in html
        assert "Grader:" in html
    secret = _solution_lines(graded["source"])
    for student in ("untouched", "corrupt", "stranger"):
        nb = nbformat.read(course.workspace / "autograded" / student / LAB / f"{NB}.ipynb", as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert not [line for line in secret if line in code], student


def test_export_has_a_row_per_exercise_and_totals(graded, course, tmp_path):
    rows = list(csv.DictReader(open(export_csv(course, tmp_path / "grades.csv"))))
    perfect = [r for r in rows if r["student"] == "perfect"]
    assert len(perfect) == len(max_points(graded)) + 1
    total = next(r for r in perfect if r["exercise"] == "TOTAL")
    assert float(total["score"]) == float(total["max_score"]) == sum(max_points(graded).values())


def test_regrading_unchanged_submissions_is_a_no_op(graded, course):
    again = grade_lab(course, LAB, graded["subs"], workers=2, quiet=True)
    assert again.scores == [] and len(again.skipped) == len(graded["report"].scores)
    assert read_scores(course, LAB) == graded["scores"]
