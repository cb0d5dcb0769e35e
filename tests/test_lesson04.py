"""Lesson 04 (Adam and other layer types): exercises, widgets, and the prose's claims.  That the
notebook runs clean (also under nbgrader) and that the blank release fails every check with a
message is ``tests/test_lesson_execution.py``."""

import re

import nbformat
import numpy as np
import pytest

from autograder.notebooks import (
    RELEASED,
    cell_text,
    cells_by_grade_id,
    errors,
    run_notebook,
    source_notebook,
    stderr_text,
)
from utils.data import load_digits_split
from utils.feedback import ExerciseError
from utils.lessons.adam_and_layers import quiz
from utils.lessons.adam_and_layers.checks import (
    check_adam_step,
    check_conv1d_output_length,
    check_conv1d_param_count,
    compare_with_keras,
)
from utils.lessons.adam_and_layers.training import DIGITS_BATCH, DIGITS_EPOCHS, train_digits
from utils.lessons.adam_and_layers.widgets import (
    GRADIENT_PATTERNS,
    RATES,
    SURFACES,
    SWEEP_STEPS,
    TOLERANCE,
    adam_step_ratios,
    conv_window_widget,
    conv_windows,
    learning_rate_sweep,
    optimizer_race_widget,
    race,
    step_size_widget,
    sweep_figure,
    sweep_summary,
    training_curves_figure,
)
from utils.nn import Adam, GradientDescent
from utils.synthetic import make_ekg

NAME = "04_adam_and_layers"
EXERCISES = {"test_adam_step": 3, "test_conv1d_output_length": 1, "test_conv1d_param_count": 2}


# ----------------------------------------------------------------------------------------
# Reference answers and realistic wrong answers
# ----------------------------------------------------------------------------------------


def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_variant(mistake):
    """adam_step with one named mistake."""

    def step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
        if mistake == "not written":
            raise NotImplementedError()
        m_old = m
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * (m**2 if mistake == "v from m" else grad**2)
        tt = t - 1 if mistake == "t from 0" else t
        m_hat, v_hat = m / (1 - beta1**tt), v / (1 - beta2**tt)
        if mistake == "no bias correction":
            m_hat, v_hat = m, v
        if mistake == "eps inside sqrt":
            return theta - lr * m_hat / np.sqrt(v_hat + eps), m, v
        if mistake == "keras form":
            return (
                theta - lr * np.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + eps),
                m,
                v,
            )
        if mistake == "returns m_hat":
            return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v
        if mistake == "plus":
            return theta + lr * m_hat / (np.sqrt(v_hat) + eps), m, v
        if mistake == "two values":
            return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m
        if mistake == "swapped betas":
            m = (1 - beta1) * m_old + beta1 * grad
        return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v

    return step


