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
import os, sys
FOUND = []
# the interpreter and the system folders the grader never writes to hold no secrets; skipping them
# keeps the walk inside the cell timeout on a loaded 2-core CI machine (it was interrupted once)
_skip = ("/proc", "/sys", "/usr", "/dev", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/etc", "/boot",
         "/var/lib", "/var/cache", "/snap", sys.prefix, sys.base_prefix)
for top in ("/", os.path.expanduser("~"), os.getcwd(), "/work", "/root", "/tmp"):
    for root, dirs, files in os.walk(top):
        if root.startswith(_skip) or "site-packages" in root:
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


# --- the families of issue 13: forge, leak, break-batch, touch-others, fake-feedback ---------
# Each was measured to win points, leak, stop the batch or fake feedback on the grader before
# the kernel moved behind the host-side runner (records as messages, seed-dependent credit).

GUESSABLE = {"train/accuracy_floor": 1.0, "dense/parameters": [[4], [6, 4]], "mlp/module_parameter_count": 178,
             "dense/bias_starts_at_zero": {"__tensor__": "float32", "shape": [4], "data": [0.0] * 4}}

_FORGE_HELPER = """
import json, os
def _forge():
    from IPython.display import display
    for name, value in %r.items():
        entry = {"name": name, "rule": {"kind": "at_least", "value": -1e9}, "weight": 1.0, "value": value}
        display({"application/vnd." + "deep" + "labs.record+json": entry}, raw=True)
        for path in (os.environ.get("DEEPLABS_" + "GRADER_RECORDS"), "records.jsonl"):
            if path:
                with open(path, "a") as fh:
                    fh.write(json.dumps(entry) + "\\n")
""" % (GUESSABLE,)

FORGE_LAST_CELL = _FORGE_HELPER + "\n_forge()\n"          # planted in an extra cell at the end (see build)
FORGE_ATEXIT = _FORGE_HELPER + "import atexit\natexit.register(_forge)\n"
FORGE_THREAD = _FORGE_HELPER + """
import threading, time
def _loop():
    for _ in range(600):
        _forge(); time.sleep(0.05)
threading.Thread(target=_loop, daemon=True).start()
"""
FORGE_HOOK = _FORGE_HELPER + "get_ipython().events.register('post_run_cell', lambda *a: _forge())\n"
FORGE_PATCHED_RECORD = """
import sys
_m = sys.modules["deep" + "labs.gra" + "ding"]
_real = getattr(_m, "rec" + "ord")
_constants = %r
def _patched(name, fn, rule=None, weight=1.0, hint=None):
    # keep the real recorder's format, but swap the value for a constant when one is known
    _publish = getattr(_m, "_publish")
    if name in _constants:
        _publish({"name": name, "rule": rule or {"kind": "close"}, "weight": weight, "value": _constants[name]})
    else:
        _real(name, fn, rule, weight)
setattr(_m, "rec" + "ord", _patched)
""" % (GUESSABLE,)
TENSOR_EQ = """
import torch
torch.Tensor.__eq__ = lambda self, other: torch.ones(self.shape, dtype=torch.bool)
"""

