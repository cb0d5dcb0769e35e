"""Visible checks of the graded digits assignment (``assignment_digits``).

Each function checks one exercise and raises :class:`~utils.feedback.ExerciseError`
with a message that names the mistake.  The checks are behavioural and shared with
the lessons (:mod:`utils.feedback`): this module only chooses the inputs, so the same
mistake gets the same message here as in lesson 01 or 03, and every correct spelling
passes (``'relu'``, ``tf.nn.relu``, ``keras.activations.relu``, a ``ReLU()`` layer; a loss
object or its string name; ...).  The references come from :mod:`utils.nn`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from utils import nn
from utils.feedback import ExerciseError, call, check, check_close, passed, with_stand_ins
from utils.feedback.architecture import check_architecture
from utils.feedback.binary_cost import check_binary_cost as _check_binary_cost
from utils.feedback.compile_config import check_compile_config
from utils.feedback.keras_model import check_new_model_each_call
from utils.feedback.softmax import check_softmax_batch as _check_batch
from utils.feedback.softmax import check_softmax_stable as _check_stable
from utils.feedback.softmax import check_softmax_values as _check_values
from utils.feedback.sparse_ce import check_sparse_ce
from utils.i18n import msg

INPUTS, UNITS = 400, (25, 15, 10)
"""The network: 400 pixels in, 25 and 15 hidden ReLU units, 10 logits out."""
SEED = 1234
"""Seeds Keras, numpy and Python's random before the student's model is built and trained."""


def _m(key: str, **params) -> str:
    """A check message in the language in use (``assignment_digits.check.*`` in the catalogue)."""
    return msg(f"assignment_digits.check.{key}", **params)


# --- Exercise 1: softmax ---------------------------------------------------------------------


def check_softmax_values(my_softmax):
    """1-D input: probabilities that sum to one and match e^z / sum e^z."""
    _check_values(my_softmax, z=[1.0, 2.0, 3.0, 4.0])
    passed(_m("passed_softmax_values"))


def check_softmax_batch(my_softmax):
    """A batch (one example per row) of ordinary logits: every row sums to one on its own."""
    _check_batch(my_softmax, Z=np.random.default_rng(0).normal(size=(5, 4)) * 2)
    passed(_m("passed_softmax_batch"))


def check_softmax_stable(my_softmax):
    """Large logits: no overflow, thanks to subtracting each row's maximum first."""
    _check_stable(
        my_softmax,
        probes=[[1000.0, 1001.0, 1002.0]],
        rtol=1e-5,
        batch=np.array([[1e4, 0.0, -1e4], [5.0, 5.0, 5.0]], dtype=np.float32),
    )
    passed(_m("passed_softmax_stable"))


# --- Exercise 2: the binary cost -------------------------------------------------------------


def check_binary_cost(binary_cost):
    """J = -1/m sum[y log p + (1-y) log(1-p)], for (m,) and (m, 1) inputs of the same shape."""
    _check_binary_cost(
        binary_cost,
        y=[1.0, 0.0, 1.0, 1.0, 0.0],
        p=[0.9, 0.2, 0.6, 0.8, 0.3],
        shapes=[("column", "column")],
    )
    passed(_m("passed_binary_cost"))


# --- Exercise 3: sparse categorical cross-entropy from logits --------------------------------


def check_sparse_crossentropy(sparse_ce):
    """One loss per example, -log softmax(z)[y], computed with log-sum-exp."""
    rng = np.random.default_rng(1)
    z = rng.normal(size=(6, 10)) * 3
    y = rng.integers(0, 10, size=6)
    check_sparse_ce(
        sparse_ce,
        y=y,
        z=z,
        y_big=np.array([2, 1]),
        rtol_big=1e-5,
        atol_big=1e-3,
        z_big=np.array([[1e4, 0.0, -1e4], [0.0, 5e3, 0.0]], dtype=np.float32),
    )
    passed(_m("passed_sparse_ce"))


