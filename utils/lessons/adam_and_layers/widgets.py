r"""Widgets for lesson 04 (Adam and other layer types).

* :func:`optimizer_race_widget` -- gradient descent and Adam race from the same
  start on a 2-D cost surface (bowls stretched 1, 25 and 1000 times, Rosenbrock's
  banana); each has its own learning rate, and the message reports each one's
  final $J$ and the step from which $J$ stays below a tolerance.
* :func:`sweep_figure` -- the same race at every learning rate of a grid and one step
  budget (:func:`learning_rate_sweep`): which rates settle, and how soon.
* :func:`training_curves_figure` -- Keras training histories side by side (the digits network
  trained with gradient descent and with Adam, see ``training.py``).
* :func:`step_size_widget` -- how big a step Adam takes for a parameter whose
  gradient is steady, tiny, oscillating or noisy, next to gradient descent.
* :func:`conv_window_widget` -- an EKG-like signal with the windows a
  ``Conv1D(kernel_size, strides)`` layer looks at (placed by :func:`utils.nn.conv1d_windows`,
  re-exported here as ``conv_windows``).

The numbers come from the course's reference optimizers, ``utils.nn.Adam`` and
``utils.nn.GradientDescent`` (which match Keras step for step).  Every widget
is a :class:`~utils.ui.figure_widget.FigureWidget`; the functions that compute
and draw (:func:`optimizer_race`, :func:`race_figure`, :func:`adam_step_ratios`, ...)
can also be called on their own.

Every word they show comes from the message catalogue (:mod:`utils.i18n`, keys
``adam_and_layers.widget.*``); text drawn in a figure uses :func:`utils.style.figure_language`.
The names that pick things in code (``SURFACES``, ``OPTIMIZERS``, ``GRADIENT_PATTERNS``, the
keys of :func:`optimizer_race`'s result) stay English in every language.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import dataclass
from typing import Callable

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from utils.i18n import msg
from utils.nn import Adam, GradientDescent
from utils.nn.conv import conv1d_windows as conv_windows  # re-exported under the lesson's name
from utils.plotting import plain_log_axis
from utils.style import CLASS_COLORS, COLORS, course_style, figure_language, new_figure
from utils.ui.figure_widget import FigureWidget, control_looks
from utils.validation import as_float_array, as_labels, check_positive

__all__ = [
    "SURFACES",
    "TOLERANCE",
    "RATES",
    "SWEEP_STEPS",
    "OPTIMIZERS",
    "Surface",
    "RaceResult",
    "optimizer_race",
    "race",
    "race_figure",
    "optimizer_race_widget",
    "Sweep",
    "learning_rate_sweep",
    "sweep_summary",
    "sweep_figure",
    "training_curves_figure",
    "GRADIENT_PATTERNS",
    "adam_step_ratios",
    "step_size_figure",
    "step_size_widget",
    "conv_windows",
    "conv_windows_figure",
    "conv_window_widget",
]

TOLERANCE = 1e-3
"""A run has *settled* from the first step after which its cost J stays below this value."""

DIVERGED = 1e6
"""A run whose parameters grow beyond this size has diverged; it stops there."""

RATES = tuple(float(f"{10 ** (k / 10):.3g}") for k in range(-40, 6))
"""The learning rates the sweep tries for both optimizers: 10 per decade, 0.0001 to 3.16."""

SWEEP_STEPS = 1000
"""The sweep's budget: every optimizer gets this many steps at every learning rate."""

RACE_STEPS = 1000
"""The most steps the race widget offers: every race runs this far once and is then cached."""


def _w(key, **params):
    """A widget message in the language in use."""
    return msg(f"adam_and_layers.widget.{key}", **params)


def _fig(key, **params):
    """A message drawn inside a figure (English where the language has no font)."""
    return msg(f"adam_and_layers.widget.{key}", lang=figure_language(), **params)


_SLIDER = "360px"  # long enough for its steps

#: The catalogue key of each English name shown to a student (surfaces, optimizers, patterns).
_NAME_KEYS = {
    "round bowl": "round_bowl",
    "elongated bowl": "elongated_bowl",
    "badly conditioned bowl": "badly_conditioned_bowl",
    "banana (Rosenbrock)": "banana",
    "gradient descent": "gradient_descent",
    "Adam": "adam",
    "steady, g = 1": "steady",
    "steady and tiny, g = 0.001": "tiny",
    "oscillating, g = +1, −1, +1, …": "oscillating",
    "noisy with a drift, g = 0.3 + noise": "noisy",
}


def _shown(name, lang=None) -> str:
    """``name`` (a surface, optimizer or gradient pattern) in ``lang`` (default: in use)."""
    key = _NAME_KEYS.get(name)
    return name if key is None else msg(f"adam_and_layers.widget.{key}", lang=lang)


