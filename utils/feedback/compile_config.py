"""The check of a Keras model's compile settings: compiled at all, the loss, the optimizer, metrics.

The loss is checked by behaviour: the compiled loss (an object, a function or a name)
is evaluated on a probe batch and compared with :mod:`utils.nn`; a wrong value is
named from the catalogue of the loss the exercise needs (``from_logits`` the wrong way
round, the squared error, a loss for one-hot labels, ...).  :data:`LOSSES` holds the two
losses of the course: binary cross-entropy on a sigmoid output (lesson 01) and sparse
categorical cross-entropy from logits on a linear output (the graded assignment).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from utils import nn
from utils.feedback.core import ExerciseError, check
from utils.feedback.keras_model import (
    learning_rate,
    loss_name,
    loss_value,
    metric_names,
    outputs_sum_to_one,
)
from utils.feedback.mistakes import Mistake, first_mistake


@dataclass(frozen=True)
class LossProbe:
    """A probe batch for one loss, the right value on it, and the ways to get it wrong.

    Messages are formatted with ``loss`` (its name), ``got`` and ``want``.
    """

    y: np.ndarray
    pred: np.ndarray
    right: object  # (y, pred) -> the right mean loss, from utils.nn
    mistakes: tuple = ()  # Mistakes: what a wrong loss gives on the probe
    by_name: tuple = ()  # (part of the loss's name, message)
    on_error: str = ""  # the loss cannot even be computed on the probe
    otherwise: str = "the loss {loss} gives {got:.4f} where the right loss gives {want:.4f}."
    # the loss is right, but the model ends in a softmax: when the loss really applies softmax
    # twice, and what Keras 3 does instead inside fit (tests/test_feedback_keras.py measures both)
    softmax_twice: str = ""


LOSSES = {
    "binary_crossentropy": LossProbe(
        y=np.array([[1.0], [0.0], [1.0], [0.0]], dtype="float32"),
        pred=np.array([[0.8], [0.3], [0.6], [0.1]], dtype="float32"),
        right=lambda y, p: nn.cost(nn.binary_crossentropy(y, p)),
        mistakes=(
            Mistake(
                "from_logits=True",
                lambda y, p: nn.cost(nn.binary_crossentropy(y, p, from_logits=True)),
                "the loss is BinaryCrossentropy(from_logits=True), which expects raw outputs "
                "z, but your output layer already applies the sigmoid. Inside fit and evaluate "
                "Keras 3 (TensorFlow backend) notices, warns on stderr and uses the sigmoid's "
                "cached logits; but given probabilities (model.predict's output), in float16 "
                "or with another backend, the loss applies the sigmoid a second time. Use "
                "BinaryCrossentropy() (from_logits=False).",
            ),
            Mistake(
                "squared error",
                lambda y, p: nn.cost(nn.mean_squared_error(y, p)),
                "the loss is {loss}, the mean squared error, which is meant for regression; "
                "a 0/1 classifier with a sigmoid output uses "
                "keras.losses.BinaryCrossentropy().",
            ),
        ),
        by_name=(
            (
                "categorical",
                "the loss is {loss}, which is meant for several classes with a softmax output "
                "(lesson 03); with one sigmoid output unit use "
                "keras.losses.BinaryCrossentropy().",
            ),
        ),
        otherwise="the loss {loss} is not binary cross-entropy: compile with "
        "loss=keras.losses.BinaryCrossentropy().",
    ),
    "sparse_categorical_crossentropy_from_logits": LossProbe(
        y=np.array([3, 7]),
        pred=np.array(
            [
                [0.5, 0.1, 0.2, 0.9, 0.05, 0.3, 0.15, 0.6, 0.25, 0.4],
                [0.1, 0.2, 0.7, 0.05, 0.3, 0.35, 0.45, 0.2, 0.6, 0.15],
            ],
            dtype="float32",
        ),
        right=lambda y, z: nn.cost(nn.sparse_categorical_crossentropy(y, z, from_logits=True)),
        mistakes=(
            Mistake(
                "from_logits=False",
                lambda y, z: nn.cost(nn.sparse_categorical_crossentropy(y, z)),
                "the loss treats the model's outputs as probabilities: set from_logits=True "
                "(SparseCategoricalCrossentropy(from_logits=True)), since the output layer is "
                "linear and outputs logits.",
            ),
        ),
        on_error="the loss {loss} fails on the integer labels 0-9 (CategoricalCrossentropy, for "
        "example, expects one-hot labels). Use SparseCategoricalCrossentropy("
        "from_logits=True) with the integer labels as they are.",
        otherwise="the loss gives {got:.4f} on a test batch where sparse categorical "
        "cross-entropy from logits gives {want:.4f}: use "
        "keras.losses.SparseCategoricalCrossentropy(from_logits=True).",
        softmax_twice="from_logits=True on a softmax output layer: the loss takes the "
        "outputs for logits. Inside fit and evaluate Keras 3 (TensorFlow backend) notices, warns "
        "on stderr and uses the softmax's cached logits; but given probabilities "
        "(model.predict's output), in float16 or with another backend, the loss applies "
        "softmax a second time. Make the output layer linear.",
    ),
}
"""The losses the course's exercises ask for, by name."""


