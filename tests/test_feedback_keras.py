"""utils.feedback.keras_model, .architecture, .compile_config and .layer_sizes: every correct
spelling is recognised, every count agrees with Keras, and lesson 01 and the graded assignment
name a mistake the same way, in every language."""

import numpy as np
import pytest

from tests.chinese import CHINESE, numbers
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
from utils.i18n import LANG_ENV, msg
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


MODEL_MISTAKES = {
    ("output", "en"): "the output layer uses relu; ",
    (
        "hidden",
        "en",
    ): "wrong hidden activation. Hidden layer 1 uses softmax; give the hidden layers",
    (
        "input",
        "en",
    ): "returned a model that does not know its input size: start the Sequential list",
    ("output", "zh"): "：输出层用的是 relu；",
    ("hidden", "zh"): "隐藏层的激活函数不对。第 1 个隐藏层用的是 softmax；请给隐藏层设置",
    ("input", "zh"): "返回的模型不知道自己的输入大小：请在 Sequential 列表的开头",
}


@pytest.mark.parametrize("mistake", ["output", "hidden", "input"])
def test_lesson_01_and_the_assignment_name_a_model_mistake_the_same_way(keras, mistake, lang):
    """The same checker with two settings: the sentence naming the mistake is the same."""
    phrase = MODEL_MISTAKES[mistake, lang]

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
    assert "applies softmax a second time" in message(
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


# --- what Keras 3 does with from_logits=True on a softmax or sigmoid output ---------------------
# The messages (LOSSES), the quiz (softmax-3), lessons 01 and 03 and the assignment all tell this
# story: inside fit/evaluate the TensorFlow backend's losses use the logits a Keras softmax or
# sigmoid caches (warning when told from_logits=True), so training is unchanged; an array of
# probabilities, float16 or another backend gets probabilities (clipped; with from_logits=True,
# squashed a second time).


def _blob_fit(keras, activation, from_logits, dtype=None, epochs=5):
    import warnings

    from utils.synthetic import make_blobs

    X, y = make_blobs(n_per_class=50, seed=1)
    keras.utils.set_random_seed(1234)
    model = keras.Sequential(
        [
            keras.Input(shape=(2,)),
            keras.layers.Dense(16, activation="relu", dtype=dtype),
            keras.layers.Dense(4, activation=activation, dtype=dtype),
        ]
    )
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits),
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(X, y, epochs=epochs, batch_size=32, verbose=0)
    return model, history.history["loss"], [str(w.message) for w in caught], (X, y)


def test_a_softmax_output_with_from_logits_trains_as_the_linear_output_and_warns(keras):
    _, linear, quiet, _ = _blob_fit(keras, "linear", True)
    _, softmax_plain, quiet_too, _ = _blob_fit(keras, "softmax", False)
    model, both, warned, (X, y) = _blob_fit(keras, "softmax", True)
    assert both == linear == softmax_plain  # float32, TensorFlow: identical, epoch by epoch
    assert quiet == quiet_too == []
    assert warned and all("received `from_logits=True`" in w for w in warned)
    # a plain array of probabilities: the loss applies softmax a second time
    from utils import nn

    probs = model.predict(X, verbose=0)
    twice = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, probs))
    assert twice == pytest.approx(
        nn.cost(nn.sparse_categorical_crossentropy(y, probs, from_logits=True)), rel=1e-5
    )
    with pytest.warns(UserWarning, match="received `from_logits=True`"):
        evaluated = float(model.evaluate(X, y, verbose=0))  # from the cached logits
    assert twice > 2 * evaluated


def test_in_float16_the_loss_really_applies_softmax_twice_without_a_warning(keras):
    _, linear16, _, _ = _blob_fit(keras, "linear", True, dtype="mixed_float16", epochs=10)
    _, both16, warned, _ = _blob_fit(keras, "softmax", True, dtype="mixed_float16", epochs=10)
    floor = np.log(np.e + 3) - 1  # perfect probabilities [1, 0, 0, 0] read as logits
    # why: the loss converts float16 outputs to float32, and the converted tensor has no logits
    a16 = keras.activations.softmax(keras.ops.convert_to_tensor(np.zeros((1, 4)), "float16"))
    assert hasattr(a16, "_keras_logits")
    assert not hasattr(keras.ops.convert_to_tensor(a16, dtype="float32"), "_keras_logits")
    assert warned == [] and linear16[-1] < 0.2 and both16[-1] > floor


