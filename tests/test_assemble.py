"""Rebuilding a submission: only answer cells come from the student."""
from __future__ import annotations

import json

import nbformat
import pytest

from labgrader.grade.assemble import SubmissionError, assemble, read_submission
from labgrader.notebook import grade_id, is_answer, is_test
from tests.sample_class import answers_of, filled

LAB, NB = "01_music_rnn", "01_pytorch_primer"


@pytest.fixture(scope="module")
def source(repo):
    return nbformat.read(repo / "solutions" / LAB / f"{NB}.ipynb", as_version=4)


@pytest.fixture()
def submission(repo, source):
    released = nbformat.read(repo / "labs" / LAB / f"{NB}.ipynb", as_version=4)
    return filled(released, answers_of(source))


def test_test_cells_come_back_from_the_source_even_if_deleted_or_edited(source, submission):
    tests = [c for c in submission.cells if is_test(c)]
    submission.cells.remove(tests[0])
    tests[1].source = "pass  # nothing to see"
    run = assemble(submission, source, "lab").notebook
    by_id = {grade_id(c): c for c in run.cells if grade_id(c)}
    for cell in source.cells:
        if is_test(cell):
            assert by_id[grade_id(cell)].source == cell.source  # hidden tests included


def test_reordered_answers_land_in_their_own_cells(source, submission):
    answers = [c for c in submission.cells if is_answer(c)]
    i, j = submission.cells.index(answers[0]), submission.cells.index(answers[1])
    submission.cells[i], submission.cells[j] = submission.cells[j], submission.cells[i]
    run = assemble(submission, source, "lab").notebook
    order = [grade_id(c) for c in run.cells if is_answer(c)]
    assert order == [grade_id(c) for c in source.cells if is_answer(c)]


def test_deleted_and_duplicated_answers_are_noted(source, submission):
    answers = [c for c in submission.cells if is_answer(c)]
    submission.cells.remove(answers[0])
    submission.cells.append(nbformat.from_dict(json.loads(json.dumps(answers[1]))))
    result = assemble(submission, source, "lab")
    assert any("missing" in n for n in result.notes) and any("twice" in n for n in result.notes)


def test_extra_student_cells_keep_their_place(source, submission):
    first_answer = next(i for i, c in enumerate(submission.cells) if is_answer(c))
    submission.cells.insert(first_answer + 1, nbformat.v4.new_code_cell("helper = 42"))
    run = assemble(submission, source, "lab").notebook
    idx = next(i for i, c in enumerate(run.cells) if c.source == "helper = 42")
    assert is_answer(run.cells[idx - 1])


def test_solution_code_never_survives_in_answer_cells(source, submission):
    released_like = nbformat.from_dict(json.loads(json.dumps(submission)))
    for cell in released_like.cells:
        if is_answer(cell):
            cell.source = "raise NotImplementedError()"
    run = assemble(released_like, source, "lab").notebook
    assert all("BEGIN SOLUTION" not in c.source for c in run.cells if is_answer(c))


def test_foreign_notebook_is_refused(source):
    with pytest.raises(SubmissionError, match="not a submission"):
        assemble(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), source, "lab 01")


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b'{"cells": [', "not valid notebook JSON"),
    (b'{"hello": 1}', "not a Jupyter notebook"),
    (b"\xff\xfe\x00", "not valid notebook JSON"),
])
def test_unreadable_files_get_a_clear_reason(tmp_path, content, message):
    path = tmp_path / "x.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match=message):
        read_submission(path)


def test_nbformat_4_0_without_cell_ids_is_read(tmp_path, submission):
    raw = json.loads(nbformat.writes(submission))
    raw["nbformat_minor"] = 0
    for cell in raw["cells"]:
        cell.pop("id", None)
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(raw))
    assert len(read_submission(path).cells) == len(submission.cells)
