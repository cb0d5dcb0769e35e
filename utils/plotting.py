"""The course's figures: activations, softmax bars, digits, loss curves, decision regions,
optimizer paths and confusion matrices.

Every function builds a fresh :class:`~utils.style.CourseFigure` with
:func:`utils.style.new_figure` (never pyplot's global state), so it works under
any backend -- Agg in tests and CI, inline in Jupyter -- and calling a function
twice never draws into an old figure.  Functions that draw a single panel accept
``ax=`` to draw into an existing Axes instead; all of them return the Figure.  In
a notebook, make the figure the last value of a cell (or pass it to ``display``)
to show it: a course figure displays itself as a PNG.

The style (Okabe-Ito colours, readable font sizes, light grid, no top/right
spines) comes from :mod:`utils.style` and is applied only while each function
draws; importing this module does not change your global ``rcParams``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullLocator

from utils.i18n import msg
from utils.nn.activations import ACTIVATIONS, log_softmax, softmax
from utils.style import CLASS_COLORS, COLORS, STYLE, course_style, figure_language, new_figure
from utils.validation import as_float_array, as_labels, check_positive, check_same_rows


def _text(key: str, **params) -> str:
    """A figure's words in the figure's language (English when no CJK font is installed)."""
    return msg(f"plotting.{key}", lang=figure_language(), **params)


__all__ = [
    "COLORS",
    "CLASS_COLORS",
    "STYLE",  # re-exported from utils.style
    "plot_activations",
    "plot_softmax_bars",
    "DIGIT_CMAP",
    "INK",
    "PAPER",
    "plot_digit_grid",
    "plot_loss_curves",
    "plot_decision_regions",
    "plot_optimizer_paths",
    "plot_confusion_matrix",
    "power_of_ten_label",
]


INK, PAPER = COLORS["black"], COLORS["white"]
"""The course's one pixel convention: a pixel value of 1 is full ink, drawn black; 0 is the blank
background, drawn white; values in between are greys.  The digits data is stored that way round
(the background is 0), and every digit figure and the drawing pad of the assignment draw it so."""

DIGIT_CMAP = "gray_r"

_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten_label(exponent: int) -> str:
    """``10`` to the power ``exponent`` as plain text, e.g. ``10⁻⁸``: a log axis's tick label
    that needs no maths typesetting, which would cost a widget far more at every redraw (the
    log axes of lessons 02-05)."""
    return "10" + str(int(exponent)).translate(_SUPERSCRIPTS)


def _power_of_ten_tick(value, _position=None) -> str:
    exponent = round(float(np.log10(value)))
    return "1" if exponent == 0 else power_of_ten_label(exponent)


def plain_log_axis(axis, *, ticks=None) -> None:
    """Label the powers of ten of a log-scaled ``axis`` (``ax.yaxis``) in plain text, 10⁻⁸,
    with no minor ticks: cheap to redraw.  ``ticks``: the major ticks (default: at most 8,
    chosen by a ``LogLocator``)."""
    if ticks is None:
        axis.set_major_locator(LogLocator(base=10, numticks=8))
        axis.set_major_formatter(FuncFormatter(_power_of_ten_tick))
    else:
        axis.set_ticks(ticks, [_power_of_ten_tick(t) for t in ticks])
    axis.set_minor_locator(NullLocator())


"""The colormap of every digit image, used with ``vmin=0, vmax=1``: 0 -> white, 1 -> black."""


def _style_axes(ax: Axes) -> None:
    """Give an Axes made elsewhere the course look (new ones get it from STYLE)."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(True)


def _figure_and_axes(ax, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """A new course figure with one Axes, or the given Axes and the figure that holds it."""
    if ax is None:
        fig = new_figure(figsize=figsize)
        return fig, fig.add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    _style_axes(ax)
    return ax.get_figure(root=True), ax


# The activations drawn are the course's numpy references.
_ACTIVATIONS = ACTIVATIONS

# --------------------------------------------------------------------------
# Small validation helpers
# --------------------------------------------------------------------------


def _as_names(names, what: str) -> list[str]:
    """A string or a sequence of strings -> a non-empty list of strings."""
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, Sequence) or not all(isinstance(n, str) for n in names):
        raise TypeError(f"{what} must be a string or a sequence of strings, got {names!r}")
    if len(names) == 0:
        raise ValueError(f"{what} must name at least one item, got an empty sequence")
    return list(names)


