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

import functools
from collections.abc import Mapping

import contourpy
import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from utils.i18n import msg
from utils.nn import (
    log_softmax,
    relative_error,
    sigmoid,
    softmax,
    sparse_categorical_crossentropy,
)
from utils.plotting import plain_log_axis, plot_decision_regions, plot_softmax_bars
from utils.style import COLORS, course_style, figure_language, new_figure
from utils.synthetic import MULTILABEL_NAMES
from utils.ui.figure_widget import FigureWidget, control_looks

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
            **control_looks("320px"),
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
        **control_looks("200px"),
    )

    frame = {}  # the figure, built at the first frame; later moves update its artists

    @course_style()
    def draw(true_class, **zs):
        z = np.array([zs[f"z{k}"] for k in range(n)])
        a = softmax(z)
        if not frame:
            fig = plot_softmax_bars(z, true_class=true_class, labels=names)
            fig.set_size_inches(6.0, 3.4)
            ax = fig.axes[0]
            ax.set_ylabel(_fig("probability"))  # the bars' words, in the figure's language
            frame.update(fig=fig, ax=ax, bars=list(ax.patches), values=list(ax.texts))
        for k, (bar, value) in enumerate(zip(frame["bars"], frame["values"], strict=True)):
            bar.set_height(a[k])
            bar.set_facecolor(COLORS["highlight"] if k == true_class else COLORS["blue"])
            value.xy = (bar.get_x() + bar.get_width() / 2, a[k])
            value.set_text(f"{a[k]:.2f}")
        frame["ax"].set_title(
            _fig("bars_title", name=names[true_class], loss=-log_softmax(z)[true_class])
        )
        loss = -np.log(a[true_class]) if a[true_class] > 0 else np.inf
        probs = ", ".join(f"{p:.3f}" for p in a)
        return frame["fig"], _w(
            "explorer_message", probs=probs, total=a.sum(), name=names[true_class], loss=loss
        )

    return FigureWidget(draw, controls, title=_w("explorer_title"))


# --------------------------------------------------------------------------
# Two classes: softmax = sigmoid
# --------------------------------------------------------------------------


def _number(c: float) -> str:
    """``c`` with a real minus sign: −2, 0, 2."""
    return f"{c:g}".replace("-", "−")


def _z_minus(c: float) -> str:
    """z − c written properly: z + 2, z, z − 2 (never z − -2)."""
    if c == 0:
        return "z"
    return f"z {'+' if c < 0 else '−'} {abs(c):g}"


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
        right.plot(z, pair, color=color, label=f"softmax([z, {_number(c)}])₀ = σ({_z_minus(c)})")
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


def _exact_losses(Z64: np.ndarray, y: int) -> np.ndarray:
    """-log softmax(z)[y] of each row of ``Z64`` in float64, accurate to about one unit in the
    last place: the largest logit is taken out exactly and the rest enters through ``log1p``."""
    rows = np.arange(Z64.shape[0])
    m = np.argmax(Z64, axis=1)
    top = Z64[rows, m]
    E = np.exp(Z64 - top[:, None])
    E[rows, m] = 0.0  # the largest term, e^0 = 1, is the "1 +" of log1p
    return (top - Z64[:, y]) + np.log1p(E.sum(axis=1))


def _losses_of_rows(Z, y: int, dt: np.dtype) -> dict:
    """:func:`losses_three_ways` for every row of ``Z`` (float64 logits) at once: arrays."""
    with np.errstate(all="ignore"):
        Zd = Z.astype(dt)
        if not np.all(np.isfinite(Zd)):
            bad = Z[~np.all(np.isfinite(Zd), axis=1)][0]
            raise ValueError(
                f"the logits {bad.tolist()} do not fit in {dt.name} (largest "
                f"{float(np.finfo(dt).max):g})"
            )
        e = np.exp(Zd)
        textbook = -np.log((e / e.sum(axis=1, keepdims=True))[:, y])
        stable = -np.log(softmax(Zd)[:, y])
        labels = np.full(Zd.shape[0], y)
        from_logits = sparse_categorical_crossentropy(labels, Zd, from_logits=True)
    return {
        "textbook": textbook.astype(float),
        "stable": stable.astype(float),
        "from_logits": from_logits.astype(float),
        "reference": _exact_losses(Zd.astype(float), y),
    }


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
    return {key: float(v[0]) for key, v in _losses_of_rows(z[None, :], int(y), dt).items()}


