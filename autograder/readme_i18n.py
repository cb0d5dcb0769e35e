"""The Chinese README (``README.zh.md``) and its drift gate (issue 10).

``README.md`` is written in English. Its student sections (the introduction, set-up, the course
map, troubleshooting, the licence) have a Chinese edition in ``README.zh.md``; the sections for
instructors and developers (:data:`ENGLISH_ONLY`) stay English, and ``README.zh.md`` points to
them. Every other section of ``README.md``, including one added later, needs its Chinese.

A section is the text from its heading line up to the next ``## `` heading (the introduction:
from the ``# `` title up to the first ``## ``), outside fenced code. Each translated section of
``README.zh.md`` starts with a marker line naming the English heading and the hash of the English
section it was translated from (:func:`section_hash`)::

    <!-- en: Set up: two commands sha: 0123456789ab -->
    ## 安装：两条命令

When the English section changes (the course map too: ``make release`` rewrites it from
``utils/lessons``), its hash no longer matches and :func:`problems` names the section. To update:
translate the change, then put :func:`marker` of the new English section in place of the old line.
"""

from __future__ import annotations

import re

from autograder.translations import text_hash

#: The sections of README.md for instructors and developers: not translated, linked to.
ENGLISH_ONLY = ("What is in the repository", "For instructors", "Tests and benchmarks")
MARKER = re.compile(r"^<!-- en: (?P<heading>.+?) sha: (?P<sha>[0-9a-f]{12}) -->[ \t]*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
TITLE = re.compile(r"^# (?P<heading>.+?)\s*$")
SECTION = re.compile(r"^## (?P<heading>.+?)\s*$")
COMMENT_LINE = re.compile(r"^<!--.*-->[ \t]*(?:\n|$)", re.M)


def _lines(text: str):
    """``(line, outside_fence)`` for each line of ``text``, line endings kept."""
    fence = None
    for line in text.splitlines(keepends=True):
        found = FENCE.match(line)
        if fence is None and found:
            fence = found.group(1)
            yield line, False
        elif fence is not None:
            if found and found.group(1) == fence and not line.strip().strip(fence[0]):
                fence = None
            yield line, False
        else:
            yield line, True


def sections(text: str) -> dict[str, str]:
    """``{heading: section text}`` of a markdown text, split at its ``## `` headings.

    The heading is written without its ``#``s; the text before the first ``## `` is keyed by
    its ``# `` title (or ``""`` without one). Lines in fenced code never start a section.
    """
    found: dict[str, list[str]] = {}
    current = None
    for line, outside in _lines(text):
        heading = SECTION.match(line) if outside else None
        if heading:
            current = heading.group("heading")
            if current in found:
                raise ValueError(f"two sections are headed {current!r}")
            found[current] = []
        elif current is None:
            title = TITLE.match(line) if outside else None
            current = title.group("heading") if title else ""
            found[current] = []
        found[current].append(line)
    return {heading: "".join(lines) for heading, lines in found.items()}


def headings(text: str) -> list[str]:
    """Every heading of a markdown text (any level, without its ``#``s), outside fenced code."""
    return [
        line.lstrip("#").strip()
        for line, outside in _lines(text)
        if outside and re.match(r"^#{1,6} ", line)
    ]


def section_hash(section: str) -> str:
    """:func:`~autograder.translations.text_hash` of an English section's words: without its
    comment lines and trailing blank lines.

    Dropping the comment lines keeps the course map *in* the hash: ``text_hash`` leaves out the
    regions ``make release`` writes between ``<!-- ... generated ... -->`` markers in every
    language, but README.md's map is written in English only, so a changed map is a changed
    section that its Chinese must follow.
    """
    return text_hash(COMMENT_LINE.sub("", section).rstrip() + "\n")


def marker(heading: str, english_section: str) -> str:
    """The marker line that starts the Chinese of ``english_section`` (headed ``heading``)."""
    return f"<!-- en: {heading} sha: {section_hash(english_section)} -->"


def translated(text: str) -> list[tuple[str, str, str]]:
    """``(English heading, sha, Chinese text)`` of each marked section of README.zh.md, in order.

    A marked section runs from its marker line to the next marker or the next ``## `` heading
    that has none (such as the pointer to the English-only sections); the Chinese text is
    without the marker line.
    """
    found: list[tuple[str, str, list[str]]] = []
    current = None
    previous_was_marker = False
    for line, outside in _lines(text):
        mark = MARKER.match(line) if outside else None
        if mark:
            current = [mark.group("heading"), mark.group("sha"), []]
            found.append(current)
        elif outside and SECTION.match(line) and not previous_was_marker:
            current = None
        elif current is not None:
            current[2].append(line)
        previous_was_marker = bool(mark)
    return [(heading, sha, "".join(lines)) for heading, sha, lines in found]


def problems(readme_en: str, readme_zh: str) -> list[str]:
    """Every student section of ``readme_en`` without an up-to-date Chinese in ``readme_zh``,
    and every Chinese section whose English is gone, named; ``[]`` when they agree."""
    english = sections(readme_en)
    chinese: dict[str, tuple[str, str]] = {}
    found = []
    for heading, sha, text in translated(readme_zh):
        if heading in chinese:
            found.append(f"README.zh.md translates section {heading!r} twice")
        chinese[heading] = (sha, text)
    for heading, text in english.items():
        if heading in ENGLISH_ONLY:
            continue
        now = section_hash(text)
        if heading not in chinese or not chinese[heading][1].strip():
            found.append(
                f"README.md section {heading!r} has no Chinese in README.zh.md: translate it "
                f"there, after the line {marker(heading, text)}"
            )
        elif chinese[heading][0] != now:
            found.append(
                f"README.md section {heading!r}: the English changed since it was translated "
                f"(sha {chinese[heading][0]} != {now}): update its Chinese in README.zh.md, "
                f"then its marker line: {marker(heading, text)}"
            )
    for heading in chinese:
        if heading not in english:
            found.append(
                f"README.zh.md translates section {heading!r}, which README.md does not have "
                "(renamed or removed?)"
            )
        elif heading in ENGLISH_ONLY:
            found.append(
                f"README.zh.md translates section {heading!r}, which is for instructors and "
                "developers (ENGLISH_ONLY): link to it instead"
            )
    return found
