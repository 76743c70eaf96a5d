"""A term of lab 01, two ways.

    python -m tests.sample_term --demo --workspace course/term/workspace   # make demo-term
    python -m tests.sample_term --students 300 --workspace /tmp/term/workspace

--demo runs a small term for real, with the commands an instructor types: a Canvas-style zip
(entry dates: on time, late, late with an extension, too late, and a disguised copy of another
student), `labgrader collect`, `grade`, `export` (late policy applied), `feedback --bundle`,
`similarity` (the copied pair on top) and `stats`.

--students N builds a synthetic term: hundreds of students' kept submissions and a gradebook
with verdicts, for measuring `labgrader similarity` and `labgrader stats` without grading
hundreds of notebooks on a laptop.

Each student's answer cell is the solution (60 %) or one of the lab's plausible wrong answers
(tests/mutants), followed by a few statements of their own (random arithmetic: every student's
code differs, as real students' does). One planted pair: `copier` hands in `original`'s
answers with every assigned name renamed, comments added and blank lines moved. Scores and
verdicts are drawn per hidden check (each check with its own pass rate) and written the way
`labgrader grade` writes them (gradebook.write, feedback_notebook). Nothing here is graded:
it measures the reports, not the grader.
"""
from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

import nbformat

from tests.mutants import mutants_for
from tests.sample_class import answers_of, filled

LAB = "01_music_rnn"
RECORD = re.compile(r"record\(\s*[\"']([^\"']+)[\"']")
ASSIGNED = re.compile(r"^(\s*)([A-Za-z_]\w*)(\s*=[^=])", re.M)
MESSAGES = ["values differ from the reference", "wrong shape", "raised an exception", "wrong dtype",
            "not credited: it ran past the cell limit"]


def own_lines(rng: random.Random) -> str:
    ops = ["+", "-", "*", "//", "%"]
    lines = []
    for j in range(rng.randint(2, 5)):
        a, b, c = (rng.randint(2, 999) for _ in range(3))
        lines.append(f"_scratch{j} = ({a} {rng.choice(ops)} {b}) {rng.choice(ops)} {c}")
    return "\n".join(lines)


def disguise(code: str, rng: random.Random) -> str:
    """What a copier does: rename what is assigned, add comments, move blank lines."""
    names = {m.group(2) for m in ASSIGNED.finditer(code)}
    for name in sorted(names, key=len, reverse=True):
        code = re.sub(rf"\b{re.escape(name)}\b", f"{name}_mine", code)
    out = []
    for line in code.splitlines():
        if line.strip() and rng.random() < 0.3:
            out.append(" " * (len(line) - len(line.lstrip())) + "# my own work")
        out.append(line)
        if rng.random() < 0.2:
            out.append("")
    return "\n".join(out)


def build_term(repo: Path, course, students: int, seed: int = 0) -> list[str]:
    from labgrader.feedback.notebook import feedback_notebook
    from labgrader.grade.assemble import grade_id, is_answer, is_test, points_of
    from labgrader.grade.batch import sync_gradebook
    from labgrader.grade.compare import Verdict
    from labgrader.grade.gradebook import write
    from labgrader.grade.score import CellScore, NotebookScore

    rng = random.Random(seed)
    names = [f"s{i:03d}" for i in range(students - 2)] + ["original", "copier"]
    sync_gradebook(course, LAB)
    for source_path in sorted((repo / "solutions" / LAB).glob("*.ipynb")):
        name = source_path.stem
        source = nbformat.read(source_path, as_version=4)
        released = nbformat.read(repo / "labs" / LAB / source_path.name, as_version=4)
        good, wrong = answers_of(source), mutants_for(LAB, name)
        answer_ids = [grade_id(c) for c in released.cells if is_answer(c) and c.cell_type == "code"]
        tests = [(grade_id(c), points_of(c), RECORD.findall(c.source)) for c in source.cells if is_test(c)]
        rates = {(gid, check): rng.uniform(0.55, 0.98) for gid, _, checks in tests for check in checks}
        kept: dict[str, dict[str, str]] = {}
        for student in names:
            if student == "copier":
                answers = {gid: disguise(code, rng) for gid, code in kept["original"].items()}
            else:
                answers = {}
                for gid in answer_ids:
                    base = good[gid] if rng.random() < 0.6 or not wrong.get(gid) else rng.choice(wrong[gid])[1]
                    answers[gid] = base.rstrip() + "\n\n" + own_lines(rng) + "\n"
            kept[student] = answers
            nb = filled(released, answers)
            path = course.workspace / "submitted" / student / LAB / f"{name}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            cells = []
            for gid, points, checks in tests:
                verdicts = [Verdict(c, ok := rng.random() < rates[(gid, c)], "" if ok else rng.choice(MESSAGES[:3] if
                            rng.random() < 0.8 else MESSAGES), 1.0) for c in checks]
                earned = sum(v.passed for v in verdicts) / max(1, len(verdicts))
                cells.append(CellScore(gid, round(points * earned, 2), points, verdicts))
            score = NotebookScore(student, name, cells)
            write(course, LAB, score, feedback_notebook(nb, released, f"{LAB}/{name}", score))
    return names


