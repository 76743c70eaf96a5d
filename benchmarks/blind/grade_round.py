"""A blind round: wrong and right answers written without sight of the hidden checks, graded end to end.

    DEEPLABS_MODE=fast .venv/bin/python benchmarks/blind/grade_round.py                   # every lab
    DEEPLABS_MODE=fast .venv/bin/python benchmarks/blind/grade_round.py 05_adversarial --workers 2
    .venv/bin/python benchmarks/blind/grade_round.py --answers benchmarks/blind/round1 --json out.json

The answers live in ANSWERS/<lab>/<notebook>.py in tests/mutants' format (MUTANTS and CORRECT
by answer grade id). They are NOT tests/mutants: those are the regression set the checks were
tuned to; a blind round measures the checks on mistakes nobody tuned to (issue 17's "done
when": ≥ 90 % of wrong answers lose points in their own exercise, in every notebook, and no
right answer loses any). Submissions are built as tests/sample_class.py builds its rounds
(round k: the k-th wrong answer of every exercise, the solution's answers elsewhere; control
k: the k-th right answer of every exercise) and graded by `labgrader.api.grade_lab` under the
workspace's secret seed, exactly as a term's batch.

Prints, per notebook, wrong answers caught / written and right answers that lost points, then
every miss and false fail by label. Exits 1 when a notebook is under 90 % or a right answer
lost points.
"""
from __future__ import annotations

import argparse
import json
import secrets
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "autograder"))

from benchmarks.blind.answers import load_answers  # noqa: E402
from labgrader import api  # noqa: E402
from labgrader.notebook import grade_id, is_test, points_of  # noqa: E402
from tests.sample_class import answers_of, filled  # noqa: E402

TARGET = 0.9


def build(folder: Path, lab: str, out: Path) -> dict[str, dict[str, dict[str, str]]]:
    """out/<student>/<notebook>.ipynb; returns {student: {notebook: {answer grade id: label}}}."""
    plan: dict[str, dict[str, dict[str, str]]] = {}
    for source_path in sorted((REPO / "solutions" / lab).glob("*.ipynb")):
        name = source_path.stem
        module = load_answers(folder, f"{lab}/{name}")
        if module is None:
            continue
        good = answers_of(nbformat.read(source_path, as_version=4))
        released = nbformat.read(REPO / "labs" / lab / source_path.name, as_version=4)
        for kind, versions_of in (("round", module.MUTANTS), ("control", getattr(module, "CORRECT", {}))):
            for k in range(max((len(v) for v in versions_of.values()), default=0)):
                replaced = {gid: versions[k] for gid, versions in versions_of.items() if k < len(versions)}
                student = f"{kind}{k}"
                (out / student).mkdir(parents=True, exist_ok=True)
                nbformat.write(filled(released, {**good, **{g: src for g, (_, src) in replaced.items()}}),
                               out / student / source_path.name)
                plan.setdefault(student, {})[name] = {g: label for g, (label, _) in replaced.items()}
    return plan


def tally(lab: str, plan: dict, scores: dict) -> dict[str, dict]:
    """Per notebook: caught/written wrong answers, right answers that lost points, and which."""
    maxima = {}
    for source_path in sorted((REPO / "solutions" / lab).glob("*.ipynb")):
        for cell in nbformat.read(source_path, as_version=4).cells:
            if is_test(cell):
                maxima[f"{source_path.stem}/{grade_id(cell)}"] = points_of(cell)
    result: dict[str, dict] = {}
    for student, notebooks in plan.items():
        for notebook, replaced in notebooks.items():
            row = result.setdefault(notebook, {"written": 0, "caught": 0, "missed": [], "right": 0,
                                               "false_fails": [], "collateral": []})
            got = scores.get(student, {})
            for answer_id, label in replaced.items():
                key = f"{notebook}/test_{answer_id}"
                lost = got.get(key, 0.0) < maxima.get(key, 0.0) - 1e-9
                if student.startswith("round"):
                    row["written"] += 1
                    row["caught"] += lost
                    if not lost:
                        row["missed"].append(f"{answer_id}: {label}")
                else:
                    row["right"] += 1
                    if lost:
                        row["false_fails"].append(f"{answer_id}: {label} ({got.get(key)} / {maxima[key]})")
            # an exercise that was not replaced must keep its points (checks independent of each other)
            for key, points in maxima.items():
                nb, test_id = key.split("/")
                if nb == notebook and test_id.removeprefix("test_") not in replaced \
                        and got.get(key, 0.0) < points - 1e-9:
                    row["collateral"].append(f"{student}: {test_id} lost points")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("labs", nargs="*")
    parser.add_argument("--answers", type=Path, default=REPO / "benchmarks" / "blind" / "round1")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", default=None, help="the secret seed (default: a fresh random one)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    labs = args.labs or sorted(p.name for p in args.answers.iterdir() if p.is_dir() and not p.name.startswith("_"))
    seed = args.seed or str(secrets.randbelow(2**31))
    summary: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="blind-round-") as tmp:
        course = api.load_course(workspace=Path(tmp) / "workspace", repo=REPO)
        course.workspace.mkdir(parents=True)
        (course.workspace / "secret_seed").write_text(seed)
        for lab in labs:
            subs = Path(tmp) / "submissions" / lab
            plan = build(args.answers, lab, subs)
            start = time.monotonic()
            api.grade_lab(course, lab, subs, workers=args.workers, quiet=True)
            seconds = time.monotonic() - start
            for notebook, row in tally(lab, plan, api.read_scores(course, lab)).items():
                summary[f"{lab}/{notebook}"] = {**row, "seconds": round(seconds)}
    print(f"secret seed {seed}\n")
    print(f"{'notebook':48} {'caught':>10} {'share':>6} {'right answers losing points':>28}")
    failed = False
    for name, row in summary.items():
        share = row["caught"] / row["written"] if row["written"] else 1.0
        failed |= share < TARGET or bool(row["false_fails"])
        print(f"{name:48} {row['caught']:>4} / {row['written']:<3} {share:>6.0%} "
              f"{len(row['false_fails']):>5} / {row['right']}")
    for name, row in summary.items():
        for kind in ("missed", "false_fails", "collateral"):
            for item in row[kind]:
                print(f"  {kind:11} {name}: {item}")
    if args.json:
        args.json.write_text(json.dumps({"seed": seed, "notebooks": summary}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
