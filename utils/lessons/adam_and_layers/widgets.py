r"""Widgets for lesson 04 (Adam and other layer types).

* :func:`optimizer_race_widget` -- gradient descent and Adam race from the same
  start on a 2-D cost surface (an elongated bowl, a round bowl, Rosenbrock's
  banana); each has its own learning rate, and the message reports each one's
  final $J$ and the step at which it first got below a tolerance.
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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from utils.nn import Adam, GradientDescent
from utils.nn.conv import conv1d_windows as conv_windows  # re-exported under the lesson's name
from utils.plotting import plot_optimizer_paths
from utils.style import CLASS_COLORS, COLORS, course_style, new_figure
from utils.ui.figure_widget import FigureWidget
from utils.validation import as_float_array, as_labels, check_positive

__all__ = [
    "SURFACES",
    "TOLERANCE",
    "Surface",
    "RaceResult",
    "optimizer_race",
    "race",
    "race_figure",
    "optimizer_race_widget",
    "GRADIENT_PATTERNS",
    "adam_step_ratios",
    "step_size_figure",
    "step_size_widget",
    "conv_windows",
    "conv_windows_figure",
    "conv_window_widget",
]

TOLERANCE = 1e-3
"""A racer 'arrives' at the first step where its cost J drops below this value."""

DIVERGED = 1e6
"""A racer whose parameters grow beyond this size has diverged; its run stops there."""


# ----------------------------------------------------------------------------------------
# Cost surfaces
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Surface:
    """A 2-D cost ``J(w1, w2)`` (vectorised), its gradient, a start point and plot limits."""

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
    return (lambda x, y: a * x**2 + b * y**2, lambda p: np.array([2 * a * p[0], 2 * b * p[1]]))


def _rosenbrock_J(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


SURFACES = {
    "elongated bowl": Surface(
        "elongated bowl",
        "J = w1² + 25 w2²",
        *_bowl(1.0, 25.0),
        start=(-4.5, 1.5),
        xlim=(-5.0, 5.0),
        ylim=(-2.0, 2.0),
        minimum=(0.0, 0.0),
    ),
    "round bowl": Surface(
        "round bowl",
        "J = w1² + w2²",
        *_bowl(1.0, 1.0),
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


@dataclass
class RaceResult:
    """One optimizer's run: the points visited, J at each, when it arrived or diverged."""

    name: str
    learning_rate: float
    path: np.ndarray  # (k + 1, 2): the start and the point after each step
    costs: np.ndarray  # J at each point of ``path``
    arrived: int | None  # first step with J < tolerance (None: not within the steps)
    diverged: int | None  # the step at which the parameters blew up (None: they did not)
    tolerance: float = TOLERANCE

    @property
    def final_cost(self) -> float:
        return float(self.costs[-1])

    def summary(self) -> str:
        """One line such as 'Adam (α = 0.3): J = 3.1e-09 after 100 steps; J < 0.001 at step 43'."""
        head = f"{self.name} (α = {self.learning_rate:.3g}): "
        if self.diverged is not None:
            return head + (
                f"diverged at step {self.diverged} (the steps grow instead of "
                "shrinking): lower its learning rate"
            )
        steps = len(self.costs) - 1
        reached = (
            f"J < {self.tolerance:g} at step {self.arrived}"
            if self.arrived is not None
            else f"J never below {self.tolerance:g}"
        )
        return head + f"J = {self.final_cost:.2g} after {steps} steps; {reached}"


def _run(name, optimizer, surface, steps, tolerance) -> RaceResult:
    theta = np.array(surface.start, dtype=float)
    path, costs = [theta.copy()], [surface.cost(theta)]
    arrived = diverged = None
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(1, steps + 1):
            optimizer.step(theta, surface.grad(theta))
            if not np.all(np.isfinite(theta)) or np.abs(theta).max() > DIVERGED:
                diverged = step
                break
            path.append(theta.copy())
            costs.append(surface.cost(theta))
            if arrived is None and costs[-1] < tolerance:
                arrived = step
    return RaceResult(
        name, optimizer.learning_rate, np.array(path), np.array(costs), arrived, diverged, tolerance
    )


def optimizer_race(
    surface="elongated bowl", gd_lr=0.03, adam_lr=0.3, steps=100, tolerance=TOLERANCE
) -> dict[str, RaceResult]:
    """Run gradient descent and Adam from the surface's start point for ``steps`` steps.

    Returns ``{"gradient descent": RaceResult, "Adam": RaceResult}``.

    >>> r = optimizer_race("round bowl", gd_lr=0.1, adam_lr=0.3, steps=50)
    >>> r["Adam"].arrived is not None
    True
    """
    surface = _surface(surface)
    check_positive(steps, "steps", integer=True)
    check_positive(tolerance, "tolerance")
    return {
        "gradient descent": _run(
            "gradient descent", GradientDescent(gd_lr), surface, steps, tolerance
        ),
        "Adam": _run("Adam", Adam(adam_lr), surface, steps, tolerance),
    }


