"""Answers of the graded digits assignment: softmax, the two costs, the model, its compile
settings, the loss before training, the training, the accuracy, the improved model and the
predictions.

Test cells that use an answer besides its own, and what they get:

* ``test_predict`` calls the student's ``predict_digits``, which calls ``my_softmax``: a
  softmax answer is graded there too, as it behaves;
* ``test_compile`` compiles a fresh reference model of the right shape, whatever ``build_model``
  does: a softmax output layer is charged once, by ``test_model``;
* ``test_initial_loss`` calls the student's ``initial_loss``, which calls ``sparse_ce``, with the
  course's ``sparse_ce`` in its place: a ``sparse_ce`` answer keeps its points there;
* ``test_accuracy`` and ``test_improved`` use nothing but their own answer (the improved model is
  trained by the check, from the course's seed);
* ``test_training`` and ``test_predict`` read ``run``, which the locked cell ``run_training``
  computes with ``build_model``, ``compile_model`` and ``train_model``.  Answers of
  ``train_model`` train again (``reruns``, from the same random seed as the solved notebook),
  and so does ``build_model/input_shape_keyword``; the other answers of ``build_model`` and
  ``compile_model`` do not (training is the slow part), so these two cells keep the solved
  notebook's ``run`` and its full points.
"""

from tests.answers import maker

LESSON = "assignment_digits"
LOCKED = ("run_training",)  # `run`: build, compile and train with the student's functions
BEFORE_RERUN = "keras.utils.set_random_seed(1234)  # as the setup cell, before run_training"
SOFTMAX = ("test_softmax_values", "test_softmax_batch", "test_softmax_stable")
OWN = {
    "my_softmax": SOFTMAX,
    "binary_cost": ("test_binary_cost",),
    "sparse_ce": ("test_sparse_ce",),
    "build_model": ("test_model",),
    "compile_model": ("test_compile",),
    "initial_loss": ("test_initial_loss",),
    "train_model": ("test_training",),
    "accuracy": ("test_accuracy",),
    "improved_model": ("test_improved",),
    "predict_digits": ("test_predict",),
}
ALSO = {
    "my_softmax": ("test_predict",),
    "binary_cost": (),
    "sparse_ce": ("test_initial_loss",),
    "build_model": ("test_training", "test_predict"),
    "compile_model": ("test_training", "test_predict"),
    "initial_loss": (),
    "train_model": ("test_predict",),
    "accuracy": (),
    "improved_model": (),
    "predict_digits": (),
}

softmax = maker("my_softmax")
cost = maker("binary_cost", "test_binary_cost")
sparse = maker("sparse_ce")
build = maker("build_model")
compile_ = maker("compile_model")
initial = maker("initial_loss", "test_initial_loss")
train = maker("train_model")
accuracy = maker("accuracy", "test_accuracy")
improved = maker("improved_model", "test_improved")
predict = maker("predict_digits", "test_predict")


def softmax_points(values, batch, stable, predict=2):
    return {
        "test_softmax_values": values,
        "test_softmax_batch": batch,
        "test_softmax_stable": stable,
        "test_predict": predict,
    }


def model_points(model):
    """A build_model answer: its own cell and the solved run's two cells (test_compile
    compiles a model of its own)."""
    return {
        "test_model": model,
        "test_training": 2,
        "test_predict": 2,
    }


def compile_points(points):
    return {"test_compile": points, "test_training": 2, "test_predict": 2}


def sparse_points(points):
    """A sparse_ce answer: its own cell, and initial_loss's (graded with the course's sparse_ce)."""
    return {"test_sparse_ce": points, "test_initial_loss": 2}


def train_points(points, predict=2):
    return {"test_training": points, "test_predict": predict}


def model_code(*layers: str) -> str:
    """A build_model returning a Sequential of these layers (after keras.Input(shape=(400,)))."""
    body = ",\n".join(f"        {layer}" for layer in ("keras.Input(shape=(400,))", *layers))
    return f"def build_model():\n    return keras.Sequential([\n{body},\n    ])\n"


