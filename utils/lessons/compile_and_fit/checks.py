r"""Visible checks for lesson 01 (compile and fit).

Three exercises, each checked by one function that names the mistake it finds:

* :func:`check_count_parameters` -- ``count_parameters(layer_sizes)``, the number of
  weights and biases of a dense network (400-25-15-1 has 10,431);
* :func:`check_build_model` -- ``build_model(hidden_units)``, define *and* compile the
  0-versus-1 digits classifier in Keras;
* :func:`check_binary_cost` -- ``binary_cost(y, p)``, the cost
  $J = -\frac{1}{m}\sum_i \big[y^{(i)}\log p^{(i)} + (1-y^{(i)})\log(1-p^{(i)})\big]$
  in numpy, clipped as Keras clips, and matched against Keras.

The model and the cost are checked by the shared checkers of :mod:`utils.feedback` (the
graded assignment uses them too); this module chooses the inputs and the settings.

The instructor's hidden tests are not here: they live only in the source notebook.
"""

from __future__ import annotations

import numbers

import numpy as np

from utils.feedback import ExerciseError, call, check, passed
from utils.feedback.architecture import check_architecture
from utils.feedback.binary_cost import (
    EPSILON,
    binary_cost_reference,
    compare_binary_cost_with_keras,
)
from utils.feedback.binary_cost import check_binary_cost as _check_binary_cost
from utils.feedback.compile_config import check_compile_config
from utils.feedback.keras_model import check_new_model_each_call
from utils.feedback.layer_sizes import dense_parameter_count as parameter_count

__all__ = [
    "EPSILON",
    "binary_cost_reference",
    "check_binary_cost",
    "check_build_model",
    "check_count_parameters",
    "parameter_count",
]


# ------------------------------------------------------------------------------------------
# (a) count_parameters
# ------------------------------------------------------------------------------------------


