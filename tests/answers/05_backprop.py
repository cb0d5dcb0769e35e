"""Answers of lesson 05 (backpropagation): the centred difference, the lecture graph's backward
pass by hand, a two-layer network's gradients."""

from tests.answers import maker

LESSON = "05_backprop"
LOCKED = ("net_forward",)  # two_layer_forward, which two_layer_backward calls
OWN = {
    "centred_difference": ("test_centred_difference",),
    "lecture_backward": ("test_lecture_backward",),
    "two_layer_backward": ("test_two_layer_backward",),
}
ALSO = {"centred_difference": (), "lecture_backward": (), "two_layer_backward": ()}

centred = maker("centred_difference", "test_centred_difference")
lecture = maker("lecture_backward", "test_lecture_backward")
two_layer = maker("two_layer_backward", "test_two_layer_backward")

LECTURE = '''
def lecture_backward(x, w, b, y):
    """dJ/dd, dJ/da, dJ/dc, dJ/dw, dJ/db of J = 1/2 (w x + b - y)^2, by the chain rule."""
    c = w * x             # the forward pass
    a = c + b
    d = a - y
    J = 0.5 * d ** 2
{body}
    return dJ_dd, dJ_da, dJ_dc, dJ_dw, dJ_db
'''

TWO_LAYER = '''
def two_layer_backward(X, y, W1, b1, W2, b2):
    """dW1, db1, dW2, db2 of the mean binary cross-entropy of the tanh-sigmoid network."""
    m = X.shape[0]
    Z1, A1, Z2, A2 = two_layer_forward(X, W1, b1, W2, b2)
{body}
    return dW1, db1, dW2, db2
'''


def lecture_code(body: str) -> str:
    return LECTURE.format(body="\n".join("    " + line for line in body.strip().splitlines()))


def two_layer_code(body: str) -> str:
    return TWO_LAYER.format(body="\n".join("    " + line for line in body.strip().splitlines()))


