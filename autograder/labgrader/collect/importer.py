"""`labgrader collect SOURCE --out DIR`: Canvas zips, plain folders and Colab downloads.

    labgrader collect submissions.zip --out course/submissions/01_music_rnn --deadline 2026-12-01T23:59

Writes DIR/<student>/<file>.ipynb and DIR/manifest.json (student, file, origin, late,
duplicate, submitted_at and its source: term/times.py; never a file's mtime after extraction).
Student ids come from, in order: a roster CSV (--roster, columns `canvas_id` or `login` and
`student_id`), the Canvas file-name prefix (`login_[LATE_]userid_submissionid_name`),
the folder name (`DIR/<student>/…`), or the file name (`<student>.ipynb`).

Nothing is followed: symbolic links in a folder, zip entries that are links or whose path
escapes the archive, non-regular and oversized files are refused (listed in the summary and
in the manifest with `refused`, not copied).
"""
from __future__ import annotations

import csv
import json
import os
import re
import stat
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..grade.assemble import MAX_NOTEBOOK_BYTES, printable_name
from ..term.times import load_manifest_times, manifest_time, zip_entry_time

# Canvas: "smithjane_LATE_12345_678901_01_pytorch_primer-1.ipynb" (the -1 marks a resubmission)
CANVAS = re.compile(r"^(?P<login>[a-z0-9.\-]+?)_(?P<late>LATE_)?(?P<user>\d+)_(?P<sub>\d+)_"
                    r"(?P<name>.+?)(?P<resub>-\d+)?\.ipynb$")
COLAB_PREFIX = re.compile(r"^(Copy of |Kopie von |Copie de )+", re.I)
SAFE_ID = re.compile(r"[^A-Za-z0-9_.\-]+")
MAX_DEPTH = 16


@dataclass
class Collected:
    student: str
    file: str
    origin: str          # canvas | folder | file
    colab: bool
    late: bool
    duplicate: bool = False
    source: str = ""
    refused: str = ""    # why the file was not copied (a link, a path escaping the archive, ...)
    submitted_at: str = ""   # ISO UTC; "" when no trustworthy time is known
    time_source: str = ""    # manifest | zip