def _count_mistakes(sizes):
    """Wrong formulas students write, with the message that names each one."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = sum(a * b for a, b in pairs)
    biases = sum(b for _, b in pairs)
    return [
        (
            weights,
            "you counted only the weights: every unit also has one bias, so each layer "
            "adds n_out biases (25 + 15 + 1 = 41 for 400-25-15-1).",
        ),
        (
            weights + sum(a for a, _ in pairs),
            "you gave each layer one bias per *input*; a layer has one bias per *unit*, "
            "i.e. per output (n_out biases, not n_in).",
        ),
        (
            weights + biases + sizes[0],
            "you counted biases for the input layer too; the 400 inputs are just the pixels and "
            "have no parameters. Count layers from the first hidden layer on.",
        ),
        (
            parameter_count(sizes[:-1]),
            "the last layer is missing: loop over all neighbouring pairs "
            "zip(layer_sizes[:-1], layer_sizes[1:]).",
        ),
        (
            parameter_count(sizes[1:]),
            "the first layer (400 inputs -> 25 units, the biggest) is missing: loop over all "
            "neighbouring pairs zip(layer_sizes[:-1], layer_sizes[1:]).",
        ),
        (
            sum(a * a + a for a in sizes[1:]),
            "a layer's weight matrix is n_in x n_out: multiply each layer's size by the size of "
            "the layer *before* it, not by itself.",
        ),
        (
            sum(a * b + b for a, b in zip(sizes, sizes[2:])),
            "you multiplied sizes two layers apart; W of a layer connects it to its direct "
            "neighbour: n_in x n_out with (n_in, n_out) = (400, 25), (25, 15), (15, 1).",
        ),
        (
            int(np.prod(sizes)) + biases,
            "the weights of different layers add up, they do not multiply: "
            "400*25 + 25*15 + 15*1, not 400*25*15*1.",
        ),
    ]


def check_count_parameters(count_parameters, model=None) -> None:
    """Check ``count_parameters(layer_sizes)``; compare with ``model.count_params()`` if given."""
    what = "count_parameters([400, 25, 15, 1])"
    got = call(count_parameters, [400, 25, 15, 1], what=what)
    check(
        isinstance(got, numbers.Number)
        and not isinstance(got, bool)
        or (isinstance(got, np.ndarray) and got.size == 1),
        f"{what} should return one whole number, got {type(got).__name__}: {got!r}.",
    )
    got = got.item() if isinstance(got, np.ndarray) else got
    check(
        isinstance(got, numbers.Integral),
        f"{what} should return a whole number (an int), got {got!r} "
        f"({type(got).__name__}): a count of parameters is an integer.",
    )
    want = parameter_count([400, 25, 15, 1])
    if got != want:
        for value, message in _count_mistakes([400, 25, 15, 1]):
            check(got != value, f"{what} returned {got}, expected {want}: {message}")
        raise ExerciseError(
            f"{what} returned {got}, expected {want} = (400*25 + 25) + (25*15 + 15) + (15*1 + 1)."
        )
    for sizes in ([2, 3, 1], [400, 25, 15, 10], (3, 1), np.array([5, 4, 3, 2])):
        shown = list(map(int, sizes))
        what = f"count_parameters({shown})"
        got = call(count_parameters, sizes, what=what)
        want = parameter_count(sizes)
        for value, message in _count_mistakes(shown):
            check(got != value or got == want, f"{what} returned {got}, expected {want}: {message}")
        check(
            got == want,
            f"{what} returned {got}, expected {want}. Does your code work for any "
            "number of layers (and for a tuple or numpy array of sizes)?",
        )
    if model is not None:
        keras_count = int(model.count_params())
        ours = int(count_parameters([400, 25, 15, 1]))
        check(
            ours == keras_count,
            f"count_parameters([400, 25, 15, 1]) = {ours}, but the Keras "
            f"model has {keras_count} parameters.",
        )
        print(
            f"count_parameters([400, 25, 15, 1]) = {ours:,}   "
            f"model.count_params() = {keras_count:,}"
        )
    passed("count_parameters counts every weight and bias.")


# ------------------------------------------------------------------------------------------
# (b) build_model
# ------------------------------------------------------------------------------------------


def _check_one_model(build_model, hidden_units):
    what = f"build_model(hidden_units={tuple(hidden_units)})"
    model = call(build_model, tuple(hidden_units), what=what)
    check_architecture(
        model,
        what=what,
        inputs=400,
        units=[*hidden_units, 1],
        output="sigmoid",
        hidden=("sigmoid", "relu", "tanh"),
        inputs_why=": each example is one image of 20x20 = 400 pixels",
        units_why=" (one hidden layer per entry of hidden_units, then the output unit).",
        output_units_why=": a 0-versus-1 classifier has ONE output unit, the "
        "probability that the image is a 1.",
    )
    check_compile_config(
        model,
        what=what,
        loss="binary_crossentropy",
        optimizer="Adam",
        rate=1e-3,
        metrics=("accuracy", "acc", "binary_accuracy", "BinaryAccuracy"),
        when=" before returning it",
    )
    return model


def check_build_model(build_model) -> None:
    """Check ``build_model(hidden_units)``: architecture, activations, loss, optimizer, metrics."""
    first = _check_one_model(build_model, (25, 15))
    second = _check_one_model(build_model, (25, 15))
    check_new_model_each_call(first, second)
    _check_one_model(build_model, (10,))
    passed(
        "build_model defines and compiles a 400-...-1 sigmoid classifier "
        f"({first.count_params():,} parameters for hidden_units=(25, 15))."
    )


# ------------------------------------------------------------------------------------------
# (c) binary_cost
# ------------------------------------------------------------------------------------------


def check_binary_cost(binary_cost, model=None, X=None, y=None) -> None:
    """Check ``binary_cost(y, p)``; with a Keras ``model`` and data, compare with Keras too."""
    rng = np.random.default_rng(2)
    batch = rng.integers(0, 2, size=40), rng.uniform(0.02, 0.98, size=40)
    _check_binary_cost(
        binary_cost,
        y=[1, 0, 1, 0, 1],
        p=[0.9, 0.2, 0.6, 0.45, 0.7],
        batch=batch,
        clipping=([1, 0, 1, 0, 1, 0], [1.0, 0.0, 0.0, 1.0, 0.5, 0.25]),
    )
    if model is not None:
        compare_binary_cost_with_keras(binary_cost, model=model, X=X, y=y)
    passed("binary_cost computes the binary cross-entropy cost exactly as Keras does.")
