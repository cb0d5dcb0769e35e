"""The lecture's quiz for this lesson (lecture notes, week 2), with feedback for every choice.

The words are in the message catalogue (:mod:`utils.i18n`, keys ``activations.quiz.*``);
:func:`quiz` builds the questions in the language in use.
"""

from utils.i18n import DEFAULT
from utils.ui.quiz import Asked, Question, QuizSet, catalogue_questions

#: Each question's id, its catalogue section and its correct choices.
_QUESTIONS = (
    Asked("activations-1", "q1", "b"),
    Asked("activations-2", "q2", "ab", letters="abc"),
    Asked("activations-3", "q3", "b", letters="ab"),
)


def questions(lang=None) -> list[Question]:
    """The three quiz questions in language ``lang`` (default: the language in use)."""
    return catalogue_questions("activations", _QUESTIONS, lang)


def __getattr__(name):
    """``QUESTIONS``: the questions in English (what tools that list every quiz read), made
    when asked for, so that importing this module reads no catalogue."""
    if name == "QUESTIONS":
        return questions(DEFAULT)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def quiz() -> QuizSet:
    """This lesson's quiz questions, shown together."""
    return QuizSet(questions())
