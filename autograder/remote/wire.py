"""The channel's data format: plain values in, plain values out, never a live object.

Both sides use this module: the checker (which decodes what the student's kernel sends, and
must trust none of it) and the student's kernel (where the host runs a copy of this file's
source, see :mod:`autograder.remote.agent`).  It therefore imports only the standard library
and numpy at module level; Keras is imported when a model crosses the channel.

A value is encoded as JSON with tagged objects (``{"$array": ...}``).  Decoding accepts only
what :func:`encode` produces, within :data:`LIMITS`: numbers, strings, lists, tuples, dicts,
numpy arrays and scalars of numeric dtypes, Keras models (architecture, weights, compile
settings; layers from an allow-list), Keras ``History`` objects, dataclasses of the course
library, references to importable functions, and functions defined by the checks themselves
(sent as code to the student's kernel, never the other way).  Anything else arrives as an
:class:`Opaque` placeholder that only knows its type's name.
"""

from __future__ import annotations

import base64
import builtins
import dataclasses
import fractions
import importlib
import json
import marshal
import math
import re
import types

import numpy as np

LIMITS = {"depth": 32, "items": 200_000, "array_bytes": 256 * 2**20}
DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
}  # fmt: skip
LAYERS = {
    "InputLayer", "Dense", "Flatten", "Activation", "ReLU", "LeakyReLU", "Softmax", "Dropout",
    "Conv1D", "Conv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
    "GlobalAveragePooling1D", "GlobalMaxPooling1D", "Reshape", "Rescaling", "Normalization",
    "BatchNormalization", "SimpleRNN", "LSTM", "GRU", "Embedding",
}  # fmt: skip
MODELS = {"Sequential", "Functional"}
KERAS_HELPERS = {"get", "serialize", "deserialize"}  # functions of keras.losses that are no loss
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
KEEP: list | None = None  # the student's side: models sent, kept alive (see the agent)


class WireError(ValueError):
    """What arrived is not something :func:`encode` produces (or is over a limit)."""


class Opaque:
    """Stands for a value that cannot cross the channel; it knows only its type's name."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} from the student's kernel>"


def opaque(type_name: str) -> Opaque:
    name = type_name if NAME.match(str(type_name)) else "object"
    return type(name, (Opaque,), {})()


# --- encoding ----------------------------------------------------------------------------------
def encode(value, *, function=None, depth: int = 0):
    """``value`` as JSON-able data (see the module doc); unknown objects become ``$opaque``.

    ``function(fn)`` encodes a callable (each side has its own way); by default only its name.
    """
    if depth > LIMITS["depth"]:
        raise WireError("too deeply nested")

    def inner(item):
        return encode(item, function=function, depth=depth + 1)

    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, (np.ndarray, np.generic)):
        return _encode_array(value)
    if type(value) is fractions.Fraction:
        return {"$fraction": [value.numerator, value.denominator]}
    if type(value) in (list, tuple):
        items = [inner(v) for v in value]
        return items if type(value) is list else {"$tuple": items}
    if type(value) is dict:
        return {"$dict": [[inner(k), inner(v)] for k, v in value.items()]}
    kind = _keras_kind(value)
    if kind == "model":
        if KEEP is not None:
            KEEP.append(value)  # alive while ids are compared: a freed id could be reused
        return {
            "$model": dict(_encode_model(value, inner if function else None), id=str(id(value)))
        }
    if kind == "history":
        return {
            "$history": {
                "history": inner(dict(value.history)),
                "params": inner(dict(value.params or {})),
                "epoch": inner(list(value.epoch)),
                "model": inner(getattr(value, "model", None)),
            }
        }
    if kind == "tensor":  # arrives as a tensor: its methods are not an array's
        return {"$tensor": _encode_array(np.asarray(value))}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: inner(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$dataclass": {"type": _reference(type(value)), "fields": fields}}
    if callable(value) and function is not None:
        return function(value)
    if callable(value):
        return {"$function": {"name": str(getattr(value, "__name__", type(value).__name__))}}
    return {"$opaque": type(value).__name__}


def _encode_array(value) -> dict:
    arr = np.asarray(value)
    if arr.dtype.name not in DTYPES:
        return {"$opaque": f"ndarray of {arr.dtype.name}"}
    arr = arr.astype(arr.dtype.newbyteorder("="), copy=False)  # '>f8' is float64 too
    tag = "$scalar" if isinstance(value, np.generic) else "$array"
    data = base64.b64encode(arr.tobytes(order="C")).decode("ascii")
    return {tag: {"dtype": arr.dtype.name, "shape": list(arr.shape), "data": data}}


def _keras_kind(value) -> str:
    module = type(value).__module__ or ""
    if not (module.startswith("keras") or module.startswith("tensorflow")):
        return ""
    import keras

    if isinstance(value, keras.Model):
        return "model"
    if isinstance(value, keras.callbacks.History):
        return "history"
    if hasattr(value, "numpy") and hasattr(value, "dtype") and hasattr(value, "shape"):
        return "tensor"
    return ""


def _encode_model(model, inner=None) -> dict:
    """Architecture, weights and compile settings.  A loss that is the student's own Python
    function (``inner`` given: the student's side) travels as that function, so the checker
    can call it through the channel; the config names only Keras's own objects."""
    compiled = getattr(model, "compiled", False)
    body = {
        "config": json.loads(model.to_json()),
        "weights": [encode(np.asarray(w)) for w in model.get_weights()],
        "compile": None,
    }
    if compiled:
        config, loss = model.get_compile_config(), getattr(model, "loss", None)
        if inner is not None and _own_function(loss):
            config, body["loss"] = dict(config, loss=None), inner(loss)
        body["compile"] = encode_json(config)
    return body


def _own_function(obj) -> bool:
    """A callable that is not Keras's own (a loss function the student wrote)."""
    if obj is None or isinstance(obj, (str, dict)) or not callable(obj):
        return False
    module = obj.__module__ if isinstance(obj, types.FunctionType) else type(obj).__module__
    return not (module == "keras" or str(module).startswith("keras."))


def encode_json(value):
    """A Keras config (dicts, lists, strings, numbers) as JSON text, or None."""
    return None if value is None else json.dumps(value, default=_json_default)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} in a Keras config")


