"""The cells release writes into every lab: the two it opens with (built from the configured student
repository URL) and the self-check it closes with (built from the lab's own check cells)."""
from __future__ import annotations

import ast

BADGE_ID, INSTALL_ID = "colab-badge", "install"
SELF_CHECK_INTRO_ID, SELF_CHECK_ID = "self-check-intro", "self-check"
COLAB = "https://colab.research.google.com"


def student_remote(settings: dict) -> tuple[str, str]:
    """(repository, branch) students install from: [tool.labgrader] student_repository and
    student_branch. Never the course repository itself: that one holds solutions/."""
    repository = settings.get("student_repository")
    if not repository:
        raise ValueError("set [tool.labgrader] student_repository in pyproject.toml: the repository "
                         "`labgrader publish` writes, where the badge and install cell send students")
    if github_path(repository) == github_path(settings.get("repository", "")):
        raise ValueError("[tool.labgrader] student_repository must not be the course repository "
                         "(it holds solutions/ and hidden tests)")
    return repository, settings.get("student_branch", "main")


def github_path(repository: str) -> str:
    """'https://github.com/org/repo(.git)' -> 'org/repo'."""
    path = repository.rstrip("/").removesuffix(".git")
    return path.split("github.com/", 1)[-1]


def badge_source(repository: str, branch: str, notebook_relpath: str) -> str:
    url = f"{COLAB}/github/{github_path(repository)}/blob/{branch}/{notebook_relpath}"
    return f"[![Open In Colab]({COLAB}/assets/colab-badge.svg)]({url})"


def install_source(repository: str, branch: str, lab: str, install: dict | None = None) -> str:
    """The install cell: skipped when deeplabs and this lab's extras are already importable."""
    install = install or {}
    extra = "lab" + lab.split("_", 1)[0]
    probe = ["deeplabs", *install.get("probe", [])]
    lines = [
        "# Install the course helpers and this lab's extras (Colab, or any fresh environment). Skipped",
        "# when they are already there, e.g. in the course's conda environment.",
        "import importlib.util",
        f"if any(importlib.util.find_spec(m) is None for m in {probe!r}):",
        f"    %pip install -q \"deeplabs[{extra}] @ git+{repository}@{branch}\"",
    ]
    if install.get("no-deps"):
        # wheels whose own dependencies need a compiler; we import none of them
        wheels = " ".join(f'"{w}"' for w in install["no-deps"])
        lines.append(f"    %pip install -q --no-deps {wheels}")
    return "\n".join(lines)


SELF_CHECK_INTRO = (
    "## Before you submit: self-check\n\n"
    "The cell below runs the visible check of every exercise again, with your code as it is now, and\n"
    "prints one row per exercise (the same table as `labgrader check`). Restart the kernel and run all\n"
    "cells first, so that what you submit is what you checked. All ✓ is necessary, not sufficient: the\n"
    "grader tests your functions on inputs you have not seen."
)


def check_calls(source: str) -> list[str]:
    """The `check_*(...)` statements of a code cell, as written."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # cell magics and the like: nothing to re-run
        return []
    return [ast.get_source_segment(source, node) for node in tree.body
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name) and node.value.func.id.startswith("check_")]


def self_check_source(exercises: list[tuple[str, float, str]]) -> str:
    rows = "".join(f"    ({gid!r}, {points:g}, {call!r}),\n" for gid, points, call in exercises)
    return ("from deeplabs.checks import self_check\n\n"
            f"self_check([\n{rows}])")
