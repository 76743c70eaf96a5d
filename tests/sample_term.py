"""A synthetic term for lab 01: hundreds of students' kept submissions and a gradebook with
verdicts, for measuring `labgrader similarity` and `labgrader stats` (and seeing their pages)
without grading hundreds of notebooks on a laptop.

    python -m tests.sample_term --students 300 --workspace /tmp/term/workspace

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


def main() -> None:
    from labgrader.config import load_course

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--workspace", required=True)
    args = parser.parse_args()
    course = load_course(args.workspace)
    course.workspace.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    build_term(course.repo, course, args.students)
    print(f"synthetic term of {args.students} students in {course.workspace} ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
