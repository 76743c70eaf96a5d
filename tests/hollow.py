"""Answers that compute nothing, for the check that such an answer earns no points.

    from tests.hollow import hollow_answers_of
    answers = hollow_answers_of(source_nb, returns="none")   # or "first": echo the first argument

Each solution answer cell keeps its imports and the names it defines, with nothing inside: every
function returns None (`returns="none"`) or its first argument (`returns="first"`), every
`__init__` only calls `super().__init__()`, and the cell's other statements are left out. A hidden
check such an answer passes (the caller's model handed back as it came, an exception swallowed)
must be gated (deeplabs.grading.KEPT_AS_GIVEN), or the student who hands in nothing earns it.
"""
from __future__ import annotations

import ast

from tests.adapters import answers_of

RETURNS = ("none", "first")


def _first_argument(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.expr:
    positional = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    if positional and positional[0] in ("self", "cls"):
        positional = positional[1:]
    return ast.Name(positional[0], ast.Load()) if positional else ast.Constant(None)


class _Hollow(ast.NodeTransformer):
    def __init__(self, returns: str):
        self.returns = returns

    def visit_FunctionDef(self, fn):
        if fn.name == "__init__":
            fn.body = ast.parse("super().__init__()").body
        else:
            value = _first_argument(fn) if self.returns == "first" else ast.Constant(None)
            fn.body = [ast.Return(value)]
        return fn

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, cls):
        cls.body = [self.visit(node) for node in cls.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
        cls.body = cls.body or [ast.Pass()]
        return cls


def hollow(source: str, returns: str = "none") -> str:
    """One answer cell's source with every definition kept and emptied (see the module docstring)."""
    if returns not in RETURNS:
        raise ValueError(f"returns must be one of {RETURNS}, not {returns!r}")
    tree = ast.parse(source)
    kept = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    tree.body = [_Hollow(returns).visit(node) for node in tree.body if isinstance(node, kept)]
    return ast.unparse(ast.fix_missing_locations(tree))


def hollow_answers_of(source_nb, returns: str = "none") -> dict[str, str]:
    """{grade id: emptied source} for every code answer cell of a solution notebook."""
    return {gid: hollow(src, returns) for gid, src in answers_of(source_nb).items()}
