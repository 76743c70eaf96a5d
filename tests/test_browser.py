"""A lab in a real browser: JupyterLab on loopback, headless Debian Chromium driven by Playwright.

Lab 01 part 2 (answers filled in) is opened in JupyterLab and run with "Run All" in fast mode.
Then: no cell raised; plots are images on the page; the audio players are there; the tune
generator widget renders, and clicking its button produces a new tune with a player. Screenshots
go to artifacts/browser/ (docs/images/ holds the README's copies).

Needs Debian's chromium (`make system-packages` installs it as root); Playwright never downloads a
browser here. Outside CI a machine without /usr/bin/chromium skips this test; CI fails instead.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests.sample_class import perfect_notebook, visible_points

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "artifacts" / "browser"
pytestmark = pytest.mark.slow  # JupyterLab in chromium, a lab run through the page
LAB = Path("01_music_rnn/02_music_generation.ipynb")
# Chromium on a closed network: no background connections, no first-run or update traffic
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium for the browser test: run `make system-packages` as root")
    pytest.skip("no /usr/bin/chromium (apt install chromium)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    nbformat.write(perfect_notebook(REPO, LAB), root / LAB.name)
    # every cell stays in the page (no virtual scrolling), so outputs can be looked at after Run All
    settings = root / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    news = settings.parent / "apputils-extension"  # no "get Jupyter news?" toast over the screenshots
    news.mkdir()
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port, token = free_port(), secrets.token_hex(16)
    env = {**os.environ, "DEEPLABS_MODE": "fast", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "JUPYTER_CONFIG_DIR": str(root / ".jupyter"),
           "JUPYTERLAB_SETTINGS_DIR": str(root / ".jupyter" / "lab" / "user-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".jupyter" / "lab" / "workspaces"),
           "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True", "--allow-root"],
        env=env, stdout=subprocess.DEVNULL, stderr=open(root / "server.log", "w"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail(f"JupyterLab did not start: {(root / 'server.log').read_text()[-2000:]}")
    yield {"url": f"{base}/lab/tree/{LAB.name}?token={token}", "root": root}
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def page(jupyterlab):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(jupyterlab["url"])
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        page.wait_for_function("() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel"
                               "?.status === 'idle'", timeout=60_000)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        wait_until_run_all_finished(page)
        page.screenshot(path=str(ARTIFACTS / "run-all.png"))
        yield page
        browser.close()


def wait_until_run_all_finished(page, timeout_s: float = 600) -> None:
    """No cell queued or running ([*]) on two polls in a row, after at least one cell ran."""
    deadline, quiet = time.monotonic() + timeout_s, 0
    while time.monotonic() < deadline:
        prompts = page.eval_on_selector_all(".jp-InputPrompt", "els => els.map(e => e.textContent)")
        busy = any("*" in p for p in prompts)
        ran = any(p.strip("[]: ").isdigit() for p in prompts)
        quiet = quiet + 1 if ran and not busy else 0
        if quiet >= 2:
            return
        time.sleep(1.0)
    page.screenshot(path=str(ARTIFACTS / "timeout.png"))
    pytest.fail("Run All did not finish in time (screenshot: artifacts/browser/timeout.png)")


def saved_notebook(page, jupyterlab):
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    time.sleep(1.0)
    return nbformat.read(jupyterlab["root"] / LAB.name, as_version=4)


def test_run_all_finishes_without_errors(page, jupyterlab):
    nb = saved_notebook(page, jupyterlab)
    errors = [(c.get("id"), o.get("ename"), o.get("evalue")) for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), "Run All stopped before the last cell"
    total = visible_points(nb)
    self_check = "".join(o.get("text", "") for o in code[-1].outputs)
    assert f"visible checks pass for {total:g} of {total:g} points" in self_check, self_check


def test_plots_render_as_images_and_audio_players_appear(page, jupyterlab):
    nb = saved_notebook(page, jupyterlab)
    pngs = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    audio = sum("audio" in str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))
    assert pngs >= 2 and audio >= 1, (pngs, audio)  # the loss curve and a piano roll; a player
    assert page.locator(".jp-OutputArea-output img").count() >= pngs  # each one drawn on the page
    assert page.locator(".jp-OutputArea-output audio").count() >= audio
    page.locator(".jp-OutputArea-output audio").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "piano-roll-and-player.png"))


def test_tune_generator_widget_responds_to_a_click(page):
    widget = page.locator(".jp-OutputArea-output .widget-vbox").filter(has=page.locator("button", has_text="generate"))
    widget.scroll_into_view_if_needed()
    assert widget.locator(".widget-slider, .widget-hslider").count() == 1
    shown = widget.locator(".widget-output .jp-OutputArea-output")
    assert shown.count() == 0  # nothing is generated until someone clicks
    widget.locator("button", has_text="generate").click()
    # a fast-mode model often writes invalid tunes: then the output says why instead of playing
    shown.filter(has_text="valid tune").first.wait_for(timeout=120_000)
    page.wait_for_timeout(2_000)
    widget.screenshot(path=str(ARTIFACTS / "tune-generator.png"))
    text = widget.inner_text()
    if "✓ a valid tune" in text or "playing it anyway" in text:
        assert widget.locator("audio").count() >= 1 and widget.locator("img").count() >= 1
    else:
        assert "cannot be played" in text, text
