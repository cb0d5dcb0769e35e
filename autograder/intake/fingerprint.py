"""A submission's fingerprint: what intake reads of it, hashed; unchanged work is not regraded."""

from __future__ import annotations

import hashlib

from autograder.intake.files import opened_folder, read_file
from autograder.intake.limits import LIMITS, Limits
from autograder.intake.notes import Rejected
from autograder.intake.students import Submission


def fingerprint(submission: Submission, *, limits: Limits = LIMITS) -> str:
    """SHA-256 over what intake reads of a submission: its notebooks' names, kinds and bytes."""
    digest = hashlib.sha256()
    _feed(digest, submission.problem)
    if submission.folder is None:
        return digest.hexdigest()
    try:
        with opened_folder(submission.folder) as (fd, entries):
            for name, kind in sorted(entries.items()):
                _feed(digest, name, kind)
                if kind == "file":
                    _feed(digest, _read_or_reason(fd, name, limits.file_bytes))
    except Rejected as why:
        _feed(digest, str(why))
    return digest.hexdigest()


def _read_or_reason(fd: int, name: str, cap: int) -> bytes:
    try:
        return read_file(fd, name, cap)
    except Rejected as why:
        return str(why).encode()


def _feed(digest, *items: str | bytes) -> None:
    for item in items:
        data = item if isinstance(item, bytes) else item.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big") + data)
