"""The checker: a clean interpreter that runs the instructor's check cells, never student code.

Started by the host (:mod:`autograder.remote.host`) once per graded notebook, sandboxed like
the student's kernel.  It speaks JSON lines on its standard input and output:

* ``{"op": "prelude", "code": ...}``: run the instructor's setup cells (imports, data);
* ``{"op": "run", "cell": grade_id, "code": ...}``: run one test cell; the reply
  ``{"op": "done", "outputs": [...]}`` holds the notebook outputs the cell gets (a failed
  check is an ``error`` output, exactly what nbgrader scores);
* while a cell runs, ``{"op": "ask", "request": ...}`` asks the host to look a name up or
  call a function in the student's kernel; the host answers ``{"op": "answer", ...}``.

A name the check code reads that the checker does not define (``my_softmax``, ``run``) is
fetched from the student's kernel as data (:mod:`autograder.remote.wire`): a value is decoded
into a fresh object, a function becomes a :class:`StudentFunction` whose calls travel as
data.  Expected values never leave this process, and nothing the student's kernel sends can
run code here.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import io
import json
import os
import re
import sys

from autograder.remote import wire
from utils.i18n import LANG_ENV  # the language of a notebook's messages

HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
NOT_EXCEPTIONS = {"SystemExit", "KeyboardInterrupt", "GeneratorExit"}


class StudentKernelDied(BaseException):
    """The student's kernel died or was stopped during a call: no check can go on."""


class StudentException(Exception):
    """An exception raised by student code whose type is not a built-in one."""


def student_exception(reply: dict) -> BaseException:
    """The exception a student function raised, rebuilt from its type name and message."""
    name, message = str(reply.get("type", "Exception")), str(reply.get("message", ""))
    found = getattr(builtins, name, None)
    if (
        isinstance(found, type)
        and issubclass(found, Exception)
        and name not in NOT_EXCEPTIONS
        and not issubclass(found, OSError)  # OSError(...) rebuilds as a subclass by errno
    ):
        try:
            return found(message)
        except Exception:  # noqa: BLE001 - e.g. UnicodeDecodeError needs five arguments
            pass
    safe = name if wire.NAME.match(name) else "StudentException"
    return type(safe, (StudentException,), {})(message)


class Channel:
    """The checker's end of the JSON-lines protocol with the host."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    def send(self, message: dict) -> None:
        self.writer.write(json.dumps(message) + "\n")
        self.writer.flush()

    def receive(self) -> dict | None:
        line = self.reader.readline()
        return json.loads(line) if line else None

    def ask(self, request: dict) -> dict:
        """Ask the student's kernel (through the host); its reply, or an exception raised."""
        self.send({"op": "ask", "request": request})
        answer = self.receive()
        if answer is None:
            raise StudentKernelDied("the grader stopped")
        if "dead" in answer:
            raise StudentKernelDied(str(answer["dead"]))
        if "timeout" in answer:
            raise TimeoutError(f"no answer within {answer['timeout']} s (an endless loop?)")
        try:
            reply = json.loads(answer["reply"])
        except (KeyError, TypeError, ValueError, RecursionError):  # RecursionError: [[[[...
            raise wire.WireError("the student's kernel sent an unreadable reply") from None
        if not isinstance(reply, dict):
            raise wire.WireError("the student's kernel sent an unreadable reply")
        if "raised" in reply:
            raise student_exception(reply["raised"] if isinstance(reply["raised"], dict) else {})
        return reply


class StudentFunction:
    """A function of the student's notebook; calling it runs it there, with a time limit."""

    def __init__(self, checker: Checker, target: dict, stand_ins: dict | None = None):
        self._checker, self._target = checker, target
        self._stand_ins = dict(stand_ins or {})
        name = str(target.get("name", "function"))
        self.__name__ = self.__qualname__ = name if wire.NAME.match(name) else "function"

    def with_globals(self, **stand_ins) -> StudentFunction:
        """This function, run with some of its global names bound to the checks' values
        (:func:`utils.feedback.with_stand_ins`)."""
        return StudentFunction(self._checker, self._target, {**self._stand_ins, **stand_ins})

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"

    def __call__(self, *args, **kwargs):
        encode = self._checker.encode
        request = {
            "op": "call",
            "target": self._target,
            "args": [encode(a) for a in args],
            "kwargs": {str(k): encode(v) for k, v in kwargs.items()},
        }
        if self._stand_ins:
            request["globals"] = {str(k): encode(v) for k, v in self._stand_ins.items()}
        reply = self._checker.channel.ask(request)
        decode = self._checker.decoder().decode
        after = reply.get("after") or []
        for arg, state in zip(args, after if isinstance(after, list) else []):
            if state is not None:
                _update(arg, state, self._checker)
        return decode(reply.get("value"))


