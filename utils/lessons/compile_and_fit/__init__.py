"""Lesson 01: compile and fit (lecture notes 1.1-1.2): what its notebook imports.

``widgets.py`` holds its interactive figures, ``checks.py`` the visible checks of its
exercises, ``questions.py`` its quiz.
"""

from utils.lessons.compile_and_fit.checks import (
    check_binary_cost,
    check_build_model,
    check_count_parameters,
)
from utils.lessons.compile_and_fit.questions import quiz
from utils.lessons.compile_and_fit.widgets import (
    batches_explorer,
    loss_explorer,
    plot_regression_fits,
)

__all__ = [
    "batches_explorer",
    "check_binary_cost",
    "check_build_model",
    "check_count_parameters",
    "loss_explorer",
    "plot_regression_fits",
    "quiz",
]
