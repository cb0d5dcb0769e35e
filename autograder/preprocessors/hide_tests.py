"""Remove the hidden tests' code from an autograded notebook before anyone renders it.

nbgrader's feedback shows each test cell as the grader ran it, hidden tests included, and
feedback is sent to students: next year's class would read this year's hidden tests.  After the
scores are saved, :class:`HideTests` replaces each ``### BEGIN HIDDEN TESTS`` ...
``### END HIDDEN TESTS`` region with one comment line.  Unlike nbgrader's ``ClearHiddenTests``
it never raises: an unmatched marker (a student can type one) hides the rest of the cell.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from autograder.remote.checker import HIDDEN_BEGIN, HIDDEN_END

NOTE = "# (hidden tests: run by the grader, not shown)"


def hide_tests(source: str) -> str:
    """``source`` with every hidden-test region replaced by :data:`NOTE`."""
    lines, out, hidden = source.split("\n"), [], False
    for line in lines:
        if not hidden and HIDDEN_BEGIN in line:
            hidden = True
            out.append(line[: line.index(HIDDEN_BEGIN)] + NOTE)
        elif hidden and HIDDEN_END in line:
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out)


class HideTests(Preprocessor):
    """Hide the hidden tests of every code cell (run after ``SaveAutoGrades``)."""

    enabled = Bool(True, help="hide the hidden tests (on by default)").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and HIDDEN_BEGIN in cell.source:
            cell.source = hide_tests(cell.source)
        return cell, resources
