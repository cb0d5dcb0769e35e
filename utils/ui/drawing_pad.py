"""A drawing pad that feels like drawing: press, drag, release; one stroke is one change.

:class:`DrawingCanvas` is a grid of cells (20x20 by default) drawn on an HTML canvas.  Press
and drag paints every cell along the stroke (the front end fills in the cells between two
pointer events, so a fast stroke has no gaps; mouse, pen and touch all arrive as pointer
events).  While the stroke goes on, only the canvas changes; on release the whole stroke is
committed at once to the synced ``value``: a string with one character per cell, row by row,
``"1"`` for ink and ``"0"`` for paper.  So one stroke is one change of ``value``, and a
figure that follows the pad redraws once per stroke, not once per cell.

``value`` is an ordinary ipywidgets value, so the canvas is a control of a
:class:`~utils.ui.figure_widget.FigureWidget` like any slider, and a test draws by setting it.
Ink is drawn in :data:`utils.plotting.INK` (black) on :data:`utils.plotting.PAPER` (white), as
every digit figure of the course draws a pixel of 1 and of 0.

Python keeps the history: every change of ``value`` (a stroke, a loaded image, a clear) pushes
the previous value, and :meth:`DrawingCanvas.undo` goes back one change.  The buttons
(:func:`undo_button`, :func:`clear_button`, :func:`eraser_button`) and the :func:`hint` speak
the catalogue
(``drawing_pad.*`` in ``utils/i18n/messages/<language>/drawing_pad.toml``).

The front end is an `anywidget <https://anywidget.dev>`_ module written inline below, so there
is no file to package and no build step; the anywidget wheel brings JupyterLab's extension.
"""

from __future__ import annotations

import anywidget
import ipywidgets as widgets
import traitlets

from utils.i18n import msg
from utils.plotting import INK, PAPER

__all__ = ["DrawingCanvas", "clear_button", "eraser_button", "hint", "undo_button"]

HISTORY = 100  # changes that undo can take back
GRID_LINES = "#dddddd"

_ESM = r"""
function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.className = "course-drawing-pad";
  canvas.setAttribute("role", "img");
  el.appendChild(canvas);
  const ctx = canvas.getContext("2d");
  let cells = [...model.get("value")];
  let stroke = null; // the stroke under way: pointer id, ink or paper, last position

  const rows = () => model.get("rows");
  const columns = () => model.get("columns");

  function draw() {
    const w = canvas.width / columns(), h = canvas.height / rows();
    ctx.fillStyle = model.get("paper");
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = model.get("ink");
    cells.forEach((c, k) => {
      if (c === "1") {
        const x = Math.floor((k % columns()) * w), y = Math.floor(Math.floor(k / columns()) * h);
        ctx.fillRect(x, y, Math.ceil(w) + 1, Math.ceil(h) + 1);
      }
    });
    ctx.strokeStyle = model.get("grid");
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let c = 1; c < columns(); c++) {
      const x = Math.round(c * w) + 0.5;
      ctx.moveTo(x, 0);
      ctx.lineTo(x, canvas.height);
    }
    for (let r = 1; r < rows(); r++) {
      const y = Math.round(r * h) + 0.5;
      ctx.moveTo(0, y);
      ctx.lineTo(canvas.width, y);
    }
    ctx.stroke();
  }

  function layout() {
    const px = model.get("cell_px"), ratio = window.devicePixelRatio || 1;
    canvas.style.width = `${columns() * px}px`;
    canvas.style.height = `${rows() * px}px`;
    canvas.width = Math.round(columns() * px * ratio);
    canvas.height = Math.round(rows() * px * ratio);
    canvas.setAttribute("aria-label", model.get("label"));
    canvas.style.cursor = model.get("erase") ? "cell" : "crosshair";
    draw();
  }

  // Where a pointer is, in cells (fractional: row 2.5 is the middle of the third row).
  function position(event) {
    const box = canvas.getBoundingClientRect();
    return [
      ((event.clientY - box.top) / box.height) * rows(),
      ((event.clientX - box.left) / box.width) * columns(),
    ];
  }

  function paint([row, column]) {
    const r = Math.floor(row), c = Math.floor(column);
    if (r < 0 || c < 0 || r >= rows() || c >= columns()) return;
    cells[r * columns() + c] = stroke.ink;
  }

  // Every cell the segment from `a` to `b` passes through (sampled every quarter cell).
  function paintSegment(a, b) {
    const far = Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]));
    const steps = Math.max(1, Math.ceil(4 * far));
    for (let i = 1; i <= steps; i++) {
      const t = i / steps;
      paint([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
    }
  }

  function down(event) {
    if (stroke || event.button !== 0) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    stroke = { id: event.pointerId, ink: model.get("erase") ? "0" : "1", at: position(event) };
    paint(stroke.at);
    draw();
  }

  function move(event) {
    if (!stroke || event.pointerId !== stroke.id) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    for (const e of events.length ? events : [event]) {
      const at = position(e);
      paintSegment(stroke.at, at);
      stroke.at = at;
    }
    draw();
  }

  // Release: the whole stroke becomes one change of `value`.
  function up(event) {
    if (!stroke || event.pointerId !== stroke.id) return;
    stroke = null;
    if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
    const value = cells.join("");
    if (value !== model.get("value")) {
      model.set("value", value);
      model.save_changes();
    }
  }

  function changed() {
    if (stroke) return; // the stroke under way is committed on release
    cells = [...model.get("value")];
    draw();
  }

  canvas.addEventListener("pointerdown", down);
  canvas.addEventListener("pointermove", move);
  canvas.addEventListener("pointerup", up);
  canvas.addEventListener("pointercancel", up);
  canvas.addEventListener("lostpointercapture", up);
  canvas.addEventListener("contextmenu", (event) => event.preventDefault());
  const looks = ["rows", "columns", "cell_px", "ink", "paper", "grid", "label", "erase"];
  model.on("change:value", changed);
  for (const name of looks) model.on(`change:${name}`, layout);
  layout();
  return () => {
    model.off("change:value", changed);
    for (const name of looks) model.off(`change:${name}`, layout);
  };
}

export default { render };
"""

