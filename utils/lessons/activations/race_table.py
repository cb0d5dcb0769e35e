"""The gradient race's results for every setting its widget offers, computed once.

Training two networks takes seconds, too long for a widget that should redraw as a control
moves. So :func:`utils.lessons.activations.race.activation_race` is run once for every
activation, number of hidden layers and learning rate the widget offers, and the results are
kept in ``race_table.npz`` next to this file; the widget reads them from there.
``tests/test_lesson02.py`` retrains some settings and compares, so the table cannot drift from
what ``race`` computes. To rebuild it (a few minutes):

    .venv/bin/python -m utils.lessons.activations.race_table
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import numpy as np

from utils.lessons.activations.race import activation_race
from utils.nn import ACTIVATIONS

TABLE = Path(__file__).with_name("race_table.npz")

HIDDEN_LAYERS = (1, 2, 3, 4, 5, 6)
"""The numbers of hidden layers the race's slider offers."""

LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
"""The learning rates the race's slider offers."""

EPOCHS, SEED = 300, 0
"""The widget's training: 300 epochs from the start of seed 0 (the notebook's first run)."""


def settings():
    """Every ``(activation, hidden_layers, learning_rate)`` the widget can show."""
    return [(n, h, a) for n in ACTIVATIONS for h in HIDDEN_LAYERS for a in LEARNING_RATES]


def _key(name, hidden_layers, learning_rate):
    return f"{name}_{int(hidden_layers)}_{float(learning_rate):g}"


def build(path=TABLE):
    """Train every setting (one network each) and write the results to ``path``."""
    arrays = {}
    for name, layers, rate in settings():
        r = activation_race(
            (name,), hidden_layers=layers, learning_rate=rate, epochs=EPOCHS, seed=SEED
        )[name]
        key = _key(name, layers, rate)
        arrays[f"{key}/loss"] = np.asarray(r["loss"], dtype=np.float32)  # enough to draw
        arrays[f"{key}/final_loss"] = np.float64(r["final_loss"])
        arrays[f"{key}/layer_gradients"] = np.asarray(r["layer_gradients"], dtype=np.float64)
        arrays[f"{key}/diverged"] = np.asarray(r["diverged"])
        print(key, f"{r['final_loss']:.4g}", "diverged" if r["diverged"] else "", flush=True)
    np.savez_compressed(path, **arrays)


@functools.cache
def _table():
    with np.load(TABLE) as stored:
        return {key: stored[key] for key in stored.files}


def lookup(name, hidden_layers, learning_rate, epochs=EPOCHS, seed=SEED):
    """The stored result of one network, as :func:`activation_race` gives it, or ``None``
    for a setting the table does not hold."""
    if epochs != EPOCHS or seed != SEED or not TABLE.exists():
        return None
    key = _key(name, hidden_layers, learning_rate)
    table = _table()
    if f"{key}/loss" not in table:
        return None
    loss = table[f"{key}/loss"]
    return {
        "layer_gradients": table[f"{key}/layer_gradients"].tolist(),
        "loss": loss.tolist(),
        "final_loss": float(table[f"{key}/final_loss"]),
        "diverged": bool(table[f"{key}/diverged"]),
    }


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else TABLE)
