"""The locked demonstration: the student's loop on the digits, next to Keras's ``fit``.

Each helper prints what it measured and never raises: before the exercises are written the
course's own loop (:func:`reference.reference_train`) stands in, and says so.
"""

from __future__ import annotations

import numpy as np

from utils.i18n import msg
from utils.lessons.train_it_yourself.reference import network, reference_train


def _d(key, **params):
    return msg(f"train_it_yourself.demo.{key}", **params)


def run_your_loop(train, params, X, y, **options):
    """``train(params, X, y, **options)``: ``(params, losses)``, or the course's loop's when
    it is not ready yet."""
    try:
        trained, losses = train(params, X, y, **options)
        losses = [float(v) for v in losses]
        if len(losses) == options["epochs"] and np.all(np.isfinite(losses)):
            print(_d("yours", epochs=len(losses)))
            return trained, losses
        print(_d("odd_result", epochs=options["epochs"]))
    except NotImplementedError:
        print(_d("not_yet"))
    except Exception as err:  # noqa: BLE001 - the demonstration goes on with the course's loop
        print(_d("raised", error=type(err).__name__, detail=err))
    return reference_train(params, X, y, **options)


def compare_losses(mine, keras) -> float:
    """Print both loss curves epoch by epoch and return the largest difference."""
    mine, keras = np.asarray(mine, dtype=float), np.asarray(keras, dtype=float)
    print(f"{_d('epoch'):>6} {_d('yours_col'):>12} {'Keras':>12} {_d('difference'):>12}")
    for epoch, (a, b) in enumerate(zip(mine, keras), start=1):
        print(f"{epoch:>6} {a:12.6f} {b:12.6f} {abs(a - b):12.1e}")
    largest = float(np.max(np.abs(mine - keras)))
    print(_d("largest", diff=largest))
    return largest


def numpy_accuracy(params, X, y) -> float:
    """Held-out accuracy of ``params`` (forward pass of ``utils.nn.DenseNetwork``)."""
    return float(np.mean(network(params).forward(X).argmax(axis=1) == y))
