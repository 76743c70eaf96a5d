"""`labgrader check NOTEBOOK`: the student's self-check table, and no kernel warnings around it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.sample_class import perfect_notebook

pytestmark = pytest.mark.slow  # runs a whole lab notebook through `labgrader check`


def test_check_prints_the_table_without_kernel_warnings(repo, tmp_path):
    path = tmp_path / "primer.ipynb"
    nbformat.write(perfect_notebook(repo, Path("01_music_rnn") / "01_pytorch_primer.ipynb"), path)
    done = subprocess.run([sys.executable, "-m", "labgrader", "check", str(path), "--timeout", "120"],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-2000:]
    assert "ex6_train" in output and "✗" not in output
    assert "running over TCP" not in output and "WARNING" not in output, output[-2000:]
