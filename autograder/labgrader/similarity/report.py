"""`labgrader similarity LAB`: every pair of submissions compared per exercise, ranked.

    labgrader similarity 01_music_rnn [--against OLD_WORKSPACE_OR_FOLDER ...] [--out report.html]

Answer cells are taken by grade id from the kept submissions (workspace/submitted/<student>/<lab>/)
and fingerprinted with copydetect (winnowed k-grams of the pygments token stream: comments,
whitespace and names stripped, so renaming variables or adding comments changes nothing); the
released stub's fingerprints are subtracted (boilerplate), and so are fingerprints most of the
class shares (the obvious way to write a line is not evidence). Written answers (markdown) are
compared as lower-cased text.

A pair's similarity for one exercise is the share of the smaller answer's fingerprints found in
the other; the pair's score is the same over all exercises both answered (weighted by size).
Candidate pairs come from an inverted index (fingerprint -> answers), so the cost grows with
shared fingerprints, not with n²·exercises comparisons. Earlier terms (`--against`) are compared
with this term's students, not among themselves. A high score is a reason to look, not a verdict.
"""
from __future__ import annotations

import csv
import html
import io
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np

from ..config import Course
from ..grade.assemble import SubmissionError, grade_id, is_answer, parse_submission, read_submission_bytes

K, WINDOW = 20, 5          # copydetect's noise threshold and winnowing window (guarantee k + w - 1)
COMMON_SHARE = 0.5         # fingerprints in more than this share of answers are ignored
MIN_FINGERPRINTS = 6       # pairs sharing less total answer than this are not ranked (tiny cells)


@dataclass
class Answer:
    who: str                       # student, or "<earlier term>/<student>"
    earlier: bool
    code: str
    print_: object = None          # the copydetect CodeFingerprint
    hashes: set = field(default_factory=set)


@dataclass
class Pair:
    a: str
    b: str
    shared: int = 0
    possible: int = 0
    per_exercise: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return self.shared / self.possible if self.possible else 0.0


def _fingerprint(code: str, markdown: bool, boilerplate: np.ndarray):
    from copydetect import CodeFingerprint

    if markdown:
        code = " ".join(code.lower().split())
    return CodeFingerprint("answer.py", K, WINDOW, boilerplate=boilerplate, filter=not markdown,
                           language=None if markdown else "python", fp=io.StringIO(code))


def _submissions(root: Path, lab: str) -> dict[str, dict[str, Path]]:
    """student -> {file stem: path} from a workspace (submitted/<student>/<lab>/*.ipynb) or a
    collected folder (<student>/*.ipynb)."""
    found: dict[str, dict[str, Path]] = {}
    base = root / "submitted" if (root / "submitted").is_dir() else root
    for student in sorted(p for p in base.iterdir() if p.is_dir() and not p.is_symlink()):
        folder = student / lab if (student / lab).is_dir() else student
        files = {p.stem: p for p in sorted(folder.glob("*.ipynb")) if p.is_file() and not p.is_symlink()}
        if files:
            found[student.name] = files
    return found


def _answers_of(path: Path, wanted: set[str]) -> dict[str, str]:
    try:
        nb = parse_submission(read_submission_bytes(path), path.name)
    except SubmissionError:
        return {}
    out = {}
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in wanted and gid not in out:
            out[gid] = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    return out


def collect_answers(course: Course, lab: str, against: list[Path]) -> tuple[dict, dict]:
    """{(notebook, grade_id): [Answer]} and {(notebook, grade_id): markdown?} for the lab."""
    released = {p.stem: nbformat.read(p, as_version=4) for p in sorted((course.labs / lab).glob("*.ipynb"))}
    stubs, kinds = {}, {}
    for name, nb in released.items():
        for cell in nb.cells:
            if is_answer(cell):
                stubs[(name, grade_id(cell))] = cell.source
                kinds[(name, grade_id(cell))] = cell.cell_type == "markdown"
    wanted = {gid for _, gid in stubs}
    answers: dict[tuple[str, str], list[Answer]] = defaultdict(list)
    sources = [(course.workspace, "")] + [(Path(p), Path(p).resolve().name) for p in against]
    for root, label in sources:
        if not root.is_dir():
            raise SystemExit(f"labgrader similarity: {root} is not a folder")
        for student, files in _submissions(root, lab).items():
            who = f"{label}/{student}" if label else student
            for stem, path in files.items():
                notebook = stem if stem in released else None
                for gid, code in _answers_of(path, wanted).items():
                    nb_name = notebook or next(n for n, g in stubs if g == gid)
                    if code.strip() and code.strip() != stubs.get((nb_name, gid), "").strip():
                        answers[(nb_name, gid)].append(Answer(who, bool(label), code))
    boiler = {key: _fingerprint(stub, kinds[key], np.array([])) for key, stub in stubs.items()}
    for key, items in answers.items():
        stub_hashes = np.array(sorted(boiler[key].hashes)) if key in boiler else np.array([])
        for item in items:
            item.print_ = _fingerprint(item.code, kinds.get(key, False), stub_hashes)
            item.hashes = set(item.print_.hashes)
    return answers, kinds


