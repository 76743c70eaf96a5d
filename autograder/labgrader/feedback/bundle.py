"""Feedback that reaches students: one folder and one zip per student, and a zip for an LMS.

    labgrader feedback 01_music_rnn --bundle OUT

OUT/<student>/ holds summary.html (score per exercise, raw score, late penalty and final score,
lateness and extension, the grader's notes and the graders' comments on written answers) and
nbgrader's feedback page per notebook; OUT/<student>.zip the same folder zipped;
OUT/lms-upload.zip one flat zip for Canvas's "Re-Upload Submissions" (or any LMS that matches
files by the prefix of the downloaded submission): `<canvas prefix>_<file>` when the student's
files came from a Canvas zip, else `<student>_<file>`.

What a student may see and nothing more (docs/grading.md): the feedback pages are rendered from
the autograded notebooks (feedback/notebook.py: the released lab, their own code, the grader's
verdicts), the summary from gradebook scores and the grader's own notes. The instructor's runs/
copies are never read. Every string is HTML-escaped.
"""
from __future__ import annotations

import html
import json
import shutil
import zipfile
from pathlib import Path

import nbformat

from .. import nbgrader_bridge
from ..config import Course
from ..term.apply import LabResult, lab_results
from .notebook import exercise_name

NOTES_HEADING = "**Grader notes**"
STYLE = ("body{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.4}"
         "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left}"
         "td.n{text-align:right}.pending{color:#a60}")


def canvas_prefixes(course: Course, lab: str) -> dict[str, str]:
    """student -> Canvas's `login_userid_submissionid` (kept by record_times from collect)."""
    path = course.workspace / "term" / f"sources.{lab}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def grader_notes(course: Course, student: str, lab: str, notebook: str) -> list[str]:
    """The notes feedback_notebook put at the top of the autograded notebook (the grader's words)."""
    path = course.workspace / "autograded" / student / lab / f"{notebook}.ipynb"
    if not path.is_file():
        return []
    nb = nbformat.read(path, as_version=4)
    if not nb.cells or not nb.cells[0].source.startswith(NOTES_HEADING):
        return []
    return [line[2:] for line in nb.cells[0].source.splitlines() if line.startswith("- ")]


def comments(course: Course, student: str, lab: str) -> dict[tuple[str, str], str]:
    """(notebook, cell) -> a grader's comment from formgrader."""
    found = {}
    with nbgrader_bridge.gradebook(course) as gb:
        for nb in gb.find_submission(lab, student).notebooks:
            for comment in nb.comments:
                if comment.manual_comment:
                    found[(nb.name, comment.name)] = comment.manual_comment
    return found


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _points(value) -> str:
    return "waiting for a grader" if value is None else f"{value:g}"


def summary_page(course: Course, result: LabResult) -> str:
    notes = {nb.notebook: grader_notes(course, result.student, result.lab, nb.notebook) for nb in result.notebooks}
    said = comments(course, result.student, result.lab)
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>{_e(result.lab)} — {_e(result.student)}</title>",
           f"<style>{STYLE}</style></head><body>",
           f"<h1>{_e(result.lab)}: feedback for {_e(result.student)}</h1>",
           "<table><tr><th>raw score</th><th>late penalty</th><th>final score</th><th>submitted</th>"
           "<th>lateness</th></tr>",
           f"<tr><td class=n>{result.raw:g} / {result.max_score:g}</td><td class=n>{-result.penalty:g}</td>"
           f"<td class=n>{result.final:g} / {result.max_score:g}</td><td>{_e(result.submitted_at or 'unknown')}</td>"
           f"<td>{_e(result.status)}"
           f"{' (extension: ' + _e(result.extension) + ')' if result.extension else ''}</td></tr>"
           "</table>"]
    if result.needs_manual:
        out.append("<p class=pending>Some written answers have not been graded yet: the score will change.</p>")
    for nb in result.notebooks:
        out.append(f"<h2>{_e(nb.notebook)}</h2><table><tr><th>exercise</th><th>points</th><th>comment</th></tr>")
        for ex in nb.exercises:
            name = ex.exercise if ex.manual else exercise_name(ex.exercise)
            kind = " (written answer)" if ex.manual else ""
            out.append(f"<tr><td>{_e(name)}{kind}</td><td class=n>{_e(_points(ex.score))} / {ex.max_score:g}</td>"
                       f"<td>{_e(said.get((nb.notebook, ex.exercise), ''))}</td></tr>")
        out.append("</table>")
        if nb.penalty:
            out.append(f"<p>Late penalty on this notebook: {nb.penalty:g} points ({_e(nb.lateness.status)}).</p>")
        if notes[nb.notebook]:
            out.append("<p>Grader notes:</p><ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes[nb.notebook]) + "</ul>")
        out.append(f"<p>Your notebook with the grader's verdicts: "
                   f"<a href='{_e(nb.notebook)}.html'>{_e(nb.notebook)}.html</a></p>")
    out.append("</body></html>")
    return "\n".join(out)


def _zip_folder(folder: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{folder.name}/{path.name}")


def write_bundle(course: Course, lab: str, out: Path, pages: list[Path]) -> list[Path]:
    """`pages`: nbgrader's feedback HTML (workspace/feedback/<student>/<lab>/*.html)."""
    out.mkdir(parents=True, exist_ok=True)
    by_student: dict[str, list[Path]] = {}
    feedback_root = (course.workspace / "feedback").resolve()
    for page in pages:
        rel = page.resolve().relative_to(feedback_root)   # only nbgrader's feedback folder, never runs/
        by_student.setdefault(rel.parts[0], []).append(page)
    prefixes = canvas_prefixes(course, lab)
    written = []
    with zipfile.ZipFile(out / "lms-upload.zip", "w", zipfile.ZIP_DEFLATED) as lms:
        for result in lab_results(course, lab):
            folder = out / result.student
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir()
            (folder / "summary.html").write_text(summary_page(course, result))
            for page in by_student.get(result.student, []):
                shutil.copyfile(page, folder / page.name)
            _zip_folder(folder, out / f"{result.student}.zip")
            prefix = prefixes.get(result.student, result.student)
            for path in sorted(folder.iterdir()):
                lms.write(path, f"{prefix}_{lab}_{path.name}")
            written.append(folder)
    return written
