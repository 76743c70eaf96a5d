"""The solution's run: the checks (expected outputs) every submission is compared with.

Cached in the workspace per notebook, keyed by the solution's content, the grading seed and
the sandbox limits, so a batch runs the solution once, not once per student.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path

import nbformat

from ..config import Course
from . import sandbox
from .assemble import grade_id, is_test
from .compare import Check, checks_from_reference
from .execute import execute


class ReferenceError(RuntimeError):
    pass


def grading_seed(course: Course) -> int:
    """A per-course secret seed (the inputs students' code is tested on); created once."""
    path = course.workspace / "secret_seed"
    if not path.exists():
        course.workspace.mkdir(parents=True, exist_ok=True)
        path.write_text(str(secrets.randbelow(2**31)))
        path.chmod(0o600)
    return int(path.read_text().strip())


def shared_cache(course: Course) -> Path:
    """Converted models and datasets the solution's run leaves for the students' runs (read-only)."""
    path = course.workspace / "cache"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o755)
    return path


def notebook_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def reference_checks(course: Course, lab: str, source_path: Path, seed: int, kind: str,
                     limits: sandbox.Limits) -> list[Check]:
    cache = course.workspace / "reference" / lab / f"{source_path.stem}.{notebook_hash(source_path)}.{seed}.json"
    if cache.exists():
        return [Check(**c) for c in json.loads(cache.read_text())]
    source = nbformat.read(source_path, as_version=4)
    run = execute(source, seed, limits, kind, shared_cache=shared_cache(course), trusted=True)
    try:
        checks = checks_from_reference(run.records)
    except RuntimeError as err:
        raise ReferenceError(f"{lab}/{source_path.name}: {err}") from err
    errors = [f"cell '{c.get('id')}' raised {o.get('ename')}: {o.get('evalue')}"
              for c in (run.notebook.cells if run.notebook else []) if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    run.problems += errors
    test_cells = [grade_id(c) for c in source.cells if is_test(c)]
    missing = [gid for gid in test_cells if not any(ch.cell == gid for ch in checks)]
    if missing or run.problems:
        raise ReferenceError(f"{lab}/{source_path.name}: the solution's run is not usable for grading: "
                             + "; ".join(run.problems + [f"test cell '{m}' recorded no checks (add record(...) "
                                                          "calls in its hidden tests)" for m in missing]))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps([c.__dict__ for c in checks]))
    return checks