race = optimizer_race
"""The name the lesson's notebook uses (``race(...)``); lesson 02's ``race`` races activations."""


@course_style()
def race_figure(
    surface="elongated bowl", gd_lr=0.03, adam_lr=0.3, steps=100, tolerance=TOLERANCE
) -> tuple[Figure, str]:
    """The race drawn: paths on the contours (left), J against the step (right); and a message."""
    surface = _surface(surface)
    results = optimizer_race(surface, gd_lr, adam_lr, steps, tolerance)
    fig = new_figure(figsize=(10.5, 4.2))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
    plot_optimizer_paths(
        surface.J, {r.name: r.path for r in results.values()}, surface.xlim, surface.ylim, ax=left
    )
    left.set_title(f"{surface.name}: {surface.formula}")
    for color, r in zip(CLASS_COLORS, results.values()):
        label = r.name + (" (diverged)" if r.diverged is not None else "")
        right.semilogy(
            np.arange(len(r.costs)), np.maximum(r.costs, 1e-16), color=color, label=label
        )
        if r.arrived is not None:
            right.plot(
                r.arrived,
                r.costs[r.arrived],
                "o",
                color=color,
                markersize=7,
                markeredgecolor=COLORS["black"],
            )
    right.axhline(
        tolerance,
        color=COLORS["grey"],
        linestyle="--",
        linewidth=1,
        label=f"tolerance {tolerance:g}",
    )
    right.set(
        xlabel="step", ylabel="cost J (log scale)", xlim=(0, steps), title="cost after each step"
    )
    right.legend(loc="best")
    message = "; ".join(r.summary() for r in results.values())
    return fig, message


def optimizer_race_widget(surface="elongated bowl", gd_lr=0.03, adam_lr=0.3, steps=100):
    """Gradient descent against Adam: surface, each learning rate (log sliders), steps."""
    controls = {
        "surface": widgets.Dropdown(options=list(SURFACES), value=surface, description="surface"),
        "gd_lr": widgets.FloatLogSlider(
            value=gd_lr,
            base=10,
            min=-4,
            max=0,
            step=0.1,
            description="GD α",
            readout_format=".3g",
            continuous_update=False,
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
        ),
        "steps": widgets.IntSlider(
            value=steps, min=10, max=1000, step=10, description="steps", continuous_update=False
        ),
    }
    return FigureWidget(race_figure, controls, title="Optimizer race: gradient descent vs Adam")


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
    """
    check_positive(steps, "steps", integer=True)
    patterns = _gradient_patterns(steps)
    grads = np.stack(list(patterns.values()), axis=1)  # (steps, 4)
    adam = Adam(learning_rate, beta_1=beta1, beta_2=beta2)
    theta = np.zeros(grads.shape[1])
    adam_steps = np.empty_like(grads)
    for k, g in enumerate(grads):
        before = theta.copy()
        adam.step(theta, g)
        adam_steps[k] = np.abs(theta - before) / learning_rate
    names = list(patterns)
    return (
        {n: adam_steps[:, j] for j, n in enumerate(names)},
        {n: np.abs(grads[:, j]) for j, n in enumerate(names)},
    )


@course_style()
def step_size_figure(beta1=0.9, beta2=0.999, steps=50) -> tuple[Figure, str]:
    """Step size / learning rate per gradient pattern: gradient descent (left), Adam (right)."""
    adam, gd = adam_step_ratios(beta1, beta2, steps)
    k = np.arange(1, steps + 1)
    fig = new_figure(figsize=(10.5, 3.8))
    axes = fig.subplots(1, 2, sharey=True)
    for ax, ratios, title in (
        (axes[0], gd, "gradient descent: step = α·|g|"),
        (axes[1], adam, "Adam: step = α·|m̂| / (√v̂ + ε)"),
    ):
        # the steady line is drawn wide and the others on top, so overlaps stay visible
        for color, style, width, (name, r) in zip(
            CLASS_COLORS, ("-", "--", "-", "-"), (4.0, 2.0, 1.5, 1.5), ratios.items()
        ):
            ax.semilogy(
                k, np.maximum(r, 1e-6), color=color, linestyle=style, linewidth=width, label=name
            )
        ax.set(title=title, xlabel="step t", ylim=(1e-4, 10))
    axes[0].set_ylabel("step size / learning rate α")
    axes[1].legend(loc="lower left", fontsize=9)
    fig.suptitle(f"β1 = {beta1:g}, β2 = {beta2:g}")
    last = ", ".join(f"{name.split(',')[0]}: {r[-1]:.2f}" for name, r in adam.items())
    return fig, f"Adam's step / α at step {steps} — {last}"


def step_size_widget(beta1=0.9, beta2=0.999, steps=50):
    """Adam's per-parameter step sizes, with sliders for β1, β2 and the number of steps."""
    controls = {
        "beta1": widgets.FloatSlider(
            value=beta1, min=0.0, max=0.99, step=0.01, description="β1", continuous_update=False
        ),
        "beta2": widgets.FloatSlider(
            value=beta2,
            min=0.9,
            max=0.999,
            step=0.001,
            description="β2",
            readout_format=".3f",
            continuous_update=False,
        ),
        "steps": widgets.IntSlider(
            value=steps, min=5, max=200, step=5, description="steps", continuous_update=False
        ),
    }
    return FigureWidget(step_size_figure, controls, title="How big is each parameter's step?")


