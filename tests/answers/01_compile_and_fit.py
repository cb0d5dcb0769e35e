"""Answers of lesson 01 (compile and fit): count_parameters, build_model and binary_cost.

The checks of count_parameters and binary_cost also read the notebook's trained ``model`` (a
locked cell's, built from no answer), so every answer here meets the same model.
"""

from tests.answers import maker

LESSON = "01_compile_and_fit"
LOCKED = ("define", "compile", "fit")  # the trained `model` the checks compare with
OWN = {
    "count_parameters": ("test_count_parameters",),
    "build_model": ("test_build_model",),
    "binary_cost": ("test_binary_cost",),
}
ALSO = {"count_parameters": (), "build_model": (), "binary_cost": ()}

count = maker("count_parameters", "test_count_parameters")
build = maker("build_model", "test_build_model")
cost = maker("binary_cost", "test_binary_cost")

HEAD = "def build_model(hidden_units=(25, 15)):"
COMPILE = (
    'model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.001), '
    'metrics=["accuracy"])'
)


def builder(layers: str, compile_line: str = COMPILE, before: str = "") -> str:
    """A build_model whose Sequential holds ``layers`` (a list expression over hidden_units)."""
    return (
        f"{before}{HEAD}\n"
        f"    model = keras.Sequential({layers})\n"
        f"    {compile_line}\n"
        "    return model\n"
    )


SIGMOID_LAYERS = (
    "[keras.Input(shape=(400,))]"
    ' + [keras.layers.Dense(n, activation="sigmoid") for n in hidden_units]'
    ' + [keras.layers.Dense(1, activation="sigmoid")]'
)


def cost_code(body: str) -> str:
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    return f"def binary_cost(y, p):\n{lines}\n"


