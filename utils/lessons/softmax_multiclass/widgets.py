r"""Widgets and figures for lesson 03: softmax and multiclass classification.

* :func:`softmax_explorer` -- one slider per logit, the probability bars and
  the loss $-\log a_y$ for a true class chosen from a dropdown;
* :func:`plot_two_class_softmax` -- softmax over two classes next to the sigmoid;
* :func:`losses_three_ways`, :func:`stability_lab`, :func:`failure_scales` --
  the ``from_logits`` stability lab: the cross-entropy of scaled logits in
  float16/32/64, computed by the textbook formula, by a stable softmax then
  log, and from the logits (log-sum-exp), each compared with an exact reference;
* :func:`compare_decision_regions` -- decision regions of several models side by side;
* :func:`multilabel_explorer` -- a threshold slider over three sigmoid outputs.

Every widget is a :class:`~utils.ui.figure_widget.FigureWidget`; tests drive them
with ``.set(...)``. Every word they show comes from the message catalogue (:mod:`utils.i18n`,
keys ``softmax_multiclass.widget.*``); text drawn in a figure uses
:func:`utils.style.figure_language` (English where the language has no font here).
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from utils.i18n import msg
from utils.nn import (
    log_softmax,
    relative_error,
    sigmoid,
    softmax,
    sparse_categorical_crossentropy,
)
from utils.plotting import plot_decision_regions, plot_softmax_bars
from utils.style import COLORS, course_style, figure_language, new_figure
from utils.synthetic import MULTILABEL_NAMES
from utils.ui.figure_widget import FigureWidget

__all__ = [
    "softmax_explorer",
    "plot_two_class_softmax",
    "STABILITY_DTYPES",
    "DTYPES",
    "STABILITY_LOGITS",
    "STABILITY_TRUE_CLASS",
    "losses_three_ways",
    "verdict",
    "failure_scales",
    "stability_lab",
    "compare_decision_regions",
    "multilabel_explorer",
]

LOGIT_RANGE = (-6.0, 6.0)
_SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉"


def _w(key, **params):
    """A widget message in the language in use."""
    return msg(f"softmax_multiclass.widget.{key}", **params)


def _fig(key, **params):
    """A message drawn inside a figure (English where the language has no font)."""
    return msg(f"softmax_multiclass.widget.{key}", lang=figure_language(), **params)


# --------------------------------------------------------------------------
# Softmax explorer
# --------------------------------------------------------------------------


def _logit_controls(logits):
    return {
        f"z{k}": widgets.FloatSlider(
            value=float(v),
            min=LOGIT_RANGE[0],
            max=LOGIT_RANGE[1],
            step=0.1,
            description=f"z{_SUBSCRIPTS[k]}",
            continuous_update=False,
            layout=widgets.Layout(width="230px"),
        )
        for k, v in enumerate(logits)
    }


def softmax_explorer(logits=(1.0, 2.0, 3.0, 4.0), true_class=3, labels=None) -> FigureWidget:
    r"""Sliders for the logits $z_k$, bars for $a_k = \mathrm{softmax}(z)_k$, the loss $-\log a_y$.

    ``logits``: 2 to 8 starting values in [-6, 6]; ``true_class``: the index
    of the true class $y$ (a dropdown lets the student change it); ``labels``:
    optional class names.  The message lists the probabilities, their sum and
    the loss.
    """
    z0 = np.asarray(logits, dtype=float)
    if z0.ndim != 1 or not 2 <= z0.size <= 8:
        raise ValueError(f"logits must hold 2 to 8 values (one per class), got {np.shape(logits)}")
    if np.any(z0 < LOGIT_RANGE[0]) or np.any(z0 > LOGIT_RANGE[1]):
        raise ValueError(
            f"logits must lie in {list(LOGIT_RANGE)} (the sliders' range), got {z0.tolist()}"
        )
    n = z0.size
    names = [str(k) for k in range(n)] if labels is None else [str(s) for s in labels]
    if len(names) != n:
        raise ValueError(f"labels must name each of the {n} classes, got {len(names)} names")
    if (
        isinstance(true_class, bool)
        or not isinstance(true_class, (int, np.integer))
        or not 0 <= true_class < n
    ):
        raise ValueError(f"true_class must be a class index 0..{n - 1}, got {true_class!r}")

    controls = _logit_controls(z0)
    choices = [(f"y = {s}", k) for k, s in enumerate(names)]
    controls["true_class"] = widgets.Dropdown(
        options=choices,
        value=int(true_class),
        description=_w("true_class"),
        layout=widgets.Layout(width="200px"),
    )

    @course_style()
    def draw(true_class, **zs):
        z = np.array([zs[f"z{k}"] for k in range(n)])
        a = softmax(z)
        fig = plot_softmax_bars(z, true_class=true_class, labels=names)
        fig.set_size_inches(6.0, 3.4)
        ax = fig.axes[0]  # the bars' words, in the figure's language
        ax.set_title(_fig("bars_title", name=names[true_class], loss=-log_softmax(z)[true_class]))
        ax.set_ylabel(_fig("probability"))
        loss = -np.log(a[true_class]) if a[true_class] > 0 else np.inf
        probs = ", ".join(f"{p:.3f}" for p in a)
        return fig, _w(
            "explorer_message", probs=probs, total=a.sum(), name=names[true_class], loss=loss
        )

    return FigureWidget(draw, controls, title=_w("explorer_title"))


# --------------------------------------------------------------------------
# Two classes: softmax = sigmoid
# --------------------------------------------------------------------------


@course_style()
def plot_two_class_softmax(z=None, others=(-2.0, 0.0, 2.0)) -> Figure:
    r"""Two classes: $\mathrm{softmax}([z, 0])_0$ on $\sigma(z)$ (left), and
    $\mathrm{softmax}([z, c])_0 = \sigma(z - c)$ for a few $c$ (right).

    ``z``: the points of the horizontal axis (default 161 points in [-8, 8]);
    ``others``: values $c$ of the second logit for the right panel.
    """
    z = np.linspace(-8.0, 8.0, 161) if z is None else np.asarray(z, dtype=float)
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"z must be 1-D with at least 2 points, got shape {z.shape}")
    two = softmax(np.stack([z, np.zeros_like(z)], axis=1))[:, 0]
    sig = sigmoid(z)
    fig = new_figure(figsize=(9.0, 3.4))
    left, right = fig.subplots(1, 2, sharey=True)
    left.plot(z, sig, color=COLORS["blue"], label="sigmoid σ(z)")
    left.plot(z[::8], two[::8], "o", color=COLORS["orange"], markersize=5, label="softmax([z, 0])₀")
    left.set(
        xlabel="z",
        ylabel=_fig("probability_of_class_0"),
        title=_fig("largest_difference", gap=np.abs(two - sig).max()),
    )
    left.legend(loc="upper left")
    for color, c in zip((COLORS["green"], COLORS["blue"], COLORS["purple"]), others):
        pair = softmax(np.stack([z, np.full_like(z, c)], axis=1))[:, 0]
        right.plot(z, pair, color=color, label=f"softmax([z, {c:g}])₀ = σ(z − {c:g})")
    right.set(xlabel="z", title=_fig("only_the_difference"))
    right.legend(loc="upper left", fontsize=8)
    return fig


# --------------------------------------------------------------------------
# The from_logits stability lab
# --------------------------------------------------------------------------

STABILITY_DTYPES = ("float16", "float32", "float64")
"""The precisions the stability lab computes the loss in."""
DTYPES = STABILITY_DTYPES  # the older name
STABILITY_LOGITS = np.array([2.0, 1.0, 0.0, -1.0])
"""The lab's logits are ``scale * STABILITY_LOGITS``."""
STABILITY_TRUE_CLASS = 1
"""The true class is 1 while the model prefers class 0: at large scales it is confidently wrong.

Then $e^{z_0}$ overflows first (so the textbook formula gives inf, and nan once
$e^{z_1}$ overflows too) and $a_1$ underflows (so a stable softmax then log
loses digits, then gives inf), while the loss itself is an ordinary number.
"""
PATHS = ("textbook", "stable", "from_logits")
"""The three ways of computing the loss; each is named by the catalogue key ``path_<way>``."""
PATH_COLORS = {
    "textbook": COLORS["vermillion"],
    "stable": COLORS["orange"],
    "from_logits": COLORS["blue"],
}
SCALE_RANGE = (0.1, 1000.0)


