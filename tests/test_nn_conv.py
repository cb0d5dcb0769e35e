"""utils.nn.conv: the windows of a 1-D convolution, against Keras's Conv1D(padding='valid')."""

import numpy as np
import pytest

from utils.nn import conv1d_output_length, conv1d_windows

CASES = [(100, 20, 10), (9, 5, 2), (100, 20, 30), (100, 20, 1), (100, 7, 3), (10, 10, 3), (5, 1, 1)]


@pytest.mark.parametrize("n, k, s", CASES)
def test_the_windows_are_where_keras_looks(keras, rng, n, k, s):
    """A Conv1D with one filter and random weights: output i is the dot product of the
    weights with window i of the signal, for exactly the windows we list."""
    layer = keras.layers.Conv1D(1, k, strides=s, use_bias=False)
    layer.build((None, n, 1))
    weights = rng.normal(size=(k, 1, 1)).astype(np.float32)
    layer.set_weights([weights])
    signal = rng.normal(size=n).astype(np.float32)
    got = layer(signal[None, :, None]).numpy()[0, :, 0]

    windows = conv1d_windows(n, k, s)
    assert conv1d_output_length(n, k, s) == len(windows) == got.size
    assert layer.compute_output_shape((None, n, 1))[1] == len(windows)
    want = [signal[a:b] @ weights[:, 0, 0] for a, b in windows]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert all(b - a == k for a, b in windows) and windows[0][0] == 0 and windows[-1][1] <= n


def test_windows_by_hand():
    assert conv1d_windows(9, 5, 2) == [(0, 5), (2, 7), (4, 9)]
    assert conv1d_windows(10, 4, 3) == [(0, 4), (3, 7), (6, 10)]
    assert conv1d_windows(10, 4, 4) == [(0, 4), (4, 8)]  # samples 8 and 9 are seen by no window
    assert conv1d_windows(3, 3) == [(0, 3)]
    assert conv1d_output_length(np.int64(100), 20, 10) == 9  # numpy integers are welcome


def test_a_kernel_longer_than_the_signal_is_refused_as_keras_refuses_it(keras):
    with pytest.raises(ValueError):
        keras.layers.Conv1D(1, 20).compute_output_shape((None, 10, 1))
    for fn in (conv1d_output_length, conv1d_windows):
        with pytest.raises(ValueError, match="longer than the signal"):
            fn(10, 20, 1)


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((0, 3, 1), ValueError, "n must be > 0"),
        ((10, 0, 1), ValueError, "kernel_size must be > 0"),
        ((10, 3, -2), ValueError, "stride must be > 0"),
        ((10.0, 3, 1), TypeError, "n must be an integer"),
        ((10, 3, True), TypeError, "stride must be an integer"),
    ],
)
def test_bad_sizes_get_clear_errors(args, error, match):
    with pytest.raises(error, match=match):
        conv1d_output_length(*args)
