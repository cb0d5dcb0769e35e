"""Lesson 01 (compile and fit): the numbers the prose relies on, every check names the mistake it
is meant to catch (in-process and in a real kernel), and the widgets respond.  That the notebook
runs clean, shows still figures under nbgrader and fails every check of the blank release with a
message is ``tests/test_lesson_execution.py``."""

import inspect
import re

import nbformat
import numpy as np
import pytest

from autograder.notebooks import (
    RELEASED,
    cells_by_grade_id,
    failures,
    number_after,
    run_notebook,
    source_notebook,
    stderr_text,
    with_solution,
)
from utils.feedback import ExerciseError
from utils.lessons.compile_and_fit import checks as ex
from utils.lessons.compile_and_fit import widgets as wd

NAME = "01_compile_and_fit"
GRADED = ["test_count_parameters", "test_build_model", "test_binary_cost"]


def test_the_graded_cells():
    for path in (source_notebook(NAME), RELEASED / f"{NAME}.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        assert [c.id for c in nb.cells if c.metadata["nbgrader"].get("grade")] == GRADED, path


# --- the notebook in a real kernel --------------------------------------------------------------


@pytest.fixture(scope="module")
def solved(executed_notebook):
    return executed_notebook(NAME, "solved")


@pytest.mark.slow
def test_the_widgets_and_figures_the_prose_refers_to(solved):
    assert solved.roles() == {
        "data_plot": "figure",
        "batches_widget": "widget",
        "history_plot": "figure",
        "predict_plot": "figure",
        "loss_widget": "widget",
        "mse_plot": "figure",
        "quiz": "quiz",
    }


@pytest.mark.slow
def test_the_numbers_the_prose_relies_on(solved):
    """Every claim of the markdown that is not printed next to it is checked here."""
    text = solved.text
    data = text("data")
    assert "X (800, 400)" in data and "X (200, 400)" in data
    assert number_after(data, "in all:") == 1000
    shapes = text("params_shapes")
    for line in ("W (400, 25), b (25,)", "W (25, 15), b (15,)", "W (15, 1), b (1,)"):
        assert line in shapes
    counted = text("params_count")
    assert "10,025 + 390 + 16 = 10,431" in counted and "count_params() = 10,431" in counted
    batches = text("batches")
    assert "ceil(5000 / 32) = 157 batches; the last one has 8 examples" in batches
    assert "ceil(800 / 32) = 25 batches" in batches
    assert "of which 100% are ones" in text("validation_split")  # the trap is real
    assert "W1 unchanged by compile: True" in text("compile")
    history = text("history")
    assert "epochs recorded: 10" in history and "W1 changed by fit: True" in history
    assert number_after(history, "gradient steps taken by the optimizer:") == 10 * 25
    first, last = (number_after(history, f"{w} epoch") for w in ("first", "last"))
    assert last < first / 5  # the loss curve falls
    costs = text("test_binary_cost")
    values = [float(v) for v in re.findall(r"= (\d\.\d{6})", costs)]
    assert len(values) == 3 and max(values) - min(values) < 1e-5  # matched against Keras
    mse = text("mse_net")
    line, net = number_after(mse, "best straight line:"), number_after(mse, "ReLU network:")
    assert net < line / 2  # "ends well below the best line's"
    truth = text("mse_truth")
    dist_line = number_after(truth, "best straight line")
    dist_net = number_after(truth, "ReLU network")
    assert dist_line / dist_net >= 3  # "several times smaller": the network follows the bends
    (times,) = re.findall(r"\((\d+\.\d) times smaller\)", truth)
    assert float(times) == pytest.approx(dist_line / dist_net, abs=0.06), truth
    assert 0 < dist_net < net  # the noise (mean square about 0.01) is in the MSE, not the distance


@pytest.mark.slow
def test_the_bridge_to_the_lecture(solved):
    """The lecture's imports are Keras 3's; its progress line, read; its binary recipe."""
    text = solved.text
    imports = text("lecture_imports")
    assert "Dense is keras.layers.Dense: True" in imports
    assert "BinaryCrossentropy is keras.losses.BinaryCrossentropy: True" in imports
    major, minor = (int(v) for v in imports.split("TensorFlow ")[1].split(".")[:2])
    assert (major, minor) >= (2, 16)
    # the progress bar: 157 batches, and its last numbers are what the History stores
    bar = re.sub(r"\x1b\[[0-9;]*m", "", text("progress")).replace("\b", "")
    last = bar.split("\r")[-1]
    assert last.startswith("157/157 ") and "━" in last
    assert last.index("accuracy:") < last.index("loss:")  # Keras 3's order
    stored = text("progress_history")
    for name in ("accuracy", "loss"):
        assert number_after(last, f"- {name}") == number_after(stored, name)
    # what fit and evaluate compute the loss from
    demo = text("logits_demo")
    assert number_after(demo, "from the logits z") == 30.0
    assert number_after(demo, "tiny.evaluate(x, y)") == 30.0
    assert number_after(demo, "p an array") == pytest.approx(16.03, abs=0.005)
    assert 16.0 < -np.log(1e-7) < 16.2  # "-log(1e-7) is about 16.1"
    assert number_after(demo, "closest prediction to 0 or 1 is") > 1e-3  # far from 1e-7
    recipe = text("logits_model")
    assert "the same training loss as `model`, epoch by epoch: True" in recipe
    assert "the same training accuracy, epoch by epoch: True" in recipe
    assert number_after(recipe, "over the test images:") < 1e-6


@pytest.mark.slow
def test_wrong_answers_in_a_kernel_get_their_messages():
    nb = nbformat.read(str(source_notebook(NAME)), as_version=4)
    nb = with_solution(
        nb,
        "count_parameters",
        """
def count_parameters(layer_sizes):
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
""",
    )
    nb = with_solution(
        nb,
        "build_model",
        """
def build_model(hidden_units=(25, 15)):
    model = keras.Sequential([keras.Input(shape=(400,))]
                             + [keras.layers.Dense(n, activation="sigmoid") for n in hidden_units]
                             + [keras.layers.Dense(1)])
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model
""",
    )
    nb = with_solution(
        nb,
        "binary_cost",
        """
def binary_cost(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
""",
    )
    run, _ = run_notebook(nb, timeout=300, allow_errors=True)
    cells = cells_by_grade_id(run)
    expected = {
        "test_count_parameters": "you counted only the weights",
        "test_build_model": "the output layer has no activation",
        "test_binary_cost": "broadcast to an (m, m) matrix",
    }
    for grade_id, phrase in expected.items():
        ename, text = failures(cells[grade_id])[0]  # an error, or the message shown in place
        assert ename == "ExerciseError" and phrase in text, text
    assert stderr_text(run) == ""  # log(0) warnings etc. never reach a graded cell's stderr


# --- exercise 1: count_parameters ---------------------------------------------------------------


def count_ok(sizes):
    sizes = [int(n) for n in sizes]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def fails_with(check, fn, *phrases, args=()):
    with pytest.raises(ExerciseError) as info:
        check(fn, *args)
    for phrase in phrases:
        assert phrase in str(info.value), str(info.value)
    return str(info.value)


def test_count_parameters_reference_and_right_answer(capsys):
    assert ex.parameter_count([400, 25, 15, 1]) == 10431
    assert ex.parameter_count([400, 25, 15, 10]) == 10575
    ex.check_count_parameters(count_ok)
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])), "only the weights"),
        (lambda s: sum(a * b + a for a, b in zip(s[:-1], s[1:])), "one bias per *input*"),
        (lambda s: count_ok(s) + s[0], "biases for the input layer"),
        (
            lambda s: sum(a * b + b for a, b in list(zip(s[:-1], s[1:]))[:-1]),
            "last layer is missing",
        ),
        (lambda s: int(np.prod(s)) + sum(s[1:]), "do not multiply"),
        (lambda s: sum(a * b + b for a, b in zip(s, s[2:])), "two layers apart"),
        (lambda s: float(count_ok(s)), "whole number (an int)"),
        (lambda s: 10431, "Does your code work for any number of layers"),
        (lambda s: None, "returned None"),
    ],
)
def test_count_parameters_names_the_mistake(wrong, phrase):
    fails_with(ex.check_count_parameters, wrong, phrase)


