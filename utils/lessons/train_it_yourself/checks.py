"""Visible checks of the capstone lesson (``06_train_it_yourself``): one per exercise.

1. :func:`check_forward`: ``forward(params, X)`` against :func:`reference.reference_forward`
   and ``utils.nn.DenseNetwork.forward``;
2. :func:`check_backward`: ``backward(params, cache, y)`` against ``DenseNetwork.backward``,
   then a gradient check (``utils.nn.gradient_check``) on a small network;
3. :func:`check_adam_step`: ``adam_step(params, grads, state)`` against ``utils.nn.Adam``;
4. :func:`check_train`: ``train(...)`` with the course's forward, backward and Adam standing in
   for the student's (a mistake there costs its own exercise only), against the reference loop.

Each names the common mistakes it recognises, by running the mistaken version and comparing.
"""

from __future__ import annotations

import numpy as np

from utils.feedback import ExerciseError, call, check, matches, passed, with_stand_ins
from utils.i18n import msg
from utils.lessons.train_it_yourself.reference import (
    KEYS,
    adam_state,
    network,
    reference_adam_step,
    reference_backward,
    reference_forward,
    reference_train,
)
from utils.nn import gradient_check, softmax, sparse_categorical_crossentropy

__all__ = ["check_adam_step", "check_backward", "check_forward", "check_train", "small_problem"]


def _c(key, **params):
    return msg(f"train_it_yourself.check.{key}", **params)


def small_problem(sizes=(6, 5, 4, 3), m=7, seed=0):
    """``(params, X, y)``: a small float64 network and batch, both classes of every kind."""
    rng = np.random.default_rng(seed)
    params = {}
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{k}"] = rng.normal(scale=0.8, size=(n_in, n_out))
        params[f"b{k}"] = rng.normal(scale=0.3, size=n_out)
    X = rng.normal(size=(m, sizes[0]))
    y = np.arange(m) % sizes[-1]
    return params, X, y


def _copy(params):
    return {name: np.array(p, copy=True) for name, p in params.items()}


def _array(value, what, shape):
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ExerciseError(_c("not_array", what=what, kind=type(value).__name__)) from None
    check(arr.shape == tuple(shape), _c("shape", what=what, want=tuple(shape), got=arr.shape))
    return arr


def _dict_of(result, names, what):
    check(isinstance(result, dict), _c("not_dict", what=what, kind=type(result).__name__))
    missing = [name for name in names if name not in result]
    check(not missing, _c("missing_keys", what=what, missing=", ".join(missing)))
    return result


# --- Exercise 1: the forward pass -----------------------------------------------------------


def check_forward(forward):
    """``forward(params, X)`` returns ``(logits, cache)`` with the cache's six arrays."""
    params, X, _ = small_problem()
    what = "forward(params, X)"
    result = call(forward, _copy(params), X.copy(), what=what)
    check(
        isinstance(result, (tuple, list)) and len(result) == 2,
        _c("forward_pair", what=what, kind=type(result).__name__),
    )
    logits, cache = result
    want, want_cache = reference_forward(params, X)
    logits = _array(logits, _c("the_logits", what=what), want.shape)
    if matches(logits, softmax(want)):
        raise ExerciseError(_c("forward_softmax"))
    if matches(logits, np.maximum(want, 0)) and not matches(want, np.maximum(want, 0)):
        raise ExerciseError(_c("forward_relu_out"))
    no_bias = reference_forward({k: (0 * p if k[0] == "b" else p) for k, p in params.items()}, X)
    if matches(logits, no_bias[0]):
        raise ExerciseError(_c("forward_no_bias"))
    check(matches(logits, want), _c("forward_logits", what=what))
    check(matches(logits, network(params).forward(X)), _c("forward_logits", what=what))
    _dict_of(cache, tuple(want_cache), _c("the_cache", what=what))
    for name, value in want_cache.items():
        got = _array(cache[name], f'cache["{name}"]', value.shape)
        if name[0] == "A" and name != "A0" and matches(got, want_cache["Z" + name[1]]):
            raise ExerciseError(_c("cache_no_relu", name=name))
        check(matches(got, value), _c("cache_value", name=name))
    passed(_c("passed_forward"))


