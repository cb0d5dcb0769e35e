"""The backprop lesson's self-check (the lecture notes have no quiz for this section).

``QUIZ`` says where the words are in the message catalogue (:mod:`utils.i18n`, keys
``backprop.quiz.*``); the questions are made in the language in use when shown.
"""

from utils.ui.quiz import Asked, LessonQuiz, QuizSet

QUIZ = LessonQuiz(
    "backprop",
    (
        Asked("backprop-1", "q1", "b"),
        Asked("backprop-2", "q2", "c"),
    ),
)


def self_check() -> QuizSet:
    """This lesson's self-check questions, displayed like ``quiz()``."""
    return QUIZ.show()
