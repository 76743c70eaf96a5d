"""Loading a blind round's answer files: <round folder>/<lab>/<notebook>.py (MUTANTS, CORRECT).

    from benchmarks.blind.answers import load_answers, earlier_round
    module = load_answers(Path("benchmarks/blind/round3"), "05_adversarial/05_adversarial")
    ROUND2 = earlier_round(2, __file__)   # in an answer file: the same notebook's answers of round 2
    wrong = replace_once(ROUND2._EX1_OK, "dim=0", "dim=1")   # a mistake written as an edit of a right answer

An answer file may reuse an earlier round's sources (a right answer kept as the reference the
proofs compare with) by name instead of copying them.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

BLIND = Path(__file__).resolve().parent


def load_answers(folder: Path, name: str) -> ModuleType | None:
    """The answer module of notebook `name` ("lab/notebook") in `folder`, None when it has none."""
    path = Path(folder) / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"blind_{Path(folder).name}_{name.replace('/', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def earlier_round(number: int, answer_file: str) -> ModuleType:
    """The answers of round `number` for the same notebook as `answer_file` (an answer file's __file__)."""
    path = Path(answer_file).resolve()
    name = f"{path.parent.name}/{path.stem}"
    module = load_answers(BLIND / f"round{number}", name)
    if module is None:
        raise FileNotFoundError(f"round {number} has no answers for {name}")
    return module


def replace_once(source: str, old: str, new: str) -> str:
    """`source` with its one occurrence of `old` replaced by `new` (an edit that matches twice or never is a typo)."""
    assert source.count(old) == 1, f"{old!r} occurs {source.count(old)} times"
    return source.replace(old, new)


def wrong_answers(number: int, name: str, starts: dict[str, list[str]]) -> dict[str, list[tuple[str, str]]]:
    """Round `number`'s wrong answers of notebook `name`, picked by exercise and by how each label
    starts (tests/mutants keeps a round's misses this way instead of copying their sources); a start
    that matches no label or several is an error."""
    module = load_answers(BLIND / f"round{number}", name)
    if module is None:
        raise FileNotFoundError(f"round {number} has no answers for {name}")
    picked = {}
    for gid, wanted in starts.items():
        picked[gid] = []
        for start in wanted:
            matches = [(label, source) for label, source in module.MUTANTS[gid] if label.startswith(start)]
            if len(matches) != 1:
                raise KeyError(f"round {number}, {name}, {gid}: {len(matches)} wrong answers start with {start!r}")
            label, source = matches[0]
            picked[gid].append((f"{label} (blind round {number})", source))
    return picked


def add_wrong_answers(mutants: dict[str, list[tuple[str, str]]], number: int, name: str,
                      starts: dict[str, list[str]]) -> None:
    """Append round `number`'s wrong answers picked by `wrong_answers` to a tests/mutants MUTANTS dict."""
    for gid, picked in wrong_answers(number, name, starts).items():
        mutants.setdefault(gid, []).extend(picked)
