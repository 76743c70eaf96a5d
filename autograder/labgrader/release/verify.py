"""What must be true of every student notebook before it leaves the building."""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from ..config import Course
from ..notebook import MARKERS, grade_id, is_test
from . import templates


def _marked_lines(source_nb, begin: str, end: str) -> set[str]:
    """Distinctive lines found only between the `begin` and `end` markers in the source notebook."""
    inside_lines, outside_lines, inside = set(), set(), False
    for cell in source_nb.cells:
        for line in cell.source.splitlines():
            if begin in line:
                inside = True
            elif end in line:
                inside = False
            elif len(line.strip()) >= 12 and not line.strip().startswith("#"):
                (inside_lines if inside else outside_lines).add(line.strip())
    return inside_lines - outside_lines


def _solution_lines(source_nb) -> set[str]:
    return _marked_lines(source_nb, "BEGIN SOLUTION", "END SOLUTION")


def _hidden_test_lines(source_nb) -> set[str]:
    return _marked_lines(source_nb, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def _public_lines(source_nb) -> set[str]:
    """Stripped lines outside every marked region: what release hands out anyway."""
    public, inside = set(), False
    for cell in source_nb.cells:
        for line in cell.source.splitlines():
            if any(m in line for m in MARKERS):
                inside = "BEGIN" in line
            elif not inside:
                public.add(line.strip())
    return public


def verify_notebook(course: Course, lab: str, released: Path) -> list[str]:
    name = f"labs/{lab}/{released.name}"
    nb = nbformat.read(released, as_version=4)
    source = nbformat.read(course.solutions / lab / released.name, as_version=4)
    problems = []
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as err:
        problems.append(f"{name}: invalid notebook ({err.message})")
    secret_lines = _solution_lines(source)
    # raw JSON: nbformat.read silently renames duplicate ids, which would hide the problem
    ids = [c.get("id") for c in json.loads(released.read_text(encoding="utf-8")).get("cells", [])]
    if None in ids or len(set(ids)) != len(ids):
        problems.append(f"{name}: every cell needs a unique id")
    for i, cell in enumerate(nb.cells):
        where = f"{name} cell {i} ({cell.get('id')})"
        text = cell.source
        problems += [f"{where}: contains the marker '{m}'" for m in MARKERS if m in text]
        if cell.cell_type == "code":
            if cell.get("outputs") or cell.get("execution_count") is not None:
                problems.append(f"{where}: has outputs; release must clear them")
            if "deeplabs.grading" in text or re.search(r"^\s*record\(", text, re.M):
                problems.append(f"{where}: calls the grader's recorder (hidden test left in)")
            leaked = [ln for ln in text.splitlines() if ln.strip() in secret_lines]
            if leaked:
                problems.append(f"{where}: contains solution code: {leaked[0].strip()!r}")
    try:
        repo = templates.student_remote(course.settings())[0]
    except ValueError as err:
        return problems + [f"{name}: {err}"]
    badge = next((c for c in nb.cells if c.get("id") == templates.BADGE_ID), None)
    if badge is None or f"/github/{templates.github_path(repo)}/" not in badge.source:
        problems.append(f"{name}: the Open-in-Colab badge cell (id '{templates.BADGE_ID}') is missing "
                        f"or does not open the student repository {repo}")
    first_code = next((c for c in nb.cells if c.cell_type == "code"), None)
    if first_code is None or first_code.get("id") != templates.INSTALL_ID or "%pip install" not in first_code.source:
        problems.append(f"{name}: the first code cell must be the install cell (id '{templates.INSTALL_ID}')")
    elif f"git+{repo}@" not in first_code.source:
        problems.append(f"{name}: the install cell must install from the student repository {repo}")
    tests = [grade_id(c) for c in nb.cells if is_test(c)]
    last_code = next((c for c in reversed(nb.cells) if c.cell_type == "code"), None)
    if tests and (last_code is None or last_code.get("id") != templates.SELF_CHECK_ID
                  or any(repr(t) not in last_code.source for t in tests)):
        problems.append(f"{name}: the last code cell must be the self-check (id '{templates.SELF_CHECK_ID}') "
                        "listing every exercise")
    return problems


def verify_release(course: Course, lab: str, folder: Path) -> list[str]:
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        return [f"labs/{lab}: no notebooks released"]
    return [p for nb in notebooks for p in verify_notebook(course, lab, nb)]
