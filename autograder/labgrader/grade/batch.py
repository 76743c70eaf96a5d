"""Grade every submission of a lab: parallel sandboxed runs, one gradebook writer, resumable.

    labgrader grade 01_music_rnn --submissions path/to/submissions --workers 2

Submissions folder: `<student>.ipynb` files, or `<student>/` folders holding the student's
notebooks (any file names: each file is matched to the lab's notebook by its exercise cells).
Unchanged submissions already in the gradebook are skipped (content hash); --force regrades.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..config import Course
from .. import nbgrader_bridge
from . import sandbox
from .assemble import SubmissionError, assemble, grade_id, is_test, overlap, read_source, read_submission
from .compare import judge, student_values
from .execute import execute
from .gradebook import CellScore, NotebookScore, feedback_notebook, write
from .reference import grading_seed, notebook_hash, reference_checks, shared_cache


@dataclass
class Job:
    student: str
    notebook: str                  # the lab notebook's name (without .ipynb)
    path: Path | None              # the submitted file, None when the student did not submit it
    error: str | None = None       # a reason the file cannot be graded


@dataclass
class Report:
    lab: str
    sandbox: str
    scores: list[NotebookScore] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def print_table(self) -> None:
        print(f"\n{self.lab} — sandbox: {self.sandbox}")
        width = max([len(s.student) for s in self.scores] + [7])
        print(f"{'student':<{width}}  {'notebook':<28} {'score':>11}  notes")
        for s in sorted(self.scores, key=lambda s: (s.student, s.notebook)):
            notes = s.error or "; ".join(s.notes[:2])
            print(f"{s.student:<{width}}  {s.notebook:<28} {s.score:>5g} / {s.max_score:<3g}  {notes[:100]}")
        if self.skipped:
            print(f"{len(self.skipped)} unchanged submission(s) skipped (use --force to regrade)")


def _student_files(submissions: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for entry in sorted(submissions.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found[entry.name] = sorted(p for p in entry.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        elif entry.suffix == ".ipynb":
            found.setdefault(entry.stem, []).append(entry)
    return found


def plan_jobs(files: dict[str, list[Path]], sources: dict[str, nbformat.NotebookNode]) -> list[Job]:
    """Match each student's files to the lab's notebooks; unreadable or foreign files become errors."""
    jobs = []
    for student, paths in files.items():
        matched: dict[str, Job] = {}
        unmatched_errors = []
        for path in paths:
            try:
                nb = read_submission(path)
            except SubmissionError as err:
                unmatched_errors.append(str(err))
                continue
            name, best = max(((n, overlap(nb, src)) for n, src in sources.items()), key=lambda t: t[1])
            if best == 0:
                unmatched_errors.append(f"{path.name} is not a notebook of this lab (no exercise cells match)")
            elif name in matched:
                matched[name].error = f"two files for {name}.ipynb ({matched[name].path.name}, {path.name}); resubmit one"
            else:
                matched[name] = Job(student, name, path)
        for name in sources:
            if name not in matched:
                reason = "; ".join(unmatched_errors) or f"{name}.ipynb was not submitted"
                matched[name] = Job(student, name, None, reason)
        jobs += matched.values()
    return jobs


def _job_key(job: Job, source_hash: str, seed: int) -> str:
    content = job.path.read_bytes() if job.path else (job.error or "").encode()
    return hashlib.sha256(content + source_hash.encode() + str(seed).encode()).hexdigest()


class _State:
    """Which (student, notebook) was graded from which content: makes reruns idempotent."""

    def __init__(self, path: Path):
        self.path = path
        self.data = json.loads(path.read_text()) if path.exists() else {}

    def unchanged(self, job: Job, key: str) -> bool:
        return self.data.get(f"{job.student}/{job.notebook}") == key

    def mark(self, job: Job, key: str) -> None:
        self.data[f"{job.student}/{job.notebook}"] = key
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1, sort_keys=True))
        os.replace(tmp, self.path)


def sync_gradebook(course: Course, lab: str) -> None:
    """Make sure nbgrader's gradebook knows the lab's notebooks and graded cells."""
    api = nbgrader_bridge.api(course, release_dir=course.workspace / "release")
    result = api.generate_assignment(lab, force=True)
    if not result.get("success"):
        raise RuntimeError(f"nbgrader could not register {lab} in the gradebook:\n{result.get('log', '')[-2000:]}")


def score_notebook(job: Job, source: nbformat.NotebookNode, checks, entries) -> NotebookScore:
    values = student_values(entries)
    cells = []
    for cell in source.cells:
        if not is_test(cell):
            continue
        gid = grade_id(cell)
        points = float(cell.metadata["nbgrader"].get("points", 0))
        verdicts = [judge(ch, values.get(ch.name)) for ch in checks if ch.cell == gid]
        total = sum(v.weight for v in verdicts) or 1.0
        earned = sum(v.weight for v in verdicts if v.passed)
        cells.append(CellScore(gid, round(points * earned / total, 2), points, verdicts))
    return NotebookScore(job.student, job.notebook, cells)


def zero_score(job: Job, source: nbformat.NotebookNode, error: str) -> NotebookScore:
    cells = [CellScore(grade_id(c), 0.0, float(c.metadata["nbgrader"].get("points", 0)))
             for c in source.cells if is_test(c)]
    return NotebookScore(job.student, job.notebook, cells, error=error)


def run_job(content: bytes, filename: str, source, label: str, seed: int, limits: sandbox.Limits,
            kind: str, threads: int, cache: Path):
    """One submission, start to finish, on a worker (a thread here, or a Dask worker)."""
    with tempfile.TemporaryDirectory(prefix="labgrader-sub-") as tmp:
        path = Path(tmp) / filename
        path.write_bytes(content)
        assembled = assemble(read_submission(path), source, label)
    return assembled, execute(assembled.notebook, seed, limits, kind, threads, cache)


@contextmanager
def executor(workers: int, scheduler: str | None):
    """A thread pool driving sandboxed processes (default), or a Dask cluster.

    scheduler: None (local threads), "local" (a Dask LocalCluster with `workers` processes),
    or a scheduler address such as tcp://head-node:8786 (e.g. from dask-jobqueue's SLURMCluster).
    """
    if scheduler is None:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            yield pool
        return
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def grade_lab(course: Course, lab: str, submissions: Path, workers: int = 2, force: bool = False,
              sandbox_kind: str = "auto", limits: sandbox.Limits | None = None, quiet: bool = False,
              scheduler: str | None = None, notebooks: list[str] | None = None) -> Report:
    """Grade every submission in `submissions`; `notebooks` limits grading to some of the lab's
    notebooks (by name without .ipynb), e.g. when parts of a lab are due on different dates."""
    from deeplabs.progress import progress

    if not submissions.is_dir():
        raise SystemExit(f"labgrader: submissions folder {submissions} does not exist")
    limits = limits or sandbox.Limits()
    kind = sandbox.choose(sandbox_kind)
    course.workspace.mkdir(parents=True, exist_ok=True)
    course.workspace.chmod(0o700)  # the seed, references and grades are for the grader only
    seed = grading_seed(course)
    source_paths = {p.stem: p for p in sorted((course.solutions / lab).glob("*.ipynb"))
                    if not notebooks or p.stem in notebooks}
    unknown = set(notebooks or []) - set(source_paths)
    if unknown:
        raise SystemExit(f"labgrader: {lab} has no notebook(s) {', '.join(sorted(unknown))}")
    sources = {name: read_source(p) for name, p in source_paths.items()}
    released = {name: nbformat.read(course.labs / lab / p.name, as_version=4) for name, p in source_paths.items()}
    source_hash = "".join(notebook_hash(p) for p in source_paths.values())
    sync_gradebook(course, lab)
    checks = {name: reference_checks(course, lab, p, seed, kind, limits) for name, p in source_paths.items()}

    state = _State(course.workspace / f"state.{lab}.json")
    report = Report(lab, sandbox.describe(kind))
    jobs = []
    for job in plan_jobs(_student_files(submissions), sources):
        key = _job_key(job, source_hash, seed)
        if not force and state.unchanged(job, key):
            report.skipped.append(f"{job.student}/{job.notebook}")
        else:
            jobs.append((job, key))

    threads = max(1, (os.cpu_count() or 1) // max(1, workers))
    cache = shared_cache(course)
    with executor(workers, scheduler) as pool:
        futures = {}
        for job, key in jobs:
            if job.error:
                future = Future()
                future.set_result((None, None))
            else:
                # the submission travels as bytes: a Dask worker elsewhere needs no access to DIR
                future = pool.submit(run_job, job.path.read_bytes(), job.path.name, sources[job.notebook],
                                     f"{lab}/{job.notebook}", seed, limits, kind, threads, cache)
            futures[future] = (job, key)
        bar = progress(as_completed(futures), total=len(futures), desc=f"grading {lab}", disable=quiet)
        for future in bar:
            job, key = futures[future]
            source = sources[job.notebook]
            try:
                assembled, run = future.result()
            except SubmissionError as err:
                assembled, run, job.error = None, None, str(err)
            except Exception as err:  # a grader bug must not stop the batch either
                assembled, run, job.error = None, None, f"internal grading error: {type(err).__name__}: {err}"
            if run is None:
                score = zero_score(job, source, job.error or "not graded")
                base, executed = (assembled.notebook if assembled else released[job.notebook]), False
            else:
                score = score_notebook(job, source, checks[job.notebook], run.records)
                score.notes = assembled.notes + run.problems
                score.seconds = run.seconds
                base, executed = (run.notebook or assembled.notebook), run.notebook is not None
            if job.path is not None:
                kept = course.workspace / "submitted" / job.student / lab / f"{job.notebook}.ipynb"
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(job.path, kept)
            write(course, lab, score, feedback_notebook(base, executed, source.metadata, score))
            state.mark(job, key)
            report.scores.append(score)
            bar.set_postfix(student=job.student)
    return report
