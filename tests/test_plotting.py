"""Tests for utils.plotting: each figure's artists, inputs, style and display."""

from __future__ import annotations

import doctest
import importlib
import io
import os
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest
from matplotlib import colors as mcolors
from matplotlib._pylab_helpers import Gcf
from matplotlib.collections import PathCollection
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from nbclient import NotebookClient

from utils import plotting
from utils.plotting import (
    CLASS_COLORS,
    COLORS,
    plot_activations,
    plot_confusion_matrix,
    plot_decision_regions,
    plot_digit_grid,
    plot_loss_curves,
    plot_optimizer_paths,
    plot_softmax_bars,
)
from utils.style import CourseFigure

matplotlib.use("Agg")  # the module never uses pyplot; this only guards against it

REPO = Path(__file__).resolve().parents[1]
RNG = np.random.default_rng(0)
DIGITS = RNG.random((12, 400))  # not symmetric: a transposed image would not match
POINTS = RNG.normal(size=(40, 2))
POINT_LABELS = (POINTS[:, 0] > 0).astype(int) + (POINTS[:, 1] > 1)


def by_sign(P):
    """A 3-class rule used as predict_fn: the class ids."""
    return (P[:, 0] > 0).astype(int) + (P[:, 1] > 1)


def one_hot(ids, k=3):
    return np.eye(k)[ids] * 0.8 + 0.2 / k


def bowl(x, y):
    return x**2 + 10 * y**2


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


PATH = np.array([[-2.0, 1.0], [-1.0, -0.5], [-0.4, 0.2], [0.0, 0.0]])

# One valid call per public function.
MAKERS = {
    "activations": lambda: plot_activations(("sigmoid", "relu")),
    "softmax": lambda: plot_softmax_bars([2.0, 1.0, 0.1], true_class=0),
    "digits": lambda: plot_digit_grid(DIGITS, y=np.arange(12) % 10),
    "loss": lambda: plot_loss_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}),
    "regions": lambda: plot_decision_regions(by_sign, POINTS, POINT_LABELS, resolution=50),
    "paths": lambda: plot_optimizer_paths(bowl, {"GD": PATH}, (-3, 3), (-2, 2)),
    "confusion": lambda: plot_confusion_matrix([0, 1, 2, 2], [0, 1, 1, 2], n_classes=3),
}

# The functions that accept ax=, called with it.
AX_MAKERS = {
    "softmax": lambda ax: plot_softmax_bars([2.0, 1.0, 0.1], ax=ax),
    "regions": lambda ax: plot_decision_regions(
        by_sign, POINTS, POINT_LABELS, resolution=50, ax=ax
    ),
    "paths": lambda ax: plot_optimizer_paths(bowl, {"GD": PATH}, (-3, 3), (-2, 2), ax=ax),
    "confusion": lambda ax: plot_confusion_matrix([0, 1, 2], [0, 1, 1], n_classes=3, ax=ax),
}


def softmax(z):
    e = np.exp(np.asarray(z, float) - np.max(z))
    return e / e.sum()


def rc_snapshot():
    return {key: repr(value) for key, value in matplotlib.rcParams.items()}


# --------------------------------------------------------------------------
# Every function
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", MAKERS)
def test_returns_a_new_renderable_figure_each_call(name):
    first, second = MAKERS[name](), MAKERS[name]()
    assert isinstance(first, Figure) and isinstance(second, Figure)
    assert isinstance(first, CourseFigure) and first._repr_png_().startswith(b"\x89PNG")
    assert first is not second
    assert len(first.axes) == len(second.axes) > 0
    assert Gcf.get_num_fig_managers() == 0, "must not create pyplot figures"
    first.savefig(io.BytesIO(), format="png")  # draws without error


@pytest.mark.parametrize("name", MAKERS)
def test_leaves_global_rcparams_unchanged(name):
    before = rc_snapshot()
    MAKERS[name]()
    assert rc_snapshot() == before


