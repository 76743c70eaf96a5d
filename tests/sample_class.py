"""A sample class of submissions for a lab, graded end to end (used by `make demo` and tests).

    python -m tests.sample_class 01_music_rnn --workspace course/workspace

Students: `perfect` (the solution's answers, and the model answer of each written question; the
mark scheme stays out), `untouched` (the released stub), `hollow` and `echo` (every function
defined and returning None, or its first argument: tests/hollow.py), `round<k>`
(the k-th plausible wrong answer of every exercise, see tests/mutants), `control<k>` (the k-th
correct answer in another style of every exercise: full marks expected), `corrupt` (cut-off
JSON) and `stranger` (a notebook from elsewhere).
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import nbformat

from labgrader.notebook import is_test, points_of
from tests.adapters import answers_of
from tests.hollow import hollow_answers_of
from tests.mutants import correct_for, mutants_for

__all__ = ["all_answers_of", "answers_of", "build_sample_class", "filled", "perfect_notebook", "rounds",
           "visible_points", "written_answers_of"]
MARK_SCHEME = "=== BEGIN MARK SCHEME ==="   # a written answer's rubric follows its model answer


def written_answers_of(source_nb) -> dict[str, str]:
    """A student's text for each written answer (a markdown answer cell, graded by people): the
    model answer, never the rubric after it."""
    return {c.metadata["nbgrader"]["grade_id"]: c.source.split(MARK_SCHEME)[0].strip()
            for c in source_nb.cells if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")}


def all_answers_of(source_nb) -> dict[str, str]:
    """What the student who gets everything right hands in: code and written answers."""
    return {**answers_of(source_nb), **written_answers_of(source_nb)}


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
                  all_answers_of(nbformat.read(repo / "solutions" / relpath, as_version=4)))


def visible_points(nb) -> float:
    """Points of all test cells (what a full self-check table adds up to)."""
    return sum(points_of(c) for c in nb.cells if is_test(c))


def rounds(lab: str, notebook: str, answers=mutants_for) -> list[dict[str, tuple[str, str]]]:
    """Round k: {grade_id: (label, source)} for every exercise with a k-th wrong (or, with
    answers=correct_for, right) answer."""
    versions_of = answers(lab, notebook)
    depth = max((len(v) for v in versions_of.values()), default=0)
    return [{gid: versions[k] for gid, versions in versions_of.items() if k < len(versions)} for k in range(depth)]


def build_sample_class(repo: Path, lab: str, out: Path) -> dict[str, dict]:
    """Write submissions to out/<student>/<notebook>.ipynb; return what each round (and each
    control round) replaced: {student: {notebook: {grade_id: label}}}.

    Every student of a round hands in every notebook of the lab: a notebook with fewer wrong
    (or right) answers than another keeps the solution's answers in the extra rounds."""
    if out.exists():
        shutil.rmtree(out)
    notebooks = [(p.stem, nbformat.read(p, as_version=4), nbformat.read(repo / "labs" / lab / p.name, as_version=4))
                 for p in sorted((repo / "solutions" / lab).glob("*.ipynb"))]
    plans = {kind: {name: rounds(lab, name, answers) for name, _, _ in notebooks}
             for kind, answers in (("round", mutants_for), ("control", correct_for))}
    plan: dict[str, dict] = {}
    for name, source, released in notebooks:
        good = all_answers_of(source)   # every student of the class writes the written answers too

        def save(student: str, nb, name: str = name) -> None:
            (out / student).mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, out / student / f"{name}.ipynb")

        save("perfect", filled(released, good))
        save("untouched", released)
        save("hollow", filled(released, hollow_answers_of(source, returns="none")))
        save("echo", filled(released, hollow_answers_of(source, returns="first")))
        for kind, per_notebook in plans.items():
            for k in range(max(len(r) for r in per_notebook.values())):
                replaced = per_notebook[name][k] if k < len(per_notebook[name]) else {}
                save(f"{kind}{k}", filled(released, {**good, **{g: src for g, (_, src) in replaced.items()}}))
                plan.setdefault(f"{kind}{k}", {})[name] = {g: label for g, (label, _) in replaced.items()}
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
        for mutated in notebooks.values():
            print(f"  {student}: " + "; ".join(f"{g}: {label}" for g, label in mutated.items()))
    report = grade_lab(course, args.lab, submissions, workers=args.workers, force=True)
    report.print_table()
    pages = generate_feedback(course, args.lab)
    csv_path = export_csv(course, course.workspace / "grades.csv")
    print(f"\nfeedback HTML: {pages[0].parent.parent.parent if pages else 'none'} ({len(pages)} pages)")
    print(f"grades CSV:    {csv_path}")


if __name__ == "__main__":
    main()
