r"""Visible checks for lesson 02 (activation functions), and the ReLU puzzle's maths.

Each ``check_*`` function raises :class:`utils.feedback.ExerciseError` with a message
that names the mistake, and prints a green tick when everything passes.  The
instructor's hidden tests live only in the source notebook. Every message comes from the
message catalogue (:mod:`utils.i18n`, keys ``activations.check.*``), in the language in use.

The ReLU puzzle: on $0 \le x \le 3$ the target is the broken line through the
corners :data:`PUZZLE_CORNERS`.  Three ReLU units $a_k = \max(0, w_k x + b_k)$
are added up; unit 0 is fixed at $w_0 = -2,\ b_0 = 2$, and the student chooses
$w_1, b_1$ (the unit that switches on at the first bend) and $w_2, b_2$ (the
one that switches on at the second bend).
"""

from __future__ import annotations

import numbers
import re

import numpy as np

from utils.feedback import ExerciseError, call, check, check_close, passed
from utils.i18n import msg
from utils.nn import relu as _relu_reference
from utils.nn import relu_derivative as _relu_derivative_reference

# ----------------------------------------------------------------------------------------
# The ReLU puzzle
# ----------------------------------------------------------------------------------------

PUZZLE_CORNERS = ((0.0, 2.0), (1.0, 0.0), (2.0, 1.0), (3.0, 4.0))
"""The target's corners ``(x, y)``: it falls, then rises slowly, then rises fast."""

PUZZLE_UNIT0 = (-2.0, 2.0)
"""Unit 0's fixed ``(w0, b0)``: it is active for x < 1 and draws the first segment."""

PUZZLE_X = np.linspace(0.0, 3.0, 301)
"""The x values at which the sum is compared with the target (steps of 0.01)."""

TOLERANCE = 1e-6


def puzzle_target(x=PUZZLE_X):
    """The target: straight lines between :data:`PUZZLE_CORNERS`."""
    xs, ys = zip(*PUZZLE_CORNERS)
    return np.interp(np.asarray(x, dtype=float), xs, ys)


def puzzle_units(w1, b1, w2, b2, x=PUZZLE_X):
    """The three units' outputs, shape ``(3, len(x))``: unit 0 (fixed), unit 1, unit 2."""
    x = np.asarray(x, dtype=float)
    pairs = (PUZZLE_UNIT0, (w1, b1), (w2, b2))
    return np.stack([np.maximum(0.0, w * x + b) for w, b in pairs])


def _segment_slopes(y, x=PUZZLE_X):
    """The slope of ``y`` in the middle of each segment between the target's corners."""
    slopes = []
    for (x0, _), (x1, _) in zip(PUZZLE_CORNERS[:-1], PUZZLE_CORNERS[1:]):
        a, b = x0 + 0.3 * (x1 - x0), x0 + 0.7 * (x1 - x0)
        ya, yb = np.interp([a, b], x, y)
        slopes.append((yb - ya) / (b - a))
    return slopes


def _bends():
    """Where units 1 and 2 must switch on (the target's inner corners) and their slopes there.

    After x = 1 unit 0 is off, so unit 1 alone makes the slope of segment 2; after x = 2
    unit 2 adds what segment 3 needs on top of unit 1's slope.
    """
    slopes = _segment_slopes(puzzle_target())
    xs = [c[0] for c in PUZZLE_CORNERS[1:-1]]
    return xs, [slopes[1], slopes[2] - slopes[1]]


def _fmt(v) -> str:
    return f"{float(v) + 0.0:.3g}"  # + 0.0 turns -0.0 into 0.0


def _m(key, **params) -> str:
    """A check message in the language in use."""
    return msg(f"activations.check.{key}", **params)