def test_count_parameters_blank_and_mismatched_model(keras):
    def blank(sizes):
        raise NotImplementedError()

    fails_with(ex.check_count_parameters, blank, "not written yet")
    other = keras.Sequential([keras.Input(shape=(400,)), keras.layers.Dense(10)])
    fails_with(ex.check_count_parameters, count_ok, "the Keras model has 4010", args=(other,))


# --- exercise 2: build_model --------------------------------------------------------------------


def make_builder(
    keras,
    *,
    out_units=1,
    out_act="sigmoid",
    hidden_act="sigmoid",
    loss=None,
    optimizer=None,
    metrics=("accuracy",),
    with_input=True,
    compile=True,
    ignore_hidden=False,
):
    def build_model(hidden_units=(25, 15)):
        units = (25, 15) if ignore_hidden else hidden_units
        layers = [keras.Input(shape=(400,))] if with_input else []
        layers += [keras.layers.Dense(n, activation=hidden_act) for n in units]
        layers.append(keras.layers.Dense(out_units, activation=out_act))
        model = keras.Sequential(layers)
        if compile:
            model.compile(
                loss=loss or keras.losses.BinaryCrossentropy(),
                optimizer=optimizer or keras.optimizers.Adam(learning_rate=0.001),
                metrics=list(metrics) if metrics else None,
            )
        return model

    return build_model


