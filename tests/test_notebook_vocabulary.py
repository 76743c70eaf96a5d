"""labgrader.notebook: what each kind of nbgrader cell reads as, including malformed metadata."""
from __future__ import annotations

import nbformat
from nbformat import v4

from labgrader.notebook import (MARKERS, grade_id, is_answer, is_test, nbgrader_meta, points_of, strip_hidden,
                                strip_solution_markers)


def _cell(kind="code", **nbgrader):
    cell = v4.new_code_cell("x = 1") if kind == "code" else v4.new_markdown_cell("text")
    if nbgrader:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def test_cell_kinds_as_nbgrader_writes_them():
    answer = _cell(solution=True, grade=False, locked=False, grade_id="ex1")
    test = _cell(solution=False, grade=True, locked=True, grade_id="test_ex1", points=3)
    setup = _cell(solution=False, grade=False, locked=True, grade_id="setup")
    task = _cell("markdown", solution=False, grade=True, locked=True, grade_id="task", points=2)
    plain = _cell()
    assert [is_answer(c) for c in (answer, test, setup, task, plain)] == [True, False, False, False, False]
    assert [is_test(c) for c in (answer, test, setup, task, plain)] == [False, True, False, False, False]
    assert [grade_id(c) for c in (answer, test, plain)] == ["ex1", "test_ex1", None]
    assert points_of(test) == 3.0 and points_of(answer) == 0.0 and points_of(plain) == 0.0


def test_malformed_metadata_reads_as_no_kind_and_no_points():
    none_meta = _cell()
    none_meta.metadata["nbgrader"] = None
    assert nbgrader_meta(none_meta) == {} and not is_answer(none_meta) and not is_test(none_meta)
    for bad in ("lots", None, [3]):
        assert points_of(_cell(grade=True, points=bad)) == 0.0
    assert points_of(_cell(grade=True, points="2.5")) == 2.5  # a numeric string reads as float() reads it


def test_hidden_tests_and_solution_markers_are_removed_with_their_lines():
    source = ("    ### BEGIN HIDDEN TESTS\nrecord('a', f)\n### END HIDDEN TESTS\ncheck(f)\n")
    assert strip_hidden(source) == "check(f)\n"
    answer = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert strip_solution_markers(answer) == "def f(x):\n    return x\n"
    assert not any(m in strip_solution_markers(answer) + strip_hidden(source) for m in MARKERS)


def test_the_solution_notebooks_use_these_markers(repo):
    """Every solution notebook's answer cells carry the solution markers this module names."""
    for path in sorted((repo / "solutions").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        answers = [c for c in nb.cells if is_answer(c) and c.cell_type == "code"]  # written answers: mark scheme
        assert answers, path
        assert all(MARKERS[0] in c.source and MARKERS[1] in c.source for c in answers), path
        assert any(MARKERS[2] in c.source for c in nb.cells if is_test(c)), path
