"""Hostile submissions (tests/hostile.py) win nothing and never stop a batch."""
from __future__ import annotations

import nbformat
import pytest

from labgrader.grade.batch import grade_lab
from labgrader.grade.gradebook import read_scores
from tests.hostile import hostile_submissions
from tests.sample_class import answers_of, filled

LAB, NB = "01_music_rnn", "01_pytorch_primer"


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    subs = tmp_path_factory.mktemp("hostile")
    source = nbformat.read(course.solutions / LAB / f"{NB}.ipynb", as_version=4)
    released = nbformat.read(course.labs / LAB / f"{NB}.ipynb", as_version=4)
    for student, answers in hostile_submissions(answers_of(source)).items():
        (subs / student).mkdir()
        nbformat.write(filled(released, answers), subs / student / "renamed_by_student.ipynb")
    report = grade_lab(course, LAB, subs, workers=2, quiet=True)
    maximum = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
               for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")}
    return {"report": report, "scores": read_scores(course, LAB), "max": maximum}


def scores_of(graded, student):
    return {k.split("/")[1]: v for k, v in graded["scores"][student].items()}


def test_patching_asserts_and_the_recorder_wins_nothing(graded):
    assert sum(scores_of(graded, "patcher").values()) == 0


def test_the_sandbox_hides_gradebook_seed_and_solutions(graded, course):
    assert scores_of(graded, "snooper") == pytest.approx(graded["max"])  # its answers are still correct
    nb = nbformat.read(course.workspace / "autograded" / "snooper" / LAB / f"{NB}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "FOUND:" in printed
    if "bwrap" in graded["report"].sandbox:
        assert "FOUND: []" in printed


def test_a_dying_kernel_keeps_earlier_points(graded):
    scores = scores_of(graded, "exiter")
    assert scores["test_ex1_tensors"] == graded["max"]["test_ex1_tensors"] and scores["test_ex6_train"] == 0
    notes = next(s.notes for s in graded["report"].scores if s.student == "exiter")
    assert any("kernel died" in n for n in notes)