def _width(text: str) -> int:
    """Columns ``text`` takes in a monospaced font (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# ----------------------------------------------------------------------------------------
# Cost surfaces
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Surface:
    """A 2-D cost ``J(w1, w2)`` (vectorised), its gradient, a start point and plot limits.

    ``grad(p)`` takes points ``p`` of shape (..., 2) and returns the gradients, same shape.
    """

    name: str
    formula: str
    J: Callable
    grad: Callable
    start: tuple
    xlim: tuple
    ylim: tuple
    minimum: tuple

    def cost(self, theta) -> float:
        return float(self.J(theta[0], theta[1]))


def _bowl(a, b):
    def grad(p):
        return np.stack([2 * a * p[..., 0], 2 * b * p[..., 1]], axis=-1)

    return (lambda x, y: a * x**2 + b * y**2, grad)


def _rosenbrock_J(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_grad(p):
    x, y = p[..., 0], p[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)


SURFACES = {
    "round bowl": Surface(
        "round bowl",
        "J = w1² + w2²",
        *_bowl(1.0, 1.0),
        start=(-4.5, 1.5),
        xlim=(-5.0, 5.0),
        ylim=(-2.0, 2.0),
        minimum=(0.0, 0.0),
    ),
    "elongated bowl": Surface(
        "elongated bowl",
        "J = w1² + 25 w2²",
        *_bowl(1.0, 25.0),
        start=(-4.5, 1.5),
        xlim=(-5.0, 5.0),
        ylim=(-2.0, 2.0),
        minimum=(0.0, 0.0),
    ),
    "badly conditioned bowl": Surface(
        "badly conditioned bowl",
        "J = w1² + 1000 w2²",
        *_bowl(1.0, 1000.0),
        start=(-4.5, 1.5),
        xlim=(-5.0, 5.0),
        ylim=(-2.0, 2.0),
        minimum=(0.0, 0.0),
    ),
    "banana (Rosenbrock)": Surface(
        "banana (Rosenbrock)",
        "J = (1 − w1)² + 100 (w2 − w1²)²",
        _rosenbrock_J,
        _rosenbrock_grad,
        start=(-1.5, 2.5),
        xlim=(-2.0, 2.0),
        ylim=(-1.0, 3.0),
        minimum=(1.0, 1.0),
    ),
}
"""The race's cost surfaces by name; the minimum of each is J = 0."""


def _surface(name) -> Surface:
    if isinstance(name, Surface):
        return name
    if name not in SURFACES:
        raise ValueError(f"unknown surface {name!r}; choose one of {list(SURFACES)}")
    return SURFACES[name]


# ----------------------------------------------------------------------------------------
# The race
# ----------------------------------------------------------------------------------------

OPTIMIZERS = {"gradient descent": GradientDescent, "Adam": Adam}
"""The two racers: the course's reference optimizers (they match Keras step for step)."""


@functools.lru_cache(maxsize=64)
def _runs(surface: Surface, name: str, rates: tuple, steps: int):
    """Run one optimizer from the surface's start at each learning rate in ``rates``, together.

    Returns read-only arrays ``(paths, costs, diverged)``: paths (n, steps + 1, 2) and costs
    (n, steps + 1), NaN after a run diverged; diverged (n,) the step at which it did (0: never).
    One reference optimizer with learning rate 1 computes every run's step; each run scales it
    by its own rate.  Both updates are proportional to the learning rate, so this is the step
    of the optimizer built with that rate.  Computed once per surface, optimizer, rates, steps.
    """
    rates_col = np.asarray(rates, dtype=float)[:, None]
    theta = np.tile(np.asarray(surface.start, dtype=float), (len(rates), 1))
    optimizer, update = OPTIMIZERS[name](1.0), np.zeros_like(theta)
    paths = np.full((len(rates), steps + 1, 2), np.nan)
    costs = np.full((len(rates), steps + 1), np.nan)
    diverged = np.zeros(len(rates), dtype=int)
    paths[:, 0], costs[:, 0] = theta, surface.J(theta[:, 0], theta[:, 1])
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, steps + 1):
            alive = diverged == 0
            if not alive.any():
                break
            update[:] = 0.0
            optimizer.step(update, np.where(alive[:, None], surface.grad(theta), 0.0))
            new = theta + rates_col * update  # update = -(the step at learning rate 1)
            bad = alive & ~(
                np.all(np.isfinite(new), axis=1) & (np.abs(new).max(axis=1) <= DIVERGED)
            )
            diverged[bad] = step
            keep = alive & ~bad
            theta[keep] = new[keep]
            paths[keep, step] = theta[keep]
            costs[keep, step] = surface.J(theta[keep, 0], theta[keep, 1])
    for array in (paths, costs, diverged):
        array.flags.writeable = False
    return paths, costs, diverged


def _settled(costs, tolerance):
    """The first step from which every cost is below ``tolerance`` (None: not by the end)."""
    below = costs < tolerance
    if not below[-1]:
        return None
    above = np.flatnonzero(~below)
    return int(above[-1]) + 1 if above.size else 0