DEMO_TERM = """# this term's dates (they override pyproject.toml's [tool.labgrader.due])
[due]
"01_music_rnn" = "2026-10-09T23:59:00+00:00"

[late_policy]
grace_minutes = 15
penalty_per_day = 0.10
max_penalty = 0.30
refuse_after_days = 7
"""
# Canvas login -> (sample-class student whose files they hand in, zip entry time)
DEMO_STUDENTS = {"ontime": ("perfect", (2026, 10, 9, 21, 5, 0)), "late": ("round0", (2026, 10, 11, 8, 0, 0)),
                 "extended": ("round1", (2026, 10, 12, 18, 0, 0)), "toolate": ("round2", (2026, 10, 20, 9, 0, 0)),
                 "blank": ("untouched", (2026, 10, 9, 12, 0, 0))}


def demo(course, root: Path, workers: int = 2) -> None:
    import zipfile

    from labgrader.cli import main as labgrader
    from tests.sample_class import build_sample_class

    root.mkdir(parents=True, exist_ok=True)
    course.workspace.mkdir(parents=True, exist_ok=True)
    (course.workspace / "term.toml").write_text(DEMO_TERM)
    (course.workspace / "extensions.csv").write_text("student,lab,due,reason\nextended,01_music_rnn,"
                                                     "2026-10-13T23:59:00+00:00,illness (dean's note)\n")
    sample = root / "sample"
    build_sample_class(course.repo, LAB, sample)
    rng = random.Random(7)
    archive = root / "canvas-submissions.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i, (login, (who, when)) in enumerate(DEMO_STUDENTS.items()):
            for path in sorted((sample / who).glob("*.ipynb")):
                info = zipfile.ZipInfo(f"{login}_{1000 + i}_{5000 + i}_{path.name}", date_time=when)
                z.writestr(info, path.read_bytes())
        for path in sorted((sample / "round1").glob("*.ipynb")):   # a copy of round1's work, disguised
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
                    cell.source = disguise(cell.source, rng)
            z.writestr(zipfile.ZipInfo(f"copier_1099_5099_{path.name}", date_time=(2026, 10, 9, 23, 30, 0)),
                       nbformat.writes(nb))
    subs, ws = root / "submissions", ["--workspace", str(course.workspace)]
    steps = [["collect", str(archive), "--out", str(subs), "--deadline", "2026-10-09T23:59:00+00:00"],
             [*ws, "grade", LAB, "--submissions", str(subs), "--workers", str(workers), "--force"],
             [*ws, "export", "--out", str(root / "grades.csv")],
             [*ws, "feedback", LAB, "--bundle", str(root / "feedback")],
             [*ws, "similarity", LAB, "--out", str(root / "similarity.html")],
             [*ws, "stats", LAB, "--out", str(root / "stats.html")]]
    for step in steps:
        print(f"\n$ labgrader {' '.join(step)}", flush=True)
        code = labgrader(step)
        if code not in (0, 1):   # grade exits 1 when something was not graded: shown, not fatal
            raise SystemExit(code)
    import csv

    print("\nlab totals (raw, late penalty, final):")
    for row in csv.DictReader(open(root / "grades.csv")):
        if row["exercise"] == "TOTAL":
            print(f"  {row['student']:<10} {float(row['score']):>6g} {-float(row['late_penalty']):>6g} "
                  f"{float(row['final_score']):>6g}  {row['lateness']} {row['extension']}")
    print(f"\nfeedback bundles: {root / 'feedback'}   similarity: {root / 'similarity.html'}   "
          f"stats: {root / 'stats.html'}")


def main() -> None:
    from labgrader.config import load_course

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--demo", action="store_true", help="a small term graded for real (see above)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    course = load_course(args.workspace)
    if args.demo:
        demo(course, course.workspace.parent, args.workers)
        return
    course.workspace.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    build_term(course.repo, course, args.students)
    print(f"synthetic term of {args.students} students in {course.workspace} ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
