"""Shared fixtures: the repository, a course workspace per test module, the solution runs they share."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("DEEPLABS_MODE", "fast")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def _solution_runs(tmp_path_factory) -> Path:
    """What the solution's runs leave (workspace/reference: expected records; workspace/cache: the
    converted models), shared by every module's course: a reference run costs minutes, and its
    result depends only on the notebook, the seed and the environment, which all modules share."""
    root = tmp_path_factory.mktemp("solution-runs")
    for name in ("reference", "cache"):
        (root / name).mkdir()
    return root


@pytest.fixture(scope="module")
def course(tmp_path_factory, _solution_runs):
    """A course workspace of the test module's own (gradebook, submissions, feedback, state), so a
    test sees only the students its own module graded; the solution's runs are shared."""
    from labgrader.config import load_course

    course = load_course(workspace=tmp_path_factory.mktemp("workspace"), repo=REPO)
    course.workspace.mkdir(parents=True, exist_ok=True)
    for name in ("reference", "cache"):
        (course.workspace / name).symlink_to(_solution_runs / name, target_is_directory=True)
    # A fixed grader seed keeps CI reproducible; LABGRADER_TEST_SEED=<n> replays the suite on other
    # inputs (hidden checks must catch every wrong answer whatever the seed).
    (course.workspace / "secret_seed").write_text(os.environ.get("LABGRADER_TEST_SEED", "20261127"))
    return course


@pytest.fixture(autouse=True)
def _seeded():
    """Tests that use randomness start from the same state (CS336 style), and gradient tracking is on
    again after each test: a wrong answer run in-process may leave it off (tests/mutants has some)."""
    import torch
    from deeplabs.seeding import seed_everything

    seed_everything(0)
    yield
    torch.set_grad_enabled(True)


_LAB_IN_ID = re.compile(r"\d\d_[a-z0-9_]+")  # a lab's folder name at the start of a test id


def worker_scope(nodeid: str) -> str:
    """The unit `make test`'s workers share out: a test file, or one lab of test_grading.py. The lab
    alone, not the whole id: "[01_music_rnn-hollow]" shares lab 01's sample class with "[01_music_rnn]"
    (a scope of its own would grade the class again, on the other worker or after another lab)."""
    path, _, rest = nodeid.partition("::")
    if path.endswith("test_grading.py") and "[" in rest:
        return path + "[" + _LAB_IN_ID.match(rest[rest.index("[") + 1:]).group(0)
    return path


class _OneWorkerPerFile:
    """`pytest -n 2` (make test) with whole test files per worker, so module fixtures are built
    once; test_grading.py goes by lab (one sample class each). xdist's own `--dist loadgroup`
    does not work with pytest 9, hence a scheduler of our own."""

    @staticmethod
    def pytest_xdist_make_scheduler(config, log):
        from xdist.scheduler import LoadScopeScheduling

        class ByFileAndLab(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                return worker_scope(nodeid)

        return ByFileAndLab(config, log)


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_OneWorkerPerFile(), "deeplabs-scheduler")
