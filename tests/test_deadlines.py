"""Deadlines, late policy and extensions: times from the archive (never extraction mtimes), the
policy applied at export beside the raw score, kept across regrades, visible to nbgrader."""
from __future__ import annotations

import csv
import json
import struct
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from labgrader.collect.importer import collect
from labgrader.export.canvas import export_canvas
from labgrader.export.csv import rows
from labgrader.term.policy import LatePolicy, Term, load_extensions, parse_time
from labgrader.term.times import record_times, zip_entry_time
from tests.term_course import LAB, grade, make_course

DUE = parse_time("2026-10-09T23:59:00+00:00")
NB = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
POLICY = {"late_policy": {"grace_minutes": 15, "penalty_per_day": 0.1, "max_penalty": 0.3, "refuse_after_days": 7}}


def _term(extra: dict | None = None, extensions=()) -> Term:
    return Term({"due": {LAB: DUE.isoformat(), f"{LAB}/part2": "2026-10-16T23:59"}, **POLICY, **(extra or {})},
                list(extensions))


@pytest.mark.parametrize("late, days, share, refused", [
    (timedelta(0), 0, 0.0, False),
    (timedelta(minutes=15), 0, 0.0, False),             # inside the grace period
    (timedelta(minutes=16), 1, 0.1, False),             # past it: one started day
    (timedelta(days=1, minutes=1), 2, 0.2, False),
    (timedelta(days=5), 5, 0.3, False),                 # capped at 30 %
    (timedelta(days=7), 7, 0.3, False),
    (timedelta(days=7, hours=1), 8, 1.0, True),         # past refuse_after_days: nothing counts
    (-timedelta(days=3), 0, 0.0, False),                # early
])
def test_policy_rules(late, days, share, refused):
    result = _term().lateness("amy", LAB, "part1", DUE + late)
    assert (result.days, result.share, result.refused) == (days, pytest.approx(share), refused)
    assert result.penalty(8.0, 10.0) == pytest.approx(8.0 if refused else 8.0 * share)


def test_penalty_of_max_points_never_exceeds_the_score():
    term = _term({"late_policy": {**POLICY["late_policy"], "of": "max"}})
    result = term.lateness("amy", LAB, "part1", DUE + timedelta(days=2))
    assert result.penalty(8.0, 10.0) == pytest.approx(2.0) and result.penalty(1.0, 10.0) == 1.0


def test_refuse_any_late_work_and_bad_settings():
    strict = LatePolicy.from_settings({"late_policy": {"refuse_after_days": 0}})
    assert strict.share(strict.days_late(DUE + timedelta(seconds=1), DUE)) == (1.0, True)
    assert strict.share(strict.days_late(DUE, DUE)) == (0.0, False)
    with pytest.raises(SystemExit, match="unknown late_policy"):
        LatePolicy.from_settings({"late_policy": {"penalty": 1}})
    with pytest.raises(SystemExit, match="max_penalty"):
        LatePolicy.from_settings({"late_policy": {"max_penalty": 2}})


def test_notebook_due_dates_and_extensions(tmp_path):
    path = tmp_path / "extensions.csv"
    path.write_text("student,lab,due,reason,notebook\n"
                    f"bob,{LAB},2026-10-12T23:59:00Z,illness,\n"
                    f"cara,{LAB},2026-10-20T12:00,conference,part2\n")
    term = _term(extensions=load_extensions(path))
    assert term.due_date(LAB, "part2") == parse_time("2026-10-16T23:59:00+00:00")
    late = DUE + timedelta(days=2)
    assert term.lateness("amy", LAB, "part1", late).days == 2
    bob = term.lateness("bob", LAB, "part1", late)
    assert (bob.days, bob.extension, bob.status) == (0, "illness", "on time")
    cara = term.lateness("cara", LAB, "part2", parse_time("2026-10-20T11:00Z"))
    assert (cara.days, cara.extension) == (0, "conference")
    assert term.lateness("cara", LAB, "part1", late).days == 2      # her extension is for part 2 only
    assert term.lateness("dan", LAB, "part1", None).status == "no time"
    path.write_text("student,lab,due\nbob,lab,next week\n")
    with pytest.raises(SystemExit, match="line 2"):
        load_extensions(path)


