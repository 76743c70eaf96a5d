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

from tqdm.auto import tqdm


def progress(iterable=None, **kwargs):
    """tqdm with the labs' defaults (a notebook widget in Jupyter, text elsewhere)."""
    kwargs.setdefault("dynamic_ncols", True)
    kwargs.setdefault("mininterval", 0.5)
    return tqdm(iterable, **kwargs)


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
