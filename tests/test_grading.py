"""Every lab graded end to end: one sample class per lab, one batch each.

Full marks for the solution, zero for the untouched stub and for answers that compute nothing,
points lost for every plausible wrong answer (and only where it is wrong), clear errors for
broken files, feedback without hidden tests or solutions, an idempotent rerun.
Hostile submissions: test_grading_security.py.
"""
from __future__ import annotations

import csv
import shutil

import nbformat
import pytest

from labgrader.export.csv import export_csv
from labgrader.export.csv import rows as export_rows
from labgrader.feedback.html import generate_feedback
from labgrader.grade.batch import grade_lab
from labgrader.grade.gradebook import read_scores
from labgrader.release.verify import _solution_lines
from tests.conftest import REPO
from tests.sample_class import build_sample_class

pytestmark = pytest.mark.slow  # every lab's sample class graded end to end

LABS = sorted(p.name for p in (REPO / "solutions").iterdir() if list(p.glob("*.ipynb")))


@pytest.fixture(scope="module", params=LABS)
def graded(request, course, tmp_path_factory):
    lab = request.param
    subs = tmp_path_factory.mktemp(f"submissions-{lab}")
    plan = build_sample_class(course.repo, lab, subs)
    report = grade_lab(course, lab, subs, workers=2, quiet=True)
    sources = {p.stem: nbformat.read(p, as_version=4) for p in sorted((course.solutions / lab).glob("*.ipynb"))}
    return {"lab": lab, "plan": plan, "report": report, "subs": subs, "sources": sources,
            "scores": read_scores(course, lab)}