def test_importing_leaves_global_rcparams_unchanged():
    with matplotlib.rc_context():  # start from matplotlib's defaults, restore after
        matplotlib.rcdefaults()
        before = rc_snapshot()
        importlib.reload(plotting)
        assert rc_snapshot() == before


def test_style_is_applied_to_the_figures():
    ax = plot_loss_curves({"loss": [1.0, 0.5]}).axes[0]
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    assert ax.xaxis.get_gridlines()[0].get_visible()
    assert ax.title.get_fontsize() == plotting.STYLE["axes.titlesize"]


@pytest.mark.parametrize("name", AX_MAKERS)
def test_draws_into_a_given_axes(name):
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert AX_MAKERS[name](right) is fig
    assert len(fig.axes) == 2 and not left.has_data() and right.has_data()
    assert not right.spines["top"].get_visible()


@pytest.mark.parametrize("name", AX_MAKERS)
def test_rejects_an_ax_that_is_not_an_axes(name):
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        AX_MAKERS[name]("not an axes")


def test_docstring_examples_run():
    result = doctest.testmod(plotting)
    assert result.attempted >= 7 and result.failed == 0


def test_palette_is_valid_and_has_ten_distinct_class_colors():
    assert all(mcolors.is_color_like(c) and c.startswith("#") for c in COLORS.values())
    assert len(CLASS_COLORS) >= 10 and len(set(CLASS_COLORS)) == len(CLASS_COLORS)
    assert CLASS_COLORS[0] == COLORS["blue"] == "#0072B2"  # Okabe-Ito blue


# --------------------------------------------------------------------------
# plot_activations
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(plotting._ACTIVATIONS))
def test_activation_curves_match_their_values_and_derivatives(name):
    z = np.linspace(-3, 3, 61)
    fig = plot_activations(name, z=z)
    f_ax, df_ax = fig.axes
    f, df = plotting._ACTIVATIONS[name]
    (f_line,), (df_line,) = f_ax.lines, df_ax.lines
    np.testing.assert_allclose(f_line.get_xdata(), z)
    np.testing.assert_allclose(f_line.get_ydata(), f(z))
    np.testing.assert_allclose(df_line.get_ydata(), df(z))
    # the derivative really is the slope (away from the kink at 0)
    h, zz = 1e-6, np.array([-2.3, -0.7, 0.4, 1.9])
    np.testing.assert_allclose(df(zz), (f(zz + h) - f(zz - h)) / (2 * h), atol=1e-6)


def test_activation_known_values():
    f = {name: fns[0] for name, fns in plotting._ACTIVATIONS.items()}
    np.testing.assert_allclose(f["sigmoid"](np.array([0.0, -800.0, 800.0])), [0.5, 0.0, 1.0])
    np.testing.assert_allclose(f["relu"](np.array([-2.0, 3.0])), [0.0, 3.0])
    np.testing.assert_allclose(f["leaky_relu"](np.array([-2.0, 3.0])), [-0.4, 3.0])
    np.testing.assert_allclose(f["swish"](np.array([0.0, 2.0])), [0.0, 2.0 / (1 + np.exp(-2))])


def test_activations_one_line_per_name_and_optional_derivative():
    fig = plot_activations(("linear", "tanh", "swish"))
    assert [len(ax.lines) for ax in fig.axes] == [3, 3]
    assert [line.get_label() for line in fig.axes[0].lines] == ["linear", "tanh", "swish"]
    assert len(plot_activations(derivative=False).axes) == 1


def test_activations_default_z_spans_both_signs():
    x = plot_activations().axes[0].lines[0].get_xdata()
    assert x.min() < 0 < x.max() and len(x) > 50


