"""Bound the size of what execution (and the student) left in a notebook; the grade stays.

A student's notebook can carry outputs of tens of megabytes (an image printed as text, a
``print`` in a loop, a figure per training step) and attachments just as big.  nbgrader keeps
all of it in the autograded notebook and the feedback, which then take minutes to open or do not
open at all.  :class:`CapOutputs` replaces each output that is too big by a short note that says
what was removed and how big it was, with three limits: per output, per cell and per notebook
(outputs and attachments together), plus one per attachment.

Grades are never changed by a cap.  nbgrader (``nbgrader.utils.determine_grade``) scores a test
cell from its outputs, in order: an ``error`` output or a ``stderr`` stream means zero, the first
``execute_result`` whose ``text/plain`` is a number gives partial credit.  So

* an ``error`` output is never removed or changed into another type: its ``traceback`` and
  ``evalue`` (and, if absurdly long, ``ename``) are shortened and it stays an ``error``;
* a ``stderr`` stream becomes a ``stderr`` note, an ``execute_result`` stays an
  ``execute_result`` (keeping a numeric ``text/plain``), anything else becomes a ``stdout`` note.

A removed attachment is replaced by a small SVG image that says what was removed, so that the
markdown that refers to it still renders (nbconvert refuses to render a missing attachment).
"""

from __future__ import annotations

import base64
import html
import json

from nbconvert.preprocessors import Preprocessor
from nbformat.notebooknode import NotebookNode, from_dict
from traitlets import Bool, Integer

MB = 1_000_000
SMALLEST_ERROR_BUDGET = 2_000  # bytes an error output may always keep, whatever the limits


def json_size(obj) -> int:
    """Bytes of ``obj`` serialized as JSON (UTF-8, as nbformat writes it, without indentation)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return len(text.encode("utf-8", "surrogatepass"))


def human(n: int) -> str:
    """``57.0 MB``, ``0.2 MB``, ``12.3 kB``."""
    if n >= 100_000:
        return f"{n / MB:.1f} MB"
    return f"{n / 1000:.1f} kB"


def _text(value) -> str:
    """A multiline nbformat string (a str, or a list of lines) as one str."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return "" if value is None else str(value)


def describe(output) -> str:
    """In words: what kind of output this is (for the note that replaces it)."""
    kind = output.get("output_type")
    if kind == "stream":
        return f"printed text ({output.get('name', 'stdout')})"
    if kind in ("display_data", "execute_result"):
        types = ", ".join(sorted(output.get("data", {}))) or "no data"
        return f"a {'result' if kind == 'execute_result' else 'display'} ({types})"
    if kind == "error":
        return f"an error ({output.get('ename', '')})"
    return f"an output of type {kind!r}"


def note_svg(text: str) -> dict:
    """A small SVG image of ``text``, base64 as attachments are: a removed attachment's stand-in."""
    width = 20 + 8 * len(text)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="36" '
        f'viewBox="0 0 {width} 36"><rect x="1" y="1" width="{width - 2}" height="34" '
        f'fill="#fff3e0" stroke="#d55e00" stroke-width="2"/><text x="10" y="23" '
        f'font-family="sans-serif" font-size="14" fill="#000000">{html.escape(text)}</text></svg>'
    )
    return {"image/svg+xml": base64.b64encode(svg.encode("utf-8")).decode("ascii")}


def _numeric_plain(output) -> str | None:
    """The ``text/plain`` of a result if nbgrader would read it as a (partial credit) number."""
    plain = output.get("data", {}).get("text/plain")
    if isinstance(plain, list):  # nbgrader: a one-item list is that item
        if len(plain) != 1:
            return None
        plain = plain[0]
    if not isinstance(plain, str):
        return None
    stripped = plain.strip()
    try:
        value = float(stripped)
    except ValueError:
        return None
    return stripped if len(stripped) <= 100 else repr(value)


def _stream(name: str, text: str) -> NotebookNode:
    return from_dict({"output_type": "stream", "name": name, "text": text})