def python_float_t_from_0(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    correction = 1.0 / (1 - beta1 ** (t - 1))  # a Python float: ZeroDivisionError at t = 1
    return theta - lr * m * correction / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


ADAM_MISTAKES = {
    "no bias correction": "without the bias correction",
    "t from 0": "nan or inf at step t = 1",
    "v from m": "you averaged the square of m",
    "eps inside sqrt": "you put eps inside the square root",
    "keras form": "that is Keras's form of Adam",
    "returns m_hat": "you returned the bias-corrected m_hat",
    "plus": "moved uphill",
    "two values": "should return the tuple (theta, m, v)",
    "swapped betas": "β1 and 1 - β1 are swapped",
    "not written": "adam_step is not written yet",
}


def test_right_adam_step_passes(capsys):
    check_adam_step(adam_step)
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize("mistake", sorted(ADAM_MISTAKES))
def test_adam_mistakes_are_named(mistake):
    with pytest.raises(ExerciseError, match=re.escape(ADAM_MISTAKES[mistake])):
        check_adam_step(adam_variant(mistake))


def test_adam_division_by_zero_in_python_floats_is_explained():
    with pytest.raises(ExerciseError, match=r"divided by zero at t = 1.*counts steps from 1"):
        check_adam_step(python_float_t_from_0)


def test_adam_check_does_not_let_the_student_corrupt_its_state(capsys):
    def in_place(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
        m *= beta1
        m += (1 - beta1) * grad
        v *= beta2
        v += (1 - beta2) * grad**2
        theta -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        return theta, m, v

    check_adam_step(in_place)  # updating the arrays in place is fine
    assert "✓" in capsys.readouterr().out


CONV_LENGTH_MISTAKES = {
    "one window short": lambda n, k, s: (n - k) // s,
    "a fraction": lambda n, k, s: (n - k) / s + 1,
    "you ignored the stride": lambda n, k, s: n - k + 1,
    "the whole signal length by the stride": lambda n, k, s: n // s,
    "you rounded up": lambda n, k, s: -(-(n - k) // s) + 1,
}


def test_conv1d_output_length_right_and_wrong(capsys):
    check_conv1d_output_length(lambda n, k, s: (n - k) // s + 1)
    check_conv1d_output_length(lambda n, k, s: int((n - k) / s) + 1)
    assert capsys.readouterr().out.count("✓") == 2
    for message, wrong in CONV_LENGTH_MISTAKES.items():
        with pytest.raises(ExerciseError, match=re.escape(message)):
            check_conv1d_output_length(wrong)


CONV_PARAM_MISTAKES = {
    "own weights": lambda n, k, s, c, f: (k * c + 1) * f * ((n - k) // s + 1),
    "forgot the biases": lambda n, k, s, c, f: k * c * f,
    "covers every input channel": lambda n, k, s, c, f: (k + 1) * f,
    "what a dense layer would need": lambda n, k, s, c, f: (n * c + 1) * f,
    "its own bias": lambda n, k, s, c, f: k * c * f + 1,
}


def test_conv1d_param_count_right_and_wrong(capsys):
    check_conv1d_param_count(lambda n, k, s, c, f: (k * c + 1) * f)
    assert "✓" in capsys.readouterr().out
    for message, wrong in CONV_PARAM_MISTAKES.items():
        with pytest.raises(ExerciseError, match=re.escape(message)):
            check_conv1d_param_count(wrong)
    with pytest.raises(ExerciseError, match="should return a whole number"):
        check_conv1d_param_count(lambda n, k, s, c, f: "168")


def test_conv1d_answers_agree_with_keras(keras):
    for n, k, s, c, f in [(100, 20, 10, 1, 8), (9, 5, 2, 8, 8), (57, 4, 3, 3, 2)]:
        layer = keras.layers.Conv1D(f, k, strides=s)
        layer.build((None, n, c))
        assert layer.count_params() == (k * c + 1) * f
        assert (
            layer.compute_output_shape((None, n, c))[1]
            == (n - k) // s + 1
            == len(conv_windows(n, k, s))
        )


# ----------------------------------------------------------------------------------------
# The comparison with Keras (section 4) and its claims
# ----------------------------------------------------------------------------------------


def keras_adam_path(keras, tf, theta0, grads, epsilon=1e-7):
    optimizer = keras.optimizers.Adam(learning_rate=1e-3, epsilon=epsilon)
    theta, path = tf.Variable(theta0), []
    for g in grads:
        optimizer.apply_gradients([(tf.constant(g), theta)])
        path.append(theta.numpy().copy())
    return np.array(path)


@pytest.fixture(scope="module")
def section4(keras, tf):
    rng = np.random.default_rng(0)  # as in the notebook
    theta0 = rng.normal(size=3)
    grads = [rng.normal(size=3) * np.array([1.0, 1e-2, 1e-4]) for _ in range(10)]
    return (
        theta0,
        grads,
        keras_adam_path(keras, tf, theta0, grads),
        keras_adam_path(keras, tf, theta0, grads, 1e-12),
    )


def test_keras_differs_only_by_where_epsilon_goes(section4, capsys):
    theta0, grads, path, path_tiny = section4
    default = compare_with_keras(adam_step, theta0, grads, path)
    tiny = compare_with_keras(adam_step, theta0, grads, path_tiny, eps=1e-12)
    translated = compare_with_keras(adam_step, theta0, grads, path, keras_eps=True)
    out = capsys.readouterr().out
    assert out.count("max |θ_yours − θ_Keras| over 10 steps") == 3
    assert tiny < default / 100 and translated < default / 100  # "far smaller"
    assert translated < 1e-7  # round-off only
    # "about 30 times larger at t = 1": epsilon / sqrt(1 - beta2)
    assert 30 < 1 / np.sqrt(1 - 0.999) < 33
    # what is left is float32's 0.999, not ours: with betas exact in float32 the match is exact
    assert abs(float(np.float32(0.999)) - 0.999) > 1e-9


def test_compare_with_keras_never_raises(section4, capsys):
    theta0, grads, path, _ = section4
    assert compare_with_keras(adam_variant("not written"), theta0, grads, path) is None
    assert "not written yet" in capsys.readouterr().out
    assert compare_with_keras(lambda *a: 1 / 0, theta0, grads, path) is None
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert compare_with_keras(lambda th, g, m, v, *a: (th[:2], m, v), theta0, grads, path) is None
    assert "shape" in capsys.readouterr().out


# ----------------------------------------------------------------------------------------
# Widgets: every control changes the figure or the message
# ----------------------------------------------------------------------------------------


def lines(fig):
    return [np.asarray(line.get_xydata()).copy() for ax in fig.axes for line in ax.get_lines()]


def changed(before, after):
    return len(before) != len(after) or any(
        a.shape != b.shape or not np.allclose(a, b, equal_nan=True) for a, b in zip(before, after)
    )


def test_race_widget_every_control_redraws():
    w = optimizer_race_widget()
    assert "gradient descent (α = 0.03)" in w.message and "Adam (α = 0.3)" in w.message
    for key, value in [
        ("gd_lr", 0.01),
        ("adam_lr", 0.1),
        ("steps", 300),
        ("surface", "banana (Rosenbrock)"),
        ("surface", "badly conditioned bowl"),
    ]:
        before, message = lines(w.figure), w.message
        w.set(**{key: value})
        assert changed(before, lines(w.figure)) and w.message != message, key
    assert "badly conditioned" in w.figure.axes[0].get_title()
    assert w.redraws == 6
    w.set(surface="elongated bowl", gd_lr=0.1)
    assert "diverged at step" in w.message
    with pytest.raises(KeyError, match="no control named"):
        w.set(speed=3)


def test_race_widget_redraws_from_cached_runs(monkeypatch):
    """Moving a control back to a value seen before recomputes no run."""
    from utils.lessons.adam_and_layers import widgets

    w = optimizer_race_widget()
    w.set(steps=1000, surface="banana (Rosenbrock)")
    w.set(steps=200, surface="elongated bowl")
    monkeypatch.setattr(widgets.GradientDescent, "step", lambda *a: pytest.fail("recomputed"))
    monkeypatch.setattr(widgets.Adam, "step", lambda *a: pytest.fail("recomputed"))
    w.set(steps=1000, surface="banana (Rosenbrock)")
    assert "after 1000 steps" in w.message


def test_every_learning_rate_of_the_race_sliders_is_computed_once_and_exactly(monkeypatch):
    """The widget runs each slider's positions together when it starts; a move to any of them
    computes nothing, and reads the very numbers a race at that rate alone gives."""
    from utils.lessons.adam_and_layers import widgets

    w = optimizer_race_widget()
    grid = widgets.slider_values(w.controls["adam_lr"])
    assert len(grid) == 36 and np.isclose(grid[0], 1e-3) and np.isclose(grid[-1], 10**0.5)
    monkeypatch.setattr(widgets.GradientDescent, "step", lambda *a: pytest.fail("recomputed"))
    monkeypatch.setattr(widgets.Adam, "step", lambda *a: pytest.fail("recomputed"))
    for surface in SURFACES:
        w.set(surface=surface)
        for k in (0, 7, 23, 35):
            w.set(adam_lr=grid[k] * (1 + 1e-15))  # as a front end's pow() may round it
        w.set(gd_lr=widgets.slider_values(w.controls["gd_lr"])[13])
    kept = w.message
    monkeypatch.undo()
    widgets._runs.cache_clear()
    alone = race(w.values["surface"], w.values["gd_lr"], w.values["adam_lr"], w.values["steps"])
    assert kept == widgets._race_message(alone)
    together = race(
        w.values["surface"],
        w.values["gd_lr"],
        w.values["adam_lr"],
        w.values["steps"],
        grids={"Adam": grid},
    )
    assert np.array_equal(together["Adam"].costs, alone["Adam"].costs, equal_nan=True)
    assert np.array_equal(together["Adam"].path, alone["Adam"].path, equal_nan=True)


def test_widgets_redraw_in_place_from_cached_results(monkeypatch):
    """A move updates the same figure's artists; the steps slider and a seen value compute
    nothing (every race runs RACE_STEPS steps once; a shorter one is its beginning)."""
    from utils.lessons.adam_and_layers import widgets

    s = step_size_widget()
    figure = s.figure
    s.set(steps=120)
    s.set(steps=50)
    assert s.figure is figure and "at step 50" in s.message
    w = optimizer_race_widget()
    figure = w.figure
    w.set(surface="banana (Rosenbrock)")
    monkeypatch.setattr(widgets.GradientDescent, "step", lambda *a: pytest.fail("recomputed"))
    monkeypatch.setattr(widgets.Adam, "step", lambda *a: pytest.fail("recomputed"))
    for steps in (10, 370, widgets.RACE_STEPS):
        w.set(steps=steps)
        assert f"after {steps} steps" in w.message
    for surface in SURFACES:  # the widget warmed every surface up at its default rates
        w.set(surface=surface)
    assert w.figure is figure and len(figure.axes) == 2 and len(figure.legends) == 1


def test_a_short_race_is_the_beginning_of_a_long_one():
    long = race("elongated bowl", gd_lr=0.0395, steps=2000)["gradient descent"]
    short = race("elongated bowl", gd_lr=0.0395, steps=150)["gradient descent"]
    np.testing.assert_array_equal(short.path, long.path[:151])
    # diverging after the last step counted is not diverging
    blows_up = race("banana (Rosenbrock)", gd_lr=0.003, steps=1000)["gradient descent"]
    assert blows_up.diverged is not None and blows_up.diverged > 5
    early = race("banana (Rosenbrock)", gd_lr=0.003, steps=blows_up.diverged - 1)
    assert early["gradient descent"].diverged is None
    assert len(early["gradient descent"].costs) == blows_up.diverged
    assert (
        race("banana (Rosenbrock)", gd_lr=0.003, steps=blows_up.diverged)[
            "gradient descent"
        ].diverged
        == blows_up.diverged
    )


def _overlaps(artist, axes, renderer) -> bool:
    return artist.get_window_extent(renderer).overlaps(axes.get_window_extent(renderer))


def test_legends_cover_no_data():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    X, y = make_ekg(n=20, seed=0)
    for w in (optimizer_race_widget(), step_size_widget(), conv_window_widget(X, y)):
        w.set(**{"stride": 30} if "stride" in w.controls else {})
        renderer = FigureCanvasAgg(w.figure).get_renderer()
        w.figure.draw(renderer)
        legends = w.figure.legends or [ax.get_legend() for ax in w.figure.axes]
        assert legends and all(legend.get_visible() for legend in legends), w.title
        assert not any(_overlaps(g, ax, renderer) for g in legends for ax in w.figure.axes)


def test_race_widget_falls_back_to_a_still_figure(monkeypatch):
    w = optimizer_race_widget()
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    bundle = w._repr_mimebundle_()
    assert "image/png" in bundle and "application/vnd.jupyter.widget-view+json" not in bundle


def test_race_input_errors_are_clear():
    with pytest.raises(ValueError, match="unknown surface 'saddle'"):
        race("saddle")
    with pytest.raises(ValueError, match="gd_lr must be > 0"):
        race(gd_lr=0)
    with pytest.raises(TypeError, match="steps must be an integer"):
        race(steps=2.5)
    with pytest.raises(ValueError, match="histories is empty"):
        training_curves_figure({})
    with pytest.raises(TypeError, match="must be a Keras optimizer object"):
        train_digits("adam")


def test_race_paths_and_costs():
    for name, surface in SURFACES.items():
        results = race(name, gd_lr=1e-4, adam_lr=0.1, steps=2000)
        for r in results.values():
            assert r.path.shape == (2001, 2) and r.costs.shape == (2001,)
            assert r.costs[0] == pytest.approx(surface.cost(np.array(surface.start)))
            assert surface.cost(np.array(surface.minimum)) == 0
        assert results["Adam"].final_cost < TOLERANCE, name


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_race_runs_are_the_reference_optimizers_step_for_step(surface):
    """All rates run together (one optimizer at rate 1, scaled): the same as one optimizer each."""
    s = SURFACES[surface]
    for optimizer, rate in [(GradientDescent, 1e-4), (GradientDescent, 3e-3), (Adam, 0.1)]:
        theta, opt, path = np.array(s.start, dtype=float), optimizer(rate), []
        for _ in range(300):
            opt.step(theta, s.grad(theta))
            path.append(theta.copy())
            if np.abs(theta).max() > 1e6:
                break
        kind = "Adam" if optimizer is Adam else "gradient descent"
        r = race(surface, **{"adam_lr" if kind == "Adam" else "gd_lr": rate}, steps=300)[kind]
        if r.diverged is not None:
            assert r.diverged == len(path) and r.path.shape == (len(path), 2)
            path = path[:-1]
        np.testing.assert_allclose(r.path[1:], path, rtol=1e-12, atol=1e-12)


def test_settled_means_staying_below():
    """The metric: a run that dips below the tolerance and comes back out has not settled."""
    r = race("elongated bowl", adam_lr=0.3)["Adam"]  # the widget's default
    first_dip = int(np.argmax(r.costs < TOLERANCE))
    assert 0 < first_dip < r.settled  # "dips below the dashed line long before it stays there"
    assert r.settled - first_dip > 30
    assert np.all(r.costs[r.settled :] < TOLERANCE) and r.costs[r.settled - 1] >= TOLERANCE
    assert race("round bowl", gd_lr=0.1, steps=10)["gradient descent"].settled is None


def test_sweep_figure_and_summary():
    fig = sweep_figure(steps=50)
    assert len([ax for ax in fig.axes if ax.get_visible()]) == len(SURFACES)
    assert "banana" in sweep_summary("banana (Rosenbrock)", steps=50)


def test_step_size_widget_every_control_redraws():
    w = step_size_widget()
    for key, value in [("beta1", 0.5), ("beta2", 0.95), ("steps", 120)]:
        before, message = lines(w.figure), w.message
        w.set(**{key: value})
        assert changed(before, lines(w.figure)) and w.message != message, key
    assert "at step 120" in w.message


def test_conv_window_widget_every_control_redraws():
    X, y = make_ekg(n=60, seed=0)
    w = conv_window_widget(X, y)
    assert w.message.startswith("9 windows of 20 samples")
    assert {int(y[i]) for _, i in w.controls["example"].options} == {0, 1}
    for key, value in [
        ("kernel_size", 7),
        ("stride", 3),
        ("example", w.controls["example"].options[1][1]),
    ]:
        before, message = lines(w.figure), w.message
        w.set(**{key: value})
        assert changed(before, lines(w.figure)), key
        if key != "example":
            assert w.message != message, key
    assert "irregular" in w.figure.axes[0].get_title()
    w.set(kernel_size=20, stride=30)
    assert "the last 20 samples are seen by no window" in w.message
    with pytest.raises(ValueError, match="longer than the signal"):
        conv_windows(10, 20, 1)
    with pytest.raises(ValueError, match="one label per signal"):
        conv_window_widget(X, y[:5])


# ----------------------------------------------------------------------------------------
# Claims made in the notebook's prose
# ----------------------------------------------------------------------------------------


def test_section1_claims():
    round_fast = race("round bowl", gd_lr=0.1)["gradient descent"]
    round_slow = race("round bowl", gd_lr=0.03)["gradient descent"]
    long_fast = race("elongated bowl", gd_lr=0.1)["gradient descent"]
    long_slow = race("elongated bowl", gd_lr=0.03)["gradient descent"]
    assert len(round_fast.costs) == 201  # "for 200 steps"
    assert round_fast.settled < round_slow.settled  # 0.1 works and is faster
    assert long_fast.diverged is not None  # diverges on the elongated bowl
    assert long_slow.settled >= 3 * round_fast.settled  # "several times as many steps"
    assert race("elongated bowl", gd_lr=0.039, steps=300)["gradient descent"].diverged is None
    assert race("elongated bowl", gd_lr=0.041, steps=300)["gradient descent"].diverged


def test_section2_claims():
    assert TOLERANCE == 1e-3  # "the tolerance 0.001"
    assert 1 / (1 - 0.9) == pytest.approx(10) and 1 / (1 - 0.999) == pytest.approx(1000)
    adam, theta = Adam(), np.zeros(1)
    adam.step(theta, np.array([2.0]))
    assert adam.m[0] == pytest.approx(0.1 * 2.0)  # m = 0.1 g after one step
    ratios, gd = adam_step_ratios()  # the widget's defaults
    steady, tiny, oscillating, _ = GRADIENT_PATTERNS
    assert ratios[steady][-1] == pytest.approx(1, rel=0.01)
    assert ratios[tiny][-1] == pytest.approx(1, rel=0.01)  # same step, 1000x smaller g
    assert gd[tiny][-1] == pytest.approx(1e-3 * gd[steady][-1])
    assert ratios[oscillating][-1] < 0.1  # "a small fraction of α"
    no_momentum, _ = adam_step_ratios(beta1=0.0)
    assert no_momentum[oscillating][-1] == pytest.approx(1, rel=0.01)  # the "try β1 = 0"


BOWLS = ["round bowl", "elongated bowl", "badly conditioned bowl"]


def test_section3_adam_takes_the_same_path_on_every_bowl():
    runs = [race(bowl, adam_lr=0.3)["Adam"] for bowl in BOWLS]
    for r in runs[1:]:  # "the same distance to the minimum at every step"
        np.testing.assert_allclose(r.distance, runs[0].distance, rtol=0, atol=1e-5)
    settled = [r.settled for r in runs]
    assert settled == sorted(settled) and settled[0] < settled[-1]  # "settles later"
    for bowl in BOWLS[1:]:  # "gradient descent with α = 0.3 diverges on both stretched bowls"
        assert race(bowl, gd_lr=0.3)["gradient descent"].diverged is not None


@pytest.fixture(scope="module")
def sweeps():
    return {name: learning_rate_sweep(name) for name in SURFACES}


def working(sweep):
    return {rate for rate, step in zip(sweep.rates, sweep.settled) if step is not None}


def test_sweep_setup_as_the_prose_says():
    assert SWEEP_STEPS == 1000 and len(RATES) == 46  # "1000 steps", "46 rates"
    assert RATES[0] == 1e-4 and RATES[-1] == 3.16  # "from 0.0001 to 3.16"
    assert np.allclose(np.diff(np.log10(RATES)), 0.1, atol=0.003)  # "10 per decade"


def test_sweep_claims(sweeps):
    gd, adam = (sweeps["round bowl"][k] for k in ("gradient descent", "Adam"))
    assert race("round bowl", gd_lr=0.5, steps=1)["gradient descent"].path[1].tolist() == [0, 0]
    rate, step = gd.fastest  # "α ≈ 0.5 settles in one step"
    assert step == 1 and rate == pytest.approx(0.5, rel=0.01)
    assert adam.fastest[1] >= 24  # "Adam needs dozens of steps at any α"
    assert adam.fastest[1] > gd.fastest[1]  # "gradient descent wins"

    gd, adam = (sweeps["elongated bowl"][k] for k in ("gradient descent", "Adam"))
    assert gd.fastest[0] < 0.04 and gd.fastest[0] >= 0.03  # "just below the limit 0.04"
    assert gd.fastest[1] < adam.fastest[1]  # "still settles sooner than Adam's best"
    assert gd.working < adam.working  # "fewer rates work for it"

    gd, adam = (sweeps["badly conditioned bowl"][k] for k in ("gradient descent", "Adam"))
    assert gd.working == 0  # "no α lets gradient descent settle within 1000 steps"
    assert (
        race("badly conditioned bowl", gd_lr=0.00099, steps=1000)["gradient descent"].diverged
        is None
    )
    assert race("badly conditioned bowl", gd_lr=0.00101, steps=1000)["gradient descent"].diverged
    assert 1 - 2 * 0.001 == pytest.approx(0.998)  # "shrinks by less than 0.2% per step"
    # "Adam settles with exactly the same rates as on the round bowl" (and the elongated one)
    assert working(adam) == working(sweeps["round bowl"]["Adam"])
    assert working(adam) == working(sweeps["elongated bowl"]["Adam"])

    gd, adam = (sweeps["banana (Rosenbrock)"][k] for k in ("gradient descent", "Adam"))
    assert gd.working == 1 and adam.working >= 10  # "only one of the 46 rates, Adam with many"


def test_sweep_summary_reports_the_sweep(sweeps):
    line = sweep_summary("elongated bowl")
    gd, adam = sweeps["elongated bowl"].values()
    assert f"gradient descent: {gd.working} of 46 rates" in line
    assert f"soonest from step {adam.fastest[1]} (α = {adam.fastest[0]:.3g})" in line
    assert sweep_summary("badly conditioned bowl").count("soonest") == 1


# The digits network in Keras (section 3): the rates the notebook uses are the best of the grids
# the prose names, and what the prose says about the curves holds.
DIGITS_GRIDS = {"SGD": (0.01, 0.03, 0.1, 0.3, 1.0), "Adam": (0.001, 0.003, 0.01, 0.03)}


@pytest.fixture(scope="module")
def digits_grid(keras):
    return {
        (kind, rate): train_digits(getattr(keras.optimizers, kind)(learning_rate=rate))
        for kind, rates in DIGITS_GRIDS.items()
        for rate in rates
    }


@pytest.mark.slow
def test_digits_claims(digits_grid, keras):
    assert DIGITS_EPOCHS == 5 and DIGITS_BATCH == 32  # "for 5 epochs in batches of 32"
    assert len(load_digits_split()[0][0]) == 4000  # "on 4000 digits"
    final = {key: h["loss"][-1] for key, h in digits_grid.items()}
    best = {
        kind: min(DIGITS_GRIDS[kind], key=lambda rate: final[kind, rate]) for kind in DIGITS_GRIDS
    }
    source = cells_by_grade_id(nbformat.read(source_notebook(NAME), as_version=4))
    code = source["s3_digits_train"].source
    assert f"SGD(learning_rate={best['SGD']})" in code, best
    assert f"Adam(learning_rate={best['Adam']})" in code, best
    sgd, adam = digits_grid["SGD", best["SGD"]], digits_grid["Adam", best["Adam"]]
    assert len(sgd["loss"]) == DIGITS_EPOCHS
    assert all(a < s for a, s in zip(adam["loss"], sgd["loss"]))  # "lower after every epoch"
    assert abs(adam["val_accuracy"][-1] - sgd["val_accuracy"][-1]) < 0.01  # "within one point"
    # "with Keras's default rates ... more than three times Adam's"
    assert float(keras.optimizers.SGD().learning_rate) == pytest.approx(0.01)
    assert float(keras.optimizers.Adam().learning_rate) == pytest.approx(0.001)
    assert final["SGD", 0.01] > 3 * final["Adam", 0.001]
    fig = training_curves_figure({"gradient descent": sgd, "Adam": adam})
    assert len(fig.axes) == 2 and len(fig.axes[0].get_lines()) == 2


def test_quiz_has_two_questions():
    assert len(quiz().questions) == 2


def test_quiz_marks_code_and_reads_well():
    """Code is in backticks (the quiz shows it as code), and the lecture's garbled wording of
    the second question ("What is this name of the layer type") is fixed, in both languages."""
    from utils.lessons.adam_and_layers.questions import QUIZ

    for lang in ("en", "zh"):
        q1, q2 = QUIZ.questions(lang)
        texts = [q1.prompt, *(c.text for c in q1.choices), q1.explanation]
        for text in texts:
            bare = re.sub(r"`[^`]*`", "", text)
            assert "compile()" not in bare and "optimizers.Adam" not in bare, text
        assert "`optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3)`" in q1.choices[3].text
        assert "this name" not in q2.prompt
    assert QUIZ.questions("en")[1].prompt.endswith("What is the name of this layer type?")


def test_open_questions_numbers(keras):
    """The numbers of the open questions at the end of the notebook."""
    conv = keras.layers.Conv1D(8, 20, strides=10)
    conv.build((None, 1000, 1))
    assert conv.count_params() == 168  # "still 168" on 1000 samples
    for n, want in ((100, 808), (1000, 8008)):
        dense = keras.layers.Dense(8)
        dense.build((None, n))
        assert dense.count_params() == want
    for g, ratio in ((1e-3, 1.0), (1e-8, 1 / 11)):  # a steady gradient: the step is α g/(|g| + ε)
        theta, m, v = np.zeros(1), np.zeros(1), np.zeros(1)
        for t in range(1, 4):
            before = theta.copy()
            theta, m, v = adam_step(theta, np.array([g]), m, v, t, lr=0.01)
            assert (before - theta)[0] / 0.01 == pytest.approx(
                ratio, rel=1e-3 if g > 1e-6 else 1e-9
            )
    settled = {
        a: race("elongated bowl", adam_lr=a, steps=1000)["Adam"].settled for a in (0.3, 0.1, 0.03)
    }
    assert settled[0.1] >= settled[0.3] and settled[0.03] > 3 * settled[0.3]
    late = race("elongated bowl", adam_lr=0.3, steps=1000)["Adam"]
    assert late.costs[-1] < 1e-6 * TOLERANCE  # "J falls far below the tolerance"


# ----------------------------------------------------------------------------------------
# The notebooks, executed in real kernels
# ----------------------------------------------------------------------------------------


def test_source_notebook_structure():
    """What is particular to this lesson; ``tests/test_lesson_contract.py`` checks the rest."""
    nb = nbformat.read(source_notebook(NAME), as_version=4)
    graded, solutions = {}, set()
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        if meta["grade"]:
            graded[meta["grade_id"]] = meta["points"]
            assert cell.source.startswith("check_")
        if meta["solution"]:
            solutions.add(meta["grade_id"])
    assert graded == EXERCISES
    assert solutions == {"adam_step", "conv1d_output_length", "conv1d_param_count"}
    grade_ids = cells_by_grade_id(nb)
    assert len(grade_ids) == len(nb.cells)
    assert "import keras" in grade_ids["setup"].source
    assert [c.id for c in nb.cells[-3:]] == ["quiz", "open_questions", "further_reading"]
    assert "quiz()" in nb.cells[-3].source
    assert nb.cells[-2].source.count("<details><summary>A model answer</summary>") == 3
    deep_dive = grade_ids["s4_eps"].source
    assert deep_dive.startswith("### Deep dive (optional): where Keras adds")
    assert "do not need this part" in deep_dive
    for exercise in ("ex2", "ex3"):  # hints unfold one at a time, the formula last
        text = grade_ids[exercise].source
        assert text.index("Hint 1: a nudge") < text.index("Hint 2: the formula"), exercise
    released = nbformat.read(RELEASED / f"{NAME}.ipynb", as_version=4)
    assert {
        c.id: c.metadata["nbgrader"]["points"]
        for c in released.cells
        if c.metadata["nbgrader"].get("grade")
    } == EXERCISES


@pytest.fixture(scope="module")
def solved(executed_notebook):
    return executed_notebook(NAME, "solved")


@pytest.mark.slow
def test_the_widgets_the_prose_refers_to(solved):
    assert solved.roles() == {
        "s2_widget": "widget",
        "s3_widget": "widget",
        "s3_sweep": "figure",
        "s3_digits_curves": "figure",
        "s5_widget": "widget",
        "quiz": "quiz",
    }


@pytest.mark.slow
def test_source_notebook_numbers_support_the_prose(solved):
    cells = solved.cells
    diffs = [
        float(x)
        for x in re.findall(
            r"over 10 steps = ([0-9.e+-]+)",
            cell_text(cells["s4_compare"], results=True)
            + cell_text(cells["s4_tiny"], results=True),
        )
    ]
    assert len(diffs) == 3 and max(diffs[1:]) < diffs[0] / 100
    bowls = re.findall(
        r"after 50 steps ([\d.]+), after 100 steps ([\d.]+); J < 0.001 from step (\d+) on",
        cell_text(cells["s3_adam_bowls"], results=True),
    )
    assert len(bowls) == 3 and len({b[:2] for b in bowls}) == 1  # the same distances
    sweep = cell_text(cells["s3_sweep"], results=True)
    assert sweep.count("of 46 rates") == 2 * len(SURFACES)
    assert "badly conditioned bowl: gradient descent: 0 of 46 rates |" in sweep
    digits = re.findall(
        r"(gradient descent|Adam).*training loss ([\d.]+) after epoch 1, ([\d.]+) after epoch 5; "
        r"held-out accuracy ([\d.]+)%",
        cell_text(cells["s3_digits_train"], results=True),
    )
    assert [d[0] for d in digits] == ["gradient descent", "Adam"]
    (_, sgd_first, sgd_last, sgd_test), (_, adam_first, adam_last, adam_test) = digits
    assert float(adam_last) < float(sgd_last) and float(adam_first) < float(sgd_first)
    assert abs(float(adam_test) - float(sgd_test)) < 1.0  # "within one percentage point"
    shapes = cell_text(cells["s5_shapes"], results=True)
    assert "(None, 9, 8)" in shapes and "(None, 3, 8)" in shapes
    rows = re.findall(
        r"(\w+):\s+(\d+) parameters, accuracy ([\d.]+)% on training, ([\d.]+)% held out",
        cell_text(cells["s5_train"], results=True),
    )
    got = {name: (int(p), float(train), float(test)) for name, p, train, test in rows}
    (conv_p, conv_train, conv_test), (dense_p, dense_train, dense_test) = (
        got["convolutional"],
        got["dense"],
    )
    assert conv_p < dense_p and conv_test > dense_test  # fewer parameters, better
    assert dense_train >= conv_train  # fits training at least as well
    assert dense_train - dense_test > conv_train - conv_test  # ... and overfits
    rnn = cell_text(cells["s6_rnn_code"], results=True)
    assert "output (2, 8), parameters 80" in rnn and "output (2, 100, 8)" in rnn
    assert "output (2, 8), parameters 320" in rnn and "= 80, LSTM 4u(c + u + 1) = 320" in rnn
    assert "(2, 25, 1) parameters: 0" in cell_text(cells["s6_pool_code"], results=True)


@pytest.mark.slow
def test_released_notebook_says_not_written_yet_where_the_answer_is_used(executed_notebook):
    blank = executed_notebook(NAME, "blank")
    assert "not written yet" in blank.text("s4_compare", results=True)


@pytest.mark.slow
def test_wrong_answers_in_a_real_kernel():
    """One kernel: the visible check names the mistake, and the hidden tests catch a subtler one."""
    source = nbformat.read(source_notebook(NAME), as_version=4)
    ids = cells_by_grade_id(source)
    wrong = ids["adam_step"].source.replace("(np.sqrt(v_hat) + eps)", "np.sqrt(v_hat + eps)")
    flattened = ids["adam_step"].source.replace(
        "return theta, m, v", "return theta.ravel(), m.ravel(), v.ravel()"
    )
    assert wrong != ids["adam_step"].source and flattened != ids["adam_step"].source
    sources = [
        ids["setup"].source,
        wrong,
        ids["test_adam_step"].source,
        flattened,
        ids["test_adam_step"].source,
    ]
    nb = nbformat.v4.new_notebook(
        metadata=source.metadata,
        cells=[nbformat.v4.new_code_cell(text, id=f"cell-{i}") for i, text in enumerate(sources)],
    )
    nb, _ = run_notebook(nb, allow_errors=True)
    assert stderr_text(nb) == ""
    found = {i: (name, value) for i, name, value in errors(nb, messages=True)}
    assert found[2][0] == "ExerciseError" and "eps inside the square root" in found[2][1]
    assert found[4][0] == "AssertionError" and "theta must keep its shape" in found[4][1]
    assert set(found) == {2, 4}


# ----------------------------------------------------------------------------------------
# The two languages (issue 10): the same checks, widgets and quiz speak Chinese when asked to
# ----------------------------------------------------------------------------------------


def test_check_messages_follow_the_language(monkeypatch, capsys):
    from utils import i18n

    monkeypatch.setenv(i18n.LANG_ENV, "zh")
    for mistake, chinese in [
        ("eps inside sqrt", "你把 eps 放进了平方根里"),
        ("t from 0", "返回了 nan 或 inf（第 t = 1 步）"),
        ("returns m_hat", "m（第 t = 1 步）：你返回的是经过偏差修正的 m_hat"),
        ("not written", "还没有完成"),
    ]:
        with pytest.raises(ExerciseError, match=re.escape(chinese)):
            check_adam_step(adam_variant(mistake))
    with pytest.raises(ExerciseError, match=r"应该是 9，实际得到 8：少了一个窗口"):
        check_conv1d_output_length(CONV_LENGTH_MISTAKES["one window short"])
    with pytest.raises(ExerciseError, match="你忘了偏置"):
        check_conv1d_param_count(CONV_PARAM_MISTAKES["forgot the biases"])
    check_conv1d_param_count(lambda n, k, s, c, f: (k * c + 1) * f)
    assert "✓ conv1d_param_count 与 Keras 一致" in capsys.readouterr().out
    theta0, grads = np.zeros(3), [np.ones(3)] * 2
    assert compare_with_keras(adam_variant("not written"), theta0, grads, [theta0] * 2) is None
    assert "adam_step 还没有完成" in capsys.readouterr().out
    compare_with_keras(adam_step, theta0, grads, np.array([theta0] * 2), keras_eps=True)
    assert "Keras 用 ε = 1e-07，你的用 ε/√(1−β2^t)：2 步中 max |θ_yours − θ_Keras|" in (
        capsys.readouterr().out
    )


def test_quiz_follows_the_language(monkeypatch):
    from utils import i18n
    from utils.lessons.adam_and_layers.questions import QUIZ

    english = [q.prompt for q in QUIZ.questions("en")]  # what tools that list quizzes read
    assert english[0].startswith("The Adam optimizer is the recommended optimizer")
    monkeypatch.setenv(i18n.LANG_ENV, "zh")
    q1, q2 = quiz().questions
    assert [q.key for q in (q1, q2)] == ["adam-1", "adam-2"] and q1.correct == (3,)
    assert q1.prompt.startswith("Adam 优化器是求模型最优参数时推荐使用的优化器")
    right, text = q2.answer(q2.correct[0])
    assert right and text.startswith("回答正确！") and "卷积层的单元只看一个窗口" in text
    assert q2.choices[q2.correct[0]].text == "卷积层。"
    assert [q.prompt for q in QUIZ.questions("en")] == english  # English, whatever the language


def test_widgets_follow_the_language(monkeypatch):
    from utils import i18n

    monkeypatch.setenv(i18n.LANG_ENV, "zh")
    w = optimizer_race_widget()
    assert w.title == "优化器赛跑：梯度下降 vs Adam"
    surface = w.controls["surface"]
    assert surface.description == "曲面" and w.controls["gd_lr"].description == "梯度下降 α"
    assert dict(surface.options)["狭长的碗"] == "elongated bowl"  # the value stays the code's name
    assert w.message.startswith("梯度下降（α = 0.03）：200 步后 J = ")
    w.set(surface="elongated bowl", gd_lr=0.1)
    assert "在第 10 步发散" in w.message and w.figure.axes[0].get_title().startswith("狭长的碗：")
    assert "梯度下降（发散）" in [t.get_text() for t in w.figure.legends[0].get_texts()]
    assert race("round bowl")["gradient descent"].name == "gradient descent"  # the key stays
    assert sweep_summary("badly conditioned bowl", steps=50).startswith("病态的碗：")
    assert "第 50 步时 Adam 的步长 / α —— 稳定：1.00" in step_size_widget().message
    X, y = make_ekg(n=20, seed=0)
    w = conv_window_widget(X, y)
    assert w.message.startswith("100 个采样点中放得下 9 个长为 20 的窗口")
    assert w.controls["example"].options[0][0] == "信号 0（心律整齐）"
    assert w.figure.axes[0].get_title() == "心律整齐：Conv1D(kernel_size=20, strides=10)"


def test_without_a_cjk_font_figures_stay_english(monkeypatch):
    import utils.style as style
    from utils import i18n

    monkeypatch.setenv(i18n.LANG_ENV, "zh")
    monkeypatch.setattr(style, "cjk_font", lambda: None)
    w = optimizer_race_widget()
    assert w.figure.axes[0].get_title() == "elongated bowl: J = w1² + 25 w2²"
    assert w.figure.axes[1].get_xlabel() == "step"
    assert w.message.startswith("梯度下降（α = 0.03）")  # text outside the figure needs no font


DRAW_IN_CHINESE = """
import warnings
warnings.simplefilter("always")
import numpy as np
from utils.style import cjk_font, figure_language, png_bytes
from utils.synthetic import make_ekg
from utils.lessons.adam_and_layers import widgets as w
signal = make_ekg(n=4, seed=0)[0][0]
figures = [w.race_figure("banana (Rosenbrock)", 0.1)[0], w.sweep_figure(steps=50),
           w.step_size_figure()[0], w.conv_windows_figure(signal, 20, 30, 1)[0],
           w.training_curves_figure({"Adam": {"loss": [1.0, 0.5], "val_accuracy": [0.5, 0.7]}})]
for fig in figures:
    png_bytes(fig)
print(cjk_font(), figure_language(), *(fig.axes[0].get_title() for fig in figures), sep="\\n")
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
    font, lang, *titles = out.stdout.strip().splitlines()
    if font == "None":
        pytest.fail("no CJK font: run tools/system-deps.sh (installs fonts-noto-cjk)")
    assert lang == "zh"
    assert titles == [
        "香蕉函数（Rosenbrock）：J = (1 − w1)² + 100 (w2 − w1²)²",
        "圆碗：J = w1² + w2²",
        "梯度下降：步长 = α·|g|",
        "心律不齐：Conv1D(kernel_size=20, strides=30)",
        "训练集数字图片上的损失",
    ]
