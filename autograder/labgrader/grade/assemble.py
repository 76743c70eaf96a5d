"""Rebuild a submission into the notebook the grader runs.

Only the student's *answer* cells are taken from the submission (matched by nbgrader
grade_id, so reordering cells or renaming the file does not matter). Every locked cell,
every test cell (with its hidden part) and the setup cells come from solutions/, so
deleting, editing or reordering them changes nothing. Extra cells the student added stay
in place after the cell they followed. A deleted answer cell counts as unanswered.

The submitted file is hostile input: `read_submission` opens it without following links,
refuses anything but a regular file, reads a bounded number of bytes, and rebuilds a fresh
notebook from the few fields grading uses (cell type, source, nbgrader grade_id). Whatever
the bytes, it returns a notebook or raises SubmissionError. `find_submissions` lists a
submissions folder the same way: no link is followed and nothing in it can make it raise.
"""
from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

# the notebook vocabulary lives in labgrader.notebook; these names stay importable from here
from ..notebook import HIDDEN, grade_id, is_answer, is_test, points_of, strip_hidden  # noqa: F401

MAX_NOTEBOOK_BYTES = 50 * 2**20
MAX_CELLS = 3000
GRADE_ID = re.compile(r"[A-Za-z0-9_.\-]{1,100}")   # nbgrader's ids are short and plain
CELL_TYPES = ("code", "markdown", "raw")
MAX_DEPTH = 8                  # folders below a student's folder that are searched
MAX_FILES_PER_STUDENT = 50     # notebooks considered per student
MAX_ENTRIES_PER_STUDENT = 5000  # directory entries looked at per student


class SubmissionError(ValueError):
    """A file that cannot be graded; the message says why and what to do."""


@dataclass
class Assembled:
    notebook: NotebookNode
    notes: list[str] = field(default_factory=list)


def printable_name(name: str | os.PathLike) -> str:
    """A file name as text safe to show and store: undecodable bytes and control characters
    become backslash escapes (no surrogates survive), everything else is kept."""
    name = os.fspath(name)
    if isinstance(name, bytes):
        raw = name
    else:
        try:
            raw = name.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a surrogate not produced by the file system
            raw = name.encode("utf-8", "backslashreplace")
    text = raw.decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable()
                   else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" if ord(c) < 0x10000
                         else f"\\U{ord(c):08x}") for c in text)


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISLNK, "a symbolic link"))


def _kind(mode: int) -> str:
    return next((word for test, word in _KINDS if test(mode)), "not a regular file")


