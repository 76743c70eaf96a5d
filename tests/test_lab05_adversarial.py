"""Lab 05's solution against closed forms, and its visible checks against the wrong answers.

For a linear classifier z = W x + b the input gradient of the mean cross-entropy is known in
closed form, W^T (softmax(z) - onehot(y)) / B, so FGSM and (targeted) PGD can be computed
without autograd and compared with the solution. The visible checks must pass the solution
and reject most plausible wrong answers (the hidden checks, tests/test_grading.py, reject all).
"""
from __future__ import annotations

import nbformat
import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from deeplabs.adversarial import checks as checks
from deeplabs.progress import progress
from tests.conftest import REPO
from tests.mutants import mutants_for
from tests.sample_class import answers_of

LAB = NOTEBOOK = "05_adversarial"
SETUP = {"torch": torch, "nn": nn, "F": F, "DataLoader": DataLoader, "TensorDataset": TensorDataset,
         "progress": progress}
VISIBLE = {"ex1_fgsm": lambda ns: checks.check_fgsm(ns["fgsm"]),
           "ex2_accuracy": lambda ns: checks.check_accuracy_under_attack(ns["accuracy_under_attack"]),
           "ex3_pgd": lambda ns: checks.check_pgd(ns["pgd"]),
           "ex4_targeted": lambda ns: checks.check_targeted_pgd(ns["targeted_pgd"]),
           "ex5_adv_train": lambda ns: checks.check_train_adversarial(ns["train_adversarial"])}


def _namespace(sources: dict[str, str]) -> dict:
    ns = dict(SETUP)
    for source in sources.values():
        exec(compile(source, "<answer>", "exec"), ns)
    return ns


@pytest.fixture(scope="module")
def solution() -> dict[str, str]:
    return answers_of(nbformat.read(REPO / "solutions" / LAB / f"{NOTEBOOK}.ipynb", as_version=4))


@pytest.fixture(scope="module")
def ns(solution):
    return _namespace(solution)


def _linear(seed: int, n_in: int = 6, n_out: int = 4):
    g = torch.Generator().manual_seed(seed)
    model = nn.Linear(n_in, n_out).double()
    with torch.no_grad():
        model.weight.copy_(torch.randn(n_out, n_in, generator=g, dtype=torch.float64))
        model.bias.copy_(torch.randn(n_out, generator=g, dtype=torch.float64))
    x = torch.rand(8, n_in, generator=g, dtype=torch.float64)
    y = torch.randint(0, n_out, (8,), generator=g)
    return model, x, y


def _input_gradient(model: nn.Linear, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """d mean-CE / dx for a linear model, without autograd: W^T (p - onehot) / B, row by row."""
    with torch.no_grad():
        p = torch.softmax(model(x), dim=-1)
        return (p - F.one_hot(labels, p.shape[-1]).double()) @ model.weight / len(x)


def _closed_form_pgd(model, x, labels, eps, alpha, steps, direction):
    x_adv = x.clone()
    for _ in range(steps):
        x_adv = x_adv + direction * alpha * _input_gradient(model, x_adv, labels).sign()
        x_adv = torch.min(torch.max(x_adv, x - eps), x + eps).clamp(0, 1)
    return x_adv


@pytest.mark.parametrize("seed", range(3))
def test_fgsm_is_the_signed_closed_form_gradient_step(ns, seed):
    model, x, y = _linear(seed)
    expected = (x + 0.1 * _input_gradient(model, x, y).sign()).clamp(0, 1)
    torch.testing.assert_close(ns["fgsm"](model, x, y, 0.1), expected)


@pytest.mark.parametrize("seed", range(3))
def test_pgd_and_targeted_pgd_follow_the_closed_form_iteration(ns, seed):
    model, x, y = _linear(seed)
    target = (y + 1) % 4
    torch.testing.assert_close(ns["pgd"](model, x, y, eps=0.08, alpha=0.03, steps=6),
                               _closed_form_pgd(model, x, y, 0.08, 0.03, 6, +1))
    torch.testing.assert_close(ns["targeted_pgd"](model, x, target, eps=0.08, alpha=0.03, steps=6),
                               _closed_form_pgd(model, x, target, 0.08, 0.03, 6, -1))


def test_pgd_with_one_step_of_size_eps_is_fgsm(ns):
    model, x, y = _linear(7)
    torch.testing.assert_close(ns["pgd"](model, x, y, eps=0.1, alpha=0.1, steps=1), ns["fgsm"](model, x, y, 0.1))


def test_targeted_pgd_raises_the_target_probability(ns):
    model, x, y = _linear(8)
    target = torch.full_like(y, 2)
    x_adv = ns["targeted_pgd"](model, x, target, eps=0.2, alpha=0.05, steps=10)
    with torch.no_grad():
        before, after = (torch.softmax(model(v), -1)[:, 2] for v in (x, x_adv))
    assert (after > before).all()


@pytest.mark.parametrize("exercise", sorted(VISIBLE))
def test_visible_checks_pass_the_solution(ns, exercise, capsys):
    VISIBLE[exercise](ns)
    assert "✗" not in capsys.readouterr().out


@pytest.mark.parametrize("exercise", sorted(VISIBLE))
def test_visible_checks_reject_most_wrong_answers(solution, exercise, capsys):
    wrong = mutants_for(LAB, NOTEBOOK)[exercise]
    caught = []
    for label, source in wrong:
        ns = _namespace({**solution, exercise: source})
        try:
            with torch.enable_grad():  # an answer that leaves gradient tracking off does so for its run only
                VISIBLE[exercise](ns)
        except AssertionError:
            caught.append(label)
    capsys.readouterr()
    missed = [label for label, _ in wrong if label not in caught]
    assert len(caught) >= len(wrong) - 1, f"the visible checks miss {missed}"
