"""The grader-side comparison of recorded outputs."""
from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
import torch

from deeplabs.grading import encode
from labgrader.grade.compare import (UNREADABLE, HiddenCheck, MalformedValue, RecordedTensor,
                                     decode, verdict_of)


def check(value, rule=None):
    return HiddenCheck("c", "cell", rule or {"kind": "close"}, 1.0, encode(value))


def entry(value):
    return {"name": "c", "value": encode(value)}


def raw(value):
    return {"name": "c", "value": value}


NUMBERS = re.compile(r"\d")


def test_close_values_pass_and_far_values_fail_without_revealing_expected():
    t = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert verdict_of(check(t), entry(t + 1e-7)).passed
    verdict = verdict_of(check(t), entry(t + torch.tensor([[0, 0], [0, 0.5]])))
    assert not verdict.passed and "4" not in verdict.message


def test_messages_give_no_distance_and_no_position():
    t = torch.linspace(1, 2, 100)
    for delta, share, far in [(0.0013, "all", "slightly off"), (0.3, "all", "clearly off"), (50.0, "all", "far off")]:
        message = verdict_of(check(t), entry(t + delta)).message
        expected = f"{share} entries are {far}"
        assert message == expected if far != "slightly off" else message.startswith(expected)
        assert not NUMBERS.search(message)
    for n, share in [(3, "a few"), (30, "some"), (70, "most")]:
        bad = t.clone()
        bad[:n] += 0.3
        message = verdict_of(check(t), entry(bad)).message
        assert message == f"{share} entries are clearly off" and not NUMBERS.search(message)
    # the same bucket for nearby wrong values: nothing to hill-climb on
    assert verdict_of(check(t), entry(t + 0.3)).message == verdict_of(check(t), entry(t + 0.31)).message
    assert verdict_of(check(2.0), entry(2.5)).message == "the value is clearly off"
    assert verdict_of(check([1.0, 2.0, 3.0]), entry([1.0, 2.0, 30.0])).message == "some entries are far off"
    nested = verdict_of(check({"out": t}), entry({"out": t * 2})).message
    assert nested == "all entries in out are far off"


def test_shape_type_and_structure_mismatches_fail():
    t = torch.zeros(2, 3)
    assert "shape (3, 2)" in verdict_of(check(t), entry(t.T)).message
    assert not verdict_of(check(t), entry(1.0)).passed
    assert not verdict_of(check({"a": 1.0}), entry({"b": 1.0})).passed
    assert not verdict_of(check([1.0, 2.0]), entry([1.0])).passed


def test_type_messages_are_the_right_way_round_in_course_words():
    message = verdict_of(check(1.0), entry(torch.tensor(1.0))).message
    assert message == "expected a Python number, got a tensor (use .item())"
    assert verdict_of(check(torch.zeros(2)), entry(1.0)).message == "expected a tensor, got a number"
    assert verdict_of(check(torch.zeros(2)), entry([0.0, 0.0])).message == "expected a tensor, got a list"
    assert verdict_of(check(1.0), entry("1.0")).message == "expected a Python number, got a string"
    assert verdict_of(check(1.0), entry(None)).message == "expected a Python number, got None"
    assert verdict_of(check(1.0), entry(True)).message == "expected a Python number, got a bool"
    assert verdict_of(check(True), entry(1)).message == "expected a bool, got a number"
    assert verdict_of(check({"a": 1}), entry([1])).message == "expected a dict, got a list"
    assert verdict_of(check((1.0, 2.0)), entry({"a": 1})).message == "expected a list (or tuple), got a dict"
    assert verdict_of(check([torch.zeros(1)]), entry([np.zeros(1, dtype=np.float32)])).passed
    assert verdict_of(check([torch.zeros(2), 1.0]), entry([torch.zeros(2), torch.tensor(1.0)])).message == \
        "expected a Python number in [1], got a tensor (use .item())"
    for message in (verdict_of(check(torch.zeros(2)), entry(x)).message for x in (1.0, "s", None, [1], {"a": 1})):
        assert "ndarray" not in message


def test_nan_fails_when_the_reference_is_finite():
    verdict = verdict_of(check(torch.ones(2)), entry(torch.tensor([1.0, math.nan])))
    assert not verdict.passed and "NaN" in verdict.message
    assert "infinite" in verdict_of(check(torch.ones(2)), entry(torch.tensor([1.0, math.inf]))).message
    assert verdict_of(check(torch.tensor([1.0, math.nan])), entry(torch.tensor([1.0, math.nan]))).passed