def _read_bounded(path: Path, name: str) -> bytes:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if err.errno == errno.ELOOP or _is_symlink(path):
            raise SubmissionError(f"{name} is a symbolic link; submit the notebook file itself") from None
        raise SubmissionError(f"cannot read {name}: {err.strerror or type(err).__name__}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionError(f"{name} is {_kind(info.st_mode)}, not a notebook file; "
                                  "submit the .ipynb file itself")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise SubmissionError(f"{name} is {info.st_size / 2**20:.0f} MB (more than "
                                  f"{MAX_NOTEBOOK_BYTES // 2**20} MB); clear outputs and resubmit")
        chunks, total = [], 0
        while total <= MAX_NOTEBOOK_BYTES:  # the file may grow after fstat: never trust its size
            chunk = os.read(fd, min(2**20, MAX_NOTEBOOK_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except SubmissionError:
        raise
    except OSError as err:
        raise SubmissionError(f"cannot read {name}: {err.strerror or type(err).__name__}") from None
    finally:
        os.close(fd)
    if total > MAX_NOTEBOOK_BYTES:
        raise SubmissionError(f"{name} is more than {MAX_NOTEBOOK_BYTES // 2**20} MB; clear outputs and resubmit")
    return b"".join(chunks)


def _is_symlink(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def _text(value: str) -> str:
    """Lone surrogates (legal in JSON escapes, not in UTF-8) would break writing the notebook."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")


def _sanitize(raw, name: str) -> NotebookNode:
    """A fresh nbformat v4 notebook holding only what grading uses from `raw`."""
    if not isinstance(raw, dict) or "cells" not in raw:
        raise SubmissionError(f"{name} is JSON but not a Jupyter notebook (no 'cells')")
    cells = raw["cells"]
    if not isinstance(cells, list):
        raise SubmissionError(f"{name} is not a Jupyter notebook ('cells' is not a list)")
    if len(cells) > MAX_CELLS:
        raise SubmissionError(f"{name} has {len(cells)} cells (at most {MAX_CELLS}); delete the extra cells")
    out = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            raise SubmissionError(f"cell {number} of {name} is not a notebook cell; "
                                  "the file may have been edited by hand or by another program")
        kind = cell.get("cell_type")
        if not isinstance(kind, str) or kind not in CELL_TYPES:
            raise SubmissionError(f"cell {number} of {name} has no valid cell_type (code, markdown or raw); "
                                  "the file may have been edited by hand or by another program")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        elif not isinstance(source, str):
            raise SubmissionError(f"the source of cell {number} of {name} is not text")
        metadata = {}
        meta = cell.get("metadata")
        nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
        gid = nbg.get("grade_id") if isinstance(nbg, dict) else None
        if isinstance(gid, str) and GRADE_ID.fullmatch(gid):
            metadata = {"nbgrader": {"grade_id": gid}}
        new = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
               "raw": nbformat.v4.new_raw_cell}[kind]
        out.append(new(source=_text(source), metadata=metadata))
    return nbformat.v4.new_notebook(cells=out)


def read_submission(path: Path) -> NotebookNode:
    """Read a submitted file or raise SubmissionError with a reason a person can act on.

    Returns a fresh notebook with only cell types, sources and nbgrader grade_ids: outputs,
    attachments, ids and all other metadata of the submission are dropped."""
    path = Path(path)
    return parse_submission(read_submission_bytes(path), printable_name(path.name))


def read_submission_bytes(path: Path) -> bytes:
    """The file's bytes, read without following a link and never past the size cap."""
    return _read_bounded(Path(path), printable_name(Path(path).name))


def parse_submission(data: bytes, name: str) -> NotebookNode:
    """A submission's bytes -> a fresh notebook, or SubmissionError (see read_submission)."""
    if not data:
        raise SubmissionError(f"{name} is empty: the student should download the notebook again "
                              "(File → Download .ipynb) and resubmit")
    try:
        text = data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise SubmissionError(f"{name} is not valid notebook JSON (it is not UTF-8 text); it may be cut "
                              "short or saved by another program") from None
    try:
        raw = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as err:
        raise SubmissionError(f"{name} is not valid notebook JSON ({err.msg}, line {err.lineno}); it may "
                              "be cut short or saved by another program") from None
    except RecursionError:
        raise SubmissionError(f"{name} is not valid notebook JSON (nested too deeply)") from None
    except Exception as err:  # e.g. ValueError for an integer with more than 4300 digits
        raise SubmissionError(f"{name} is not valid notebook JSON ({type(err).__name__}); it may be cut "
                              "short or saved by another program") from None
    try:
        return _sanitize(raw, name)
    except SubmissionError:
        raise
    except Exception as err:  # a defensive net: nothing else may escape
        raise SubmissionError(f"{name} is not a notebook the grader can read ({type(err).__name__})") from None


@dataclass
class StudentFiles:
    """One student's notebooks in a submissions folder, and what was found but refused."""
    files: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _skipped(name: str) -> bool:
    return name.startswith(".") or name == "__MACOSX"   # dotfiles, .ipynb_checkpoints, macOS zip debris


def _entries(folder: Path) -> list[os.DirEntry]:
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


def _mode(entry: os.DirEntry) -> int:
    return entry.stat(follow_symlinks=False).st_mode


def _walk_student(root: Path, shown: str, found: StudentFiles) -> None:
    """Notebooks anywhere below a student's folder; links are reported, never followed."""
    stack: list[tuple[Path, str, int]] = [(root, shown, 0)]
    seen = 0
    while stack:
        folder, rel, depth = stack.pop()
        try:
            entries = _entries(folder)
        except OSError as err:
            found.errors.append(f"could not read the folder {rel}: {err.strerror or type(err).__name__}")
            continue
        subfolders = []
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES_PER_STUDENT:
                found.errors.append(f"{shown} holds more than {MAX_ENTRIES_PER_STUDENT} files and folders; "
                                    "the rest were not searched (submit only the notebooks)")
                return
            if _skipped(entry.name):
                continue
            label = f"{rel}/{printable_name(entry.name)}"
            notebook = entry.name.endswith(".ipynb")
            try:
                mode = _mode(entry)
            except OSError as err:
                if notebook:
                    found.errors.append(f"cannot read {label}: {err.strerror or type(err).__name__}")
                continue
            if stat.S_ISLNK(mode):
                found.errors.append(f"{label} is a symbolic link; it was not followed (submit the notebook "
                                    "file itself)")
            elif stat.S_ISDIR(mode):
                if notebook:
                    found.errors.append(f"{label} is a folder, not a notebook file")
                elif depth + 1 > MAX_DEPTH:
                    found.errors.append(f"{label} is nested more than {MAX_DEPTH} folders deep; it was not searched")
                else:
                    subfolders.append((Path(entry.path), label, depth + 1))
            elif notebook and not stat.S_ISREG(mode):
                found.errors.append(f"{label} is {_kind(mode)}, not a notebook file")
            elif notebook:
                if len(found.files) >= MAX_FILES_PER_STUDENT:
                    found.errors.append(f"{shown} holds more than {MAX_FILES_PER_STUDENT} notebooks; "
                                        "only the first ones were considered")
                    return
                found.files.append(Path(entry.path))
        stack.extend(reversed(subfolders))  # depth first, in name order


def find_submissions(folder: Path) -> dict[str, StudentFiles]:
    """student id -> their notebooks in a submissions folder (`<student>.ipynb` files, or
    `<student>/` folders with notebooks anywhere below; dotfiles and checkpoints skipped).

    Nothing is followed or opened: a symbolic link, a folder named x.ipynb, a pipe, a socket
    or a device becomes an error for that student. Ids are printable (undecodable bytes in a
    file name are shown as escapes) and unique. Only an unreadable `folder` itself raises.
    """
    found: dict[str, StudentFiles] = {}
    owner: dict[str, str] = {}   # printable id -> the raw name it was made from

    def student(raw: str) -> StudentFiles:
        sid = printable_name(raw)
        n = 1
        while owner.get(sid, raw) != raw:   # another raw name already printed this way
            n += 1
            sid = f"{printable_name(raw)}~{n}"
        owner[sid] = raw
        return found.setdefault(sid, StudentFiles())

    for entry in _entries(Path(folder)):
        name = entry.name
        if _skipped(name):
            continue
        notebook = name.endswith(".ipynb") and len(name) > len(".ipynb")
        stem = name[: -len(".ipynb")] if notebook else name
        shown = printable_name(name)
        try:
            mode = _mode(entry)
        except OSError as err:
            student(stem).errors.append(f"cannot read {shown}: {err.strerror or type(err).__name__}")
            continue
        if stat.S_ISLNK(mode):
            student(stem).errors.append(f"{shown} is a symbolic link; it was not followed (submit the "
                                        "notebook file or folder itself)")
        elif stat.S_ISDIR(mode):
            if notebook:
                student(stem).errors.append(f"{shown} is a folder, not a notebook file")
            else:
                files = student(name)
                try:
                    _walk_student(Path(entry.path), shown, files)
                except Exception as err:  # defensive: a student's folder must never stop the batch
                    files.errors.append(f"could not list {shown}: {type(err).__name__}")
                files.files.sort()
        elif notebook and stat.S_ISREG(mode):
            student(stem).files.append(Path(entry.path))
        elif notebook:
            student(stem).errors.append(f"{shown} is {_kind(mode)}, not a notebook file")
    return found


def overlap(submission: NotebookNode, source: NotebookNode) -> int:
    """How many of the source's answer cells the submission contains (to match renamed files)."""
    wanted = {grade_id(c) for c in source.cells if is_answer(c)}
    return len(wanted & {grade_id(c) for c in submission.cells})


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
                new.source = ("raise NotImplementedError('this answer cell was deleted from the submission')"
                              if cell.cell_type == "code" else "*(this answer cell was deleted from the submission)*")
            else:
                new.source = student.source if isinstance(student.source, str) else "".join(student.source)
        cells.append(new)
        if gid:
            add_extras(gid)
    nb = nbformat.v4.new_notebook(cells=cells, metadata=source.metadata)
    return Assembled(nb, notes)


def read_source(path: Path) -> NotebookNode:
    return nbformat.read(path, as_version=4)
