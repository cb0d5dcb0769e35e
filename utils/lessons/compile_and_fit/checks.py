r"""Visible checks for lesson 01 (compile and fit).

Three exercises, each checked by one function that names the mistake it finds:

* :func:`check_count_parameters` -- ``count_parameters(layer_sizes)``, the number of
  weights and biases of a dense network (400-25-15-1 has 10,431);
* :func:`check_build_model` -- ``build_model(hidden_units)``, define *and* compile the
  0-versus-1 digits classifier in Keras;
* :func:`check_binary_cost` -- ``binary_cost(y, p)``, the cost
  $J = -\frac{1}{m}\sum_i \big[y^{(i)}\log p^{(i)} + (1-y^{(i)})\log(1-p^{(i)})\big]$
  in numpy, clipped as Keras clips, and matched against Keras.

The instructor's hidden tests are not here: they live only in the source notebook.
"""
from __future__ import annotations

import contextlib
import numbers
import warnings

import numpy as np

from utils.feedback import ExerciseError, call, check, check_close, passed

EPSILON = 1e-7
"""Keras clips probabilities to ``[EPSILON, 1 - EPSILON]`` before taking logs."""


@contextlib.contextmanager
def _quietly():
    """Run student code without letting numpy or Keras warnings reach stderr.

    nbgrader gives zero points to a graded cell that writes to stderr, so a
    harmless ``RuntimeWarning: divide by zero`` or a Keras ``UserWarning`` must
    not escape from a check; a wrong *value* is reported by the check itself.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def _quiet_call(fn, *args, what):
    with _quietly():
        return call(fn, *args, what=what)


# ------------------------------------------------------------------------------------------
# (a) count_parameters
# ------------------------------------------------------------------------------------------

def parameter_count(layer_sizes) -> int:
    """The reference: ``sum(n_in * n_out + n_out)`` over neighbouring layer sizes."""
    sizes = [int(n) for n in layer_sizes]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def _count_mistakes(sizes):
    """Wrong formulas students write, with the message that names each one."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = sum(a * b for a, b in pairs)
    biases = sum(b for _, b in pairs)
    return [
        (weights, "you counted only the weights: every unit also has one bias, so each layer "
                  "adds n_out biases (25 + 15 + 1 = 41 for 400-25-15-1)."),
        (weights + sum(a for a, _ in pairs),
         "you gave each layer one bias per *input*; a layer has one bias per *unit*, "
         "i.e. per output (n_out biases, not n_in)."),
        (weights + biases + sizes[0],
         "you counted biases for the input layer too; the 400 inputs are just the pixels and "
         "have no parameters. Count layers from the first hidden layer on."),
        (sum(a * b + b for a, b in pairs[:-1]),
         "the last layer is missing: loop over all neighbouring pairs "
         "zip(layer_sizes[:-1], layer_sizes[1:])."),
        (sum(a * b + b for a, b in pairs[1:]),
         "the first layer (400 inputs -> 25 units, the biggest) is missing: loop over all "
         "neighbouring pairs zip(layer_sizes[:-1], layer_sizes[1:])."),
        (sum(a * a + a for a in sizes[1:]),
         "a layer's weight matrix is n_in x n_out: multiply each layer's size by the size of "
         "the layer *before* it, not by itself."),
        (sum(a * b + b for a, b in zip(sizes, sizes[2:])),
         "you multiplied sizes two layers apart; W of a layer connects it to its direct "
         "neighbour: n_in x n_out with (n_in, n_out) = (400, 25), (25, 15), (15, 1)."),
        (int(np.prod(sizes)) + biases,
         "the weights of different layers add up, they do not multiply: "
         "400*25 + 25*15 + 15*1, not 400*25*15*1."),
    ]


