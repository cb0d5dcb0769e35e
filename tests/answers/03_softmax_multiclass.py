"""Answers of lesson 03 (softmax and multiclass): my_softmax, sparse_ce_from_logits and
predict_labels."""

from tests.answers import maker

LESSON = "03_softmax_multiclass"
LOCKED = ("multilabel_data", "multilabel_model")  # P_test, which test_predict_labels prints
OWN = {
    "my_softmax": ("test_my_softmax",),
    "sparse_ce_from_logits": ("test_sparse_ce_from_logits",),
    "predict_labels": ("test_predict_labels",),
}
ALSO = {"my_softmax": (), "sparse_ce_from_logits": (), "predict_labels": ()}

softmax = maker("my_softmax", "test_my_softmax")
sparse = maker("sparse_ce_from_logits", "test_sparse_ce_from_logits")
labels = maker("predict_labels", "test_predict_labels")

ANSWERS = [
    # --- my_softmax -----------------------------------------------------------------------------
    softmax(
        "no_max",
        """
        def my_softmax(z):
            e = np.exp(np.asarray(z, dtype=float))
            return e / np.sum(e, axis=-1, keepdims=True)
        """,
        0,
        message="Subtract max(z)",
    ),
    softmax(
        "axis_0",
        """
        def my_softmax(z):
            z = np.asarray(z, dtype=float)
            e = np.exp(z - np.max(z, axis=0, keepdims=True))
            return e / np.sum(e, axis=0, keepdims=True)
        """,
        0,
        message="wrong axis",
    ),
    softmax(
        "ratio",
        """
        def my_softmax(z):
            z = np.asarray(z, dtype=float)
            return z / np.sum(z, axis=-1, keepdims=True)
        """,
        0,
        message="use np.exp",
    ),
    softmax(
        "shift_in_place",
        """
        def my_softmax(z):
            z -= np.max(z, axis=-1, keepdims=True)
            e = np.exp(z)
            return e / np.sum(e, axis=-1, keepdims=True)
        """,
        0,
        message="changed its input array in place",
        note="z -= ... overwrites the caller's logits",
    ),
    softmax(
        "zeros_like",
        """
        def my_softmax(z):
            out = np.zeros_like(z)
            shifted = np.exp(z - np.max(z, axis=-1, keepdims=True))
            out[...] = shifted / np.sum(shifted, axis=-1, keepdims=True)
            return out
        """,
        0,
        message="integer array that truncates",
    ),
    softmax(
        "one_max_for_the_batch",
        """
        def my_softmax(z):
            z = np.asarray(z, dtype=float)
            e = np.exp(z - np.max(z))
            return e / np.sum(e, axis=-1, keepdims=True)
        """,
        0,
        message="each row needs its own max",
    ),
    softmax(
        "log_sum_exp",
        """
        def my_softmax(z):
            z = np.asarray(z, dtype=float)
            top = np.max(z, axis=-1, keepdims=True)
            log_total = top + np.log(np.sum(np.exp(z - top), axis=-1, keepdims=True))
            return np.exp(z - log_total)
        """,
        2,
        note="exp(z - logsumexp(z)), without scipy.special",
    ),
    softmax(
        "keras_ops",
        """
        def my_softmax(z):
            return keras.ops.softmax(np.asarray(z, dtype=float), axis=-1).numpy()
        """,
        2,
        note="Keras keeps float64 (integers must be made floats first); it warns on stderr for "
        "one class in the hidden tests, which gave 0 points when they ran in the student's kernel",
    ),
    softmax(
        "row_by_row",
        """
        def my_softmax(z):
            z = np.asarray(z, dtype=float)
            if z.ndim > 1:
                return np.array([my_softmax(row) for row in z])
            e = np.exp(z - z.max())
            return e / e.sum()
        """,
        2,
        note="recursion over the rows, any number of dimensions",
    ),
    softmax(
        "float_kept",
        """
        def my_softmax(z):
            z = np.asarray(z)
            z = z.astype(np.result_type(z.dtype, np.float32))   # float16 stays float16
            e = np.exp(z - z.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
        """,
        2,
        note="keeps float16 logits in float16, integers become float64",
    ),
    softmax(
        "tensor",
        """
        def my_softmax(z):
            return keras.ops.softmax(np.asarray(z, dtype=float), axis=-1)
        """,
        2,
        note="returns a tensor, not a numpy array: the values are right",
    ),
    # --- sparse_ce_from_logits --------------------------------------------------------------------
    sparse(
        "mean",
        """
        def sparse_ce_from_logits(y, z):
            z = np.asarray(z, dtype=float)
            m = np.max(z, axis=1, keepdims=True)
            losses = m[:, 0] + np.log(np.sum(np.exp(z - m), axis=1)) - z[np.arange(len(y)), y]
            return losses.mean()
        """,
        0,
        message="the mean over the batch",
    ),
    sparse(
        "columns_y",
        """
        def sparse_ce_from_logits(y, z):
            z = np.asarray(z, dtype=float)
            m = np.max(z, axis=1, keepdims=True)
            return m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True)) - z[:, y]
        """,
        0,
        message="z[:, y] picks the columns y for EVERY row",
    ),
    sparse(
        "softmax_then_log",
        """
        def sparse_ce_from_logits(y, z):
            z = np.asarray(z, dtype=float)
            e = np.exp(z - np.max(z, axis=1, keepdims=True))
            a = e / np.sum(e, axis=1, keepdims=True)
            return -np.log(a[np.arange(len(y)), y])
        """,
        0,
        message="you took the softmax first and then the log",
    ),
    sparse(
        "no_max",
        """
        def sparse_ce_from_logits(y, z):
            z = np.asarray(z, dtype=float)
            return np.log(np.sum(np.exp(z), axis=1)) - z[np.arange(len(y)), y]
        """,
        0,
        message="Use log-sum-exp",
    ),
    sparse(
        "clipped_like_keras",
        """
        def sparse_ce_from_logits(y, z):
            z = np.asarray(z, dtype=float)
            e = np.exp(z - np.max(z, axis=1, keepdims=True))
            a = np.clip(e / np.sum(e, axis=1, keepdims=True), 1e-7, 1 - 1e-7)
            return -np.log(a[np.arange(len(y)), y])
        """,
        0,
        message="you clipped the probabilities",
    ),
    sparse(
        "logaddexp_reduce",
        """
        def sparse_ce_from_logits(y, z):
            z = np.asarray(z, dtype=float)
            return np.logaddexp.reduce(z, axis=1) - z[np.arange(len(y)), y]
        """,
        2,
    ),
    sparse(
        "take_along_axis",
        """
        def sparse_ce_from_logits(y, z):
            z = np.asarray(z, dtype=float)
            m = z.max(axis=1, keepdims=True)
            log_probs = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
            return -np.take_along_axis(log_probs, np.asarray(y)[:, None], axis=1)[:, 0]
        """,
        2,
        note="-log_softmax(z), then one entry per row",
    ),
    sparse(
        "keras_loss",
        """
        def sparse_ce_from_logits(y, z):
            return keras.losses.sparse_categorical_crossentropy(y, z, from_logits=True).numpy()
        """,
        2,
        note="Keras computes in the dtype it is given (float64 here)",
    ),
    sparse(
        "python_loop",
        """
        import math

        def sparse_ce_from_logits(y, z):
            losses = []
            for label, row in zip(y, z):
                top = max(row)
                losses.append(top + math.log(sum(math.exp(v - top) for v in row)) - row[label])
            return np.array(losses)
        """,
        2,
    ),
    # --- predict_labels ---------------------------------------------------------------------------
    labels(
        "argmax",
        """
        def predict_labels(probs, threshold=0.5):
            return np.eye(probs.shape[1], dtype=int)[np.argmax(probs, axis=1)]
        """,
        0,
        message="exactly one label per row",
    ),
    labels(
        "round",
        """
        def predict_labels(probs, threshold=0.5):
            return np.round(probs).astype(int)
        """,
        0,
        message="use the threshold argument",
    ),
    labels(
        "booleans",
        """
        def predict_labels(probs, threshold=0.5):
            return probs >= threshold
        """,
        0,
        message="returned booleans",
    ),
    labels(
        "in_place",
        """
        def predict_labels(probs, threshold=0.5):
            probs[probs >= threshold] = 1
            probs[probs < threshold] = 0
            return probs.astype(int)
        """,
        0,
        message="changed its input array in place",
    ),
    labels(
        "strictly_greater",
        """
        def predict_labels(probs, threshold=0.5):
            return (np.asarray(probs) > np.asarray(threshold)).astype(int)
        """,
        0,
        message="not probs > threshold",
        note="label 0 for a probability equal to the threshold",
    ),
    labels(
        "where",
        """
        def predict_labels(probs, threshold=0.5):
            return np.where(np.asarray(probs) >= threshold, 1, 0)
        """,
        1,
    ),
    labels(
        "int8",
        """
        def predict_labels(probs, threshold=0.5):
            return np.greater_equal(probs, threshold).astype(np.int8)
        """,
        1,
        note="a small integer dtype",
    ),
    labels(
        "tensorflow_cast",
        """
        import tensorflow as tf

        def predict_labels(probs, threshold=0.5):
            return tf.cast(tf.constant(probs, dtype=tf.float64) >= threshold, tf.int32).numpy()
        """,
        1,
    ),
]

UNFAIR = []
DISAGREE = []