def _relative_errors(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``relative_error(value, reference, relative_to="b")`` of every entry (inf where a value
    is not finite)."""
    with np.errstate(all="ignore"):
        diff = np.abs(values - reference)
        err = np.where(diff == 0, 0.0, diff / np.abs(reference))
    return np.where(np.isfinite(values), err, np.inf)


def _verdicts(values: np.ndarray, reference: np.ndarray, eps: float) -> np.ndarray:
    """:func:`verdict` of every entry at once."""
    close = _relative_errors(values, reference) <= 4 * eps
    return np.where(
        np.isnan(values),
        "nan",
        np.where(np.isinf(values), "inf", np.where(close, "exact", "lost digits")),
    )


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


def _lab_losses(dtype, scales) -> dict:
    """The lab's losses (:func:`losses_three_ways`) at every scale, as arrays."""
    Z = np.asarray(scales, dtype=float)[:, None] * STABILITY_LOGITS[None, :]
    return _losses_of_rows(Z, STABILITY_TRUE_CLASS, _as_dtype(dtype))


def failure_scales(dtype="float32", scales=None) -> dict:
    """Where each way of computing the lab's loss stops being exact, for one dtype.

    ``scales`` defaults to 2001 points spaced evenly on a log axis from 0.1 to
    1000.  Returns ``{path: {verdict: first scale}}`` for the verdicts 'lost
    digits', 'inf' and 'nan' that occur; an empty dict means the path stays
    exact over the whole range.
    """
    scales = np.geomspace(*SCALE_RANGE, 2001) if scales is None else np.asarray(scales, dtype=float)
    losses = _lab_losses(dtype, scales)
    eps = float(np.finfo(_as_dtype(dtype)).eps)
    out = {path: {} for path in PATHS}
    for path in PATHS:
        verdicts = _verdicts(losses[path], losses["reference"], eps)
        for v in ("lost digits", "inf", "nan"):  # the order a path usually fails in
            where = np.flatnonzero(verdicts == v)
            if where.size:
                out[path][v] = float(scales[where[0]])
        out[path] = dict(sorted(out[path].items(), key=lambda item: item[1]))
    return out


SWEEP_SCALES = np.geomspace(*SCALE_RANGE, 161)
"""The scales of the lab's right panel."""


@functools.lru_cache(maxsize=None)
def _sweep(dtype) -> dict:
    """{path: relative errors ready to plot} over :data:`SWEEP_SCALES`, computed once per dtype."""
    losses = _lab_losses(dtype, SWEEP_SCALES)
    return {
        path: _plotted(_relative_errors(losses[path], losses["reference"]), losses[path])
        for path in PATHS
    }


_FLOOR, _INF, _NAN = 1e-18, 1e2, 1e4  # where exact zeros, inf and nan are drawn (log axis)
_ERROR_TICKS = [1e-16, 1e-12, 1e-8, 1e-4, 1.0]


def _plotted(err, values):
    """Relative errors ready for a log axis: 0 -> floor, an inf loss -> _INF, a nan loss -> _NAN."""
    values = np.asarray(values, dtype=float)
    return np.where(
        np.isnan(values), _NAN, np.where(np.isinf(values), _INF, np.maximum(err, _FLOOR))
    )


class _LabFigure:
    """The lab's figure, built once; :meth:`show` moves its artists to a scale and a dtype."""

    @course_style()
    def __init__(self):
        self.fig = fig = new_figure(figsize=(12.0, 3.8), layout=None)
        fig.subplots_adjust(left=0.07, right=0.8, bottom=0.2, top=0.9, wspace=0.28)
        left, right = self.left, self.right = fig.subplots(1, 2, width_ratios=[1, 1.4])
        self.bars = left.bar(
            range(len(PATHS)),
            [1.0] * len(PATHS),
            bottom=_FLOOR,
            color=[PATH_COLORS[path] for path in PATHS],
            edgecolor=COLORS["black"],
            linewidth=0.6,
        )
        self.values = [
            left.text(i, 1.0, "", ha="center", va="bottom", fontsize=9) for i in range(len(PATHS))
        ]
        self.left_eps = left.axhline(1.0, color=COLORS["black"], linestyle=":", linewidth=1)
        left.set_yscale("log")
        left.set(ylim=(_FLOOR / 3, _NAN * 300), ylabel=_fig("relative_error"))
        plain_log_axis(left.yaxis, ticks=_ERROR_TICKS)
        left.set_xticks(range(len(PATHS)), [_fig(f"tick_{path}") for path in PATHS])
        left.grid(False, axis="x")
        self.curves = [
            right.plot(
                SWEEP_SCALES,
                np.full(SWEEP_SCALES.shape, _FLOOR),
                color=PATH_COLORS[path],
                label=_fig(f"path_{path}"),
                linewidth=width,
            )[0]
            for width, path in zip((4.0, 2.6, 1.4), PATHS)
        ]
        self.right_eps = right.axhline(
            1.0, color=COLORS["black"], linestyle=":", linewidth=1, label="ε"
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
        self.now = right.axvline(1.0, color=COLORS["grey"], linewidth=1)
        right.set(
            xscale="log",
            yscale="log",
            ylim=(_FLOOR / 3, _NAN * 30),
            xlabel=_fig("logit_scale"),
            ylabel=_fig("relative_error"),
            title=_fig("lab_right_title"),
        )
        plain_log_axis(right.yaxis, ticks=_ERROR_TICKS)
        right.xaxis.set_ticks([0.1, 1, 10, 100, 1000], ["0.1", "1", "10", "100", "1000"])
        right.xaxis.set_minor_locator(NullLocator())
        # outside the axes, on the right: it never covers a curve
        self.legend = right.legend(
            loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False
        )
        self.dtype = None

    def moving(self, _figure=None) -> list:
        """What a move of the scale changes, in drawing order: the bars, the ε line over them,
        their values, the left title, and the marker of the scale on the sweep.  A new dtype
        changes the sweep too, which draws the whole figure (``FigureWidget(moving=...)``)."""
        return [*self.bars, self.left_eps, *self.values, self.left.title, self.now]

    def show(self, scale, dtype, losses) -> Figure:
        if dtype != self.dtype:  # set only when they change: a set marks them for a redraw
            self._show_dtype(dtype)
        ref = losses["reference"]
        for i, path in enumerate(PATHS):
            value = losses[path]
            shown = float(_plotted(relative_error(value, ref, relative_to="b"), value))
            failed = not np.isfinite(value)
            self.bars[i].set_height(shown)
            self.bars[i].set_hatch("//" if failed else None)
            label = "nan" if np.isnan(value) else "inf" if np.isinf(value) else f"{value:.6g}"
            self.values[i].set(text=label, y=shown * 2, fontweight="bold" if failed else "normal")
        # the title's text alone: set_title() also resets the titles' placement (a redraw)
        self.left.title.set_text(_fig("lab_left_title", dtype=dtype, scale=scale, loss=ref))
        self.now.set_xdata([scale, scale])
        return self.fig

    def _show_dtype(self, dtype):
        """The machine epsilon and the sweep of ``dtype``."""
        eps = float(np.finfo(np.dtype(dtype)).eps)
        self.left_eps.set_ydata([eps, eps])
        self.right_eps.set_ydata([eps, eps])
        self.legend.get_texts()[len(PATHS)].set_text(_fig("machine_eps", dtype=dtype))
        for curve, path in zip(self.curves, PATHS):
            curve.set_ydata(_sweep(dtype)[path])
        self.dtype = dtype


def _lab_message(losses, dtype) -> str:
    """One line per way of computing the loss: its value and why it failed, if it did."""
    ref, parts = losses["reference"], []
    for path in PATHS:
        v = verdict(losses[path], ref, dtype)
        err = relative_error(losses[path], ref, relative_to="b")
        detail = _w(_REASONS.get((path, v), _REASONS[v]))
        if v not in ("nan", "inf"):
            detail += _w("with_relative_error", error=err)
        parts.append(_w("lab_line", label=_w(f"path_{path}"), value=losses[path], detail=detail))
    return "<br>".join(parts)


def stability_lab(scale=1.0, dtype="float32") -> FigureWidget:
    r"""The ``from_logits`` lab: logits ``scale * [2, 1, 0, -1]``, true class 1, in one dtype.

    Controls: ``scale`` (log slider, 0.1 to 1000) and ``dtype`` (float16,
    float32, float64).  Left: the relative error of each way of computing
    $-\log a_1$ at this scale; right: the same errors over the whole range of
    scales for this dtype, failures (nan/inf) drawn at the top.  The figure is built once and
    the sweeps of every dtype computed once; a move only updates what it changes.
    """
    dt = _as_dtype(dtype)
    if not SCALE_RANGE[0] <= scale <= SCALE_RANGE[1]:
        raise ValueError(
            f"scale must be between {SCALE_RANGE[0]} and {SCALE_RANGE[1]}, got {scale}"
        )
    for name in STABILITY_DTYPES:
        _sweep(name)
    lab = _LabFigure()

    @course_style()
    def draw(scale, dtype):
        losses = losses_three_ways(scale * STABILITY_LOGITS, STABILITY_TRUE_CLASS, dtype)
        return lab.show(scale, dtype, losses), _lab_message(losses, dtype)

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
            **control_looks("380px"),
        ),
        "dtype": widgets.Dropdown(
            options=list(STABILITY_DTYPES), value=dt.name, description="dtype"
        ),
    }
    return FigureWidget(draw, controls, title=_w("lab_title"), moving=lab.moving)


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
        plot_decision_regions(fn, X, y, resolution=100, ax=ax)
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


