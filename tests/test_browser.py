"""The student path, end to end: a fresh Colab-like environment, JupyterLab on loopback, headless
Debian Chromium driven by Playwright.

The kernel is a new virtual environment holding only what Colab preinstalls (torch, ipykernel)
and nothing of ours: each notebook's own install cell, pointed at the published student tree
(`labgrader publish`, what students get) instead of GitHub, installs deeplabs and the lab's extras,
with the model and dataset hubs switched off (no instructor package, no repository path, no
download from a hub). One JupyterLab server holds every lab notebook (labs/*/*.ipynb, answers
filled in: the student who gets everything right). Each is opened in its own page and run with
"Run All" in fast mode; then
no cell raised, every code cell ran, the self-check table reports every visible point, every PNG
plot of the saved notebook is an image on the page, no widget failed to display, and the
notebook's interactive widgets respond (lab 04's guidance slider flips the image); its kernel is
shut down at the end of its test (lab 03 holds a small LLM). Lab 01 part 2 has more: its audio
players are there, and clicking the tune generator's button produces a new tune with a player.
Screenshots go to artifacts/browser/ (docs/images/ holds the README's copies): <notebook>.png
after each Run All.

Needs Debian's chromium (`make system-packages` installs it as root); Playwright never downloads a
browser here. Outside CI a machine without /usr/bin/chromium skips this test; CI fails instead.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import nbformat
import pytest
import torch

from labgrader.release import templates
from labgrader.release.publish import publish
from tests.sample_class import perfect_notebook, visible_points

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "artifacts" / "browser"
pytestmark = pytest.mark.slow  # JupyterLab in chromium, a lab run through the page
LAB = Path("01_music_rnn/02_music_generation.ipynb")
NOTEBOOKS = sorted(p.relative_to(REPO / "labs") for p in (REPO / "labs").glob("*/*.ipynb"))
# a notebook whose code draws a plot (its saved outputs must then hold at least one PNG)
PLOTTING = re.compile(r"\b(plt\.|show_images|bar_by_group|LivePlot|show_tune|piano_roll)\b")
GITHUB = "git+{repository}@{branch}"
KERNEL = "fresh"   # the kernelspec of the new environment, named in every notebook's metadata
# Chromium on a closed network: no background connections, no first-run or update traffic
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium for the browser test: run `make system-packages` as root")
    pytest.skip("no /usr/bin/chromium (apt install chromium)", allow_module_level=True)


def launch_chromium(playwright):
    """Debian's chromium, headless, on a closed network (Playwright never downloads a browser here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def fresh(course, tmp_path_factory):
    """A new venv with Colab's preinstalled torch and ipykernel, a kernelspec for it, the student tree."""
    root = tmp_path_factory.mktemp("fresh")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    torch_pin = os.environ.get("DEEPLABS_TEST_TORCH", f"torch=={torch.__version__.split('+')[0]}")
    subprocess.run([str(python), "-m", "pip", "install", "-q", torch_pin, "ipykernel"], check=True)
    # the published student tree (this checkout's labs/ and package, uncommitted edits included):
    # what a clone of the student repository holds, and nothing of solutions/ or the grader
    source = publish(course, root / "deeplabs-student")
    kernel = root / "jupyter" / "kernels" / KERNEL
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "fresh venv", "language": "python"}))
    return {"root": root, "python": python, "source": source, "jupyter": root / "jupyter"}


def student_notebook(relpath: Path, source: Path):
    """The released lab, answers filled in, installing from the local student tree instead of
    GitHub, on the fresh environment's kernel."""
    settings = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["labgrader"]
    remote = GITHUB.format(repository=settings["student_repository"], branch=settings.get("student_branch", "main"))
    nb = perfect_notebook(REPO, relpath)
    install = next(c for c in nb.cells if c.get("id") == templates.INSTALL_ID)
    assert remote in install.source, "the install cell should install from the student repository"
    install.source = install.source.replace(remote, f"file://{source}")
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "fresh venv", "language": "python"}
    return nb


@pytest.fixture(scope="module")
def jupyterlab(fresh, tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    for nb in NOTEBOOKS:  # as in the repository: <lab>/<notebook>.ipynb, each kernel in its lab's folder
        (root / nb).parent.mkdir(exist_ok=True)
        nbformat.write(student_notebook(nb, fresh["source"]), root / nb)
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
           "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
           # the kernelspec of the fresh environment; a model cache that starts empty, shared by the labs
           "JUPYTER_PATH": str(fresh["jupyter"]), "DEEPLABS_CACHE": str(fresh["root"] / "cache")}
    for inherited in ("PYTHONPATH", "VIRTUAL_ENV"):   # nothing of this checkout reaches the kernel
        env.pop(inherited, None)
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
    yield {"base": base, "token": token, "root": root}
    server.terminate()
    server.wait(timeout=30)