def _entry(name: str, when: tuple, utc: datetime | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    if utc is not None:   # the extended-timestamp field Info-ZIP writes (flags: mtime present)
        info.extra = struct.pack("<HHBI", 0x5455, 5, 1, int(utc.timestamp()))
    return info


def test_zip_entry_time_not_extraction_mtime(tmp_path):
    """The issue's case: an entry dated 2024, deadline 2025, came back late (extraction mtime)."""
    archive = tmp_path / "subs.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(_entry("smithjane_12345_678901_part1.ipynb", (2024, 5, 1, 10, 0, 0)), NB)
        z.writestr(_entry("doejohn_23456_678902_part1.ipynb", (2025, 6, 1, 10, 0, 0)), NB)
    results = collect(archive, tmp_path / "out", deadline=parse_time("2025-01-01T00:00Z"))
    by = {r.student: r for r in results}
    assert not by["smithjane"].late and by["doejohn"].late
    assert by["smithjane"].submitted_at == "2024-05-01T10:00:00+00:00" and by["smithjane"].time_source == "zip"
    manifest = {e["student"]: e for e in json.loads((tmp_path / "out" / "manifest.json").read_text())}
    assert manifest["doejohn"]["submitted_at"].startswith("2025-06-01")


def test_zip_utc_field_and_timezone():
    utc = datetime(2026, 10, 9, 23, 0, tzinfo=timezone.utc)
    assert zip_entry_time(_entry("a.ipynb", (2026, 10, 10, 1, 0, 0), utc)) == utc   # the UTC field wins
    dos = _entry("b.ipynb", (2026, 10, 10, 1, 0, 0))
    assert zip_entry_time(dos) == datetime(2026, 10, 10, 1, 0, tzinfo=timezone.utc)
    assert zip_entry_time(dos, "Europe/Berlin") == utc          # CEST is UTC+2 in October


def test_explicit_manifest_wins_over_zip_dates(tmp_path):
    archive = tmp_path / "subs.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(_entry("smithjane_12345_678901_part1.ipynb", (2024, 5, 1, 10, 0, 0)), NB)
        z.writestr(_entry("doejohn_LATE_23456_678902_part1.ipynb", (2024, 5, 1, 10, 0, 0)), NB)
    canvas_api = tmp_path / "submissions.json"   # what Canvas's Submissions API lists
    canvas_api.write_text(json.dumps([{"user_id": 12345, "submitted_at": "2026-10-10T08:00:00Z"},
                                      {"user_id": 99999, "submitted_at": None}]))
    results = {r.student: r for r in collect(archive, tmp_path / "out", times=canvas_api)}
    assert results["smithjane"].submitted_at == "2026-10-10T08:00:00+00:00"
    assert results["smithjane"].time_source == "manifest"
    assert results["doejohn"].time_source == "zip" and results["doejohn"].late    # Canvas's LATE_ marker


def test_canvas_term_applied_at_export_and_kept_across_regrades(tmp_path):
    """On-time, late, extended and refused students from a Canvas zip, through grading to export
    and nbgrader's gradebook; a regrade without the manifest keeps every penalty."""
    from nbgrader.api import Gradebook

    course = make_course(tmp_path)
    (course.workspace / "extensions.csv").write_text(f"student,lab,due,reason\ncara,{LAB},2026-10-14T23:59Z,illness\n")
    stamps = {"amy": (2026, 10, 9, 20, 0, 0), "bob": (2026, 10, 11, 9, 0, 0),      # on time; 2 days late
              "cara": (2026, 10, 13, 9, 0, 0), "dan": (2026, 10, 30, 9, 0, 0)}      # extended; refused
    archive = tmp_path / "canvas.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i, (login, when) in enumerate(stamps.items()):
            z.writestr(_entry(f"{login}_{100 + i}_{500 + i}_part1.ipynb", when),
                       NB.replace("{}", f'{{"who": "{login}"}}'))
    subs = tmp_path / "subs"
    collect(archive, subs)
    for student in stamps:
        grade(course, student, 2.0, (subs / student / "part1.ipynb").read_bytes())
    record_times(course, LAB, subs)

    def totals():
        return {r["student"]: r for r in rows(course) if r["exercise"] == "TOTAL"}

    first = totals()
    assert {s: (r["score"], r["late_penalty"], r["final_score"]) for s, r in first.items()} == {
        "amy": (2.0, 0.0, 2.0), "bob": (2.0, 0.4, 1.6), "cara": (2.0, 0.0, 2.0), "dan": (2.0, 2.0, 0.0)}
    assert first["bob"]["lateness"] == "2 d late" and first["cara"]["extension"] == "illness"
    assert first["dan"]["lateness"].startswith("refused") and first["amy"]["lateness"] == "on time"
    canvas = list(csv.reader(open(export_canvas(course, tmp_path / "canvas.csv"))))
    assert {r[0]: r[5] for r in canvas[2:]} == {"amy": "2", "bob": "1.6", "cara": "2", "dan": "0"}   # final scores

    with Gradebook(f"sqlite:///{course.gradebook}") as gb:    # what formgrader reads
        assert gb.find_assignment(LAB).duedate == datetime(2026, 10, 9, 23, 59)
        bob, cara = gb.find_submission(LAB, "bob"), gb.find_submission(LAB, "cara")
        assert bob.timestamp == datetime(2026, 10, 11, 9, 0) and bob.total_seconds_late > 0
        assert cara.extension == timedelta(days=5) and cara.total_seconds_late == 0

    for student in stamps:                     # a regrade from a folder without times
        grade(course, student, 1.0, (subs / student / "part1.ipynb").read_bytes())
    (subs / "manifest.json").unlink()
    record_times(course, LAB, subs)
    again = totals()
    assert again["bob"]["late_penalty"] == pytest.approx(0.2) and again["bob"]["final_score"] == pytest.approx(0.8)
    assert again["dan"]["final_score"] == 0.0 and again["bob"]["submitted_at"] == first["bob"]["submitted_at"]


def test_a_terms_own_dates_override_the_repository(tmp_path):
    course = make_course(tmp_path)
    assert Term.of(course).due_date(LAB) == DUE
    (course.workspace / "term.toml").write_text('[due]\n"99_manual" = "2027-03-01T12:00Z"\n'
                                                '[late_policy]\npenalty_per_day = 0.5\n')
    term = Term.of(course)
    assert term.due_date(LAB) == parse_time("2027-03-01T12:00Z")
    assert term.policy == LatePolicy(penalty_per_day=0.5)       # the term's policy replaces the repository's
