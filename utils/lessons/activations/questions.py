"""The lecture's quiz for this lesson (lecture notes, week 2), with feedback for every choice.

``QUIZ`` says where the words are in the message catalogue (:mod:`utils.i18n`, keys
``activations.quiz.*``); the questions are made in the language in use when shown.
"""

from utils.ui.quiz import Asked, LessonQuiz, QuizSet

QUIZ = LessonQuiz(
    "activations",
    (
        Asked("activations-1", "q1", "b"),
        Asked("activations-2", "q2", "ab", letters="abc"),
        Asked("activations-3", "q3", "b", letters="ab"),
    ),
)


def quiz() -> QuizSet:
    """This lesson's quiz questions, shown together."""
    return QUIZ.show()
