"""The notebook vocabulary every verb shares: what a cell is to nbgrader, and the markers of solutions/.

A cell's `metadata.nbgrader` says what it is: an *answer* cell (`solution`, not `locked`) holds the
student's code; a *test* cell (`grade`, code, not a solution) holds visible checks and, between the
hidden-test markers, the grader's `record(...)` calls; `grade_id` names either, and `points` is a
test cell's weight. In solutions/, the solution markers fence the answer that release replaces with
a stub, and the hidden-test markers fence what only the grader sees.

A code cell tagged `display-only` (in `metadata.tags`) is one whose effects no check needs: a plot,
a demo, audio, a slider, an evaluation only students read. Grading skips it in the solution's run
and in every submission's (the tag is read from solutions/, never from a submission), and release
refuses the tag where a later cell uses what the cell defines (release/display_only.py).

release/, check/, grade/, feedback/ and the tests ask these questions here, so that they all read
the same metadata the same way. Everything here takes any notebook, trusted or not: a missing or
malformed field reads as "not that kind of cell", never as an exception.
"""
from __future__ import annotations

import re

SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
# every nbgrader marker (nbgrader's own spelling, without the comment sign): none may reach a student
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "BEGIN MARK SCHEME", "END MARK SCHEME")
DISPLAY_ONLY = "display-only"   # the cell tag grading skips
# a hidden-test block with its marker lines (and the indentation before them)
HIDDEN = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S)
# one solution marker line, to be removed (the code between the markers stays)
SOLUTION_MARKER_LINE = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)


def nbgrader_meta(cell) -> dict:
    """The cell's `metadata.nbgrader` ({} when it has none)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_answer(cell) -> bool:
    """A cell the student writes in (nbgrader's "autograded answer")."""
    m = nbgrader_meta(cell)
    return bool(m.get("solution")) and not m.get("locked")


def is_test(cell) -> bool:
    """A code cell that earns points (nbgrader's "autograder tests")."""
    m = nbgrader_meta(cell)
    return bool(m.get("grade")) and cell.cell_type == "code" and not m.get("solution")


def grade_id(cell) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def points_of(cell) -> float:
    """A graded cell's points (0 for any other cell, or for points that are not a number)."""
    try:
        return float(nbgrader_meta(cell).get("points", 0) or 0)
    except (TypeError, ValueError):
        return 0.0


def is_display_only(cell) -> bool:
    """A code cell tagged display-only that is neither an answer nor a test (those always run)."""
    tags = cell.get("metadata", {}).get("tags") or []
    return (cell.get("cell_type") == "code" and isinstance(tags, list) and DISPLAY_ONLY in tags
            and not nbgrader_meta(cell).get("solution") and not nbgrader_meta(cell).get("grade"))


def without_display_only(nb):
    """A copy of `nb` without its display-only cells: what grading runs."""
    import nbformat

    copy = nbformat.from_dict(nb)
    copy.cells = [cell for cell in copy.cells if not is_display_only(cell)]
    return copy


def strip_hidden(source: str) -> str:
    """A test cell's source without its hidden tests (what a student may see)."""
    return HIDDEN.sub("", source)


def strip_solution_markers(source: str) -> str:
    """An answer cell's source without the marker lines: the solution as a student would write it."""
    return SOLUTION_MARKER_LINE.sub("", source)
