"""The student path on a fresh machine, Colab style: every lab runs in a new virtual environment.

The environment starts with what Colab preinstalls (torch, ipykernel) and nothing of ours. Each
notebook is the released lab with the solution's answers typed in; its own install cell, pointed
at the published student tree (`labgrader publish`, what students get) instead of GitHub, installs
deeplabs and the lab's extras. The notebook then runs top to bottom in fast mode in a scratch
folder, with the model and dataset hubs switched off: no instructor package, no repository path,
no download from a hub.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import torch
from nbclient import NotebookClient

from labgrader.release import templates
from labgrader.release.publish import publish
from tests.sample_class import perfect_notebook, visible_points

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.relative_to(REPO / "labs") for p in (REPO / "labs").glob("*/*.ipynb"))
GITHUB = "git+{repository}@{branch}"
pytestmark = pytest.mark.slow  # every lab in a new virtual environment through its install cell


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
    kernel = root / "jupyter" / "kernels" / "fresh"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "fresh venv", "language": "python"}))
    return {"root": root, "python": python, "source": source, "jupyter": root / "jupyter"}


def student_notebook(relpath: Path, source: Path):
    """The released lab, answers filled in, installing from the local student tree instead of GitHub."""
    settings = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["labgrader"]
    remote = GITHUB.format(repository=settings["student_repository"], branch=settings.get("student_branch", "main"))
    nb = perfect_notebook(REPO, relpath)
    install = next(c for c in nb.cells if c.get("id") == templates.INSTALL_ID)
    assert remote in install.source, "the install cell should install from the student repository"
    install.source = install.source.replace(remote, f"file://{source}")
    return nb


@pytest.mark.parametrize("relpath", NOTEBOOKS, ids=[str(p.with_suffix("")) for p in NOTEBOOKS])
def test_lab_runs_in_a_fresh_environment(fresh, relpath, tmp_path, monkeypatch):
    nb = student_notebook(relpath, fresh["source"])
    monkeypatch.setenv("JUPYTER_PATH", str(fresh["jupyter"]))
    monkeypatch.setenv("DEEPLABS_MODE", "fast")
    monkeypatch.setenv("DEEPLABS_CACHE", str(fresh["root"] / "cache"))  # starts empty, shared by the labs
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    workdir = tmp_path / "student"
    workdir.mkdir()
    client = NotebookClient(nb, kernel_name="fresh", timeout=300, allow_errors=False,
                            resources={"metadata": {"path": str(workdir)}})
    client.execute()  # raises CellExecutionError with the failing cell and its traceback

    where = subprocess.run([str(fresh["python"]), "-c", "import deeplabs; print(deeplabs.__file__)"],
                           capture_output=True, text=True, check=True).stdout
    assert str(REPO) not in where and "site-packages" in where, where
    def text(cell):
        return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert images >= 1, "plots should render inline"
    self_check = nb.cells[-1]
    assert self_check.get("id") == templates.SELF_CHECK_ID
    total = visible_points(nb)
    assert f"visible checks pass for {total:g} of {total:g} points" in text(self_check), text(self_check)