@dataclass
class RaceResult:
    """One optimizer's run: the points visited, J at each, when it settled or diverged."""

    name: str
    learning_rate: float
    path: np.ndarray  # (k + 1, 2): the start and the point after each step
    costs: np.ndarray  # J at each point of ``path``
    settled: int | None  # J < tolerance from this step to the end (None: not within the steps)
    diverged: int | None  # the step at which the parameters blew up (None: they did not)
    tolerance: float = TOLERANCE
    minimum: tuple = (0.0, 0.0)  # where J = 0

    @property
    def final_cost(self) -> float:
        return float(self.costs[-1])

    @property
    def distance(self) -> np.ndarray:
        """The distance to the minimum at each point of ``path``."""
        return np.linalg.norm(self.path - np.asarray(self.minimum), axis=1)

    def summary(self) -> str:
        """One line such as 'Adam (α = 0.3): J = 3.1e-09 after 200 steps; J < 0.001 from step
        102 on'."""
        head = _w("race_head", name=_shown(self.name), rate=self.learning_rate)
        if self.diverged is not None:
            return head + _w("race_diverged", step=self.diverged)
        steps = len(self.costs) - 1
        settled = (
            _w("race_settled", tolerance=self.tolerance, step=self.settled)
            if self.settled is not None
            else _w("race_not_settled", tolerance=self.tolerance)
        )
        return head + _w("race_final", final=self.final_cost, steps=steps, settled=settled)


def _result(surface, name, rate, steps, tolerance, grid=()) -> RaceResult:
    """The first ``steps`` steps of a run of at least :data:`RACE_STEPS` steps (cached): a
    shorter race is the beginning of a longer one, so moving the steps slider computes nothing.
    A ``rate`` in ``grid`` (a slider's rates, all run together once) is read from that run."""
    row = next((i for i, r in enumerate(grid) if math.isclose(rate, r, rel_tol=1e-9)), None)
    rates = grid if row is not None else (float(rate),)
    paths, costs, diverged = _runs(surface, name, rates, max(steps, RACE_STEPS))
    row = row or 0
    blew_up = int(diverged[row]) if 0 < diverged[row] <= steps else None
    stop = blew_up or steps + 1
    path, cost = paths[row, :stop], costs[row, :stop]
    return RaceResult(
        name,
        rate,
        path,
        cost,
        None if blew_up else _settled(cost, tolerance),
        blew_up,
        tolerance,
        surface.minimum,
    )


def optimizer_race(
    surface="elongated bowl",
    gd_lr=0.03,
    adam_lr=0.3,
    steps=200,
    tolerance=TOLERANCE,
    *,
    grids=None,
) -> dict[str, RaceResult]:
    """Run gradient descent and Adam from the surface's start point for ``steps`` steps.

    Returns ``{"gradient descent": RaceResult, "Adam": RaceResult}``.  Runs are cached, so
    asking again for the same surface, rate and steps costs nothing.  ``grids`` (``{optimizer:
    rates}``, the widget's slider positions) runs every rate of a grid at once, the first time
    one of them is asked for: a move to another position of the slider then computes nothing.

    >>> r = optimizer_race("round bowl", gd_lr=0.1, adam_lr=0.3, steps=150)
    >>> r["gradient descent"].settled, r["Adam"].settled
    (23, 84)
    """
    surface = _surface(surface)
    check_positive(steps, "steps", integer=True)
    check_positive(tolerance, "tolerance")
    check_positive(gd_lr, "gd_lr")
    check_positive(adam_lr, "adam_lr")
    grids = grids or {}
    return {
        name: _result(surface, name, rate, steps, tolerance, grids.get(name, ()))
        for name, rate in (("gradient descent", gd_lr), ("Adam", adam_lr))
    }


race = optimizer_race
"""The name the lesson's notebook uses (``race(...)``); lesson 02's ``race`` races activations."""


