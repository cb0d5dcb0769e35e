"""The backprop lesson's self-check (the lecture notes have no quiz for this section).

The words are in the message catalogue (:mod:`utils.i18n`, keys ``backprop.quiz.*``);
:func:`self_check` builds the questions in the language in use.
"""

from utils.i18n import DEFAULT, msg
from utils.ui.quiz import Choice, Question, QuizSet

#: (key, catalogue section, letter of the correct choice) of each question.
_QUESTIONS = (("backprop-1", "q1", "b"), ("backprop-2", "q2", "c"))


def questions(lang=None) -> list[Question]:
    """The two self-check questions in language ``lang`` (default: the language in use)."""

    def text(section, name):
        return msg(f"backprop.quiz.{section}.{name}", lang=lang)

    return [
        Question(
            key,
            text(section, "prompt"),
            [
                Choice(text(section, letter), letter == right, text(section, f"{letter}_feedback"))
                for letter in "abcd"
            ],
            text(section, "explanation"),
        )
        for key, section, right in _QUESTIONS
    ]


def __getattr__(name):
    """``SELF_CHECK``: the questions in English (what tools that list every quiz read), made
    when asked for, so that importing this module reads no catalogue."""
    if name == "SELF_CHECK":
        return questions(DEFAULT)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def self_check() -> QuizSet:
    """This lesson's two self-check questions, displayed like ``quiz()``."""
    return QuizSet(questions())
