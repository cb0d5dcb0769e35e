r"""Widgets, figures and tables for the backpropagation lesson (``05_backprop``).

* :func:`epsilon_widget`: the derivative by nudging. A log-slider moves
  $\varepsilon$ from $10^{-1}$ to $10^{-16}$; the forward difference
  $(J(w+\varepsilon) - J(w))/\varepsilon$ and the centred difference
  $(J(w+\varepsilon) - J(w-\varepsilon))/2\varepsilon$ approach the true slope,
  until round-off takes over and the error climbs again; :func:`most_accurate_eps` finds
  where each is most accurate from the error curve's trend, not from a lucky dip.
* :func:`backward_pass_widget`: a step slider that runs the backward pass of a
  :mod:`utils.autodiff` graph node by node and says which chain-rule product
  each step computes.
* :func:`time_gradients`, :func:`plot_timings`, :func:`format_timings`: all
  partial derivatives of a small network by finite differences (one extra
  forward pass per parameter) versus one backward pass, counted
  (:func:`multiply_adds`) and timed (the best of several runs).
* :func:`gradient_check_table`: the three-way check table (by hand, finite
  differences, GradientTape), with :func:`numerical_gradients` and
  :func:`relative_error` re-exported from :mod:`utils.nn.gradcheck` for the notebook.

Every figure is a course figure from :func:`utils.style.new_figure` (no pyplot state). A widget
builds its figure once and, at each move, updates its artists in place: the error curves are
measured once per function and precision, each backward step's look once per step.
Every word they show comes from the message catalogue (:mod:`utils.i18n`, keys
``backprop.widget.*``); text drawn in a figure uses :func:`utils.style.figure_language`.
"""

from __future__ import annotations

import functools
import math
import numbers
import timeit
import unicodedata

import ipywidgets as widgets
import numpy as np
from matplotlib import ticker
from matplotlib.figure import Figure

from utils.autodiff import Value, backward_steps, draw_graph, trace
from utils.i18n import language, msg
from utils.nn import DenseNetwork, losses
from utils.nn.gradcheck import finite_difference, numerical_gradients, relative_error
from utils.plotting import power_of_ten_label
from utils.style import COLORS, course_style, figure_language, new_figure
from utils.ui.figure_widget import FigureWidget, control_looks

__all__ = [
    "FUNCTIONS",
    "slope_estimates",
    "most_accurate_eps",
    "epsilon_widget",
    "step_message",
    "backward_pass_widget",
    "multiply_adds",
    "time_gradients",
    "plot_timings",
    "format_timings",
    "numerical_gradients",
    "relative_error",
    "gradient_check_table",
]

# ----------------------------------------------------------------------------------------
# 1. The derivative by nudging
# ----------------------------------------------------------------------------------------

#: Functions for the epsilon widget: name -> (J(w), dJ/dw(w)), evaluated at w = 3.
FUNCTIONS = {
    "J = w²": (lambda w: w * w, lambda w: 2 * w),
    "J = w³": (lambda w: w * w * w, lambda w: 3 * w * w),
    "J = exp(w)": (np.exp, np.exp),
    "J = sin(w)": (np.sin, np.cos),
}
EPSILON_DTYPES = ("float64", "float32")
"""The precisions the derivative-by-nudging widget computes in."""
EPS_GRID = np.logspace(-16, -1, 151)
ERROR_FLOOR = 1e-17  # an error of exactly 0 is drawn here on the log axis


def _w(key, **params):
    """A widget message in the language in use."""
    return msg(f"backprop.widget.{key}", **params)


def _fig(key, **params):
    """A message drawn inside a figure (English where the language has no font)."""
    return msg(f"backprop.widget.{key}", lang=figure_language(), **params)


def _function(name):
    if name not in FUNCTIONS:
        raise ValueError(f"unknown function {name!r}; choose one of {list(FUNCTIONS)}")
    return FUNCTIONS[name]


