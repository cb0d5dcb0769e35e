"""The channel's data format: what round-trips, and what the checker refuses to decode."""

from __future__ import annotations

import base64
import json
import marshal
import math

import numpy as np
import pytest

from autograder.remote import wire
from autograder.remote.wire import Decoder, WireError, encode


def through(value, **decoder):
    """``value`` encoded, sent as JSON (no bare nan/inf), decoded on the checker's side."""
    return Decoder(**decoder).decode(json.loads(json.dumps(encode(value), allow_nan=False)))


# --- round trips ----------------------------------------------------------------------------------
PLAIN = [
    None, True, False, 0, -7, 2**100, -(3**80), 1.5, -0.0, 1e308, float("inf"), float("-inf"),
    "", "héllo ✓", [], [1, [2, [3.5, "x"]]], (), (1, (2, None)), {"a": 1},
    {1: "one", 2.5: [1], (1, "t"): {"inner": (None,)}, None: True, False: 0},
]  # fmt: skip


@pytest.mark.parametrize("value", PLAIN, ids=repr)
def test_plain_values_round_trip(value):
    back = through(value)
    assert back == value and type(back) is type(value)
    assert repr(back) == repr(value)  # tuples stay tuples, -0.0 stays -0.0, keys keep their type


def test_nan_round_trips():
    assert math.isnan(through(float("nan")))
    assert math.isnan(through([float("nan")])[0])


@pytest.mark.parametrize("dtype", sorted(wire.DTYPES))
def test_arrays_of_every_dtype_round_trip(dtype):
    values = np.arange(-3, 9).reshape(3, 4) % (2 if dtype == "bool" else 100)
    arr = values.astype(dtype)
    for value in (
        arr,
        arr[:, ::2],
        arr.T,
        np.asfortranarray(arr),
        arr[()][0, 0],
        arr[:0],
        arr[0, 0:1],
    ):
        back = through(value)
        assert type(back) is type(value)  # an array stays an array, a scalar a numpy scalar
        assert back.dtype == value.dtype and back.shape == value.shape
        np.testing.assert_array_equal(back, value)


@pytest.mark.parametrize("value", [np.array(3.5), np.zeros((0, 3)), np.zeros((2, 0, 4), "int8")])
def test_zero_d_and_empty_arrays_round_trip(value):
    back = through(value)
    assert isinstance(back, np.ndarray) and back.shape == value.shape and back.dtype == value.dtype


def test_byte_swapped_arrays_keep_their_values():
    for big in ((np.arange(5) / 3).astype(">f8"), np.arange(6).reshape(2, 3).astype(">i4")):
        assert big.dtype.byteorder == ">"  # e.g. read from a big-endian file (MNIST's)
        back = through(big)
        assert back.dtype == big.dtype.newbyteorder("=")
        np.testing.assert_array_equal(back, big)


def test_non_finite_array_values_round_trip():
    value = np.array([np.nan, np.inf, -np.inf, 1.0])
    np.testing.assert_array_equal(through(value), value)


def test_decoded_arrays_are_writable():
    back = through(np.ones(3))
    back[0] = 5.0  # the checks may change their copy (e.g. a student's in-place change)
    assert back.flags.writeable and back.tolist() == [5.0, 1.0, 1.0]


