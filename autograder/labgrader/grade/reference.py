"""The solution's run: the expected output of every check, once per batch.

The solution notebook runs in the same sandbox as the students', under the course's secret
seed and once more under a second seed: a check whose expected value does not change with
the seed is guessable (records.py credits it only together with the seed-dependent checks
of its cell), and a test cell with no seed-dependent check is refused — its points could be
won with constants. Results are cached (workspace/reference/<lab>/) by the source notebook, the
seed, the records protocol, the course helpers' code and the versions of torch, numpy,
transformers, music21, scikit-learn and scikit-image. Not by the sandbox kind or limits: after
changing those, delete the cached file (or the folder) to run the solution again.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import nbformat

from ..config import Course
from . import sandbox
from ..notebook import grade_id, is_test, without_display_only
from .compare import HiddenCheck
from .execute import execute
from .records import checks_from_reference

PROTOCOL = "records-2"  # bump when what a reference run stores changes


# Every kernel, the solution's and the students', runs with this many threads: the same order of
# floating-point sums, so a grade does not depend on how many notebooks ran beside it.
REFERENCE_THREADS = 1


class SolutionRunError(RuntimeError):
    """The solution notebook cannot serve as the reference: the message says what to fix."""


def grading_seed(course: Course) -> int:
    """A per-course secret seed (the inputs students' code is tested on); created once."""
    path = course.workspace / "secret_seed"
    if not path.exists():
        course.workspace.mkdir(parents=True, exist_ok=True)
        path.write_text(str(secrets.randbelow(2**31)))
        path.chmod(0o600)
    return int(path.read_text().strip())


def alternate_seed(seed: int) -> int:
    return (seed * 2654435761 + 97) % 2**31


def shared_cache(course: Course) -> Path:
    """Converted models and datasets the solution's run leaves for the students' runs (read-only)."""
    path = course.workspace / "cache"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o755)
    return path


def notebook_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@lru_cache(maxsize=None)
def environment_hash() -> str:
    """The course helpers' code and the library versions a run's outputs depend on."""
    import deeplabs

    digest = hashlib.sha256(PROTOCOL.encode())
    for path in sorted(Path(deeplabs.__file__).resolve().parent.rglob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    for package in ("torch", "numpy", "transformers", "music21", "scikit-learn", "scikit-image"):
        try:
            digest.update(f"{package}=={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()[:16]


def _run_problems(run) -> list[str]:
    problems = list(run.problems)
    if run.status != "ok":
        problems.append(f"the run stopped: {run.status}")
    problems += [f"cell {c['index']} ({c.get('id')}) ended with {c.get('outcome')}"
                 + (f" ({c['error_type']})" if c.get("error_type") else "")
                 for c in run.cells if c.get("outcome") not in ("ok", None)]
    return problems


def reference_checks(course: Course, lab: str, source_path: Path, seed: int, kind: str,
                     limits: sandbox.Limits, run_display_cells: bool = False) -> list[HiddenCheck]:
    """The checks of one source notebook; its display-only cells are skipped, as in the
    students' runs, unless `run_display_cells`."""
    everything = ".all-cells" if run_display_cells else ""
    key = f"{source_path.stem}.{notebook_hash(source_path)}.{seed}.{environment_hash()}{everything}.json"
    cache = course.workspace / "reference" / lab / key
    if cache.exists():
        return [HiddenCheck(**c) for c in json.loads(cache.read_text())]
    label = f"{lab}/{source_path.name}"
    source = nbformat.read(source_path, as_version=4)
    if not run_display_cells:
        source = without_display_only(source)
    cache_dir = shared_cache(course)
    # the first run may fill the shared cache (lab 03's converted model): run it before the other
    first = execute(source, seed, limits, kind, REFERENCE_THREADS, shared_cache=cache_dir, trusted=True)
    with ThreadPoolExecutor(1) as pool:
        second = pool.submit(execute, source, alternate_seed(seed), limits, kind, REFERENCE_THREADS,
                             shared_cache=cache_dir, trusted=True).result()
    problems = _run_problems(first) + [f"(second seed) {p}" for p in _run_problems(second)]
    if problems:
        raise SolutionRunError(f"{label}: the solution's run is not usable for grading: " + "; ".join(problems))
    try:
        checks = checks_from_reference(first.records, second.records)
    except RuntimeError as err:
        raise SolutionRunError(f"{label}: {err}") from err
    test_cells = [grade_id(c) for c in source.cells if is_test(c)]
    missing = [gid for gid in test_cells if not any(ch.cell == gid for ch in checks)]
    guessable_only = [gid for gid in test_cells if gid not in missing
                      and all(ch.guessable for ch in checks if ch.cell == gid)]
    stray = sorted({ch.cell for ch in checks} - set(test_cells))
    reasons = [f"test cell '{m}' recorded no checks (add record(...) calls in its hidden tests)" for m in missing]
    reasons += [f"every check of test cell '{g}' has the same expected value under another seed, so a "
                "student could type the values in: draw its inputs from the generator `g`" for g in guessable_only]
    reasons += [f"cell '{s}' is not a test cell but recorded checks" for s in stray]
    if reasons:
        raise SolutionRunError(f"{label}: " + "; ".join(reasons))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps([c.__dict__ for c in checks]))
    return checks
