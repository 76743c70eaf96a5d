"""A sample class of submissions for a lab, graded end to end (used by `make demo` and tests).

    python -m tests.sample_class 01_music_rnn --workspace course/workspace

Students: `perfect` (the solution's answers), `untouched` (the released stub), `round<k>`
(the k-th plausible wrong answer of every exercise, see tests/mutants), `control<k>` (the k-th
correct answer in another style of every exercise: full marks expected), `corrupt` (cut-off
JSON) and `stranger` (a notebook from elsewhere).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

import nbformat

from tests.mutants import correct_for, mutants_for

MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)


def answers_of(source_nb) -> dict[str, str]:
    """The solution's answer cells as a student would type them (markers removed)."""
    return {c.metadata["nbgrader"]["grade_id"]: MARKER.sub("", c.source)
            for c in source_nb.cells if c.metadata.get("nbgrader", {}).get("solution")}


def filled(released_nb, answers: dict[str, str]):
    nb = nbformat.from_dict(json.loads(json.dumps(released_nb)))
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return nb


def perfect_notebook(repo: Path, relpath: Path):
    """labs/<relpath> with the solution's answers typed in: the student who gets everything right."""
    return filled(nbformat.read(repo / "labs" / relpath, as_version=4),
                  answers_of(nbformat.read(repo / "solutions" / relpath, as_version=4)))


def visible_points(nb) -> float:
    """Points of all test cells (what a full self-check table adds up to)."""
    return sum(float(c.metadata["nbgrader"].get("points", 0)) for c in nb.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
               and not c.metadata["nbgrader"].get("solution"))


def rounds(lab: str, notebook: str, answers=mutants_for) -> list[dict[str, tuple[str, str]]]:
    """Round k: {grade_id: (label, source)} for every exercise with a k-th wrong (or, with
    answers=correct_for, right) answer."""
    versions_of = answers(lab, notebook)
    depth = max((len(v) for v in versions_of.values()), default=0)
    return [{gid: versions[k] for gid, versions in versions_of.items() if k < len(versions)} for k in range(depth)]


def build_sample_class(repo: Path, lab: str, out: Path) -> dict[str, dict]:
    """Write submissions to out/<student>/<notebook>.ipynb; return what each round (and each
    control round) replaced: {student: {notebook: {grade_id: label}}}."""
    if out.exists():
        shutil.rmtree(out)
    plan: dict[str, dict] = {}
    for source_path in sorted((repo / "solutions" / lab).glob("*.ipynb")):
        name = source_path.stem
        source = nbformat.read(source_path, as_version=4)
        released = nbformat.read(repo / "labs" / lab / source_path.name, as_version=4)
        good = answers_of(source)

        def save(student: str, nb) -> None:
            (out / student).mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, out / student / f"{name}.ipynb")

        save("perfect", filled(released, good))
        save("untouched", released)
        for k, mutated in enumerate(rounds(lab, name)):
            save(f"round{k}", filled(released, {**good, **{g: src for g, (_, src) in mutated.items()}}))
            plan.setdefault(f"round{k}", {})[name] = {g: label for g, (label, _) in mutated.items()}
        for k, rewritten in enumerate(rounds(lab, name, correct_for)):
            save(f"control{k}", filled(released, {**good, **{g: src for g, (_, src) in rewritten.items()}}))
            plan.setdefault(f"control{k}", {})[name] = {g: label for g, (label, _) in rewritten.items()}
        (out / "corrupt").mkdir(exist_ok=True)
        text = nbformat.writes(filled(released, good))
        (out / "corrupt" / f"{name}.ipynb").write_text(text[: len(text) // 2])
    (out / "stranger").mkdir(exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hello')")]),
                   out / "stranger" / "homework.ipynb")
    return plan


def main() -> None:
    from labgrader.config import load_course
    from labgrader.export.csv import export_csv
    from labgrader.feedback.html import generate_feedback
    from labgrader.grade.batch import grade_lab

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lab", nargs="?", default="01_music_rnn")
    parser.add_argument("--workspace", default="course/workspace")
    parser.add_argument("--submissions", default="course/submissions")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    course = load_course(args.workspace)
    submissions = Path(args.submissions).resolve() / args.lab
    plan = build_sample_class(course.repo, args.lab, submissions)
    print(f"sample class written to {submissions}")
    for student, notebooks in plan.items():
        for nb, mutated in notebooks.items():
            print(f"  {student}: " + "; ".join(f"{g}: {label}" for g, label in mutated.items()))
    report = grade_lab(course, args.lab, submissions, workers=args.workers, force=True)
    report.print_table()
    pages = generate_feedback(course, args.lab)
    csv_path = export_csv(course, course.workspace / "grades.csv")
    print(f"\nfeedback HTML: {pages[0].parent.parent.parent if pages else 'none'} ({len(pages)} pages)")
    print(f"grades CSV:    {csv_path}")


if __name__ == "__main__":
    main()
