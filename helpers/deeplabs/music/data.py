"""Folk tunes in ABC notation, one clean record per tune (lab 01, part 2).

    from deeplabs.music.data import load_abc_tunes
    tunes = load_abc_tunes()            # DatasetDict: "train" and "validation"
    print(tunes["train"][0]["abc"])     # X:1 / T: / M: / L: / K: headers, then the body

Offline by default: the tunes come from the corpus that `music21` ships (O'Neill's 1850,
Ryan's Mammoth Collection, Aird's Airs, a miscellany of folk tunes; about 4,400 tunes).
music21's Essen collection is left out on purpose: its licence allows music21 use only.
We split the raw text on `X:` lines and clean it with regular expressions instead of running
music21's parser (60 ms a tune), so loading everything takes well under a second.

`load_hub_tunes("sander-wood/irishman")` reads a larger corpus (216k tunes, MIT) from the
Hugging Face hub for those with a network (Colab); it returns the same columns.

Each record: id, collection, title, meter, unit, key, abc. The "abc" text always reads

    X:1
    T:<title>
    M:<meter>
    L:<unit note length>
    K:<key>
    <body lines: notes and bar lines, no comments, chord names, lyrics or decorations>

with no blank line inside, because in ABC a blank line ends a tune: joining tunes with
"\\n\\n" gives a text a model can learn where tunes stop.
"""
from __future__ import annotations

import importlib.util
import re
import unicodedata
import zlib
from fractions import Fraction
from pathlib import Path

# music21's ABC collections we may use (not essenFolksong: non-commercial, music21-only).
COLLECTIONS = ("oneills1850", "ryansMammoth", "airdsAirs", "miscFolk")
COLUMNS = ("id", "collection", "title", "meter", "unit", "key", "abc")

_FIELD = re.compile(r"^([A-Za-z]):\s*(.*)$")
_BODY_FIELDS = {"K", "M", "L"}          # a key/meter/length change inside the tune: keep it
_QUOTED = re.compile(r'"[^"\n]*"')      # chord names and text annotations
_DECORATION = re.compile(r"![^!\n]*!|\+[^+\n|]*\+")
_COMMENT = re.compile(r"(?<!\\)%.*$")
_NOTE = re.compile(r"[A-Ga-g]")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_SPACES = re.compile(r" {2,}")


def corpus_dir() -> Path:
    """Where music21 keeps its corpus (found without importing music21: that takes a second)."""
    spec = importlib.util.find_spec("music21")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("music21 is not installed: pip install music21")
    return Path(list(spec.submodule_search_locations)[0]) / "corpus"