ANSWERS = [
    # --- centred_difference -----------------------------------------------------------------------
    centred(
        "forward",
        """
        def centred_difference(f, w, eps):
            return (f(w + eps) - f(w)) / eps
        """,
        0,
        message="forward difference",
    ),
    centred(
        "divided_by_eps",
        """
        def centred_difference(f, w, eps):
            return (f(w + eps) - f(w - eps)) / eps
        """,
        0,
        message="divide by 2 * eps, not by eps",
    ),
    centred(
        "fixed_eps",
        """
        def centred_difference(f, w, eps):
            h = 1e-3
            return (f(w + h) - f(w - h)) / (2 * h)
        """,
        0,
        message="use the eps you are given",
    ),
    centred(
        "reversed",
        """
        def centred_difference(f, w, eps):
            return (f(w - eps) - f(w + eps)) / (2 * eps)
        """,
        0,
        message="the sign is reversed",
    ),
    centred(
        "halved_twice",
        """
        def centred_difference(f, w, eps):
            return 0.5 * (f(w + eps) - f(w - eps)) / eps
        """,
        1,
    ),
    centred(
        "numpy_diff",
        """
        def centred_difference(f, w, eps):
            values = np.array([f(w - eps), f(w + eps)])
            return np.diff(values)[0] / (2 * eps)
        """,
        1,
        note="returns a numpy float64",
    ),
    centred(
        "course_library",
        """
        from utils.nn.gradcheck import finite_difference

        def centred_difference(f, w, eps):
            return finite_difference(f, w, eps=eps)
        """,
        1,
        note="the course's own finite difference, centred by default",
    ),
    centred(
        "vectorised",
        """
        def centred_difference(f, w, eps):
            up, down = f(np.array([w + eps, w - eps]))   # one call on both points
            return (up - down) / (2 * eps)
        """,
        1,
        note="calls f once, on an array of the two points",
    ),
    # --- lecture_backward -------------------------------------------------------------------------
    lecture(
        "two_d",
        lecture_code("""
dJ_dd = 2 * d
dJ_da = dJ_dd
dJ_dc = dJ_da
dJ_dw = dJ_dc * x
dJ_db = dJ_da
"""),
        0,
        message="the ½ cancels the 2",
    ),
    lecture(
        "times_w",
        lecture_code("""
dJ_dd = d
dJ_da = dJ_dd
dJ_dc = dJ_da
dJ_dw = dJ_dc * w
dJ_db = dJ_da
"""),
        0,
        message="you multiplied by w",
    ),
    lecture(
        "typed_in",
        lecture_code("""
dJ_dd, dJ_da, dJ_dc, dJ_dw, dJ_db = 3.0, 3.0, 3.0, 6.0, 3.0   # read off the lecture's graph
"""),
        0,
        message="compute them from the forward values",
    ),
    lecture(
        "local_derivative_only",
        lecture_code("""
dJ_dd = d
dJ_da = 1.0
dJ_dc = 1.0
dJ_dw = x
dJ_db = 1.0
"""),
        0,
        message="only the local derivative",
    ),
    lecture(
        "straight_from_d",
        lecture_code("""
dJ_dd = dJ_da = dJ_dc = dJ_db = w * x + b - y
dJ_dw = (w * x + b - y) * x
"""),
        2,
    ),
    lecture(
        "autodiff_values",
        """
        def lecture_backward(x, w, b, y):
            w_node, b_node = Value(w, "w"), Value(b, "b")
            c = w_node * x
            a = c + b_node
            d = a - y
            J = 0.5 * d**2
            J.backward()
            return d.grad, a.grad, c.grad, w_node.grad, b_node.grad
        """,
        2,
        note="the course's autodiff does the backward pass",
    ),
    lecture(
        "gradient_tape",
        """
        def lecture_backward(x, w, b, y):
            w_t = tf.Variable(float(w), dtype=tf.float64)
            b_t = tf.Variable(float(b), dtype=tf.float64)
            with tf.GradientTape(persistent=True) as tape:
                c = w_t * x
                a = c + b_t
                d = a - y
                tape.watch([c, a, d])
                J = 0.5 * d**2
            grads = tape.gradient(J, [d, a, c, w_t, b_t])
            return tuple(g.numpy() for g in grads)
        """,
        2,
        note="TensorFlow's tape; returns 0-d float64 arrays",
    ),
    # --- two_layer_backward -----------------------------------------------------------------------
    two_layer(
        "wrong_sign",
        two_layer_code("""
dZ2 = (y - A2) / m
dW2 = A1.T @ dZ2
db2 = dZ2.sum(axis=0)
dZ1 = dZ2 @ W2.T * (1 - A1**2)
dW1 = X.T @ dZ1
db1 = dZ1.sum(axis=0)
"""),
        0,
        message="wrong sign",
    ),
    two_layer(
        "no_mean",
        two_layer_code("""
dZ2 = A2 - y
dW2 = A1.T @ dZ2
db2 = dZ2.sum(axis=0)
dZ1 = dZ2 @ W2.T * (1 - A1**2)
dW1 = X.T @ dZ1
db1 = dZ1.sum(axis=0)
"""),
        0,
        message="times too big",
    ),
    two_layer(
        "sigmoid_slope_in_hidden",
        two_layer_code("""
dZ2 = (A2 - y) / m
dW2 = A1.T @ dZ2
db2 = dZ2.sum(axis=0)
dZ1 = dZ2 @ W2.T * A1 * (1 - A1)
dW1 = X.T @ dZ1
db1 = dZ1.sum(axis=0)
"""),
        0,
        message="the sigmoid's derivative",
    ),
    two_layer(
        "keepdims_bias",
        two_layer_code("""
dZ2 = (A2 - y) / m
dW2 = A1.T @ dZ2
db2 = dZ2.sum(axis=0)
dZ1 = dZ2 @ W2.T * (1 - A1**2)
dW1 = X.T @ dZ1
db1 = dZ1.sum(axis=0, keepdims=True)
"""),
        0,
        message="without keepdims",
    ),
    two_layer(
        "transposed",
        two_layer_code("""
dZ2 = (A2 - y) / m
dW2 = dZ2.T @ A1
db2 = dZ2.sum(axis=0)
dZ1 = dZ2 @ W2.T * (1 - A1**2)
dW1 = X.T @ dZ1
db1 = dZ1.sum(axis=0)
"""),
        0,
        message="It looks transposed",
    ),
    two_layer(
        "einsum_and_mean",
        two_layer_code("""
err = A2 - y
dW2 = np.einsum("mi,mj->ij", A1, err) / m
db2 = err.mean(axis=0)
delta = np.einsum("mj,ij->mi", err, W2) * (1 - np.tanh(Z1) ** 2)
dW1 = np.einsum("mi,mj->ij", X, delta) / m
db1 = delta.mean(axis=0)
"""),
        3,
        note="divides by m at the end (np.mean) instead of in dZ2",
    ),
    two_layer(
        "cosh",
        two_layer_code("""
dZ2 = (A2 - y) / m
dW2 = np.dot(A1.T, dZ2)
db2 = np.sum(dZ2, axis=0)
dZ1 = np.dot(dZ2, W2.T) / np.cosh(Z1) ** 2
dW1 = np.dot(X.T, dZ1)
db1 = np.sum(dZ1, axis=0)
"""),
        3,
        note="tanh' as 1 / cosh² of Z1",
    ),
    two_layer(
        "gradient_tape",
        """
        def two_layer_backward(X, y, W1, b1, W2, b2):
            params = [tf.Variable(p) for p in (W1, b1, W2, b2)]
            with tf.GradientTape() as tape:
                A1 = tf.tanh(tf.constant(X) @ params[0] + params[1])
                A2 = tf.sigmoid(A1 @ params[2] + params[3])
                J = -tf.reduce_mean(y * tf.math.log(A2) + (1 - y) * tf.math.log(1 - A2))
            return tuple(g.numpy() for g in tape.gradient(J, params))
        """,
        3,
        note="lets TensorFlow do it (does not call two_layer_forward)",
    ),
]

UNFAIR = []
DISAGREE = []
