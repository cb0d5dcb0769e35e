r"""What each hidden unit of a small multiclass network draws on the plane (lesson 03).

A network $2 \to H$ ReLU units $\to K$ logits computes, at every point $\vec x$ of the plane,

$$a_j = \mathrm{ReLU}(\vec w_j \cdot \vec x + b_j), \qquad
z_k = \sum_j W_{jk}\, a_j + b_k, \qquad \hat y = \arg\max_k z_k .$$

Each unit is zero on one side of a straight line, $\vec w_j \cdot \vec x + b_j = 0$, and grows
linearly on the other; each logit is a weighted sum of those ramps; the decision regions are
where one logit beats the others.  :func:`neuron_grids` computes all of it on a grid, once;
:func:`neuron_view` draws it, one panel per unit and per logit, and a dropdown chooses the
class $k$ whose weights $W_{jk}$ are shown.  :func:`small_blob_weights` is the network the
lesson shows: 2 -> 4 ReLU -> 4, trained once (seeded) on the four blobs by :mod:`utils.nn`.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np
from matplotlib import colormaps as plt_colormaps
from matplotlib.colors import ListedColormap, to_rgb

from utils.i18n import msg
from utils.nn import DenseNetwork
from utils.nn.optimizers import Adam
from utils.nn.train import train
from utils.style import CLASS_COLORS, COLORS, course_style, figure_language, new_figure
from utils.synthetic import make_blobs
from utils.ui.figure_widget import FigureWidget, control_looks

__all__ = ["SMALL_NETWORK", "small_blob_weights", "neuron_grids", "neuron_view"]

SMALL_NETWORK = {"sizes": (2, 4, 4), "seed": 1, "epochs": 40, "learning_rate": 0.01}
"""The lesson's small network: its layer sizes, seed, epochs and Adam's learning rate."""

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(n: int) -> str:
    return str(n).translate(_SUBSCRIPTS)


def _signed(value: float) -> str:
    """``+1.23`` or ``−1.23`` (a real minus sign), never ``- -1.23``."""
    return f"{'−' if value < 0 else '+'}{abs(value):.2f}"


def _w(key, **params):
    return msg(f"softmax_multiclass.widget.{key}", **params)


def _fig(key, **params):
    return msg(f"softmax_multiclass.widget.{key}", lang=figure_language(), **params)


@functools.cache
def _trained_small_network() -> tuple:
    X, y = make_blobs(n_per_class=100, seed=1)  # the lesson's training set
    net = DenseNetwork(SMALL_NETWORK["sizes"], ["relu", "linear"], seed=SMALL_NETWORK["seed"])
    train(
        net,
        X,
        y,
        optimizer=Adam(SMALL_NETWORK["learning_rate"]),
        epochs=SMALL_NETWORK["epochs"],
        batch_size=32,
        seed=SMALL_NETWORK["seed"],
    )
    weights = tuple(w.astype(float) for w in net.get_weights())
    for w in weights:
        w.flags.writeable = False
    return weights


def small_blob_weights() -> list:
    """``[W1, b1, W2, b2]`` of a 2 -> 4 ReLU -> 4 network trained on the lesson's blobs.

    Trained once per process (about 0.1 s, deterministic: seeded Glorot start and batches, Adam,
    loss from the logits) by :func:`utils.nn.train`; later calls return copies of the same
    weights.
    """
    return [w.copy() for w in _trained_small_network()]


def _as_weights(weights):
    if not isinstance(weights, (list, tuple)) or len(weights) != 4:
        raise ValueError("weights must be [W1, b1, W2, b2] of a 2 -> H -> K network")
    W1, b1, W2, b2 = (np.asarray(w, dtype=float) for w in weights)
    H, K = W1.shape[1] if W1.ndim == 2 else -1, W2.shape[1] if W2.ndim == 2 else -1
    if W1.shape != (2, H) or b1.shape != (H,) or W2.shape != (H, K) or b2.shape != (K,):
        raise ValueError(
            "weights must be [W1 (2, H), b1 (H,), W2 (H, K), b2 (K,)], got shapes "
            f"{[np.shape(w) for w in weights]}"
        )
    if not 1 <= H <= 8 or not 2 <= K <= 8:
        raise ValueError(f"the view draws 1 to 8 hidden units and 2 to 8 classes, got {H} and {K}")
    return W1, b1, W2, b2


def neuron_grids(weights, extent, resolution=80) -> dict:
    r"""Every quantity the view draws, on a ``resolution`` x ``resolution`` grid over ``extent``.

    ``extent`` = (x₁ min, x₁ max, x₂ min, x₂ max).  Returns ``points`` (n, 2) (row by row, x₁
    fastest), ``hidden`` $a = \mathrm{ReLU}(X W_1 + b_1)$ as (res, res, H), ``logits``
    $z = a W_2 + b_2$ as (res, res, K) and ``regions`` $\arg\max_k z_k$ as (res, res).
    """
    W1, b1, W2, b2 = _as_weights(weights)
    xs = np.linspace(extent[0], extent[1], resolution)
    ys = np.linspace(extent[2], extent[3], resolution)
    xx, yy = np.meshgrid(xs, ys)
    points = np.column_stack([xx.ravel(), yy.ravel()])
    hidden = np.maximum(points @ W1 + b1, 0.0)
    logits = hidden @ W2 + b2
    shape = (resolution, resolution)
    return {
        "points": points,
        "hidden": hidden.reshape(*shape, -1),
        "logits": logits.reshape(*shape, -1),
        "regions": logits.argmax(axis=1).reshape(shape),
    }


def _region_images(regions, K) -> list:
    """One RGB image of the decision regions per class k, with class k's region the brightest."""
    colours = np.array([to_rgb(c) for c in CLASS_COLORS[:K]])
    white = np.ones(3)
    images = []
    for k in range(K):
        strength = np.where(np.arange(K) == k, 0.55, 0.15)[:, None]
        palette = white + strength * (colours - white)
        images.append(palette[regions])
    return images