def _as_dtype(dtype) -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.name not in STABILITY_DTYPES:
        raise ValueError(f"dtype must be one of {list(STABILITY_DTYPES)}, got {dtype!r}")
    return dt


def _exact_loss(z64: np.ndarray, y: int) -> float:
    """-log softmax(z)[y] in float64, accurate to about one unit in the last place."""
    m = int(np.argmax(z64))
    rest = np.exp(np.delete(z64, m) - z64[m]).sum()
    return float((z64[m] - z64[y]) + np.log1p(rest))


def losses_three_ways(z, y, dtype="float32") -> dict:
    r"""The cross-entropy $-\log a_y$ of one example's logits ``z``, three ways in ``dtype``.

    Returns a dict of Python floats: ``textbook`` ($e^{z}$, divide by the sum,
    log -- no max-subtraction), ``stable`` (:func:`utils.nn.softmax`, which
    subtracts the max, then log), ``from_logits``
    (:func:`utils.nn.sparse_categorical_crossentropy` with ``from_logits=True``,
    log-sum-exp), and ``reference``: the exact loss of the same logits (rounded
    to ``dtype``), computed in float64 with ``log1p``.
    """
    dt = _as_dtype(dtype)
    z = np.asarray(z, dtype=float)
    if z.ndim != 1 or z.size < 2:
        raise ValueError(
            f"z must be the logits of one example, 1-D with >= 2 values, got {z.shape}"
        )
    if isinstance(y, bool) or not isinstance(y, (int, np.integer)) or not 0 <= y < z.size:
        raise ValueError(f"y must be a class index 0..{z.size - 1}, got {y!r}")
    with np.errstate(all="ignore"):
        zd = z.astype(dt)
        if not np.all(np.isfinite(zd)):
            raise ValueError(
                f"the logits {z.tolist()} do not fit in {dt.name} (largest "
                f"{float(np.finfo(dt).max):g})"
            )
        e = np.exp(zd)
        textbook = -np.log((e / e.sum())[y])
        stable = -np.log(softmax(zd)[y])
        from_logits = sparse_categorical_crossentropy(np.array([y]), zd[None, :], from_logits=True)[
            0
        ]
    return {
        "textbook": float(textbook),
        "stable": float(stable),
        "from_logits": float(from_logits),
        "reference": _exact_loss(zd.astype(float), y),
    }


