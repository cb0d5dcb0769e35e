"""Validate runs beside the lab, not inside it (autograder/validate): the lab keeps answering.

nbgrader's own handler ran the notebook inside the server's event loop, so for the 20-30 s of a
validation the server answered nothing and every widget froze.  These tests use the real lab
(the course's server configuration) and nbgrader's real Validate request.
"""

import threading
import time
import urllib.parse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.heavy(minutes=2)]


def validate(lab, path: str) -> dict:
    return lab.api("POST", f"assignments/validate?path={urllib.parse.quote(path)}", timeout=600)


def test_the_lab_answers_while_a_notebook_validates(lab):
    answer, done_at = {}, {}

    def run():
        try:
            answer.update(validate(lab, lab.released_path("05_backprop")))
        except Exception as error:  # shown by the assertions below
            answer["error"] = repr(error)
        done_at["validate"] = time.monotonic()

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(2)  # the request is in: the child process is starting a kernel
    assert worker.is_alive(), f"validation ended before the lab was asked anything: {answer}"
    lab.api("GET", "api/status")
    lab.api("GET", "api/contents/notebooks")
    answered_at = time.monotonic()
    worker.join(600)
    assert answered_at < done_at["validate"], "the lab answered only after validation"
    # the same answer nbgrader's handler gives: the blank lesson fails, with the check's words
    assert answer["success"] is True, answer
    # folded into one report (autograder/validate/report.py): every unsolved exercise's message
    (report,) = answer["value"]["failed"]
    assert report["source"].startswith("Not passing yet: 3 of this notebook's checks"), report
    assert report["raw_error"].count("not written yet") == 3, report["raw_error"]


def test_validate_refuses_paths_outside_the_lab(lab):
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as refused:
        validate(lab, "../../etc/passwd")
    assert refused.value.code == 403