def max_points(graded) -> dict[str, float]:
    """'<notebook>/<test grade_id>' -> points of every autograded test cell (a written answer is a
    solution + grade cell, graded by people: manual_points)."""
    return {f"{name}/{c.metadata['nbgrader']['grade_id']}": c.metadata["nbgrader"]["points"]
            for name, src in graded["sources"].items() for c in src.cells
            if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")}


def manual_points(graded) -> dict[str, float]:
    """'<notebook>/<written answer grade_id>' -> points: the Reflect answers graded in formgrader."""
    return {f"{name}/{c.metadata['nbgrader']['grade_id']}": c.metadata["nbgrader"]["points"]
            for name, src in graded["sources"].items() for c in src.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.metadata["nbgrader"].get("solution")}


def test_solution_gets_full_marks(graded, course):
    written = manual_points(graded)
    autograded = {k: v for k, v in graded["scores"]["perfect"].items() if k not in written}
    assert autograded == pytest.approx(max_points(graded))
    # its written answers wait for a person: "needs manual grade", no score yet (never a final 0)
    pending = {f"{r['notebook']}/{r['exercise']}": r for r in export_rows(course)
               if r["lab"] == graded["lab"] and r["student"] == "perfect" and r["manual"]}
    assert pending.keys() == written.keys()
    assert all(r["needs_manual"] == "yes" and r["score"] == "" for r in pending.values())


@pytest.mark.parametrize("student", ["untouched", "hollow", "echo"])
def test_an_answer_that_computes_nothing_gets_zero_and_completes(graded, student):
    # the released stub; every function returning None; every function returning its first argument
    scores = graded["scores"][student]
    assert set(scores) == set(max_points(graded)) | set(manual_points(graded)) and all(v == 0 for v in scores.values())


def test_every_wrong_answer_loses_points_only_in_its_exercise(graded):
    maximum = max_points(graded)
    assert len(graded["plan"]) >= 3
    times_mutated: dict[str, int] = {}
    for student, per_notebook in graded["plan"].items():
        if student.startswith("control"):
            continue
        scores = graded["scores"][student]
        for key, points in maximum.items():
            notebook, test_id = key.split("/")
            answer_id = test_id.removeprefix("test_")
            mutated = per_notebook.get(notebook, {})
            if answer_id in mutated:
                times_mutated[key] = times_mutated.get(key, 0) + 1
                assert scores[key] < points, f"{student}: '{mutated[answer_id]}' kept full marks in {key}"
            else:
                assert scores[key] == points, f"{student}: {key} lost points it should not"
    assert times_mutated.keys() == maximum.keys(), "every exercise needs wrong answers"
    assert min(times_mutated.values()) >= 6, times_mutated


def test_right_answers_written_another_way_get_full_marks(graded):
    """Control rounds: each mutants file's template filled in correctly, then other styles."""
    maximum = max_points(graded)
    controls = {s: nbs for s, nbs in graded["plan"].items() if s.startswith("control")}
    rewritten = {f"{nb}/test_{gid}" for nbs in controls.values() for nb, gids in nbs.items() for gid in gids}
    assert rewritten == maximum.keys(), "every exercise needs CORRECT answers in its mutants file"
    for student, per_notebook in controls.items():
        lost = {key: graded["scores"][student][key] for key, points in maximum.items()
                if graded["scores"][student][key] != points}
        labels = {f"{nb}/test_{g}": label for nb, gids in per_notebook.items() for g, label in gids.items()}
        assert not lost, f"{student}: right answers lost points: " + "; ".join(
            f"{key} ({labels.get(key, 'solution')}): {score}" for key, score in lost.items())


def test_broken_files_score_zero_with_a_reason_and_the_batch_goes_on(graded):
    by_student = {}
    for score in graded["report"].scores:
        by_student.setdefault(score.student, []).append(score)
    assert all("not valid notebook JSON" in s.error for s in by_student["corrupt"])
    assert all("not a notebook of this lab" in s.error for s in by_student["stranger"])
    assert all(s.score == 0 for s in by_student["corrupt"] + by_student["stranger"])
    assert all(s.score == s.max_score for s in by_student["perfect"])  # graded in the same batch


def test_feedback_shows_verdicts_but_no_hidden_tests_or_solutions(graded, course):
    lab = graded["lab"]
    pages = generate_feedback(course, lab)
    students = {s.student for s in graded["report"].scores}
    # every student of this batch gets a page; the course may also hold other batches of the lab
    # (the red team grades lab 01 in the same workspace, before or after this one)
    assert students <= {p.parent.parent.name for p in pages}
    for page in pages:
        html = page.read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "deeplabs.grading import record" not in html
        assert "Grader:" in html
    for name, source in graded["sources"].items():
        secret = _solution_lines(source)
        for student in ("untouched", "corrupt", "stranger"):
            nb = nbformat.read(course.workspace / "autograded" / student / lab / f"{name}.ipynb", as_version=4)
            code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
            assert not [line for line in secret if line in code], student


def test_export_has_a_row_per_exercise_and_totals(graded, course, tmp_path):
    rows = [r for r in csv.DictReader(open(export_csv(course, tmp_path / "grades.csv")))
            if r["lab"] == graded["lab"] and r["student"] == "perfect"]
    assert len(rows) == len(max_points(graded)) + len(manual_points(graded)) + 1
    total = next(r for r in rows if r["exercise"] == "TOTAL")
    # full autograded marks; the written answers' points wait for a grader
    assert float(total["score"]) == pytest.approx(sum(max_points(graded).values()))
    assert float(total["max_score"]) == pytest.approx(sum(max_points(graded).values())
                                                      + sum(manual_points(graded).values()))
    assert total["needs_manual"] == ("yes" if manual_points(graded) else "")


def test_regrading_unchanged_submissions_is_a_no_op(graded, course):
    again = grade_lab(course, graded["lab"], graded["subs"], workers=2, quiet=True)
    assert again.scores == [] and len(again.skipped) == len(graded["report"].scores)
    assert read_scores(course, graded["lab"]) == graded["scores"]


def test_skipping_display_only_cells_changes_no_grade(graded, course, tmp_path_factory):
    """Part of the sample class graded again with every cell run (the display-only ones too), in
    a workspace of its own under the same secret seed: every score is the same as with skipping."""
    from labgrader.config import load_course
    from labgrader.notebook import is_display_only

    lab = graded["lab"]
    assert any(is_display_only(c) for src in graded["sources"].values() for c in src.cells), \
        f"{lab} has no display-only cells: nothing to compare"
    students = ["perfect", "round0", "control1"]
    subs = tmp_path_factory.mktemp(f"all-cells-{lab}")
    for student in students:
        shutil.copytree(graded["subs"] / student, subs / student)
    every_cell = load_course(workspace=tmp_path_factory.mktemp(f"workspace-all-cells-{lab}"), repo=course.repo)
    (every_cell.workspace / "secret_seed").write_text((course.workspace / "secret_seed").read_text())
    grade_lab(every_cell, lab, subs, workers=2, quiet=True, run_display_cells=True)
    again = read_scores(every_cell, lab)
    assert {s: again[s] for s in students} == {s: graded["scores"][s] for s in students}