# ----------------------------------------------------------------------------------------
# The windows of a 1-D convolution
# ----------------------------------------------------------------------------------------


@course_style()
def conv_windows_figure(signal, kernel_size=20, stride=10, label=None) -> tuple[Figure, str]:
    """The signal with each window of a Conv1D(kernel_size, strides=stride) shaded and numbered."""
    signal = as_float_array(signal, "signal", ndim=1)
    windows = conv_windows(signal.size, kernel_size, stride)
    fig = new_figure(figsize=(10.5, 3.4))
    ax = fig.add_subplot()
    top, bottom = float(signal.max()), float(signal.min())
    height = top - bottom
    for i, (a, b) in enumerate(windows):
        color = CLASS_COLORS[i % 2 * 5]  # alternate blue / sky so overlaps stay visible
        level = bottom - (0.1 + 0.18 * (i % 2)) * height
        ax.plot([a, b - 1], [level, level], color=color, linewidth=4, solid_capstyle="butt")
        if len(windows) <= 30:
            ax.text(
                (a + b - 1) / 2,
                level - 0.04 * height,
                str(i + 1),
                ha="center",
                va="top",
                fontsize=8,
                color=color,
            )
    ax.plot(np.arange(signal.size), signal, color=COLORS["black"], linewidth=1.5)
    covered = windows[-1][1]
    if covered < signal.size:
        ax.axvspan(
            covered - 0.5,
            signal.size - 0.5,
            color=COLORS["vermillion"],
            alpha=0.15,
            label="seen by no window",
        )
        ax.legend(loc="upper right")
    kind = "" if label is None else ("irregular rhythm: " if label else "regular rhythm: ")
    ax.set(
        xlabel="sample",
        yticks=[],
        ylim=(bottom - 0.45 * height, top + 0.1 * height),
        xlim=(-1, signal.size),
        title=f"{kind}Conv1D(kernel_size={kernel_size}, strides={stride})",
    )
    ax.grid(False)
    missed = signal.size - covered
    message = (
        f"{len(windows)} windows of {kernel_size} samples fit in {signal.size} samples, "
        f"one every {stride}: each filter gives {len(windows)} outputs"
        + (f"; the last {missed} samples are seen by no window" if missed else "")
    )
    return fig, message


def conv_window_widget(X, y=None, kernel_size=20, stride=10, n_examples=6):
    """The windows of a 1-D convolution on an EKG-like signal: kernel size, stride, example."""
    X = as_float_array(X, "X", ndim=2)
    y = None if y is None else as_labels(y, "y")
    if y is not None and y.shape != (X.shape[0],):
        raise ValueError(f"y must hold one label per signal ({X.shape[0]}), got shape {y.shape}")
    check_positive(n_examples, "n_examples", integer=True)
    if y is None:
        options = [(f"signal {i}", i) for i in range(min(n_examples, len(X)))]
    else:  # alternate the two classes so both are in the menu
        picks = [i for pair in zip(np.flatnonzero(y == 0), np.flatnonzero(y == 1)) for i in pair]
        options = [
            (f"signal {i} ({'irregular' if y[i] else 'regular'})", int(i))
            for i in picks[:n_examples]
        ]

    def draw(kernel_size, stride, example):
        return conv_windows_figure(
            X[example], kernel_size, stride, label=None if y is None else int(y[example])
        )

    controls = {
        "kernel_size": widgets.IntSlider(
            value=kernel_size,
            min=2,
            max=min(60, X.shape[1]),
            description="kernel_size",
            continuous_update=False,
        ),
        "stride": widgets.IntSlider(
            value=stride, min=1, max=30, description="strides", continuous_update=False
        ),
        "example": widgets.Dropdown(options=options, value=options[0][1], description="signal"),
    }
    return FigureWidget(draw, controls, title="What each unit of a Conv1D layer sees")
