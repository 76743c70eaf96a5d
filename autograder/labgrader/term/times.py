"""Submission times: read where they are trustworthy, kept in the workspace, put into nbgrader.

Where a time comes from, best first:
- an explicit manifest (`collect --times FILE`): CSV with `submitted_at` and one of `student`,
  `login`, `canvas_id`/`user_id` (optionally `file`), or JSON — a list of such objects, which is
  also what Canvas's Submissions API returns (`user_id`, `submitted_at`);
- the zip entry's own timestamp: its extended-timestamp field (UTC) when present, else its DOS
  date and time read in the zone `collect --zip-timezone` names (UTC by default).
A file's modification time after extraction is never used: it is the moment of extraction.

`labgrader grade` keeps the times of what it graded in <workspace>/term/times.<lab>.json (the
collected file is matched to the graded notebook by its bytes), which no regrade empties, and
writes the due date, the student's extension and the submission time into nbgrader's gradebook
so formgrader shows the same lateness export applies.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import struct
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from .. import nbgrader_bridge
from .policy import Term, parse_time

EXTENDED_TIMESTAMP = 0x5455


def zip_entry_time(member: zipfile.ZipInfo, zone: str = "UTC") -> datetime:
    """When the entry was written, as the archive says: UTC extra field first, else DOS time in `zone`."""
    extra = member.extra
    while len(extra) >= 4:
        tag, size = struct.unpack("<HH", extra[:4])
        body = extra[4:4 + size]
        if tag == EXTENDED_TIMESTAMP and len(body) >= 5 and body[0] & 1:
            return datetime.fromtimestamp(struct.unpack("<I", body[1:5])[0], tz=timezone.utc)
        extra = extra[4 + size:]
    return datetime(*member.date_time, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def load_manifest_times(path: Path) -> dict[str, datetime]:
    """key -> submitted_at, keys being every id a row names (student, login, canvas id) and
    `<id>/<file>` when the row names a file."""
    if path.suffix.lower() == ".json":
        rows = json.loads(path.read_text())
        rows = rows if isinstance(rows, list) else rows.get("submissions", [])
    else:
        with open(path, newline="") as fh:
            rows = list(csv.DictReader(fh))
    times: dict[str, datetime] = {}
    for row in rows:
        if not isinstance(row, dict) or not row.get("submitted_at"):
            continue   # Canvas lists unsubmitted students with submitted_at null
        when = parse_time(row["submitted_at"])
        for key in ("student", "student_id", "login", "canvas_id", "user_id"):
            if row.get(key) not in (None, ""):
                ident = str(row[key]).strip().lower()
                times[f"{ident}/{row['file']}" if row.get("file") else ident] = when
    return times


def manifest_time(times: dict[str, datetime], ids: list[str], file: str) -> datetime | None:
    for ident in ids:
        ident = ident.lower()
        if f"{ident}/{file}" in times:
            return times[f"{ident}/{file}"]
    for ident in ids:
        if ident.lower() in times:
            return times[ident.lower()]
    return None


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def times_path(course, lab: str) -> Path:
    return course.workspace / "term" / f"times.{lab}.json"


def read_times(course, lab: str) -> dict[str, dict[str, str]]:
    path = times_path(course, lab)
    return json.loads(path.read_text()) if path.is_file() else {}


def record_times(course, lab: str, submissions: Path) -> dict[str, dict[str, str]]:
    """Match the collected files (submissions/manifest.json) to the graded notebooks by content
    and keep their times; earlier entries are only replaced by a newer known time."""
    manifest = submissions / "manifest.json"
    kept = read_times(course, lab)
    if manifest.is_file():
        by_hash: dict[tuple[str, str], str] = {}
        for entry in json.loads(manifest.read_text()):
            if entry.get("refused") or not entry.get("submitted_at"):
                continue
            path = submissions / entry["student"] / entry["file"]
            if path.is_file() and not path.is_symlink():
                by_hash[(entry["student"], _digest(path))] = entry["submitted_at"]
        for folder in sorted((course.workspace / "submitted").glob(f"*/{lab}")):
            student = folder.parent.name
            for nb in sorted(folder.glob("*.ipynb")):
                when = by_hash.get((student, _digest(nb)))
                if when is not None:
                    kept.setdefault(student, {})[nb.stem] = when
        _write_json(times_path(course, lab), kept)
        _write_json(course.workspace / "term" / f"sources.{lab}.json", _canvas_prefixes(manifest, course, lab))
    write_to_gradebook(course, lab, kept)
    return kept


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(tmp, path)


def _canvas_prefixes(manifest: Path, course, lab: str) -> dict[str, str]:
    """student -> `login_userid_submissionid` of their Canvas file (for an LMS feedback upload);
    earlier terms' entries are kept."""
    from ..collect.importer import CANVAS

    path = course.workspace / "term" / f"sources.{lab}.json"
    prefixes = json.loads(path.read_text()) if path.is_file() else {}
    for entry in json.loads(manifest.read_text()):
        m = CANVAS.match(entry.get("source") or "")
        if m and entry.get("student") and not entry.get("refused"):
            prefixes[entry["student"]] = f"{m['login']}_{m['user']}_{m['sub']}"
    return prefixes


def _naive_utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(timezone.utc).replace(tzinfo=None)


def write_to_gradebook(course, lab: str, times: dict[str, dict[str, str]]) -> None:
    """nbgrader's own columns: the lab's due date, each submission's time and extension. The
    penalty itself is computed by export from these and the current scores (a manual grade given
    later in formgrader changes it), so no stale penalty is stored."""
    term = Term.of(course)
    due = term.due_date(lab)
    if not course.gradebook.exists():
        return
    with nbgrader_bridge.gradebook(course) as gb:
        try:
            assignment = gb.find_assignment(lab)
        except nbgrader_bridge.missing_entry():
            return
        assignment.duedate = _naive_utc(due)
        for submission in assignment.submissions:
            student = submission.student.id
            stamps = [parse_time(t) for t in times.get(student, {}).values()]
            if stamps:
                submission.timestamp = _naive_utc(max(stamps))
            student_due, _ = term.student_due(student, lab)
            submission.extension = (student_due - due) if due and student_due and student_due != due else None
        gb.db.commit()


def as_time(text: str | None) -> datetime | None:
    return parse_time(text) if text else None

