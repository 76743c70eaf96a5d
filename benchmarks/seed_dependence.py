"""Which hidden checks depend on the grader's secret seed, and which a student could guess.

    DEEPLABS_MODE=fast .venv/bin/python benchmarks/seed_dependence.py                # every solution
    DEEPLABS_MODE=fast .venv/bin/python benchmarks/seed_dependence.py solutions/01_music_rnn/01_pytorch_primer.ipynb
    .venv/bin/python benchmarks/seed_dependence.py --seeds 11 22 33 --json out.json NOTEBOOK...

Runs each solution notebook once per seed (at least two) exactly as the grader's reference run
does (`labgrader.grade.execute.execute`, sandboxed, trusted so lab 03 can fill its model cache;
every run of this script shares one cache dir, so the first run fills it and the rest reuse it),
then prints, per test cell (grade_id), each check and what it is:

  seed-dependent  a close/equal check whose expected value under one seed FAILS the same check
                  under another seed (compared with the check's own rule and tolerances, by the
                  grader's comparison, labgrader.grade.compare): a forged constant cannot match
                  it for every course's secret seed
  guessable       a close/equal check whose expected value passes under every seed tried: a
                  student can forge the record without correct code
  threshold       an at_least/at_most check: always forgeable (the kernel reports the number),
                  so it counts as guessable under the new rule

A cell with no seed-dependent check is flagged (`NONE`): under the new rule (a guessable or
threshold check is credited only when all seed-dependent checks of its cell pass; a cell must
have at least one) its reference run would be refused. Two seeds can miss a value that depends
on the seed only rarely (a flag that is usually True): pass more seeds to be sure.

Fast mode: the sandbox always runs notebooks with DEEPLABS_MODE=fast (execute.sandbox_env).
The script ends with a summary table per notebook and exits 1 when any cell is flagged.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "autograder"))

import nbformat  # noqa: E402

from labgrader.grade import sandbox  # noqa: E402
from labgrader.grade.compare import _mismatch, decode  # noqa: E402
from labgrader.grade.execute import execute  # noqa: E402
from labgrader.notebook import grade_id, is_test  # noqa: E402

THRESHOLDS = ("at_least", "at_most")


def test_cells(nb) -> dict[str, str]:
    """cell id -> grade_id of every nbgrader test cell (graded, not an answer cell)."""
    return {cell.get("id"): grade_id(cell) for cell in nb.cells if is_test(cell)}


def records_by_cell(records: list[dict], cells: dict[str, str]) -> dict[str, dict[str, dict]]:
    """grade_id -> {check name -> entry}, in recording order (the runner tags each record with the
    grade id, or the cell id, of the cell that was running)."""
    out: dict[str, dict[str, dict]] = {gid: {} for gid in cells.values()}
    for item in records:
        cell = item.get("cell")
        gid = cells.get(cell, cell) if cell else "(not in a test cell)"
        out.setdefault(gid, {})[item["entry"].get("name")] = item["entry"]
    return out


def classify(entries: list[dict]) -> tuple[str, str]:
    """(kind, note) for one check's entries under the different seeds."""
    first = entries[0]
    if any("error" in e for e in entries):
        return "error", next(e["error"] for e in entries if "error" in e)[:120]
    rule = first.get("rule") or {"kind": "close"}
    if rule.get("kind") in THRESHOLDS:
        values = [decode(e.get("value")) for e in entries]
        return "threshold", f"{rule['kind']} {rule.get('value')}; values {values}"[:120]
    values = [decode(e.get("value")) for e in entries]
    for i, a in enumerate(values):
        for b in values[i + 1:]:
            reason = _mismatch(a, b, rule, "") or _mismatch(b, a, rule, "")
            if reason:
                return "seed-dependent", reason[:120]
    exact = len({json.dumps(e.get("value"), sort_keys=True) for e in entries}) > 1
    return "guessable", ("differs only within the rule's tolerance" if exact else "identical under every seed")


