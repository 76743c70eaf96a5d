"""Load a checkpoint if we have one, otherwise train and save it.

    from deeplabs.checkpoints import load_or_train
    model = load_or_train("lab05_cnn", model, train_fn)   # prints which one happened

Checkpoints live in the user cache ($DEEPLABS_CACHE, default ~/.cache/deeplabs), never in
the repository. The mode (fast/full) is part of the file name so a quick CI run never
masquerades as a fully trained model, and so is a fingerprint of the code that trains: the
training function, the functions and classes of its module that it reaches (your loss, your
model's `forward`) and the settings it reads (a config dataclass). Fix a bug in your loss and
the next run trains again instead of sampling from the old model; say `retrain=True` to train
again with unchanged code.
"""
from __future__ import annotations

import dataclasses
import hashlib
import inspect
import os
import types
from pathlib import Path
from typing import Callable

import torch

from .budget import mode


def cache_dir() -> Path:
    root = os.environ.get("DEEPLABS_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "deeplabs"
    )
    path = Path(root)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # read-only: loading still works, saving says why it did not
    return path


def checkpoint_path(name: str, fingerprint: str = "") -> Path:
    return cache_dir() / (f"{name}.{mode()}.{fingerprint}.pt" if fingerprint else f"{name}.{mode()}.pt")


# --- which code trained a checkpoint ---------------------------------------------------------

_PLAIN = (bool, int, float, str, bytes, type(None))


def _setting(value) -> str | None:
    """A value the training reads that belongs in the key (numbers, strings, config dataclasses)."""
    if isinstance(value, _PLAIN):
        return repr(value)
    if isinstance(value, tuple) and all(isinstance(v, _PLAIN) for v in value):
        return repr(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return repr(value)
    return None


def _code_parts(code: types.CodeType) -> tuple:
    """What a code object computes, without where it was written (cell numbers, line numbers
    change each time a notebook cell is run again)."""
    consts = tuple(_code_parts(c) if isinstance(c, types.CodeType) else repr(c) for c in code.co_consts)
    return (code.co_code, consts, code.co_names, code.co_varnames, code.co_freevars)


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def code_fingerprint(train_fn: Callable, model: torch.nn.Module | None = None) -> str:
    """12 hex digits that change when the code that trains changes.

    Walks `train_fn` and, through the global names its code uses, every function and class
    defined in the same module (for a notebook: the notebook), plus the classes of the model's
    modules defined there. Library code is not walked: it changes with a package version.
    """
    home = getattr(train_fn, "__module__", None)
    parts: list = []
    seen: set[int] = set()
    todo: list = [train_fn]
    if model is not None:
        todo += [type(m) for m in model.modules()]

    def visit_function(fn) -> None:
        code = getattr(fn, "__code__", None)
        if code is None:
            return
        parts.append(("fn", getattr(fn, "__qualname__", ""), _code_parts(code)))
        for cell_name, cell in zip(code.co_freevars, fn.__closure__ or ()):
            try:
                todo.append(cell.cell_contents)
            except ValueError:  # an empty cell
                continue
            setting = _setting(cell.cell_contents)
            if setting is not None:
                parts.append(("free", cell_name, setting))
        scope = getattr(fn, "__globals__", {})
        for name in sorted(_names(code)):
            if name not in scope:
                continue
            value = scope[name]
            setting = _setting(value)
            if setting is not None:
                parts.append(("global", name, setting))
            else:
                todo.append(value)

    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if getattr(obj, "__module__", None) != home and not (
                isinstance(obj, type) and obj.__module__ == "__main__"):
            continue
        if isinstance(obj, (types.FunctionType, types.MethodType)):
            visit_function(getattr(obj, "__func__", obj))
        elif isinstance(obj, type):
            parts.append(("class", obj.__qualname__, tuple(b.__qualname__ for b in obj.__mro__[1:])))
            for _attr, member in sorted(vars(obj).items()):
                if isinstance(member, (staticmethod, classmethod)):
                    member = member.__func__
                elif isinstance(member, property):
                    member = member.fget
                if inspect.isfunction(member):
                    visit_function(member)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


# --- load or train ---------------------------------------------------------------------------

def load_or_train(name: str, model: torch.nn.Module, train_fn: Callable[[torch.nn.Module], object],
                  retrain: bool = False) -> torch.nn.Module:
    """Load `model`'s weights from the cache, or call `train_fn(model)` and save them.

    The cache is keyed by `name`, the mode and the code that trains (`code_fingerprint`).
    """
    path = checkpoint_path(name, code_fingerprint(train_fn, model))
    if path.exists() and not retrain:
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
            model.load_state_dict(state)
            print(f"[deeplabs] loaded checkpoint {path} (trained by this same code; retrain=True trains again)")
            return model
        except (RuntimeError, KeyError, EOFError) as err:  # architecture changed or file cut short
            print(f"[deeplabs] checkpoint {path} does not fit this model ({err}); training again.")
    elif not retrain:
        older = sorted(p for p in cache_dir().glob(f"{name}.{mode()}.*pt") if p != path)
        if older:
            print(f"[deeplabs] your training code changed since {older[-1].name} was saved: training again.")
    train_fn(model)
    try:
        # a name of its own: two processes training the same model (parallel tests) never share it
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        torch.save(model.state_dict(), tmp)
        os.replace(tmp, path)  # atomic: an interrupted save never leaves a broken checkpoint
        print(f"[deeplabs] trained and saved {path}")
    except OSError as err:  # a read-only cache (e.g. while grading) is not an error
        print(f"[deeplabs] trained (not saved: {err.strerror})")
    return model
