"""The Chinese README (``README.zh.md``) and its drift gate (``autograder/readme_i18n.py``).

* Every student section of README.md has an up-to-date Chinese: changing the English without
  its Chinese fails, naming the section (the generated course map included).
* The translation changes words only: the same fenced code, the same commands and keys, the same
  rows of the course map; every link leads somewhere.
* The Chinese reads as Chinese: the glossary's terms and full-width punctuation.
"""

import re
from collections import Counter
from pathlib import Path

import pytest

from autograder.readme_i18n import (
    ENGLISH_ONLY,
    MARKER,
    headings,
    marker,
    problems,
    sections,
    translated,
)
from autograder.release import glossary
from utils import i18n
from utils.lessons import LESSONS

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
README_ZH = ROOT / "README.zh.md"
MAP = "The course map"
#: A sentence added to the English, as a writer would add one.
ADDED = "\nIf nothing helps, ask on the course forum and say what you ran.\n\n"


def english() -> str:
    return README.read_text(encoding="utf-8")


def chinese() -> str:
    return README_ZH.read_text(encoding="utf-8")


def student_sections() -> list[str]:
    return [h for h in sections(english()) if h not in ENGLISH_ONLY]


def pairs() -> list[tuple[str, str, str]]:
    """(heading, English section, Chinese section) of every translated section."""
    english_sections = sections(english())
    return [(h, english_sections[h], text) for h, _, text in translated(chinese())]


def without_code(text: str) -> str:
    """``text`` without fenced code and HTML comments (whose backticks are not commands)."""
    text = re.sub(r"^ {0,3}```.*?^ {0,3}```[ \t]*$", "", text, flags=re.S | re.M)
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def fenced(text: str) -> list[str]:
    return re.findall(r"^ {0,3}```.*?^ {0,3}```[ \t]*$", text, flags=re.S | re.M)


def commands(text: str) -> list[str]:
    """The inline code spans and keys (``<kbd>``) of a text, outside fenced code."""
    prose = without_code(text)
    return [m.group(2) for m in re.finditer(r"(`+)(.+?)\1", prose)] + re.findall(
        r"<kbd>.*?</kbd>", prose
    )


def links(text: str) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", without_code(text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def map_rows(text: str) -> list[list[str]]:
    """The cells of each lesson's row of a course-map table."""
    numbers = {lesson.number for lesson in LESSONS}
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|")
    ]
    return [row for row in rows if row[0] in numbers]


# ------------------------------------------------------------------ the drift gate


def test_every_student_section_has_an_up_to_date_chinese():
    assert problems(english(), chinese()) == []
    assert [h for h, _, _ in translated(chinese())] == student_sections()
    assert set(ENGLISH_ONLY) <= set(sections(english())), "ENGLISH_ONLY names a lost section"


@pytest.mark.parametrize("heading", student_sections())
def test_an_english_sentence_added_without_its_chinese_fails_naming_the_section(heading, tmp_path):
    text = english()
    section = sections(text)[heading]
    changed = tmp_path / "README.md"
    changed.write_text(text.replace(section, section.rstrip("\n") + "\n" + ADDED), "utf-8")

    found = problems(changed.read_text(encoding="utf-8"), chinese())

    assert len(found) == 1, found
    assert repr(heading) in found[0] and "the English changed" in found[0]
    # ... and the message says what the marker becomes once the Chinese is updated
    assert marker(heading, sections(changed.read_text(encoding="utf-8"))[heading]) in found[0]


def test_a_new_course_map_asks_for_its_chinese(tmp_path):
    """``make release`` rewrites the map from utils/lessons: a changed row is a changed section."""
    changed = tmp_path / "README.md"
    changed.write_text(english().replace("the ReLU puzzle;", "the ReLU puzzle, in 2-D;"), "utf-8")
    found = problems(changed.read_text(encoding="utf-8"), chinese())
    assert len(found) == 1 and repr(MAP) in found[0], found


def test_a_new_section_or_a_missing_chinese_fails(tmp_path):
    changed = tmp_path / "README.md"
    changed.write_text(english() + "\n## Getting help\n\nAsk on the forum.\n", "utf-8")
    found = problems(changed.read_text(encoding="utf-8"), chinese())
    assert len(found) == 1 and "'Getting help' has no Chinese" in found[0], found

    zh = chinese()
    start = zh.index("<!-- en: Troubleshooting ")
    cut = tmp_path / "README.zh.md"
    cut.write_text(zh[:start] + zh[zh.index("<!-- en: Licence and credits ") :], "utf-8")
    found = problems(english(), cut.read_text(encoding="utf-8"))
    assert len(found) == 1 and "'Troubleshooting' has no Chinese" in found[0], found