def slope_estimates(eps, function="J = w²", dtype="float64", w=3.0):
    """Forward and centred difference estimates of dJ/dw at ``w``, and the true slope.

    ``eps`` may be a number or an array; all arithmetic happens in ``dtype``
    (``'float64'`` or ``'float32'``), so round-off shows as it would in that
    precision. Returns ``(forward, centred, true_slope)``.

    >>> f, c, t = slope_estimates(1e-3)
    >>> round(float(f), 9), round(float(c), 9), t
    (6.001, 6.0, 6.0)
    """
    J, dJ = _function(function)
    if dtype not in EPSILON_DTYPES:
        raise ValueError(f"dtype must be one of {EPSILON_DTYPES}, got {dtype!r}")
    eps_arr = np.asarray(eps, dtype=float)
    if not np.all(np.isfinite(eps_arr)) or np.any(eps_arr <= 0):
        raise ValueError(f"eps must be positive, got {eps!r}")
    e, w_ = eps_arr.astype(dtype), np.dtype(dtype).type(w)
    with np.errstate(over="ignore", invalid="ignore"):
        forward = finite_difference(J, w_, eps=e, kind="forward")
        centred = finite_difference(J, w_, eps=e, kind="centred")
    return forward, centred, float(dJ(float(w)))


ENVELOPE_POINTS = 5
"""Half-width, in grid points (half a decade of :data:`EPS_GRID`), of the running maximum that
:func:`most_accurate_eps` takes of an error curve before it looks for the minimum."""


def _envelope(errors, k=ENVELOPE_POINTS):
    padded = np.pad(np.asarray(errors, dtype=float), (k, k), mode="edge")
    return np.lib.stride_tricks.sliding_window_view(padded, 2 * k + 1).max(axis=1)


def most_accurate_eps(function="J = w²", dtype="float64", w=3.0):
    """The ε of :data:`EPS_GRID` where each estimate is most accurate: ``(forward, centred)``.

    Round-off makes an error curve jagged: at some ε it cancels by luck and the error dips far
    below its neighbours. The minimum is therefore taken of the curve's upper edge (the running
    maximum over half a decade either side), so the answer is the trend's, not a lucky dip's.
    """
    fwd, ctr, true = slope_estimates(EPS_GRID, function, dtype, w)
    return tuple(
        float(EPS_GRID[int(np.argmin(_envelope(np.abs(est - true))))]) for est in (fwd, ctr)
    )


@functools.lru_cache(maxsize=32)
def _accuracy_text(function, dtype, w, lang):
    best_f, best_c = most_accurate_eps(function, dtype, w)
    largest = EPS_GRID[-1 - ENVELOPE_POINTS]
    centred = (
        msg("backprop.widget.centred_largest", lang=lang, function=function)
        if best_c >= largest
        else msg("backprop.widget.centred_around", lang=lang, eps=best_c)
    )
    return msg("backprop.widget.most_accurate", lang=lang, forward=best_f, centred=centred)


def _power_of_ten(value, _position=None) -> str:
    """'10⁻⁸' for 1e-8: a tick label in plain text (mathtext labels cost a redraw ~0.5 s)."""
    return power_of_ten_label(round(math.log10(value)))


def _decades(axis, exponents):
    """Label ``axis`` (logarithmic) at the powers of ten ``exponents`` only, without minor ticks."""
    axis.set_major_locator(ticker.FixedLocator([10.0**k for k in exponents]))
    axis.set_major_formatter(ticker.FuncFormatter(_power_of_ten))
    axis.set_minor_locator(ticker.NullLocator())


