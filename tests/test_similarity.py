"""`labgrader similarity LAB`: a disguised copy (names changed, comments added) ranks first, the
released stub and code most of the class shares are not evidence, earlier terms are compared."""
from __future__ import annotations

import json
import random
import shutil

import nbformat

from labgrader.similarity.report import similarity
from tests.term_course import LAB, make_course

ORIGINAL = """def double(x):
    total = 0
    for step in range(2):
        total = total + x * (step + 1) - step * x
    if isinstance(total, float) and total > 1e9:
        raise ValueError('too large')
    return total
"""
COPY = """def double(value):
    # my own loop
    acc = 0
    for i in range(2):

        acc = acc + value * (i + 1) - i * value   # accumulate
    if isinstance(acc, float) and acc > 1e9:
        raise ValueError('way too large')
    return acc
"""


def _own(rng: random.Random) -> str:
    lines = [f"    y{j} = x * {rng.randint(2, 999)} {rng.choice('+-*')} {rng.randint(2, 999)}" for j in range(4)]
    return "def double(x):\n" + "\n".join(lines) + "\n    return 2 * x\n"


def _submit(root, student, code, released):
    nb = nbformat.from_dict(json.loads(json.dumps(released)))
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "ex1_double":
            cell.source = code
    path = root / student / LAB / "part1.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_disguised_copy_ranks_first_and_earlier_terms_count(tmp_path):
    course = make_course(tmp_path)
    shutil.copytree(course.workspace / "release" / LAB, course.repo / "labs" / LAB)
    released = nbformat.read(course.repo / "labs" / LAB / "part1.ipynb", as_version=4)
    rng = random.Random(1)
    submitted = course.workspace / "submitted"
    for i in range(10):
        _submit(submitted, f"s{i}", _own(rng), released)
    _submit(submitted, "original", ORIGINAL, released)
    _submit(submitted, "copier", COPY, released)
    stub = next(c.source for c in released.cells if c.metadata["nbgrader"]["grade_id"] == "ex1_double")
    _submit(submitted, "untouched", stub, released)               # the stub itself: nothing to compare
    earlier = tmp_path / "term2025" / "submitted"
    _submit(earlier, "old", _own(random.Random(99)).replace("return 2 * x", "return x + x"), released)
    _submit(earlier, "old_source", _own(rng), released)
    thief = (earlier / "old_source" / LAB / "part1.ipynb")
    stolen = next(c.source for c in nbformat.read(thief, as_version=4).cells
                  if c.metadata["nbgrader"]["grade_id"] == "ex1_double")
    _submit(submitted, "reuser", stolen.replace("x", "inp"), released)

    out, pairs = similarity(course, LAB, tmp_path / "report.html", against=[tmp_path / "term2025"])
    assert (pairs[0].a, pairs[0].b) == ("copier", "original") and pairs[0].score > 0.9
    assert ("reuser", "term2025/old_source") in {(p.a, p.b) for p in pairs[:2]}
    assert all(p.score < 0.5 for p in pairs[2:])
    assert not any("untouched" in (p.a, p.b) for p in pairs)
    assert not any(p.a.startswith("term2025/") and p.b.startswith("term2025/") for p in pairs)
    page = out.read_text()
    assert "<mark>" in page and "copier · original" in page and "# my own loop" in page
    assert out.with_suffix(".csv").read_text().splitlines()[1].startswith("copier,original,")