def verdict(value: float, reference: float, dtype="float32") -> str:
    """'nan', 'inf', 'lost digits' or 'exact' for one computed loss.

    'exact' means within 4 units of the dtype's machine epsilon (relative).
    """
    eps = float(np.finfo(_as_dtype(dtype)).eps)
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return "inf"
    return (
        "exact" if relative_error(value, reference, relative_to="b") <= 4 * eps else "lost digits"
    )


_REASONS = {  # verdict (or (path, verdict)) -> the catalogue key of its explanation
    "nan": "reason_nan",
    ("textbook", "inf"): "reason_textbook_inf",
    "inf": "reason_inf",
    "lost digits": "reason_lost_digits",
    "exact": "reason_exact",
}


def failure_scales(dtype="float32", scales=None) -> dict:
    """Where each way of computing the lab's loss stops being exact, for one dtype.

    ``scales`` defaults to 2001 points spaced evenly on a log axis from 0.1 to
    1000.  Returns ``{path: {verdict: first scale}}`` for the verdicts 'lost
    digits', 'inf' and 'nan' that occur; an empty dict means the path stays
    exact over the whole range.
    """
    scales = np.geomspace(*SCALE_RANGE, 2001) if scales is None else np.asarray(scales, dtype=float)
    out = {path: {} for path in PATHS}
    for s in scales:
        losses = losses_three_ways(s * STABILITY_LOGITS, STABILITY_TRUE_CLASS, dtype)
        for path in PATHS:
            v = verdict(losses[path], losses["reference"], dtype)
            if v != "exact":
                out[path].setdefault(v, float(s))
    return out