def test_nan_and_infinities_cross_the_kernels_strict_json_as_numbers():
    # the real wire: the kernel packs every message as strict JSON (no NaN); a value judged in-process
    # must be judged the same way after it (round 15's standardize records passed in-process only)
    from jupyter_client.session import json_packer

    def wired(value):
        return json.loads(json_packer({"name": "c", "value": encode(value)}))

    with_nan = torch.tensor([[0.5, math.nan], [math.inf, -math.inf]], dtype=torch.float64)
    assert verdict_of(check(with_nan), wired(with_nan.clone())).passed
    assert verdict_of(check(with_nan), wired(with_nan.nan_to_num())).passed is False
    assert verdict_of(check(torch.ones(2)), wired(torch.tensor([1.0, math.nan]))).passed is False
    assert decode(wired({"x": torch.tensor([math.inf], dtype=torch.float16)})["value"])["x"].array[0] == math.inf
    assert math.isnan(decode(wired(torch.tensor([math.nan]))["value"]).array[0])
    assert "NaN" in verdict_of(check(0.0, {"kind": "at_least", "value": 0.7}), wired(math.nan)).message
    assert verdict_of(check({"loss": math.inf}), wired({"loss": math.inf})).passed
    assert not verdict_of(check({"loss": math.inf}), wired({"loss": "inf"})).passed  # a string is not a float


def test_equal_rule_is_exact_and_bounds_use_the_reference_rule():
    assert not verdict_of(check(torch.zeros(3), {"kind": "equal"}), entry(torch.full((3,), 1e-9))).passed
    assert verdict_of(check(0.0, {"kind": "at_least", "value": 0.7}), entry(0.71)).passed
    assert not verdict_of(check(0.0, {"kind": "at_least", "value": 0.7}), entry(0.69)).passed


def test_bounds_do_not_print_the_students_value():
    low = verdict_of(check(0.0, {"kind": "at_least", "value": 0.7}), entry(0.6931))
    assert low.message == "the value is below the required level" and "0.69" not in low.message
    high = verdict_of(check(0.0, {"kind": "at_most", "value": 2.5}), entry(2.5137))
    assert high.message == "the value is above the allowed level"
    assert verdict_of(check(0.0, {"kind": "at_most", "value": 2.5}), entry(torch.tensor(1.0))).message == \
        "expected a Python number, got a tensor (use .item())"
    assert "NaN" in verdict_of(check(0.0, {"kind": "at_least", "value": 0.7}), entry(math.nan)).message


def test_missing_and_raised_outputs_explain_themselves():
    assert "did not reach" in verdict_of(check(1.0), None).message
    assert "raised ValueError" in verdict_of(check(1.0), {"name": "c", "error": "ValueError: bad"}).message
    assert "NotImplementedError" in verdict_of(check(1.0), {"name": "c", "error": "not implemented"}).message


@pytest.mark.parametrize("error, shown", [
    ("ValueError: expected 0.7312 for input [[1, 2]]", "ValueError"),
    ("RuntimeError: mat1 and mat2 shapes cannot be multiplied (4x3 and 5x2)", "RuntimeError"),
    ("OutOfMemoryError: CUDA out of memory", "OutOfMemoryError"),
    ("LinAlgError: Singular matrix", "LinAlgError"),
    ("ZeroDivisionError: division by zero", "ZeroDivisionError"),
    ("HiddenAnswerIs42Error: x", "an exception"),
    ("the hidden input was torch.arange(7)", "an exception"),
    ("ValueError", "an exception"),
    ({"not": "a string"}, "an exception"),
    (None, "an exception"),
])
def test_only_whitelisted_exception_types_are_shown_never_the_message(error, shown):
    message = verdict_of(check(1.0), {"name": "c", "error": error}).message
    assert message == f"your code raised {shown} on the grader's inputs; run the visible check to see the message"


def test_dtype_mismatches_fail_unless_the_rule_allows_any():
    f32 = torch.ones(3)
    assert verdict_of(check(f32), entry(f32.double())).message == "dtype float64, expected float32"
    message = verdict_of(check(f32), entry(f32.long())).message
    assert message == "dtype int64, expected float32 (a floating-point tensor)"
    assert verdict_of(check(f32), entry(f32.bool())).message == "dtype bool, expected float32 (a floating-point tensor)"
    assert verdict_of(check(f32.long()), entry(f32)).message == "dtype float32, expected int64"
    assert verdict_of(check(f32, {"kind": "close", "dtype": "any"}), entry(f32.double())).passed
    assert verdict_of(check(f32.long()), entry(f32.int())).passed          # int32 vs int64: the values decide
    assert verdict_of(check(f32), entry(f32.half())).passed                # encode() records float16 as float32
    assert verdict_of(check({"x": f32}), entry({"x": f32.double()})).message == "dtype float64 in x, expected float32"