def check_count_parameters(count_parameters, model=None) -> None:
    """Check ``count_parameters(layer_sizes)``; compare with ``model.count_params()`` if given."""
    what = "count_parameters([400, 25, 15, 1])"
    got = _quiet_call(count_parameters, [400, 25, 15, 1], what=what)
    check(isinstance(got, numbers.Number) and not isinstance(got, bool)
          or (isinstance(got, np.ndarray) and got.size == 1),
          f"{what} should return one whole number, got {type(got).__name__}: {got!r}.")
    got = got.item() if isinstance(got, np.ndarray) else got
    check(isinstance(got, numbers.Integral),
          f"{what} should return a whole number (an int), got {got!r} "
          f"({type(got).__name__}): a count of parameters is an integer.")
    want = parameter_count([400, 25, 15, 1])
    if got != want:
        for value, message in _count_mistakes([400, 25, 15, 1]):
            check(got != value, f"{what} returned {got}, expected {want}: {message}")
        raise ExerciseError(f"{what} returned {got}, expected {want} = (400*25 + 25) + "
                            "(25*15 + 15) + (15*1 + 1).")
    for sizes in ([2, 3, 1], [400, 25, 15, 10], (3, 1), np.array([5, 4, 3, 2])):
        shown = list(map(int, sizes))
        what = f"count_parameters({shown})"
        got = _quiet_call(count_parameters, sizes, what=what)
        want = parameter_count(sizes)
        for value, message in _count_mistakes(shown):
            check(got != value or got == want, f"{what} returned {got}, expected {want}: {message}")
        check(got == want, f"{what} returned {got}, expected {want}. Does your code work for any "
                           "number of layers (and for a tuple or numpy array of sizes)?")
    if model is not None:
        keras_count = int(model.count_params())
        ours = int(count_parameters([400, 25, 15, 1]))
        check(ours == keras_count, f"count_parameters([400, 25, 15, 1]) = {ours}, but the Keras "
                                   f"model has {keras_count} parameters.")
        print(f"count_parameters([400, 25, 15, 1]) = {ours:,}   "
              f"model.count_params() = {keras_count:,}")
    passed("count_parameters counts every weight and bias.")


# ------------------------------------------------------------------------------------------
# (b) build_model
# ------------------------------------------------------------------------------------------

_Z = np.array([[-3.0, -0.5, 0.0, 0.5, 3.0]], dtype="float32")


def _activation_name(fn) -> str:
    """Identify an activation (any spelling: 'sigmoid', keras.activations.sigmoid, tf.nn.sigmoid)
    by what it computes."""
    import keras

    with _quietly():
        try:
            out = np.asarray(fn(keras.ops.convert_to_tensor(_Z)), dtype=float)
        except Exception:  # noqa: BLE001 - an unusual activation is reported by name
            return getattr(fn, "__name__", type(fn).__name__)
    z = _Z.astype(float)
    known = {"linear": z, "sigmoid": 1 / (1 + np.exp(-z)), "relu": np.maximum(z, 0),
             "tanh": np.tanh(z), "softmax": np.exp(z) / np.exp(z).sum()}
    for name, values in known.items():
        if out.shape == values.shape and np.allclose(out, values, atol=1e-5):
            return name
    return getattr(fn, "__name__", type(fn).__name__)


def _dense_layers(model):
    """``[(units, activation name), ...]`` of the Dense layers, folding in Activation layers."""
    import keras

    layers = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            layers.append([int(layer.units), _activation_name(layer.activation)])
        elif isinstance(layer, keras.layers.Activation):
            check(layers, "the model starts with an Activation layer; activations follow a "
                          "Dense layer.")
            check(layers[-1][1] == "linear", "a Dense layer with an activation is followed by "
                                             "another Activation layer: use one of the two.")
            layers[-1][1] = _activation_name(layer.activation)
        elif not isinstance(layer, (keras.layers.InputLayer, keras.layers.Dropout)):
            raise ExerciseError(f"unexpected layer {type(layer).__name__} in the model: this "
                                "exercise needs only Dense layers.")
    return [tuple(layer) for layer in layers]


def _loss_name(loss) -> str:
    if isinstance(loss, str):
        return loss
    return getattr(loss, "__name__", type(loss).__name__)


def _loss_value(model, y, p) -> float:
    import keras

    fn = keras.losses.get(model.loss) if isinstance(model.loss, str) else model.loss
    with _quietly():
        try:
            return float(np.mean(np.asarray(fn(keras.ops.convert_to_tensor(y),
                                                keras.ops.convert_to_tensor(p)))))
        except Exception:  # noqa: BLE001 - e.g. a multiclass loss that rejects one column
            return float("nan")


