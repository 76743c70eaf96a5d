"""Compare a student's recorded outputs with the solution's, in the grader's process.

Records are JSON lines written by deeplabs.grading.record (never pickle). The rule and
weight of each check come from the solution's run; the student's file only supplies values.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_RECORDS_BYTES = 64 * 2**20


@dataclass
class Check:
    name: str
    cell: str | None          # grade_id of the test cell that recorded it (solution's run)
    rule: dict
    weight: float
    expected: object


@dataclass
class Verdict:
    name: str
    passed: bool
    message: str
    weight: float


def read_records(path: Path) -> tuple[list[dict], list[str]]:
    """All record entries in order (cell markers included), plus problems found reading them."""
    if not path.exists():
        return [], ["no outputs were recorded (did the notebook start?)"]
    problems = []
    if path.stat().st_size > MAX_RECORDS_BYTES:
        problems.append("the records file is too large; only its beginning was read")
    entries = []
    with open(path, "rb") as fh:
        for raw in fh.read(MAX_RECORDS_BYTES).splitlines():
            try:
                entry = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                problems.append("a line of recorded output was not valid JSON and was ignored")
                continue
            if isinstance(entry, dict):
                entries.append(entry)
    return entries, problems


def checks_from_reference(entries: list[dict]) -> list[Check]:
    """The solution's run: every record, with the test cell it came from."""
    checks, cell = [], None
    for entry in entries:
        if "__cell__" in entry:
            cell = entry["__cell__"]
            continue
        if "error" in entry:
            raise RuntimeError(f"the solution itself failed check '{entry.get('name')}': {entry['error']}")
        checks.append(Check(entry["name"], cell, entry.get("rule") or {"kind": "close"},
                            float(entry.get("weight", 1.0)), entry.get("value")))
    return checks


def student_values(entries: list[dict]) -> dict[str, dict]:
    """name -> entry from the student's run (the last one wins if a cell ran twice)."""
    return {e["name"]: e for e in entries if isinstance(e.get("name"), str) and "__cell__" not in e}


def decode(value):
    if isinstance(value, dict) and "__tensor__" in value:
        data = np.asarray(value.get("data", []), dtype=np.float64 if value["__tensor__"] != "bool" else bool)
        return data.reshape(value.get("shape", [len(data)]))
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _mismatch(expected, actual, rule: dict, path: str) -> str | None:
    """None when equal under the rule, else a short reason (never the expected values)."""
    where = f" in {path}" if path else ""
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            return f"expected a dict with keys {sorted(expected)}{where}"
        for key in expected:
            reason = _mismatch(expected[key], actual[key], rule, f"{path}.{key}" if path else key)
            if reason:
                return reason
        return None
    if isinstance(expected, list) and not isinstance(expected, np.ndarray):
        if not isinstance(actual, list) or len(actual) != len(expected):
            got = len(actual) if isinstance(actual, list) else type(actual).__name__
            return f"expected a sequence of length {len(expected)}, got {got}{where}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            reason = _mismatch(e, a, rule, f"{path}[{i}]")
            if reason:
                return reason
        return None
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        if not (isinstance(expected, np.ndarray) and isinstance(actual, np.ndarray)):
            return f"expected a tensor{where}, got {type(actual).__name__}"
        if expected.shape != actual.shape:
            return f"shape {tuple(actual.shape)}{where}, expected {tuple(expected.shape)}"
        return _numbers_differ(expected, actual, rule, where)
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            return f"expected a number{where}, got {type(actual).__name__}"
        return _numbers_differ(np.asarray(expected, float), np.asarray(actual, float), rule, where)
    if expected != actual:
        return f"value{where} is not what was expected"
    return None


def _numbers_differ(expected: np.ndarray, actual: np.ndarray, rule: dict, where: str) -> str | None:
    if rule.get("kind") == "equal":
        same = np.array_equal(expected, actual, equal_nan=True)
        return None if same else f"values{where} are not exactly as expected"
    rtol, atol = float(rule.get("rtol", 1e-4)), float(rule.get("atol", 1e-5))
    exp, act = expected.astype(float), actual.astype(float)
    if np.isnan(act).any() and not np.isnan(exp).any():
        return f"NaN{where} (check for division by zero or overflow)"
    ok = np.isclose(act, exp, rtol=rtol, atol=atol, equal_nan=True)
    if ok.all():
        return None
    diff = np.where(np.isnan(act) | np.isnan(exp), np.inf, np.abs(act - exp))
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    share = 1 - ok.mean()
    return (f"values{where} differ: {share:.0%} of entries off, largest difference "
            f"{float(diff[idx]):.3g} at index {tuple(int(i) for i in idx)}")


def judge(check: Check, entry: dict | None) -> Verdict:
    if entry is None:
        return Verdict(check.name, False, "no output recorded: the test cell did not reach this check "
                       "(an earlier error, a timeout, or the cell was not run)", check.weight)
    if entry.get("error") == "not implemented":
        return Verdict(check.name, False, "not answered yet (the code still raises NotImplementedError)", check.weight)
    if "error" in entry:
        return Verdict(check.name, False, f"your code raised {entry['error']}", check.weight)
    actual = decode(entry.get("value"))
    kind = check.rule.get("kind", "close")
    if kind in ("at_least", "at_most"):
        bound = float(check.rule["value"])
        if not isinstance(actual, (int, float)) or isinstance(actual, bool) or math.isnan(actual):
            return Verdict(check.name, False, f"expected a number, got {type(actual).__name__}", check.weight)
        ok = actual >= bound if kind == "at_least" else actual <= bound
        word = "at least" if kind == "at_least" else "at most"
        return Verdict(check.name, ok, "" if ok else f"got {actual:.4g}, needs to be {word} {bound:g}", check.weight)
    reason = _mismatch(decode(check.expected), actual, check.rule, "")
    return Verdict(check.name, reason is None, reason or "", check.weight)
