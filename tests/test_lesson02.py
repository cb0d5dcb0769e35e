"""Lesson 02, activation functions: each check names the mistake it is meant to catch (in-process
and in a real kernel), every widget control redraws, the numbers the prose relies on hold, and
the messages, the quiz and the figure text follow the language (issue 10). That the notebook
runs clean (also as nbgrader runs it) and that the blank release fails every check helpfully is
``tests/test_lesson_execution.py``."""

import inspect
import re

import ipywidgets as widgets
import nbformat
import numpy as np
import pytest

from autograder.notebooks import (
    RELEASED,
    cell_text,
    cells_by_grade_id,
    failures,
    numbers_in,
    run_notebook,
    source_notebook,
    stderr_text,
    with_solution,
)
from utils.feedback import ExerciseError
from utils.lessons.activations import checks as ex
from utils.lessons.activations import quiz
from utils.lessons.activations import widgets as wa
from utils.nn import ACTIVATIONS, leaky_relu, relu, sigmoid_derivative
from utils.style import png_bytes
from utils.synthetic import make_wavy_regression

NAME = "02_activations"
POINTS = {"test_relu": 1, "test_relu_derivative": 1, "test_collapse": 2, "test_relu_puzzle": 2}


def expect(check_fn, *args, match):
    with pytest.raises(ExerciseError, match=match):
        check_fn(*args)


def printed(nb, grade_id):
    return cell_text(cells_by_grade_id(nb)[grade_id])


# --- the notebooks, in real kernels ------------------------------------------------------------


@pytest.fixture(scope="module")
def solved(executed_notebook):
    return executed_notebook(NAME, "solved")


def test_the_checks_and_their_points():
    for path in (source_notebook(NAME), RELEASED / f"{NAME}.ipynb"):
        nb = nbformat.read(path, as_version=4)
        graded = {
            c.id: c.metadata["nbgrader"]["points"]
            for c in nb.cells
            if c.metadata["nbgrader"].get("grade")
        }
        assert graded == POINTS, path


@pytest.mark.slow
def test_the_widgets_and_figures_the_prose_refers_to(solved):
    assert solved.roles() == {
        "explorer": "widget",
        "matcher": "widget",
        "race_widget": "widget",
        "puzzle_widget": "widget",
        "wavy_fits": "figure",
        "quiz": "quiz",
    }


@pytest.mark.slow
def test_the_printed_numbers_support_the_prose(solved):
    nb = solved.nb
    # "Sigmoid stays strictly inside (0, 1), linear gives both signs, ReLU never goes below 0"
    ranges = {line.split()[0]: numbers_in(line) for line in printed(nb, "keras_out").splitlines()}
    assert 0 < ranges["sigmoid"][0] and ranges["sigmoid"][1] < 1
    assert ranges["linear"][0] < 0 < ranges["linear"][1]
    assert ranges["relu"][0] == 0.0 and ranges["relu"][1] > 0
    # "three untrained networks with the same weights": sigmoid and ReLU are the linear output
    # passed through g, so the printed ends agree
    lo, hi = ranges["linear"]
    assert ranges["relu"][1] == pytest.approx(max(hi, 0.0), abs=1e-3)
    assert ranges["sigmoid"] == pytest.approx(
        [1 / (1 + np.exp(-lo)), 1 / (1 + np.exp(-hi))], abs=2e-3
    )
    # "the sigmoid's slope is never more than 0.25 (reached at z = 0) and almost zero once |z| is
    # a few units large ... for every positive z [ReLU's] slope is exactly 1"
    slopes = {
        line.split()[0]: [float(v) for v in re.findall(r"-?\d+\.\d*(?:e[-+]\d+)?", line)]
        for line in printed(nb, "slopes").splitlines()[1:]
    }
    assert slopes["sigmoid"][2] == 0.25 and max(slopes["sigmoid"]) == 0.25
    assert slopes["sigmoid"][0] < 0.01 and slopes["sigmoid"][4] < 0.01
    assert slopes["relu"] == [0.0, 0.0, 0.0, 1.0, 1.0]
    # "compare each layer with the same layer of the other network: the last row. At the output
    # (layer 4) the two gradients are within a factor of 3; going down, the sigmoid network's
    # falls further behind at every layer, until at layer 1 it is more than 100 times smaller"
    rows = printed(nb, "race_grads").splitlines()
    assert rows[0].split() == ["layer", "1", "layer", "2", "layer", "3", "layer", "4"]
    table = {row.split()[0]: numbers_in(row) for row in rows[1:]}
    assert set(table) == {"sigmoid", "relu", "ratio"} and all(len(v) == 4 for v in table.values())
    ratio = table["ratio"]
    assert ratio == pytest.approx(np.divide(table["relu"], table["sigmoid"]), rel=0.02)
    assert 1 / 3 < ratio[3] < 3
    assert all(below > above for below, above in zip(ratio, ratio[1:])), ratio
    assert ratio[0] > 100
    # "the sigmoid network does no better than always predicting the mean (its factors are all
    # close to 1) ... The ReLU network's loss is less than a fifth of the mean's"
    lines = printed(nb, "race_loss").splitlines()
    (mean_loss,) = numbers_in(lines[0])
    _, y = make_wavy_regression(200, seed=0)
    assert "predicting the mean" in lines[0] and mean_loss == pytest.approx(np.var(y), abs=1e-4)
    assert [line.split(",")[0] for line in lines[1:]] == ["start 0", "start 1", "start 2"]
    for line in lines[1:]:
        sigmoid_loss, sigmoid_factor, relu_loss, relu_factor = numbers_in(line)
        assert sigmoid_factor == pytest.approx(sigmoid_loss / mean_loss, abs=0.006), line
        assert relu_factor == pytest.approx(relu_loss / mean_loss, abs=0.006), line
        assert 0.95 < sigmoid_factor < 1.05 and relu_factor < 0.2, line
    # the collapse holds to 1e-5
    assert "the same function (to 1e-5): True" in printed(nb, "collapse_compare")
    # "the linear network does no better than the best straight line; the ReLU network follows"
    mse = dict(re.findall(r"^(.*?)\s+MSE (\d\.\d+)", printed(nb, "wavy_fits"), re.M))
    assert float(mse["linear network"]) >= float(mse["best straight line"]) - 1e-4
    assert float(mse["ReLU network"]) < 0.1 * float(mse["best straight line"])


