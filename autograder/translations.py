"""Translations of a source notebook's text, kept in the source itself (see autograder/I18N.md).

A source notebook that is translated into language ``zh`` says so in its metadata,
``{"i18n": {"languages": ["zh"]}}``, and each of its markdown cells carries its translation::

    cell.metadata.i18n.zh = {"source": "<the Chinese text>", "en_sha": "<hash of the English>"}

``en_sha`` is :func:`text_hash` of the English text the translation was made from: when the
English changes, the hash no longer matches and :func:`problems` names the cell. Code cells,
nbgrader ids, points and hidden tests exist once, so every language's build grades alike.
The generated regions (the lesson card under a title, START_HERE's course map) are left out of
the hash (``make release`` writes them in every language).
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


#: Any region ``make release`` writes between markers (the lesson card, START_HERE's course map,
#: language section and glossary): release writes it in every language, so it is no part of
#: the text a translator translates.
GENERATED = re.compile(r"<!-- [^\n>]*generated[^\n>]*-->\n.*?<!-- end of [^\n>]*-->", re.S)


def text_hash(source: str) -> str:
    """The hash of an English text, without its generated regions (12 hex digits)."""
    return hashlib.sha256(GENERATED.sub("", source).encode("utf-8")).hexdigest()[:12]


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


def _texts(source_nb, lang: str) -> dict[str, str]:
    """``{hash of the English text: the lang text}`` of every translated cell of a source."""
    found = {}
    for cell in source_nb.cells:
        entry = cell.metadata.get(I18N, {}).get(lang) if translatable(cell) else None
        if entry and entry.get("source"):
            found[text_hash(cell.source)] = entry["source"]
    return found


def detect(submitted_nb, source_nb) -> str:
    """The language a submission was written in: the language (of those ``source_nb`` is
    translated into) whose text most of its markdown cells carry; English on a tie or when
    none matches. A submission only chooses the language of its own feedback."""
    cells = [c for c in submitted_nb.cells if c.get("cell_type") == "markdown"]
    english = {text_hash(c.source) for c in source_nb.cells if translatable(c)}
    counts = {"en": sum(text_hash(c.source) in english for c in cells)}
    for lang in languages(source_nb):
        theirs = {text_hash(text) for text in _texts(source_nb, lang).values()}
        counts[lang] = sum(text_hash(c.source) in theirs for c in cells)
    best = max(counts, key=lambda code: (counts[code], code == "en"))
    return best if counts[best] else "en"


def localise(nb, source_nb, lang: str) -> int:
    """Put the ``lang`` text into every markdown cell of ``nb`` (an autograded notebook, whose
    locked cells nbgrader restored in English) that carries a translated English text of the
    source; return how many. Answers (cells the student wrote) are never matched."""
    texts = _texts(source_nb, lang) if lang != "en" else {}
    done = 0
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown" and text_hash(cell.source) in texts:
            cell.source = texts[text_hash(cell.source)]
            done += 1
    return done
