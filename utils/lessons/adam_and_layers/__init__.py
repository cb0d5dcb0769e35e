"""Lesson 04: Adam and other layer types (lecture notes 4.1-4.2): what its notebook imports.

``widgets.py`` holds its interactive figures, ``checks.py`` the visible checks of its
exercises, ``questions.py`` its quiz, ``training.py`` the digits network trained in Keras with
the optimizer it is given.
"""

from utils.lessons.adam_and_layers.checks import (
    check_adam_step,
    check_conv1d_output_length,
    check_conv1d_param_count,
    compare_with_keras,
)
from utils.lessons.adam_and_layers.questions import quiz
from utils.lessons.adam_and_layers.training import train_digits
from utils.lessons.adam_and_layers.widgets import (
    SURFACES,
    conv_window_widget,
    optimizer_race_widget,
    race,
    step_size_widget,
    sweep_figure,
    sweep_summary,
    training_curves_figure,
)

__all__ = [
    "SURFACES",
    "check_adam_step",
    "check_conv1d_output_length",
    "check_conv1d_param_count",
    "compare_with_keras",
    "conv_window_widget",
    "optimizer_race_widget",
    "quiz",
    "race",
    "step_size_widget",
    "sweep_figure",
    "sweep_summary",
    "train_digits",
    "training_curves_figure",
]