def _check_loss(model, what) -> None:
    y = np.array([[1.0], [0.0], [1.0], [0.0]], dtype="float32")
    p = np.array([[0.8], [0.3], [0.6], [0.1]], dtype="float32")
    want = float(binary_cost_reference(y, p))
    got = _loss_value(model, y, p)
    if np.isclose(got, want, rtol=1e-4):
        return
    name = _loss_name(model.loss)
    from_logits = float(binary_cost_reference(y, 1 / (1 + np.exp(-p.astype(float)))))
    check(not np.isclose(got, from_logits, rtol=1e-4),
          f"{what}: the loss is BinaryCrossentropy(from_logits=True), which expects raw outputs "
          "z, but your output layer already applies the sigmoid. Use BinaryCrossentropy() "
          "(from_logits=False).")
    check(not np.isclose(got, float(np.mean((y - p) ** 2)), rtol=1e-4),
          f"{what}: the loss is {name}, the mean squared error, which is meant for regression; "
          "a 0/1 classifier with a sigmoid output uses keras.losses.BinaryCrossentropy().")
    check("categorical" not in name.lower(),
          f"{what}: the loss is {name}, which is meant for several classes with a softmax "
          "output (lesson 03); with one sigmoid output unit use keras.losses.BinaryCrossentropy().")
    raise ExerciseError(f"{what}: the loss {name} is not binary cross-entropy: compile with "
                        "loss=keras.losses.BinaryCrossentropy().")


_ACCURACY_NAMES = {"accuracy", "acc", "binary_accuracy"}


def _check_metrics(model, what) -> None:
    metrics = model.get_compile_config().get("metrics") or []
    metrics = metrics if isinstance(metrics, (list, tuple)) else [metrics]
    names = [m if isinstance(m, str) else (m.get("class_name", "") if isinstance(m, dict) else "")
             for m in metrics]
    check("Accuracy" not in names,
          f"{what}: keras.metrics.Accuracy() counts a prediction as right only when p equals y "
          "exactly, so a probability like 0.97 never counts: use metrics=['accuracy'] (Keras "
          "then picks BinaryAccuracy, which thresholds p at 0.5) or keras.metrics.BinaryAccuracy().")
    check(any(n in _ACCURACY_NAMES or n == "BinaryAccuracy" for n in names),
          f"{what}: compile was given metrics={names or None}: add metrics=['accuracy'] so "
          "that fit reports the share of correctly classified images.")


def _check_one_model(build_model, hidden_units) -> None:
    import keras

    what = f"build_model(hidden_units={tuple(hidden_units)})"
    with _quietly():
        model = call(build_model, tuple(hidden_units), what=what)
    check(isinstance(model, keras.Model),
          f"{what} should return the Keras model, got {type(model).__name__}.")
    try:
        input_shape = tuple(model.input_shape) if model.built else None
    except (AttributeError, ValueError):
        input_shape = None
    check(input_shape is not None,
          f"{what} returned a model that does not know its input size: start the Sequential list "
          "with keras.Input(shape=(400,)).")
    check(input_shape == (None, 400),
          f"{what}: the model's input shape is {input_shape}, expected (None, 400): "
          "each example is one image of 20x20 = 400 pixels, so keras.Input(shape=(400,)).")
    layers = _dense_layers(model)
    units = [u for u, _ in layers]
    want_units = [*hidden_units, 1]
    check(len(layers) >= 1, f"{what} has no Dense layers.")
    out_units, out_act = layers[-1]
    check(out_units == 1,
          f"{what}: the output layer has {out_units} units; a 0-versus-1 classifier has ONE output "
          "unit, the probability that the image is a 1.")
    check(units == want_units,
          f"{what}: the Dense layers have {units} units, expected {want_units} (one hidden layer "
          "per entry of hidden_units, then the output unit).")
    check(out_act != "linear",
          f"{what}: the output layer has no activation (Dense defaults to linear), so it outputs "
          "any number z, not a probability: use activation='sigmoid'.")
    check(out_act == "sigmoid",
          f"{what}: the output layer uses {out_act}; a probability between 0 and 1 for one unit "
          "needs activation='sigmoid'"
          + (" (softmax over a single unit always outputs 1)." if out_act == "softmax" else "."))
    for i, (_, act) in enumerate(layers[:-1], start=1):
        check(act != "linear",
              f"{what}: hidden layer {i} has no activation (Dense defaults to linear); give it "
              "activation='sigmoid' as in the lecture (or 'relu', see lesson 02).")
        check(act in ("sigmoid", "relu", "tanh"),
              f"{what}: hidden layer {i} uses {act}; use activation='sigmoid' (or 'relu').")
    check(model.compiled,
          f"{what} returned a model that was never compiled: call model.compile(loss=..., "
          "optimizer=..., metrics=...) before returning it.")
    _check_loss(model, what)
    check(isinstance(model.optimizer, keras.optimizers.Adam),
          f"{what}: the optimizer is {type(model.optimizer).__name__}; use "
          "keras.optimizers.Adam(learning_rate=0.001) (without an optimizer argument, Keras uses "
          "RMSprop).")
    lr = float(np.asarray(model.optimizer.learning_rate))
    check(np.isclose(lr, 1e-3, rtol=1e-4),
          f"{what}: Adam's learning rate is {lr:g}, expected 0.001.")
    _check_metrics(model, what)
    want_count = parameter_count([400, *hidden_units, 1])
    check(model.count_params() == want_count,
          f"{what} has {model.count_params()} parameters, expected {want_count}.")
    return model


