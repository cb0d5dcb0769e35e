"""Lesson 05: backpropagation (lecture notes 5.1-5.2): what its notebook imports.

``widgets.py`` holds its interactive figures, ``checks.py`` the visible checks of its
exercises, ``questions.py`` its quiz.
"""

from utils.lessons.backprop.checks import (
    check_centred_difference,
    check_lecture_backward,
    check_two_layer_backward,
    make_two_layer_problem,
)
from utils.lessons.backprop.questions import self_check
from utils.lessons.backprop.widgets import (
    backward_pass_widget,
    epsilon_widget,
    format_timings,
    gradient_check_table,
    most_accurate_eps,
    numerical_gradients,
    plot_timings,
    slope_estimates,
    time_gradients,
)

__all__ = [
    "backward_pass_widget",
    "check_centred_difference",
    "check_lecture_backward",
    "check_two_layer_backward",
    "epsilon_widget",
    "format_timings",
    "gradient_check_table",
    "make_two_layer_problem",
    "most_accurate_eps",
    "numerical_gradients",
    "plot_timings",
    "self_check",
    "slope_estimates",
    "time_gradients",
]
