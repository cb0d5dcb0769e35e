"""Read a class's submissions and make each one gradeable, noting what had to be repaired.

A submissions folder (or a zip of one) is laid out ``<student_id>/<assignment>/*.ipynb``.
Before nbgrader sees a submission, :func:`prepare` copies it into the course's
``submitted/`` folder and repairs what would otherwise stop nbgrader:

* a notebook that is not valid JSON is replaced by the blank release (graded as empty);
* a missing notebook: a single notebook under another name is used in its place,
  otherwise the blank release is graded;
* duplicated cell ids and copy-pasted graded cells (duplicated ``grade_id``) are
  de-duplicated, keeping the first cell with each grade_id as the graded one.

Every repair is described in a note that ends up at the top of the student's feedback.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import uuid
import zipfile
from pathlib import Path

import nbformat

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")


def unpack(submissions: Path, scratch: Path) -> Path:
    """A folder of submissions: ``submissions`` itself, or the zip extracted into ``scratch``."""
    submissions = Path(submissions)
    if submissions.is_dir():
        return submissions
    if not zipfile.is_zipfile(submissions):
        raise SystemExit(f"{submissions} is neither a folder nor a zip file of submissions")
    target = scratch / "unzipped"
    shutil.rmtree(target, ignore_errors=True)
    with zipfile.ZipFile(submissions) as zf:
        for member in zf.namelist():
            if member.startswith("/") or ".." in Path(member).parts:
                raise SystemExit(f"refusing unsafe path {member!r} in {submissions}")
        zf.extractall(target)
    if _holds_submissions(target):
        return target
    entries = [p for p in target.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    if len(entries) == 1 and _holds_submissions(entries[0]):
        return entries[0]            # the zip wrapped everything in one folder
    return target


def _holds_submissions(folder: Path) -> bool:
    return folder.is_dir() and any(any(child.glob("*/*.ipynb")) for child in folder.iterdir()
                                   if child.is_dir())


def find(folder: Path, assignment: str) -> list[tuple[str, Path]]:
    """``(student_id, folder)`` for every ``<student_id>/<assignment>/`` in ``folder``."""
    found = []
    for student_dir in sorted(Path(folder).iterdir()):
        if not student_dir.is_dir() or student_dir.name.startswith("."):
            continue
        if not STUDENT_ID.match(student_dir.name):
            raise SystemExit(f"{student_dir.name!r} is not a usable student id "
                             "(letters, digits and _ . @ + - only)")
        if (student_dir / assignment).is_dir():
            found.append((student_dir.name, student_dir / assignment))
    return found


def fingerprint(folder: Path) -> str:
    """SHA-256 over the names and bytes of every file in a submission folder."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _dedupe(nb) -> list[str]:
    notes, seen_ids, seen_grade_ids = [], set(), set()
    for index, cell in enumerate(nb.cells):
        if cell.get("id") in seen_ids or not cell.get("id"):
            cell["id"] = uuid.uuid4().hex[:12]
            notes.append(f"cell {index} repeated another cell's id; it was given a new one")
        seen_ids.add(cell["id"])
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id is None:
            continue
        if grade_id in seen_grade_ids:
            del cell.metadata["nbgrader"]
            notes.append(f"cell {index} is a copy of the graded cell '{grade_id}'; only the first "
                         "copy was graded")
        seen_grade_ids.add(grade_id)
    return notes


def prepare(src: Path, dest: Path, release_dir: Path) -> list[str]:
    """Copy one submission into ``dest`` (nbgrader's submitted folder), repaired; return notes."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    notes = []
    expected = sorted(p.name for p in release_dir.glob("*.ipynb"))
    present = sorted(p.name for p in dest.glob("*.ipynb"))
    extra = [name for name in present if name not in expected]
    for name in expected:
        target = dest / name
        if not target.exists():
            if len(expected) == 1 and len(extra) == 1:
                (dest / extra[0]).rename(target)
                notes.append(f"{name} was missing; your notebook {extra[0]} was graded in its place")
            else:
                shutil.copyfile(release_dir / name, target)
                notes.append(f"{name} was missing from your submission; it was graded as blank")
                continue
        try:
            nb = nbformat.read(str(target), as_version=4)
        except (json.JSONDecodeError, nbformat.reader.NotJSONError, UnicodeDecodeError,
                nbformat.ValidationError, KeyError, TypeError, AttributeError) as err:
            shutil.copyfile(release_dir / name, target)
            notes.append(f"{name} could not be read as a notebook ({type(err).__name__}: "
                         f"{str(err)[:120]}); it was graded as blank")
            continue
        fixes = _dedupe(nb)
        if fixes:
            nbformat.write(nb, str(target))
            notes += [f"{name}: {fix}" for fix in fixes]
    return notes
