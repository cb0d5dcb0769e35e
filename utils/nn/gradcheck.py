r"""Gradient checking: finite differences and the relative error between two answers.

* :func:`relative_error` -- $\|a - b\| / (\|a\| + \|b\|)$, 0 when equal and about 1 when
  unrelated (the gradient-check convention); with ``relative_to="b"``, $\|a - b\| / \|b\|$,
  the error of ``a`` against an exact reference ``b``.
* :func:`finite_difference` -- the slope of a function of one number by nudging it:
  centred $(f(w+\varepsilon) - f(w-\varepsilon)) / 2\varepsilon$, or one-sided.
* :func:`numerical_gradients` -- centred differences for every entry of a list of arrays.
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
    Zero when both are zero; ``inf`` when ``a`` or ``b`` holds nan or inf.

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


def finite_difference(f, w, *, eps: float = 1e-6, kind: str = "centred") -> float:
    r"""The slope of ``f`` at the number ``w``, by nudging ``w`` by ``eps``.

    ``kind``: ``"centred"`` $(f(w+\varepsilon) - f(w-\varepsilon)) / 2\varepsilon$,
    ``"forward"`` $(f(w+\varepsilon) - f(w)) / \varepsilon$,
    ``"backward"`` $(f(w) - f(w-\varepsilon)) / \varepsilon$.

    >>> round(finite_difference(lambda w: w ** 2, 3.0, eps=1e-3, kind="forward"), 9)
    6.001
    """
    if kind not in DIFFERENCES:
        raise ValueError(f"kind must be one of {DIFFERENCES}, got {kind!r}")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    if kind == "centred":
        return float((f(w + eps) - f(w - eps)) / (2 * eps))
    if kind == "forward":
        return float((f(w + eps) - f(w)) / eps)
    return float((f(w) - f(w - eps)) / eps)


def numerical_gradients(cost, params, *, eps: float = 1e-6) -> list[np.ndarray]:
    r"""Centred finite-difference gradients of ``cost(params)`` for a list of arrays.

    Every entry of every array is nudged by $\pm\varepsilon$ in turn, in float64 copies of
    the arrays (two cost evaluations per entry); the caller's arrays are never changed.

    >>> numerical_gradients(lambda p: float((p[0] ** 2).sum()), [np.array([1.0, -2.0])])[0]
    array([ 2., -4.])
    """
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    params = [np.array(p, dtype=np.float64) for p in params]
    grads = []
    for p in params:
        g = np.zeros_like(p)
        flat, g_flat = p.reshape(-1), g.reshape(-1)
        for i in range(flat.size):
            keep = flat[i]
            flat[i] = keep + eps
            up = float(cost(params))
            flat[i] = keep - eps
            down = float(cost(params))
            flat[i] = keep
            g_flat[i] = (up - down) / (2 * eps)
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
