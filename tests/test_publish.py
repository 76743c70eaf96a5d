"""The student repository (`labgrader publish`) holds the labs and the course package, and nothing
that gives away a solution, a hidden test or the grader; --check proves it and fails when it is not so."""
from __future__ import annotations

import json
import os

import nbformat
import pytest

from labgrader.cli import main
from labgrader.notebook import is_answer
from labgrader.release.publish import MARKER, PublishError, build_tree, check_tree, publish, secret_lines
from labgrader.release.verify import _hidden_test_lines, _solution_lines


@pytest.fixture(scope="module")
def published(course, tmp_path_factory):
    return publish(course, tmp_path_factory.mktemp("published") / "deeplabs-student")


def test_the_published_tree_passes_the_check(course, published, monkeypatch, capsys):
    monkeypatch.setenv("LABGRADER_REPO", str(course.repo))
    assert main(["--workspace", str(course.workspace), "publish", "--check", str(published)]) == 0
    assert "✗" not in capsys.readouterr().out
    top = {p.name for p in published.iterdir()}
    assert top == {"labs", "helpers", "pyproject.toml", "README.md", "environment.yml", ".gitignore", MARKER}
    assert {p.name for p in (published / "helpers").iterdir()} == {"deeplabs"}
    readme = (published / "README.md").read_text()
    assert "deeplabs-course/deeplabs-student/blob/main/labs/01_music_rnn/01_pytorch_primer.ipynb" in readme
    assert "python -m deeplabs doctor" in readme and "labgrader" not in readme.replace("`labgrader publish`", "")


def _a_line(course, lab, which):
    """A real line of a solution (or hidden test) of the lab's first notebook that --check guards."""
    nb = nbformat.read(sorted((course.solutions / lab).glob("*.ipynb"))[0], as_version=4)
    lines = (_solution_lines if which == "solution" else _hidden_test_lines)(nb) & secret_lines(course)
    return sorted(lines)[0]


def _plant_in_stub(course, tree):
    path = sorted((tree / "labs" / "01_music_rnn").glob("*.ipynb"))[0]
    nb = nbformat.read(path, as_version=4)
    stub = next(c for c in nb.cells if is_answer(c))
    stub.source += "\n    " + _a_line(course, "01_music_rnn", "solution")
    nbformat.write(nb, path)


def _plant_in_package(course, tree):
    with open(tree / "helpers" / "deeplabs" / "plots.py", "a") as fh:
        fh.write("\n# a helper that happens to hold the answer\n"
                 + _a_line(course, "05_adversarial", "solution") + "\n")


def _plant_hidden_test_in_readme(course, tree):
    with open(tree / "README.md", "a") as fh:
        fh.write("\n    " + _a_line(course, "04_diffusion", "hidden") + "\n")


def _stray_solution(course, tree):
    source = sorted((course.solutions / "01_music_rnn").glob("*.ipynb"))[0]
    (tree / "solutions" / "01_music_rnn").mkdir(parents=True)
    (tree / "solutions" / "01_music_rnn" / source.name).write_bytes(source.read_bytes())


def _stray_mutant(course, tree):
    (tree / "tests" / "mutants").mkdir(parents=True)
    (tree / "tests" / "mutants" / "primer.py").write_text("def softmax(x):\n    return x\n")


def _symlink_to_solutions(course, tree):
    os.symlink(course.solutions, tree / "labs" / "answers")


def _edited_lab(course, tree):
    path = sorted((tree / "labs" / "05_adversarial").glob("*.ipynb"))[0]
    nb = json.loads(path.read_text())
    nb["cells"][-1]["source"] = ["print('edited')"]
    path.write_text(json.dumps(nb))


def _grader_in_pyproject(course, tree):
    pyproject = tree / "pyproject.toml"
    text = pyproject.read_text().replace('packages = ["deeplabs"', 'packages = ["labgrader", "deeplabs"')
    both = 'package-dir = { "deeplabs" = "helpers/deeplabs", "labgrader" = "helpers/deeplabs" }'
    pyproject.write_text(text.replace('package-dir = { "deeplabs" = "helpers/deeplabs" }', both))


@pytest.mark.parametrize("tamper, expected", [
    (_plant_in_stub, "line(s) of a solution or hidden test"),
    (_plant_in_package, "helpers/deeplabs/plots.py: contains 1 line(s) of a solution"),
    (_plant_hidden_test_in_readme, "README.md: contains 1 line(s) of a solution or hidden test"),
    (_stray_solution, "solutions/01_music_rnn/01_pytorch_primer.ipynb: not part of the student tree"),
    (_stray_mutant, "tests/mutants/primer.py: not part of the student tree"),
    (_symlink_to_solutions, "labs/answers: is a symbolic link"),
    (_edited_lab, "labs/05_adversarial/05_adversarial.ipynb: differs from the repository's labs/"),
    (_grader_in_pyproject, "the built wheel holds 'labgrader'"),
], ids=["solution-in-stub", "solution-in-package", "hidden-test-in-readme", "solutions-file",
        "mutant-file", "symlink", "edited-lab", "labgrader-package"])
def test_check_fails_on_a_leak(course, tmp_path, tamper, expected):
    tree = build_tree(course, tmp_path / "student")
    tamper(course, tree)
    problems = check_tree(course, tree)
    assert any(expected in p for p in problems), problems


def test_publish_refuses_a_foreign_folder_and_replaces_its_own(course, tmp_path):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(PublishError, match="not a previous publish"):
        publish(course, foreign)
    assert (foreign / "notes.txt").read_text() == "mine"

    out = tmp_path / "student"
    publish(course, out)
    (out / ".git").mkdir()  # a clone of the student repository: its history stays
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (out / "stale.txt").write_text("from an older publish")
    publish(course, out)
    assert not (out / "stale.txt").exists() and (out / ".git" / "HEAD").is_file()
    assert check_tree(course, out) == []
