"""The instructor's workflow around grading: collect, Dask (LocalCluster, a SLURM job script), resume
after kill -9, exports."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import nbformat
import pytest

from labgrader.api import collect, grade_lab, read_scores
from labgrader.notebook import nbgrader_meta

LAB, NB = "01_music_rnn", "01_pytorch_primer"


@pytest.fixture(scope="module")
def notebooks(course):
    solution = nbformat.writes(nbformat.read(course.solutions / LAB / f"{NB}.ipynb", as_version=4))
    stub = (course.labs / LAB / f"{NB}.ipynb").read_text()
    points = sum(nbgrader_meta(c)["points"] for c in nbformat.reads(solution, as_version=4).cells
                 if nbgrader_meta(c).get("grade") and c.cell_type == "code")  # written answers: graded by people
    return {"solution": solution, "stub": stub, "max": points}


def test_collect_reads_canvas_zips_with_late_and_duplicate_flags(tmp_path, notebooks):
    archive = tmp_path / "submissions.zip"
    colab = json.loads(notebooks["stub"])
    colab["metadata"]["colab"] = {"provenance": []}
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"smithjane_1001_5001_{NB}.ipynb", notebooks["solution"])
        z.writestr(f"doejohn_LATE_1002_5002_{NB}.ipynb", notebooks["stub"])
        z.writestr(f"leeann_1003_5003_Copy of {NB}.ipynb", json.dumps(colab))
        z.writestr(f"leeann_1003_5004_{NB}-1.ipynb", notebooks["stub"])
        z.writestr("../../escape.ipynb", "{}")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,canvas_id\nS-jane,1001\n")
    out = tmp_path / "collected"
    results = {(r.student, r.file): r for r in collect(archive, out, roster=roster)}
    assert (out / "S-jane" / f"{NB}.ipynb").exists()
    assert results[("doejohn", f"{NB}.ipynb")].late
    lee = [r for (s, _), r in results.items() if s == "leeann"]
    assert len(lee) == 2 and all(r.duplicate for r in lee) and any(r.colab for r in lee)
    assert not (tmp_path / "escape.ipynb").exists()
    assert json.loads((out / "manifest.json").read_text())


def test_collect_plain_folder_and_deadline(tmp_path, notebooks):
    src = tmp_path / "src"
    (src / "amy").mkdir(parents=True)
    (src / "amy" / "whatever.ipynb").write_text(notebooks["solution"])
    (src / "bob.ipynb").write_text(notebooks["stub"])
    os.utime(src / "bob.ipynb", (2_000_000_000, 2_000_000_000))  # 2033: after the deadline
    from datetime import datetime, timezone

    # a file's mtime says when it was copied, not submitted: a folder has no times of its own
    deadline = datetime(2030, 1, 1, tzinfo=timezone.utc)
    by = {r.student: r for r in collect(src, tmp_path / "out", deadline=deadline)}
    assert not by["bob"].late and by["bob"].submitted_at == "" and by["amy"].origin == "folder"
    times = tmp_path / "times.csv"
    times.write_text("student,submitted_at\nbob,2033-05-18T03:33:20Z\namy,2029-12-31T23:00:00Z\n")
    by = {r.student: r for r in collect(src, tmp_path / "out2", deadline=deadline, times=times)}
    assert by["bob"].late and not by["amy"].late and by["bob"].time_source == "manifest"


@pytest.mark.slow
def test_dask_local_cluster_grades_like_the_thread_pool(course, tmp_path, notebooks):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "dask-ann.ipynb").write_text(notebooks["solution"])
    (subs / "dask-ben.ipynb").write_text(notebooks["stub"])
    report = grade_lab(course, LAB, subs, workers=2, quiet=True, scheduler="local", notebooks=[NB])
    by = {s.student: s.score for s in report.scores}
    assert by == {"dask-ann": notebooks["max"], "dask-ben": 0}


@pytest.mark.slow
def test_a_slurm_job_script_run_as_a_node_grades_like_the_thread_pool(course, tmp_path, notebooks):
    """docs/grading.md's SLURM recipe as far as a machine without SLURM allows: dask-jobqueue writes
    the batch script `sbatch` would get; bash runs it here in place of a node; labgrader grades
    through the scheduler address, as `labgrader grade --dask ADDRESS` does."""
    from dask_jobqueue import SLURMCluster
    from distributed import Client

    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "slurm-ann.ipynb").write_text(notebooks["solution"])
    (subs / "slurm-ben.ipynb").write_text(notebooks["stub"])
    with SLURMCluster(cores=2, processes=2, memory="8GB", walltime="00:30:00", python=sys.executable,
                      scheduler_options={"dashboard_address": None, "host": "127.0.0.1"}) as cluster:
        script = cluster.job_script()
        assert "#SBATCH --cpus-per-task=2" in script and "#SBATCH --mem=8G" in script
        assert f"{sys.executable} -m distributed.cli.dask_worker {cluster.scheduler_address}" in script
        job = tmp_path / "job.sh"
        job.write_text(script.replace("dummy-name", "node-0"))
        node = subprocess.Popen(["bash", str(job)], start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            with Client(cluster.scheduler_address) as client:
                client.wait_for_workers(2, timeout=180)
            report = grade_lab(course, LAB, subs, quiet=True, scheduler=cluster.scheduler_address, notebooks=[NB])
        finally:
            os.killpg(node.pid, signal.SIGTERM)
            node.wait(timeout=60)
    assert {s.student: s.score for s in report.scores} == {"slurm-ann": notebooks["max"], "slurm-ben": 0}


@pytest.mark.slow
def test_every_kernel_runs_with_the_reference_runs_thread_count_whatever_the_workers(course, tmp_path, notebooks,
                                                                                      monkeypatch):
    """With one worker on two cores a kernel used to get two threads, while the solution's reference
    ran with one: torch then sums in another order, and benchmarks/term.py --serial-check found a
    grade that changed between a 2-worker batch and a serial one."""
    from labgrader.grade import batch
    from labgrader.grade.reference import REFERENCE_THREADS

    threads, execute = [], batch.execute

    def spy(nb, seed, limits, kind, n_threads, *rest, **kwargs):
        threads.append(n_threads)
        return execute(nb, seed, limits, kind, n_threads, *rest, **kwargs)

    monkeypatch.setattr(batch, "execute", spy)
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alone-ann.ipynb").write_text(notebooks["solution"])
    scores = [grade_lab(course, LAB, subs, workers=workers, quiet=True, notebooks=[NB], force=True).scores[0].score
              for workers in (1, 2)]
    assert threads == [REFERENCE_THREADS, REFERENCE_THREADS] and scores == [notebooks["max"]] * 2


@pytest.mark.slow
def test_kill_minus_nine_then_rerun_gives_the_uninterrupted_gradebook(course, tmp_path, notebooks):
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(3):
        (subs / f"kill-{i}.ipynb").write_text(notebooks["solution"] if i != 1 else notebooks["stub"])
    state = course.workspace / f"state.{LAB}.json"
    before = set(json.loads(state.read_text())) if state.exists() else set()
    proc = subprocess.Popen([sys.executable, "-m", "labgrader", "--workspace", str(course.workspace), "grade", LAB,
                             "--submissions", str(subs), "--workers", "1", "--notebook", NB], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "LABGRADER_REPO": str(course.repo)})
    # generous: the reference run may come first, and a loaded machine is slow; the kill only waits
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:  # kill right after the first submission is written
        done = set(json.loads(state.read_text())) - before if state.exists() else set()
        if any(k.startswith("kill-") for k in done):
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    resumed = grade_lab(course, LAB, subs, workers=1, quiet=True, notebooks=[NB])
    assert 1 <= len(resumed.skipped) <= 2  # what was finished is not graded again
    scores = read_scores(course, LAB)
    totals = {s: sum(v for v in scores[s].values()) for s in ("kill-0", "kill-1", "kill-2")}
    assert totals == {"kill-0": notebooks["max"], "kill-1": 0, "kill-2": notebooks["max"]}


@pytest.mark.slow
def test_canvas_export_and_gradescope_bundle(course, tmp_path, notebooks):
    from labgrader.api import export_canvas, gradescope_bundle
    from labgrader.export.gradescope import prepare, run  # what the bundle's setup.sh and run_autograder call

    rows = list(csv.reader(open(export_canvas(course, tmp_path / "canvas.csv"))))
    assert rows[0][:4] == ["Student", "ID", "SIS User ID", "SIS Login ID"] and rows[1][0].strip() == "Points Possible"
    bundle = gradescope_bundle(course, LAB, tmp_path / "gradescope.zip", [NB])
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        z.extractall(tmp_path / "source")
    assert {"setup.sh", "run_autograder", "course/pyproject.toml"} <= names
    assert any(n.startswith("course/solutions/") for n in names)
    assert not any(n.startswith("course/tests") for n in names)
    setup = (tmp_path / "source" / "setup.sh").read_text()
    assert "|| true" not in setup and f"gradescope prepare {LAB}" in setup  # a broken image fails its build
    # setup.sh, once per image: the secret seed and the reference runs; run_autograder only grades
    image_workspace = tmp_path / "workspace"
    prepare(LAB, tmp_path / "source" / "course", image_workspace, [NB])
    built = sorted((image_workspace / "reference").rglob("*.json"))
    seed = (image_workspace / "secret_seed").read_text()
    assert built
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "my_notebook.ipynb").write_text(notebooks["solution"])
    data = run(LAB, submission, tmp_path / "results" / "results.json", tmp_path / "source" / "course",
               image_workspace, [NB])
    assert sorted((image_workspace / "reference").rglob("*.json")) == built  # no reference run per submission
    assert (image_workspace / "secret_seed").read_text() == seed
    assert data["score"] == notebooks["max"] and all(t["score"] == t["max_score"] for t in data["tests"])
    assert json.loads((tmp_path / "results" / "results.json").read_text())["tests"][0]["output"].startswith("Grader:")
