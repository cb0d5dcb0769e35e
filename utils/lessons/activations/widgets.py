r"""Widgets and figures for lesson 02, activation functions.

Every widget is a :class:`utils.ui.figure_widget.FigureWidget`; its ``draw_*``
function is public too (a new figure each call), so a test (or a curious student) can call it
directly.

- :func:`activation_explorer`: one activation $g(z)$ and its slope $g'(z)$,
  with the flat regions (where $|g'(z)| < 0.05$) shaded.
- :func:`output_matcher`: a target (binary label, stock change, house price)
  against the range an output activation can produce.
- :func:`gradient_race`: the same small network trained with two hidden
  activations by plain gradient descent; loss curves and the gradient that
  reaches each layer at the start (the numbers: :func:`activation_race`, which the
  notebook calls ``race``; the widget reads them for every setting it offers from
  :mod:`utils.lessons.activations.race_table`, computed once).
- :func:`relu_puzzle`: three ReLU units whose sum should draw a broken line.
- :func:`plot_fits`: data and the curves of several fitted models, with their MSE.

The maths comes from :mod:`utils.nn` (``ACTIVATIONS``, ``DenseNetwork``, ``train``).
Each widget's figure is made once (:class:`ExplorerFigure`, :class:`MatcherFigure`,
:class:`RaceFigure`, :class:`PuzzleFigure`): a move of a control moves its artists and returns
the same figure, which ``FigureWidget`` then draws with its first frame's layout and crop (one
drawing pass, the same size every frame); legends sit under the axes, where they never cover
the data.
Every word they show comes from the message catalogue (:mod:`utils.i18n`, keys
``activations.widget.*``); text drawn in a figure uses :func:`utils.style.figure_language`.
The controls' values stay the same in every language (activation names, the English target
names of :data:`TARGETS`); only their labels are translated.
"""

from __future__ import annotations

import unicodedata

import ipywidgets as widgets
import numpy as np
from matplotlib import ticker
from matplotlib.transforms import Bbox

from utils.i18n import msg
from utils.lessons.activations.checks import (
    PUZZLE_CORNERS,
    PUZZLE_UNIT0,
    PUZZLE_X,
    puzzle_report,
    puzzle_target,
    puzzle_units,
)
from utils.lessons.activations.race import activation_race
from utils.lessons.activations.race_table import HIDDEN_LAYERS, LEARNING_RATES, lookup
from utils.nn import ACTIVATIONS
from utils.plotting import power_of_ten_label
from utils.style import COLORS, course_style, figure_language, new_figure
from utils.ui.figure_widget import FigureWidget, control_looks

FLAT = 0.05
"""A slope below this (in absolute value) counts as flat: gradient descent barely moves there."""

NAMES = tuple(ACTIVATIONS)
"""The element-wise activations of :mod:`utils.nn`:
linear, sigmoid, relu, tanh, leaky_relu, swish."""


def _w(key, **params):
    """A widget message in the language in use."""
    return msg(f"activations.widget.{key}", **params)


def _fig(key, **params):
    """A message drawn inside a figure (English where the language has no font)."""
    return msg(f"activations.widget.{key}", lang=figure_language(), **params)


def _check_name(name, what="name"):
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r} for {what}; choose one of {list(NAMES)}")
    return name


