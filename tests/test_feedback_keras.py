"""utils.feedback.keras_model, .architecture, .compile_config and .layer_sizes: every correct
spelling is recognised, every count agrees with Keras, and lesson 01 and the graded assignment
name a mistake the same way."""

import numpy as np
import pytest

from utils.feedback import ExerciseError
from utils.feedback.architecture import check_architecture
from utils.feedback.compile_config import LOSSES, check_compile_config, check_loss
from utils.feedback.keras_model import (
    activation_name,
    dense_layers,
    loss_name,
    loss_value,
    metric_names,
    outputs_sum_to_one,
)
from utils.feedback.layer_sizes import (
    conv1d_output_length,
    conv1d_parameter_count,
    dense_parameter_count,
    dense_parameter_terms,
)
from utils.lessons.assignment_digits import checks as assignment
from utils.lessons.compile_and_fit import checks as lesson01


def message(check_fn, *args, **kwargs) -> str:
    with pytest.raises(ExerciseError) as info:
        check_fn(*args, **kwargs)
    return str(info.value)


def test_every_spelling_of_an_activation_is_recognised(keras, tf):
    spellings = {
        "relu": [
            "relu",
            tf.nn.relu,
            keras.activations.relu,
            keras.layers.ReLU(),
            keras.layers.Activation("relu"),
        ],
        "sigmoid": [
            "sigmoid",
            tf.nn.sigmoid,
            tf.sigmoid,
            keras.activations.sigmoid,
            keras.layers.Activation("sigmoid"),
        ],
        "tanh": ["tanh", tf.nn.tanh, keras.activations.tanh],
        "softmax": ["softmax", tf.nn.softmax, keras.activations.softmax, keras.layers.Softmax()],
        "linear": ["linear", None, keras.activations.linear],
        "leaky_relu": [keras.activations.leaky_relu, keras.layers.LeakyReLU(negative_slope=0.2)],
        "swish": ["swish", "silu", tf.nn.silu],
    }
    for name, fns in spellings.items():
        for fn in fns:
            assert activation_name(fn) == name, (name, fn)
    assert activation_name(keras.layers.ELU()) == "ELU"  # unknown: named, not guessed


