"""utils.nn.gradcheck: relative errors, finite differences and gradient checks, against
computations done by hand."""

import numpy as np
import pytest

from utils.nn import finite_difference, gradient_check, numerical_gradients, relative_error

# --- relative_error --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b, want",
    [
        ([1.0, 2.0], [1.0, 2.0], 0.0),  # equal
        ([0.0, 0.0], [0.0, 0.0], 0.0),  # both zero
        ([3.0, 4.0], [0.0, 0.0], 1.0),  # |(3, 4)| / (5 + 0)
        ([1.0], [-1.0], 1.0),  # 2 / (1 + 1)
        ([1.0, 0.0], [0.0, 1.0], np.sqrt(2) / 2),  # sqrt(2) / (1 + 1)
        ([[1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 3.0]], 2 / (2 + np.sqrt(12))),
        (1.1, 1.0, 0.1 / 2.1),
    ],
)
def test_relative_error_by_hand(a, b, want):
    assert relative_error(a, b) == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert relative_error(b, a) == pytest.approx(want, rel=1e-12, abs=1e-15)  # symmetric


@pytest.mark.parametrize(
    "a, b, want",
    [
        (1.1, 1.0, 0.1),  # |1.1 - 1| / |1|
        (120.0, 120.0, 0.0),
        ([3.0, 4.0], [0.0, 8.0], 5 / 8),  # |(3, -4)| / |(0, 8)|
        ([0.5], [0.0], 0.5),  # against zero: the error itself
    ],
)
def test_relative_error_against_a_reference_by_hand(a, b, want):
    assert relative_error(a, b, relative_to="b") == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_relative_error_of_nan_or_inf_is_inf_and_bad_input_is_refused():
    assert relative_error([np.nan], [1.0]) == np.inf
    assert relative_error(np.inf, 1.0, relative_to="b") == np.inf
    with pytest.raises(ValueError, match="shapes"):
        relative_error([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="relative_to"):
        relative_error(1.0, 1.0, relative_to="a")


# --- finite differences ----------------------------------------------------------------------


def test_finite_differences_of_the_lecture_example_by_hand():
    """J = w² at w = 3 (the lecture): 6.001 forward, 5.999 backward, 6 centred, eps = 0.001."""
    square = lambda w: w**2  # noqa: E731
    assert finite_difference(square, 3.0, eps=1e-3, kind="forward") == pytest.approx(
        6.001, rel=1e-12
    )
    assert finite_difference(square, 3.0, eps=1e-3, kind="backward") == pytest.approx(
        5.999, rel=1e-12
    )
    assert finite_difference(square, 3.0, eps=1e-3) == pytest.approx(6.0, rel=1e-12)
    # the centred difference of w³ is 3w² + eps² exactly: 12.01 at w = 2, eps = 0.1
    assert finite_difference(lambda w: w**3, 2.0, eps=0.1) == pytest.approx(12.01, rel=1e-12)


def test_finite_difference_refuses_bad_options():
    with pytest.raises(ValueError, match="kind"):
        finite_difference(np.sin, 0.0, kind="sideways")
    with pytest.raises(ValueError, match="eps must be positive"):
        finite_difference(np.sin, 0.0, eps=0.0)


def test_numerical_gradients_by_hand_and_the_arrays_are_left_alone():
    # J = w1 * w2 + sum(b²) at w = (2, 3), b = (0.5, -1): dJ/dw = (3, 2), dJ/db = (1, -2)
    w, b = np.array([2.0, 3.0]), np.array([0.5, -1.0])
    keep = w.copy(), b.copy()
    dw, db = numerical_gradients(lambda p: p[0][0] * p[0][1] + np.sum(p[1] ** 2), [w, b])
    assert np.allclose(dw, [3.0, 2.0], rtol=1e-9) and np.allclose(db, [1.0, -2.0], rtol=1e-9)
    assert np.array_equal(w, keep[0]) and np.array_equal(b, keep[1])
    # a 2-D array of integers: J = sum(A³), dJ/dA = 3A², computed in float64
    (dA,) = numerical_gradients(lambda p: float((p[0] ** 3).sum()), [np.array([[1, -2], [0, 3]])])
    assert dA.dtype == np.float64 and np.allclose(dA, [[3.0, 12.0], [0.0, 27.0]], rtol=1e-8)
    with pytest.raises(ValueError, match="eps must be positive"):
        numerical_gradients(lambda p: 0.0, [w], eps=-1.0)


def test_gradient_check_tells_right_from_wrong():
    w, b = np.array([2.0, 3.0]), np.array([0.5, -1.0])

    def cost(p):
        return p[0][0] * p[0][1] + np.sum(p[1] ** 2)

    right = [np.array([3.0, 2.0]), np.array([1.0, -2.0])]
    assert all(err < 1e-8 for err in gradient_check(cost, [w, b], right))
    twice = [2 * g for g in right]  # |2g - g| / (|2g| + |g|) = 1/3, by hand
    assert gradient_check(cost, [w, b], twice) == pytest.approx([1 / 3, 1 / 3], rel=1e-6)
    with pytest.raises(ValueError, match="expected 2 gradients"):
        gradient_check(cost, [w, b], right[:1])
