"""Visible checks of the graded digits assignment (``assignment_digits``).

Each function checks one exercise and raises :class:`~utils.feedback.ExerciseError`
with a message that names the mistake.  The checks are behavioural: they run
the student's code on probe inputs and compare with the numpy references in
:mod:`utils.nn`, so every correct spelling passes (``'relu'``, ``tf.nn.relu``,
``keras.activations.relu``; a loss object or its string name; ...).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from utils import nn
from utils.feedback import ExerciseError, as_result_array, call, check, check_close, passed

PROBE = np.linspace(-3.0, 3.0, 13, dtype=np.float32)


# --- Exercise 1: softmax ---------------------------------------------------------------------

def check_softmax_values(my_softmax):
    """1-D input: probabilities that sum to one and match e^z / sum e^z."""
    z = np.array([1.0, 2.0, 3.0, 4.0])
    a = as_result_array(call(my_softmax, z.copy(), what="my_softmax(z)"), "my_softmax([1, 2, 3, 4])",
                        shape=(4,))
    if np.allclose(a, z / z.sum()):
        raise ExerciseError("my_softmax([1, 2, 3, 4]) returned z / sum(z): softmax divides e^z "
                            "by the sum of e^z (use np.exp).")
    check(abs(a.sum() - 1) < 1e-6, f"my_softmax([1, 2, 3, 4]) sums to {a.sum():.4g}; "
          "softmax outputs are probabilities and must sum to 1 (divide by the sum of e^z).")
    check_close(a, nn.softmax(z), "my_softmax([1, 2, 3, 4])", rtol=1e-6)
    passed("my_softmax([1, 2, 3, 4]) = [0.032 0.087 0.237 0.644].")


def check_softmax_batch(my_softmax):
    """A batch (one example per row): every row sums to one on its own."""
    Z = np.random.default_rng(0).normal(size=(5, 4)) * 2
    A = as_result_array(call(my_softmax, Z.copy(), what="my_softmax(Z) for a batch Z of shape (5, 4)"),
                        "my_softmax(Z)", shape=(5, 4))
    if np.allclose(A.sum(axis=0), 1) and not np.allclose(A.sum(axis=1), 1):
        raise ExerciseError("For a batch, each ROW (one example) must sum to 1, but your columns do: "
                            "you took the softmax over the wrong axis. Use axis=-1 with keepdims=True.")
    if np.isclose(A.sum(), 1):
        raise ExerciseError("Your whole batch sums to 1: you divided by the sum over all examples. "
                            "Each row must sum to 1 on its own (sum over axis=-1, keepdims=True).")
    check(np.allclose(A.sum(axis=1), 1), "The rows of my_softmax(Z) should each sum to 1; they sum to "
          f"{np.array2string(A.sum(axis=1), precision=3)}.")
    check_close(A, nn.softmax(Z), "my_softmax(Z) for a batch", rtol=1e-6)
    passed("my_softmax works on batches: one probability distribution per row.")


def check_softmax_stable(my_softmax):
    """Large logits: no overflow, thanks to subtracting the maximum first."""
    z = np.array([1000.0, 1001.0, 1002.0])
    a = as_result_array(call(my_softmax, z.copy(), what="my_softmax([1000, 1001, 1002])"),
                        "my_softmax([1000, 1001, 1002])", shape=(3,))
    check(np.all(np.isfinite(a)), "my_softmax([1000, 1001, 1002]) gives nan: e^1000 overflows to inf "
          "and inf/inf is nan. Subtract max(z) from z before np.exp (it cancels in the ratio).")
    check_close(a, nn.softmax(z), "my_softmax([1000, 1001, 1002])", rtol=1e-6)
    Z = np.array([[1e4, 0.0, -1e4], [5.0, 5.0, 5.0]], dtype=np.float32)
    A = as_result_array(call(my_softmax, Z.copy(), what="my_softmax(Z) for float32 logits up to 1e4"),
                        "my_softmax(Z)", shape=(2, 3))
    check(np.all(np.isfinite(A)), "my_softmax gives nan for a batch with logits of 1e4: subtract "
          "each row's own maximum (max over axis=-1, keepdims=True), not one number for the batch.")
    check_close(A, nn.softmax(Z), "my_softmax on float32 logits [[1e4, 0, -1e4], [5, 5, 5]]", rtol=1e-5)
    passed("my_softmax is stable: logits of 1000 or 1e4 give exact probabilities.")


# --- Exercise 2: the binary cost -------------------------------------------------------------

def check_binary_cost(binary_cost):
    """J = -1/m sum[y log p + (1-y) log(1-p)], for (m,) and (m, 1) inputs."""
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    p = np.array([0.9, 0.2, 0.6, 0.8, 0.3])
    want = float(nn.cost(nn.binary_crossentropy(y, p)))
    got = as_result_array(call(binary_cost, y, p, what="binary_cost(y, p)"), "binary_cost(y, p)")
    check(got.size == 1, f"binary_cost should return one number (the cost J), got an array of shape "
          f"{got.shape}.")
    got = float(got)
    check(not np.isclose(got, -want), f"binary_cost gives {got:.4f}, which is negative: the cost is "
          "MINUS the mean of y log p + (1 - y) log(1 - p).")
    check(not np.isclose(got, want * len(y)), f"binary_cost gives {got:.4f}, m = {len(y)} times too "
          "large: the cost is the MEAN loss (divide the sum by m).")
    swapped = float(nn.cost(nn.binary_crossentropy(1 - y, p)))
    check(not np.isclose(got, swapped), "binary_cost pairs y with log(1 - p): the loss is "
          "-[y log p + (1 - y) log(1 - p)].")
    check_close(got, want, "binary_cost(y, p) for y = [1, 0, 1, 1, 0], p = [0.9, 0.2, 0.6, 0.8, 0.3]")
    col = as_result_array(call(binary_cost, y.reshape(-1, 1), p.reshape(-1, 1),
                               what="binary_cost(y, p) with column vectors of shape (5, 1)"),
                          "binary_cost with (5, 1) inputs")
    check(col.size == 1 and np.isclose(float(col), want), "binary_cost should also work for y and p of "
          "shape (m, 1) (as Keras's predictions are) and give the same J.")
    passed(f"binary_cost = {want:.4f}, the same as Keras's BinaryCrossentropy.")


# --- Exercise 3: sparse categorical cross-entropy from logits --------------------------------

def check_sparse_crossentropy(sparse_ce):
    """One loss per example, -log softmax(z)[y], computed with log-sum-exp."""
    rng = np.random.default_rng(1)
    z = rng.normal(size=(6, 10)) * 3
    y = rng.integers(0, 10, size=6)
    want = nn.sparse_categorical_crossentropy(y, z, from_logits=True)
    got = as_result_array(call(sparse_ce, y, z.copy(), what="sparse_ce(y, z)"), "sparse_ce(y, z)")
    if got.shape == ():
        raise ExerciseError(f"sparse_ce returned one number ({float(got):.4f}); return one loss per "
                            "example, shape (m,), and let the caller take the mean.")
    check(got.shape != (6, 6), "sparse_ce returned a (6, 6) array: z[:, y] picks every label's column "
          "for every row. Pick one entry per row with z[np.arange(m), y].")
    check(got.shape == (6,), f"sparse_ce should return shape (6,), one loss per example, got {got.shape}.")
    check(not np.allclose(got, -want), "sparse_ce is negative: the loss is MINUS log a_y.")
    check_close(got, want, "sparse_ce(y, z) on random logits")
    big = np.array([[1e4, 0.0, -1e4], [0.0, 5e3, 0.0]], dtype=np.float32)
    labels = np.array([2, 1])
    stable = as_result_array(call(sparse_ce, labels, big, what="sparse_ce(y, z) for logits up to 1e4"),
                             "sparse_ce with logits up to 1e4", shape=(2,))
    check(np.all(np.isfinite(stable)), "sparse_ce gives inf or nan for logits of 1e4: computing softmax "
          "and then log overflows/underflows. Use log-sum-exp: log a_y = z_y - max(z) - "
          "log(sum(exp(z - max(z)))).")
    check_close(stable, [2e4, 0.0], "sparse_ce for logits [[1e4, 0, -1e4], [0, 5e3, 0]]", rtol=1e-5,
                atol=1e-3)
    passed("sparse_ce matches Keras's from_logits loss and is exact for logits up to 1e4.")


# --- Exercise 4: the model and its compile settings ------------------------------------------

def _dense_layers(model):
    import keras

    check(isinstance(model, keras.Model), f"build_model() should return a Keras model, got "
          f"{type(model).__name__}.")
    check(model.built and model.inputs is not None, "The model has no input shape yet: start the "
          "Sequential list with keras.Input(shape=(400,)).")
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def _activation_name(layer):
    out = np.asarray(layer.activation(PROBE[None, :]))[0]
    for name in ("linear", "relu", "sigmoid", "tanh"):
        if np.allclose(out, nn.get_activation(name)[0](PROBE), atol=1e-6):
            return name
    if np.isclose(out.sum(), 1.0):
        return "softmax"
    return "an unexpected function"


def _ends_in_probabilities(model):
    x = np.random.default_rng(2).uniform(0, 1, size=(4, 400)).astype(np.float32)
    out = np.asarray(model(x, training=False))
    return np.allclose(out.sum(axis=1), 1.0, atol=1e-4) and np.all(out >= 0)


def check_model(build_model):
    """``build_model()`` gives 400-25(relu)-15(relu)-10(linear), however the activations are spelled."""
    model = call(build_model, what="build_model()")
    dense = _dense_layers(model)
    units = [layer.units for layer in dense]
    check(model.input_shape[-1] == 400, f"The model's input has {model.input_shape[-1]} features; "
          "each image has 400 pixels: keras.Input(shape=(400,)).")
    check(units == [25, 15, 10], f"Your Dense layers have {units} units; the network is "
          "400-25-15-10: 25 and 15 hidden units, then 10 outputs (one per digit).")
    acts = [_activation_name(layer) for layer in dense]
    for position, (act, want) in enumerate(zip(acts[:2], ("relu", "relu")), start=1):
        check(act == want, f"Hidden layer {position} uses {act}; the hidden layers use ReLU.")
    check(acts[2] not in ("softmax",), "The output layer uses softmax. With "
          "SparseCategoricalCrossentropy(from_logits=True) the output layer must be linear: the loss "
          "applies softmax itself, more accurately.")
    check(acts[2] == "linear", f"The output layer uses {acts[2]}; it must be linear (it outputs the "
          "logits z, any real numbers).")
    check(not _ends_in_probabilities(model), "Your model's outputs sum to 1: it ends in a softmax "
          "(an Activation or Softmax layer). Remove it: the output layer must be linear.")
    check(model.count_params() == 10_575, f"The model has {model.count_params():,} parameters; "
          "400-25-15-10 has 10,025 + 390 + 160 = 10,575.")
    passed("The model is 400-25(relu)-15(relu)-10(linear): 10,575 parameters.")


def _loss_value(loss, y, z):
    import keras

    fn = keras.losses.get(loss) if isinstance(loss, str) else loss
    return float(np.mean(np.asarray(fn(y, z))))


def check_compile(build_model, compile_model):
    """``compile_model(model)``: sparse categorical cross-entropy from logits, Adam(1e-3), accuracy."""
    import keras

    try:
        model = call(build_model, what="build_model()")
    except ExerciseError:            # graded on its own: compile an untrained model of the right shape
        model = _reference_model()
    call(lambda: compile_model(model) or True, what="compile_model(model)")
    check(getattr(model, "optimizer", None) is not None and getattr(model, "loss", None) is not None,
          "The model is not compiled: call model.compile(loss=..., optimizer=..., metrics=[...]).")
    y = np.array([3, 7])
    z = np.array([[0.5, -1.0, 2.0, 4.0, 0, 0, 0, 1.0, 0, 0], [0, 0, 3.0, 0, 0, 0, 0, -2.0, 1.0, 0]],
                 dtype=np.float32)
    want = float(np.mean(nn.sparse_categorical_crossentropy(y, z, from_logits=True)))
    try:
        got = _loss_value(model.loss, y, z)
    except Exception:  # noqa: BLE001 - any failure here means labels and loss don't fit
        raise ExerciseError("Your loss cannot take integer labels 0-9: CategoricalCrossentropy "
                            "expects one-hot labels. Use SparseCategoricalCrossentropy(from_logits=True)"
                            " with the integer labels as they are.") from None
    clipped = np.clip(z, nn.EPSILON, 1 - nn.EPSILON)      # what a loss without from_logits computes
    as_probabilities = float(np.mean(-np.log(clipped[[0, 1], y] / clipped.sum(axis=1))))
    if np.isclose(got, as_probabilities, rtol=1e-4):
        raise ExerciseError("The loss treats the model's outputs as probabilities: set from_logits=True "
                            "(SparseCategoricalCrossentropy(from_logits=True)), since the output layer "
                            "is linear and outputs logits.")
    check(np.isclose(got, want, rtol=1e-4), f"The loss gives {got:.4f} on a test batch where sparse "
          f"categorical cross-entropy from logits gives {want:.4f}: use "
          "keras.losses.SparseCategoricalCrossentropy(from_logits=True).")
    check(not _ends_in_probabilities(model), "from_logits=True together with a softmax output layer "
          "applies softmax twice: make the output layer linear.")
    check(isinstance(model.optimizer, keras.optimizers.Adam), f"The optimizer is "
          f"{type(model.optimizer).__name__}; use keras.optimizers.Adam(learning_rate=1e-3).")
    lr = float(np.asarray(model.optimizer.learning_rate))
    check(np.isclose(lr, 1e-3, rtol=1e-4), f"Adam's learning rate is {lr:g}; use 1e-3.")
    metrics = model.get_compile_config().get("metrics") or []
    names = [m if isinstance(m, str) else type(m).__name__ for m in metrics]
    check(any("acc" in str(n).lower() for n in names), "Add an accuracy metric: metrics=['accuracy'].")
    passed("Compiled with SparseCategoricalCrossentropy(from_logits=True), Adam(1e-3) and accuracy.")


# --- Exercise 5: training and held-out accuracy ----------------------------------------------

MIN_HELD_OUT_ACCURACY = 0.90   # measured: 91.8-93.5% over 8 seeds after 40 epochs
MAX_TRAINING_SECONDS = 90      # measured: 4-7 s on a 2-core machine


@dataclass
class TrainingRun:
    """What happened when the student's model was built, compiled and trained."""

    model: object = None
    history: object = None
    seconds: float = 0.0
    error: str = ""


