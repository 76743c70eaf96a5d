"""`labgrader feedback LAB --bundle OUT`: a folder and a zip per student, an LMS upload zip, a
summary page with scores, penalties, notes and comments; nothing but what students may see."""
from __future__ import annotations

import json
import zipfile

from labgrader.feedback.bundle import write_bundle
from labgrader.feedback.html import generate_feedback
from labgrader.term.times import record_times
from tests.term_course import LAB, grade, make_course, manual_grade


def test_bundle_per_student_and_lms_zip(tmp_path):
    course = make_course(tmp_path)
    subs = tmp_path / "subs"
    manifest = []
    for login, user, when in (("amy", 11, "2026-10-09T20:00:00+00:00"), ("bob", 12, "2026-10-11T09:00:00+00:00")):
        (subs / login).mkdir(parents=True)
        (subs / login / "part1.ipynb").write_text(json.dumps({"who": login}))
        manifest.append({"student": login, "file": "part1.ipynb", "source": f"{login}_{user}_70{user}_part1.ipynb",
                         "submitted_at": when, "refused": ""})
        grade(course, login, 2.0, (subs / login / "part1.ipynb").read_bytes(),
              notes=["cell 3 raised <script>alert(1)</script>"] if login == "bob" else None)
    (subs / "manifest.json").write_text(json.dumps(manifest))
    record_times(course, LAB, subs)
    manual_grade(course, "amy", 1.5, "Names distributivity; no <b>general</b> rule.")

    pages = generate_feedback(course, LAB)
    assert len(pages) == 2
    out = tmp_path / "bundle"
    write_bundle(course, LAB, out, pages)
    assert sorted(p.name for p in out.iterdir()) == ["amy", "amy.zip", "bob", "bob.zip", "lms-upload.zip"]
    assert sorted(p.name for p in (out / "amy").iterdir()) == ["part1.html", "summary.html"]
    assert zipfile.ZipFile(out / "bob.zip").namelist() == ["bob/part1.html", "bob/summary.html"]
    assert sorted(zipfile.ZipFile(out / "lms-upload.zip").namelist()) == [
        f"amy_11_7011_{LAB}_part1.html", f"amy_11_7011_{LAB}_summary.html",
        f"bob_12_7012_{LAB}_part1.html", f"bob_12_7012_{LAB}_summary.html"]

    amy = (out / "amy" / "summary.html").read_text()
    assert "3.5 / 4" in amy and "on time" in amy and "Names distributivity; no &lt;b&gt;general&lt;/b&gt; rule." in amy
    bob = (out / "bob" / "summary.html").read_text()
    assert "2 d late" in bob and "-0.4" in bob and "1.6 / 4" in bob      # 2 days × 10 % of 2 points
    assert "waiting for a grader" in bob and "not been graded yet" in bob
    assert "alert(1)" in bob and "<script>" not in bob                  # the note, escaped
    for page in out.rglob("*.html"):       # what students get holds no solution or hidden test
        text = page.read_text()
        assert "BEGIN HIDDEN" not in text and "record(" not in text and "return 2 * x" not in text
        assert "MARK SCHEME" not in text and "distributes over addition" not in text
