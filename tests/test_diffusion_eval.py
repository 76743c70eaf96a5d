"""Lab 04's evaluation helpers: the Fréchet distance, sample scoring, the cached classifier."""
from __future__ import annotations

import pytest
import torch

from deeplabs.diffusion import scoring as ev
from deeplabs import fashion_mnist as fm


def test_frechet_distance_of_a_set_with_itself_is_zero():
    a = torch.randn(500, 6, generator=torch.Generator().manual_seed(0))
    assert ev.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_of_a_shift_is_its_squared_length():
    a = torch.randn(400, 5, generator=torch.Generator().manual_seed(1))
    shift = torch.tensor([1.0, -2.0, 0.0, 0.5, 0.0])
    assert ev.frechet_distance(a, a + shift) == pytest.approx(float((shift ** 2).sum()), rel=1e-6)


def test_frechet_distance_of_scaled_gaussians_has_the_closed_form():
    # N(0, I) vs N(0, 4I) in d dimensions: Tr(I + 4I - 2·2I) = d (up to sampling noise)
    g = torch.Generator().manual_seed(2)
    a, b = torch.randn(20000, 3, generator=g), 2 * torch.randn(20000, 3, generator=g)
    assert ev.frechet_distance(a, b) == pytest.approx(3.0, rel=0.05)


def test_score_samples_counts_hits_per_class():
    clf = ev.FashionClassifier()
    with torch.no_grad():  # a classifier that always answers class 1
        clf.head.weight.zero_()
        clf.head.bias.copy_(torch.arange(10) == 1)
    x = torch.rand(6, 1, 28, 28) * 2 - 1
    labels = torch.tensor([1, 1, 2, 2, 2, 1])
    report = ev.score_samples(clf, x, labels, real=torch.rand(6, 1, 28, 28) * 2 - 1)
    assert report["class_accuracy"] == pytest.approx(0.5)
    assert report["per_class"] == {1: 1.0, 2: 0.0}
    assert report["frechet"] >= 0


@pytest.mark.skipif(not fm.DEBIAN_DIR.exists(), reason="Debian's dataset-fashion-mnist is not installed")
def test_reference_classifier_trains_once_then_loads(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DEEPLABS_CACHE", str(tmp_path))
    cfg = ev.ClassifierConfig(epochs=2, train_limit=1024)
    first = ev.reference_classifier("cpu", cfg)
    assert "trained and saved" in capsys.readouterr().out
    second = ev.reference_classifier("cpu", cfg)
    assert "loaded checkpoint" in capsys.readouterr().out
    x = torch.rand(4, 1, 28, 28) * 2 - 1
    torch.testing.assert_close(first(x), second(x))
    test_x, test_y = fm.as_tensors(fm.load_fashion_mnist("test", limit=500))
    assert ev.classifier_accuracy(second, test_x * 2 - 1, test_y) > 0.3  # 16 steps; chance is 10%