ANSWERS = [
    # --- count_parameters ---------------------------------------------------------------------
    count(
        "weights_only",
        """
        def count_parameters(layer_sizes):
            return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
        """,
        0,
        message="you counted only the weights",
    ),
    count(
        "bias_per_input",
        """
        def count_parameters(layer_sizes):
            return sum(a * b + a for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
        """,
        0,
        message="one bias per *input*",
    ),
    count(
        "last_layer_missing",
        """
        def count_parameters(layer_sizes):
            total = 0
            for i in range(len(layer_sizes) - 2):
                total += layer_sizes[i] * layer_sizes[i + 1] + layer_sizes[i + 1]
            return total
        """,
        0,
        message="the last layer is missing",
    ),
    count(
        "typed_in",
        """
        def count_parameters(layer_sizes):
            return 10431
        """,
        0,
        message="work for any number of layers",
    ),
    count(
        "float",
        """
        def count_parameters(layer_sizes):
            sizes = np.asarray(layer_sizes, dtype=float)
            return float(np.sum(sizes[:-1] * sizes[1:] + sizes[1:]))
        """,
        0,
        message="whole number (an int)",
    ),
    count(
        "numpy_int64",
        """
        def count_parameters(layer_sizes):
            sizes = np.asarray(layer_sizes)
            return np.sum(sizes[:-1] * sizes[1:] + sizes[1:])
        """,
        1,
        note="returns a numpy int64",
    ),
    count(
        "recursive",
        """
        def count_parameters(layer_sizes):
            sizes = [int(n) for n in layer_sizes]
            if len(sizes) < 2:
                return 0
            return sizes[0] * sizes[1] + sizes[1] + count_parameters(sizes[1:])
        """,
        1,
    ),
    count(
        "keras_model",
        """
        def count_parameters(layer_sizes):
            sizes = [int(n) for n in layer_sizes]
            layers = [keras.layers.Dense(n) for n in sizes[1:]]
            return keras.Sequential([keras.Input(shape=(sizes[0],))] + layers).count_params()
        """,
        1,
        note="asks Keras to count",
    ),
    count(
        "with_a_print",
        """
        def count_parameters(layer_sizes):
            total = 0
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
                print(f"layer {n_in} -> {n_out}: {n_in * n_out + n_out} parameters")
                total += int(n_in * n_out + n_out)
            return total
        """,
        1,
        note="prints as it counts (the grader never shows what student code prints)",
    ),
    # --- build_model ------------------------------------------------------------------------
    build(
        "no_output_activation",
        builder(
            "[keras.Input(shape=(400,))]"
            ' + [keras.layers.Dense(n, activation="sigmoid") for n in hidden_units]'
            " + [keras.layers.Dense(1)]"
        ),
        0,
        message="output layer has no activation",
    ),
    build(
        "not_compiled",
        builder(SIGMOID_LAYERS, compile_line="pass  # compiled later"),
        0,
        message="never compiled",
    ),
    build(
        "hidden_units_ignored",
        builder(
            '[keras.Input(shape=(400,)), keras.layers.Dense(25, activation="sigmoid"),'
            ' keras.layers.Dense(15, activation="sigmoid"),'
            ' keras.layers.Dense(1, activation="sigmoid")]'
        ),
        0,
        message="expected [10, 1]",
    ),
    build(
        "from_logits",
        builder(
            SIGMOID_LAYERS,
            compile_line="model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True), "
            'optimizer="adam", metrics=["accuracy"])',
        ),
        0,
        message="from_logits=True",
    ),
    build(
        "accuracy_object",
        builder(
            SIGMOID_LAYERS,
            compile_line='model.compile(loss="binary_crossentropy", optimizer="adam", '
            "metrics=[keras.metrics.Accuracy()])",
        ),
        0,
        message="equals y exactly",
    ),
    build(
        "one_model_per_size",
        """
        _built = {}

        def build_model(hidden_units=(25, 15)):
            key = tuple(hidden_units)
            if key not in _built:
                layers = [keras.Input(shape=(400,))]
                layers += [keras.layers.Dense(n, activation="sigmoid") for n in key]
                layers.append(keras.layers.Dense(1, activation="sigmoid"))
                _built[key] = keras.Sequential(layers)
                _built[key].compile(loss="binary_crossentropy", optimizer="adam",
                                    metrics=["accuracy"])
            return _built[key]
        """,
        0,
        message="returned the same model object twice",
        note="keeps the models it built and returns the old one for the same sizes; the same "
        "object sent twice is one object in the checker too",
    ),
    build(
        "activation_layers",
        """
        import tensorflow as tf

        def build_model(hidden_units=(25, 15)):
            layers = [keras.Input(shape=(400,))]
            for n in hidden_units:
                layers += [keras.layers.Dense(n), keras.layers.Activation("sigmoid")]
            layers.append(keras.layers.Dense(1, activation=tf.nn.sigmoid))
            model = keras.Sequential(layers)
            model.compile(loss=keras.losses.binary_crossentropy,
                          optimizer=keras.optimizers.Adam(1e-3), metrics=["acc"])
            return model
        """,
        2,
        note="Activation layers, a TensorFlow activation, the loss function, metrics=['acc']",
    ),
    build(
        "metric_object_and_string_optimizer",
        builder(
            "[keras.Input(shape=(400,))]"
            ' + [keras.layers.Dense(n, activation="relu") for n in hidden_units]'
            " + [keras.layers.Dense(1, activation=keras.activations.sigmoid)]",
            compile_line='model.compile(loss=keras.losses.BinaryCrossentropy(), optimizer="adam", '
            "metrics=[keras.metrics.BinaryAccuracy()])",
        ),
        2,
        note="relu hidden layers, a metric object, optimizer='adam' (learning rate 0.001)",
    ),
    build(
        "input_shape_on_the_first_layer",
        """
        def build_model(hidden_units=(25, 15)):
            sizes = list(hidden_units) + [1]
            model = keras.Sequential()
            for i, n in enumerate(sizes):
                extra = {"input_shape": (400,)} if i == 0 else {}
                model.add(keras.layers.Dense(n, activation="sigmoid", **extra))
            model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(),
                          metrics=["accuracy"])
            return model
        """,
        2,
        note="input_shape= spelled the old way, and model.add: Keras warns on stderr when the "
        "hidden tests call it, which gave 0 points when they ran in the student's kernel",
    ),
    build(
        "functional",
        """
        def build_model(hidden_units=(25, 15)):
            inputs = keras.Input(shape=(400,))
            x = inputs
            for n in hidden_units:
                x = keras.layers.Dense(n, activation="tanh")(x)
            outputs = keras.layers.Dense(1, activation="sigmoid")(x)
            model = keras.Model(inputs, outputs)
            model.compile(loss="binary_crossentropy",
                          optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                          metrics=["binary_accuracy"])
            return model
        """,
        2,
        note="the functional API, tanh hidden layers",
    ),
    # --- binary_cost ------------------------------------------------------------------------
    cost(
        "no_clip",
        cost_code("""
y, p = np.ravel(y), np.ravel(p)
return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
"""),
        0,
        message="Clip first",
    ),
    cost(
        "not_flattened",
        cost_code("""
p = np.clip(p, 1e-7, 1 - 1e-7)
return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
"""),
        0,
        message="broadcast to an (m, m) matrix",
    ),
    cost(
        "sum",
        cost_code("""
y, p = np.ravel(y), np.clip(np.ravel(p), 1e-7, 1 - 1e-7)
return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
"""),
        0,
        message="(= m) times too big",
    ),
    cost(
        "log10",
        cost_code("""
y, p = np.ravel(y), np.clip(np.ravel(p), 1e-7, 1 - 1e-7)
return -np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p))
"""),
        0,
        message="natural logarithm",
    ),
    cost(
        "other_epsilon",
        cost_code("""
y, p = np.ravel(y), np.clip(np.ravel(p), 1e-12, 1 - 1e-12)
return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
"""),
        0,
        message="not with another epsilon",
    ),
    cost(
        "where",
        cost_code("""
y, p = np.ravel(y), np.clip(np.ravel(p).astype(float), 1e-7, 1 - 1e-7)
return float(-np.mean(np.where(y == 1, np.log(p), np.log(1 - p))))
"""),
        2,
        note="picks log p or log(1 - p) by the label",
    ),
    cost(
        "log1p",
        cost_code("""
y = np.ravel(y).astype(float)
p = np.clip(np.ravel(p).astype(float), 1e-7, 1 - 1e-7)
return -np.mean(y * np.log(p) + (1 - y) * np.log1p(-p))
"""),
        2,
        note="log(1 - p) as log1p(-p); returns a numpy float64",
    ),
    cost(
        "python_loop",
        """
        import math

        def binary_cost(y, p):
            total, m = 0.0, 0
            for label, prob in zip(np.ravel(y), np.ravel(p)):
                prob = min(max(float(prob), 1e-7), 1 - 1e-7)
                total += math.log(prob) if label == 1 else math.log(1 - prob)
                m += 1
            return -total / m
        """,
        2,
    ),
    cost(
        "keras_float32",
        cost_code("""
y = np.reshape(y, (-1, 1)).astype("float32")
p = np.reshape(p, (-1, 1)).astype("float32")
return float(keras.losses.BinaryCrossentropy()(y, p))
"""),
        2,
        note="Keras's own loss, in float32 as a model computes it (1 - 1e-7 rounds in float32)",
    ),
]

UNFAIR = []
DISAGREE = []
