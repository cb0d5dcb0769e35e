"""The course's languages: one message catalogue per language, and the language in use.

Every message that ``utils`` shows a student in a converted module (the quiz widget, the generic
feedback of :mod:`utils.feedback.core`, the backprop lesson) is looked up here by key::

    from utils.i18n import msg
    msg("feedback.not_written", what="my_softmax(z)")

The catalogues are data: one folder per language, ``utils/i18n/messages/<code>/``, holding one
file per area (``core.toml`` for the shared layer, ``<lesson package>.toml`` for a lesson), so a
lesson's messages live in one file of their own; a nested table ``[feedback]`` with
``not_written = "..."`` is the key ``feedback.not_written``. A key defined in two files of one
language is an error.
Parameters are filled in with :meth:`str.format`, so a message may format them itself
(``{got:.6g}``). A third language is one more folder, ``fr/``, with the same files: no code
changes (``tests/test_i18n.py`` checks that it has every key and the same parameters).

The language in use, :func:`language`:

1. ``COURSE_LANG`` in the environment (``zh``, ``zh_CN.UTF-8`` and ``zh-cn`` all mean ``zh``),
   the one switch a student sets once (``COURSE_LANG=zh make lab``);
2. otherwise the language of the notebook's folder: a kernel runs in its notebook's folder, and
   the notebooks of language ``xx`` live in ``notebooks/xx/`` (``make release`` puts them there);
3. otherwise English.

A key missing from a catalogue falls back to English at run time; the drift gate
(``tests/test_i18n.py``) makes sure that never happens for the catalogues in the repository.
Importing this module changes nothing.
"""

from __future__ import annotations

import functools
import os
import string
import tomllib
from pathlib import Path

__all__ = ["DEFAULT", "LANG_ENV", "catalogue", "fields", "language", "languages", "msg"]

DEFAULT = "en"
LANG_ENV = "COURSE_LANG"
CATALOGUES = Path(__file__).resolve().parent / "messages"


def languages() -> tuple[str, ...]:
    """The codes of the languages that have a catalogue, English first."""
    codes = [p.name for p in CATALOGUES.iterdir() if p.is_dir() and any(p.glob("*.toml"))]
    return tuple(sorted(codes, key=lambda code: code != DEFAULT))


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


@functools.cache
def catalogue(code: str) -> dict[str, str]:
    """The messages of language ``code``: key -> text with ``{parameters}``."""
    files = sorted((CATALOGUES / code).glob("*.toml"))
    if not files:
        raise KeyError(f"no catalogue for language {code!r}; languages are {languages()}")
    messages: dict[str, str] = {}
    for path in files:
        with path.open("rb") as file:
            found = _flatten(tomllib.load(file))
        twice = sorted(set(found) & set(messages))
        if twice:
            raise ValueError(f"{path}: keys already defined in another file of {code}/: {twice}")
        messages.update(found)
    return messages


def _normalise(code: str) -> str:
    return code.strip().lower().replace("_", "-").split(".")[0].split("-")[0]


def language() -> str:
    """The language of the messages: ``COURSE_LANG``, else the notebook folder's, else English."""
    known = languages()
    chosen = _normalise(os.environ.get(LANG_ENV, ""))
    if chosen in known:
        return chosen
    parts = Path.cwd().parts
    for here, below in zip(parts, parts[1:]):
        if here == "notebooks" and below in known:
            return below
    return DEFAULT


def msg(key: str, lang: str | None = None, **params) -> str:
    """The message ``key`` in ``lang`` (default: :func:`language`), with ``params`` filled in."""
    code = lang or language()
    text = catalogue(code).get(key) if code in languages() else None
    if text is None:
        text = catalogue(DEFAULT)[key]  # a key that English lacks is a bug: KeyError
    return text.format(**params)


def fields(text: str) -> set[str]:
    """The parameter names of a message (``{got:.6g}`` -> ``got``)."""
    return {
        name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name
    }