def rank(answers: dict) -> list[Pair]:
    pairs: dict[tuple[str, str], Pair] = {}
    sizes: dict[tuple, int] = {}
    for (notebook, gid), items in answers.items():
        n = len(items)
        index: dict[int, list[int]] = defaultdict(list)
        for i, item in enumerate(items):
            for h in item.hashes:
                index[h].append(i)
        limit = max(2, int(COMMON_SHARE * n)) if n >= 6 else n
        common = {h for h, members in index.items() if len(members) > limit}
        size = [len(item.hashes - common) for item in items]
        for i, item in enumerate(items):
            sizes[((notebook, gid), item.who)] = size[i]
        shared: dict[tuple[int, int], int] = defaultdict(int)
        for h, members in index.items():
            if h in common:
                continue
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    i, j = members[x], members[y]
                    if not (items[i].earlier and items[j].earlier):
                        shared[(i, j)] += 1
        for (i, j), count in shared.items():
            a, b = sorted((items[i].who, items[j].who))
            pair = pairs.setdefault((a, b), Pair(a, b))
            smaller = min(size[i], size[j])
            pair.shared += count
            pair.possible += smaller
            pair.per_exercise[f"{notebook}/{gid}"] = count / smaller if smaller else 0.0
    # an exercise both answered without a shared fingerprint still counts against the pair
    for (a, b), pair in pairs.items():
        for key in answers:
            if f"{key[0]}/{key[1]}" not in pair.per_exercise and (key, a) in sizes and (key, b) in sizes:
                pair.possible += min(sizes[(key, a)], sizes[(key, b)])
    ranked = [p for p in pairs.values() if p.possible >= MIN_FINGERPRINTS]
    return sorted(ranked, key=lambda p: (-p.score, p.a, p.b))


def _side_by_side(x: Answer, y: Answer) -> str:
    from copydetect.detector import compare_files
    from copydetect.utils import highlight_overlap

    _, _, (slices_x, slices_y) = compare_files(x.print_, y.print_)
    cols = []
    for item, slices in ((x, slices_x), (y, slices_y)):
        if len(slices) and slices.size:
            text, _ = highlight_overlap(item.print_.raw_code, slices, "<mark>", "</mark>", escape_html=True)
        else:
            text = html.escape(item.print_.raw_code)
        cols.append(f"<td><b>{html.escape(item.who)}</b><pre>{text}</pre></td>")
    return "<table class=sbs><tr>" + "".join(cols) + "</tr></table>"


def write_report(lab: str, answers: dict, pairs: list[Pair], out: Path, top: int = 30) -> Path:
    by_who = {key: {a.who: a for a in items} for key, items in answers.items()}
    rows = ["<!doctype html><html><head><meta charset='utf-8'><title>similarity " + html.escape(lab) + "</title>"
            "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #bbb;padding:.2em .5em;"
            "vertical-align:top}table{border-collapse:collapse}pre{font-size:12px;max-width:48em;overflow:auto}"
            "mark{background:#fd8}</style></head><body>",
            f"<h1>Similarity: {html.escape(lab)}</h1><p>{len(pairs)} pair(s) with shared fingerprints; the top {top} "
            "are shown with their most similar answers side by side (copied regions marked). A high score is a "
            "reason to look, not a verdict.</p>",
            "<table><tr><th>#</th><th>pair</th><th>similarity</th><th>most similar exercises</th></tr>"]
    for i, pair in enumerate(pairs[:top], 1):
        best = sorted(pair.per_exercise.items(), key=lambda t: -t[1])[:4]
        rows.append(f"<tr><td>{i}</td><td><a href='#p{i}'>{html.escape(pair.a)} · {html.escape(pair.b)}</a></td>"
                    f"<td>{pair.score:.0%}</td><td>"
                    + ", ".join(f"{html.escape(e)} {s:.0%}" for e, s in best) + "</td></tr>")
    rows.append("</table>")
    for i, pair in enumerate(pairs[:top], 1):
        rows.append(f"<h2 id='p{i}'>{i}. {html.escape(pair.a)} · {html.escape(pair.b)} — {pair.score:.0%}</h2>")
        for exercise, share in sorted(pair.per_exercise.items(), key=lambda t: -t[1])[:3]:
            key = tuple(exercise.split("/", 1))
            x, y = by_who[key].get(pair.a), by_who[key].get(pair.b)
            if x and y:
                rows.append(f"<h3>{html.escape(exercise)}: {share:.0%}</h3>" + _side_by_side(x, y))
    rows.append("</body></html>")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(rows))
    with open(out.with_suffix(".csv"), "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["a", "b", "similarity", "exercises"])
        for pair in pairs:
            writer.writerow([pair.a, pair.b, f"{pair.score:.4f}",
                             " ".join(f"{e}={s:.2f}" for e, s in sorted(pair.per_exercise.items()))])
    return out


def similarity(course: Course, lab: str, out: Path | None = None, against: list[Path] | None = None,
               top: int = 30) -> tuple[Path, list[Pair]]:
    logging.getLogger().setLevel(logging.ERROR)   # copydetect warns per untokenised markdown answer
    answers, _ = collect_answers(course, lab, list(against or []))
    if not answers:
        raise SystemExit(f"labgrader similarity: no graded submissions of {lab} in {course.workspace}/submitted")
    pairs = rank(answers)
    return write_report(lab, answers, pairs, out or course.workspace / "similarity" / f"{lab}.html", top), pairs
