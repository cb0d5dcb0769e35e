r"""Gradient checking: finite differences and the relative error between two answers.

* :func:`relative_error` -- $\|a - b\| / (\|a\| + \|b\|)$, 0 when equal and about 1 when
  unrelated (the gradient-check convention); with ``relative_to="b"``, $\|a - b\| / \|b\|$,
  the error of ``a`` against an exact reference ``b``.
* :func:`finite_difference` -- the slope of a function of one number by nudging it:
  centred $(f(w+\varepsilon) - f(w-\varepsilon)) / 2\varepsilon$, or one-sided.
* :func:`numerical_gradients` -- finite differences (centred, or one-sided) for every entry
  of a list of arrays.
* :func:`gradient_check` -- the relative error of each gradient against its finite
  differences.
"""

from __future__ import annotations

import numpy as np

DIFFERENCES = ("centred", "forward", "backward")


def relative_error(a, b, *, relative_to: str = "both") -> float:
    r"""How far apart ``a`` and ``b`` are, relative to their size (Euclidean norms).

    ``relative_to="both"``: $\|a - b\| / (\|a\| + \|b\|)$, symmetric, in $[0, 1]$.
    ``relative_to="b"``: $\|a - b\| / \|b\|$ (or $\|a\|$ when $b = 0$).
    Zero when both are zero; ``inf`` (never nan) when ``a`` or ``b`` holds nan or inf: such
    an answer is as wrong as an answer can be, and unlike nan, inf fails every ``error <
    tolerance`` test, wins every ``max`` and sorts last, so it cannot hide among good results.

    >>> relative_error([1.0, 2.0], [1.0, 2.0])
    0.0
    >>> relative_error(1.1, 1.0, relative_to="b")
    0.10000000000000009
    """
    if relative_to not in ("both", "b"):
        raise ValueError(f"relative_to must be 'both' or 'b', got {relative_to!r}")
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare shapes {a.shape} and {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    diff = float(np.linalg.norm(a - b))
    if diff == 0.0:
        return 0.0
    scale = (
        float(np.linalg.norm(b))
        if relative_to == "b"
        else float(np.linalg.norm(a) + np.linalg.norm(b))
    )
    return diff / scale if scale > 0 else diff


def _check_options(eps, kind) -> None:
    if kind not in DIFFERENCES:
        raise ValueError(f"kind must be one of {DIFFERENCES}, got {kind!r}")
    e = np.asarray(eps)
    if e.size == 0 or e.dtype.kind not in "iuf" or not np.all(np.isfinite(e) & (e > 0)):
        raise ValueError(f"eps must be positive, got {eps!r}")


def finite_difference(f, w, *, eps=1e-6, kind: str = "centred"):
    r"""The slope of ``f`` at the number ``w``, by nudging ``w`` by ``eps``.

    ``kind``: ``"centred"`` $(f(w+\varepsilon) - f(w-\varepsilon)) / 2\varepsilon$,
    ``"forward"`` $(f(w+\varepsilon) - f(w)) / \varepsilon$,
    ``"backward"`` $(f(w) - f(w-\varepsilon)) / \varepsilon$.

    A number ``eps`` gives a float.  An array ``eps`` gives one estimate per value, an array
    computed in the dtype of ``w`` and ``eps`` (so float32 inputs show float32 round-off);
    ``f`` must then work element-wise.

    >>> round(finite_difference(lambda w: w ** 2, 3.0, eps=1e-3, kind="forward"), 9)
    6.001
    >>> finite_difference(lambda w: w ** 2, 3.0, eps=np.array([0.5, 0.1]), kind="forward")
    array([6.5, 6.1])
    """
    _check_options(eps, kind)
    if kind == "centred":
        slope = (f(w + eps) - f(w - eps)) / (2 * eps)
    elif kind == "forward":
        slope = (f(w + eps) - f(w)) / eps
    else:
        slope = (f(w) - f(w - eps)) / eps
    return float(slope) if np.ndim(slope) == 0 else np.asarray(slope)


def numerical_gradients(cost, params, *, eps: float = 1e-6, kind: str = "centred"):
    r"""Finite-difference gradients of ``cost(params)`` for a list of arrays.

    Every entry of every array is nudged in turn, in float64 copies of the arrays; the
    caller's arrays are never changed.  ``kind="centred"`` (the default) nudges each entry
    both ways, two cost evaluations per entry; ``"forward"`` (or ``"backward"``) nudges it
    one way and reuses ``cost`` at the unchanged parameters: one evaluation per entry, plus
    one.  Returns a list of float64 arrays shaped like ``params``.

    >>> numerical_gradients(lambda p: float((p[0] ** 2).sum()), [np.array([1.0, -2.0])])[0]
    array([ 2., -4.])
    """
    _check_options(eps, kind)
    if np.ndim(eps) != 0:
        raise ValueError(f"eps must be one number, got an array of shape {np.shape(eps)}")
    params = [np.array(p, dtype=np.float64) for p in params]
    here = None if kind == "centred" else float(cost(params))
    step = 2 * eps if kind == "centred" else eps
    grads = []
    for p in params:
        g = np.zeros_like(p)
        flat, g_flat = p.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            keep = flat[i]
            if kind == "backward":
                up = here
            else:
                flat[i] = keep + eps
                up = float(cost(params))
            if kind == "forward":
                down = here
            else:
                flat[i] = keep - eps
                down = float(cost(params))
            flat[i] = keep
            g_flat[i] = (up - down) / step
        grads.append(g)
    return grads


def gradient_check(cost, params, grads, *, eps: float = 1e-6) -> list[float]:
    """The relative error of each of ``grads`` against the finite differences of ``cost``.

    Below about 1e-7 (in float64) a gradient is right; above about 1e-3 it is wrong.
    """
    numerical = numerical_gradients(cost, params, eps=eps)
    if len(grads) != len(numerical):
        raise ValueError(
            f"expected {len(numerical)} gradients, one per parameter array, got {len(grads)}"
        )
    return [relative_error(g, n) for g, n in zip(grads, numerical)]
