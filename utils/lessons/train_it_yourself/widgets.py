"""The lesson's widget: your loss curve and Keras's, or their difference, epoch by epoch."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from utils.i18n import msg
from utils.plotting import plain_log_axis
from utils.style import COLORS, course_style, figure_language, new_figure
from utils.ui.figure_widget import FigureWidget

VIEWS = ("curves", "difference")


def _w(key, **params):
    return msg(f"train_it_yourself.widget.{key}", **params)


def _fig(key, **params):
    return msg(f"train_it_yourself.widget.{key}", lang=figure_language(), **params)


def draw_losses(mine, keras, view="curves"):
    """The two loss curves, or the absolute difference between them (log scale)."""
    mine, keras = np.asarray(mine, dtype=float), np.asarray(keras, dtype=float)
    epochs = np.arange(1, len(mine) + 1)
    fig = new_figure(figsize=(6.0, 3.4))
    with course_style():
        ax = fig.add_subplot()
        if view == "curves":
            ax.plot(epochs, mine, "o-", color=COLORS["blue"], label=_fig("yours"))
            ax.plot(epochs, keras, "x--", color=COLORS["vermillion"], label="Keras")
            ax.set(ylabel=_fig("loss_axis"), title=_fig("curves_title"))
            ax.legend()
        else:
            diff = np.maximum(np.abs(mine - keras), 1e-12)
            ax.semilogy(epochs, diff, "o-", color=COLORS["blue"])
            plain_log_axis(ax.yaxis)
            ax.set(ylabel=_fig("difference_axis"), title=_fig("difference_title"))
        ax.set_xlabel(_fig("epoch_axis"))
        ax.set_xticks(epochs)
    message = _w("message", diff=float(np.max(np.abs(mine - keras))))
    return fig, message


def loss_curves_widget(mine, keras, view="curves") -> FigureWidget:
    """Toggle between the two curves and their difference."""
    controls = {
        "view": widgets.ToggleButtons(
            options=[(_w(f"view_{name}"), name) for name in VIEWS],
            value=view,
            description=_w("view"),
        )
    }
    figures = {}  # one figure per view, drawn once: switching back costs one drawing pass

    def draw(view):
        if view not in figures:
            figures[view] = draw_losses(mine, keras, view)
        return figures[view]

    return FigureWidget(draw, controls, title=_w("title"))
