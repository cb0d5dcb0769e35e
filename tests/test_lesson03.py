"""Lesson 03, softmax and multiclass classification: exercises, hidden tests, widgets, stated
facts, and the numbers the prose relies on.  That the notebook runs clean (also under nbgrader)
and that the blank release fails every check with a message is
``tests/test_lesson_execution.py``."""

from __future__ import annotations

import re

import matplotlib
import nbformat
import numpy as np
import pytest

from autograder.notebooks import (
    cell_text,
    cells_by_grade_id,
    failures,
    number_after,
    run_notebook,
    source_notebook,
    stderr_text,
    with_solution,
)
from utils import i18n
from utils.feedback import ExerciseError
from utils.lessons.softmax_multiclass import widgets as W
from utils.lessons.softmax_multiclass.checks import (
    check_my_softmax,
    check_predict_labels,
    check_sparse_ce_from_logits,
)
from utils.nn import log_softmax, sigmoid, softmax

matplotlib.use("Agg")

NAME = "03_softmax_multiclass"
EXERCISES = {
    "my_softmax": "test_my_softmax",
    "sparse_ce_from_logits": "test_sparse_ce_from_logits",
    "predict_labels": "test_predict_labels",
}
POINTS = {"test_my_softmax": 2, "test_sparse_ce_from_logits": 2, "test_predict_labels": 1}


# --------------------------------------------------------------------------
# Correct answers and realistic wrong ones (in-process)
# --------------------------------------------------------------------------


