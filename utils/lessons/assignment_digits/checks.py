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
from utils.feedback import (
    ExerciseError,
    as_result_array,
    call,
    check,
    check_close,
    passed,
    quietly,
    with_stand_ins,
)
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


def reference_model(*, compiled: bool = False):
    """An untrained model of the right shape, so that each later exercise is graded on its own
    (``compiled``: with the compile settings of exercise 4b)."""
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(INPUTS,)),
            keras.layers.Dense(UNITS[0], activation="relu"),
            keras.layers.Dense(UNITS[1], activation="relu"),
            keras.layers.Dense(UNITS[2]),
        ]
    )
    if compiled:
        compile_reference(model)
    return model


def compile_reference(model) -> None:
    """Compile ``model`` as the compile exercise asks (the stand-in for a wrong answer)."""
    import keras

    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        metrics=["accuracy"],
    )


def passes_quietly(check_function, *args) -> bool:
    """Whether ``check_function(*args)`` passes, without printing its verdict."""
    import contextlib
    import io

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check_function(*args)
    except ExerciseError:
        return False
    return True


# --- Exercise 5: the loss before training ----------------------------------------------------

CHANCE_LOSS = float(np.log(10))
"""-log(1/10) = ln 10: the loss of a model that gives each of the 10 digits probability 1/10."""


def sparse_ce_reference(y, z):
    """The course's per-example sparse cross-entropy from logits (exercise 3's answer)."""
    return nn.sparse_categorical_crossentropy(np.asarray(y), np.asarray(z), from_logits=True)


def _mean_loss(model, X, y) -> float:
    return float(np.mean(sparse_ce_reference(y, np.asarray(model(X, training=False)))))


def check_initial_loss(initial_loss):
    """``initial_loss(model, X, y)``: the mean loss of the model's logits on ``(X, y)``, one
    number, on an untrained model and on one far from uniform (so ln 10 alone does not pass).

    Graded on its own: the student's ``initial_loss`` runs with the course's ``sparse_ce`` in
    place of theirs, which exercise 3 grades."""
    rng = np.random.default_rng(2)
    X = rng.uniform(size=(64, INPUTS)).astype(np.float32)
    y = rng.integers(0, 10, size=64)
    initial_loss = with_stand_ins(initial_loss, sparse_ce=sparse_ce_reference)
    what = "initial_loss(model, X, y)"
    for sharpness in (1.0, 8.0):
        model = _untrained(sharpness)
        want = _mean_loss(model, X, y)
        got = as_result_array(call(initial_loss, model, X, y, what=what), what)
        check(got.size == 1, _m("loss_not_one_number", shape=got.shape))
        got = float(got.reshape(()))
        check(not np.isclose(got, want * len(y), rtol=1e-3), _m("loss_sum"))
        check(
            not np.isclose(got, CHANCE_LOSS, rtol=1e-4) or np.isclose(want, got, rtol=1e-4),
            _m("loss_is_ln10", want=want),
        )
        check(np.isclose(got, want, rtol=1e-3), _m("loss_value", got=got, want=want))
    passed(_m("passed_initial_loss"))


def _untrained(sharpness: float):
    """A compiled, untrained model; ``sharpness`` scales its output layer (sharper logits)."""
    import keras

    keras.utils.set_random_seed(SEED)
    model = reference_model(compiled=True)
    kernel, bias = model.layers[-1].get_weights()
    model.layers[-1].set_weights([kernel * sharpness, bias])
    return model


# --- Exercise 6: training, with the held-out images as validation data --------------------

MIN_HELD_OUT_ACCURACY = 0.90  # measured: 91.8-93.5% over 8 seeds after 40 epochs
MAX_TRAINING_SECONDS = 90  # measured: 4-7 s on a 2-core machine
STEPS_PER_CALL = 25
"""Batches per call into TensorFlow while the course trains (Keras's ``steps_per_execution``):
the same updates in the same order, so the same numbers (``tests/test_assignment.py``), in about
half the time (``python benchmarks/train_digits.py``)."""


@dataclass
class TrainingRun:
    """What happened when the student's model was built, compiled and trained."""

    model: object = None
    history: object = None
    seconds: float = 0.0
    error: str = ""


