"""The assignment's results cells, ready before the exercises are: training curves and predictions.

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


def show_training(run):
    """The loss and accuracy curves of ``run`` (a :class:`~.checks.TrainingRun`), or, while
    ``train_model`` has not run, a line that says so."""
    from utils.plotting import plot_loss_curves

    history = getattr(getattr(run, "history", None), "history", None)
    if not history or not history.get("loss"):
        print(msg("assignment_digits.run.not_trained"))
        return None
    losses = history["loss"]
    print(
        msg("assignment_digits.run.trained", seconds=run.seconds, first=losses[0], last=losses[-1])
    )
    return plot_loss_curves(run.history, metrics=("loss", "accuracy"))


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