def run_training(train_model, build_model, compile_model, X_train, y_train) -> TrainingRun:
    """Build, compile and train with the student's three functions, timing the training.

    Never raises: a failure is printed (in red) and kept in ``run.error`` for the check,
    so the notebook goes on.  Keras's shape error for one-hot labels with the
    sparse loss is explained as such.
    """
    import time

    run = TrainingRun()
    try:
        run.model = call(build_model, what="build_model()")
        call(lambda: compile_model(run.model) or True, what="compile_model(model)")
        start = time.perf_counter()
        run.history = call(train_model, run.model, X_train, y_train,
                           what="train_model(model, X_train, y_train)")
        run.seconds = time.perf_counter() - start
    except ExerciseError as err:
        text = str(err)
        if "target.shape" in text and "output.shape" in text:
            text = ("It looks like you passed one-hot labels (shape (m, 10)) with the sparse loss: "
                    "SparseCategoricalCrossentropy takes the integer labels 0-9 as they are, so pass "
                    "y_train unchanged.")
        run.error = text
        print(f"\x1b[31m✗ {text}\x1b[0m")
    return run


def check_training(run: TrainingRun, X_test, y_test):
    """Trained for 40 epochs in batches of 32; the held-out accuracy clears the bound."""
    import keras

    check(not run.error, run.error)
    history, model, seconds = run.history, run.model, run.seconds
    check(isinstance(history, keras.callbacks.History), "train_model should return what model.fit "
          f"returns (a History object), got {type(history).__name__}.")
    epochs = len(history.history.get("loss", []))
    check(epochs == 40, f"The model trained for {epochs} epochs; train for 40 (epochs=40).")
    check(history.params.get("steps") == 125, f"fit ran {history.params.get('steps')} batches per "
          "epoch; 4000 training images in batches of 32 make 125 (batch_size=32, training split only).")
    losses = history.history["loss"]
    check(losses[-1] < losses[0] / 5, f"The loss only fell from {losses[0]:.3f} to {losses[-1]:.3f}: "
          "the model barely learned (check the compile settings).")
    logits = np.asarray(model(X_test, training=False))
    accuracy = float(np.mean(logits.argmax(axis=1) == y_test))
    check(accuracy >= MIN_HELD_OUT_ACCURACY, f"Held-out accuracy is {accuracy:.1%}; expected at least "
          f"{MIN_HELD_OUT_ACCURACY:.0%}. Did you train on the training split, for 40 epochs?")
    check(seconds <= MAX_TRAINING_SECONDS, f"Training took {seconds:.0f} s; it should take well under "
          f"{MAX_TRAINING_SECONDS} s (about 10 s here). Use batch_size=32 and verbose=0.")
    passed(f"Trained for 40 epochs in {seconds:.1f} s; held-out accuracy {accuracy:.1%}.")
    return accuracy