def _zero_line(w, b, extent) -> tuple:
    """The ends of the segment where w·x + b = 0 crosses the box ``extent`` (empty if it
    does not): where the unit switches on."""
    x0, x1, y0, y1 = extent
    w1, w2 = float(w[0]), float(w[1])
    ends = []
    if w2 != 0:  # crossings of the left and right sides
        ends += [(x, -(w1 * x + b) / w2) for x in (x0, x1)]
    if w1 != 0:  # crossings of the bottom and top
        ends += [(-(w2 * y + b) / w1, y) for y in (y0, y1)]
    inside = sorted(
        {(round(x, 12), round(y, 12)) for x, y in ends if x0 <= x <= x1 and y0 <= y <= y1}
    )
    if len(inside) < 2:
        return [], []
    (xa, ya), (xb, yb) = inside[0], inside[-1]
    return [xa, xb], [ya, yb]


def _dots(ax, points, colour, *, size, alpha=1.0):
    """Small dots drawn as a marker line (much faster to render than a scatter)."""
    ax.plot(
        *points.T,
        linestyle="none",
        marker="o",
        markersize=size,
        markeredgewidth=0,
        color=colour,
        alpha=alpha,
    )


class _NeuronFigure:
    """The view's figure, built once: unit panels, logit panels, weights and decision regions."""

    @course_style()
    def __init__(self, weights, grids, X, y, extent):
        W1, b1, W2, b2 = weights
        H, K = W2.shape
        self.W2, self.b2, self.K = W2, b2, K
        cols = max(H, K) + 1
        self.fig = fig = new_figure(figsize=(2.0 * cols, 4.5), layout=None)
        fig.subplots_adjust(left=0.02, right=0.98, bottom=0.04, top=0.84, wspace=0.25, hspace=0.45)
        grid = fig.add_gridspec(2, cols)
        imshow = {"extent": extent, "origin": "lower", "aspect": "auto", "interpolation": "nearest"}
        self.units, self.unit_titles = [], []
        # a few colour levels (bands, like contour lines): readable, and the PNG stays small
        ramp = ListedColormap(np.linspace([1, 1, 1], to_rgb(COLORS["green"]), 10))
        diverging = plt_colormaps["RdBu_r"].resampled(16)
        for j in range(H):
            ax = fig.add_subplot(grid[0, j])
            a = grids["hidden"][:, :, j]
            ax.imshow(a, cmap=ramp, vmin=0, vmax=max(float(a.max()), 1e-9), **imshow)
            ax.plot(*_zero_line(W1[:, j], b1[j], extent), color=COLORS["black"], linewidth=1.2)
            for k in range(K):
                _dots(ax, X[y == k], CLASS_COLORS[k], size=1.5, alpha=0.6)
            self.units.append(ax)
            self.unit_titles.append(ax.set_title("", fontsize=10))
        self.bars_ax = ax = fig.add_subplot(grid[0, cols - 1])
        labels = [f"a{_sub(j + 1)}" for j in range(H)] + ["b"]
        self.bars = ax.bar(range(H + 1), np.zeros(H + 1), color=COLORS["grey"])
        self.bar_values = [ax.text(i, 0, "", ha="center", fontsize=8) for i in range(H + 1)]
        self.zero = ax.axhline(0, color=COLORS["black"], linewidth=0.8)
        limit = 1.25 * max(float(np.abs(W2).max()), float(np.abs(b2).max()))
        ax.set(ylim=(-limit, limit), xticks=range(H + 1), yticks=[])
        ax.set_xticklabels(labels, fontsize=9)
        ax.grid(False)
        for side in ("left", "top", "right"):
            ax.spines[side].set_visible(False)
        self.bars_title = ax.set_title("", fontsize=10)
        self.logits = []
        bound = float(np.abs(grids["logits"]).max())
        for k in range(K):
            ax = fig.add_subplot(grid[1, k])
            ax.imshow(grids["logits"][:, :, k], cmap=diverging, vmin=-bound, vmax=bound, **imshow)
            _dots(ax, X[y == k], CLASS_COLORS[k], size=2.0)
            ax.set_title(_fig("neuron_logit_title", k=k, sub=_sub(k)), fontsize=10)
            self.logits.append(ax)
        ax = self.regions_ax = fig.add_subplot(grid[1, cols - 1])
        self.region_images = _region_images(grids["regions"], K)
        self.regions = ax.imshow(self.region_images[0], **imshow)
        for k in range(K):
            _dots(ax, X[y == k], CLASS_COLORS[k], size=2.0)
        ax.set_title(_fig("neuron_regions_title"), fontsize=10)
        for ax in self.units + self.logits + [self.regions_ax]:
            ax.set(xticks=[], yticks=[], xlim=extent[:2], ylim=extent[2:])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(True)
        fig.text(0.01, 0.93, _fig("neuron_row_hidden"), fontsize=11, fontweight="bold")
        fig.text(0.01, 0.455, _fig("neuron_row_output"), fontsize=11, fontweight="bold")
        self._settle()

    def _settle(self):
        """Leave the artists inside the panels out of the tight-bbox search (faster PNGs)."""
        for ax in self.units + self.logits + [self.regions_ax]:
            for artist in ax.collections + ax.images + ax.lines:
                artist.set_in_layout(False)

    def moving(self, _figure=None) -> list:
        """The artists :meth:`show` changes, in drawing order (the regions' dots above their
        image); the rest of the figure is drawn once (``FigureWidget(moving=...)``)."""
        spines = [s for ax in self.units + self.logits for s in ax.spines.values()]
        return [
            *self.unit_titles,
            *spines,
            *self.bars,
            self.zero,  # over the bars, as when the whole figure is drawn
            *self.bar_values,
            self.bars_title,
            self.regions,
            *self.regions_ax.lines,
        ]

    def show(self, k: int):
        """Show how the units weigh into class ``k``."""
        weights = self.W2[:, k]
        for j, (ax, title) in enumerate(zip(self.units, self.unit_titles)):
            w = float(weights[j])
            colour = COLORS["blue"] if w > 0 else COLORS["vermillion"]
            for spine in ax.spines.values():
                spine.set(edgecolor=colour, linewidth=0.8 + 3.0 * abs(w) / np.abs(self.W2).max())
            title.set_text(
                _fig("neuron_unit_title", j=j + 1, sub=_sub(j + 1), ksub=_sub(k), weight=_signed(w))
            )
        values = list(weights) + [float(self.b2[k])]
        limit = self.bars_ax.get_ylim()[1]
        for i, (bar, text, v) in enumerate(zip(self.bars, self.bar_values, values)):
            bar.set_height(v)
            bar.set_color(COLORS["blue"] if v > 0 else COLORS["vermillion"])
            bar.set_alpha(0.5 if i == len(values) - 1 else 1.0)
            text.set(
                text=_signed(v),
                y=v + (0.04 if v >= 0 else -0.04) * limit,
                va="bottom" if v >= 0 else "top",
            )
        self.bars_title.set_text(_fig("neuron_weights_title", ksub=_sub(k)))
        for j, ax in enumerate(self.logits):
            chosen = j == k
            for spine in ax.spines.values():
                spine.set(
                    edgecolor=COLORS["black"] if chosen else COLORS["grey"],
                    linewidth=3.5 if chosen else 0.8,
                )
        self.regions.set_data(self.region_images[k])
        return self.fig