def _reference(obj) -> str:
    return f"{obj.__module__}:{obj.__qualname__}"


def encode_function(fn) -> dict:
    """A function of the checks, for the student's kernel: a reference, or its code."""
    module, qualname = getattr(fn, "__module__", None), getattr(fn, "__qualname__", "")
    if module and "<" not in qualname:
        try:
            found = importlib.import_module(module)
            for part in qualname.split("."):
                found = getattr(found, part)
            if found is fn:
                return {"$ref": f"{module}:{qualname}"}
        except (ImportError, AttributeError):
            pass
    if not isinstance(fn, types.FunctionType) or fn.__closure__:
        raise WireError(f"cannot send {fn!r} to the student's kernel")
    names = {}
    for name in fn.__code__.co_names:
        if name in fn.__globals__:
            found = fn.__globals__[name]
            module = isinstance(found, types.ModuleType)
            names[name] = {"$module": found.__name__} if module else encode(found)
    return {"$code": {
        "marshal": base64.b64encode(marshal.dumps(fn.__code__)).decode("ascii"),
        "globals": names,
        "defaults": encode(fn.__defaults__),
    }}  # fmt: skip


# --- decoding ----------------------------------------------------------------------------------
class Decoder:
    """Turns channel data back into values; ``trusted`` only on the student's side."""

    def __init__(
        self, *, remote_function=None, own_function=None, trusted: bool = False, objects=None
    ):
        self.remote_function = remote_function  # checker side: a proxy for a student function
        self.own_function = own_function  # student side: a handle the student side gave out
        self.trusted = trusted
        self.items = 0
        # The sender's object ids -> what they decoded to: the same model sent twice is one
        # object here too (``build_model() is not build_model()`` means the same on both sides).
        self.objects = {} if objects is None else objects

    def decode(self, data, depth: int = 0):
        """The value ``data`` stands for; :class:`WireError` for anything else (never another)."""
        try:
            return self._decode(data, depth)
        except WireError:
            raise
        except Exception as err:  # noqa: BLE001 - e.g. Keras refusing a config: still bad data
            raise WireError(f"a malformed value ({type(err).__name__}: {str(err)[:200]})") from None

    def _decode(self, data, depth: int = 0):
        self.items += 1
        if depth > LIMITS["depth"] or self.items > LIMITS["items"]:
            raise WireError("a value too large or too deeply nested")
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        if isinstance(data, list):
            return [self._decode(v, depth + 1) for v in data]
        if not (isinstance(data, dict) and len(data) == 1):
            raise WireError("malformed value")
        ((tag, body),) = data.items()
        if tag == "$tuple" and isinstance(body, list):
            return tuple(self._decode(v, depth + 1) for v in body)
        if tag == "$dict" and isinstance(body, list):
            out = {}
            for pair in body:
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise WireError("malformed dict")
                key = self._decode(pair[0], depth + 1)
                if not isinstance(key, (str, int, float, bool, type(None), tuple)):
                    raise WireError("a dict key that is not a plain value")
                out[key] = self._decode(pair[1], depth + 1)
            return out
        if tag == "$float" and body in ("nan", "inf", "-inf"):
            return float(body)
        if tag == "$fraction" and isinstance(body, list) and len(body) == 2:
            numerator, denominator = body
            if type(numerator) is not int or type(denominator) is not int or denominator <= 0:
                raise WireError("a malformed fraction")
            if max(abs(numerator), denominator).bit_length() > 4096:
                raise WireError("a fraction too large")
            return fractions.Fraction(numerator, denominator)
        if tag == "$tensor" and isinstance(body, dict) and len(body) == 1:
            value = self._decode(body, depth + 1)
            if not isinstance(value, np.ndarray):
                raise WireError("a malformed tensor")
            import tensorflow as tf

            return tf.constant(value)
        if tag in ("$array", "$scalar"):
            return self._array(body, scalar=tag == "$scalar")
        if tag == "$opaque":
            return opaque(str(body)[:100])
        if tag == "$model":
            return self._model(body)
        if tag == "$history":
            return self._history(body, depth)
        if tag == "$dataclass":
            return self._dataclass(body, depth)
        if tag == "$function":
            if self.remote_function is None or not isinstance(body, dict):
                raise WireError("a function where none was expected")
            return self.remote_function(body)
        if tag == "$student" and self.own_function is not None:
            return self.own_function(body)
        if tag in ("$ref", "$code", "$module") and self.trusted:
            return _trusted_function(tag, body, self)
        raise WireError(f"unknown value tag {tag!r}")

    def _array(self, body, scalar: bool):
        if not isinstance(body, dict) or body.get("dtype") not in DTYPES:
            raise WireError("an array of an unsupported type")
        shape = body.get("shape")
        if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)):
            raise WireError("an array with a malformed shape")
        if len(shape) > LIMITS["depth"] or (scalar and shape):
            raise WireError("an array with a malformed shape")
        dtype = np.dtype(body["dtype"])
        size = math.prod(shape) * dtype.itemsize
        data = body.get("data")
        if size > LIMITS["array_bytes"] or not isinstance(data, str) or len(data) > 2 * size + 8:
            raise WireError("an array too large")
        raw = base64.b64decode(data.encode("ascii"), validate=True)
        if len(raw) != size:
            raise WireError("an array whose data does not match its shape")
        arr = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        return arr[()] if scalar else arr

    def _model(self, body):
        if not isinstance(body, dict):
            raise WireError("malformed model")
        config = body.get("config")
        _check_model_config(config)
        key = body.get("id")
        key = key if isinstance(key, str) and len(key) <= 40 else None
        weights = body.get("weights")
        if not isinstance(weights, list):
            raise WireError("malformed model weights")
        values = [self._decode(w, 2) for w in weights]
        if key is not None and key in self.objects:
            model = self.objects[key]  # the same object again: its state now
            if len(values) != len(model.get_weights()):
                raise WireError("a model changed its architecture between two calls")
        else:
            import keras

            model = keras.models.model_from_json(json.dumps(config))
        if values:
            model.set_weights(values)
        apply_compile(model, body.get("compile"), loss=self.model_loss(body))
        if key is not None:
            self.objects[key] = model
        return model

    def model_loss(self, body):
        """The loss function a ``$model`` body carries apart from its config, or None."""
        if "loss" not in body:
            return None
        loss = self._decode(body["loss"], 2)
        if not callable(loss):
            raise WireError("a model's loss that is not a function")
        return loss

    def _history(self, body, depth):
        import keras

        if not isinstance(body, dict):
            raise WireError("malformed history")
        history = keras.callbacks.History()
        history.history = self._decode(body.get("history"), depth + 1)
        history.params = self._decode(body.get("params"), depth + 1)
        history.epoch = self._decode(body.get("epoch"), depth + 1)
        model = self._decode(body.get("model"), depth + 1)
        if not isinstance(history.history, dict) or not isinstance(history.params, dict):
            raise WireError("malformed history")
        if not isinstance(history.epoch, list) or (
            model is not None and _keras_kind(model) != "model"
        ):
            raise WireError("malformed history")
        if model is not None:
            history.set_model(model)
        return history

    def _dataclass(self, body, depth):
        cls = _course_class(body.get("type") if isinstance(body, dict) else None)
        fields = body.get("fields")
        if not isinstance(fields, dict) or set(fields) - {f.name for f in dataclasses.fields(cls)}:
            raise WireError("malformed dataclass")
        return cls(**{k: self._decode(v, depth + 1) for k, v in fields.items()})


