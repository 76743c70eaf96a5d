"""Hostile submitted files and folders: read_submission and find_submissions never crash, hang
or follow a link; every broken input becomes a SubmissionError or a per-student error."""
from __future__ import annotations

import json
import os
import random
import socket
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from labgrader.grade import assemble as asm
from labgrader.grade.assemble import (MAX_CELLS, StudentFiles, SubmissionError, find_submissions, printable_name,
                                      read_submission)
from labgrader.notebook import grade_id

LAB, NB = "01_music_rnn", "01_pytorch_primer"


@pytest.fixture(scope="module")
def released_text(repo) -> str:
    return (repo / "labs" / LAB / f"{NB}.ipynb").read_text()


def _write(tmp_path, content, name="x.ipynb") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return path


def _refused(path, match=None):
    with pytest.raises(SubmissionError, match=match) as info:
        read_submission(path)
    message = str(info.value)
    assert "\n" not in message and len(message) < 400
    return message


# --- read_submission: what the file is ---------------------------------------------------

def test_symlink_is_refused_not_followed(tmp_path, released_text):
    real = _write(tmp_path, released_text.encode(), "real.ipynb")
    link = tmp_path / "x.ipynb"
    link.symlink_to(real)
    assert "symbolic link; submit the notebook file itself" in _refused(link)
    dangling = tmp_path / "d.ipynb"
    dangling.symlink_to(tmp_path / "nowhere")
    _refused(dangling, "symbolic link")


def test_fifo_directory_and_device_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "fifo.ipynb"
    os.mkfifo(fifo)
    started = time.monotonic()
    assert "named pipe" in _refused(fifo)            # no writer: a blocking open would hang here
    assert time.monotonic() - started < 5
    folder = tmp_path / "dir.ipynb"
    folder.mkdir()
    assert "a folder" in _refused(folder)
    assert "a device" in _refused(Path("/dev/zero"))  # endless: the size check alone would not stop it


def test_missing_file_and_size_cap(tmp_path, monkeypatch):
    assert "cannot read" in _refused(tmp_path / "gone.ipynb")
    monkeypatch.setattr(asm, "MAX_NOTEBOOK_BYTES", 1000)
    _refused(_write(tmp_path, b" " * 1001), "more than")


def test_a_file_growing_after_fstat_is_read_only_up_to_the_cap(tmp_path, monkeypatch):
    path = _write(tmp_path, b"{}")
    real_fstat = os.fstat
    monkeypatch.setattr(asm, "MAX_NOTEBOOK_BYTES", 100)
    path.write_bytes(b" " * 10_000)
    monkeypatch.setattr(asm.os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))
    _refused(path, "more than")


def test_deep_nesting_is_a_quick_clean_error(tmp_path):
    for text in ('{"cells": ' + "[" * 100_000, '{"cells": ' + "[" * 50_000 + "]" * 50_000 + "}",
                 '{"cells": [' + '{"a":' * 30_000 + "1" + "}" * 30_000 + "]}"):
        started = time.monotonic()
        _refused(_write(tmp_path, text.encode()))
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("content, message", [
    ({"cells": {"0": {}}}, "'cells' is not a list"),
    ({"cells": [1]}, "cell 1 of x.ipynb is not a notebook cell"),
    ({"cells": [{"cell_type": "code", "source": ""}, {"source": "x"}]}, "cell 2 .* no valid cell_type"),
    ({"cells": [{"cell_type": "heading", "source": "x"}]}, "cell 1 .* no valid cell_type"),
    ({"cells": [{"cell_type": ["code"], "source": "x"}]}, "no valid cell_type"),
    ({"cells": [{"cell_type": "code", "source": 5}]}, "source of cell 1 .* is not text"),
    ({"cells": [{"cell_type": "code", "source": ["a", 1]}]}, "is not text"),
    ({"cells": [{"cell_type": "code", "source": "x"}] * (MAX_CELLS + 1)}, "cells"),
    ([1, 2], "not a Jupyter notebook"),
    ("cells", "not a Jupyter notebook"),
])
def test_wrong_structure_names_the_problem(tmp_path, content, message):
    _refused(_write(tmp_path, content), message)


