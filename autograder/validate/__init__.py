"""Validate without freezing the lab: nbgrader's Validate button, run in a child process.

nbgrader's own server handler validates inside the Jupyter server's event loop: for the 20-30 s
a lesson takes to run, the server answers nothing, so every widget of every open notebook
freezes.  This server extension (enabled in ``jupyter/jupyter_server_config.json``) answers the
same request, ``POST /assignments/validate``, with nbgrader's JSON (its failed cells folded into
one report, :mod:`autograder.validate.report`), but runs the validation in a child process
(``python -m autograder.validate <notebook>``) and awaits it, so the lab stays live meanwhile.
The child also keeps nbgrader's process-wide changes (the working folder, ``NBGRADER_EXECUTION``
in the environment) out of the server, where a kernel started meanwhile would inherit them.
"""

from __future__ import annotations


def _jupyter_server_extension_points():
    return [{"module": "autograder.validate"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from autograder.validate.handler import install

    install(serverapp.web_app)
    serverapp.log.info("Validate runs in a child process (autograder.validate)")
