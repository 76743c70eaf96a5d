"""Plausible wrong answers, per lab notebook: {answer cell grade_id: [(label, source), ...]}.

Every exercise keeps at least three. tests/test_grading_primer.py grades one submission per
"round" (round k takes the k-th wrong answer of every exercise that has one, the correct
answer elsewhere) and requires each mutated exercise to lose points and every other
exercise to keep full marks, which also proves the checks of one exercise do not depend on
another exercise's code.
"""
from importlib import import_module

REGISTRY = {
    ("01_music_rnn", "01_pytorch_primer"): "tests.mutants.lab01_pytorch_primer",
}


def mutants_for(lab: str, notebook: str) -> dict[str, list[tuple[str, str]]]:
    return import_module(REGISTRY[(lab, notebook)]).MUTANTS
