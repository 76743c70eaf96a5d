"""Fashion-MNIST loader: Debian files offline, the hub schema through a local fixture."""
from __future__ import annotations

import gzip

import numpy as np
import pytest

from deeplabs import fashion_mnist as fm


def _write_idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture()
def idx_dir(tmp_path):
    rng = np.random.default_rng(0)
    for split, n in (("train", 12), ("test", 5)):
        images_name, labels_name = fm._FILES[split]
        _write_idx(tmp_path / images_name, rng.integers(0, 256, (n, 28, 28)))
        _write_idx(tmp_path / labels_name, rng.integers(0, 10, n))
    return tmp_path


def test_idx_folder_round_trips(idx_dir):
    ds = fm.load_fashion_mnist("train", root=idx_dir)
    images = fm._read_idx(idx_dir / fm._FILES["train"][0])
    x, y = fm.as_tensors(ds)
    assert x.shape == (12, 1, 28, 28) and y.shape == (12,)
    assert np.array_equal(fm.image(ds[3]), images[3])
    assert np.allclose(x[3, 0].numpy(), images[3] / 255.0)
    assert ds.features["label"].names == list(fm.CLASSES)


def test_limit_and_select_keep_rows_aligned(idx_dir):
    ds = fm.load_fashion_mnist("test", root=idx_dir, limit=4)
    x, y = fm.as_tensors(ds)
    x_sel, y_sel = fm.as_tensors(ds.select([3, 1]))
    assert len(ds) == 4 and y_sel.tolist() == y[[3, 1]].tolist() and (x_sel == x[[3, 1]]).all()


@pytest.mark.skipif(not fm.DEBIAN_DIR.exists(), reason="Debian's dataset-fashion-mnist is not installed")
def test_debian_package_gives_the_real_data():
    test = fm.load_fashion_mnist("test")
    x, y = fm.as_tensors(test)
    assert x.shape == (10_000, 1, 28, 28) and sorted(set(y.tolist())) == list(range(10))
    assert np.bincount(y.numpy()).tolist() == [1000] * 10


def test_hub_schema_loads_from_a_local_fixture(tmp_path, monkeypatch):
    from datasets import ClassLabel, Dataset, Features, Image

    rng = np.random.default_rng(1)
    features = Features({"image": Image(), "label": ClassLabel(names=list(fm.CLASSES))})
    from PIL import Image as PILImage

    for split, n in (("train", 6), ("test", 3)):
        arrays = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        ds = Dataset.from_dict({"image": [PILImage.fromarray(a) for a in arrays],
                                "label": rng.integers(0, 10, n).tolist()}, features=features)
        (tmp_path / "data").mkdir(exist_ok=True)
        ds.to_parquet(tmp_path / "data" / f"{split}-00000-of-00001.parquet")
        if split == "test":
            expected = arrays
    monkeypatch.setattr(fm, "DEBIAN_DIR", tmp_path / "absent")
    monkeypatch.delenv("FASHION_MNIST_DIR", raising=False)
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    test = fm.load_fashion_mnist("test", hub_id=str(tmp_path))
    assert len(test) == 3 and np.array_equal(fm.image(test[2]), expected[2])


def test_no_data_anywhere_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setattr(fm, "DEBIAN_DIR", tmp_path / "absent")
    monkeypatch.delenv("FASHION_MNIST_DIR", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(fm.DataUnavailable, match="apt install dataset-fashion-mnist"):
        fm.load_fashion_mnist("train")