@pytest.mark.slow
def test_wrong_answers_get_their_message_in_the_kernel():
    nb = nbformat.read(source_notebook(NAME), as_version=4)
    nb = with_solution(nb, "relu", 'def relu(z):\n    """ReLU."""\n    return max(0, z)\n')
    nb = with_solution(
        nb,
        "collapse",
        "def collapse(layers):\n    W, b = layers[0]\n"
        "    for Wn, bn in layers[1:]:\n        W, b = W @ Wn, b + bn\n    return W, b\n",
    )
    nb = with_solution(nb, "relu_puzzle", "w1, b1, w2, b2 = 1, -1, 2, -3\n")
    run, _ = run_notebook(nb, allow_errors=True, cwd=source_notebook(NAME).parent)
    cells = cells_by_grade_id(run)

    def message(grade_id):
        ((name, value),) = failures(cells[grade_id])  # shown as a message: Run All goes on
        assert name == "ExerciseError"
        return value

    assert "np.maximum" in message("test_relu")
    assert "passes through all LATER layers" in message("test_collapse")
    assert "unit 2 switches on at x = -b2/w2 = 1.5" in message("test_relu_puzzle")
    assert "✓" in printed(run, "test_relu_derivative")
    assert stderr_text(run) == ""


# --- exercise 1: relu ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        lambda z: np.maximum(0, z),
        lambda z: z * (z > 0),
        lambda z: np.where(z > 0, z, 0.0),
        lambda z: np.clip(z, 0, None),
        lambda z: (np.abs(z) + z) / 2,
    ],
)
def test_relu_check_accepts_right_answers(answer, capsys):
    ex.check_relu(answer)
    assert "✓" in capsys.readouterr().out


def _relu_in_place(z):
    z[z < 0] = 0
    return z


def _relu_no_return(z):
    np.maximum(0, z)


@pytest.mark.parametrize(
    "answer, match",
    [
        (lambda z: max(0, z), r"built-in max\(0, z\).*np\.maximum"),
        (lambda z: np.max(0, z), r"second argument is an axis"),
        (lambda z: np.max(z, 0), r"gives ONE number, the largest element"),
        (lambda z: z > 0, r"True/False values \(dtype bool\)"),
        (lambda z: np.abs(z), r"relu\(-3\) should be 0.*absolute value"),
        (lambda z: z, r"relu\(-3\) should be 0"),
        (lambda z: np.maximum(0.5, z), r"relu\(-3\) should be 0"),
        (_relu_in_place, r"changed its input z in place"),
        (lambda z: [max(0.0, v) for v in z], r"returned a list"),
        (_relu_no_return, r"forget `return`"),
        (lambda z: np.maximum(0, np.round(z, 1)), r"1e300|1e-300|largest difference"),
    ],
)
def test_relu_check_names_each_mistake(answer, match):
    expect(ex.check_relu, answer, match=match)


def test_relu_check_says_not_written_yet():
    def blank(z):
        raise NotImplementedError()

    expect(ex.check_relu, blank, match="not written yet")
    expect(ex.check_relu_derivative, blank, match="not written yet")
    expect(ex.check_collapse, lambda layers: blank(0), match="not written yet")


# --- exercise 2: relu_derivative -----------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        lambda z: (z > 0).astype(float),
        lambda z: np.where(z > 0, 1, 0),
        lambda z: np.heaviside(z, 0.0),
    ],
)
def test_relu_derivative_check_accepts_right_answers(answer):
    ex.check_relu_derivative(answer)


