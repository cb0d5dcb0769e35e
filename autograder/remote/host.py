"""The host's side of the channel: starts the checker and relays its questions to the student.

:class:`CheckerProcess` runs :mod:`autograder.remote.checker` (in its own sandbox when grading
is sandboxed) and exchanges JSON lines with it.  When the checker asks for a student value or
call, the host runs :func:`agent_code` in the student's kernel (see
:class:`~autograder.preprocessors.RobustExecute`) and passes the reply back unread: the host
only moves text between two processes, and only the checker decides.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from pathlib import Path

from nbformat import from_dict

from autograder.remote import agent

WIRE_SOURCE = (Path(__file__).parent / "wire.py").read_text(encoding="utf-8")
AGENT_SOURCE = (Path(__file__).parent / "agent.py").read_text(encoding="utf-8")
MIME = agent.MIME
MAX_LINE = 512 * 2**20
BOOT = """
import sys as _sys, types as _types
def _load(name, source):
    module = _types.ModuleType(name)
    _sys.modules[name] = module
    exec(compile(source, name, "exec"), module.__dict__)
    return module
_wire = _load("__course_wire__", WIRE)
_agent = _load("__course_agent__", AGENT)
from IPython import get_ipython as _get_ipython
from IPython.display import display as _display
_display({_agent.MIME: _agent.serve(_wire, REQUEST, _get_ipython().user_ns)}, raw=True)
"""


def agent_code(request: dict) -> str:
    """The code that answers ``request`` in the student's kernel (a fresh scope each time)."""
    scope = {"WIRE": WIRE_SOURCE, "AGENT": AGENT_SOURCE, "REQUEST": json.dumps(request)}
    return f"exec({BOOT!r}, {{{', '.join(f'{k!r}: {v!r}' for k, v in scope.items())}}})"


class CheckerError(RuntimeError):
    """The checker broke the protocol, crashed or took too long: the grader's problem."""


class CheckerProcess:
    """One checker for one notebook: ``run`` each test cell in order, then ``close``."""

    def __init__(
        self, argv: list[str], *, env: dict | None = None, stderr=None, seconds=600, cwd=None
    ):
        self.seconds = seconds  # the checker's own time per cell (student calls not counted)
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr if stderr is not None else subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            text=True,
            encoding="utf-8",
        )
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)

    @classmethod
    def plain(cls, **kwargs) -> CheckerProcess:
        """A checker as a plain child process (when grading is not sandboxed)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_SANDBOX")}
        env.update(MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
        argv = [sys.executable, "-P", "-s", "-m", "autograder.remote.checker"]
        return cls(argv, env=env, **kwargs)

    def run(self, cell: str, code: str, ask) -> list:
        """The outputs of test cell ``cell``; ``ask(request)`` answers the checker's questions."""
        self._send({"op": "run", "cell": cell, "code": code})
        return self._until_done(ask)

    def prelude(self, code: str, student_names=None) -> None:
        """Start the setup cells; only ``student_names`` will be fetched from the student
        (``None``: any name, for tests of the protocol; grading always passes the list)."""
        message = {"op": "prelude", "code": code}
        if student_names is not None:
            message["student_names"] = sorted(student_names)
        self._send(message)

    def prelude_outputs(self, ask) -> list:
        return self._until_done(ask)

    # A warm start (see autograder.remote.checker.warm): this process imports once, and each
    # notebook gets a fresh fork of it.

    def warm(self, modules: list[str]) -> None:
        """Make this checker the warm start of later ones: it imports ``modules`` and waits."""
        self._send({"op": "zygote", "modules": sorted(modules)})
        self._expect("warm")

    def fork(self, *, lang: str | None = None, cwd: str | None = None) -> None:
        """A fresh checker for the next notebook, forked from the warm start."""
        self._send({"op": "fork", "lang": lang, "cwd": cwd})
        self._expect("ready")

    def end(self) -> None:
        """End the current notebook's checker; the warm start waits for the next."""
        self._send({"op": "end"})
        self._expect("ended")

    def _expect(self, op: str) -> None:
        if self._receive().get("op") != op:
            self.close()
            raise CheckerError(f"the checker did not say {op!r}")

    def _until_done(self, ask) -> list:
        while True:
            message = self._receive()
            if message.get("op") == "ask" and isinstance(message.get("request"), dict):
                self._send({"op": "answer", **ask(message["request"])})
            elif message.get("op") == "done" and isinstance(message.get("outputs"), list):
                return [_output(o) for o in message["outputs"]]
            else:
                raise CheckerError("the checker sent an unexpected message")

    def _send(self, message: dict) -> None:
        try:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
        except (OSError, ValueError):  # a broken pipe, or a checker already closed
            raise CheckerError("the checker stopped") from None

    def _receive(self) -> dict:
        if not self.selector.select(timeout=self.seconds):
            self.close()
            raise CheckerError(f"the checker gave no answer within {self.seconds} s")
        line = self.process.stdout.readline(MAX_LINE)
        if not line.endswith("\n"):
            self.close()
            raise CheckerError("the checker stopped")
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            self.close()
            raise CheckerError("the checker sent a malformed message")
        return message

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


def _output(raw) -> object:
    """A notebook output from the checker: a stream or an error, nothing else."""
    if not isinstance(raw, dict) or raw.get("output_type") not in ("stream", "error"):
        raise CheckerError("the checker sent a malformed output")
    try:
        if raw["output_type"] == "stream":
            return from_dict({"output_type": "stream", "name": "stdout", "text": str(raw["text"])})
        if not isinstance(raw["traceback"], list):
            raise TypeError("a traceback that is not a list")
        return from_dict(
            {
                "output_type": "error",
                "ename": str(raw["ename"]),
                "evalue": str(raw["evalue"]),
                "traceback": [str(line) for line in raw["traceback"]],
            }
        )
    except (KeyError, TypeError):
        raise CheckerError("the checker sent a malformed output") from None
