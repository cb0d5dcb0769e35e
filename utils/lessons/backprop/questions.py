"""The backprop lesson's self-check (the lecture notes have no quiz for this section).

The words are in the message catalogue (:mod:`utils.i18n`, keys ``backprop.quiz.*``);
:func:`self_check` builds the questions in the language in use.
"""

from utils.i18n import DEFAULT
from utils.ui.quiz import Asked, Question, QuizSet, catalogue_questions

#: Each question's id, its catalogue section and its correct choices.
_QUESTIONS = (
    Asked("backprop-1", "q1", "b"),
    Asked("backprop-2", "q2", "c"),
)


def questions(lang=None) -> list[Question]:
    """The two self-check questions in language ``lang`` (default: the language in use)."""
    return catalogue_questions("backprop", _QUESTIONS, lang)


def __getattr__(name):
    """``SELF_CHECK``: the questions in English (what tools that list every quiz read), made
    when asked for, so that importing this module reads no catalogue."""
    if name == "SELF_CHECK":
        return questions(DEFAULT)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def self_check() -> QuizSet:
    """This lesson's two self-check questions, displayed like ``quiz()``."""
    return QuizSet(questions())
