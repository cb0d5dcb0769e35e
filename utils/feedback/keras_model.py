"""The probe of a student's Keras model: what it is, read by behaviour, not by spelling.

An activation is named by what it computes on a few probe values, so ``"relu"``,
``tf.nn.relu``, ``keras.activations.relu``, a ``ReLU()`` layer and ``Activation("relu")``
all read as ``"relu"``.  :func:`dense_layers` lists the Dense layers with the activation
each ends up applying (an activation layer after a Dense layer is folded into it);
:func:`loss_value` evaluates the compiled loss on a probe batch, however it was given
(an object, a function or a name); :func:`metric_names` and :func:`learning_rate` read the
compile config.  Keras is imported only when a probe runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from utils import nn
from utils.feedback.core import ExerciseError, check, quietly
from utils.i18n import msg

PROBE_Z = np.linspace(-3.0, 3.0, 13, dtype=np.float32)[None, :]
"""The values on which an activation is evaluated: both signs, zero, one row."""

KNOWN = ("linear", "relu", "sigmoid", "tanh", "leaky_relu", "swish")
"""Element-wise activations recognised by their values (softmax is recognised too)."""

ACTIVATION_LAYERS = ("Activation", "ReLU", "Softmax", "LeakyReLU", "ELU", "PReLU")
"""Keras layers that only apply an activation (folded into the Dense layer before them)."""

PASSIVE_LAYERS = ("InputLayer", "Dropout")
"""Keras layers that do not change what a trained network computes."""


@dataclass(frozen=True)
class DenseLayer:
    """One Dense layer: its units and the activation it applies (``via`` a separate layer)."""

    units: int
    activation: str
    via: str = ""  # the class name of the activation layer that applies it, if any


def activation_name(fn) -> str:
    """``'relu'``, ``'sigmoid'``, ``'softmax'``, ... for whatever computes that; else its name."""
    import keras

    fn = keras.activations.get(fn) if fn is None or isinstance(fn, str) else fn
    try:
        with quietly():
            out = np.asarray(fn(keras.ops.convert_to_tensor(PROBE_Z)), dtype=float)
    except Exception:  # noqa: BLE001 - an unusual activation is reported by name
        return getattr(fn, "__name__", type(fn).__name__)
    z = PROBE_Z.astype(float)
    for name in KNOWN:
        if out.shape == z.shape and np.allclose(out, nn.get_activation(name)[0](z), atol=1e-5):
            return name
    if out.shape == z.shape and np.allclose(out, nn.softmax(z), atol=1e-5):
        return "softmax"
    return getattr(fn, "__name__", type(fn).__name__)


def input_shape(model, *, what: str, inputs: int) -> tuple:
    """The input shape of ``model``, once it is sure to be a Keras model that knows it."""
    import keras

    check(
        isinstance(model, keras.Model),
        msg("feedback.keras_model.not_a_model", what=what, kind=type(model).__name__),
    )
    try:
        shape = tuple(model.input_shape) if model.built else None
    except (AttributeError, ValueError):
        shape = None
    check(
        shape is not None,
        msg("feedback.keras_model.no_input_size", what=what, inputs=inputs),
    )
    return shape


def dense_layers(model, *, what: str) -> list[DenseLayer]:
    """The Dense layers in order, with the activation each applies (activation layers folded)."""
    import keras

    layers: list[DenseLayer] = []
    for layer in model.layers:
        kind = type(layer).__name__
        if isinstance(layer, keras.layers.Dense):
            layers.append(DenseLayer(int(layer.units), activation_name(layer.activation)))
        elif kind in ACTIVATION_LAYERS:
            check(
                layers,
                msg("feedback.keras_model.starts_with_activation", what=what, kind=kind),
            )
            check(
                layers[-1].activation == "linear",
                msg("feedback.keras_model.two_activations", what=what, kind=kind),
            )
            fn = layer.activation if kind == "Activation" else layer
            layers[-1] = DenseLayer(layers[-1].units, activation_name(fn), via=kind)
        elif kind not in PASSIVE_LAYERS:
            raise ExerciseError(msg("feedback.keras_model.unexpected_layer", what=what, kind=kind))
    check(layers, msg("feedback.keras_model.no_dense_layers", what=what))
    return layers


def outputs_sum_to_one(model) -> bool:
    """Whether the model's outputs on random inputs are probability rows (it ends in a softmax)."""
    n_inputs = int(model.input_shape[-1])
    x = np.random.default_rng(2).uniform(0, 1, size=(4, n_inputs)).astype(np.float32)
    with quietly():
        out = np.asarray(model(x, training=False))
    return out.shape[-1] > 1 and bool(
        np.allclose(out.sum(axis=-1), 1.0, atol=1e-4) and np.all(out >= 0)
    )


def loss_name(loss) -> str:
    """The loss as the student wrote it: a name, a function's name or a class name."""
    if isinstance(loss, str):
        return loss
    return getattr(loss, "__name__", type(loss).__name__)


def loss_value(loss, y, pred) -> float:
    """The mean of ``loss(y, pred)`` (an object, function or name); nan if it cannot be computed."""
    import keras

    try:
        fn = keras.losses.get(loss) if isinstance(loss, str) else loss
        with quietly():
            values = fn(keras.ops.convert_to_tensor(y), keras.ops.convert_to_tensor(pred))
        return float(np.mean(np.asarray(values)))
    except Exception:  # noqa: BLE001 - e.g. a multiclass loss given integer labels
        return float("nan")


def metric_names(model) -> list[str]:
    """The compiled metrics as names (``'accuracy'``) or class names (``'BinaryAccuracy'``)."""
    metrics = model.get_compile_config().get("metrics") or []
    metrics = metrics if isinstance(metrics, (list, tuple)) else [metrics]
    return [
        m
        if isinstance(m, str)
        else (m.get("class_name", "") if isinstance(m, dict) else type(m).__name__)
        for m in metrics
    ]


def learning_rate(optimizer) -> float:
    """The optimizer's learning rate as a number."""
    return float(np.asarray(optimizer.learning_rate))


def check_new_model_each_call(first, second, *, what: str = "build_model") -> None:
    """Two calls of a model builder must give two models (a shared one is trained twice)."""
    check(first is not second, msg("feedback.keras_model.same_model_twice", what=what))