def _z_grid(z_range, points=801):
    try:
        low, high = (float(v) for v in z_range)
    except (TypeError, ValueError):
        raise TypeError(f"z_range must be a pair (low, high) of numbers, got {z_range!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"z_range must be (low, high) with low < high, got {z_range!r}")
    return np.linspace(low, high, points)


class _FigureLegend:
    """One legend under all the axes of a figure: it never covers the data, and a fixed place
    costs nothing to find at each redraw. While it shows the same artists it is only relabelled;
    when they change (an entry comes or goes) it is made anew, in the same place."""

    def __init__(self, fig):
        self.fig, self.legend, self.handles = fig, None, []

    def show(self, handles, labels, *, ncols=None, title=None):
        if self.legend is not None and list(handles) == self.handles:
            for text, label in zip(self.legend.texts, labels):
                text.set_text(label)
            if title is not None:
                self.legend.set_title(title)
            return
        if self.legend is not None:
            self.legend.remove()
        self.handles = list(handles)
        self.legend = self.fig.legend(
            handles, labels, loc="outside lower center", ncols=ncols or len(labels), title=title
        )


def _fixed_titles(*axes):
    """Titles just above their axes, where matplotlib puts them when no tick labels are at the
    top (as here), fixed there: not placed anew, by measuring the axes, at each drawing."""
    for ax in axes:
        ax.set_title("", y=1.0)


def _rescale(ax):
    """Fit ``ax``'s limits to what it shows now (its hidden artists left out)."""
    ax.relim(visible_only=True)
    ax.autoscale_view()


class _PlainLogFormatter(ticker.LogFormatter):
    """Tick labels of a log axis as plain text (10⁻³, 0.2), with no maths to typeset: the
    default labels ($10^{-3}$) are typeset anew at every redraw, which is slow."""

    def _num_to_string(self, x, vmin, vmax):
        exponent = np.log10(x)
        if abs(exponent) >= 3 and np.isclose(exponent, round(exponent)):
            return power_of_ten_label(round(exponent))
        return f"{x:g}"


def _log_scale(axis):
    """Put ``axis`` (``ax.yaxis``) on a log scale with plain-text tick labels."""
    axis.axes.set_yscale("log")
    axis.set_major_formatter(_PlainLogFormatter())
    axis.set_minor_locator(ticker.LogLocator(subs=(2.0, 5.0)))  # fewer ticks: faster
    axis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False, minor_thresholds=(1, 1)))


# ----------------------------------------------------------------------------------------
# 1. The activation explorer
# ----------------------------------------------------------------------------------------


def describe_activation(name, z_range=(-6.0, 6.0)):
    """Measured facts about activation ``name`` on ``z_range``.

    Returns a dict: ``low``/``high`` (smallest and largest output), ``slope_min``/``slope_max``
    (of $g'$), and ``flat`` (the share of the range where $|g'(z)| <$ :data:`FLAT`).
    """
    g, g_prime = ACTIVATIONS[_check_name(name)]
    z = _z_grid(z_range)
    a, slope = g(z), g_prime(z)
    return {
        "name": name,
        "z_range": (float(z[0]), float(z[-1])),
        "low": float(a.min()),
        "high": float(a.max()),
        "slope_min": float(slope.min()),
        "slope_max": float(slope.max()),
        "flat": float(np.mean(np.abs(slope) < FLAT)),
    }


def _describe_text(facts):
    lo, hi = facts["z_range"]
    return _w(
        "describe",
        name=facts["name"],
        lo=lo,
        hi=hi,
        low=facts["low"],
        high=facts["high"],
        slope_min=facts["slope_min"],
        slope_max=facts["slope_max"],
        flat=FLAT,
        share=facts["flat"],
    )


