"""Hostile submissions (red team): each tries to win points it has not earned, or to break
the batch. tests/test_grading_primer.py grades them with the sample class."""
from __future__ import annotations

PATCH_EVERYTHING = '''
import numpy.testing, torch.testing, deeplabs.grading, json, os
numpy.testing.assert_allclose = lambda *a, **k: None
torch.testing.assert_close = lambda *a, **k: None
def _fake_record(name, fn, rule=None, weight=1.0):
    with open(os.environ["DEEPLABS_GRADER_RECORDS"], "a") as fh:
        fh.write(json.dumps({"name": name, "value": 0.0}) + "\\n")
deeplabs.grading.record = _fake_record
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


def hostile_submissions(answers: dict[str, str]) -> dict[str, dict[str, str]]:
    """student -> {answer grade_id: source}: correct answers except where an attack is planted."""
    return {
        # patches assert helpers and the recorder itself, then answers nothing correctly
        "patcher": {gid: PATCH_EVERYTHING + "\nraise NotImplementedError()" if i == 0 else "raise NotImplementedError()"
                    for i, gid in enumerate(answers)},
        # looks for the gradebook, the seed and the solutions on disk
        "snooper": {**answers, next(iter(answers)): SNOOP + answers[next(iter(answers))]},
        # kills its own kernel in the third exercise
        "exiter": {**answers, list(answers)[2]: "import os\nos._exit(0)"},
    }