def _roster(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    mapping = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            student = row.get("student_id") or row.get("student")
            for key in ("canvas_id", "login", "email"):
                if row.get(key) and student:
                    mapping[row[key].strip().lower()] = student.strip()
    return mapping


def _is_colab(data: bytes) -> bool:
    try:
        meta = json.loads(data.decode("utf-8", errors="replace")).get("metadata", {})
        return isinstance(meta, dict) and "colab" in meta
    except Exception:  # broken or hostile JSON (too deep, huge ints, not a dict): not Colab
        return False


def _size(n: int) -> str:
    return f"{n // 2**20} MB" if n >= 2**20 else f"{n} bytes"


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file, opened without following a link; OSError/ValueError otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a regular file")
        chunks, total = [], 0
        while total <= MAX_NOTEBOOK_BYTES:
            chunk = os.read(fd, min(2**20, MAX_NOTEBOOK_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"larger than {_size(MAX_NOTEBOOK_BYTES)}")
    return b"".join(chunks)


@dataclass
class _Candidate:
    path: Path | None            # a regular file to copy (None when refused)
    parts: tuple[str, ...]       # its path inside the zip or folder
    refused: str = ""            # why it was not copied
    written: datetime | None = None   # the zip entry's own timestamp (None for a folder)


def _unsafe_member(name: str) -> str:
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
        return "its path escapes the archive"
    return ""


def _from_zip(source: Path, scratch: Path, zone: str = "UTC") -> list[_Candidate]:
    found = []
    with zipfile.ZipFile(source) as archive:
        for i, member in enumerate(archive.infolist()):
            name = member.filename
            if member.is_dir() or not name.endswith(".ipynb"):
                continue
            parts = tuple(p for p in name.split("/") if p not in ("", "."))
            if ".ipynb_checkpoints" in parts:
                continue
            reason = _unsafe_member(name)
            if not reason and stat.S_ISLNK(member.external_attr >> 16):
                reason = "it is a symbolic link"
            if not reason and member.file_size > MAX_NOTEBOOK_BYTES:
                reason = f"it is larger than {_size(MAX_NOTEBOOK_BYTES)}"
            if reason:
                found.append(_Candidate(None, parts, reason))
                continue
            target = scratch / str(i) / "member.ipynb"   # every member its own file: no clashes
            target.parent.mkdir(parents=True)
            try:
                with archive.open(member) as src, open(target, "wb") as dst:
                    copied = 0
                    while chunk := src.read(2**20):      # the header's size may lie (zip bombs)
                        copied += len(chunk)
                        if copied > MAX_NOTEBOOK_BYTES:
                            raise ValueError(f"it is larger than {_size(MAX_NOTEBOOK_BYTES)}")
                        dst.write(chunk)
            except ValueError as err:
                found.append(_Candidate(None, parts, str(err)))
                continue
            except Exception as err:  # encrypted, unsupported compression, CRC error, ...
                found.append(_Candidate(None, parts, f"it cannot be extracted ({type(err).__name__})"))
                continue
            found.append(_Candidate(target, parts, written=zip_entry_time(member, zone)))
    return found


def _from_folder(source: Path) -> list[_Candidate]:
    found = []
    stack: list[tuple[Path, tuple[str, ...]]] = [(source, ())]
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as err:
            found.append(_Candidate(None, rel, f"the folder cannot be read ({err.strerror})"))
            continue
        subfolders = []
        for entry in entries:
            parts = rel + (entry.name,)
            if entry.name == ".ipynb_checkpoints":
                continue
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            if stat.S_ISLNK(mode):
                found.append(_Candidate(None, parts, "it is a symbolic link (not followed)"))
            elif stat.S_ISDIR(mode):
                if len(parts) > MAX_DEPTH:
                    found.append(_Candidate(None, parts, f"it is nested more than {MAX_DEPTH} folders deep"))
                else:
                    subfolders.append((Path(entry.path), parts))
            elif entry.name.endswith(".ipynb"):
                if stat.S_ISREG(mode):
                    found.append(_Candidate(Path(entry.path), parts))
                else:
                    found.append(_Candidate(None, parts, "it is not a regular file"))
        stack.extend(reversed(subfolders))
    return found


def _candidates(source: Path, scratch: Path, zone: str = "UTC") -> list[_Candidate]:
    """Every notebook in a zip or folder, the refused ones with their reason; no link is followed."""
    if source.is_file() and zipfile.is_zipfile(source):
        return _from_zip(source, scratch, zone)
    if not source.is_dir():
        raise SystemExit(f"labgrader collect: {source} is neither a folder nor a zip file")
    return _from_folder(source)


def _who(parts: tuple[str, ...]) -> tuple[str | None, str]:
    """(student hint, origin) from a notebook's path inside the source."""
    name = parts[-1] if parts else ""
    if CANVAS.match(name):
        return None, "canvas"
    if len(parts) >= 2:
        return parts[0], "folder"
    return name.removesuffix(".ipynb"), "file"


def collect(source: Path, out: Path, roster: Path | None = None, deadline: datetime | None = None,
            times: Path | None = None, zip_timezone: str = "UTC") -> list[Collected]:
    """Copy every notebook of `source` to out/<student>/; refused files (links, paths that escape
    the archive, too large, not regular files) are listed with `refused` set and not copied.
    `times`: an explicit manifest of submission times (term/times.py), preferred to zip dates."""
    ids = _roster(roster)
    known_times = load_manifest_times(times) if times else {}
    out.mkdir(parents=True, exist_ok=True)
    results: list[Collected] = []
    seen: dict[tuple[str, str], Collected] = {}
    with tempfile.TemporaryDirectory(prefix="labgrader-collect-") as tmp:
        for cand in _candidates(source, Path(tmp), zip_timezone):
            shown = "/".join(printable_name(p) for p in cand.parts)
            hint, origin = _who(cand.parts)
            if cand.path is None:
                results.append(Collected("", "", origin, False, False, source=shown, refused=cand.refused))
                continue
            try:
                data = _read_regular(cand.path)
            except (OSError, ValueError) as err:
                reason = str(err) if isinstance(err, ValueError) else f"it cannot be read ({err.strerror})"
                results.append(Collected("", "", origin, False, False, source=shown, refused=reason))
                continue
            filename = printable_name(cand.parts[-1])
            late = False
            hints = [hint or ""]
            name = COLAB_PREFIX.sub("", filename).strip()
            if origin == "canvas":
                m = CANVAS.match(cand.parts[-1])
                key = m["login"]
                student = ids.get(m["user"], ids.get(key, key))
                late = bool(m["late"])
                hints = [m["user"], m["login"], student]
                name = printable_name(COLAB_PREFIX.sub("", m["name"]) + ".ipynb")
            else:
                student = ids.get(printable_name(hint or "").lower(), printable_name(hint or ""))
                if origin == "file":
                    name = "submission.ipynb"
            student = SAFE_ID.sub("_", student).strip("._") or "unknown"
            if name.startswith(".") or not name.endswith(".ipynb"):
                name = "submission.ipynb"
            when = manifest_time(known_times, hints + [student], cand.parts[-1])
            time_source = "manifest" if when else ""
            if when is None and cand.written is not None:
                when, time_source = cand.written, "zip"
            if deadline is not None and when is not None:
                late = late or when > deadline
            item = Collected(student, name, origin, _is_colab(data), late, source=printable_name(cand.parts[-1]),
                             submitted_at=when.astimezone(timezone.utc).isoformat() if when else "",
                             time_source=time_source)
            previous = seen.get((student, name))
            if previous is not None:
                previous.duplicate = item.duplicate = True
                name = f"{Path(name).stem}.duplicate{sum(r.student == student for r in results)}.ipynb"
                item.file = name
            seen[(student, item.file)] = item
            (out / student).mkdir(exist_ok=True)
            (out / student / item.file).write_bytes(data)
            results.append(item)
    (out / "manifest.json").write_text(json.dumps([asdict(r) for r in results], indent=1))
    return results


def print_summary(results: list[Collected]) -> None:
    refused = [r for r in results if r.refused]
    results = [r for r in results if not r.refused]
    students = sorted({r.student for r in results})
    print(f"collected {len(results)} notebook(s) from {len(students)} student(s)")
    for r in results:
        flags = [f for f, on in (("LATE", r.late), ("DUPLICATE", r.duplicate), ("colab", r.colab)) if on]
        when = f"{r.submitted_at[:16]} ({r.time_source})" if r.submitted_at else "time unknown"
        print(f"  {r.student:<20} {r.file:<36} {r.origin:<7} {when:<28} {' '.join(flags)}")
    duplicates = sorted({r.student for r in results if r.duplicate})
    if duplicates:
        print(f"⚠ duplicates for {', '.join(duplicates)}: grading uses one file per notebook and reports the "
              "clash; delete the stale copy and grade again")
    if refused:
        print(f"⚠ refused {len(refused)} file(s), not copied:")
        for r in refused:
            print(f"  {r.source}: {r.refused}")
