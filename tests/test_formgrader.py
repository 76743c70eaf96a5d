"""Formgrader for real: nbgrader's formgrader on the course workspace, in headless Chromium
(Playwright, Debian's /usr/bin/chromium as in tests/test_browser.py); a grader scores one written
answer and comments on it; `labgrader export` and the feedback summary show both, and a
regrade keeps them."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.test_browser import ARTIFACTS, free_port, launch_chromium   # skips without Chromium
from tests.term_course import LAB, grade, make_course

pytestmark = pytest.mark.slow  # formgrader in headless chromium

CONFIG = """from pathlib import Path
from labgrader.config import Course
from labgrader.nbgrader_bridge import nbgrader_config

c = get_config()  # noqa: F821
c.merge(nbgrader_config(Course(repo=Path({repo!r}), workspace=Path({workspace!r}))))
"""


@pytest.fixture
def formgrader(tmp_path):
    course = make_course(tmp_path)
    grade(course, "amy", 2.0)
    # formgrader reads nbgrader_config.py from the server's folder: the one labgrader's own config builds
    (tmp_path / "nbgrader_config.py").write_text(CONFIG.format(repo=str(course.repo), workspace=str(course.workspace)))
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / ".jupyter")}
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
                               f"--port={port}", f"--IdentityProvider.token={token}",
                               f"--ServerApp.root_dir={tmp_path}", "--allow-root"],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail(f"the server did not start: {(tmp_path / 'server.log').read_text()[-2000:]}")
    yield {"course": course, "base": base, "token": token, "log": tmp_path / "server.log"}
    server.terminate()
    server.wait(timeout=30)


def _written_answer(course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.gradebook}") as gb:
        grade_row = gb.find_grade("reflect_q1", "part1", LAB, "amy")
        comment = gb.find_comment("reflect_q1", "part1", LAB, "amy")
        return (grade_row.manual_score, grade_row.needs_manual_grade, comment.manual_comment,
                gb.find_submission_notebook("part1", LAB, "amy").id)


def test_grade_a_written_answer_in_formgrader(formgrader, tmp_path):
    from playwright.sync_api import sync_playwright

    from labgrader.export.csv import rows
    from labgrader.feedback.bundle import write_bundle
    from labgrader.feedback.html import generate_feedback

    course = formgrader["course"]
    score, pending, _, submission_id = _written_answer(course)
    assert score is None and pending
    url = f"{formgrader['base']}/formgrader/submissions/{submission_id}/"
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        # the token on every request, the page's own API calls (saving a grade) included
        context = browser.new_context(viewport={"width": 1300, "height": 1000},
                                      extra_http_headers={"Authorization": f"token {formgrader['token']}"})
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("input.score#reflect_q1", timeout=60_000)
        page.fill("input.score#reflect_q1", "1.5")
        page.press("input.score#reflect_q1", "Tab")                       # change -> saved by formgrader
        page.fill("textarea#reflect_q1-comment", "Names distributivity; give the general rule next time.")
        page.press("textarea#reflect_q1-comment", "Tab")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _written_answer(course)[:3] != (
                1.5, False, "Names distributivity; give the general rule next time."):
            time.sleep(0.5)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "formgrader.png"))
        browser.close()
    assert _written_answer(course)[:3] == (1.5, False, "Names distributivity; give the general rule next time."), \
        formgrader["log"].read_text()[-2000:]

    grade(course, "amy", 1.0)                  # a regrade after the human grade
    by = {r["exercise"]: r for r in rows(course) if r["student"] == "amy"}
    assert by["reflect_q1"]["score"] == 1.5 and by["reflect_q1"]["needs_manual"] == ""
    assert by["TOTAL"]["score"] == 2.5 and by["TOTAL"]["needs_manual"] == ""
    write_bundle(course, LAB, tmp_path / "bundle", generate_feedback(course, LAB))
    summary = (tmp_path / "bundle" / "amy" / "summary.html").read_text()
    assert "1.5 / 2" in summary and "give the general rule next time" in summary
