"""Student-facing checks for the visible test cells.

    from deeplabs.checks import Checks
    with Checks("dense layer") as c:
        with c.case("output shape is (batch, out_features)", hint="x @ W has shape (B, out)"):
            assert layer(x).shape == (4, 5)

Each case prints ✓ or ✗ with a hint saying what to look at. When any case fails the block
raises AssertionError, so the cell shows red and a self-check run counts it as failed.
Checks use properties, invariants and small hand-worked examples: never reference
solutions. Everything is printed to stdout (stderr output would upset nbgrader).
"""
from __future__ import annotations

import traceback
from contextlib import contextmanager

import numpy as np
import torch

NOT_DONE = "not implemented yet: replace `raise NotImplementedError()` with your code"


class Checks:
    def __init__(self, title: str):
        self.title = title
        self.results: list[tuple[str, bool, str]] = []

    def __enter__(self) -> "Checks":
        print(f"Checking {self.title}:")
        return self

    @contextmanager
    def case(self, description: str, hint: str = ""):
        try:
            yield
        except NotImplementedError:
            self._report(description, False, NOT_DONE)
        except AssertionError as err:
            detail = str(err).strip()
            self._report(description, False, "; ".join(x for x in (detail, hint) if x))
        except Exception as err:  # a crash in student code is a failed case, not a crashed check
            where = traceback.extract_tb(err.__traceback__)[-1]
            msg = f"raised {type(err).__name__}: {err} (line {where.lineno} of {where.name})"
            self._report(description, False, "; ".join(x for x in (msg, hint) if x))
        else:
            self._report(description, True, "")

    def _report(self, description: str, ok: bool, why: str) -> None:
        self.results.append((description, ok, why))
        print(f"  {'✓' if ok else '✗'} {description}" + (f"\n      → {why}" if why else ""))

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            return False
        failed = [d for d, ok, _ in self.results if not ok]
        if failed:
            raise AssertionError(f"{len(failed)} of {len(self.results)} checks failed for "
                                 f"{self.title}: {'; '.join(failed)}")
        print(f"All {len(self.results)} checks passed for {self.title}.")
        return False


def assert_shape(value, shape, name: str = "output") -> None:
    assert isinstance(value, torch.Tensor), f"{name} should be a torch.Tensor, got {type(value).__name__}"
    assert tuple(value.shape) == tuple(shape), f"{name} has shape {tuple(value.shape)}, expected {tuple(shape)}"


def assert_close(actual, expected, name: str = "output", atol: float = 1e-5, rtol: float = 1e-4) -> None:
    """Like torch.testing.assert_close but with a message a student can act on."""
    if isinstance(actual, torch.Tensor):
        actual = actual.detach().cpu()
    actual_t = torch.as_tensor(np.asarray(actual, dtype=np.float64) if not isinstance(actual, torch.Tensor)
                               else actual.double())
    expected_t = torch.as_tensor(expected, dtype=torch.float64)
    assert actual_t.shape == expected_t.shape, (
        f"{name} has shape {tuple(actual_t.shape)}, expected {tuple(expected_t.shape)}")
    diff = (actual_t.double() - expected_t).abs()
    # `not (diff <= tol)` rather than `diff > tol`: a NaN is never close (NaN > tol is False),
    # except where NaN is what was expected
    both_nan = actual_t.isnan() & expected_t.isnan()
    bad = ~(diff <= atol + rtol * expected_t.abs()) & ~both_nan
    if bool(bad.any()):
        where = torch.where(bad, diff.nan_to_num(nan=float("inf")), torch.zeros_like(diff))
        idx = tuple(int(i) for i in np.unravel_index(int(where.argmax()), tuple(diff.shape))) if diff.ndim else ()
        raise AssertionError(f"{name} differs: at index {idx} got {actual_t[idx].item():.6g}, "
                             f"expected {expected_t[idx].item():.6g}")


# re-exported (`as self_check`): the last cell of every lab imports it from deeplabs.checks
from .report import self_check as self_check  # noqa: E402