def test_activations_bad_inputs():
    with pytest.raises(ValueError, match=r"unknown activation.*'softplus'.*valid names are.*relu"):
        plot_activations(("relu", "softplus"))
    with pytest.raises(TypeError, match="names must be a string or a sequence of strings"):
        plot_activations((1, 2))
    with pytest.raises(ValueError, match="at least one"):
        plot_activations(())
    with pytest.raises(ValueError, match="z must be 1-D"):
        plot_activations(z=np.zeros((3, 3)))
    with pytest.raises(ValueError, match="at least 2 points"):
        plot_activations(z=[1.0])


# --------------------------------------------------------------------------
# plot_softmax_bars
# --------------------------------------------------------------------------


def test_softmax_bars_heights_are_the_probabilities():
    logits = [2.0, 1.0, 0.1, -1.0]
    ax = plot_softmax_bars(logits).axes[0]
    heights = np.array([bar.get_height() for bar in ax.patches])
    assert len(ax.patches) == len(logits)
    np.testing.assert_allclose(heights, softmax(logits))
    assert heights.sum() == pytest.approx(1.0)
    assert [t.get_text() for t in ax.texts] == [f"{p:.2f}" for p in softmax(logits)]


def test_softmax_bars_highlight_true_class_and_show_loss():
    logits = [0.5, 3.0, -1.0]
    ax = plot_softmax_bars(logits, true_class=2, labels=["cat", "dog", "fish"]).axes[0]
    faces = [mcolors.to_hex(bar.get_facecolor()) for bar in ax.patches]
    assert faces[2] != faces[0] == faces[1]
    loss = -np.log(softmax(logits)[2])
    assert f"{loss:.3f}" in ax.get_title() and "fish" in ax.get_title()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog", "fish"]


def test_softmax_bars_are_stable_for_huge_logits():
    ax = plot_softmax_bars([1000.0, 0.0], true_class=1).axes[0]
    np.testing.assert_allclose([b.get_height() for b in ax.patches], [1.0, 0.0])
    assert "1000.000" in ax.get_title()  # -log p computed without log(0) = inf


def test_softmax_bars_bad_inputs():
    with pytest.raises(ValueError, match="logits must be 1-D"):
        plot_softmax_bars([[1.0, 2.0]])
    with pytest.raises(ValueError, match="at least 2 values"):
        plot_softmax_bars([1.0])
    with pytest.raises(TypeError, match="logits must hold numbers"):
        plot_softmax_bars(["a", "b"])
    with pytest.raises(ValueError, match=r"true_class must be class indices in 0\.\.2"):
        plot_softmax_bars([1.0, 2.0, 3.0], true_class=3)
    with pytest.raises(ValueError, match="true_class must be a single class index"):
        plot_softmax_bars([1.0, 2.0, 3.0], true_class=[0, 1])
    with pytest.raises(ValueError, match="labels must have exactly 3 names"):
        plot_softmax_bars([1.0, 2.0, 3.0], labels=["a", "b"])


# --------------------------------------------------------------------------
# plot_digit_grid
# --------------------------------------------------------------------------


def test_digit_grid_one_row_major_image_per_example():
    fig = plot_digit_grid(DIGITS)
    images = [im for ax in fig.axes for im in ax.images]
    assert len(images) == len(DIGITS) == len(fig.axes)
    for image, x in zip(images, DIGITS):
        assert isinstance(image, AxesImage) and image.get_cmap().name == plotting.DIGIT_CMAP
        np.testing.assert_array_equal(image.get_array(), x.reshape(20, 20))


def test_digit_grid_draws_the_course_pixel_convention():
    """One convention everywhere (the assignment's text, every digit figure, the drawing pad):
    1 is ink, drawn black; 0 is the background, drawn white; on a fixed scale, so a faint image
    is drawn faint rather than stretched to full black."""
    assert mcolors.to_hex(plotting.INK) == "#000000" and mcolors.to_hex(plotting.PAPER) == "#ffffff"
    faint = np.full((1, 400), 0.25)
    for X in (DIGITS, faint):
        for image in (im for ax in plot_digit_grid(X).axes for im in ax.images):
            assert image.get_clim() == (0, 1)
            shade = [mcolors.to_hex(image.cmap(image.norm(v))) for v in (0.0, 0.5, 1.0)]
            assert shade[0] == plotting.PAPER and shade[2] == plotting.INK, shade
            assert shade[1] not in (plotting.PAPER, plotting.INK)  # greys in between