def split_tunes(text: str) -> list[str]:
    """Cut a file of ABC tunes at every `X:` line (whatever comes before the first is dropped)."""
    starts = [m.start() for m in re.finditer(r"^X:", text, flags=re.M)]
    return [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def default_unit(meter: str) -> str:
    """ABC's rule when L: is missing: 1/16 for meters below 3/4, else 1/8."""
    try:
        return "1/16" if Fraction(meter) < Fraction(3, 4) else "1/8"
    except (ValueError, ZeroDivisionError):
        return "1/8"  # "C", "C|", "none"


def _clean_body_line(line: str) -> str:
    line = _COMMENT.sub("", line)
    line = _QUOTED.sub("", line)
    line = _DECORATION.sub("", line)
    line = line.replace("`", "").replace("\\", "").replace("\t", " ")
    return _SPACES.sub(" ", line).strip()


def normalize_tune(raw: str, min_body_chars: int = 20) -> dict | None:
    """One raw tune -> {title, meter, unit, key, abc}, or None if it is not a usable tune.

    Dropped: tunes without K:, several voices (V:), characters outside ASCII in the music, or
    a body shorter than `min_body_chars` / without notes or bar lines.
    """
    header: dict[str, str] = {}
    body: list[str] = []
    in_body = False
    for line in raw.replace("\r", "").split("\n"):
        if line.startswith("%"):
            continue  # comments and %% directives
        field = _FIELD.match(line)
        if field and not line.startswith("|"):
            key, value = field.group(1), _COMMENT.sub("", field.group(2)).strip()
            if key == "V":
                return None  # several voices: not a single melody
            if not in_body:
                if key == "K":
                    header["K"] = value.split()[0] if value.split() else "C"
                    in_body = True
                else:
                    header.setdefault(key, value)
            elif key in _BODY_FIELDS and value:
                body.append(f"{key}:{value}")
            continue  # lyrics (w:), parts (P:), notes (N:) ...: not music
        if in_body:
            cleaned = _clean_body_line(line)
            if cleaned:
                body.append(cleaned)
    if "K" not in header or not body:
        return None
    music = "\n".join(body)
    if len(music) < min_body_chars or "|" not in music or not _NOTE.search(music):
        return None
    if not music.isascii() or _CONTROL.search(music):
        return None
    title = re.sub(r"\s+", " ", _ascii(header.get("T", "")).strip().strip('"')) or "Untitled"
    meter = header.get("M", "").split()[0] if header.get("M", "").split() else "4/4"
    unit = header.get("L", "").split()[0] if header.get("L", "").split() else default_unit(meter)
    key = _ascii(header["K"])
    abc = f"X:1\nT:{title}\nM:{meter}\nL:{unit}\nK:{key}\n{music}"
    return {"title": title, "meter": meter, "unit": unit, "key": key, "abc": abc}


def read_collections(collections=COLLECTIONS, root: Path | None = None) -> list[dict]:
    """Every usable tune of the given music21 collections, duplicates removed, in file order."""
    root = Path(root) if root else corpus_dir()
    records, seen = [], set()
    for collection in collections:
        folder = root / collection
        if not folder.is_dir():
            raise FileNotFoundError(f"no ABC collection {collection!r} under {root}")
        for path in sorted(folder.glob("*.abc")):
            text = path.read_text(encoding="utf-8", errors="replace")
            for n, raw in enumerate(split_tunes(text)):
                tune = normalize_tune(raw)
                if tune is None:
                    continue
                body = tune["abc"].split("\n", 5)[5]
                if body in seen:  # some of O'Neill's files overlap (two transcriptions of one range)
                    continue
                seen.add(body)
                records.append({"id": f"{collection}/{path.stem}#{n}", "collection": collection, **tune})
    return records


def is_validation(tune_id: str, validation_percent: int = 10) -> bool:
    """A stable split: depends only on the tune's id, not on what else is loaded."""
    return zlib.crc32(tune_id.encode()) % 100 < validation_percent


def to_dataset_dict(records: list[dict], validation_percent: int = 10, limit: int | None = None):
    """records -> DatasetDict(train, validation); `limit` caps the training split (fast mode)."""
    from datasets import Dataset, DatasetDict

    train = [r for r in records if not is_validation(r["id"], validation_percent)]
    valid = [r for r in records if is_validation(r["id"], validation_percent)]
    if limit is not None:
        train, valid = train[:limit], valid[: max(1, limit // 5)]

    def as_dataset(rows: list[dict]):
        return Dataset.from_dict({c: [r[c] for r in rows] for c in COLUMNS})

    return DatasetDict(train=as_dataset(train), validation=as_dataset(valid))


def load_abc_tunes(collections=COLLECTIONS, validation_percent: int = 10, limit: int | None = None):
    """The offline corpus as a DatasetDict with "train" and "validation" splits."""
    return to_dataset_dict(read_collections(collections), validation_percent, limit)


IRISHMAN = "sander-wood/irishman"  # 216k Irish tunes, MIT licence; titles removed by its authors
IRISHMAN_FILES = {"train": "train.json", "validation": "validation.json"}


def load_hub_tunes(name: str = IRISHMAN, text_column: str = "abc notation",
                   validation_percent: int = 10, limit: int | None = None, **load_kwargs):
    """A larger ABC corpus from the Hugging Face hub (needs a network) or a local folder.

    `name` is a hub id or a folder of parquet/arrow/json files; every tune is normalised
    as above, so the result has the offline corpus's columns and splits.
    """
    from datasets import load_dataset

    if name == IRISHMAN and "data_files" not in load_kwargs:
        load_kwargs["data_files"] = IRISHMAN_FILES  # the repo holds other JSON files too
    raw = load_dataset(name, **load_kwargs)
    records, seen = [], set()
    for split in raw:
        for n, row in enumerate(raw[split]):
            tune = normalize_tune(row[text_column])
            if tune is None or tune["abc"] in seen:
                continue
            seen.add(tune["abc"])
            records.append({"id": f"{name}/{split}#{n}", "collection": name, **tune})
            if limit is not None and len(records) >= limit * 2:
                break  # enough for `limit` training tunes and their validation share
    return to_dataset_dict(records, validation_percent, limit)
