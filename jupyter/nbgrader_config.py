"""nbgrader's settings for the student's side (the Validate button): the defaults serve.

``make setup`` copies this file into the course environment's Jupyter configuration, so
JupyterLab finds an nbgrader configuration and does not warn "No nbgrader_config.py file
found".  The instructor's settings are in ``autograder/nbgrader_config.py``.
"""

c = get_config()  # noqa: F821 - defined by traitlets when nbgrader loads this file