def softmax_right(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_no_max(z):
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_ratio(z):
    return z / np.sum(z, axis=-1, keepdims=True)


def softmax_no_division(z):
    return np.exp(z - np.max(z, axis=-1, keepdims=True))


def softmax_axis0(z):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def softmax_sum_whole_batch(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e)


def softmax_global_max(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_no_keepdims(z):
    e = np.exp(z - np.max(z, axis=-1))
    return e / np.sum(e, axis=-1)


def softmax_zeros_like(z):
    a = np.zeros_like(z)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    a[...] = e / np.sum(e, axis=-1, keepdims=True)
    return a


def softmax_in_place(z):
    z -= np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_mean_shift(z):
    e = np.exp(z - np.mean(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_no_return(z):
    softmax_right(z)


def not_written(*args):
    raise NotImplementedError()


@pytest.mark.parametrize(
    "wrong, message",
    [
        (not_written, "not written yet"),
        (softmax_no_return, "forget `return`"),
        (softmax_no_max, "e^1000 overflows to inf and inf/inf is nan"),
        (softmax_ratio, "sums to one but it is not softmax"),
        (softmax_no_division, "not yet divided by their sum"),
        (softmax_axis0, "softmax over the wrong axis"),
        (softmax_sum_whole_batch, "the whole batch sums to 1 but each row should"),
        (softmax_global_max, "each row needs its own max"),
        (softmax_no_keepdims, "keepdims=True"),
        (softmax_zeros_like, "np.zeros_like(z)"),
        (softmax_in_place, "changed its input array in place"),
        (softmax_mean_shift, "not the mean or the smallest one"),
    ],
)
def test_my_softmax_check_names_the_mistake(wrong, message):
    with pytest.raises(ExerciseError, match=re.escape(message)):
        check_my_softmax(wrong)


def test_my_softmax_check_passes_the_right_answer(capsys):
    check_my_softmax(softmax_right)
    assert "✓" in capsys.readouterr().out


def ce_right(y, z):
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=1, keepdims=True)
    return m[:, 0] + np.log(np.sum(np.exp(z - m), axis=1)) - z[np.arange(len(y)), y]


def ce_mean(y, z):
    return ce_right(y, z).mean()


def ce_columns(y, z):
    m = np.max(z, axis=1, keepdims=True)
    return (m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True))) - z[:, y]


def ce_next_class(y, z):
    return ce_right((np.asarray(y) + 1) % z.shape[1], z)


def ce_argmax(y, z):
    return ce_right(np.argmax(z, axis=1), z)


def ce_sign(y, z):
    return -ce_right(y, z)


def ce_forgot_max(y, z):
    m = np.max(z, axis=1, keepdims=True)
    return np.log(np.sum(np.exp(z - m), axis=1)) - z[np.arange(len(y)), y]


def ce_no_shift(y, z):
    return np.log(np.sum(np.exp(z), axis=1)) - z[np.arange(len(y)), y]


def ce_softmax_then_log(y, z):
    return -np.log(softmax_right(z)[np.arange(len(y)), y])


def ce_clipped(y, z):
    return -np.log(np.clip(softmax_right(z)[np.arange(len(y)), y], 1e-7, 1 - 1e-7))


def ce_global_max(y, z):
    m = np.max(z)
    return m + np.log(np.sum(np.exp(z - m), axis=1)) - z[np.arange(len(y)), y]


def ce_axis0(y, z):
    m = np.max(z, axis=0)
    return m + np.log(np.sum(np.exp(z - m), axis=0))


@pytest.mark.parametrize(
    "wrong, message",
    [
        (not_written, "not written yet"),
        (ce_mean, "the mean over the batch"),
        (ce_columns, "z[:, y] picks the columns y for EVERY row"),
        (ce_next_class, "used the wrong class"),
        (ce_argmax, "the predicted class (the argmax of z)"),
        (ce_sign, "Check the minus sign"),
        (ce_forgot_max, "did not add it back"),
        (ce_axis0, "axis 0 (the examples)"),
        (ce_no_shift, "e^1000 overflowed to inf"),
        (ce_softmax_then_log, "you took the softmax first and then the log"),
        (ce_clipped, "you clipped the probabilities"),
        (ce_global_max, "Each row needs its own max"),
    ],
)
def test_sparse_ce_check_names_the_mistake(wrong, message):
    with pytest.raises(ExerciseError, match=re.escape(message)):
        check_sparse_ce_from_logits(wrong)


def test_sparse_ce_check_passes_the_right_answer(capsys):
    check_sparse_ce_from_logits(ce_right)
    assert "✓" in capsys.readouterr().out


def labels_right(probs, threshold=0.5):
    return (np.asarray(probs) >= np.asarray(threshold)).astype(int)


@pytest.mark.parametrize(
    "wrong, message",
    [
        (not_written, "not written yet"),
        (lambda p, t=0.5: np.argmax(p, axis=1), "multiclass thinking"),
        (
            lambda p, t=0.5: np.eye(p.shape[1], dtype=int)[np.argmax(p, axis=1)],
            "exactly one label per row",
        ),
        (lambda p, t=0.5: p, "labels must be 0 or 1"),
        (lambda p, t=0.5: p >= t, "returned booleans"),
        (lambda p, t=0.5: (p < t).astype(int), "inverted labels"),
        (lambda p, t=0.5: np.round(p).astype(int), "use the threshold argument"),
        (lambda p, t=0.5: (p >= float(t)).astype(int), "one threshold per label"),
        (lambda p, t=0.5: (p >= t).astype(float), "dtype float64"),
    ],
)
def test_predict_labels_check_names_the_mistake(wrong, message):
    with pytest.raises(ExerciseError, match=re.escape(message)):
        check_predict_labels(wrong)


def test_predict_labels_check_passes_the_right_answer(capsys):
    check_predict_labels(labels_right)
    assert "✓" in capsys.readouterr().out


# --------------------------------------------------------------------------
# The source notebook: structure, solutions, hidden tests
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def source():
    return nbformat.read(str(source_notebook(NAME)), as_version=4)


def test_source_notebook_structure(source):
    """What is particular to this lesson; ``tests/test_lesson_contract.py`` checks the rest."""
    by_id = cells_by_grade_id(source)
    meta_by_id = {c.id: c.metadata["nbgrader"] for c in source.cells}
    assert {i for i, meta in meta_by_id.items() if meta.get("solution")} == set(EXERCISES)
    assert {i for i, meta in meta_by_id.items() if meta.get("grade")} == set(EXERCISES.values())
    for solution, test in EXERCISES.items():
        assert by_id[test].metadata.nbgrader["points"] == POINTS[test]
        assert by_id[solution].source.index('"""') < by_id[solution].source.index(
            "### BEGIN SOLUTION"
        )
        visible = by_id[test].source.split("### BEGIN HIDDEN TESTS")[0]
        assert f"check_{solution}({solution})" in visible
    assert "import keras" in by_id["setup_keras"].source
    code = [c for c in source.cells if c.cell_type == "code"]
    assert code[-1].source.strip() == "quiz()"
    assert [c.id for c in source.cells[-2:]] == ["open_questions", "further_reading"]
    assert source.cells[-2].source.count("<details>") == 3
    # the optional material says so in its heading
    for cid in ("lab_deep_dive", "keras_clipping", "mistake_deep_dive"):
        assert by_id[cid].source.startswith("### Deep dive (optional):"), cid


def hidden_part(source, test_id):
    return (
        cells_by_grade_id(source)[test_id]
        .source.split("### BEGIN HIDDEN TESTS")[1]
        .split("### END HIDDEN TESTS")[0]
    )


def softmax_1d_2d_only(z):
    """Passes every visible check, but works along axis 1 even for a 3-D batch."""
    z = np.asarray(z, dtype=float)
    axis = 0 if z.ndim == 1 else 1
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


@pytest.mark.parametrize(
    "test_id, name, right",
    [
        ("test_my_softmax", "my_softmax", softmax_right),
        ("test_sparse_ce_from_logits", "sparse_ce_from_logits", ce_right),
        ("test_predict_labels", "predict_labels", labels_right),
    ],
)
def test_hidden_tests_pass_the_right_answers(source, keras, test_id, name, right):
    exec(hidden_part(source, test_id), {"np": np, "keras": keras, name: right})


def test_hidden_tests_catch_what_the_visible_checks_miss(source, keras, capsys):
    check_my_softmax(softmax_1d_2d_only)  # the visible checks pass ...
    with pytest.raises(AssertionError):  # ... the hidden tests do not
        exec(
            hidden_part(source, "test_my_softmax"),
            {"np": np, "keras": keras, "my_softmax": softmax_1d_2d_only},
        )


# --------------------------------------------------------------------------
# Widgets, driven as a student would
# --------------------------------------------------------------------------


def bar_heights(fig, ax_index=0):
    return np.array([p.get_height() for p in fig.axes[ax_index].patches])


def test_softmax_explorer_every_control_redraws():
    w = W.softmax_explorer()
    assert set(w.controls) == {"z0", "z1", "z2", "z3", "true_class"}
    np.testing.assert_allclose(bar_heights(w.figure), softmax([1.0, 2.0, 3.0, 4.0]))
    for k in range(4):
        before_bars, before_message = bar_heights(w.figure), w.message
        fig = w.set(**{f"z{k}": -2.5 + k})
        z = np.array([w.values[f"z{j}"] for j in range(4)])
        np.testing.assert_allclose(bar_heights(fig), softmax(z))
        assert not np.allclose(bar_heights(fig), before_bars) and w.message != before_message
    title, message = w.figure.axes[0].get_title(), w.message
    w.set(true_class=0)
    assert w.figure.axes[0].get_title() != title and w.message != message
    z = np.array([w.values[f"z{j}"] for j in range(4)])
    assert f"{-np.log(softmax(z)[0]):.3f}" in w.message and "sum 1.000" in w.message


def test_softmax_explorer_moves_one_figures_bars_and_their_numbers():
    """A move updates the same figure: each bar's height and printed value, the highlighted
    (true) class; every frame keeps the first frame's size."""
    w = W.softmax_explorer()
    fig, size = w.figure, w.frame_size
    for move in ({"z0": 6.0}, {"true_class": 1}, {"z3": -6.0, "z1": 0.5}):
        w.set(**move)
        assert w.figure is fig and w.frame_size == size
        ax = fig.axes[0]
        z = np.array([w.values[f"z{j}"] for j in range(4)])
        heights = [bar.get_height() for bar in ax.patches]
        np.testing.assert_allclose(heights, softmax(z))
        assert [t.get_text() for t in ax.texts] == [f"{a:.2f}" for a in softmax(z)]
        assert [t.xy[1] for t in ax.texts] == heights  # each number sits on its bar
        colours = [bar.get_facecolor() for bar in ax.patches]
        true = w.values["true_class"]
        assert [c == colours[true] for c in colours].count(True) == 1


def test_softmax_explorer_bad_values():
    with pytest.raises(ValueError, match="2 to 8 values"):
        W.softmax_explorer(logits=[1.0])
    with pytest.raises(ValueError, match="sliders' range"):
        W.softmax_explorer(logits=[1.0, 20.0])
    with pytest.raises(ValueError, match="class index 0..3"):
        W.softmax_explorer(true_class=4)
    with pytest.raises(ValueError, match="name each of the 4 classes"):
        W.softmax_explorer(labels=["a", "b"])


def test_two_class_figure_is_the_sigmoid():
    fig = W.plot_two_class_softmax()
    left, right = fig.axes
    line, dots = left.lines[:2]
    np.testing.assert_allclose(line.get_ydata(), sigmoid(line.get_xdata()))
    np.testing.assert_allclose(dots.get_ydata(), sigmoid(dots.get_xdata()), atol=1e-15)
    for curve, c in zip(right.lines, (-2.0, 0.0, 2.0)):
        np.testing.assert_allclose(curve.get_ydata(), sigmoid(curve.get_xdata() - c), atol=1e-15)
    labels = [curve.get_label() for curve in right.lines]
    assert labels[0].endswith("σ(z + 2)") and labels[2].endswith("σ(z − 2)")
    assert not any("- -" in label or "− -" in label for label in labels)
    with pytest.raises(ValueError):
        W.plot_two_class_softmax(z=[1.0])


def test_stability_lab_every_control_redraws():
    lab = W.stability_lab()
    assert set(lab.controls) == {"scale", "dtype"}
    assert lab.message.count("exact") == 3
    bars, message = bar_heights(lab.figure), lab.message
    lab.set(scale=60.0)  # float32: the textbook sum overflows, so -log 0 = inf
    assert lab.message != message and not np.allclose(bar_heights(lab.figure), bars)
    assert "textbook softmax, then log</b>: inf" in lab.message
    lab.set(scale=100.0)  # e^100 overflows too: nan; a_1 = e^-100 is subnormal
    assert "textbook softmax, then log</b>: nan" in lab.message
    assert "lost digits" in lab.message
    curves = [line.get_ydata().copy() for line in lab.figure.axes[1].lines[:3]]
    lab.set(dtype="float16")
    assert "float16" in lab.figure.axes[0].get_title()
    new_curves = [line.get_ydata() for line in lab.figure.axes[1].lines[:3]]
    assert any(not np.array_equal(a, b) for a, b in zip(curves, new_curves))
    assert "stable softmax, then log</b>: inf" in lab.message
    assert "from logits (log-sum-exp)</b>: 100 — exact" in lab.message


def test_stability_lab_bad_values():
    with pytest.raises(ValueError, match="dtype must be one of"):
        W.stability_lab(dtype="float8")
    with pytest.raises(ValueError, match="scale must be between"):
        W.stability_lab(scale=1e6)
    with pytest.raises(ValueError, match="do not fit in float16"):
        W.losses_three_ways([1e5, 0.0], 1, "float16")
    with pytest.raises(ValueError, match="class index"):
        W.losses_three_ways([1.0, 0.0], 2)


@pytest.mark.parametrize("dtype", W.DTYPES)
def test_the_lab_tells_the_story_the_prose_tells(dtype):
    """Section 4's claims, for every dtype: the table's orderings and from_logits staying exact."""
    found = W.failure_scales(dtype)
    assert found["from_logits"] == {}  # exact at every scale
    textbook, stable = found["textbook"], found["stable"]
    assert "nan" not in stable and "inf" in stable  # the max cures nan, not inf
    assert stable["lost digits"] < stable["inf"]  # digits go first, then inf
    assert textbook["inf"] < textbook["nan"] and textbook["inf"] < stable["inf"]
    eps = np.finfo(dtype).eps
    for s in np.geomspace(0.1, 1000, 97):
        losses = W.losses_three_ways(s * W.STABILITY_LOGITS, W.STABILITY_TRUE_CLASS, dtype)
        assert W.relative_error(losses["from_logits"], losses["reference"]) <= 4 * eps
    # float16 breaks at much smaller logits than float32 ("quite modest logits")
    if dtype == "float16":
        assert stable["inf"] < W.failure_scales("float32")["stable"]["inf"] / 5


def test_lab_reference_is_exact():
    z = np.array([3.0, 1.0, -2.0, 0.5])
    ref = W.losses_three_ways(z, 1, "float64")["reference"]
    assert ref == pytest.approx(-log_softmax(z)[1], rel=1e-15)
    assert W.verdict(float("nan"), 1.0) == "nan" and W.verdict(float("inf"), 1.0) == "inf"
    assert W.verdict(1.001, 1.0) == "lost digits" and W.verdict(1.0, 1.0) == "exact"


def test_failure_scales_is_the_scale_by_scale_search():
    """The vectorised search finds what checking every scale one at a time finds."""
    scales = np.geomspace(0.1, 1000, 401)
    for dtype in ("float16", "float32"):
        slow = {path: {} for path in W.PATHS}
        for s in scales:
            losses = W.losses_three_ways(s * W.STABILITY_LOGITS, W.STABILITY_TRUE_CLASS, dtype)
            for path in W.PATHS:
                v = W.verdict(losses[path], losses["reference"], dtype)
                if v != "exact":
                    slow[path].setdefault(v, float(s))
        assert W.failure_scales(dtype, scales) == slow


# The per-unit view ---------------------------------------------------------


def test_the_small_network_is_trained_and_repeatable():
    from utils.lessons.softmax_multiclass import neurons as N
    from utils.synthetic import make_blobs

    first, second = N.small_blob_weights(), N.small_blob_weights()
    assert [w.shape for w in first] == [(2, 4), (4,), (4, 4), (4,)]
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    first[0][0, 0] += 1.0  # a copy: the cached network is not changed
    assert not np.array_equal(first[0], N.small_blob_weights()[0])
    W1, b1, W2, b2 = N.small_blob_weights()
    X, y = make_blobs(100, seed=2)  # the test set the notebook draws
    hidden = np.maximum(X @ W1 + b1, 0)
    assert ((hidden @ W2 + b2).argmax(axis=1) == y).mean() >= 0.95
    assert np.all((hidden > 0).mean(axis=0) > 0.2)  # every unit is alive somewhere


def unit_and_logit_images(fig, H, K):
    units = [np.asarray(ax.images[0].get_array()) for ax in fig.axes[:H]]
    logits = [np.asarray(ax.images[0].get_array()) for ax in fig.axes[H + 1 : H + 1 + K]]
    return units, logits


def test_neuron_view_draws_the_network():
    from utils.lessons.softmax_multiclass import neurons as N
    from utils.synthetic import make_blobs

    X, y = make_blobs(100, seed=2)
    W1, b1, W2, b2 = weights = N.small_blob_weights()
    H, K = W2.shape
    w = N.neuron_view(weights, X, y, resolution=40)
    units, logits = unit_and_logit_images(w.figure, H, K)
    # each unit panel is relu(w_j . x + b_j) on the grid of its own extent
    x0, x1, y0, y1 = w.figure.axes[0].images[0].get_extent()
    xx, yy = np.meshgrid(np.linspace(x0, x1, 40), np.linspace(y0, y1, 40))
    points = np.column_stack([xx.ravel(), yy.ravel()])
    for j in range(H):
        want = np.maximum(points @ W1[:, j] + b1[j], 0).reshape(40, 40)
        np.testing.assert_allclose(units[j], want, atol=1e-12)
        assert units[j].min() == 0 and units[j].max() > 0  # its zero line crosses the plane
    # each logit panel is sum_j W_jk a_j + b_k of the unit panels
    A = np.stack(units, axis=-1)
    for k in range(K):
        np.testing.assert_allclose(logits[k], A @ W2[:, k] + b2[k], atol=1e-12)
    # the regions panel is the argmax of the logits (class 0's region brightest at first)
    regions = np.stack(logits, axis=-1).argmax(axis=-1)
    drawn = np.asarray(w.figure.axes[H + 1 + K].images[0].get_array())
    np.testing.assert_allclose(drawn, N._region_images(regions, K)[0])
    grids = N.neuron_grids(weights, (x0, x1, y0, y1), 40)
    np.testing.assert_allclose(grids["hidden"], A, atol=1e-12)
    assert np.array_equal(grids["regions"], regions)


def test_neuron_view_callback_redraws_for_every_class():
    from utils.lessons.softmax_multiclass import neurons as N
    from utils.synthetic import make_blobs

    X, y = make_blobs(100, seed=2)
    W1, b1, W2, b2 = weights = N.small_blob_weights()
    H, K = W2.shape
    w = N.neuron_view(weights, X, y, resolution=40)
    assert set(w.controls) == {"class_k"}
    bars_ax, regions_ax = w.figure.axes[H], w.figure.axes[H + 1 + K]
    _, logits = unit_and_logit_images(w.figure, H, K)
    shares = np.stack(logits, axis=-1).argmax(axis=-1)[None] == np.arange(K)[:, None, None]
    for k in [*range(1, K), 0]:
        before, image = w.redraws, np.asarray(regions_ax.images[0].get_array()).copy()
        w.set(class_k=k)
        assert w.redraws == before + 1
        assert not np.array_equal(np.asarray(regions_ax.images[0].get_array()), image)
        heights = [bar.get_height() for bar in bars_ax.patches]
        np.testing.assert_allclose(heights, [*W2[:, k], b2[k]])
        for j in range(H):
            title = w.figure.axes[j].get_title()
            assert title.endswith(N._signed(float(W2[j, k]))) and f"z{N._sub(k)}" in title
        widths = [ax.spines["top"].get_linewidth() for ax in w.figure.axes[H + 1 : H + 1 + K]]
        assert int(np.argmax(widths)) == k
        assert f"{N._signed(float(W2[0, k]))}·a₁" in w.message
        assert f"{shares[k].mean():.0%}" in w.message
        assert "- -" not in w.message and "+-" not in w.message


def test_neuron_view_bad_values():
    from utils.lessons.softmax_multiclass import neurons as N

    X, y = np.zeros((4, 2)), np.zeros(4, dtype=int)
    weights = N.small_blob_weights()
    with pytest.raises(ValueError, match=r"\[W1, b1, W2, b2\]"):
        N.neuron_view(weights[:3], X, y)
    with pytest.raises(ValueError, match="shapes"):
        N.neuron_view([weights[0].T, *weights[1:]], X, y)
    with pytest.raises(ValueError, match="class index 0..3"):
        N.neuron_view(weights, X, y, class_k=4)
    with pytest.raises(ValueError, match="shape \\(n, 2\\)"):
        N.neuron_view(weights, np.zeros((4, 3)), y)


def test_compare_decision_regions_panels_and_accuracy():
    from utils.synthetic import BLOB_CENTERS, make_blobs

    X, y = make_blobs(30, seed=3)
    nearest = lambda P: -((P[:, None, :] - BLOB_CENTERS[None]) ** 2).sum(-1)  # noqa: E731
    always0 = lambda P: np.tile([1.0, 0, 0, 0], (len(P), 1))  # noqa: E731
    fig = W.compare_decision_regions({"nearest centre": nearest, "always 0": always0}, X, y)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[0].startswith("nearest centre") and "accuracy 25.0%" in titles[1]
    with pytest.raises(TypeError):
        W.compare_decision_regions({}, X, y)
    with pytest.raises(TypeError, match="must be a function"):
        W.compare_decision_regions({"x": 3}, X, y)


def toy_multilabel_predict(P):
    return np.stack(
        [
            sigmoid(4 * P[:, 0]),
            sigmoid(4 * P[:, 1]),
            sigmoid(4 * (1.2 - np.hypot(P[:, 0], P[:, 1]))),
        ],
        axis=1,
    )


def test_multilabel_explorer_threshold_redraws():
    from utils.synthetic import make_multilabel

    X, Y = make_multilabel(200, seed=5)
    w = W.multilabel_explorer(toy_multilabel_predict, X, Y)
    assert set(w.controls) == {"threshold"}
    counts = []
    for t in (0.2, 0.5, 0.8):
        before_titles = [ax.get_title() for ax in w.figure.axes]
        before_message = w.message
        w.set(threshold=t)
        if t != 0.5:
            assert w.message != before_message
            assert [ax.get_title() for ax in w.figure.axes] != before_titles
        predicted = (toy_multilabel_predict(X) >= t).astype(int)
        accuracy = (predicted == Y).mean(axis=0)
        assert f"{accuracy[2]:.1%}" in w.figure.axes[2].get_title()
        counts.append(predicted.sum(axis=0))
        assert str(predicted.sum(axis=0).tolist()) in w.message
    assert np.all(np.diff(counts, axis=0) <= 0)  # a higher threshold predicts 1 less often


def test_multilabel_explorer_bad_values():
    X, Y = np.zeros((4, 2)), np.zeros((4, 3), dtype=int)
    with pytest.raises(TypeError):
        W.multilabel_explorer("model", X, Y)
    with pytest.raises(ValueError, match="shape \\(n, 2\\)"):
        W.multilabel_explorer(toy_multilabel_predict, np.zeros((4, 3)), Y)
    with pytest.raises(ValueError, match="0/1 labels"):
        W.multilabel_explorer(toy_multilabel_predict, X, Y + 2)
    with pytest.raises(ValueError, match="one name per label"):
        W.multilabel_explorer(toy_multilabel_predict, X, Y, names=["a"])
    with pytest.raises(ValueError, match="threshold must be between"):
        W.multilabel_explorer(toy_multilabel_predict, X, Y, threshold=1.5)
    with pytest.raises(ValueError, match="probabilities of shape"):
        W.multilabel_explorer(lambda P: P, X, Y)


def test_quiz_has_three_questions():
    from utils.lessons.softmax_multiclass import quiz

    assert len(quiz().questions) == 3


def test_quiz_answers_are_the_lectures():
    from utils.lessons.softmax_multiclass.questions import QUIZ

    questions = QUIZ.questions("en")
    answers = [q.choices[q.correct[0]].text for q in questions]
    assert answers == ["1.", "$-\\log a_3$", "a `'linear'` activation"]
    assert [q.key for q in questions] == ["softmax-1", "softmax-2", "softmax-3"]


# --------------------------------------------------------------------------
# Two languages: what the lesson shows follows the language in use
# --------------------------------------------------------------------------


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.setenv(i18n.LANG_ENV, "zh")


def test_the_english_words_are_unchanged(monkeypatch):
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    w = W.softmax_explorer()
    assert (
        w.message == "a = [0.032, 0.087, 0.237, 0.644] (sum 1.000); loss −log a<sub>3</sub> = 0.440"
    )
    assert w.figure.axes[0].get_title() == "true class 3: loss = −log p = 0.440"
    assert w.figure.axes[0].get_ylabel() == "probability"
    assert w.controls["true_class"].description == "true class"
    lab = W.stability_lab(scale=100.0)
    assert lab.message.split("<br>")[1] == (
        "<b>stable softmax, then log</b>: 99.9831 — lost digits: a<sub>y</sub> is so small that "
        "only a "
        "few of its digits are stored (relative error 1.7e-04)"
    )
    with pytest.raises(ExerciseError) as err:
        check_predict_labels(lambda p, t=0.5: (p > t).astype(int))
    assert str(err.value).startswith(
        "predict_labels([[0.5, 0.49, 0.51]], 0.5) returned [[0. 0. 1.]], expected [[1, 0, 1]]: "
        "a probability equal to the threshold gets label 1"
    )


@pytest.mark.parametrize(
    "wrong, message",
    [
        (not_written, "还没有完成"),
        (lambda p, t=0.5: np.argmax(p, axis=1), "这是多分类的思路"),
        (
            lambda p, t=0.5: np.eye(p.shape[1], dtype=int)[np.argmax(p, axis=1)],
            "只把一个标签设为 1",
        ),
        (lambda p, t=0.5: p, "标签必须是 0 或 1"),
        (lambda p, t=0.5: p >= t, "返回的是布尔值"),
        (lambda p, t=0.5: (p < t).astype(int), "给出的标签正好反了"),
        (lambda p, t=0.5: np.round(p).astype(int), "请使用参数 threshold"),
        (lambda p, t=0.5: (p >= float(t)).astype(int), "在每个标签各用一个阈值"),
        (lambda p, t=0.5: (p >= t).astype(float), "dtype 为 float64"),
        (lambda p, t=0.5: (p > t).astype(int), "概率等于阈值时标签为 1"),
        (
            lambda p, t=0.5: (p >= t).astype(int) if np.ndim(t) == 0 else np.zeros(3, int),
            "predict_labels(probs, threshold)（threshold = [0.5, 0.5, 0.9]）",
        ),
    ],
)
def test_check_messages_follow_the_language(chinese, wrong, message):
    with pytest.raises(ExerciseError, match=re.escape(message)):
        check_predict_labels(wrong)


def test_passed_messages_follow_the_language(chinese, capsys):
    check_my_softmax(softmax_right)
    check_sparse_ce_from_logits(ce_right)
    check_predict_labels(labels_right)
    out = capsys.readouterr().out
    assert "my_softmax 正确" in out and "sparse_ce_from_logits 为每个样本给出" in out
    assert "predict_labels 对每个输出分别与阈值比较" in out


def test_the_quiz_follows_the_language(chinese):
    from utils.lessons.softmax_multiclass import quiz
    from utils.lessons.softmax_multiclass.questions import QUIZ

    english = QUIZ.questions("en")  # what tools that list every quiz read
    questions = quiz().questions
    assert [q.key for q in questions] == [q.key for q in english]
    right, text = questions[1].answer(questions[1].correct[0])
    assert right and text.startswith("回答正确！") and "稀疏分类交叉熵" in text
    assert questions[2].choices[questions[2].correct[0]].text == "`'linear'`（线性）激活函数"
    assert questions[0].answer(0)[1].startswith("还不太对。")
    assert english[0].prompt.startswith("For a multiclass")  # what tools read stays English


def test_widget_words_follow_the_language(chinese):
    from utils.synthetic import make_multilabel

    w = W.softmax_explorer()
    assert w.title == "Softmax：拖动 logits，观察概率"
    assert w.controls["true_class"].description == "真实类别" and "（总和 1.000）" in w.message
    lab = W.stability_lab(scale=100.0)
    assert lab.title.startswith("先 softmax 再取对数") and lab.controls["scale"].description == (
        "logit 缩放系数"
    )
    assert "<b>教科书式 softmax，再取对数</b>：nan" in lab.message
    assert (
        "丢失有效数字" in lab.message
        and "<b>直接从 logits 计算（log-sum-exp）</b>：100 — 精确" in (lab.message)
    )
    X, Y = make_multilabel(100, seed=5)
    ml = W.multilabel_explorer(toy_multilabel_predict, X, Y, resolution=20)
    assert ml.title.startswith("多标签") and ml.controls["threshold"].description == "阈值"
    assert ml.message.startswith("阈值 0.50：各标签的准确率为 右半边 ")
    mine = W.multilabel_explorer(toy_multilabel_predict, X, Y, names=["a", "b", "c"], resolution=20)
    assert "为 a " in mine.message  # names of the caller's own are shown as given


def test_figures_speak_chinese_only_where_a_font_draws_it(chinese, monkeypatch):
    import utils.style as style

    if style.cjk_font() is not None:
        left = W.plot_two_class_softmax().axes[0]
        assert left.get_ylabel() == "类别 0 的概率" and left.get_title().startswith("最大 |差值|：")
        bars = W.softmax_explorer().figure.axes[0]
        assert (
            bars.get_title() == "真实类别 3：损失 = −log p = 0.440" and bars.get_ylabel() == "概率"
        )
    monkeypatch.setattr(style, "cjk_font", lambda: None)
    w = W.softmax_explorer()
    assert w.figure.axes[0].get_title() == "true class 3: loss = −log p = 0.440"
    assert "（总和 1.000）" in w.message  # the message is text, not drawn: still Chinese
    lab = W.stability_lab(scale=100.0)
    assert lab.figure.axes[0].get_ylabel() == "relative error"


DRAW_IN_CHINESE = """
import warnings
warnings.simplefilter("always")
import numpy as np
from utils.lessons.softmax_multiclass import neurons as N, widgets as W
from utils.style import cjk_font, png_bytes
from utils.synthetic import BLOB_CENTERS, make_blobs, make_multilabel
X, y = make_blobs(20, seed=3)
Xm, Ym = make_multilabel(60, seed=5)
nearest = lambda P: -((P[:, None, :] - BLOB_CENTERS[None]) ** 2).sum(-1)
labels = lambda P: np.column_stack([P[:, 0] > 0, P[:, 1] > 0, (P**2).sum(1) < 1]) * 0.8 + 0.1
for fig in (
    W.softmax_explorer().figure,
    W.plot_two_class_softmax(),
    W.stability_lab(scale=100.0, dtype="float16").figure,
    W.compare_decision_regions({"softmax output": nearest}, X, y),
    W.multilabel_explorer(labels, Xm, Ym, resolution=20).figure,
    N.neuron_view(N.small_blob_weights(), X, y, resolution=20).figure,
):
    png_bytes(fig)
print(cjk_font())
"""


def test_chinese_figures_write_nothing_to_stderr():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, COURSE_LANG="zh")
    out = subprocess.run(
        [sys.executable, "-c", DRAW_IN_CHINESE],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == "", out.stderr  # a missing glyph would warn: nbgrader fails such a cell


# --------------------------------------------------------------------------
# Facts the prose states about Keras (checked here, not printed by the notebook)
# --------------------------------------------------------------------------


def test_keras_facts_the_prose_states(keras):
    # Keras's softmax subtracts the max: huge logits are fine.
    np.testing.assert_allclose(
        keras.ops.softmax(np.array([1000.0, 1001.0])).numpy(),
        softmax(np.array([0.0, 1.0])),
        rtol=1e-6,
    )
    # Loss objects return the cost (the mean); loss functions one loss per example.
    y = np.array([3, 0, 2])
    z = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 0.5, -1.0, 0.0], [0.0, 1.0, 0.0, -2.0]])
    per_example = keras.losses.sparse_categorical_crossentropy(y, z, from_logits=True).numpy()
    assert per_example.shape == (3,)
    cost = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, z))
    assert cost == pytest.approx(per_example.mean(), rel=1e-6)
    # Binary cross-entropy on three sigmoid outputs: the mean over the outputs.
    Y = np.array([[1.0, 0.0, 1.0]])
    P = np.array([[0.9, 0.2, 0.6]])
    want = -np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P))
    assert keras.losses.binary_crossentropy(Y, P).numpy()[0] == pytest.approx(want, rel=1e-5)
    # From probabilities Keras clips: the loss never exceeds -log(1e-7).
    capped = keras.losses.sparse_categorical_crossentropy(
        np.array([1]), np.array([[1.0, 0.0]], dtype=np.float32)
    ).numpy()[0]
    assert capped == pytest.approx(-np.log(1e-7), rel=1e-5)


