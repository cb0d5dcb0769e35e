"""Figures kept between a widget's redraws, so that moving a control redraws quickly.

Most of a redraw's time goes to laying the figure out (constrained layout measures every tick
label and title twice) and to measuring its text. A widget whose figure keeps its axes from one
redraw to the next need not pay for either: :class:`KeptFigures` builds a figure the first time
it is asked for one of a given shape, lets the first render lay it out, then freezes that layout
and, at every later redraw, only takes the plotted data off the axes (lines, patches,
collections, bars, legends) so that the draw function can plot the new data. Axis labels, titles
and scales are set again by the draw function (cheap: the same text objects are reused).

A draw function that is given no ``KeptFigures`` makes a new figure each call, as before.
"""

from __future__ import annotations

from matplotlib.layout_engine import ConstrainedLayoutEngine


def clear_data(fig):
    """Take every plotted artist and legend off ``fig``'s axes; keep the axes, labels and scales."""
    for legend in list(fig.legends):
        legend.remove()
    for ax in fig.axes:
        for container in list(ax.containers):
            container.remove()
        for artist in [*ax.lines, *ax.patches, *ax.collections, *ax.texts]:
            artist.remove()
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        ax.relim()  # the data limits of what is left: nothing


def freeze_layout(fig, laid_out=True):
    """Keep the axes where constrained layout put them, and stop laying ``fig`` out.

    ``laid_out``: whether ``fig`` has been drawn (so laid out) since it was built; if not,
    it is laid out once now. Titles stay just above their axes too (where matplotlib puts them
    when no tick labels are at the top, as in the course's figures) instead of being placed
    anew at each render.
    """
    if isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        if not laid_out:
            fig.draw_without_rendering()
        fig.set_layout_engine("none")
        for ax in fig.axes:
            ax.set_title(ax.get_title(), y=1.0)


class KeptFigures:
    """The figures of one widget, one per shape (e.g. with or without a second panel)."""

    def __init__(self):
        self._figures, self._drawn = {}, set()

    def get(self, shape, make):
        """The figure of ``shape``, cleared of its data; ``make()`` builds it the first time.

        Returns ``(fig, new)``: ``new`` is True when the figure was just made.
        """
        fig = self._figures.get(shape)
        if fig is None:
            fig = self._figures[shape] = make()
            fig.canvas.mpl_connect("draw_event", lambda _event: self._drawn.add(shape))
            return fig, True
        freeze_layout(fig, laid_out=shape in self._drawn)
        clear_data(fig)
        return fig, False


def figure_of(figures, shape, make):
    """``(fig, new)`` from ``figures`` when a widget keeps its figures, else a new one."""
    if figures is None:
        return make(), True
    return figures.get(shape, make)
