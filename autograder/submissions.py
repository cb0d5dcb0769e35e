"""Intake of a class's submissions: every file a student sends is hostile data.

A submissions folder (or a zip of one) is laid out ``<student>/<assignment>/*.ipynb``.  This
module turns it into what nbgrader may safely see:

* :func:`unpack` extracts from a zip only regular ``.ipynb`` members with safe names, each
  streamed under a byte cap (a forged size in a header or a zip bomb writes nothing large);
* :func:`find` lists every student folder without following links and gives each student, whatever
  their folder is called, a safe and unique id (:func:`safe_id`) for nbgrader and file paths;
* :func:`fingerprint` hashes exactly what intake reads, so an unchanged submission is not regraded;
* :func:`prepare` writes into nbgrader's ``submitted/`` folder only the expected notebooks, each
  rebuilt from the student's JSON and re-serialized by nbformat: outputs cleared, widget state
  and non-image attachments dropped, damaged nbgrader metadata removed, duplicated cell ids and
  copy-pasted graded cells de-duplicated.  Any notebook that cannot be used (a link, a pipe, a
  folder, too large, not JSON, too deeply nested, not nbformat 4) is replaced by the blank release
  and graded as empty.

Files are opened relative to the submission folder's descriptor with ``O_NOFOLLOW`` after an
``lstat`` check, so a link, a FIFO or ``/dev/zero`` is never followed, waited on or read.  Every
repair is described in a note for the top of the student's feedback; notes name files, never
host paths, and echo at most 120 characters of anything the student chose, without control
characters.  Nothing a student controls makes :func:`find` or :func:`prepare` raise.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import logging
import math
import os
import re
import shutil
import stat
import struct
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")
GRADE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")  # nbgrader's own pattern, bounded
CELL_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # nbformat 4.5
NOTEBOOK_SUFFIX = ".ipynb"
CELL_TYPES = ("code", "markdown", "raw")
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
NBGRADER_FLAGS = ("grade", "solution", "locked", "task")
SHOWN_CHARS = 120

_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CREATE_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_CHUNK = 2**20
_HIDDEN_CHARS = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})  # controls, bidi, surrogates, breaks
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.S)  # closed or cut at end
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_END_RECORD = struct.Struct("<4s4H2LH")  # zip end of central directory
_END_RECORD64 = struct.Struct("<4sQ2H2L4Q")  # zip64 end of central directory
_LOCATOR64_SIZE = 20


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


@dataclass(frozen=True)
class Submission:
    """One student's entry in the submissions folder."""

    student: str  # the display name: the folder name as found
    student_id: str  # safe, stable, unique id for nbgrader, the gradebook and paths
    folder: Path | None  # <folder>/<student>/<assignment>, or None when it is not usable
    problem: str = ""  # why folder is None, in words for the student


class _Rejected(Exception):
    """A student's file cannot be used; the message says why, in words for the student."""


# --------------------------------------------------------------------------- names and ids


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


def _shown(text: object) -> str:
    """Something a student chose, safe to echo in a note: no control characters, ≤ 120 chars."""
    text = "".join(
        ch for ch in str(text)[: 4 * SHOWN_CHARS] if unicodedata.category(ch) not in _HIDDEN_CHARS
    )
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _megabytes(size: int) -> str:
    return f"{size / 2**20:g} MB"


# --------------------------------------------------------------------------- unpack


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
                f"{submissions} holds {_megabytes(declared)} of notebooks, more than "
                f"the {_megabytes(limits.class_bytes)} allowed for a class"
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
            f"{path} is not a usable zip file ({type(err).__name__}: {_shown(err)})"
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
                    f"{_megabytes(limits.class_bytes)} of notebooks, more than "
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
    while chunk := stream.read(min(_CHUNK, cap + 1 - written)):
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


# --------------------------------------------------------------------------- find


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


# --------------------------------------------------------------------------- reading safely


