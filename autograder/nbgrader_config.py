"""nbgrader configuration of the course (used by `nbgrader ...` run in this folder, and by
`python -m autograder`, which loads this file explicitly).  The settings live in course.py."""

import os

from autograder.course import CELL_TIMEOUT, CODE_STUB, COURSE_ID, TEXT_STUB
from autograder.preprocessors import autograde_pipeline

c = get_config()  # noqa: F821 - provided by nbgrader/traitlets

c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# What students see where a solution was removed (the same as `make release` uses).
c.ClearSolutions.code_stub = CODE_STUB
c.ClearSolutions.text_stub = TEXT_STUB

# Grading: a cell that runs longer than this fails (an infinite loop cannot stall a class); the
# same timeout as `python -m autograder grade` uses by default.
c.Execute.timeout = CELL_TIMEOUT
c.Execute.interrupt_on_timeout = True
c.Execute.kernel_name = "python3"

# Test cells run in a checker process, never in the student's kernel, and the feedback shows no
# hidden tests (autograder/remote/DESIGN.md).  Plain `nbgrader autograde` has no sandbox: grade
# a real class with `make grade` (python -m autograder grade), which adds it.
c.Autograde.autograde_preprocessors = autograde_pipeline()