def test_digit_grid_titles_mark_mistakes():
    y = np.array([3, 1, 4])
    fig = plot_digit_grid(DIGITS[:3], y=y, predicted=[3, 7, 4])
    titles = [ax.title for ax in fig.axes]
    assert [t.get_text() for t in titles] == ["y=3 ŷ=3", "y=1 ŷ=7", "y=4 ŷ=4"]
    colors = [mcolors.to_hex(t.get_color()) for t in titles]
    assert colors[1] == COLORS["wrong"].lower() and colors[0] == colors[2] != colors[1]
    assert [ax.title.get_text() for ax in plot_digit_grid(DIGITS[:2], y=[5, 6]).axes] == [
        "y=5",
        "y=6",
    ]


def test_digit_grid_probs_give_prediction_and_confidence():
    probs = np.array([[0.1, 0.9], [0.7, 0.3]])
    fig = plot_digit_grid(DIGITS[:2], y=[1, 1], probs=probs)
    assert [ax.title.get_text() for ax in fig.axes] == ["y=1 ŷ=1 (90%)", "y=1 ŷ=0 (70%)"]


def test_digit_grid_layout_and_limit():
    fig = plot_digit_grid(DIGITS, n_cols=5, max_images=7)
    assert len(fig.axes) == 7
    assert fig.axes[0].get_subplotspec().get_geometry()[:2] == (2, 5)
    assert len(plot_digit_grid(DIGITS[0]).axes) == 1  # a single flattened image


def test_digit_grid_bad_inputs():
    with pytest.raises(ValueError, match=r"square image .*got shape \(2, 401\)"):
        plot_digit_grid(np.zeros((2, 401)))
    with pytest.raises(ValueError, match="y must be 1-D with one label per example"):
        plot_digit_grid(DIGITS, y=[1, 2])
    with pytest.raises(ValueError, match="X and probs must have the same number"):
        plot_digit_grid(DIGITS, probs=np.full((3, 10), 0.1))
    with pytest.raises(ValueError, match="n_cols must be > 0"):
        plot_digit_grid(DIGITS, n_cols=0)
    with pytest.raises(TypeError, match="max_images must be an integer"):
        plot_digit_grid(DIGITS, max_images=2.5)


# --------------------------------------------------------------------------
# plot_loss_curves
# --------------------------------------------------------------------------


class FakeHistory:
    """Stands in for keras.callbacks.History."""

    def __init__(self, history):
        self.history = history


HISTORY = {
    "loss": [0.9, 0.6, 0.4],
    "val_loss": [1.0, 0.8, 0.7],
    "accuracy": [0.5, 0.7, 0.8],
    "val_accuracy": [0.4, 0.6, 0.7],
}


@pytest.mark.parametrize("history", [HISTORY, FakeHistory(HISTORY)], ids=["dict", "History"])
def test_loss_curves_one_line_per_series(history):
    fig = plot_loss_curves(history, metrics=("loss", "accuracy"))
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    for ax, metric in zip(fig.axes, ("loss", "accuracy")):
        train, val = ax.lines
        np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
        np.testing.assert_allclose(train.get_ydata(), HISTORY[metric])
        np.testing.assert_allclose(val.get_ydata(), HISTORY[f"val_{metric}"])
        assert (train.get_label(), val.get_label()) == ("training", "validation")


def test_loss_curves_without_validation_and_with_nan():
    ax = plot_loss_curves({"loss": [1.0, np.nan, 0.5, 0.2]}).axes[0]
    (line,) = ax.lines
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3, 4])
    assert ax.get_xlabel() == "epoch"


