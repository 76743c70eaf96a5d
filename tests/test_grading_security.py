"""The red team (tests/hostile.py): 24 hostile or broken submissions graded in one batch.

Each must win no point it has not earned, never stop the batch, never touch the gradebook
beyond its own row, and find a reason in its feedback.
"""
from __future__ import annotations

import sqlite3

import nbformat
import pytest

from labgrader.grade import sandbox
from labgrader.grade.batch import grade_lab
from labgrader.grade.gradebook import read_scores
from tests import hostile
from tests.sample_class import answers_of

LAB, NB = "01_music_rnn", "01_pytorch_primer"
LIMITS = sandbox.Limits(cell_timeout_s=20, notebook_timeout_s=150, memory_mb=2048, max_procs=128, file_mb=64)


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    subs = tmp_path_factory.mktemp("hostile")
    source = nbformat.read(course.solutions / LAB / f"{NB}.ipynb", as_version=4)
    released = nbformat.read(course.labs / LAB / f"{NB}.ipynb", as_version=4)
    attacks = hostile.build(released, answers_of(source), subs)
    report = grade_lab(course, LAB, subs, workers=2, limits=LIMITS, quiet=True, notebooks=[NB])
    maximum = sum(c.metadata["nbgrader"]["points"] for c in source.cells if c.metadata.get("nbgrader", {}).get("grade"))
    by_student = {}
    for score in report.scores:
        by_student[score.student] = score
    return {"attacks": attacks, "report": report, "by": by_student, "max": maximum,
            "scores": read_scores(course, LAB)}


def test_there_are_at_least_twenty_attacks_and_all_were_graded(graded):
    assert len(graded["attacks"]) >= 20
    assert set(graded["by"]) == set(graded["attacks"])


@pytest.mark.parametrize("student", [s for s in hostile._code_attacks()])
def test_code_attacks_win_nothing(graded, student):
    score = graded["by"][student]
    assert score.score == 0, f"{student} ({graded['attacks'][student]}) won {score.score} points"
    assert score.max_score == graded["max"]


@pytest.mark.parametrize("student", hostile.STRUCTURAL)
def test_structural_tampering_changes_nothing(graded, student):
    score = graded["by"][student]
    assert score.score == score.max_score == graded["max"], (student, score.notes, score.error)


@pytest.mark.parametrize("student", hostile.BROKEN)
def test_broken_files_get_a_reason(graded, student):
    score = graded["by"][student]
    assert score.score == 0 and score.error and len(score.error) > 20


def test_resource_attacks_are_stopped_with_a_reason(graded):
    notes = {s: " ".join(graded["by"][s].notes) for s in ("infinite-loop", "os-exit", "memory-hog", "kill-parent")}
    assert "longer than 20 s" in notes["infinite-loop"]
    assert "kernel died" in notes["os-exit"]
    assert notes["memory-hog"] and notes["kill-parent"], notes


def test_nothing_reached_gradebook_seed_solutions_or_network(graded, course):
    def printed(student):
        nb = nbformat.read(course.workspace / "autograded" / student / LAB / f"{NB}.ipynb", as_version=4)
        return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))

    if "bwrap" in graded["report"].sandbox:
        assert "FOUND: []" in printed("snoop")
        assert "NETWORK: blocked" in printed("network")
        assert "WROTE" not in printed("write-gradebook")
    with sqlite3.connect(course.gradebook) as db:
        assert db.execute("SELECT COUNT(*) FROM grade WHERE manual_score = 999").fetchone()[0] == 0


def test_feedback_explains_every_broken_or_stopped_submission(graded, course):
    for student in hostile.BROKEN + ("infinite-loop", "os-exit"):
        nb = nbformat.read(course.workspace / "autograded" / student / LAB / f"{NB}.ipynb", as_version=4)
        assert nb.cells[0].cell_type == "markdown" and "Grader notes" in nb.cells[0].source, student