@course_style()
def _epsilon_figure():
    """The empty frame of the epsilon widget: two axes and every artist, drawn once.

    Returns ``(fig, artists)``; :func:`_show_epsilon` moves the artists to show a state, so a
    move of a control changes data, not the figure (the redraw then costs one PNG).
    """
    fig = new_figure(figsize=(10.5, 3.9))
    left, right = fig.subplots(1, 2)
    nan = [np.nan] * len(EPS_GRID)
    a = {"left": left, "right": right}
    a["fwd"] = left.semilogx(EPS_GRID, nan, color=COLORS["blue"], label=_fig("forward_difference"))[
        0
    ]
    a["ctr"] = left.semilogx(
        EPS_GRID, nan, color=COLORS["orange"], label=_fig("centred_difference")
    )[0]
    a["true"] = left.axhline(0, color=COLORS["black"], linestyle="--", linewidth=1, label=" ")
    a["f_now"] = left.plot([1e-3], [0], "o", color=COLORS["blue"], markersize=8)[0]
    a["c_now"] = left.plot([1e-3], [0], "s", color=COLORS["orange"], markersize=7)[0]
    a["eps_left"] = left.axvline(1e-3, color=COLORS["grey"], linewidth=1)
    left.set_xlim(EPS_GRID[-1] * 3, EPS_GRID[0] / 3)  # large eps on the left, shrinking rightwards
    left.set_xlabel(_fig("shrinking"))
    a["legend"] = left.legend(loc="lower left")

    a["err_f"] = right.loglog(EPS_GRID, nan, color=COLORS["blue"], label=_fig("forward"))[0]
    a["err_c"] = right.loglog(EPS_GRID, nan, color=COLORS["orange"], label=_fig("centred"))[0]
    a["ef_now"] = right.plot([1e-3], [1.0], "o", color=COLORS["blue"], markersize=8)[0]
    a["ec_now"] = right.plot([1e-3], [1.0], "s", color=COLORS["orange"], markersize=7)[0]
    a["eps_right"] = right.axvline(1e-3, color=COLORS["grey"], linewidth=1)
    right.set_xlim(EPS_GRID[-1] * 3, EPS_GRID[0] / 3)
    right.set_ylim(ERROR_FLOOR / 3, 1e2)
    right.set_xlabel(_fig("shrinking"))
    right.set_ylabel(_fig("error_axis"))
    right.legend(loc="lower center")
    for axis in (left.xaxis, right.xaxis):
        _decades(axis, range(-16, 0, 3))
    _decades(right.yaxis, range(-16, 2, 4))
    return fig, a


@functools.lru_cache(maxsize=2 * len(FUNCTIONS) * len(EPSILON_DTYPES))
def _error_curves(function, dtype, w=3.0):
    """The estimates over :data:`EPS_GRID` and their errors, measured once per function and
    precision: ``(forward, centred, forward_error, centred_error, true_slope)`` (read-only)."""
    fwd, ctr, true = slope_estimates(EPS_GRID, function, dtype, w)
    curves = (
        fwd,
        ctr,
        np.maximum(np.abs(fwd - true), ERROR_FLOOR),
        np.maximum(np.abs(ctr - true), ERROR_FLOOR),
    )
    for curve in curves:
        curve.flags.writeable = False  # shared by every redraw: nobody may change it
    return (*curves, true)


@course_style()
def _show_epsilon(a, *, eps, function, dtype, w=3.0):
    """Move the artists of :func:`_epsilon_figure` to show ``(eps, function, dtype)``."""
    true = _show_curves(a, function, dtype, w)
    f_now, c_now, _ = slope_estimates(eps, function, dtype, w)
    f_now, c_now = float(f_now), float(c_now)
    a["f_now"].set_data([eps], [f_now])
    a["c_now"].set_data([eps], [c_now])
    a["ef_now"].set_data([eps], [max(abs(f_now - true), ERROR_FLOOR)])
    a["ec_now"].set_data([eps], [max(abs(c_now - true), ERROR_FLOOR)])
    for line in (a["eps_left"], a["eps_right"]):
        line.set_xdata([eps, eps])
    return _w(
        "eps_message",
        eps=eps,
        dtype=dtype,
        forward=f_now,
        forward_error=abs(f_now - true),
        centred=c_now,
        centred_error=abs(c_now - true),
        accuracy=_accuracy_text(function, dtype, w, language()),
    )


