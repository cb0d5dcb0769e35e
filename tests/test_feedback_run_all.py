"""Run All on an unfinished notebook, in a real kernel: soft failures for students, hard ones for
nbgrader (:mod:`utils.feedback.run_all`)."""

from __future__ import annotations

import os
from queue import Empty

import pytest

STUB = "def my_softmax(z):\n    raise NotImplementedError()\n"


class Kernel:
    """A real IPython kernel; ``run(code)`` gives (reply status, error output lines)."""

    def __init__(self, env: dict):
        from jupyter_client.manager import start_new_kernel

        self.km, self.kc = start_new_kernel(kernel_name="python3", env={**os.environ, **env})

    def run(self, code: str) -> tuple[str, list[str]]:
        """Run ``code``: its reply status, and what it showed as a failure (an error output's
        traceback, or the student's red message as plain text)."""
        msg_id = self.kc.execute(code, store_history=True, allow_stdin=False)
        errors = []
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=60)
            except Empty:  # pragma: no cover - a hung kernel fails the test below
                break
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "error":
                errors.append("error: " + "\n".join(msg["content"]["traceback"]))
            if msg["msg_type"] == "display_data" and "course-check-failed" in str(msg["content"]):
                errors.append("message: " + msg["content"]["data"]["text/plain"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        reply = self.kc.get_shell_msg(timeout=60)
        while reply["parent_header"].get("msg_id") != msg_id:  # e.g. kernel_info's reply
            reply = self.kc.get_shell_msg(timeout=60)
        return reply["content"]["status"], errors

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


@pytest.fixture(scope="module", params=["student", "nbgrader"])
def kernel(request):
    env = {"NBGRADER_EXECUTION": "autograde"} if request.param == "nbgrader" else {}
    k = Kernel({"COURSE_STATIC_FIGURES": "", **env})
    status, _ = k.run(
        "from utils.feedback import ExerciseError, run_all\n"
        "assert run_all.install((ExerciseError, NotImplementedError))\n" + STUB
    )
    assert status == "ok"
    yield request.param, k
    k.close()


def test_a_check_verdict_is_one_red_line_and_stops_run_all_only_under_nbgrader(kernel):
    who, k = kernel
    status, errors = k.run("from utils.feedback import check\ncheck(False, 'the value is wrong')")
    assert status == ("error" if who == "nbgrader" else "ok")
    assert len(errors) == 1 and "✗ the value is wrong" in errors[0]
    assert "Traceback" not in errors[0]
    # nbgrader scores an error output; the student reads a message in the notebook's font
    assert errors[0].startswith("error: " if who == "nbgrader" else "message: ")


def test_an_unwritten_exercise_names_its_function(kernel):
    who, k = kernel
    status, errors = k.run("my_softmax([1.0, 2.0])")
    assert status == ("error" if who == "nbgrader" else "ok")
    assert len(errors) == 1 and "my_softmax is not written yet" in errors[0]


def test_any_other_error_stops_run_all_as_usual(kernel):
    _, k = kernel
    status, errors = k.run("1 / 0")
    assert (
        status == "error" and errors[0].startswith("error: ") and "ZeroDivisionError" in errors[0]
    )


def test_a_cell_after_a_soft_failure_runs(kernel):
    who, k = kernel
    k.run("x = 1\nmy_softmax(0)\nx = 2")
    status, _ = k.run("assert x == 1, x")  # the failing cell stopped at its failure
    assert status == "ok"
