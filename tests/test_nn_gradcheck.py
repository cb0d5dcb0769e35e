"""utils.nn.gradcheck: relative errors, finite differences and gradient checks, against
computations done by hand."""

import numpy as np
import pytest

from utils.nn import finite_difference, gradient_check, numerical_gradients, relative_error
from utils.nn.gradcheck import DIFFERENCES

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


@pytest.mark.parametrize("relative_to", ["both", "b"])
@pytest.mark.parametrize(
    "a, b",
    [
        ([1.0, np.nan], [1.0, 2.0]),  # a nan in the answer
        ([1.0, 2.0], [np.nan, 2.0]),  # ... or in the reference
        ([np.nan], [np.nan]),  # nan is not equal to itself: never "no error"
        ([np.inf], [np.inf]),  # inf - inf is nan
        (-np.inf, 3.0),
    ],
)
def test_a_nan_or_inf_anywhere_is_inf_never_nan(a, b, relative_to):
    """The one NaN rule for every caller (the gradient-check table, the from_logits lab):
    inf, not nan, so that a broken answer fails every tolerance and cannot hide."""
    err = relative_error(a, b, relative_to=relative_to)
    assert err == np.inf and not err < 1e-7
    # nan would be lost in a max() (nan > x is False) and sorted anywhere; inf is not
    assert max([1e-12, err, 1e-9]) == np.inf and sorted([err, 0.5, 0.0])[-1] == np.inf


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


def test_finite_difference_with_an_array_of_eps_keeps_the_dtype():
    """One estimate per eps, computed in the inputs' precision (the epsilon widget's curves)."""
    eps = np.array([0.5, 0.1, 1e-3])
    square = lambda w: w**2  # noqa: E731
    forward = finite_difference(square, 3.0, eps=eps, kind="forward")  # 6 + eps, by hand
    assert isinstance(forward, np.ndarray) and forward.dtype == np.float64
    np.testing.assert_allclose(forward, 6.0 + eps, rtol=1e-12)
    np.testing.assert_allclose(finite_difference(square, 3.0, eps=eps), 6.0, rtol=1e-12)
    np.testing.assert_allclose(
        finite_difference(square, 3.0, eps=eps, kind="backward"), 6.0 - eps, rtol=1e-12
    )
    # in float32 the arithmetic stays float32: a tiny eps drowns in its round-off
    e32 = np.array([1e-2, 1e-6], dtype=np.float32)
    got = finite_difference(square, np.float32(3.0), eps=e32, kind="forward")
    assert got.dtype == np.float32
    w, e = np.float32(3.0), e32[1]
    assert got[1] == ((w + e) * (w + e) - w * w) / e  # the float32 computation, to the bit
    assert abs(float(got[1]) - 6.0) > 1e-3  # ... which is far from 6
    assert abs(float(got[0]) - 6.01) < 1e-3


def test_finite_difference_refuses_bad_options():
    with pytest.raises(ValueError, match="kind"):
        finite_difference(np.sin, 0.0, kind="sideways")
    for bad in (0.0, -1e-3, np.nan, np.inf, np.array([1e-3, 0.0]), np.array([]), "1e-3", True):
        with pytest.raises(ValueError, match="eps must be positive"):
            finite_difference(np.sin, 0.0, eps=bad)


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


def counted(cost):
    """``cost`` that counts its calls, in ``.calls``."""

    def wrapper(params):
        wrapper.calls += 1
        return cost(params)

    wrapper.calls = 0
    return wrapper


def test_one_sided_numerical_gradients_by_hand_and_their_cost():
    """J = sum(w²) at w = (1, -2, 0.5), eps = 0.01: the forward difference of w² is 2w + eps,
    the backward one 2w - eps, the centred one exactly 2w."""
    w = np.array([1.0, -2.0, 0.5])
    eps = 0.01
    want = {"centred": 2 * w, "forward": 2 * w + eps, "backward": 2 * w - eps}
    calls = {"centred": 2 * w.size, "forward": w.size + 1, "backward": w.size + 1}
    for kind in DIFFERENCES:
        cost = counted(lambda p: float(np.sum(p[0] ** 2)))
        (g,) = numerical_gradients(cost, [w], eps=eps, kind=kind)
        np.testing.assert_allclose(g, want[kind], rtol=1e-9, err_msg=kind)
        assert cost.calls == calls[kind], kind
    with pytest.raises(ValueError, match="kind"):
        numerical_gradients(lambda p: 0.0, [w], kind="sideways")
    with pytest.raises(ValueError, match="one number"):
        numerical_gradients(lambda p: 0.0, [w], eps=np.array([1e-3, 1e-4]))


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
