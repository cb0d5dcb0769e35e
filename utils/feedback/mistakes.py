"""Mistake catalogues: the wrong answers students give, each with the message that names it.

A :class:`Mistake` computes what the mistaken code would return on the same inputs
as the student's code; when the student's answer equals it, the mistake is named.
A checker takes its catalogue as a keyword argument, so a lesson and the graded
assignment can diagnose the same exercise with the same messages, or choose fewer.

A message is a key of the message catalogues (``feedback.softmax.mistakes.ratio``), looked up
in the course's language when the mistake is named (:meth:`Mistake.says`); a caller's own
catalogue may hold its keys, or plain text that is only filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from utils.feedback.core import matches, quietly
from utils.i18n import DEFAULT, catalogue, language, msg


def say(message: str, **fields) -> str:
    """``message`` with ``fields`` filled in: a catalogue key in the course's language, any
    other text as it is (``"doubled {what}"``)."""
    if message in catalogue(DEFAULT):
        return msg(message, **fields)
    return message.format(**fields)


@dataclass(frozen=True)
class Mistake:
    """One wrong answer: ``wrong(*inputs)`` is what it returns; ``message`` names it.

    ``message`` is a catalogue key (or plain text), formatted with the fields the checker
    passes (``what``, ``got``, ...): :meth:`says`.
    """

    name: str
    wrong: Callable
    message: str

    def says(self, **fields) -> str:
        """The message naming this mistake, in the course's language, with ``fields``."""
        return say(self.message, **fields)

    def template(self, lang: str | None = None) -> str:
        """The message before its fields are filled in, in ``lang`` (default: the course's)."""
        if self.message not in catalogue(DEFAULT):
            return self.message
        return catalogue(lang or language()).get(self.message, catalogue(DEFAULT)[self.message])


def first_mistake(got, mistakes, *inputs, right, rtol=1e-6, atol=1e-8) -> Mistake | None:
    """The first mistake of the catalogue whose answer ``got`` equals (nan and inf included).

    A mistake whose answer on these inputs is the right answer, or that cannot be
    computed on them, is skipped: it would name a mistake that is not there.
    """
    for mistake in mistakes:
        try:
            with quietly():
                wrong = mistake.wrong(*inputs)
        except Exception:  # noqa: BLE001 - a mistake that does not apply to these inputs
            continue
        if matches(wrong, right, rtol=rtol, atol=atol):
            continue
        if matches(got, wrong, rtol=rtol, atol=atol, finite=False):
            return mistake
    return None


def pick(mistakes, *names) -> tuple[Mistake, ...]:
    """The mistakes of a catalogue with these names (a caller's smaller catalogue)."""
    known = {m.name for m in mistakes}
    unknown = set(names) - known
    if unknown:
        raise KeyError(f"no mistakes named {sorted(unknown)}; the catalogue has {sorted(known)}")
    return tuple(m for m in mistakes if m.name in names)
