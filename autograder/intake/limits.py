"""How much intake reads or writes: one notebook file, one submission, the whole class."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """How much intake reads or writes for one file, one submission and the whole class."""

    file_bytes: int = 20 * 2**20  # one notebook file
    submission_bytes: int = 50 * 2**20  # all notebook files of one student's submission
    class_bytes: int = 4 * 2**30  # everything read or extracted for the whole class
    zip_members: int = 100_000
    zip_ratio: int = 200  # uncompressed/compressed, per member
    json_depth: int = 64  # nesting of a notebook's JSON
    attachment_bytes: int = 2 * 2**20  # one cell attachment kept (larger: dropped + note)


LIMITS = Limits()


def megabytes(size: int) -> str:
    """A size in bytes as a message shows it (``20 MB``)."""
    return f"{size / 2**20:g} MB"
