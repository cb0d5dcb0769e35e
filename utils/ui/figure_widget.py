"""The pattern every course widget follows: controls, a figure, and a still fallback.

A :class:`FigureWidget` owns a ``draw(**values)`` function that returns a
matplotlib ``Figure`` (optionally with a one-line message), and a dict of
ipywidgets controls.  Moving a control calls ``draw`` again and shows the new
figure.  The figure is rendered to PNG here (:func:`utils.style.png_bytes`), so it
shows under any matplotlib backend, and it is shown in three situations:

* in JupyterLab with a live kernel: the controls and the figure, interactive;
* in a static rendering (GitHub, nbviewer, a notebook executed in CI): the
  same output carries the first figure as an ``image/png`` fallback;
* while nbgrader executes the notebook (``NBGRADER_EXECUTION`` is set), or
  when ``COURSE_STATIC_FIGURES=1``: only the still figure, no widget at all,
  so grading never waits for a front end.

Tests drive the callbacks directly: ``w.set(scale=10)`` moves a control
exactly as a student would, and returns the new figure.
"""

from __future__ import annotations

import base64
import os
import weakref

import ipywidgets as widgets
import matplotlib

from utils.style import PNG_DPI, png_bytes
from utils.ui.blit import Blitter, snapped

STATIC_ENV = ("NBGRADER_EXECUTION", "COURSE_STATIC_FIGURES")


def control_looks(width: str | None = None) -> dict:
    """A control's look, as keyword arguments: its description never cut off and, given a
    ``width``, long enough for its steps (``widgets.IntSlider(..., **control_looks("400px"))``)."""
    looks = {"style": {"description_width": "initial"}}
    if width is not None:
        looks["layout"] = widgets.Layout(width=width)
    return looks


def static_mode() -> bool:
    """True when no front end can drive widgets (nbgrader, or figures forced static)."""
    return any(os.environ.get(name) for name in STATIC_ENV)


def figure_png(fig, *, dpi=PNG_DPI, crop=None) -> str:
    """A matplotlib figure as base64-encoded PNG (works under any backend, no pyplot)."""
    return base64.b64encode(png_bytes(fig, dpi=dpi, crop=crop)).decode("ascii")


#: Extra margin (inches) around a kept figure's first crop, for tick labels that grow a little.
CROP_MARGIN = 0.05


def png_output(png: str, text="figure"):
    """An output record (as in a notebook's outputs list) holding a base64 PNG."""
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": png, "text/plain": f"<{text}>"},
    }


def _freeze_layout(figure) -> None:
    """No layout engine at all from now on: "none" leaves a placeholder engine, and with any
    engine savefig lays the figure out again (a second drawing pass)."""
    with matplotlib.rc_context(
        {"figure.autolayout": False, "figure.constrained_layout.use": False}
    ):
        figure.set_layout_engine(None)


def _check_inside(figure, drawn) -> None:
    """A blitted figure draws on its own canvas only: an artist outside the figure (a legend
    placed below the axes, as savefig's tight crop would show) would vanish.  Say so."""
    width, height = figure.get_size_inches()
    x0, y0, x1, y1 = drawn.extents
    slack = 1 / figure.dpi  # a pixel of antialiasing
    if x0 < -slack or y0 < -slack or x1 > width + slack or y1 > height + slack:
        raise ValueError(
            f"a widget drawn with moving=... must keep every artist inside its figure "
            f"(0, 0, {width:.2f}, {height:.2f}) inches; what is drawn spans "
            f"({x0:.2f}, {y0:.2f}, {x1:.2f}, {y1:.2f}): place legends and labels inside it"
        )


