"""A zip of submissions: only regular notebook members with safe names, each streamed under caps.

A member over a cap is skipped; a forged size in a header or a zip bomb writes nothing large, as
every member is streamed and cut at its cap whatever its header declares.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import struct
import zipfile
from pathlib import Path

from autograder.intake.files import CHUNK, NOTEBOOK_SUFFIX
from autograder.intake.limits import LIMITS, Limits, megabytes
from autograder.intake.notes import shown

_CREATE_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_END_RECORD = struct.Struct("<4s4H2LH")  # zip end of central directory
_END_RECORD64 = struct.Struct("<4sQ2H2L4Q")  # zip64 end of central directory
_LOCATOR64_SIZE = 20


def unpack(submissions: Path, scratch: Path, *, limits: Limits = LIMITS) -> Path:
    """A folder of submissions: ``submissions`` itself, or its notebooks extracted from a zip.

    Only regular ``*.ipynb`` members with safe names are extracted (into ``scratch/unzipped``),
    each capped at ``limits.file_bytes`` and at ``limits.zip_ratio`` times its compressed size;
    a member over a cap is skipped.  Refuses (``SystemExit``) only an unusable archive.
    """
    submissions = Path(submissions)
    if submissions.is_dir():
        return submissions
    target = Path(scratch) / "unzipped"
    with _open_archive(submissions, limits) as archive:
        members = _members_to_extract(archive, limits)
        declared = sum(info.file_size for info, _ in members)
        if declared > limits.class_bytes:
            raise SystemExit(
                f"{submissions} holds {megabytes(declared)} of notebooks, more than "
                f"the {megabytes(limits.class_bytes)} allowed for a class"
            )
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        _extract_all(archive, members, target, limits, submissions)
        _make_folders(archive, target)
    return _unwrap(target)


def _make_folders(archive: zipfile.ZipFile, target: Path) -> None:
    """The archive's folders, up to ``wrapper/student/assignment``, even with no notebook in them:
    a student whose notebook is unusable or absent still gets a row (blank, with a reason)."""
    for info in archive.infolist():
        parts = _member_parts(info.filename)
        if parts is None:
            continue
        folders = parts if info.is_dir() else parts[:-1]
        if folders:
            try:
                target.joinpath(*folders[:3]).mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # a clash with an extracted file, or an invalid name


@contextlib.contextmanager
def _open_archive(path: Path, limits: Limits):
    if not zipfile.is_zipfile(path):
        raise SystemExit(f"{path} is neither a folder nor a zip file of submissions")
    too_many = f"{path} has more than {limits.zip_members} members; refusing to read it"
    if _declared_members(path) > limits.zip_members:
        raise SystemExit(too_many)
    try:
        archive = zipfile.ZipFile(path)
    except Exception as err:  # noqa: BLE001 - any failure to read its directory: unusable
        raise SystemExit(
            f"{path} is not a usable zip file ({type(err).__name__}: {shown(err)})"
        ) from None
    with archive:
        if len(archive.infolist()) > limits.zip_members:
            raise SystemExit(too_many)
        yield archive


def _declared_members(path: Path) -> int:
    """The member count in the zip's end record, read before zipfile parses every entry."""
    with open(path, "rb") as fh:
        size = fh.seek(0, os.SEEK_END)
        start = max(0, size - _END_RECORD.size - 0xFFFF)
        fh.seek(start)
        tail = fh.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + _END_RECORD.size > len(tail):
            return 0  # zipfile will judge it
        count = _END_RECORD.unpack_from(tail, at)[4]
        record_at = start + at - _LOCATOR64_SIZE - _END_RECORD64.size
        if count != 0xFFFF or record_at < 0:
            return count
        fh.seek(record_at)
        record = fh.read(_END_RECORD64.size)
    if len(record) == _END_RECORD64.size and record[:4] == b"PK\x06\x06":
        return _END_RECORD64.unpack(record)[7]
    return count


def _members_to_extract(archive: zipfile.ZipFile, limits: Limits):
    """``(member, path parts)`` of the regular notebook members worth extracting."""
    keep = []
    for info in archive.infolist():
        parts = _member_parts(info.filename)
        if (
            parts is None
            or not parts[-1].endswith(NOTEBOOK_SUFFIX)
            or not _is_regular_member(info)
            or info.file_size > limits.file_bytes
            or info.file_size > limits.zip_ratio * max(info.compress_size, 1)
        ):
            continue
        keep.append((info, parts))
    return keep


def _member_parts(name: str) -> tuple[str, ...] | None:
    """The folders and file name of a member, or None for an unsafe or unwanted name."""
    if "\0" in name or name.startswith(("/", "\\")):
        return None
    parts = tuple(part for part in re.split(r"[/\\]", name) if part not in ("", "."))
    if not parts or any(
        part == ".." or part.startswith(".") or part == "__MACOSX" for part in parts
    ):
        return None
    try:
        if any(len(os.fsencode(part)) > 255 for part in parts) or len(os.fsencode(name)) > 4000:
            return None
    except UnicodeEncodeError:
        return None
    return parts


def _is_regular_member(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    if info.is_dir() or stat.S_ISLNK(mode):
        return False
    return stat.S_IFMT(mode) in (0, stat.S_IFREG)  # 0: made where file types are not recorded


class _TooLarge(Exception):
    """A stream went past its byte cap."""


def _extract_all(
    archive: zipfile.ZipFile, members, target: Path, limits: Limits, archive_path: Path
) -> None:
    """Extract ``members`` under ``target``; refuse the archive past ``limits.class_bytes``."""
    total = 0
    for info, parts in members:
        cap = min(limits.file_bytes, limits.zip_ratio * max(info.compress_size, 1))
        room = limits.class_bytes - total
        try:
            total += _extract_member(archive, info, target.joinpath(*parts), min(cap, room))
        except _TooLarge:
            if room < cap:
                raise SystemExit(
                    f"{archive_path} holds more than "
                    f"{megabytes(limits.class_bytes)} of notebooks, more than "
                    "allowed for a class"
                ) from None


def _extract_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, cap: int) -> int:
    """Stream one member into ``path`` (a new file); return its size, 0 when it was skipped.

    Raises :class:`_TooLarge` (the partial file removed) when it goes past ``cap`` bytes.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, _CREATE_FILE, 0o600)
    except OSError:
        return 0  # a name clash with another member, or not a valid name
    try:
        with os.fdopen(fd, "wb") as out, archive.open(info) as stream:
            return _copy_capped(stream, out, cap)
    except _TooLarge:
        path.unlink(missing_ok=True)
        raise
    except Exception:  # noqa: BLE001 - a member zipfile cannot read (bad CRC, method, password)
        path.unlink(missing_ok=True)
        return 0


def _copy_capped(stream, out, cap: int) -> int:
    written = 0
    while chunk := stream.read(min(CHUNK, cap + 1 - written)):
        written += len(chunk)
        if written > cap:
            raise _TooLarge
        out.write(chunk)
    return written


def _unwrap(target: Path) -> Path:
    """``target``, or the single folder the zip wrapped all submissions in."""
    if _holds_submissions(target):
        return target
    entries = [p for p in target.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    if len(entries) == 1 and _holds_submissions(entries[0]):
        return entries[0]
    return target


def _holds_submissions(folder: Path) -> bool:
    return folder.is_dir() and any(
        any(child.glob("*/*.ipynb")) for child in folder.iterdir() if child.is_dir()
    )
