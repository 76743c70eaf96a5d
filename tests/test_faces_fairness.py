"""Per-group metrics (deeplabs.faces.fairness), checked against a plain loop."""
from __future__ import annotations

import numpy as np

from deeplabs.faces.fairness import GroupReport, accuracy_by_group, compare_groups, most_confident_errors


def test_accuracy_by_group_matches_a_loop_and_marks_empty_groups():
    rng = np.random.default_rng(0)
    correct, groups = rng.random(200) < 0.7, rng.integers(0, 4, 200)
    acc = accuracy_by_group(correct, groups, n_groups=5)
    assert np.allclose(acc[:4], [correct[groups == g].mean() for g in range(4)])
    assert np.isnan(acc[4])


def test_report_worst_and_gap_ignore_empty_groups():
    r = GroupReport("m", 0.9, np.array([0.8, np.nan, 1.0, 0.95]))
    assert r.worst == 0.8 and abs(r.gap - 0.2) < 1e-12
    assert "worst group 80.0% (group 0)" in str(r)


def test_most_confident_errors_are_sorted_by_confidence():
    scores = np.array([3.0, -2.0, 0.5, -4.0, 1.0])
    labels = np.array([0, 1, 1, 0, 0])
    assert most_confident_errors(scores, labels).tolist() == [0, 1, 4]


def test_compare_groups_draws_one_bar_per_group_and_model():
    fig = compare_groups([GroupReport("a", 0.9, np.array([0.8, 0.9])), GroupReport("b", 0.9, np.array([0.85, 0.9]))])
    assert len(fig.axes[0].patches) == 4
