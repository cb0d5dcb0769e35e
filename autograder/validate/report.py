"""One report for a failed validation, read like the notebook's own check messages.

nbgrader's Validate dialog (its lab extension, which we do not fork) writes "The following cell
failed:" above every failed cell, so a blank lesson with nine unsolved exercises repeats it nine
times.  :func:`one_report` folds the validator's failed cells into one entry: a summary line
(in the notebook's language), then, for each check, the check's line from the notebook and the
message it printed there.  Everything else nbgrader answers (success, changed cells, a cell
whose type changed) passes through unchanged.
"""

from __future__ import annotations

import html

WRAP = "white-space: pre-wrap; overflow-wrap: normal; word-break: normal"


def one_report(results: dict) -> dict:
    """``results`` (nbgrader's ``Validator.validate``) with its failed cells as one entry."""
    failed = results.get("failed")
    if not failed:
        return results
    from utils.i18n import msg

    summary = msg("validate.summary", count=len(failed))
    checks = "\n\n".join(
        f'<span class="course-validate-check">{html.escape(cell["source"])}</span>\n{cell["error"]}'
        for cell in failed
    )
    errors = f'<span style="{WRAP}">{checks}</span>'  # a long message wraps between words
    raw = "\n\n".join(f"{cell['source']}\n{cell['raw_error']}" for cell in failed)
    return {**results, "failed": [{"source": summary, "error": errors, "raw_error": raw}]}