def test_build_model_accepts_any_correct_spelling(keras, tf, capsys):
    ex.check_build_model(make_builder(keras))
    ex.check_build_model(
        make_builder(
            keras,
            out_act=keras.activations.sigmoid,
            hidden_act="relu",
            loss="binary_crossentropy",
            optimizer="adam",
            metrics=[keras.metrics.BinaryAccuracy()],
        )
    )

    def with_activation_layers(hidden_units=(25, 15)):
        layers = [keras.Input(shape=(400,))]
        for n in hidden_units:
            layers += [keras.layers.Dense(n), keras.layers.Activation("sigmoid")]
        layers.append(keras.layers.Dense(1, activation=tf.nn.sigmoid))
        model = keras.Sequential(layers)
        model.compile(
            loss=keras.losses.binary_crossentropy,
            optimizer=tf.keras.optimizers.Adam(1e-3),
            metrics=["acc"],
        )
        return model

    ex.check_build_model(with_activation_layers)
    assert capsys.readouterr().out.count("✓") == 3


@pytest.mark.parametrize(
    "options, phrase",
    [
        ({"out_units": 10}, "ONE output unit"),
        ({"out_act": None}, "output layer has no activation"),
        ({"out_act": "softmax"}, "softmax over a single unit always outputs 1"),
        ({"out_act": "relu"}, "output layer uses relu"),
        ({"hidden_act": None}, "hidden layer 1 has no activation"),
        ({"loss": "mse"}, "meant for regression"),
        ({"loss": "sparse_categorical_crossentropy"}, "meant for several classes"),
        ({"loss": "from_logits"}, "from_logits=True"),
        ({"optimizer": "sgd"}, "the optimizer is SGD"),
        ({"optimizer": "adam_0.01"}, "learning rate is 0.01"),
        ({"metrics": None}, "add metrics=['accuracy']"),
        ({"metrics": "Accuracy"}, "equals y exactly"),
        ({"with_input": False}, "keras.Input(shape=(400,))"),
        ({"compile": False}, "never compiled"),
        ({"ignore_hidden": True}, "expected [10, 1]"),
    ],
)
def test_build_model_names_the_mistake(keras, options, phrase):
    special = {
        "from_logits": keras.losses.BinaryCrossentropy(from_logits=True),
        "adam_0.01": keras.optimizers.Adam(learning_rate=0.01),
        "Accuracy": [keras.metrics.Accuracy()],
    }
    options = {k: special.get(v, v) if isinstance(v, str) else v for k, v in options.items()}
    fails_with(ex.check_build_model, make_builder(keras, **options), phrase)


