"""Unit tests for the deeplabs helpers every lab imports."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from deeplabs.budget import budget, mode, why
from deeplabs.checks import Checks, assert_close
from deeplabs.device import get_device
from deeplabs.grading import defaults_of, encode, handed_back, record
from deeplabs.precision import autocast, autocast_dtype
from deeplabs.protocol import ACTIVE_ENV
from deeplabs.seeding import seed_everything


@pytest.mark.parametrize("env, expected", [
    ({}, "full"),
    ({"DEEPLABS_MODE": "fast"}, "fast"),
    ({"NBGRADER_EXECUTION": "autograde"}, "fast"),
    ({"CI": "true"}, "fast"),
    ({"CI": "false"}, "full"),
    ({"CI": "true", "DEEPLABS_MODE": "full"}, "full"),
])
def test_mode_follows_environment(monkeypatch, env, expected):
    for key in ("DEEPLABS_MODE", "NBGRADER_EXECUTION", "CI"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert mode() == expected
    assert budget(full=100, fast=3) == (3 if expected == "fast" else 100)
    assert expected in why()


def test_mode_rejects_typos(monkeypatch):
    monkeypatch.setenv("DEEPLABS_MODE", "quick")
    with pytest.raises(ValueError, match="fast"):
        mode()


def test_device_defaults_to_cpu_here_and_falls_back(monkeypatch, capsys):
    monkeypatch.delenv("DEEPLABS_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert get_device().type in (expected, "mps")
    assert "[deeplabs] device:" in capsys.readouterr().out
    if not torch.cuda.is_available():
        monkeypatch.setenv("DEEPLABS_DEVICE", "cuda")
        assert get_device(verbose=False).type == "cpu"
        assert "not available" in capsys.readouterr().out


def test_autocast_is_a_no_op_on_cpu():
    assert autocast_dtype(torch.device("cpu")) is None
    with autocast(torch.device("cpu")):
        y = torch.ones(2, 2) @ torch.ones(2, 2)
    assert y.dtype == torch.float32


def test_seed_everything_reproduces_all_generators():
    seed_everything(3)
    a = (torch.rand(3), np.random.rand(3))
    seed_everything(3)
    b = (torch.rand(3), np.random.rand(3))
    assert torch.equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_checks_pass_fail_and_hints(capsys):
    with Checks("demo") as c:
        with c.case("ok"):
            assert True
    assert "✓ ok" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="2 of 4 checks failed"):
        with Checks("demo") as c:
            with c.case("fine"):
                pass
            with c.case("unfinished", hint="write it"):
                raise NotImplementedError
            with c.case("also fine"):
                pass
            with c.case("broken", hint="look at dim"):
                assert_close(torch.tensor([1.0, 2.0]), [1.0, 3.0], "row")
    out = capsys.readouterr().out
    assert "not implemented yet" in out and "look at dim" in out and "index (1,)" in out


def test_checks_report_crashes_as_failures(capsys):
    with pytest.raises(AssertionError):
        with Checks("crash") as c:
            with c.case("divides"):
                1 / 0  # noqa: B018 (raises on purpose)
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_self_check_reruns_each_exercise_with_the_current_code(capsys):
    from deeplabs.checks import self_check
    from deeplabs.primer.checks import check_softmax

    namespace = {"check_softmax": check_softmax, "softmax": lambda x: torch.softmax(x, dim=0)}  # wrong dim
    exercises = [("test_ex2_softmax", 2, "check_softmax(softmax)"),
                 ("test_ex3_autograd", 2, "check_mse_gradient(mse_gradient)")]  # its cell never ran
    self_check(exercises, namespace)
    out = capsys.readouterr().out
    def row(text, gid):
        return " ".join(next(ln for ln in text.splitlines() if ln.startswith(gid)).split())
    assert row(out, "test_ex2_softmax").startswith("test_ex2_softmax 2 ✗ FAIL ✗")
    assert "run the cells above" in row(out, "test_ex3_autograd")
    assert "pass for 0 of 4 points" in out
    namespace["softmax"] = lambda x: torch.softmax(x, dim=-1)  # the student fixes it, later
    self_check(exercises[:1], namespace)
    out = capsys.readouterr().out
    assert row(out, "test_ex2_softmax") == "test_ex2_softmax 2 ✓ pass" and "pass for 2 of 2 points" in out


def test_figure_slider_flips_between_pre_drawn_images():
    import matplotlib.pyplot as plt
    from deeplabs.plots import figure_slider

    figures = {}
    for w in (0.0, 1.0, 3.0):
        figures[w], ax = plt.subplots()
        ax.set_title(f"w = {w}")
    box = figure_slider(figures, "w", value=1.0)
    slider, image = box.children
    assert slider.value == 1.0
    assert not any(plt.fignum_exists(f.number) for f in figures.values())  # drawn once, then closed
    shown = image.value
    slider.value = 3.0
    assert image.value != shown and image.value[:4] == b"\x89PNG"


def test_defaults_of_tells_a_changed_default_from_the_same_one_written_another_way():
    def given(x, eps: float = 1e-6, max_period: float = 10000.0, device="cpu", generator=None, batch_size=512):
        ...

    cpu = torch.device("cpu")

    def same(x, eps=0.000001, max_period=10000, device=cpu, generator=None, batch_size=64):
        ...

    def changed(x, eps=1e-5, max_period=10000.0, device="cpu", generator=None, batch_size=512):
        ...

    class Layer:
        def __init__(self, base, r: int = 8, alpha: float = 16.0):
            ...

    ignore = ("batch_size",)
    assert defaults_of(given, ignore=ignore)["given"] == defaults_of(same, ignore=ignore)["same"]
    assert defaults_of(given, ignore=ignore)["given"] != defaults_of(changed, ignore=ignore)["changed"]
    assert "batch_size" in defaults_of(given)["given"]
    assert "batch_size" not in defaults_of(given, ignore=ignore)["given"]
    assert defaults_of(Layer.__init__) == {"Layer.__init__": {"r": 8.0, "alpha": 16.0}}
    encode(defaults_of(given, Layer.__init__))  # recordable as it is


def test_record_is_a_no_op_outside_grading(monkeypatch):
    monkeypatch.delenv("DEEPLABS_GRADER", raising=False)
    calls = []
    assert record("x", lambda g: calls.append(1)) is None
    assert calls == []


def test_record_publishes_json_seeded_by_grader(monkeypatch):
    import deeplabs.grading as grading

    published = []
    monkeypatch.setattr(grading, "_publish", published.append)
    monkeypatch.setenv("DEEPLABS_GRADER", "1")
    monkeypatch.setenv("DEEPLABS_GRADER_SEED", "11")
    record("a", lambda g: torch.randn(2, 3, generator=g))
    record("a", lambda g: torch.randn(2, 3, generator=g))
    monkeypatch.setenv("DEEPLABS_GRADER_SEED", "12")
    record("a", lambda g: torch.randn(2, 3, generator=g))
    record("broken", lambda g: 1 / 0)
    record("todo", lambda g: (_ for _ in ()).throw(NotImplementedError()))
    record("hinted", lambda g: 1.0, hint="look at the sign")
    lines = json.loads(json.dumps(published))  # what travels is plain JSON
    assert lines[0]["value"] == lines[1]["value"] != lines[2]["value"]
    assert lines[0]["value"]["shape"] == [2, 3] and lines[0]["value"]["__tensor__"] == "float32"
    assert "ZeroDivisionError" in lines[3]["error"] and lines[4]["error"] == "not implemented"
    assert lines[5]["hint"] == "look at the sign"


def test_every_record_starts_with_gradient_tracking_on(monkeypatch):
    # an earlier answer left tracking off: each case still starts with it on, and the notebook's own
    # mode is what it was once the record is published
    import deeplabs.grading as grading

    published = []
    monkeypatch.setattr(grading, "_publish", published.append)
    monkeypatch.setenv("DEEPLABS_GRADER", "1")
    torch.set_grad_enabled(False)
    try:
        record("mode", lambda g: torch.is_grad_enabled())
        assert not torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(True)
    assert published[0]["value"] is True


def test_encode_refuses_objects_it_cannot_represent_safely():
    assert encode({"a": (1, np.float32(2.5), torch.tensor([True]))}) == {
        "a": [1, 2.5, {"__tensor__": "bool", "shape": [1], "data": [True]}]}
    with pytest.raises(TypeError):
        encode(object())
    with pytest.raises(TypeError):  # a student value posing as the grader's tensor encoding
        encode({"__tensor__": "float32", "shape": [7], "data": [1.0]})


def test_load_or_train_trains_once_then_loads(monkeypatch, tmp_path, capsys):
    from deeplabs.checkpoints import load_or_train

    monkeypatch.setenv("DEEPLABS_CACHE", str(tmp_path))
    calls = []

    def train(model):
        calls.append(1)
        with torch.no_grad():
            model.weight.fill_(2.0)

    first = load_or_train("unit", torch.nn.Linear(2, 2), train)
    second = load_or_train("unit", torch.nn.Linear(2, 2), train)
    assert calls == [1] and torch.equal(first.weight, second.weight)
    assert "loaded checkpoint" in capsys.readouterr().out
    assert len(list(tmp_path.glob("unit.fast.*.pt"))) == 1


_TRAINING_CELLS = """
from dataclasses import dataclass

