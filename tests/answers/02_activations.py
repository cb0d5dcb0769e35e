"""Answers of lesson 02 (activation functions): relu, relu_derivative, collapse, the ReLU puzzle."""

from tests.answers import maker

LESSON = "02_activations"
LOCKED = ()
OWN = {
    "relu": ("test_relu",),
    "relu_derivative": ("test_relu_derivative",),
    "collapse": ("test_collapse",),
    "relu_puzzle": ("test_relu_puzzle",),
}
ALSO = {"relu": (), "relu_derivative": (), "collapse": (), "relu_puzzle": ()}


relu = maker("relu", "test_relu")
relu_derivative = maker("relu_derivative", "test_relu_derivative")
collapse = maker("collapse", "test_collapse")
puzzle = maker("relu_puzzle", "test_relu_puzzle")

ANSWERS = [
    # --- relu -------------------------------------------------------------------------------
    relu(
        "builtin_max",
        """
        def relu(z):
            return max(0, z)
        """,
        0,
        message="built-in max(0, z)",
    ),
    relu(
        "in_place",
        """
        def relu(z):
            z[z < 0] = 0
            return z
        """,
        0,
        message="changed its input z in place",
    ),
    relu(
        "abs",
        """
        def relu(z):
            return np.abs(z)
        """,
        0,
        message="absolute value",
    ),
    relu(
        "np_max",
        """
        def relu(z):
            return np.max(z, 0)
        """,
        0,
        message="gives ONE number",
    ),
    relu(
        "list",
        """
        def relu(z):
            return [max(0.0, v) for v in z]
        """,
        0,
        message="returned a list",
    ),
    relu(
        "mask_product",
        """
        def relu(z):
            return z * (z > 0)
        """,
        1,
        note="-0.0 for negative z; equal to 0",
    ),
    relu(
        "abs_average",
        """
        def relu(z):
            return (np.abs(z) + z) / 2
        """,
        1,
    ),
    relu(
        "copy_then_clip_in_place",
        """
        def relu(z):
            out = np.array(z, dtype=float, copy=True)
            out[out < 0] = 0.0
            return out
        """,
        1,
        note="changes its own copy in place, never z",
    ),
    relu(
        "tensorflow",
        """
        import tensorflow as tf

        def relu(z):
            return tf.nn.relu(z).numpy()
        """,
        1,
        note="TensorFlow keeps float64 (keras.ops.relu of 1e300 would be inf in float32)",
    ),
    relu(
        "clip_method",
        """
        def relu(z):
            return np.asarray(z).clip(min=0)
        """,
        1,
    ),
    # --- relu_derivative ----------------------------------------------------------------------
    relu_derivative(
        "at_zero_one",
        """
        def relu_derivative(z):
            return (z >= 0).astype(float)
        """,
        0,
        message="relu_derivative(0) should be 0",
    ),
    relu_derivative(
        "booleans",
        """
        def relu_derivative(z):
            return z > 0
        """,
        0,
        message="True/False",
    ),
    relu_derivative(
        "relu_itself",
        """
        def relu_derivative(z):
            return np.maximum(0, z)
        """,
        0,
        message="returns relu(z) itself",
    ),
    relu_derivative(
        "sign",
        """
        def relu_derivative(z):
            return np.sign(z)
        """,
        0,
        message="relu_derivative(-3) should be 0",
    ),
    relu_derivative(
        "python_if",
        """
        def relu_derivative(z):
            return 1.0 if z > 0 else 0.0
        """,
        0,
        message="an `if z > 0:`",
    ),
    relu_derivative(
        "where_ints",
        """
        def relu_derivative(z):
            return np.where(z > 0, 1, 0)
        """,
        1,
        note="an integer array: numbers, not booleans",
    ),
    relu_derivative(
        "heaviside",
        """
        def relu_derivative(z):
            return np.heaviside(z, 0.0)
        """,
        1,
    ),
    relu_derivative(
        "sign_shifted",
        """
        def relu_derivative(z):
            return (np.sign(z) + 1) // 2
        """,
        1,
        note="sign 0 at the kink gives (0 + 1) // 2 = 0",
    ),
    relu_derivative(
        "greater_times_one",
        """
        def relu_derivative(z):
            return np.greater(z, 0) * 1.0
        """,
        1,
    ),
    # --- collapse ------------------------------------------------------------------------------
    collapse(
        "biases_added",
        """
        def collapse(layers):
            W, b = layers[0]
            for W_next, b_next in layers[1:]:
                W, b = W @ W_next, b + b_next
            return W, b
        """,
        0,
        message="plain sum b1 + b2",
    ),
    collapse(
        "last_bias_only",
        """
        def collapse(layers):
            W = layers[0][0]
            for W_next, _ in layers[1:]:
                W = W @ W_next
            return W, layers[-1][1]
        """,
        0,
        message="just the last layer's bias",
    ),
    collapse(
        "reversed_product",
        """
        def collapse(layers):
            W, b = layers[0]
            for W_next, b_next in layers[1:]:
                W, b = W_next @ W, b @ W_next + b_next
            return W, b
        """,
        0,
        message="reverse order",
    ),
    collapse(
        "bias_in_place",
        """
        def collapse(layers):
            W, b = layers[0]
            for W_next, b_next in layers[1:]:
                W = W @ W_next
                b_next += b @ W_next
                b = b_next
            return W, b
        """,
        0,
        message="changed layer 2's arrays in place",
        note="right values, but it overwrites the biases of the network it is given; the "
        "checker does not see the change (DISAGREE) and gives full points",
    ),
    collapse(
        "bias_one_layer",
        """
        def collapse(layers):
            W = layers[0][0]
            b = 0
            for (_, b_prev), (W_next, _) in zip(layers[:-1], layers[1:]):
                W = W @ W_next
                b = b + b_prev @ W_next
            return W, b + layers[-1][1]
        """,
        0,
        message="NEXT layer's weights only",
    ),
    collapse(
        "list_pair",
        """
        def collapse(layers):
            W, b = layers[0]
            for W_next, b_next in layers[1:]:
                W, b = W @ W_next, b @ W_next + b_next
            return [W, b]
        """,
        2,
    ),
    collapse(
        "reduce",
        """
        from functools import reduce

        def collapse(layers):
            return reduce(lambda acc, layer: (acc[0] @ layer[0], acc[1] @ layer[0] + layer[1]),
                          layers[1:], layers[0])
        """,
        2,
    ),
    collapse(
        "probe_with_identity",
        """
        def collapse(layers):
            n = layers[0][0].shape[0]
            X = np.vstack([np.zeros(n), np.eye(n)])   # the input 0, then each unit input
            for W_l, b_l in layers:
                X = X @ W_l + b_l
            b = X[0]
            return X[1:] - b, b
        """,
        2,
        note="runs the network on 0 and on the unit vectors",
    ),
    collapse(
        "einsum",
        """
        def collapse(layers):
            W = np.eye(layers[0][0].shape[0])
            b = np.zeros(layers[0][0].shape[0])
            for W_l, b_l in layers:
                W = np.einsum("ij,jk->ik", W, W_l)
                b = np.einsum("j,jk->k", b, W_l) + b_l
            return W, b
        """,
        2,
    ),
    # --- the ReLU puzzle --------------------------------------------------------------------------
    puzzle(
        "second_bend_at_1_5",
        "w1, b1, w2, b2 = 1, -1, 2, -3",
        0,
        message="unit 2 switches on at x = -b2/w2 = 1.5",
    ),
    puzzle(
        "swapped_units",
        "w1, b1, w2, b2 = 2, -4, 1, -1",
        0,
        message="swapped roles",
    ),
    puzzle(
        "slope_not_added",
        "w1, b1, w2, b2 = 1, -1, 3, -6",
        0,
        message="segment 3 (2 < x < 3) of your sum has slope 4",
        note="w2 is the slope of the last segment, not what unit 2 adds to unit 1's",
    ),
    puzzle(
        "left_facing",
        "w1, b1, w2, b2 = -1, 1, 2, -4",
        0,
        message="LEFT",
    ),
    puzzle(
        "not_written",
        "w1 = b1 = w2 = b2 = None   # replace by your numbers",
        0,
        message="not written yet",
    ),
    puzzle("integers", "w1, b1, w2, b2 = 1, -1, 2, -4", 2),
    puzzle(
        "numpy_scalars",
        "w1, b1, w2, b2 = np.float32(1), np.array(-1.0), np.float64(2), np.int64(-4)",
        2,
    ),
    puzzle(
        "from_the_corners",
        """
        w1 = (1 - 0) / (2 - 1)          # the slope of the second segment
        b1 = -w1 * 1                    # switches on at x = 1
        w2 = (4 - 1) / (3 - 2) - w1     # what the third segment adds
        b2 = -w2 * 2                    # switches on at x = 2
        """,
        2,
    ),
    puzzle(
        "fractions",
        """
        from fractions import Fraction

        w1, b1 = Fraction(1), Fraction(-1)
        w2, b2 = Fraction(2), Fraction(-4)
        """,
        2,
        note="exact numbers of the standard library (they cross the channel as fractions)",
    ),
]

UNFAIR = []
DISAGREE = []
