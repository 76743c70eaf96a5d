"""The red team (tests/hostile.py): hostile or broken submissions graded in one batch.

Each must win no point it has not earned, never stop the batch, never touch the gradebook or a
classmate's score, leak no line of a solution or hidden test and no seed, and find a reason in
its feedback. The issue-13 families (forge, leak, break-batch, touch-others, fake-feedback) run
beside two honest victims, who must keep full marks.
"""
from __future__ import annotations

import re
import sqlite3

import nbformat
import pytest

from labgrader.api import generate_feedback, grade_lab, read_scores
from labgrader.grade import sandbox
from labgrader.notebook import HIDDEN, nbgrader_meta
from labgrader.release.verify import _solution_lines
from tests import hostile, hostile_blind
from tests.sample_class import answers_of

LAB, NB = "01_music_rnn", "01_pytorch_primer"
pytestmark = pytest.mark.slow  # the red team: ~75 submissions graded in one batch
LIMITS = sandbox.Limits(cell_timeout_s=20, interrupt_grace_s=5, notebook_timeout_s=150, memory_mb=2048,
                        max_procs=128, file_mb=64, scratch_mb=256)
ISSUE13 = hostile._issue13_attacks()
BLIND = list(hostile_blind.BLIND_ATTACKS)


@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    subs = tmp_path_factory.mktemp("hostile")
    solution_path = course.solutions / LAB / f"{NB}.ipynb"
    source = nbformat.read(solution_path, as_version=4)
    released = nbformat.read(course.labs / LAB / f"{NB}.ipynb", as_version=4)
    attacks = hostile.build(released, answers_of(source), subs, solution_path=solution_path)
    report = grade_lab(course, LAB, subs, workers=2, limits=LIMITS, quiet=True, notebooks=[NB])
    maximum = sum(nbgrader_meta(c)["points"] for c in source.cells  # autograded: written answers are graded by people
                  if nbgrader_meta(c).get("grade") and c.cell_type == "code")
    by_student = {score.student: score for score in report.scores}
    return {"attacks": attacks, "report": report, "by": by_student, "max": maximum, "source": source,
            "scores": read_scores(course, LAB)}


def feedback_text(course, student) -> str:
    path = course.workspace / "autograded" / student / LAB / f"{NB}.ipynb"
    return path.read_text() if path.exists() else ""


def secrets_of(source, course, with_solution: bool) -> list[str]:
    """Lines no student may see: hidden tests, the seed, and (unless the student wrote the same
    correct code themselves) the solution's lines."""
    hidden = [ln.strip() for c in source.cells for block in HIDDEN.findall(c.source) for ln in block.splitlines()]
    lines = {ln for ln in hidden if len(ln) >= 24 and "HIDDEN TESTS" not in ln}
    if with_solution:
        lines |= {ln for ln in _solution_lines(source) if len(ln) >= 24}
    return sorted(lines) + [(course.workspace / "secret_seed").read_text().strip()]


def test_there_are_enough_attacks_and_all_were_graded(graded):
    assert len(graded["attacks"]) >= 50
    assert set(graded["by"]) == set(graded["attacks"])
    assert not graded["report"].not_graded, [(s.student, s.error) for s in graded["report"].not_graded]


@pytest.mark.parametrize("student", list(hostile._code_attacks()) + list(ISSUE13) + BLIND)
def test_code_attacks_win_nothing(graded, student):
    score = graded["by"][student]
    assert score.score == 0, f"{student} ({graded['attacks'][student]}) won {score.score} points: {score.notes}"
    assert score.max_score == graded["max"]


@pytest.mark.parametrize("student", hostile.STRUCTURAL + hostile.ISSUE13_STRUCTURAL)
def test_structural_tampering_and_honest_neighbours_keep_full_marks(graded, student):
    score = graded["by"][student]
    assert score.score == score.max_score == graded["max"], (student, score.notes, score.error)


@pytest.mark.parametrize("student", hostile.BROKEN + hostile.ISSUE13_BROKEN)
def test_broken_files_get_a_reason(graded, student):
    score = graded["by"][student]
    assert score.score == 0 and score.error and len(score.error) > 20, (student, score.error)


def test_a_symlinked_submission_is_refused_not_followed(graded):
    assert "symbolic link" in graded["by"]["symlink-to-solution"].error


def test_resource_attacks_are_stopped_with_a_reason(graded):
    notes = {s: " ".join(graded["by"][s].notes) for s in ("infinite-loop", "os-exit", "memory-hog", "kill-parent",
                                                          "ignore-interrupt")}
    assert "longer than the cell limit and was interrupted" in notes["infinite-loop"]
    assert "kernel died" in notes["os-exit"]
    assert "ignored the interrupt" in notes["ignore-interrupt"]
    assert notes["memory-hog"], notes