@contextlib.contextmanager
def _opened_folder(folder: Path):
    """``(descriptor, {name: kind})`` of a submission folder's notebooks; links not followed.

    Raises :class:`_Rejected` when the folder cannot be opened or listed.
    """
    try:
        parent = os.open(folder.parent, _OPEN_DIR)
        try:
            fd = os.open(folder.name, _OPEN_DIR, dir_fd=parent)
        finally:
            os.close(parent)
    except OSError as err:
        raise _Rejected(f"your submission folder could not be opened ({err.strerror})") from None
    try:
        try:
            entries = _notebook_entries(fd)
        except OSError as err:
            raise _Rejected(f"your submission folder could not be read ({err.strerror})") from None
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


def _read_file(fd: int, name: str, cap: int) -> bytes:
    """At most ``cap + 1`` bytes of the regular file ``name`` in folder ``fd``.

    Raises :class:`_Rejected` for anything but a regular file: it is never followed nor opened.
    """
    try:
        mode = os.lstat(name, dir_fd=fd).st_mode
        if not stat.S_ISREG(mode):
            raise _Rejected(_not_a_file(mode))
        file_fd = os.open(name, _OPEN_FILE, dir_fd=fd)
    except OSError as err:
        raise _Rejected(f"could not be opened ({err.strerror})") from None
    try:
        mode = os.fstat(file_fd).st_mode
        if not stat.S_ISREG(mode):  # swapped after the lstat
            raise _Rejected(_not_a_file(mode))
        chunks, size = [], 0
        while size <= cap and (chunk := os.read(file_fd, min(_CHUNK, cap + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as err:
        raise _Rejected(f"could not be read ({err.strerror})") from None
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


# --------------------------------------------------------------------------- fingerprint


def fingerprint(submission: Submission, *, limits: Limits = LIMITS) -> str:
    """SHA-256 over what intake reads of a submission: its notebooks' names, kinds and bytes."""
    digest = hashlib.sha256()
    _feed(digest, submission.problem)
    if submission.folder is None:
        return digest.hexdigest()
    try:
        with _opened_folder(submission.folder) as (fd, entries):
            for name, kind in sorted(entries.items()):
                _feed(digest, name, kind)
                if kind == "file":
                    _feed(digest, _read_or_reason(fd, name, limits.file_bytes))
    except _Rejected as why:
        _feed(digest, str(why))
    return digest.hexdigest()


def _read_or_reason(fd: int, name: str, cap: int) -> bytes:
    try:
        return _read_file(fd, name, cap)
    except _Rejected as why:
        return str(why).encode()


def _feed(digest, *items: str | bytes) -> None:
    for item in items:
        data = item if isinstance(item, bytes) else item.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big") + data)


# --------------------------------------------------------------------------- prepare


def prepare(
    submission: Submission, dest: Path, release_dir: Path, *, limits: Limits = LIMITS
) -> list[str]:
    """Write into ``dest`` only the expected notebooks, each clean or blank; return the notes.

    ``dest`` is nbgrader's ``submitted/<student_id>/<assignment>/``; the expected notebooks are
    the ``*.ipynb`` of ``release_dir``.  Never raises for anything the student controls.
    """
    dest, release_dir = Path(dest), Path(release_dir)
    _reset(dest)
    releases = {
        p.name: nbformat.read(str(p), as_version=4)
        for p in sorted(release_dir.glob("*" + NOTEBOOK_SUFFIX))
    }
    if submission.folder is None:
        return _all_blank(releases, dest, _shown(submission.problem))
    try:
        with _opened_folder(submission.folder) as (fd, entries):
            return _prepare_notebooks(fd, entries, releases, dest, limits)
    except _Rejected as why:
        return _all_blank(releases, dest, str(why))


def _reset(dest: Path) -> None:
    if dest.is_symlink() or dest.is_file():
        dest.unlink()
    elif dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)


def _all_blank(releases: dict, dest: Path, why: str) -> list[str]:
    notes = []
    for name, release in releases.items():
        _write(release, dest / name)
        notes.append(f"{why}, so {name} was graded as blank")
    return notes


def _prepare_notebooks(
    fd: int, entries: dict[str, str], releases: dict, dest: Path, limits: Limits
) -> list[str]:
    extra = sorted(set(entries) - set(releases))
    budget, notes = limits.submission_bytes, []
    for name, release in releases.items():
        source = name if name in entries else None
        if source is None and len(releases) == 1 and len(extra) == 1:
            source = extra[0]  # one notebook under another name: grade that one
        if source is None:
            _write(release, dest / name)
            notes.append(f"{name} was missing from your submission; it was graded as blank")
            continue
        label, graded = (
            (name, "it")
            if source == name
            else (f"{name} was missing, and your notebook {_shown(source)}", name)
        )
        try:
            data, size, fixes = _usable_notebook(fd, source, release, budget, limits)
        except _Rejected as why:
            _write(release, dest / name)
            notes.append(f"{label} {why}; {graded} was graded as blank")
            continue
        (dest / name).write_bytes(data)
        budget -= size
        if source != name:
            notes.append(
                f"{name} was missing; your notebook {_shown(source)} was graded in its place"
            )
        notes += [f"{name}: {fix}" for fix in fixes]
    return notes


def _usable_notebook(fd: int, source: str, release, budget: int, limits: Limits):
    """``(clean notebook as bytes, bytes read, notes)``; :class:`_Rejected` if it is unusable."""
    data = _read_file(fd, source, limits.file_bytes)
    _check_size(len(data), budget, limits)
    try:
        nb, fixes = _clean_notebook(data, _grade_ids(release), limits)
        return _serialized(nb), len(data), fixes
    except _Rejected:
        raise
    except Exception as err:  # noqa: BLE001 - nothing one student sends may stop the class
        raise _Rejected(
            f"could not be read as a notebook (it caused an unexpected {type(err).__name__})"
        ) from None


def _check_size(size: int, budget: int, limits: Limits) -> None:
    if size > limits.file_bytes:
        raise _Rejected(
            f"is larger than {_megabytes(limits.file_bytes)}, the most a notebook may be"
        )
    if size > budget:
        raise _Rejected(
            f"makes your notebooks larger than {_megabytes(limits.submission_bytes)} "
            "together, the most a submission may be"
        )


def _write(nb, path: Path) -> None:
    path.write_bytes(_serialized(nb))


def _serialized(nb) -> bytes:
    """``nb`` as nbformat writes it, in UTF-8; :class:`_Rejected` if its text cannot be encoded."""
    try:
        return nbformat.writes(nb, version=4).encode("utf-8")
    except UnicodeEncodeError:
        raise _Rejected(
            "could not be read as a notebook (it contains text that is not valid Unicode)"
        ) from None


def _grade_ids(release) -> frozenset[str]:
    return frozenset(
        cell.metadata["nbgrader"]["grade_id"]
        for cell in release.cells
        if "grade_id" in cell.metadata.get("nbgrader", {})
    )


# --------------------------------------------------------------------------- cleaning a notebook


def _clean_notebook(data: bytes, grade_ids: frozenset[str], limits: Limits):
    """``(notebook, notes)``: the student's JSON rebuilt as a clean nbformat 4 notebook.

    Raises :class:`_Rejected` when nothing gradeable can be made of it.
    """
    raw = _parse_json(data, limits)
    _check_version(raw)
    if not isinstance(raw.get("cells"), list):
        raise _Rejected("could not be read as a notebook (it has no list of cells)")
    notes, cells, numbers = [], [], []
    for number, cell in enumerate(raw["cells"], start=1):
        clean, fixes = _clean_cell(number, cell, grade_ids, limits)
        notes += fixes
        if clean is not None:
            cells.append(clean)
            numbers.append(number)
    metadata = raw.get("metadata", {})
    if not isinstance(metadata, dict):
        metadata = {}
        notes.append("the notebook's metadata was not valid and was removed")
    metadata.pop("widgets", None)  # saved widget state: never needed to grade
    nb = nbformat.from_dict(
        {
            "nbformat": 4,
            "nbformat_minor": nbformat.v4.nbformat_minor,
            "metadata": metadata,
            "cells": cells,
        }
    )
    notes += _dedupe(nb, numbers)
    nb, fixes = _conform(nb)
    return nb, notes + fixes


def _parse_json(data: bytes, limits: Limits) -> dict:
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise _Rejected("could not be read as a notebook (it is not a text file)") from None
    if _json_depth(text) > limits.json_depth:
        raise _Rejected(
            f"could not be read as a notebook (its data is nested more than "
            f"{limits.json_depth} levels deep)"
        )
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise _Rejected(
            f"could not be read as a notebook (it is not valid JSON: {_shown(err)})"
        ) from None
    if not isinstance(raw, dict):
        raise _Rejected("could not be read as a notebook (its JSON is not a notebook)")
    return raw


def _json_depth(text: str) -> int:
    """How deeply JSON ``text`` nests arrays and objects (brackets inside strings not counted)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(itertools.accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def _check_version(raw: dict) -> None:
    if "nbformat" not in raw:
        raise _Rejected(
            "does not say which notebook format version it is in (only version 4 can be graded)"
        )
    version = raw["nbformat"]
    if type(version) is not int or version != 4:
        raise _Rejected(
            f"is in notebook format version {_shown(json.dumps(version))}, and only "
            "version 4 can be graded"
        )


def _clean_cell(number: int, cell, grade_ids: frozenset[str], limits: Limits):
    """``(clean cell or None, notes)``: only the fields nbformat defines, outputs cleared."""
    if not isinstance(cell, dict):
        return None, [f"cell {number} was not a notebook cell and was removed"]
    kind = cell.get("cell_type")
    if kind not in CELL_TYPES:
        return None, [
            f"cell {number} had an unknown type ({_shown(json.dumps(kind))}) and was removed"
        ]
    source = _source_text(cell.get("source", ""))
    if source is None:
        return None, [f"cell {number}'s text could not be read and the cell was removed"]
    metadata, notes = _clean_metadata(number, cell.get("metadata", {}), kind, grade_ids)
    clean = {"cell_type": kind, "metadata": metadata, "source": source}
    if isinstance(cell.get("id"), str):
        clean["id"] = cell["id"]
    if kind == "code":
        clean.update(outputs=[], execution_count=None)
    elif cell.get("attachments") is not None:
        clean["attachments"], fixes = _clean_attachments(number, cell["attachments"], limits)
        notes += fixes
    return clean, notes


def _source_text(source) -> str | None:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    return None


def _clean_metadata(number: int, metadata, kind: str, grade_ids: frozenset[str]):
    """``(metadata, notes)`` with damaged or foreign nbgrader metadata removed."""
    if not isinstance(metadata, dict):
        return {}, [f"cell {number}'s metadata was not valid and was removed"]
    metadata = dict(metadata)
    if "nbgrader" not in metadata:
        return metadata, []
    problem = _nbgrader_problem(metadata["nbgrader"], kind, grade_ids)
    if not problem:
        return metadata, []
    del metadata["nbgrader"]
    return metadata, [
        f"cell {number}'s nbgrader metadata was removed because {problem}; if it "
        "was a graded or read-only cell, it is now an ordinary cell"
    ]


def _nbgrader_problem(meta, kind: str, grade_ids: frozenset[str]) -> str:
    """What is wrong with a cell's nbgrader metadata, in words; "" when nbgrader accepts it."""
    if not isinstance(meta, dict):
        return "it was not a set of named values"
    for flag in NBGRADER_FLAGS:
        if flag in meta and type(meta[flag]) is not bool:
            return f"its '{flag}' was not true or false"
    grade_id = meta.get("grade_id")
    if "grade_id" in meta and not (isinstance(grade_id, str) and GRADE_ID.fullmatch(grade_id)):
        return "its grade_id was not a short name of letters, digits, '_' and '-'"
    if "grade_id" in meta and grade_id not in grade_ids:
        return f"it names a cell '{grade_id}' that is not part of this assignment"
    points = meta.get("points", 0)
    if type(points) not in (int, float) or not math.isfinite(points) or points < 0:
        return "its points were not a number of 0 or more"
    if "schema_version" in meta and type(meta["schema_version"]) is not int:
        return "its schema_version was not a whole number"
    return _nbgrader_rejects(meta, kind)


@functools.cache
def _nbgrader_validator():
    """nbgrader's own metadata validator, its warnings (which quote student cells) silenced."""
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    validator = MetadataValidatorV3()
    quiet = logging.getLogger(f"{__name__}.nbgrader_metadata")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    validator.log = quiet
    return validator


def _nbgrader_rejects(meta: dict, kind: str) -> str:
    cell = nbformat.from_dict({"cell_type": kind, "source": "", "metadata": {"nbgrader": meta}})
    try:
        _nbgrader_validator().validate_cell(cell)
    except Exception as err:  # noqa: BLE001 - nbgrader's own verdict, whatever it raises
        return f"nbgrader does not accept it ({_shown(getattr(err, 'message', err))})"
    return ""


def _clean_attachments(number: int, attachments, limits: Limits):
    """``(attachments, notes)``: only images of at most ``limits.attachment_bytes`` are kept."""
    if not isinstance(attachments, dict):
        return {}, [f"cell {number}'s attachments could not be read and were removed"]
    kept, notes = {}, []
    for name, bundle in attachments.items():
        images = _image_data(bundle)
        shown = f"cell {number}'s attachment '{_shown(name)}'"
        if not images:
            notes.append(f"{shown} was not an image and was removed")
        elif sum(len(data) for data in images.values()) > limits.attachment_bytes:
            notes.append(
                f"{shown} was larger than {_megabytes(limits.attachment_bytes)} and was removed"
            )
        else:
            kept[name] = images
            if len(images) < len(bundle):
                notes.append(f"{shown} had parts that were not images; they were removed")
    return kept, notes


def _image_data(bundle) -> dict[str, str]:
    if not isinstance(bundle, dict):
        return {}
    images = {mime: _source_text(data) for mime, data in bundle.items() if mime in IMAGE_TYPES}
    return {mime: data for mime, data in images.items() if data is not None}


def _dedupe(nb, numbers: list[int]) -> list[str]:
    """Give repeated or invalid cell ids new ones; ungrade later copies of a graded cell.

    ``numbers`` are the cells' positions (from 1) in the student's notebook, for the notes.
    """
    notes, seen_ids, seen_grade_ids = [], set(), set()
    for number, cell in zip(numbers, nb.cells):
        cell_id = cell.get("id")
        if cell_id is None or cell_id in seen_ids or not CELL_ID.fullmatch(cell_id):
            if cell_id in seen_ids:
                notes.append(f"cell {number} repeated another cell's id; it was given a new one")
            elif cell_id is not None:
                notes.append(f"cell {number} had an invalid id; it was given a new one")
            cell["id"] = _new_cell_id(seen_ids)
        seen_ids.add(cell["id"])
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is None:
            continue
        if grade_id in seen_grade_ids:
            del cell.metadata["nbgrader"]
            notes.append(
                f"cell {number} is a copy of the graded cell '{grade_id}'; only the first "
                "copy was graded"
            )
        seen_grade_ids.add(grade_id)
    return notes


def _new_cell_id(taken: set[str]) -> str:
    while (cell_id := uuid.uuid4().hex[:12]) in taken:
        continue
    return cell_id


def _conform(nb):
    """``(notebook, notes)``: valid against nbformat's schema, metadata stripped if it must be.

    Metadata nbformat rejects is removed key by key; if the notebook is still invalid, all
    metadata but nbgrader's is removed.  Raises :class:`_Rejected` if even that is not enough.
    """
    changes, nb = nbformat.validator.normalize(
        nb, 4, nbformat.v4.nbformat_minor, strip_invalid_metadata=True
    )
    stripped = ["some of its metadata did not follow the notebook format and was removed"]
    if not _schema_error(nb):
        return nb, stripped if changes else []
    nb.metadata = nbformat.NotebookNode()
    for cell in nb.cells:
        nbgrader = cell.metadata.get("nbgrader")
        cell.metadata = nbformat.from_dict({} if nbgrader is None else {"nbgrader": nbgrader})
    error = _schema_error(nb)
    if error:
        raise _Rejected(f"does not follow the notebook format ({_shown(error)})")
    return nb, ["its metadata did not follow the notebook format and was removed"]


def _schema_error(nb) -> str:
    try:
        nbformat.validate(nb, version=4)
    except nbformat.ValidationError as err:
        return str(getattr(err, "message", err)) or type(err).__name__
    return ""
