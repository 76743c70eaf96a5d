"""Student code that reaches for the grader: flagged, and the notebook scored 0 pending review.

The kernel is hostile and Python has no isolation inside one interpreter, so the grader's real
defences are elsewhere (records.py: only seed-dependent values earn points; feedback/notebook.py:
nothing of the run is returned). This scan is the tripwire on top: a submission whose own cells
name the grading machinery — the recorder, its environment variables or message type, tracing
and IPython hooks that rewrite what later cells do — is scored 0 and flagged for an instructor,
who can restore the points in formgrader after a look. It reads only the student's cells
(answers and cells they added), never the course's own code. An obfuscated attack can slip past
it; it then still has to produce values that depend on the secret seed.
"""
from __future__ import annotations

import re

from nbformat import NotebookNode

from deeplabs.grading import ACTIVE_ENV

from ..notebook import grade_id, is_answer

# what honest lab code never needs (each with the reason it is on the list)
TRIPWIRES = {
    r"deeplabs\s*\.\s*grading|from\s+deeplabs\s+import\s+[^\n]*\bgrading\b"
    r"|\bgrading\s*\.\s*record\b": "the grader's recorder",
    re.escape(ACTIVE_ENV): "the grader's environment",  # and SEED_ENV, which starts with it
    r"vnd\.deeplabs": "the grader's record messages",
    r"\bsettrace\b|\bsetprofile\b|\bsys\.monitoring\b": "tracing hooks",
    r"\b(pre|post)_run_cell\b|input_transformers|ast_transformers|register_magic": "IPython execution hooks",
    r"builtins\s*\.\s*__import__|__builtins__\s*\[\s*['\"]__import__": "the import machinery",
    r"\batexit\b": "exit hooks",
    r"/proc/\s*(\d+|self|\{|[\"']\s*\+)": "other processes' files",
}
_COMPILED = [(re.compile(pattern), why) for pattern, why in TRIPWIRES.items()]


def student_cells(assembled: NotebookNode) -> list[NotebookNode]:
    """Cells whose source is the student's: answer cells and the cells they added."""
    return [c for c in assembled.cells if c.cell_type == "code"
            and (is_answer(c) or str(c.get("id", "")).startswith("student-extra-"))]


def tripwires(assembled: NotebookNode) -> list[str]:
    """One line per reason found, naming the cell (never quoting grading code)."""
    found = []
    for cell in student_cells(assembled):
        where = grade_id(cell) or "a cell you added"
        for pattern, why in _COMPILED:
            if pattern.search(cell.source):
                found.append(f"{where} uses {why}")
    return list(dict.fromkeys(found))


def library_calls(assembled: NotebookNode, source: NotebookNode) -> list[str]:
    """Answer cells that call what the exercise asks the student to write.

    The source notebook lists it per answer cell: metadata {"labgrader": {"library": ["torch.softmax",
    ...]}}. Such a call earns the points of a correct answer, so it is flagged for an instructor
    (never zeroed by the grader: calling a library can be a fair reading of an exercise)."""
    listed = {grade_id(c): c.metadata.get("labgrader", {}).get("library", []) for c in source.cells if is_answer(c)}
    code = {grade_id(c): c.source for c in assembled.cells if is_answer(c)}
    extra = "\n".join(c.source for c in student_cells(assembled) if not is_answer(c))
    found = []
    for gid, names in listed.items():
        for name in names:
            if name in code.get(gid, "") or name in extra:
                found.append(f"{gid} calls {name}, which the exercise asks you to write yourself")
    return found
