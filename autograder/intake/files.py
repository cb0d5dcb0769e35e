"""Reading a student's files: never through a link, never waiting on a pipe or reading a device.

Files are opened relative to the submission folder's descriptor with ``O_NOFOLLOW`` after an
``lstat`` check (and an ``fstat`` after opening), so a link, a FIFO or ``/dev/zero`` is never
followed, waited on or read, and at most a capped number of bytes is read.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from autograder.intake.notes import Rejected

NOTEBOOK_SUFFIX = ".ipynb"
CHUNK = 2**20
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


@contextlib.contextmanager
def opened_folder(folder: Path):
    """``(descriptor, {name: kind})`` of a submission folder's notebooks; links not followed.

    Raises :class:`Rejected` when the folder cannot be opened or listed.
    """
    try:
        parent = os.open(folder.parent, _OPEN_DIR)
        try:
            fd = os.open(folder.name, _OPEN_DIR, dir_fd=parent)
        finally:
            os.close(parent)
    except OSError as err:
        raise Rejected(f"your submission folder could not be opened ({err.strerror})") from None
    try:
        try:
            entries = _notebook_entries(fd)
        except OSError as err:
            raise Rejected(f"your submission folder could not be read ({err.strerror})") from None
        yield fd, entries
    finally:
        os.close(fd)


def _notebook_entries(fd: int) -> dict[str, str]:
    """``name -> "file" | "link" | "folder" | "other"`` for each ``*.ipynb`` directly in ``fd``."""
    entries = {}
    with os.scandir(fd) as listing:
        for entry in listing:
            if entry.name.startswith(".") or not entry.name.endswith(NOTEBOOK_SUFFIX):
                continue
            if entry.is_symlink():
                entries[entry.name] = "link"
            elif entry.is_file(follow_symlinks=False):
                entries[entry.name] = "file"
            elif entry.is_dir(follow_symlinks=False):
                entries[entry.name] = "folder"
            else:
                entries[entry.name] = "other"
    return entries


def read_file(fd: int, name: str, cap: int) -> bytes:
    """At most ``cap + 1`` bytes of the regular file ``name`` in folder ``fd``.

    Raises :class:`Rejected` for anything but a regular file: it is never followed nor opened.
    """
    try:
        mode = os.lstat(name, dir_fd=fd).st_mode
        if not stat.S_ISREG(mode):
            raise Rejected(_not_a_file(mode))
        file_fd = os.open(name, _OPEN_FILE, dir_fd=fd)
    except OSError as err:
        raise Rejected(f"could not be opened ({err.strerror})") from None
    try:
        mode = os.fstat(file_fd).st_mode
        if not stat.S_ISREG(mode):  # swapped after the lstat
            raise Rejected(_not_a_file(mode))
        chunks, size = [], 0
        while size <= cap and (chunk := os.read(file_fd, min(CHUNK, cap + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as err:
        raise Rejected(f"could not be read ({err.strerror})") from None
    finally:
        os.close(file_fd)


def _not_a_file(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "is a symbolic link (a shortcut to another file), which is not followed"
    if stat.S_ISDIR(mode):
        return "is a folder, not a notebook file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe, not a notebook file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a notebook file"
    return "is not a regular file"
