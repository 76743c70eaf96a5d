"""make test's two workers: each lab's sample class is graded once, whichever test asks for it."""
from tests.conftest import worker_scope


def test_every_test_of_a_lab_shares_its_graded_sample_class():
    ids = ["tests/test_grading.py::test_solution_gets_full_marks[01_music_rnn]",
           "tests/test_grading.py::test_an_answer_that_computes_nothing_gets_zero_and_completes[01_music_rnn-hollow]",
           "tests/test_grading.py::test_an_answer_that_computes_nothing_gets_zero_and_completes[01_music_rnn-echo]"]
    assert {worker_scope(i) for i in ids} == {"tests/test_grading.py[01_music_rnn"}


def test_labs_and_other_files_are_scopes_of_their_own():
    assert worker_scope("tests/test_grading.py::test_solution_gets_full_marks[04_diffusion]") != \
        worker_scope("tests/test_grading.py::test_solution_gets_full_marks[05_adversarial]")
    assert worker_scope("tests/test_release.py::test_labs_match_a_fresh_release") == "tests/test_release.py"
    assert worker_scope("tests/test_visible_checks.py::test_x[01_music_rnn/01_pytorch_primer-ex1]") == \
        "tests/test_visible_checks.py"