def test_huge_ints_bom_and_surrogates(tmp_path):
    _refused(_write(tmp_path, b'{"cells": [], "x": ' + b"9" * 5000 + b"}"), "not valid notebook JSON")
    nb = read_submission(_write(tmp_path, b'\xef\xbb\xbf{"cells": []}'))
    assert nb.cells == []
    nb = read_submission(_write(tmp_path, b'{"cells": [{"cell_type": "code", "source": "x = \\"\\ud800\\""}]}'))
    nbformat.writes(nb).encode("utf-8")  # a lone surrogate would make writing the notebook fail later


# --- read_submission: what is kept ------------------------------------------------------

def test_only_type_source_and_grade_id_survive(tmp_path):
    raw = {"nbformat": 4, "nbformat_minor": 4,
           "metadata": {"colab": {"provenance": []}, "kernelspec": {"name": "evil"}},
           "cells": [
               {"cell_type": "code", "source": ["a = 1\n", "b = 2"], "execution_count": "x",
                "outputs": [{"output_type": "stream", "text": "A" * 1000}], "id": 7,
                "metadata": {"nbgrader": {"grade_id": "ex1", "solution": True, "points": 1e9}, "tags": [1]}},
               {"cell_type": "markdown", "source": "hi", "attachments": {"x.png": {"image/png": "AAAA"}},
                "metadata": {"nbgrader": {"grade_id": "a" * 500}}},
               {"cell_type": "raw", "metadata": {"nbgrader": {"grade_id": {"nested": 1}}}},
               {"cell_type": "code", "source": "", "metadata": {"nbgrader": {"grade_id": "bad id\n"}}},
           ]}
    nb = read_submission(_write(tmp_path, raw))
    nbformat.validate(nb)
    assert [c.cell_type for c in nb.cells] == ["code", "markdown", "raw", "code"]
    assert nb.cells[0].source == "a = 1\nb = 2" and nb.cells[0].outputs == []
    assert nb.cells[0].metadata == {"nbgrader": {"grade_id": "ex1"}}
    assert [grade_id(c) for c in nb.cells] == ["ex1", None, None, None]
    assert "attachments" not in nb.cells[1] and nb.metadata == {}
    assert len({c.id for c in nb.cells}) == 4


def test_odd_but_valid_notebooks_are_read(tmp_path, released_text):
    count = len(json.loads(released_text)["cells"])
    raw = json.loads(released_text)
    for cell in raw["cells"]:
        cell["id"] = "same-id"
    assert len(read_submission(_write(tmp_path, raw, "dup.ipynb")).cells) == count
    raw = json.loads(released_text)
    raw["nbformat_minor"] = 0
    raw["metadata"]["colab"] = {"provenance": [], "gpuType": "T4"}
    for cell in raw["cells"]:
        cell.pop("id", None)
        cell["source"] = cell["source"].splitlines(keepends=True) if isinstance(cell["source"], str) else cell["source"]
    nb = read_submission(_write(tmp_path, raw, "Copy of x.ipynb"))
    assert len(nb.cells) == count and len({c.id for c in nb.cells}) == count
    ids = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in raw["cells"]]
    assert [grade_id(c) for c in nb.cells] == ids


# --- read_submission: fuzz ---------------------------------------------------------------

