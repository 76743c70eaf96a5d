"""Generate student notebooks from solutions/ with nbgrader, then write the cells release owns
(Colab badge, install cell, closing self-check).

    labgrader release            # every lab -> labs/
    labgrader release --check    # fail if labs/ differs from a fresh release (CI)
"""
from __future__ import annotations

import filecmp
import shutil
import tempfile
from pathlib import Path

import nbformat

from .. import nbgrader_bridge
from ..config import Course
from ..notebook import grade_id, is_test, points_of
from . import templates
from .display_only import display_only_problems
from .verify import verify_release


class ReleaseError(RuntimeError):
    pass


def _render_release_cells(nb_path: Path, course: Course, lab: str) -> None:
    """The Colab badge and install cell from the student repository; the closing self-check."""
    settings = course.settings()
    try:
        repository, branch = templates.student_remote(settings)
    except ValueError as err:
        raise ReleaseError(str(err)) from None
    nb = nbformat.read(nb_path, as_version=4)
    relpath = f"labs/{lab}/{nb_path.name}"  # the same path in the published student repository
    for cell in nb.cells:
        if cell.get("id") == templates.BADGE_ID:
            cell.source = templates.badge_source(repository, branch, relpath)
        elif cell.get("id") == templates.INSTALL_ID:
            cell.source = templates.install_source(repository, branch, lab, settings.get("install", {}).get(lab))
    _append_self_check(nb, nb_path)
    nbformat.write(nb, nb_path)


def _append_self_check(nb, nb_path: Path) -> None:
    """Close the notebook with a self-check cell listing every exercise's visible check."""
    exercises = []
    code = [c for c in nb.cells if c.cell_type == "code"]
    for i, cell in enumerate(code):
        if not is_test(cell):
            continue
        # a check that needs a later result (a training run) sits in a cell after the test cell,
        # before the next test cell
        calls = templates.check_calls(cell.source)
        for later in code[i + 1:]:
            if calls or is_test(later):
                break
            calls = templates.check_calls(later.source)
        if not calls:
            raise ReleaseError(f"{nb_path.name}: test cell '{grade_id(cell)}' calls no visible check_*(...)")
        exercises.append((grade_id(cell), points_of(cell), calls[0]))
    if exercises:
        nb.cells.append(nbformat.v4.new_markdown_cell(templates.SELF_CHECK_INTRO, id=templates.SELF_CHECK_INTRO_ID))
        nb.cells.append(nbformat.v4.new_code_cell(templates.self_check_source(exercises), id=templates.SELF_CHECK_ID))


def build_release(course: Course, lab: str, out_root: Path) -> Path:
    """Release one lab into out_root/<lab>/ and return that folder."""
    tags = [problem for path in sorted((course.solutions / lab).glob("*.ipynb"))
            for problem in display_only_problems(nbformat.read(path, as_version=4), f"{lab}/{path.name}")]
    if tags:
        raise ReleaseError("grading could not skip these display-only cells:\n  " + "\n  ".join(tags))
    with tempfile.TemporaryDirectory(prefix="labgrader-release-") as scratch:
        # a throwaway workspace: releasing touches no real gradebook or course workspace
        scratch_course = Course(repo=course.repo, workspace=Path(scratch))
        api = nbgrader_bridge.api(scratch_course, release_dir=out_root)
        result = api.generate_assignment(lab, force=True)
    if not result.get("success"):
        raise ReleaseError(f"nbgrader could not release {lab}:\n{result.get('error') or result.get('log')}")
    out = out_root / lab
    for nb_path in sorted(out.glob("*.ipynb")):
        _render_release_cells(nb_path, course, lab)
    problems = verify_release(course, lab, out)
    if problems:
        raise ReleaseError(f"released {lab} is not safe to hand out:\n  " + "\n  ".join(problems))
    return out


def release(course: Course, labs: list[str]) -> list[Path]:
    """Regenerate labs/<lab>/ for each lab (files only nbgrader would write are replaced)."""
    written = []
    with tempfile.TemporaryDirectory(prefix="labgrader-out-") as tmp:
        for lab in labs:
            fresh = build_release(course, lab, Path(tmp))
            target = course.labs / lab
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(fresh, target)
            written.append(target)
    return written


def check_release(course: Course, labs: list[str]) -> list[str]:
    """Differences between labs/ and a fresh release; empty when up to date."""
    diffs = []
    with tempfile.TemporaryDirectory(prefix="labgrader-check-") as tmp:
        for lab in labs:
            fresh = build_release(course, lab, Path(tmp))
            diffs += _compare_dirs(fresh, course.labs / lab, f"labs/{lab}")
    return diffs


def _compare_dirs(fresh: Path, current: Path, label: str) -> list[str]:
    if not current.is_dir():
        return [f"{label}/ is missing: run `labgrader release`"]
    cmp = filecmp.dircmp(fresh, current)
    diffs = [f"{label}/{n} missing" for n in cmp.left_only]
    diffs += [f"{label}/{n} is not generated from solutions/ (delete it or add it there)" for n in cmp.right_only]
    _, mismatch, errors = filecmp.cmpfiles(fresh, current, cmp.common_files, shallow=False)
    diffs += [f"{label}/{n} differs from a fresh release: edit solutions/, then `labgrader release`"
              for n in mismatch + errors]
    for sub in cmp.common_dirs:
        diffs += _compare_dirs(fresh / sub, current / sub, f"{label}/{sub}")
    return diffs
