"""Faces with labelled attributes (lab 02): a procedural generator, real photos, and CelebA online.

    from deeplabs.faces.data import FaceConfig, make_faces, load_lfw_sanity
    train = make_faces(4000, seed=0, config=FaceConfig(tone_imbalance=0.03))  # dark tones rare
    test = make_faces(2000, seed=1, balanced=True)                           # every tone equally
    x, y = train.tensors()       # x: (N, 3, S, S) float in [0, 1], y: (N,) float (1 = face)
    xb = flip_and_shift(x[:64])  # augmentation: random mirror + shift of up to 2 pixels
    train.attrs["skin_tone"]     # (N,) int 0..9 (Monk scale, light -> dark); -1 where no skin

Why procedural: no offline data set with demographic labels exists in any package we can use, and
a generator lets every metric be split by every attribute. Each image is drawn with PIL at twice
its size and box-filtered down (anti-aliasing), deterministically from (seed, index).

Attributes (`ATTRIBUTES`, one int/float array each, -1 where it does not apply):
  is_face 0/1 · kind (KINDS: face, clutter, skin_blob, scrambled_face) · skin_tone 0..9 ·
  light_angle (radians) · light_strength 0..1 · yaw -1..1 (pose) · glasses 0/1 · hat 0/1 ·
  hair (HAIR_COLOURS index) · clutter 0..2 (background objects).
Hard negatives: `skin_blob` (a skin-coloured oval, no features) and `scrambled_face` (a skin oval
with eyes, nose and mouth in the wrong places).

Real photos: `load_lfw_sanity` (scikit-image's `lfw_subset`: 100 faces, 100 non-faces, 25x25 grey).
Online (Colab): `load_celeba` turns CelebA plus a non-face source from the Hugging Face hub (or local
parquet files in the same schema) into the same `FaceSet`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

# Monk Skin Tone scale (Google, CC-BY 4.0): 10 tones from lightest to darkest.
SKIN_TONES = ("#f6ede4", "#f3e7db", "#f7ead0", "#eadaba", "#d7bd96",
              "#a07e56", "#825c43", "#604134", "#3a312a", "#292420")
HAIR_COLOURS = ("black", "brown", "blond", "red", "grey")
_HAIR_RGB = ((25, 20, 18), (95, 60, 35), (220, 190, 120), (160, 70, 30), (170, 170, 170))
KINDS = ("face", "clutter", "skin_blob", "scrambled_face")
ATTRIBUTES = ("is_face", "kind", "skin_tone", "light_angle", "light_strength", "yaw",
              "glasses", "hat", "hair", "clutter")
CELEBA_HUB_ID, NONFACE_HUB_ID = "flwrlabs/celeba", "uoft-cs/cifar10"


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


_TONE_RGB = np.stack([_rgb(h) for h in SKIN_TONES])  # (10, 3)


@dataclass
class FaceConfig:
    size: int = 32                  # 32x32 keeps CPU training fast; 64 works too (4x slower to train)
    face_fraction: float = 0.5      # share of images that are faces
    tone_imbalance: float = 0.03    # P(darkest tone) / P(lightest tone) among faces; 1.0 = balanced
    hard_negatives: float = 0.6     # share of non-faces that are skin blobs or scrambled faces
    noise: float = 0.03             # std of the pixel noise, in [0, 1] units
    max_light: float = 0.6          # strongest side lighting (0 = flat)
    p_glasses: float = 0.25
    p_hat: float = 0.2

    def tone_probabilities(self, balanced: bool = False) -> np.ndarray:
        """(10,) probabilities of each skin tone among faces: geometric from 1 to tone_imbalance."""
        ratio = 1.0 if balanced else self.tone_imbalance
        w = ratio ** (np.arange(10) / 9.0)
        return w / w.sum()


@dataclass
class FaceSet:
    images: np.ndarray                                   # (N, S, S, 3) uint8
    attrs: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (N,)

    def __len__(self) -> int:
        return len(self.images)

    @property
    def labels(self) -> np.ndarray:
        return self.attrs["is_face"]

    def tensors(self) -> tuple[torch.Tensor, torch.Tensor]:
        """x: (N, 3, S, S) float32 in [0, 1]; y: (N,) float32, 1 = face."""
        x = torch.from_numpy(self.images).permute(0, 3, 1, 2).float().div_(255.0)
        return x.contiguous(), torch.from_numpy(self.labels.astype(np.float32))

    def subset(self, index) -> "FaceSet":
        index = np.asarray(index)
        return FaceSet(self.images[index], {k: v[index] for k, v in self.attrs.items()})


def sample_attributes(n: int, rng: np.random.Generator, config: FaceConfig, balanced: bool = False) -> dict:
    """Attributes of n images. `balanced`: skin tones uniform among faces (a test set)."""
    is_face = (rng.random(n) < config.face_fraction).astype(np.int64)
    if balanced:  # exact halves and exactly equal tone counts, then shuffled
        is_face = (np.arange(n) < n // 2).astype(np.int64)
    hard = rng.random(n) < config.hard_negatives
    kind = np.where(is_face == 1, 0, np.where(hard, rng.integers(2, 4, n), 1))
    tone = rng.choice(10, size=n, p=config.tone_probabilities(balanced))
    if balanced:
        tone[: n // 2] = np.arange(n // 2) % 10
    # hard negatives take every tone equally often: a dark oval is as often "not a face" as a light one
    tone = np.where(kind == 0, tone, np.where(kind >= 2, rng.integers(0, 10, n), -1))
    attrs = {
        "is_face": is_face,
        "kind": kind.astype(np.int64),
        "skin_tone": tone.astype(np.int64),
        "light_angle": rng.uniform(-np.pi, np.pi, n).astype(np.float32),
        "light_strength": rng.uniform(0, config.max_light, n).astype(np.float32),
        "yaw": np.where(kind == 1, 0, rng.uniform(-1, 1, n)).astype(np.float32),
        "glasses": np.where(kind == 0, rng.random(n) < config.p_glasses, 0).astype(np.int64),
        "hat": np.where(kind == 0, rng.random(n) < config.p_hat, 0).astype(np.int64),
        "hair": np.where(kind == 0, rng.integers(0, len(HAIR_COLOURS), n), -1).astype(np.int64),
        "clutter": rng.integers(0, 3, n).astype(np.int64),
    }
    if balanced:
        order = rng.permutation(n)
        attrs = {k: v[order] for k, v in attrs.items()}
    return attrs


class _Uniforms:
    """Uniform numbers drawn once per image and handed out one by one (numpy calls cost ~µs each)."""

    def __init__(self, values: np.ndarray):
        self.values, self.i = values.tolist(), 0

    def random(self) -> float:
        self.i += 1
        return self.values[self.i - 1]

    def uniform(self, lo: float, hi: float) -> float:
        return lo + (hi - lo) * self.random()

    def integers(self, lo: int, hi: int) -> int:
        return lo + int((hi - lo) * self.random())

    def colour(self) -> tuple:
        return (self.integers(0, 256), self.integers(0, 256), self.integers(0, 256))


def _background(draw: ImageDraw.ImageDraw, s: int, level: int, rng: _Uniforms) -> None:
    """Random rectangles, ellipses and lines: 0, a few or many."""
    for _ in range([1, 4, 9][level] + rng.integers(0, 2)):
        colour = rng.colour()
        x0, y0 = rng.integers(-s // 4, s), rng.integers(-s // 4, s)
        w, h = rng.integers(s // 8, s // 2), rng.integers(s // 8, s // 2)
        shape = rng.integers(0, 3)
        if shape == 0:
            draw.rectangle([x0, y0, x0 + w, y0 + h], fill=colour)
        elif shape == 1:
            draw.ellipse([x0, y0, x0 + w, y0 + h], fill=colour)
        else:
            draw.line([x0, y0, x0 + w, y0 + h], fill=colour, width=int(rng.integers(1, max(2, s // 16))))


def _shade(rgb: np.ndarray, factor: float) -> tuple:
    return tuple(int(v) for v in np.clip(rgb * factor, 0, 255))


def _draw_head(draw, s, a, rng, scrambled: bool = False, features: bool = True) -> None:
    tone = _TONE_RGB[a["skin_tone"]] * rng.uniform(0.92, 1.05)
    cx, cy = s / 2 + rng.uniform(-0.06, 0.06) * s, s / 2 + rng.uniform(-0.04, 0.08) * s
    # a detector's crop: the head fills most of the frame (so skin dominates the pixels, as in CelebA)
    w, h = s * rng.uniform(0.52, 0.62) * (1 - 0.12 * abs(a["yaw"])), s * rng.uniform(0.7, 0.8)
    box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
    hair = _HAIR_RGB[a["hair"]] if a["hair"] >= 0 else rng.colour()
    if a["kind"] == 0:  # hair behind the head
        draw.ellipse([box[0] - w * 0.08, box[1] - h * 0.1, box[2] + w * 0.08, cy + h * 0.15], fill=hair)
    draw.ellipse(box, fill=_shade(tone, 1.0))
    if not features:
        return
    # Features keep the same contrast on every skin tone: darker than light skin, lighter than dark
    # skin. With balanced data every tone is then equally easy; a detector that fails on dark faces
    # learned that from the imbalance (the only thing the training sets change).
    sign = -1.0 if tone.mean() > 120 else 1.0
    ink = tuple(int(v) for v in np.clip(tone + sign * 85, 0, 255))
    lips = tuple(int(v) for v in np.clip(tone + sign * 70 + np.array([40, -25, -20]), 0, 255))
    dx = a["yaw"] * w * 0.18  # turning the head moves the features sideways
    eye_y, eye_dx, eye_r = cy - h * 0.08, w * 0.2, w * 0.07
    eyes = [(cx + dx - eye_dx, eye_y), (cx + dx + eye_dx, eye_y)]
    nose = (cx + dx * 1.3, cy + h * 0.08)
    mouth_y = cy + h * 0.25
    if scrambled:  # the parts of a face in places no face has them
        pts = [(cx + rng.uniform(-0.35, 0.35) * w, cy + rng.uniform(-0.4, 0.4) * h) for _ in range(4)]
        if rng.random() < 0.5:  # a common one: everything upside down
            pts = [(cx - dx - eye_dx * 0.9, cy + h * 0.22), (cx - dx + eye_dx * 0.9, cy + h * 0.22),
                   (cx, cy + h * 0.05), (cx, cy - h * 0.22)]
        eyes, nose, (mx, mouth_y) = pts[:2], pts[2], pts[3]
    else:
        mx = cx + dx
    for ex, ey in eyes:
        draw.ellipse([ex - eye_r * 1.5, ey - eye_r, ex + eye_r * 1.5, ey + eye_r], fill=(235, 235, 230))
        draw.ellipse([ex - eye_r * 0.7, ey - eye_r * 0.8, ex + eye_r * 0.7, ey + eye_r * 0.8], fill=(30, 25, 25))
        draw.line([ex - eye_r * 1.6, ey - eye_r * 2.0, ex + eye_r * 1.6, ey - eye_r * 2.2], fill=ink,
                  width=max(1, int(s * 0.02)))
    draw.line([nose[0], nose[1] - h * 0.08, nose[0] + w * 0.03, nose[1]], fill=ink, width=max(1, int(s * 0.025)))
    draw.chord([mx - w * 0.17, mouth_y - h * 0.06, mx + w * 0.17, mouth_y + h * 0.05], 0, 180, fill=lips)
    if a.get("glasses", 0):
        r = eye_r * 2.2
        for ex, ey in eyes:
            draw.ellipse([ex - r, ey - r, ex + r, ey + r], outline=(20, 20, 20), width=max(1, int(s * 0.02)))
        draw.line([eyes[0][0] + r, eyes[0][1], eyes[1][0] - r, eyes[1][1]], fill=(20, 20, 20),
                  width=max(1, int(s * 0.02)))
    if a.get("hat", 0):
        colour = rng.colour()
        draw.rectangle([cx - w * 0.45, box[1] - h * 0.25, cx + w * 0.45, box[1] + h * 0.12], fill=colour)
        draw.rectangle([cx - w * 0.7, box[1] + h * 0.07, cx + w * 0.7, box[1] + h * 0.16], fill=colour)


def draw(a: dict, size: int, rng: _Uniforms) -> np.ndarray:
    """One image (size, size, 3) uint8 from one row of attributes, before lighting and noise."""
    s = 2 * size  # draw at twice the size, then box-filter down
    img = Image.new("RGB", (s, s), (rng.integers(40, 220), rng.integers(40, 220), rng.integers(40, 220)))
    pen = ImageDraw.Draw(img)
    _background(pen, s, int(a["clutter"]), rng)
    if a["kind"] in (0, 2, 3):
        _draw_head(pen, s, a, rng, scrambled=a["kind"] == 3, features=a["kind"] != 2)
    if a["kind"] == 2 and rng.random() < 0.5:  # a blob with a few dark spots, not in a face layout
        for _ in range(rng.integers(1, 4)):
            x, y = rng.uniform(0.35, 0.65) * s, rng.uniform(0.35, 0.65) * s
            r = s * rng.uniform(0.02, 0.05)
            pen.ellipse([x - r, y - r, x + r, y + r], fill=(30, 25, 25))
    if a["kind"] == 1 and rng.random() < 0.5:  # a few ovals: clutter that looks a little like heads
        for _ in range(rng.integers(1, 3)):
            x, y = rng.uniform(0.2, 0.8) * s, rng.uniform(0.2, 0.8) * s
            rw, rh = s * rng.uniform(0.1, 0.25), s * rng.uniform(0.1, 0.25)
            pen.ellipse([x - rw, y - rh, x + rw, y + rh], fill=rng.colour())
    return np.asarray(img.reduce(2))


def _light_and_noise(images: np.ndarray, attrs: dict, rng: np.random.Generator, noise: float) -> np.ndarray:
    """Side lighting (a linear ramp in the light's direction), overall brightness and pixel noise,
    for the whole batch at once. images: (N, S, S, 3) uint8."""
    n, size = images.shape[:2]
    ramp = np.linspace(-1, 1, size, dtype=np.float32)
    gx, gy = np.meshgrid(ramp, ramp)                                     # (S, S)
    angle, strength = attrs["light_angle"][:, None, None], attrs["light_strength"][:, None, None]
    light = 1 + strength * 0.5 * (np.cos(angle) * gx + np.sin(angle) * gy)  # (N, S, S)
    light = light * rng.uniform(0.85, 1.1, (n, 1, 1)).astype(np.float32)
    x = images.astype(np.float32) / 255.0 * light[..., None]
    x += rng.normal(0, noise, x.shape).astype(np.float32)
    return (np.clip(x, 0, 1) * 255 + 0.5).astype(np.uint8)


def make_faces(n: int, seed: int = 0, config: FaceConfig | None = None, balanced: bool = False) -> FaceSet:
    """n images with their attributes; the same (n, seed, config, balanced) gives the same images.

    Training sets follow `config.tone_imbalance`; `balanced=True` gives exactly half faces and
    every skin tone equally often among them (a test set).
    """
    config = config or FaceConfig()
    attrs = sample_attributes(n, np.random.default_rng([seed, 0]), config, balanced)
    rows = [dict(zip(attrs, values)) for values in zip(*(v.tolist() for v in attrs.values()))]
    shapes = np.random.default_rng([seed, 1]).random((n, 256))  # one row of uniforms per image
    images = np.stack([draw(row, config.size, _Uniforms(u)) for row, u in zip(rows, shapes)])
    images = _light_and_noise(images, attrs, np.random.default_rng([seed, 2]), config.noise)
    return FaceSet(images, attrs)


def flip_and_shift(x: torch.Tensor, max_shift: int = 2) -> torch.Tensor:
    """Data augmentation for a batch (B, C, H, W): each image mirrored left-right with probability
    1/2 and moved by up to `max_shift` pixels in x and y (edges repeated). Uses torch's global RNG.

    Why lab 02 needs it: resampling draws the few rare faces many times per epoch. Without
    augmentation those are the same pictures again and the model memorises them; with it each
    draw is a slightly different image, which is what lets resampling close the gap.
    """
    b, _, h, w = x.shape
    flip = torch.rand(b, device=x.device) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(-1), x)
    if max_shift <= 0:
        return x
    padded = torch.nn.functional.pad(x, (max_shift,) * 4, mode="replicate")
    dy, dx = torch.randint(0, 2 * max_shift + 1, (2, b, 1), device=x.device)
    rows = (torch.arange(h, device=x.device) + dy)[:, :, None]          # (B, H, 1)
    cols = (torch.arange(w, device=x.device) + dx)[:, None, :]          # (B, 1, W)
    batch = torch.arange(b, device=x.device)[:, None, None]
    return padded.permute(0, 2, 3, 1)[batch, rows, cols].permute(0, 3, 1, 2).contiguous()


def load_lfw_sanity(size: int = 32) -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-image's lfw_subset: 100 real faces then 100 non-faces, 25x25 grey, as
    x: (200, 3, size, size) float in [0, 1] (grey copied to RGB) and y: (200,) float."""
    from skimage.data import lfw_subset

    grey = lfw_subset()  # (200, 25, 25) float64 in [0, 1]
    resized = np.stack([np.asarray(Image.fromarray((g * 255).astype(np.uint8)).resize((size, size), Image.BILINEAR))
                        for g in grey]).astype(np.float32) / 255.0
    x = torch.from_numpy(resized)[:, None].repeat(1, 3, 1, 1)
    y = torch.cat([torch.ones(100), torch.zeros(100)])
    return x, y


# ---- online: CelebA (faces) + a non-face source, same FaceSet schema --------------------------
# CelebA's 40 binary attributes give glasses, hat and hair; it has no skin-tone label
# (only `Pale_Skin`), so skin_tone is -1 and the per-tone metrics do not apply to it.
_CELEBA_HAIR = {"Black_Hair": 0, "Brown_Hair": 1, "Blond_Hair": 2, "Gray_Hair": 4}


def _offline() -> bool:
    return any(os.environ.get(v, "").lower() in ("1", "true", "yes") for v in ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE"))


def _load(source: str, split: str):
    from datasets import load_dataset

    path = Path(source)
    if path.is_dir():  # local parquet files: <dir>/<split>*.parquet
        files = sorted(str(p) for p in path.glob(f"{split}*.parquet"))
        if not files:
            raise FileNotFoundError(f"no {split}*.parquet in {path}")
        return load_dataset("parquet", data_files={split: files}, split=split)
    if _offline():
        raise RuntimeError(f"{source} needs the Hugging Face hub, but HF_DATASETS_OFFLINE/HF_HUB_OFFLINE is set; "
                           "use make_faces() offline, or pass a folder of parquet files")
    return load_dataset(source, split=split)


def _resize(img, size: int) -> np.ndarray:
    img = img.convert("RGB")
    w, h = img.size
    side = min(w, h)  # centre crop to a square first
    img = img.crop(((w - side) // 2, (h - side) // 2, (w + side) // 2, (h + side) // 2))
    return np.asarray(img.resize((size, size), Image.BILINEAR), dtype=np.uint8)


def load_celeba(split: str = "train", limit: int | None = 1000, size: int = 32,
                faces: str = CELEBA_HUB_ID, nonfaces: str = NONFACE_HUB_ID) -> FaceSet:
    """`limit` faces from CelebA and as many non-faces (any dataset with an `image` or `img`
    column), as one shuffled FaceSet. `faces`/`nonfaces`: hub ids or folders of parquet files."""
    face_ds, other_ds = _load(faces, split), _load(nonfaces, split)
    if limit is not None:
        face_ds = face_ds.select(range(min(limit, len(face_ds))))
        other_ds = other_ds.select(range(min(len(face_ds), len(other_ds))))
    n_f, n_o = len(face_ds), len(other_ds)
    other_col = "image" if "image" in other_ds.column_names else "img"
    images = np.stack([_resize(im, size) for im in face_ds["image"]]
                      + [_resize(im, size) for im in other_ds[other_col]])

    def col(name, default=0):
        return np.asarray(face_ds[name], dtype=np.int64) if name in face_ds.column_names else np.full(n_f, default)

    hair = np.full(n_f, -1)
    for name, idx in _CELEBA_HAIR.items():
        if name in face_ds.column_names:
            hair = np.where(np.asarray(face_ds[name], dtype=bool), idx, hair)
    pad = lambda a, fill: np.concatenate([np.asarray(a), np.full(n_o, fill, dtype=np.asarray(a).dtype)])  # noqa: E731
    attrs = {
        "is_face": pad(np.ones(n_f, np.int64), 0), "kind": pad(np.zeros(n_f, np.int64), 1),
        "skin_tone": np.full(n_f + n_o, -1, np.int64),
        "light_angle": np.full(n_f + n_o, np.nan, np.float32), "light_strength": np.full(n_f + n_o, np.nan, np.float32),
        "yaw": np.full(n_f + n_o, np.nan, np.float32),
        "glasses": pad(col("Eyeglasses"), 0), "hat": pad(col("Wearing_Hat"), 0), "hair": pad(hair, -1),
        "clutter": np.full(n_f + n_o, -1, np.int64),
    }
    order = np.random.default_rng(0).permutation(n_f + n_o)
    return FaceSet(images[order], {k: v[order] for k, v in attrs.items()})
