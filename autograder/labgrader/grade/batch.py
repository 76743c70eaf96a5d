"""Grade every submission of a lab: plan, run in parallel, score, write, report.

    labgrader grade 01_music_rnn --submissions path/to/submissions --workers 2

Submissions folder: `<student>.ipynb` files, or `<student>/` folders holding the student's
notebooks (any file names: each file is matched to the lab's notebook by its exercise cells).
Unchanged submissions already in the gradebook are skipped (content hash); --force regrades.

Each step lives where its concept does: finding and reading files in assemble.py, the
sandboxed run in execute.py, scoring in score.py/records.py, the gradebook in gradebook.py,
the student's notebook in feedback/notebook.py. This module only orders them. A submission
that cannot be graded because of the grader (GraderError, a bug) is "not graded, retry": no
row is written and the command exits non-zero; a student's broken file is that student's
reason line; a gradebook that refuses a write stops the batch.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import nbgrader_bridge
from ..config import Course
from ..feedback.notebook import feedback_notebook
from ..notebook import without_display_only
from . import sandbox
from .assemble import (SubmissionError, StudentFiles, assemble, find_submissions, overlap, parse_submission,
                       printable_name, read_source, read_submission_bytes)
from .execute import GraderError, execute, sweep_stale_jobs
from .gradebook import write
from .reference import (REFERENCE_THREADS, environment_hash, grading_seed, notebook_hash, reference_checks,
                        shared_cache)
from .integrity import library_calls, tripwires
from .score import NotebookScore, flag_for_review, score_notebook, zero_score


@dataclass
class Job:
    student: str
    notebook: str                          # the lab notebook's name (without .ipynb)
    content: bytes | None = None           # the submitted file as read (None: not submitted)
    submission: nbformat.NotebookNode | None = None   # parsed once, sanitized
    filename: str = ""
    error: str | None = None               # a reason the file cannot be graded


@dataclass
class Report:
    lab: str
    sandbox: str
    scores: list[NotebookScore] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def not_graded(self) -> list[NotebookScore]:
        return [s for s in self.scores if not s.graded]

    def print_table(self) -> None:
        print(f"\n{self.lab} — sandbox: {self.sandbox}")
        width = max([len(s.student) for s in self.scores] + [7])
        print(f"{'student':<{width}}  {'notebook':<28} {'score':>11}  notes")
        for s in sorted(self.scores, key=lambda s: (s.student, s.notebook)):
            notes = s.error or "; ".join(s.notes[:2])
            score = f"{s.score:>5g} / {s.max_score:<3g}" if s.graded else "NOT GRADED "
            print(f"{s.student:<{width}}  {s.notebook:<28} {score:>11}  {notes[:100]}")
        if self.skipped:
            print(f"{len(self.skipped)} unchanged submission(s) skipped (use --force to regrade)")
        if self.not_graded:
            print(f"✗ {len(self.not_graded)} notebook(s) NOT graded because of a grader problem (nothing was "
                  "recorded for them): fix it and run the same command again")


def plan_jobs(found: dict[str, StudentFiles], sources: dict[str, nbformat.NotebookNode]) -> list[Job]:
    """Match each student's files to the lab's notebooks; unreadable or foreign files become errors."""
    jobs = []
    for student, files in found.items():
        matched: dict[str, Job] = {}
        unmatched_errors = list(files.errors)
        for path in files.files:
            name_shown = printable_name(path.name)
            try:
                content = read_submission_bytes(path)
                nb = parse_submission(content, name_shown)
            except SubmissionError as err:
                unmatched_errors.append(str(err))
                continue
            name, best = max(((n, overlap(nb, src)) for n, src in sources.items()), key=lambda t: t[1])
            if best == 0:
                unmatched_errors.append(f"{name_shown} is not a notebook of this lab (no exercise cells match)")
            elif name in matched:
                matched[name].error = (f"two files for {name}.ipynb ({matched[name].filename}, {name_shown}); "
                                       "resubmit one")
            else:
                matched[name] = Job(student, name, content, nb, name_shown)
        for name in sources:
            if name not in matched:
                reason = "; ".join(unmatched_errors) or f"{name}.ipynb was not submitted"
                matched[name] = Job(student, name, error=reason)
        jobs += matched.values()
    return jobs


def _job_key(job: Job, source_hash: str, seed: int) -> str:
    content = job.content if job.content is not None else (job.error or "").encode()
    extra = f"{source_hash}|{seed}|{environment_hash()}|{job.error or ''}".encode()
    return hashlib.sha256(content + extra).hexdigest()


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


def run_job(submission: dict, source, label: str, seed: int, limits: sandbox.Limits,
            kind: str, threads: int, cache: Path, run_display_cells: bool = False):
    """One submission on a worker (a thread here, or a Dask worker): assemble, run sandboxed.
    The source's display-only cells are dropped after assembly, so a student's extra cells keep
    their places; the tags come from the source, never from the submission."""
    assembled = assemble(nbformat.from_dict(submission), source, label)
    graded = assembled.notebook if run_display_cells else without_display_only(assembled.notebook)
    return assembled, execute(graded, seed, limits, kind, threads, cache)


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


def _outcome(job: Job, future: Future, source, checks) -> tuple[NotebookScore, object]:
    """The score of one finished job and the executed notebook (instructor's copy)."""
    if job.error:
        return zero_score(job.student, job.notebook, source, job.error), None
    try:
        assembled, run = future.result()
    except SubmissionError as err:
        return zero_score(job.student, job.notebook, source, str(err)), None
    except GraderError as err:
        return zero_score(job.student, job.notebook, source, f"not graded (grader problem, retry): {err}",
                          graded=False), None
    except Exception as err:  # a grader bug must neither stop the batch nor become a zero
        return zero_score(job.student, job.notebook, source,
                          f"not graded (internal grader error, retry): {type(err).__name__}: {err}",
                          graded=False), None
    score = score_notebook(job.student, job.notebook, source, checks, run)
    score.notes = assembled.notes + score.notes
    reasons = tripwires(assembled.notebook)
    if reasons:
        flag_for_review(score, reasons)
    for call in library_calls(assembled.notebook, source):
        score.flags.append(call)
        score.notes.append(f"for an instructor's review: {call}")
    return score, run


@dataclass
class LabNotebooks:
    """What grading a lab needs of its own notebooks, read once per batch."""
    sources: dict[str, nbformat.NotebookNode]     # solution notebooks, by name (without .ipynb)
    released: dict[str, nbformat.NotebookNode]    # the student copies feedback is built on
    checks: dict[str, object]                     # the reference run's expected records
    source_hash: str                              # part of every job's key: a changed lab regrades


def load_lab(course: Course, lab: str, notebooks: list[str] | None, seed: int, kind: str,
             limits: sandbox.Limits, run_display_cells: bool) -> LabNotebooks:
    """The lab's (or some of its) notebooks, its gradebook entry, and its reference checks."""
    paths = {p.stem: p for p in sorted((course.solutions / lab).glob("*.ipynb"))
             if not notebooks or p.stem in notebooks}
    unknown = set(notebooks or []) - set(paths)
    if unknown:
        raise SystemExit(f"labgrader: {lab} has no notebook(s) {', '.join(sorted(unknown))}")
    sync_gradebook(course, lab)
    return LabNotebooks(
        sources={name: read_source(p) for name, p in paths.items()},
        released={name: nbformat.read(course.labs / lab / p.name, as_version=4) for name, p in paths.items()},
        checks={name: reference_checks(course, lab, p, seed, kind, limits, run_display_cells)
                for name, p in paths.items()},
        source_hash="".join(notebook_hash(p) for p in paths.values()) + ("+all" if run_display_cells else ""))


def pending_jobs(submissions: Path, notebooks: LabNotebooks, state: _State, seed: int, force: bool,
                 report: Report) -> list[tuple[Job, str]]:
    """Every (student, notebook) job whose content, lab or environment changed since it was graded
    (all of them with `force`); the others go to `report.skipped`."""
    jobs = []
    for job in plan_jobs(find_submissions(submissions), notebooks.sources):
        key = _job_key(job, notebooks.source_hash, seed)
        if not force and state.unchanged(job, key):
            report.skipped.append(f"{job.student}/{job.notebook}")
        else:
            jobs.append((job, key))
    return jobs


def keep(course: Course, lab: str, job: Job, score: NotebookScore, run, notebooks: LabNotebooks) -> None:
    """A graded job's traces: the file as submitted, the gradebook row and the student's feedback."""
    if job.content is not None:
        kept = course.workspace / "submitted" / job.student / lab / f"{job.notebook}.ipynb"
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_bytes(job.content)
    feedback = feedback_notebook(job.submission, notebooks.released[job.notebook], f"{lab}/{job.notebook}", score)
    write(course, lab, score, feedback, run.notebook if run is not None else None)


def grade_lab(course: Course, lab: str, submissions: Path, workers: int = 2, force: bool = False,
              sandbox_kind: str = "auto", limits: sandbox.Limits | None = None, quiet: bool = False,
              scheduler: str | None = None, notebooks: list[str] | None = None,
              run_display_cells: bool = False) -> Report:
    """Grade every submission in `submissions`; `notebooks` limits grading to some of the lab's
    notebooks (by name without .ipynb), e.g. when parts of a lab are due on different dates.
    The source notebooks' display-only cells are skipped unless `run_display_cells`."""
    from deeplabs.progress import progress

    if not submissions.is_dir():
        raise SystemExit(f"labgrader: submissions folder {submissions} does not exist")
    limits = limits or sandbox.Limits()
    kind = sandbox.choose(sandbox_kind)
    course.workspace.mkdir(parents=True, exist_ok=True)
    course.workspace.chmod(0o700)  # the seed, references and grades are for the grader only
    seed = grading_seed(course)
    sweep_stale_jobs()
    lab_notebooks = load_lab(course, lab, notebooks, seed, kind, limits, run_display_cells)
    state = _State(course.workspace / f"state.{lab}.json")
    report = Report(lab, "")
    jobs = pending_jobs(submissions, lab_notebooks, state, seed, force, report)

    # One thread per kernel, as in the solution's reference run, whatever the number of workers: with
    # more threads torch sums in another order, and a value near a tolerance could then pass in a
    # batch and fail when graded alone (benchmarks/term.py --serial-check found such a flip).
    threads = REFERENCE_THREADS
    cache = shared_cache(course)
    layers: dict[str, None] = {}
    with executor(workers, scheduler) as pool:
        futures = {}
        for job, key in jobs:
            if job.error:
                future = Future()
                future.set_result(None)
            else:
                # the parsed submission travels as plain data: a Dask worker needs no access to DIR
                future = pool.submit(run_job, job.submission, lab_notebooks.sources[job.notebook],
                                     f"{lab}/{job.notebook}", seed, limits, kind, threads, cache, run_display_cells)
            futures[future] = (job, key)
        bar = progress(as_completed(futures), total=len(futures), desc=f"grading {lab}", disable=quiet)
        try:
            for future in bar:
                job, key = futures[future]
                score, run = _outcome(job, future, lab_notebooks.sources[job.notebook],
                                      lab_notebooks.checks[job.notebook])
                report.scores.append(score)
                if run is not None:
                    layers.update(dict.fromkeys(run.limits_applied))
                if not score.graded:
                    continue
                keep(course, lab, job, score, run, lab_notebooks)
                state.mark(job, key)
                bar.set_postfix(student=job.student)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    report.sandbox = " + ".join(layers) or sandbox.choose(sandbox_kind)
    return report