def _as_class_names(class_names, n_classes: int, what: str, exact: bool = False) -> list[str]:
    """Names for classes 0..n_classes-1 (default: the class ids as text)."""
    if class_names is None:
        return [str(k) for k in range(n_classes)]
    if isinstance(class_names, str) or not isinstance(class_names, Sequence):
        raise TypeError(f"{what} must be a sequence of names, got {class_names!r}")
    names = [str(name) for name in class_names]
    if len(names) < n_classes or (exact and len(names) != n_classes):
        need = "exactly" if exact else "at least"
        raise ValueError(
            f"{what} must have {need} {n_classes} names (one per class), got {len(names)}"
        )
    return names


def _as_class_id(value, name: str, n_classes: int) -> int:
    ids = as_labels(value, name, n_classes=n_classes)
    if ids.ndim != 0:
        raise ValueError(f"{name} must be a single class index, got shape {ids.shape}")
    return int(ids)


def _as_row_labels(labels, name: str, n_rows: int, n_classes: int | None = None):
    """None, or a 1-D int array with one class label per example."""
    if labels is None:
        return None
    labels = as_labels(labels, name, n_classes=n_classes)
    if labels.shape != (n_rows,):
        raise ValueError(
            f"{name} must be 1-D with one label per example ({n_rows}), got shape {labels.shape}"
        )
    return labels


def _as_limits(lim, name: str) -> tuple[float, float]:
    lim = as_float_array(lim, name, ndim=1)
    if lim.shape != (2,) or not lim[0] < lim[1]:
        raise ValueError(f"{name} must be a pair (low, high) with low < high, got {lim.tolist()}")
    return float(lim[0]), float(lim[1])


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------


@course_style()
def plot_activations(names=("sigmoid", "relu"), z=None, derivative=True) -> Figure:
    """Plot activation functions (left) and their derivatives (right).

    names: one or more of 'linear', 'sigmoid', 'relu', 'tanh', 'leaky_relu',
    'swish'.  z: 1-D inputs to evaluate at (default 401 points in [-5, 5]).
    derivative=False draws only the functions.

    >>> fig = plot_activations(("sigmoid", "tanh", "relu"))
    >>> len(fig.axes)
    2
    """
    names = _as_names(names, "names")
    unknown = [n for n in names if n not in _ACTIVATIONS]
    if unknown:
        raise ValueError(f"unknown activation(s) {unknown}; valid names are {sorted(_ACTIVATIONS)}")
    z = np.linspace(-5.0, 5.0, 401) if z is None else as_float_array(z, "z", ndim=1)
    if z.size < 2:
        raise ValueError(f"z must hold at least 2 points to draw a curve, got {z.size}")

    panels = [("activation g(z)", 0)] + ([("derivative g'(z)", 1)] if derivative else [])
    fig = new_figure(figsize=(4.5 * len(panels), 3.6))
    axes = fig.subplots(1, len(panels), sharex=True, squeeze=False)[0]
    for ax, (title, which) in zip(axes, panels):
        for name in names:
            ax.plot(z, _ACTIVATIONS[name][which](z), label=name)
        ax.set(title=title, xlabel="z")
    axes[0].legend()
    return fig


