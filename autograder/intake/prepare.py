"""What reaches nbgrader's ``submitted/`` folder: only the expected notebooks, clean or blank.

Each expected notebook is read without following links (:mod:`.files`), rebuilt from the
student's JSON (:mod:`.notebook`) and re-serialized by nbformat.  A notebook that is missing or
cannot be used is replaced by the blank release; every repair and replacement is described in
a note for the top of the student's feedback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from autograder.intake.files import NOTEBOOK_SUFFIX, opened_folder, read_file
from autograder.intake.limits import LIMITS, Limits, megabytes
from autograder.intake.notebook import clean_notebook
from autograder.intake.notes import Rejected, shown
from autograder.intake.students import Submission


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
        return _all_blank(releases, dest, shown(submission.problem))
    try:
        with opened_folder(submission.folder) as (fd, entries):
            return _prepare_notebooks(fd, entries, releases, dest, limits)
    except Rejected as why:
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
            else (f"{name} was missing, and your notebook {shown(source)}", name)
        )
        try:
            data, size, fixes = _usable_notebook(fd, source, release, budget, limits)
        except Rejected as why:
            _write(release, dest / name)
            notes.append(f"{label} {why}; {graded} was graded as blank")
            continue
        (dest / name).write_bytes(data)
        budget -= size
        if source != name:
            notes.append(
                f"{name} was missing; your notebook {shown(source)} was graded in its place"
            )
        notes += [f"{name}: {fix}" for fix in fixes]
    return notes


def _usable_notebook(fd: int, source: str, release, budget: int, limits: Limits):
    """``(clean notebook as bytes, bytes read, notes)``; :class:`Rejected` if it is unusable."""
    data = read_file(fd, source, limits.file_bytes)
    _check_size(len(data), budget, limits)
    try:
        nb, fixes = clean_notebook(data, _grade_ids(release), limits)
        return _serialized(nb), len(data), fixes
    except Rejected:
        raise
    except Exception as err:  # noqa: BLE001 - nothing one student sends may stop the class
        raise Rejected(
            f"could not be read as a notebook (it caused an unexpected {type(err).__name__})"
        ) from None


def _check_size(size: int, budget: int, limits: Limits) -> None:
    if size > limits.file_bytes:
        raise Rejected(f"is larger than {megabytes(limits.file_bytes)}, the most a notebook may be")
    if size > budget:
        raise Rejected(
            f"makes your notebooks larger than {megabytes(limits.submission_bytes)} "
            "together, the most a submission may be"
        )


def _write(nb, path: Path) -> None:
    path.write_bytes(_serialized(nb))


def _serialized(nb) -> bytes:
    """``nb`` as nbformat writes it, in UTF-8; :class:`Rejected` if its text cannot be encoded."""
    try:
        return nbformat.writes(nb, version=4).encode("utf-8")
    except UnicodeEncodeError:
        raise Rejected(
            "could not be read as a notebook (it contains text that is not valid Unicode)"
        ) from None


def _grade_ids(release) -> frozenset[str]:
    return frozenset(
        cell.metadata["nbgrader"]["grade_id"]
        for cell in release.cells
        if "grade_id" in cell.metadata.get("nbgrader", {})
    )