def _unit_problem(k, w, b, bend, slope, sum_slopes):
    """What is wrong with unit k (1 or 2), or '' when it has the right shape and place."""
    seg = k + 1  # unit k's slope first shows in segment k+1 (1-based), right of bend x = bend
    lo, hi = PUZZLE_CORNERS[k][0], PUZZLE_CORNERS[k + 1][0]
    target_slope = _segment_slopes(puzzle_target())[k]
    if abs(w) < TOLERANCE:
        return _m("never_bends", k=k, constant=_fmt(max(0.0, b)), bend=bend)
    if w < 0:
        return _m("faces_left", k=k, w=_fmt(w), breakpoint=_fmt(-b / w), bend=bend)
    breakpoint = -b / w
    if abs(breakpoint - bend) > 1e-6:
        return _m("wrong_breakpoint", k=k, breakpoint=_fmt(breakpoint), bend=bend)
    if abs(w - slope) > 1e-6:
        return _m(
            "wrong_slope",
            k=k,
            bend=bend,
            segment=seg,
            lo=lo,
            hi=hi,
            got=_fmt(sum_slopes[k]),
            want=_fmt(target_slope),
        )
    return ""


def puzzle_report(w1, b1, w2, b2):
    """``(matched, largest gap, x of the largest gap, problem)`` for a set of puzzle weights.

    ``problem`` names the first unit whose breakpoint or slope is off ('' when none is).
    """
    units = puzzle_units(w1, b1, w2, b2)
    total = units.sum(axis=0)
    gaps = np.abs(total - puzzle_target())
    worst = int(np.argmax(gaps >= gaps.max() - 1e-9))  # first x where the gap is largest
    sum_slopes = _segment_slopes(total)
    bends, needed = _bends()
    problems = [
        _unit_problem(k, w, b, bends[k - 1], needed[k - 1], sum_slopes)
        for k, (w, b) in ((1, (w1, b1)), (2, (w2, b2)))
    ]
    matched = float(gaps.max()) < TOLERANCE
    problem = next((p for p in problems if p), "")
    if matched and problem:  # the sum is right but units 1 and 2 do each other's job
        problem = _m("swapped", first=bends[0], second=bends[1])
    return matched, float(gaps.max()), float(PUZZLE_X[worst]), problem


def _as_weight(value, name):
    if value is None:
        raise ExerciseError(_m("puzzle_not_written"))
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        if isinstance(value, np.ndarray) and value.size == 1:
            value = value.item()
        else:
            raise ExerciseError(
                _m("not_one_number", name=name, kind=type(value).__name__, value=repr(value))
            )
    value = float(value)
    check(np.isfinite(value), _m("not_finite_number", name=name, value=value))
    return value


