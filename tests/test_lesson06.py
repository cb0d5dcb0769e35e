"""Lesson 06 (train it yourself, optional): the references against utils.nn and Keras, the checks
against right and wrong answers, the widget, and the numbers the prose states.  The catalogue of
answers both ways is ``tests/test_check_agreement.py`` (``tests/answers/06_train_it_yourself.py``);
that the notebook runs clean, and that the blank release fails every check with a message, is
``tests/test_lesson_execution.py``."""

import re

import nbformat
import numpy as np
import pytest
from matplotlib.figure import Figure

from autograder.notebooks import RELEASED, cells_by_grade_id, source_notebook
from utils.feedback import ExerciseError
from utils.lessons.train_it_yourself import (
    KEYS,
    adam_state,
    check_adam_step,
    check_backward,
    check_forward,
    check_train,
    fit_in_order,
    init_params,
    keras_twin,
    loss_curves_widget,
    mean_loss,
    reference_adam_step,
    reference_backward,
    reference_forward,
    reference_train,
    small_problem,
)
from utils.lessons.train_it_yourself.reference import network
from utils.nn import Adam, sparse_categorical_crossentropy_grad
from utils.nn import train as nn_train
from utils.nn.train import digits_network

NAME = "06_train_it_yourself"
EXERCISES = {"forward": 1, "backward": 2, "adam_step": 1, "train": 2}


def test_points_and_metadata():
    """What is particular to this lesson; ``tests/test_lesson_contract.py`` checks the rest."""
    nb = nbformat.read(str(source_notebook(NAME)), as_version=4)
    graded = cells_by_grade_id(nb)
    for name, points in EXERCISES.items():
        assert graded[name].metadata["nbgrader"]["solution"] is True
        assert graded[f"test_{name}"].metadata["nbgrader"]["points"] == points
    released = nbformat.read(str(RELEASED / f"{NAME}.ipynb"), as_version=4)
    assert "**Optional.**" in released.cells[0].source  # marked optional, visibly, at the top
    assert "<details>" in released.cells[-1].source  # open questions with model answers


# ------------------------------------------------------------------ the references


def test_the_reference_forward_and_backward_are_utils_nn():
    params, X, y = small_problem()
    logits, cache = reference_forward(params, X)
    net = network(params)
    assert np.allclose(logits, net.forward(X), rtol=1e-12)
    net.backward(sparse_categorical_crossentropy_grad(y, logits))
    grads = reference_backward(params, cache, y)
    for k, (dW, db) in enumerate(zip(net.dW, net.db), start=1):
        assert np.array_equal(grads[f"W{k}"], dW) and np.array_equal(grads[f"b{k}"], db)


def test_the_reference_adam_step_is_utils_nn_adam_and_leaves_its_arguments_alone():
    params, X, y = small_problem()
    grads = reference_backward(params, reference_forward(params, X)[1], y)
    before = {k: v.copy() for k, v in params.items()}
    state = adam_state(params)
    new, state = reference_adam_step(params, grads, state, 0.01)
    new, state = reference_adam_step(new, grads, state, 0.01)
    assert all(np.array_equal(params[k], before[k]) for k in KEYS) and state["t"] == 2
    flat = np.concatenate([params[k].ravel() for k in KEYS])
    adam = Adam(0.01)
    for _ in range(2):
        adam.step(flat, np.concatenate([grads[k].ravel() for k in KEYS]))
    assert np.allclose(np.concatenate([new[k].ravel() for k in KEYS]), flat, rtol=1e-12)


def test_the_reference_loop_is_utils_nn_train(rng):
    """The lesson's loop (one permutation per epoch, Keras's Adam) is ``utils.nn.train``."""
    X = rng.random((70, 400)).astype(np.float32)
    y = rng.integers(0, 10, 70)
    params, losses = reference_train(init_params(7), X, y, 3, 32, 1e-3, 5)
    net = digits_network(7)
    history = nn_train(net, X, y, epochs=3, batch_size=32, seed=5)
    assert np.allclose(losses, history["loss"], rtol=1e-5)
    for mine, theirs in zip([params[k] for k in KEYS], net.get_weights()):
        assert np.allclose(mine, theirs, rtol=1e-4, atol=1e-6)


@pytest.mark.slow
def test_the_loop_and_keras_fit_give_the_same_curve(keras):
    rng = np.random.default_rng(0)
    X = rng.random((200, 400)).astype(np.float32)
    y = rng.integers(0, 10, 200)
    params = init_params(3)
    model = keras_twin(params, lr=1e-3)
    _, mine = reference_train(params, X, y, 3, 32, 1e-3, 4)
    theirs = fit_in_order(model, X, y, epochs=3, batch_size=32, seed=4)
    assert np.max(np.abs(np.subtract(mine, theirs))) < 1e-5
    _, other_order = reference_train(params, X, y, 3, 32, 1e-3, 4, shuffle="never")
    assert np.max(np.abs(np.subtract(other_order, theirs))) > 1e-4  # the test can fail


# ------------------------------------------------------------------ the checks


