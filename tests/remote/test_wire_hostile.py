"""Hostile data for the checker's decoder: every one is a WireError, and nothing of it runs."""

from __future__ import annotations

import base64
import copy
import json
import marshal

import numpy as np
import pytest

from autograder.remote import wire
from autograder.remote.wire import Decoder, WireError


def ident(value) -> str:
    text = repr(value)
    return type(value).__name__ if " at 0x" in text else text[:70]


def refused(data, **decoder) -> str:
    with pytest.raises(WireError) as info:
        Decoder(**decoder).decode(data)
    return str(info.value)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def array(dtype="float64", shape=(2,), data="A" * 24, tag="$array") -> dict:
    shape = list(shape) if isinstance(shape, tuple) else shape
    return {tag: {"dtype": dtype, "shape": shape, "data": data}}


EMPTY = {"$dict": []}
RUN = "utils.lessons.assignment_digits.checks:TrainingRun"
MALFORMED = [
    {}, {"a": 1}, {"$tuple": [1], "$dict": []}, {"$tuple": 5}, {"$tuple": {"a": 1}},
    {"$dict": {"a": 1}}, {"$dict": [[1]]}, {"$dict": [[1, 2, 3]]}, {"$dict": [5]},
    {"$dict": [[[1], 2]]}, {"$dict": [[{"$tuple": [[1]]}, 1]]}, {"$dict": [[array(), 1]]},
    {"$dict": [[{"$opaque": "x"}, 1]]}, {"$float": "1e5"}, {"$float": ["nan"]}, {"$float": None},
    {"$unknown": 1}, {"$Array": {}}, {"$function": {"name": "f"}}, {"$student": {"name": "f"}},
    {"$history": 5}, {"$history": {"history": [], "params": EMPTY, "epoch": []}},
    {"$history": {"history": EMPTY, "params": EMPTY, "epoch": 5}},
    {"$history": {"history": EMPTY, "params": EMPTY, "epoch": [], "model": 5}},
    {"$model": 5}, {"$model": []}, {"$dataclass": 5}, {"$dataclass": {"type": 5}},
    {1, 2}, b"bytes", object(), (1, 2),
]  # fmt: skip


@pytest.mark.parametrize("data", MALFORMED, ids=ident)
def test_malformed_data_is_refused(data):
    refused(data)


def test_a_function_body_must_be_a_mapping():
    refused({"$function": 5}, remote_function=lambda target: target)


@pytest.mark.parametrize("tag", ["$ref", "$module", "$code"])
def test_code_and_references_are_refused_on_the_checker_side(probe, tag):
    name = probe("wire_probe_ref")
    code = b64(marshal.dumps(compile("touch()", "x", "exec")))
    body = {
        "$ref": f"{name}:touch",
        "$module": name,
        "$code": {"marshal": code, "globals": {"m": {"$module": name}}, "defaults": None},
    }[tag]
    assert "unknown value tag" in refused({tag: body})
    refused([1, {"$tuple": [{tag: body}]}])
    assert probe.marks() == []
    Decoder(trusted=True).decode({"$ref": f"{name}:touch"})  # the probe works: it would be seen
    assert probe.marks() == [name]


BAD_DTYPES = ["object", "O", "str", "<U3", "V8", "void", "datetime64", "float", "f16", None, []]
BAD_SHAPES = [
    [-1], [2.0], [True], "2", None, [2**40], [2**62, 2**62], [0, 2**64], [0, 2**40, 2**40],
    [1] * 33,
]  # fmt: skip
BAD_ARRAYS = [
    array(shape=(3,)), array(shape=(1,)), array(data=b64(b"\0" * 17)), array(data="!!!!"),
    array(data="é" * 4), array(data=5), array(data=None), array(data="AAAAAAAA\nAAAAAAAAAAA="),
    array(tag="$scalar"), array(shape=(), tag="$scalar"), {"$array": 5}, {"$array": {"shape": [1]}},
]  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [array(dtype) for dtype in BAD_DTYPES] + [array(shape=s) for s in BAD_SHAPES] + BAD_ARRAYS,
    ids=ident,
)
def test_bad_arrays_are_refused(body):
    refused(body)