class ExplorerFigure:
    """The explorer's figure, made once: the curve g(z) (left) and its slope g'(z) (right).

    :meth:`draw` moves its artists to show new values and returns the same figure, so that
    :class:`~utils.ui.figure_widget.FigureWidget` keeps its first frame's layout and size.
    Without the slope, the curve takes the width of both panels: the figure keeps its size.
    """

    @course_style()
    def __init__(self):
        self.fig = new_figure(figsize=(9.0, 3.4))
        self.grid = self.fig.add_gridspec(1, 2)
        self.axes = [self.fig.add_subplot(self.grid[0, k]) for k in (0, 1)]
        self.curves = []  # per panel: the line of ``name``, the line of ``compare``
        for ax in self.axes:
            self.curves.append(
                (
                    ax.plot([], [], color=COLORS["blue"])[0],
                    ax.plot([], [], color=COLORS["orange"], linestyle="--")[0],
                )
            )
            ax.axhline(0, color=COLORS["grey"], linewidth=0.8)
        _fixed_titles(*self.axes)
        self.flat = self.axes[1].fill_between(
            [0.0, 1.0],
            0,
            1,
            where=[False, False],
            transform=self.axes[1].get_xaxis_transform(),
            color=COLORS["grey"],
            alpha=0.25,
            linewidth=0,
        )
        self.legend = _FigureLegend(self.fig)
        self.panels = None  # where the two panels were laid out (see keep_panels)

    def keep_panels(self):
        """Remember where the first frame put the two panels (it must have shown the slope):
        from then on the figure is not laid out again, and the curve alone spans both."""
        self.panels = tuple(ax.get_position().frozen() for ax in self.axes)

    def _arrange(self, derivative):
        curve, slope = self.axes
        slope.set_visible(derivative)
        if self.panels is None:  # not laid out yet: constrained layout places the panels
            curve.set_subplotspec(self.grid[0, 0] if derivative else self.grid[0, :])
            slope.set_in_layout(derivative)
        else:
            left, right = self.panels
            curve.set_position(left if derivative else Bbox.union([left, right]))

    @course_style()
    def draw(self, name="sigmoid", z_range=(-6.0, 6.0), derivative=True, compare="none"):
        """Show ``name`` (and ``compare`` unless 'none'), its slope when ``derivative``."""
        _check_name(name)
        if compare != "none":
            _check_name(compare, "compare")
        low, high = (float(v) for v in z_range)
        note = ""
        if high - low < 0.5:  # a range slider can be pinched to a point: widen it a little
            mid = (low + high) / 2
            low, high = mid - 0.25, mid + 0.25
            note = _w("widened")
        z = _z_grid((low, high))
        shown = [name] + ([compare] if compare not in ("none", name) else [])
        derivative = bool(derivative)
        self._arrange(derivative)
        if derivative:  # the regions where the slope is flat, shaded
            flat = np.abs(ACTIVATIONS[name][1](z)) < FLAT
            self.flat.set_data(z, np.zeros_like(z), np.ones_like(z), where=flat)
        for which, (ax, lines) in enumerate(zip(self.axes, self.curves)):
            if which == 1 and not derivative:
                break
            for line, n in zip(lines, [*shown, None]):
                line.set_visible(n is not None)
                if n is not None:
                    line.set_data(z, ACTIVATIONS[n][which](z))
            _rescale(ax)
            ax.set(xlabel="z", title="g(z)" if which == 0 else _fig("slope_title"))
        handles, labels = list(self.curves[0][: len(shown)]), list(shown)
        if derivative:
            handles.append(self.flat)
            labels.append(_fig("flat_label", name=name, flat=FLAT))
        self.legend.show(handles, labels)
        return self.fig, _describe_text(describe_activation(name, (low, high))) + note


def draw_activation(name="sigmoid", z_range=(-6.0, 6.0), derivative=True, compare="none"):
    """A new figure: the curve of ``name`` (and of ``compare`` unless 'none'), and its slope
    when ``derivative``; returns ``(figure, message)`` (see :class:`ExplorerFigure`)."""
    return ExplorerFigure().draw(name, z_range, derivative, compare)


def activation_explorer(name="sigmoid", z_range=(-6.0, 6.0), derivative=True, compare="relu"):
    """Pick an activation, a z-range, whether to show the slope, and one to compare with."""
    controls = {
        "name": widgets.ToggleButtons(
            options=list(NAMES),
            value=_check_name(name),
            description="g(z)",
            style={"button_width": "100px"},  # wide enough for "leaky_relu"
        ),
        "z_range": widgets.FloatRangeSlider(
            value=tuple(z_range),
            min=-20.0,
            max=20.0,
            step=0.5,
            description=_w("z_range"),
            continuous_update=False,
            **control_looks("400px"),
        ),
        "derivative": widgets.Checkbox(
            value=True,  # the first frame, which sets the layout, shows both panels
            description=_w("show_slope"),
            **control_looks(),
        ),
        "compare": widgets.Dropdown(
            options=[(_w("none"), "none")] + [(n, n) for n in NAMES],
            value=compare,
            description=_w("compare"),
        ),
    }
    explorer = ExplorerFigure()
    widget = FigureWidget(explorer.draw, controls, title=_w("explorer_title"))
    explorer.keep_panels()
    if not derivative:
        widget.set(derivative=False)
    return widget


# ----------------------------------------------------------------------------------------
# 2. Matching the output activation to the target's range
# ----------------------------------------------------------------------------------------

OUTPUT_RANGES = {"linear": (-np.inf, np.inf), "sigmoid": (0.0, 1.0), "relu": (0.0, np.inf)}
"""What each output activation can produce (sigmoid never quite reaches 0 or 1)."""

TARGETS = {
    "binary label (0 or 1)": (0.0, 1.0),
    "stock price change (%)": (-np.inf, np.inf),
    "house price ($1000s)": (0.0, np.inf),
}
"""Each target and the values it can take."""