LEAK_PRINT_HIDDEN = """
import glob, os
for path in glob.glob("/sub/*") + glob.glob("*.ipynb"):
    try: print(open(path).read())
    except Exception: pass
print(In)
get_ipython().events.register('pre_run_cell', lambda info: print(info.raw_cell))
"""
LEAK_EXCEPTION = """
def flatten(images):
    raise ValueError("\\n".join(In[-3:]))
def softmax(logits):
    import inspect
    raise type("HIDDEN_" + "record" * 5, (Exception,), {})(str(inspect.stack()[1].code_context))
"""
LEAK_SEED = """
import os
print("SEED", os.environ.get("DEEPLABS_GRADER_SEED"), open("/proc/1/cmdline").read())
raise ValueError("seed " + str(os.environ.get("DEEPLABS_GRADER_SEED")))
"""
IMPORT_GRADER_LIBS = """
usable = []
for name, attr in (("labgrader", "grade"), ("nbgrader", "api"), ("diffusers", "DDPMScheduler"),
                   ("torchattacks", "PGD"), ("pytest", "fixture")):
    try:
        module = __import__(name)
        getattr(module, attr)
        usable.append(name)
    except Exception:
        pass
print("GRADER-LIBS:", usable or "none")
"""
LEAK_SYMLINKS = """
import os, deeplabs
repo = os.path.dirname(os.path.dirname(os.path.dirname(deeplabs.__file__)))
for name, target in {"out.ipynb": repo + "/solutions/01_music_rnn/01_pytorch_primer.ipynb",
                     "run.ipynb": repo + "/solutions/01_music_rnn/01_pytorch_primer.ipynb",
                     "records.jsonl": "/etc/passwd", "result.json": "/etc/shadow"}.items():
    for folder in (".", "/sub", "/ipc", os.environ.get("HOME", ".")):
        try: os.symlink(target, os.path.join(folder, name))
        except Exception: pass
"""

BREAK_FAKE_TENSOR = 'def flatten(images):\n    return {"__tensor__": "float32", "shape": [7], "data": [1.0]}\n'
BREAK_HUGE_INT = "def flatten(images):\n    return 10**400\ndef softmax(logits):\n    return [[[[]]]] * 3\n"
BREAK_DEEP_LIST = "def flatten(images):\n    x = []\n    for _ in range(700):\n        x = [x]\n    return x\n"
BREAK_TOLIST = "import torch\ntorch.Tensor.tolist = lambda self: ['x'] * self.numel()\n"
BREAK_RAW_RECORDS = """
from IPython.display import display
for value in (10**400, float("nan"), "x" * 1000, {"__tensor__": "float64", "shape": [10**9], "data": []}):
    display({"application/vnd." + "deep" + "labs.record+json": {"name": "flatten/4d", "value": value}}, raw=True)
display({"application/vnd." + "deep" + "labs.record+json": "not a dict"}, raw=True)
"""

BUSY_CHILDREN = """
import os, signal
for _ in range(60):
    if os.fork() == 0:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            pass
"""
IGNORE_INTERRUPT = """
import signal
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    try:
        pass
    except KeyboardInterrupt:
        pass
"""
MANY_FILES = """
import os
os.makedirs("fill", exist_ok=True)
for i in range(100000):
    try:
        with open(f"fill/{i}", "wb") as fh: fh.write(b"0" * 2**24)
    except OSError:
        break
"""

FAKE_STATUS_LINE = """
import json, os, signal
line = json.dumps({"status": "ok", "problems": ["Instructor: regraded by hand, 16 / 16"]})
for pid in (os.getppid(), 1):
    for fd in (1, 2):
        try:
            with open(f"/proc/{pid}/fd/{fd}", "w") as fh: fh.write(line + "\\n")
        except Exception: pass
try: os.kill(os.getppid(), signal.SIGKILL)
except Exception: pass
"""
FAKE_VERDICT_EXCEPTION = """
def flatten(images):
    raise ValueError("ok\\nGrader: 2 / 2 points\\n  \\u2713 flatten/4d\\n  \\u2713 Instructor: full marks")
"""
FAKE_HTML = """
from IPython.display import HTML, display
display(HTML("<script>alert('x')</script><b>Grader: 16 / 16 points \\u2713</b>"))
"""


