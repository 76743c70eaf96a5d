"""A grader failure is never a student's zero, and a gradebook that refuses a write stops the batch.

Both run one real batch of lab 01 part 1 (the reference run is shared with the other lab 01
tests of this worker); the failure is injected where it would happen.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import nbformat
import pytest

import labgrader.grade.batch as batch  # its steps are patched to fail
from labgrader.api import read_scores
from labgrader.cli import main as cli
from labgrader.grade.execute import GraderError
from labgrader.grade.gradebook import GradebookError
from tests.sample_class import perfect_notebook

LAB, NB = "01_music_rnn", "01_pytorch_primer"
pytestmark = pytest.mark.slow  # grades submissions end to end (a reference run first)


@pytest.fixture
def two_students(repo, tmp_path):
    for student in ("ada", "bob"):
        nbformat.write(perfect_notebook(repo, Path(LAB) / f"{NB}.ipynb"), tmp_path / f"{student}.ipynb")
    return tmp_path


def test_a_grader_failure_is_not_graded_not_zero_and_the_command_fails(course, two_students, monkeypatch, capsys):
    real_run_job = batch.run_job

    def run_job(submission, *args):
        if submission.get("metadata", {}).get("who") == "bob":
            raise GraderError("the kernel could not be started: simulated")
        return real_run_job(submission, *args)

    # bob's run fails inside the grader; ada's is graded normally
    original_plan = batch.plan_jobs

    def plan(found, sources):
        jobs = original_plan(found, sources)
        for job in jobs:
            if job.submission is not None:
                job.submission.metadata["who"] = job.student
        return jobs

    monkeypatch.setattr(batch, "plan_jobs", plan)
    monkeypatch.setattr(batch, "run_job", run_job)
    code = cli(["--workspace", str(course.workspace), "grade", LAB, "--submissions", str(two_students),
                "--notebook", NB, "--force"])
    out = capsys.readouterr().out
    assert code == 1 and "NOT GRADED" in out and "grader problem" in out
    scores = read_scores(course, LAB)
    assert scores["ada"] and sum(scores["ada"].values()) == 16
    assert "bob" not in scores, "a grader failure must not be stored as the student's score"
    assert not (course.workspace / "autograded" / "bob").exists()
    # the next run retries bob (nothing was marked done) and, with the fault gone, grades him
    monkeypatch.undo()
    again = batch.grade_lab(course, LAB, two_students, quiet=True, notebooks=[NB])
    assert [s.student for s in again.scores] == ["bob"] and again.scores[0].score == 16


def test_a_gradebook_that_refuses_a_write_stops_the_batch_with_nothing_half_written(course, two_students, monkeypatch):
    from nbgrader.api import Gradebook

    def locked(self, *args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Gradebook, "add_submission", locked)
    for student in ("ada", "bob"):  # new students, so that add_submission is reached
        (two_students / f"{student}.ipynb").rename(two_students / f"new-{student}.ipynb")
    with pytest.raises(GradebookError, match="database is locked"):
        batch.grade_lab(course, LAB, two_students, quiet=True, notebooks=[NB])
    for student in ("new-ada", "new-bob"):
        assert not (course.workspace / "autograded" / student).exists()
        assert not list((course.workspace / "runs").glob(f"{student}/**/*.ipynb"))
    assert not list(course.workspace.glob(".staging/*"))
    code = cli(["--workspace", str(course.workspace), "grade", LAB, "--submissions", str(two_students),
                "--notebook", NB])
    assert code == 2
