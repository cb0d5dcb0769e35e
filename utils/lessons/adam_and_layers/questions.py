"""The lecture's quiz for this lesson (lecture notes, week 2), with feedback for every choice.

The words are in the message catalogue (:mod:`utils.i18n`, keys ``adam_and_layers.quiz.*``);
:func:`quiz` builds the questions in the language in use.
"""

from utils.i18n import DEFAULT, msg
from utils.ui.quiz import Choice, Question, QuizSet

#: (key, catalogue section, letter of the correct choice) of each question.
_QUESTIONS = (("adam-1", "q1", "d"), ("adam-2", "q2", "b"))


def questions(lang=None) -> list[Question]:
    """The two quiz questions in language ``lang`` (default: the language in use)."""

    def text(section, name):
        return msg(f"adam_and_layers.quiz.{section}.{name}", lang=lang)

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
    """``QUESTIONS``: the questions in English (what tools that list every quiz read), made
    when asked for, so that importing this module reads no catalogue."""
    if name == "QUESTIONS":
        return questions(DEFAULT)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def quiz() -> QuizSet:
    """This lesson's quiz questions, shown together."""
    return QuizSet(questions())
