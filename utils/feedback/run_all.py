"""Run All on an unfinished notebook: an unsolved exercise says so, and the lesson goes on.

In the student's own kernel (JupyterLab, no nbgrader), a cell that fails with an
:class:`~utils.feedback.core.ExerciseError` (a check's verdict) or a ``NotImplementedError``
(an exercise not written yet) shows one red message and counts as run, so *Run All* reaches
the end of the lesson and every widget below the first exercise draws.  Under nbgrader
(``NBGRADER_EXECUTION`` is set while it autogrades or validates) the failure stays an error, so
scores and Validate are exactly what they were; the checker that grades test cells is not an
IPython kernel at all (``autograder/remote``).
"""

from __future__ import annotations

import html
import os
import sys

GRADING_ENV = "NBGRADER_EXECUTION"
MESSAGE_CLASS = "course-check-failed"
SOFT: tuple = ()
"""The soft failures, set by :func:`install`: (ExerciseError, NotImplementedError)."""


def grading() -> bool:
    """Whether nbgrader is running this kernel (autograde or validate)."""
    return bool(os.environ.get(GRADING_ENV))


def _not_written(tb) -> str:
    """The line shown for a ``NotImplementedError``: which function is not written yet."""
    from utils.i18n import msg

    name = None
    while tb is not None:
        name, tb = tb.tb_frame.f_code.co_name, tb.tb_next
    if name and name.isidentifier():
        return msg("feedback.still_stub", name=name)
    return msg("feedback.still_stub_here")


def message_html(line: str, error: str) -> str:
    """A failed check as the notebook shows it to the student; ``error`` (the exception's name)
    is kept in ``data-error`` for tools that read notebooks (``autograder.notebooks.errors``)."""
    style = (
        "color:#b3261e; white-space:pre-wrap; overflow-wrap:break-word; word-break:normal; "
        "font-family:inherit; line-height:1.45; padding:2px 0"
    )
    return (
        f'<div class="{MESSAGE_CLASS}" data-error="{html.escape(error)}" style="{style}">'
        f"{html.escape(line)}</div>"
    )


def show_message_only(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for the soft failures: one message instead of a traceback.

    For the student, a red message in the notebook's own font (not an error box in monospace
    that wraps mid-word); under nbgrader, the same line as an error, which is what it scores."""
    line = _not_written(tb) if isinstance(value, NotImplementedError) else f"✗ {value}"
    if grading():
        shell._showtraceback(etype, value, [f"\x1b[31m{line}\x1b[0m"])
        return
    from IPython.display import display

    display({"text/html": message_html(line, etype.__name__), "text/plain": line}, raw=True)


def _keep_going(result) -> None:
    """After a cell: a soft failure does not stop Run All (unless nbgrader is running)."""
    if not grading() and SOFT and isinstance(result.error_in_exec, SOFT):
        result.error_in_exec = None


def install(soft: tuple, shell=None) -> bool:
    """Teach the running IPython shell both behaviours for the exception types ``soft`` (once);
    False when there is no shell."""
    global SOFT
    SOFT = tuple(soft)
    if shell is None:
        ipython = sys.modules.get("IPython")  # no IPython loaded: no shell to tell
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "_showtraceback"):
        return False
    if tuple(getattr(shell, "custom_exceptions", ())) != SOFT:
        shell.set_custom_exc(SOFT, show_message_only)
    if _keep_going not in shell.events.callbacks.get("post_run_cell", []):
        shell.events.register("post_run_cell", _keep_going)
    return True
