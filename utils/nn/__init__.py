"""numpy reference implementations of everything the course trains with.

Each piece is tested against TensorFlow/Keras (``tests/test_nn_*.py``); the gradient
checks of :mod:`utils.nn.gradcheck` against computations by hand.
"""

from utils.nn.activations import (
    ACTIVATIONS,
    get_activation,
    leaky_relu,
    leaky_relu_derivative,
    linear,
    linear_derivative,
    log_softmax,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    softmax_jacobian,
    swish,
    swish_derivative,
    tanh,
    tanh_derivative,
)
from utils.nn.conv import conv1d_output_length, conv1d_windows
from utils.nn.gradcheck import (
    finite_difference,
    gradient_check,
    numerical_gradients,
    relative_error,
)
from utils.nn.losses import (
    EPSILON,
    binary_crossentropy,
    binary_crossentropy_grad,
    categorical_crossentropy,
    categorical_crossentropy_grad,
    cost,
    mean_squared_error,
    mean_squared_error_grad,
    sparse_categorical_crossentropy,
    sparse_categorical_crossentropy_grad,
)
from utils.nn.network import DenseNetwork
from utils.nn.optimizers import Adam, GradientDescent
from utils.nn.train import LOSSES, digits_network, minibatches, train, train_digits

__all__ = [name for name in dir() if not name.startswith("_")]