@course_style()
def plot_softmax_bars(logits, true_class=None, labels=None, ax=None) -> Figure:
    """Bar chart of softmax(logits), probabilities printed on the bars.

    With ``true_class`` its bar is highlighted and the title shows the
    cross-entropy loss -log p(true class) (computed without taking log 0).

    >>> fig = plot_softmax_bars([2.0, 1.0, 0.1], true_class=0, labels=["cat", "dog", "fish"])
    """
    z = as_float_array(logits, "logits", ndim=1).astype(np.float64)
    if z.size < 2:
        raise ValueError(f"logits must hold at least 2 values (one per class), got {z.size}")
    labels = _as_class_names(labels, z.size, "labels", exact=True)
    probs = softmax(z)

    fig, ax = _figure_and_axes(ax, (max(4.0, 0.55 * z.size + 1.5), 3.4))
    colors = [COLORS["blue"]] * z.size
    title = _text("softmax_title")
    if true_class is not None:
        t = _as_class_id(true_class, "true_class", z.size)
        colors[t] = COLORS["highlight"]
        loss = -log_softmax(z)[t]
        title = _text("true_class_loss", label=labels[t], loss=loss)
    bars = ax.bar(np.arange(z.size), probs, color=colors, edgecolor=COLORS["black"], linewidth=0.6)
    ax.bar_label(bars, fmt="{:.2f}", padding=2, fontsize=9)
    ax.set_xticks(np.arange(z.size), labels)
    ax.set(ylim=(0, 1.12), ylabel=_text("probability"), title=title)
    ax.grid(False, axis="x")
    return fig


def _digit_title(i: int, y, predicted, probs) -> tuple[str, str]:
    """Title text and colour for image i: 'y=3', 'ŷ=5', 'y=3 ŷ=5 (62%)', ..."""
    parts = [] if y is None else [f"y={y[i]}"]
    wrong = False
    if predicted is not None:
        parts.append(f"ŷ={predicted[i]}")
        wrong = y is not None and y[i] != predicted[i]
        if probs is not None:
            parts.append(f"({probs[i, predicted[i]]:.0%})")
    return " ".join(parts), COLORS["wrong"] if wrong else COLORS["black"]


@course_style()
def plot_digit_grid(X, y=None, predicted=None, probs=None, n_cols=10, max_images=50) -> Figure:
    """Show rows of X (e.g. 400 pixels each) as 20x20 grey images in a grid.

    Each row is drawn as ``x.reshape(20, 20)`` (row-major), in the course's pixel convention:
    0 (background) white, 1 (ink) black, on the fixed scale 0 to 1 (:data:`DIGIT_CMAP`).
    Titles show the label ``y=3`` and, when given, the prediction ``ŷ=5``; mistakes are
    coloured.  ``probs`` (n, K) adds the predicted class's probability and
    supplies ``predicted`` (its argmax) when that is not given.  At most
    ``max_images`` images are shown, ``n_cols`` per row.

    >>> X = np.random.default_rng(0).random((6, 400))
    >>> fig = plot_digit_grid(X, y=[0, 1, 2, 3, 4, 5], predicted=[0, 1, 2, 3, 4, 9])
    """
    X = as_float_array(X, "X", ndim=(1, 2))
    X = X.reshape(1, -1) if X.ndim == 1 else X
    n, width = X.shape
    side = math.isqrt(width)
    if n == 0 or side * side != width:
        raise ValueError(
            "X must hold at least one row of a flattened square image "
            f"(e.g. 400 = 20x20 pixels), got shape {X.shape}"
        )
    check_positive(n_cols, "n_cols", integer=True)
    check_positive(max_images, "max_images", integer=True)
    if probs is not None:
        probs = as_float_array(probs, "probs", ndim=2)
        check_same_rows(X, probs, "X", "probs")
        if predicted is None:
            predicted = probs.argmax(axis=1)
    y = _as_row_labels(y, "y", n)
    predicted = _as_row_labels(
        predicted, "predicted", n, n_classes=None if probs is None else probs.shape[1]
    )

    m = min(n, max_images)
    cols = min(n_cols, m)
    rows = math.ceil(m / cols)
    col_width = 1.1 if probs is None else 1.4  # room for 'y=3 ŷ=5 (62%)'
    fig = new_figure(figsize=(col_width * cols, 1.25 * rows))
    for i in range(m):
        ax = fig.add_subplot(rows, cols, i + 1)
        ax.imshow(
            X[i].reshape(side, side), cmap=DIGIT_CMAP, vmin=0, vmax=1, interpolation="nearest"
        )
        ax.set_axis_off()
        text, color = _digit_title(i, y, predicted, probs)
        if text:
            ax.set_title(text, color=color, fontsize=9, pad=2)
    return fig