def test_a_scalar_of_the_right_size_is_accepted():  # the control of the cases above
    scalar = array(shape=(), data=b64(np.float64(2.5).tobytes()), tag="$scalar")
    assert Decoder().decode(scalar) == 2.5


def test_over_deep_nesting_is_refused():
    for wrap in (lambda v: [v], lambda v: {"$tuple": [v]}, lambda v: {"$dict": [["k", v]]}):
        data = 1
        for _ in range(wire.LIMITS["depth"] + 2):
            data = wrap(data)
        assert "deeply nested" in refused(data)


def test_too_many_items_are_refused(monkeypatch):
    monkeypatch.setitem(wire.LIMITS, "items", 50)
    Decoder().decode([0] * 40)
    refused([0] * 60)
    refused([[0] * 30, [0] * 30])  # the count is for the whole value, not each list


def test_an_array_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setitem(wire.LIMITS, "array_bytes", 100)
    data = b64(b"\0" * 104)
    assert "too large" in refused(array("uint8", (104,), data))


@pytest.mark.parametrize(
    "reference",
    ["os:PathLike", "builtins:dict", "dataclasses:Field", "utils.feedback.core:ExerciseError",
     f"{RUN}.__init__", RUN.split(":")[0], "utils.no_such_module:Thing", "utils:__builtins__",
     ":TrainingRun", 5, None],
)  # fmt: skip
def test_dataclasses_outside_the_course_library_are_refused(reference):
    refused({"$dataclass": {"type": reference, "fields": {}}})


def test_a_module_named_like_the_course_library_is_not_imported(probe):
    for name in ("utils_wire_probe", "utilsx"):
        refused({"$dataclass": {"type": f"{probe(name)}:Thing", "fields": {}}})
    assert probe.marks() == []


@pytest.mark.parametrize("fields", [{"nope": 1}, {"model": {"$function": {}}}, [], 5, None])
def test_dataclass_fields_must_be_its_own(fields):
    refused({"$dataclass": {"type": RUN, "fields": fields}})


# --- Keras models ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model_data():
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu")])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return json.loads(json.dumps(wire.encode(model)))


def changed(model_data, change) -> dict:
    data = copy.deepcopy(model_data)
    body = data["$model"]
    compile_config = json.loads(body["compile"])
    change(body["config"], body["config"]["config"]["layers"][1], compile_config)
    body["compile"] = json.dumps(compile_config)
    return data


def test_the_untouched_model_decodes(model_data):  # the control of the cases below
    assert Decoder().decode(model_data).compiled


def test_models_of_other_layers_are_refused(model_data):
    def lambda_layer(config, dense, compiled):
        dense["class_name"] = "Lambda"
        dense["config"]["function"] = {
            "module": "keras",
            "class_name": "function",
            "config": "relu",
        }

    custom = {"class_name": "ProbeLayer", "module": None, "registered_name": "probe>ProbeLayer"}
    for change in (
        lambda_layer,
        lambda c, dense, _: dense.update(custom),
        lambda c, dense, _: dense.update(class_name="Sequential"),  # a model inside: not rebuilt
        lambda c, dense, _: c.update(class_name="Model"),
        lambda c, dense, _: c.update(class_name=["Sequential"]),
        lambda c, dense, _: c["config"].update(layers={"0": dense}),
        lambda c, dense, _: c["config"]["layers"].append("Dense"),
        lambda c, dense, _: c.update(config=[1]),
    ):
        refused(changed(model_data, change))


PLACES = {
    "model": lambda config, dense, compiled: config,
    "layer": lambda config, dense, compiled: dense,
    "initializer": lambda config, dense, compiled: dense["config"]["kernel_initializer"],
    "dtype policy": lambda config, dense, compiled: dense["config"]["dtype"],
    "optimizer": lambda config, dense, compiled: config["compile_config"]["optimizer"],
    "compile settings": lambda config, dense, compiled: compiled["optimizer"],
}


