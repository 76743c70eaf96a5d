"""The tripwire and the library-call flags (grade/integrity.py) on small notebooks."""
from __future__ import annotations

from nbformat import v4

from labgrader.grade.integrity import library_calls, tripwires


def answer(gid, source, **meta):
    return v4.new_code_cell(source, metadata={"nbgrader": {"grade_id": gid, "solution": True}, **meta})


def notebook(*cells):
    return v4.new_notebook(cells=list(cells))


def test_code_that_names_the_grading_machinery_is_caught_in_student_cells_only():
    honest = notebook(answer("ex1", "def f(x):\n    return x.exp() / x.exp().sum()"),
                      # a test cell
                      v4.new_code_cell("from deeplabs.grading import record\nrecord('f', lambda g: f(g))"))
    assert tripwires(honest) == []
    for attack in ("import deeplabs.grading as g", "import sys; sys.settrace(None)", "import atexit",
                   "get_ipython().events.register('post_run_cell', print)", "os.environ['DEEPLABS_GRADER_SEED']",
                   "display({'application/vnd.deeplabs.record+json': {}}, raw=True)", "open('/proc/1/cmdline')",
                   "builtins.__import__ = None"):
        assert tripwires(notebook(answer("ex1", attack))), attack
    extra = v4.new_code_cell("import atexit", id="student-extra-1")
    assert tripwires(notebook(answer("ex1", "pass"), extra)) == ["a cell you added uses exit hooks"]


def test_library_calls_listed_by_the_exercise_are_flagged():
    source = notebook(answer("ex2", "...", labgrader={"library": ["torch.softmax", ".softmax("]}))
    assert library_calls(notebook(answer("ex2", "def softmax(x):\n    return x.exp() / x.exp().sum(-1, keepdim=True)")),
                         source) == []
    flagged = library_calls(notebook(answer("ex2", "def softmax(x):\n    return x.softmax(-1)")), source)
    assert flagged == ["ex2 calls .softmax(, which the exercise asks you to write yourself"]