class _RaceCanvas:
    """The race's figure, made once and redrawn in place: moving a control changes lines,
    markers and texts, nothing is built anew; a new surface swaps the contours.  Few distinct
    texts, plain-text tick labels and one legend below both panels keep a redraw quick."""

    def __init__(self):
        with course_style():
            self.fig = new_figure(figsize=(10.5, 4.4), layout=None)
            self.left, self.right = self.fig.subplots(
                1,
                2,
                gridspec_kw={
                    "width_ratios": [1.15, 1],
                    **{"left": 0.06, "right": 0.975, "bottom": 0.2, "top": 0.93, "wspace": 0.2},
                },
            )
            self.paths, self.starts, self.ends, self.curves, self.dots = [], [], [], [], []
            for color in CLASS_COLORS[: len(OPTIMIZERS)]:
                self.paths.append(self.left.plot([], [], color=color, marker="o", ms=3)[0])
                self.starts.append(
                    self.left.plot([], [], "o", ms=8, mfc=COLORS["white"], color=color)[0]
                )
                self.ends.append(
                    self.left.plot([], [], "*", ms=13, color=color, mec=COLORS["black"])[0]
                )
                self.curves.append(self.right.semilogy([], [], color=color)[0])
                self.dots.append(
                    self.right.plot([], [], "o", color=color, ms=7, mec=COLORS["black"])[0]
                )
            self.tolerance = self.right.axhline(1.0, color=COLORS["grey"], linestyle="--", lw=1)
            start = Line2D([], [], ls="", marker="o", mfc=COLORS["white"], mec=COLORS["black"])
            end = Line2D([], [], ls="", marker="*", ms=11, color=COLORS["black"])
            self.legend = self.fig.legend(
                handles=[*self.paths, start, end, self.tolerance],
                labels=[*OPTIMIZERS, _fig("path_start"), _fig("path_end"), ""],
                loc="lower center",
                ncol=5,
                bbox_to_anchor=(0.5, 0.0),
                frameon=False,
            )
            self.left.set(xlabel="w₁", ylabel="w₂")  # plain text: drawn faster than $w_1$
            self.left.grid(False)
            self.right.set(xlabel=_fig("step_axis"), ylabel=_fig("cost_axis"))
            self.right.set_title(_fig("cost_title"))
            self.right.xaxis.set_major_locator(MaxNLocator(5, integer=True))
            plain_log_axis(self.right.yaxis)
        self.surface, self.contours = None, None

    def _show_surface(self, surface: Surface):
        """Contours, limits and title of ``surface`` (in place of the previous surface's)."""
        if self.contours is not None:
            self.contours.remove()
        xx, yy, values, levels = _contour_grid(surface)
        with course_style():
            self.contours = self.left.contour(
                xx,
                yy,
                values,
                levels=levels,
                colors=mpl.colormaps["viridis"](np.linspace(0, 1, len(levels))),
                linewidths=0.8,
                alpha=0.7,
                zorder=1,
            )
        lang = figure_language()
        self.left.set(xlim=surface.xlim, ylim=surface.ylim)
        self.left.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
        self.left.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
        title = _fig("surface_title", name=_shown(surface.name, lang), formula=surface.formula)
        self.left.set_title(title)
        self.surface = surface

    def moving(self, _figure=None) -> list:
        """What a move of a learning rate or of the steps changes: the paths on the still
        contours, and the whole cost panel (its limits follow the race, so its ticks move too).
        The contours, the left panel's text and the legend are drawn once per surface
        (``FigureWidget(moving=...)``)."""
        return [*self.left.lines, self.right]

    def draw(self, surface, results, steps, tolerance) -> Figure:
        if surface is not self.surface:
            self._show_surface(surface)
        lang = figure_language()
        legend = self.legend.get_texts()
        for i, r in enumerate(results.values()):
            self.paths[i].set_data(r.path[:, 0], r.path[:, 1])
            self.starts[i].set_data(r.path[:1, 0], r.path[:1, 1])
            self.ends[i].set_data(r.path[-1:, 0], r.path[-1:, 1])
            self.curves[i].set_data(np.arange(len(r.costs)), np.maximum(r.costs, 1e-16))
            label = _shown(r.name, lang)
            if r.diverged is not None:
                label = _fig("diverged_label", name=label)
            legend[i].set_text(label)
            settled = [] if r.settled is None else [r.settled]
            self.dots[i].set_data(settled, r.costs[settled])
        self.tolerance.set_ydata([tolerance, tolerance])
        legend[-1].set_text(_fig("tolerance_label", tolerance=tolerance))
        self.right.set_xlim(0, steps)
        self.right.relim()
        self.right.autoscale_view(scalex=False)
        return self.fig


@functools.lru_cache(maxsize=len(SURFACES))
def _contour_grid(surface: Surface, resolution=200, levels=30):
    """The grid, the values of J on it and the contour levels (log-spaced for the banana)."""
    xx, yy = np.meshgrid(
        np.linspace(*surface.xlim, resolution), np.linspace(*surface.ylim, resolution)
    )
    values = surface.J(xx, yy)
    depth = values - values.min()
    low = np.percentile(depth, 5)
    if low > 0 and depth.max() / low > 100:  # a narrow valley: even levels would hide it
        return xx, yy, values, values.min() + np.geomspace(low, depth.max(), levels)
    return xx, yy, values, np.linspace(values.min(), values.max(), levels)


def slider_values(slider: widgets.FloatLogSlider) -> tuple[float, ...]:
    """Every value a log slider can take: ``base ** exponent`` at each of its steps."""
    count = round((slider.max - slider.min) / slider.step) + 1
    return tuple(float(slider.base ** (slider.min + k * slider.step)) for k in range(count))


def _race_message(results) -> str:
    return _w("summary_separator").join(r.summary() for r in results.values())


def race_figure(
    surface="elongated bowl", gd_lr=0.03, adam_lr=0.3, steps=200, tolerance=TOLERANCE
) -> tuple[Figure, str]:
    """The race drawn: paths on the contours (left), J against the step (right); and a message."""
    surface = _surface(surface)
    results = optimizer_race(surface, gd_lr, adam_lr, steps, tolerance)
    return _RaceCanvas().draw(surface, results, steps, tolerance), _race_message(results)


