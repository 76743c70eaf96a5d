"""Every notebook's visible checks against the solution, right answers in other styles and the
wrong answers of tests/mutants, in-process (no grader, no sandbox).

A visible check must never fail a right answer (the student would chase a bug that is not
there) and should catch most wrong ones; the hidden checks (tests/test_grading.py) must catch
all of them. The run prints each exercise's catch count (`pytest -s`).
"""
from __future__ import annotations

import pytest
import torch

from deeplabs.checks.report import run_check
from tests.adapters import (NEEDS_TRAINING, SETUP_CELLS, answers_of, notebook_namespace, source_notebook,
                            visible_checks, with_answer)
from tests.mutants import correct_for, mutants_for

pytestmark = pytest.mark.slow  # every notebook's setup cells, solution and mutants in-process

CASES = [(name, exercise) for name in sorted(SETUP_CELLS) for exercise in sorted(visible_checks(name))]


def test_every_exercise_has_a_visible_check_or_is_named_as_needing_training():
    for name in SETUP_CELLS:
        exercises = set(answers_of(source_notebook(name)))
        assert exercises - set(visible_checks(name)) <= NEEDS_TRAINING.get(name, set()), name


_SOLVED: dict[str, dict] = {}  # one namespace per notebook: its setup cells run once


def _passes(name: str, exercise: str, source: str | None = None) -> tuple[bool, str]:
    if name not in _SOLVED:
        _SOLVED[name] = notebook_namespace(name)
    ns = _SOLVED[name]
    if source is not None:
        try:
            ns = with_answer(ns, name, exercise, source)
        except Exception as err:  # a wrong answer that does not even define its names
            return False, f"raised {type(err).__name__} while defining"
    with torch.enable_grad():  # an answer that leaves gradient tracking off leaves it off for this run only
        result = run_check(exercise, 1, visible_checks(name)[exercise], dict(ns))
    return result.passed, result.message


@pytest.mark.parametrize("name,exercise", [c for c in CASES if c[1] not in NEEDS_TRAINING.get(c[0], set())])
def test_visible_check_passes_right_answers_and_catches_most_wrong_ones(name, exercise):
    lab, notebook = name.split("/")
    ok, message = _passes(name, exercise)
    assert ok, f"the solution fails its own visible check: {message}"
    for label, source in correct_for(lab, notebook).get(exercise, []):
        ok, message = _passes(name, exercise, source)
        assert ok, f"a right answer ({label}) fails the visible check: {message}"
    wrong = mutants_for(lab, notebook)[exercise]
    missed = [label for label, source in wrong if _passes(name, exercise, source)[0]]
    print(f"{name} {exercise}: visible check catches {len(wrong) - len(missed)}/{len(wrong)}")
    assert len(missed) * 2 <= len(wrong), f"the visible check misses most wrong answers: {missed}"