def _update(arg, state, checker: Checker) -> None:
    """Apply an argument's state after a student call (changed in place) to our copy of it."""
    if wire._keras_kind(arg) == "model" and isinstance(state, dict) and "$model" in state:
        body = state["$model"]
        weights = [checker.decoder().decode(w) for w in body.get("weights", [])]
        if weights and len(weights) == len(arg.get_weights()):
            arg.set_weights(weights)
        wire.apply_compile(arg, body.get("compile"), loss=checker.decoder().model_loss(body))
        return
    _apply(arg, checker.decoder().decode(state))


def _apply(old, new, depth: int = 0):
    """``old`` changed in place to look like ``new`` where it can be (arrays, lists, dicts)."""
    import numpy as np

    if depth > 8:
        return new
    if isinstance(old, np.ndarray) and isinstance(new, np.ndarray) and old.shape == new.shape:
        old[...] = new.astype(old.dtype, copy=False)
        return old
    if isinstance(old, list) and isinstance(new, (list, tuple)):
        old[:] = [_apply(o, n, depth + 1) for o, n in zip(old, new)] + list(new[len(old) :])
        return old
    if isinstance(old, tuple) and isinstance(new, (list, tuple)) and len(old) == len(new):
        for o, n in zip(old, new):
            _apply(o, n, depth + 1)
        return old
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old):
            if key not in new:
                del old[key]
        for key, value in new.items():
            old[key] = _apply(old[key], value, depth + 1) if key in old else value
        return old
    return new


class Namespace(dict):
    """The check code's globals: its own names, then built-ins, then the student's values."""

    def __init__(self, checker: Checker):
        super().__init__(__name__="__main__", __builtins__=builtins)
        self._checker = checker

    def __missing__(self, name: str):
        if name in builtins.__dict__:
            return builtins.__dict__[name]
        return self._checker.fetch(name)


class Checker:
    def __init__(self, channel: Channel):
        self.channel = channel
        self.namespace = Namespace(self)
        self.fetched: dict = {}
        self.objects: dict = {}  # the student's objects seen in this cell, by their id there
        self.student_names: set[str] | None = None  # None: any name (set by the prelude)

    def decoder(self) -> wire.Decoder:
        return wire.Decoder(
            remote_function=lambda target: StudentFunction(self, target), objects=self.objects
        )

    def encode(self, value):
        return wire.encode(value, function=self._encode_function)

    @staticmethod
    def _encode_function(fn) -> dict:
        if isinstance(fn, StudentFunction):
            return {"$student": fn._target}
        return wire.encode_function(fn)

    def fetch(self, name: str):
        """The student's value of ``name`` (fetched once per cell)."""
        if self.student_names is not None and name not in self.student_names:
            raise NameError(f"name '{name}' is not defined")
        if name not in self.fetched:
            reply = self.channel.ask({"op": "get", "name": name})
            if "missing" in reply:
                raise NameError(f"name '{name}' is not defined")
            value = reply.get("value")
            if isinstance(value, dict) and set(value) == {"$function"}:
                if not isinstance(value["$function"], dict):
                    raise wire.WireError("the student's kernel sent a malformed function")
                value = {"$function": dict(value["$function"], name=name)}
            self.fetched[name] = self.decoder().decode(value)
        return self.fetched[name]

    def run(self, code: str, cell: str) -> list[dict]:
        """Run a test cell: its visible checks, then its hidden tests; the outputs it gets."""
        self.fetched, self.objects = {}, {}
        visible, hidden = split_hidden(code)
        outputs: list[dict] = []
        if not self._execute(visible, cell, outputs, label=""):
            return outputs
        if hidden.strip():
            if self._execute(hidden, cell, outputs, label="hidden tests: "):
                outputs.append(_stream("✓ The hidden tests passed.\n"))
        return outputs

    def _execute(self, code: str, cell: str, outputs: list, label: str) -> bool:
        """Run ``code``; its printed text (not for hidden tests) and any error go to ``outputs``."""
        text = io.StringIO()
        ok = True
        try:
            with contextlib.redirect_stdout(text), contextlib.redirect_stderr(text):
                exec(compile(code, f"<{cell}>", "exec"), self.namespace)  # noqa: S102
        except StudentKernelDied as err:
            outputs.extend(_flush(text, label))
            outputs.append(_error("KernelDied", str(err)))
            raise
        except Exception as err:  # noqa: BLE001 - a failed check is the cell's result
            ok = False
            message = str(err) or ("a hidden test did not pass" if label else "check failed")
            outputs.extend(_flush(text, label))
            outputs.append(_error(type(err).__name__, label + message))
        else:
            outputs.extend(_flush(text, label))
        return ok


