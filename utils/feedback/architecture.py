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
from utils.i18n import msg

OUTPUT_ADVICE = {
    "sigmoid": "feedback.architecture.advice_sigmoid",
    "linear": "feedback.architecture.advice_linear",
}
"""Why the output layer needs the activation it needs, by that activation (catalogue keys)."""

OUTPUT_MEANS = {"sigmoid": "feedback.architecture.means_sigmoid"}
"""What an output layer with that activation outputs (instead of any number z), as keys."""


def _listed(names) -> str:
    first, *others = names
    text = f"activation={first!r}"
    if others:
        others = msg("course.list_separator").join(map(repr, others))
        text += msg("feedback.architecture.or_others", others=others)
    return text


def _via(layer: DenseLayer) -> str:
    return msg("feedback.architecture.via", layer=layer.via) if layer.via else ""


def output_problem(layer: DenseLayer, output: str, *, what: str) -> str:
    """The message for an output layer whose activation is not ``output``."""
    if layer.activation == "linear":
        means = (
            msg(OUTPUT_MEANS[output])
            if output in OUTPUT_MEANS
            else msg("feedback.architecture.outputs_of", name=output)
        )
        return msg(
            "feedback.architecture.output_linear", what=what, means=means, output=repr(output)
        )
    sums_to_one = layer.activation == "softmax" and layer.units > 1
    single = layer.activation == "softmax" and layer.units == 1
    advice = (
        msg(OUTPUT_ADVICE[output])
        if output in OUTPUT_ADVICE
        else msg("feedback.architecture.use_activation", output=repr(output))
    )
    return msg(
        "feedback.architecture.output_uses",
        what=what,
        used=layer.activation,
        via=_via(layer),
        sums=msg("feedback.architecture.sums_to_one") if sums_to_one else "",
        advice=advice,
        end=msg(
            "feedback.architecture.single_unit" if single else "feedback.architecture.full_stop"
        ),
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
    messages about the input size, the hidden units and the output units, as they are: the
    caller gives them in the course's language (``": each image has 20x20 = 400 pixels"``).
    """
    units = [int(n) for n in units]
    shape = input_shape(model, what=what, inputs=inputs)
    check(
        shape == (None, inputs),
        msg(
            "feedback.architecture.input_shape",
            what=what,
            shape=shape,
            inputs=inputs,
            why=inputs_why,
        ),
    )
    layers = dense_layers(model, what=what)
    got = [layer.units for layer in layers]
    if got != units:
        why = output_units_why if got[-1] != units[-1] else units_why
        raise ExerciseError(
            msg("feedback.architecture.units", what=what, got=got, units=units, why=why)
        )
    if layers[-1].activation != output:
        raise ExerciseError(output_problem(layers[-1], output, what=what))
    for i, layer in enumerate(layers[:-1], start=1):
        if layer.activation in hidden:
            continue
        listed = _listed(hidden)
        check(
            layer.activation != "linear",
            msg("feedback.architecture.hidden_linear", what=what, i=i, listed=listed),
        )
        raise ExerciseError(
            msg(
                "feedback.architecture.hidden_wrong",
                what=what,
                i=i,
                used=layer.activation,
                via=_via(layer),
                listed=listed,
            )
        )
    sizes = [inputs, *units]
    want = dense_parameter_count(sizes)
    terms = " + ".join(f"{t:,}" for t in dense_parameter_terms(sizes))
    check(
        model.count_params() == want,
        msg(
            "feedback.architecture.parameters",
            what=what,
            count=model.count_params(),
            sizes="-".join(map(str, sizes)),
            terms=terms,
            want=want,
        ),
    )
    return layers
