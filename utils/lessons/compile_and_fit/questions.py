"""The lecture's quiz for this lesson (lecture notes, week 2), with feedback for every choice.

``QUIZ`` says where the words are in the message catalogue (:mod:`utils.i18n`, keys
``compile_and_fit.quiz.*``); the questions are made in the language in use when shown.
"""

from utils.ui.quiz import Asked, LessonQuiz, QuizSet

QUIZ = LessonQuiz(
    "compile_and_fit",
    (
        Asked("compile-1", "q1", "c"),
        Asked("compile-2", "q2", "c"),
    ),
)


def quiz() -> QuizSet:
    """This lesson's quiz questions, shown together."""
    return QUIZ.show()