def _show_curves(a, function, dtype, w) -> float:
    """The curves, limits and titles of ``(function, dtype)``, set only when they change (a
    set marks the figure for a full redraw; a move of ε alone redraws only the markers).
    Returns the true slope."""
    fwd, ctr, err_f, err_c, true = _error_curves(function, dtype, w)
    if a.get("shown") == (function, dtype, w):
        return true
    left, right = a["left"], a["right"]
    a["fwd"].set_ydata(fwd)
    a["ctr"].set_ydata(ctr)
    a["true"].set_ydata([true, true])
    a["legend"].get_texts()[2].set_text(_fig("true_slope", value=true))
    span = max(1.0, 0.2 * abs(true))
    left.set_ylim(true - span, true + span)
    left.set_ylabel(_fig("estimate_axis", w=w))
    # the titles' texts alone: set_title() also resets their placement (a redraw)
    left.title.set_text(_fig("estimates_title", function=function))
    a["err_f"].set_ydata(err_f)
    a["err_c"].set_ydata(err_c)
    right.title.set_text(_fig("error_title", dtype=dtype))
    a["shown"] = (function, dtype, w)
    return true


def _moving_epsilon(a) -> list:
    """What a move of ε changes, in drawing order: the markers and the ε line of each panel,
    then each panel's legend over them (``FigureWidget(moving=...)``)."""
    left = [a["f_now"], a["c_now"], a["eps_left"], a["legend"]]
    return left + [a["ef_now"], a["ec_now"], a["eps_right"], a["right"].get_legend()]


def _epsilon_drawer():
    """A ``draw(eps, function, dtype)`` for one widget, and its moving artists: the figure is
    made once, then updated (FigureWidget keeps the layout of its first frame)."""
    fig, artists = _epsilon_figure()

    def draw(eps, function, dtype):
        return fig, _show_epsilon(artists, eps=eps, function=function, dtype=dtype)

    return draw, lambda _figure: _moving_epsilon(artists)


def _draw_epsilon(eps, function, dtype, w=3.0):
    """A new figure of the epsilon widget at these values, and its message (a still figure)."""
    fig, artists = _epsilon_figure()
    return fig, _show_epsilon(artists, eps=eps, function=function, dtype=dtype, w=w)


def epsilon_widget(eps=1e-3, function="J = w²", dtype="float64"):
    """The derivative by nudging: move ε from 1e-1 down to 1e-16 and watch the error.

    Controls: ``eps`` (log slider), ``function`` (J = w², w³, exp, sin; all at
    w = 3) and ``dtype`` (float64 or float32).
    """
    _function(function)
    if dtype not in EPSILON_DTYPES:
        raise ValueError(f"dtype must be one of {EPSILON_DTYPES}, got {dtype!r}")
    if not isinstance(eps, numbers.Real) or not 1e-16 <= eps <= 1e-1:
        raise ValueError(f"eps must be a number between 1e-16 and 1e-1, got {eps!r}")
    controls = {
        "eps": widgets.FloatLogSlider(
            value=eps,
            base=10,
            min=-16,
            max=-1,
            step=0.25,
            description="ε",
            readout_format=".0e",
            continuous_update=False,
            **control_looks("400px"),  # 60 steps: long enough to land on each
        ),
        "function": widgets.Dropdown(
            options=list(FUNCTIONS),
            value=function,
            description=_w("function"),
            **control_looks(),
        ),
        "dtype": widgets.ToggleButtons(
            options=list(EPSILON_DTYPES),
            value=dtype,
            description=_w("precision"),
            **control_looks(),
        ),
    }
    draw, moving = _epsilon_drawer()
    return FigureWidget(draw, controls, title=_w("eps_title"), moving=moving)


# ----------------------------------------------------------------------------------------
# 2. The backward pass, step by step
# ----------------------------------------------------------------------------------------


def _name(node, names):
    return names[id(node)]


