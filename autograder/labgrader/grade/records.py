"""The host side of the records protocol (the kernel side is deeplabs.grading).

The runner hands over every record with the cell that was running when it arrived. Here
records become expected values (the solution's run) or a student's values, and each test
cell's checks are scored:

- a check's value counts only when it came from the check's own test cell, once: a record
  outside its cell's window, or the same check recorded twice, scores that cell 0 with a note
  (a forged record is either a duplicate or out of place);
- a check whose expected value is the same under another seed is *guessable* (a shape, a count,
  a zero bias, a floor on a reported number): it is credited only when every seed-dependent
  check of its cell passes, so a constant typed into a forged record earns nothing;
- so is a check whose rule says {"gated": true}: one that an answer which computes nothing passes
  too (the caller's model handed back as it came, the global generator left alone), whatever the
  seed: a function that only returns None must not earn it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from .compare import HiddenCheck, Verdict, verdict_of

GATED_RULES = ("at_least", "at_most")  # a bound on a reported number: a constant passes it


def _gated(rule: dict) -> bool:
    return rule.get("kind") in GATED_RULES or rule.get("gated") is True



def checks_from_reference(records: list[dict], alternate: list[dict] | None = None) -> list[HiddenCheck]:
    """The solution's run: every record, with its test cell; `alternate` is the same run under
    another seed, to tell seed-dependent checks from guessable ones."""
    other = {(r["cell"], r["entry"].get("name")): r["entry"].get("value") for r in alternate or []}
    checks, seen = [], set()
    for item in records:
        entry, cell = item["entry"], item["cell"]
        name = entry.get("name")
        if "error" in entry:
            raise RuntimeError(f"the solution itself failed check '{name}': {entry['error']}")
        if (cell, name) in seen:
            raise RuntimeError(f"check '{name}' is recorded twice in cell '{cell}'")
        seen.add((cell, name))
        rule = entry.get("rule") or {"kind": "close"}
        same = alternate is not None and json.dumps(other.get((cell, name)), sort_keys=True) == json.dumps(
            entry.get("value"), sort_keys=True)
        checks.append(HiddenCheck(name, cell, rule, float(entry.get("weight", 1.0)), entry.get("value"),
                                  guessable=same or _gated(rule), hint=entry.get("hint")))
    return checks


@dataclass
class CellVerdict:
    points: float
    verdicts: list[Verdict] = field(default_factory=list)
    note: str | None = None


def score_cell(grade_id: str, points: float, checks: list[HiddenCheck], records: list[dict]) -> CellVerdict:
    """Points for one test cell from the student's records (see the module docstring)."""
    mine = [c for c in checks if c.cell == grade_id]
    names = {c.name for c in mine}
    arrived: dict[str, list[dict]] = {}
    misplaced = set()
    for item in records:
        entry = item.get("entry")
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or name not in names:
            continue
        if item.get("cell") != grade_id:
            misplaced.add(name)
        else:
            arrived.setdefault(name, []).append(entry)
    verdicts = [verdict_of(c, (arrived.get(c.name) or [None])[0]) for c in mine]
    twice = sorted(n for n, entries in arrived.items() if len(entries) > 1)
    if twice or misplaced:
        what = (f"check '{twice[0]}' was recorded twice" if twice
                else f"check '{sorted(misplaced)[0]}' was recorded outside its test cell")
        note = f"{grade_id}: {what}, so the cell scores 0 (grading records come only from the hidden tests)"
        return CellVerdict(0.0, [Verdict(v.name, False, "not credited: " + what, v.weight) for v in verdicts], note)
    seed_dependent = [v for c, v in zip(mine, verdicts) if not c.guessable]
    gate_open = bool(seed_dependent) and all(v.passed for v in seed_dependent)
    total = sum(v.weight for v in verdicts) or 1.0
    earned = 0.0
    for check, verdict in zip(mine, verdicts):
        if verdict.passed and check.guessable and not gate_open:
            verdict.passed = False
            verdict.message = "credited only once the other checks of this exercise pass"
        earned += verdict.weight if verdict.passed else 0.0
    return CellVerdict(round(points * earned / total, 2), verdicts)
