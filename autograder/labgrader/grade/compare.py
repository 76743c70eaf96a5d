"""Compare a student's recorded outputs with the solution's, in the grader's process.

Records are JSON values published by deeplabs.grading.record (never pickle). The rule and
weight of each check come from the solution's run; the student's file only supplies values.

Those values are hostile input: `decode` accepts only what deeplabs.grading.encode writes
(MalformedValue otherwise) and `verdict_of` never raises. Messages say what kind of thing is wrong
(type, shape, dtype, NaN, roughly how many entries and roughly how far off) but never the
expected values, a distance or a position: a number to climb on would be an oracle. Of an
exception raised in the student's kernel only the type is shown, and only a well-known one.
"""
from __future__ import annotations

import builtins
import math
import re
from dataclasses import dataclass

import numpy as np

from deeplabs.protocol import FLOAT_KEY, NON_FINITE, TENSOR_KEY



@dataclass
class HiddenCheck:
    """One hidden check of a test cell: its rule, weight and expected value, from the solution's run.
    Not a visible check (deeplabs.checks: what students run and see) nor `labgrader check` (the
    command that prints a notebook's visible-check table)."""
    name: str
    cell: str | None          # grade_id of the test cell that recorded it (solution's run)
    rule: dict
    weight: float
    expected: object
    guessable: bool = False   # same expected value under another seed: credited only with the rest
    hint: str | None = None   # the author's hint, shown when the check fails


@dataclass
class Verdict:
    name: str
    passed: bool
    message: str
    weight: float


# --- decoding: a student's kernel wrote these values, so every field is checked -------------

MAX_DEPTH = 32            # containers inside containers
MAX_ELEMENTS = 5_000_000  # numbers and container items in one recorded value
MAX_DIMS = 32
FLOAT_DTYPES = frozenset({"float16", "bfloat16", "float32", "float64", "float8_e4m3fn", "float8_e5m2"})
INT_DTYPES = frozenset({"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"})
DTYPES = FLOAT_DTYPES | INT_DTYPES | {"bool"}
_NUMBER_TYPES = (int, float)
_NON_FINITE = dict(zip(NON_FINITE, (math.nan, math.inf, -math.inf)))  # how encode() writes them


class MalformedValue(ValueError):
    """A recorded value that is not something deeplabs.grading.encode can have written."""


@dataclass(frozen=True, eq=False)
class RecordedTensor:
    """A tensor from a record: its dtype name and its values (float64, or bool)."""
    dtype: str
    array: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return self.array.shape


def _number(x) -> float | int:
    if isinstance(x, bool) or not isinstance(x, _NUMBER_TYPES):
        raise MalformedValue(f"not a number: {type(x).__name__}")
    if isinstance(x, int):
        try:
            float(x)
        except OverflowError:
            raise MalformedValue("an integer beyond the range of a float") from None
    return x


def _decode_tensor(value: dict, budget: list[int]) -> RecordedTensor:
    if set(value) - {TENSOR_KEY, "shape", "data"}:
        raise MalformedValue("a tensor record with extra fields")
    dtype, shape, data = value.get(TENSOR_KEY), value.get("shape"), value.get("data")
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise MalformedValue("a tensor record with an unknown dtype")
    if not isinstance(shape, list) or len(shape) > MAX_DIMS or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_ELEMENTS for n in shape):
        raise MalformedValue("a tensor record with an invalid shape")
    if not isinstance(data, list):
        raise MalformedValue("a tensor record without a data list")
    budget[0] -= len(data)
    if budget[0] < 0:
        raise MalformedValue("a recorded value with too many elements")
    if math.prod(shape) != len(data):
        raise MalformedValue("a tensor record whose shape does not match its data")
    if dtype == "bool":
        if not all(type(x) is bool for x in data):
            raise MalformedValue("a bool tensor with non-bool data")
        array = np.array(data, dtype=bool)
    else:
        if dtype in FLOAT_DTYPES and any(type(x) is str for x in data):
            # encode() writes NaN and the infinities as these strings: JSON has no such numbers
            if not all(type(x) in _NUMBER_TYPES or (type(x) is str and x in _NON_FINITE) for x in data):
                raise MalformedValue("a tensor record with data that are not numbers")
            data = [_NON_FINITE[x] if type(x) is str else x for x in data]
        if not all(type(x) in _NUMBER_TYPES for x in data):   # exact types: no bool, str, list
            raise MalformedValue("a tensor record with data that are not numbers")
        try:
            array = np.array(data, dtype=np.float64)
        except (OverflowError, ValueError, TypeError):
            raise MalformedValue("a tensor record with numbers beyond the range of a float") from None
        if dtype in INT_DTYPES and not np.isfinite(array).all():
            raise MalformedValue("an integer tensor with non-finite data")
    return RecordedTensor(dtype, array.reshape(shape))