def test_build_model_must_return_a_new_model_each_time(keras):
    model = make_builder(keras)()
    fails_with(ex.check_build_model, lambda hidden_units=(25, 15): model, "same model object twice")
    fails_with(
        ex.check_build_model, lambda hidden_units=(25, 15): "model", "should return the Keras model"
    )


# --- exercise 3: binary_cost --------------------------------------------------------------------


def cost_ok(y, p):
    y = np.ravel(y).astype(float)
    p = np.clip(np.ravel(p).astype(float), 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def flat(fn):
    """A cost written for flat, clipped inputs (so only the formula is wrong)."""
    return lambda y, p: fn(np.ravel(y).astype(float), np.clip(np.ravel(p), 1e-7, 1 - 1e-7))


def test_binary_cost_right_answer_matches_keras(keras, capsys):
    ex.check_binary_cost(cost_ok)
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 50), rng.uniform(0, 1, 50).astype(np.float32)
    p[:3] = [0.0, 1.0, 1.0]
    keras_value = float(
        keras.losses.BinaryCrossentropy()(y[:, None].astype(np.float32), p[:, None])
    )
    assert np.isclose(ex.binary_cost_reference(y, p), keras_value, rtol=1e-4)
    assert ex.EPSILON == keras.backend.epsilon() == 1e-7
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, phrase",
    [
        (flat(lambda y, p: np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))), "minus sign"),
        (
            flat(lambda y, p: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))),
            "(= m) times too big",
        ),
        (
            flat(lambda y, p: -np.mean((1 - y) * np.log(p) + y * np.log(1 - p))),
            "y and 1 - y are swapped",
        ),
        (
            flat(lambda y, p: -np.mean(y * np.log(p) + (1 - y) * np.log(p))),
            "log of the wrong value",
        ),
        (flat(lambda y, p: -np.mean(y * np.log(p))), "only the y * log(p) term"),
        (
            flat(lambda y, p: -np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p))),
            "natural logarithm",
        ),
        (flat(lambda y, p: -(y * np.log(p) + (1 - y) * np.log(1 - p))), "forget to take the mean"),
        (
            lambda y, p: (
                -np.mean(
                    y * np.log(np.clip(p, 1e-7, 1 - 1e-7))
                    + (1 - y) * np.log(1 - np.clip(p, 1e-7, 1 - 1e-7))
                )
            ),
            "broadcast to an (m, m) matrix",
        ),
        (
            lambda y, p: (
                -np.mean(
                    np.ravel(y) * np.log(np.ravel(p)) + (1 - np.ravel(y)) * np.log(1 - np.ravel(p))
                )
            ),
            "Clip first",
        ),
        (lambda y, p: ex.binary_cost_reference(y, p, epsilon=1e-12), "not with another epsilon"),
    ],
)
def test_binary_cost_names_the_mistake(wrong, phrase):
    fails_with(ex.check_binary_cost, wrong, phrase)