def test_dense_layers_fold_activation_layers_and_reject_others(keras, tf):
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(3),
            keras.layers.ReLU(),
            keras.layers.Dropout(0.1),
            keras.layers.Dense(5, activation=tf.nn.relu),
            keras.layers.Dense(2),
            keras.layers.Activation("softmax"),
        ]
    )
    layers = dense_layers(model, what="m")
    assert [(d.units, d.activation, d.via) for d in layers] == [
        (3, "relu", "ReLU"),
        (5, "relu", ""),
        (2, "softmax", "Activation"),
    ]
    assert outputs_sum_to_one(model)
    twice = keras.Sequential(
        [keras.Input(shape=(4,)), keras.layers.Dense(3, activation="relu"), keras.layers.ReLU()]
    )
    assert "use one of the two" in message(dense_layers, twice, what="m")
    other = keras.Sequential(
        [keras.Input(shape=(4, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    assert "unexpected layer Flatten" in message(dense_layers, other, what="m")


def build(keras, units=(25, 15, 10), hidden="relu", out="linear", extra=()):
    layers = [keras.Input(shape=(400,))] + [
        keras.layers.Dense(n, activation=hidden) for n in units[:-1]
    ]
    return keras.Sequential(layers + [keras.layers.Dense(units[-1], activation=out), *extra])


def test_the_architecture_check_takes_its_settings(keras, tf):
    digits = dict(what="m", inputs=400, units=(25, 15, 10), output="linear")
    assert len(check_architecture(build(keras, hidden=tf.nn.relu), **digits)) == 3
    check_architecture(
        build(keras, units=(25, 15, 1), hidden="sigmoid", out="sigmoid"),
        what="m",
        inputs=400,
        units=(25, 15, 1),
        output="sigmoid",
        hidden=("sigmoid", "relu"),
    )
    text = message(
        check_architecture,
        build(keras, units=(25, 15, 1)),
        **digits,
        output_units_why=": one per digit.",
    )
    assert "the Dense layers have [25, 15, 1] units, expected [25, 15, 10]: one per digit." in text
    text = message(check_architecture, build(keras, extra=[keras.layers.Softmax()]), **digits)
    assert "output layer uses softmax (its Softmax layer), so your model's outputs sum to 1" in text
    assert "no activation (Dense defaults to linear)" in message(
        check_architecture, build(keras, hidden=None), **digits
    )
    text = message(check_architecture, build(keras, hidden="tanh"), **digits)
    assert "Hidden layer 1 uses tanh; give the hidden layers activation='relu'." in text
    with_bias_free = keras.Sequential(
        [
            keras.Input(shape=(400,)),
            keras.layers.Dense(25, activation="relu", use_bias=False),
            keras.layers.Dense(15, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    assert "has 10,550 parameters; 400-25-15-10 has 10,025 + 390 + 160 = 10,575." in message(
        check_architecture, with_bias_free, **digits
    )


@pytest.mark.parametrize(
    "mistake, phrase",
    [
        ("output", "the output layer uses relu; "),
        ("hidden", "wrong hidden activation. Hidden layer 1 uses softmax; give the hidden layers"),
        ("input", "returned a model that does not know its input size: start the Sequential list"),
    ],
)
def test_lesson_01_and_the_assignment_name_a_model_mistake_the_same_way(keras, mistake, phrase):
    """The same checker with two settings: the sentence naming the mistake is the same."""

    def model(units, hidden, out):
        if mistake == "input":
            return keras.Sequential([keras.layers.Dense(units[-1], activation=out)])
        return build(
            keras,
            units=units,
            hidden="softmax" if mistake == "hidden" else hidden,
            out="relu" if mistake == "output" else out,
        )

    lesson_text = message(
        lesson01.check_build_model,
        lambda hidden_units=(25, 15): model((*hidden_units, 1), "sigmoid", "sigmoid"),
    )
    assignment_text = message(assignment.check_model, lambda: model((25, 15, 10), "relu", "linear"))
    assert phrase in lesson_text and phrase in assignment_text, (lesson_text, assignment_text)


def compiled(keras, model, loss, optimizer="adam", metrics=("accuracy",)):
    model.compile(loss=loss, optimizer=optimizer, metrics=list(metrics) or None)
    return model


def test_the_loss_is_read_by_behaviour_whatever_its_spelling(keras):
    probe = LOSSES["sparse_categorical_crossentropy_from_logits"]
    want = probe.right(probe.y, probe.pred)
    for loss in (
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        lambda y, z: keras.losses.sparse_categorical_crossentropy(y, z, from_logits=True),
    ):
        assert loss_value(loss, probe.y, probe.pred) == pytest.approx(want, rel=1e-5)
    # Keras, given the probe as probabilities, computes what the catalogue says it does
    (mistake,) = probe.mistakes
    assert loss_value("sparse_categorical_crossentropy", probe.y, probe.pred) == pytest.approx(
        mistake.wrong(probe.y, probe.pred), rel=1e-5
    )
    assert np.isnan(loss_value(keras.losses.CategoricalCrossentropy(), probe.y, probe.pred))
    assert (
        loss_name("mse") == "mse"
        and loss_name(keras.losses.MeanSquaredError()) == "MeanSquaredError"
    )
    binary = LOSSES["binary_crossentropy"]
    assert loss_value(keras.losses.binary_crossentropy, binary.y, binary.pred) == pytest.approx(
        binary.right(binary.y, binary.pred), rel=1e-5
    )


def test_the_compile_check_takes_its_settings(keras):
    sparse = dict(
        what="c",
        loss="sparse_categorical_crossentropy_from_logits",
        metrics=("accuracy", "sparse_categorical_accuracy"),
    )
    good = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    check_compile_config(compiled(keras, build(keras), good), **sparse)
    check_compile_config(
        compiled(
            keras,
            build(keras, units=(25, 15, 1), hidden="sigmoid", out="sigmoid"),
            "binary_crossentropy",
            metrics=[keras.metrics.BinaryAccuracy()],
        ),
        what="c",
        loss="binary_crossentropy",
        metrics=("BinaryAccuracy",),
    )
    assert "softmax twice" in message(
        check_loss,
        compiled(keras, build(keras, out="softmax"), good),
        what="c",
        loss="sparse_categorical_crossentropy_from_logits",
    )
    text = message(
        check_compile_config,
        compiled(keras, build(keras), good, metrics=["categorical_accuracy"]),
        **sparse,
    )
    assert "metrics=['categorical_accuracy']: add metrics=['accuracy'] (an accuracy metric)" in text
    text = message(
        check_compile_config, compiled(keras, build(keras), good, optimizer="sgd"), **sparse
    )
    assert "the optimizer is SGD" in text
    model = build(keras)
    assert "the model is not compiled (it was never compiled" in message(
        check_compile_config, model, **sparse
    )


def test_layer_sizes_agree_with_keras(keras):
    for sizes in ([400, 25, 15, 1], [400, 25, 15, 10], [3, 1], [7, 5, 5, 2]):
        model = keras.Sequential(
            [keras.Input(shape=(sizes[0],))] + [keras.layers.Dense(n) for n in sizes[1:]]
        )
        assert dense_parameter_count(sizes) == model.count_params()
        assert sum(dense_parameter_terms(sizes)) == model.count_params()
    assert dense_parameter_terms([400, 25, 15, 10]) == [10025, 390, 160]
    for n, k, s, c, f in [
        (100, 20, 10, 1, 8),
        (9, 5, 2, 8, 4),
        (57, 4, 3, 3, 2),
        (10, 10, 3, 1, 1),
    ]:
        layer = keras.layers.Conv1D(f, k, strides=s)
        layer.build((None, n, c))
        assert conv1d_output_length(n, k, s) == layer.compute_output_shape((None, n, c))[1]
        assert conv1d_parameter_count(k, c, f) == layer.count_params()
    assert conv1d_output_length(100, 20, 10) == 9  # the EKG example of the lecture


def test_metric_names_read_the_compile_config(keras):
    model = compiled(
        keras,
        build(keras),
        "mse",
        metrics=["accuracy", keras.metrics.Accuracy(), keras.metrics.AUC()],
    )
    assert metric_names(model) == ["accuracy", "Accuracy", "AUC"]