def optimizer_race_widget(surface="elongated bowl", gd_lr=0.03, adam_lr=0.3, steps=200):
    """Gradient descent against Adam: surface, each learning rate (log sliders), steps."""
    controls = {
        "surface": widgets.Dropdown(
            options=[(_shown(name), name) for name in SURFACES],
            value=surface,
            description=_w("surface"),
            **control_looks("300px"),
        ),
        "gd_lr": widgets.FloatLogSlider(
            value=gd_lr,
            base=10,
            min=-4,
            max=0,
            step=0.1,
            description=_w("gd_alpha"),
            readout_format=".3g",
            continuous_update=False,
            **control_looks(_SLIDER),
        ),
        "adam_lr": widgets.FloatLogSlider(
            value=adam_lr,
            base=10,
            min=-3,
            max=0.5,
            step=0.1,
            description="Adam α",
            readout_format=".3g",
            continuous_update=False,
            **control_looks(_SLIDER),
        ),
        "steps": widgets.IntSlider(
            value=steps,
            min=10,
            max=1000,
            step=10,
            description=_w("steps"),
            continuous_update=False,
            **control_looks(_SLIDER),
        ),
    }
    canvas = _RaceCanvas()
    grids = {
        "gradient descent": slider_values(controls["gd_lr"]),
        "Adam": slider_values(controls["adam_lr"]),
    }
    for name, surface in SURFACES.items():  # warm up: every surface and slider position
        _contour_grid(surface)
        for optimizer, rates in grids.items():
            _runs(surface, optimizer, rates, RACE_STEPS)  # each slider's rates together
        optimizer_race(name, gd_lr, adam_lr, steps, grids=grids)  # the start, if off the steps

    def draw(surface, gd_lr, adam_lr, steps):
        surface = _surface(surface)
        results = optimizer_race(surface, gd_lr, adam_lr, steps, grids=grids)
        return canvas.draw(surface, results, steps, TOLERANCE), _race_message(results)

    return FigureWidget(draw, controls, title=_w("race_title"), moving=canvas.moving)


# ----------------------------------------------------------------------------------------
# Every learning rate, the same budget
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sweep:
    """One optimizer at every learning rate of a sweep: when each run settled (None: never)."""

    name: str
    rates: tuple
    settled: tuple
    steps: int
    tolerance: float = TOLERANCE

    @property
    def working(self) -> int:
        """How many rates settled within the budget."""
        return sum(s is not None for s in self.settled)

    @property
    def fastest(self) -> tuple[float, int] | None:
        """``(rate, step)`` of the run that settled soonest (None: no rate settled)."""
        runs = [(s, r) for r, s in zip(self.rates, self.settled) if s is not None]
        return None if not runs else (min(runs)[1], min(runs)[0])

    def summary(self) -> str:
        head = _w("sweep_head", name=_shown(self.name), working=self.working, total=len(self.rates))
        if self.fastest is None:
            return head
        rate, step = self.fastest
        return head + _w("sweep_soonest", step=step, rate=rate)


def learning_rate_sweep(
    surface, steps=SWEEP_STEPS, rates=RATES, tolerance=TOLERANCE
) -> dict[str, Sweep]:
    """Both optimizers at every rate in ``rates``, ``steps`` steps each: ``{name: Sweep}``.

    A run counts when J stays below ``tolerance`` to the end of its budget.  Cached runs.
    """
    surface = _surface(surface)
    check_positive(steps, "steps", integer=True)
    rates = tuple(float(check_positive(r, "rate")) for r in rates)
    out = {}
    for name in OPTIMIZERS:
        _, costs, diverged = _runs(surface, name, rates, steps)
        settled = tuple(None if d else _settled(c, tolerance) for c, d in zip(costs, diverged))
        out[name] = Sweep(name, rates, settled, steps, tolerance)
    return out


def sweep_summary(surface, steps=SWEEP_STEPS) -> str:
    """One line: how many rates make each optimizer settle within ``steps``, and the soonest."""
    surface = _surface(surface)
    sweeps = learning_rate_sweep(surface, steps)
    label = _w("sweep_label", name=_shown(surface.name))
    label += " " * max(24 - _width(label), 1)  # aligned in a monospaced font, also in Chinese
    return label + " | ".join(s.summary() for s in sweeps.values())