def replacement(output, size: int, limit: int, scope: str) -> list[NotebookNode]:
    """What a non-error output of ``size`` bytes becomes: a note, of the same grading kind."""
    note = (
        f"[{describe(output)}: an output of {human(size)} was removed from the feedback "
        f"(limit {human(limit)} {scope})]\n"
    )
    kind = output.get("output_type")
    if kind == "stream" and output.get("name") == "stderr":
        return [_stream("stderr", note)]  # still a stderr stream: still a failed test
    if kind == "execute_result":
        number = _numeric_plain(output)
        data = {"text/plain": number if number is not None else note.rstrip("\n")}
        result = from_dict(
            {
                "output_type": "execute_result",
                "execution_count": output.get("execution_count"),
                "data": data,
                "metadata": {},
            }
        )
        return [result, _stream("stdout", note)] if number is not None else [result]
    return [_stream("stdout", note)]


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\x1b[0m … [{len(text) - limit:,} characters cut]"


def truncate_error(output, budget: int) -> NotebookNode:
    """``output`` (an ``error``), cut to about ``budget`` bytes; still an ``error``, same ``ename``.

    Keeps the first and the last lines of the traceback (the last ones name the error) and says
    how much was cut.  An ``ename`` is only shortened if it alone is longer than 1,000 characters.
    """
    size = json_size(output)
    if size <= budget:
        return output
    budget = max(budget, SMALLEST_ERROR_BUDGET)
    ename = _text(output.get("ename"))
    evalue = _text(output.get("evalue"))
    lines = [_text(line) for line in output.get("traceback") or []]
    if len(ename) > 1000:
        ename = _clip(ename, 1000)
    line_limit, value_limit = max(100, budget // 10), max(200, budget // 4)
    window = max(1, budget // 6)  # more lines than this can never be kept
    if len(lines) > 2 * window:
        candidates = lines[:window] + lines[-window:]
    else:
        candidates = lines
    while True:
        short = [_clip(line, line_limit) for line in candidates]
        sizes = [json_size(line) + 1 for line in short]
        head, tail, used = [], [], 0
        i, j = 0, len(short) - 1
        while i <= j:  # alternately take lines from the end and the start
            if used + sizes[j] > budget // 2:
                break
            tail.insert(0, short[j])
            used += sizes[j]
            j -= 1
            if i <= j and used + sizes[i] <= budget // 2:
                head.append(short[i])
                used += sizes[i]
                i += 1
        dropped = len(lines) - len(head) - len(tail)
        if dropped > 0 or short != candidates:
            traceback = (
                head
                + [
                    f"\x1b[0m... the traceback was shortened for the feedback: it was "
                    f"{human(size)} (limit {human(budget)}); {dropped} of {len(lines)} "
                    "lines left out ..."
                ]
                + tail
            )
        else:
            traceback = head + tail
        result = from_dict(
            {
                **output,
                "output_type": "error",
                "ename": ename,
                "evalue": _clip(evalue, value_limit),
                "traceback": traceback,
            }
        )
        if json_size(result) <= budget or line_limit <= 20:
            return result
        line_limit //= 2
        value_limit = max(100, value_limit // 2)


class CapOutputs(Preprocessor):
    """Replace outputs and attachments that are too big by short notes; never change a grade.

    Order of the caps: each output (``max_output_bytes``), then each cell's outputs together
    (``max_cell_bytes``), then the whole notebook's outputs and attachments
    (``max_notebook_bytes``), the biggest first; each attachment (``max_attachment_bytes``).
    ``error`` outputs are shortened, never removed (see the module's documentation).
    """

    enabled = Bool(
        True, help="Run this preprocessor (nbgrader registers preprocessors without enabling them)"
    ).tag(config=True)
    max_output_bytes = Integer(200_000, help="Largest size of one output, as serialized JSON").tag(
        config=True
    )
    max_cell_bytes = Integer(1_000_000, help="Largest size of all outputs of one cell").tag(
        config=True
    )
    max_notebook_bytes = Integer(
        8_000_000, help="Largest size of all outputs and attachments of the notebook"
    ).tag(config=True)
    max_attachment_bytes = Integer(
        2_000_000, help="Largest size of one attachment of a markdown or raw cell"
    ).tag(config=True)

    def preprocess(self, nb, resources):
        nb, resources = super().preprocess(nb, resources)
        self._fit_notebook(nb)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if cell.get("attachments"):
            for name, bundle in list(cell.attachments.items()):
                size = json_size(bundle)
                if size > self.max_attachment_bytes:
                    self._remove_attachment(
                        cell, name, size, self.max_attachment_bytes, "per attachment"
                    )
        if cell.cell_type == "code" and cell.get("outputs"):
            outputs = []
            for output in cell.outputs:
                size = json_size(output)
                if size <= self.max_output_bytes:
                    outputs.append(output)
                elif output.get("output_type") == "error":
                    outputs.append(truncate_error(output, self.max_output_bytes))
                else:
                    outputs.extend(replacement(output, size, self.max_output_bytes, "per output"))
            cell.outputs = outputs
            self._fit(cell, self.max_cell_bytes, "for all outputs of a cell")
        return cell, resources

    def _remove_attachment(self, cell, name, size, limit, scope):
        kinds = ", ".join(sorted(cell.attachments[name])) or "empty"
        self.log.info("CapOutputs: attachment %r (%s) removed", name, human(size))
        cell.attachments[name] = from_dict(
            note_svg(
                f"[an attachment ({kinds}) of {human(size)} was removed from the feedback "
                f"(limit {human(limit)} {scope})]"
            )
        )

    def _fit(self, cell, limit, scope):
        """Bring one cell's outputs under ``limit``: replace the biggest, then shorten errors."""
        sizes = [json_size(o) for o in cell.outputs]
        total = sum(sizes)
        if total <= limit:
            return
        order = sorted(
            (i for i, o in enumerate(cell.outputs) if o.get("output_type") != "error"),
            key=lambda i: -sizes[i],
        )
        replaced = {}
        for i in order:
            if total <= limit:
                break
            replaced[i] = replacement(cell.outputs[i], sizes[i], limit, scope)
            total += sum(json_size(o) for o in replaced[i]) - sizes[i]
        outputs = []
        for i, output in enumerate(cell.outputs):
            outputs.extend(replaced.get(i, [output]))
        cell.outputs = outputs
        if total > limit:
            self._shrink_errors([cell], limit - total)

    def _shrink_errors(self, cells, excess_or_room):
        """Shorten the error outputs of ``cells`` so that together they shrink by the excess."""
        errors = [
            (cell, i)
            for cell in cells
            for i, o in enumerate(cell.outputs)
            if o.get("output_type") == "error"
        ]
        if not errors:
            return
        error_total = sum(json_size(cell.outputs[i]) for cell, i in errors)
        room = error_total + excess_or_room  # what the errors may use together
        budget = max(SMALLEST_ERROR_BUDGET, room // len(errors))
        for cell, i in errors:
            cell.outputs[i] = truncate_error(cell.outputs[i], budget)

    def _fit_notebook(self, nb):
        """Bring the notebook's outputs and attachments under ``max_notebook_bytes``."""
        limit, scope = self.max_notebook_bytes, "for the whole notebook"
        items = []  # (size, cell, kind, key)
        for cell in nb.cells:
            for i, output in enumerate(cell.get("outputs", [])):
                items.append((json_size(output), cell, "output", i))
            for name, bundle in (cell.get("attachments") or {}).items():
                items.append((json_size(bundle), cell, "attachment", name))
        total = sum(size for size, *_ in items)
        if total <= limit:
            return
        replaced = {}
        for size, cell, kind, key in sorted(items, key=lambda item: -item[0]):
            if total <= limit:
                break
            if kind == "attachment":
                self._remove_attachment(cell, key, size, limit, scope)
                total += json_size(cell.attachments[key]) - size
            elif cell.outputs[key].get("output_type") != "error":
                new = replacement(cell.outputs[key], size, limit, scope)
                replaced[(id(cell), key)] = new
                total += sum(json_size(o) for o in new) - size
        for cell in nb.cells:
            if cell.cell_type == "code" and any(
                (id(cell), i) in replaced for i in range(len(cell.outputs))
            ):
                outputs = []
                for i, output in enumerate(cell.outputs):
                    outputs.extend(replaced.get((id(cell), i), [output]))
                cell.outputs = outputs
        if total > limit:
            self._shrink_errors([c for c in nb.cells if c.cell_type == "code"], limit - total)