def _as_history(history) -> Mapping:
    """A Keras ``History`` (or anything with a ``.history`` dict) or a dict -> the dict."""
    history = getattr(history, "history", history)
    if not isinstance(history, Mapping):
        raise TypeError(
            "history must be a dict like {'loss': [...], 'val_loss': [...]} or "
            f"a Keras History object, got {type(history).__name__}"
        )
    return history


def _plot_series(ax: Axes, values, name: str, **style) -> None:
    """One metric's values against epoch 1, 2, ...; NaN (a diverged run) leaves a gap."""
    values = as_float_array(values, name, ndim=1, allow_nan=True)
    if values.size == 0:
        raise ValueError(f"history[{name!r}] is empty; expected one value per epoch")
    epochs = np.arange(1, values.size + 1)
    ax.plot(epochs, values, marker="o" if values.size <= 30 else None, markersize=4, **style)


@course_style()
def plot_loss_curves(history, metrics=("loss",)) -> Figure:
    """Training and validation curves, one panel per metric, against epoch 1, 2, ...

    history: a dict such as Keras ``History.history``
    (``{'loss': [...], 'val_loss': [...], 'accuracy': [...]}``) or an object
    with such a ``.history`` dict (what ``model.fit`` returns).  For each
    metric ``m`` the curve ``val_m`` is added when present.

    >>> fig = plot_loss_curves({"loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.6, 0.5]})
    """
    history = _as_history(history)
    metrics = _as_names(metrics, "metrics")
    missing = [m for m in metrics if m not in history]
    if missing:
        raise ValueError(f"metric(s) {missing} not in history; it has {sorted(history)}")

    fig = new_figure(figsize=(4.5 * len(metrics), 3.4))
    for ax, metric in zip(fig.subplots(1, len(metrics), squeeze=False)[0], metrics):
        _plot_series(ax, history[metric], metric, color=COLORS["train"], label=_text("training"))
        if f"val_{metric}" in history:
            _plot_series(
                ax,
                history[f"val_{metric}"],
                f"val_{metric}",
                color=COLORS["validation"],
                linestyle="--",
                label=_text("validation"),
            )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set(title=metric, xlabel=_text("epoch"), ylabel=metric)
        ax.legend()
    return fig


def _grid(xlim, ylim, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    return np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))


def _padded_limits(values: np.ndarray) -> tuple[float, float]:
    low, high = float(values.min()), float(values.max())
    pad = 0.1 * (high - low) or 0.5
    return low - pad, high + pad


def _predicted_classes(predict_fn: Callable, points: np.ndarray) -> np.ndarray:
    """Class ids from predict_fn: ids (n,), P(class 1) (n, 1), or probabilities (n, K)."""
    out = np.asarray(predict_fn(points))
    expected = (
        "predict_fn must return class ids of shape (n,) or probabilities of shape "
        f"(n, K) for the (n, 2) input, with n = {len(points)}; got shape {out.shape}"
    )
    if out.shape[:1] != (len(points),) or out.ndim > 2:
        raise ValueError(expected)
    if out.ndim == 1:
        return as_labels(out, "predict_fn output")
    out = as_float_array(out, "predict_fn output")
    return (out[:, 0] >= 0.5).astype(np.int64) if out.shape[1] == 1 else out.argmax(axis=1)


