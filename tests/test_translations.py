"""The language of a submission, and its feedback given back in that language
(``autograder/translations.py``: ``detect``, ``localise``); lesson 05 is translated."""

import copy

import nbformat

from autograder import translations
from autograder.course import SOURCE, STUDENT_DIR
from autograder.release import translated_dir

NAME = "05_backprop"


def source():
    return nbformat.read(str(SOURCE / NAME / f"{NAME}.ipynb"), as_version=4)


def build(lang):
    folder = STUDENT_DIR if lang == "en" else translated_dir(STUDENT_DIR, lang)
    return nbformat.read(str(folder / f"{NAME}.ipynb"), as_version=4)


def test_a_submission_is_in_the_language_of_its_build():
    assert translations.detect(build("en"), source()) == "en"
    assert translations.detect(build("zh"), source()) == "zh"


def test_a_submission_with_no_text_of_the_course_is_english():
    nb = build("zh")
    nb.cells = [c for c in nb.cells if c.cell_type == "code"]
    assert translations.detect(nb, source()) == "en"
    nb.cells.append(nbformat.v4.new_markdown_cell("我自己写的说明"))
    assert translations.detect(nb, source()) == "en"


def test_the_most_common_language_wins_and_a_tie_is_english():
    english, chinese = build("en"), build("zh")
    mixed = copy.deepcopy(chinese)
    markdown = [i for i, c in enumerate(mixed.cells) if c.cell_type == "markdown"]
    for i in markdown[:3]:  # a few cells pasted from the English notebook
        mixed.cells[i] = english.cells[i]
    assert translations.detect(mixed, source()) == "zh"
    for i in markdown[: len(markdown) // 2]:
        mixed.cells[i] = english.cells[i]
    expected = "zh" if len(markdown) % 2 else "en"
    assert translations.detect(mixed, source()) == expected


def test_localise_puts_the_translation_back_into_english_cells_only():
    english = build("en")
    answer = nbformat.v4.new_markdown_cell("My own answer, in English.")
    english.cells.append(answer)
    done = translations.localise(english, source(), "zh")
    markdown = [c for c in english.cells if c.cell_type == "markdown"]
    assert done == len(markdown) - 1
    assert [c.source for c in markdown[:-1]] == [
        c.source for c in build("zh").cells if c.cell_type == "markdown"
    ]
    assert markdown[-1].source == "My own answer, in English."
    code = [c.source for c in english.cells if c.cell_type == "code"]
    assert code == [c.source for c in build("en").cells if c.cell_type == "code"]


def test_localise_to_english_changes_nothing():
    nb = build("en")
    assert translations.localise(nb, source(), "en") == 0
    assert nb == build("en")