# --- Exercise 4: the model and its compile settings ------------------------------------------


def check_model(build_model):
    """``build_model()`` is 400-25(relu)-15(relu)-10(linear), any spelling of the activations;
    a new model at every call."""
    model = call(build_model, what="build_model()")
    check_architecture(
        model,
        what="build_model()",
        inputs=INPUTS,
        units=UNITS,
        output="linear",
        hidden=("relu",),
        inputs_why=_m("inputs_why"),
        units_why=_m("units_why"),
        output_units_why=_m("output_units_why"),
    )
    check_new_model_each_call(model, call(build_model, what="build_model()"))
    passed(_m("passed_model"))


def check_compile(compile_model):
    """``compile_model(model)``: sparse categorical cross-entropy from logits, Adam(1e-3).

    Graded on its own: it compiles a fresh untrained model of the right shape, whatever the
    student's ``build_model`` does."""
    model = reference_model()
    call(lambda: compile_model(model) or True, what="compile_model(model)")
    check_compile_config(
        model,
        what="compile_model(model)",
        loss="sparse_categorical_crossentropy_from_logits",
        optimizer="Adam",
        rate=1e-3,
        metrics=("accuracy", "acc", "sparse_categorical_accuracy", "SparseCategoricalAccuracy"),
    )
    passed(_m("passed_compile"))


def reference_model():
    """An untrained model of the right shape, so that each later exercise is graded on its own."""
    import keras

    return keras.Sequential(
        [
            keras.Input(shape=(INPUTS,)),
            keras.layers.Dense(UNITS[0], activation="relu"),
            keras.layers.Dense(UNITS[1], activation="relu"),
            keras.layers.Dense(UNITS[2]),
        ]
    )


def compile_reference(model) -> None:
    """Compile ``model`` as the compile exercise asks (the stand-in for a wrong answer)."""
    import keras

    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        metrics=["accuracy"],
    )


def _passes(check_function, *args) -> bool:
    """Whether ``check_function(*args)`` passes, without printing its verdict."""
    import contextlib
    import io

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check_function(*args)
    except ExerciseError:
        return False
    return True


# --- Exercise 5: training and held-out accuracy ----------------------------------------------

MIN_HELD_OUT_ACCURACY = 0.90  # measured: 91.8-93.5% over 8 seeds after 40 epochs
MAX_TRAINING_SECONDS = 90  # measured: 4-7 s on a 2-core machine


@dataclass
class TrainingRun:
    """What happened when the student's model was built, compiled and trained."""

    model: object = None
    history: object = None
    seconds: float = 0.0
    error: str = ""


def run_training(train_model, build_model, compile_model, X_train, y_train) -> TrainingRun:
    """Build, compile and train with the student's three functions, timing the training.

    Each of the three is graded on its own: a ``build_model`` or ``compile_model`` that
    fails its check is replaced by the course's own (and the notebook says so), so only
    ``train_model`` decides whether training succeeds.  Never raises: a failure is printed
    (in red) and kept in ``run.error`` for the check, so the notebook goes on.  Keras's shape
    error for one-hot labels with the sparse loss is explained as such.
    """
    import time

    import keras

    # The same start whatever ran before (how often a check built a model, in which order):
    # held-out accuracy and the predictions shown below are the same after every Run All.
    keras.utils.set_random_seed(SEED)
    run = TrainingRun()
    try:
        if _passes(check_model, build_model):
            run.model = call(build_model, what="build_model()")
        else:
            run.model = reference_model()
            _stand_in("stand_in_model")
        if _passes(check_compile, compile_model):
            call(lambda: compile_model(run.model) or True, what="compile_model(model)")
        else:
            compile_reference(run.model)
            _stand_in("stand_in_compile")
        start = time.perf_counter()
        run.history = call(
            train_model, run.model, X_train, y_train, what="train_model(model, X_train, y_train)"
        )
        run.seconds = time.perf_counter() - start
    except ExerciseError as err:
        text = str(err)
        if "target.shape" in text and "output.shape" in text:
            text = msg("assignment_digits.run.one_hot")
        run.error = text
        print(f"\x1b[31m✗ {text}\x1b[0m")
    return run


