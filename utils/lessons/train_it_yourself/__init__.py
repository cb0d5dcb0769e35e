"""Lesson 06 (optional capstone): train the digits network yourself, in numpy.

``reference.py`` holds the course's own pieces in the exercises' formats (built on
``utils.nn``), ``checks.py`` the visible checks, ``keras_twin.py`` the same network in Keras,
``demonstration.py`` the locked comparison, ``widgets.py`` the loss-curve widget.
"""

from utils.lessons.train_it_yourself.checks import (
    check_adam_step,
    check_backward,
    check_forward,
    check_train,
    small_problem,
)
from utils.lessons.train_it_yourself.demonstration import (
    compare_losses,
    numpy_accuracy,
    run_your_loop,
)
from utils.lessons.train_it_yourself.keras_twin import fit_in_order, keras_accuracy, keras_twin
from utils.lessons.train_it_yourself.reference import (
    KEYS,
    adam_state,
    init_params,
    mean_loss,
    reference_adam_step,
    reference_backward,
    reference_forward,
    reference_train,
)
from utils.lessons.train_it_yourself.widgets import loss_curves_widget

__all__ = [
    "KEYS",
    "adam_state",
    "check_adam_step",
    "check_backward",
    "check_forward",
    "check_train",
    "compare_losses",
    "fit_in_order",
    "init_params",
    "keras_accuracy",
    "keras_twin",
    "loss_curves_widget",
    "mean_loss",
    "numpy_accuracy",
    "reference_adam_step",
    "reference_backward",
    "reference_forward",
    "reference_train",
    "run_your_loop",
    "small_problem",
]