@course_style()
def sweep_figure(steps=SWEEP_STEPS, surfaces=tuple(SURFACES)) -> Figure:
    """One panel per surface: the step from which J stays below the tolerance, against α."""
    lang = figure_language()
    fig = new_figure(figsize=(10.5, 6.4))
    axes = fig.subplots(2, (len(surfaces) + 1) // 2, sharex=True, sharey=True).ravel()
    for ax, name in zip(axes, surfaces):
        surface = _surface(name)
        for color, marker, sweep in zip(
            CLASS_COLORS, ("o", "s"), learning_rate_sweep(surface, steps).values()
        ):
            rates = np.array(sweep.rates)
            steps_ = np.array([np.nan if s is None else s for s in sweep.settled], dtype=float)
            ax.plot(
                rates,
                steps_,
                marker=marker,
                markersize=4,
                color=color,
                label=_shown(sweep.name, lang),
            )
        title = _fig("surface_title", name=_shown(surface.name, lang), formula=surface.formula)
        ax.set(xscale="log", yscale="log", title=title)
        ax.set_ylim(0.7, steps * 1.5)
    for ax in axes[len(surfaces) :]:
        ax.set_visible(False)
    for ax in axes[-2:]:
        ax.set_xlabel(_fig("rate_axis"))
    for ax in axes[::2]:
        ax.set_ylabel(_fig("settled_axis", tolerance=TOLERANCE))
    axes[0].legend(loc="upper right")
    fig.suptitle(_fig("sweep_title", steps=steps))
    return fig


@course_style()
def training_curves_figure(histories) -> Figure:
    """Keras histories side by side: training loss (left) and held-out accuracy (right) per epoch.

    ``histories`` maps a name (e.g. "gradient descent (SGD, α = 0.3)") to the dict of lists
    that :func:`~utils.lessons.adam_and_layers.training.train_digits` returns.
    """
    if not histories:
        raise ValueError("histories is empty: give at least one name -> history")
    fig = new_figure(figsize=(10.5, 3.8))
    left, right = fig.subplots(1, 2)
    for color, marker, (name, history) in zip(
        CLASS_COLORS, ("o", "s", "^", "D"), histories.items()
    ):
        missing = {"loss", "val_accuracy"} - set(history)
        if missing:
            raise ValueError(f"history {name!r} has no {sorted(missing)}; use train_digits")
        epochs = np.arange(1, len(history["loss"]) + 1)
        left.plot(epochs, history["loss"], marker=marker, color=color, label=name)
        right.plot(epochs, 100 * np.asarray(history["val_accuracy"]), marker=marker, color=color)
    left.set(
        xlabel=_fig("epoch_axis"),
        ylabel=_fig("training_loss_axis"),
        title=_fig("training_loss_title"),
    )
    right.set(
        xlabel=_fig("epoch_axis"),
        ylabel=_fig("accuracy_axis"),
        title=_fig("accuracy_title"),
    )
    for ax in (left, right):
        ax.set_xticks(epochs)
    left.legend(loc="upper right")
    return fig


# ----------------------------------------------------------------------------------------
# Adam's step size for different gradient patterns
# ----------------------------------------------------------------------------------------


def _gradient_patterns(steps):
    k = np.arange(1, steps + 1)
    noise = np.random.default_rng(0).standard_normal(steps)
    return {
        "steady, g = 1": np.ones(steps),
        "steady and tiny, g = 0.001": np.full(steps, 1e-3),
        "oscillating, g = +1, −1, +1, …": np.where(k % 2 == 1, 1.0, -1.0),
        "noisy with a drift, g = 0.3 + noise": 0.3 + noise,
    }


GRADIENT_PATTERNS = tuple(_gradient_patterns(1))
"""The names of the gradient sequences :func:`adam_step_ratios` feeds to one parameter each."""


def adam_step_ratios(beta1=0.9, beta2=0.999, steps=50, learning_rate=0.01):
    """Each pattern's step sizes divided by the learning rate, for Adam and for gradient descent.

    Four parameters are updated together; parameter j receives the j-th
    gradient pattern of :data:`GRADIENT_PATTERNS` at every step.  Returns
    ``(adam, gd)``: dicts pattern -> array (``steps``,) of ``|Δθ| / α``.
    For gradient descent that is just ``|g|``; for Adam it is
    ``|m̂| / (√v̂ + ε)``, close to 1 for a steady gradient of any size.
    Cached: asking again for the same values computes nothing (the arrays are read-only).
    """
    check_positive(steps, "steps", integer=True)
    adam, gd = _step_ratios(float(beta1), float(beta2), int(steps), float(learning_rate))
    return dict(adam), dict(gd)


@functools.lru_cache(maxsize=256)
def _step_ratios(beta1, beta2, steps, learning_rate):
    patterns = _gradient_patterns(steps)
    grads = np.stack(list(patterns.values()), axis=1)  # (steps, 4)
    adam = Adam(learning_rate, beta_1=beta1, beta_2=beta2)
    theta = np.zeros(grads.shape[1])
    adam_steps = np.empty_like(grads)
    for k, g in enumerate(grads):
        before = theta.copy()
        adam.step(theta, g)
        adam_steps[k] = np.abs(theta - before) / learning_rate
    gd_steps = np.abs(grads)
    for array in (adam_steps, gd_steps):
        array.flags.writeable = False
    names = list(patterns)
    return (
        tuple((n, adam_steps[:, j]) for j, n in enumerate(names)),
        tuple((n, gd_steps[:, j]) for j, n in enumerate(names)),
    )


class _StepSizeCanvas:
    """The step-size figure, made once; a redraw moves its lines and rewrites its title."""

    def __init__(self):
        lang = figure_language()
        with course_style():
            self.fig = new_figure(figsize=(10.5, 4.4), layout=None)
            self.axes = self.fig.subplots(
                1,
                2,
                sharey=True,
                gridspec_kw={"left": 0.08, "right": 0.99, "bottom": 0.28, "top": 0.86},
            )
            self.lines = []
            for ax, title in zip(self.axes, (_fig("gd_step_title"), _fig("adam_step_title"))):
                # the steady line is drawn wide and the others on top, so overlaps stay visible
                self.lines.append(
                    [
                        ax.semilogy([], [], color=color, linestyle=style, linewidth=width)[0]
                        for color, style, width in zip(
                            CLASS_COLORS, ("-", "--", "-", "-"), (4.0, 2.0, 1.5, 1.5)
                        )
                    ]
                )
                ax.set(title=title, xlabel=_fig("step_t_axis"), ylim=(1e-4, 10))
                ax.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10], integer=True))
                plain_log_axis(ax.yaxis)
            self.axes[0].set_ylabel(_fig("ratio_axis"))
            for line, name in zip(self.lines[1], GRADIENT_PATTERNS):
                line.set_label(_shown(name, lang))
            self.fig.legend(
                handles=self.lines[1],
                loc="lower center",
                ncol=2,
                bbox_to_anchor=(0.5, 0.0),
                frameon=False,
            )
            self.title = self.fig.suptitle("")
        self.steps = None

    def moving(self, _figure=None) -> list:
        """What a move of β1 or β2 changes: the lines and the title.  A move of the steps also
        rescales the step axes, which draws the whole figure (``FigureWidget(moving=...)``)."""
        return [*self.lines[0], *self.lines[1], self.title]

    def draw(self, beta1, beta2, steps, adam, gd) -> Figure:
        k = np.arange(1, steps + 1)
        for lines, ratios in zip(self.lines, (gd, adam)):
            for line, r in zip(lines, ratios.values()):
                line.set_data(k, np.maximum(r, 1e-6))
        if steps != self.steps:  # limits set even unchanged would mark the axes for a redraw
            self.steps = steps
            for ax in self.axes:
                ax.relim()
                ax.autoscale_view(scaley=False)
        self.title.set_text(f"β1 = {beta1:g}, β2 = {beta2:g}")
        return self.fig


