"""collect: links, escaping archive entries and odd files are refused and listed, never followed."""
from __future__ import annotations

import json
import os
import stat
import zipfile

import pytest

from labgrader.collect import importer
from labgrader.collect.importer import collect, print_summary

NB = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _manifest(out):
    return json.loads((out / "manifest.json").read_text())


def test_folder_symlinks_are_refused_and_not_copied(tmp_path, capsys):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "answers.ipynb").write_text('{"cells": [], "metadata": {"secret": 1}}')
    src = tmp_path / "src"
    (src / "amy").mkdir(parents=True)
    (src / "amy" / "part1.ipynb").write_text(NB)
    (src / "amy" / "stolen.ipynb").symlink_to(secret / "answers.ipynb")
    (src / "bob").symlink_to(secret)                  # a linked student folder
    (src / "cara.ipynb").symlink_to(secret / "answers.ipynb")
    (src / "loop").mkdir()
    (src / "loop" / "again").symlink_to(src)
    out = tmp_path / "out"
    results = collect(src, out)
    copied = [r for r in results if not r.refused]
    assert [(r.student, r.file) for r in copied] == [("amy", "part1.ipynb")]
    refused = {r.source: r.refused for r in results if r.refused}
    assert set(refused) == {"amy/stolen.ipynb", "bob", "cara.ipynb", "loop/again"}
    assert all("symbolic link" in why for why in refused.values())
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.ipynb")) == ["amy/part1.ipynb"]
    assert {e["source"]: e["refused"] for e in _manifest(out) if e["refused"]} == refused
    print_summary(results)
    printed = capsys.readouterr().out
    assert "collected 1 notebook(s) from 1 student(s)" in printed and "refused 4 file(s)" in printed


def _link_member(name: str, target: str) -> tuple[zipfile.ZipInfo, str]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target


def test_zip_symlink_and_escaping_entries_are_refused(tmp_path):
    archive = tmp_path / "subs.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("dan/ok.ipynb", NB)
        z.writestr(*_link_member("eve/link.ipynb", "/etc/passwd"))
        z.writestr(*_link_member("fay.ipynb", "../../../home"))
        z.writestr("../../escape.ipynb", NB)
        z.writestr("/abs/olute.ipynb", NB)
        z.writestr("..\\win.ipynb", NB)
        z.writestr("gus/a.ipynb", NB)
        with pytest.warns(UserWarning, match="Duplicate name"):
            z.writestr("gus/a.ipynb", NB)          # the same name twice: both kept, flagged duplicate
    out = tmp_path / "out"
    results = collect(archive, out)
    copied = sorted((r.student, r.file) for r in results if not r.refused)
    assert copied == [("dan", "ok.ipynb"), ("gus", "a.duplicate1.ipynb"), ("gus", "a.ipynb")]
    refused = {r.source: r.refused for r in results if r.refused}
    assert refused["eve/link.ipynb"] == refused["fay.ipynb"] == "it is a symbolic link"
    assert all("escapes the archive" in refused[k] for k in ("../../escape.ipynb", "abs/olute.ipynb", "..\\win.ipynb"))
    assert not (tmp_path / "escape.ipynb").exists() and not any(p.is_symlink() for p in out.rglob("*"))


def test_oversized_fifo_deep_json_and_odd_names(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "MAX_NOTEBOOK_BYTES", 20_000)
    src = tmp_path / "src"
    (src / "hal").mkdir(parents=True)
    (src / "hal" / "big.ipynb").write_bytes(b" " * 20_001)
    os.mkfifo(src / "hal" / "pipe.ipynb")
    (src / "ida.ipynb").write_text('{"metadata": ' + "[" * 5000 + "]" * 5000 + "}")  # RecursionError bait
    (src / "jon.ipynb").write_text('{"metadata": ' + "9" * 5000 + "}")               # huge int
    (src / "dir.ipynb").mkdir()
    (src / "dir.ipynb" / "kim.ipynb").write_text(NB)
    os.mkdir(os.fsencode(src) + b"/l\xe9a")
    with open(os.fsencode(src) + b"/l\xe9a/x.ipynb", "w") as fh:
        fh.write(NB)
    out = tmp_path / "out"
    results = collect(src, out)
    refused = {r.source: r.refused for r in results if r.refused}
    assert "larger than" in refused["hal/big.ipynb"] and refused["hal/pipe.ipynb"] == "it is not a regular file"
    copied = {r.student: r for r in results if not r.refused}
    assert {"ida", "jon", "dir.ipynb", "l_xe9a"} <= set(copied) and not copied["ida"].colab
    assert json.dumps(_manifest(out)).encode("ascii")
    print_summary(results)


def test_zip_bomb_is_cut_off(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "MAX_NOTEBOOK_BYTES", 10_000)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("mo.ipynb", b" " * 1_000_000)
    results = collect(archive, tmp_path / "out")
    assert [r.refused for r in results] == ["it is larger than 10000 bytes"]
    assert not (tmp_path / "out" / "mo").exists()