def _not_written(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("check", [check_forward, check_backward, check_adam_step, check_train])
def test_each_check_passes_the_reference_and_names_an_unwritten_exercise(check, capsys):
    reference = {
        check_forward: reference_forward,
        check_backward: reference_backward,
        check_adam_step: reference_adam_step,
        check_train: lambda p, X, y, *a: reference_train(p, X, y, *a),
    }[check]
    check(reference)
    assert "✓" in capsys.readouterr().out
    with pytest.raises(ExerciseError, match="is not written yet"):
        check(_not_written)


def test_the_checks_name_common_mistakes():
    def probabilities(params, X):
        logits, cache = reference_forward(params, X)
        return np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True), cache

    with pytest.raises(ExerciseError, match="probabilities"):
        check_forward(probabilities)

    def summed(params, cache, y):
        return {k: g * len(y) for k, g in reference_backward(params, cache, y).items()}

    with pytest.raises(ExerciseError, match="times too large"):
        check_backward(summed)

    def train_in_order(params, X, y, epochs, batch_size=32, lr=1e-3, seed=0):
        return reference_train(params, X, y, epochs, batch_size, lr, seed, shuffle="never")

    with pytest.raises(ExerciseError, match="never shuffled"):
        check_train(train_in_order)


def test_the_widget_redraws_both_views_in_both_languages(lang):
    widget = loss_curves_widget([1.6, 0.7, 0.5], [1.6, 0.7000002, 0.5])
    assert isinstance(widget.figure, Figure)
    assert isinstance(widget.set(view="difference"), Figure)
    assert "2.0e-07" in widget.message


# ------------------------------------------------------------------ the notebook (slow)


@pytest.fixture(scope="module")
def solved(executed_notebook):
    return executed_notebook(NAME, "solved")


def _curves(run):
    table = run.text("race_keras", results=True).strip().splitlines()
    rows = [line.split() for line in table[1:-1]]
    assert [int(r[0]) for r in rows] == [1, 2, 3, 4, 5]  # "for 5 epochs"
    return [float(r[1]) for r in rows], [float(r[2]) for r in rows], float(table[-1].split()[-1])


@pytest.mark.slow
def test_the_numbers_the_prose_states(solved):
    data = solved.text("data", results=True)
    assert "X_train (4000, 400), X_test (1000, 400)" in data  # "4000 training images and 1000"
    assert "your train(...) ran 5 epochs." in solved.text("race_yours", results=True)
    mine, keras, largest = _curves(solved)
    # "agree epoch by epoch to better than 1e-5 ... on losses between about 0.3 and 1.7"
    assert largest < 1e-5 and largest == pytest.approx(
        max(abs(a - b) for a, b in zip(mine, keras)), abs=1e-6
    )
    assert 0.25 < min(mine) < 0.4 and 1.5 < max(mine) < 1.8
    assert mine == sorted(mine, reverse=True)
    # "The held-out accuracies agree too."
    accuracy = solved.text("race_accuracy", results=True)
    yours, theirs = (float(v) for v in re.findall(r"(?:yours|Keras) (\d\.\d+)", accuracy))
    assert abs(yours - theirs) <= 0.005 and yours > 0.85
    assert solved.roles() == {"race_widget": "widget"}


@pytest.mark.slow
def test_the_blank_notebook_runs_the_courses_loop_and_says_so(executed_notebook):
    blank = executed_notebook(NAME, "blank")
    assert "train is not written yet" in blank.text("race_yours", results=True)
    assert _curves(blank)[2] < 1e-5


@pytest.fixture(scope="module")
def digits():
    from utils.data import load_digits_split

    return load_digits_split()[0]


def test_open_question_1_the_first_epochs_loss_is_above_the_trained_networks(digits):
    """Open question 1: the epoch's loss mixes batches seen by a barely trained network."""
    X, y = digits
    params, (epoch_loss,) = reference_train(init_params(1234), X, y, 1, 32, 1e-3, 0)
    after = mean_loss(reference_forward(params, X)[0], y)
    assert after < 0.7 * epoch_loss, (after, epoch_loss)


def test_open_question_3_the_textbook_eps_is_close_to_keras_but_not_round_off(digits, monkeypatch):
    """Open question 3: with the textbook form of Adam the digits curve stays close to Keras's
    (the course's loop) but differs by far more than the round-off of section 5 (< 1e-5)."""
    from utils.lessons.train_it_yourself import checks, reference

    X, y = digits
    _, keras_form = reference_train(init_params(1234), X, y, 3, 32, 1e-3, 0)
    monkeypatch.setattr(
        reference,
        "reference_adam_step",
        lambda p, g, s, lr=1e-3, b1=0.9, b2=0.999, eps=1e-7: checks._textbook_step(
            p, g, s, lr, b1, b2, eps
        ),
    )
    _, textbook = reference.reference_train(init_params(1234), X, y, 3, 32, 1e-3, 0)
    gap = np.max(np.abs(np.subtract(keras_form, textbook)))
    assert 1e-4 < gap < 1e-2, gap
