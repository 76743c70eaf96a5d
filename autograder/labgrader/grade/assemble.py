"""Rebuild a submission into the notebook the grader runs.

Only the student's *answer* cells are taken from the submission (matched by nbgrader
grade_id, so reordering cells or renaming the file does not matter). Every locked cell,
every test cell (with its hidden part) and the setup cells come from solutions/, so
deleting, editing or reordering them changes nothing. Extra cells the student added stay
in place after the cell they followed. A deleted answer cell counts as unanswered.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

HIDDEN = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S)
MAX_NOTEBOOK_BYTES = 50 * 2**20


class SubmissionError(ValueError):
    """A file that cannot be graded; the message says why and what to do."""


@dataclass
class Assembled:
    notebook: NotebookNode
    notes: list[str] = field(default_factory=list)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_answer(cell) -> bool:
    m = _meta(cell)
    return bool(m.get("solution")) and not m.get("locked")


def is_test(cell) -> bool:
    return bool(_meta(cell).get("grade")) and cell.cell_type == "code" and not _meta(cell).get("solution")


def grade_id(cell) -> str | None:
    return _meta(cell).get("grade_id")


def read_submission(path: Path) -> NotebookNode:
    """Read a submitted file or raise SubmissionError with a reason a person can act on."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise SubmissionError(f"cannot read {path.name}: {err.strerror}") from err
    if size == 0:
        raise SubmissionError(f"{path.name} is empty: the student should download the notebook again "
                              "(File → Download .ipynb) and resubmit")
    if size > MAX_NOTEBOOK_BYTES:
        raise SubmissionError(f"{path.name} is {size / 2**20:.0f} MB; clear outputs and resubmit")
    try:
        raw = json.loads(path.read_bytes().decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise SubmissionError(f"{path.name} is not valid notebook JSON ({err}); it may be cut short "
                              "or saved by another program") from err
    if not isinstance(raw, dict) or "cells" not in raw:
        raise SubmissionError(f"{path.name} is JSON but not a Jupyter notebook (no 'cells')")
    try:
        return nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as err:  # nbformat raises several unrelated types for odd files
        raise SubmissionError(f"{path.name} is not a notebook nbformat can read: {err}") from err


def overlap(submission: NotebookNode, source: NotebookNode) -> int:
    """How many of the source's answer cells the submission contains (to match renamed files)."""
    wanted = {grade_id(c) for c in source.cells if is_answer(c)}
    return len(wanted & {grade_id(c) for c in submission.cells})


def strip_hidden(source: str) -> str:
    return HIDDEN.sub("", source)


def assemble(submission: NotebookNode, source: NotebookNode, label: str) -> Assembled:
    answers: dict[str, NotebookNode] = {}
    notes: list[str] = []
    for cell in submission.cells:
        gid = grade_id(cell)
        if gid and gid in answers:
            notes.append(f"answer cell '{gid}' appears twice; the first copy was graded")
            continue
        if gid:
            answers[gid] = cell
    source_answers = [grade_id(c) for c in source.cells if is_answer(c)]
    if source_answers and not set(source_answers) & set(answers):
        raise SubmissionError(f"this is not a submission of {label}: none of its exercise cells "
                              f"({', '.join(source_answers[:3])}, …) are in the file")

    known = {grade_id(c) for c in source.cells if grade_id(c)}
    # extra student cells, keyed by the known cell they followed
    extras: dict[str | None, list[NotebookNode]] = {}
    anchor = None
    for cell in submission.cells:
        gid = grade_id(cell)
        if gid in known:
            anchor = gid
        elif cell.cell_type == "code" and cell.source.strip():
            extras.setdefault(anchor, []).append(cell)

    cells: list[NotebookNode] = []
    extra_n = 0

    def add_extras(key):
        nonlocal extra_n
        for cell in extras.get(key, []):
            extra_n += 1
            cells.append(nbformat.v4.new_code_cell(cell.source, id=f"student-extra-{extra_n}"))

    add_extras(None)
    for cell in source.cells:
        gid = grade_id(cell)
        new = nbformat.from_dict(json.loads(json.dumps(cell)))
        if cell.cell_type == "code":
            new.outputs, new.execution_count = [], None
        if is_answer(cell):
            student = answers.get(gid)
            if student is None:
                notes.append(f"answer cell '{gid}' is missing; it was graded as not answered")
                new.source = "raise NotImplementedError('this answer cell was deleted from the submission')"
            else:
                new.source = student.source if isinstance(student.source, str) else "".join(student.source)
        cells.append(new)
        if gid:
            add_extras(gid)
    nb = nbformat.v4.new_notebook(cells=cells, metadata=source.metadata)
    return Assembled(nb, notes)


def read_source(path: Path) -> NotebookNode:
    return nbformat.read(path, as_version=4)