def _mutants(base: bytes, rng: random.Random):
    structure = json.loads(base)
    junk = [None, True, 1, -1, 1.5, 10**30, "x", [], {}, [[[]]], {"cell_type": 1}, "\ud800", float("nan")]
    for _ in range(60):
        yield base[: rng.randrange(len(base))]                        # cut short
    for _ in range(40):
        data = bytearray(base)
        for _ in range(rng.randrange(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)      # flipped bytes
        yield bytes(data)
    for _ in range(80):
        nb = json.loads(base)
        node, key = nb, None
        for _ in range(rng.randrange(1, 5)):                          # replace a random node
            children = (list(node.items()) if isinstance(node, dict)
                        else list(enumerate(node)) if isinstance(node, list) else [])
            if not children:
                break
            key, child = rng.choice(children)
            if not isinstance(child, (dict, list)):
                break
            node = child
        target = node if isinstance(node, (dict, list)) and rng.random() < 0.5 else None
        if target is not None and (target := (list(target) if isinstance(target, dict) else range(len(target)))):
            node[rng.choice(list(target))] = rng.choice(junk)
        else:
            nb["cells"] = rng.choice(junk)
        yield json.dumps(nb).encode()
    yield ("[" * 700 + "]" * 700).encode()
    yield b'{"cells": [' + b"[" * 5000 + b"]" * 5000 + b"]}"
    yield (b'{"cells": [{"cell_type": "code", "source": "x", "metadata": '
           + b'{"a": ' * 3000 + b"1" + b"}" * 3000 + b"}]}")
    yield b'{"cells": ' + b"1" * 100_000 + b"}"
    yield b'{"cells": 1e999999}'
    yield json.dumps({"cells": [structure["cells"][0]] * 10}).encode()
    yield b"\x00" * 1000
    yield "{\"cells\": [\"\u2028\"]}".encode()


def test_fuzz_nothing_but_a_notebook_or_a_submission_error_comes_out(tmp_path, released_text):
    rng = random.Random(1234)
    base = released_text.encode()
    path = tmp_path / "fuzz.ipynb"
    started, outcomes = time.monotonic(), {"ok": 0, "refused": 0}
    for content in _mutants(base, rng):
        path.write_bytes(content)
        try:
            nb = read_submission(path)
        except SubmissionError as err:
            assert str(err) and "\n" not in str(err)
            outcomes["refused"] += 1
        else:
            assert isinstance(nb, nbformat.NotebookNode)
            nbformat.writes(nb).encode("utf-8")
            outcomes["ok"] += 1
    assert outcomes["ok"] and outcomes["refused"]
    assert time.monotonic() - started < 60


# --- find_submissions --------------------------------------------------------------------

def _nb(path: Path, text: str = '{"cells": []}') -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_find_submissions_keeps_the_folder_layout_semantics(tmp_path):
    _nb(tmp_path / "amy.ipynb")
    _nb(tmp_path / "bob" / "part1.ipynb")
    _nb(tmp_path / "bob" / "sub" / "part2.ipynb")
    _nb(tmp_path / "bob" / ".ipynb_checkpoints" / "part1-checkpoint.ipynb")
    _nb(tmp_path / "bob" / "notes.txt")
    _nb(tmp_path / ".hidden.ipynb")
    _nb(tmp_path / ".git" / "x.ipynb")
    _nb(tmp_path / "readme.md")
    found = find_submissions(tmp_path)
    assert set(found) == {"amy", "bob"}
    assert found["amy"] == StudentFiles([tmp_path / "amy.ipynb"], [])
    assert found["bob"].files == [tmp_path / "bob" / "part1.ipynb", tmp_path / "bob" / "sub" / "part2.ipynb"]
    assert found["bob"].errors == []


def test_links_are_errors_for_their_student_and_never_followed(tmp_path):
    outside = tmp_path / "outside"
    _nb(outside / "secret.ipynb")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "carl").symlink_to(outside)                     # a linked student folder
    (subs / "dina.ipynb").symlink_to(outside / "secret.ipynb")
    _nb(subs / "emil" / "ok.ipynb")
    (subs / "emil" / "link.ipynb").symlink_to(outside / "secret.ipynb")
    (subs / "emil" / "loop").symlink_to(subs / "emil")
    found = find_submissions(subs)
    assert found["carl"].files == [] and "symbolic link" in found["carl"].errors[0]
    assert found["dina"].files == [] and "symbolic link" in found["dina"].errors[0]
    assert found["emil"].files == [subs / "emil" / "ok.ipynb"]
    assert len(found["emil"].errors) == 2 and all("symbolic link" in e for e in found["emil"].errors)
    assert not any("secret" in str(p) for s in found.values() for p in s.files)