def check_build_model(build_model) -> None:
    """Check ``build_model(hidden_units)``: architecture, activations, loss, optimizer, metrics."""
    first = _check_one_model(build_model, (25, 15))
    second = _check_one_model(build_model, (25, 15))
    check(first is not second, "build_model returned the same model object twice: create a new "
                               "keras.Sequential inside the function on every call.")
    _check_one_model(build_model, (10,))
    passed("build_model defines and compiles a 400-...-1 sigmoid classifier "
           f"({first.count_params():,} parameters for hidden_units=(25, 15)).")


# ------------------------------------------------------------------------------------------
# (c) binary_cost
# ------------------------------------------------------------------------------------------

def binary_cost_reference(y, p, epsilon=EPSILON) -> float:
    """The cost as Keras computes it (float64): mean binary cross-entropy of clipped p."""
    y = np.ravel(np.asarray(y, dtype=float))
    p = np.clip(np.ravel(np.asarray(p, dtype=float)), epsilon, 1 - epsilon)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _cost_mistakes(y, p):
    """Wrong versions of the cost for flat y, p in (0, 1), with the message naming each."""
    J = binary_cost_reference(y, p)
    m = len(y)
    return [
        (-J, "the cost is negative: log p is negative for 0 < p < 1, so the formula needs the "
             "minus sign in front, J = -(1/m) sum(...)."),
        (m * J, f"the value is {m} (= m) times too big: the cost is the MEAN of the losses "
                "(np.mean, or the sum divided by m), not their sum."),
        (-np.mean((1 - y) * np.log(p) + y * np.log(1 - p)),
         "y and 1 - y are swapped: the y term goes with log(p), the (1 - y) term with log(1 - p)."),
        (-np.mean(y * np.log(p) + (1 - y) * np.log(p)),
         "the second term takes the log of the wrong value: it is (1 - y) * log(1 - p)."),
        (-np.mean(y * np.log(1 - p) + (1 - y) * np.log(1 - p)),
         "the first term takes the log of the wrong value: it is y * log(p)."),
        (-np.mean(y * np.log(p)),
         "only the y * log(p) term is there: add (1 - y) * log(1 - p), the loss of the examples "
         "whose label is 0."),
        (-np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p)),
         "that is log base 10; the cross-entropy uses the natural logarithm np.log."),
        (-np.mean(y * np.log2(p) + (1 - y) * np.log2(1 - p)),
         "that is log base 2; the cross-entropy uses the natural logarithm np.log."),
        (J / 2, "the value is half the cost: binary cross-entropy has no factor 1/2 (that "
                "belongs to the squared error of Course 1)."),
    ]


def _as_cost(result, what):
    arr = np.asarray(result)
    check(arr.size == 1,
          f"{what} should return ONE number, the cost (a mean over all examples), but returned "
          f"an array of shape {arr.shape}"
          + (": did you forget to take the mean of the per-example losses?" if arr.ndim == 1 else
             ": y of shape (m,) times p of shape (m, 1) broadcasts to an (m, m) matrix; flatten "
             "both with np.ravel (or .reshape(-1)) first." if arr.ndim == 2 else "."))
    try:
        return float(arr.reshape(()))
    except (TypeError, ValueError):
        raise ExerciseError(f"{what} should return a number, got {result!r}.") from None


def _cost(binary_cost, y, p, what):
    return _as_cost(_quiet_call(binary_cost, y, p, what=what), what)