# --- Exercise 2: the backward pass ----------------------------------------------------------


def _grads(result, params, what):
    _dict_of(result, KEYS, what)
    return {name: _array(result[name], f'{what}["{name}"]', params[name].shape) for name in KEYS}


def check_backward(backward):
    """The six gradients of the mean cross-entropy, against utils.nn, then a gradient check."""
    params, X, y = small_problem()
    _, cache = reference_forward(params, X)
    what = "backward(params, cache, y)"
    got = _grads(call(backward, _copy(params), dict(cache), y.copy(), what=what), params, what)
    want = reference_backward(params, cache, y)
    if all(matches(got[k], want[k]) for k in KEYS):
        errors = gradient_check(
            lambda p: sparse_categorical_crossentropy(
                y, reference_forward(dict(zip(KEYS, p)), X)[0], from_logits=True
            ).mean(),
            [params[k] for k in KEYS],
            [got[k] for k in KEYS],
        )
        passed(_c("passed_backward", error=max(errors)))
        return
    if all(matches(got[k], len(y) * want[k]) for k in KEYS):
        raise ExerciseError(_c("backward_no_mean", m=len(y)))
    for name in ("W3", "b3", "W2", "b2", "W1", "b1"):  # the first wrong one, right to left
        if not matches(got[name], want[name]):
            if matches(got[name], -want[name]):
                raise ExerciseError(_c("backward_sign", name=name))
            raise ExerciseError(_c("backward_first_wrong", name=name, layer=name[1]))


# --- Exercise 3: one Adam step --------------------------------------------------------------

_HYPER = dict(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-7)


def _adam_problem():
    rng = np.random.default_rng(4)
    params = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    grads = [{"W": rng.normal(size=(3, 2)) * 1e-5, "b": np.array([1e-6, -2.0])} for _ in range(3)]
    return params, grads


def _textbook_step(params, grads, state, lr, beta1, beta2, eps):
    """Lesson 04's textbook form: eps added to sqrt(v_hat)."""
    t, new, m, v = state["t"] + 1, {}, {}, {}
    for name in params:
        g = grads[name]
        m[name] = beta1 * state["m"][name] + (1 - beta1) * g
        v[name] = beta2 * state["v"][name] + (1 - beta2) * g**2
        m_hat, v_hat = m[name] / (1 - beta1**t), v[name] / (1 - beta2**t)
        new[name] = params[name] - lr * m_hat / (np.sqrt(v_hat) + eps)
    return new, {"t": t, "m": m, "v": v}


def _no_correction_step(params, grads, state, lr, beta1, beta2, eps):
    t, new, m, v = state["t"] + 1, {}, {}, {}
    for name in params:
        g = grads[name]
        m[name] = beta1 * state["m"][name] + (1 - beta1) * g
        v[name] = beta2 * state["v"][name] + (1 - beta2) * g**2
        new[name] = params[name] - lr * m[name] / (np.sqrt(v[name]) + eps)
    return new, {"t": t, "m": m, "v": v}


def _path(step, params, grads, hyper):
    state, path = adam_state(params), []
    for g in grads:
        params, state = step(params, g, state, *hyper.values())
        path.append(params)
    return path


def _same_path(a, b, rtol=1e-7):
    return all(matches(p[k], q[k], rtol=rtol, atol=1e-12) for p, q in zip(a, b) for k in q)


def _step_result(result, params0, what):
    check(
        isinstance(result, (tuple, list)) and len(result) == 2,
        _c("adam_pair", what=what, kind=type(result).__name__),
    )
    params, state = result
    _dict_of(params, tuple(params0), _c("adam_new_params", what=what))
    _dict_of(state, ("t", "m", "v"), _c("adam_new_state", what=what))
    for part in ("m", "v"):
        _dict_of(state[part], tuple(params0), f'state["{part}"]')
    params = {k: _array(params[k], f'params["{k}"]', params0[k].shape) for k in params0}
    moments = {
        part: {
            k: _array(state[part][k], f'state["{part}"]["{k}"]', params0[k].shape) for k in params0
        }
        for part in ("m", "v")
    }
    return params, dict(moments, t=state["t"])


