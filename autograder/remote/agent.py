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
        args = [self.decoder.decode(a) for a in request["args"]]
        kwargs = {k: self.decoder.decode(v) for k, v in request["kwargs"].items()}
        before = [np.array(a, copy=True) if isinstance(a, np.ndarray) else None for a in args]
        try:
            result = fn(*args, **kwargs)
        except BaseException as err:  # noqa: BLE001 - the student's exception, as data
            return {"raised": {"type": type(err).__name__, "message": str(err)[:2000]}}
        after = []
        for arg, old in zip(args, before):
            changed = old is not None and (
                arg.shape != old.shape or not np.array_equal(arg, old, equal_nan=True)
            )
            kind = self.wire._keras_kind(arg) if old is None else ""
            after.append(self.encode(arg) if changed or kind == "model" else None)
        return {"value": self.encode(result), "after": after}


def serve(wire, request_text: str, namespace: dict) -> str:
    """Handle one request (JSON text) against ``namespace``; the reply as JSON text."""
    return json.dumps(Agent(wire, namespace).handle(json.loads(request_text)))
