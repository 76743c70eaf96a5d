"""Fashion-MNIST (labs 04 and 05): 60k/10k 28×28 grayscale clothes in 10 classes.

    from deeplabs.fashion_mnist import load_fashion_mnist, as_tensors, CLASSES
    train = load_fashion_mnist("train", limit=budget(full=None, fast=2000))   # HF datasets.Dataset
    # columns: image (784 uint8 pixels, row-major 28×28), label (ClassLabel with CLASSES)
    x, y = as_tensors(train)          # x: (N, 1, 28, 28) float in [0, 1], y: (N,) long

Where the data comes from, first that works:
  1. `root=` or $FASHION_MNIST_DIR: a folder with the four IDX .gz files;
  2. Debian's `dataset-fashion-mnist` package (/usr/share/datasets/fashion-mnist; MIT licence):
     `apt install dataset-fashion-mnist` — what our CI and `make` use, fully offline;
  3. the Hugging Face hub (`zalando-datasets/fashion_mnist`), e.g. on Colab — skipped when
     HF_DATASETS_OFFLINE / HF_HUB_OFFLINE is set.
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import torch

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
HUB_ID = "zalando-datasets/fashion_mnist"
CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
_FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
          "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}


class DataUnavailable(RuntimeError):
    pass


def _read_idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as fh:
        data = fh.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _local_dir(root) -> Path | None:
    for candidate in (root, os.environ.get("FASHION_MNIST_DIR"), DEBIAN_DIR):
        if candidate and all((Path(candidate) / f).exists() for f in _FILES["train"] + _FILES["test"]):
            return Path(candidate)
    return None


def _offline() -> bool:
    return any(os.environ.get(v, "").lower() in ("1", "true", "yes") for v in ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE"))


def _to_dataset(images: np.ndarray, labels: np.ndarray):
    """Arrow-backed, built without a Python loop (60k images in well under a second)."""
    import pyarrow as pa
    from datasets import ClassLabel, Dataset, DatasetInfo, Features, Sequence, Value

    flat = pa.FixedSizeListArray.from_arrays(pa.array(images.reshape(-1), type=pa.uint8()), 28 * 28)
    table = pa.table({"image": flat, "label": pa.array(labels.astype(np.int64))})
    features = Features({"image": Sequence(Value("uint8"), length=28 * 28),
                         "label": ClassLabel(names=list(CLASSES))})
    # the Arrow types already are the features' storage types: no cast pass needed
    return Dataset(table, info=DatasetInfo(features=features))


def _from_hub(hub_id: str, split: str):
    """Any dataset with a PIL `image` and an int `label` column (the hub's schema)."""
    from datasets import load_dataset

    ds = load_dataset(hub_id, split=split)
    images = np.stack([np.asarray(img, dtype=np.uint8) for img in ds["image"]])
    return images, np.asarray(ds["label"])


def load_fashion_mnist(split: str = "train", limit: int | None = None, root=None, hub_id: str = HUB_ID):
    """The split as a `datasets.Dataset` (columns: image uint8 28×28, label ClassLabel)."""
    if split not in _FILES:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    local = _local_dir(root)
    if local is not None:
        images, labels = (_read_idx(local / f) for f in _FILES[split])
    elif not _offline() or Path(hub_id).exists():
        images, labels = _from_hub(hub_id, split)
    else:
        raise DataUnavailable(
            "Fashion-MNIST is not available offline. Install it with `sudo apt install "
            "dataset-fashion-mnist`, point $FASHION_MNIST_DIR at a folder with the four IDX .gz files, "
            "or unset HF_DATASETS_OFFLINE/HF_HUB_OFFLINE to download it from the Hugging Face hub.")
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return _to_dataset(images, labels)


def as_tensors(dataset) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, 1, 28, 28) float32 in [0, 1] and (N,) int64 — ready for a TensorDataset."""
    table = dataset.flatten_indices().data.table if dataset._indices is not None else dataset.data.table
    pixels = table.column("image").combine_chunks().flatten().to_numpy(zero_copy_only=False)
    x = torch.from_numpy(pixels.reshape(-1, 1, 28, 28).copy()).float().div_(255.0)
    y = torch.from_numpy(table.column("label").to_numpy().copy()).long()
    return x, y


def image(row) -> np.ndarray:
    """One row's image as a (28, 28) uint8 array (rows store the 784 pixels flat)."""
    return np.asarray(row["image"], dtype=np.uint8).reshape(28, 28)