def _how(node, names):
    """'c = w * x' style text for a node made by an operation."""
    parents = [_name(p, names) for p in node.parents]
    if node.op.startswith("**"):
        return f"{_name(node, names)} = {parents[0]}{node.op.replace('**', '^')}"
    if len(parents) == 1:
        return f"{_name(node, names)} = {node.op}({parents[0]})"
    return f"{_name(node, names)} = {f' {node.op} '.join(parents)}"


def _num(v):
    return f"{v:.4g}"


def _factor(v):
    return f"({_num(v)})" if v < 0 else _num(v)


def step_message(root: Value, step: int) -> str:
    """What backward step ``step`` (0 = none yet) computes, as one line of text.

    >>> w = Value(3.0, "w"); J = w**2; J.label = "J"; J.backward()
    >>> print(step_message(J, 2))  # doctest: +NORMALIZE_WHITESPACE
    Step 2 of 2, node w: J = w^2 uses w with local derivative ∂J/∂w = 6,
    so dJ/dw = 1 × 6 = 6. Every node now has its gradient.
    """
    steps = backward_steps(root)
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        raise TypeError(f"step must be an integer, got {type(step).__name__}")
    if not 0 <= step <= len(steps):
        raise ValueError(f"step must be between 0 and {len(steps)}, got {step}")
    nodes = trace(root)
    names = {id(n): n.label or f"n{i}" for i, n in enumerate(nodes)}
    r = _name(root, names)
    if step == 0:
        return _w("forward_done", root=r, value=_num(root.data))
    node = steps[step - 1]
    n = _name(node, names)
    head = _w("step_head", step=step, steps=len(steps), node=n)
    if node is root:
        return head + _w("starts", root=r)
    terms, products = [], []
    for user in nodes:
        for parent, local in zip(user.parents, user.local_grads):
            if parent is node:
                u = _name(user, names)
                terms.append(_w("uses", how=_how(user, names), node=n, user=u, local=_num(local)))
                products.append(f"{_factor(user.grad)} × {_factor(local)}")
    text = head + _w("term_separator").join(terms)
    text += _w("so", root=r, node=n, products=" + ".join(products), grad=_num(node.grad))
    if step == len(steps):
        text += _w("all_done")
    elif not node.parents:
        text += _w("input_done")
    return text


def _draw_backward_step(root: Value, step: int) -> Figure:
    """A new figure of ``root``'s graph at backward step ``step`` (the still figure)."""
    title = _fig("backward_figure_title", step=step, steps=len(backward_steps(root)))
    return draw_graph(root, show_grads_upto=step, title=title)


def _graph_look(fig) -> tuple:
    """What changes in a drawn graph from one backward step to the next: each box's and arrow's
    colours and line width, each node's text and weight, and the title."""
    ax = fig.axes[0]
    return (
        tuple((p.get_facecolor(), p.get_edgecolor(), p.get_linewidth()) for p in ax.patches),
        tuple((t.get_text(), t.get_fontweight()) for t in ax.texts),
        ax.get_title(),
    )


def _show_look(fig, look) -> None:
    """Give the artists of ``fig`` (a graph drawn by :func:`draw_graph`) the ``look`` of
    :func:`_graph_look`, taken from the same graph drawn at another step."""
    ax = fig.axes[0]
    patches, texts, title = look
    for patch, (face, edge, width) in zip(ax.patches, patches, strict=True):
        patch.set_facecolor(face)
        patch.set_edgecolor(edge)
        patch.set_linewidth(width)
    for text, (words, weight) in zip(ax.texts, texts, strict=True):
        text.set_text(words)
        text.set_fontweight(weight)
    ax.title.set_text(title)


def _graph_state(root: Value) -> tuple:
    """Every node's value and gradient: what a drawn step shows besides the step itself."""
    return tuple((node.data, node.grad) for node in trace(root))


@course_style()  # set_title restyles the title from the rcParams: the course's, not the session's
def _pin_titles(fig) -> None:
    """Keep the titles at the top of their axes (where matplotlib puts them when no tick labels
    are at the top, as here) instead of placing them anew at each drawing."""
    for ax in fig.axes:
        ax.set_title(ax.get_title(), y=1.0)