def _sweep(dtype, scales):
    """{path: relative errors ready to plot} over ``scales``."""
    rows = [losses_three_ways(s * STABILITY_LOGITS, STABILITY_TRUE_CLASS, dtype) for s in scales]
    return {
        path: _plotted(
            np.array([relative_error(r[path], r["reference"], relative_to="b") for r in rows]),
            [r[path] for r in rows],
        )
        for path in PATHS
    }


_FLOOR, _INF, _NAN = 1e-18, 1e2, 1e4  # where exact zeros, inf and nan are drawn (log axis)


def _plotted(err, values):
    """Relative errors ready for a log axis: 0 -> floor, an inf loss -> _INF, a nan loss -> _NAN."""
    values = np.asarray(values, dtype=float)
    return np.where(
        np.isnan(values), _NAN, np.where(np.isinf(values), _INF, np.maximum(err, _FLOOR))
    )


def stability_lab(scale=1.0, dtype="float32") -> FigureWidget:
    r"""The ``from_logits`` lab: logits ``scale * [2, 1, 0, -1]``, true class 1, in one dtype.

    Controls: ``scale`` (log slider, 0.1 to 1000) and ``dtype`` (float16,
    float32, float64).  Left: the relative error of each way of computing
    $-\log a_1$ at this scale; right: the same errors over the whole range of
    scales for this dtype, failures (nan/inf) drawn at the top.
    """
    dt = _as_dtype(dtype)
    if not SCALE_RANGE[0] <= scale <= SCALE_RANGE[1]:
        raise ValueError(
            f"scale must be between {SCALE_RANGE[0]} and {SCALE_RANGE[1]}, got {scale}"
        )
    sweep_scales = np.geomspace(*SCALE_RANGE, 161)
    sweeps = {}

    @course_style()
    def draw(scale, dtype):
        if dtype not in sweeps:
            sweeps[dtype] = _sweep(dtype, sweep_scales)
        eps = float(np.finfo(np.dtype(dtype)).eps)
        z = scale * STABILITY_LOGITS
        losses = losses_three_ways(z, STABILITY_TRUE_CLASS, dtype)
        ref = losses["reference"]
        fig = new_figure(figsize=(10.5, 3.8))
        left, right = fig.subplots(1, 2, width_ratios=[1, 1.4])
        for i, path in enumerate(PATHS):
            value = losses[path]
            err = relative_error(value, ref, relative_to="b")
            shown = float(_plotted(err, value))
            failed = not np.isfinite(value)
            left.bar(
                i,
                shown,
                bottom=_FLOOR,
                color=PATH_COLORS[path],
                edgecolor=COLORS["black"],
                linewidth=0.6,
                hatch="//" if failed else None,
            )
            label = "nan" if np.isnan(value) else "inf" if np.isinf(value) else f"{value:.6g}"
            left.text(
                i,
                shown * 2,
                label,
                ha="center",
                va="bottom",
                fontsize=9,
                fontweight="bold" if failed else "normal",
            )
        left.axhline(eps, color=COLORS["black"], linestyle=":", linewidth=1)
        left.set_yscale("log")
        left.set(
            ylim=(_FLOOR / 3, _NAN * 300),
            ylabel=_fig("relative_error"),
            title=_fig("lab_left_title", dtype=dtype, scale=scale, loss=ref),
        )
        left.set_xticks(range(len(PATHS)), [_fig(f"tick_{path}") for path in PATHS])
        left.grid(False, axis="x")
        for width, path in zip((4.0, 2.6, 1.4), PATHS):
            right.plot(
                sweep_scales,
                sweeps[dtype][path],
                color=PATH_COLORS[path],
                label=_fig(f"path_{path}"),
                linewidth=width,
            )
        right.axhline(
            eps,
            color=COLORS["black"],
            linestyle=":",
            linewidth=1,
            label=_fig("machine_eps", dtype=dtype),
        )
        for level, text in ((_INF, "inf"), (_NAN, "nan")):
            right.axhspan(level / 4, level * 4, color=COLORS["vermillion"], alpha=0.08)
            right.text(
                SCALE_RANGE[0] * 1.2,
                level,
                text,
                fontsize=9,
                color=COLORS["vermillion"],
                va="center",
            )
        right.axvline(scale, color=COLORS["grey"], linewidth=1)
        right.set(
            xscale="log",
            yscale="log",
            ylim=(_FLOOR / 3, _NAN * 30),
            xlabel=_fig("logit_scale"),
            ylabel=_fig("relative_error"),
            title=_fig("lab_right_title"),
        )
        right.legend(loc="center right", fontsize=8, frameon=True, framealpha=0.9)
        parts = []
        for path in PATHS:
            v = verdict(losses[path], ref, dtype)
            err = relative_error(losses[path], ref, relative_to="b")
            detail = _w(_REASONS.get((path, v), _REASONS[v]))
            if v not in ("nan", "inf"):
                detail += _w("with_relative_error", error=err)
            parts.append(
                _w("lab_line", label=_w(f"path_{path}"), value=losses[path], detail=detail)
            )
        return fig, "<br>".join(parts)

    controls = {
        "scale": widgets.FloatLogSlider(
            value=float(scale),
            base=10,
            min=-1,
            max=3,
            step=0.01,
            description=_w("logit_scale"),
            continuous_update=False,
            readout_format=".3g",
        ),
        "dtype": widgets.Dropdown(
            options=list(STABILITY_DTYPES), value=dt.name, description="dtype"
        ),
    }
    return FigureWidget(draw, controls, title=_w("lab_title"))


