"""`labgrader stats LAB`: which exercises and hidden checks students fail, and how scores spread.

    labgrader stats 01_music_rnn [--out stats.html]

Per exercise (test cell) and per hidden check: how many students it was graded for, the share
who failed it, and the commonest failure messages. The messages are the coarse ones students
see (the verdict lines in the autograded notebooks, feedback/notebook.py), read from there, never
from the instructor's runs/. A check nearly everyone fails may be too strict (or the exercise
unclear); one nobody fails while the exercise's other checks do may be too lax. The page also
plots the distribution of lab totals (raw and with the late policy) as an inline PNG; a CSV
with one row per check sits beside it.
"""
from __future__ import annotations

import base64
import csv
import html
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..config import Course
from ..grade.assemble import grade_id, is_test
from ..term.apply import lab_results

VERDICT = re.compile(r"^  (?P<mark>[✓✗]) (?P<name>.+?)(?: — (?P<message>.*))?$")


@dataclass
class Item:
    notebook: str
    exercise: str
    check: str = ""                # "" for the exercise as a whole
    graded: int = 0
    failed: int = 0
    messages: Counter = field(default_factory=Counter)

    @property
    def share_failed(self) -> float:
        return self.failed / self.graded if self.graded else 0.0


def verdicts(path: Path) -> dict[str, list[tuple[str, bool, str]]]:
    """test cell grade id -> [(check, passed, message)] from a student's autograded notebook."""
    nb = nbformat.read(path, as_version=4)
    found = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or not is_test(cell):
            continue
        lines = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        found[grade_id(cell)] = [(m["name"], m["mark"] == "✓", m["message"] or "")
                                 for m in map(VERDICT.match, lines.splitlines()) if m]
    return found


def analyse(course: Course, lab: str) -> tuple[list[Item], list]:
    results = lab_results(course, lab)
    items: dict[tuple[str, str, str], Item] = {}
    for result in results:
        for nb in result.notebooks:
            path = course.workspace / "autograded" / result.student / lab / f"{nb.notebook}.ipynb"
            checks = verdicts(path) if path.is_file() else {}
            for ex in nb.exercises:
                if ex.manual:
                    continue
                item = items.setdefault((nb.notebook, ex.exercise, ""), Item(nb.notebook, ex.exercise))
                item.graded += 1
                if (ex.score or 0.0) < ex.max_score:
                    item.failed += 1
                for name, passed, message in checks.get(ex.exercise, []):
                    check = items.setdefault((nb.notebook, ex.exercise, name), Item(nb.notebook, ex.exercise, name))
                    check.graded += 1
                    if not passed:
                        check.failed += 1
                        check.messages[message or "(no message)"] += 1
    return sorted(items.values(), key=lambda i: (i.notebook, i.exercise, i.check)), results


def _histogram(results) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=100)
    maximum = max((r.max_score for r in results), default=1.0) or 1.0
    bins = min(25, max(5, int(maximum)))
    ax.hist([[r.raw for r in results], [r.final for r in results]], bins=bins, range=(0, maximum),
            label=["raw", "with late policy"], color=["#4a7ab5", "#e0902f"])
    ax.set_xlabel(f"lab score (of {maximum:g})")
    ax.set_ylabel("students")
    ax.legend()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def write_stats(course: Course, lab: str, out: Path | None = None) -> Path:
    items, results = analyse(course, lab)
    if not results:
        raise SystemExit(f"labgrader stats: nothing of {lab} is in the gradebook; grade it first")
    out = out or course.workspace / "stats" / f"{lab}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    e = html.escape
    raw = sorted(r.raw for r in results)
    median = raw[len(raw) // 2]
    pending = sum(r.needs_manual for r in results)
    page = [f"<!doctype html><html><head><meta charset='utf-8'><title>stats {e(lab)}</title><style>"
            "body{font-family:sans-serif;margin:2em}td,th{border:1px solid #bbb;padding:.2em .5em;text-align:left}"
            "table{border-collapse:collapse}td.n{text-align:right}tr.ex{background:#eef}</style></head><body>",
            f"<h1>{e(lab)}: item analysis</h1>",
            f"<p>{len(results)} student(s); median raw score {median:g} of {results[0].max_score:g}; "
            f"{pending} still waiting for a human grader.</p>",
            f"<img alt='score distribution' src='data:image/png;base64,{_histogram(results)}'>",
            "<h2>Exercises and hidden checks</h2><p>Sorted as in the notebook; the share failing is of the "
            "students the check was graded for. Messages are the ones students saw.</p>",
            "<table><tr><th>notebook</th><th>exercise / check</th><th>graded</th><th>failed</th>"
            "<th>commonest failure messages</th></tr>"]
    for item in items:
        label = e(item.check) if item.check else f"<b>{e(item.exercise)}</b>"
        common = "; ".join(f"{e(m)} ({n})" for m, n in item.messages.most_common(3))
        page.append(f"<tr class='{'' if item.check else 'ex'}'><td>{e(item.notebook)}</td><td>{label}</td>"
                    f"<td class=n>{item.graded}</td><td class=n>{item.share_failed:.0%}</td><td>{common}</td></tr>")
    page.append("</table></body></html>")
    out.write_text("\n".join(page))
    with open(out.with_suffix(".csv"), "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["notebook", "exercise", "check", "graded", "failed", "share_failed", "top_message"])
        for item in items:
            top = item.messages.most_common(1)
            writer.writerow([item.notebook, item.exercise, item.check, item.graded, item.failed,
                             f"{item.share_failed:.4f}", top[0][0] if top else ""])
    return out
