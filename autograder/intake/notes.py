"""What intake tells a student: why a file was not used, and their own words echoed safely.

Notes name files, never host paths, and echo at most :data:`SHOWN_CHARS` characters of anything
the student chose, without control characters.
"""

from __future__ import annotations

import unicodedata

SHOWN_CHARS = 120
_HIDDEN_CHARS = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})  # controls, bidi, surrogates, breaks


class Rejected(Exception):
    """A student's file cannot be used; the message says why, in words for the student."""


def shown(text: object) -> str:
    """Something a student chose, safe to echo in a note: no control characters, ≤ 120 chars."""
    text = "".join(
        ch for ch in str(text)[: 4 * SHOWN_CHARS] if unicodedata.category(ch) not in _HIDDEN_CHARS
    )
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
