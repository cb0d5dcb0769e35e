"""Lesson 03: softmax and multiclass classification (notes 3.1-3.4): what its notebook imports.

``widgets.py`` holds its interactive figures, ``neurons.py`` the view of each hidden unit,
``checks.py`` the visible checks of its exercises, ``questions.py`` its quiz.
"""

from utils.lessons.softmax_multiclass.checks import (
    check_my_softmax,
    check_predict_labels,
    check_sparse_ce_from_logits,
)
from utils.lessons.softmax_multiclass.neurons import neuron_view, small_blob_weights
from utils.lessons.softmax_multiclass.questions import quiz
from utils.lessons.softmax_multiclass.widgets import (
    compare_decision_regions,
    failure_scales,
    multilabel_explorer,
    plot_two_class_softmax,
    softmax_explorer,
    stability_lab,
)

__all__ = [
    "check_my_softmax",
    "check_predict_labels",
    "check_sparse_ce_from_logits",
    "compare_decision_regions",
    "failure_scales",
    "multilabel_explorer",
    "neuron_view",
    "plot_two_class_softmax",
    "quiz",
    "small_blob_weights",
    "softmax_explorer",
    "stability_lab",
]