@pytest.mark.parametrize(
    "answer, match",
    [
        (lambda z: z > 0, r"True/False.*astype\(float\)"),
        (lambda z: (z >= 0).astype(float), r"relu_derivative\(0\) should be 0.*z > 0, not z >= 0"),
        (lambda z: np.ones_like(z), r"relu_derivative\(-3\) should be 0.*flat.*got 1"),
        (lambda z: np.sign(z), r"relu_derivative\(-3\) should be 0.*got -1"),
        (lambda z: np.maximum(0, z), r"returns relu\(z\) itself, not its slope"),
        (lambda z: 1.0 if z > 0 else 0.0, r"built-in max|truth value|ONE number"),
        (lambda z: np.where(z > 0, 2.0, 0.0), r"relu_derivative\(0\.5\) should be 1"),
    ],
)
def test_relu_derivative_check_names_each_mistake(answer, match):
    expect(ex.check_relu_derivative, answer, match=match)


def test_checks_do_not_write_warnings(capsys):
    def noisy(z):
        return np.maximum(0, z) * np.exp(np.abs(z)) / np.exp(np.abs(z))  # overflows at 1e300

    with pytest.raises(ExerciseError, match="nan or inf"):
        ex.check_relu(noisy)
    assert capsys.readouterr().err == ""


# --- exercise 3: collapse ---------------------------------------------------------------


def collapse_right(layers):
    W, b = layers[0]
    for W_next, b_next in layers[1:]:
        W, b = W @ W_next, b @ W_next + b_next
    return W, b


def collapse_reversed(layers):
    W, b = layers[0]
    for W_next, b_next in layers[1:]:
        W, b = W_next @ W, b @ W_next + b_next
    return W, b


def collapse_biases_added(layers):
    W, b = layers[0]
    for W_next, b_next in layers[1:]:
        W, b = W @ W_next, b + b_next
    return W, b


def collapse_last_bias(layers):
    W = layers[0][0]
    for W_next, _ in layers[1:]:
        W = W @ W_next
    return W, layers[-1][1]


def collapse_in_place(layers):
    W, b = layers[0]
    for W_next, b_next in layers[1:]:
        W = W @ W_next
        b @= W_next
        b += b_next
    return W, b


def collapse_one_layer_only(layers):
    W = layers[0][0]
    b = 0
    for (_, b_prev), (W_next, _) in zip(layers[:-1], layers[1:]):
        W = W @ W_next
        b = b + b_prev @ W_next
    return W, b + layers[-1][1]


def collapse_middle_biases_not_carried(layers):
    W, b = layers[0]
    b_total = None
    for W_next, b_next in layers[1:]:
        W = W @ W_next
        b = b @ W_next
        b_total = b_next if b_total is None else b_total + b_next
    return W, b + b_total


def collapse_transposed_loop(layers):  # the reverse order crashes on non-square layers
    W = layers[-1][0]
    for W_prev, _ in reversed(layers[:-1]):
        W = W @ W_prev
    return W, collapse_right(layers)[1]


def test_collapse_check_accepts_the_right_answer(capsys):
    ex.check_collapse(collapse_right)
    ex.check_collapse(lambda layers: list(collapse_right(layers)))
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, match",
    [
        (collapse_reversed, r"reverse order.*W = W1 @ W2 @ W3"),
        (collapse_transposed_loop, r"reverse order|only fit in that order"),
        (collapse_biases_added, r"plain sum b1 \+ b2.*LATER layers"),
        (collapse_last_bias, r"just the last layer's bias"),
        (collapse_in_place, r"changed layer 1's arrays in place"),
        (collapse_one_layer_only, r"NEXT layer's weights only"),
        (collapse_middle_biases_not_carried, r"middle layers must pass through"),
        (lambda layers: collapse_right(layers)[0], r"should return a pair \(W, b\)"),
        (lambda layers: (*collapse_right(layers), None), r"a tuple of length 3"),
        (lambda layers: (collapse_right(layers)[0].T, collapse_right(layers)[1]), r"W: expected"),
        (
            lambda layers: (collapse_right(layers)[0], collapse_right(layers)[1][None, :]),
            r"b should have shape \(3,\)",
        ),
        (
            lambda layers: (collapse_right(layers)[0], np.zeros_like(collapse_right(layers)[1])),
            r"all zeros",
        ),
    ],
)
def test_collapse_check_names_each_mistake(answer, match):
    expect(ex.check_collapse, answer, match=match)


def test_a_crash_on_non_square_layers_names_the_order():
    def wrong_order_everywhere(layers):
        W = layers[-1][0]
        for W_prev, _ in reversed(layers[:-1]):
            W = W @ W_prev
        return W, layers[-1][1]

    # passes the square case's W check? no: it is the reversed product, named before any crash
    expect(ex.check_collapse, wrong_order_everywhere, match="reverse order")

    def crash_on_shapes(layers):
        if layers[0][0].shape[0] == layers[0][0].shape[1]:
            return collapse_right(layers)
        W = layers[1][0] @ layers[0][0]  # (5, 2) @ (4, 5) cannot be multiplied
        return W, layers[-1][1]

    expect(ex.check_collapse, crash_on_shapes, match="only fit in that order")


