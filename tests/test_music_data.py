"""The ABC tune loader (lab 01 part 2): cleaning, splits, speed, the hub loader on a local fixture."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from deeplabs.music import data as abc_tunes
from deeplabs.music.data import (COLUMNS, default_unit, load_abc_tunes, load_hub_tunes, normalize_tune,
                                     split_tunes)

FIXTURES = Path(__file__).parent / "fixtures" / "music"


@pytest.fixture(scope="module")
def raw_tunes() -> list[str]:
    return split_tunes((FIXTURES / "tunes.abc").read_text())


@pytest.fixture(scope="module")
def corpus():
    start = time.perf_counter()
    tunes = load_abc_tunes()
    return tunes, time.perf_counter() - start


def test_split_tunes_cuts_at_every_x_line_and_drops_the_file_header(raw_tunes):
    assert len(raw_tunes) == 5
    assert all(t.startswith("X:") for t in raw_tunes)


def test_normalized_tune_has_five_headers_in_order_then_clean_music(raw_tunes):
    tune = normalize_tune(raw_tunes[1])  # Ryan's: chord names, a decoration, continuations
    lines = tune["abc"].split("\n")
    assert [line[:2] for line in lines[:5]] == ["X:", "T:", "M:", "L:", "K:"]
    assert lines[:5] == ["X:1", "T:LANIGAN'S BALL -- JIG", "M:6/8", "L:1/8", "K:Em"]
    music = "\n".join(lines[5:])
    for noise in ('"', "!trill!", "\\", "R:", "B:", "Z:"):
        assert noise not in music
    assert "| E2F G2A |" in music and "BBB E2 :|" in music


def test_comments_lyrics_and_directives_are_removed(raw_tunes):
    first = normalize_tune(raw_tunes[0])["abc"]
    assert "%" not in first and "lyrics" not in first and "w:" not in first
    assert first.count("\n") == 5 + 5  # 5 header lines, 6 music lines
    third = normalize_tune(raw_tunes[2])["abc"]
    assert "`" not in third and "%%" not in third and "Q:" not in third and "I:" not in third


def test_no_blank_line_inside_a_tune(raw_tunes):
    for raw in raw_tunes[:3]:
        assert "\n\n" not in normalize_tune(raw)["abc"]


def test_several_voices_or_no_key_line_are_dropped(raw_tunes):
    assert normalize_tune(raw_tunes[3]) is None  # V:1 / V:2
    assert normalize_tune(raw_tunes[4]) is None  # no K:


def test_missing_unit_length_follows_the_abc_standard():
    assert default_unit("2/4") == "1/16" and default_unit("6/8") == "1/8" and default_unit("C") == "1/8"
    tune = normalize_tune("X:3\nT:t\nM:2/4\nK:D\nABcd|efga|abag|fedc|\n")
    assert "\nL:1/16\n" in tune["abc"]


def test_whole_corpus_loads_in_seconds_with_about_4400_tunes(corpus):
    tunes, seconds = corpus
    total = len(tunes["train"]) + len(tunes["validation"])
    assert 4000 < total < 4600
    assert 0.07 < len(tunes["validation"]) / total < 0.13
    assert seconds < 30, f"loading took {seconds:.1f} s"  # ~1 s on an idle 2-core CPU
    assert list(tunes["train"].column_names) == list(COLUMNS)


def test_split_is_deterministic_and_disjoint(corpus):
    tunes, _ = corpus
    train_ids, valid_ids = set(tunes["train"]["id"]), set(tunes["validation"]["id"])
    assert not train_ids & valid_ids
    assert all(abc_tunes.is_validation(i) for i in valid_ids)
    assert not any(abc_tunes.is_validation(i) for i in train_ids)
    train_bodies = {a.split("\n", 5)[5] for a in tunes["train"]["abc"]}
    assert not train_bodies & {a.split("\n", 5)[5] for a in tunes["validation"]["abc"]}  # no duplicate leaks


def test_only_the_allowed_collections_are_used(corpus):
    tunes, _ = corpus
    assert set(tunes["train"]["collection"]) == set(abc_tunes.COLLECTIONS)
    assert "essenFolksong" not in abc_tunes.COLLECTIONS


def test_every_record_is_ascii_with_headers(corpus):
    tunes, _ = corpus
    for abc in tunes["validation"]["abc"]:
        assert abc.isascii() and abc.startswith("X:1\nT:") and "\nK:" in abc and "\n\n" not in abc


def test_limit_caps_the_splits():
    tunes = load_abc_tunes(limit=50)
    assert len(tunes["train"]) == 50 and len(tunes["validation"]) == 10


def test_hub_loader_reads_a_local_folder_in_the_irishman_schema(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    tunes = load_hub_tunes(str(FIXTURES / "irishman"), validation_percent=30)
    rows = list(tunes["train"]) + list(tunes["validation"])
    assert len(rows) == 6  # 7 rows in the files, one has no music
    assert list(tunes["train"].column_names) == list(COLUMNS)
    for row in rows:
        assert row["abc"].startswith("X:1\nT:Untitled\nM:") and row["title"] == "Untitled"
        assert "\nL:" in row["abc"] and "\n\n" not in row["abc"]