# --------------------------------------------------------------------------
# Decision regions of several models
# --------------------------------------------------------------------------


@course_style()
def compare_decision_regions(predict_fns: Mapping, X, y) -> Figure:
    """One decision-region panel per model, titled with its accuracy on ``(X, y)``.

    ``predict_fns`` maps a title to a function from an (n, 2) array to class
    probabilities or logits (n, K) -- the argmax is the predicted class.
    """
    if not isinstance(predict_fns, Mapping) or not predict_fns:
        raise TypeError("predict_fns must be a non-empty dict {title: function}")
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    fig = new_figure(figsize=(4.6 * len(predict_fns), 4.0))
    axes = fig.subplots(1, len(predict_fns), squeeze=False)[0]
    for ax, (title, fn) in zip(axes, predict_fns.items()):
        if not callable(fn):
            raise TypeError(f"predict_fns[{title!r}] must be a function, got {type(fn).__name__}")
        accuracy = float((np.asarray(fn(X)).argmax(axis=1) == y).mean())
        plot_decision_regions(fn, X, y, resolution=150, ax=ax)
        ax.set_title(_fig("regions_title", title=title, accuracy=accuracy))
    return fig


# --------------------------------------------------------------------------
# Multi-label: one threshold over three sigmoid outputs
# --------------------------------------------------------------------------

#: The catalogue keys of the names of :data:`utils.synthetic.MULTILABEL_NAMES`, in order.
_MULTILABEL_KEYS = ("name_right_half", "name_upper_half", "name_inside_the_circle")


def _label_names(names, lang=None):
    """``names`` to show in ``lang``: the toy data's own label names are translated."""
    if tuple(names) == tuple(MULTILABEL_NAMES):
        return [msg(f"softmax_multiclass.widget.{key}", lang=lang) for key in _MULTILABEL_KEYS]
    return list(names)


