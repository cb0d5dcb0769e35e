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
from utils.feedback.mistakes import Mistake, first_mistake, say
from utils.i18n import msg


@dataclass(frozen=True)
class LossProbe:
    """A probe batch for one loss, the right value on it, and the ways to get it wrong.

    Messages are catalogue keys (or plain text), formatted with ``loss`` (its name), ``got``
    and ``want`` in the course's language when they are shown.
    """

    y: np.ndarray
    pred: np.ndarray
    right: object  # (y, pred) -> the right mean loss, from utils.nn
    mistakes: tuple = ()  # Mistakes: what a wrong loss gives on the probe
    by_name: tuple = ()  # (part of the loss's name, message)
    on_error: str = ""  # the loss cannot even be computed on the probe
    otherwise: str = "feedback.compile_config.loss_differs"
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
                "feedback.compile_config.binary_crossentropy.from_logits",
            ),
            Mistake(
                "squared error",
                lambda y, p: nn.cost(nn.mean_squared_error(y, p)),
                "feedback.compile_config.binary_crossentropy.squared_error",
            ),
        ),
        by_name=(("categorical", "feedback.compile_config.binary_crossentropy.categorical"),),
        otherwise="feedback.compile_config.binary_crossentropy.otherwise",
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
                "feedback.compile_config.sparse_from_logits.from_logits_false",
            ),
        ),
        on_error="feedback.compile_config.sparse_from_logits.on_error",
        otherwise="feedback.compile_config.sparse_from_logits.otherwise",
        softmax_twice="feedback.compile_config.sparse_from_logits.softmax_twice",
    ),
}
"""The losses the course's exercises ask for, by name."""


def _about(what: str, message: str, **fields) -> str:
    """``what: message``, the message (a key or text) filled in with ``fields``."""
    return msg("feedback.compile_config.about", what=what, problem=say(message, **fields))


def check_compiled(model, *, what: str, when: str = "") -> None:
    """The model was compiled with a loss and an optimizer (``when``: the end of the message,
    e.g. " before returning it", in the course's language)."""
    compiled = (
        getattr(model, "compiled", False)
        and getattr(model, "loss", None) is not None
        and getattr(model, "optimizer", None) is not None
    )
    check(compiled, msg("feedback.compile_config.not_compiled", what=what, when=when))


def check_loss(model, *, what: str, loss: str) -> None:
    """The compiled loss computes the loss ``loss`` (a key of :data:`LOSSES`), however spelled."""
    probe = LOSSES[loss]
    want = float(probe.right(probe.y, probe.pred))
    got = loss_value(model.loss, probe.y, probe.pred)
    fields = dict(loss=loss_name(model.loss), got=got, want=want)
    if np.isnan(got) and probe.on_error:
        raise ExerciseError(_about(what, probe.on_error, **fields))
    if not np.isclose(got, want, rtol=1e-4):
        mistake = first_mistake(got, probe.mistakes, probe.y, probe.pred, right=want, rtol=1e-4)
        if mistake is not None:
            raise ExerciseError(_about(what, mistake.message, **fields))
        for part, message in probe.by_name:
            if part in fields["loss"].lower():
                raise ExerciseError(_about(what, message, **fields))
        raise ExerciseError(_about(what, probe.otherwise, **fields))
    if probe.softmax_twice and outputs_sum_to_one(model):
        raise ExerciseError(_about(what, probe.softmax_twice))


def check_optimizer(model, *, what: str, optimizer: str = "Adam", rate: float = 1e-3) -> None:
    """The optimizer is ``keras.optimizers.<optimizer>`` with learning rate ``rate``."""
    import keras

    check(
        isinstance(model.optimizer, getattr(keras.optimizers, optimizer)),
        msg(
            "feedback.compile_config.optimizer",
            what=what,
            got=type(model.optimizer).__name__,
            optimizer=optimizer,
            rate=rate,
        ),
    )
    lr = learning_rate(model.optimizer)
    check(
        np.isclose(lr, rate, rtol=1e-4),
        msg(
            "feedback.compile_config.learning_rate",
            what=what,
            optimizer=optimizer,
            lr=lr,
            rate=rate,
        ),
    )


ACCURACY = ("accuracy", "acc")
"""Metric names Keras turns into the accuracy that fits the loss."""


def check_metrics(model, *, what: str, accepted=ACCURACY) -> None:
    """An accuracy metric, one of ``accepted`` (names or class names), and not ``Accuracy()``."""
    names = metric_names(model)
    check("Accuracy" not in names, msg("feedback.compile_config.accuracy_class", what=what))
    check(
        any(name in accepted for name in names),
        msg("feedback.compile_config.no_accuracy", what=what, names=names or None),
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
