"""Plausible wrong answers: tests/mutants/<lab>/<notebook>.py defines
MUTANTS = {answer cell grade_id: [(label, wrong source), ...]} with at least three per exercise.

tests/test_grading.py grades one submission per "round" (round k takes the k-th wrong answer
of every exercise that has one, the correct answer elsewhere) and requires each mutated
exercise to lose points and every other exercise to keep full marks, which also proves the
checks of one exercise do not depend on another exercise's code.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).parent


def mutants_for(lab: str, notebook: str) -> dict[str, list[tuple[str, str]]]:
    path = HERE / lab / f"{notebook}.py"
    if not path.exists():
        raise FileNotFoundError(f"no wrong answers for {lab}/{notebook}: add {path.relative_to(HERE.parent.parent)}")
    spec = importlib.util.spec_from_file_location(f"mutants_{lab}_{notebook}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MUTANTS
