"""Proofs of a blind round: every wrong answer behaves differently from a right one, and every right
answer passes its exercise's visible check. Each round's prove script holds only its probes.

    .venv/bin/python benchmarks/blind/round3/prove.py [lab/notebook ...] [--train-mutants]

A round folder holds <lab>/<notebook>.py answer files (MUTANTS and CORRECT by answer grade id, in
tests/mutants' format) and a prove script that calls `main(HERE, PROBES, argv)`:

    PROBES = {"01_music_rnn/01_pytorch_primer": {"ex1_tensors": probe_tensors, ...}, ...}

A probe `probe(ns, out)` runs the answer cell's functions (found in `ns`, the notebook's setup
cells plus the answers) on small inputs the notebook's instructions cover and stores what it sees
in `out[name] = value`: results, arguments after the call, model modes, generator states, calls a
spy counted. Values are copied when stored (a tensor changed in place later keeps the stored
value); `attempt(fn, ...)` turns an exception into an observation. Torch is seeded before each probe.

For each exercise the driver runs CORRECT[0] twice (the probe must be deterministic), runs each
CORRECT answer's visible check (the check_*() calls of its test cell, as students see them), and
proves each MUTANT: at least one observation differs from CORRECT[0]'s. CORRECT[1:] are compared
for information only (a style may draw random numbers in another order). Whether each mutant
passes the visible check is printed too (information; for exercises whose visible check needs a
training run, only with --train-mutants). Exits 1 when a correct answer fails its visible check,
a mutant does not differ, or an exercise has fewer than 4 mutants or 2 correct answers.

Nothing here reads solutions/' answers or the hidden checks: tests.adapters builds the namespace
from the source notebook's setup cells and the answers given, and reads only the visible part of
the test cells.
"""
from __future__ import annotations

import importlib.util
import io
import math
import os
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import ModuleType

