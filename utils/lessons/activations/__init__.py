"""Lesson 02: activation functions (lecture notes 2.1-2.3): what its notebook imports.

``widgets.py`` holds its interactive figures, ``checks.py`` the visible checks of its
exercises, ``questions.py`` its quiz.
"""

from utils.lessons.activations.checks import (
    check_collapse,
    check_relu,
    check_relu_derivative,
    check_relu_puzzle,
)
from utils.lessons.activations.questions import quiz
from utils.lessons.activations.widgets import (
    activation_explorer,
    format_layer_gradients,
    gradient_race,
    output_matcher,
    plot_fits,
    race,
    relu_puzzle,
)

__all__ = [
    "activation_explorer",
    "check_collapse",
    "check_relu",
    "check_relu_derivative",
    "check_relu_puzzle",
    "format_layer_gradients",
    "gradient_race",
    "output_matcher",
    "plot_fits",
    "quiz",
    "race",
    "relu_puzzle",
]
