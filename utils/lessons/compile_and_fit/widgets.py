r"""Widgets and figures for lesson 01 (compile and fit).

* :func:`loss_explorer` -- the binary cross-entropy of one example as the predicted
  probability $p$ moves, for a label $y = 1$ or $y = 0$;
* :func:`batches_explorer` -- how ``fit`` cuts $m$ examples into mini-batches: how
  many batches an epoch has, how big the last one is, and how many gradient steps
  a whole training run takes;
* :func:`plot_regression_fits` -- a regression data set, the curves that models fit
  to it, and (optionally) the training loss next to the best straight line's.

Every word they show comes from the message catalogue (:mod:`utils.i18n`, keys
``compile_and_fit.widget.*``); text drawn in a figure uses :func:`utils.style.figure_language`.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from utils.i18n import msg
from utils.nn import binary_crossentropy
from utils.style import COLORS, course_style, figure_language, new_figure
from utils.ui.figure_widget import FigureWidget, control_looks

_P = np.linspace(0.001, 0.999, 500)
_SLIDER = "400px"  # long enough for its steps


def _w(key, **params):
    """A widget message in the language in use."""
    return msg(f"compile_and_fit.widget.{key}", **params)


def _fig(key, **params):
    """A message drawn inside a figure (English where the language has no font)."""
    return msg(f"compile_and_fit.widget.{key}", lang=figure_language(), **params)


# ------------------------------------------------------------------------------------------
# Binary cross-entropy of one example
# ------------------------------------------------------------------------------------------


def example_loss(y: int, p: float) -> float:
    """The binary cross-entropy of one example: ``-log(p)`` if ``y == 1``, ``-log(1 - p)`` if 0.

    Computed by :func:`utils.nn.binary_crossentropy`, as Keras computes it.
    """
    if y not in (0, 1):
        raise ValueError(f"y must be 0 or 1, got {y!r}")
    if not 0 < p < 1:
        raise ValueError(f"p must be strictly between 0 and 1, got {p!r}")
    return float(binary_crossentropy(np.array([y]), np.array([p]))[0])


@course_style()
class _LossFigure:
    """The loss of one example: both curves, the example's point, built once; a move updates
    them in place (the widget keeps the first frame's layout: one drawing pass per move)."""

    def __init__(self):
        self.fig = new_figure(figsize=(6.4, 3.4))
        ax = self.ax = self.fig.add_subplot()
        self.curves = {}
        for label, text, color in (
            (1, "y = 1:  L = −log(p)", COLORS["blue"]),
            (0, "y = 0:  L = −log(1 − p)", COLORS["orange"]),
        ):
            values = binary_crossentropy(np.full_like(_P, label), _P)
            (self.curves[label],) = ax.plot(_P, values, color=color, label=text)
        (self.point,) = ax.plot([], [], "o", color=COLORS["vermillion"], markersize=9, zorder=3)
        self.note = ax.annotate(
            "", (0.5, 0.0), textcoords="offset points", xytext=(8, 8), color=COLORS["vermillion"]
        )
        ax.set(xlim=(0, 1), ylim=(0, 5), xlabel=_fig("probability_axis"), ylabel=_fig("loss_axis"))
        ax.legend(loc="upper center")

    def __call__(self, p, y):
        loss = example_loss(y, p)
        for label, line in self.curves.items():
            active = label == y
            line.set(alpha=1.0 if active else 0.35, linewidth=2.5 if active else 1.5)
        self.point.set_data([p], [loss])
        self.note.xy = (p, loss)
        self.note.set_text(f"L = {loss:.3f}")
        self.ax.set_title(_fig("loss_figure_title", y=y))
        right = (p >= 0.5) == (y == 1)
        term = f"−log({p:.2f})" if y == 1 else f"−log(1 − {p:.2f})"
        verdict = _w("right" if right else "wrong")
        message = _w("loss_message", y=y, p=p, term=term, loss=loss, verdict=verdict)
        return self.fig, message


def loss_explorer(p=0.8, y=1) -> FigureWidget:
    """Move the prediction ``p`` and flip the label ``y``; watch the loss of one example."""
    controls = {
        "p": widgets.FloatSlider(
            value=p,
            min=0.01,
            max=0.99,
            step=0.01,
            description="p",
            continuous_update=False,
            readout_format=".2f",
            **control_looks(_SLIDER),
        ),
        "y": widgets.ToggleButtons(
            options=[(_w("label_option", y=1), 1), (_w("label_option", y=0), 0)],
            value=y,
            description=_w("label"),
            **control_looks(),
        ),
    }
    return FigureWidget(_LossFigure(), controls, title=_w("loss_title"))


# ------------------------------------------------------------------------------------------
# Mini-batches
# ------------------------------------------------------------------------------------------


def batch_sizes(m: int, batch_size: int) -> list[int]:
    """The sizes of the mini-batches ``fit`` makes from ``m`` examples: full ones, then the rest.

    >>> len(batch_sizes(5000, 32)), batch_sizes(5000, 32)[-1]
    (157, 8)
    """
    if int(m) != m or m < 1:
        raise ValueError(f"m (the number of examples) must be a positive integer, got {m!r}")
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    m, batch_size = int(m), int(batch_size)
    full, rest = divmod(m, batch_size)
    return [batch_size] * full + ([rest] if rest else [])


def _batches(k: int, size=None, lang=None) -> str:
    """'1 batch', '157 batches', '156 full batches of 32' ... (in ``lang``, default: in use)"""
    key = ("batch" if size is None else "full") + ("_one" if k == 1 else "_many")
    return msg(f"compile_and_fit.widget.{key}", lang=lang, k=k, size=size)


def _count(key: str, n: int) -> str:
    """'1 epoch', '20 epochs', '3,140 gradient steps' ..."""
    return _w(f"{key}_one" if n == 1 else f"{key}_many", n=n)


@course_style()
def _batches_figure(m, batch_size, lang, fig=None):
    """One epoch's mini-batches as bars (full ones alternating blue, a smaller last one red);
    drawn afresh in ``fig``'s axes when given (the widget keeps one figure and its layout)."""
    sizes = batch_sizes(m, batch_size)
    n = len(sizes)
    partial = sizes[-1] != batch_size
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    if fig is None:
        fig = new_figure(figsize=(8, 2.2))
        ax = fig.add_subplot()
    else:
        (ax,) = fig.axes
        ax.clear()
    colors = [COLORS["blue"] if i % 2 == 0 else COLORS["sky"] for i in range(n)]
    if partial:
        colors[-1] = COLORS["vermillion"]
    ax.broken_barh(list(zip(starts, sizes)), (0, 1), facecolors=colors)
    ax.set(xlim=(0, m), ylim=(0, 1), yticks=[], xlabel=_fig("examples_axis"))
    batches = _batches(n, lang=lang)
    ax.set_title(
        _fig("epoch_figure_title", m=m, batch_size=batch_size, batches=batches), loc="left"
    )
    ax.grid(False)
    if partial:
        ax.annotate(
            _fig("last_batch", size=sizes[-1]),
            (m - sizes[-1] / 2, 0.5),
            xytext=(0.97, 1.08),
            textcoords="axes fraction",
            ha="right",
            va="bottom",
            color=COLORS["vermillion"],
            arrowprops={"arrowstyle": "->", "color": COLORS["vermillion"]},
        )
    return fig


def _batches_message(m, batch_size, epochs) -> str:
    """How one epoch splits into batches, and the gradient steps of ``epochs`` epochs."""
    sizes = batch_sizes(m, batch_size)
    n = len(sizes)
    partial = sizes[-1] != batch_size
    if not partial:
        split = _batches(n, batch_size)
    elif n == 1:
        split = _w("single_batch", m=m)
    else:
        split = _w("full_and_last", full=_batches(n - 1, batch_size), size=sizes[-1])
    return _w(
        "batches_message",
        m=m,
        batch_size=batch_size,
        per_epoch=_batches(math.ceil(m / batch_size)),
        split=split,
        epochs=_count("epochs", epochs),
        steps=_count("steps", n * epochs),
    )


def batches_explorer(m=5000, batch_size=32, epochs=20) -> FigureWidget:
    """Choose the examples, the batch size and the epochs; see the batches of one epoch."""
    controls = {
        "m": widgets.IntSlider(
            value=m,
            min=10,
            max=5000,
            step=10,
            description=_w("examples_m"),
            continuous_update=False,
            **control_looks(_SLIDER),
        ),
        "batch_size": widgets.Dropdown(
            options=[8, 16, 32, 64, 128, 256, 512, 1024],
            value=batch_size,
            description="batch_size",
            **control_looks(),
        ),
        "epochs": widgets.IntSlider(
            value=epochs,
            min=1,
            max=100,
            description=_w("epochs"),
            continuous_update=False,
            **control_looks(_SLIDER),
        ),
    }
    shown = {"key": None, "figure": None}  # one figure, redrawn when m or batch_size moves

    def draw(m, batch_size, epochs):  # epochs changes the message only: the figure stays
        key = (m, batch_size, figure_language())
        if key != shown["key"]:
            shown["figure"] = _batches_figure(*key, fig=shown["figure"])
            shown["key"] = key
        return shown["figure"], _batches_message(m, batch_size, epochs)

    return FigureWidget(draw, controls, title=_w("batches_title"))


# ------------------------------------------------------------------------------------------
# Regression fits
# ------------------------------------------------------------------------------------------


@course_style()
def plot_regression_fits(x, y, *, line, network, history=None, line_mse=None, truth=None) -> Figure:
    """The data ``(x, y)``, the best straight line and the network's curve; with ``history``,
    the network's training loss beside it.

    line, network: functions that take an ``(n, 1)`` array of x values and return the
    predictions (e.g. ``lambda g: model.predict(g, verbose=0)``).
    truth: optional, the noise-free values at ``x`` of the curve the data were drawn around.
    history: a Keras ``History`` (or its ``.history`` dict) with a ``loss`` list.
    line_mse: the best line's mean squared error, drawn as a dashed line on the loss panel.
    Every label comes from the catalogue, in the figure language.
    """
    x = np.asarray(x, dtype=float).reshape(-1)
    y = np.asarray(y, dtype=float).reshape(-1)
    if x.shape != y.shape or x.size == 0:
        raise ValueError(f"x and y must hold the same number of values, got {x.size} and {y.size}")
    for key, f in {"line": line, "network": network}.items():
        if not callable(f):
            raise TypeError(f"{key} must be a function of an (n, 1) array of x values")
    if truth is not None and np.shape(truth) != y.shape:
        raise ValueError(f"truth must hold one value per x, got shape {np.shape(truth)}")
    panels = 1 if history is None else 2
    fig = new_figure(figsize=(5.2 * panels, 3.6))
    axes = fig.subplots(1, panels, squeeze=False)[0]
    ax = axes[0]
    ax.scatter(x, y, s=12, color=COLORS["grey"], label=_fig("data"))
    grid = np.linspace(x.min(), x.max(), 300).reshape(-1, 1)
    if truth is not None:
        order = np.argsort(x)
        true_y = np.asarray(truth, dtype=float)[order]
        ax.plot(x[order], true_y, color=COLORS["black"], linestyle=":", label=_fig("true_curve"))
    for key, f, color in (("best_line", line, "vermillion"), ("relu_network", network, "blue")):
        values = np.asarray(f(grid), dtype=float).reshape(-1)
        ax.plot(grid[:, 0], values, color=COLORS[color], label=_fig(key))
    ax.set(xlabel="x", ylabel="y", title=_fig("fitted_title"))
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.18), ncol=2, frameon=False)
    if history is not None:
        loss = list(getattr(history, "history", history)["loss"])
        ax = axes[1]
        ax.plot(range(1, len(loss) + 1), loss, color=COLORS["train"], label=_fig("training_mse"))
        if line_mse is not None:
            ax.axhline(
                line_mse, color=COLORS["vermillion"], linestyle="--", label=_fig("best_line")
            )
        ax.set(
            xlabel=_fig("epoch_axis"),
            ylabel=_fig("mse_axis"),
            yscale="log",
            title=_fig("training_loss_title"),
        )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(loc="upper right")
    return fig
