"""The grader-side comparison of recorded outputs."""
from __future__ import annotations

import math

import torch

from deeplabs.grading import encode
from labgrader.grade.compare import Check, checks_from_reference, judge


def check(value, rule=None):
    return Check("c", "cell", rule or {"kind": "close"}, 1.0, encode(value))


def entry(value):
    return {"name": "c", "value": encode(value)}


def test_close_values_pass_and_far_values_fail_without_revealing_expected():
    t = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert judge(check(t), entry(t + 1e-7)).passed
    verdict = judge(check(t), entry(t + torch.tensor([[0, 0], [0, 0.5]])))
    assert not verdict.passed and "(1, 1)" in verdict.message and "4" not in verdict.message.split("index")[0]


def test_shape_type_and_structure_mismatches_fail():
    t = torch.zeros(2, 3)
    assert "shape (3, 2)" in judge(check(t), entry(t.T)).message
    assert not judge(check(t), entry(1.0)).passed
    assert not judge(check({"a": 1.0}), entry({"b": 1.0})).passed
    assert not judge(check([1.0, 2.0]), entry([1.0])).passed


def test_nan_fails_when_the_reference_is_finite():
    verdict = judge(check(torch.ones(2)), entry(torch.tensor([1.0, math.nan])))
    assert not verdict.passed and "NaN" in verdict.message


def test_equal_rule_is_exact_and_bounds_use_the_reference_rule():
    assert not judge(check(torch.zeros(3), {"kind": "equal"}), entry(torch.full((3,), 1e-9))).passed
    assert judge(check(0.0, {"kind": "at_least", "value": 0.7}), entry(0.71)).passed
    assert not judge(check(0.0, {"kind": "at_least", "value": 0.7}), entry(0.69)).passed


def test_missing_and_raised_outputs_explain_themselves():
    assert "did not reach" in judge(check(1.0), None).message
    assert "raised ValueError" in judge(check(1.0), {"name": "c", "error": "ValueError: bad"}).message
    assert "NotImplementedError" in judge(check(1.0), {"name": "c", "error": "not implemented"}).message


def test_reference_checks_are_tagged_with_their_cell():
    entries = [{"__cell__": "test_a"}, {"name": "x", "value": 1}, {"__cell__": "test_b"}, {"name": "y", "value": 2}]
    checks = checks_from_reference(entries)
    assert [(c.name, c.cell) for c in checks] == [("x", "test_a"), ("y", "test_b")]
