"""The lecture's quiz for this lesson (lecture notes, week 2), with feedback for every choice.

``QUIZ`` says where the words are in the message catalogue (:mod:`utils.i18n`, keys
``adam_and_layers.quiz.*``); the questions are made in the language in use when shown.
"""

from utils.ui.quiz import Asked, LessonQuiz, QuizSet

QUIZ = LessonQuiz(
    "adam_and_layers",
    (
        Asked("adam-1", "q1", "d"),
        Asked("adam-2", "q2", "b"),
    ),
)


def quiz() -> QuizSet:
    """This lesson's quiz questions, shown together."""
    return QUIZ.show()
