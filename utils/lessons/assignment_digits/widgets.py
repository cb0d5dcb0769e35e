"""Widgets and helpers for the digits assignment: a pad to draw a digit, and error analysis.

:func:`draw_digit` shows a 20x20 drawing pad (:class:`utils.ui.drawing_pad.DrawingCanvas`):
press and drag to draw a digit; when the stroke ends, the model's probabilities for the ten
digits are redrawn, once per stroke.  *Undo* takes back the last stroke, *Clear* empties the
pad, *Load example* puts a digit of the data on it.  The pad's state is one control (400
characters of ``0``/``1``), so a test can "draw" by setting it: ``pad.set(pixels=...)``.  Pad
and figure follow the course's pixel convention (:data:`utils.plotting.INK`): a painted cell is
ink, value 1, drawn black on white, as every digit figure draws the data.

The live pad starts blank, a clean page to draw on.  A page without widgets (GitHub, nbviewer,
nbgrader) shows the still figure instead, and a blank pad would be an empty figure there: so
while the pad is blank, its still shows a digit on the pad with the model's reading of it, the
first of ``examples`` or, without examples, a stroke drawn like a seven (:data:`DEMO_SEVEN`).
Every word they show comes from the message catalogue (:mod:`utils.i18n`, keys
``assignment_digits.widget.*`` and the pad's ``drawing_pad.*``); text drawn in a figure uses
:func:`utils.style.figure_language`.
"""

from __future__ import annotations

from types import SimpleNamespace

import ipywidgets as widgets
import numpy as np

from utils.i18n import msg
from utils.plotting import DIGIT_CMAP, INK, PAPER
from utils.style import COLORS, course_style, figure_language, new_figure
from utils.ui.drawing_pad import DrawingCanvas, clear_button, eraser_button, hint, undo_button
from utils.ui.figure_widget import FigureWidget, figure_png
from utils.validation import as_float_array

SIDE = 20
BLANK = "0" * SIDE * SIDE
CELL_PX = 14  # a cell of the pad on the page, in CSS pixels: the pad is 280 px wide


def _stroke(*points) -> set[int]:
    """The cells (row-major indices) of straight strokes through ``points`` (row, column)."""
    cells = set()
    for (r0, c0), (r1, c1) in zip(points, points[1:]):
        steps = max(abs(r1 - r0), abs(c1 - c0))
        for i in range(steps + 1):
            cells.add(round(r0 + (r1 - r0) * i / steps) * SIDE + round(c0 + (c1 - c0) * i / steps))
    return cells


#: What the still figure shows when the pad is blank and has no examples: a seven, two strokes.
DEMO_SEVEN = "".join("1" if k in _stroke((4, 5), (4, 14), (16, 8)) else "0" for k in range(400))


def _w(key, **params):
    """A widget message in the language in use."""
    return msg(f"assignment_digits.widget.{key}", **params)


def _fig(key, **params):
    """A message drawn inside a figure (English where the language has no font)."""
    return msg(f"assignment_digits.widget.{key}", lang=figure_language(), **params)


def stroke_image(pixels: str) -> np.ndarray:
    """Turn painted cells into an image like the training data: soft, thick strokes in [0, 1].

    Each painted cell spreads half its ink to its four neighbours, because real
    digits are written with a pen about two pixels wide at this resolution.
    """
    if len(pixels) != SIDE * SIDE or set(pixels) - {"0", "1"}:
        raise ValueError(f"pixels must be a string of {SIDE * SIDE} characters '0' or '1'")
    cells = np.array([c == "1" for c in pixels], dtype=np.float32).reshape(SIDE, SIDE)
    image = cells.copy()
    for axis, shift in ((0, 1), (0, -1), (1, 1), (1, -1)):
        image = np.maximum(image, 0.5 * np.roll(cells, shift, axis=axis))
    return image.reshape(-1)


def as_pixels(image, threshold=0.5) -> str:
    """A (400,) image as the pad's 0/1 string (cells at or above ``threshold`` are painted)."""
    image = as_float_array(image, "image", ndim=1)
    if image.size != SIDE * SIDE:
        raise ValueError(f"image must have {SIDE * SIDE} pixels, got {image.size}")
    return "".join("1" if v >= threshold else "0" for v in image)


def _predict(predict_proba, pixels):
    """The image the model sees for ``pixels``, and its ten probabilities."""
    x = stroke_image(pixels)
    return x, np.asarray(predict_proba(x[None, :]), dtype=float).reshape(-1)


def _message(pixels, probs) -> str:
    if pixels == BLANK:
        return _w("blank")
    guess = int(probs.argmax())
    return _w("reads", guess=guess, sure=probs[guess])


@course_style()
def _prediction_figure():
    """The pad's figure with nothing on it yet: what the model sees, and ten probabilities."""
    fig = new_figure(figsize=(8, 3.2))
    ax_img, ax_bar = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2]})
    ax_img.imshow(np.zeros((SIDE, SIDE)), cmap=DIGIT_CMAP, vmin=0, vmax=1)
    ax_img.set_title(_fig("model_sees"))
    ax_img.set_axis_off()
    ax_bar.bar(range(10), np.zeros(10), color=COLORS["blue"])
    ax_bar.set_xticks(range(10))
    ax_bar.set_ylim(0, 1)
    ax_bar.set_xlabel(_fig("digit"))
    ax_bar.set_ylabel(_fig("probability"))
    ax_bar.grid(False, axis="x")
    return fig