def test_loss_curves_bad_inputs():
    with pytest.raises(ValueError, match=r"\['accuracy'\] not in history; it has \['loss'\]"):
        plot_loss_curves({"loss": [1.0]}, metrics=("loss", "accuracy"))
    with pytest.raises(TypeError, match="history must be a dict"):
        plot_loss_curves([1.0, 0.5])
    with pytest.raises(ValueError, match="empty"):
        plot_loss_curves({"loss": []})
    with pytest.raises(ValueError, match="loss must be 1-D"):
        plot_loss_curves({"loss": [[1.0, 2.0]]})


# --------------------------------------------------------------------------
# plot_decision_regions
# --------------------------------------------------------------------------


def filled_regions(fig):
    (filled,) = [c for c in fig.axes[0].collections if isinstance(c, ContourSet) and c.filled]
    return filled


def test_decision_regions_have_filled_classes_and_all_points():
    fig = plot_decision_regions(
        by_sign, POINTS, POINT_LABELS, resolution=40, class_names=["a", "b", "c"]
    )
    ax = fig.axes[0]
    filled = filled_regions(fig)
    np.testing.assert_allclose(filled.levels, [-0.5, 0.5, 1.5, 2.5])
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == len(np.unique(POINT_LABELS))
    shown = np.concatenate([s.get_offsets() for s in scatters])
    assert sorted(map(tuple, shown)) == sorted(map(tuple, POINTS))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]


def test_decision_regions_evaluates_a_padded_grid():
    seen = []

    def spy(P):
        seen.append(P.copy())
        return by_sign(P)

    plot_decision_regions(spy, POINTS, POINT_LABELS, resolution=30)
    (grid,) = seen
    assert grid.shape == (30 * 30, 2)
    assert (grid.min(axis=0) < POINTS.min(axis=0)).all()
    assert (grid.max(axis=0) > POINTS.max(axis=0)).all()


@pytest.mark.parametrize(
    "as_probs",
    [
        lambda P: one_hot(by_sign(P)),  # (n, K) -> argmax
        lambda P: one_hot(by_sign(P)).tolist(),  # any array-like
    ],
)
def test_decision_regions_probabilities_equal_their_argmax(as_probs):
    expected = filled_regions(plot_decision_regions(by_sign, POINTS, POINT_LABELS, 40))
    got = filled_regions(plot_decision_regions(as_probs, POINTS, POINT_LABELS, 40))
    for a, b in zip(expected.get_paths(), got.get_paths()):
        np.testing.assert_allclose(a.vertices, b.vertices)


def test_decision_regions_sigmoid_column_is_thresholded():
    binary = (POINTS[:, 0] > 0).astype(int)
    ids = filled_regions(
        plot_decision_regions(lambda P: (P[:, 0] > 0).astype(int), POINTS, binary, 40)
    )
    p1 = filled_regions(
        plot_decision_regions(lambda P: 1 / (1 + np.exp(-50 * P[:, :1])), POINTS, binary, 40)
    )
    assert len(ids.get_paths()) == len(p1.get_paths())
    for a, b in zip(ids.get_paths(), p1.get_paths()):
        np.testing.assert_allclose(a.vertices, b.vertices)


def test_decision_regions_bad_inputs():
    with pytest.raises(TypeError, match="predict_fn must be callable"):
        plot_decision_regions("model", POINTS, POINT_LABELS)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\)"):
        plot_decision_regions(by_sign, np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="y must be 1-D with one label per example"):
        plot_decision_regions(by_sign, POINTS, POINT_LABELS[:-1])
    with pytest.raises(ValueError, match=r"predict_fn must return class ids of shape \(n,\)"):
        plot_decision_regions(lambda P: by_sign(P)[:10], POINTS, POINT_LABELS)
    with pytest.raises(ValueError, match="class_names must have at least 3 names"):
        plot_decision_regions(by_sign, POINTS, POINT_LABELS, class_names=["a"])
    with pytest.raises(ValueError, match="resolution must be at least 2"):
        plot_decision_regions(by_sign, POINTS, POINT_LABELS, resolution=1)