def measure(path: Path, seeds: list[int], cache: Path, threads: int, kind: str) -> dict:
    nb = nbformat.read(path, as_version=4)
    cells = test_cells(nb)
    runs, seconds, problems = [], [], []
    for seed in seeds:
        run = execute(nbformat.read(path, as_version=4), seed, sandbox.Limits(), kind, threads=threads,
                      shared_cache=cache, trusted=True)
        runs.append(records_by_cell(run.records, cells))
        seconds.append(round(run.seconds, 1))
        problems += [f"seed {seed}: {p}" for p in run.problems]
    report = {"notebook": str(path), "seconds": seconds, "problems": problems, "cells": {}}
    for gid in dict.fromkeys(list(cells.values()) + [g for r in runs for g in r]):
        names = list(dict.fromkeys(n for r in runs for n in r.get(gid, {})))
        checks = []
        for name in names:
            entries = [r.get(gid, {}).get(name) for r in runs]
            if any(e is None for e in entries):
                checks.append({"name": name, "kind": "missing", "note": "not recorded under every seed"})
                continue
            kind_, note = classify(entries)
            checks.append({"name": name, "kind": kind_, "note": note,
                           "rule": entries[0].get("rule"), "weight": entries[0].get("weight", 1.0)})
        report["cells"][gid] = checks
    return report


def print_report(report: dict) -> None:
    print(f"\n=== {report['notebook']}  (run seconds per seed: {report['seconds']})")
    for p in report["problems"]:
        print(f"  PROBLEM: {p}")
    for gid, checks in report["cells"].items():
        dep = sum(c["kind"] == "seed-dependent" for c in checks)
        print(f"  [{gid}]{'  <-- NONE seed-dependent' if not dep else ''}")
        for c in checks:
            print(f"      {c['kind']:<15} {c['name']:<40} {c['note']}")


def summary(reports: list[dict]) -> list[str]:
    lines = [f"{'notebook':<52} {'cells':>5} {'seed-dep':>8} {'guessable':>9} {'threshold':>9} {'no-dep cells':>12}"]
    for r in reports:
        cells = r["cells"]
        count = lambda k: sum(c["kind"] == k for cs in cells.values() for c in cs)  # noqa: E731, B023 (used in this iteration)
        flagged = [g for g, cs in cells.items() if not any(c["kind"] == "seed-dependent" for c in cs)]
        name = str(Path(r["notebook"]).relative_to(REPO) if Path(r["notebook"]).is_absolute() else r["notebook"])
        lines.append(f"{name:<52} {len(cells):>5} {count('seed-dependent'):>8} {count('guessable'):>9} "
                     f"{count('threshold'):>9} {len(flagged):>12}" + (f"  {', '.join(flagged)}" if flagged else ""))
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path)
    ap.add_argument("--seeds", nargs="+", type=int, default=[20240611, 1837465])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sandbox", default="auto")
    ap.add_argument("--cache", type=Path, help="shared model cache (default: a temp dir for this run)")
    ap.add_argument("--json", type=Path, help="write the full report here")
    args = ap.parse_args()
    if len(args.seeds) < 2 or len(set(args.seeds)) != len(args.seeds):
        ap.error("give at least two different seeds")
    os.environ.setdefault("DEEPLABS_MODE", "fast")
    notebooks = args.notebooks or sorted((REPO / "solutions").glob("*/*.ipynb"))
    kind = sandbox.choose(args.sandbox)
    reports = []
    with tempfile.TemporaryDirectory(prefix="seed-dependence-cache-") as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        for path in notebooks:
            started = time.monotonic()
            report = measure(path.resolve(), args.seeds, cache, args.threads, kind)
            report["wall_seconds"] = round(time.monotonic() - started, 1)
            print_report(report)
            reports.append(report)
    print(f"\nseeds {args.seeds}, sandbox {kind}\n" + "\n".join(summary(reports)))
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1, default=str))
    flagged = any(not any(c["kind"] == "seed-dependent" for c in cs) for r in reports for cs in r["cells"].values())
    return 1 if flagged or any(r["problems"] for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
