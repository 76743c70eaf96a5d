"""Hear and see an ABC tune without any system program (lab 01, part 2).

    from deeplabs.music.audio import play_tune, piano_roll, show_tune, tune_problem
    show_tune(abc)            # prints it, says whether it is valid, piano roll + audio player
    play_tune(abc)            # an IPython Audio player, or a printed reason why it cannot play
    piano_roll(abc)           # the same notes as a pitch-over-time plot
    tune_problem(abc)         # None for a valid tune, else a sentence saying what is wrong

The path: ABC text -> music21 score -> (start, duration, MIDI pitch) list -> a waveform made
in numpy (additive synthesis: a few harmonics under a pluck-like envelope) -> `Audio`.
No soundfont, no fluidsynth, no MIDI player: it works the same on Colab, a laptop and CI.

`tune_problem` is the measure behind the lab's *valid-tune rate*: a tune is valid when it has
a header (M: and K: lines), music21 parses it, and it has at least `min_bars` bars of notes.
"""
from __future__ import annotations

import contextlib
import io
import re
import warnings
from dataclasses import dataclass

import numpy as np

DEFAULT_BPM = 120          # quarter notes per minute: our tunes carry no Q: field
SAMPLE_RATE = 16_000       # enough for a melody up to ~4 kHz harmonics; keeps notebooks small
MAX_SECONDS = 40.0         # a runaway generated tune does not become a 10-minute file


class TuneError(ValueError):
    """Raised when a text cannot be read as an ABC tune; the message says why."""


@dataclass(frozen=True)
class Note:
    start: float     # seconds
    duration: float  # seconds
    pitch: int       # MIDI number (60 = middle C)


def _header_problem(abc: str) -> str | None:
    if not abc or not abc.strip():
        return "the text is empty"
    lines = [line.strip() for line in abc.strip().split("\n")]
    if not any(line.startswith("K:") for line in lines):
        return "no K: (key) line: an ABC tune needs one to end its header and start the music"
    if not any(line.startswith("M:") for line in lines):
        return "no M: (meter) line in the header"
    k = next(i for i, line in enumerate(lines) if line.startswith("K:"))
    if not any(lines[k + 1:]):
        return "the header ends with K: but no music follows"
    return None


def parse_tune(abc: str):
    """ABC text -> music21 Score; raises TuneError with a readable reason."""
    problem = _header_problem(abc)
    if problem:
        raise TuneError(problem)
    from music21 import converter  # imported here: music21 takes a second to import

    # music21 prints parser warnings to stderr; keep them out of notebook cells
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            score = converter.parseData(abc.strip() + "\n", format="abc")
        except Exception as err:  # music21 raises many kinds: all mean "does not parse"
            reason = re.sub(r"\s+", " ", str(err)).strip()[:200] or type(err).__name__
            raise TuneError(f"music21 cannot parse it: {reason}") from None
    if not score.flatten().notes:
        raise TuneError("music21 read it but found no notes")
    return score


def count_bars(score) -> int:
    """Bars that hold at least one note (music21 builds one Measure per ABC bar)."""
    from music21 import stream

    parts = score.parts if score.parts else [score]
    bars = max(sum(1 for m in part.getElementsByClass(stream.Measure) if m.notes) for part in parts)
    return bars or (1 if score.flatten().notes else 0)  # a one-bar tune gets no Measure objects


def tune_problem(abc: str, min_bars: int = 8) -> str | None:
    """None when the tune is valid (header, parses, >= min_bars bars), else why it is not."""
    try:
        score = parse_tune(abc)
    except TuneError as err:
        return str(err)
    bars = count_bars(score)
    if bars < min_bars:
        return f"only {bars} bar{'s' * (bars != 1)} of music (a valid tune needs at least {min_bars})"
    return None


def tune_notes(abc_or_score, bpm: float = DEFAULT_BPM) -> list[Note]:
    """The notes in time order; chords give one Note per pitch, ties are merged."""
    score = parse_tune(abc_or_score) if isinstance(abc_or_score, str) else abc_or_score
    seconds_per_quarter = 60.0 / bpm
    notes = []
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        flat = score.stripTies().flatten()
        for element in flat.notes:
            start = float(element.offset) * seconds_per_quarter
            duration = max(float(element.quarterLength), 0.0625) * seconds_per_quarter
            for p in getattr(element, "pitches", ()):
                notes.append(Note(start, duration, int(p.midi)))
    return sorted(notes, key=lambda n: (n.start, n.pitch))


