"""Widgets and helpers for the digits assignment: a pad to draw a digit, and error analysis.

:func:`draw_digit` shows a 20x20 grid of toggle buttons.  Paint a digit by
clicking cells; the model's probabilities for the ten digits update at once.
The pad's state is one string control (400 characters of ``0``/``1``), so a
test can "draw" by setting it: ``pad.set(pixels=...)``.  Pad and figure follow the course's
pixel convention (:data:`utils.plotting.INK`): a painted cell is ink, value 1, drawn black on
white, as every digit figure draws the data.
Every word they show comes from the message catalogue (:mod:`utils.i18n`, keys
``assignment_digits.widget.*``); text drawn in a figure uses :func:`utils.style.figure_language`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from utils.i18n import msg
from utils.plotting import DIGIT_CMAP, INK, PAPER
from utils.style import COLORS, course_style, figure_language, new_figure
from utils.ui.figure_widget import FigureWidget
from utils.validation import as_float_array

SIDE = 20
BLANK = "0" * SIDE * SIDE


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


@course_style()
def _draw_prediction(predict_proba, pixels):
    x = stroke_image(pixels)
    probs = np.asarray(predict_proba(x[None, :]), dtype=float).reshape(-1)
    fig = new_figure(figsize=(8, 3.2))
    ax_img, ax_bar = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2]})
    ax_img.imshow(x.reshape(SIDE, SIDE), cmap=DIGIT_CMAP, vmin=0, vmax=1)
    ax_img.set_title(_fig("model_sees"))
    ax_img.set_axis_off()
    guess = int(probs.argmax())
    colors = [COLORS["orange"] if k == guess else COLORS["blue"] for k in range(10)]
    ax_bar.bar(range(10), probs, color=colors)
    ax_bar.set_xticks(range(10))
    ax_bar.set_ylim(0, 1)
    ax_bar.set_xlabel(_fig("digit"))
    ax_bar.set_ylabel(_fig("probability"))
    ax_bar.grid(False, axis="x")
    if pixels == BLANK:
        return fig, _w("blank")
    return fig, _w("reads", guess=guess, sure=probs[guess])


class DigitPad(FigureWidget):
    """A 20x20 drawing pad plus the model's probabilities for what is drawn."""

    def __init__(self, predict_proba, examples=None):
        if not callable(predict_proba):
            raise TypeError("predict_proba must map an (m, 400) array to (m, 10) probabilities")
        self.pixels = widgets.Text(value=BLANK, layout=widgets.Layout(display="none"))
        self.examples = None if examples is None else as_float_array(examples, "examples", ndim=2)
        super().__init__(
            lambda pixels: _draw_prediction(predict_proba, pixels),
            {"pixels": self.pixels},
            title=_w("title"),
        )
        self.cells = [
            widgets.Button(
                description="",
                layout=widgets.Layout(
                    width="18px", height="18px", padding="0", border=f"1px solid {COLORS['grey']}"
                ),
                style={"button_color": PAPER},
                tooltip=_w("cell", row=k // SIDE, column=k % SIDE),
            )
            for k in range(SIDE * SIDE)
        ]
        for k, cell in enumerate(self.cells):
            cell.on_click(lambda _, k=k: self.toggle(k))
        self.pixels.observe(self._sync_cells, names="value")

    def toggle(self, k):
        """Paint cell ``k`` (row-major) with ink, or erase it if it is painted."""
        value = self.pixels.value
        self.pixels.value = value[:k] + ("0" if value[k] == "1" else "1") + value[k + 1 :]

    def _sync_cells(self, change):
        for cell, c in zip(self.cells, change["new"]):
            cell.style.button_color = INK if c == "1" else PAPER  # ink black on white paper

    def clear(self, _=None):
        """Erase the pad."""
        self.pixels.value = BLANK

    def load(self, index):
        """Put example ``index`` (from ``examples``) on the pad."""
        if self.examples is None:
            raise ValueError("no examples were given to draw_digit")
        self.pixels.value = as_pixels(self.examples[index])

    @property
    def box(self):
        if getattr(self, "_box", None) is None:
            grid = widgets.GridBox(
                self.cells,
                layout=widgets.Layout(
                    grid_template_columns=f"repeat({SIDE}, 18px)", grid_gap="1px"
                ),
            )
            clear = widgets.Button(description=_w("clear"))
            clear.on_click(self.clear)
            tools = [clear]
            if self.examples is not None:
                pick = widgets.BoundedIntText(
                    value=0, min=0, max=len(self.examples) - 1, description=_w("example")
                )
                load = widgets.Button(description=_w("load_example"))
                load.on_click(lambda _: self.load(pick.value))
                tools += [pick, load]
            shown = widgets.VBox([self.output, self.status])
            self._box = widgets.VBox(
                [
                    widgets.HTML(f"<b>{_w('title')}</b>"),
                    widgets.HBox(tools),
                    widgets.HBox([grid, shown]),
                ]
            )
        return self._box


def draw_digit(predict_proba, examples=None) -> DigitPad:
    """A pad to draw a digit on, with the model's live probabilities.

    Clicking a cell paints it with ink (pixel value 1, drawn black) or erases it (0, white).
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
