"""The procedural face generator: determinism, labels that match the pixels, the promised imbalance."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from deeplabs.faces import data as fd


@pytest.fixture(scope="module")
def train_set():
    return fd.make_faces(1500, seed=3, config=fd.FaceConfig(tone_imbalance=0.05))


def test_same_seed_same_images_other_seed_other_images():
    a, b = fd.make_faces(40, seed=7), fd.make_faces(40, seed=7)
    assert np.array_equal(a.images, b.images)
    assert all(np.array_equal(a.attrs[k], b.attrs[k]) for k in fd.ATTRIBUTES)
    assert not np.array_equal(a.images, fd.make_faces(40, seed=8).images)


def test_shapes_types_and_tensors():
    s = fd.make_faces(10, seed=0, config=fd.FaceConfig(size=48))
    assert s.images.shape == (10, 48, 48, 3) and s.images.dtype == np.uint8
    assert set(s.attrs) == set(fd.ATTRIBUTES) and all(len(v) == 10 for v in s.attrs.values())
    x, y = s.tensors()
    assert x.shape == (10, 3, 48, 48) and x.dtype == torch.float32 and 0 <= x.min() and x.max() <= 1
    assert torch.equal(y, torch.from_numpy(s.attrs["is_face"]).float())
    sub = s.subset([4, 1])
    assert np.array_equal(sub.images, s.images[[4, 1]])
    assert sub.attrs["kind"].tolist() == s.attrs["kind"][[4, 1]].tolist()


def test_attributes_are_consistent_with_the_kind(train_set):
    a = train_set.attrs
    face = a["is_face"] == 1
    assert np.array_equal(face, a["kind"] == 0)
    assert set(a["skin_tone"][face]) <= set(range(10))
    assert (a["skin_tone"][a["kind"] == 1] == -1).all()                      # clutter has no skin
    assert set(a["skin_tone"][a["kind"] >= 2]) == set(range(10))             # hard negatives: every tone
    assert (a["hair"][~face] == -1).all() and (a["glasses"][~face] == 0).all() and (a["hat"][~face] == 0).all()
    assert set(a["kind"][~face]) == {1, 2, 3}
    assert 0.4 < face.mean() < 0.6


def _centre_colour(attrs: dict, size: int = 32) -> np.ndarray:
    """Mean colour of the cheek area of one drawn image, before lighting and noise."""
    img = fd.draw(attrs, size, fd._Uniforms(np.full(256, 0.5)))  # every random choice at its middle
    return img[int(size * 0.62):int(size * 0.68), int(size * 0.3):int(size * 0.38)].reshape(-1, 3).mean(0)


@pytest.mark.parametrize("tone", [0, 4, 9])
def test_labels_match_the_pixels(tone):
    base = dict(is_face=1, kind=0, skin_tone=tone, light_angle=0.0, light_strength=0.0, yaw=0.0,
                glasses=0, hat=0, hair=0, clutter=0)
    expected = fd._TONE_RGB[tone] * 0.985  # the tone's colour (times the middle of its jitter)
    assert np.abs(_centre_colour(base) - expected).max() < 12, "a face's cheek has its skin tone"
    blob = {**base, "is_face": 0, "kind": 2, "hair": -1}
    assert np.abs(_centre_colour(blob) - expected).max() < 12, "a skin blob has its skin tone"
    face_img = fd.draw(base, 32, fd._Uniforms(np.full(256, 0.5)))
    blob_img = fd.draw(blob, 32, fd._Uniforms(np.full(256, 0.5)))
    assert np.abs(face_img.astype(int) - blob_img.astype(int)).max() > 60, "a face has features a blob lacks"


def test_training_tones_follow_the_promised_imbalance(train_set):
    config = fd.FaceConfig(tone_imbalance=0.05)
    p = config.tone_probabilities()
    assert p[-1] / p[0] == pytest.approx(0.05) and (np.diff(p) < 0).all()
    tones = train_set.attrs["skin_tone"][train_set.labels == 1]
    share = np.bincount(tones, minlength=10) / len(tones)
    assert np.abs(share - p).max() < 0.04
    assert share[:3].sum() > 4 * share[-3:].sum()  # dark tones are rare


def test_balanced_test_set_has_equal_tones_and_half_faces():
    s = fd.make_faces(400, seed=1, balanced=True)
    assert s.labels.sum() == 200
    assert np.bincount(s.attrs["skin_tone"][s.labels == 1], minlength=10).tolist() == [20] * 10
    assert fd.FaceConfig().tone_probabilities(balanced=True) == pytest.approx(np.full(10, 0.1))


def test_lfw_sanity_set():
    pytest.importorskip("skimage")
    x, y = fd.load_lfw_sanity(32)
    assert x.shape == (200, 3, 32, 32) and y.tolist() == [1.0] * 100 + [0.0] * 100
    assert torch.equal(x[:, 0], x[:, 2]) and 0 <= x.min() and x.max() <= 1


def test_celeba_schema_loads_from_local_parquet(tmp_path, monkeypatch):
    """The online path (CelebA + a non-face source) on local parquet files in the hub's schema."""
    from datasets import Dataset, Features, Image, Value
    from PIL import Image as PILImage

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    rng = np.random.default_rng(0)
    faces_dir, other_dir = tmp_path / "celeba", tmp_path / "other"
    faces_dir.mkdir()
    other_dir.mkdir()
    cols = {"Eyeglasses": Value("bool"), "Wearing_Hat": Value("bool"), "Blond_Hair": Value("bool"),
            "Black_Hair": Value("bool"), "Pale_Skin": Value("bool")}
    rows = {"image": [PILImage.fromarray(rng.integers(0, 256, (40, 30, 3), dtype=np.uint8)) for _ in range(6)],
            "Eyeglasses": [True, False, False, True, False, False], "Wearing_Hat": [False] * 5 + [True],
            "Blond_Hair": [True, False, True, False, False, False], "Black_Hair": [False, True] + [False] * 4,
            "Pale_Skin": [False] * 6}
    Dataset.from_dict(rows, features=Features({"image": Image(), **cols})).to_parquet(faces_dir / "train-0.parquet")
    Dataset.from_dict({"img": [PILImage.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)) for _ in range(8)],
                       "label": list(range(8))},
                      features=Features({"img": Image(), "label": Value("int64")})
                      ).to_parquet(other_dir / "train-0.parquet")
    s = fd.load_celeba("train", limit=4, size=24, faces=str(faces_dir), nonfaces=str(other_dir))
    assert s.images.shape == (8, 24, 24, 3) and set(s.attrs) == set(fd.ATTRIBUTES)
    face = s.labels == 1
    assert face.sum() == 4 and sorted(s.attrs["glasses"][face].tolist()) == [0, 0, 1, 1]
    assert sorted(s.attrs["hair"][face].tolist()) == [-1, 0, 2, 2]
    assert (s.attrs["skin_tone"] == -1).all()  # CelebA has no skin-tone label
    with pytest.raises(RuntimeError, match="HF_DATASETS_OFFLINE"):
        fd.load_celeba("train", faces="no-such/hub-id", nonfaces=str(other_dir))