@dataclass
class Config:
    lr: float = {lr}

cfg = Config()

def loss_fn(out):
    return {loss}

class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(2, 1)

    def forward(self, x):
        return {forward}

def train(model):
    calls.append(1)
    opt = torch.optim.SGD(model.parameters(), lr=cfg.lr)
    loss = loss_fn(model(torch.ones(4, 2)))
    loss.backward()
    opt.step()
"""


def _notebook_run(**parts):
    """The cells above run as a notebook would: defined in __main__-like globals."""
    code = _TRAINING_CELLS.format(**{"lr": 0.1, "loss": "out.pow(2).mean()", "forward": "self.lin(x)", **parts})
    scope = {"torch": torch, "calls": [], "__name__": "__main__"}
    exec(compile("\n" * len(parts) + code, f"<cell-{len(parts)}>", "exec"), scope)  # other line numbers, other cell
    return scope


@pytest.mark.parametrize("change", [{"loss": "out.abs().mean()"}, {"forward": "self.lin(x).relu()"}, {"lr": 0.01}])
def test_load_or_train_trains_again_when_the_training_code_changes(monkeypatch, tmp_path, capsys, change):
    from deeplabs.checkpoints import load_or_train

    monkeypatch.setenv("DEEPLABS_CACHE", str(tmp_path))
    before = _notebook_run()
    load_or_train("unit", before["Net"](), before["train"])
    same = _notebook_run(unused="")  # the same code typed again in another cell: still cached
    load_or_train("unit", same["Net"](), same["train"])
    assert same["calls"] == []
    capsys.readouterr()
    after = _notebook_run(**change)  # the student fixed their loss, model or setting
    load_or_train("unit", after["Net"](), after["train"])
    assert after["calls"] == [1]
    assert "your training code changed" in capsys.readouterr().out


def test_live_plot_is_silent_headless_and_keeps_history():
    from deeplabs.progress import LivePlot, progress

    plot = LivePlot("loss")
    for step in progress(range(3), disable=True):
        plot.update(step, loss=1.0 / (step + 1))
    plot.close()
    assert plot.history["loss"][1] == [1.0, 0.5, 1 / 3]
    assert plot.figure().axes[0].get_lines()


def test_digits_split_is_deterministic_and_disjoint():
    from deeplabs.primer.data import load_digits_split

    train, test = load_digits_split(limit=100)
    train2, _ = load_digits_split(limit=100)
    assert len(train) == 100 and len(test) == 449
    assert torch.equal(train.tensors[0], train2.tensors[0])
    assert float(train.tensors[0].max()) <= 1.0
    rows = {tuple(r.tolist()) for r in test.tensors[0]}
    assert sum(tuple(r.tolist()) in rows for r in train.tensors[0]) < 5  # digits has a few duplicate images


def test_digits_are_read_without_importing_sklearn_and_match_load_digits():
    import subprocess
    import sys

    from sklearn.datasets import load_digits

    from deeplabs.primer.data import digits_arrays

    images, labels = digits_arrays()
    digits = load_digits()
    assert np.array_equal(images, digits.data) and np.array_equal(labels, digits.target)
    assert images.dtype == digits.data.dtype and labels.dtype == digits.target.dtype
    imported = subprocess.run([sys.executable, "-c", "import sys; from deeplabs.primer.data import load_digits_split; "
                               "load_digits_split(); print('sklearn' in sys.modules)"],
                              capture_output=True, text=True, check=True).stdout.strip()
    assert imported == "False"


def test_doctor_reports_environment(capsys):
    from deeplabs.doctor import main

    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "torch" in out and "Fashion-MNIST" in out and "device" in out


def test_progress_leaves_a_seeded_loader_alone():
    """A bar around a shuffling DataLoader must not draw from its generator (tqdm.auto does)."""
    from torch.utils.data import DataLoader, TensorDataset

    from deeplabs.progress import progress

    def epochs(wrap):
        loader = DataLoader(TensorDataset(torch.arange(10.0)), batch_size=3, shuffle=True,
                            generator=torch.Generator().manual_seed(0))
        return [batch[0].tolist() for _ in range(2) for batch in wrap(loader)]

    assert epochs(progress) == epochs(lambda loader: loader)


def test_progress_bar_is_saved_in_its_final_state(tmp_path):
    """An executed notebook keeps the bar's last line (100% 5/5), not the 0% it started at."""
    import nbclient
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from deeplabs.progress import progress\nfor i in progress(range(5), desc='train'):\n    pass")])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
                            ).execute()
    shown = [o["data"]["text/plain"] for o in nb.cells[0].outputs if o.output_type == "display_data"]
    assert len(shown) == 1 and "5/5" in shown[0] and "100%" in shown[0], shown