BEST_OUTPUT = {
    "binary label (0 or 1)": "sigmoid",
    "stock price change (%)": "linear",
    "house price ($1000s)": "relu",
}
"""The activation whose range is exactly the target's range."""

_TARGET_KEYS = {
    "binary label (0 or 1)": "binary",
    "stock price change (%)": "stock",
    "house price ($1000s)": "house",
}
"""Each target's section of the catalogue (``activations.widget.<key>``: label, one, many)."""


def _target_word(target, form, lang=None):
    """The ``form`` ('label', 'one' or 'many') of ``target`` in ``lang`` (default: in use)."""
    return msg(f"activations.widget.{_TARGET_KEYS[target]}.{form}", lang=lang)


def target_samples(target, n=300, seed=0):
    """``n`` made-up, seeded examples of a target (for the histogram of the matcher)."""
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; choose one of {list(TARGETS)}")
    rng = np.random.default_rng(seed)
    if target.startswith("binary"):
        return (rng.random(n) < 0.4).astype(float)
    if target.startswith("stock"):
        return rng.normal(0.2, 2.0, n)
    return rng.lognormal(np.log(300.0), 0.4, n)


def _range_text(lo, hi, open_ends=False):
    left = "-∞" if lo == -np.inf else f"{lo:g}"
    right = "∞" if hi == np.inf else f"{hi:g}"
    if open_ends:
        brackets = ("(", ")")
    else:
        brackets = ("[" if lo > -np.inf else "(", "]" if hi < np.inf else ")")
    return f"{brackets[0]}{left}, {right}{brackets[1]}"


def output_verdict(target, activation, n=300, seed=0):
    """How well ``activation``'s output range fits ``target``: a dict with a ``verdict`` text.

    ``kind`` is 'match' (same range), 'too narrow' (some targets can never be output, counted
    in ``unreachable``) or 'too wide' (it can output values the target never takes).
    """
    if activation not in OUTPUT_RANGES:
        raise ValueError(
            f"unknown output activation {activation!r}; choose one of {list(OUTPUT_RANGES)}"
        )
    values = target_samples(target, n, seed)
    lo, hi = OUTPUT_RANGES[activation]
    dlo, dhi = TARGETS[target]
    unreachable = int(np.sum((values < lo) | (values > hi)))
    name = _target_word(target, "one")
    span = _range_text(lo, hi, open_ends=activation == "sigmoid")
    if lo > dlo or hi < dhi:
        kind = "too narrow"
        text = _w(
            "too_narrow",
            g=activation,
            span=span,
            unreachable=unreachable,
            n=n,
            names=_target_word(target, "many"),
            share=unreachable / n,
        )
    elif lo < dlo or hi > dhi:
        kind = "too wide"
        extra = _w("and").join(
            ([_w("values_below", value=dlo)] if lo < dlo else [])
            + ([_w("values_above", value=dhi)] if hi > dhi else [])
        )
        why = _w("not_probabilities") if dhi == 1.0 else _w("never_is", name=name)
        text = _w(
            "too_wide",
            g=activation,
            name=name,
            extra=extra,
            why=why,
            best=BEST_OUTPUT[target],
        )
    else:
        kind = "match"
        what = (
            _w("probability_of_1")
            if target.startswith("binary")
            else _w("values_it_takes", name=name)
        )
        text = _w("fits", g=activation, span=span, what=what)
    return {"kind": kind, "unreachable": unreachable, "n": n, "verdict": text}


