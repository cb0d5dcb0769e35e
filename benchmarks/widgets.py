"""Benchmark: how fast every widget of every lesson redraws when a control moves.

Runs each instructor source notebook's code cells in this process (solutions included), keeps
every :class:`~utils.ui.figure_widget.FigureWidget` a cell returns, and moves each of its
controls through its values exactly as a student would (``widget.set``), timing each redraw:
the ``draw`` call and the PNG the student sees.  The baseline, measured in the same run, is the
redraw of a widget that draws one line (the fixed cost of any figure).  Prints each widget's
median and worst redraw in milliseconds and as a multiple of the baseline, against the
course's goal (median under 150 ms, worst under 300 ms on a 2-core machine).

    .venv/bin/python -m benchmarks.widgets [lesson ...]
"""

from __future__ import annotations

import ast
import contextlib
import io
import os
import statistics
import sys
import time

import ipywidgets as widgets
import nbformat

from autograder.course import assignments
from autograder.notebooks import source_notebook

GOAL_MEDIAN, GOAL_WORST = 150.0, 300.0  # milliseconds
SLIDER_STEPS = 5  # positions tried along each slider


def widgets_of(name: str) -> list:
    """The FigureWidgets the cells of notebook ``name`` return, run top to bottom here."""
    from utils.ui.figure_widget import FigureWidget

    scope, found = {"__name__": "__main__"}, []
    with contextlib.redirect_stdout(io.StringIO()):  # the checks' messages are not the point
        _run_cells(name, scope, found, FigureWidget)
    return found


def _run_cells(name, scope, found, FigureWidget) -> None:
    for cell in nbformat.read(source_notebook(name), as_version=4).cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, name, "exec"), scope)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), name, "eval"), scope)
            if isinstance(value, FigureWidget):
                found.append(value)


def positions(control) -> list:
    """The values a student would move ``control`` through."""
    if hasattr(control, "rows") and hasattr(control, "columns"):  # the drawing pad
        return strokes(control.rows, control.columns) + [control.value]
    if isinstance(control, widgets.Checkbox):
        return [not control.value, control.value]
    options = getattr(control, "options", None)
    if options:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        return [v for v in values if v != control.value][:6] + [control.value]
    if isinstance(control, widgets.FloatLogSlider):  # min and max are exponents of its base
        exponents = along(control.min, control.max, control.step)
        return [control.base**e for e in exponents] + [control.value]
    if hasattr(control, "min") and hasattr(control, "max"):
        lo, hi, start = control.min, control.max, control.value
        if isinstance(start, tuple):  # a range slider: widen and narrow it
            return [(lo, hi), start]
        return along(lo, hi, control.step) + [start]
    return []


def along(lo: float, hi: float, step: float) -> list[float]:
    """:data:`SLIDER_STEPS` positions from ``lo`` to ``hi``, each on the slider's steps (where
    the front end puts a dragged slider)."""
    count = round((hi - lo) / step)
    return [lo + step * round(count * k / (SLIDER_STEPS - 1)) for k in range(SLIDER_STEPS)]


def strokes(rows: int, columns: int) -> list[str]:
    """A seven drawn stroke by stroke on the pad (top bar, slant, cross bar): each value is the
    pad after one more stroke, as a student's mouse sends it (the pad is at least 20 x 20)."""
    grid = [["0"] * columns for _ in range(rows)]
    lines = [[(4, c) for c in range(5, 15)], [(r, 14 - (r - 4) // 2) for r in range(4, 17)]]
    lines.append([(10, c) for c in range(7, 13)])
    drawn = []
    for line in lines:
        for r, c in line:
            grid[r][c] = "1"
        drawn.append("".join("".join(row) for row in grid))
    return drawn


def redraw_times(widget) -> list[float]:
    """Milliseconds of each redraw while every control moves through its positions."""
    times = []
    for key, control in widget.controls.items():
        for value in positions(control):
            if isinstance(control, (widgets.IntSlider, widgets.IntRangeSlider)) and not isinstance(
                value, tuple
            ):
                value = round(value)
            start = time.perf_counter()
            widget.set(**{key: value})
            times.append((time.perf_counter() - start) * 1e3)
    return times


def baseline() -> float:
    """Median milliseconds to redraw a one-line figure (the fixed cost of any figure)."""
    from utils.style import new_figure
    from utils.ui.figure_widget import FigureWidget

    def draw(slope):
        fig = new_figure(figsize=(6.5, 4))
        fig.add_subplot().plot([0, 1], [0, slope])
        return fig

    widget = FigureWidget(draw, {"slope": widgets.FloatSlider(value=1.0, min=0.0, max=2.0)})
    redraw_times(widget)  # warm: the first figures of a process load fonts and caches
    return statistics.median(redraw_times(widget))


def main(names: list[str]) -> None:
    os.environ.pop("COURSE_STATIC_FIGURES", None)
    os.environ.pop("NBGRADER_EXECUTION", None)
    base = baseline()
    print(f"{'widget':<42} {'moves':>5} {'median ms':>10} {'worst ms':>9} {'x base':>7}  goal")
    print(f"{'(one-line figure: the baseline)':<42} {'':>5} {base:10.0f} {'':>9} {1.0:7.2f}")
    slow = 0
    for name in names or assignments():
        for widget in widgets_of(name):
            times = redraw_times(widget)
            if not times:
                continue
            median, worst = statistics.median(times), max(times)
            ok = median < GOAL_MEDIAN and worst < GOAL_WORST
            slow += not ok
            label = f"{name[:2]} {widget.title or widget.draw.__name__}"[:42]
            print(
                f"{label:<42} {len(times):5d} {median:10.0f} {worst:9.0f} {median / base:7.2f}  "
                f"{'yes' if ok else 'NO'}"
            )
    print(
        f"widgets missing the goal (median < {GOAL_MEDIAN:.0f} ms, "
        f"worst < {GOAL_WORST:.0f} ms): {slow}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