# --- exercise 4: the ReLU puzzle --------------------------------------------------------


def test_the_puzzle_answer_of_the_original_lab_reproduces_the_target():
    assert ex.PUZZLE_UNIT0 == (-2.0, 2.0)
    assert ex.PUZZLE_CORNERS == ((0.0, 2.0), (1.0, 0.0), (2.0, 1.0), (3.0, 4.0))
    total = ex.puzzle_units(1, -1, 2, -4).sum(axis=0)
    assert np.allclose(total, ex.puzzle_target(), atol=1e-12)
    assert ex.puzzle_report(1, -1, 2, -4) == (True, pytest.approx(0.0, abs=1e-12), 0.0, "")


def test_puzzle_check_passes_the_answer(capsys):
    ex.check_relu_puzzle(1, -1, 2, -4)
    ex.check_relu_puzzle(np.float32(1), np.array(-1.0), 2.0, -4)
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, match",
    [
        ((None, None, None, None), r"not written yet"),
        (("1", -1, 2, -4), r"w1 should be a single number"),
        ((1, -1, 2, float("nan")), r"b2 should be a finite number"),
        ((0, 0, 0, 0), r"off by up to 4.*unit 1 never bends"),
        ((1, 0, 2, -4), r"unit 1 switches on at x = -b1/w1 = 0, but the target bends at x = 1"),
        (
            (2, -2, 2, -4),
            r"segment 2 \(1 < x < 2\) of your sum has slope 2 where the target has slope 1",
        ),
        ((-1, 1, 2, -4), r"unit 1 has w1 = -1 < 0.*LEFT"),
        ((1, -1, 2, -3), r"unit 2 switches on at x = -b2/w2 = 1.5, but the target bends at x = 2"),
        (
            (1, -1, 3, -6),
            r"segment 3 \(2 < x < 3\) of your sum has slope 4 where the target has slope 3",
        ),
        ((1, -1, 0, 1), r"unit 2 never bends.*max\(0, b2\) = 1"),
        ((2, -4, 1, -1), r"matches the target, but units 1 and 2 have swapped roles"),
    ],
)
def test_puzzle_check_names_the_unit_and_segment(answer, match):
    expect(ex.check_relu_puzzle, *answer, match=match)


# --- widgets: every control redraws ------------------------------------------------------------


def lines_of(fig):
    return [line.get_ydata().copy() for ax in fig.axes for line in ax.get_lines()]


def shown(artists):
    """The artists a frame shows (a figure made once hides what a setting does not use)."""
    return [a for a in artists if a.get_visible()]


def test_activation_explorer_every_control():
    w = wa.activation_explorer()
    assert set(w.controls) == {"name", "z_range", "derivative", "compare"}
    messages = [w.message]
    w.set(name="tanh")
    assert "tanh" in w.message and "flat" in w.message
    messages.append(w.message)
    w.set(z_range=(-15.0, 15.0))
    assert "[-15, 15]" in w.message
    messages.append(w.message)
    assert len(shown(w.figure.axes)) == 2
    w.set(derivative=False)
    (curve,) = shown(w.figure.axes)  # alone, it spans the width of both panels
    assert curve.get_position().width > 2 * w.figure.axes[1].get_position().width
    n_lines = len(shown(curve.get_lines()))
    w.set(compare="none")
    assert len(shown(curve.get_lines())) == n_lines - 1
    w.set(z_range=(2.0, 2.0))  # a pinched range is widened, not an error
    assert "widened" in w.message
    assert len(set(messages)) == 3 and w.redraws == 6
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        wa.draw_activation("softplus")
    with pytest.raises(ValueError, match="low < high"):
        wa.describe_activation("relu", (3, 1))


def test_describe_activation_measures_the_slopes_the_prose_states():
    sig = wa.describe_activation("sigmoid", (-6, 6))
    assert sig["slope_max"] == pytest.approx(0.25) and sigmoid_derivative(0.0) == 0.25
    assert 0 < sig["low"] < sig["high"] < 1
    r = wa.describe_activation("relu", (-6, 6))
    assert r["slope_min"] == 0 and r["slope_max"] == 1 and r["flat"] == pytest.approx(0.5, abs=0.01)
    assert wa.describe_activation("sigmoid", (-15, 15))["flat"] > 0.75  # the explorer's "try"
    assert (
        set(wa.NAMES)
        == set(ACTIVATIONS)
        == {"linear", "sigmoid", "relu", "tanh", "leaky_relu", "swish"}
    )


def test_leaky_relu_slope_is_kerass_default(keras):
    default = inspect.signature(keras.activations.leaky_relu).parameters["negative_slope"].default
    assert default == 0.2 and leaky_relu(np.array([-1.0]))[0] == pytest.approx(-0.2)


def test_output_matcher_every_control():
    w = wa.output_matcher()
    assert "✗ sigmoid" in w.message and "300 of 300 house prices" in w.message
    w.set(activation="relu")
    assert w.message.startswith("✓ relu fits")
    w.set(target="stock price change (%)")
    assert "✗ relu" in w.message and "lie outside" in w.message
    w.set(activation="linear")
    assert w.message.startswith("✓ linear fits")
    with pytest.raises(ValueError, match="unknown target"):
        wa.target_samples("temperature")


