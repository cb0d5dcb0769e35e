"""End to end: the drawing pad in a real JupyterLab and chromium, drawn on with the mouse.

A small notebook shows :func:`draw_digit` with a fixed ``predict_proba``; the test presses, drags
fast across the canvas and releases, as a student draws, then asks the kernel what it received:
one stroke must arrive as one change of the pad's value (one redraw of the figure), painting a
connected line of cells with no gaps; *Undo* must take the stroke back.  The canvas itself must
show ink black on white paper.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from tests.browser.notebook_page import (
    HELPERS,
    REDRAW_TIMEOUT,
    run_all_cells,
    save_screenshot,
    state,
    wait_until,
)
from utils.i18n import msg

pytestmark = [pytest.mark.browser, pytest.mark.heavy(minutes=2)]

FOLDER = "drawing_pad_test"  # inside the lab's root (a temporary copy)
CANVAS = ".jp-OutputArea-output canvas.course-drawing-pad"
SIDE = 20
SETUP = """\
import json

import numpy as np

from utils.lessons.assignment_digits.widgets import draw_digit


def predict_proba(X):  # a fixed model: a 7, 91 % sure, whatever is drawn
    p = np.full((len(X), 10), 0.01)
    p[:, 7] = 0.91
    return p


pad = draw_digit(predict_proba)
pad"""
REPORT = 'print(json.dumps({"value": pad.pixels.value, "redraws": pad.redraws}))'


WITH_EXAMPLES = """\
import numpy as np

from utils.data import load_digits
from utils.lessons.assignment_digits.widgets import draw_digit

X, _ = load_digits()
W = np.random.default_rng(0).normal(size=(400, 10))


def predict_proba(X):  # a fixed random model: its answers change with what is drawn
    z = X @ W
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


draw_digit(predict_proba, examples=X[:5])"""


def write_notebook(lab, name, *sources) -> str:
    """A notebook of code cells inside the lab's root; its server-relative path."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = f"{FOLDER}/{name}.ipynb"
    (lab.root / FOLDER).mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(lab.root / path))
    return path


def open_and_run(page, lab, path):
    """Open the notebook in a fresh workspace and Run All, as a student would."""
    page.add_init_script(HELPERS)
    page.goto(lab.notebook_url(path))
    page.locator(".jp-NotebookPanel").first.wait_for(timeout=120_000)
    wait_until(lambda: (state(page, path) or {}).get("kernel") == "idle", 120, "the kernel")
    run_all_cells(page, path, timeout=300)


def report(page, path) -> dict:
    """The kernel's view of the pad, as the report cell last printed it."""
    text = page.evaluate(
        """path => {
          const cell = [...window.__course.panel(path).content.model.cells][1];
          return cell.outputs.toJSON().map(o => [].concat(o.text || '').join('')).join('');
        }""",
        path,
    )
    return json.loads(text) if text.strip() else {}


def rerun_report(page, path, until, what) -> dict:
    """Run the report cell again (click it, Shift+Enter) until its report satisfies ``until``."""
    cell = page.locator(".jp-NotebookPanel:visible .jp-CodeCell").nth(1)

    def fresh():
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        wait_until(lambda: state(page, path)["kernel"] == "idle", 60, "the report cell to run")
        page.wait_for_timeout(300)
        found = report(page, path)
        return found if until(found) else None

    return wait_until(fresh, REDRAW_TIMEOUT, what, interval=1.0)


def painted(value: str) -> set[tuple[int, int]]:
    return {divmod(k, SIDE) for k, c in enumerate(value) if c == "1"}