def compile_code(
    loss: str, optimizer: str = "keras.optimizers.Adam(learning_rate=1e-3)", metrics: str = ""
) -> str:
    metrics = metrics or '["accuracy"]'
    return (
        "def compile_model(model):\n"
        f"    model.compile(loss={loss}, optimizer={optimizer}, metrics={metrics})\n"
    )


LOGITS_LOSS = "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"


def fit_code(call: str, extra: str = "", params: str = ", validation_data=None") -> str:
    return f"def train_model(model, X_train, y_train{params}):\n{extra}    return {call}\n"


def predict_code(body: str) -> str:
    lines = "\n".join("    " + line for line in body.strip().splitlines())
    return f"def predict_digits(model, X):\n{lines}\n"


ANSWERS = [
    # --- my_softmax -----------------------------------------------------------------------------
    softmax(
        "no_max",
        """
        def my_softmax(z):
            e = np.exp(np.asarray(z))
            return e / np.sum(e, axis=-1, keepdims=True)
        """,
        softmax_points(1, 1, 0),
        message="Subtract max(z)",
        note="right until the logits are large: only the stability check fails",
    ),
    softmax(
        "axis_0",
        """
        def my_softmax(z):
            z = np.asarray(z)
            e = np.exp(z - np.max(z, axis=0, keepdims=True))
            return e / np.sum(e, axis=0, keepdims=True)
        """,
        softmax_points(1, 0, 0),
        message="wrong axis",
    ),
    softmax(
        "one_max_for_the_batch",
        """
        def my_softmax(z):
            e = np.exp(z - np.max(z))
            return e / np.sum(e, axis=-1, keepdims=True)
        """,
        softmax_points(1, 1, 0),
        message="each row's own maximum",
    ),
    softmax(
        "no_keepdims",
        """
        def my_softmax(z):
            e = np.exp(z - np.max(z, axis=-1, keepdims=True))
            return e / np.sum(e, axis=-1)
        """,
        softmax_points(1, 0, 0),
        message="keepdims=True",
    ),
    softmax(
        "ratio",
        """
        def my_softmax(z):
            return z / np.sum(z, axis=-1, keepdims=True)
        """,
        softmax_points(0, 0, 0),
        message="use np.exp",
    ),
    softmax(
        "log_sum_exp",
        """
        def my_softmax(z):
            z = np.asarray(z, dtype=float)
            top = np.max(z, axis=-1, keepdims=True)
            return np.exp(z - top - np.log(np.sum(np.exp(z - top), axis=-1, keepdims=True)))
        """,
        softmax_points(1, 1, 1),
    ),
    softmax(
        "keras_ops",
        """
        def my_softmax(z):
            return keras.ops.softmax(np.asarray(z), axis=-1).numpy()
        """,
        softmax_points(1, 1, 1),
        note="Keras keeps the dtype it is given",
    ),
    softmax(
        "tf_nn",
        """
        def my_softmax(z):
            return tf.nn.softmax(z, axis=-1).numpy()
        """,
        softmax_points(1, 1, 1),
    ),
    softmax(
        "apply_along_axis",
        """
        def my_softmax(z):
            def one(row):
                e = np.exp(row - row.max())
                return e / e.sum()

            return np.apply_along_axis(one, -1, np.asarray(z, dtype=float))
        """,
        softmax_points(1, 1, 1),
        note="one row at a time",
    ),
    # --- binary_cost ---------------------------------------------------------------------------
    cost(
        "sum",
        """
        def binary_cost(y, p):
            y, p = np.ravel(y), np.ravel(p)
            return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))
        """,
        0,
        message="(= m) times too big",
    ),
    cost(
        "no_minus",
        """
        def binary_cost(y, p):
            y, p = np.ravel(y), np.ravel(p)
            return np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        """,
        0,
        message="the cost is negative",
    ),
    cost(
        "swapped",
        """
        def binary_cost(y, p):
            y, p = np.ravel(y), np.ravel(p)
            return -np.mean((1 - y) * np.log(p) + y * np.log(1 - p))
        """,
        0,
        message="y and 1 - y are swapped",
    ),
    cost(
        "only_the_y_term",
        """
        def binary_cost(y, p):
            return -np.mean(np.ravel(y) * np.log(np.ravel(p)))
        """,
        0,
        message="only the y * log(p) term",
    ),
    cost(
        "transposed",
        """
        def binary_cost(y, p):
            return -np.mean(y * np.log(p.T) + (1 - y) * np.log(1 - p.T))
        """,
        0,
        message="the shapes (m, 1) should give the same cost as (m,)",
        note="p.T pairs every label with every prediction",
    ),
    cost(
        "clipped_like_keras",
        """
        def binary_cost(y, p):
            y, p = np.ravel(y), np.clip(np.ravel(p), 1e-7, 1 - 1e-7)
            return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        """,
        1,
    ),
    cost(
        "where",
        """
        def binary_cost(y, p):
            y, p = np.ravel(y), np.ravel(p)
            return -np.mean(np.where(y == 1, np.log(p), np.log(1 - p)))
        """,
        1,
    ),
    cost(
        "keras_float64",
        """
        def binary_cost(y, p):
            y, p = np.reshape(y, (-1, 1)).astype(float), np.reshape(p, (-1, 1)).astype(float)
            return float(keras.losses.BinaryCrossentropy()(y, p))
        """,
        1,
        note="Keras's loss, given float64",
    ),
    cost(
        "python_loop",
        """
        import math

        def binary_cost(y, p):
            pairs = zip(np.ravel(y), np.ravel(p))
            terms = [math.log(q) if t else math.log(1 - q) for t, q in pairs]
            return -sum(terms) / len(terms)
        """,
        1,
    ),
    # --- sparse_ce -----------------------------------------------------------------------------
    sparse(
        "mean",
        """
        def sparse_ce(y, z):
            c = np.max(z, axis=1, keepdims=True)
            losses = c[:, 0] + np.log(np.sum(np.exp(z - c), axis=1)) - z[np.arange(len(y)), y]
            return np.mean(losses)
        """,
        sparse_points(0),
        message="one loss per example",
    ),
    sparse(
        "columns_y",
        """
        def sparse_ce(y, z):
            e = np.exp(z - np.max(z, axis=1, keepdims=True))
            return -np.log(e / np.sum(e, axis=1, keepdims=True))[:, y]
        """,
        sparse_points(0),
        message="z[:, y]",
    ),
    sparse(
        "no_max",
        """
        def sparse_ce(y, z):
            return np.log(np.sum(np.exp(z), axis=1)) - z[np.arange(len(y)), y]
        """,
        sparse_points(0),
        message="log-sum-exp",
    ),
    sparse(
        "softmax_then_log",
        """
        def sparse_ce(y, z):
            e = np.exp(z - np.max(z, axis=1, keepdims=True))
            return -np.log((e / np.sum(e, axis=1, keepdims=True))[np.arange(len(y)), y])
        """,
        sparse_points(0),
        message="softmax first and then the log",
    ),
    sparse(
        "no_minus",
        """
        def sparse_ce(y, z):
            c = np.max(z, axis=1, keepdims=True)
            return z[np.arange(len(y)), y] - c[:, 0] - np.log(np.sum(np.exp(z - c), axis=1))
        """,
        sparse_points(0),
        message="MINUS log a_y",
    ),
    sparse(
        "logaddexp_reduce",
        """
        def sparse_ce(y, z):
            return np.logaddexp.reduce(z, axis=1) - z[np.arange(len(y)), y]
        """,
        sparse_points(1),
    ),
    sparse(
        "keras_loss",
        """
        def sparse_ce(y, z):
            return keras.losses.sparse_categorical_crossentropy(y, z, from_logits=True).numpy()
        """,
        sparse_points(1),
        note="float32 for float32 logits, within the check's tolerance",
    ),
    sparse(
        "take_along_axis",
        """
        def sparse_ce(y, z):
            z = np.asarray(z, dtype=float)
            m = z.max(axis=1, keepdims=True)
            log_a = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
            return -np.take_along_axis(log_a, np.asarray(y).reshape(-1, 1), axis=1).ravel()
        """,
        sparse_points(1),
    ),
    sparse(
        "tf_log_softmax",
        """
        def sparse_ce(y, z):
            log_a = tf.nn.log_softmax(tf.constant(z, dtype=tf.float64), axis=1).numpy()
            return -log_a[np.arange(len(y)), y]
        """,
        sparse_points(1),
    ),
    # --- build_model ---------------------------------------------------------------------------
    build(
        "softmax_output",
        model_code(
            'keras.layers.Dense(25, activation="relu")',
            'keras.layers.Dense(15, activation="relu")',
            'keras.layers.Dense(10, activation="softmax")',
        ),
        model_points(0),
        message="output layer uses softmax",
        note="charged once: compile_model is graded on a model of the right shape",
    ),
    build(
        "sigmoid_output",
        model_code(
            'keras.layers.Dense(25, activation="relu")',
            'keras.layers.Dense(15, activation="relu")',
            'keras.layers.Dense(10, activation="sigmoid")',
        ),
        model_points(0),
        message="output layer uses sigmoid",
    ),
    build(
        "one_output_unit",
        model_code(
            'keras.layers.Dense(25, activation="relu")',
            'keras.layers.Dense(15, activation="relu")',
            "keras.layers.Dense(1)",
        ),
        model_points(0),
        message="one logit per digit",
    ),
    build(
        "sigmoid_hidden",
        model_code(
            'keras.layers.Dense(25, activation="sigmoid")',
            'keras.layers.Dense(15, activation="sigmoid")',
            "keras.layers.Dense(10)",
        ),
        model_points(0),
        message="Hidden layer 1 uses sigmoid",
    ),
    build(
        "no_input",
        """
        def build_model():
            return keras.Sequential([
                keras.layers.Dense(25, activation="relu"),
                keras.layers.Dense(15, activation="relu"),
                keras.layers.Dense(10),
            ])
        """,
        model_points(0),
        message="keras.Input(shape=(400,))",
        note="charged once: compile and training use a model of the right shape",
    ),
    build(
        "one_shared_model",
        """
        digits_model = keras.Sequential([
            keras.Input(shape=(400,)),
            keras.layers.Dense(25, activation="relu"),
            keras.layers.Dense(15, activation="relu"),
            keras.layers.Dense(10),
        ])

        def build_model():
            return digits_model
        """,
        model_points(0),
        message="the same model object twice",
        note="the same model object for every call: the hidden test that asks for a new one "
        "fails, in the checker as in the student's kernel",
    ),
    build(
        "tf_and_keras_activations",
        model_code(
            "keras.layers.Dense(25, activation=tf.nn.relu)",
            "keras.layers.Dense(15, activation=keras.activations.relu)",
            "keras.layers.Dense(10)",
        ),
        model_points(2),
        note="no activation on the output: Dense's default is linear",
    ),
    build(
        "activation_layers",
        model_code(
            "keras.layers.Dense(25)",
            "keras.layers.ReLU()",
            "keras.layers.Dense(15)",
            'keras.layers.Activation("relu")',
            'keras.layers.Dense(10, activation="linear")',
        ),
        model_points(2),
        note="separate ReLU() and Activation('relu') layers",
    ),
    build(
        "input_shape_keyword",
        """
        def build_model():
            return keras.Sequential([
                keras.layers.Dense(25, activation="relu", input_shape=(400,)),
                keras.layers.Dense(15, activation="relu"),
                keras.layers.Dense(10, activation="linear"),
            ])
        """,
        model_points(2),
        reruns=("run_training",),
        note="input_shape= spelled the old way: Keras warns on stderr when the hidden tests call "
        "it, which gave 0 points when they ran in the student's kernel; trained again, so that "
        "test_training and test_predict get this model",
    ),
    build(
        "functional",
        """
        def build_model():
            inputs = keras.Input(shape=(400,))
            hidden = keras.layers.Dense(25, activation="relu")(inputs)
            hidden = keras.layers.Dense(15, activation="relu")(hidden)
            return keras.Model(inputs, keras.layers.Dense(10)(hidden))
        """,
        model_points(2),
    ),
    build(
        "add",
        """
        def build_model():
            model = keras.Sequential(name="digits")
            model.add(keras.Input(shape=(400,)))
            for units in (25, 15):
                model.add(keras.layers.Dense(units, "relu"))
            model.add(keras.layers.Dense(10))
            return model
        """,
        model_points(2),
        note="model.add, the activation as a positional argument",
    ),
    # --- compile_model -------------------------------------------------------------------------
    compile_(
        "probabilities_loss",
        compile_code('"sparse_categorical_crossentropy"'),
        compile_points(0),
        message="set from_logits=True",
    ),
    compile_(
        "one_hot_loss",
        compile_code("keras.losses.CategoricalCrossentropy(from_logits=True)"),
        compile_points(0),
        message="one-hot labels",
    ),
    compile_(
        "sgd",
        compile_code(LOGITS_LOSS, optimizer='"sgd"'),
        compile_points(0),
        message="the optimizer is SGD",
    ),
    compile_(
        "learning_rate",
        compile_code(LOGITS_LOSS, optimizer="keras.optimizers.Adam(0.01)"),
        compile_points(0),
        message="learning rate is 0.01",
    ),
    compile_(
        "no_metrics",
        "def compile_model(model):\n"
        f"    model.compile(loss={LOGITS_LOSS}, optimizer=keras.optimizers.Adam(1e-3))\n",
        compile_points(0),
        message="an accuracy metric",
    ),
    compile_(
        "compiles_a_copy",
        f"""
        def compile_model(model):
            compiled = keras.models.clone_model(model)
            compiled.compile(loss={LOGITS_LOSS}, optimizer="adam", metrics=["accuracy"])
            return compiled
        """,
        compile_points(0),
        message="not compiled",
        note="compiles (and returns) a clone; the model it is given stays uncompiled",
    ),
    compile_(
        "metric_object",
        compile_code(
            LOGITS_LOSS,
            optimizer='"adam"',
            metrics="[keras.metrics.SparseCategoricalAccuracy()]",
        ),
        compile_points(2),
        note="a metric object, optimizer='adam' (learning rate 0.001)",
    ),
    compile_(
        "keywords_and_return",
        """
        def compile_model(model):
            model.compile(
                optimizer=keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, epsilon=1e-7),
                loss=keras.losses.SparseCategoricalCrossentropy(
                    from_logits=True, reduction="sum_over_batch_size"),
                metrics=["acc"],
            )
            return model
        """,
        compile_points(2),
        note="every default spelled out, returns the model",
    ),
    compile_(
        "loss_function",
        """
        def logits_loss(y_true, y_pred):
            return keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)

        def compile_model(model):
            model.compile(loss=logits_loss, optimizer="adam", metrics=["accuracy"])
        """,
        compile_points(2),
        note="its own loss function, from logits: the checker calls it in the student's process",
    ),
    compile_(
        "metric_name_string",
        compile_code(
            LOGITS_LOSS,
            optimizer="keras.optimizers.Adam()",
            metrics='["sparse_categorical_accuracy"]',
        ),
        compile_points(2),
    ),
    # --- train_model (trains again: run_training is re-run) -------------------------------------
    train(
        "one_hot_labels",
        fit_code(
            "model.fit(X_train, keras.utils.to_categorical(y_train, 10), epochs=40, batch_size=32, "
            "verbose=0, "
            "validation_data=validation_data)"
        ),
        train_points(0),
        message="one-hot labels",
        reruns=("run_training",),
        note="fails at the first batch; test_predict gets the untrained model and passes",
    ),
    train(
        "four_epochs",
        fit_code(
            "model.fit(X_train, y_train, epochs=4, batch_size=32, verbose=0, "
            "validation_data=validation_data)"
        ),
        train_points(0),
        message="train for 40",
        reruns=("run_training",),
    ),
    train(
        "batches_of_320",
        fit_code(
            "model.fit(X_train, y_train, epochs=40, batch_size=320, verbose=0, "
            "validation_data=validation_data)"
        ),
        train_points(0),
        message="batches per epoch",
        reruns=("run_training",),
    ),
    train(
        "keywords_in_another_order",
        fit_code(
            "model.fit(batch_size=32, epochs=40, x=X_train, y=y_train, shuffle=True, "
            "verbose=False, "
            "validation_data=validation_data)"
        ),
        train_points(2),
        reruns=("run_training",),
    ),
    train(
        "verbose_2",
        fit_code(
            "model.fit(X_train, y_train, epochs=40, batch_size=32, verbose=2, "
            "validation_data=validation_data)"
        ),
        train_points(2),
        reruns=("run_training",),
        note="prints a line per epoch (in the run_training cell, not in a test cell)",
    ),
    train(
        "history_then_print",
        fit_code(
            "history",
            extra="    history = model.fit(X_train, y_train, batch_size=32, epochs=40, verbose=0,\n"
            "        validation_data=validation_data)\n"
            "    print(f\"loss {history.history['loss'][0]:.3f} -> "
            "{history.history['loss'][-1]:.3f}\")\n",
        ),
        train_points(2),
        reruns=("run_training",),
    ),
    train(
        "no_validation_data",
        fit_code("model.fit(X_train, y_train, epochs=40, batch_size=32, verbose=0)", params=""),
        train_points(0),
        message="has no val_loss",
        reruns=("run_training",),
        note="the old signature: run_training trains without validation data and says so",
    ),
    train(
        "validation_on_the_training_images",
        fit_code(
            "model.fit(X_train, y_train, epochs=40, batch_size=32, verbose=0, "
            "validation_data=(X_train, y_train))"
        ),
        train_points(0),
        message="not the training data",
        reruns=("run_training",),
    ),
    train(
        "fit_options",
        fit_code(
            "model.fit(X_train, y_train, epochs=40, batch_size=32, verbose=0, **fit_options)",
            params=", **fit_options",
        ),
        train_points(2),
        reruns=("run_training",),
        note="validation_data arrives among **fit_options",
    ),
    # --- initial_loss ---------------------------------------------------------------------------
    initial(
        "per_example",
        """
        def initial_loss(model, X, y):
            return sparse_ce(y, np.asarray(model(X)))
        """,
        0,
        message="one number",
    ),
    initial(
        "sum",
        """
        def initial_loss(model, X, y):
            return np.sum(sparse_ce(y, np.asarray(model(X))))
        """,
        0,
        message="SUM of the per-example losses",
    ),
    initial(
        "ln_10",
        """
        def initial_loss(model, X, y):
            return np.log(10)
        """,
        0,
        message="not the answer itself",
        note="what the loss should come out near, not the loss",
    ),
    initial(
        "probabilities_as_logits",
        """
        def initial_loss(model, X, y):
            return np.mean(sparse_ce(y, tf.nn.softmax(model(X)).numpy()))
        """,
        0,
        message="The model outputs logits",
    ),
    initial(
        "keras_loss",
        """
        def initial_loss(model, X, y):
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
            return float(loss(y, model(X)))
        """,
        2,
    ),
    initial(
        "evaluate",
        """
        def initial_loss(model, X, y):
            return model.evaluate(X, y, verbose=0)[0]
        """,
        2,
        note="the model it is given is compiled (with the course's loss)",
    ),
    initial(
        "log_softmax",
        """
        def initial_loss(model, X, y):
            log_a = tf.nn.log_softmax(model(X), axis=1).numpy()
            return -np.mean(log_a[np.arange(len(y)), y])
        """,
        2,
    ),
    # --- accuracy -------------------------------------------------------------------------------
    accuracy(
        "percent",
        """
        def accuracy(model, X, y):
            return 100 * np.mean(np.argmax(model(X), axis=1) == y)
        """,
        0,
        message="percentage",
    ),
    accuracy(
        "count",
        """
        def accuracy(model, X, y):
            return np.sum(np.argmax(model(X), axis=1) == y)
        """,
        0,
        message="number of images classified right",
    ),
    accuracy(
        "error_rate",
        """
        def accuracy(model, X, y):
            return np.mean(np.argmax(model(X), axis=1) != y)
        """,
        0,
        message="classified WRONG",
    ),
    accuracy(
        "max_not_argmax",
        """
        def accuracy(model, X, y):
            return np.mean(np.max(model(X), axis=1) == y)
        """,
        0,
        message="argmax of the logits",
    ),
    accuracy(
        "predict_then_count",
        """
        def accuracy(model, X, y):
            classes = model.predict(X, verbose=0).argmax(axis=-1)
            return (classes == y).sum() / len(y)
        """,
        2,
    ),
    accuracy(
        "keras_metric",
        """
        def accuracy(model, X, y):
            metric = keras.metrics.SparseCategoricalAccuracy()
            metric.update_state(y, model(X))
            return float(metric.result())
        """,
        2,
    ),
    accuracy(
        "python_loop",
        """
        def accuracy(model, X, y):
            logits = np.asarray(model(X))
            right = sum(int(np.argmax(row) == label) for row, label in zip(logits, y))
            return right / len(y)
        """,
        2,
    ),
    # --- improved_model (the check trains it: a few seconds each way) ---------------------------
    improved(
        "not_compiled",
        model_code(
            'keras.layers.Dense(100, activation="relu")',
            'keras.layers.Dense(50, activation="relu")',
            "keras.layers.Dense(10)",
        ).replace("build_model", "improved_model"),
        0,
        message="not compiled",
    ),
    improved(
        "too_big",
        f"""
        def improved_model():
            model = keras.Sequential([
                keras.Input(shape=(400,)),
                keras.layers.Dense(512, activation="relu"),
                keras.layers.Dense(10),
            ])
            model.compile(loss={LOGITS_LOSS}, optimizer="adam", metrics=["accuracy"])
            return model
        """,
        0,
        message="parameters",
    ),
    improved(
        "own_loss",
        """
        def my_loss(y, z):
            return keras.losses.sparse_categorical_crossentropy(y, z, from_logits=True)
        def improved_model():
            model = keras.Sequential([
                keras.Input(shape=(400,)),
                keras.layers.Dense(100, activation="relu"),
                keras.layers.Dense(50, activation="relu"),
                keras.layers.Dense(10),
            ])
            model.compile(loss=my_loss, optimizer="adam", metrics=["accuracy"])
            return model
        """,
        0,
        message="a loss of your own",
    ),
    improved(
        "the_baseline",
        """
        def improved_model():
            model = build_model()
            compile_model(model)
            return model
        """,
        0,
        message="not better yet",
        note="changes nothing: trained from the same seed, it reaches the baseline exactly",
    ),
    improved(
        "functional_100_50",
        f"""
        def improved_model():
            inputs = keras.Input(shape=(400,))
            hidden = keras.layers.Dense(100, activation="relu")(inputs)
            hidden = keras.layers.Dense(50, activation="relu")(hidden)
            model = keras.Model(inputs, keras.layers.Dense(10)(hidden))
            model.compile(loss={LOGITS_LOSS}, optimizer="adam", metrics=["accuracy"])
            return model
        """,
        3,
    ),
    improved(
        "add_and_adam_by_name",
        f"""
        def improved_model():
            model = keras.Sequential()
            model.add(keras.Input(shape=(400,)))
            model.add(keras.layers.Dense(100, "relu"))
            model.add(keras.layers.Dense(50, "relu"))
            model.add(keras.layers.Dense(10))
            model.compile(loss={LOGITS_LOSS}, optimizer="adam", metrics=["acc"])
            return model
        """,
        3,
        note="model.add, optimizer='adam' (learning rate 0.001), metrics=['acc']",
    ),
    improved(
        "pretrained_weights_are_discarded",
        f"""
        def improved_model():
            model = keras.Sequential([
                keras.Input(shape=(400,)),
                keras.layers.Dense(100, activation="relu"),
                keras.layers.Dense(50, activation="relu"),
                keras.layers.Dense(10),
            ])
            model.compile(loss={LOGITS_LOSS}, optimizer="adam", metrics=["accuracy"])
            model.set_weights([np.zeros_like(w) for w in model.get_weights()])
            return model
        """,
        3,
        note="weights set to zero (a model that cannot learn): the check re-initialises them",
    ),
    # --- predict_digits -------------------------------------------------------------------------
    predict(
        "logits",
        predict_code("""
X = np.asarray(X, dtype=np.float32)
logits = np.asarray(model(X.reshape(-1, 400)))
classes = logits.argmax(axis=1)
return (classes[0], logits[0]) if X.ndim == 1 else (classes, logits)
"""),
        0,
        message="returned the logits",
    ),
    predict(
        "always_a_batch",
        predict_code("""
probs = my_softmax(np.asarray(model(np.atleast_2d(X))))
return probs.argmax(axis=1), probs
"""),
        0,
        message="For one image",
    ),
    predict(
        "argmax_over_images",
        predict_code("""
X = np.asarray(X, dtype=np.float32)
probs = my_softmax(np.asarray(model(X.reshape(-1, 400))))
classes = probs.argmax(axis=0)
return (classes[0], probs[0]) if X.ndim == 1 else (classes, probs)
"""),
        0,
        message="argmax over axis=1",
    ),
    predict(
        "sigmoid",
        predict_code("""
X = np.asarray(X, dtype=np.float32)
probs = np.asarray(tf.sigmoid(model(X.reshape(-1, 400))))
classes = probs.argmax(axis=1)
return (classes[0], probs[0]) if X.ndim == 1 else (classes, probs)
"""),
        0,
        message="apply softmax",
    ),
    predict(
        "pair_swapped",
        predict_code("""
X = np.asarray(X, dtype=np.float32)
probs = my_softmax(np.asarray(model(X.reshape(-1, 400))))
classes = probs.argmax(axis=1)
return (probs[0], classes[0]) if X.ndim == 1 else (probs, classes)
"""),
        0,
        message="a pair (classes, probabilities)",
        note="(probabilities, classes): the order of the pair",
    ),
    predict(
        "tf_softmax",
        predict_code("""
batch = tf.reshape(tf.convert_to_tensor(X, dtype=tf.float32), (-1, 400))
probs = tf.nn.softmax(model(batch), axis=-1).numpy()
classes = np.argmax(probs, axis=-1)
return (classes[0], probs[0]) if np.ndim(X) == 1 else (classes, probs)
"""),
        2,
    ),
    predict(
        "predict_method",
        predict_code("""
one = np.ndim(X) == 1
logits = model.predict(np.expand_dims(X, 0) if one else X, verbose=0)
probs = keras.ops.softmax(logits).numpy()
classes = probs.argmax(-1)
return (classes[0], probs[0]) if one else (classes, probs)
"""),
        2,
        note="model.predict, then Keras's softmax",
    ),
    predict(
        "probability_model",
        predict_code("""
probability_model = keras.Sequential([model, keras.layers.Softmax()])
probs = np.asarray(probability_model(np.reshape(X, (-1, 400)).astype("float32")))
classes = np.argmax(probs, axis=1)
if np.ndim(X) == 1:
    return int(classes[0]), probs[0]
return classes, probs
"""),
        2,
        note="wraps the model with a Softmax layer, as the TensorFlow tutorials do",
    ),
]

UNFAIR = []
DISAGREE = [
    (
        "improved_model/own_loss",
        "test_improved",
        "a model *returned* by a student function whose loss is the student's own function is "
        "refused by the wire (WireError: 'not Keras's own'), where the student's kernel names the "
        "loss: 0 points both ways, two different messages",
    ),
]