class MatcherFigure:
    """The matcher's figure, made once: the output activation's curve (left) beside a histogram
    of the target (right), on the same value axis; :meth:`draw` moves its artists."""

    @course_style()
    def __init__(self):
        self.fig = new_figure(figsize=(9.0, 3.6))
        self.axes = self.fig.subplots(1, 2, sharey=True, width_ratios=[1, 1.3])
        _fixed_titles(*self.axes)
        self.curve = self.axes[0].plot([], [], color=COLORS["blue"])[0]
        self.reach, self.impossible = [], []  # per panel: what g can output, what y never is
        for ax in self.axes:
            self.reach.append(ax.axhspan(0, 1, color=COLORS["green"], alpha=0.15, linewidth=0))
            self.impossible.append(
                [
                    ax.axhspan(
                        0, 1, facecolor="none", edgecolor=COLORS["wrong"], hatch="//", linewidth=0
                    )
                    for _ in range(2)  # below the target's values, above them
                ]
            )
        self.counts = [  # one filled outline each, not a patch per bin: faster to redraw
            self.axes[1].stairs([0], [0, 1], orientation="horizontal", fill=True, color=color)
            for color in (COLORS["blue"], COLORS["wrong"])
        ]
        self.legend = _FigureLegend(self.fig)

    @course_style()
    def draw(self, target="house price ($1000s)", activation="sigmoid"):
        """Show ``target`` against what ``activation`` can output; returns the verdict too."""
        result = output_verdict(target, activation)
        values = target_samples(target)
        lo, hi = OUTPUT_RANGES[activation]
        inside = (values >= lo) & (values <= hi)
        top = max(1.0, float(values.max()))
        bottom = min(0.0, float(values.min()))
        pad = 0.15 * (top - bottom)
        ylim = (bottom - pad, top + pad)
        dlo, dhi = TARGETS[target]
        reach = 1.2 * max(abs(ylim[0]), abs(ylim[1]))
        z = np.linspace(-reach, reach, 801)
        self.curve.set_data(z, ACTIVATIONS[activation][0](z))
        low, high = max(lo, ylim[0]), min(hi, ylim[1])
        impossible = [(a, b) for a, b in ((low, dlo), (dhi, high)) if a < b]
        for span, hatched in zip(self.reach, self.impossible):
            span.set_bounds(0, low, 1, high - low)
            for k, patch in enumerate(hatched):  # outputs this target never takes
                patch.set_visible(k < len(impossible))
                if k < len(impossible):
                    start, stop = impossible[k]
                    patch.set_bounds(0, start, 1, stop - start)
        if target.startswith("binary"):
            bins = np.array([-0.1, 0.1, 0.9, 1.1])
        else:
            bins = np.linspace(*ylim, 41)
        handles = [self.reach[0]] + self.impossible[0][: min(len(impossible), 1)]
        labels = [_fig("can_output", g=activation)] + [_fig("impossible")] * len(handles[1:])
        for counts, part, key in zip(self.counts, (inside, ~inside), ("reachable", "out_of_reach")):
            counts.set_visible(bool(part.any()))
            if part.any():
                counts.set_data(np.histogram(values[part], bins=bins)[0], bins)
                handles.append(counts)
                labels.append(_fig(key))
        curve, hist = self.axes
        curve.set(
            xlabel="z",
            ylabel=_fig("output_value"),
            title=_fig("output_layer", g=activation),
            ylim=ylim,
        )
        for ax in self.axes:
            _rescale(ax)
        hist.set(
            xlabel=_fig("number_of_examples"),
            title=_target_word(target, "label", figure_language()),
        )
        self.legend.show(handles, labels)
        return self.fig, result["verdict"]


def draw_output_match(target="house price ($1000s)", activation="sigmoid"):
    """A new figure: the output activation's curve beside a histogram of the target, on the
    same value axis; returns ``(figure, verdict)`` (see :class:`MatcherFigure`)."""
    return MatcherFigure().draw(target, activation)


def output_matcher(target="house price ($1000s)", activation="sigmoid"):
    """Choose a target and an output activation; see which values the network could produce."""
    controls = {
        "target": widgets.Dropdown(
            options=[(_target_word(t, "label"), t) for t in TARGETS],
            value=target,
            description=_w("target"),
            **control_looks("300px"),
        ),
        "activation": widgets.ToggleButtons(
            options=list(OUTPUT_RANGES), value=activation, description=_w("output_g")
        ),
    }
    return FigureWidget(MatcherFigure().draw, controls, title=_w("matcher_title"))


# ----------------------------------------------------------------------------------------
# 3. The gradient race: sigmoid vs ReLU hidden layers
# ----------------------------------------------------------------------------------------


race = activation_race
"""The name the lesson's notebook uses (``race(...)``); lesson 04's ``race`` races optimizers."""