def test_output_matcher_verdicts_follow_the_range_rule():
    for target, best in wa.BEST_OUTPUT.items():
        for activation in wa.OUTPUT_RANGES:
            v = wa.output_verdict(target, activation)
            assert (v["kind"] == "match") == (activation == best), (target, activation)
            if v["kind"] == "too wide":
                assert v["unreachable"] == 0
    assert wa.output_verdict("house price ($1000s)", "linear")["kind"] == "too wide"  # the quiz
    assert wa.output_verdict("binary label (0 or 1)", "relu")["kind"] == "too wide"


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_race_measures_sigmoid_fading_gradients(seed):
    """The prose's claims hold for each of the notebook's three starts, not for one by luck."""
    r = wa.race(("sigmoid", "relu"), hidden_layers=3, learning_rate=0.03, epochs=300, seed=seed)
    sig, rel = r["sigmoid"], r["relu"]
    assert len(sig["layer_gradients"]) == 4 and len(sig["loss"]) == 300
    ratio = np.divide(rel["layer_gradients"], sig["layer_gradients"])
    print(f"seed {seed}: relu/sigmoid per layer {np.round(ratio, 2)}")
    assert all(
        below > above for below, above in zip(ratio, ratio[1:])
    )  # falls behind layer by layer
    assert ratio[0] > 30 * max(ratio[-1], 1.0)
    _, y = make_wavy_regression(200, seed=0)
    print(
        f"seed {seed}: final loss / mean's: sigmoid {sig['final_loss'] / np.var(y):.3f}, "
        f"relu {rel['final_loss'] / np.var(y):.3f}"
    )
    assert abs(sig["final_loss"] / np.var(y) - 1) < 0.05 and not sig["diverged"]
    assert rel["final_loss"] < 0.2 * np.var(y) and not rel["diverged"]


def test_layer_gradients_are_per_entry_and_match_backprop():
    """``layer_gradients`` is the root mean square of dJ/dW (so layers of different sizes are on
    one scale), computed by the network's backward pass: checked against finite differences."""
    from utils.nn import DenseNetwork, mean_squared_error_grad
    from utils.nn.gradcheck import numerical_gradients

    r = wa.race("sigmoid", hidden_layers=2, width=3, epochs=1, seed=4)
    x, y = make_wavy_regression(200, seed=0)
    net = DenseNetwork([1, 3, 3, 1], ["sigmoid", "sigmoid", "linear"], seed=4, dtype=np.float64)

    def cost(params):
        for W, P in zip(net.W, params):
            W[...] = P
        return float(np.mean((net.forward(x).ravel() - y) ** 2))

    start = [W.copy() for W in net.W]
    fd = numerical_gradients(cost, [W.copy() for W in start])
    cost(start)
    net.backward(mean_squared_error_grad(y.reshape(-1, 1), net.forward(x)))
    assert [np.allclose(g, dW, rtol=1e-5, atol=1e-9) for g, dW in zip(fd, net.dW)] == [True] * 3
    rms = [np.sqrt(np.mean(g**2)) for g in fd]
    assert r["sigmoid"]["layer_gradients"] == pytest.approx(rms, rel=1e-3)  # race: float32


def test_format_layer_gradients():
    results = {
        "sigmoid": {"layer_gradients": [0.01, 0.1, 1.0]},
        "relu": {"layer_gradients": [2.0, 1.0, 2.0]},
    }
    text = wa.format_layer_gradients(results)
    header, sig, rel, ratio = text.splitlines()
    assert header.split() == ["layer", "1", "layer", "2", "layer", "3"]
    assert numbers_in(sig) == [0.01, 0.1, 1.0] and numbers_in(rel) == [2.0, 1.0, 2.0]
    assert ratio.startswith("ratio relu/sigmoid") and numbers_in(ratio) == [200.0, 10.0, 2.0]
    assert len(wa.format_layer_gradients({"relu": results["relu"]}).splitlines()) == 2
    with pytest.raises(ValueError, match="empty"):
        wa.format_layer_gradients({})


def test_race_stops_a_diverging_run_quietly(capsys):
    r = wa.race("relu", hidden_layers=6, learning_rate=1.0, epochs=50)
    assert r["relu"]["diverged"] and len(r["relu"]["loss"]) < 50
    assert capsys.readouterr().err == ""
    with pytest.raises(ValueError, match="hidden_layers"):
        wa.race("relu", hidden_layers=0)


def test_gradient_race_every_control():
    w = wa.gradient_race()
    first = w.message
    assert "sigmoid" in first and "relu" in first and "300 epochs" in first
    w.set(first="tanh")
    assert "tanh" in w.message and "sigmoid" not in w.message
    w.set(second="tanh")  # the same twice: one network
    assert w.message.count("tanh") == 1
    w.set(hidden_layers=1)
    bars = shown(w.figure.axes[1].patches)
    assert len(bars) == 2  # one bar per layer (2 layers)
    assert len(shown(w.figure.axes[0].get_lines())) == 1  # one network, one loss curve
    before = w.message
    w.set(learning_rate=0.1)
    assert w.message != before and "α = 0.1" in w.figure.axes[0].get_title()