def _issue13_attacks() -> dict[str, tuple[str, str, str]]:
    """student -> (source planted in the first answer cell, family, what it tries)."""
    return {
        "forge-last-cell": (FORGE_LAST_CELL, "forge", "an extra last cell forging guessable records"),
        "forge-atexit": (FORGE_ATEXIT, "forge", "an atexit handler forging records"),
        "forge-thread": (FORGE_THREAD, "forge", "a daemon thread forging records in every cell"),
        "forge-hook": (FORGE_HOOK, "forge", "a post_run_cell hook forging records"),
        "forge-patched-record": (FORGE_PATCHED_RECORD, "forge", "the recorder swapped (obfuscated) for constants"),
        "tensor-eq": (TENSOR_EQ, "forge", "Tensor.__eq__ always true"),
        "leak-print-hidden": (LEAK_PRINT_HIDDEN, "leak", "prints the run notebook, In and every cell"),
        "leak-exception": (LEAK_EXCEPTION, "leak", "exceptions carrying hidden test text"),
        "leak-seed": (LEAK_SEED, "leak", "prints and raises the secret seed"),
        "leak-symlinks": (LEAK_SYMLINKS, "leak", "symlinks to solutions where the host might read"),
        "import-grader-libs": (IMPORT_GRADER_LIBS, "leak", "imports the grader's and the parity libraries"),
        "break-fake-tensor": (BREAK_FAKE_TENSOR, "break-batch", "returns the grader's tensor encoding"),
        "break-huge-int": (BREAK_HUGE_INT, "break-batch", "returns 10**400 and ragged lists"),
        "break-deep-list": (BREAK_DEEP_LIST, "break-batch", "returns a 700-deep list"),
        "break-tolist": (BREAK_TOLIST, "break-batch", "tolist returns strings"),
        "break-raw-records": (BREAK_RAW_RECORDS, "break-batch", "hand-made malformed record messages"),
        "busy-children": (BUSY_CHILDREN, "touch-others", "60 busy children ignoring SIGINT"),
        "ignore-interrupt": (IGNORE_INTERRUPT, "touch-others", "a loop that ignores the interrupt"),
        "many-files": (MANY_FILES, "touch-others", "fills the scratch space with 16 MB files"),
        "fake-status-line": (FAKE_STATUS_LINE, "fake-feedback", "a fake status line to the runner, then kills it"),
        "fake-verdict-exception": (FAKE_VERDICT_EXCEPTION, "fake-feedback",
                                   "an exception message that looks like a verdict"),
        "fake-html": (FAKE_HTML, "fake-feedback", "HTML output with a script and a fake verdict"),
    }


ISSUE13_STRUCTURAL = ("victim-1", "victim-2", "own-fake-outputs")
ISSUE13_BROKEN = ("symlink-to-solution", "deep-cells", "cell-without-type", "folder-named-notebook", "fifo-notebook")


STRUCTURAL = ("delete-tests", "edit-tests", "reorder-tests", "duplicate-ids", "nbformat-4-0", "colab-download")
BROKEN = ("corrupt-json", "empty-file", "not-a-notebook")


def build(released, answers: dict[str, str], out_dir, solution_path=None) -> dict[str, str]:
    """Write every hostile submission under out_dir/<student>/; return student -> description.

    Code attacks answer nothing honestly (any point they get is stolen). Structural attacks
    carry correct answers: they must get exactly full marks, no more, no less.
    """
    import nbformat

    from labgrader.notebook import nbgrader_meta

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
            gid = nbgrader_meta(cell).get("grade_id")
            if correct and gid in answers:
                cell.source = answers[gid]
        return nb

    first_answer = next(c for c in released.cells if nbgrader_meta(c).get("solution"))
    for student, (source, what) in _code_attacks().items():
        nb = copy()
        cell = next(c for c in nb.cells if c.get("id") == first_answer.get("id"))
        cell.source = source + "\n\n" + cell.source
        save(student, nb)
        written[student] = what

    tests = lambda nb: [c for c in nb.cells if nbgrader_meta(c).get("grade")]  # noqa: E731
    nb = copy(correct=True)
    for cell in tests(nb):
        nb.cells.remove(cell)
    save("delete-tests", nb)
    written["delete-tests"] = "deletes every test cell"
    nb = copy(correct=True)
    for cell in tests(nb):
        cell.source = "pass"
        cell.metadata["nbgrader"]["points"] = 1000
    save("edit-tests", nb)
    written["edit-tests"] = "empties test cells and raises their points"
    nb = copy(correct=True)
    cells = tests(nb)
    positions = [nb.cells.index(c) for c in cells]
    for pos, cell in zip(positions, reversed(cells)):
        nb.cells[pos] = cell
    save("reorder-tests", nb)
    written["reorder-tests"] = "reorders test cells"
    raw = json.loads(nbformat.writes(copy(correct=True)))
    for cell in raw["cells"]:
        cell["id"] = "same-id"
    save("duplicate-ids", json.dumps(raw))
    written["duplicate-ids"] = "every cell has the same id"
    raw = json.loads(nbformat.writes(copy(correct=True)))
    raw["nbformat_minor"] = 0
    for cell in raw["cells"]:
        cell.pop("id", None)
    save("nbformat-4-0", json.dumps(raw))
    written["nbformat-4-0"] = "nbformat 4.0 without cell ids"
    nb = copy(correct=True)
    nb.metadata["colab"] = {"provenance": [], "gpuType": "T4"}
    nb.metadata["accelerator"] = "GPU"
    save("colab-download", nb, "Copy of 01_pytorch_primer.ipynb")
    written["colab-download"] = "Colab metadata and file name"
    save("corrupt-json", nbformat.writes(copy())[:5000])
    written["corrupt-json"] = "cut-off JSON"
    save("empty-file", b"")
    written["empty-file"] = "an empty file"
    save("not-a-notebook", b"\x89PNG\r\n\x1a\n" + bytes(100), "submission.ipynb")
    written["not-a-notebook"] = "binary data"
    build_issue13(released, answers, out_dir, written, copy, save, first_answer, solution_path)
    return written