def multilabel_explorer(
    predict_fn, X, Y, names=MULTILABEL_NAMES, threshold=0.5, resolution=120
) -> FigureWidget:
    r"""A threshold slider over a multi-label model's sigmoid outputs, one panel per label.

    ``predict_fn`` maps an (n, 2) array to probabilities (n, L); ``X`` (n, 2)
    and ``Y`` (n, L) of 0/1 are the examples shown.  Each panel shades where
    that output's probability is at least the threshold, marks wrong
    predictions with a cross, and gives the label's accuracy.  The default ``names``, those of
    :func:`utils.synthetic.make_multilabel`, are shown in the language in use.
    """
    if not callable(predict_fn):
        raise TypeError(f"predict_fn must be a function, got {type(predict_fn).__name__}")
    X, Y = np.asarray(X, dtype=float), np.asarray(Y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {X.shape}")
    if Y.ndim != 2 or Y.shape[0] != X.shape[0] or not np.isin(Y, [0, 1]).all():
        raise ValueError(
            f"Y must hold 0/1 labels of shape (n, L) with n = {X.shape[0]}, got shape {Y.shape}"
        )
    names = list(names)
    if len(names) != Y.shape[1]:
        raise ValueError(f"names must have one name per label ({Y.shape[1]}), got {len(names)}")
    if not 0 < threshold < 1:
        raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
    P = np.asarray(predict_fn(X), dtype=float)
    if P.shape != Y.shape:
        raise ValueError(f"predict_fn must return probabilities of shape {Y.shape}, got {P.shape}")
    pad = 0.1
    xs = np.linspace(X[:, 0].min() - pad, X[:, 0].max() + pad, resolution)
    ys = np.linspace(X[:, 1].min() - pad, X[:, 1].max() + pad, resolution)
    xx, yy = np.meshgrid(xs, ys)
    grid = np.asarray(predict_fn(np.column_stack([xx.ravel(), yy.ravel()])), dtype=float)
    grid = grid.reshape(resolution, resolution, -1)

    @course_style()
    def draw(threshold):
        drawn_names = _label_names(names, figure_language())
        predicted = (P >= threshold).astype(int)
        accuracy = (predicted == Y).mean(axis=0)
        fig = new_figure(figsize=(4.0 * len(names), 3.9))
        for k, ax in enumerate(fig.subplots(1, len(names), squeeze=False)[0]):
            ax.contourf(
                xx,
                yy,
                (grid[:, :, k] >= threshold).astype(float),
                levels=[0.5, 1.5],
                colors=[COLORS["sky"]],
                alpha=0.35,
            )
            if grid[:, :, k].min() < threshold < grid[:, :, k].max():
                ax.contour(
                    xx,
                    yy,
                    grid[:, :, k],
                    levels=[threshold],
                    colors=COLORS["black"],
                    linewidths=0.8,
                )
            yes = Y[:, k] == 1
            ax.scatter(*X[yes].T, s=14, color=COLORS["blue"], label=_fig("label_1"))
            ax.scatter(*X[~yes].T, s=14, color=COLORS["grey"], alpha=0.6, label=_fig("label_0"))
            wrong = predicted[:, k] != Y[:, k]
            ax.scatter(
                *X[wrong].T, s=40, marker="x", color=COLORS["vermillion"], label=_fig("wrong")
            )
            ax.set(
                title=_fig("label_accuracy", name=drawn_names[k], accuracy=accuracy[k]),
                xlabel="$x_1$",
                ylabel="$x_2$" if k == 0 else None,
                aspect="equal",
            )
            ax.grid(False)
        fig.axes[0].legend(loc="lower left", fontsize=8, frameon=True, framealpha=0.9)
        fig.suptitle(_fig("shaded", threshold=threshold))
        rows = _w("row_separator").join(
            _w("label_row", name=n, accuracy=a) for n, a in zip(_label_names(names), accuracy)
        )
        return fig, _w(
            "multilabel_message",
            threshold=threshold,
            rows=rows,
            predicted=predicted.sum(axis=0).tolist(),
            true=Y.sum(axis=0).tolist(),
        )

    controls = {
        "threshold": widgets.FloatSlider(
            value=float(threshold),
            min=0.05,
            max=0.95,
            step=0.05,
            description=_w("threshold"),
            continuous_update=False,
        )
    }
    return FigureWidget(draw, controls, title=_w("multilabel_title"))