def test_a_keras_softmax_model_computes_its_loss_from_the_logits(keras):
    """Why the two blob models train identically: inside a model, Keras's softmax passes its logits
    to the loss; the same probabilities as a plain array are clipped."""
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy())
    model.layers[0].set_weights([np.array([[100.0, -100.0]]), np.zeros(2)])  # logits [100, -100]
    x, y = np.array([[1.0]]), np.array([1])
    assert model.evaluate(x, y, verbose=0) == pytest.approx(200.0, rel=1e-6)
    probs = model.predict(x, verbose=0)
    capped = keras.losses.sparse_categorical_crossentropy(y, probs).numpy()[0]
    assert capped == pytest.approx(-np.log(1e-7), rel=1e-5)


# --------------------------------------------------------------------------
# Real kernels (slow)
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def solved(executed_notebook):
    return executed_notebook(NAME, "solved")


@pytest.mark.slow
def test_the_widgets_and_figures_the_prose_refers_to(solved):
    assert solved.roles() == {
        "softmax_widget": "widget",
        "two_classes_plot": "figure",
        "lab_widget": "widget",
        "regions": "figure",
        "neurons_widget": "widget",
        "multilabel_widget": "widget",
        "quiz": "quiz",
    }


@pytest.mark.slow
def test_the_numbers_the_prose_relies_on(solved):
    nb = solved.nb
    text = {c.id: cell_text(c) for c in nb.cells if c.cell_type == "code"}
    assert "[0.032 0.087 0.237 0.644]" in text["softmax_example"]
    shift = [
        line.split(":")[1].split("exponents")[0].strip() for line in text["shift_demo"].splitlines()
    ]
    assert shift[0] == shift[1] == shift[2]
    assert number_after(text["two_classes_check"], "[-20, 20]") < 1e-15
    loss = text["loss_example"].splitlines()
    assert loss[1].split(":")[1] == loss[2].split(":")[1] == loss[3].split(":")[1]
    # the concrete lab case: stable softmax then log is inf, log-sum-exp exact
    assert number_after(text["lab_example"], "stable softmax, then log") == np.inf
    assert number_after(text["lab_example"], "-log_softmax (log-sum-exp)") == 120.0
    assert number_after(text["lab_example"], "from_logits loss") == 120.0
    # Keras clips probabilities (the cap), is exact from logits and from its own softmax tensor
    demo = text["keras_clipping_demo"]
    cap, exact = number_after(demo, "the cap"), number_after(demo, "from logits)")
    assert number_after(demo, "Keras, from the probabilities") == pytest.approx(cap)
    assert exact > 2 * cap
    assert number_after(demo, "Keras, from_logits=True") == pytest.approx(exact, rel=1e-6)
    assert number_after(demo, "from its own softmax tensor") == pytest.approx(exact, rel=1e-6)
    # both Keras models: same curves, same accuracies; argmax of logits = argmax of probabilities
    assert "for every test example: True" in text["predictions"]
    assert "identical loss curves, epoch by epoch: True" in text["accuracies"]
    softmax_line, logits_line = text["accuracies"].splitlines()[:2]
    assert softmax_line.split("final loss")[1] == logits_line.split("final loss")[1]
    assert number_after(logits_line, "test accuracy") >= 95.0
    # the mistake (softmax output + from_logits=True): Keras warns, uses the cached logits inside
    # fit and evaluate, and trains identically; the loss on predict's array squashes twice
    assert (
        "Keras warned:" in text["train_both"]
        and "received `from_logits=True`" in (text["train_both"])
    )
    assert "same loss curve as the linear + from_logits model: True" in text["train_both"]
    arrays = text["both_arrays"]
    evaluated = number_after(arrays, "evaluate (cached logits)")
    on_array = number_after(arrays, "the loss on predict's output")
    assert on_array == number_after(arrays, "softmax applied twice, by hand")
    assert evaluated < 0.1 < 0.7 < on_array
    # float16: the linear recipe as in float32, the softmax one stalls above the floor
    f16 = text["float16_demo"]
    float32_final = number_after(logits_line, "final loss")
    assert number_after(f16, "linear  + from_logits=True: final loss") == pytest.approx(
        float32_final, abs=2e-3
    )
    floor = number_after(f16, "read as logits is")
    assert floor == pytest.approx(np.log(np.e + 3) - 1, abs=1e-4)
    assert number_after(f16, "softmax + from_logits=True: final loss") > floor
    # sparse and one-hot labels give the same cost; one-hot in the sparse loss fails
    assert number_after(text["onehot_demo"], "sparse labels") == pytest.approx(
        number_after(text["onehot_demo"], "one-hot labels"), abs=2e-6
    )
    assert text["onehot_mistake_demo"].startswith("ValueError:")
    # multi-label: some examples have several labels; row sums are not 1
    counts = re.search(r"labels: \[([\d ]+)\]", text["multilabel_data"]).group(1).split()
    counts = [int(v) for v in counts]
    assert sum(counts[2:]) > 0
    sums = re.search(r"row sums: \[([\d. ]+)\]", text["multilabel_model"]).group(1).split()
    sums = [float(v) for v in sums]
    assert any(abs(s - 1) > 0.05 for s in sums)
    for line in text["multilabel_accuracy"].splitlines():
        assert number_after(line, "accuracy") > 85.0