def test_assert_close_never_lets_nan_through():
    from deeplabs.checks import assert_close

    assert_close(torch.tensor([1.0, float("nan")]), [1.0, float("nan")])  # NaN where NaN is expected
    with pytest.raises(AssertionError, match="index \\(1,\\)"):
        assert_close(torch.tensor([1.0, float("nan")]), [1.0, 2.0])
    with pytest.raises(AssertionError):
        assert_close(torch.tensor(float("nan")), 0.5)


def test_package_names_are_the_functions_whatever_was_imported_first():
    """`from deeplabs import budget` after `import deeplabs.budget` (a module) got the module."""
    import deeplabs.budget  # noqa: F401
    from deeplabs import budget, start_lab

    assert callable(budget) and budget(full=1, fast=2) in (1, 2) and callable(start_lab)


def _harmless(model, x):
    model(x)


@pytest.mark.parametrize("change, key", [
    (lambda m, x: m.eval(), "train_modes"),
    (lambda m, x: m.zero_grad(), "held_grads_kept"),
    (lambda m, x: m.weight.requires_grad_(False), "parameters"),
    (lambda m, x: m.double(), "parameters"),
    (lambda m, x: x.mul_(2), "tensors_kept"),
    (lambda m, x: torch.manual_seed(0), "global_generator_next_draws"),
    (lambda m, x: torch.set_grad_enabled(False), "gradient_tracking_still_on"),
    (lambda m, x: torch.autograd.set_detect_anomaly(True), "switches_still_at_their_defaults"),
    (lambda m, x: torch.use_deterministic_algorithms(True, warn_only=True), "switches_still_at_their_defaults"),
    (lambda m, x: setattr(torch.backends.cudnn, "benchmark", True), "switches_still_at_their_defaults"),
    (lambda m, x: torch.set_float32_matmul_precision("high"), "switches_still_at_their_defaults"),
    (lambda m, x: torch.set_default_dtype(torch.float64), "default_dtype_still_float32"),
])
def test_handed_back_sees_each_change_the_labs_rule_forbids(change, key):
    def state(call):
        m, x = torch.nn.Linear(3, 2).train(), torch.randn(4, 3)
        return handed_back(lambda: call(m, x), model=m, tensors=(x,), global_seed=11)

    clean, changed = state(_harmless), state(lambda m, x: (_harmless(m, x), change(m, x)))
    assert torch.is_grad_enabled()  # put back for the caller even when the call turned it off
    differs = {k for k in clean if not (torch.equal(clean[k], changed[k]) if torch.is_tensor(clean[k])
                                        else clean[k] == changed[k])}
    assert key in differs and differs <= {key, "held_grads_kept"}  # .double() converts the .grad too