def _decode(value, depth: int, budget: list[int]):
    if depth > MAX_DEPTH:
        raise MalformedValue("a recorded value nested too deeply")
    if isinstance(value, dict):
        if TENSOR_KEY in value:
            return _decode_tensor(value, budget)
        if FLOAT_KEY in value:  # a float strict JSON cannot hold
            if len(value) != 1 or type(value[FLOAT_KEY]) is not str or value[FLOAT_KEY] not in _NON_FINITE:
                raise MalformedValue("a float record that is not NaN or an infinity")
            return _NON_FINITE[value[FLOAT_KEY]]
        budget[0] -= len(value)
        if budget[0] < 0:
            raise MalformedValue("a recorded value with too many elements")
        return {k: _decode(v, depth + 1, budget) for k, v in value.items() if isinstance(k, str)}
    if isinstance(value, list):
        budget[0] -= len(value)
        if budget[0] < 0:
            raise MalformedValue("a recorded value with too many elements")
        return [_decode(v, depth + 1, budget) for v in value]
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, _NUMBER_TYPES):
        return _number(value)
    raise MalformedValue(f"a recorded value of type {type(value).__name__}")


def decode(value):
    """A recorded (JSON) value with tensors as RecordedTensor; MalformedValue if it is not
    something encode() writes (unknown dtype, shape/data mismatch, non-numbers, too deep/big)."""
    return _decode(value, 0, [MAX_ELEMENTS])


# --- comparing: messages say what is wrong, never by how much or where --------------------

def kind_of(value) -> str:
    """A value's type in the course's words."""
    if isinstance(value, RecordedTensor):
        return "tensor"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, _NUMBER_TYPES):
        return "number"
    return {str: "string", list: "list", dict: "dict"}.get(type(value), type(value).__name__)


def _a(kind: str) -> str:
    return kind if kind == "None" else f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _dtype_family(dtype: str) -> str:
    return "float" if dtype in FLOAT_DTYPES else "bool" if dtype == "bool" else "int"


def _dtype_mismatch(expected: RecordedTensor, actual: RecordedTensor, rule: dict, where: str) -> str | None:
    if rule.get("dtype") == "any" or expected.dtype == actual.dtype:
        return None
    e, a = _dtype_family(expected.dtype), _dtype_family(actual.dtype)
    if e == "float" and a == "float":
        return f"dtype {actual.dtype}{where}, expected {expected.dtype}"
    if e == "float" or a == "float":
        hint = " (a floating-point tensor)" if e == "float" else ""
        return f"dtype {actual.dtype}{where}, expected {expected.dtype}{hint}"
    return None  # int vs int, int vs bool: the values decide


def _all_numbers(values: list) -> bool:
    return all(isinstance(v, _NUMBER_TYPES) and not isinstance(v, bool) for v in values)


def _mismatch(expected, actual, rule: dict, path: str) -> str | None:
    """None when equal under the rule, else a short reason (never the expected values)."""
    where = f" in {path}" if path else ""
    got = _a(kind_of(actual))
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"expected a dict{where}, got {got}"
        if set(actual) != set(expected):
            return f"expected a dict with keys {sorted(expected)}{where}"
        for key in expected:
            reason = _mismatch(expected[key], actual[key], rule, f"{path}.{key}" if path else key)
            if reason:
                return reason
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"expected a list (or tuple){where}, got {got}"
        if len(actual) != len(expected):
            return f"expected a list of length {len(expected)}{where}, got length {len(actual)}"
        if expected and _all_numbers(expected) and _all_numbers(actual):  # numbers: judged as a whole
            return _numbers_differ(np.asarray(expected, float), np.asarray(actual, float), rule, where)
        for i, (e, a) in enumerate(zip(expected, actual)):
            reason = _mismatch(e, a, rule, f"{path}[{i}]")
            if reason:
                return reason
        return None
    if isinstance(expected, RecordedTensor):
        if not isinstance(actual, RecordedTensor):
            return f"expected a tensor{where}, got {got}"
        if expected.shape != actual.shape:
            return f"shape {tuple(actual.shape)}{where}, expected {tuple(expected.shape)}"
        return (_dtype_mismatch(expected, actual, rule, where)
                or _numbers_differ(expected.array, actual.array, rule, where))
    if isinstance(expected, _NUMBER_TYPES) and not isinstance(expected, bool):
        if isinstance(actual, RecordedTensor):
            return f"expected a Python number{where}, got a tensor (use .item())"
        if not isinstance(actual, _NUMBER_TYPES) or isinstance(actual, bool):
            return f"expected a Python number{where}, got {got}"
        return _numbers_differ(np.asarray(expected, float), np.asarray(actual, float), rule, where)
    if kind_of(expected) != kind_of(actual):
        return f"expected {_a(kind_of(expected))}{where}, got {got}"
    if expected != actual:
        return f"the value{where} is not what was expected"
    return None