def _ticks(limits) -> list:
    """A few whole-number ticks inside ``limits`` (about three per axis)."""
    low, high = np.ceil(limits[0]), np.floor(limits[1])
    step = max(1.0, np.ceil((high - low) / 3))
    return list(np.arange(low, high + 0.5, step))


def _contour_lines(mesh, values, level) -> list:
    """The segments of ``values``' contour at ``level`` over ``mesh`` (``xx, yy``), as
    ``ax.contour`` would draw them (the same algorithm), for a ``LineCollection``."""
    generator = contourpy.contour_generator(
        *mesh, values, name=mpl.rcParams["contour.algorithm"], line_type="SeparateCode"
    )
    points, _codes = generator.lines(level)  # one array of points per line
    return points


class _MultilabelFigure:
    """The multi-label panels, built once; :meth:`show` moves them to a threshold."""

    @course_style()
    def __init__(self, X, Y, names, extent):
        from matplotlib.colors import ListedColormap

        self.X, self.Y, self.names = X, Y, names
        # a fixed layout (no layout engine) and few ticks: every redraw lays out less text
        self.fig = new_figure(figsize=(4.0 * len(names), 4.2), layout=None)
        self.fig.subplots_adjust(left=0.06, right=0.99, bottom=0.2, top=0.82, wspace=0.08)
        self.axes = self.fig.subplots(1, len(names), squeeze=False, sharey=True)[0]
        shade = ListedColormap([COLORS["white"], COLORS["sky"]])
        self.shades, self.wrong, self.lines = [], [], []
        for k, ax in enumerate(self.axes):
            self.shades.append(
                ax.imshow(
                    np.zeros((2, 2)),
                    extent=extent,
                    origin="lower",
                    cmap=shade,
                    vmin=0,
                    vmax=1,
                    alpha=0.35,
                    interpolation="nearest",
                    aspect="equal",
                )
            )
            yes = Y[:, k] == 1
            # marker lines rather than scatters: the same dots, drawn much faster
            dots = {"linestyle": "none", "marker": "o", "markersize": 4, "markeredgewidth": 0}
            ax.plot(*X[yes].T, color=COLORS["blue"], label=_fig("label_1"), **dots)
            ax.plot(*X[~yes].T, color=COLORS["grey"], alpha=0.6, label=_fig("label_0"), **dots)
            (cross,) = ax.plot(
                [],
                [],
                linestyle="none",
                marker="x",
                markersize=6,
                markeredgewidth=1.5,
                color=COLORS["vermillion"],
                label=_fig("wrong"),
            )
            self.wrong.append(cross)
            # the threshold's contour: its segments set on each move (no ContourSet made anew)
            self.lines.append(ax.add_collection(LineCollection([], colors=COLORS["black"], lw=0.8)))
            ax.set(xlabel="$x_1$", ylabel="$x_2$" if k == 0 else None, aspect="equal")
            ax.set_xlim(extent[:2])
            ax.set_ylim(extent[2:])
            ax.set_xticks(_ticks(extent[:2]))
            ax.set_yticks(_ticks(extent[2:]))
            ax.grid(False)
        handles, labels = self.axes[0].get_legend_handles_labels()
        self.fig.legend(  # below the panels: it never covers a point; inside the figure (blitting)
            handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncols=3, fontsize=9
        )
        self.suptitle = self.fig.suptitle("")

    def moving(self, _figure=None) -> list:
        """What a threshold move changes, in drawing order: each panel's shading, the dots over
        it, the crosses, the contour, the frame and the title; then the figure's title.  Tick
        labels, axis labels and the legend are drawn once (``FigureWidget(moving=...)``)."""
        panels = [
            [shade, *ax.lines, line, *ax.spines.values(), ax.title]
            for ax, shade, line in zip(self.axes, self.shades, self.lines)
        ]
        return [artist for panel in panels for artist in panel] + [self.suptitle]

    def show(self, threshold, grid, predicted, accuracy, mesh):
        drawn_names = _label_names(self.names, figure_language())
        for k, ax in enumerate(self.axes):
            values = grid[:, :, k]
            self.shades[k].set_data((values >= threshold).astype(float))
            self.lines[k].set_segments(_contour_lines(mesh, values, threshold))
            wrong = predicted[:, k] != self.Y[:, k]
            self.wrong[k].set_data(*self.X[wrong].T)
            # the title's text alone: set_title() also resets the titles' placement (a redraw)
            ax.title.set_text(_fig("label_accuracy", name=drawn_names[k], accuracy=accuracy[k]))
        self.suptitle.set_text(_fig("shaded", threshold=threshold))
        return self.fig


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
    extent = (
        X[:, 0].min() - pad,
        X[:, 0].max() + pad,
        X[:, 1].min() - pad,
        X[:, 1].max() + pad,
    )
    xs = np.linspace(extent[0], extent[1], resolution)
    ys = np.linspace(extent[2], extent[3], resolution)
    xx, yy = np.meshgrid(xs, ys)
    grid = np.asarray(predict_fn(np.column_stack([xx.ravel(), yy.ravel()])), dtype=float)
    grid = grid.reshape(resolution, resolution, -1)
    panels = _MultilabelFigure(X, Y, names, extent)

    @course_style()
    def draw(threshold):
        predicted = (P >= threshold).astype(int)
        accuracy = (predicted == Y).mean(axis=0)
        fig = panels.show(threshold, grid, predicted, accuracy, (xx, yy))
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
            **control_looks("360px"),
        )
    }
    return FigureWidget(draw, controls, title=_w("multilabel_title"), moving=panels.moving)
