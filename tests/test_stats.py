"""`labgrader stats LAB`: share failing per exercise and hidden check, the messages students saw,
the score distribution; written answers are not counted as failed."""
from __future__ import annotations

import csv

from labgrader.grade.compare import Verdict
from labgrader.stats.items import analyse, write_stats
from tests.term_course import grade, make_course


def test_item_analysis(tmp_path):
    course = make_course(tmp_path)
    outcomes = {"amy": (True, True), "bob": (False, True), "cara": (False, False), "dan": (True, True)}
    for student, (first, second) in outcomes.items():
        verdicts = [Verdict("double/random", first, "" if first else "values differ from the reference", 1.0),
                    Verdict("double/shape", second, "" if second else "wrong shape", 1.0)]
        grade(course, student, 2.0 * (first + second) / 2, verdicts=verdicts)
    items, results = analyse(course, "99_manual")
    by = {(i.exercise, i.check): i for i in items}
    assert set(by) == {("test_ex1_double", ""), ("test_ex1_double", "double/random"),
                       ("test_ex1_double", "double/shape")}
    assert (by[("test_ex1_double", "")].graded, by[("test_ex1_double", "")].failed) == (4, 2)
    random_check = by[("test_ex1_double", "double/random")]
    assert (random_check.share_failed == 0.5
            and random_check.messages.most_common(1) == [("values differ from the reference", 2)])
    assert by[("test_ex1_double", "double/shape")].failed == 1
    assert len(results) == 4

    out = write_stats(course, "99_manual", tmp_path / "stats.html")
    page = out.read_text()
    assert "data:image/png;base64," in page and "4 student(s)" in page and "4 still waiting for a human" in page
    assert "reflect_q1" not in page        # written answers: for people, not a failed check
    rows = list(csv.DictReader(open(out.with_suffix(".csv"))))
    assert {r["check"]: r["share_failed"] for r in rows} == {"": "0.5000", "double/random": "0.5000",
                                                             "double/shape": "0.2500"}