def _backward_drawer(root: Value):
    """A ``draw(step)`` for one widget: the graph is drawn once, then each step restyles it.

    Each step's look and message are worked out once (drawn by :func:`draw_graph` on a figure
    of their own, then copied), and again only if a node's value or gradient has changed.
    """
    fig = None

    @functools.lru_cache(maxsize=256)
    def look_and_message(step, _state):
        return _graph_look(_draw_backward_step(root, step)), step_message(root, step)

    def draw(step):
        nonlocal fig
        look, message = look_and_message(step, _graph_state(root))
        if fig is None:
            fig = _draw_backward_step(root, step)
            _pin_titles(fig)
        else:  # FigureWidget keeps the layout of the first frame
            _show_look(fig, look)
        return fig, message

    return draw


def backward_pass_widget(root: Value, step: int = 0) -> FigureWidget:
    """Step through ``root.backward()`` node by node on the drawn graph.

    Control: ``step`` (0 = forward values only, up to the number of nodes).
    The node of the current step is highlighted; the red arrows show where its
    gradient flows next. Calls ``root.backward()`` first.
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a utils.autodiff.Value, got {type(root).__name__}")
    root.backward()
    n_steps = len(backward_steps(root))
    if isinstance(step, bool) or not isinstance(step, numbers.Integral) or not 0 <= step <= n_steps:
        raise ValueError(f"step must be an integer between 0 and {n_steps}, got {step!r}")

    controls = {
        "step": widgets.IntSlider(
            value=step,
            min=0,
            max=n_steps,
            step=1,
            description=_w("backward_step"),
            **control_looks("360px"),
        )
    }
    return FigureWidget(_backward_drawer(root), controls, title=_w("backward_title"))


# ----------------------------------------------------------------------------------------
# 3. N + P versus N x P
# ----------------------------------------------------------------------------------------


def multiply_adds(sizes, m):
    """Multiply-adds in the matrix products of one forward pass of ``DenseNetwork(sizes)`` on a
    batch of ``m`` examples: ``m * n_in * n_out`` per layer (``A @ W``).

    The backward pass of :class:`utils.nn.DenseNetwork` does two products of the same size per
    layer (``dW = A_in.T @ dZ`` and ``dA_in = dZ @ W.T``), so one forward and one backward pass
    cost three times this.
    """
    return int(m) * sum(int(a) * int(b) for a, b in zip(sizes[:-1], sizes[1:]))


def _best_time(fn, repeats, budget=0.02):
    """Seconds per call of ``fn``: the best of ``repeats`` runs of about ``budget`` seconds each
    (other programs on the machine only ever slow a run down, so the minimum is the fair one)."""
    one = timeit.timeit(fn, number=1)
    number = int(min(max(budget / max(one, 1e-7), 1), 2000))
    return min(timeit.repeat(fn, number=number, repeat=repeats)) / number


def time_gradients(hidden_sizes=(2, 8, 32, 128), n_features=20, m=64, eps=1e-6, seed=0, repeats=5):
    """Count and time all partial derivatives of a small network's cost, two ways.

    For each hidden width h the network is ``DenseNetwork([n_features, h, 1],
    ['tanh', 'sigmoid'])`` in float64 with the binary cross-entropy cost on a fixed
    random batch of ``m`` examples. *Finite differences* nudge each parameter in
    turn (forward difference: one extra forward pass per parameter); *backprop*
    runs one forward and one backward pass. Both use :mod:`utils.nn`:
    :func:`~utils.nn.numerical_gradients` (``kind="forward"``) and the gradient of
    :func:`~utils.nn.binary_crossentropy`.

    The work is counted: ``forward_passes`` (counted while finite differences run) and the
    multiply-adds of the matrix products (:func:`multiply_adds`), ``multiply_adds_fd`` and
    ``multiply_adds_bp`` (one forward and one backward pass: three forward passes' worth).
    It is also timed: ``seconds_fd`` and ``seconds_bp``, each the best of ``repeats`` runs.

    Returns one dict per width: ``hidden``, ``params``, those counts and times, ``ratio``
    (of the times), ``counted_ratio`` (of the multiply-adds) and ``rel_error`` (how closely
    the two gradients agree).
    """
    sizes = [int(h) for h in hidden_sizes]
    if not sizes or min(sizes) < 1:
        raise ValueError(f"hidden_sizes must be positive widths, got {hidden_sizes!r}")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n_features))
    y = (rng.random((m, 1)) < 0.5).astype(float)
    results = []
    for h in sizes:
        net = DenseNetwork([n_features, h, 1], ["tanh", "sigmoid"], seed=seed, dtype=np.float64)
        theta, start = net.theta, net.theta.copy()
        passes = [0]

        def cost_at(params):
            passes[0] += 1
            theta[...] = params[0]
            return losses.cost(losses.binary_crossentropy(y, net.forward(X)))

        def by_finite_differences():
            try:
                return numerical_gradients(cost_at, [start], eps=eps, kind="forward")[0]
            finally:
                theta[...] = start

        def by_backprop():
            net.backward(losses.binary_crossentropy_grad(y, net.forward(X)))
            return net.grad.copy()

        fd = by_finite_differences()
        forward_passes = passes[0]
        bp = by_backprop()
        t_fd = _best_time(by_finite_differences, repeats)
        t_bp = _best_time(by_backprop, repeats)
        one_pass = multiply_adds(net.sizes, m)
        results.append(
            {
                "hidden": h,
                "params": int(theta.size),
                "forward_passes": forward_passes,
                "multiply_adds_fd": forward_passes * one_pass,
                "multiply_adds_bp": 3 * one_pass,
                "counted_ratio": forward_passes / 3,
                "seconds_fd": t_fd,
                "seconds_bp": t_bp,
                "ratio": t_fd / t_bp,
                "rel_error": relative_error(fd, bp),
            }
        )
    return results


def _ratio_lines(ax, P, fd, bp, scale=1.0):
    ax.loglog(P, fd * scale, "o-", color=COLORS["vermillion"], label=_fig("fd_line"))
    ax.loglog(P, bp * scale, "s-", color=COLORS["blue"], label=_fig("bp_line"))
    for p, a, b in zip(P, fd, bp):
        ax.plot([p, p], [b * scale, a * scale], ":", color=COLORS["grey"], linewidth=1)
        ax.annotate(
            f"×{a / b:,.0f}",
            (p, math.sqrt(a * b) * scale),
            ha="center",
            va="center",
            fontsize=9,
            color=COLORS["black"],
            bbox={"boxstyle": "round,pad=0.2", "facecolor": COLORS["white"], "edgecolor": "none"},
        )
    ax.set_xlim(P.min() / 1.6, P.max() * 1.6)
    ax.set_xlabel(_fig("params_axis"))
    ax.legend(loc="upper left")


@course_style()
def plot_timings(results) -> Figure:
    """Time per full gradient against the number of parameters, log-log (left); when the
    results carry them, the counted multiply-adds too (right), where the slopes read exactly:
    2 for finite differences (P forward passes, each growing with P), 1 for backprop."""
    if not results:
        raise ValueError("results is empty: pass the list that time_gradients() returned")
    P = np.array([r["params"] for r in results], dtype=float)
    counted = all("multiply_adds_fd" in r for r in results)
    fig = new_figure(figsize=(11.5, 4) if counted else (6.5, 4))
    axes = fig.subplots(1, 2) if counted else [fig.add_subplot()]
    fd = np.array([r["seconds_fd"] for r in results])
    bp = np.array([r["seconds_bp"] for r in results])
    _ratio_lines(axes[0], P, fd, bp, scale=1e3)
    axes[0].set_ylabel(_fig("time_axis"))
    axes[0].set_title(_fig("measured_title"))
    if counted:
        fd_ops = np.array([r["multiply_adds_fd"] for r in results], dtype=float)
        bp_ops = np.array([r["multiply_adds_bp"] for r in results], dtype=float)
        _ratio_lines(axes[1], P, fd_ops, bp_ops)
        axes[1].set_ylabel(_fig("ops_axis"))
        axes[1].set_title(_fig("counted_title"))
    fig.suptitle(_fig("timings_title"))
    return fig


def _width(text: str) -> int:
    """Columns ``text`` takes in a monospaced font (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, align: str, fill: str = " ") -> str:
    """``text`` padded to ``width`` columns: ``align`` is 'left', 'right' or 'center'."""
    gap = max(width - _width(text), 0)
    before = {"left": 0, "right": gap, "center": gap // 2}[align]
    return fill * before + text + fill * (gap - before)


def format_timings(results) -> str:
    """The counts and timings as a small text table."""
    groups = (("", 2), (_w("counted_group"), 3), (_w("time_group"), 3), ("", 1))
    head = ("h", "P") + (_w("finite_diff"), _w("backprop"), _w("ratio")) * 2 + (_w("rel_error"),)
    rows = [head]
    for r in results:
        rows.append(
            (
                str(r["hidden"]),
                f"{r['params']:,}",
                f"{r['multiply_adds_fd']:.3g}",
                f"{r['multiply_adds_bp']:.3g}",
                f"{r['counted_ratio']:,.0f}x",
                f"{r['seconds_fd'] * 1e3:.2f} ms",
                f"{r['seconds_bp'] * 1e3:.3f} ms",
                f"{r['ratio']:,.0f}x",
                f"{r['rel_error']:.1e}",
            )
        )
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    spans, start = [], 0
    for title, n in groups:
        width = sum(widths[start : start + n]) + 2 * (n - 1)
        spans.append(_pad(title, width, "center", "-") if title else " " * width)
        start += n
    lines = ["  ".join(spans).rstrip()]
    lines += ["  ".join(_pad(cell, w, "right") for cell, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------
# 4. Gradient checks
# ----------------------------------------------------------------------------------------


def gradient_check_table(by_hand, finite_diff, tape, names=("dW1", "db1", "dW2", "db2")) -> str:
    """The three-way check: relative errors between each pair of gradients, one row per array.

    ``by_hand`` may be ``None`` (the exercise is not written yet): its columns
    then read 'not yet'. Relative errors (:func:`utils.nn.relative_error`) below about 1e-7
    mean "the same"; a gradient holding nan or inf reads 'inf'.
    """
    n = len(names)
    if len(finite_diff) != n or len(tape) != n:
        raise ValueError(f"expected {n} finite-difference and {n} GradientTape gradients")
    if by_hand is not None and len(by_hand) != n:
        raise ValueError(f"expected {n} gradients by hand, got {len(by_hand)}")
    rows = [
        (
            _w("gradient"),
            _w("shape"),
            _w("hand_vs_fd"),
            _w("hand_vs_tape"),
            _w("fd_vs_tape"),
        )
    ]
    for k, name in enumerate(names):
        fd, tp = np.asarray(finite_diff[k], dtype=float), np.asarray(tape[k], dtype=float)
        if by_hand is None:
            h_fd = h_tp = _w("not_yet")
        else:
            hand = np.asarray(by_hand[k], dtype=float)
            if hand.shape != tp.shape:
                h_fd = h_tp = _w("bad_shape", shape=hand.shape)
            else:
                h_fd, h_tp = f"{relative_error(hand, fd):.1e}", f"{relative_error(hand, tp):.1e}"
        rows.append((name, str(tp.shape), h_fd, h_tp, f"{relative_error(fd, tp):.1e}"))
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            _pad(cell, w, "left" if i < 2 else "right")
            for i, (cell, w) in enumerate(zip(row, widths))
        ).rstrip()
        for row in rows
    )