os.environ.setdefault("DEEPLABS_MODE", "fast")
os.environ.setdefault("DEEPLABS_DEVICE", "cpu")
os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parents[2]
BLIND = Path(__file__).resolve().parent
for path in (REPO, REPO / "autograder", REPO / "helpers"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
warnings.filterwarnings("ignore")

import torch  # noqa: E402
from torch import nn  # noqa: E402

from deeplabs.checks.report import run_check  # noqa: E402
from benchmarks.blind import visible_runs  # noqa: E402
from benchmarks.blind.answers import load_answers  # noqa: E402
from tests.adapters import notebook_namespace, visible_checks, with_answer  # noqa: E402

torch.set_num_threads(1)  # a shared 2-core machine; proofs do not need speed

Probe = Callable[[dict, dict], None]
# A visible check that needs more than the test cell (a training run): (ns, name, gid) -> names to add
# to the namespace and the check call to run, or None for the test cell's own call (visible_runs.py).
Context = Callable[[dict, str, str], "tuple[dict, str] | None"]


# ----------------------------------------------------------------------------- observing
def quiet(fn, *args, **kwargs):
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        return fn(*args, **kwargs)


class Raised:
    """An exception as an observation: two answers that raise the same kind agree."""

    def __init__(self, err: BaseException):
        self.kind = type(err).__name__
        self.message = str(err).splitlines()[0][:80] if str(err) else ""

    def __eq__(self, other):
        return isinstance(other, Raised) and other.kind == self.kind

    def __repr__(self):
        return f"raised {self.kind}({self.message})"


def attempt(fn, *args, **kwargs):
    """fn's result, or Raised(the exception): a crash is an observable too."""
    try:
        return quiet(fn, *args, **kwargs)
    except Exception as err:  # noqa: BLE001
        return Raised(err)


def snap(value):
    """A comparable copy: tensors detached and cloned with their shape, dtype, device and grad flag."""
    if isinstance(value, torch.Tensor):
        return ("tensor", tuple(value.shape), str(value.dtype), value.device.type, bool(value.requires_grad),
                None if value.device.type == "meta" else value.detach().cpu().clone())
    if isinstance(value, dict):
        return {k: snap(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(snap(v) for v in value)
    if isinstance(value, nn.Module):
        return ("module", type(value).__name__)
    return value


class Recorder(dict):
    """The `out` a probe writes to: it copies what it is given at once."""

    def __setitem__(self, key, value):
        super().__setitem__(key, snap(value))


def observe(probe: Probe, ns: dict) -> dict:
    torch.manual_seed(0)
    out = Recorder()
    try:
        quiet(probe, ns, out)
    except Exception as err:  # noqa: BLE001 - an answer that breaks the probe itself is observed too
        out["<probe>"] = Raised(err)
    return dict(out)


def _is_tensor(v) -> bool:
    return isinstance(v, tuple) and len(v) == 6 and v[0] == "tensor"


def differences(a, b, path="", atol=1e-5, rtol=1e-4) -> list[str]:
    """Where two observations differ, one line each (empty when they agree)."""
    if _is_tensor(a) and _is_tensor(b):
        if a[1:5] != b[1:5]:
            return [f"{path}: shape/dtype/device/grad {a[1:5]} vs {b[1:5]}"]
        ta, tb = a[5], b[5]
        if ta is None:
            return []
        if ta.dtype == torch.bool or not (ta.is_floating_point() or ta.is_complex()):
            return [] if torch.equal(ta, tb) else [f"{path}: values differ"]
        ta, tb = ta.double(), tb.double()
        close = torch.isclose(ta, tb, rtol=rtol, atol=atol, equal_nan=True)
        if bool(close.all()):
            return []
        gap = (ta - tb).abs().nan_to_num(nan=float("inf"))[~close].max().item()
        return [f"{path}: values differ (max gap {gap:.3g})"]
    if type(a) is not type(b):
        return [f"{path}: {type(a).__name__} {str(a)[:40]!r} vs {type(b).__name__} {str(b)[:40]!r}"]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                out.append(f"{path}.{k}: missing on one side")
            else:
                out += differences(a[k], b[k], f"{path}.{k}", atol, rtol)
        return out
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return [f"{path}: length {len(a)} vs {len(b)}"]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, f"{path}[{i}]", atol, rtol)
        return out
    if isinstance(a, float):
        if math.isnan(a) and math.isnan(b):
            return []
        return [] if math.isclose(a, b, rel_tol=rtol, abs_tol=atol) else [f"{path}: {a:.6g} vs {b:.6g}"]
    return [] if a == b else [f"{path}: {str(a)[:50]!r} vs {str(b)[:50]!r}"]


# ----------------------------------------------------------------------------- the driver
def visible_check(ns: dict, name: str, gid: str, context: Context | None) -> tuple[bool, str]:
    try:
        extra = quiet(context, ns, name, gid) if context else None
    except Exception as err:  # noqa: BLE001 - a training run the answer breaks is a failed check
        return False, f"the training run the check reads raised {type(err).__name__}: {err}"[:200]
    if extra is None:
        call = visible_checks(name)[gid]
    else:
        names, call = extra
        ns = dict(ns, **names)
    torch.manual_seed(0)
    result = quiet(run_check, gid, 1, call, dict(ns))
    return result.passed, result.message


def prove(folder: Path, name: str, probes: dict[str, Probe], context: Context | None,
          needs_training: set[str], train_mutants: bool) -> list[str]:
    module = load_answers(folder, name)
    problems = []
    if not set(module.MUTANTS) == set(module.CORRECT) == set(probes):
        return [f"{name}: grade ids of MUTANTS, CORRECT and the probes differ: "
                f"{sorted(set(module.MUTANTS) ^ set(probes))} {sorted(set(module.CORRECT) ^ set(probes))}"]
    started = time.perf_counter()
    ns = quiet(notebook_namespace, name, {gid: entries[0][1] for gid, entries in module.CORRECT.items()})
    print(f"\n=== {name}: namespace built in {time.perf_counter() - started:.1f} s")
    for gid, probe in probes.items():
        t0 = time.perf_counter()
        print(f"-- {gid}")
        if len(module.MUTANTS[gid]) < 4 or len(module.CORRECT[gid]) < 2:
            problems.append(f"{name} {gid}: {len(module.MUTANTS[gid])} mutants, {len(module.CORRECT[gid])} correct")
        reference = None
        for i, (label, source) in enumerate(module.CORRECT[gid]):
            ns_c = with_answer(ns, name, gid, source)
            ok, why = visible_check(ns_c, name, gid, context)
            seen = observe(probe, ns_c)
            if i == 0:
                again = differences(seen, observe(probe, with_answer(ns, name, gid, source)))
                if again:
                    problems.append(f"{name} {gid}: the probe is not deterministic: {again[:3]}")
                reference, agree = seen, ""
            else:
                other = differences(reference, seen)
                agree = (f"; (info) differs from CORRECT[0]: {' / '.join(other[:2])}" if other
                         else "; agrees with CORRECT[0] on every observation")
            print(f"   correct {label!r}: visible check {'passes' if ok else 'FAILS: ' + why}{agree}")
            if not ok:
                problems.append(f"{name} {gid}: correct answer {label!r} fails its visible check: {why}")
        for label, source in module.MUTANTS[gid]:
            try:
                ns_m = quiet(with_answer, ns, name, gid, source)
            except Exception as err:  # noqa: BLE001 - a cell that does not even run differs
                print(f"   mutant {label!r}: the cell raises {type(err).__name__} when run")
                continue
            diff = differences(reference, observe(probe, ns_m))
            if gid in needs_training and not train_mutants:
                shown = "visible check not run: it needs a training run (--train-mutants)"
            else:
                shown = ("passes the visible check" if visible_check(ns_m, name, gid, context)[0]
                         else "caught by the visible check")
            print(f"   mutant {label!r}: {'DIFFERS' if diff else 'NO DIFFERENCE'} ({shown})")
            for line in diff[:2]:
                print(f"      {line}")
            if not diff:
                problems.append(f"{name} {gid}: mutant {label!r} behaves like CORRECT[0] on every observation")
        print(f"   ({time.perf_counter() - t0:.1f} s)")
    return problems


def main(folder: Path, probes: dict[str, dict[str, Probe]], argv: list[str], *,
         context: Context | None = visible_runs.context,
         needs_training: dict[str, set[str]] | None = visible_runs.NEEDS_TRAINING) -> int:
    """Prove the notebooks named in argv (default: every notebook of `probes`); 0 when all hold.
    `context` and `needs_training` default to benchmarks/blind/visible_runs.py's training runs."""
    train_mutants = "--train-mutants" in argv
    names = [a for a in argv if not a.startswith("--")] or list(probes)
    problems = []
    for name in names:
        try:
            problems += prove(folder, name, probes[name], context, (needs_training or {}).get(name, set()),
                              train_mutants)
        except Exception:  # noqa: BLE001
            traceback.print_exc()
            problems.append(f"{name}: the proof crashed")
    print("\n" + ("all mutants differ and every correct answer passes its visible check" if not problems
                  else "PROBLEMS:\n  " + "\n  ".join(problems)))
    return 1 if problems else 0


def from_thunks(probe: Callable[[dict], list]) -> Probe:
    """A probe written as `probe(ns) -> [(name, thunk), ...]`: each thunk run seeded and alone."""
    def run(ns: dict, out: dict) -> None:
        for name, thunk in probe(ns):
            torch.manual_seed(0)
            out[name] = attempt(thunk)
    return run


# ----------------------------------------------------------------------------- reusing a round's probes
def earlier_proofs(number: int, script: str) -> ModuleType:
    """Round `number`'s prove script (e.g. "prove_03_05.py") as a module, for a later round's probes to reuse."""
    path = BLIND / f"round{number}" / script
    spec = importlib.util.spec_from_file_location(f"blind_round{number}_{Path(script).stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extend(base: Probe, extra: Probe) -> Probe:
    """A probe that runs an earlier round's probe `base`, then this round's `extra`, on the same answers."""
    def probe(ns: dict, out: dict) -> None:
        try:
            base(ns, out)
        except Exception as err:  # noqa: BLE001 - what the earlier probe saw so far stays; the extra still runs
            out["<earlier probe>"] = type(err).__name__
        torch.manual_seed(0)
        extra(ns, out)
    return probe