@course_style()
def plot_decision_regions(predict_fn, X, y, resolution=200, ax=None, class_names=None) -> Figure:
    """Colour the 2-D input plane by predicted class and show the data on top.

    predict_fn maps an (n, 2) array to class ids (n,) or to class
    probabilities (n, K) -- argmax is taken -- or, for a sigmoid output,
    (n, 1) probabilities of class 1 (thresholded at 0.5).  A Keras model can
    be passed as ``lambda P: model(P).numpy()``.

    >>> X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    >>> fig = plot_decision_regions(lambda P: (P.sum(axis=1) > 1).astype(int), X, [0, 1, 0, 0])
    """
    if not callable(predict_fn):
        raise TypeError(
            f"predict_fn must be callable (e.g. a model's predict), got {type(predict_fn).__name__}"
        )
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(
            f"X must have shape (n, 2) with n >= 1 (two input features), got {X.shape}"
        )
    y = _as_row_labels(y, "y", X.shape[0], n_classes=len(CLASS_COLORS))
    if check_positive(resolution, "resolution", integer=True) < 2:
        raise ValueError(f"resolution must be at least 2 grid points per axis, got {resolution}")

    xx, yy = _grid(_padded_limits(X[:, 0]), _padded_limits(X[:, 1]), resolution)
    regions = _predicted_classes(predict_fn, np.column_stack([xx.ravel(), yy.ravel()]))
    n_classes = int(max(y.max(), regions.max())) + 1
    if regions.min() < 0 or n_classes > len(CLASS_COLORS):
        raise ValueError(
            f"predict_fn returned class ids from {regions.min()} to "
            f"{regions.max()}; expected 0..{len(CLASS_COLORS) - 1}"
        )
    names = _as_class_names(class_names, n_classes, "class_names")

    fig, ax = _figure_and_axes(ax, (5.0, 4.2))
    bounds = np.arange(n_classes + 1) - 0.5
    regions = regions.reshape(xx.shape)
    ax.contourf(xx, yy, regions, levels=bounds, colors=CLASS_COLORS[:n_classes], alpha=0.25)
    boundaries = bounds[(bounds > regions.min()) & (bounds < regions.max())]
    if boundaries.size:
        ax.contour(xx, yy, regions, levels=boundaries, colors=COLORS["black"], linewidths=0.8)
    for k in np.unique(y):
        ax.scatter(
            *X[y == k].T,
            color=CLASS_COLORS[k],
            edgecolor=COLORS["white"],
            linewidth=0.6,
            s=36,
            label=names[k],
            zorder=3,
        )
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="best", frameon=True, framealpha=0.9)
    return fig


def _contour_levels(values: np.ndarray, n: int) -> np.ndarray:
    """n levels; log-spaced above the minimum when values span > 2 decades there.

    E.g. Rosenbrock's narrow valley is invisible with evenly spaced levels.
    """
    depth = values - values.min()
    low = np.percentile(depth, 5)
    if low > 0 and depth.max() / low > 100:
        return values.min() + np.geomspace(low, depth.max(), n)
    return np.linspace(values.min(), values.max(), n)


def _as_path(path, name: str) -> np.ndarray:
    path = as_float_array(path, f"paths[{name!r}]", ndim=2)
    if path.shape[1] != 2 or path.shape[0] == 0:
        raise ValueError(
            f"paths[{name!r}] must have shape (k, 2): k >= 1 points (x, y), got {path.shape}"
        )
    return path


