"""Progress bars and a live loss plot, the same style in every lab.

    from deeplabs.progress import progress, LivePlot
    plot = LivePlot("loss")
    for step in (bar := progress(range(steps), desc="train")):
        loss = ...
        bar.set_postfix(loss=f"{loss:.3f}")
        plot.update(step, loss=loss)
    plot.close()

In Jupyter the plot redraws in place (one figure, not one per update); outside Jupyter
(scripts, CI logs) it stays silent and keeps the history, so training code never needs an
`if in_notebook` branch.
"""
from __future__ import annotations

import time
import warnings

from tqdm.std import TqdmExperimentalWarning
from tqdm.std import tqdm as text_bar


def progress(iterable=None, **kwargs):
    """tqdm with the labs' defaults (a notebook widget in Jupyter, text elsewhere).

    The bar only counts: it never iterates `iterable` before your loop does. (tqdm.auto's
    asyncio support calls `iter()` on it when the bar is made, and a shuffling DataLoader
    with a seeded generator then draws once more, so every epoch shuffled differently.)
    """
    kwargs.setdefault("dynamic_ncols", True)
    kwargs.setdefault("mininterval", 0.5)
    return _bar_class()(iterable, **kwargs)


def _bar_class():
    if not in_notebook():
        return text_bar
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=TqdmExperimentalWarning)
        from tqdm.autonotebook import tqdm as auto_bar
    if auto_bar is text_bar:  # no ipywidgets: tqdm falls back to text
        return text_bar
    return _notebook_bar(auto_bar)


_NOTEBOOK_BAR = None


def _notebook_bar(widget_bar):
    """tqdm's notebook widget, whose saved output shows where the bar ended.

    A widget's progress lives in the widget's state, which a saved notebook (an executed
    one, the grader's run, nbconvert) does not keep: what it keeps is the plain-text copy
    made when the bar first appeared, `0%| | 0/5`, as if the loop never ran. So the bar is
    displayed under an id, and closing it replaces that text with the final line.
    """
    global _NOTEBOOK_BAR
    if _NOTEBOOK_BAR is not None and _NOTEBOOK_BAR.__mro__[1] is widget_bar:
        return _NOTEBOOK_BAR

    class NotebookBar(widget_bar):
        def __init__(self, *args, **kwargs):
            self._handle = None
            shown_later = kwargs.get("delay", 0) > 0 or not kwargs.get("display", True)
            if not shown_later:
                kwargs["display"] = False
            super().__init__(*args, **kwargs)
            if not shown_later and not self.disable:
                from IPython.display import display

                self._handle = display(self.container, display_id=True)
                self.displayed = True

        def close(self):
            was_open = not self.disable  # tqdm's close() marks the bar disabled
            super().close()
            if self._handle is not None and was_open and self.leave:
                bundle = dict(self.container._repr_mimebundle_() or {})
                bundle["text/plain"] = str(self)
                self._handle.update(bundle, raw=True)
                self._handle = None

    _NOTEBOOK_BAR = NotebookBar
    return NotebookBar


def in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell"


class LivePlot:
    """Curves that redraw in place at most every `every_s` seconds.

    `update(step, name=value, ...)` appends one point per named curve. `close()` draws the
    final figure once more so the notebook keeps it.
    """

    def __init__(self, *names: str, title: str = "", every_s: float = 2.0, logy: bool = False):
        self.history: dict[str, tuple[list[float], list[float]]] = {n: ([], []) for n in names}
        self.title, self.every_s, self.logy = title, every_s, logy
        self._last_draw = 0.0
        self._handle = None

    def update(self, step: float, **values: float) -> None:
        for name, value in values.items():
            xs, ys = self.history.setdefault(name, ([], []))
            xs.append(float(step))
            ys.append(float(value))
        if in_notebook() and time.monotonic() - self._last_draw >= self.every_s:
            self._draw()

    def close(self) -> None:
        if in_notebook() and any(xs for xs, _ in self.history.values()):
            self._draw()

    def figure(self):
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 3.2))
        for name, (xs, ys) in self.history.items():
            if xs:
                ax.plot(xs, ys, label=name)
        ax.set_xlabel("step")
        if self.logy:
            ax.set_yscale("log")
        if self.title:
            ax.set_title(self.title)
        ax.legend(loc="upper right")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        plt.close(fig)  # we display it ourselves; stops Jupyter showing a second copy
        return fig

    def _draw(self) -> None:
        from IPython.display import display

        fig = self.figure()
        if self._handle is None:
            self._handle = display(fig, display_id=True)
        else:
            self._handle.update(fig)
        self._last_draw = time.monotonic()
