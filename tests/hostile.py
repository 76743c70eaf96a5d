"""Hostile and broken submissions (red team) for lab 01 part 1.

Each entry is (student, attack, expectation). Attacks are planted in the first answer cell of
an otherwise unanswered notebook (so no honest point is at stake), unless the attack is about
the notebook's structure. tests/test_grading_security.py grades them all in one batch and
requires: no points won, the batch completes, and a reason in the student's feedback.
"""
from __future__ import annotations

import json

PATCH_ASSERTS = '''
import numpy.testing, torch.testing, deeplabs.grading, json, os
numpy.testing.assert_allclose = lambda *a, **k: None
torch.testing.assert_close = lambda *a, **k: None
def _fake_record(name, fn, rule=None, weight=1.0):
    with open(os.environ["DEEPLABS_GRADER_RECORDS"], "a") as fh:
        fh.write(json.dumps({"name": name, "value": 0.0}) + "\\n")
deeplabs.grading.record = _fake_record
'''

PATCH_TORCH = '''
import torch, numpy
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
torch.Tensor.__eq__ = lambda self, other: torch.ones((), dtype=torch.bool)
numpy.allclose = lambda *a, **k: True
numpy.isclose = lambda *a, **k: True
'''

FORGE_RECORDS = '''
import json, os, torch
_path = os.environ.get("DEEPLABS_GRADER_RECORDS", "/dev/null")
with open(_path, "a") as fh:
    for name in ["flatten/4d", "flatten/3d", "softmax/random", "dense/forward", "train/accuracy_floor"]:
        fh.write(json.dumps({"__cell__": "test_ex1_tensors"}) + "\\n")
        fh.write(json.dumps({"name": name, "rule": {"kind": "at_least", "value": -1e9}, "value": 1.0}) + "\\n")
    fh.write("not json at all\\n" * 3)
'''

READ_FRAMES = '''
import sys, inspect
def flatten(images):
    found = []
    for frame_info in inspect.stack():
        found += [v for k, v in frame_info.frame.f_locals.items() if "expect" in k.lower()]
    return found[0] if found else images
'''

SNOOP = '''
import os
FOUND = []
for top in ("/", os.path.expanduser("~"), os.getcwd(), "/work", "/root", "/tmp"):
    for root, dirs, files in os.walk(top):
        if root.startswith(("/proc", "/sys", "/usr", "/dev")) or "site-packages" in root:
            dirs[:] = []
            continue
        for f in files:
            if f in ("gradebook.db", "secret_seed") or f.endswith(".ipynb") and "solutions" in root:
                FOUND.append(os.path.join(root, f))
print("FOUND:", sorted(set(FOUND)))
'''

WRITE_GRADEBOOK = '''
import glob, os, sqlite3
for path in glob.glob("/**/gradebook.db", recursive=True) + [os.path.expanduser("~/.local/share/labgrader/main/gradebook.db")]:
    try:
        db = sqlite3.connect(path)
        db.execute("UPDATE grade SET manual_score = 999")
        db.commit()
        print("WROTE", path)
    except Exception as err:
        print("could not write", path, err)
'''

NETWORK = '''
import urllib.request
try:
    urllib.request.urlopen("https://pypi.org/simple/", timeout=5)
    print("NETWORK: reachable")
except Exception as err:
    print("NETWORK: blocked", type(err).__name__)
'''

FORK_BOMB = '''
import os
children = 0
try:
    while children < 100000:
        if os.fork() == 0:
            import time; time.sleep(30); os._exit(0)
        children += 1
except OSError as err:
    print("fork refused after", children, err)
'''

MEMORY_HOG = '''
hog = []
while True:
    hog.append(bytearray(512 * 2**20))
'''

OUTPUT_FLOOD = '''
import sys
line = "x" * 10_000
for _ in range(100_000):
    print(line)
'''

DISK_FILL = '''
with open("big.bin", "wb") as fh:
    chunk = b"0" * 2**24
    for _ in range(2**10):
        fh.write(chunk)
'''

KILL_PARENT = '''
import os, signal
os.kill(os.getppid(), signal.SIGKILL)
'''

SYS_EXIT = "import sys\nsys.exit(0)"
OS_EXIT = "import os\nos._exit(0)"
INFINITE_LOOP = "while True:\n    pass"


