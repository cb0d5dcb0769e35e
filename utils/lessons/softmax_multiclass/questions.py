"""The lecture's quiz for this lesson (lecture notes, week 2), with feedback for every choice.

``QUIZ`` says where the words are in the message catalogue (:mod:`utils.i18n`, keys
``softmax_multiclass.quiz.*``); the questions are made in the language in use when shown.
"""

from utils.ui.quiz import Asked, LessonQuiz, QuizSet

QUIZ = LessonQuiz(
    "softmax_multiclass",
    (
        Asked("softmax-1", "q1", "d"),
        Asked("softmax-2", "q2", "b"),
        Asked("softmax-3", "q3", "a", letters="ab"),
    ),
)


def quiz() -> QuizSet:
    """This lesson's quiz questions, shown together."""
    return QUIZ.show()