def test_instructor_sections_stay_english(tmp_path):
    changed = tmp_path / "README.md"
    for heading in ENGLISH_ONLY:
        section = sections(english())[heading]
        changed.write_text(english().replace(section, section + ADDED), "utf-8")
        assert problems(changed.read_text(encoding="utf-8"), chinese()) == []


def test_sections_split_at_level_two_headings_outside_code():
    text = "# Title\n\nIntro.\n\n## One\n\n```bash\n## not a heading\n```\n\n### Sub\n\n## Two\nx\n"
    assert sections(text) == {
        "Title": "# Title\n\nIntro.\n\n",
        "One": "## One\n\n```bash\n## not a heading\n```\n\n### Sub\n\n",
        "Two": "## Two\nx\n",
    }
    assert "".join(sections(english()).values()) == english()


def test_each_marker_heads_its_section():
    lines = chinese().splitlines()
    marked = [i for i, line in enumerate(lines) if MARKER.match(line)]
    assert len(marked) == len(student_sections())
    for i in marked:
        assert re.match(r"^##? \S", lines[i + 1]), f"line {i + 2} should be the heading"


# ------------------------------------------------------------------ the same code, commands, links


@pytest.mark.parametrize("heading", student_sections())
def test_code_blocks_and_commands_are_those_of_the_english(heading):
    (english_text,) = [e for h, e, _ in pairs() if h == heading]
    (chinese_text,) = [z for h, _, z in pairs() if h == heading]
    assert fenced(chinese_text) == fenced(english_text), f"{heading}: the code blocks differ"
    missing = Counter(commands(english_text)) - Counter(commands(chinese_text))
    assert not missing, f"{heading}: the Chinese lacks or changed {sorted(missing)}"
    known = set(commands(english()))
    invented = [c for c in commands(chinese_text) if c not in known]
    assert not invented, f"{heading}: commands README.md does not have: {invented}"


def test_every_link_leads_somewhere():
    anchors = {slug(h) for h in headings(english())}
    targets = links(chinese())
    assert targets
    for target in targets:
        if re.match(r"^[a-z]+://", target):
            continue
        path, _, anchor = target.partition("#")
        assert (ROOT / path).exists() if path else False, f"{target}: no such file"
        if anchor:
            assert path == "README.md" and anchor in anchors, f"{target}: no such section"


def test_the_instructor_sections_are_linked():
    targets = set(links(chinese()))
    for heading in ENGLISH_ONLY:
        assert f"README.md#{slug(heading)}" in targets, heading


def test_the_course_map_has_the_english_rows_and_the_chinese_titles():
    english_rows = map_rows(sections(english())[MAP])
    (chinese_map,) = [z for h, _, z in pairs() if h == MAP]
    chinese_rows = map_rows(chinese_map)
    assert [r[:2] + r[3:] for r in chinese_rows] == [r[:2] + r[3:] for r in english_rows]
    titles = i18n.catalogue("zh")
    for lesson, row in zip(LESSONS, chinese_rows, strict=True):
        title = titles[f"lessons.{lesson.package}.title"]
        assert row[2].startswith(f"**{title}**"), f"{lesson.id}: {row[2]!r}"


# ------------------------------------------------------------------ the Chinese itself


@pytest.mark.parametrize("heading", student_sections())
def test_the_glossary_terms_are_used(heading):
    (english_text,) = [e for h, e, _ in pairs() if h == heading]
    (chinese_text,) = [z for h, _, z in pairs() if h == heading]
    wrong = []
    for term in glossary():
        wrong += [f"{w!r} (say {term['zh']!r})" for w in term.get("avoid", []) if w in chinese_text]
        match, must = term.get("en_match"), term.get("zh_must", term["zh"])
        if match and re.search(match, english_text, re.I) and must not in chinese_text:
            wrong.append(f"English says {match!r}, Chinese lacks {must!r}")
    assert wrong == []


def test_chinese_sentences_use_full_width_punctuation():
    prose = without_code(chinese())
    prose = re.sub(r"(`+).+?\1|<kbd>.*?</kbd>|\]\([^)]*\)", " ", prose)
    cjk = "\u3400-\u9fff"
    wrong = re.findall(rf".{{0,8}}(?:[{cjk}][,.;:!?()]|[,;:!?()][{cjk}]).{{0,8}}", prose)
    assert wrong == []
