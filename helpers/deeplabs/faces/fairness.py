"""Per-group metrics and plots (lab 02): how a model does on each group, not just on average.

    from deeplabs.faces.fairness import GroupReport, accuracy_by_group, compare_groups
    acc = accuracy_by_group(correct, groups, n_groups=10)     # (10,) accuracy per group, NaN if empty
    report = GroupReport("baseline", overall=0.97, per_group=acc)
    print(report)                                             # overall, worst group, gap
    compare_groups([before, after], group_names=[...])        # bars per group, one colour per model

The worst-group accuracy is the smallest per-group accuracy; the gap is the largest minus the
smallest (0 when every group is served equally well). Empty groups are left out of both.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def accuracy_by_group(correct, groups, n_groups: int) -> np.ndarray:
    """correct: (N,) bool, groups: (N,) int in [0, n_groups) -> (n_groups,) accuracy (NaN if empty)."""
    correct = np.asarray(correct, dtype=np.float64).reshape(-1)
    groups = np.asarray(groups, dtype=np.int64).reshape(-1)
    hits = np.bincount(groups, weights=correct, minlength=n_groups)[:n_groups]
    counts = np.bincount(groups, minlength=n_groups)[:n_groups]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, hits / np.maximum(counts, 1), np.nan)


@dataclass
class GroupReport:
    name: str
    overall: float
    per_group: np.ndarray  # (G,) accuracy per group, NaN where a group is empty

    @property
    def worst(self) -> float:
        return float(np.nanmin(self.per_group))

    @property
    def gap(self) -> float:
        return float(np.nanmax(self.per_group) - np.nanmin(self.per_group))

    def __str__(self) -> str:
        return (f"{self.name:>10}: overall {self.overall:.1%} · worst group {self.worst:.1%} "
                f"(group {int(np.nanargmin(self.per_group))}) · gap {self.gap:.1%}")


def compare_groups(reports: list[GroupReport], group_names=None, title: str = "accuracy per group",
                   ylim=(0.5, 1.0)):
    """Grouped bar chart: one cluster per group, one bar per report."""
    import matplotlib.pyplot as plt

    n_groups = len(reports[0].per_group)
    names = [str(g) for g in (group_names if group_names is not None else range(n_groups))]
    width = 0.8 / len(reports)
    fig, ax = plt.subplots(figsize=(max(5, 0.55 * n_groups * max(1, len(reports) / 1.5)), 3.2))
    for k, report in enumerate(reports):
        xs = np.arange(n_groups) + (k - (len(reports) - 1) / 2) * width
        ax.bar(xs, np.nan_to_num(report.per_group), width, label=f"{report.name} (gap {report.gap:.1%})")
    ax.set_xticks(np.arange(n_groups), names)
    ax.set_ylim(*ylim)
    ax.set_ylabel("accuracy")
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def most_confident_errors(scores, labels, k: int = 16) -> np.ndarray:
    """Indices of the k mistakes the model was most sure about (scores are logits, labels 0/1)."""
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    labels = np.asarray(labels).reshape(-1)
    wrong = np.flatnonzero((scores > 0) != (labels > 0.5))
    return wrong[np.argsort(-np.abs(scores[wrong]))][:k]
