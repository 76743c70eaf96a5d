"""The records protocol on the host: windows, duplicates, guessable checks (records.py)."""
from __future__ import annotations

import torch

from deeplabs.grading import KEPT_AS_GIVEN, encode
from labgrader.grade.records import checks_from_reference, score_cell


def rec(cell, name, value, **extra):
    return {"cell": cell, "index": 0, "entry": {"name": name, "value": encode(value), **extra}}


REFERENCE = [rec("test_a", "out", torch.tensor([1.0, 2.0])), rec("test_a", "count", 12, rule={"kind": "equal"}),
             rec("test_a", "floor", 0.9, rule={"kind": "at_least", "value": 0.7}), rec("test_b", "y", 3.0)]
OTHER_SEED = [rec("test_a", "out", torch.tensor([5.0, 6.0])), rec("test_a", "count", 12, rule={"kind": "equal"}),
              rec("test_a", "floor", 0.8, rule={"kind": "at_least", "value": 0.7}), rec("test_b", "y", 4.0)]
CHECKS = checks_from_reference(REFERENCE, OTHER_SEED)


def test_checks_know_their_cell_and_whether_a_constant_could_pass():
    by_name = {c.name: c for c in CHECKS}
    assert {c.name: c.cell for c in CHECKS} == {"out": "test_a", "count": "test_a", "floor": "test_a", "y": "test_b"}
    assert not by_name["out"].guessable and not by_name["y"].guessable
    assert by_name["count"].guessable                # same under both seeds
    assert by_name["floor"].guessable                # a bound on a reported number


def test_correct_records_get_full_points():
    records = [rec("test_a", "out", torch.tensor([1.0, 2.0])), rec("test_a", "count", 12), rec("test_a", "floor", 0.95)]
    assert score_cell("test_a", 3, CHECKS, records).points == 3


def test_guessable_values_alone_earn_nothing():
    forged = [rec("test_a", "out", torch.tensor([0.0, 0.0])), rec("test_a", "count", 12), rec("test_a", "floor", 1.0)]
    result = score_cell("test_a", 3, CHECKS, forged)
    assert result.points == 0
    assert all(not v.passed for v in result.verdicts)
    assert "credited only once" in result.verdicts[1].message


def test_a_duplicate_or_a_record_from_another_cell_scores_the_cell_zero():
    good = [rec("test_a", "out", torch.tensor([1.0, 2.0])), rec("test_a", "count", 12), rec("test_a", "floor", 0.95)]
    twice = score_cell("test_a", 3, CHECKS, good + [rec("test_a", "floor", 1.0)])
    assert twice.points == 0 and "recorded twice" in twice.note
    elsewhere = score_cell("test_a", 3, CHECKS, good + [rec("ex1_answer", "count", 12)])
    assert elsewhere.points == 0 and "outside its test cell" in elsewhere.note
    # other cells are not affected by test_a's trouble
    assert score_cell("test_b", 1, CHECKS, good + [rec("test_a", "floor", 1.0), rec("test_b", "y", 3.0)]).points == 1


def test_unknown_and_malformed_records_are_ignored_without_crashing():
    junk = [{"cell": "test_a", "entry": {"name": ["not", "a", "str"]}}, {"cell": "test_a", "entry": "text"},
            {"cell": None, "entry": None}, rec("test_a", "made-up", 1.0)]
    result = score_cell("test_a", 3, CHECKS, junk)
    assert result.points == 0 and result.note is None


def test_a_gated_check_earns_nothing_without_its_cells_seed_dependent_checks():
    # a check that an answer computing nothing passes (its rule says gated): credited only with the rest
    reference = [rec("test_c", "out", torch.tensor([1.0])), rec("test_c", "kept", [True, True], rule=KEPT_AS_GIVEN)]
    other = [rec("test_c", "out", torch.tensor([2.0])), rec("test_c", "kept", [False, True], rule=KEPT_AS_GIVEN)]
    checks = checks_from_reference(reference, other)
    assert {c.name: c.guessable for c in checks} == {"out": False, "kept": True}
    does_nothing = [rec("test_c", "out", None), rec("test_c", "kept", [True, True])]
    assert score_cell("test_c", 2, checks, does_nothing).points == 0
    right = [rec("test_c", "out", torch.tensor([1.0])), rec("test_c", "kept", [True, True])]
    assert score_cell("test_c", 2, checks, right).points == 2
