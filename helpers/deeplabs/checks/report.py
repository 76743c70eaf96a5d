"""The per-exercise table: the last cell of every lab and `labgrader check` print the same one.

    from deeplabs.checks import self_check
    self_check([("ex1_tensors", 2, "check_flatten_standardize(flatten, standardize)"), ...])

`self_check` re-runs each exercise's visible check in the notebook's namespace, so it sees the
code as it is now (a function edited after its check cell ran is checked again). The release
step writes that cell from the test cells; nobody maintains it by hand. Visible checks passing
is necessary, not sufficient: the grader tests on inputs you have not seen.
"""
from __future__ import annotations

import io
import sys
from contextlib import redirect_stdout
from dataclasses import dataclass


@dataclass
class ExerciseResult:
    exercise: str
    points: float
    passed: bool
    message: str


def failure_message(printed: str) -> str:
    """The first ✗ line and its hint, from what a Checks block printed."""
    lines = [ln.strip() for ln in printed.splitlines() if ln.strip().startswith(("✗", "→"))]
    return " ".join(lines[:2])


def run_check(exercise: str, points: float, call: str, namespace: dict) -> ExerciseResult:
    printed = io.StringIO()
    try:
        with redirect_stdout(printed):
            exec(compile(call, f"<self-check {exercise}>", "exec"), namespace)
    except NameError as err:
        return ExerciseResult(exercise, points, False, f"{err}: run the cells above this exercise first")
    except NotImplementedError:
        return ExerciseResult(exercise, points, False, "not implemented yet")
    except AssertionError as err:
        return ExerciseResult(exercise, points, False, failure_message(printed.getvalue()) or str(err)[:200])
    except Exception as err:  # student code that crashes is a failed row, never a crashed table
        return ExerciseResult(exercise, points, False, f"raised {type(err).__name__}: {err}"[:200])
    return ExerciseResult(exercise, points, True, "")


def print_table(results: list[ExerciseResult]) -> None:
    width = max([len(r.exercise) for r in results] + [8])
    print(f"{'exercise':<{width}}  points  result  message")
    for r in results:
        print(f"{r.exercise:<{width}}  {r.points:>6g}  {'✓ pass' if r.passed else '✗ FAIL'}  {r.message}")
    passed = sum(r.points for r in results if r.passed)
    print(f"visible checks pass for {passed:g} of {sum(r.points for r in results):g} points "
          "(the grader also runs hidden checks)")


def self_check(exercises: list[tuple[str, float, str]], namespace: dict | None = None) -> None:
    """Re-run every exercise's visible check with the current code; print one row per exercise."""
    namespace = vars(sys.modules["__main__"]) if namespace is None else namespace
    print(f"Re-running the visible checks of {len(exercises)} exercises…")
    results = [run_check(exercise, points, call, namespace) for exercise, points, call in exercises]
    print_table(results)  # returns nothing, so the cell shows the table and no repr after it