def test_flip_and_shift_moves_each_image_by_at_most_max_shift():
    x = torch.rand(40, 3, 12, 12, generator=torch.Generator().manual_seed(0))
    torch.manual_seed(0)
    out = fd.flip_and_shift(x, max_shift=2)
    assert out.shape == x.shape
    padded = torch.nn.functional.pad(x, (2,) * 4, mode="replicate")
    candidates = [img.flip(-1) if flip else img for flip in (False, True)
                  for img in [padded[..., dy:dy + 12, dx:dx + 12] for dy in range(5) for dx in range(5)]]
    matches = torch.stack([(out == c).flatten(1).all(1) for c in candidates])  # (50, 40)
    assert matches.any(0).all(), "every output is one flip/shift of its own input"
    assert 0 < matches[:25].any(0).float().mean() < 1, "some images flipped, some not"
    assert not (out == x).flatten(1).all(1).all(), "not the identity"
    torch.manual_seed(0)
    assert torch.equal(fd.flip_and_shift(x, max_shift=2), out), "same seed, same augmentation"


def test_flip_and_shift_without_shift_only_mirrors():
    torch.manual_seed(1)
    x = torch.rand(30, 3, 8, 8)
    out = fd.flip_and_shift(x, max_shift=0)
    same, mirrored = (out == x).flatten(1).all(1), (out == x.flip(-1)).flatten(1).all(1)
    assert (same | mirrored).all() and same.any() and mirrored.any()
