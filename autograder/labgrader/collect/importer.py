"""`labgrader collect SOURCE --out DIR`: Canvas zips, plain folders and Colab downloads.

    labgrader collect submissions.zip --out course/submissions/01_music_rnn --deadline 2026-12-01T23:59

Writes DIR/<student>/<file>.ipynb and DIR/manifest.json (student, file, origin, late,
duplicate). Student ids come from, in order: a roster CSV (--roster, columns `canvas_id` or
`login` and `student_id`), the Canvas file-name prefix (`login_[LATE_]userid_submissionid_name`),
the folder name (`DIR/<student>/…`), or the file name (`<student>.ipynb`).
"""
from __future__ import annotations

import csv
import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

# Canvas: "smithjane_LATE_12345_678901_01_pytorch_primer-1.ipynb" (the -1 marks a resubmission)
CANVAS = re.compile(r"^(?P<login>[a-z0-9.\-]+?)_(?P<late>LATE_)?(?P<user>\d+)_(?P<sub>\d+)_(?P<name>.+?)(?P<resub>-\d+)?\.ipynb$")
COLAB_PREFIX = re.compile(r"^(Copy of |Kopie von |Copie de )+", re.I)
SAFE_ID = re.compile(r"[^A-Za-z0-9_.\-]+")


@dataclass
class Collected:
    student: str
    file: str
    origin: str          # canvas | folder | file
    colab: bool
    late: bool
    duplicate: bool = False
    source: str = ""


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


def _is_colab(path: Path) -> bool:
    try:
        meta = json.loads(path.read_text(encoding="utf-8", errors="replace")).get("metadata", {})
    except (json.JSONDecodeError, AttributeError, OSError):
        return False
    return "colab" in meta


def _candidates(source: Path, scratch: Path) -> list[tuple[Path, str | None, str]]:
    """(file, student hint, origin) for every notebook in a zip or folder."""
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for member in archive.infolist():
                name = Path(member.filename)
                if member.is_dir() or name.suffix != ".ipynb" or ".." in name.parts or name.is_absolute():
                    continue
                target = scratch / Path(*name.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, length=2**20)
        source = scratch
    if not source.is_dir():
        raise SystemExit(f"labgrader collect: {source} is neither a folder nor a zip file")
    found = []
    for path in sorted(source.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        rel = path.relative_to(source)
        if CANVAS.match(path.name):
            found.append((path, None, "canvas"))
        elif len(rel.parts) >= 2:
            found.append((path, rel.parts[0], "folder"))
        else:
            found.append((path, path.stem, "file"))
    return found


def collect(source: Path, out: Path, roster: Path | None = None, deadline: datetime | None = None) -> list[Collected]:
    ids = _roster(roster)
    out.mkdir(parents=True, exist_ok=True)
    results: list[Collected] = []
    seen: dict[tuple[str, str], Collected] = {}
    with tempfile.TemporaryDirectory(prefix="labgrader-collect-") as tmp:
        for path, hint, origin in _candidates(source, Path(tmp)):
            late = False
            name = COLAB_PREFIX.sub("", path.name).strip()
            if origin == "canvas":
                m = CANVAS.match(path.name)
                key = m["login"]
                student = ids.get(m["user"], ids.get(key, key))
                late = bool(m["late"])
                name = COLAB_PREFIX.sub("", m["name"]) + ".ipynb"
            else:
                student = ids.get((hint or "").lower(), hint or path.stem)
                if origin == "file":
                    name = "submission.ipynb"
            student = SAFE_ID.sub("_", student).strip("._") or "unknown"
            if deadline is not None:
                mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
                late = late or mtime > deadline
            item = Collected(student, name, origin, _is_colab(path), late, source=str(path.name))
            previous = seen.get((student, name))
            if previous is not None:
                previous.duplicate = item.duplicate = True
                name = f"{Path(name).stem}.duplicate{sum(r.student == student for r in results)}.ipynb"
                item.file = name
            seen[(student, item.file)] = item
            (out / student).mkdir(exist_ok=True)
            shutil.copyfile(path, out / student / item.file)
            results.append(item)
    (out / "manifest.json").write_text(json.dumps([asdict(r) for r in results], indent=1))
    return results


def print_summary(results: list[Collected]) -> None:
    students = sorted({r.student for r in results})
    print(f"collected {len(results)} notebook(s) from {len(students)} student(s)")
    for r in results:
        flags = [f for f, on in (("LATE", r.late), ("DUPLICATE", r.duplicate), ("colab", r.colab)) if on]
        print(f"  {r.student:<20} {r.file:<36} {r.origin:<7} {' '.join(flags)}")
    duplicates = sorted({r.student for r in results if r.duplicate})
    if duplicates:
        print(f"⚠ duplicates for {', '.join(duplicates)}: grading uses one file per notebook and reports the "
              "clash; delete the stale copy and grade again")