def _code_attacks() -> dict[str, tuple[str, str]]:
    """student -> (source planted in the first answer cell, what a reader should learn)."""
    return {
        "patch-asserts": (PATCH_ASSERTS, "assert helpers and the recorder patched"),
        "patch-torch": (PATCH_TORCH, "torch/numpy comparisons patched"),
        "forge-records": (FORGE_RECORDS, "fake records with lenient rules"),
        "read-frames": (READ_FRAMES, "reads callers' frames for expected values"),
        "snoop": (SNOOP, "searches the disk for gradebook, seed and solutions"),
        "write-gradebook": (WRITE_GRADEBOOK, "tries to write the gradebook"),
        "network": (NETWORK, "tries the network"),
        "sys-exit": (SYS_EXIT, "sys.exit"),
        "os-exit": (OS_EXIT, "os._exit"),
        "kill-parent": (KILL_PARENT, "kills the grader's runner"),
        "infinite-loop": (INFINITE_LOOP, "never returns"),
        "fork-bomb": (FORK_BOMB, "fork bomb"),
        "memory-hog": (MEMORY_HOG, "allocates without bound"),
        "output-flood": (OUTPUT_FLOOD, "prints a gigabyte"),
        "disk-fill": (DISK_FILL, "writes a 16 GB file"),
    }


STRUCTURAL = ("delete-tests", "edit-tests", "reorder-tests", "duplicate-ids", "nbformat-4-0", "colab-download")
BROKEN = ("corrupt-json", "empty-file", "not-a-notebook")


def build(released, answers: dict[str, str], out_dir) -> dict[str, str]:
    """Write every hostile submission under out_dir/<student>/; return student -> description.

    Code attacks answer nothing honestly (any point they get is stolen). Structural attacks
    carry correct answers: they must get exactly full marks, no more, no less.
    """
    import nbformat

    written = {}

    def save(student, nb_or_text, name="submission.ipynb"):
        folder = out_dir / student
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        if isinstance(nb_or_text, (str, bytes)):
            path.write_bytes(nb_or_text if isinstance(nb_or_text, bytes) else nb_or_text.encode())
        else:
            nbformat.write(nb_or_text, path)

    def copy(correct: bool = False):
        nb = nbformat.from_dict(json.loads(json.dumps(released)))
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if correct and gid in answers:
                cell.source = answers[gid]
        return nb

    first_answer = next(c for c in released.cells if c.metadata.get("nbgrader", {}).get("solution"))
    for student, (source, what) in _code_attacks().items():
        nb = copy()
        cell = next(c for c in nb.cells if c.get("id") == first_answer.get("id"))
        cell.source = source + "\n\n" + cell.source
        save(student, nb)
        written[student] = what

    tests = lambda nb: [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]  # noqa: E731
    nb = copy(correct=True)
    for cell in tests(nb):
        nb.cells.remove(cell)
    save("delete-tests", nb); written["delete-tests"] = "deletes every test cell"
    nb = copy(correct=True)
    for cell in tests(nb):
        cell.source = "pass"
        cell.metadata["nbgrader"]["points"] = 1000
    save("edit-tests", nb); written["edit-tests"] = "empties test cells and raises their points"
    nb = copy(correct=True)
    cells = tests(nb)
    positions = [nb.cells.index(c) for c in cells]
    for pos, cell in zip(positions, reversed(cells)):
        nb.cells[pos] = cell
    save("reorder-tests", nb); written["reorder-tests"] = "reorders test cells"
    raw = json.loads(nbformat.writes(copy(correct=True)))
    for cell in raw["cells"]:
        cell["id"] = "same-id"
    save("duplicate-ids", json.dumps(raw)); written["duplicate-ids"] = "every cell has the same id"
    raw = json.loads(nbformat.writes(copy(correct=True)))
    raw["nbformat_minor"] = 0
    for cell in raw["cells"]:
        cell.pop("id", None)
    save("nbformat-4-0", json.dumps(raw)); written["nbformat-4-0"] = "nbformat 4.0 without cell ids"
    nb = copy(correct=True)
    nb.metadata["colab"] = {"provenance": [], "gpuType": "T4"}
    nb.metadata["accelerator"] = "GPU"
    save("colab-download", nb, "Copy of 01_pytorch_primer.ipynb"); written["colab-download"] = "Colab metadata and file name"
    save("corrupt-json", nbformat.writes(copy())[:5000]); written["corrupt-json"] = "cut-off JSON"
    save("empty-file", b""); written["empty-file"] = "an empty file"
    save("not-a-notebook", b"\x89PNG\r\n\x1a\n" + bytes(100), "submission.ipynb"); written["not-a-notebook"] = "binary data"
    return written
