"""The drawing pad (utils/ui/drawing_pad.py), Python side: its value as a figure's control, the
undo history, clear, refused values, its buttons in both languages, and the digit pad built on
it (utils/lessons/assignment_digits/widgets.py): one redraw per stroke, a still figure that is
never empty.  Pressing and dragging in a real browser: tests/browser/test_drawing_pad.py."""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path

import numpy as np
import pytest
import traitlets

from utils.i18n import LANG_ENV, msg
from utils.ui import FigureWidget
from utils.ui.drawing_pad import DrawingCanvas, clear_button, eraser_button, hint, undo_button

BLANK = "0" * 400


def stroke(*cells, side=20, base=BLANK) -> str:
    """``base`` with ``cells`` (row, column) painted."""
    value = list(base)
    for row, column in cells:
        value[row * side + column] = "1"
    return "".join(value)


@pytest.fixture
def english(monkeypatch, tmp_path):
    monkeypatch.delenv(LANG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)  # not under notebooks/zh


def test_the_canvas_starts_blank_and_its_value_drives_a_figure_widget():
    from utils.style import new_figure

    canvas = DrawingCanvas()
    assert (canvas.rows, canvas.columns, canvas.value) == (20, 20, BLANK)

    def draw(cells):
        fig = new_figure(figsize=(2, 2))
        fig.add_subplot().plot([0, 1], [0, cells.count("1")])
        return fig, f"{cells.count('1')} painted"

    widget = FigureWidget(draw, {"cells": canvas})
    one = stroke((3, 4), (3, 5), (4, 6))
    widget.set(cells=one)  # the way a test draws
    assert (widget.redraws, widget.message) == (2, "3 painted")
    canvas.value = stroke((5, 5), base=one)  # the way the front end commits a stroke
    assert (widget.redraws, widget.message) == (3, "4 painted")


def test_undo_takes_back_one_change_at_a_time_and_clear_is_a_change():
    canvas = DrawingCanvas()
    first = stroke((1, 1), (1, 2))
    second = stroke((9, 9), base=first)
    canvas.value = first
    canvas.value = second
    canvas.clear()
    assert canvas.value == BLANK and canvas.history == [BLANK, first, second]
    assert canvas.undo() and canvas.value == second
    assert canvas.undo() and canvas.value == first
    assert canvas.undo() and canvas.value == BLANK
    assert not canvas.undo() and canvas.value == BLANK  # nothing left to take back
    canvas.clear()  # already blank: no change, nothing to undo
    assert canvas.history == []


def test_the_history_is_bounded():
    canvas = DrawingCanvas(history=3)
    for column in range(6):
        canvas.value = stroke((0, column), base=canvas.value)
    assert len(canvas.history) == 3
    while canvas.undo():
        pass
    assert canvas.value == stroke((0, 0), (0, 1), (0, 2))


@pytest.mark.parametrize(
    ("bad", "detail"),
    [
        ("0" * 399, "got 399 characters"),
        ("0" * 401, "got 401 characters"),
        ("2" + "0" * 399, "including ['2']"),
        ("x" * 400, "including ['x']"),
    ],
)
def test_a_value_that_is_not_one_0_or_1_per_cell_is_refused(bad, detail):
    canvas = DrawingCanvas()
    canvas.value = stroke((2, 2))
    with pytest.raises(traitlets.TraitError, match="400 characters '0' \\(paper\\) or '1'") as e:
        canvas.value = bad
    assert detail in str(e.value) and "20x20 grid" in str(e.value)
    assert canvas.value == stroke((2, 2)) and canvas.history == [BLANK]  # nothing changed


def test_a_canvas_of_another_shape():
    canvas = DrawingCanvas(rows=3, columns=5, cell_px=10)
    assert canvas.value == "0" * 15
    canvas.value = "1" * 15
    with pytest.raises(traitlets.TraitError, match="15 characters"):
        canvas.value = "1" * 400
    with pytest.raises(ValueError, match="positive integers"):
        DrawingCanvas(rows=0)


def test_the_buttons_undo_clear_and_erase(english):
    canvas = DrawingCanvas()
    undo, clear, eraser = undo_button(canvas), clear_button(canvas), eraser_button(canvas)
    assert (undo.description, clear.description, eraser.description) == (
        "Undo",
        "Clear",
        "Eraser",
    )
    assert undo.disabled  # nothing to take back yet
    canvas.value = stroke((4, 4))
    assert not undo.disabled
    clear.click()
    assert canvas.value == BLANK
    undo.click()
    assert canvas.value == stroke((4, 4))
    undo.click()
    assert canvas.value == BLANK and undo.disabled
    eraser.value = True  # strokes now paint paper: the front end reads `erase`
    assert canvas.erase
    canvas.erase = False
    assert not eraser.value


def test_the_pad_speaks_chinese(monkeypatch):
    monkeypatch.setenv(LANG_ENV, "zh")
    canvas = DrawingCanvas()
    assert canvas.label == "画板：按住并拖动来涂格子"
    assert [b.description for b in (undo_button(canvas), clear_button(canvas))] == ["撤销", "清除"]
    assert eraser_button(canvas).description == "橡皮擦"
    assert "在画板上按住并拖动来画。" in hint(canvas).value


