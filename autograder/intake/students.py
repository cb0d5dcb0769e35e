"""A class's students: one per folder, each with a safe, stable and unique id.

:func:`find` lists every student folder of a submissions folder without following links; any
folder name is a student, and :func:`safe_id` gives each one an id nbgrader, the gradebook and
file paths can use.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")


@dataclass(frozen=True)
class Submission:
    """One student's entry in the submissions folder."""

    student: str  # the display name: the folder name as found
    student_id: str  # safe, stable, unique id for nbgrader, the gradebook and paths
    folder: Path | None  # <folder>/<student>/<assignment>, or None when it is not usable
    problem: str = ""  # why folder is None, in words for the student


def safe_id(name: str) -> str:
    """``name`` when it is a plain id, else an ASCII slug of it plus 8 hex digits of its hash."""
    if STUDENT_ID.fullmatch(name):
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{_slug(name)}-{digest}"


def _slug(name: str) -> str:
    folded = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    slug = re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-")[:40].rstrip("-")
    return slug or "s"


def _unique_ids(names: list[str]) -> list[str]:
    """``safe_id`` of each name, made unique (ignoring case) with ``-2``, ``-3``… in list order.

    A suffixed id never takes the plain id of a later name.
    """
    bases = [safe_id(name) for name in names]
    reserved = {base.lower() for base in bases}
    taken, ids = set(), []
    for base in bases:
        candidate, count = base, 1
        while candidate.lower() in taken or (count > 1 and candidate.lower() in reserved):
            count += 1
            suffix = f"-{count}"
            candidate = base[: 100 - len(suffix)] + suffix
        taken.add(candidate.lower())
        ids.append(candidate)
    return ids


def _display_name(name: str) -> str:
    """A folder name as text that can be written anywhere (undecodable bytes as ``\\xNN``)."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def find(folder: Path, assignment: str) -> list[Submission]:
    """Every student of ``folder`` with an ``<assignment>`` entry, sorted by display name.

    Links are never followed: a student entry, or its ``<assignment>`` entry, that is a link or
    not a folder is listed with ``folder=None`` and the reason.  A student folder without an
    ``<assignment>`` entry is not listed.  Names starting with ``.`` and ``__MACOSX`` are skipped.
    """
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith((".", "__MACOSX")):
                continue
            usable = _assignment_folder(entry, assignment)
            if usable is not None:
                found.append((_display_name(entry.name), entry.name, *usable))
    found.sort()
    ids = _unique_ids([display for display, *_ in found])
    return [
        Submission(student=display, student_id=student_id, folder=path, problem=problem)
        for (display, _, path, problem), student_id in zip(found, ids)
    ]


def _assignment_folder(entry: os.DirEntry, assignment: str) -> tuple[Path | None, str] | None:
    """``(folder, "")``, ``(None, why it is unusable)``, or None when there is no submission.

    A link (to a folder or anywhere) is a student whose submission is unusable: it might be a
    classmate's work or the instructor's.  A stray top-level file is not a student.
    """
    if entry.is_symlink():
        return None, "your submission folder is a symbolic link; it was not followed"
    if not entry.is_dir(follow_symlinks=False):
        return None  # a stray file (README.txt, .zip) is not a student
    path = Path(entry.path) / assignment
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as err:
        return None, f"your {assignment} folder could not be opened ({err.strerror})"
    if stat.S_ISLNK(mode):
        return None, f"your {assignment} folder is a symbolic link; it was not followed"
    if not stat.S_ISDIR(mode):
        return None, f"your {assignment} entry is a file, not a folder"
    return path, ""