def apply_compile(model, compile_json, *, loss=None) -> None:
    """Compile ``model`` as described by :func:`encode_json` of its compile config; ``loss``:
    the loss function that came apart from it (a proxy on the checker's side)."""
    if compile_json is None:
        return
    if not isinstance(compile_json, str):
        raise WireError("malformed compile settings")
    config = json.loads(compile_json)
    _check_config_modules(config)
    if loss is None:
        model.compile_from_config(config)
        return
    import keras

    settings = keras.saving.deserialize_keras_object(config)  # as compile_from_config does
    if not isinstance(settings, dict):
        raise WireError("malformed compile settings")
    model.compile(**dict(settings, loss=loss))
    if model.built:
        model.optimizer.build(model.trainable_variables)


def _course_class(reference):
    """A dataclass of the course library named by ``module:qualname`` (nothing else)."""
    if not isinstance(reference, str) or ":" not in reference:
        raise WireError("malformed dataclass type")
    module, qualname = reference.split(":", 1)
    if not (module == "utils" or module.startswith("utils.")) or not NAME.match(qualname):
        raise WireError(f"{reference} is not a class of the course library")
    cls = getattr(importlib.import_module(module), qualname, None)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise WireError(f"{reference} is not a dataclass")
    return cls


def _check_model_config(config) -> None:
    """Only Sequential/Functional models of allow-listed Keras layers are rebuilt."""
    if not isinstance(config, dict) or config.get("class_name") not in MODELS:
        raise WireError("the model is not a keras.Sequential or functional model")
    layers = (config.get("config") or {}).get("layers")
    if not isinstance(layers, list):
        raise WireError("malformed model config")
    for layer in layers:
        name = layer.get("class_name") if isinstance(layer, dict) else None
        if name not in LAYERS:
            raise WireError(f"the model uses a layer the checks cannot rebuild: {name}")
    _check_config_modules(config)


