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

Every message a student reads comes from the message catalogue (:mod:`utils.i18n`, keys
``compile_and_fit.check.*``), also the texts this module hands to the shared checkers.

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
from utils.i18n import msg

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
    wrong = [
        (weights, "only_weights"),
        (weights + sum(a for a, _ in pairs), "bias_per_input"),
        (weights + biases + sizes[0], "input_biases"),
        (parameter_count(sizes[:-1]), "last_missing"),
        (parameter_count(sizes[1:]), "first_missing"),
        (sum(a * a + a for a in sizes[1:]), "times_itself"),
        (sum(a * b + b for a, b in zip(sizes, sizes[2:])), "two_apart"),
        (int(np.prod(sizes)) + biases, "multiplied"),
    ]
    return [(value, _check(f"mistake_{key}")) for value, key in wrong]


def _check(key, **params):
    """A check message of this lesson in the language in use."""
    return msg(f"compile_and_fit.check.{key}", **params)


def check_count_parameters(count_parameters, model=None) -> None:
    """Check ``count_parameters(layer_sizes)``; compare with ``model.count_params()`` if given."""
    what = "count_parameters([400, 25, 15, 1])"
    got = call(count_parameters, [400, 25, 15, 1], what=what)
    check(
        isinstance(got, numbers.Number)
        and not isinstance(got, bool)
        or (isinstance(got, np.ndarray) and got.size == 1),
        _check("one_whole_number", what=what, kind=type(got).__name__, got=repr(got)),
    )
    got = got.item() if isinstance(got, np.ndarray) else got
    check(
        isinstance(got, numbers.Integral),
        _check("not_an_int", what=what, got=repr(got), kind=type(got).__name__),
    )
    want = parameter_count([400, 25, 15, 1])
    if got != want:
        for value, message in _count_mistakes([400, 25, 15, 1]):
            check(got != value, _check("returned", what=what, got=got, want=want, hint=message))
        raise ExerciseError(_check("returned_formula", what=what, got=got, want=want))
    for sizes in ([2, 3, 1], [400, 25, 15, 10], (3, 1), np.array([5, 4, 3, 2])):
        shown = list(map(int, sizes))
        what = f"count_parameters({shown})"
        got = call(count_parameters, sizes, what=what)
        want = parameter_count(sizes)
        for value, message in _count_mistakes(shown):
            check(
                got != value or got == want,
                _check("returned", what=what, got=got, want=want, hint=message),
            )
        check(got == want, _check("any_layers", what=what, got=got, want=want))
    if model is not None:
        keras_count = int(model.count_params())
        ours = int(count_parameters([400, 25, 15, 1]))
        check(ours == keras_count, _check("keras_differs", ours=ours, keras_count=keras_count))
        print(
            f"count_parameters([400, 25, 15, 1]) = {ours:,}   "
            f"model.count_params() = {keras_count:,}"
        )
    passed(_check("passed_count"))


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
        inputs_why=_check("inputs_why"),
        units_why=_check("units_why"),
        output_units_why=_check("output_units_why"),
    )
    check_compile_config(
        model,
        what=what,
        loss="binary_crossentropy",
        optimizer="Adam",
        rate=1e-3,
        metrics=("accuracy", "acc", "binary_accuracy", "BinaryAccuracy"),
        when=_check("compile_when"),
    )
    return model


def check_build_model(build_model) -> None:
    """Check ``build_model(hidden_units)``: architecture, activations, loss, optimizer, metrics."""
    first = _check_one_model(build_model, (25, 15))
    second = _check_one_model(build_model, (25, 15))
    check_new_model_each_call(first, second)
    _check_one_model(build_model, (10,))
    passed(_check("passed_build", params=first.count_params()))


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
    passed(_check("passed_cost"))