def neuron_view(weights, X, y, class_k=0, resolution=80) -> FigureWidget:
    r"""What each hidden ReLU unit draws on the plane, and how the output layer combines them.

    ``weights``: ``[W1, b1, W2, b2]`` of a network 2 -> H ReLU -> K linear (a Keras model's
    ``get_weights()``, or :func:`small_blob_weights`); ``X`` (n, 2), ``y`` (n,): the points
    drawn.  Top row: each unit's activation $a_j$ over the plane (white where it is 0; its zero
    line in black) and the weights $W_{jk}$ and bias $b_k$ of class $k$ as bars; the frame of
    unit $j$ is blue when $W_{jk} > 0$ (the unit votes for class $k$), red when it votes
    against, thicker the larger $|W_{jk}|$.  Bottom row: each logit $z_k$ over the plane (red
    positive, blue negative) and the decision regions, class $k$'s brightest.  Everything is
    computed once (:func:`neuron_grids`); choosing $k$ only recolours.
    """
    W1, b1, W2, b2 = _as_weights(weights)
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must have shape (n, 2) and y shape (n,), got {X.shape}, {y.shape}")
    K = W2.shape[1]
    if (
        isinstance(class_k, bool)
        or not isinstance(class_k, (int, np.integer))
        or not (0 <= class_k < K)
    ):
        raise ValueError(f"class_k must be a class index 0..{K - 1}, got {class_k!r}")
    pad = 1.0
    extent = (
        float(X[:, 0].min() - pad),
        float(X[:, 0].max() + pad),
        float(X[:, 1].min() - pad),
        float(X[:, 1].max() + pad),
    )
    grids = neuron_grids((W1, b1, W2, b2), extent, resolution)
    view = _NeuronFigure((W1, b1, W2, b2), grids, X, y, extent)

    @course_style()
    def draw(class_k):
        terms = " ".join(f"{_signed(w)}·a{_sub(j + 1)}" for j, w in enumerate(W2[:, class_k]))
        message = _w(
            "neuron_message",
            ksub=_sub(class_k),
            k=class_k,
            terms=terms,
            bias=_signed(float(b2[class_k])),
            share=float((grids["regions"] == class_k).mean()),
        )
        return view.show(class_k), message

    controls = {
        "class_k": widgets.Dropdown(
            options=[(f"k = {k}", k) for k in range(K)],
            value=int(class_k),
            description=_w("neuron_class"),
            **control_looks("220px"),
        )
    }
    return FigureWidget(draw, controls, title=_w("neuron_title"), moving=view.moving)
