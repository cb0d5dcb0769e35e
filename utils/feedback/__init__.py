"""Student feedback for exercises: checks that raise :class:`ExerciseError` with a message that
names the mistake, and a green tick when all is well.

One checker per concept, shared by the lessons and the graded assignment, each taking
its inputs and its mistake catalogue as keyword arguments:

* :mod:`utils.feedback.core` -- :class:`ExerciseError`, calling student code, comparing;
* :mod:`utils.feedback.mistakes` -- mistake catalogues (a wrong answer and its message);
* :mod:`utils.feedback.softmax` -- softmax values, batches (the axis), stability (the max);
* :mod:`utils.feedback.binary_cost` -- the binary cross-entropy cost J;
* :mod:`utils.feedback.sparse_ce` -- sparse categorical cross-entropy from logits;
* :mod:`utils.feedback.keras_model` -- the probe of a Keras model (layers, activations, loss);
* :mod:`utils.feedback.architecture` -- a Dense network's units, activations, parameters;
* :mod:`utils.feedback.compile_config` -- compiled, the loss, the optimizer, the metrics;
* :mod:`utils.feedback.layer_sizes` -- parameter and window counts of dense and Conv1D layers.
"""

from utils.feedback.core import (
    ExerciseError,
    as_result_array,
    call,
    check,
    check_close,
    matches,
    passed,
    quietly,
    shown,
    with_stand_ins,
)

__all__ = [
    "ExerciseError",
    "as_result_array",
    "call",
    "check",
    "check_close",
    "matches",
    "passed",
    "quietly",
    "shown",
    "with_stand_ins",
]