def synthesize(notes: list[Note], sample_rate: int = SAMPLE_RATE, max_seconds: float = MAX_SECONDS,
               harmonics: tuple[float, ...] = (1.0, 0.5, 0.25, 0.12)) -> np.ndarray:
    """Additive synthesis: float32 waveform in [-1, 1], one sine per harmonic per note."""
    notes = [n for n in notes if n.start < max_seconds]
    if not notes:
        return np.zeros(int(0.1 * sample_rate), dtype=np.float32)
    release = 0.08  # seconds a note rings on after it ends, so legato lines do not click
    end = min(max(n.start + n.duration for n in notes) + release, max_seconds + release)
    wave = np.zeros(int(end * sample_rate) + 1, dtype=np.float64)
    for n in notes:
        start = int(n.start * sample_rate)
        length = min(int((n.duration + release) * sample_rate), len(wave) - start)
        if length <= 0:
            continue
        t = np.arange(length) / sample_rate
        freq = 440.0 * 2 ** ((n.pitch - 69) / 12)
        tone = sum(a * np.sin(2 * np.pi * k * freq * t) for k, a in enumerate(harmonics, start=1)
                   if k * freq < sample_rate / 2)  # skip harmonics above Nyquist (aliasing)
        attack = np.minimum(t / 0.01, 1.0)                           # 10 ms fade-in: no click
        decay = np.exp(-3.0 * t / max(n.duration, 0.05))             # plucked, fiddle-ish
        tail = np.clip((n.duration + release - t) / release, 0, 1)   # fade out after the note
        wave[start:start + length] += tone * attack * decay * tail
    peak = np.abs(wave).max()
    return (wave / peak * 0.9 if peak > 0 else wave).astype(np.float32)


def play_tune(abc: str, bpm: float = DEFAULT_BPM, sample_rate: int = SAMPLE_RATE):
    """An IPython Audio player for the tune, or None after printing why it cannot be played."""
    try:
        notes = tune_notes(abc, bpm)
    except TuneError as err:
        print(f"Cannot play this tune: {err}")
        return None
    from IPython.display import Audio

    seconds = max(n.start + n.duration for n in notes)
    cut = f", first {MAX_SECONDS:.0f} s" if seconds > MAX_SECONDS else ""
    print(f"{len(notes)} notes, {seconds:.1f} s at {bpm} quarter notes per minute{cut}")
    return Audio(synthesize(notes, sample_rate), rate=sample_rate)


def piano_roll(abc_or_notes, ax=None, title: str | None = None, max_seconds: float = MAX_SECONDS):
    """Pitch over time, one bar per note; returns the figure (None if the tune is invalid)."""
    import matplotlib.pyplot as plt

    if isinstance(abc_or_notes, str):
        try:
            notes = tune_notes(abc_or_notes)
        except TuneError as err:
            print(f"Cannot draw this tune: {err}")
            return None
        if title is None:
            title = next((line[2:].strip() for line in abc_or_notes.split("\n") if line.startswith("T:")), None)
    else:
        notes = list(abc_or_notes)
    notes = [n for n in notes if n.start < max_seconds]
    own_figure = ax is None
    if own_figure:
        fig, ax = plt.subplots(figsize=(9, 2.8))
    else:
        fig = ax.figure
    ax.barh([n.pitch for n in notes], [n.duration * 0.95 for n in notes], left=[n.start for n in notes],
            height=0.8, color="tab:blue")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("MIDI pitch")
    if notes:
        low, high = min(n.pitch for n in notes), max(n.pitch for n in notes)
        c_notes = [p for p in range(low - 1, high + 2) if p % 12 == 0]  # label the Cs: C4 = 60
        ax.set_yticks(c_notes, [f"C{p // 12 - 1}" for p in c_notes])
        ax.set_ylim(low - 1.5, high + 1.5)
    if title:
        ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    if own_figure:
        plt.close(fig)  # the caller displays it: stops Jupyter showing a second copy
    return fig


def show_tune(abc: str, min_bars: int = 8, bpm: float = DEFAULT_BPM) -> None:
    """Print the tune and whether it is valid, then its piano roll and an audio player."""
    from IPython.display import Audio, display

    print(abc.rstrip("\n"))
    try:
        score = parse_tune(abc)  # parsed once for the verdict, the plot and the sound
    except TuneError as err:
        print(f"✗ not a valid tune, and it cannot be played: {err}")
        return
    bars = count_bars(score)
    print("✓ a valid tune" if bars >= min_bars else
          f"✗ not a valid tune: only {bars} bars of music (at least {min_bars} needed); playing it anyway")
    notes = tune_notes(score, bpm)
    title = next((line[2:].strip() for line in abc.split("\n") if line.startswith("T:")), None)
    display(piano_roll(notes, title=title))
    display(Audio(synthesize(notes), rate=SAMPLE_RATE))


def tune_generator_widget(generate, value: float = 0.8, low: float = 0.1, high: float = 1.5):
    """A temperature slider and a "generate" button: each click samples, shows and plays a tune.

    `generate(temperature) -> abc text`. Headless runs (CI, grading) just build the widget;
    nothing is generated until someone clicks.
    """
    import ipywidgets as widgets
    slider = widgets.FloatSlider(value=value, min=low, max=high, step=0.05, description="temperature")
    button = widgets.Button(description="generate", icon="music")
    out = widgets.Output()

    def on_click(_):
        with out:
            out.clear_output(wait=True)
            show_tune(generate(slider.value))

    button.on_click(on_click)
    return widgets.VBox([widgets.HBox([slider, button]), out])