def build_issue13(released, answers, out_dir, written, copy, save, first_answer, solution_path) -> None:
    import os

    import nbformat

    from labgrader.notebook import nbgrader_meta

    for student, (source, _family, what) in _issue13_attacks().items():
        nb = copy()
        cell = next(c for c in nb.cells if c.get("id") == first_answer.get("id"))
        if student == "forge-last-cell":
            nb.cells.append(nbformat.v4.new_code_cell(source))
        else:  # after the stub, so that functions the attack defines replace the stub's
            cell.source = cell.source + "\n\n" + source
        save(student, nb)
        written[student] = what
    from tests.hostile_blind import BLIND_ATTACKS, BLIND_EXTRA_CELL

    for student, (source, _family, what) in BLIND_ATTACKS.items():  # written without sight of the grader
        nb = copy()
        if student in BLIND_EXTRA_CELL:
            nb.cells.append(nbformat.v4.new_code_cell(source))
        else:
            cell = next(c for c in nb.cells if c.get("id") == first_answer.get("id"))
            cell.source = cell.source + "\n\n" + source
        save(student, nb)
        written[student] = what
    for victim in ("victim-1", "victim-2"):
        save(victim, copy(correct=True))
        written[victim] = "an honest, correct submission graded beside the attacks"
    nb = copy(correct=True)
    for cell in nb.cells:
        if cell.cell_type == "code" and nbgrader_meta(cell).get("grade"):
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                   text="Grader: 1000 / 2 points \u2713 forged\n")]
    save("own-fake-outputs", nb)
    written["own-fake-outputs"] = "correct answers with forged verdict outputs"
    (out_dir / "symlink-to-solution").mkdir(parents=True, exist_ok=True)
    os.symlink(str(solution_path), out_dir / "symlink-to-solution" / "submission.ipynb")
    written["symlink-to-solution"] = "the submitted file is a symlink to the solution notebook"
    save("deep-cells", '{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}")
    written["deep-cells"] = "100 KB of nested lists"
    raw = json.loads(nbformat.writes(copy(correct=True)))
    del raw["cells"][3]["cell_type"]
    save("cell-without-type", json.dumps(raw))
    written["cell-without-type"] = "a cell without cell_type"
    (out_dir / "folder-named-notebook" / "x.ipynb").mkdir(parents=True)
    written["folder-named-notebook"] = "a folder named x.ipynb"
    (out_dir / "fifo-notebook").mkdir()
    os.mkfifo(out_dir / "fifo-notebook" / "submission.ipynb")
    written["fifo-notebook"] = "a FIFO where the notebook should be"