def api(jupyterlab, path: str, method: str = "GET"):
    request = urllib.request.Request(f"{jupyterlab['base']}/api/{path}", method=method,
                                     headers={"Authorization": f"token {jupyterlab['token']}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
    return json.loads(body) if body else None


@pytest.fixture(scope="module")
def browser(jupyterlab):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def run_all(browser, jupyterlab):
    """run_all(notebook) -> its page after Run All; a notebook is opened and run once per module."""
    pages = {}

    def open_and_run(nb: Path):
        if nb not in pages:
            pages[nb] = opened_and_run(browser, jupyterlab, nb)
        return pages[nb]

    yield open_and_run
    for page in pages.values():
        if not page.is_closed():  # a notebook's own test closes its page with its kernel
            page.close()


def opened_and_run(browser, jupyterlab, nb: Path, timeout_s: float = 600):
    """A page of its own (and a JupyterLab workspace of its own, so no other notebook is restored
    into it) with `nb` open, after Run All; screenshot artifacts/browser/<notebook>.png."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.js_errors = []  # uncaught exceptions in the page (a widget or renderer that broke)
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.goto(f"{jupyterlab['base']}/lab/workspaces/{nb.stem}/tree/{nb.as_posix()}?token={jupyterlab['token']}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function("() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel"
                           "?.status === 'idle'", timeout=60_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    wait_until_run_all_finished(page, timeout_s)
    page.screenshot(path=str(ARTIFACTS / f"{nb.stem}.png"))
    return page


@pytest.fixture(scope="module")
def page(run_all):
    page = run_all(LAB)
    page.screenshot(path=str(ARTIFACTS / "run-all.png"))
    return page


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


def saved_notebook(page, jupyterlab, nb: Path = LAB):
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    time.sleep(1.0)
    return nbformat.read(jupyterlab["root"] / nb, as_version=4)


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


def test_the_labs_use_the_students_install_of_deeplabs(page, fresh):
    """After lab 01 part 2's install cell: deeplabs comes from the fresh environment's site-packages
    (installed from the published tree), not from this repository."""
    where = subprocess.run([str(fresh["python"]), "-c", "import deeplabs; print(deeplabs.__file__)"],
                           capture_output=True, text=True, check=True).stdout
    assert str(REPO) not in where and "site-packages" in where, where


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


def shut_down_kernel(page, jupyterlab) -> None:
    """Close the page, then end its notebook's session and kernel (DELETE /api/sessions/<id>)."""
    ids = page.evaluate("(() => { const s = window.jupyterapp.shell.currentWidget?.sessionContext?.session;"
                        " return s ? [s.id, s.kernel?.id] : null; })()")
    page.close()
    if ids:
        api(jupyterlab, f"sessions/{ids[0]}", method="DELETE")
        assert ids[1] not in {k["id"] for k in api(jupyterlab, "kernels")}, "the kernel outlived its test"


def drive_guidance_slider(page) -> None:
    """Lab 04's figure_slider: move the guidance-scale slider, the image under it must change."""
    widget = page.locator(".jp-OutputArea-output .widget-vbox").filter(
        has=page.locator(".widget-slider, .widget-hslider")).filter(has=page.locator("img"))
    assert widget.count() == 1, widget.count()
    widget.scroll_into_view_if_needed()
    readout, image = widget.locator(".widget-readout"), widget.locator("img")
    before = readout.inner_text(), image.get_attribute("src")
    from playwright.sync_api import TimeoutError

    handle = widget.locator(".noUi-handle")
    for key in ("ArrowRight", "ArrowLeft"):  # one step up, or down where it starts at the top
        handle.focus()
        handle.press(key)
        try:
            page.wait_for_function("([el, text]) => el.textContent.trim() !== text.trim()",
                                   arg=[readout.element_handle(), before[0]], timeout=5_000)
            break
        except TimeoutError:
            continue
    after_value = readout.inner_text()
    assert after_value != before[0], f"the slider did not move from {before[0]}"
    # the kernel swaps the picture (slider.observe): a new image src, drawn
    page.wait_for_function("([el, src]) => el.getAttribute('src') !== src && el.complete && el.naturalWidth > 0",
                           arg=[image.element_handle(), before[1]], timeout=60_000)
    page.wait_for_timeout(500)
    widget.screenshot(path=str(ARTIFACTS / "guidance-slider.png"))


# interactive widgets each notebook shows, and how to drive them in the page (after Run All, kernel
# alive); lab 01 part 2's tune generator is test_tune_generator_widget_responds_to_a_click's
WIDGETS = {Path("04_diffusion/01_diffusion_fashion_mnist.ipynb"): drive_guidance_slider}


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda nb: nb.stem)
def test_every_lab_notebook_runs_all_in_jupyterlab(nb, run_all, jupyterlab):
    page = run_all(nb)  # lab 01 part 2: the page the tests above used, not a second run
    try:
        saved = saved_notebook(page, jupyterlab, nb)
        code = [c for c in saved.cells if c.cell_type == "code"]
        errors = [(c.get("id"), o.get("ename"), o.get("evalue")) for c in code
                  for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert not errors, errors
        not_run = [c.get("id") for c in code if not c.get("execution_count")]
        assert not not_run, f"Run All stopped before these cells: {not_run}"
        total = visible_points(saved)
        self_check = "".join(o.get("text", "") for o in code[-1].outputs)
        assert f"visible checks pass for {total:g} of {total:g} points" in self_check, self_check

        pngs = ["".join(o["data"]["image/png"].split()) for c in code for o in c.get("outputs", [])
                if "image/png" in o.get("data", {})]
        if any(PLOTTING.search(c.source) for c in code):
            assert pngs, "the notebook draws plots, but no PNG is in its outputs"
        drawn = {"".join((src or "").split()) for src in page.eval_on_selector_all(
            ".jp-OutputArea-output img", "els => els.filter(e => e.complete && e.naturalWidth > 0)"
                                         ".map(e => e.getAttribute('src'))")}
        missing = [i for i, png in enumerate(pngs) if f"data:image/png;base64,{png}" not in drawn]
        assert not missing, f"PNG outputs {missing} of {len(pngs)} are not drawn as images on the page"
        broken = page.locator(".jp-OutputArea-output").filter(has_text=re.compile("Error displaying widget"))
        assert broken.count() == 0, broken.first.inner_text()
        assert not page.js_errors, page.js_errors

        if nb in WIDGETS:
            WIDGETS[nb](page)
    finally:
        shut_down_kernel(page, jupyterlab)
