"""The one way tests drive a notebook's code in-process (CS336's adapters.py, for notebooks).

    from tests.adapters import answers_of, notebook_namespace
    ns = notebook_namespace("01_music_rnn/01_pytorch_primer", answers_of(...))
    ns["softmax"](torch.randn(2, 3))

`notebook_namespace` runs, in notebook order, the notebook's light setup cells (imports, config
classes, given models: `SETUP_CELLS`) and the answer cells (the solution's, or any other
sources by grade id), in fresh globals. Nothing else runs: no data loading, no training. Tests
never keep their own import lists for a notebook; a visible check that needs a training run's
results is named in `NEEDS_TRAINING` instead.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from labgrader.notebook import HIDDEN_END, grade_id, is_answer, strip_solution_markers

REPO = Path(__file__).resolve().parents[1]

# cells (by id) that define what the answers and their visible checks use, cheaply
SETUP_CELLS = {
    "01_music_rnn/01_pytorch_primer": ["setup"],
    "01_music_rnn/02_music_generation": ["setup", "config"],
    "02_face_debiasing/01_face_detection": ["setup", "config"],
    "02_face_debiasing/02_dbvae": ["setup", "config", "given-models"],
    "03_llm_finetuning/03_llm_finetuning": ["setup", "load-model"],
    "04_diffusion/01_diffusion_fashion_mnist": ["setup", "config", "schedule-type"],
    "05_adversarial/05_adversarial": ["setup", "config"],
}
# exercises whose visible check reads what a training run (or the data) left behind
NEEDS_TRAINING = {
    "01_music_rnn/01_pytorch_primer": {"ex6_train"},
    "02_face_debiasing/01_face_detection": {"ex2_train"},
    "03_llm_finetuning/03_llm_finetuning": {"ex9_train"},
    "05_adversarial/05_adversarial": {"ex3_pgd", "ex4_targeted"},
}


def source_notebook(name: str):
    """solutions/<lab>/<notebook>.ipynb, by 'lab/notebook'."""
    return nbformat.read(REPO / "solutions" / f"{name}.ipynb", as_version=4)


def nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def answers_of(source_nb) -> dict[str, str]:
    """The solution's code answer cells as a student would type them (markers removed); written
    answers (markdown, graded by people) are not code."""
    return {grade_id(c): strip_solution_markers(c.source) for c in source_nb.cells
            if c.cell_type == "code" and is_answer(c)}


def _without_magics(source: str) -> str:
    # `%pip install ...` in a setup cell: the test environment has what it needs already
    lines = source.splitlines()
    return "\n".join(line[: len(line) - len(line.lstrip())] + "pass" if line.lstrip().startswith(("%", "!")) else line
                     for line in lines)


def notebook_namespace(name: str, answers: dict[str, str] | None = None) -> dict:
    """Fresh globals holding the setup cells and the answers of notebook `name`."""
    nb = source_notebook(name)
    answers = answers_of(nb) if answers is None else answers
    setup = set(SETUP_CELLS[name])
    ns: dict = {"__name__": "__main__"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        gid = nbgrader(cell).get("grade_id")
        if nbgrader(cell).get("solution"):
            source = answers.get(gid, "")
        elif cell.get("id") in setup:
            source = _without_magics(cell.source)
        else:
            continue
        exec(compile(source, f"<{name}:{gid or cell.get('id')}>", "exec"), ns)
    return ns


def with_answer(ns: dict, name: str, exercise: str, source: str) -> dict:
    """A copy of a built namespace with one answer replaced (the others keep the solution's)."""
    ns = dict(ns)
    exec(compile(source, f"<{name}:{exercise}>", "exec"), ns)
    return ns


def visible_checks(name: str) -> dict[str, str]:
    """{answer grade id: the visible `check_*(...)` call(s) of its test cell}."""
    from labgrader.release.templates import check_calls

    calls = {}
    for cell in source_notebook(name).cells:
        meta = nbgrader(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            found = check_calls(cell.source.split(HIDDEN_END)[-1])
            if found:
                calls[meta["grade_id"].removeprefix("test_")] = "\n".join(found)
    return calls