def check_compiled(model, *, what: str, when: str = "") -> None:
    """The model was compiled with a loss and an optimizer."""
    compiled = (
        getattr(model, "compiled", False)
        and getattr(model, "loss", None) is not None
        and getattr(model, "optimizer", None) is not None
    )
    check(
        compiled,
        f"{what}: the model is not compiled (it was never compiled with "
        f"model.compile(loss=..., optimizer=..., metrics=[...]){when}).",
    )


def check_loss(model, *, what: str, loss: str) -> None:
    """The compiled loss computes the loss ``loss`` (a key of :data:`LOSSES`), however spelled."""
    probe = LOSSES[loss]
    want = float(probe.right(probe.y, probe.pred))
    got = loss_value(model.loss, probe.y, probe.pred)
    fields = dict(loss=loss_name(model.loss), got=got, want=want)
    if np.isnan(got) and probe.on_error:
        raise ExerciseError(f"{what}: " + probe.on_error.format(**fields))
    if not np.isclose(got, want, rtol=1e-4):
        mistake = first_mistake(got, probe.mistakes, probe.y, probe.pred, right=want, rtol=1e-4)
        if mistake is not None:
            raise ExerciseError(f"{what}: " + mistake.message.format(**fields))
        for part, message in probe.by_name:
            check(part not in fields["loss"].lower(), f"{what}: " + message.format(**fields))
        raise ExerciseError(f"{what}: " + probe.otherwise.format(**fields))
    if probe.softmax_twice:
        check(not outputs_sum_to_one(model), f"{what}: {probe.softmax_twice}")


def check_optimizer(model, *, what: str, optimizer: str = "Adam", rate: float = 1e-3) -> None:
    """The optimizer is ``keras.optimizers.<optimizer>`` with learning rate ``rate``."""
    import keras

    check(
        isinstance(model.optimizer, getattr(keras.optimizers, optimizer)),
        f"{what}: the optimizer is {type(model.optimizer).__name__}; use "
        f"keras.optimizers.{optimizer}(learning_rate={rate:g}) (without an optimizer argument, "
        "Keras uses RMSprop).",
    )
    lr = learning_rate(model.optimizer)
    check(
        np.isclose(lr, rate, rtol=1e-4),
        f"{what}: {optimizer}'s learning rate is {lr:g}, expected {rate:g}.",
    )


ACCURACY = ("accuracy", "acc")
"""Metric names Keras turns into the accuracy that fits the loss."""


def check_metrics(model, *, what: str, accepted=ACCURACY) -> None:
    """An accuracy metric, one of ``accepted`` (names or class names), and not ``Accuracy()``."""
    names = metric_names(model)
    check(
        "Accuracy" not in names,
        f"{what}: keras.metrics.Accuracy() counts a prediction as right only when p equals y "
        "exactly, so a probability like 0.97 never counts: "
        "use metrics=['accuracy'] (Keras then picks the accuracy that fits the loss: "
        "BinaryAccuracy thresholds p at 0.5, SparseCategoricalAccuracy takes the argmax).",
    )
    check(
        any(name in accepted for name in names),
        f"{what}: compile was given metrics={names or None}: add metrics=['accuracy'] (an "
        "accuracy metric) so that fit reports the share of correctly classified examples.",
    )


def check_compile_config(
    model,
    *,
    what: str,
    loss: str,
    optimizer: str = "Adam",
    rate: float = 1e-3,
    metrics=ACCURACY,
    when: str = "",
) -> None:
    """Compiled, with the loss ``loss``, ``optimizer(rate)`` and an accuracy metric."""
    check_compiled(model, what=what, when=when)
    check_loss(model, what=what, loss=loss)
    check_optimizer(model, what=what, optimizer=optimizer, rate=rate)
    check_metrics(model, what=what, accepted=metrics)