def small_model(keras, compiled=True, **compile_kwargs):
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(2)]
    )
    model.set_weights(
        [np.full(w.shape, 0.1 * (i + 1), "float32") for i, w in enumerate(model.get_weights())]
    )
    if compiled:
        settings = dict(
            optimizer=keras.optimizers.Adam(learning_rate=0.01),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        model.compile(**{**settings, **compile_kwargs})
    return model


def test_a_keras_model_round_trips_with_its_weights_and_compile_settings(keras):
    model = small_model(keras)
    back = through(model)
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    assert back is not model and isinstance(back, keras.Sequential)
    np.testing.assert_allclose(back.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert back.compiled and back.get_compile_config() == model.get_compile_config()


def test_an_uncompiled_model_stays_uncompiled(keras):
    assert not through(small_model(keras, compiled=False)).compiled


def test_a_keras_loss_given_as_a_function_round_trips(keras):
    model = small_model(keras, loss=keras.losses.sparse_categorical_crossentropy)
    assert (
        through(model).get_compile_config()["loss"]["config"] == "sparse_categorical_crossentropy"
    )


def test_a_functional_model_round_trips(keras):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(inputs))
    assert [w.shape for w in through(model).get_weights()] == [(3, 2), (2,)]


def test_a_keras_history_round_trips(keras):
    model = small_model(keras)
    history = keras.callbacks.History()
    history.set_model(model)
    history.history = {"loss": [0.9, 0.5], "accuracy": [0.5, np.float32(0.75)]}
    history.params = {"epochs": 2, "steps": 3, "verbose": 0}
    history.epoch = [0, 1]
    back = through(history)
    assert isinstance(back, keras.callbacks.History)
    assert (
        back.history == history.history and back.params == history.params and back.epoch == [0, 1]
    )
    assert back.model.get_compile_config() == model.get_compile_config()


def test_a_course_dataclass_round_trips(keras):
    from utils.lessons.assignment_digits.checks import TrainingRun

    history = keras.callbacks.History()
    history.history, history.params, history.epoch = {"loss": [1.0]}, {"epochs": 1}, [0]
    run = TrainingRun(model=small_model(keras), history=history, seconds=1.25, error="")
    back = through(run)
    assert type(back) is TrainingRun and back.seconds == 1.25 and back.error == ""
    assert back.history.history == {"loss": [1.0]}
    np.testing.assert_array_equal(back.model.get_weights()[0], run.model.get_weights()[0])


# --- what the student's side cannot make the checker believe ------------------------------
class LyingArray(np.ndarray):
    def __eq__(self, other):
        return True

    def tobytes(self, order="C"):
        return b"\0" * self.nbytes

    def __array__(self, *args, **kwargs):
        return np.full(self.shape, 42.0)


class LyingFloat(float):
    def __float__(self):
        return 0.5

    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class Liar:
    def __eq__(self, other):
        return True

    def __array__(self, *args, **kwargs):
        return np.array([0.5, 0.5])


def test_an_ndarray_subclass_arrives_as_its_plain_data():
    value = np.arange(4.0).view(LyingArray)
    back = through(value)
    assert type(back) is np.ndarray
    np.testing.assert_array_equal(back, [0.0, 1.0, 2.0, 3.0])
    assert not np.array_equal(back, np.full(4, 42.0))


@pytest.mark.parametrize(
    "value",
    [LyingFloat(0.25), Liar(), type("Int", (int,), {"__eq__": lambda s, o: True})(3),
     type("Dict", (dict,), {})(a=1), type("List", (list,), {})([1]), object()],
    ids=lambda v: type(v).__name__,
)  # fmt: skip
def test_lying_objects_arrive_as_opaque_placeholders(value):
    data = encode(value)
    assert set(data) == {"$opaque"}
    back = through(value)
    assert isinstance(back, wire.Opaque) and back != 0.5 and back != 0.25 and back != [1]
    assert type(back).__name__ == type(value).__name__ and "student" in repr(back)


def test_a_str_subclass_arrives_as_a_plain_str():
    shouty = type("Shouty", (str,), {"__eq__": lambda s, o: True, "__hash__": str.__hash__})
    back = through(shouty("abc"))
    assert type(back) is str and back == "abc" and back != "xyz"


def test_a_fake_keras_tensor_arrives_as_a_real_tensor_of_plain_data():
    """A tensor stays a tensor (``.round`` fails on both sides), rebuilt from its values only."""
    import tensorflow as tf

    fake = type("Tensor", (), {"__module__": "keras.fake", "numpy": 1, "dtype": 1, "shape": 1})
    fake.__array__ = lambda self, *a, **k: np.array([7.0])
    back = through(fake())
    assert tf.is_tensor(back) and back.numpy().tolist() == [7.0] and not hasattr(back, "round")


def test_fractions_arrive_as_fractions_and_bad_ones_are_refused():
    from fractions import Fraction

    assert through(Fraction(-3, 4)) == Fraction(-3, 4) and type(through(Fraction(1, 3))) is Fraction
    for body in ([1, 0], [1, -2], [1.5, 2], [1], [2**5000, 3]):
        with pytest.raises(wire.WireError):
            wire.Decoder().decode({"$fraction": body})


def test_the_same_model_sent_twice_is_one_object_and_two_models_are_two(keras):
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    other = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    decoder = wire.Decoder()
    first, again, second = (
        decoder.decode(json.loads(json.dumps(encode(m)))) for m in (model, model, other)
    )
    assert first is again and first is not second


def test_functions_arrive_as_proxies_only_where_expected():
    data = json.loads(json.dumps(encode(print)))
    assert data == {"$function": {"name": "print"}}
    with pytest.raises(WireError):
        Decoder().decode(data)
    assert Decoder(remote_function=lambda target: ("proxy", target)).decode(data) == (
        "proxy",
        {"name": "print"},
    )


def test_opaque_type_names_are_sanitised():
    assert type(Decoder().decode({"$opaque": "os.system('x')"})).__name__ == "object"
    assert type(Decoder().decode({"$opaque": ["nested"]})).__name__ == "object"


def test_encoding_refuses_deep_nesting():
    value: list = []
    for _ in range(wire.LIMITS["depth"] + 2):
        value = [value]
    with pytest.raises(WireError):
        encode(value)


def test_functions_of_the_checks_are_sent_as_references_or_code():
    assert wire.encode_function(np.allclose) == {"$ref": "numpy:allclose"}
    sent = wire.encode_function(lambda x: np.sum(x) + 1)
    assert set(sent) == {"$code"} and sent["$code"]["globals"] == {"np": {"$module": "numpy"}}
    rebuilt = Decoder(trusted=True).decode(json.loads(json.dumps(sent)))
    assert rebuilt(np.ones(3)) == 4.0
    with pytest.raises(WireError):
        wire.encode_function(print.__call__)  # neither importable nor plain Python code
    marshalled = base64.b64encode(marshal.dumps((lambda: 1).__code__)).decode()
    assert (
        Decoder(trusted=True).decode(
            {"$code": {"marshal": marshalled, "globals": {}, "defaults": None}}
        )()
        == 1
    )
