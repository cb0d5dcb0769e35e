"""A student's notebook JSON rebuilt as a clean nbformat 4 notebook, every repair in a note.

Outputs are cleared, widget state and non-image attachments dropped, damaged nbgrader metadata
removed (:mod:`.nbgrader_metadata`), duplicated cell ids and copy-pasted graded cells
de-duplicated, and metadata nbformat's schema rejects stripped.  JSON nested deeper than the
limit is refused before it is parsed.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid

import nbformat

from autograder.intake.limits import Limits, megabytes
from autograder.intake.nbgrader_metadata import clean_metadata
from autograder.intake.notes import Rejected, shown

CELL_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # nbformat 4.5
CELL_TYPES = ("code", "markdown", "raw")
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.S)  # closed or cut at end
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def clean_notebook(data: bytes, grade_ids: frozenset[str], limits: Limits):
    """``(notebook, notes)``: the student's JSON rebuilt as a clean nbformat 4 notebook.

    Raises :class:`Rejected` when nothing gradeable can be made of it.
    """
    raw = _parse_json(data, limits)
    _check_version(raw)
    if not isinstance(raw.get("cells"), list):
        raise Rejected("could not be read as a notebook (it has no list of cells)")
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
        raise Rejected("could not be read as a notebook (it is not a text file)") from None
    if _json_depth(text) > limits.json_depth:
        raise Rejected(
            f"could not be read as a notebook (its data is nested more than "
            f"{limits.json_depth} levels deep)"
        )
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise Rejected(
            f"could not be read as a notebook (it is not valid JSON: {shown(err)})"
        ) from None
    if not isinstance(raw, dict):
        raise Rejected("could not be read as a notebook (its JSON is not a notebook)")
    return raw


def _json_depth(text: str) -> int:
    """How deeply JSON ``text`` nests arrays and objects (brackets inside strings not counted)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(itertools.accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0)


def _check_version(raw: dict) -> None:
    if "nbformat" not in raw:
        raise Rejected(
            "does not say which notebook format version it is in (only version 4 can be graded)"
        )
    version = raw["nbformat"]
    if type(version) is not int or version != 4:
        raise Rejected(
            f"is in notebook format version {shown(json.dumps(version))}, and only "
            "version 4 can be graded"
        )


def _clean_cell(number: int, cell, grade_ids: frozenset[str], limits: Limits):
    """``(clean cell or None, notes)``: only the fields nbformat defines, outputs cleared."""
    if not isinstance(cell, dict):
        return None, [f"cell {number} was not a notebook cell and was removed"]
    kind = cell.get("cell_type")
    if kind not in CELL_TYPES:
        return None, [
            f"cell {number} had an unknown type ({shown(json.dumps(kind))}) and was removed"
        ]
    source = _source_text(cell.get("source", ""))
    if source is None:
        return None, [f"cell {number}'s text could not be read and the cell was removed"]
    metadata, notes = clean_metadata(number, cell.get("metadata", {}), kind, grade_ids)
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


def _clean_attachments(number: int, attachments, limits: Limits):
    """``(attachments, notes)``: only images of at most ``limits.attachment_bytes`` are kept."""
    if not isinstance(attachments, dict):
        return {}, [f"cell {number}'s attachments could not be read and were removed"]
    kept, notes = {}, []
    for name, bundle in attachments.items():
        images = _image_data(bundle)
        label = f"cell {number}'s attachment '{shown(name)}'"
        if not images:
            notes.append(f"{label} was not an image and was removed")
        elif sum(len(data) for data in images.values()) > limits.attachment_bytes:
            notes.append(
                f"{label} was larger than {megabytes(limits.attachment_bytes)} and was removed"
            )
        else:
            kept[name] = images
            if len(images) < len(bundle):
                notes.append(f"{label} had parts that were not images; they were removed")
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
    metadata but nbgrader's is removed.  Raises :class:`Rejected` if even that is not enough.
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
        raise Rejected(f"does not follow the notebook format ({shown(error)})")
    return nb, ["its metadata did not follow the notebook format and was removed"]


def _schema_error(nb) -> str:
    try:
        nbformat.validate(nb, version=4)
    except nbformat.ValidationError as err:
        return str(getattr(err, "message", err)) or type(err).__name__
    return ""