def test_relu_puzzle_widget_every_control():
    w = wa.relu_puzzle()
    assert set(w.controls) == {"w1", "b1", "w2", "b2"}
    seen = [w.message]
    for key, value in (("w1", 1.0), ("b1", -1.0), ("w2", 2.0), ("b2", -4.0)):
        before = lines_of(w.figure)
        w.set(**{key: value})
        after = lines_of(w.figure)
        assert any(not np.array_equal(a, b) for a, b in zip(before, after)), key
        seen.append(w.message)
    assert len(set(seen)) == 5
    assert seen[0].startswith("Not yet: the sum is off by up to 4.00")
    assert seen[-1].startswith("✓ The sum matches the target")
    w.set(w1=2.0, b1=-4.0, w2=1.0, b2=-1.0)
    assert w.message.startswith(
        "Your sum matches the target, but units 1 and 2 have swapped roles: unit 1 should"
    )
    assert w.message.count("matches") == 1  # said once, not "The sum matches, but: ... matches"


def test_puzzle_labels_print_negative_slopes_with_one_minus_sign():
    fig, _ = wa.draw_relu_puzzle(-3.0, 6.0, 0.0, -2.5)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "unit 0: max(0, −2·x + 2) (fixed)" in labels
    assert "unit 1: max(0, −3·x + 6)" in labels and "unit 2: max(0, 0·x − 2.5)" in labels
    assert not any("- -" in t or "+ -" in t or "(0, -" in t for t in labels)


# --- widgets: fast redraws, readable controls --------------------------------------------------


WIDGETS = {
    "explorer": (wa.activation_explorer, {"name": "tanh", "compare": "swish"}),
    "matcher": (wa.output_matcher, {"activation": "relu"}),
    "race": (wa.gradient_race, {"first": "tanh", "hidden_layers": 5}),
    "puzzle": (wa.relu_puzzle, {"w1": 1.0}),
}


def artists_of(fig):
    return [a for ax in fig.axes for a in (*ax.lines, *ax.patches, *ax.collections)]


@pytest.mark.parametrize("name", WIDGETS)
def test_widgets_redraw_their_kept_figure_without_laying_it_out_again(name):
    """A move updates the figure it has (no new figure, no constrained layout at each render):
    its artists are moved, none is added."""
    make, move = WIDGETS[name]
    w = make()
    first = w.figure
    artists = artists_of(first)
    w.set(**move)
    assert w.figure is first and first.get_layout_engine().__class__.__name__ != (
        "ConstrainedLayoutEngine"
    )
    assert len(first.legends) == 1  # one legend, under the axes: never on the data
    assert not any(ax.get_legend() for ax in first.axes)
    assert artists_of(first) == artists


def every_position(control):
    """The values a student can move ``control`` through (sliders at five places), ending at
    the value it started from."""
    if isinstance(control, widgets.Checkbox):
        return [not control.value, control.value]
    if getattr(control, "options", None):
        return [o[1] if isinstance(o, tuple) else o for o in control.options] + [control.value]
    if isinstance(control, widgets.FloatRangeSlider):  # widest, pinched to a point, back
        return [(control.min, control.max), (2.0, 2.0), control.value]
    values = np.linspace(control.min, control.max, 5).tolist() + [control.value]
    return [round(v) for v in values] if isinstance(control, widgets.IntSlider) else values


@pytest.mark.parametrize("name", WIDGETS)
def test_every_frame_has_the_size_of_the_first(name):
    """Moving any control never resizes the image (the page under it would jump): the figure is
    updated in place and FigureWidget keeps its first frame's crop. The explorer without its
    slope panel keeps the width too: the curve then spans both panels."""
    w = WIDGETS[name][0]()
    first, figure = w.frame_size, w.figure
    sizes = set()
    for _round in range(2):  # the explorer: every control with the slope shown, then hidden
        for key, control in w.controls.items():
            for value in every_position(control):
                w.set(**{key: value})
                sizes.add(w.frame_size)
        if "derivative" not in w.controls:
            break
        w.set(derivative=False)
    assert w.redraws > 2 * len(w.controls) and w.figure is figure
    assert sizes == {first}, (first, sizes)


def test_a_new_figure_each_call_without_a_widget():
    """The draw functions called directly make a new figure each time (a still)."""
    a, _ = wa.draw_race("sigmoid", "relu", 2, 0.1)
    b, _ = wa.draw_race("sigmoid", "relu", 2, 0.1)
    assert a is not b and len(shown(a.axes[1].patches)) == 2 * 3
    fig, message = wa.draw_activation("relu", derivative=False)
    (curve,) = shown(fig.axes)
    png_bytes(fig)  # laid out: alone, the curve takes the whole width
    assert curve.get_position().width > 0.8 and "relu" in message


