"""The lecture notes the course follows (Course 2, Week 2; ``../shared/seed/``), as data.

Each section of the notes, with the figures it shows (the notes number them 图2-2-1 ...
图2-2-20), so a lesson card can say "sections 3.1-3.4 (figures 2-2-6 to 2-2-12)" and START_HERE
can map every section of the notes to the lessons that teach it.  Section titles are in the
message catalogue (``notes.s<section>``, e.g. ``notes.s3_2``), in every language.
"""

from __future__ import annotations

from dataclasses import dataclass

from utils.i18n import msg


@dataclass(frozen=True)
class Section:
    number: str  # "3.2"
    figures: tuple[str, ...]  # the notes' figure numbers in this section, "2-2-7", ...

    def title(self, lang: str | None = None) -> str:
        return msg(f"notes.s{self.number.replace('.', '_')}", lang=lang)


SECTIONS: tuple[Section, ...] = (
    Section("1.1", ("2-2-1",)),
    Section("1.2", ("2-2-2",)),
    Section("2.1", ("2-2-3", "2-2-4")),
    Section("2.2", ("2-2-5",)),
    Section("2.3", ()),
    Section("3.1", ("2-2-6",)),
    Section("3.2", ("2-2-7", "2-2-8")),
    Section("3.3", ("2-2-9", "2-2-10", "2-2-11")),
    Section("3.4", ("2-2-12",)),
    Section("4.1", ("2-2-13",)),
    Section("4.2", ("2-2-14",)),
    Section("4.3", ("2-2-15", "2-2-16", "2-2-17", "2-2-18")),
    Section("5.1", ("2-2-19",)),
    Section("5.2", ("2-2-20",)),
)


def section(number: str) -> Section:
    """The section numbered ``number`` ("3.2")."""
    for item in SECTIONS:
        if item.number == number:
            return item
    raise KeyError(
        f"the notes have no section {number!r}; they have {[s.number for s in SECTIONS]}"
    )


def figures(numbers) -> tuple[str, ...]:
    """The figures of the sections ``numbers``, in the notes' order."""
    return tuple(fig for number in numbers for fig in section(number).figures)
