"""A test cell's hidden checks against every right and wrong answer on file, in-process, in seconds.

    .venv/bin/python benchmarks/check_records.py 05_adversarial/05_adversarial test_ex5_adv_train ex5_adv_train \
        [--only adv_train/hands_back_what_it_was_given] [--seeds 2] [--seed N] [--blind-wrong] [--extra-gids a,b] \
        [--hollow-only]
    .venv/bin/python benchmarks/check_records.py 04_diffusion/01_diffusion_fashion_mnist --seeds 4 --quiet  # every cell

Before a new record lands: the solution's hidden test cell runs with the answer cell replaced by
each right answer (tests/mutants' CORRECT, every blind round's CORRECT) and each wrong one
(tests/mutants' MUTANTS; with --blind-wrong the blind rounds' too). Expected values come from the
solution's own run under a random seed and a second seed (`checks_from_reference`, so guessable
and gated checks are told apart as in grading); each answer's records are judged by `verdict_of`,
the grader's own comparison. Prints every FALSE FAIL (a right answer failing a check: fix the record
or the text), every MISS among the wrong answers, every check that an answer computing nothing
(tests/hollow.py: every function returning None, or its first argument) passes without a gate, which
would give the student who hands in nothing points (HOLLOW EARNS: make it KEPT_AS_GIVEN or draw its
input so that nothing passes), and a summary. Exits 1 on a false fail or a hollow earner.

It is a fast first look, not the grade: no sandbox, no kernel, the notebook's light setup cells only
(tests/adapters.py) plus the functions, classes, imports and assignments of the hidden parts before the
cell (a graded kernel holds them too; their record calls are left out); a test cell that reads a
training run's results needs `--extra CODE` to define them. `make test` (tests/test_grading.py) grades
the real way.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import deeplabs.grading as grading  # noqa: E402
import torch  # noqa: E402
from jupyter_client.session import json_packer  # noqa: E402
from deeplabs.protocol import ACTIVE_ENV, SEED_ENV  # noqa: E402
from labgrader.grade.compare import verdict_of  # noqa: E402
from labgrader.grade.records import checks_from_reference  # noqa: E402
from labgrader.notebook import HIDDEN_BEGIN, HIDDEN_END  # noqa: E402

from benchmarks.blind.answers import BLIND, load_answers  # noqa: E402
from tests.adapters import nbgrader, notebook_namespace, source_notebook, with_answer  # noqa: E402
from tests.hollow import RETURNS, hollow_answers_of  # noqa: E402


def answers(name: str, gids: list[str], blind_wrong: bool) -> tuple[list, list]:
    """([(label, source)] right, [(label, source)] wrong) for the answer grade ids `gids`."""
    rounds = sorted((p for p in BLIND.glob("round*") if p.name[5:].isdigit()), key=lambda p: int(p.name[5:]))
    right, wrong = [], []
    for folder in [REPO / "tests" / "mutants", *rounds]:
        module = load_answers(folder, name)
        if module is None:
            continue
        tag = "mutants" if folder.name == "mutants" else folder.name
        for gid in gids:
            right += [(f"{tag}:{gid}:{label}", src) for label, src in getattr(module, "CORRECT", {}).get(gid, [])]
            if tag == "mutants" or blind_wrong:
                wrong += [(f"{tag}:{gid}:{label}", src) for label, src in getattr(module, "MUTANTS", {}).get(gid, [])]
    return right, wrong


def hidden_part(cell) -> str:
    return cell.source.split(HIDDEN_BEGIN, 1)[1].split(HIDDEN_END, 1)[0]


def earlier_definitions(name: str, test_cell: str) -> list[str]:
    """The functions, classes, imports and assignments of the hidden parts before `test_cell`: a graded kernel
    holds them (their record calls are left out)."""
    parts = []
    for cell in source_notebook(name).cells:
        if nbgrader(cell).get("grade_id") == test_cell:
            break
        if HIDDEN_BEGIN in cell.source:
            parts += [ast.unparse(node) for node in ast.parse(hidden_part(cell)).body
                      if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom, ast.Assign))]
    return parts


def check_cell(name: str, test_cell: str, answer_cell: str, args: argparse.Namespace) -> int:
    """Print the cell's false fails and misses; return the number of false fails."""
    only = {n for n in args.only.split(",") if n}
    cell = next(c for c in source_notebook(name).cells if nbgrader(c).get("grade_id") == test_cell)
    hidden = hidden_part(cell)
    base = notebook_namespace(name)
    os.environ.pop(ACTIVE_ENV, None)  # nothing an earlier cell defines may publish a record
    for statement in earlier_definitions(name, test_cell):
        try:
            exec(statement, base)
        except Exception as err:  # as in a kernel: a later cell sees whatever did get defined
            print(f"  (an earlier hidden statement raised {type(err).__name__}: {err})")
    if args.extra:
        exec(args.extra, base)
    published: list[dict] = []
    # as the grader reads them: through the kernel's own message packer (strict JSON, no NaN)
    grading._publish = lambda entry: published.append(json.loads(json_packer(entry)))
    os.environ[ACTIVE_ENV] = "1"

    def run(source: str | None, seed: int) -> tuple[dict | list, str | None]:
        ns = base if source is None else with_answer(base, name, answer_cell, source)
        os.environ[SEED_ENV] = str(seed)
        published.clear()
        try:
            with torch.enable_grad():  # as a fresh kernel: an earlier answer may have left tracking off
                exec(compile(hidden, f"<{test_cell}>", "exec"), dict(ns))
        except Exception as err:  # a hidden cell that raises is the answer's loss too
            return [], f"{type(err).__name__}: {err}"
        return [{"entry": e, "cell": test_cell} for e in published], None

    right, wrong = answers(name, [answer_cell, *filter(None, args.extra_gids.split(","))], args.blind_wrong)
    if args.hollow_only:
        right, wrong = [], []
    false_fails = caught = 0
    for k in range(args.seeds):
        seed = args.seed if k == 0 and args.seed is not None else random.randrange(2**31)
        reference, err = run(None, seed)
        if err:
            print(f"the solution's hidden cell raises: {err}")
            return 1
        checks = [c for c in checks_from_reference(reference, run(None, seed + 1)[0]) if not only or c.name in only]
        print(f"seed {seed}: {len(checks)} checks; guessable or gated: {[c.name for c in checks if c.guessable]}")
        for label, source in right:
            records, err = run(source, seed)
            got = {r["entry"]["name"]: r["entry"] for r in records}
            for check in checks:
                verdict = verdict_of(check, got.get(check.name))
                if not verdict.passed:
                    false_fails += 1
                    print(f"  FALSE FAIL {check.name} | {label[:80]} | {(err or verdict.message)[:200]}")
        for label, source in wrong if k == 0 else []:
            records, err = run(source, seed)
            got = {r["entry"]["name"]: r["entry"] for r in records}
            failed = [c.name for c in checks if not verdict_of(c, got.get(c.name)).passed]
            caught += bool(failed)
            if not args.quiet or not failed:
                print(f"  {'caught' if failed else 'MISS  '} {label[:90]} {failed[:3]}")
        for returns in RETURNS if k == 0 else ():
            records, err = run(hollow_answers_of(source_notebook(name), returns)[answer_cell], seed)
            got = {r["entry"]["name"]: r["entry"] for r in records}
            for check in checks:
                if not check.guessable and verdict_of(check, got.get(check.name)).passed:
                    false_fails += 1
                    print(f"  HOLLOW EARNS {check.name} | every function returning {returns}")
    print(f"{test_cell}: {len(right)} right answers, {false_fails} false fails or hollow earners over {args.seeds} "
          f"seeds; "
          f"{len(wrong)} wrong answers, {caught} caught by these checks")
    return false_fails


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("name", help="lab/notebook, e.g. 01_music_rnn/01_pytorch_primer")
    ap.add_argument("test_cell", nargs="?", help="the test cell's grade id, e.g. test_ex6_train (default: every one)")
    ap.add_argument("answer_cell", nargs="?", help="the answer cell's grade id, e.g. ex6_train")
    ap.add_argument("--only", default="", help="comma-separated record names (default: all of the cell's)")
    ap.add_argument("--seeds", type=int, default=2, help="secret seeds to try (default 2)")
    ap.add_argument("--seed", type=int, help="the first secret seed (default: random), e.g. a grading run's")
    ap.add_argument("--blind-wrong", action="store_true", help="the blind rounds' wrong answers too")
    ap.add_argument("--extra-gids", default="", help="more answer grade ids whose answers to try")
    ap.add_argument("--extra", default="", help="code run once after the setup cells (a training run's results)")
    ap.add_argument("--hollow-only", action="store_true", help="only the answers that compute nothing (fast)")
    ap.add_argument("--quiet", action="store_true", help="print the misses and false fails only, not every catch")
    args = ap.parse_args(argv)
    if args.test_cell and not args.answer_cell:
        ap.error("name the answer cell too, or neither to check every test cell")
    pairs = [(args.test_cell, args.answer_cell)] if args.test_cell else [
        (gid, gid[len("test_"):]) for gid in (nbgrader(c).get("grade_id", "") for c in source_notebook(args.name).cells)
        if gid.startswith("test_")]
    false_fails = sum(check_cell(args.name, test, answer, args) for test, answer in pairs)
    return 1 if false_fails else 0


if __name__ == "__main__":
    sys.exit(main())