def split_hidden(code: str) -> tuple[str, str]:
    """(visible part, hidden part) of a test cell's source."""
    if HIDDEN_BEGIN not in code:
        return code, ""
    before, rest = code.split(HIDDEN_BEGIN, 1)
    hidden, _, after = rest.partition(HIDDEN_END)
    return before + after, hidden


def _stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def _flush(text: io.StringIO, label: str = "") -> list[dict]:
    """What the code printed, as an output; nothing for hidden tests (it could show them)."""
    value = text.getvalue()
    return [_stream(value)] if value and not label else []


def _error(ename: str, evalue: str) -> dict:
    shown = f"\x1b[31m✗ {evalue}\x1b[0m" if ename == "ExerciseError" else f"{ename}: {evalue}"
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": [shown]}


def answer(checker: Checker, message: dict) -> None:
    """Run one ``prelude`` or ``run`` message and send its ``done``."""
    try:
        if message["op"] == "prelude":
            names = message.get("student_names")
            checker.student_names = None if names is None else {str(n) for n in names}
            outputs = checker.run(message["code"], "prelude")
        else:
            outputs = checker.run(message["code"], message["cell"])
    except StudentKernelDied as err:
        outputs = [_error("KernelDied", str(err))]
    checker.channel.send({"op": "done", "outputs": outputs})


def serve(checker: Checker, first: dict | None = None) -> None:
    """Answer the host until it ends this notebook (``{"op": "end"}``) or closes the pipe."""
    message = first if first is not None else checker.channel.receive()
    while message is not None and message.get("op") != "end":
        answer(checker, message)
        message = checker.channel.receive()


MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def warm(channel: Channel, modules) -> None:
    """Serve as the warm start of every notebook's checker (``{"op": "zygote"}``).

    Import the modules the setup cells import (the instructor's, from the source notebook:
    TensorFlow's import is most of a checker's start-up) and wait. For each notebook the host
    sends ``{"op": "fork"}``: a child process, a fresh copy of this one that has run nothing
    but those imports, says ``ready`` and serves that notebook's checks until ``end``; then this
    process reports ``ended`` and waits for the next. No student's data ever reaches this
    process, so no notebook's checks can leave anything behind for another's.
    """
    for name in modules if isinstance(modules, list) else []:
        if isinstance(name, str) and MODULE.match(name):
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - the setup cell reports it, in the child
                pass
    _not_dumpable()
    channel.send({"op": "warm"})
    while (request := channel.receive()) is not None and request.get("op") == "fork":
        pid = os.fork()
        if pid == 0:  # the notebook's checker
            status = 1
            try:
                _this_notebook(request)
                channel.send({"op": "ready"})
                serve(Checker(channel))
                status = 0
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        channel.send({"op": "ended", "status": os.waitstatus_to_exitcode(status)})


def _this_notebook(request: dict) -> None:
    """The per-notebook settings of a forked checker: its messages' language, its folder."""
    lang = request.get("lang")
    if isinstance(lang, str) and MODULE.match(lang):
        os.environ[LANG_ENV] = lang
    else:
        os.environ.pop(LANG_ENV, None)
    if isinstance(request.get("cwd"), str):
        os.chdir(request["cwd"])


def _not_dumpable() -> None:
    """No process of the sandbox's uid may trace or read the warm start (a forked checker
    gone wrong must not reach the next notebook's through it)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except (OSError, AttributeError):
        pass


def main() -> None:
    # The protocol owns the original stdout; anything else printed goes to stderr (a log).
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    channel = Channel(sys.stdin, protocol)
    first = channel.receive()
    if first is not None and first.get("op") == "zygote":
        warm(channel, first.get("modules"))
    else:
        serve(Checker(channel), first)


if __name__ == "__main__":
    main()
