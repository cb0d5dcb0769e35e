"""The lecture notes as data (utils/lecture_notes.py): every section taught, every figure placed."""

import pytest

from utils.i18n import languages
from utils.lecture_notes import SECTIONS, figures, section
from utils.lessons import LESSONS, lesson_card, notes_map


def test_the_notes_twenty_figures_are_each_in_one_section_in_order():
    placed = [fig for part in SECTIONS for fig in part.figures]
    assert placed == [f"2-2-{k}" for k in range(1, 21)]


def test_every_lesson_names_sections_of_the_notes_and_every_section_is_taught():
    taught = {number for item in LESSONS for number in item.sections}
    assert taught <= {part.number for part in SECTIONS}
    assert {part.number for part in SECTIONS} <= taught, "a section of the notes no lesson teaches"


def test_an_unknown_section_is_a_clear_error():
    with pytest.raises(KeyError, match="no section '9.9'"):
        figures(("9.9",))


def test_the_lesson_card_names_the_figures_of_its_sections():
    softmax = next(item for item in LESSONS if item.id == "03_softmax_multiclass")
    assert "(figures 2-2-6, 2-2-7, 2-2-8, 2-2-9, 2-2-10, 2-2-11, 2-2-12)" in lesson_card(
        softmax, "en"
    )
    assert "（图 2-2-6" in lesson_card(softmax, "zh")


@pytest.mark.parametrize("lang", languages())
def test_start_here_maps_each_section_to_its_lessons(lang):
    table = notes_map(lang)
    for part in SECTIONS:
        row = next(line for line in table.splitlines() if line.startswith(f"| {part.number} |"))
        assert part.title(lang) in row
        for item in LESSONS:
            assert (f"{item.id}.ipynb" in row) == (part.number in item.sections), (part, item)
    assert section("5.1").title(lang) in table
