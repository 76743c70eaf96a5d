"""The kernel side of grading: record outputs for inputs the grader chooses.

A hidden test cell calls

    record("dense/forward", lambda g: layer_output(torch.randn(4, 3, generator=g)))

Outside grading this does nothing. While `labgrader grade` runs a notebook it sets
$DEEPLABS_GRADER (records on) and $DEEPLABS_GRADER_SEED (the course's secret seed). `record`
seeds every RNG from that seed and the check's name, calls the function with a seeded
torch.Generator and publishes the *output* as a display message of type RECORD_MIME (plain
JSON, never pickle). The grader's runner, outside the sandbox, takes those messages off the
cell that is running — so it knows which cell produced which record — and the grader
compares them in its own process with the solution notebook's run under the same seed.

Nothing here is trusted: the student's code runs in the same interpreter and can replace
this module. The grader only credits values that depend on its secret seed (see
docs/grading.md, "Threat model"), so a forged record has to be the correct output anyway.

`rule` tells the grader how to compare (it reads the rule from the solution's run, never
from the student's): {"kind": "close", "rtol": .., "atol": ..} (default), {"kind": "equal"},
{"kind": "at_least", "value": x}, {"kind": "at_most", "value": x}. Add "gated": True to a rule
whose check an answer that computes nothing passes too (KEPT_AS_GIVEN): the grader then credits it
only when the cell's seed-dependent checks pass. `hint` is shown to the student when the check
fails: say what to look at, never the answer.
"""
from __future__ import annotations

import inspect
import json
import math
import os
import zlib
from typing import Any, Callable

import numpy as np
import torch

from .protocol import ACTIVE_ENV, FLOAT_KEY, MAX_RECORD_BYTES, RECORD_MIME, SEED_ENV, TENSOR_KEY
from .seeding import seed_everything

# The rule of a check that a function which does nothing passes as well (what handed_back finds, the
# global generator left untouched): compared exactly, credited only together with its cell's other checks.
KEPT_AS_GIVEN = {"kind": "equal", "gated": True}


def _set_deterministic(on: bool) -> None:
    torch.use_deterministic_algorithms(on, warn_only=True)


def _set_cudnn(name: str) -> Callable[[bool], None]:
    return lambda on: setattr(torch.backends.cudnn, name, on)


# PyTorch's global switches a lab function must leave as its caller set them: (name, read, set, default).
# record() starts every case with each at its default; handed_back reports any the call changed.
SWITCHES: tuple[tuple[str, Callable[[], Any], Callable[[Any], None], Any], ...] = (
    ("anomaly_detection", torch.is_anomaly_enabled, torch.autograd.set_detect_anomaly, False),
    ("deterministic_algorithms", torch.are_deterministic_algorithms_enabled, _set_deterministic, False),
    ("cudnn_benchmark", lambda: torch.backends.cudnn.benchmark, _set_cudnn("benchmark"), False),
    ("cudnn_deterministic", lambda: torch.backends.cudnn.deterministic, _set_cudnn("deterministic"), False),
    ("float32_matmul_precision", torch.get_float32_matmul_precision, torch.set_float32_matmul_precision, "highest"),
)
# The switches handed_back(..., flipped=True) turns the other way for a second call (the matmul precision
# stays: on some CPUs "high" changes what a right answer computes).
FLIPPED = {"anomaly_detection": True, "deterministic_algorithms": True, "cudnn_benchmark": True,
           "cudnn_deterministic": True}


def _switches_now() -> dict[str, Any]:
    return {name: read() for name, read, _, _ in SWITCHES}


def _set_switches(values: dict[str, Any]) -> None:
    for name, _, write, _ in SWITCHES:
        if name in values:
            write(values[name])


def _switch_defaults() -> dict[str, Any]:
    return {name: default for name, _, _, default in SWITCHES}


def _saved_switches() -> tuple[dict[str, Any], bool]:
    return _switches_now(), torch.is_deterministic_algorithms_warn_only_enabled()


def _restore_switches(saved: tuple[dict[str, Any], bool]) -> None:
    values, warn_only = saved
    _set_switches(values)
    torch.use_deterministic_algorithms(values["deterministic_algorithms"], warn_only=warn_only)


def _json_number(x: float) -> float | str:
    # strict JSON (the kernel's messages) has no NaN or infinity: without this, jupyter_client's
    # deprecated fallback turns them into strings the grader cannot tell from a student's string
    return x if math.isfinite(x) else repr(x)  # 'nan', 'inf', '-inf' (protocol.NON_FINITE)