@pytest.mark.parametrize("place", PLACES)
def test_a_module_outside_keras_is_refused_anywhere(model_data, probe, place):
    modules = (probe("wire_probe_module"), probe("keras_wire_probe"), "kerasx", "builtins", 5, [])
    for module in modules:
        refused(changed(model_data, lambda *parts: PLACES[place](*parts).update(module=module)))
    assert probe.marks() == []


@pytest.mark.parametrize("place", PLACES)
def test_registered_name_tricks_are_refused(model_data, place):
    tricks = (
        {"registered_name": "probe>Dense"},
        {"registered_name": [1]},
        {"class_name": "p>Dense"},
    )
    for trick in tricks:
        refused(changed(model_data, lambda *parts: PLACES[place](*parts).update(trick)))


def test_a_registered_custom_object_is_never_built(model_data, keras):
    built = []

    class MarkingDense(keras.layers.Dense):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    def implicit(config, dense, compiled):  # no registered_name: Keras would use class_name
        del dense["registered_name"]
        dense["class_name"] = "probe>Dense"

    def registered(config, dense, compiled):
        dense["registered_name"] = "probe>Dense"

    with keras.saving.custom_object_scope({"probe>Dense": MarkingDense}):
        refused(changed(model_data, registered))
        refused(changed(model_data, implicit))
    assert built == []


NOT_KERAS = ("print", "eval", "get", "touch", "os.system", 5)
FUNCTIONS = [{"module": "builtins", "class_name": "function", "config": n} for n in NOT_KERAS] + [
    {"module": "keras", "class_name": "__lambda__", "config": {"code": "", "defaults": None}},
    {"module": None, "class_name": "function", "config": "relu"},
    {"value": ["4wEAAA==", None, None]},  # how Keras writes a lambda activation
]
LAMBDA = FUNCTIONS[-1]


@pytest.mark.parametrize("function", FUNCTIONS, ids=ident)
def test_python_functions_in_a_config_are_refused(model_data, function):
    refused(changed(model_data, lambda c, dense, _: dense["config"].update(activation=function)))
    if function is not LAMBDA:  # a loss Keras cannot read is only read when used (see below)
        refused(changed(model_data, lambda c, dense, compiled: compiled.update(loss=function)))
        refused(changed(model_data, lambda c, dense, compiled: compiled.update(metrics=[function])))


@pytest.mark.parametrize("loss", ["no_such_loss", LAMBDA], ids=ident)
def test_a_loss_keras_cannot_read_stays_inert(model_data, loss):
    from utils.feedback.keras_model import loss_value

    model = Decoder().decode(changed(model_data, lambda c, d, compiled: compiled.update(loss=loss)))
    assert not callable(model.loss)
    assert np.isnan(loss_value(model.loss, np.zeros((2, 3)), np.ones((2, 3))))


@pytest.mark.parametrize("compiled", [5, "{not json", "[1]", json.dumps({"loss": [], "x": 1})])
def test_bad_compile_settings_are_refused(model_data, compiled):
    data = copy.deepcopy(model_data)
    data["$model"]["compile"] = compiled
    refused(data)


@pytest.mark.parametrize("weights", [5, [array()], [{"$opaque": "x"}], [[1.0, 2.0]]], ids=ident)
def test_weights_that_do_not_fit_are_refused(model_data, weights):
    data = copy.deepcopy(model_data)
    data["$model"]["weights"] = weights
    refused(data)


@pytest.mark.parametrize(
    "loss",
    [5, "print", {"$opaque": "function"}, {"$student": {"handle": "0"}}, {"$ref": "os:system"},
     {"$function": "not a target"}, [{"$function": {"handle": "0"}}]],
    ids=ident,
)  # fmt: skip
def test_a_loss_beside_the_config_must_be_a_student_function(model_data, loss):
    """A loss the student wrote travels as a ``$function`` (a proxy on the checker's side);
    anything else in that place is refused, and no function of the checker's is reachable."""
    data = copy.deepcopy(model_data)
    data["$model"]["loss"] = loss
    refused(data, remote_function=lambda target: lambda *args: 0.0)
