"""The lecture's quiz for this lesson (lecture notes, week 2), with feedback for every choice.

The words are in the message catalogue (:mod:`utils.i18n`, keys ``softmax_multiclass.quiz.*``);
:func:`quiz` builds the questions in the language in use.
"""

from utils.i18n import DEFAULT
from utils.ui.quiz import Asked, Question, QuizSet, catalogue_questions

#: Each question's id, its catalogue section and its correct choices.
_QUESTIONS = (
    Asked("softmax-1", "q1", "d"),
    Asked("softmax-2", "q2", "b"),
    Asked("softmax-3", "q3", "a", letters="ab"),
)


def questions(lang=None) -> list[Question]:
    """The three quiz questions in language ``lang`` (default: the language in use)."""
    return catalogue_questions("softmax_multiclass", _QUESTIONS, lang)


def __getattr__(name):
    """``QUESTIONS``: the questions in English (what tools that list every quiz read), made
    when asked for, so that importing this module reads no catalogue."""
    if name == "QUESTIONS":
        return questions(DEFAULT)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def quiz() -> QuizSet:
    """This lesson's quiz questions, shown together."""
    return QuizSet(questions())