def _reference_model():
    """An untrained model of the right shape, to check later exercises on their own."""
    import keras

    return keras.Sequential([keras.Input(shape=(400,)), keras.layers.Dense(25, activation="relu"),
                             keras.layers.Dense(15, activation="relu"), keras.layers.Dense(10)])


# --- Exercise 6: prediction ------------------------------------------------------------------

def check_predict(predict_digits, model, X):
    """Classes and probabilities, for one image (400,) and for a batch (m, 400).

    ``model`` may be None (the model exercises failed): an untrained model of the
    right shape is used instead, so this exercise is graded on its own.
    """
    model = _reference_model() if model is None else model
    logits = np.asarray(model(X[:5], training=False))
    want_p, want_c = nn.softmax(logits), logits.argmax(axis=1)
    result = call(predict_digits, model, X[:5], what="predict_digits(model, X)")
    check(isinstance(result, tuple) and len(result) == 2, "predict_digits should return a pair "
          "(classes, probabilities).")
    classes, probs = (np.asarray(r) for r in result)
    check(probs.shape == (5, 10), f"For 5 images, probabilities should have shape (5, 10), got {probs.shape}.")
    if np.allclose(probs, logits, atol=1e-5):
        raise ExerciseError("predict_digits returned the logits, not probabilities: the output layer is "
                            "linear, so apply softmax (tf.nn.softmax or my_softmax) to the model's output.")
    check(np.allclose(probs.sum(axis=1), 1, atol=1e-5), "Each row of probabilities should sum to 1: "
          "apply softmax over axis=-1 (one distribution per image).")
    check_close(probs, want_p, "probabilities for 5 test images", rtol=1e-4, atol=1e-6)
    check(classes.shape == (5,) and np.array_equal(classes, want_c), "classes should be the most likely "
          f"digit per image, argmax over axis=1: expected {want_c}, got {classes}.")
    one = call(predict_digits, model, X[0], what="predict_digits(model, x) for one image of shape (400,)")
    c1, p1 = (np.asarray(r) for r in one)
    check(p1.shape == (10,) and c1.shape == (), "For one image (shape (400,)) return one class and 10 "
          f"probabilities; got shapes {c1.shape} and {p1.shape}. Reshape x to (1, 400) first, then "
          "take row 0.")
    check(int(c1) == int(want_c[0]) and np.allclose(p1, want_p[0], atol=1e-5),
          "For one image the answer should equal the first row of the batch answer.")
    passed("predict_digits returns classes and softmax probabilities, for one image or a batch.")
