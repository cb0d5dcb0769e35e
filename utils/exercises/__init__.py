"""The visible checks of each notebook's exercises, one module per notebook.

They are built from :mod:`utils.checks`, so a wrong answer gets a message that
names the mistake.  Hidden tests (used for grading) are not here: they live
only in the instructor's source notebooks under ``autograder/source``.
"""