def check_relu_puzzle(w1, b1, w2, b2):
    """Check the ReLU puzzle answer; name the unit, breakpoint or segment that is off."""
    w1, b1, w2, b2 = (_as_weight(v, n) for v, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2")))
    matched, gap, where, problem = puzzle_report(w1, b1, w2, b2)
    if problem:
        off = "" if matched else _m("off_by_then", gap=gap, where=where)
        message = off + problem
        raise ExerciseError(message[0].upper() + message[1:])
    check(matched, _m("off_by", gap=gap, where=where))
    passed(_m("passed_puzzle"))


# ----------------------------------------------------------------------------------------
# relu and relu_derivative
# ----------------------------------------------------------------------------------------

_ORDINARY = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
_EXTREME = np.array([-1e300, -1e-300, 1e-300, 1e300])
_BATCH = np.array([[-2.0, 1.5, 0.0], [4.0, -0.25, -7.0]])


def _detail(text: str) -> str:
    """The error's own words from a crash message of :func:`utils.feedback.call` (in English
    "calling f(z) raised TypeError: <detail>", in Chinese with a full-width colon)."""
    return re.split(r": |：", text, maxsplit=1)[-1]


def _call_elementwise(fn, z, name):
    """Call the student's function on a copy of ``z``; name crashes and in-place changes."""
    given = z.copy()
    try:
        result = call(fn, given, what=f"{name}(z)")
    except ExerciseError as err:
        text = str(err)
        if "truth value of an array" in text:
            raise ExerciseError(_m("builtin_max", name=name)) from None
        if "axis" in text or "integer scalar arrays" in text:
            raise ExerciseError(_m("np_max_axis", name=name, detail=_detail(text))) from None
        raise
    check(np.array_equal(given, z), _m("in_place", name=name))
    check(
        not isinstance(result, (list, tuple)),
        _m("returned_sequence", name=name, kind=type(result).__name__),
    )
    arr = np.asarray(result)
    advice = _m("bool_relu") if name == "relu" else _m("bool_other")
    check(arr.dtype != bool, _m("returned_bool", name=name, advice=advice))
    check(
        arr.dtype != object and np.issubdtype(arr.dtype, np.number),
        _m("not_numbers", name=name, dtype=arr.dtype),
    )
    shape = "wrong_shape_np_max" if arr.size == 1 and z.size > 1 else "wrong_shape"
    check(arr.shape == z.shape, _m(shape, name=name, want=z.shape, got=arr.shape))
    return arr.astype(float)


def check_relu(relu):
    """Check a student's ``relu(z)`` against :func:`utils.nn.relu` on ordinary and extreme z."""
    got = _call_elementwise(relu, _ORDINARY, "relu")
    want = _relu_reference(_ORDINARY)
    for z, g, w in zip(_ORDINARY, got, want):
        if z < 0 and g != 0:
            key = "relu_negative_abs" if g == -z else "relu_negative"
            raise ExerciseError(_m(key, z=z, got=g))
        if z > 0 and g != w:
            raise ExerciseError(_m("relu_positive", z=z, want=w, got=g))
    check_close(got, want, _m("on_ordinary", name="relu"))
    check_close(
        _call_elementwise(relu, _BATCH, "relu"),
        _relu_reference(_BATCH),
        _m("relu_on_batch"),
    )
    extreme = _call_elementwise(relu, _EXTREME, "relu")
    check_close(
        extreme,
        _relu_reference(_EXTREME),
        _m("on_extreme", name="relu"),
        rtol=1e-12,
        atol=0,
        hint=_m("extreme_hint"),
    )
    passed(_m("passed_relu"))


def check_relu_derivative(relu_derivative):
    """Check a student's ``relu_derivative(z)`` (1 for z > 0, 0 otherwise, as TensorFlow)."""
    got = _call_elementwise(relu_derivative, _ORDINARY, "relu_derivative")
    want = _relu_derivative_reference(_ORDINARY)
    if np.allclose(got, _relu_reference(_ORDINARY)):
        raise ExerciseError(_m("returns_relu"))
    negative = _ORDINARY < 0
    if not np.all(got[negative] == 0):
        bad = int(np.argmax(negative & (got != 0)))
        raise ExerciseError(_m("derivative_negative", z=_ORDINARY[bad], got=got[bad]))
    positive = _ORDINARY > 0
    if not np.all(got[positive] == 1):
        bad = int(np.argmax(positive & (got != 1)))
        raise ExerciseError(_m("derivative_positive", z=_ORDINARY[bad], got=got[bad]))
    check(got[_ORDINARY == 0][0] == 0, _m("derivative_kink", got=got[_ORDINARY == 0][0]))
    check_close(got, want, _m("on_ordinary", name="relu_derivative"))
    check_close(
        _call_elementwise(relu_derivative, _BATCH, "relu_derivative"),
        _relu_derivative_reference(_BATCH),
        _m("derivative_on_batch"),
    )
    check_close(
        _call_elementwise(relu_derivative, _EXTREME, "relu_derivative"),
        _relu_derivative_reference(_EXTREME),
        _m("on_extreme", name="relu_derivative"),
        rtol=0,
        atol=0,
    )
    passed(_m("passed_derivative"))


# ----------------------------------------------------------------------------------------
# collapse: a stack of linear layers is one linear layer
# ----------------------------------------------------------------------------------------


def _collapse_candidates(layers):
    """Correct and typical wrong collapses of ``layers``, by name (for naming mistakes)."""
    Ws = [W for W, _ in layers]
    bs = [b for _, b in layers]
    W, b = Ws[0], bs[0]
    for W_next, b_next in layers[1:]:
        W, b = W @ W_next, b @ W_next + b_next
    out = {"right": (W, b)}
    if all(Wi.shape[0] == Wi.shape[1] for Wi in Ws):
        reverse = Ws[-1]
        for Wi in reversed(Ws[:-1]):
            reverse = reverse @ Wi
        out["reversed"] = (reverse, None)
    if all(bi.shape == bs[-1].shape for bi in bs):
        out["biases added"] = (None, sum(bs))
        if len(layers) > 2:
            out["later biases not carried"] = (None, bs[0] @ _product(Ws[1:]) + sum(bs[1:]))
    out["last bias only"] = (None, bs[-1])
    out["first bias only"] = (None, bs[0] @ _product(Ws[1:]) if len(Ws) > 1 else bs[0])
    out["biases dropped"] = (None, np.zeros_like(bs[-1]))
    # each bias multiplied only by the next layer's W, not by all later ones
    if len(layers) > 2:
        carried = sum(bi @ Wn for bi, Wn in zip(bs[:-1], Ws[1:]))
        out["bias carried one layer"] = (None, carried + bs[-1])
    return out


def _product(Ws):
    out = Ws[0]
    for W in Ws[1:]:
        out = out @ W
    return out


def _random_layers(rng, sizes):
    return [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes[:-1], sizes[1:])]