def test_binary_cost_with_a_model_compares_with_keras(keras, capsys):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input(shape=(400,)), keras.layers.Dense(1, activation="sigmoid")]
    )
    model.compile(loss="binary_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(1)
    X, y = rng.uniform(0, 1, (30, 400)).astype(np.float32), rng.integers(0, 2, 30)
    ex.check_binary_cost(cost_ok, model, X, y)
    out = capsys.readouterr().out
    assert "model.evaluate" in out and "✓" in out

    def right_on_small_inputs_only(y_, p_):  # passes the numpy cases, not the model's
        return cost_ok(y_, p_) if len(np.ravel(y_)) != 30 else cost_ok(y_, p_) + 0.5

    fails_with(
        ex.check_binary_cost, right_on_small_inputs_only, "binary_cost vs", args=(model, X, y)
    )


def test_binary_cost_blank_and_no_warning_on_stderr(capsys):
    def blank(y, p):
        raise NotImplementedError()

    fails_with(ex.check_binary_cost, blank, "not written yet")

    def no_clip(y, p):
        y, p = np.ravel(y), np.ravel(p)
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    with _no_warnings():
        fails_with(ex.check_binary_cost, no_clip, "Clip first")
    assert capsys.readouterr().err == ""


class _no_warnings:
    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings(record=True)
        self.caught = self._ctx.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)
        assert not self.caught, [str(w.message) for w in self.caught]


# --- facts stated in the lesson -----------------------------------------------------------------


def test_keras_facts_the_lesson_states(keras):
    assert inspect.signature(keras.Model.compile).parameters["optimizer"].default == "rmsprop"
    # fit's default batch size is 32: 64 examples make 2 steps
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    X, y = np.zeros((64, 3), np.float32), np.zeros(64, np.float32)
    model.fit(X, y, epochs=1, verbose=0)
    assert int(model.optimizer.iterations) == 2
    # validation_split holds out the LAST rows, before shuffling
    y[-16:] = 5.0
    history = model.fit(X, y, epochs=1, validation_split=0.25, verbose=0)
    assert np.isclose(
        history.history["val_loss"][0], model.evaluate(X[-16:], y[-16:], verbose=0), rtol=1e-5
    )
    # a confident float32 sigmoid output is exactly 1.0, so log(1 - p) needs the clipping
    assert float(keras.activations.sigmoid(np.float32([20.0]))[0]) == 1.0
    # fit's default verbose is "auto" (1 in most cases)
    assert inspect.signature(keras.Model.fit).parameters["verbose"].default == "auto"
    # 1 - 1e-7 rounds to 1 - 1.19e-7 in float32
    assert 1 - np.float32(1 - 1e-7) == pytest.approx(1.19e-7, rel=1e-2)


def test_accuracy_on_logits_thresholds_at_one_half(keras):
    """With a linear output, metrics=["accuracy"] compares z with 0.5 (p with g(0.5) = 0.62);
    BinaryAccuracy(threshold=0.0) compares p with 0.5."""
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.layers[0].set_weights([np.array([[1.0]]), np.zeros(1)])  # z = x
    x, y = np.array([[0.3], [-0.3]]), np.array([[1.0], [0.0]])  # p = 0.57 and 0.43: both right
    for metric, want in (("accuracy", 0.5), (keras.metrics.BinaryAccuracy(threshold=0.0), 1.0)):
        model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True), metrics=[metric])
        assert model.evaluate(x, y, verbose=0)[1] == want
    assert 1 / (1 + np.exp(-0.5)) == pytest.approx(0.62, abs=0.005)


def test_the_compile_quiz_has_two_questions():
    from utils.lessons.compile_and_fit import quiz

    assert len(quiz().questions) == 2


# --- widgets and figures ------------------------------------------------------------------------


def line_data(fig):
    return [np.asarray(line.get_ydata()).copy() for ax in fig.axes for line in ax.get_lines()]


def test_loss_explorer_moves_with_every_control():
    w = wd.loss_explorer(p=0.8, y=1)
    assert "L = −log(0.80) = 0.223" in w.message
    before_msg, before_marker = w.message, line_data(w.figure)[-1]
    w.set(p=0.1)
    assert w.message != before_msg and "wrong" in w.message
    assert not np.allclose(line_data(w.figure)[-1], before_marker)
    assert np.isclose(float(line_data(w.figure)[-1][0]), -np.log(0.1))
    w.set(y=0)
    assert "−log(1 − 0.10)" in w.message and "right" in w.message
    assert "label y = 0" in w.figure.axes[0].get_title()
    assert np.isclose(float(line_data(w.figure)[-1][0]), -np.log(0.9))
    assert w.redraws == 3