_CSS = """
.course-drawing-pad {
  display: block;
  touch-action: none;
  user-select: none;
  border: 1px solid #999999;
}
"""


class DrawingCanvas(anywidget.AnyWidget, widgets.ValueWidget):
    """A ``rows`` x ``columns`` grid to paint by pressing and dragging; ``value`` is the drawing.

    ``value`` holds one character per cell, row by row: ``"1"`` ink, ``"0"`` paper.  A stroke
    in the front end, :meth:`clear` and any assignment change it; :meth:`undo` takes back the
    last change (up to ``history`` of them).  ``erase`` makes strokes paint paper instead of
    ink.  ``cell_px`` is the size of one cell on the page, in CSS pixels.
    """

    _esm = _ESM
    _css = _CSS

    value = traitlets.Unicode(help="one '0' (paper) or '1' (ink) per cell, row by row").tag(
        sync=True
    )
    rows = traitlets.Int(20, read_only=True).tag(sync=True)
    columns = traitlets.Int(20, read_only=True).tag(sync=True)
    cell_px = traitlets.Int(14).tag(sync=True)
    erase = traitlets.Bool(False, help="strokes paint paper (erase) instead of ink").tag(sync=True)
    ink = traitlets.Unicode(INK).tag(sync=True)
    paper = traitlets.Unicode(PAPER).tag(sync=True)
    grid = traitlets.Unicode(GRID_LINES).tag(sync=True)
    label = traitlets.Unicode().tag(sync=True)

    def __init__(self, *, rows=20, columns=20, cell_px=14, value=None, history=HISTORY, **kw):
        if not (isinstance(rows, int) and isinstance(columns, int) and rows > 0 and columns > 0):
            raise ValueError(f"rows and columns must be positive integers, got {rows}x{columns}")
        super().__init__(cell_px=cell_px, label=msg("drawing_pad.label"), **kw)
        self.set_trait("rows", rows)
        self.set_trait("columns", columns)
        self.value = self.blank if value is None else value
        self.history: list[str] = []
        self.max_history = history
        self._undoing = False
        self.observe(self._remember, names="value")

    @property
    def blank(self) -> str:
        """The value of an empty pad: paper everywhere."""
        return "0" * (self.rows * self.columns)

    @traitlets.validate("value")
    def _check_value(self, proposal):
        value, cells = proposal["value"], self.rows * self.columns
        if len(value) != cells or set(value) - {"0", "1"}:
            bad = sorted(set(value) - {"0", "1"})
            raise traitlets.TraitError(
                f"the pad's value must be {cells} characters '0' (paper) or '1' (ink), one per "
                f"cell of the {self.rows}x{self.columns} grid row by row; got {len(value)} "
                f"characters" + (f", including {bad[:5]}" if bad else "")
            )
        return value

    def _remember(self, change):
        if self._undoing:
            return
        self.history.append(change["old"])
        del self.history[: -self.max_history]

    def undo(self, _=None) -> bool:
        """Take back the last change (a stroke, a clear, a load); False when there is none."""
        if not self.history:
            return False
        self._undoing = True
        try:
            self.value = self.history.pop()
        finally:
            self._undoing = False
        return True

    def clear(self, _=None):
        """Paper everywhere (undo brings the drawing back)."""
        self.value = self.blank


def undo_button(canvas: DrawingCanvas) -> widgets.Button:
    """A button that takes back the canvas's last change; greyed out when there is none."""
    button = widgets.Button(description=msg("drawing_pad.undo"), icon="undo")

    def follow(_=None):
        button.disabled = not canvas.history

    button.on_click(canvas.undo)
    canvas.observe(follow, names="value")
    follow()
    return button


def clear_button(canvas: DrawingCanvas) -> widgets.Button:
    """A button that clears the canvas."""
    button = widgets.Button(description=msg("drawing_pad.clear"))
    button.on_click(canvas.clear)
    return button


def eraser_button(canvas: DrawingCanvas) -> widgets.ToggleButton:
    """A toggle: while it is down, strokes erase (paint paper) instead of painting ink."""
    toggle = widgets.ToggleButton(value=canvas.erase, description=msg("drawing_pad.eraser"))
    # Linked in the page (at once, even while the kernel is busy) and in Python (for scripts).
    widgets.jslink((toggle, "value"), (canvas, "erase"))
    widgets.link((toggle, "value"), (canvas, "erase"))
    return toggle


def hint(canvas: DrawingCanvas) -> widgets.HTML:
    """One line on how to draw, as wide as the canvas."""
    width = canvas.columns * canvas.cell_px + 2
    return widgets.HTML(
        f'<div style="line-height: 1.4; white-space: normal">{msg("drawing_pad.hint")}</div>',
        layout=widgets.Layout(width=f"{width}px"),
    )
