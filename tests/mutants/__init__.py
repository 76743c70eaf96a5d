"""Plausible wrong answers, and right answers written another way: tests/mutants/<lab>/<notebook>.py
defines

    MUTANTS = {answer cell grade_id: [(label, wrong source), ...]}    # at least six per exercise
    CORRECT = {answer cell grade_id: [(label, correct source), ...]}  # the template first

tests/test_grading.py grades one submission per "round" (round k takes the k-th wrong answer
of every exercise that has one, the correct answer elsewhere) and requires each mutated
exercise to lose points and every other exercise to keep full marks, which also proves the
checks of one exercise do not depend on another exercise's code. Control round k takes the
k-th CORRECT answer of every exercise and must get full marks: the mutants' own template filled
in correctly comes first, so a template broken by drift fails here instead of "catching" a
mutant for the wrong reason; then correct answers in other styles (no false fails).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).parent


def _module(lab: str, notebook: str):
    path = HERE / lab / f"{notebook}.py"
    if not path.exists():
        raise FileNotFoundError(f"no wrong answers for {lab}/{notebook}: add {path.relative_to(HERE.parent.parent)}")
    spec = importlib.util.spec_from_file_location(f"mutants_{lab}_{notebook}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mutants_for(lab: str, notebook: str) -> dict[str, list[tuple[str, str]]]:
    return _module(lab, notebook).MUTANTS


def correct_for(lab: str, notebook: str) -> dict[str, list[tuple[str, str]]]:
    return getattr(_module(lab, notebook), "CORRECT", {})