class FigureWidget:
    """Controls plus a figure that is redrawn whenever a control changes.

    ``draw(**values)`` receives every control's current value by its key and
    returns a ``Figure`` or ``(Figure, message)``.  After each redraw,
    ``figure`` and ``message`` hold the latest result, and ``history`` counts
    the redraws (handy in tests).
    """

    def __init__(self, draw, controls, title="", *, moving=None):
        if not callable(draw):
            raise TypeError("draw must be a function of the controls' values returning a Figure")
        for key, control in controls.items():
            if not isinstance(control, widgets.ValueWidget):
                raise TypeError(
                    f"control {key!r} must be an ipywidgets value widget, "
                    f"got {type(control).__name__}"
                )
        self.draw, self.controls, self.title = draw, dict(controls), title
        # moving(figure): the artists a move changes; the rest is drawn once (utils.ui.blit)
        self.moving = moving
        self.output = widgets.Output()
        self.status = widgets.HTML()
        self.figure, self.message, self.redraws = None, "", 0
        self._shown = weakref.WeakKeyDictionary()  # each figure shown: (first crop, last PNG)
        self.redraw()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    @property
    def values(self) -> dict:
        """The controls' current values, by key."""
        return {key: control.value for key, control in self.controls.items()}

    def _on_change(self, _change=None):
        self.redraw()

    def redraw(self):
        """Call ``draw`` with the current values and show the result."""
        result = self.draw(**self.values)
        figure, self.message = result if isinstance(result, tuple) else (result, "")
        self.figure = figure
        self.redraws += 1
        self._png = self._render()  # rendered once, shown live and as the still
        self.output.outputs = (png_output(self._png, self.title or "figure"),)
        self.status.value = self.message
        return self.figure

    def _render(self) -> str:
        """The figure as PNG, cropped to what is drawn plus a small margin.

        A figure shown before keeps the layout and the crop of the first frame it was shown in:
        a ``draw`` that updates its figure in place (returns the same ``Figure``), or that keeps
        one figure per view and returns it again, costs one drawing pass per move, and each
        figure's frames have the same size.  The layout is not solved again, nor the crop
        measured again.  A figure returned again *unchanged* (nothing in it was set since it was
        last shown: matplotlib's setters mark a figure stale) costs no drawing pass at all; its
        last PNG is shown again (a control that changes only the message, a view switched back).
        """
        how, png = self._shown.get(self.figure, (None, None))  # its crop (or Blitter), last PNG
        if how is None:  # first shown: lay it out and measure what is drawn
            self.figure.draw_without_rendering()
            drawn = self.figure.get_tightbbox()
            pad = matplotlib.rcParams["savefig.pad_inches"] + CROP_MARGIN
            how = snapped(drawn.padded(pad))
            if self.moving is not None:  # every frame, the first included, from a Blitter
                _check_inside(self.figure, drawn)
                _freeze_layout(self.figure)
                how = Blitter(self.figure, self.moving(self.figure), how)
        if isinstance(how, Blitter):
            if how.changed:
                png = base64.b64encode(how.frame()).decode("ascii")
        elif png is None or self.figure.stale:
            if png is not None:  # the axes stay where the first frame put them
                _freeze_layout(self.figure)
            png = figure_png(self.figure, crop=how)
            self.figure.stale = False  # savefig leaves it stale; any later change marks it again
        self._shown[self.figure] = (how, png)
        return png

    @property
    def frame_size(self) -> tuple[int, int]:
        """(width, height) in pixels of the figure the student sees now."""
        png = base64.b64decode(self._png)
        return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")

    def set(self, **values):
        """Move controls (as a student would) and return the redrawn figure."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise KeyError(
                f"no control named {sorted(unknown)}; controls are {sorted(self.controls)}"
            )
        for key, value in values.items():
            self.controls[key].value = value
        return self.figure

    @property
    def box(self):
        """The ipywidgets layout: title, controls, figure, message."""
        if getattr(self, "_box", None) is None:
            header = [widgets.HTML(f"<b>{self.title}</b>")] if self.title else []
            # Controls wrap onto several rows rather than squeezing sliders to nothing.
            controls = widgets.HBox(
                list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")
            )
            self._box = widgets.VBox(header + [controls, self.output, self.status])
        return self._box

    def still(self) -> dict:
        """The current figure and message as a static mime bundle (HTML, PNG, text)."""
        png = self._png
        caption = f"<p>{self.message}</p>" if self.message else ""
        return {
            "text/html": f'<img src="data:image/png;base64,{png}"/>{caption}',
            "image/png": png,
            "text/plain": self.message or f"<{self.title or 'figure'}>",
        }

    def _repr_mimebundle_(self, include=None, exclude=None):
        still = self.still()
        if static_mode():
            return still
        # The widget view for JupyterLab; the still image for renderers without widgets.
        return {**still, **self.box._repr_mimebundle_(include=include, exclude=exclude)}
