"""Frames of a figure in which only a few artists move: the rest is drawn once (blitting).

A widget's figure is mostly still (axes, tick labels, images, the data points) while a few
artists follow the controls (a title, some bars, a frame's colour).  Drawing the whole figure
for every move costs 100-200 ms on a 2-core machine, most of it the still part's text.  A
:class:`Blitter` draws the figure once without its *moving* artists and keeps that picture (the
background); each frame then restores it and draws only the moving artists over it, as
matplotlib's animations do:

    blitter = Blitter(fig, moving=[title, *bars], crop=bbox_in_inches)
    png = blitter.frame()          # after each move

The moving artists are drawn last, in the order given, so an artist that must appear above a
moving one has to be in the list too (after it).  A change to any other artist (through
matplotlib's setters, which mark the figure stale) makes the next frame draw the background
again (a legend's texts too, which matplotlib does not pass up), so a frame always shows
the figure as it is.
"""

from __future__ import annotations

import io
import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.transforms import Bbox
from PIL import Image

from utils.style import PNG_COMPRESSION, PNG_DPI


class Blitter:
    """PNG frames of ``figure`` cropped to ``crop`` (a ``Bbox`` in inches), drawing only the
    ``moving`` artists once the rest has been drawn (see the module doc)."""

    def __init__(self, figure, moving, crop, *, dpi: int = PNG_DPI):
        self.figure, self.moving, self.crop, self.dpi = figure, list(moving), crop, dpi
        for artist in self.moving:  # a change to it stays its own: the background still holds
            artist.stale_callback = _kept_to_itself
        _report_changes_to(figure, still_from=self.moving)
        self._background = None
        self.backgrounds = 0  # how many times the still part was drawn (tests, benchmarks)

    @property
    def changed(self) -> bool:
        """Whether anything was set since the last frame (the figure, or a moving artist)."""
        return self._background is None or self.figure.stale or any(a.stale for a in self.moving)

    def frame(self) -> bytes:
        """The figure as it is now, as PNG bytes."""
        figure = self.figure
        if self._background is None or figure.stale:
            self.backgrounds += 1
            if figure.dpi != self.dpi:
                figure.set_dpi(self.dpi)
            canvas = figure.canvas  # a course figure's own (utils.style.new_figure)
            if not isinstance(canvas, FigureCanvasAgg):
                canvas = FigureCanvasAgg(figure)
            # animated only while the background is drawn: canvas.draw() leaves them out, and
            # savefig (a student's, a test's) still draws the whole figure
            for artist in self.moving:
                artist.set_animated(True)
            canvas.draw()
            for artist in self.moving:
                artist.set_animated(False)
            self._background = canvas.copy_from_bbox(figure.bbox)
        else:
            figure.canvas.restore_region(self._background)
        for artist in self.moving:
            figure.draw_artist(artist)
            artist.stale = False
        figure.stale = False
        return _png(self._cropped(np.asarray(figure.canvas.buffer_rgba())))

    def _cropped(self, rgba: np.ndarray) -> np.ndarray:
        """The crop's pixels; outside the figure, its face colour (as savefig pads)."""
        height, width = rgba.shape[:2]
        # a crop on whole pixels (snapped()): savefig draws the same pixels at the same places
        x0, y0, x1, y1 = (round(v * self.dpi) for v in self.crop.extents)
        face = np.array(to_rgba(self.figure.get_facecolor()), dtype=float) * 255
        out = np.empty((y1 - y0, x1 - x0, 4), dtype=np.uint8)
        out[:] = face.round().astype(np.uint8)
        # the buffer's first row is the figure's top: rows top..bottom hold y1..y0 (clipped)
        top, bottom = height - min(y1, height), height - max(y0, 0)
        left, right = max(x0, 0), min(x1, width)
        out_top, out_left = y1 - min(y1, height), left - x0
        out[out_top : out_top + bottom - top, out_left : out_left + right - left] = rgba[
            top:bottom, left:right
        ]
        return out


def _kept_to_itself(_artist, _stale) -> None:
    """A moving artist's ``stale_callback``: its change is not passed up to its Axes and the
    figure (frame() draws it anyway; the still part need not be drawn again)."""


def _report_changes_to(figure, still_from) -> None:
    """Make a change to any still artist mark ``figure`` stale.  matplotlib passes a change up
    from an artist to its Axes and figure, but not from inside an offset box: a legend's texts
    (``legend.get_texts()[i].set_text(...)``) would change without the background knowing."""
    inside_moving = {id(a) for artist in still_from for a in artist.findobj()}

    def mark_figure(_artist, stale):
        if stale:
            figure.stale = True

    for artist in figure.findobj():
        if artist is not figure and artist.stale_callback is None:
            if id(artist) not in inside_moving:
                artist.stale_callback = mark_figure


def snapped(crop: Bbox, dpi: int = PNG_DPI) -> Bbox:
    """``crop`` (inches) widened to whole pixels at ``dpi``: a frame drawn whole by savefig and
    one blitted then have the same pixels, not the same picture shifted by a fraction."""
    x0, y0, x1, y1 = crop.extents * dpi
    return Bbox.from_extents(
        math.floor(x0) / dpi, math.floor(y0) / dpi, math.ceil(x1) / dpi, math.ceil(y1) / dpi
    )


def _png(rgba: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buffer, format="png", compress_level=PNG_COMPRESSION)
    return buffer.getvalue()
