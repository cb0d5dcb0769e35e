"""Fixtures of the tests of :mod:`autograder.remote`: a fake channel, probe modules, a kernel."""

from __future__ import annotations

import json
import sys
import textwrap
from queue import Empty

import pytest

from autograder.remote import agent, wire
from autograder.remote.checker import Channel, Checker
from autograder.remote.host import MIME, CheckerProcess, agent_code


def reply(obj) -> dict:
    """The host's answer carrying the student's reply ``obj`` (a dict, as the agent sends)."""
    return {"reply": json.dumps(obj)}


class FakeChannel(Channel):
    """The checker's channel to an in-process "student": canned answers first, then the agent.

    Each question is logged (as the JSON the host would relay) in ``requests``; once the canned
    ``answers`` are used up, the real :mod:`~autograder.remote.agent` answers from ``student``.
    """

    def __init__(self, student: dict | None = None, answers=()):
        super().__init__(None, None)
        self.student = {} if student is None else student
        self.answers = list(answers)
        self.requests: list[dict] = []
        self._next = None

    def send(self, message: dict) -> None:
        assert message["op"] == "ask"
        request = json.loads(json.dumps(message["request"]))
        self.requests.append(request)
        if self.answers:
            self._next = self.answers.pop(0)
        else:
            self._next = {"reply": agent.serve(wire, json.dumps(request), self.student)}

    def receive(self):
        return self._next

    def asked(self, op: str = "get") -> list:
        return [
            r.get("name") or r.get("target", {}).get("name") for r in self.requests if r["op"] == op
        ]


@pytest.fixture
def make_checker():
    """``make_checker(student=..., answers=...)``: a :class:`Checker` on a :class:`FakeChannel`."""

    def make(student: dict | None = None, answers=()) -> Checker:
        return Checker(FakeChannel(student, answers))

    return make


@pytest.fixture
def probe(tmp_path, monkeypatch):
    """``probe(name)``: an importable module ``name`` whose import (or ``touch()``) leaves a mark.

    ``probe.marks()`` lists the modules that ran; nothing may run when bad data is decoded.
    """
    monkeypatch.syspath_prepend(str(tmp_path))
    log = tmp_path / "marks.log"
    created = []

    def make(name: str) -> str:
        source = f"""
            with open({str(log)!r}, "a") as f:
                f.write({name!r} + "\\n")
            def touch(*args, **kwargs):
                with open({str(log)!r}, "a") as f:
                    f.write("touched\\n")
            class Thing:
                pass
        """
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        created.append(name)
        return name

    make.marks = lambda: log.read_text().split() if log.exists() else []
    yield make
    for name in created:
        sys.modules.pop(name, None)


# --- a real kernel and checker ------------------------------------------------------------------
class Kernel:
    """A Jupyter kernel driven like :class:`~autograder.preprocessors.RobustExecute` does."""

    def __init__(self):
        from jupyter_client.manager import start_new_kernel

        self.km, self.kc = start_new_kernel(kernel_name="python3")

    def run(self, code: str) -> tuple[list[dict], list[str]]:
        """Run ``code``: (its display_data bundles, its errors as 'Name: message')."""
        msg_id = self.kc.execute(code, store_history=False, allow_stdin=False)
        displays, errors = [], []
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=60)
            except Empty:  # pragma: no cover - a hung kernel
                raise AssertionError(f"the kernel gave no answer to {code[:80]!r}") from None
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "display_data":
                displays.append(content["data"])
            elif kind == "error":
                errors.append(f"{content['ename']}: {content['evalue']}")
            elif kind == "status" and content["execution_state"] == "idle":
                return displays, errors

    def ok(self, code: str) -> None:
        displays, errors = self.run(textwrap.dedent(code))
        assert not errors, errors

    def ask(self, request: dict) -> dict:
        """The host's answer to the checker's ``request`` (as ``RobustExecute._ask`` gives it)."""
        displays, _ = self.run(agent_code(request))
        for data in displays:
            if isinstance(data.get(MIME), str):
                return {"reply": data[MIME]}
        return reply({"raised": {"type": "RuntimeError", "message": "no answer"}})

    def shutdown(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def kernel():
    k = Kernel()
    k.ok("import numpy as np")
    yield k
    k.shutdown()


@pytest.fixture(scope="module")
def checker():
    """A checker process (shared by a module's tests) with numpy and the feedback helpers."""
    process = CheckerProcess.plain(seconds=120)
    process.prelude("import numpy as np\nfrom utils.feedback.core import call, check_close, passed")
    assert process.prelude_outputs(lambda request: pytest.fail(f"asked {request}")) == []
    yield process
    process.close()