def test_the_front_end_ships_with_the_environment():
    """anywidget's JupyterLab extension comes in its wheel: without it the pad cannot show."""
    extension = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "anywidget"
    assert (extension / "package.json").is_file()
    esm = DrawingCanvas._esm
    for event in ("pointerdown", "pointermove", "pointerup", "setPointerCapture", "save_changes"):
        assert event in esm, event


# --- the digit pad built on it ------------------------------------------------------------


def uniform(X):
    return np.full((len(X), 10), 0.1)


def reads_seven(X):
    """A fixed model: probability 0.9 for 7 whenever anything is drawn."""
    p = np.full((len(X), 10), 0.01)
    p[:, 7] = 0.91
    return p


def test_one_stroke_is_one_redraw_and_undo_takes_it_back(english):
    from utils.lessons.assignment_digits.widgets import draw_digit

    pad = draw_digit(reads_seven)
    assert pad.redraws == 1 and pad.message == msg("assignment_digits.widget.blank")
    line = stroke(*[(row, 10) for row in range(4, 16)])
    pad.pixels.value = line  # one stroke of twelve cells, as the front end commits it
    assert pad.redraws == 2 and pad.message == "The model reads a <b>7</b> (91% sure)."
    assert [c.style.button_color for c in pad.cells].count("#000000") == 12
    pad.undo()
    assert pad.redraws == 3 and pad.pixels.value == BLANK
    assert pad.set(pixels=line) is pad.figure  # the figure is updated in place
    (image,) = pad.figure.axes[0].images
    assert image.get_array()[10, 10] == 1.0 and image.get_array()[10, 3] == 0.0
    heights = [bar.get_height() for bar in pad.figure.axes[1].patches]
    assert heights == pytest.approx(reads_seven(np.zeros((1, 400)))[0])


def test_the_pads_layout_holds_the_canvas_and_its_buttons(english):
    import ipywidgets as widgets

    from utils.lessons.assignment_digits.widgets import draw_digit

    pad = draw_digit(uniform, examples=np.zeros((2, 400)))
    _, tools, main = pad.box.children
    drawing, shown = main.children
    assert drawing.children[0] is pad.pixels and isinstance(pad.pixels, DrawingCanvas)
    assert [b.description for b in drawing.children[1].children] == ["Undo", "Eraser"]
    assert "Press and drag on the pad to draw." in drawing.children[2].value
    assert shown.children == (pad.output, pad.status)
    assert isinstance(tools.children[0], widgets.Button)
    tools.children[0].click()  # Clear
    assert pad.pixels.value == BLANK
    assert pad.pixels.cell_px * pad.pixels.columns == 280


def png_pixels(png: str) -> np.ndarray:
    from matplotlib import image

    return image.imread(io.BytesIO(base64.b64decode(png)), format="png")


def dark_pixels(png: str) -> int:
    rgb = png_pixels(png)[..., :3]
    return int((rgb.max(axis=-1) < 0.2).sum())


def test_a_blank_pads_still_shows_its_first_example(english):
    """What a page without widgets shows: the first example on the pad, as loading it would."""
    from utils.data import load_digits
    from utils.lessons.assignment_digits.widgets import draw_digit

    X, _ = load_digits()
    pad = draw_digit(reads_seven, examples=X[:3])
    assert pad.pixels.value == BLANK  # the live pad starts blank, to draw on
    still = pad.still()
    blank = FigureWidget.still(pad)  # what the still would be without the example
    assert dark_pixels(still["image/png"]) > dark_pixels(blank["image/png"]) + 100
    assert still["text/plain"] == "The model reads a <b>7</b> (91% sure)."
    pad.load(0)
    # the same picture as the loaded pad's (constrained layout may move it by a pixel or two)
    loaded = dark_pixels(pad.still()["image/png"])
    assert loaded == pytest.approx(dark_pixels(still["image/png"]), rel=0.03)
    assert pad.message == still["text/plain"]


def test_without_examples_the_still_shows_a_seven(english, monkeypatch):
    from utils.lessons.assignment_digits.widgets import DEMO_SEVEN, draw_digit

    monkeypatch.setenv("COURSE_STATIC_FIGURES", "1")  # no front end: only the still
    pad = draw_digit(reads_seven)
    bundle = pad._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert dark_pixels(bundle["image/png"]) > 1000
    assert bundle["text/plain"] == "The model reads a <b>7</b> (91% sure)."
    rows = np.array([list(DEMO_SEVEN[r * 20 : (r + 1) * 20]) for r in range(20)]) == "1"
    assert rows[4, 5:15].all() and rows.sum() == 22  # the bar of the seven, and its stem
    pad.set(pixels=stroke((0, 0)))  # once something is drawn, the still is the drawing
    assert pad.still()["text/plain"] == pad.message


def test_a_pad_whose_first_example_is_blank_shows_the_blank_pad(english):
    from utils.lessons.assignment_digits.widgets import draw_digit

    pad = draw_digit(uniform, examples=np.zeros((1, 400)))
    assert pad.still()["text/plain"] == msg("assignment_digits.widget.blank")