def test_handed_back_sees_tracking_switched_on_inside_a_callers_no_grad_and_puts_modes_back():
    def switches_on():
        torch.set_grad_enabled(True)
        torch.autograd.set_detect_anomaly(True)

    assert handed_back(lambda: None, caller_grad=False)["gradient_tracking_still_off"]
    found = handed_back(switches_on, caller_grad=False)
    assert not found["gradient_tracking_still_off"]
    assert not found["switches_still_at_their_defaults"]["anomaly_detection"]
    assert torch.is_grad_enabled() and not torch.is_anomaly_enabled()


def test_handed_back_flipped_sees_a_switch_set_to_its_default_and_puts_every_switch_back():
    def to_defaults():  # "for speed", or back to what the function thinks is the caller's setting
        torch.autograd.set_detect_anomaly(False)
        torch.backends.cudnn.benchmark = False

    calm = handed_back(lambda: torch.ones(2).sum(), flipped=True)
    assert all(calm["switches_kept_when_flipped"].values())
    found = handed_back(to_defaults, flipped=True)
    assert all(found["switches_still_at_their_defaults"].values())  # unseen at the defaults
    assert {k for k, kept in found["switches_kept_when_flipped"].items() if not kept} == {
        "anomaly_detection", "cudnn_benchmark"}
    assert torch.is_grad_enabled() and not torch.is_anomaly_enabled() and not torch.backends.cudnn.benchmark
    assert not torch.are_deterministic_algorithms_enabled()


