"""ABC -> notes -> waveform, the piano roll, and the valid-tune measure, on small real tunes."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deeplabs.music.audio import (Note, count_bars, parse_tune, piano_roll, play_tune, show_tune, synthesize,
                            tune_generator_widget, tune_notes, tune_problem)
from deeplabs.music.data import normalize_tune, split_tunes

FIXTURES = Path(__file__).parent / "fixtures" / "music"
SCALE = "X:1\nT:Scale\nM:4/4\nL:1/4\nK:C\nCDEF|\n"


@pytest.fixture(scope="module")
def real_tunes() -> list[str]:
    raw = split_tunes((FIXTURES / "tunes.abc").read_text())
    return [normalize_tune(t)["abc"] for t in raw[:3]]


def test_real_tunes_are_valid(real_tunes):
    for abc in real_tunes:
        assert tune_problem(abc) is None


def test_bars_are_counted(real_tunes):
    assert count_bars(parse_tune(real_tunes[0])) >= 24
    assert count_bars(parse_tune(SCALE)) == 1


@pytest.mark.parametrize("abc, words", [
    ("", "empty"),
    ("X:1\nT:t\nM:4/4\nL:1/8\nABcd|efga|\n", "K:"),
    ("X:1\nT:t\nL:1/8\nK:G\nABcd|efga|\n", "M:"),
    ("X:1\nT:t\nM:4/4\nL:1/8\nK:G\n", "no music"),
    ("X:1\nT:t\nM:6/8\nL:1/8\nK:G\nG[[[AB c2d|e2f g3|\n", "cannot parse"),
    ("X:1\nT:t\nM:6/8\nK:G\n}}}{{{ ))) \n", "no notes"),
    ("X:1\nT:t\nM:6/8\nL:1/8\nK:G\nGAB c2d|e2f g3|\n", "only 2 bars"),
])
def test_invalid_tunes_say_why(abc, words):
    problem = tune_problem(abc)
    assert problem is not None and words in problem


def test_notes_have_the_right_pitches_and_times():
    notes = tune_notes(SCALE, bpm=120)  # a quarter note lasts 0.5 s
    assert [n.pitch for n in notes] == [60, 62, 64, 65]
    assert [n.start for n in notes] == pytest.approx([0.0, 0.5, 1.0, 1.5])
    assert [n.duration for n in notes] == pytest.approx([0.5] * 4)


def test_ties_are_merged_and_chords_give_one_note_per_pitch():
    notes = tune_notes("X:1\nT:t\nM:4/4\nL:1/4\nK:C\nC2-C2|[CEG]4|\n")
    assert [(n.pitch, n.duration) for n in notes[:1]] == [(60, pytest.approx(2.0))]
    assert sorted(n.pitch for n in notes[1:]) == [60, 64, 67]


def test_synthesized_a4_sounds_at_440_hz():
    rate = 16_000
    wave = synthesize([Note(0.0, 1.0, 69)], sample_rate=rate)
    assert wave.dtype == np.float32 and np.abs(wave).max() <= 1.0
    assert abs(len(wave) / rate - 1.08) < 0.01  # the note plus its release
    spectrum = np.abs(np.fft.rfft(wave))
    peak_hz = np.argmax(spectrum) * rate / len(wave)
    assert abs(peak_hz - 440) < 3


def test_synthesis_is_quick_and_capped(real_tunes):
    notes = tune_notes(real_tunes[0])
    wave = synthesize(notes, max_seconds=5.0)
    assert len(wave) / 16_000 < 5.2


def test_play_tune_returns_a_player_or_says_why(real_tunes, capsys):
    player = play_tune(real_tunes[2])
    assert type(player).__name__ == "Audio" and len(player.data) > 1000
    assert play_tune("X:1\nT:t\nM:4/4\nL:1/8\nABcd|\n") is None
    assert "Cannot play this tune" in capsys.readouterr().out


def test_piano_roll_draws_one_bar_per_note():
    fig = piano_roll(SCALE)
    assert len(fig.axes[0].patches) == 4 and fig.axes[0].get_title() == "Scale"
    assert piano_roll("no tune at all") is None


def test_show_tune_prints_the_verdict(real_tunes, capsys):
    show_tune(real_tunes[1])
    assert "✓ a valid tune" in capsys.readouterr().out
    show_tune("X:1\nT:t\nM:4/4\nK:C\n")
    assert "✗ not a valid tune" in capsys.readouterr().out


def test_generator_widget_builds_without_generating():
    calls = []
    box = tune_generator_widget(lambda t: calls.append(t) or SCALE)
    assert type(box).__name__ == "VBox" and calls == []
    box.children[0].children[1].click()  # the button: one tune at the slider's temperature
    assert calls == [pytest.approx(0.8)]