def _share(off: np.ndarray) -> str:
    """How many entries are off, in words (never a count or a position)."""
    share = float(off.mean())
    return "all" if share >= 1 else "most" if share > 0.5 else "some" if share > 0.1 else "a few"


def _how_far(exp: np.ndarray, act: np.ndarray, off: np.ndarray, atol: float) -> str:
    """How far the off entries are, relative to the expected values' size, in coarse words."""
    with np.errstate(all="ignore"):
        rel = np.abs(act[off] - exp[off]) / (np.abs(exp[off]) + max(atol, 1e-12))
    worst = float(np.nanmax(rel)) if rel.size and not np.isnan(rel).all() else math.inf
    if worst < 1e-2:
        return "slightly off (a precision or rounding difference?)"
    return "clearly off" if worst < 0.5 else "far off"


def _numbers_differ(expected: np.ndarray, actual: np.ndarray, rule: dict, where: str) -> str | None:
    exp, act = np.asarray(expected, float), np.asarray(actual, float)
    single = exp.size == 1
    if rule.get("kind") == "equal":
        off = ~((exp == act) | (np.isnan(exp) & np.isnan(act)))
        if not off.any():
            return None
        return (f"the value{where} is not exactly as expected" if single else
                f"{_share(off)} entries{where} are not exactly as expected")
    rtol, atol = float(rule.get("rtol", 1e-4)), float(rule.get("atol", 1e-5))
    if np.isnan(act).any() and not np.isnan(exp).any():
        return f"NaN{where} (check for division by zero or overflow)"
    if np.isinf(act).any() and not np.isinf(exp).any():
        return f"infinite values{where} (check for overflow or division by zero)"
    with np.errstate(all="ignore"):
        off = ~np.isclose(act, exp, rtol=rtol, atol=atol, equal_nan=True)
    if not off.any():
        return None
    far = _how_far(exp, act, off, atol)
    return f"the value{where} is {far}" if single else f"{_share(off)} entries{where} are {far}"


# exception types a student may see by name (never the message: it can quote hidden inputs)
SHOWN_EXCEPTIONS = frozenset(
    {name for name, obj in vars(builtins).items() if isinstance(obj, type) and issubclass(obj, BaseException)}
    | {"OutOfMemoryError", "torch.OutOfMemoryError", "LinAlgError", "numpy.linalg.LinAlgError", "AxisError",
       "numpy.exceptions.AxisError", "torch.cuda.OutOfMemoryError"})
_EXCEPTION = re.compile(r"([A-Za-z_][A-Za-z0-9_.]{0,80}):")


def _raised(error) -> str:
    match = _EXCEPTION.match(error) if isinstance(error, str) else None
    name = match.group(1) if match and match.group(1) in SHOWN_EXCEPTIONS else None
    what = name or "an exception"
    return f"your code raised {what} on the grader's inputs; run the visible check to see the message"


def _verdict_of(check: HiddenCheck, entry) -> Verdict:
    def fail(message: str) -> Verdict:
        return Verdict(check.name, False, message, check.weight)

    if entry is None:
        return fail("no output recorded: the test cell did not reach this check "
                    "(an earlier error, a timeout, or the cell was not run)")
    if not isinstance(entry, dict):
        return fail(UNREADABLE)
    if "error" in entry:
        error = entry["error"]
        if error == "not implemented":
            return fail("not answered yet (the code still raises NotImplementedError)")
        if isinstance(error, str) and error.startswith("output too large"):
            return fail("the output was too large to record (a check's output is a few tensors)")
        return fail(_raised(error))
    actual = decode(entry.get("value"))
    kind = check.rule.get("kind", "close")
    if kind in ("at_least", "at_most"):
        bound = float(check.rule["value"])
        if isinstance(actual, RecordedTensor):
            return fail("expected a Python number, got a tensor (use .item())")
        if not isinstance(actual, _NUMBER_TYPES) or isinstance(actual, bool):
            return fail(f"expected a Python number, got {_a(kind_of(actual))}")
        if math.isnan(actual):
            return fail("the value is NaN (check for division by zero or overflow)")
        ok = actual >= bound if kind == "at_least" else actual <= bound
        if ok:
            return Verdict(check.name, True, "", check.weight)
        return fail("the value is below the required level" if kind == "at_least"
                    else "the value is above the allowed level")
    reason = _mismatch(decode(check.expected), actual, check.rule, "")
    if reason and check.hint:
        reason = f"{reason}. Hint: {check.hint}"
    return Verdict(check.name, reason is None, reason or "", check.weight)


UNREADABLE = "the recorded output could not be read"


def verdict_of(check: HiddenCheck, entry: dict | None) -> Verdict:
    """Pass or fail one check; never raises (a value no encoder writes fails the check)."""
    try:
        return _verdict_of(check, entry)
    except Exception:  # MalformedValue, or anything else a crafted value provokes
        return Verdict(check.name, False, UNREADABLE, check.weight)
