"""utils.style: one palette, one style, one kind of figure; and no module of utils changes the
process when it is imported."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
from matplotlib._pylab_helpers import Gcf
from nbclient import NotebookClient

from utils import style
from utils.autodiff import Value, draw_graph
from utils.lessons.activations import widgets as activations
from utils.lessons.adam_and_layers import widgets as adam
from utils.lessons.assignment_digits import widgets as digits
from utils.lessons.backprop import widgets as backprop
from utils.lessons.compile_and_fit import widgets as compile_fit
from utils.lessons.softmax_multiclass import widgets as softmax_lesson
from utils.style import COLORS, STYLE, CourseFigure, course_style, new_figure, png_bytes
from utils.synthetic import make_ekg

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"


def rc_snapshot():
    return {key: repr(value) for key, value in matplotlib.rcParams.items()}


def lecture_graph():
    w, x, b, y = Value(-2, "w"), Value(2, "x"), Value(8, "b"), Value(1, "y")
    J = 0.5 * (w * x + b - y) ** 2
    J.label = "J"
    J.backward()
    return J


def first(result):
    """A draw function returns a figure, or (figure, message)."""
    return result[0] if isinstance(result, tuple) else result


TIMINGS = [
    {
        "hidden": h,
        "params": p,
        "forward_passes": p + 1,
        "seconds_fd": 1e-3 * p,
        "seconds_bp": 1e-4,
        "ratio": 10.0 * p,
        "rel_error": 1e-9,
        "multiply_adds_fd": (p + 1) * 1344 * h,
        "multiply_adds_bp": 3 * 1344 * h,
        "counted_ratio": (p + 1) / 3,
    }
    for h, p in ((2, 45), (8, 177))
]
XY = np.random.default_rng(0).normal(size=(30, 2))
LABELS = (XY[:, 0] > 0).astype(int)

# Every function of the course that draws a figure (widgets through their draw function).
DRAWERS = {
    "draw_graph": lambda: draw_graph(lecture_graph()),
    "graph, step 3": lambda: draw_graph(lecture_graph(), show_grads_upto=3),
    "activation": lambda: activations.draw_activation("tanh"),
    "output match": lambda: activations.draw_output_match(),
    "activation race": lambda: activations.draw_race(epochs=3),
    "relu puzzle": lambda: activations.draw_relu_puzzle(1, -1, 2, -4),
    "fits": lambda: activations.plot_fits([0, 1, 2], [0, 1, 4], {"line": [0, 2, 4]}),
    "optimizer race": lambda: adam.race_figure(steps=20),
    "step sizes": lambda: adam.step_size_figure(steps=10),
    "conv windows": lambda: adam.conv_windows_figure(make_ekg(2, seed=0)[0][0]),
    "digit pad": lambda: digits.draw_digit(lambda X: np.full((len(X), 10), 0.1)).figure,
    "epsilon": lambda: backprop.epsilon_widget().figure,
    "backward pass": lambda: backprop.backward_pass_widget(lecture_graph(), step=2).figure,
    "timings": lambda: backprop.plot_timings(TIMINGS),
    "rate sweep": lambda: adam.sweep_figure(steps=20),
    "training curves": lambda: adam.training_curves_figure(
        {"a": {"loss": [1.0, 0.5], "val_accuracy": [0.5, 0.7]}}
    ),
    "loss": lambda: compile_fit.loss_explorer().figure,
    "batches": lambda: compile_fit.batches_explorer().figure,
    "regression fits": lambda: compile_fit.plot_regression_fits(
        [0, 1, 2],
        [0, 1, 4],
        line=lambda g: 2 * g,
        network=lambda g: g**2,
        truth=[0, 1, 4],
        history={"loss": [2.0, 1.0]},
        line_mse=1.0,
    ),
    "softmax explorer": lambda: softmax_lesson.softmax_explorer().figure,
    "two-class softmax": lambda: softmax_lesson.plot_two_class_softmax(),
    "stability lab": lambda: softmax_lesson.stability_lab(scale=100.0).figure,
    "decision regions": lambda: softmax_lesson.compare_decision_regions(
        {"by sign": lambda P: np.eye(2)[(P[:, 0] > 0).astype(int)]}, XY, LABELS
    ),
    "multi-label": lambda: (
        softmax_lesson.multilabel_explorer(
            lambda P: np.column_stack([P[:, 0] > 0, P[:, 1] > 0, (P**2).sum(1) < 1]) * 0.8 + 0.1,
            XY,
            np.column_stack([XY[:, 0] > 0, XY[:, 1] > 0, (XY**2).sum(1) < 1]).astype(int),
            resolution=20,
        ).figure
    ),
}

GRAPHS = {"draw_graph", "graph, step 3", "backward pass"}


# --------------------------------------------------------------------------------- the palette


def test_palette_is_one_set_of_hex_colours_with_roles():
    assert all(value.startswith("#") and len(value) == 7 for value in COLORS.values())
    assert COLORS["wrong"] == COLORS["vermillion"] and COLORS["right"] == COLORS["green"]
    assert style.CLASS_COLORS[0] == COLORS["blue"] and len(set(style.CLASS_COLORS)) == 10
    assert STYLE["axes.prop_cycle"].by_key()["color"] == style.CLASS_COLORS


def test_plotting_reexports_the_same_style_objects():
    from utils import plotting

    assert plotting.COLORS is COLORS and plotting.STYLE is STYLE
    assert plotting.CLASS_COLORS is style.CLASS_COLORS


def test_no_palette_hex_value_is_typed_outside_the_style_module():
    """Colours are named through utils.style, never retyped (quiz, widgets, autodiff)."""
    typed = {value.lower() for value in COLORS.values()}
    for path in sorted((ROOT / "utils").rglob("*.py")):
        if path.name == "style.py":
            continue
        strings = [
            node.value.lower()
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
        assert not typed & set(strings), f"{path.relative_to(ROOT)} retypes a palette colour"


# ------------------------------------------------------------------------------- the figures


def test_new_figure_is_a_course_figure_without_pyplot():
    fig = new_figure(figsize=(3.0, 2.0))
    assert isinstance(fig, CourseFigure) and isinstance(fig, matplotlib.figure.Figure)
    assert fig.get_layout_engine() is not None and Gcf.get_num_fig_managers() == 0
    assert new_figure(figsize=(3.0, 2.0), layout=None).get_layout_engine() is None
    with pytest.raises(TypeError):
        new_figure((3.0, 2.0))  # options are keyword-only


def test_a_course_figure_renders_itself_as_png():
    with course_style():
        fig = new_figure(figsize=(3.0, 2.0))
        fig.add_subplot().plot([0, 1], [1, 0])
    png = fig._repr_png_()
    assert png.startswith(PNG) and png_bytes(fig).startswith(PNG)
    assert Gcf.get_num_fig_managers() == 0


def test_course_style_is_a_context_and_a_decorator_that_restore_rcparams():
    before = rc_snapshot()
    with course_style():
        assert matplotlib.rcParams["axes.spines.top"] is False
    assert rc_snapshot() == before

    @course_style()
    def failing():
        assert matplotlib.rcParams["lines.linewidth"] == STYLE["lines.linewidth"]
        raise RuntimeError("boom")

    for _ in range(2):  # the decorator can be entered again
        with pytest.raises(RuntimeError):
            failing()
    assert rc_snapshot() == before


@pytest.mark.parametrize("name", DRAWERS)
def test_every_figure_is_a_styled_course_figure_and_leaves_rcparams_alone(name):
    before = rc_snapshot()
    fig = first(DRAWERS[name]())
    assert rc_snapshot() == before
    assert isinstance(fig, CourseFigure), type(fig)
    assert Gcf.get_num_fig_managers() == 0
    assert fig._repr_png_().startswith(PNG)
    if name in GRAPHS:
        return  # boxes and arrows: no axes to style
    visible = [ax for ax in fig.axes if ax.axison]
    assert visible and not any(ax.spines["top"].get_visible() for ax in visible), name


def test_widget_frames_are_rendered_by_the_style_module():
    from utils.ui.figure_widget import figure_png

    fig = first(DRAWERS["fits"]())
    assert figure_png(fig).startswith("iVBORw0KGgo")  # base64 of the PNG signature


# ------------------------------------------------------------ nothing changes on import

IMPORT_PROBE = r"""
import json, os, pkgutil, sys, warnings
import numpy as np
import matplotlib
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance()
shell.kernel = object()   # look like a Jupyter kernel: display hooks would register here