# --------------------------------------------------------------------------
# plot_optimizer_paths
# --------------------------------------------------------------------------


def test_optimizer_paths_one_line_per_path_with_its_data():
    paths = {"SGD": PATH, "Adam": PATH[::-1] * 0.5}
    fig = plot_optimizer_paths(bowl, paths, (-3, 3), (-2, 2))
    ax = fig.axes[0]
    assert any(isinstance(c, ContourSet) for c in ax.collections)
    assert [line.get_label() for line in ax.lines] == ["SGD", "Adam"]
    for line, path in zip(ax.lines, paths.values()):
        np.testing.assert_allclose(line.get_xydata(), path)
        assert line.get_marker() not in (None, "None", "")
    markers = np.array(
        [c.get_offsets()[0] for c in ax.collections if isinstance(c, PathCollection)]
    )
    expected = np.array([p[i] for p in paths.values() for i in (0, -1)])
    np.testing.assert_allclose(markers, expected)  # start and end of each path
    assert ax.get_xlim() == (-3, 3) and ax.get_ylim() == (-2, 2)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["SGD", "Adam", "start", "end"]


def contour_levels(fig):
    (contours,) = [c for c in fig.axes[0].collections if isinstance(c, ContourSet)]
    return np.asarray(contours.levels)


def test_optimizer_paths_log_levels_only_for_a_large_range():
    log = contour_levels(plot_optimizer_paths(rosenbrock, {}, (-2, 2), (-1, 3), levels=20))
    steps = np.diff(log)
    ratios = steps[1:] / steps[:-1]  # constant for geometric (log-spaced) levels
    assert len(log) == 20 and ratios[0] > 1.1
    np.testing.assert_allclose(ratios, ratios[0])
    linear = contour_levels(plot_optimizer_paths(lambda x, y: x + y, {}, (0, 1), (0, 1), levels=11))
    np.testing.assert_allclose(np.diff(linear), 0.2)


def test_optimizer_paths_bad_inputs():
    with pytest.raises(ValueError, match=r"f must be vectorised.*\(200, 200\).*got \(\)"):
        plot_optimizer_paths(lambda x, y: 1.0, {}, (0, 1), (0, 1))
    with pytest.raises(ValueError, match="f is constant"):
        plot_optimizer_paths(lambda x, y: 0 * x, {}, (0, 1), (0, 1))
    with pytest.raises(ValueError, match=r"xlim must be a pair \(low, high\) with low < high"):
        plot_optimizer_paths(bowl, {}, (1, 0), (0, 1))
    with pytest.raises(ValueError, match=r"paths\['GD'\] must have shape \(k, 2\)"):
        plot_optimizer_paths(bowl, {"GD": np.zeros((4, 3))}, (0, 1), (0, 1))
    with pytest.raises(TypeError, match="paths must be a dict"):
        plot_optimizer_paths(bowl, [PATH], (0, 1), (0, 1))
    with pytest.raises(TypeError, match="f must be a callable"):
        plot_optimizer_paths(None, {}, (0, 1), (0, 1))


# --------------------------------------------------------------------------
# plot_confusion_matrix
# --------------------------------------------------------------------------


def test_confusion_matrix_counts_and_annotations():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]
    ax = plot_confusion_matrix(y_true, y_pred, n_classes=3).axes[0]
    expected = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    np.testing.assert_array_equal(ax.images[0].get_array(), expected)
    texts = {(t.get_position()): t.get_text() for t in ax.texts}
    assert len(ax.texts) == 9
    assert all(texts[(j, i)] == str(expected[i, j]) for i in range(3) for j in range(3))
    assert "66.7%" in ax.get_title() and "4/6" in ax.get_title()
    assert ax.get_ylabel() == "true class" and ax.get_xlabel() == "predicted class"


def test_confusion_matrix_default_is_ten_digits():
    ax = plot_confusion_matrix(np.arange(10), np.arange(10)).axes[0]
    assert ax.images[0].get_array().shape == (10, 10) and len(ax.texts) == 100