def _step_size_message(steps, adam) -> str:
    last = _w("last_step_separator").join(
        _w("last_step_item", name=_w(f"{_NAME_KEYS[name]}_short"), ratio=r[-1])
        for name, r in adam.items()
    )
    return _w("last_steps", steps=steps, last=last)


def step_size_figure(beta1=0.9, beta2=0.999, steps=50) -> tuple[Figure, str]:
    """Step size / learning rate per gradient pattern: gradient descent (left), Adam (right)."""
    adam, gd = adam_step_ratios(beta1, beta2, steps)
    fig = _StepSizeCanvas().draw(beta1, beta2, steps, adam, gd)
    return fig, _step_size_message(steps, adam)


def step_size_widget(beta1=0.9, beta2=0.999, steps=50):
    """Adam's per-parameter step sizes, with sliders for β1, β2 and the number of steps."""
    controls = {
        "beta1": widgets.FloatSlider(
            value=beta1,
            min=0.0,
            max=0.99,
            step=0.01,
            description="β1",
            continuous_update=False,
            **control_looks(_SLIDER),
        ),
        "beta2": widgets.FloatSlider(
            value=beta2,
            min=0.9,
            max=0.999,
            step=0.001,
            description="β2",
            readout_format=".3f",
            continuous_update=False,
            **control_looks(_SLIDER),
        ),
        "steps": widgets.IntSlider(
            value=steps,
            min=5,
            max=200,
            step=5,
            description=_w("steps"),
            continuous_update=False,
            **control_looks(_SLIDER),
        ),
    }
    canvas = _StepSizeCanvas()

    def draw(beta1, beta2, steps):
        adam, gd = adam_step_ratios(beta1, beta2, steps)
        return canvas.draw(beta1, beta2, steps, adam, gd), _step_size_message(steps, adam)

    return FigureWidget(draw, controls, title=_w("step_size_title"), moving=canvas.moving)


# ----------------------------------------------------------------------------------------
# The windows of a 1-D convolution
# ----------------------------------------------------------------------------------------


_NUMBERED = 30
"""Windows are numbered when there are at most this many (more numbers would overlap)."""


