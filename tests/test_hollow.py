"""tests/hollow.py: the answers that compute nothing keep every name a solution answer defines."""
from __future__ import annotations

import ast

import pytest

from tests.adapters import REPO, answers_of, source_notebook
from tests.hollow import hollow, hollow_answers_of

NOTEBOOKS = sorted(f"{p.parent.name}/{p.stem}" for p in (REPO / "solutions").glob("*/*.ipynb"))


def _defined(source: str) -> set[str]:
    return {n.name for n in ast.parse(source).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def test_a_hollow_answer_returns_nothing_or_its_first_argument():
    source = "import torch\nSCALE = 2\n\nclass Net(torch.nn.Module):\n    def __init__(self, n):\n" \
             "        super().__init__()\n        self.w = torch.nn.Linear(n, n)\n\n    def forward(self, x):\n" \
             "        return self.w(x) * SCALE\n\ndef twice(x, y=1):\n    return 2 * x\n"
    names: dict = {}
    exec(hollow(source, returns="none"), names)
    assert names["twice"](3) is None and "SCALE" not in names
    assert not list(names["Net"](4).parameters()) and names["Net"](4).forward(5) is None
    exec(hollow(source, returns="first"), names)
    assert names["twice"](3) == 3 and names["Net"](4).forward(5) == 5
    with pytest.raises(ValueError, match="returns must be one of"):
        hollow(source, returns="zero")


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_every_solution_answer_has_a_hollow_twin_with_its_names(notebook):
    solution = answers_of(source_notebook(notebook))
    for returns in ("none", "first"):
        twins = hollow_answers_of(source_notebook(notebook), returns)
        assert twins.keys() == solution.keys()
        assert all(_defined(twins[g]) == _defined(solution[g]) for g in solution)