def check_binary_cost(binary_cost, model=None, X=None, y=None) -> None:
    """Check ``binary_cost(y, p)``; with a Keras ``model`` and data, compare with Keras too."""
    y1 = np.array([1, 0, 1, 0, 1])
    p1 = np.array([0.9, 0.2, 0.6, 0.45, 0.7])
    what = "binary_cost(y=[1, 0, 1, 0, 1], p=[0.9, 0.2, 0.6, 0.45, 0.7])"
    got = _cost(binary_cost, y1, p1, what)
    want = binary_cost_reference(y1, p1)
    check(np.isfinite(got), f"{what} returned {got}; expected {want:.6f}.")
    if not np.isclose(got, want, rtol=1e-6):
        for value, message in _cost_mistakes(y1, p1):
            check(not np.isclose(got, value, rtol=1e-6), f"{what} returned {got:.6f}, expected "
                                                        f"{want:.6f}: {message}")
        raise ExerciseError(f"{what} returned {got:.6f}, expected {want:.6f} = -(1/5) * (log 0.9 + "
                            "log 0.8 + log 0.6 + log 0.55 + log 0.7).")

    rng = np.random.default_rng(2)
    y2 = rng.integers(0, 2, size=40)
    p2 = rng.uniform(0.02, 0.98, size=40)
    for yy, pp, shapes in ((y2, p2[:, None], "y (40,) and p (40, 1)"),
                           (y2[:, None], p2, "y (40, 1) and p (40,)"),
                           (y2[:, None], p2[:, None], "y (40, 1) and p (40, 1)")):
        what = f"binary_cost with {shapes}"
        got = _cost(binary_cost, yy, pp, what)
        want = binary_cost_reference(y2, p2)
        check(np.isclose(got, want, rtol=1e-6),
              f"{what} returned {got:.6f}, expected {want:.6f}"
              + (": y of shape (m,) and p of shape (m, 1) broadcast to an (m, m) matrix, so "
                 "every label gets paired with every prediction. Flatten both first, e.g. "
                 "y = np.ravel(y), p = np.ravel(p)." if yy.ndim != np.ndim(pp) else
                 ": the shapes (m, 1) should give the same cost as (m,)."))

    y3 = np.array([1, 0, 1, 0, 1, 0])
    p3 = np.array([1.0, 0.0, 0.0, 1.0, 0.5, 0.25])
    what = "binary_cost(y=[1, 0, 1, 0, 1, 0], p=[1.0, 0.0, 0.0, 1.0, 0.5, 0.25])"
    got = _cost(binary_cost, y3, p3, what)
    want = binary_cost_reference(y3, p3)
    check(np.isfinite(got),
          f"{what} returned {got}: a prediction of exactly 0 or 1 makes log(0) = -inf (and "
          "0 * -inf = nan even when the prediction is right). Clip first, as Keras does: "
          "p = np.clip(p, 1e-7, 1 - 1e-7).")
    check(np.isclose(got, want, rtol=1e-6),
          f"{what} returned {got:.6f}, expected {want:.6f}: clip p to [1e-7, 1 - 1e-7] exactly "
          "as Keras does (np.clip(p, 1e-7, 1 - 1e-7)), not with another epsilon.")

    what = "binary_cost(m=40 random examples)"
    got = _cost(binary_cost, y2, p2, what)
    check_close(got, binary_cost_reference(y2, p2), what, rtol=1e-6)

    if model is not None:
        import keras

        p = model.predict(X, verbose=0)
        ours = _cost(binary_cost, y, p, "binary_cost(y_test, p_test)")
        evaluated = model.evaluate(X, y, verbose=0)
        evaluated = float(evaluated[0] if isinstance(evaluated, (list, tuple)) else evaluated)
        direct = float(keras.losses.BinaryCrossentropy()(y, p))
        print(f"binary_cost(y_test, p_test)             = {ours:.6f}")
        print(f"keras.losses.BinaryCrossentropy()(y, p) = {direct:.6f}")
        print(f"model.evaluate(X_test, y_test)[0]       = {evaluated:.6f}")
        check_close(ours, direct, "binary_cost vs keras.losses.BinaryCrossentropy()", rtol=1e-4,
                    atol=1e-6)
        check_close(ours, evaluated, "binary_cost vs model.evaluate", rtol=1e-4, atol=1e-6)
    passed("binary_cost computes the binary cross-entropy cost exactly as Keras does.")