def format_layer_gradients(results):
    """The ``layer_gradients`` of :func:`activation_race` as a table, one row per activation.

    With two activations a last row gives, layer by layer, how many times larger the second
    one's gradient is than the first one's: the fair comparison (the same layer, the same
    weights to start from).
    """
    names = list(results)
    if not names:
        raise ValueError("results is empty: pass what race() returned")
    grads = {n: np.asarray(results[n]["layer_gradients"], dtype=float) for n in names}
    n_layers = len(grads[names[0]])
    rows = [[""] + [_w("layer", k=k) for k in range(1, n_layers + 1)]]
    rows += [[n] + [f"{g:#.3g}" for g in grads[n]] for n in names]
    if len(names) == 2:
        first, second = names
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = grads[second] / grads[first]
        rows.append([_w("ratio", first=first, second=second)] + [f"{q:.1f}×" for q in ratio])
    widths = [max(_width(row[i]) for row in rows) for i in range(n_layers + 1)]
    return "\n".join(
        "  ".join(_pad(cell, w, left=i == 0) for i, (cell, w) in enumerate(zip(row, widths)))
        for row in rows
    )


def _width(text: str) -> int:
    """Columns ``text`` takes in a monospaced font (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, left: bool) -> str:
    """``text`` padded with spaces to ``width`` columns, on the right if ``left`` else before."""
    gap = " " * max(width - _width(text), 0)
    return text + gap if left else gap + text


def race_results(names, hidden_layers, learning_rate, epochs=300):
    """:func:`activation_race` of ``names`` (seed 0): read from the precomputed table
    (:mod:`utils.lessons.activations.race_table`) for every setting the widget offers,
    trained here for any other."""
    stored = {n: lookup(n, hidden_layers, learning_rate, epochs) for n in names}
    missing = tuple(n for n, r in stored.items() if r is None)
    if missing:
        stored.update(
            activation_race(
                missing, hidden_layers=hidden_layers, learning_rate=learning_rate, epochs=epochs
            )
        )
    return stored


class RaceFigure:
    """The race's figure, made once: loss curves (left) and the gradient reaching each layer at
    the start (right); :meth:`draw` moves its artists (curves, bars, legend text) and returns
    the same figure, so that a move of a control costs one drawing pass."""

    COLORS = (COLORS["vermillion"], COLORS["blue"])

    @course_style()
    def __init__(self):
        self.fig = new_figure(figsize=(9.5, 3.6))
        self.left, self.right = self.fig.subplots(1, 2)
        _fixed_titles(self.left, self.right)
        self.curves = [self.left.plot([], [], color=color)[0] for color in self.COLORS]
        self.bars = [[], []]  # per network: one bar per layer, the widget's most made at once
        self._enough_bars(HIDDEN_LAYERS[-1] + 1)
        _log_scale(self.left.yaxis)
        _log_scale(self.right.yaxis)
        self.legend = _FigureLegend(self.fig)

    def _enough_bars(self, layers):
        for bars, color in zip(self.bars, self.COLORS):
            missing = layers - len(bars)
            if missing > 0:
                bars += self.right.bar(np.arange(missing), np.ones(missing), color=color).patches

    @course_style()
    def draw(self, first="sigmoid", second="relu", hidden_layers=3, learning_rate=0.03, epochs=300):
        """Show the race of ``first`` and ``second``; returns the message under the figure."""
        names = [first] if first == second else [first, second]
        for name in names:
            _check_name(name)
        results = race_results(names, hidden_layers, learning_rate, epochs)
        width = 0.8 / len(names)
        layers = np.arange(1, hidden_layers + 2)
        self._enough_bars(layers.size)
        labels = []
        for k, (curve, bars) in enumerate(zip(self.curves, self.bars)):
            r = results[names[k]] if k < len(names) else None
            curve.set_visible(r is not None)
            for i, bar in enumerate(bars):
                bar.set_visible(r is not None and i < layers.size)
            if r is None:
                continue
            loss = np.array(r["loss"], dtype=float)
            loss[~np.isfinite(loss)] = np.nan
            curve.set_data(np.arange(1, loss.size + 1), loss)
            labels.append(
                _fig("final_loss_label", name=names[k], loss=r["final_loss"])
                + (_fig("diverged") if r["diverged"] else "")
            )
            middles = layers + (k - (len(names) - 1) / 2) * width
            for bar, middle, gradient in zip(bars, middles, r["layer_gradients"]):
                bar.set_bounds(middle - width / 2, 0, width, gradient)
        _rescale(self.left)
        _rescale(self.right)
        self.left.set(
            xlabel=_fig("epoch"),
            ylabel=_fig("mean_squared_error"),
            title=_fig("training_title", layers=hidden_layers, learning_rate=learning_rate),
        )
        self.right.set(
            xlabel=_fig("layer_axis"),
            ylabel=_fig("rms_axis"),
            title=_fig("reaching_title"),
            xticks=layers,
        )
        self.legend.show(self.curves[: len(names)], labels, title=_fig("final_loss"))
        parts = [
            _w(
                "race_part",
                name=n,
                loss=results[n]["final_loss"],
                diverged=_w("diverged") if results[n]["diverged"] else "",
                gradient=results[n]["layer_gradients"][0],
            )
            for n in names
        ]
        return self.fig, _w("race_message", epochs=epochs, parts=_w("race_separator").join(parts))


def draw_race(first="sigmoid", second="relu", hidden_layers=3, learning_rate=0.03, epochs=300):
    """A new figure: loss curves of the race (left) and the gradient reaching each layer at the
    start (right); returns ``(figure, message)`` (see :class:`RaceFigure`)."""
    return RaceFigure().draw(first, second, hidden_layers, learning_rate, epochs)


def gradient_race(first="sigmoid", second="relu", hidden_layers=3, learning_rate=0.03):
    """Race two hidden activations on the wavy data set (results of every setting precomputed)."""
    controls = {
        "first": widgets.Dropdown(
            options=list(NAMES), value=_check_name(first), description=_w("hidden_a")
        ),
        "second": widgets.Dropdown(
            options=list(NAMES), value=_check_name(second), description=_w("hidden_b")
        ),
        "hidden_layers": widgets.IntSlider(
            value=hidden_layers,
            min=HIDDEN_LAYERS[0],
            max=HIDDEN_LAYERS[-1],
            description=_w("layers"),
            continuous_update=False,
            **control_looks("320px"),
        ),
        "learning_rate": widgets.SelectionSlider(
            options=list(LEARNING_RATES),
            value=learning_rate,
            description="α",
            continuous_update=False,
            **control_looks("320px"),
        ),
    }
    return FigureWidget(RaceFigure().draw, controls, title=_w("race_title"))


# ----------------------------------------------------------------------------------------
# 4. The ReLU puzzle
# ----------------------------------------------------------------------------------------


class PuzzleFigure:
    """The puzzle's figure, made once: each unit's output max(0, w x + b) (left) and their sum
    against the target (right); :meth:`draw` moves its artists."""

    COLORS = (COLORS["grey"], COLORS["orange"], COLORS["green"])

    @course_style()
    def __init__(self):
        self.fig = new_figure(figsize=(9.5, 3.6))
        self.left, self.right = self.fig.subplots(1, 2, sharey=True)
        _fixed_titles(self.left, self.right)
        zeros = np.zeros_like(PUZZLE_X)
        self.units, self.kinks = [], []  # each unit's line, and where it switches on
        for color in self.COLORS:
            self.units.append(self.left.plot(PUZZLE_X, zeros, color=color)[0])
            self.kinks.append(self.left.axvline(0, color=color, linestyle=":", linewidth=1.2))
        target = puzzle_target()
        self.target = self.right.plot(
            PUZZLE_X, target, color=COLORS["black"], linestyle="--", linewidth=3
        )[0]
        self.total = self.right.plot(PUZZLE_X, zeros, color=COLORS["blue"])[0]
        self.gap = self.right.fill_between(
            PUZZLE_X, target, zeros, color=COLORS["wrong"], alpha=0.2, linewidth=0
        )
        corners_x, corners_y = zip(*PUZZLE_CORNERS)
        self.right.plot(corners_x, corners_y, "o", color=COLORS["black"], markersize=5)
        self.right.set(ylim=(-0.5, 6.5), xlabel="x")
        self.left.set(xlabel="x", ylabel=_fig("output"))
        self.left.title.set_text(_fig("units_title"))  # the text alone: the place stays fixed
        self.right.title.set_text(_fig("sum_title"))
        self.legend = _FigureLegend(self.fig)

    def moving(self, _figure=None) -> list:
        """What a move changes, in drawing order: the units and their kinks, the gap, the lines
        over it (target, sum, corners) and the legend's labels.  The axes, their ticks and
        texts are drawn once (``FigureWidget(moving=...)``)."""
        return [*self.left.lines, self.gap, *self.right.lines, self.legend.legend]

    @course_style()
    def draw(self, w1=0.0, b1=0.0, w2=0.0, b2=0.0):
        """Show units 1 and 2 at ``(w1, b1)`` and ``(w2, b2)``; returns the verdict too."""
        units = puzzle_units(w1, b1, w2, b2)
        total, target = units.sum(axis=0), puzzle_target()
        matched, gap, where, problem = puzzle_report(w1, b1, w2, b2)
        labels = []
        for k, ((w, b), unit, line, kink) in enumerate(
            zip((PUZZLE_UNIT0, (w1, b1), (w2, b2)), units, self.units, self.kinks)
        ):
            fixed = _fig("fixed") if k == 0 else ""
            sign = "+" if b >= 0 else "−"
            slope = f"{w + 0.0:g}".replace("-", "−")  # + 0.0: no "−0"
            labels.append(_fig("unit_label", k=k, w=slope, sign=sign, b=abs(b), fixed=fixed))
            line.set_ydata(unit)
            kink.set_visible(bool(w != 0 and 0 <= -b / w <= 3))
            if kink.get_visible():
                kink.set_xdata([-b / w, -b / w])
        self.total.set_ydata(total)
        self.gap.set_data(PUZZLE_X, target, total)
        labels += [_fig("target_line"), _fig("sum_line")]
        self.legend.show([*self.units, self.target, self.total], labels, ncols=2)
        if matched and not problem:
            return self.fig, _w("puzzle_solved")
        if matched:  # the sum is right, so what is left is units 1 and 2 doing each other's job
            return self.fig, problem[:1].upper() + problem[1:]
        return self.fig, _w("puzzle_not_yet", gap=gap, where=where, problem=problem)


def draw_relu_puzzle(w1=0.0, b1=0.0, w2=0.0, b2=0.0):
    """A new figure: each unit's output (left) and their sum against the target (right);
    returns ``(figure, verdict)`` (see :class:`PuzzleFigure`)."""
    return PuzzleFigure().draw(w1, b1, w2, b2)


def relu_puzzle(w1=0.0, b1=0.0, w2=0.0, b2=0.0):
    """Sliders for units 1 and 2 (unit 0 is fixed at w = -2, b = 2)."""

    def slider(value, low, high, name):
        return widgets.FloatSlider(
            value=value,
            min=low,
            max=high,
            step=0.5,
            description=name,
            continuous_update=True,
            **control_looks("340px"),
        )

    controls = {
        "w1": slider(w1, -3, 3, "w1"),
        "b1": slider(b1, -6, 6, "b1"),
        "w2": slider(w2, -3, 3, "w2"),
        "b2": slider(b2, -6, 6, "b2"),
    }
    puzzle = PuzzleFigure()
    return FigureWidget(puzzle.draw, controls, title=_w("puzzle_title"), moving=puzzle.moving)


# ----------------------------------------------------------------------------------------
# 5. Fits on the wavy data
# ----------------------------------------------------------------------------------------


@course_style()
def plot_fits(x, y, fits):
    """Scatter ``(x, y)`` and draw each fitted curve; ``fits`` maps a name to predictions at ``x``.

    Each legend entry shows that model's mean squared error on the data.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if x.shape != y.shape:
        raise ValueError(f"x and y must hold the same number of points, got {x.size} and {y.size}")
    if not isinstance(fits, dict) or not fits:
        raise TypeError("fits must be a non-empty dict: name -> predictions at x")
    order = np.argsort(x)
    colors = [COLORS["vermillion"], COLORS["blue"], COLORS["green"], COLORS["purple"]]
    fig = new_figure(figsize=(6.0, 3.8))
    ax = fig.add_subplot()
    ax.scatter(x, y, s=12, color=COLORS["grey"], label=_fig("data"))
    for (name, pred), color in zip(fits.items(), colors * 2):
        pred = np.asarray(pred, dtype=float).ravel()
        if pred.shape != x.shape:
            raise ValueError(
                f"fits[{name!r}] must hold one prediction per point ({x.size}), got {pred.size}"
            )
        mse = float(np.mean((pred - y) ** 2))
        ax.plot(x[order], pred[order], color=color, label=_fig("fit_label", name=name, mse=mse))
    ax.set(xlabel="x", ylabel="y")
    ax.legend(loc="upper left")
    return fig