def run_training(
    train_model, build_model, compile_model, X_train, y_train, *, validation_data=None
) -> TrainingRun:
    """Build, compile and train with the student's three functions, timing the training.

    Each of the three is graded on its own: a ``build_model`` or ``compile_model`` that
    fails its check is replaced by the course's own (and the notebook says so), so only
    ``train_model`` decides whether training succeeds.  ``validation_data`` goes to
    ``train_model`` as its keyword argument (a ``train_model`` that takes none yet trains
    without it, and the notebook says so).  Never raises: a failure is printed (in red) and kept
    in ``run.error`` for the check, so the notebook goes on.  Keras's shape error for one-hot
    labels with the sparse loss is explained as such.
    """
    import functools
    import time

    import keras

    run = TrainingRun()
    try:
        own_model = passes_quietly(check_model, build_model)
        own_compile = passes_quietly(check_compile, compile_model)
        # The same start whatever ran before (how often a check built a model, in which order):
        # held-out accuracy and the predictions shown below are the same after every Run All,
        # and the model starts from the weights check_improved gives the same network.
        keras.utils.set_random_seed(SEED)
        if own_model:
            run.model = call(build_model, what="build_model()")
        else:
            run.model = reference_model()
            _stand_in("stand_in_model")
        if own_compile:
            call(lambda: compile_model(run.model) or True, what="compile_model(model)")
        else:
            compile_reference(run.model)
            _stand_in("stand_in_compile")
        _fewer_calls(run.model)
        fit = train_model
        if validation_data is not None:
            if _takes_validation_data(train_model):
                fit = functools.partial(train_model, validation_data=validation_data)
            else:
                _stand_in("no_validation_parameter")
        start = time.perf_counter()
        run.history = call(
            fit, run.model, X_train, y_train, what="train_model(model, X_train, y_train, ...)"
        )
        run.seconds = time.perf_counter() - start
    except ExerciseError as err:
        text = str(err)
        if "target.shape" in text and "output.shape" in text:
            text = msg("assignment_digits.run.one_hot")
        run.error = text
        print(f"\x1b[31m✗ {text}\x1b[0m")
    return run


def _fewer_calls(model) -> None:
    """Let ``fit`` run :data:`STEPS_PER_CALL` batches per call into TensorFlow, unless the
    student chose a ``steps_per_execution`` of their own (it changes no number: see
    ``tests/test_assignment.py``)."""
    import keras

    if isinstance(model, keras.Model) and getattr(model, "steps_per_execution", None) == 1:
        model.steps_per_execution = STEPS_PER_CALL


def _takes_validation_data(train_model) -> bool:
    """Whether ``train_model(model, X, y, validation_data=...)`` is a valid call."""
    import inspect

    try:
        inspect.signature(train_model).bind(None, None, None, validation_data=None)
    except (TypeError, ValueError):
        return False
    return True


def _stand_in(key: str) -> None:
    """Say (in yellow) that the course's model or compile settings stand in for the student's."""
    print(f"\x1b[33m{msg('assignment_digits.run.' + key)}\x1b[0m")


def check_training(run: TrainingRun, X_test, y_test):
    """Trained for 40 epochs in batches of 32, measured on the held-out images after every
    epoch (``validation_data``); the held-out accuracy clears the bound."""
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
    validation = history.history.get("val_loss") or []
    check(len(validation) == epochs, _m("no_validation"))
    held_out_loss = _mean_loss(model, X_test, y_test)
    check(
        np.isclose(validation[-1], held_out_loss, rtol=1e-3, atol=1e-4),
        _m("validation_not_held_out", got=validation[-1], want=held_out_loss),
    )
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


# --- Exercise 7: accuracy, on the training images and on the held-out ones --------------------


def check_accuracy(accuracy):
    """``accuracy(model, X, y)``: the fraction of images whose most likely digit is the label."""
    rng = np.random.default_rng(3)
    X = rng.uniform(size=(50, INPUTS)).astype(np.float32)
    model = _untrained(1.0)
    classes = np.asarray(model(X, training=False)).argmax(axis=1)
    y = classes.copy()
    y[:15] = (y[:15] + 1 + rng.integers(0, 9, size=15)) % 10  # 15 wrong, 35 right
    what = "accuracy(model, X, y)"
    for labels, right in ((y, 35), (classes, 50)):
        want = right / len(labels)
        got = as_result_array(call(accuracy, model, X, labels, what=what), what)
        check(got.size == 1, _m("accuracy_not_one_number", shape=got.shape))
        got = float(got.reshape(()))
        check(not np.isclose(got, 100 * want), _m("accuracy_percent", got=got))
        check(not np.isclose(got, right), _m("accuracy_count", got=got))
        check(
            not (np.isclose(got, 1 - want) and want != 0.5),
            _m("accuracy_error_rate", got=got, want=want),
        )
        check(np.isclose(got, want), _m("accuracy_value", got=got, want=want, right=right))
    passed(_m("passed_accuracy"))