def test_record_starts_each_case_with_the_switches_at_their_defaults_and_puts_the_notebooks_back(monkeypatch):
    monkeypatch.setenv(ACTIVE_ENV, "1")
    monkeypatch.setattr("deeplabs.grading._publish", lambda entry: None)
    torch.backends.cudnn.benchmark = True
    try:
        seen = record("x/switches", lambda g: [torch.backends.cudnn.benchmark,
                                               torch.are_deterministic_algorithms_enabled(),
                                               torch.use_deterministic_algorithms(True, warn_only=True)])
        assert seen["value"][:2] == [False, False]
        assert torch.backends.cudnn.benchmark and not torch.are_deterministic_algorithms_enabled()
    finally:
        torch.backends.cudnn.benchmark = False


def test_handed_back_allows_what_a_backward_adds_and_tells_a_reseed_from_other_draws():
    m, x = torch.nn.Linear(3, 2), torch.randn(4, 3)
    assert handed_back(lambda: m(x).sum().backward(), model=m, global_seed=3)["held_grads_kept"]
    draws = handed_back(lambda: torch.rand(7), stream="not_reseeded", global_seed=3)
    reseeds = handed_back(lambda: torch.manual_seed(0), stream="not_reseeded", global_seed=3)
    assert draws["global_generator_follows_the_callers_seed"]
    assert not reseeds["global_generator_follows_the_callers_seed"]
