"""Release refuses a display-only tag that grading could not honour.

Grading skips the code cells tagged `display-only` (labgrader.notebook). That is safe only if no
cell that still runs reads what a skipped cell leaves behind, so for every tagged cell release
checks, statically, that no later cell which is not itself skipped uses a name the tagged cell
binds or changes (assigns, imports, defines, or assigns into: `d[k] = v`, `obj.x = v`) before
binding it again. The tag on an answer or test cell is refused too: those always run.

What a static check cannot see — a method call that changes an object in place
(`model.eval()`), or a draw from the global random generator that later cells would have
continued from — is the author's to avoid; tests/test_grading.py grades each lab with and
without skipping and requires the same scores.
"""
from __future__ import annotations

import ast

from ..notebook import DISPLAY_ONLY, grade_id, is_display_only, nbgrader_meta


def _root(node: ast.AST) -> str | None:
    """The variable an assignment target changes: `x` for x, x.a, x[i], x.a[i].b."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _local_names(node: ast.AST) -> set[str]:
    """Names local to a function, lambda, comprehension or class body: its parameters and what it
    binds (minus `global` ones); a read of one of these there is not a read of the cell's name."""
    names: set[str] = set()
    args = getattr(node, "args", None)
    if isinstance(args, ast.arguments):
        names |= {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
        names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    declared_global: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and not isinstance(child.ctx, ast.Load):
            names.add(child.id)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and child is not node:
            names.add(child.name)
        elif isinstance(child, ast.Global):
            declared_global |= set(child.names)
    return names - declared_global


class _Names(ast.NodeVisitor):
    """Module-level bindings (with the position of the first) and every module-level name read,
    with positions."""

    def __init__(self):
        self.bound: dict[str, tuple[int, int]] = {}
        self.loads: dict[str, tuple[int, int]] = {}
        self.scopes: list[set[str]] = []   # the local names of the enclosing function bodies

    def _bind(self, name: str | None, node: ast.AST) -> None:
        if name and not self.scopes:
            self.bound.setdefault(name, (node.lineno, node.col_offset))

    def _read(self, name: str | None, node: ast.AST) -> None:
        if name and not any(name in scope for scope in self.scopes):
            self.loads.setdefault(name, (node.lineno, node.col_offset))

    def _scoped(self, node):
        self._bind(node.name, node)
        # decorators, defaults and annotations are evaluated where the function is defined
        for child in getattr(node, "decorator_list", []) + getattr(node, "bases", []):
            self.visit(child)
        if isinstance(getattr(node, "args", None), ast.arguments):
            for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                self.visit(default)
        self.scopes.append(_local_names(node))
        for child in node.body:
            self.visit(child)
        self.scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def _local_scope(self, node):
        self.scopes.append(_local_names(node))
        self.generic_visit(node)
        self.scopes.pop()

    visit_Lambda = visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _local_scope

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load):
            self._read(node.id, node)
        else:
            self._bind(node.id, node)

    def _target(self, target):
        if isinstance(target, (ast.Attribute, ast.Subscript)):
            self._bind(_root(target), target)   # changing part of a variable changes the variable
        self.visit(target)                      # (its root is read there, too)

    def visit_Assign(self, node):
        self.visit(node.value)
        for target in node.targets:
            self._target(target)

    def visit_AugAssign(self, node):
        self.visit(node.value)
        self._read(_root(node.target), node)
        self._target(node.target)

    def visit_AnnAssign(self, node):
        if node.value is not None:
            self.visit(node.value)
        self._target(node.target)

    def visit_Delete(self, node):
        for target in node.targets:
            self._bind(_root(target), target)

    def visit_Import(self, node):
        for alias in node.names:
            self._bind((alias.asname or alias.name).split(".")[0], node)

    visit_ImportFrom = visit_Import

    def visit_Global(self, node):   # inside a function: it binds the cell's name when called
        for name in node.names:
            self.bound.setdefault(name, (node.lineno, node.col_offset))


def _names(source: str) -> _Names | None:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None       # magics or shell lines: nothing can be said, so nothing is refused here
    names = _Names()
    names.visit(tree)
    return names


def _read_before_rebound(name: str, later: _Names) -> bool:
    """Does a later cell read `name` before (re)binding it itself?"""
    if name not in later.loads:
        return False
    return name not in later.bound or later.loads[name] <= later.bound[name]


def display_only_problems(nb, label: str) -> list[str]:
    """Why grading could not skip the tagged cells of source notebook `nb` ([] when it can)."""
    problems = []
    cells = [c for c in nb.cells if c.cell_type == "code"]
    for i, cell in enumerate(cells):
        tags = cell.get("metadata", {}).get("tags") or []
        if DISPLAY_ONLY not in tags:
            continue
        name = cell.get("id") or grade_id(cell) or f"code cell {i}"
        if nbgrader_meta(cell).get("solution") or nbgrader_meta(cell).get("grade"):
            problems.append(f"{label}: cell '{name}' is an answer or test cell; it cannot be {DISPLAY_ONLY}")
            continue
        defined = _names(cell.source)
        if defined is None:
            continue
        pending = set(defined.bound)
        for later in cells[i + 1:]:
            if not pending:
                break
            if is_display_only(later):
                continue
            names = _names(later.source)
            if names is None:
                continue
            used = sorted(n for n in pending if _read_before_rebound(n, names))
            if used:
                problems.append(f"{label}: cell '{name}' is tagged {DISPLAY_ONLY} but cell "
                                f"'{later.get('id') or grade_id(later)}' uses what it defines "
                                f"({', '.join(used)}): move those lines to a cell that is not skipped, "
                                "or remove the tag")
            pending -= set(used) | set(names.bound)
    return problems
