"""The notebook a student gets back: their own code, the released lab, the grader's verdicts.

It is built from the *released* notebook (labs/, which has no solutions or hidden tests) with
the student's answer cells and extra cells put in, every output removed, and one output per
test cell: the grader's verdict. Nothing the grading run printed, displayed or raised is in
it — that run executed hidden tests and could print them — and the notes at the top are the
grader's own words. The instructor's copy of the full run is kept apart (workspace/runs/).
"""
from __future__ import annotations

from nbformat import NotebookNode, v4

from ..grade.assemble import assemble
from ..notebook import grade_id, is_answer, is_test, strip_hidden

def exercise_name(test_id: str) -> str:
    """The test cell's grade_id as students read it: "test_ex2_softmax" -> "ex2 softmax"."""
    return test_id.removeprefix("test_").replace("_", " ", 1)


def verdict_text(cell) -> str:
    lines = [f"Grader: {cell.points:g} / {cell.max_points:g} points — exercise {exercise_name(cell.grade_id)}"]
    for v in cell.verdicts:
        lines.append(f"  {'✓' if v.passed else '✗'} {v.name}" + (f" — {v.message}" if v.message else ""))
    return "\n".join(lines) + "\n"


def feedback_notebook(submission: NotebookNode | None, released: NotebookNode, label: str, score) -> NotebookNode:
    """`submission` is the sanitized submitted notebook (None when it could not be read)."""
    if submission is not None:
        try:
            nb = assemble(submission, released, label).notebook
        except Exception:  # not a submission of this notebook: show the released lab
            nb = released
    else:
        nb = released
    nb = v4.new_notebook(cells=[_clean(c) for c in nb.cells], metadata=dict(released.metadata))
    by_id = {c.grade_id: c for c in score.cells}
    for cell in nb.cells:
        if cell.cell_type == "code" and is_test(cell) and grade_id(cell) in by_id:
            cell.outputs = [v4.new_output("stream", name="stdout", text=verdict_text(by_id[grade_id(cell)]))]
    header = ([f"This submission could not be graded: {score.error}"] if score.error else []) + score.notes
    if header:
        nb.cells.insert(0, v4.new_markdown_cell("**Grader notes**\n\n" + "\n".join(f"- {_md(h)}" for h in header)))
    return nb


def _clean(cell) -> NotebookNode:
    """The cell without outputs; a student's markdown without live HTML."""
    meta = dict(cell.get("metadata", {}))
    if cell.cell_type == "code":
        return v4.new_code_cell(strip_hidden(cell.source), metadata=meta)
    if cell.cell_type == "markdown":
        text = cell.source.replace("<", "&lt;") if is_answer(cell) else cell.source
        return v4.new_markdown_cell(text, metadata=meta)
    return v4.new_raw_cell(cell.source, metadata=meta)


def _md(text: str) -> str:
    """A note as inert markdown: no HTML, no links, one line."""
    text = " ".join(str(text).split())
    return "".join("\\" + ch if ch in "\\`*_[]<>#!|" else ch for ch in text)[:600]
