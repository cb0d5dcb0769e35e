"""The graded assignment: handwritten digits (lecture notes 4.3): what its notebook imports.

``widgets.py`` holds its interactive figures, ``checks.py`` the visible checks of its
exercises, ``results.py`` what the cells after the exercises show (before they are solved too).
"""

from utils.lessons.assignment_digits.checks import (
    check_accuracy,
    check_binary_cost,
    check_compile,
    check_improved,
    check_initial_loss,
    check_model,
    check_predict,
    check_softmax_batch,
    check_softmax_stable,
    check_softmax_values,
    check_sparse_crossentropy,
    check_training,
    reference_model,
    run_training,
    sparse_ce_reference,
)
from utils.lessons.assignment_digits.results import (
    predictions,
    show_gap,
    show_initial_loss,
    show_training,
)
from utils.lessons.assignment_digits.widgets import confident_mistakes, draw_digit

__all__ = [
    "check_accuracy",
    "check_binary_cost",
    "check_compile",
    "check_improved",
    "check_initial_loss",
    "check_model",
    "check_predict",
    "check_softmax_batch",
    "check_softmax_stable",
    "check_softmax_values",
    "check_sparse_crossentropy",
    "check_training",
    "confident_mistakes",
    "draw_digit",
    "predictions",
    "reference_model",
    "run_training",
    "show_gap",
    "show_initial_loss",
    "show_training",
    "sparse_ce_reference",
]
