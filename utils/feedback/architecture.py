"""The check of a Keras model's architecture: input size, Dense units, activations, parameters.

:func:`check_architecture` reads the model with the probe of :mod:`utils.feedback.keras_model`
(so every spelling of an activation counts) and names the first thing that differs from
what the caller asks for: the input size, the units of the Dense layers, the output
layer's activation (none, or the wrong one), a hidden layer's activation, the
parameter count.  Lesson 01 (a 400-...-1 sigmoid classifier) and the graded assignment
(400-25-15-10 with a linear output) ask with their own settings.
"""

from __future__ import annotations

from utils.feedback.core import ExerciseError, check
from utils.feedback.keras_model import DenseLayer, dense_layers, input_shape
from utils.feedback.layer_sizes import dense_parameter_count, dense_parameter_terms

OUTPUT_ADVICE = {
    "sigmoid": "a probability between 0 and 1 for one unit needs activation='sigmoid'",
    "linear": "the output layer must be linear: it outputs the logits z, any real numbers, and "
    "the loss (from_logits=True) computes softmax and its log together from them, accurately in "
    "every setting (a softmax layer gets by inside fit only because Keras 3 with TensorFlow "
    "passes the layer's cached logits to the loss; not on saved predictions, in float16 or on "
    "other backends)",
}
"""Why the output layer needs the activation it needs, by that activation."""

OUTPUT_MEANS = {"sigmoid": "a probability"}
"""What an output layer with that activation outputs (instead of any number z)."""


def _listed(names) -> str:
    first, *others = names
    return f"activation={first!r}" + (f" (or {', '.join(map(repr, others))})" if others else "")


def output_problem(layer: DenseLayer, output: str, *, what: str) -> str:
    """The message for an output layer whose activation is not ``output``."""
    if layer.activation == "linear":
        return (
            f"{what}: the output layer has no activation (Dense defaults to linear), so it "
            f"outputs any number z, not {OUTPUT_MEANS.get(output, output + ' outputs')}: use "
            f"activation={output!r}."
        )
    via = f" (its {layer.via} layer)" if layer.via else ""
    sums_to_one = layer.activation == "softmax" and layer.units > 1
    single = layer.activation == "softmax" and layer.units == 1
    return (
        f"{what}: the output layer uses {layer.activation}{via}"
        + (", so your model's outputs sum to 1" if sums_to_one else "")
        + "; "
        + OUTPUT_ADVICE.get(output, f"use activation={output!r}")
        + (" (softmax over a single unit always outputs 1)." if single else ".")
    )


def check_architecture(
    model,
    *,
    what: str,
    inputs: int,
    units,
    output: str,
    hidden=("relu",),
    inputs_why="",
    units_why="",
    output_units_why="",
) -> list[DenseLayer]:
    """Check a Dense network ``inputs``-``units[0]``-...-``units[-1]``; return its Dense layers.

    ``output`` is the output layer's activation, ``hidden`` the activations a hidden
    layer may use (the first is the one recommended).  The ``*_why`` texts end the
    messages about the input size, the hidden units and the output units.
    """
    units = [int(n) for n in units]
    shape = input_shape(model, what=what, inputs=inputs)
    check(
        shape == (None, inputs),
        f"{what}: the model's input shape is {shape}, expected (None, {inputs}){inputs_why}, "
        f"so keras.Input(shape=({inputs},)).",
    )
    layers = dense_layers(model, what=what)
    got = [layer.units for layer in layers]
    if got != units:
        why = output_units_why if got[-1] != units[-1] else units_why
        raise ExerciseError(f"{what}: the Dense layers have {got} units, expected {units}{why}")
    if layers[-1].activation != output:
        raise ExerciseError(output_problem(layers[-1], output, what=what))
    for i, layer in enumerate(layers[:-1], start=1):
        if layer.activation in hidden:
            continue
        check(
            layer.activation != "linear",
            f"{what}: hidden layer {i} has no activation (Dense defaults to linear); give it "
            f"{_listed(hidden)}.",
        )
        via = f" (its {layer.via} layer)" if layer.via else ""
        raise ExerciseError(
            f"{what}: wrong hidden activation. Hidden layer {i} uses "
            f"{layer.activation}{via}; give the hidden layers {_listed(hidden)}."
        )
    sizes = [inputs, *units]
    want = dense_parameter_count(sizes)
    terms = " + ".join(f"{t:,}" for t in dense_parameter_terms(sizes))
    check(
        model.count_params() == want,
        f"{what} has {model.count_params():,} parameters; {'-'.join(map(str, sizes))} has "
        f"{terms} = {want:,}.",
    )
    return layers