def test_loss_explorer_updates_one_figure_in_place():
    """Each move changes the same figure's artists: one drawing pass, every frame the first's
    size, and the point sits on the active curve."""
    w = wd.loss_explorer(p=0.8, y=1)
    fig, size = w.figure, w.frame_size
    for p, y in ((0.1, 1), (0.1, 0), (0.99, 0), (0.5, 1)):
        w.set(p=p, y=y)
        assert w.figure is fig and w.frame_size == size
        (x,), (loss,) = fig.axes[0].get_lines()[-1].get_data()
        assert x == p and np.isclose(loss, -np.log(p if y == 1 else 1 - p))
    assert len(fig.axes[0].get_lines()) == 3 and len(fig.axes[0].texts) == 1  # nothing piles up


def test_example_loss_rejects_bad_values():
    assert np.isclose(wd.example_loss(1, 0.5), np.log(2))
    with pytest.raises(ValueError, match="y must be 0 or 1"):
        wd.example_loss(2, 0.5)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        wd.example_loss(1, 1.0)


def bars(fig):
    (collection,) = fig.axes[0].collections
    return len(collection.get_paths())


def test_batches_explorer_moves_with_every_control():
    w = wd.batches_explorer(m=5000, batch_size=32, epochs=20)
    assert bars(w.figure) == 157
    assert "156 full batches of 32 and a last one of 8" in w.message
    assert "3,140 gradient steps" in w.message
    w.set(m=800)
    assert bars(w.figure) == 25 and "25 full batches of 32." in w.message
    w.set(batch_size=128)
    assert bars(w.figure) == 7 and "6 full batches of 128 and a last one of 32" in w.message
    w.set(epochs=1)
    assert "1 epoch = 7 gradient steps" in w.message
    w.set(m=10)
    assert bars(w.figure) == 1 and "a single batch of 10" in w.message


def test_batch_sizes():
    assert len(wd.batch_sizes(5000, 32)) == 157 and wd.batch_sizes(5000, 32)[-1] == 8
    assert wd.batch_sizes(64, 32) == [32, 32] and wd.batch_sizes(5, 32) == [5]
    assert sum(wd.batch_sizes(4321, 17)) == 4321
    with pytest.raises(ValueError, match="positive integer"):
        wd.batch_sizes(0, 32)
    with pytest.raises(ValueError, match="batch_size"):
        wd.batch_sizes(100, 0)


def zero(g):
    return np.zeros(len(g))


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_plot_regression_fits():
    x = np.linspace(0, 6, 50).reshape(-1, 1)
    y = np.sin(x[:, 0])
    fig = wd.plot_regression_fits(x, y, line=zero, network=np.sin)
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 2
    assert legend_texts(fig.axes[0]) == ["data", "best straight line", "ReLU network"]
    fig = wd.plot_regression_fits(
        x, y, line=zero, network=np.sin, truth=y, history={"loss": [1.0, 0.5, 0.2]}, line_mse=0.4
    )
    assert len(fig.axes) == 2 and len(fig.axes[0].get_lines()) == 3
    assert [list(line.get_ydata()) for line in fig.axes[1].get_lines()][0] == [1.0, 0.5, 0.2]
    assert "true curve (without the noise)" in legend_texts(fig.axes[0])
    assert legend_texts(fig.axes[1]) == ["network: training MSE", "best straight line"]
    with pytest.raises(ValueError, match="same number"):
        wd.plot_regression_fits(x, y[:-1], line=zero, network=np.sin)
    with pytest.raises(TypeError, match="network must be a function"):
        wd.plot_regression_fits(x, y, line=zero, network=[np.sin])
    with pytest.raises(ValueError, match="one value per x"):
        wd.plot_regression_fits(x, y, line=zero, network=np.sin, truth=y[:-1])


