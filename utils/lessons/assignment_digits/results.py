"""The assignment's results cells, ready before the exercises are: the loss before training,
the training curves, the accuracy gap and the predictions.

A student may *Run All* before solving anything.  These helpers let the cells after the
exercises run anyway: they say what is missing and use the course's own stand-in where the
figures need one, so the notebook reaches its end (``utils/feedback/run_all.py``).  They grade
nothing; the checks do.  What they print comes from the message catalogue (:mod:`utils.i18n`,
keys ``assignment_digits.run.*``).
"""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.feedback import quietly
from utils.i18n import msg
from utils.lessons.assignment_digits.checks import (
    CHANCE_LOSS,
    SEED,
    check_model,
    passes_quietly,
    reference_model,
)


def show_initial_loss(initial_loss, build_model, X, y):
    """``initial_loss`` of a freshly built, untrained model (the student's ``build_model`` once
    it passes its check, the course's until then), next to ln 10; or a line saying what is
    missing.  Returns the loss, or None."""
    import keras

    keras.utils.set_random_seed(SEED)
    if passes_quietly(check_model, build_model):
        model = build_model()
    else:
        print(msg("assignment_digits.run.initial_stand_in"))
        model = reference_model()
    try:
        with quietly():
            loss = float(np.asarray(initial_loss(model, X, y), dtype=float).reshape(()))
    except NotImplementedError:
        print(msg("assignment_digits.run.initial_not_written"))
        return None
    print(msg("assignment_digits.run.initial_loss", loss=loss, m=len(y), chance=CHANCE_LOSS))
    return loss


def show_training(run):
    """The loss and accuracy curves of ``run`` (a :class:`~.checks.TrainingRun`), on the
    training images and, when ``train_model`` passed validation data, on the held-out ones; or,
    while ``train_model`` has not run, a line that says so."""
    from utils.plotting import plot_loss_curves

    history = getattr(getattr(run, "history", None), "history", None)
    if not history or not history.get("loss"):
        print(msg("assignment_digits.run.not_trained"))
        return None
    losses = history["loss"]
    print(
        msg("assignment_digits.run.trained", seconds=run.seconds, first=losses[0], last=losses[-1])
    )
    validation = history.get("val_loss")
    if validation:
        best = int(np.argmin(validation))
        print(
            msg(
                "assignment_digits.run.validated",
                first=validation[0],
                last=validation[-1],
                lowest=validation[best],
                epoch=best + 1,
            )
        )
    return plot_loss_curves(run.history, metrics=("loss", _accuracy_name(history)))


def _accuracy_name(history) -> str:
    """The name the accuracy metric has in ``history`` (``accuracy``, ``acc``, ...)."""
    names = [k for k in history if k != "loss" and not k.startswith("val_")]
    return next((k for k in names if "acc" in k), names[0] if names else "loss")


def show_gap(accuracy, run, X_train, y_train, X_test, y_test):
    """Training and held-out accuracy of the trained model, measured with the student's
    ``accuracy`` (the course's own while it is not written, and a line that says so), and the
    gap between them.  Returns (training accuracy, held-out accuracy), or None before
    training."""
    if getattr(run, "history", None) is None:
        print(msg("assignment_digits.run.gap_not_trained"))
        return None
    try:
        with quietly():
            train = float(accuracy(run.model, X_train, y_train))
            held_out = float(accuracy(run.model, X_test, y_test))
    except NotImplementedError:
        print(msg("assignment_digits.run.no_accuracy"))
        train, held_out = (
            _fraction_right(run.model, X, y) for X, y in ((X_train, y_train), (X_test, y_test))
        )
    gap = 100 * (train - held_out)
    print(msg("assignment_digits.run.gap", train=train, held_out=held_out, points=gap))
    return train, held_out


def _fraction_right(model, X, y) -> float:
    return float(np.mean(np.asarray(model(X, training=False)).argmax(axis=1) == y))


def predictions(predict_digits, model, X):
    """``predict_digits(model, X)``; while it is not written yet, the course's softmax of the
    model's outputs instead (and a line that says so), so the figures below still draw."""
    try:
        with quietly():
            return predict_digits(model, X)
    except NotImplementedError:
        print(msg("assignment_digits.run.no_predict"))
    X = np.asarray(X, dtype=np.float32)
    probabilities = nn.softmax(np.asarray(model(X.reshape(-1, X.shape[-1]), training=False)))
    classes = probabilities.argmax(axis=-1)
    return (classes[0], probabilities[0]) if X.ndim == 1 else (classes, probabilities)