# --- Exercise 8: change one thing, beat the baseline on the held-out images ------------------

MAX_PARAMETERS = 100_000
"""A bound on improved_model()'s size, which keeps its training (in the check) a few seconds."""
BASELINE_ACCURACY = 0.931
"""The course's 400-25-15-10 model, trained as :func:`train_improved` trains (measured:
``tests/test_assignment.py``)."""


def train_improved(improved_model, X_train, y_train, X_test, y_test):
    """The student's ``improved_model()``, re-initialised from the seed and trained as in
    exercise 6 (40 epochs, batches of 32); returns (training accuracy, held-out accuracy).

    Whatever the student's function did to its weights is discarded: the check trains a fresh
    copy of the architecture with the compile settings it came with, from the course's seed,
    so the result is the same in the student's kernel and at grading time."""
    import keras

    keras.utils.set_random_seed(SEED)
    model = call(improved_model, what="improved_model()")
    check(isinstance(model, keras.Model), _m("improved_not_model", kind=type(model).__name__))
    shapes = _shapes(model)
    check(shapes is not None and shapes[0] == INPUTS, _m("improved_inputs"))
    check(shapes[1] == UNITS[-1], _m("improved_outputs", units=shapes[1]))
    parameters = model.count_params()
    check(
        parameters <= MAX_PARAMETERS,
        _m("improved_too_big", parameters=parameters, limit=MAX_PARAMETERS),
    )
    check(getattr(model, "optimizer", None) is not None, _m("improved_not_compiled"))
    loss = model.loss
    check(_is_keras_loss(loss), _m("improved_loss"))
    keras.utils.set_random_seed(SEED)
    fresh = keras.models.clone_model(model)
    fresh.compile(
        loss=loss,
        optimizer=type(model.optimizer).from_config(model.optimizer.get_config()),
        metrics=["accuracy"],
        steps_per_execution=STEPS_PER_CALL,
    )
    with quietly():  # no Keras warning on stderr, where nbgrader would fail the cell
        fresh.fit(X_train, y_train, epochs=40, batch_size=32, verbose=0)
    return _fraction_right(fresh, X_train, y_train), _fraction_right(fresh, X_test, y_test)


def check_improved(improved_model, X_train, y_train, X_test, y_test) -> float:
    """Trains ``improved_model()`` (:func:`train_improved`); it must beat the baseline's
    held-out accuracy.  Returns the held-out accuracy (the hidden test asks for a margin)."""
    train, held_out = train_improved(improved_model, X_train, y_train, X_test, y_test)
    check(
        held_out > BASELINE_ACCURACY,
        _m("improved_not_better", accuracy=held_out, baseline=BASELINE_ACCURACY),
    )
    passed(_m("passed_improved", accuracy=held_out, baseline=BASELINE_ACCURACY, train=train))
    return held_out


def _shapes(model):
    """(inputs, outputs) of a model with one flat input and one flat output, else None."""
    try:
        inputs, outputs = tuple(model.input_shape), tuple(model.output_shape)
    except (AttributeError, ValueError, TypeError):
        return None
    if len(inputs) != 2 or len(outputs) != 2:
        return None
    return inputs[1], outputs[1]


def _is_keras_loss(loss) -> bool:
    """A loss of Keras (its name, an object or a function of ``keras.losses``), nothing else."""
    import keras

    if isinstance(loss, str):
        return True
    module = getattr(loss, "__module__", "") or ""
    if isinstance(loss, keras.losses.Loss):
        module = type(loss).__module__
    return module == "keras" or module.startswith("keras.")


def _fraction_right(model, X, y) -> float:
    return float(np.mean(np.asarray(model(X, training=False)).argmax(axis=1) == np.asarray(y)))


# --- Exercise 9: prediction ------------------------------------------------------------------


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