def test_confusion_matrix_bad_inputs():
    with pytest.raises(ValueError, match=r"y_pred must be class indices in 0\.\.2"):
        plot_confusion_matrix([0, 1], [0, 3], n_classes=3)
    with pytest.raises(ValueError, match="same length"):
        plot_confusion_matrix([0, 1, 2], [0, 1], n_classes=3)
    with pytest.raises(ValueError, match="non-empty"):
        plot_confusion_matrix([], [], n_classes=3)
    with pytest.raises(TypeError, match="y_true must hold integer class labels"):
        plot_confusion_matrix(["a"], [0])


# --------------------------------------------------------------------------
# Display in a real Jupyter kernel
# --------------------------------------------------------------------------


def count_png(node) -> int:
    """How many 'image/png' outputs a notebook structure holds (widget state too)."""
    if isinstance(node, dict):
        return sum((key == "image/png") + count_png(value) for key, value in node.items())
    if isinstance(node, list):
        return sum(count_png(item) for item in node)
    return 0


@pytest.mark.slow
def test_figures_display_as_png_in_a_real_kernel(monkeypatch):
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    )
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel picks its own (inline)
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "from utils.plotting import plot_softmax_bars, plot_loss_curves\n"
                "plot_softmax_bars([1.0, 2.0, 3.0], true_class=2)"
            ),
            nbformat.v4.new_code_cell(
                "import ipywidgets\n"
                "from IPython.display import display\n"
                "out = ipywidgets.Output()\n"
                "display(out)\n"
                "with out:\n"
                "    display(plot_loss_curves({'loss': [1.0, 0.5]}))"
            ),
        ]
    )
    NotebookClient(
        nb,
        timeout=60,
        kernel_name="python3",
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(REPO)}},
    ).execute()

    last_value, widget_cell = nb.cells
    assert count_png(last_value.outputs) == 1
    assert count_png(widget_cell.outputs) == 0  # it went into the Output widget ...
    assert count_png(dict(nb.metadata.get("widgets", {}))) == 1  # ... exactly once


def test_the_shared_figures_speak_the_figure_language(monkeypatch):
    """In Chinese (with a CJK font, as make test installs) the shared figures' words are
    Chinese; the numbers are the same."""
    from utils import i18n
    from utils.style import cjk_font

    assert cjk_font() is not None, "no CJK font: run tools/system-deps.sh"
    english = plot_confusion_matrix([0, 1, 1], [0, 1, 0]).axes[0]
    monkeypatch.setenv(i18n.LANG_ENV, "zh")
    chinese = plot_confusion_matrix([0, 1, 1], [0, 1, 0]).axes[0]
    assert (english.get_xlabel(), english.get_title()) == (
        "predicted class",
        "accuracy 66.7% (2/3)",
    )
    assert (chinese.get_xlabel(), chinese.get_title()) == ("预测类别", "准确率 66.7%（2/3）")
    curves = plot_loss_curves({"loss": [0.9, 0.5], "val_loss": [1.0, 0.6]}).axes[0]
    assert curves.get_xlabel() == "轮次"
    assert [t.get_text() for t in curves.get_legend().get_texts()] == ["训练集", "验证集"]


def test_plain_log_axis_labels_powers_of_ten_in_plain_text():
    from utils.plotting import plain_log_axis
    from utils.style import new_figure

    ax = new_figure(figsize=(4, 3)).add_subplot()
    ax.semilogy([1, 2, 3], [1e-8, 1e-4, 1.0])
    plain_log_axis(ax.yaxis)
    ax.figure.draw_without_rendering()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "10⁻⁸" in labels and "1" in labels and not any("$" in t for t in labels)
    assert not ax.yaxis.get_minor_locator()()  # no minor ticks
    plain_log_axis(ax.yaxis, ticks=[1e-6, 1e-3])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["10⁻⁶", "10⁻³"]
