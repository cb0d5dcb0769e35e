"""Answers of lesson 04 (Adam and other layers): adam_step, and counting a Conv1D's windows and
parameters."""

from tests.answers import maker

LESSON = "04_adam_and_layers"
LOCKED = ()
OWN = {
    "adam_step": ("test_adam_step",),
    "conv1d_output_length": ("test_conv1d_output_length",),
    "conv1d_param_count": ("test_conv1d_param_count",),
}
ALSO = {"adam_step": (), "conv1d_output_length": (), "conv1d_param_count": ()}

adam = maker("adam_step", "test_adam_step")
length = maker("conv1d_output_length", "test_conv1d_output_length")
params = maker("conv1d_param_count", "test_conv1d_param_count")

SIGNATURE = "def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):"


def step(body: str) -> str:
    """An adam_step with this body (indented by four spaces) and the notebook's signature."""
    return SIGNATURE + "\n" + "\n".join("    " + line for line in body.strip().splitlines()) + "\n"


ANSWERS = [
    # --- adam_step ------------------------------------------------------------------------------
    adam(
        "no_bias_correction",
        step("""
m = beta1 * m + (1 - beta1) * grad
v = beta2 * v + (1 - beta2) * grad**2
theta = theta - lr * m / (np.sqrt(v) + eps)
return theta, m, v
"""),
        0,
        message="without the bias correction",
    ),
    adam(
        "eps_inside_sqrt",
        step("""
m = beta1 * m + (1 - beta1) * grad
v = beta2 * v + (1 - beta2) * grad**2
m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
theta = theta - lr * m_hat / np.sqrt(v_hat + eps)
return theta, m, v
"""),
        0,
        message="eps inside the square root",
    ),
    adam(
        "keras_form",
        step("""
m = beta1 * m + (1 - beta1) * grad
v = beta2 * v + (1 - beta2) * grad**2
lr_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
theta = theta - lr_t * m / (np.sqrt(v) + eps)
return theta, m, v
"""),
        0,
        message="Keras's form of Adam",
    ),
    adam(
        "returns_m_hat",
        step("""
m = beta1 * m + (1 - beta1) * grad
v = beta2 * v + (1 - beta2) * grad**2
m = m / (1 - beta1**t)
v = v / (1 - beta2**t)
theta = theta - lr * m / (np.sqrt(v) + eps)
return theta, m, v
"""),
        0,
        message="returned the bias-corrected m_hat",
    ),
    adam(
        "t_minus_one",
        step("""
m = beta1 * m + (1 - beta1) * grad
v = beta2 * v + (1 - beta2) * grad**2
m_hat, v_hat = m / (1 - beta1 ** (t - 1)), v / (1 - beta2 ** (t - 1))
theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
return theta, m, v
"""),
        0,
        message="t - 1",
    ),
    adam(
        "in_place",
        step("""
m *= beta1
m += (1 - beta1) * grad
v *= beta2
v += (1 - beta2) * grad * grad
theta -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
return theta, m, v
"""),
        3,
        note="updates the arrays it is given in place, and returns them",
    ),
    adam(
        "keras_form_with_translated_eps",
        step("""
m = beta1 * m + (1 - beta1) * grad
v = beta2 * v + (1 - beta2) * grad**2
c2 = np.sqrt(1 - beta2**t)
theta = theta - lr * c2 / (1 - beta1**t) * m / (np.sqrt(v) + eps * c2)
return theta, m, v
"""),
        3,
        note="Keras's form with eps * sqrt(1 - beta2**t): the same step, rearranged",
    ),
    adam(
        "list_and_power_half",
        step("""
m_new = np.add(np.multiply(beta1, m), np.multiply(1 - beta1, grad))
v_new = beta2 * v + (1 - beta2) * np.square(grad)
m_hat = m_new / (1 - np.power(beta1, t))
v_hat = v_new / (1 - np.power(beta2, t))
return [theta - lr * m_hat / (v_hat**0.5 + eps), m_new, v_new]
"""),
        3,
        note="a list instead of a tuple",
    ),
    adam(
        "one_line_per_moment_loop",
        step("""
moments = []
for beta, g in ((beta1, grad), (beta2, grad**2)):
    moments.append(beta * (m if beta == beta1 else v) + (1 - beta) * g)
m, v = moments
corrected = [mom / (1 - b**t) for mom, b in zip(moments, (beta1, beta2))]
return theta - lr * corrected[0] / (np.sqrt(corrected[1]) + eps), m, v
"""),
        3,
    ),
    # --- conv1d_output_length -----------------------------------------------------------------
    length(
        "one_short",
        """
        def conv1d_output_length(n, kernel_size, stride):
            return (n - kernel_size) // stride
        """,
        0,
        message="one window short",
    ),
    length(
        "whole_signal",
        """
        def conv1d_output_length(n, kernel_size, stride):
            return n // stride
        """,
        0,
        message="divided the whole signal length by the stride",
    ),
    length(
        "fraction",
        """
        def conv1d_output_length(n, kernel_size, stride):
            return (n - kernel_size) / stride + 1
        """,
        0,
        message="a fraction",
    ),
    length(
        "rounded_up",
        """
        import math

        def conv1d_output_length(n, kernel_size, stride):
            return math.ceil((n - kernel_size) / stride) + 1
        """,
        0,
        message="you rounded up",
    ),
    length(
        "no_stride",
        """
        def conv1d_output_length(n, kernel_size, stride):
            return n - kernel_size + 1
        """,
        0,
        message="you ignored the stride",
    ),
    length(
        "math_floor",
        """
        import math

        def conv1d_output_length(n, kernel_size, stride):
            return math.floor((n - kernel_size) / stride) + 1
        """,
        1,
    ),
    length(
        "range_of_starts",
        """
        def conv1d_output_length(n, kernel_size, stride):
            return len(range(0, n - kernel_size + 1, stride))
        """,
        1,
    ),
    length(
        "keras_layer",
        """
        def conv1d_output_length(n, kernel_size, stride):
            layer = keras.layers.Conv1D(1, kernel_size, strides=stride)
            return layer.compute_output_shape((None, n, 1))[1]
        """,
        1,
        note="asks Keras itself",
    ),
    length(
        "numpy_float",
        """
        def conv1d_output_length(n, kernel_size, stride):
            return np.floor((n - kernel_size) / stride) + 1
        """,
        1,
        note="returns a whole float64 such as 9.0",
    ),
    # --- conv1d_param_count -------------------------------------------------------------------
    params(
        "no_biases",
        """
        def conv1d_param_count(n, kernel_size, stride, in_channels, filters):
            return kernel_size * in_channels * filters
        """,
        0,
        message="you forgot the biases",
    ),
    params(
        "weights_per_position",
        """
        def conv1d_param_count(n, kernel_size, stride, in_channels, filters):
            windows = (n - kernel_size) // stride + 1
            return (kernel_size * in_channels + 1) * filters * windows
        """,
        0,
        message="every window position its own weights",
    ),
    params(
        "channels_ignored",
        """
        def conv1d_param_count(n, kernel_size, stride, in_channels, filters):
            return (kernel_size + 1) * filters
        """,
        0,
        message="kernel_size × in_channels",
    ),
    params(
        "one_bias",
        """
        def conv1d_param_count(n, kernel_size, stride, in_channels, filters):
            return kernel_size * in_channels * filters + 1
        """,
        0,
        message="that is `filters` biases, not one",
    ),
    params(
        "weights_plus_biases",
        """
        def conv1d_param_count(n, kernel_size, stride, in_channels, filters):
            weights = kernel_size * in_channels * filters
            biases = filters
            return weights + biases
        """,
        2,
    ),
    params(
        "keras_build",
        """
        def conv1d_param_count(n, kernel_size, stride, in_channels, filters):
            layer = keras.layers.Conv1D(filters, kernel_size, strides=stride)
            layer.build((None, n, in_channels))
            return layer.count_params()
        """,
        2,
        note="asks Keras itself",
    ),
    params(
        "numpy_product",
        """
        def conv1d_param_count(n, kernel_size, stride, in_channels, filters):
            return int(np.prod([kernel_size, in_channels, filters])) + filters
        """,
        2,
    ),
]

UNFAIR = []
DISAGREE = []