class _ConvCanvas:
    """The windows figure, made once: a redraw moves the signal, the bars and their numbers."""

    def __init__(self):
        with course_style():
            self.fig = new_figure(figsize=(10.5, 3.4), layout=None)
            self.ax = self.fig.add_subplot()
            self.fig.subplots_adjust(left=0.02, right=0.98, bottom=0.16, top=0.9)
            # the windows in two lines (NaN between windows): even ones blue, odd ones sky, so
            # overlapping windows stay visible
            self.bars = [
                self.ax.plot([], [], color=CLASS_COLORS[k * 5], lw=4, solid_capstyle="butt")[0]
                for k in (0, 1)
            ]
            self.numbers = [
                self.ax.text(0, 0, "", ha="center", va="top", fontsize=8, visible=False)
                for _ in range(_NUMBERED)
            ]
            (self.signal,) = self.ax.plot([], [], color=COLORS["black"], linewidth=1.5)
            self.unseen = Rectangle(
                (0, 0),
                0,
                1,
                transform=self.ax.get_xaxis_transform(),
                color=COLORS["vermillion"],
                alpha=0.15,
                label=_fig("no_window"),
            )
            self.ax.add_patch(self.unseen)
            # above the axes, right of the title: a legend inside would cover the signal
            self.legend = self.ax.legend(
                handles=[self.unseen], loc="lower right", bbox_to_anchor=(1.0, 1.0)
            )
            self.ax.set(xlabel=_fig("sample_axis"), yticks=[])
            self.ax.grid(False)

    def draw(self, signal, kernel_size, stride, windows, title) -> Figure:
        top, bottom = float(signal.max()), float(signal.min())
        height = top - bottom
        for k, bar in enumerate(self.bars):
            level = bottom - (0.1 + 0.18 * k) * height
            ends = [(a, b - 1) for a, b in windows[k::2]]
            xs = [x for a, b in ends for x in (a, b, np.nan)]
            bar.set_data(xs, [level if np.isfinite(x) else np.nan for x in xs])
        numbered = len(windows) <= _NUMBERED
        for i, text in enumerate(self.numbers):
            shown = numbered and i < len(windows)
            text.set_visible(shown)
            if shown:
                a, b = windows[i]
                text.set_position(((a + b - 1) / 2, bottom - (0.14 + 0.18 * (i % 2)) * height))
                text.set_text(str(i + 1))
                text.set_color(CLASS_COLORS[i % 2 * 5])
        self.signal.set_data(np.arange(signal.size), signal)
        covered = windows[-1][1]
        self.unseen.set_x(covered - 0.5)
        self.unseen.set_width(signal.size - covered)
        self.unseen.set_visible(covered < signal.size)
        self.legend.set_visible(covered < signal.size)
        self.ax.set(
            ylim=(bottom - 0.45 * height, top + 0.1 * height),
            xlim=(-1, signal.size),
            title=title,
        )
        return self.fig


def _conv_title(kernel_size, stride, label) -> str:
    title = f"Conv1D(kernel_size={kernel_size}, strides={stride})"
    if label is None:
        return title
    kind = _fig("irregular_rhythm" if label else "regular_rhythm")
    return _fig("conv_title_kind", kind=kind, conv=title)


def _conv_message(n, kernel_size, stride, windows) -> str:
    missed = n - windows[-1][1]
    message = _w(
        "windows_message", windows=len(windows), kernel_size=kernel_size, n=n, stride=stride
    )
    return message + (_w("missed_message", missed=missed) if missed else "")


def conv_windows_figure(signal, kernel_size=20, stride=10, label=None) -> tuple[Figure, str]:
    """The signal with each window of a Conv1D(kernel_size, strides=stride) shaded and numbered."""
    signal = as_float_array(signal, "signal", ndim=1)
    windows = conv_windows(signal.size, kernel_size, stride)
    title = _conv_title(kernel_size, stride, label)
    fig = _ConvCanvas().draw(signal, kernel_size, stride, windows, title)
    return fig, _conv_message(signal.size, kernel_size, stride, windows)


def conv_window_widget(X, y=None, kernel_size=20, stride=10, n_examples=6):
    """The windows of a 1-D convolution on an EKG-like signal: kernel size, stride, example."""
    X = as_float_array(X, "X", ndim=2)
    y = None if y is None else as_labels(y, "y")
    if y is not None and y.shape != (X.shape[0],):
        raise ValueError(f"y must hold one label per signal ({X.shape[0]}), got shape {y.shape}")
    check_positive(n_examples, "n_examples", integer=True)
    if y is None:
        options = [(_w("signal_option", i=i), i) for i in range(min(n_examples, len(X)))]
    else:  # alternate the two classes so both are in the menu
        picks = [i for pair in zip(np.flatnonzero(y == 0), np.flatnonzero(y == 1)) for i in pair]
        options = [
            (_w("signal_irregular" if y[i] else "signal_regular", i=i), int(i))
            for i in picks[:n_examples]
        ]

    canvas = _ConvCanvas()

    def draw(kernel_size, stride, example):
        windows = conv_windows(X.shape[1], kernel_size, stride)
        title = _conv_title(kernel_size, stride, None if y is None else int(y[example]))
        figure = canvas.draw(X[example], kernel_size, stride, windows, title)
        return figure, _conv_message(X.shape[1], kernel_size, stride, windows)

    controls = {
        "kernel_size": widgets.IntSlider(
            value=kernel_size,
            min=2,
            max=min(60, X.shape[1]),
            description="kernel_size",
            continuous_update=False,
            **control_looks(_SLIDER),
        ),
        "stride": widgets.IntSlider(
            value=stride,
            min=1,
            max=30,
            description="strides",
            continuous_update=False,
            **control_looks(_SLIDER),
        ),
        "example": widgets.Dropdown(
            options=options, value=options[0][1], description=_w("signal"), **control_looks("300px")
        ),
    }
    return FigureWidget(draw, controls, title=_w("conv_widget_title"))
