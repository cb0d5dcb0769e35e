"""Translations of a source notebook's text, kept in the source itself (see autograder/I18N.md).

A source notebook that is translated into language ``zh`` says so in its metadata,
``{"i18n": {"languages": ["zh"]}}``, and each of its markdown cells carries its translation::

    cell.metadata.i18n.zh = {"source": "<the Chinese text>", "en_sha": "<hash of the English>"}

``en_sha`` is :func:`text_hash` of the English text the translation was made from: when the
English changes, the hash no longer matches and :func:`problems` names the cell. Code cells,
nbgrader ids, points and hidden tests exist once, so every language's build grades alike.
The generated lesson card under the title is left out of the hash (``make release`` writes it
in every language).
"""

from __future__ import annotations

import copy
import hashlib
import re

I18N = "i18n"
CARD = re.compile(
    r"<!-- lesson card: generated from utils/lessons by `make release` -->\n.*?"
    r"<!-- end of lesson card -->",
    re.S,
)


def languages(nb) -> list[str]:
    """The languages notebook ``nb`` is translated into (its metadata says so)."""
    return list(nb.metadata.get(I18N, {}).get("languages", []))


def translatable(cell) -> bool:
    """Markdown cells are translated; code (and its comments) is the same in every language."""
    return cell.cell_type == "markdown"


def text_hash(source: str) -> str:
    """The hash of an English text, without its generated lesson card (12 hex digits)."""
    return hashlib.sha256(CARD.sub("", source).encode("utf-8")).hexdigest()[:12]


def cell_name(cell, index: int) -> str:
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    return f"cell {index} ({grade_id or cell.get('id', '?')})"


def problems(nb, lang: str) -> list[str]:
    """Every translatable cell of ``nb`` without an up-to-date ``lang`` translation, named."""
    found = []
    for index, cell in enumerate(nb.cells):
        if not translatable(cell):
            continue
        entry = cell.metadata.get(I18N, {}).get(lang)
        name = cell_name(cell, index)
        if not entry or not entry.get("source", "").strip():
            found.append(f"{name}: no {lang} translation")
        elif entry.get("en_sha") != text_hash(cell.source):
            found.append(
                f"{name}: the English text changed since it was translated into {lang} "
                f"(en_sha {entry.get('en_sha')} != {text_hash(cell.source)}): update "
                f"metadata.i18n.{lang}.source, then its en_sha"
            )
    return found


def stamp(cell, lang: str, source: str) -> None:
    """Record ``source`` as the ``lang`` translation of ``cell``'s current English text."""
    cell.metadata.setdefault(I18N, {})[lang] = {"source": source, "en_sha": text_hash(cell.source)}


def strip(nb):
    """A copy of ``nb`` without translations (what the English build ships)."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop(I18N, None)
    for cell in nb.cells:
        cell.metadata.pop(I18N, None)
    return nb


def translate(nb, lang: str):
    """The ``lang`` build of ``nb``: each markdown cell's text replaced by its translation.

    Everything else is unchanged; the nbgrader checksum of a translated locked cell is
    recomputed, so that *Validate* does not take the translation for a tampered cell.
    """
    from nbgrader.utils import compute_checksum

    missing = problems(nb, lang)
    if missing:
        raise ValueError(f"{len(missing)} cells are not translated into {lang}: {missing}")
    out = strip(nb)
    for cell, original in zip(out.cells, nb.cells):
        if translatable(cell):
            cell.source = original.metadata[I18N][lang]["source"]
            grader = cell.metadata.get("nbgrader", {})
            if "checksum" in grader:
                grader["checksum"] = compute_checksum(cell)
    return out