def connected(cells: set[tuple[int, int]]) -> bool:
    """One piece, neighbours touching by a side or a corner (a drawn line has no gaps)."""
    if not cells:
        return False
    seen, todo = set(), [next(iter(cells))]
    while todo:
        r, c = todo.pop()
        if (r, c) in seen:
            continue
        seen.add((r, c))
        todo += [
            (r + dr, c + dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (r + dr, c + dc) in cells
        ]
    return seen == cells


def canvas_colour(canvas, row, column) -> list[int]:
    """The RGB colour the canvas shows at the middle of a cell."""
    return canvas.evaluate(
        """(canvas, [row, column]) => {
          const w = canvas.width / 20, h = canvas.height / 20;
          const pixel = canvas.getContext('2d').getImageData(
            Math.floor((column + 0.5) * w), Math.floor((row + 0.5) * h), 1, 1).data;
          return [pixel[0], pixel[1], pixel[2]];
        }""",
        [row, column],
    )


def test_a_stroke_drawn_with_the_mouse_is_one_change_and_undo_takes_it_back(page, lab, screenshots):
    path = write_notebook(lab, "stroke", SETUP, REPORT)
    try:
        open_and_run(page, lab, path)
        assert report(page, path) == {"value": "0" * 400, "redraws": 1}
        canvas = page.locator(CANVAS).first
        canvas.wait_for(state="visible", timeout=60_000)
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        assert 270 <= box["width"] <= 290 and 270 <= box["height"] <= 290, box  # ~14 px a cell
        assert canvas_colour(canvas, 9, 9) == [255, 255, 255]  # paper

        def at(row, column):
            cell = box["width"] / SIDE
            return box["x"] + (column + 0.5) * cell, box["y"] + (row + 0.5) * cell

        # One fast diagonal stroke: three pointer moves across eleven rows, so the cells in
        # between come from the pad's interpolation, not from pointer events.
        page.mouse.move(*at(4, 5))
        page.mouse.down()
        page.mouse.move(*at(8, 8), steps=1)
        page.mouse.move(*at(12, 11), steps=1)
        page.mouse.move(*at(15, 14), steps=1)
        page.mouse.up()
        assert canvas_colour(canvas, 4, 5) == [0, 0, 0]  # ink, black
        assert canvas_colour(canvas, 15, 14) == [0, 0, 0]
        drawn = rerun_report(
            page, path, lambda r: r.get("redraws", 0) > 1, "the stroke to reach the kernel"
        )
        cells = painted(drawn["value"])
        assert drawn["redraws"] == 2, "one stroke must be one change: one redraw"
        assert {(4, 5), (15, 14)} <= cells and len(cells) >= 12, sorted(cells)
        assert connected(cells), f"the stroke has gaps: {sorted(cells)}"
        assert all(abs(r - 4 - (c - 5) * 11 / 9) <= 2 for r, c in cells), sorted(cells)
        status = page.locator(".jp-OutputArea-output .widget-html-content", has_text="reads a")
        wait_until(lambda: status.count(), 30, "the prediction message")
        screenshot = screenshots / "drawing_pad-stroke.png"
        page.screenshot(path=str(screenshot))

        page.locator(".jp-OutputArea-output button", has_text="Undo").click()
        undone = rerun_report(
            page, path, lambda r: r.get("redraws", 0) > 2, "undo to reach the kernel"
        )
        assert undone == {"value": "0" * 400, "redraws": 3}
        wait_until(lambda: canvas_colour(canvas, 4, 5) == [255, 255, 255], 30, "the ink to go")
        assert not page.js_errors, f"uncaught JavaScript errors: {page.js_errors}"
    except Exception:
        page.screenshot(path=str(screenshots / "drawing_pad-FAILED.png"))
        raise


DIGIT_PAD = ".jp-OutputArea-output > .widget-vbox:has(canvas.course-drawing-pad)"
BLANK_MESSAGE = msg("assignment_digits.widget.blank", lang="en")  # what a blank pad says


def exercise_digit_pad(page, screenshots) -> list[str]:
    """Draw a stroke on the draw-a-digit pad with the mouse; the prediction and figure must
    follow. Then Clear, Undo (the stroke comes back), the eraser and Load example.  Works on any
    pad :func:`draw_digit` shows with examples (tests/browser/test_lab.py uses it on the
    assignment's)."""
    pad = page.locator(DIGIT_PAD).first
    pad.scroll_into_view_if_needed()
    canvas = pad.locator("canvas.course-drawing-pad")
    box = canvas.bounding_box()

    def at(row, column):
        return (
            box["x"] + (column + 0.5) * box["width"] / 20,
            box["y"] + (row + 0.5) * box["height"] / 20,
        )

    def inked() -> int:  # cells the canvas shows in ink (black), as the figures draw a pixel of 1
        return canvas.evaluate(
            """c => {
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              const w = c.width / 20, h = c.height / 20;
              let n = 0;
              for (let k = 0; k < 400; k++) {
                const x = Math.floor((k % 20 + 0.5) * w);
                const y = Math.floor((Math.floor(k / 20) + 0.5) * h);
                const i = 4 * (y * c.width + x);
                if (d[i] === 0 && d[i + 1] === 0 && d[i + 2] === 0) n++;
              }
              return n;
            }"""
        )

    result = pad.locator(".widget-vbox:has(> .widget-output)")
    status = result.locator(":scope > .widget-html .widget-html-content")
    image = result.locator(":scope > .widget-output img")
    assert BLANK_MESSAGE in status.text_content() and inked() == 0

    def redrawn(before, what):
        wait_until(lambda: image.get_attribute("src") != before, REDRAW_TIMEOUT, what)

    before = image.get_attribute("src")
    page.mouse.move(*at(4, 10))  # a vertical stroke, as a one is written
    page.mouse.down()
    page.mouse.move(*at(15, 10), steps=3)
    page.mouse.up()
    redrawn(before, "the pad to redraw after a stroke")
    assert inked() == 12
    text = wait_until(
        lambda: "The model reads a" in (t := status.text_content()) and t,
        30,
        "the prediction message",
    )
    assert re.search(r"reads a \d \(\d+% sure\)", text), text
    save_screenshot(page, screenshots, "assignment_digits-drawn", focus=pad)
    before = image.get_attribute("src")
    pad.locator("button", has_text="Clear").click()
    wait_until(
        lambda: BLANK_MESSAGE in status.text_content() and image.get_attribute("src") != before,
        REDRAW_TIMEOUT,
        "the pad to clear",
    )
    wait_until(lambda: not inked(), REDRAW_TIMEOUT, "the canvas to be blank")
    before = image.get_attribute("src")
    pad.locator("button", has_text="Undo").click()
    redrawn(before, "undo to bring the stroke back")
    wait_until(lambda: inked() == 12, REDRAW_TIMEOUT, "the stroke to come back")
    eraser = pad.locator("button", has_text="Eraser")
    eraser.click()  # the eraser: a stroke across the one, along row 9, takes one cell off
    page.mouse.move(*at(9, 6))
    page.mouse.down()
    page.mouse.move(*at(9, 14), steps=2)
    page.mouse.up()
    wait_until(lambda: inked() == 11, REDRAW_TIMEOUT, "the eraser to take a cell off")
    eraser.click()
    before = image.get_attribute("src")
    pad.locator("button", has_text="Load example").click()
    redrawn(before, "an example digit to load")
    assert "The model reads a" in status.text_content()
    wait_until(lambda: inked() > 10, REDRAW_TIMEOUT, "the example's cells to be inked")
    return ["stroke", "clear", "undo", "eraser", "load example"]


def test_clear_undo_the_eraser_and_an_example_on_the_pad(page, lab, screenshots):
    path = write_notebook(lab, "examples", WITH_EXAMPLES)
    try:
        open_and_run(page, lab, path)
        exercise_digit_pad(page, screenshots)
        assert not page.js_errors, f"uncaught JavaScript errors: {page.js_errors}"
    except Exception:
        page.screenshot(path=str(screenshots / "drawing_pad-examples-FAILED.png"))
        raise
