"""Display-only cells: grading skips what no check needs, and release refuses a tag it could not honour.

The tag comes from solutions/ only: a submission cannot skip a cell by tagging it, nor keep an
answer or test cell from running. tests/test_grading.py grades every lab's sample class with
skipping and a part of it without, and requires the same scores.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from labgrader.config import Course
from labgrader.grade.assemble import assemble
from labgrader.notebook import DISPLAY_ONLY, is_display_only, without_display_only
from labgrader.release.build import ReleaseError, build_release
from labgrader.release.display_only import display_only_problems

FIXTURE = Path(__file__).parent / "fixtures" / "manual_lab"
LAB = "99_manual"


def notebook(*cells) -> nbformat.NotebookNode:
    """Code cells from (source, tagged) pairs, ids c0, c1, …"""
    out = []
    for i, (source, tagged) in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source, id=f"c{i}")
        if tagged:
            cell.metadata["tags"] = [DISPLAY_ONLY]
        out.append(cell)
    return nbformat.v4.new_notebook(cells=out)


@pytest.mark.parametrize("cells, used", [
    ([("results = {}\nresults['clean'] = 0.9", True), ("print(results)", False)], "results"),
    ([("cfg.steps = 3", True), ("train(cfg)", False)], "cfg"),                   # changes a variable
    ([("import matplotlib.pyplot as plt", True), ("plt.close('all')", False)], "plt"),
    ([("def pick(x):\n    return x", True), ("def later():\n    return pick(1)", False)], "pick"),
    ([("a = 1", True), ("b = a", True), ("print(b)", False)], "b"),               # through a skipped cell
    ([("n = 1", True), ("n += 1", False)], "n"),
])
def test_release_refuses_a_tag_on_a_cell_whose_names_run_later(cells, used):
    problems = display_only_problems(notebook(*cells), "lab/nb.ipynb")
    assert len(problems) == 1 and f"({used})" in problems[0] and "remove the tag" in problems[0]


@pytest.mark.parametrize("cells", [
    [("import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2])", True), ("x = 1", False)],
    [("fig = 1", True), ("fig = 2\nprint(fig)", False)],                        # bound again before use
    [("shown = [i * i for i in range(3)]", True), ("print(i)", False)],          # a comprehension's own name
    [("a = 1", True), ("b = a", True), ("c = 2", False)],                        # display cells feeding each other
    [("%matplotlib inline", True), ("x = 1", False)],                             # magics: nothing to analyse
    [("x = 1", True), ("def f(x):\n    return x * 2\ng = lambda x: x", False)],    # a parameter, not the cell's x
])
def test_plots_and_demos_may_be_tagged(cells):
    assert display_only_problems(notebook(*cells), "lab/nb.ipynb") == []


def test_answer_and_test_cells_always_run():
    nb = notebook(("def f(x):\n    return x", True), ("assert f(1) == 1", True), ("plot()", True))
    nb.cells[0].metadata["nbgrader"] = {"solution": True, "grade_id": "ex1", "grade": False}
    nb.cells[1].metadata["nbgrader"] = {"grade": True, "grade_id": "test_ex1", "points": 1, "solution": False}
    problems = display_only_problems(nb, "lab/nb.ipynb")
    assert [p.split("'")[1] for p in problems] == ["c0", "c1"]
    assert [c.id for c in without_display_only(nb).cells] == ["c0", "c1"]


def test_a_submission_cannot_skip_or_add_skipped_cells():
    """Tags are read from the source: the student's own tags on an answer or an extra cell do nothing."""
    source = nbformat.read(FIXTURE / "solutions" / LAB / "part1.ipynb", as_version=4)
    demo = nbformat.v4.new_code_cell("print('a plot')", id="demo")
    demo.metadata["tags"] = [DISPLAY_ONLY]
    demo.metadata["nbgrader"] = {"grade": False, "grade_id": "demo", "locked": True, "solution": False}
    source.cells.insert(3, demo)
    submission = json.loads(json.dumps(source))
    for cell in submission["cells"]:
        cell["metadata"]["tags"] = [DISPLAY_ONLY]          # the student tags everything
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "demo":
            cell["metadata"]["tags"] = []                  # and untags the demo
    extra = nbformat.v4.new_code_cell("student_extra = 1", id="mine")
    extra.metadata["tags"] = [DISPLAY_ONLY]
    submission["cells"].insert(2, extra)
    graded = without_display_only(assemble(nbformat.from_dict(submission), source, f"{LAB}/part1").notebook)
    sources = [c.source for c in graded.cells if c.cell_type == "code"]
    assert "print('a plot')" not in sources                       # the source's tag holds
    assert "student_extra = 1" in sources                          # the student's tag does nothing
    assert any("return 2 * x" in s for s in sources) and any("record(" in s for s in sources)
    assert not any(is_display_only(c) for c in graded.cells)


def _fixture_repo(tmp_path: Path, demo_source: str) -> Course:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    path = repo / "solutions" / LAB / "part1.ipynb"
    nb = nbformat.read(path, as_version=4)
    demo = nbformat.v4.new_code_cell(demo_source, id="demo")
    demo.metadata["tags"] = [DISPLAY_ONLY]
    demo.metadata["nbgrader"] = {"grade": False, "grade_id": "demo", "locked": True, "schema_version": 3,
                                 "solution": False, "task": False}
    nb.cells.insert(1, demo)          # before the answer cell, which would use what it defines
    nbformat.write(nb, path)
    return Course(repo=repo, workspace=tmp_path / "workspace")


def test_release_of_a_lab_refuses_the_tag_with_the_cell_and_the_name(tmp_path):
    course = _fixture_repo(tmp_path, "factor = 2\nprint(factor)")
    path = course.solutions / LAB / "part1.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[2].source = nb.cells[2].source.replace("return 2 * x", "return factor * x")
    nbformat.write(nb, path)
    with pytest.raises(ReleaseError, match=r"cell 'demo' is tagged display-only but cell 'ex1-double' uses "
                                           r"what it defines \(factor\)"):
        build_release(course, LAB, tmp_path / "out")


def test_grading_runs_the_lab_without_its_display_cells_and_scores_the_same(tmp_path):
    """The fixture lab with a display-only cell that fails if it runs: skipped in the solution's
    run and the student's; with run_display_cells it runs and breaks the reference run."""
    from labgrader.api import grade_lab, read_scores
    from labgrader.grade.reference import SolutionRunError

    from labgrader import nbgrader_bridge

    course = _fixture_repo(tmp_path, "raise RuntimeError('the display-only cell ran')")
    # nbgrader's release alone (the fixture has no visible checks for labgrader's release cells)
    assert nbgrader_bridge.api(course, release_dir=tmp_path / "release").generate_assignment(LAB, force=True)["success"]
    shutil.copytree(tmp_path / "release" / LAB, course.labs / LAB)
    subs = tmp_path / "subs" / "amy"
    subs.mkdir(parents=True)
    released = nbformat.read(course.labs / LAB / "part1.ipynb", as_version=4)
    for cell in released.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "ex1_double":
            cell.source = "def double(x):\n    return x + x"
    nbformat.write(released, subs / "part1.ipynb")
    report = grade_lab(course, LAB, subs.parent, workers=1, quiet=True)
    assert [s.error for s in report.scores] == [None]
    assert read_scores(course, LAB)["amy"]["part1/test_ex1_double"] == 2.0
    with pytest.raises(SolutionRunError, match="demo"):
        grade_lab(course, LAB, subs.parent, workers=1, quiet=True, force=True, run_display_cells=True)