@pytest.mark.slow
def test_wrong_answers_in_a_real_kernel(source):
    """The set-up and exercise cells only, with wrong answers: each check cell shows its message."""
    wrong = {
        "my_softmax": "def my_softmax(z):\n    e = np.exp(z)\n"
        "    return e / e.sum(axis=-1, keepdims=True)",
        "sparse_ce_from_logits": "def sparse_ce_from_logits(y, z):\n"
        "    a = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)\n"
        "    return -np.log(a[np.arange(len(y)), y]).mean()",
        "predict_labels": "def predict_labels(probs, threshold=0.5):\n"
        "    return np.argmax(probs, axis=1)",
    }
    nb = source
    for grade_id, code in wrong.items():
        nb = with_solution(nb, grade_id, code)
    keep = {"setup_imports", "setup_keras", *EXERCISES, *EXERCISES.values()}
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") in keep]
    ran, _ = run_notebook(nb, allow_errors=True)
    by_grade = cells_by_grade_id(ran)
    expected = {
        "test_my_softmax": "e^1000 overflows to inf",
        "test_sparse_ce_from_logits": "the mean over the batch",
        "test_predict_labels": "multiclass thinking",
    }
    for test, message in expected.items():
        ename, text = failures(by_grade[test])[0]  # an error, or the message shown in place
        assert ename == "ExerciseError" and message in text, text
    assert stderr_text(ran) == ""  # overflow warnings are silenced inside the checks
