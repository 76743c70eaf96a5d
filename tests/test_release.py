"""labs/ is exactly what solutions/ generates, and nothing secret leaks into it."""
from __future__ import annotations

import ast
import json
import shutil

import nbformat
import pytest

from labgrader.release.build import build_release, check_release
from labgrader.notebook import grade_id, is_answer, is_test
from labgrader.release.verify import verify_notebook


def test_labs_match_a_fresh_release(course):
    assert check_release(course, course.lab_ids()) == []


def test_check_notices_a_hand_edited_student_notebook(course, tmp_path):
    from labgrader.config import Course

    fake_repo = tmp_path / "repo"
    shutil.copytree(course.repo / "solutions", fake_repo / "solutions")
    shutil.copytree(course.repo / "labs", fake_repo / "labs")
    shutil.copy(course.repo / "pyproject.toml", fake_repo)
    target = next((fake_repo / "labs").rglob("*.ipynb"))
    nb = nbformat.read(target, as_version=4)
    nb.cells[-1].source += "\n(edited by hand)"
    nbformat.write(nb, target)
    (fake_repo / "labs" / target.parent.name / "stray.ipynb").write_text("{}")
    diffs = check_release(Course(fake_repo, tmp_path / "ws"), [target.parent.name])
    assert any("differs" in d for d in diffs) and any("stray.ipynb" in d for d in diffs)


@pytest.mark.parametrize("tamper, expected", [
    (lambda nb: nb.cells[5].outputs.append(nbformat.v4.new_output("stream", text="hi")), "has outputs"),
    (lambda nb: setattr(nb.cells[5], "source", "### BEGIN SOLUTION\nx = 1"), "marker"),
    (lambda nb: setattr(nb.cells[5], "source", "from deeplabs.grading import record"), "recorder"),
    (lambda nb: nb.cells.pop(0), "badge"),
    (lambda nb: setattr(nb.cells[1], "id", nb.cells[2].id), "unique id"),
    (lambda nb: nb.cells.pop(), "self-check"),
])
def test_verify_catches_unsafe_student_notebooks(course, tmp_path, tamper, expected):
    lab = "01_music_rnn"
    out = build_release(course, lab, tmp_path)
    path = next(out.glob("*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    nb.cells[5] = nbformat.v4.new_code_cell("pass", id="x-tamper") if 5 not in code_cells else nb.cells[5]
    tamper(nb)
    path.write_text(json.dumps(nb))
    problems = verify_notebook(course, lab, path)
    assert any(expected in p for p in problems), problems


def test_verify_catches_solution_code_copied_into_a_stub(course, tmp_path):
    lab = "01_music_rnn"
    out = build_release(course, lab, tmp_path)
    path = next(out.glob("*.ipynb"))
    nb = nbformat.read(path, as_version=4)
    answer = next(c for c in nb.cells if is_answer(c))
    answer.source += "\n    shifted = logits - logits.max(dim=-1, keepdim=True).values"
    nbformat.write(nb, path)
    assert any("solution code" in p for p in verify_notebook(course, lab, path))


def test_released_stubs_raise_not_implemented(repo):
    for path in (repo / "labs").rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        answers = [c for c in nb.cells if is_answer(c) and c.cell_type == "code"]  # written: YOUR ANSWER HERE
        assert answers and all("raise NotImplementedError()" in c.source for c in answers)


def test_every_lab_closes_with_a_self_check_of_every_exercise(repo):
    from labgrader.release import templates

    for path in (repo / "labs").rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        tests = [c for c in nb.cells if is_test(c)]
        last = nb.cells[-1]
        assert last.id == templates.SELF_CHECK_ID, path
        listed = ast.literal_eval(last.source.split("self_check(", 1)[1].rsplit(")", 1)[0])
        assert [gid for gid, _, _ in listed] == [grade_id(c) for c in tests], path
        assert all(call.startswith("check_") for _, _, call in listed), path