def _show(fig, x, probs):
    """Put an image and its probabilities on a prediction figure, in place (no new figure)."""
    ax_img, ax_bar = fig.axes
    ax_img.images[0].set_data(x.reshape(SIDE, SIDE))
    guess = int(probs.argmax())
    for k, (bar, p) in enumerate(zip(ax_bar.patches, probs)):
        bar.set_height(p)
        bar.set_facecolor(COLORS["orange"] if k == guess else COLORS["blue"])
    return fig


class Cell:
    """One cell of the pad, with the interface the pad's former grid of buttons had.

    ``click()`` paints or erases it (:meth:`DigitPad.toggle`), ``style.button_color`` is its
    colour (ink or paper) and ``tooltip`` names its row and column, so scripts and tests written
    against the button grid keep working.
    """

    def __init__(self, pad, k):
        self.pad, self.k = pad, k

    @property
    def tooltip(self) -> str:
        return _w("cell", row=self.k // SIDE, column=self.k % SIDE)

    def click(self):
        self.pad.toggle(self.k)

    @property
    def style(self):
        painted = self.pad.pixels.value[self.k] == "1"
        return SimpleNamespace(button_color=INK if painted else PAPER)


class DigitPad(FigureWidget):
    """A 20x20 drawing pad plus the model's probabilities for what is drawn."""

    def __init__(self, predict_proba, examples=None):
        if not callable(predict_proba):
            raise TypeError("predict_proba must map an (m, 400) array to (m, 10) probabilities")
        self.predict_proba = predict_proba
        self.pixels = DrawingCanvas(rows=SIDE, columns=SIDE, cell_px=CELL_PX)
        self.examples = None if examples is None else as_float_array(examples, "examples", ndim=2)
        self._figure, self._demo = None, None
        super().__init__(self._draw, {"pixels": self.pixels}, title=_w("title"))
        self.cells = tuple(Cell(self, k) for k in range(SIDE * SIDE))

    def _draw(self, pixels):
        """The figure for ``pixels``: built on the first call, then updated in place."""
        x, probs = _predict(self.predict_proba, pixels)
        if self._figure is None:
            self._figure = _prediction_figure()
        return _show(self._figure, x, probs), _message(pixels, probs)

    def toggle(self, k):
        """Paint cell ``k`` (row-major) with ink, or erase it if it is painted."""
        value = self.pixels.value
        self.pixels.value = value[:k] + ("0" if value[k] == "1" else "1") + value[k + 1 :]

    def undo(self, _=None):
        """Take back the last stroke (or clear, or loaded example)."""
        self.pixels.undo()

    def clear(self, _=None):
        """Erase the pad."""
        self.pixels.clear()

    def load(self, index):
        """Put example ``index`` (from ``examples``) on the pad."""
        if self.examples is None:
            raise ValueError("no examples were given to draw_digit")
        self.pixels.value = as_pixels(self.examples[index])

    def demo_pixels(self) -> str:
        """What the still figure of a blank pad shows: the first example, else a seven."""
        if self.examples is not None and len(self.examples):
            return as_pixels(self.examples[0])
        return DEMO_SEVEN

    def still(self) -> dict:
        """The still figure; a blank pad's shows :meth:`demo_pixels`, so it is never empty."""
        if self.pixels.value != BLANK or self.demo_pixels() == BLANK:
            return super().still()
        if self._demo is None:
            demo = self.demo_pixels()
            x, probs = _predict(self.predict_proba, demo)
            self._demo = figure_png(_show(_prediction_figure(), x, probs)), _message(demo, probs)
        png, message = self._demo
        return {
            "text/html": f'<img src="data:image/png;base64,{png}"/><p>{message}</p>',
            "image/png": png,
            "text/plain": message,
        }

    @property
    def box(self):
        if getattr(self, "_box", None) is None:
            tools = [clear_button(self.pixels)]
            if self.examples is not None:
                pick = widgets.BoundedIntText(
                    value=0, min=0, max=len(self.examples) - 1, description=_w("example")
                )
                load = widgets.Button(description=_w("load_example"))
                load.on_click(lambda _: self.load(pick.value))
                tools += [pick, load]
            drawing = widgets.VBox(
                [
                    self.pixels,
                    widgets.HBox([undo_button(self.pixels), eraser_button(self.pixels)]),
                    hint(self.pixels),
                ]
            )
            shown = widgets.VBox([self.output, self.status])
            self._box = widgets.VBox(
                [
                    widgets.HTML(f"<b>{_w('title')}</b>"),
                    widgets.HBox(tools),
                    widgets.HBox([drawing, shown]),
                ]
            )
        return self._box


def draw_digit(predict_proba, examples=None) -> DigitPad:
    """A pad to draw a digit on, with the model's live probabilities.

    Press and drag on the pad to paint cells with ink (pixel value 1, drawn black); the eraser
    paints them back to paper (0, white); *Undo* takes back the last stroke.
    ``predict_proba(X)`` maps an (m, 400) array to (m, 10) probabilities, e.g.
    ``lambda X: tf.nn.softmax(model(X)).numpy()``.  ``examples`` (optional, rows
    of 400 pixels) can be loaded onto the pad to start from a real digit.
    """
    return DigitPad(predict_proba, examples)


def confident_mistakes(y_true, probs, n=10) -> np.ndarray:
    """Indices of the ``n`` wrong predictions the model was most sure about, most sure first."""
    probs = as_float_array(probs, "probs", ndim=2)
    y_true = np.asarray(y_true)
    if y_true.shape != (probs.shape[0],):
        raise ValueError(f"y_true must have shape ({probs.shape[0]},), got {y_true.shape}")
    predicted = probs.argmax(axis=1)
    wrong = np.flatnonzero(predicted != y_true)
    return wrong[np.argsort(-probs[wrong, predicted[wrong]], kind="stable")][:n]