def test_the_text_states_the_courses_pixel_convention():
    """The digit grids draw 1 as black ink on white (tests/test_plotting.py); the text says so."""
    nb = nbformat.read(str(source_notebook(NAME)), as_version=4)
    text = " ".join(c.source for c in nb.cells if c.cell_type == "markdown").replace("\n", " ")
    assert "0 is the blank background, drawn white; 1 is full ink, drawn black" in text


# --- the two languages --------------------------------------------------------------------------


def test_the_source_is_translated_into_chinese():
    """Every markdown cell carries its Chinese (tests/test_i18n.py checks that it is up to
    date); the title, the exercise headings and their points survive the translation."""
    nb = nbformat.read(str(source_notebook(NAME)), as_version=4)
    assert nb.metadata["i18n"]["languages"] == ["zh"]
    zh = {c.id: c.metadata["i18n"]["zh"]["source"] for c in nb.cells if c.cell_type == "markdown"}
    assert zh["intro"].startswith("# 第 1 课 · 编译与训练")
    for cell_id, heading in (
        ("ex1_md", "### 练习 1（1 分）：`count_parameters`"),
        ("ex2_md", "### 练习 2（2 分）：`build_model`"),
        ("ex3_md", "### 练习 3（2 分）：`binary_cost`"),
    ):
        assert zh[cell_id].startswith(heading), cell_id
    assert "0 是空白背景，画成白色；1 是浓墨，画成黑色" in zh["data_md"]  # the pixel convention


def test_messages_follow_the_language(monkeypatch, keras):
    from utils.lessons.compile_and_fit import quiz

    monkeypatch.setenv("COURSE_LANG", "zh")
    # a check error, also where the lesson's words end a shared checker's sentence
    fails_with(
        ex.check_count_parameters,
        lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])),
        "返回了 10390，期望 10431：你只数了权重",
    )
    fails_with(ex.check_build_model, make_builder(keras, out_units=10), "只有一个输出单元")
    fails_with(ex.check_build_model, make_builder(keras, compile=False), "就把模型返回了")
    # a quiz answer
    questions = quiz().questions
    assert [q.key for q in questions] == ["compile-1", "compile-2"]
    right, text = questions[0].answer(questions[0].correct[0])
    assert right and text.startswith("回答正确！") and "逻辑回归的损失" in text
    assert questions[1].choices[questions[1].correct[0]].text == "`model.fit(X, y, epochs=100)`"
    # widget titles, labels and messages
    w = wd.loss_explorer(p=0.1, y=1)
    assert w.title == "单个样本的损失" and w.controls["y"].description == "标签"
    assert w.controls["y"].options == (("标签 y = 1", 1), ("标签 y = 0", 0))
    assert "这个预测错误" in w.message
    w = wd.batches_explorer(m=5000, batch_size=32, epochs=20)
    assert w.controls["m"].description == "样本数 m"
    assert "156 个完整批次（每批 32 个），外加最后一批 8 个" in w.message
    assert "20 个轮次 = 3,140 步梯度下降" in w.message


def test_the_english_quiz_stays_english_whatever_the_language(monkeypatch):
    """``QUIZ.questions("en")`` (what tools that list every quiz read) is the English."""
    from utils.lessons.compile_and_fit.questions import QUIZ

    monkeypatch.setenv("COURSE_LANG", "zh")
    assert QUIZ.questions("en")[0].prompt.startswith("Here is some code that you saw")
    assert QUIZ.questions()[0].prompt.startswith("下面是你在课上见过的一段代码")