def test_the_race_widget_reads_what_race_computes():
    """The table the race widget reads holds every setting its controls offer, and a few of
    them, retrained here, are what race() gives (one diverging run among them)."""
    from utils.lessons.activations import race_table

    assert race_table.TABLE.exists()
    w = wa.gradient_race()
    assert tuple(w.controls["learning_rate"].options) == race_table.LEARNING_RATES
    layers = w.controls["hidden_layers"]
    assert (layers.min, layers.max) == (race_table.HIDDEN_LAYERS[0], race_table.HIDDEN_LAYERS[-1])
    assert set(w.controls["first"].options) == set(ACTIVATIONS)
    for name, hidden, rate in race_table.settings():
        assert race_table.lookup(name, hidden, rate) is not None, (name, hidden, rate)
    for name, hidden, rate in (("sigmoid", 3, 0.03), ("relu", 2, 0.1), ("tanh", 6, 1.0)):
        stored = race_table.lookup(name, hidden, rate)
        fresh = wa.race(name, hidden_layers=hidden, learning_rate=rate, epochs=300, seed=0)[name]
        assert stored["diverged"] == fresh["diverged"]
        # float32 training: a sum may round differently in the last bit from one machine (or
        # thread pool) to another, so stored and fresh agree to a few float32 ulps (1.2e-7); a
        # diverging run grows such a difference with its loss (6e-6 at a loss of 3e10, seen here).
        assert stored["layer_gradients"] == pytest.approx(fresh["layer_gradients"], rel=1e-6)
        assert np.allclose(stored["loss"], fresh["loss"], rtol=1e-4, equal_nan=True)
        assert stored["final_loss"] == pytest.approx(fresh["final_loss"], rel=1e-6, nan_ok=True)
    assert race_table.lookup("relu", 3, 0.03, epochs=50) is None  # other runs are trained


def test_controls_are_long_enough_and_labels_fit():
    explorer = wa.activation_explorer()
    # "leaky_relu" is about 64 px wide in a 13 px font; a button also has 2 x 12 px of padding
    assert int(explorer.controls["name"].style.button_width.removesuffix("px")) >= 88
    assert int(explorer.controls["z_range"].layout.width.removesuffix("px")) >= 320
    for slider in wa.relu_puzzle().controls.values():
        assert int(slider.layout.width.removesuffix("px")) >= 320
    for key in ("hidden_layers", "learning_rate"):
        assert int(wa.gradient_race().controls[key].layout.width.removesuffix("px")) >= 320


def test_the_open_questions_identity_of_tanh_and_sigmoid():
    """Open question 3: tanh z = 2 sigmoid(2z) - 1, so (tanh z + 1) / 2 = sigmoid(2z)."""
    z = np.linspace(-8, 8, 161)
    sigmoid, tanh = ACTIVATIONS["sigmoid"][0], ACTIVATIONS["tanh"][0]
    assert np.allclose(tanh(z), 2 * sigmoid(2 * z) - 1, atol=1e-6)
    assert np.allclose(ACTIVATIONS["leaky_relu"][1](np.array([-3.0, -0.5])), 0.2)


def test_plot_fits_shows_each_models_mse():
    x, y = make_wavy_regression(50, seed=1)
    fig = wa.plot_fits(x, y, {"zero": np.zeros_like(y), "truth": y})
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert f"zero (MSE {np.mean(y**2):.3f})" in labels and "truth (MSE 0.000)" in labels
    with pytest.raises(ValueError, match="one prediction per point"):
        wa.plot_fits(x, y, {"short": y[:5]})
    with pytest.raises(TypeError, match="non-empty dict"):
        wa.plot_fits(x, y, {})


def test_the_quiz_has_three_questions():
    q = quiz()
    assert len(q.questions) == 3
    assert "<details>" in q.static_html()


def test_relu_reference_is_what_the_checks_compare_with():
    z = np.array([-2.0, 0.0, 3.0])
    assert np.array_equal(relu(z), [0.0, 0.0, 3.0])


# --- two languages (issue 10): one source, messages from the catalogue ---------------------------


