"""benchmarks/check_records.py: the authors' first look at a record passes right answers and reports false fails."""
from benchmarks import check_records

ARGS = ["01_music_rnn/01_pytorch_primer", "test_ex2_softmax", "ex2_softmax", "--seeds", "1"]


def test_right_answers_pass_and_wrong_ones_are_caught(capsys):
    assert check_records.main(ARGS) == 0
    out = capsys.readouterr().out
    assert " 0 false fails" in out and "MISS" not in out


def test_a_wrong_answer_filed_as_right_is_a_false_fail(monkeypatch, capsys):
    wrong = "def softmax(logits):\n    return logits.exp() / logits.exp().sum(0)\n"  # over the wrong dimension
    monkeypatch.setattr(check_records, "answers", lambda *a: ([("filed as right", wrong)], []))
    assert check_records.main(ARGS) == 1
    assert "FALSE FAIL" in capsys.readouterr().out


def test_a_cell_leaning_on_an_earlier_hidden_part_runs_without_extra_code(capsys):
    # lab 05's accuracy records use _probe_cnn and _probe_images, defined in fgsm's hidden part
    assert check_records.main(["05_adversarial/05_adversarial", "test_ex2_accuracy", "ex2_accuracy", "--seeds", "1",
                               "--seed", "12345", "--quiet", "--only", "accuracy/clean_uneven_batches"]) == 0
    out = capsys.readouterr().out
    assert "seed 12345:" in out and "raises" not in out and " 0 false fails" in out


def test_answers_that_compute_nothing_earn_nothing(capsys):
    assert check_records.main(ARGS + ["--hollow-only"]) == 0
    out = capsys.readouterr().out
    assert "HOLLOW EARNS" not in out and " 0 false fails or hollow earners" in out


def test_a_check_that_a_hollow_answer_passes_is_reported(monkeypatch, capsys):
    # stand in a right answer for the hollow one: every ungated check it passes is one a student who handed
    # in nothing would earn, were that answer hollow
    right = ("import torch\n\ndef softmax(logits):\n"
             "    e = torch.exp(logits - logits.max(-1, keepdim=True).values)\n"
             "    return e / e.sum(-1, keepdim=True)\n")
    monkeypatch.setattr(check_records, "hollow_answers_of", lambda nb, returns: {"ex2_softmax": right})
    assert check_records.main(ARGS + ["--hollow-only"]) == 1
    assert "HOLLOW EARNS softmax/" in capsys.readouterr().out
