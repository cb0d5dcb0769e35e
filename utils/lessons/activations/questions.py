"""The lecture's quiz for this lesson (lecture notes, week 2), with feedback for every choice.

The words are in the message catalogue (:mod:`utils.i18n`, keys ``activations.quiz.*``);
:func:`quiz` builds the questions in the language in use.
"""

from utils.i18n import DEFAULT, msg
from utils.ui.quiz import Choice, Question, QuizSet

#: (key, catalogue section, letters of the choices, letters of the correct ones) per question.
_QUESTIONS = (
    ("activations-1", "q1", "abcd", "b"),
    ("activations-2", "q2", "abc", "ab"),
    ("activations-3", "q3", "ab", "b"),
)


def questions(lang=None) -> list[Question]:
    """The three quiz questions in language ``lang`` (default: the language in use)."""

    def text(section, name):
        return msg(f"activations.quiz.{section}.{name}", lang=lang)

    return [
        Question(
            key,
            text(section, "prompt"),
            [
                Choice(text(section, letter), letter in right, text(section, f"{letter}_feedback"))
                for letter in letters
            ],
            text(section, "explanation"),
            multiple=len(right) > 1,
        )
        for key, section, letters, right in _QUESTIONS
    ]


def __getattr__(name):
    """``QUESTIONS``: the questions in English (what tools that list every quiz read), made
    when asked for, so that importing this module reads no catalogue."""
    if name == "QUESTIONS":
        return questions(DEFAULT)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def quiz() -> QuizSet:
    """This lesson's quiz questions, shown together."""
    return QuizSet(questions())
