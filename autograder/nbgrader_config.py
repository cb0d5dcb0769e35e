"""nbgrader configuration of the course (used by `nbgrader ...` run in this folder, and by
`python -m autograder`, which loads this file explicitly)."""
import os

c = get_config()  # noqa: F821 - provided by nbgrader/traitlets

c.CourseDirectory.course_id = "mls-week2"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# What students see where a solution was removed.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Grading: a cell that runs longer than this fails (an infinite loop cannot stall a class).
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
c.Execute.kernel_name = "python3"