def _as_pair(result):
    ok = isinstance(result, (tuple, list)) and len(result) == 2
    kind = type(result).__name__
    got = (
        _m("a_kind_of_length", kind=kind, n=len(result))
        if isinstance(result, (tuple, list))
        else _m("a_kind", kind=kind)
    )
    check(ok, _m("not_pair", got=got))
    W, b = result
    try:
        return np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        raise ExerciseError(_m("pair_not_numbers")) from None


def _call_collapse(collapse, layers):
    copies = [(W.copy(), b.copy()) for W, b in layers]
    try:
        result = call(collapse, copies, what="collapse(layers)")
    except ExerciseError as err:
        if "matmul" in str(err) or "shapes" in str(err) or "mismatch" in str(err):
            shapes = ", ".join(f"W{i + 1} {W.shape}" for i, (W, _) in enumerate(layers))
            raise ExerciseError(
                _m("crashed_order", detail=_detail(str(err)), shapes=shapes)
            ) from None
        raise
    for i, ((W, b), (W0, b0)) in enumerate(zip(copies, layers)):
        check(
            np.array_equal(W, W0) and np.array_equal(b, b0),
            _m("layers_in_place", layer=i + 1),
        )
    return result


_BIAS_MISTAKES = (
    "biases added",
    "last bias only",
    "first bias only",
    "biases dropped",
    "later biases not carried",
    "bias carried one layer",
)
"""The wrong biases of :func:`_collapse_candidates` that have a message, in the order tried."""


def _diagnose_collapse(W, b, layers, what):
    want_W, want_b = _collapse_candidates(layers)["right"]
    check(W.shape == want_W.shape, _m("w_shape", what=what, want=want_W.shape, got=W.shape))
    check(b.shape == want_b.shape, _m("b_shape", what=what, want=want_b.shape, got=b.shape))
    candidates = _collapse_candidates(layers)
    if not np.allclose(W, want_W, rtol=1e-6, atol=1e-8):
        rev = candidates.get("reversed", (None, None))[0]
        if rev is not None and np.allclose(W, rev):
            raise ExerciseError(_m("reversed", what=what))
        check_close(W, want_W, _m("part", what=what, part="W"), hint=_m("w_hint"))
    if not np.allclose(b, want_b, rtol=1e-6, atol=1e-8):
        for name in _BIAS_MISTAKES:  # the catalogue key of each mistake is its name, with _
            cand = candidates.get(name, (None, None))[1]
            if cand is not None and cand.shape == b.shape and np.allclose(b, cand):
                hint = _m(name.replace(" ", "_"))
                raise ExerciseError(_m("bias_problem", what=what, hint=hint))
        check_close(b, want_b, _m("part", what=what, part="b"), hint=_m("b_hint"))


def check_collapse(collapse):
    """Check ``collapse(layers) -> (W, b)`` on random linear layers, naming the usual mistakes."""
    rng = np.random.default_rng(2)
    cases = [
        ("case_square", _random_layers(rng, [3, 3, 3, 3])),
        ("case_chain", _random_layers(rng, [4, 5, 2, 1])),
        ("case_two", _random_layers(rng, [2, 3, 2])),
    ]
    for case, layers in cases:
        W, b = _as_pair(_call_collapse(collapse, layers))
        _diagnose_collapse(W, b, layers, _m("collapse_on", case=_m(case)))
    # the meaning: one linear layer predicts what the network predicts
    layers = cases[1][1]
    X = rng.normal(size=(6, 4))
    out = X
    for Wl, bl in layers:
        out = out @ Wl + bl
    W, b = _as_pair(_call_collapse(collapse, layers))
    check_close(X @ W + b, out, _m("against_network"))
    passed(_m("passed_collapse"))