def _stand_in(key: str) -> None:
    """Say (in yellow) that the course's model or compile settings stand in for the student's."""
    print(f"\x1b[33m{msg('assignment_digits.run.' + key)}\x1b[0m")


def check_training(run: TrainingRun, X_test, y_test):
    """Trained for 40 epochs in batches of 32; the held-out accuracy clears the bound."""
    import keras

    check(not run.error, run.error)
    history, model, seconds = run.history, run.model, run.seconds
    check(
        isinstance(history, keras.callbacks.History),
        _m("not_history", kind=type(history).__name__),
    )
    epochs = len(history.history.get("loss", []))
    check(epochs == 40, _m("epochs", epochs=epochs))
    check(history.params.get("steps") == 125, _m("steps", steps=history.params.get("steps")))
    losses = history.history["loss"]
    check(losses[-1] < losses[0] / 5, _m("barely_learned", first=losses[0], last=losses[-1]))
    logits = np.asarray(model(X_test, training=False))
    accuracy = float(np.mean(logits.argmax(axis=1) == y_test))
    check(
        accuracy >= MIN_HELD_OUT_ACCURACY,
        _m("accuracy", accuracy=accuracy, minimum=MIN_HELD_OUT_ACCURACY),
    )
    check(
        seconds <= MAX_TRAINING_SECONDS,
        _m("too_slow", seconds=seconds, limit=MAX_TRAINING_SECONDS),
    )
    passed(_m("passed_training", seconds=seconds, accuracy=accuracy))
    return accuracy


# --- Exercise 6: prediction ------------------------------------------------------------------


def check_predict(predict_digits, model, X):
    """Classes and probabilities, for one image (400,) and for a batch (m, 400).

    Graded on its own: ``model`` may be None (the model exercises failed), and an untrained
    model of the right shape is used instead; the student's ``predict_digits`` runs with the
    course's softmax in place of their ``my_softmax``, which exercise 1 grades.
    """
    model = reference_model() if model is None else model
    predict_digits = with_stand_ins(predict_digits, my_softmax=nn.softmax)
    logits = np.asarray(model(X[:5], training=False))
    want_p, want_c = nn.softmax(logits), logits.argmax(axis=1)
    result = call(predict_digits, model, X[:5], what="predict_digits(model, X)")
    check(isinstance(result, tuple) and len(result) == 2, _m("not_a_pair"))
    classes, probs = (np.asarray(r) for r in result)
    check(not (classes.shape == (5, 10) and probs.shape == (5,)), _m("swapped_pair"))
    check(probs.shape == (5, 10), _m("probs_shape", shape=probs.shape))
    if np.allclose(probs, logits, atol=1e-5):
        raise ExerciseError(_m("logits"))
    check(np.allclose(probs.sum(axis=1), 1, atol=1e-5), _m("rows_sum"))
    check_close(probs, want_p, _m("probs_compared"), rtol=1e-4, atol=1e-6)
    check(
        classes.shape == (5,) and np.array_equal(classes, want_c),
        _m("classes", want=want_c, got=classes),
    )
    one = call(predict_digits, model, X[0], what=_m("one_image_call"))
    c1, p1 = (np.asarray(r) for r in one)
    check(
        p1.shape == (10,) and c1.shape == (),
        _m("one_image_shapes", class_shape=c1.shape, probs_shape=p1.shape),
    )
    check(
        int(c1) == int(want_c[0]) and np.allclose(p1, want_p[0], atol=1e-5),
        _m("one_image_row"),
    )
    passed(_m("passed_predict"))