def test_figures_speak_the_figure_language(monkeypatch):
    """Figure text is Chinese where a CJK font is installed, English where none is."""
    import utils.style as style

    monkeypatch.setenv("COURSE_LANG", "zh")
    x = np.linspace(0, 6, 50).reshape(-1, 1)
    font = style.cjk_font()
    if font is None:
        pytest.fail("no CJK font: run tools/system-deps.sh (installs fonts-noto-cjk)")
    monkeypatch.setattr(style, "cjk_font", lambda: None)
    assert "label y = 1" in wd.loss_explorer().figure.axes[0].get_title()
    monkeypatch.setattr(style, "cjk_font", lambda: font)
    assert wd.loss_explorer().figure.axes[0].get_title() == "单个样本的二元交叉熵（标签 y = 1）"
    assert "157 个批次" in wd.batches_explorer().figure.axes[0].get_title(loc="left")
    fig = wd.plot_regression_fits(
        x, np.sin(x[:, 0]), line=zero, network=np.sin, history={"loss": [1.0]}, line_mse=0.5
    )
    assert [ax.get_title() for ax in fig.axes] == ["拟合出的曲线", "训练损失（对数坐标）"]
    assert legend_texts(fig.axes[0]) == ["数据", "最佳直线", "ReLU 神经网络"]
    assert legend_texts(fig.axes[1])[1] == "最佳直线"


DRAW_IN_CHINESE = """
import warnings
warnings.simplefilter("always")
import numpy as np
from utils.style import cjk_font, figure_language, png_bytes
from utils.lessons.compile_and_fit import widgets as wd
for w in (wd.loss_explorer(p=0.1, y=0), wd.batches_explorer(m=1000, batch_size=64)):
    png_bytes(w.figure)
x = np.linspace(0, 6, 50).reshape(-1, 1)
fig = wd.plot_regression_fits(x, np.sin(x[:, 0]), line=np.cos, network=np.sin,
                              truth=np.sin(x[:, 0]), history={"loss": [1.0, 0.5]}, line_mse=0.7)
png_bytes(fig)
print(cjk_font(), figure_language(), fig.axes[1].get_xlabel(), sep="|")
"""


def test_chinese_figures_write_nothing_to_stderr():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, COURSE_LANG="zh")
    out = subprocess.run(
        [sys.executable, "-c", DRAW_IN_CHINESE], capture_output=True, text=True, env=env, cwd=root
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == "", out.stderr  # nbgrader scores a cell that writes stderr as failed
    font, lang, xlabel = out.stdout.strip().split("|", 2)
    if font == "None":
        pytest.fail("no CJK font: run tools/system-deps.sh (installs fonts-noto-cjk)")
    assert lang == "zh" and xlabel == "轮次（epoch）"


def test_sliders_are_long_enough_and_descriptions_whole():
    for w in (wd.loss_explorer(), wd.batches_explorer()):
        for control in w.controls.values():
            if hasattr(control, "min"):  # a slider
                steps = (control.max - control.min) / control.step
                assert control.layout.width == "400px", (w.title, control.description, steps)
            else:
                assert control.style.description_width == "initial", control.description


def test_the_lesson_ends_with_questions_and_reading():
    nb = nbformat.read(str(source_notebook(NAME)), as_version=4)
    by_id = {c.id: c.source for c in nb.cells}
    assert by_id["open_questions"].count("<details>") == 3
    for work in ("training_with_built_in_methods", "chapter 8", "Bishop (2006)"):
        assert work in by_id["further_reading"]
    hints = by_id["ex1_md"]
    assert hints.index("Hint 1: a nudge") < hints.index("Hint 2") < hints.index("zip(")


def test_the_noise_of_the_regression_data():
    """Section 6: 'even the true curve has a mean squared error of about 0.1² = 0.01 on them'."""
    from utils.synthetic import make_wavy_regression

    x, y = make_wavy_regression(n=200, noise=0.1, seed=0)
    x_true, y_true = make_wavy_regression(n=200, noise=0.0, seed=0)
    assert np.array_equal(
        x, x_true
    )  # the same x values, so the distance is measured point by point
    assert np.mean((y - y_true) ** 2) == pytest.approx(0.01, rel=0.2)