@course_style()
def plot_optimizer_paths(f, paths, xlim, ylim, levels=30, ax=None) -> Figure:
    """Contours of a 2-D function with optimisation paths drawn on top.

    f(x, y) must be vectorised: it is called once with two meshgrid arrays.
    paths maps a name (e.g. 'SGD', 'Adam') to a (k, 2) array of the points
    visited; each is drawn as a line with markers, its start as a hollow
    circle and its end as a star.  Contour levels are log-spaced when the
    function spans several orders of magnitude (e.g. Rosenbrock).

    >>> bowl = lambda x, y: x ** 2 + 10 * y ** 2
    >>> path = np.array([[-2.0, 1.0], [-1.0, -0.5], [-0.4, 0.2], [0.0, 0.0]])
    >>> fig = plot_optimizer_paths(bowl, {"gradient descent": path}, (-2.5, 2.5), (-1.5, 1.5))
    """
    if not callable(f):
        raise TypeError(f"f must be a callable f(x, y), got {type(f).__name__}")
    if not isinstance(paths, Mapping):
        raise TypeError(
            "paths must be a dict mapping a name to a (k, 2) array of points, "
            f"got {type(paths).__name__}"
        )
    paths = {str(name): _as_path(path, name) for name, path in paths.items()}
    xlim, ylim = _as_limits(xlim, "xlim"), _as_limits(ylim, "ylim")
    if check_positive(levels, "levels", integer=True) < 2:
        raise ValueError(f"levels must be at least 2, got {levels}")

    xx, yy = _grid(xlim, ylim, 200)
    values = np.asarray(f(xx, yy))
    if values.shape != xx.shape:
        raise ValueError(
            f"f must be vectorised: f(x, y) with x, y of shape {xx.shape} "
            f"must return that shape, got {values.shape}"
        )
    values = as_float_array(values, "f(x, y)")
    if np.ptp(values) == 0:
        raise ValueError("f is constant over xlim x ylim; there are no contours to draw")

    fig, ax = _figure_and_axes(ax, (5.5, 4.5))
    contour_levels = _contour_levels(values, levels)
    shades = mpl.colormaps["viridis"](np.linspace(0, 1, levels))  # even steps, also for log
    ax.contour(xx, yy, values, levels=contour_levels, colors=shades, linewidths=0.8, alpha=0.7)
    for color, (name, path) in zip(itertools.cycle(CLASS_COLORS), paths.items()):
        ax.plot(*path.T, color=color, marker="o", markersize=3, linewidth=1.5, label=name)
        ax.scatter(
            *path[0], s=70, facecolor=COLORS["white"], edgecolor=color, linewidth=1.5, zorder=3
        )
        ax.scatter(
            *path[-1],
            s=160,
            marker="*",
            color=color,
            edgecolor=COLORS["black"],
            linewidth=0.5,
            zorder=3,
        )
    markers = [
        Line2D(
            [],
            [],
            linestyle="",
            marker="o",
            markerfacecolor=COLORS["white"],
            markeredgecolor=COLORS["black"],
            label=_text("start"),
        ),
        Line2D(
            [],
            [],
            linestyle="",
            marker="*",
            markersize=11,
            color=COLORS["black"],
            label=_text("end"),
        ),
    ]
    ax.legend(
        handles=ax.get_legend_handles_labels()[0] + markers,
        loc="best",
        frameon=True,
        framealpha=0.9,
    )
    ax.set(xlim=xlim, ylim=ylim, xlabel="$w_1$", ylabel="$w_2$")
    ax.grid(False)
    return fig


@course_style()
def plot_confusion_matrix(y_true, y_pred, n_classes=10, ax=None, class_names=None) -> Figure:
    """Counts of (true class, predicted class) pairs, each cell annotated.

    Rows are true classes, columns predicted ones; the diagonal holds the
    correct predictions and the title the accuracy.

    >>> fig = plot_confusion_matrix([0, 1, 2, 2, 1], [0, 2, 2, 2, 1], n_classes=3)
    """
    check_positive(n_classes, "n_classes", integer=True)
    y_true = as_labels(y_true, "y_true", n_classes=n_classes)
    y_pred = as_labels(y_pred, "y_pred", n_classes=n_classes)
    if y_true.ndim != 1 or y_true.size == 0 or y_true.shape != y_pred.shape:
        raise ValueError(
            "y_true and y_pred must be 1-D, non-empty and the same length, "
            f"got shapes {y_true.shape} and {y_pred.shape}"
        )
    names = _as_class_names(class_names, n_classes, "class_names", exact=True)
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)

    fig, ax = _figure_and_axes(ax, (0.5 * n_classes + 2.0, 0.5 * n_classes + 1.6))
    ax.imshow(counts, cmap="Blues", vmin=0)
    dark = counts > counts.max() / 2
    for (i, j), count in np.ndenumerate(counts):
        ax.text(
            j,
            i,
            str(count),
            ha="center",
            va="center",
            fontsize=9,
            color=COLORS["white"] if dark[i, j] else COLORS["black"],
        )
    ticks = np.arange(n_classes)
    ax.set_xticks(ticks, names)
    ax.set_yticks(ticks, names)
    accuracy = np.trace(counts) / y_true.size
    ax.set(
        xlabel=_text("predicted_class"),
        ylabel=_text("true_class"),
        title=_text("accuracy", accuracy=accuracy, right=np.trace(counts), total=y_true.size),
    )
    ax.grid(False)
    ax.spines[:].set_visible(False)
    return fig
