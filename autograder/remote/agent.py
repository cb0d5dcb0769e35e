"""The student's side of the channel: runs in the student's kernel, at the host's request.

The host sends this file's source (and :mod:`autograder.remote.wire`'s) with each request; it
looks a name up in the notebook's namespace or calls a student function with decoded
arguments, and displays the encoded reply under :data:`MIME`.  Nothing here is trusted: the
student's code can change any of it, and can only change what *its own* answers are, because
the checker compares them with values this process never sees.

In-place changes matter to some checks (``compile_model(model)`` compiles the model it is
given; changing an input array is a mistake the checks name), so a call also returns the state
of its array and model arguments after the call.
"""

from __future__ import annotations

import json

import numpy as np

MIME = "application/vnd.course.agent+json"


class Agent:
    def __init__(self, wire, namespace: dict):
        self.wire = wire
        self.namespace = namespace
        self.handles = namespace.setdefault("__course_handles__", {})
        self.decoder = wire.Decoder(trusted=True, own_function=self._own)
        wire.KEEP = namespace.setdefault("__course_keep__", [])  # models sent stay alive

    # --- functions crossing the channel ------------------------------------------------------
    def _remember(self, fn) -> dict:
        key = str(len(self.handles))
        self.handles[key] = fn
        return {"$function": {"handle": key, "name": str(getattr(fn, "__name__", "function"))}}

    def _own(self, target):
        if "handle" in target:
            return self.handles[str(target["handle"])]
        return self.namespace[str(target["name"])]

    def encode(self, value):
        return self.wire.encode(value, function=self._remember)

    # --- requests ----------------------------------------------------------------------------
    def handle(self, request: dict) -> dict:
        try:
            if request["op"] == "get":
                name = request["name"]
                if name not in self.namespace:
                    return {"missing": name}
                return {"value": self.encode(self.namespace[name])}
            if request["op"] == "call":
                return self.call(request)
            return {"raised": {"type": "ValueError", "message": "unknown request"}}
        except BaseException as err:  # noqa: BLE001 - every failure goes back as data
            return {"raised": {"type": type(err).__name__, "message": str(err)[:2000]}}

    def call(self, request: dict) -> dict:
        fn = self._own(request["target"])
        if request.get("globals"):
            from utils.feedback.core import with_stand_ins

            stand_ins = {str(k): self.decoder.decode(v) for k, v in request["globals"].items()}
            fn = with_stand_ins(fn, **stand_ins)
        args = [self.decoder.decode(a) for a in request["args"]]
        kwargs = {k: self.decoder.decode(v) for k, v in request["kwargs"].items()}
        before = [_snapshot(a) for a in args]
        try:
            result = fn(*args, **kwargs)
        except BaseException as err:  # noqa: BLE001 - the student's exception, as data
            return {"raised": {"type": type(err).__name__, "message": str(err)[:2000]}}
        after = []
        for arg, old in zip(args, before):
            model = old is None and self.wire._keras_kind(arg) == "model"
            after.append(self.encode(arg) if model or _changed(arg, old) else None)
        return {"value": self.encode(result), "after": after}


def _snapshot(value, depth: int = 0):
    """Copies of the arrays in ``value`` (nested in lists, tuples, dicts), or None."""
    if isinstance(value, np.ndarray):
        return np.array(value, copy=True)
    if depth < 8 and type(value) in (list, tuple):
        return [_snapshot(v, depth + 1) for v in value] + [len(value)]
    if depth < 8 and type(value) is dict:
        return {k: _snapshot(v, depth + 1) for k, v in value.items()}
    return None


def _changed(value, old) -> bool:
    """Whether an array in ``value`` (or a container holding arrays) changed since ``old``."""
    if old is None:
        return False
    if isinstance(old, np.ndarray):
        return (
            not isinstance(value, np.ndarray)
            or value.shape != old.shape
            or (not np.array_equal(value, old, equal_nan=True))
        )
    if isinstance(old, list):
        if type(value) not in (list, tuple) or len(value) != old[-1]:
            return True
        return any(_changed(v, o) for v, o in zip(value, old[:-1]))
    if isinstance(old, dict):
        if type(value) is not dict or set(value) != set(old):
            return True
        return any(_changed(value[k], o) for k, o in old.items())
    return False


def serve(wire, request_text: str, namespace: dict) -> str:
    """Handle one request (JSON text) against ``namespace``; the reply as JSON text."""
    return json.dumps(Agent(wire, namespace).handle(json.loads(request_text)))