def check_adam_step(adam_step):
    """Three Adam steps, as Keras takes them, over a dict of two parameters."""
    params0, grads = _adam_problem()
    params, state = _copy(params0), adam_state(params0)
    what = "adam_step(params, grads, state, lr=0.01)"
    got = []
    for g in grads:
        before = state["t"]
        result = call(adam_step, _copy(params), _copy(g), state, *_HYPER.values(), what=what)
        params, state = _step_result(result, params0, what)
        check(
            isinstance(state["t"], (int, np.integer)) and state["t"] == before + 1,
            _c("adam_t", before=before, after=state["t"]),
        )
        got.append(params)
    want = _path(reference_adam_step, params0, grads, _HYPER)
    if _same_path(got, want):
        passed(_c("passed_adam"))
        return
    check(not all(matches(got[0][k], params0[k]) for k in params0), _c("adam_unchanged"))
    if _same_path(got, _path(_textbook_step, params0, grads, _HYPER), rtol=1e-6):
        raise ExerciseError(_c("adam_textbook"))
    if _same_path(got, _path(_no_correction_step, params0, grads, _HYPER), rtol=1e-6):
        raise ExerciseError(_c("adam_no_correction"))
    if _same_path(got[:1], want[:1]):
        raise ExerciseError(_c("adam_later_steps"))
    raise ExerciseError(_c("adam_wrong"))


# --- Exercise 4: the training loop ----------------------------------------------------------

_TRAIN = dict(epochs=3, batch_size=16, lr=0.01, seed=3)
_STAND_INS = dict(
    forward=reference_forward, backward=reference_backward, adam_step=reference_adam_step
)
_LOOP_MISTAKES = (
    ("never", dict(shuffle="never")),
    ("once", dict(shuffle="once")),
    ("last_batch", dict(last_batch=False)),
    ("weighted", dict(weighted=False)),
    ("fresh_state", dict(fresh_state=True)),
)


def _losses(result, what, epochs):
    try:
        arr = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise ExerciseError(_c("not_array", what=what, kind=type(result).__name__)) from None
    check(arr.shape == (epochs,), _c("train_losses", what=what, epochs=epochs, got=arr.shape))
    return arr


def check_train(train):
    """``train`` with the course's forward, backward and Adam: the reference loop's numbers."""
    params0, X, y = small_problem(m=50, seed=1)
    what = "train(params, X, y, epochs=3, batch_size=16, lr=0.01, seed=3)"
    mine = with_stand_ins(train, **_STAND_INS)
    result = call(mine, _copy(params0), X.copy(), y.copy(), *_TRAIN.values(), what=what)
    check(
        isinstance(result, (tuple, list)) and len(result) == 2,
        _c("train_pair", what=what, kind=type(result).__name__),
    )
    params, losses = result
    _dict_of(params, KEYS, _c("train_params", what=what))
    params = {k: _array(params[k], f'params["{k}"]', params0[k].shape) for k in KEYS}
    got = _losses(losses, what, _TRAIN["epochs"])
    want_params, want = reference_train(_copy(params0), X, y, *_TRAIN.values())
    same_params = all(matches(params[k], want_params[k]) for k in KEYS)
    if matches(got, want, rtol=1e-9) and same_params:
        passed(_c("passed_train", epochs=len(want)))
        return
    if all(matches(params[k], params0[k]) for k in KEYS):
        raise ExerciseError(_c("train_unchanged"))
    for key, options in _LOOP_MISTAKES:
        _, wrong = reference_train(_copy(params0), X, y, *_TRAIN.values(), **options)
        if matches(got, wrong, rtol=1e-9):
            raise ExerciseError(_c(f"train_{key}"))
    if not matches(got, want, rtol=1e-9):
        raise ExerciseError(_c("train_wrong_losses", got=np.round(got, 6), want=np.round(want, 6)))
    raise ExerciseError(_c("train_wrong_params"))