def _check_config_modules(config, depth: int = 0) -> None:
    """Every object a Keras config names must come from Keras itself (no custom code)."""
    if depth > 64:
        raise WireError("a Keras config too deeply nested")
    if isinstance(config, dict):
        module, name = config.get("module"), config.get("class_name")
        if module == "builtins" and name == "function":  # loss=keras.losses.binary_crossentropy
            if not _keras_function(config.get("config")):
                raise WireError("a Keras config names a function that is not Keras's own")
        elif module is not None and not (
            isinstance(module, str) and (module == "keras" or module.startswith("keras."))
        ):
            raise WireError(f"a Keras config names code outside Keras ({str(module)[:80]})")
        if name is not None and not (isinstance(name, str) and NAME.match(name)):
            raise WireError("a Keras config names a custom (registered) object")  # "pkg>Name"
        if config.get("registered_name") not in (None, name):
            raise WireError("a Keras config names a custom (registered) object")
        if name in ("Lambda", "__lambda__") or (name == "function" and module is None):
            raise WireError("a Keras config holds a Python function")
        for value in config.values():
            _check_config_modules(value, depth + 1)
    elif isinstance(config, list):
        for value in config:
            _check_config_modules(value, depth + 1)


def _keras_function(name) -> bool:
    """Whether ``name`` is a function of Keras's built-in modules (how Keras looks it up)."""
    if not (isinstance(name, str) and NAME.match(name)) or name in KERAS_HELPERS:
        return False
    import keras

    for module in ("activations", "losses", "metrics"):
        found = getattr(getattr(keras, module), name, None)
        if isinstance(found, types.FunctionType) and found.__module__.startswith("keras."):
            return True
    return False


def _trusted_function(tag, body, decoder):
    """Student side only: rebuild a function the checks sent (a reference or its code)."""
    if tag == "$module":
        return importlib.import_module(body)
    if tag == "$ref":
        module, qualname = body.split(":", 1)
        found = importlib.import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
        return found
    code = marshal.loads(base64.b64decode(body["marshal"]))
    scope = {"__builtins__": builtins}
    scope.update({k: decoder._decode(v) for k, v in body["globals"].items()})
    return types.FunctionType(code, scope, code.co_name, decoder._decode(body["defaults"]))