def test_messages_follow_the_language(monkeypatch):
    """With COURSE_LANG=zh a check's error, a quiz answer and a widget's labels are Chinese."""
    monkeypatch.setenv("COURSE_LANG", "zh")
    expect(ex.check_relu, lambda z: max(0, z), match=r"内置的 max\(0, z\).*np\.maximum")
    expect(ex.check_relu_derivative, lambda z: (z >= 0).astype(float), match="折点 z = 0")
    expect(ex.check_collapse, collapse_biases_added, match="简单相加 b1 \\+ b2")
    expect(ex.check_relu_puzzle, 1, -1, 2, -3, match="单元 2 在 x = -b2/w2 = 1.5 处开启")
    expect(ex.check_relu_puzzle, None, None, None, None, match="ReLU 拼图的答案还没有写")

    q = quiz()
    right, text = q.questions[0].answer(q.questions[0].correct[0])
    assert right and text.startswith("回答正确！") and "ReLU" in text
    assert q.questions[0].prompt.startswith("下列哪种激活函数")
    assert "还有一个正确选项" in q.questions[1].answer([0])[1]  # the two-answer question
    assert q.widgets[0].children[2].description == "检查"

    w = wa.activation_explorer()
    assert w.title == "激活函数探索器" and w.controls["z_range"].description == "z 的范围"
    assert w.controls["compare"].options[0] == ("无", "none")  # the label only is translated
    assert w.message.startswith("sigmoid 在 [-6, 6] 上") and "平坦" in w.message
    m = wa.output_matcher()
    assert dict(m.controls["target"].options)["房价（千美元）"] == "house price ($1000s)"
    assert m.message.startswith("✗ sigmoid 只能输出") and "300 个房价中有 300 个" in m.message
    m.set(target="stock price change (%)", activation="linear")  # values stay English
    assert m.message.startswith("✓ linear 合适")
    p = wa.relu_puzzle()
    assert p.title.startswith("ReLU 拼图") and p.message.startswith("还没有对上")


def test_english_stays_english_and_the_quiz_list_is_english(monkeypatch):
    """The English words did not change; ``QUIZ.questions("en")`` (read by tools) is English in
    any language, and the target names the controls return are the catalogue's English labels."""
    from utils.i18n import msg
    from utils.lessons.activations.questions import QUIZ

    monkeypatch.setenv("COURSE_LANG", "zh")
    english = QUIZ.questions("en")  # what tools that list every quiz read
    assert english[0].prompt.startswith("Which of the following activation")
    assert [q.key for q in english] == [q.key for q in quiz().questions]
    for target in wa.TARGETS:
        assert wa._target_word(target, "label", "en") == target
        assert target.startswith(msg(f"activations.widget.{wa._TARGET_KEYS[target]}.one", "en"))
    monkeypatch.setenv("COURSE_LANG", "en")
    w = wa.output_matcher()
    assert dict(w.controls["target"].options) == {t: t for t in wa.TARGETS}
    assert w.controls["activation"].description == "output g"
    assert wa.activation_explorer().controls["compare"].options[0] == ("none", "none")


def test_the_layer_table_lines_up_in_chinese(monkeypatch):
    """Chinese characters take two columns: the table's columns still line up."""
    import unicodedata

    def width(text):
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    results = {
        "sigmoid": {"layer_gradients": [0.01, 0.1, 1.0]},
        "relu": {"layer_gradients": [2.0, 1.0, 2.0]},
    }
    monkeypatch.setenv("COURSE_LANG", "zh")
    lines = wa.format_layer_gradients(results).splitlines()
    assert lines[0].split() == ["第", "1", "层", "第", "2", "层", "第", "3", "层"]
    assert lines[-1].startswith("比值 relu/sigmoid")
    assert numbers_in(lines[-1])[-3:] == [200.0, 10.0, 2.0]
    assert len({width(line) for line in lines}) == 1


DRAW_IN_CHINESE = """
import warnings
warnings.simplefilter("always")
from utils.style import cjk_font, figure_language, png_bytes
from utils.lessons.activations import widgets as wa
figures = [
    wa.draw_activation("tanh")[0],
    wa.draw_output_match("binary label (0 or 1)", "linear")[0],
    wa.draw_race(epochs=3)[0],
    wa.draw_relu_puzzle(1, -1, 2, -3)[0],
    wa.plot_fits([0, 1, 2], [0, 1, 4], {"line": [0, 2, 4]}),
]
for fig in figures:
    png_bytes(fig)
titles = [ax.get_title() for fig in figures for ax in fig.axes]
print(cjk_font(), figure_language(), *titles, sep="|")
"""


def test_chinese_figures_write_nothing_to_stderr():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, COURSE_LANG="zh")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", DRAW_IN_CHINESE], capture_output=True, text=True, env=env, cwd=root
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == "", out.stderr  # nbgrader scores a cell that writes stderr as failed
    font, lang, *titles = out.stdout.strip().split("|")
    if font == "None":
        pytest.fail("no CJK font: run tools/system-deps.sh (installs fonts-noto-cjk)")
    assert lang == "zh"
    for title in ("斜率 g'(z)", "输出层：linear", "二元标签（0 或 1）", "到达各层的梯度"):
        assert title in titles, titles
    assert "三个 ReLU 单元" in titles and "和 vs 目标" in titles


def test_without_a_cjk_font_figures_stay_english_and_messages_do_not(monkeypatch):
    import utils.style as style

    monkeypatch.setenv("COURSE_LANG", "zh")
    monkeypatch.setattr(style, "cjk_font", lambda: None)
    fig, message = wa.draw_output_match("house price ($1000s)", "relu")
    assert [ax.get_title() for ax in fig.axes] == ["output layer: relu", "house price ($1000s)"]
    assert message.startswith("✓ relu 合适")
    legend = wa.plot_fits([0, 1], [0, 1], {"a": [0, 1]}).axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["data", "a (MSE 0.000)"]