def encode(value: Any) -> Any:
    """Turn tensors, arrays and containers into strict JSON data (no pickle, ever). NaN and the
    infinities are written 'nan', 'inf' and '-inf': in a tensor's data as they are, a float alone
    as {FLOAT_KEY: 'nan'}."""
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu()
        if t.is_complex():
            t = t.real
        if t.dtype in (torch.bfloat16, torch.float16):  # half precision compares as float32
            t = t.float()
        data = t.reshape(-1).tolist()
        if t.is_floating_point() and not bool(torch.isfinite(t).all()):
            data = [_json_number(x) for x in data]
        return {TENSOR_KEY: str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "data": data}
    if isinstance(value, np.ndarray):
        return encode(torch.from_numpy(np.ascontiguousarray(value)))
    if isinstance(value, (np.generic,)):
        return encode(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else {FLOAT_KEY: _json_number(value)}
    if isinstance(value, (bool, int, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        for reserved in (TENSOR_KEY, FLOAT_KEY):
            if reserved in value:
                raise TypeError(f"cannot record a dict with the reserved key '{reserved}'")
        return {str(k): encode(v) for k, v in value.items()}
    raise TypeError(f"cannot record a value of type {type(value).__name__}")


def defaults_of(*functions: Callable, ignore: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    """{function: {parameter: default}} of each signature, for a hidden check that the given
    signature's defaults were kept: later cells (and the grader) call with them left out.

    Numbers compare as floats (10000 and 10000.0 are the same default); a default that is no plain
    value (a device, a function) by its name or str(). Parameters in `ignore` are left out: a default
    that cannot change a result (a batch size of an evaluation) is the student's to choose.
    """
    out: dict[str, dict[str, Any]] = {}
    for function in functions:
        found = {}
        for name, parameter in inspect.signature(function).parameters.items():
            if parameter.default is inspect.Parameter.empty or name in ignore:
                continue
            value = parameter.default
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = float(value)
            elif not (value is None or isinstance(value, (bool, str))):
                value = getattr(value, "__name__", None) or str(value)
            found[name] = value
        out[function.__qualname__.rsplit("<locals>.", 1)[-1]] = found
    return out


def grading() -> bool:
    return bool(os.environ.get(ACTIVE_ENV))


def case_seed(name: str) -> int:
    return (int(os.environ.get(SEED_ENV, "0")) ^ zlib.crc32(name.encode())) % 2**31


def _publish(entry: dict) -> None:
    from IPython.display import display

    display({RECORD_MIME: entry}, raw=True)


def record(name: str, fn: Callable[[torch.Generator], Any], rule: dict | None = None,
           weight: float = 1.0, hint: str | None = None) -> dict | None:
    """Run `fn(generator)` and publish its output for the grader (no-op when not grading).

    Every case starts from the same state whatever ran before it: torch seeded from the case's name,
    gradient tracking on, every switch of SWITCHES at its default and float32 the default dtype (an answer that left one
    of them switched loses points in its own exercise, through handed_back, not in every later one);
    the notebook's own grad mode and switches are back as they were afterwards."""
    if not grading():
        return None
    seed = case_seed(name)
    seed_everything(seed)
    switches_given = _saved_switches()
    _set_switches(_switch_defaults())
    torch.set_default_dtype(torch.float32)
    entry: dict[str, Any] = {"name": name, "rule": rule or {"kind": "close"}, "weight": weight}
    if hint:
        entry["hint"] = hint
    try:
        with torch.enable_grad():
            entry["value"] = encode(fn(torch.Generator().manual_seed(seed)))
    except NotImplementedError:
        entry["error"] = "not implemented"
    except Exception as err:  # the grader reports its type; the notebook goes on
        entry["error"] = f"{type(err).__name__}: {err}"[:500]
    finally:
        _restore_switches(switches_given)  # the notebook's own settings, whatever the case's code left
    if len(json.dumps(entry, allow_nan=False)) > MAX_RECORD_BYTES:
        entry = {k: v for k, v in entry.items() if k != "value"}
        entry["error"] = "OutputTooLarge: the recorded output is too large"
    _publish(entry)
    return entry


def handed_back(call: Callable[[], Any], model: torch.nn.Module | None = None, tensors: tuple = (),
                global_seed: int = 0, held_grads: bool = True, stream: str = "exact",
                caller_grad: bool = True, flipped: bool = False) -> dict[str, Any]:
    """Run `call()` as a caller would and describe what the caller finds afterwards, for a hidden check
    of the labs' rule "what your functions may change" (every lab's introduction states it).

    Recorded: whether each of `tensors` kept its values, dtype and device; the model's train/eval mode
    per module, each parameter's dtype, device and requires_grad and, with `held_grads`, whether the
    .grad the caller held is still there (large on purpose: a backward() inside only adds a little;
    a zero_grad() or a reassignment is seen; leave it off for functions that train); whether gradient
    tracking is still as the caller had it (on, or off with caller_grad=False: the call is then made
    inside torch.no_grad(), as an evaluation is); whether every switch of SWITCHES (anomaly detection,
    deterministic algorithms, the cuDNN flags, the float32 matmul precision) is still at its default and
    the default dtype still float32; with `flipped`, whether they stay as set in a second call made with
    the switches of FLIPPED turned the other way (a function that sets one to its default, "off for
    speed", is seen only then; the second call's result and errors are not recorded); and what
    torch's global generator, seeded with `global_seed` just before the call, draws next (a reseed
    inside the call shows; a function that draws from it as its exercise says draws the same amount
    in every right answer). Where right answers may draw different amounts
    (a DataLoader draws a seed per epoch), stream="not_reseeded" calls twice, after two different seeds,
    and records only whether what the generator draws next still depends on the caller's seed.
    The call's own result is left to other records. Record it with rule=KEPT_AS_GIVEN: a function
    that does nothing hands everything back as well, so this check earns points only with the rest.
    """
    before = [(t.detach().clone(), t.dtype, t.device) for t in tensors]
    params = list(model.parameters()) if model is not None else []
    grads_given = []
    if held_grads:
        fill = torch.Generator().manual_seed(global_seed)
        for p in params:
            p.grad = 1e6 * torch.randn(p.shape, generator=fill, dtype=p.dtype).to(p.device)
            grads_given.append(p.grad.clone())
    grad_mode, switches_given = torch.is_grad_enabled(), _saved_switches()
    default_dtype = torch.get_default_dtype()
    try:
        draws = []
        torch.set_grad_enabled(caller_grad)
        _set_switches(_switch_defaults())
        torch.set_default_dtype(torch.float32)
        for offset in ((0,) if stream == "exact" else (0, 1)):
            torch.manual_seed(global_seed + offset)
            call()
            draws.append(torch.rand(3, dtype=torch.float64))
        found: dict[str, Any] = {"gradient_tracking_still_on" if caller_grad else "gradient_tracking_still_off":
                                 torch.is_grad_enabled() == caller_grad,
                                 "default_dtype_still_float32": torch.get_default_dtype() == torch.float32,
                                 "switches_still_at_their_defaults": {name: value == default for (name, value), default
                                                                      in zip(_switches_now().items(),
                                                                                 _switch_defaults().values())}}
    finally:
        torch.set_grad_enabled(grad_mode)
        _restore_switches(switches_given)
        torch.set_default_dtype(default_dtype)
    if stream == "exact":
        found["global_generator_next_draws"] = draws[0]
    else:
        found["global_generator_follows_the_callers_seed"] = not torch.equal(draws[0], draws[1])
    found["tensors_kept"] = [t.dtype == dtype and t.device == device and torch.equal(t.detach(), value)
                             for t, (value, dtype, device) in zip(tensors, before)]
    if model is not None:
        found["train_modes"] = [m.training for m in model.modules()]
        found["parameters"] = [[str(p.dtype), p.device.type, p.requires_grad] for p in model.parameters()]
    if grads_given:
        found["held_grads_kept"] = all(
            p.grad is not None and p.grad.shape == b.shape and p.grad.dtype == b.dtype
            and p.grad.device == b.device and torch.allclose(p.grad, b, rtol=0, atol=1e3)
            for p, b in zip(params, grads_given))
    if flipped:  # last: the second call may change what the lines above read
        found["switches_kept_when_flipped"] = _kept_when_flipped(call, caller_grad)
    return found


def _kept_when_flipped(call: Callable[[], Any], caller_grad: bool) -> dict[str, bool]:
    # call() once more with FLIPPED's switches turned the other way (gradient tracking as in the first
    # call: a training function under no_grad would stop early); which stay so
    grad_mode, switches_given = torch.is_grad_enabled(), _saved_switches()
    turned = {**_switch_defaults(), **FLIPPED}
    try:
        torch.set_grad_enabled(caller_grad)
        _set_switches(turned)
        try:
            call()
        except Exception:  # noqa: BLE001 - only the switches are looked at, not the second call's result
            pass
        return {name: _switches_now()[name] == value for name, value in turned.items()}
    finally:
        torch.set_grad_enabled(grad_mode)
        _restore_switches(switches_given)