def state():
    formatters = [*shell.display_formatter.formatters.values(),
                  shell.display_formatter.ipython_display_formatter]
    return {
        "meta_path": [f"{f.__module__}.{getattr(f, '__qualname__', type(f).__qualname__)}"
                      for f in sys.meta_path],
        "environ": dict(os.environ),
        "rcParams": {k: repr(v) for k, v in matplotlib.rcParams.items()},
        "formatters": [sorted(map(repr, [*f.type_printers, *f.deferred_printers,
                                         *f.singleton_printers])) for f in formatters],
        "excepthook": repr(sys.excepthook),
        "custom_exceptions": repr(shell.custom_exceptions),
        "warnings": repr(warnings.filters),
        "numpy": [np.geterr(), repr(np.get_printoptions())],
    }

before = state()
import utils
names = ["utils"] + [m.name for m in pkgutil.walk_packages(utils.__path__, "utils.")]
for name in names:
    __import__(name)
after = state()
print(json.dumps({"names": names,
                  "changed": {k: [before[k], after[k]] for k in before if before[k] != after[k]}}))
"""


def run_without_startup_hooks(code, **env):
    """Python without site's .pth hooks (so the quiet-TensorFlow hook is not pre-installed)."""
    site_dirs = [p for p in sys.path if p.endswith("site-packages")]
    prelude = f"import sys; sys.path[:0] = {[str(ROOT), *site_dirs]!r}\n"
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TF_CPP_MIN_LOG_LEVEL", "CUDA_VISIBLE_DEVICES", "MPLBACKEND")
    }
    return subprocess.run(
        [sys.executable, "-S", "-c", prelude + code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_importing_any_utils_module_changes_nothing_in_the_process():
    result = run_without_startup_hooks(IMPORT_PROBE)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert {
        "utils.style",
        "utils.plotting",
        "utils.autodiff.graph",
        "utils.ui.quiz",
        "utils.lessons.backprop.widgets",
    } <= set(report["names"])
    assert report["changed"] == {}, json.dumps(report["changed"], indent=1)[:3000]


def test_a_course_figure_renders_under_any_backend_without_pyplot():
    code = (
        "import sys\n"
        "from utils.autodiff import Value, draw_graph\n"
        "J = Value(3.0, 'w') ** 2; J.backward()\n"
        "png = draw_graph(J)._repr_png_()\n"
        "print(png[:4] == b'\\x89PNG', 'matplotlib.pyplot' in sys.modules)\n"
    )
    result = run_without_startup_hooks(code, MPLBACKEND="template")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


# ------------------------------------------------------------ display in a real kernel


def count_png(node) -> int:
    if isinstance(node, dict):
        return sum((key == "image/png") + count_png(value) for key, value in node.items())
    if isinstance(node, list):
        return sum(count_png(item) for item in node)
    return 0


@pytest.mark.slow
def test_course_figures_display_once_in_a_kernel_with_or_without_pyplot(monkeypatch):
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel picks its own (inline)
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(  # only the autodiff package: nothing registered a formatter
                "from utils.autodiff import Value, draw_graph\n"
                "J = Value(3.0, 'w') ** 2; J.backward()\n"
                "draw_graph(J)"
            ),
            nbformat.v4.new_code_cell(
                "from IPython.display import display\ndisplay(draw_graph(J))\ndraw_graph(J)"
            ),
            nbformat.v4.new_code_cell(  # pyplot's inline backend registers its own Figure formatter
                "import matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.close('all')\ndraw_graph(J)"
            ),
        ]
    )
    NotebookClient(
        nb,
        timeout=90,
        kernel_name="python3",
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(ROOT)}},
    ).execute()
    alone, twice, with_pyplot = (cell.outputs for cell in nb.cells)
    assert count_png(alone) == 1 and "CourseFigure" in alone[0]["data"]["text/plain"]
    assert count_png(twice) == 2  # one display() and one cell value
    assert count_png(with_pyplot) == 1