def test_folders_named_ipynb_fifos_and_sockets_are_errors(tmp_path):
    (tmp_path / "fred.ipynb").mkdir()
    os.mkfifo(tmp_path / "gina.ipynb")
    _nb(tmp_path / "hans" / "ok.ipynb")
    (tmp_path / "hans" / "dir.ipynb").mkdir()
    os.mkfifo(tmp_path / "hans" / "pipe.ipynb")
    short = Path(tempfile.mkdtemp(prefix="lg-", dir="/tmp"))   # AF_UNIX paths must be short
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(short / "ivy.ipynb"))
        found_short = find_submissions(short)
        sock.close()
    finally:
        for p in short.iterdir():
            p.unlink()
        short.rmdir()
    assert "a socket" in found_short["ivy"].errors[0] and found_short["ivy"].files == []
    found = find_submissions(tmp_path)
    assert "a folder" in found["fred"].errors[0]
    assert "named pipe" in found["gina"].errors[0]
    assert found["hans"].files == [tmp_path / "hans" / "ok.ipynb"]
    assert sorted(found["hans"].errors) == ["hans/dir.ipynb is a folder, not a notebook file",
                                            "hans/pipe.ipynb is a named pipe (FIFO), not a notebook file"]


def test_undecodable_and_control_character_names_give_printable_unique_ids(tmp_path):
    base = os.fsencode(tmp_path)
    for raw in (b"caf\xe9.ipynb", b"caf\\xe9.ipynb", b"new\nline.ipynb", b"\xff\xfe"):
        if raw.endswith(b".ipynb"):
            with open(base + b"/" + raw, "w") as fh:
                fh.write("{}")
        else:
            os.mkdir(base + b"/" + raw)
            with open(base + b"/" + raw + b"/\x80.ipynb", "w") as fh:
                fh.write("{}")
    found = find_submissions(tmp_path)
    assert len(found) == 4
    for sid, files in found.items():
        assert sid.isprintable() and sid.encode("utf-8")
        assert len(files.files) == 1 and files.files[0].exists()
    assert "caf\\xe9" in found and "new\\x0aline" in found and "\\xff\\xfe" in found
    with pytest.raises(SubmissionError) as info:
        read_submission(found["\\xff\\xfe"].files[0])
    assert str(info.value).startswith("\\x80.ipynb") and str(info.value).encode("utf-8")
    assert printable_name("a\udc80b") == "a\\x80b"
    mixed = printable_name("a\udc80\ud800b")      # a surrogate no file system produces
    assert mixed.isprintable() and mixed.encode("utf-8")
    assert {"caf\\xe9", "caf\\xe9~2"} <= set(found)  # b"caf\xe9" and a literal backslash: both kept


def test_depth_and_count_caps(tmp_path, monkeypatch):
    monkeypatch.setattr(asm, "MAX_FILES_PER_STUDENT", 5)
    for i in range(8):
        _nb(tmp_path / "many" / f"n{i}.ipynb")
    deep = tmp_path / "deep"
    for _ in range(asm.MAX_DEPTH + 3):
        deep = deep / "d"
    _nb(deep / "x.ipynb")
    _nb(tmp_path / "deep" / "top.ipynb")
    found = find_submissions(tmp_path)
    assert len(found["many"].files) == 5 and "more than 5 notebooks" in found["many"].errors[0]
    assert found["deep"].files == [tmp_path / "deep" / "top.ipynb"]
    assert "nested more than" in found["deep"].errors[0]


def test_unreadable_student_folder_is_an_error_not_a_crash(tmp_path, monkeypatch):
    locked = tmp_path / "jo" / "locked"
    _nb(locked / "x.ipynb")
    _nb(tmp_path / "jo" / "ok.ipynb")
    real = asm._entries

    def entries(folder):
        if Path(folder) == locked:   # chmod 0 does not stop root, so refuse the listing here
            raise PermissionError(13, "Permission denied")
        return real(folder)

    monkeypatch.setattr(asm, "_entries", entries)
    found = find_submissions(tmp_path)
    assert found["jo"].files == [tmp_path / "jo" / "ok.ipynb"]
    assert found["jo"].errors == ["could not read the folder jo/locked: Permission denied"]