def test_a_sigmoid_output_passes_its_logits_to_the_loss_inside_keras_only(keras):
    """Lesson 01: evaluate is exact from the cached logits (30), the loss on predict's array is
    clipped (16.03); with from_logits=True a sigmoid output trains as a linear one, and warns."""
    import warnings

    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss=keras.losses.BinaryCrossentropy())
    model.layers[0].set_weights([np.array([[30.0]]), np.zeros(1)])
    x, y = np.array([[1.0], [-1.0]]), np.array([[0.0], [1.0]])
    assert model.evaluate(x, y, verbose=0) == pytest.approx(30.0, rel=1e-6)
    p = model.predict(x, verbose=0)
    clipped = float(keras.losses.BinaryCrossentropy()(y, p))
    assert clipped == pytest.approx(16.0302, abs=1e-4) and clipped < -np.log(1e-7)
    # float16: the loss converts the outputs to float32 first, and clips
    model16 = keras.Sequential(
        [keras.Input(shape=(1,)), keras.layers.Dense(1, activation="sigmoid", dtype="float16")]
    )
    model16.compile(loss=keras.losses.BinaryCrossentropy())
    model16.layers[0].set_weights([np.array([[30.0]]), np.zeros(1)])
    assert model16.evaluate(x, y, verbose=0) == pytest.approx(clipped, rel=1e-5)

    X = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    t = (X[:, :1] > 0).astype("float32")
    losses = {}
    for activation, from_logits in (("linear", True), ("sigmoid", True), ("sigmoid", False)):
        keras.utils.set_random_seed(7)
        m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation)])
        m.compile(loss=keras.losses.BinaryCrossentropy(from_logits=from_logits), optimizer="adam")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            losses[activation, from_logits] = m.fit(X, t, epochs=3, verbose=0).history["loss"]
        assert bool(caught) == (activation == "sigmoid" and from_logits)
    assert losses["sigmoid", True] == losses["linear", True] == losses["sigmoid", False]


def test_only_the_tensorflow_backend_looks_for_cached_logits(keras):
    """'another backend': the JAX, PyTorch and NumPy backends' losses never read the logits a
    softmax or sigmoid caches (they are not installed here, so their sources are read)."""
    from pathlib import Path

    backends = Path(keras.__file__).parent / "src" / "backend"
    assert "_keras_logits" in (backends / "tensorflow" / "nn.py").read_text()
    for other in ("jax", "torch", "numpy"):
        assert "_keras_logits" not in (backends / other / "nn.py").read_text(), other


def test_the_messages_tell_that_story(keras):
    """The two messages about from_logits on a squashing output name the true mechanism."""
    (binary_mistake,) = [m for m in LOSSES["binary_crossentropy"].mistakes if "True" in m.name]
    phrases = {
        "en": (
            "Inside fit and evaluate",
            "warns on stderr",
            "cached logits",
            "float16",
            "another backend",
            "a second time",
        ),
        "zh": (
            "在 fit 和 evaluate 内部",
            "在 stderr 上发出警告",
            "缓存的 logits",
            "float16",
            "别的后端",
            "再做一次",
        ),
    }
    for lang, wanted in phrases.items():
        for text in (
            binary_mistake.template(lang),
            msg(LOSSES["sparse_categorical_crossentropy_from_logits"].softmax_twice, lang=lang),
        ):
            for phrase in wanted:
                assert phrase in text, (phrase, text)


def test_the_model_checks_speak_chinese_with_the_same_numbers(keras, monkeypatch):
    """A check error comes out in Chinese under COURSE_LANG=zh, with the same parameters."""
    digits = dict(what="build_model()", inputs=400, units=(25, 15, 10), output="linear")
    sparse = dict(what="compile_model(model)", loss="sparse_categorical_crossentropy_from_logits")
    good = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    no_bias = [keras.Input(shape=(400,)), keras.layers.Dense(25, "relu", use_bias=False)]
    cases = [
        (
            lambda: check_architecture(build(keras, extra=[keras.layers.Softmax()]), **digits),
            "输出层用的是 softmax（由其后的 Softmax 层实现），所以模型的各个输出之和为 1；"
            "输出层必须是线性的",
        ),
        (
            lambda: check_architecture(
                keras.Sequential(
                    no_bias + [keras.layers.Dense(15, "relu"), keras.layers.Dense(10)]
                ),
                **digits,
            ),
            "build_model() 有 10,550 个参数；"
            "而 400-25-15-10 的网络有 10,025 + 390 + 160 = 10,575 个参数。",
        ),
        (
            lambda: check_architecture(build(keras, hidden=None), **digits),
            "第 1 个隐藏层没有激活函数（Dense 默认是线性的）；请给它设置 activation='relu'。",
        ),
        (
            lambda: check_compile_config(
                compiled(keras, build(keras), good, optimizer=keras.optimizers.Adam(0.01)), **sparse
            ),
            "compile_model(model)：Adam 的学习率是 0.01，应为 0.001。",
        ),
        (
            lambda: check_compile_config(
                compiled(keras, build(keras), "sparse_categorical_crossentropy"), **sparse
            ),
            "这个损失把模型的输出当成了概率：请设置 from_logits=True",
        ),
        (
            lambda: check_compile_config(build(keras), **sparse, when=" before returning it"),
            "：模型还没有编译（从未调用过 model.compile(",
        ),
    ]
    for case, chinese_words in cases:
        monkeypatch.setenv(LANG_ENV, "en")
        english = message(case)
        monkeypatch.setenv(LANG_ENV, "zh")
        chinese = message(case)
        assert chinese_words in chinese and not CHINESE.search(english), chinese
        assert numbers(chinese) == numbers(english), (english, chinese)
