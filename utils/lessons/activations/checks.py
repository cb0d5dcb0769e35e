r"""Visible checks for lesson 02 (activation functions), and the ReLU puzzle's maths.

Each ``check_*`` function raises :class:`utils.feedback.ExerciseError` with a message
that names the mistake, and prints a green tick when everything passes.  The
instructor's hidden tests live only in the source notebook.

The ReLU puzzle: on $0 \le x \le 3$ the target is the broken line through the
corners :data:`PUZZLE_CORNERS`.  Three ReLU units $a_k = \max(0, w_k x + b_k)$
are added up; unit 0 is fixed at $w_0 = -2,\ b_0 = 2$, and the student chooses
$w_1, b_1$ (the unit that switches on at the first bend) and $w_2, b_2$ (the
one that switches on at the second bend).
"""

from __future__ import annotations

import numbers

import numpy as np

from utils.feedback import ExerciseError, call, check, check_close, passed
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


def _unit_problem(k, w, b, bend, slope, sum_slopes):
    """What is wrong with unit k (1 or 2), or '' when it has the right shape and place."""
    seg = k + 1  # unit k's slope first shows in segment k+1 (1-based), right of bend x = bend
    lo, hi = PUZZLE_CORNERS[k][0], PUZZLE_CORNERS[k + 1][0]
    target_slope = _segment_slopes(puzzle_target())[k]
    if abs(w) < TOLERANCE:
        return (
            f"unit {k} never bends: with w{k} = 0 it adds the constant max(0, b{k}) = "
            f"{_fmt(max(0.0, b))} everywhere. It should switch on at the bend x = {bend:g}."
        )
    if w < 0:
        return (
            f"unit {k} has w{k} = {_fmt(w)} < 0, so it is active to the LEFT of its breakpoint "
            f"x = -b{k}/w{k} = {_fmt(-b / w)}; the target needs it to switch on to the RIGHT "
            f"of x = {bend:g}. Make w{k} positive."
        )
    breakpoint = -b / w
    if abs(breakpoint - bend) > 1e-6:
        return (
            f"unit {k} switches on at x = -b{k}/w{k} = {_fmt(breakpoint)}, but the target "
            f"bends at x = {bend:g}: choose b{k} so that w{k}·{bend:g} + b{k} = 0."
        )
    if abs(w - slope) > 1e-6:
        return (
            f"unit {k} switches on at the right place (x = {bend:g}), but segment {seg} "
            f"({lo:g} < x < {hi:g}) of your sum has slope {_fmt(sum_slopes[k])} where the "
            f"target has slope {_fmt(target_slope)}: unit {k} adds w{k} to the slope from "
            f"x = {bend:g} on."
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
        problem = (
            f"your sum matches the target, but units 1 and 2 have swapped roles: "
            f"unit 1 should switch on at the first bend (x = {bends[0]:g}) and unit 2 at "
            f"the second (x = {bends[1]:g})."
        )
    return matched, float(gaps.max()), float(PUZZLE_X[worst]), problem


def _as_weight(value, name):
    if value is None:
        raise ExerciseError(
            "The ReLU puzzle answer is not written yet: set w1, b1, w2 and b2 in "
            "the cell above (replace `raise NotImplementedError()` with your "
            "values)."
        )
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        if isinstance(value, np.ndarray) and value.size == 1:
            value = value.item()
        else:
            raise ExerciseError(
                f"{name} should be a single number, got {type(value).__name__} {value!r}."
            )
    value = float(value)
    check(np.isfinite(value), f"{name} should be a finite number, got {value}.")
    return value


def check_relu_puzzle(w1, b1, w2, b2):
    """Check the ReLU puzzle answer; name the unit, breakpoint or segment that is off."""
    w1, b1, w2, b2 = (_as_weight(v, n) for v, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2")))
    matched, gap, where, problem = puzzle_report(w1, b1, w2, b2)
    if problem:
        off = "" if matched else f"Your sum is off by up to {gap:.3g} (at x = {where:.2f}): "
        message = off + problem
        raise ExerciseError(message[0].upper() + message[1:])
    check(matched, f"Your sum is off by up to {gap:.3g} (at x = {where:.2f}).")
    passed("The three ReLU units add up to the target exactly.")


# ----------------------------------------------------------------------------------------
# relu and relu_derivative
# ----------------------------------------------------------------------------------------

_ORDINARY = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
_EXTREME = np.array([-1e300, -1e-300, 1e-300, 1e300])
_BATCH = np.array([[-2.0, 1.5, 0.0], [4.0, -0.25, -7.0]])


def _call_elementwise(fn, z, name):
    """Call the student's function on a copy of ``z``; name crashes and in-place changes."""
    given = z.copy()
    try:
        result = call(fn, given, what=f"{name}(z)")
    except ExerciseError as err:
        text = str(err)
        if "truth value of an array" in text:
            raise ExerciseError(
                f"{name}(z) crashed on an array: Python's built-in max(0, z) (or an `if z > 0:`) "
                "needs ONE number, but z holds many. Use numpy's element-wise np.maximum(0, z) "
                "or np.where(z > 0, ...)."
            ) from None
        if "axis" in text or "integer scalar arrays" in text:
            raise ExerciseError(
                f"{name}(z) crashed: {text.split(': ', 1)[-1]}. np.max(0, z) does not compare two "
                "values; its second argument is an axis. Use np.maximum(0, z)."
            ) from None
        raise
    check(
        np.array_equal(given, z),
        f"{name}(z) changed its input z in place (e.g. `z[z < 0] = 0`): the caller's array "
        "was overwritten. Build a new array instead (np.maximum(0, z), or work on z.copy()).",
    )
    check(
        not isinstance(result, (list, tuple)),
        f"{name}(z) returned a {type(result).__name__}; return a numpy array of the same shape "
        "as z (vectorise with numpy instead of looping into a list).",
    )
    arr = np.asarray(result)
    check(
        arr.dtype != bool,
        f"{name}(z) returned True/False values (dtype bool), e.g. from `z > 0`; "
        + (
            "relu must return the numbers max(0, z), such as 3.0 for z = 3."
            if name == "relu"
            else "return numbers: convert with .astype(float)."
        ),
    )
    check(
        arr.dtype != object and np.issubdtype(arr.dtype, np.number),
        f"{name}(z) should return numbers; got an array of dtype {arr.dtype}.",
    )
    check(
        arr.shape == z.shape,
        f"{name}(z) should return an array of z's shape {z.shape}, got shape {arr.shape}"
        + (
            ": np.max(...) gives ONE number, the largest element; use np.maximum(0, z), which "
            "works element by element."
            if arr.size == 1 and z.size > 1
            else "."
        ),
    )
    return arr.astype(float)


def check_relu(relu):
    """Check a student's ``relu(z)`` against :func:`utils.nn.relu` on ordinary and extreme z."""
    got = _call_elementwise(relu, _ORDINARY, "relu")
    want = _relu_reference(_ORDINARY)
    for z, g, w in zip(_ORDINARY, got, want):
        if z < 0 and g != 0:
            raise ExerciseError(
                f"relu({z:g}) should be 0 (ReLU is flat at 0 for negative z), got "
                f"{g:g}" + (": did you take the absolute value?" if g == -z else ".")
            )
        if z > 0 and g != w:
            raise ExerciseError(
                f"relu({z:g}) should be {w:g} (ReLU passes positive z through "
                f"unchanged), got {g:g}."
            )
    check_close(got, want, "relu(z) for z = [-3, -0.5, 0, 0.5, 3]")
    check_close(
        _call_elementwise(relu, _BATCH, "relu"),
        _relu_reference(_BATCH),
        "relu(z) on a 2-D batch of z (one row per example)",
    )
    extreme = _call_elementwise(relu, _EXTREME, "relu")
    check_close(
        extreme,
        _relu_reference(_EXTREME),
        "relu(z) for z = [-1e300, -1e-300, 1e-300, 1e300]",
        rtol=1e-12,
        atol=0,
        hint="Keep it to a comparison with 0: no exp, no rounding, no added constants.",
    )
    passed("relu(z) matches utils.nn.relu on ordinary, batched and extreme inputs.")


def check_relu_derivative(relu_derivative):
    """Check a student's ``relu_derivative(z)`` (1 for z > 0, 0 otherwise, as TensorFlow)."""
    got = _call_elementwise(relu_derivative, _ORDINARY, "relu_derivative")
    want = _relu_derivative_reference(_ORDINARY)
    if np.allclose(got, _relu_reference(_ORDINARY)):
        raise ExerciseError(
            "relu_derivative(z) returns relu(z) itself, not its slope: at z = 3 "
            "ReLU's slope is 1, not 3."
        )
    negative = _ORDINARY < 0
    if not np.all(got[negative] == 0):
        bad = int(np.argmax(negative & (got != 0)))
        raise ExerciseError(
            f"relu_derivative({_ORDINARY[bad]:g}) should be 0: for negative z "
            f"ReLU is flat (constant 0), so its slope is 0; got {got[bad]:g}."
        )
    positive = _ORDINARY > 0
    if not np.all(got[positive] == 1):
        bad = int(np.argmax(positive & (got != 1)))
        raise ExerciseError(
            f"relu_derivative({_ORDINARY[bad]:g}) should be 1: for positive z "
            f"ReLU is the line g(z) = z, whose slope is 1; got {got[bad]:g}."
        )
    check(
        got[_ORDINARY == 0][0] == 0,
        f"relu_derivative(0) should be 0, got {got[_ORDINARY == 0][0]:g}: at the kink z = 0 the "
        "slope is not defined, and TensorFlow (like this course) uses 0 there. Use z > 0, "
        "not z >= 0.",
    )
    check_close(got, want, "relu_derivative(z) for z = [-3, -0.5, 0, 0.5, 3]")
    check_close(
        _call_elementwise(relu_derivative, _BATCH, "relu_derivative"),
        _relu_derivative_reference(_BATCH),
        "relu_derivative(z) on a 2-D batch of z",
    )
    check_close(
        _call_elementwise(relu_derivative, _EXTREME, "relu_derivative"),
        _relu_derivative_reference(_EXTREME),
        "relu_derivative(z) for z = [-1e300, -1e-300, 1e-300, 1e300]",
        rtol=0,
        atol=0,
    )
    passed("relu_derivative(z) matches utils.nn.relu_derivative, kink included.")


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
    check(
        ok,
        "collapse(layers) should return a pair (W, b), e.g. `return W, b`; got "
        + (
            f"a {type(result).__name__} of length {len(result)}"
            if isinstance(result, (tuple, list))
            else f"a {type(result).__name__}"
        )
        + ".",
    )
    W, b = result
    try:
        return np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        raise ExerciseError(
            "collapse(layers) should return numbers: W a 2-D array, b a 1-D array."
        ) from None


def _call_collapse(collapse, layers):
    copies = [(W.copy(), b.copy()) for W, b in layers]
    try:
        result = call(collapse, copies, what="collapse(layers)")
    except ExerciseError as err:
        if "matmul" in str(err) or "shapes" in str(err) or "mismatch" in str(err):
            shapes = ", ".join(f"W{i + 1} {W.shape}" for i, (W, _) in enumerate(layers))
            raise ExerciseError(
                "collapse(layers) crashed multiplying the weights "
                f"({str(err).split(': ', 1)[-1]}). "
                f"With one example per row the network computes ((x W1 + b1) W2 + b2) ..., so the "
                f"product runs in layer order, W1 @ W2 @ W3 ...; the shapes ({shapes}) only fit "
                "in that order."
            ) from None
        raise
    for i, ((W, b), (W0, b0)) in enumerate(zip(copies, layers)):
        check(
            np.array_equal(W, W0) and np.array_equal(b, b0),
            f"collapse(layers) changed layer {i + 1}'s arrays in place (e.g. `b += ...` or "
            "`W @= ...` on an array from the list): the network's own weights were overwritten. "
            "Write `b = b @ W_next + b_next` (a new array) instead.",
        )
    return result


def _diagnose_collapse(W, b, layers, what):
    want_W, want_b = _collapse_candidates(layers)["right"]
    check(
        W.shape == want_W.shape,
        f"{what}: W should have shape {want_W.shape} (inputs of the first layer x units of the "
        f"last), got {W.shape}.",
    )
    check(
        b.shape == want_b.shape,
        f"{what}: b should have shape {want_b.shape} (one bias per output unit), got {b.shape}.",
    )
    candidates = _collapse_candidates(layers)
    if not np.allclose(W, want_W, rtol=1e-6, atol=1e-8):
        rev = candidates.get("reversed", (None, None))[0]
        if rev is not None and np.allclose(W, rev):
            raise ExerciseError(
                f"{what}: W is the product in reverse order (... W3 @ W2 @ W1). With one example "
                "per row the network computes x W1 first, then multiplies by W2, and so on: "
                "W = W1 @ W2 @ W3 ..."
            )
        check_close(
            W,
            want_W,
            f"{what}: W",
            hint="W is the product of all the layers' weight matrices, W1 @ W2 @ ...",
        )
    if not np.allclose(b, want_b, rtol=1e-6, atol=1e-8):
        hints = {
            "biases added": "b is the plain sum b1 + b2 + ...: but every bias also passes through "
            "all LATER layers' weights. Carry it along: b = b @ W_next + b_next.",
            "last bias only": "b is just the last layer's bias: the earlier biases are lost. Each "
            "bias passes through all later layers: b = b @ W_next + b_next.",
            "first bias only": "b carries only the first layer's bias: add each later layer's own "
            "bias too (b = b @ W_next + b_next).",
            "biases dropped": "b is all zeros: the biases of the layers were dropped.",
            "later biases not carried": "the first bias goes through all later layers, but the "
            "biases of the middle layers must pass through the "
            "layers after THEM too: b = b @ W_next + b_next.",
            "bias carried one layer": "each bias is multiplied by the NEXT layer's weights only, "
            "but it passes through ALL later layers: carry the running "
            "b along, b = b @ W_next + b_next.",
        }
        for name, hint in hints.items():
            cand = candidates.get(name, (None, None))[1]
            if cand is not None and cand.shape == b.shape and np.allclose(b, cand):
                raise ExerciseError(f"{what}: {hint}")
        check_close(
            b,
            want_b,
            f"{what}: b",
            hint="Check: x @ W + b must equal the network's output for any x.",
        )


def check_collapse(collapse):
    """Check ``collapse(layers) -> (W, b)`` on random linear layers, naming the usual mistakes."""
    rng = np.random.default_rng(2)
    cases = [
        ("3 square layers of size 3", _random_layers(rng, [3, 3, 3, 3])),
        ("layers 4 -> 5 -> 2 -> 1", _random_layers(rng, [4, 5, 2, 1])),
        ("2 layers 2 -> 3 -> 2", _random_layers(rng, [2, 3, 2])),
    ]
    for what, layers in cases:
        W, b = _as_pair(_call_collapse(collapse, layers))
        _diagnose_collapse(W, b, layers, f"collapse on {what}")
    # the meaning: one linear layer predicts what the network predicts
    layers = cases[1][1]
    X = rng.normal(size=(6, 4))
    out = X
    for Wl, bl in layers:
        out = out @ Wl + bl
    W, b = _as_pair(_call_collapse(collapse, layers))
    check_close(X @ W + b, out, "x @ W + b compared with the 3-layer linear network's output")
    passed("collapse(layers) turns a stack of linear layers into one equivalent layer.")