def test_forgeries_are_caught_by_the_records_rules_not_only_the_tripwire(graded):
    # forge-last-cell and forge-patched-record avoid every tripwire word: the zero comes from
    # the records' windows and from seed-dependent credit
    for student in ("forge-last-cell", "forge-patched-record", "break-raw-records"):
        assert not graded["by"][student].flags, (student, graded["by"][student].flags)
    assert graded["by"]["forge-hook"].flags and graded["by"]["forge-atexit"].flags


def test_no_feedback_holds_a_solution_line_a_hidden_test_or_the_seed(graded, course):
    honest = set(hostile.STRUCTURAL + hostile.ISSUE13_STRUCTURAL)
    assert len(secrets_of(graded["source"], course, True)) > 30
    for student in graded["attacks"]:
        secrets = secrets_of(graded["source"], course, with_solution=student not in honest)
        # the feedback's code is the released lab (publish --check proves it clean) plus the
        # student's own cells, which may quote anything the student typed (a fake trainer's
        # `if on_epoch is not None:`, a search for "BEGIN SOLUTION"); what the grader adds — outputs
        # and notes — must hold no secret, and no part of the page the seed
        shown = shown_to_student(course, student)
        leaked = [s for s in secrets + ["BEGIN SOLUTION", "BEGIN HIDDEN"] if s in shown]
        leaked += [s for s in secrets[-1:] if s in feedback_text(course, student)]  # the seed
        assert not leaked, (student, leaked[:3])


def shown_to_student(course, student) -> str:
    """What the feedback notebook shows besides the student's own code: outputs and notes."""
    text = feedback_text(course, student)
    if not text:
        return ""
    nb = nbformat.reads(text, as_version=4)
    notes = "".join(c.source for c in nb.cells if c.cell_type == "markdown" and "Grader notes" in c.source)
    return notes + "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def test_feedback_html_has_no_live_script(graded, course):
    pages = (generate_feedback(course, LAB, student="fake-html")
             + generate_feedback(course, LAB, student="leak-print-hidden"))
    assert pages
    for page in pages:
        html = page.read_text()
        scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
        assert not [s for s in scripts if "alert" in s], [s[:200] for s in scripts if "alert" in s]


def test_feedback_shows_only_the_graders_words(graded, course):
    assert "Instructor" not in shown_to_student(course, "fake-status-line")
    assert "Instructor" not in shown_to_student(course, "fake-verdict-exception")
    assert "1000 / 2" not in shown_to_student(course, "own-fake-outputs")
    assert "Grader: 16 / 16" not in shown_to_student(course, "fake-html")
    verdict_lines = [ln for ln in shown_to_student(course, "fake-verdict-exception").splitlines() if "flatten/4d" in ln]
    assert verdict_lines and all("\u2713" not in ln for ln in verdict_lines), verdict_lines


@pytest.mark.parametrize("student", list(ISSUE13) + BLIND)
def test_a_zero_shows_no_tick_and_no_forged_verdict(graded, course, student):
    shown = shown_to_student(course, student)
    assert "\u2713" not in shown and "16/16" not in shown and "16 / 16" not in shown, shown[:1500]


def test_nothing_reached_gradebook_seed_solutions_or_network(graded, course):
    def printed(student):
        nb = nbformat.read(course.workspace / "runs" / student / LAB / f"{NB}.ipynb", as_version=4)
        return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))

    if "bwrap" in graded["report"].sandbox:
        assert "FOUND: []" in printed("snoop")
        assert "NETWORK: blocked" in printed("network")
        assert "WROTE" not in printed("write-gradebook")
        assert re.search(r"SEED \d+ ", printed("leak-seed"))  # the kernel has it; it never leaves the run
        assert "DEEPLABS_GRADER_SEED" not in printed("leak-seed")  # not on the sandbox's command line
        assert "GRADER-LIBS: none" in printed("import-grader-libs")  # a student's environment, no more
    with sqlite3.connect(course.gradebook) as db:
        assert db.execute("SELECT COUNT(*) FROM grade WHERE manual_score = 999").fetchone()[0] == 0


def test_the_report_says_which_limits_were_applied(graded):
    layers = graded["report"].sandbox
    assert "pids" in layers or "NOT applied" in layers, layers


def test_feedback_explains_every_broken_or_stopped_submission(graded, course):
    for student in hostile.BROKEN + ("infinite-loop", "os-exit"):
        nb = nbformat.read(course.workspace / "autograded" / student / LAB / f"{NB}.ipynb", as_version=4)
        assert nb.cells[0].cell_type == "markdown" and "Grader notes" in nb.cells[0].source, student
