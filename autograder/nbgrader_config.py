"""nbgrader configuration of the course (used by `nbgrader ...` run in this folder, and by
`python -m autograder`, which loads this file explicitly)."""
import os

from autograder.release import CODE_STUB, COURSE_ID, TEXT_STUB

c = get_config()  # noqa: F821 - provided by nbgrader/traitlets

c.CourseDirectory.course_id = COURSE_ID
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# What students see where a solution was removed (the same as `make release` uses).
c.ClearSolutions.code_stub = CODE_STUB
c.ClearSolutions.text_stub = TEXT_STUB

# Grading: a cell that runs longer than this fails (an infinite loop cannot stall a class).
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
c.Execute.kernel_name = "python3"