@pytest.mark.parametrize("value", [
    {"__tensor__": "float32", "shape": [7], "data": [1.0]},              # shape and data disagree
    {"__tensor__": "float33", "shape": [1], "data": [1.0]},              # unknown dtype
    {"__tensor__": ["float32"], "shape": [1], "data": [1.0]},
    {"__tensor__": "float32", "shape": [-1], "data": [1.0]},
    {"__tensor__": "float32", "shape": [1.0], "data": [1.0]},
    {"__tensor__": "float32", "shape": [True], "data": [1.0]},
    {"__tensor__": "float32", "shape": "1", "data": [1.0]},
    {"__tensor__": "float32", "data": [1.0]},
    {"__tensor__": "float32", "shape": [0, 10**30], "data": []},
    {"__tensor__": "float32", "shape": [1] * 40, "data": [1.0]},
    {"__tensor__": "float32", "shape": [2], "data": [[1.0], [2.0]]},     # not flat
    {"__tensor__": "float32", "shape": [1], "data": ["1.0"]},            # a string where a number belongs
    {"__tensor__": "float32", "shape": [1], "data": [None]},
    {"__tensor__": "float32", "shape": [1], "data": [10**400]},          # beyond float range
    {"__tensor__": "int64", "shape": [1], "data": [math.inf]},
    {"__tensor__": "int64", "shape": [1], "data": ["nan"]},              # NaN's string only in a float tensor
    {"__tensor__": "float32", "shape": [1], "data": ["NaN"]},            # only encode()'s own spelling
    {"__tensor__": "float32", "shape": [2], "data": ["inf", "1e999"]},
    {"__float__": "1.5"},                                                 # only NaN and the infinities
    {"__float__": "nan", "extra": 1},
    {"__float__": math.nan},
    {"__tensor__": "bool", "shape": [1], "data": [2]},
    {"__tensor__": "float32", "shape": [1], "data": [1.0], "extra": 1},
    {"__tensor__": "float32", "shape": [1], "data": {"0": 1.0}},
    10**400,
    [[1.0, 10**400]],
    json.loads("[" * 700 + "]" * 700),                                    # 700 deep
    {"a": json.loads("[" * 40 + "]" * 40)},
])
def test_crafted_values_are_malformed_and_fail_cleanly(value):
    with pytest.raises(MalformedValue):
        decode(value)
    t = torch.ones(7)
    for expected in (t, 1.0, [1.0], {"a": t}):
        verdict = verdict_of(check(expected), raw(value))
        assert not verdict.passed and verdict.message == UNREADABLE


def test_too_many_elements_is_malformed(monkeypatch):
    import labgrader.grade.compare as compare

    monkeypatch.setattr(compare, "MAX_ELEMENTS", 1000)
    with pytest.raises(MalformedValue):
        decode([[0.0] * 600, [0.0] * 600])
    with pytest.raises(MalformedValue):
        decode(encode(torch.zeros(1001)))
    decode(encode(torch.zeros(999)))


def test_a_student_function_returning_a_fake_tensor_dict_fails_its_check():
    # encode() refuses the reserved key, but a hostile kernel writes the JSON by hand
    fake = {"__tensor__": "float32", "shape": [7], "data": [1.0]}
    verdict = verdict_of(check(torch.ones(7)), {"name": "c", "value": fake})
    assert not verdict.passed and verdict.message == UNREADABLE


def test_judge_never_raises_on_odd_entries():
    for odd in ([], "x", 1, {"name": "c"}, {"name": "c", "value": {"__tensor__": None}},
                {"name": "c", "value": float("nan")}, {"name": "c", "error": 1}, {"name": "c", "value": [1, [2, [3]]]}):
        verdict = verdict_of(check(torch.ones(2)), odd)
        assert not verdict.passed and "Traceback" not in verdict.message
    unbounded = HiddenCheck("c", "cell", {"kind": "at_least"}, 1.0, 0.0)  # a rule without its bound
    assert not verdict_of(unbounded, entry(1.0)).passed


def test_decode_keeps_dtype_and_values():
    t = decode(encode(torch.arange(6, dtype=torch.int32).reshape(2, 3)))
    assert isinstance(t, RecordedTensor) and t.dtype == "int32" and t.shape == (2, 3)
    assert t.array.tolist() == [[0, 1, 2], [3, 4, 5]]
    assert decode(encode(torch.tensor([True, False]))).array.dtype == bool
    assert decode(encode({"a": [1, 2.5, None, "s", True]})) == {"a": [1, 2.5, None, "s", True]}
