r"""A dense neural network in numpy: forward pass and vectorised backpropagation.

Layer $l$ computes $Z^{[l]} = A^{[l-1]} W^{[l]} + b^{[l]}$ and
$A^{[l]} = g^{[l]}(Z^{[l]})$, one example per row, with $W^{[l]}$ of shape
(units in, units out) exactly as Keras stores it.  Backpropagation runs the
chain rule from the last layer to the first:

$$dZ^{[l]} = dA^{[l]} \odot g'^{[l]}(Z^{[l]}),\quad
dW^{[l]} = A^{[l-1]\top} dZ^{[l]},\quad db^{[l]} = \textstyle\sum_i dZ^{[l]}_i,\quad
dA^{[l-1]} = dZ^{[l]} W^{[l]\top}.$$

All parameters live in one flat vector ``theta`` (and their gradients in
``grad``); each layer's ``W`` and ``b`` are views into it.  An optimizer then
updates every parameter with a few whole-vector operations.
"""

from __future__ import annotations

import numpy as np

from utils.nn.activations import get_activation
from utils.validation import as_float_array


class DenseNetwork:
    """Fully connected layers, e.g. ``DenseNetwork([400, 25, 15, 10], ['relu', 'relu', 'linear'])``.

    Weights start Glorot-uniform (Keras's default: uniform in
    $\\pm\\sqrt{6/(n_{in}+n_{out})}$) and biases at zero; ``seed`` makes it repeatable.
    """

    def __init__(self, sizes, activations, seed=None, dtype=np.float32):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least two positive layer widths, got {sizes}")
        if len(activations) != len(sizes) - 1:
            raise ValueError(
                f"need one activation per layer: {len(sizes) - 1} layers, "
                f"got {len(activations)} activations"
            )
        self.sizes, self.activations = sizes, list(activations)
        self._g = [tuple(f.kernel for f in get_activation(name)) for name in self.activations]
        shapes = [(n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.theta = np.zeros(sum(a * b + b for a, b in shapes), dtype=dtype)
        self.grad = np.zeros_like(self.theta)
        self.W, self.b, self.dW, self.db = [], [], [], []
        start = 0
        for n_in, n_out in shapes:
            for params, grads, shape in (
                (self.W, self.dW, (n_in, n_out)),
                (self.b, self.db, (n_out,)),
            ):
                stop = start + int(np.prod(shape))
                params.append(self.theta[start:stop].reshape(shape))
                grads.append(self.grad[start:stop].reshape(shape))
                start = stop
        rng = np.random.default_rng(seed)
        for W in self.W:
            limit = np.sqrt(6 / sum(W.shape))
            W[...] = rng.uniform(-limit, limit, size=W.shape)
        self._cache = None

    @property
    def n_params(self) -> int:
        """Number of trainable parameters, e.g. 10,575 for 400-25-15-10."""
        return self.theta.size

    def get_weights(self):
        """``[W1, b1, W2, b2, ...]`` as copies, the order Keras's ``get_weights`` uses."""
        return [p.copy() for pair in zip(self.W, self.b) for p in pair]

    def set_weights(self, weights):
        """Load ``[W1, b1, ...]`` (for example from a Keras model's ``get_weights()``)."""
        weights = list(weights)
        targets = [p for pair in zip(self.W, self.b) for p in pair]
        if len(weights) != len(targets):
            raise ValueError(f"expected {len(targets)} arrays [W1, b1, ...], got {len(weights)}")
        for k, (dst, src) in enumerate(zip(targets, weights)):
            src = as_float_array(src, f"weights[{k}]")
            if src.shape != dst.shape:
                raise ValueError(f"weights[{k}] must have shape {dst.shape}, got {src.shape}")
            dst[...] = src

    def _check_input(self, X):
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have {self.sizes[0]} features per row, got shape {X.shape}")
        return X.astype(self.theta.dtype, copy=False)

    def forward(self, X):
        """Output of the last layer for a batch ``X`` (m, n_features); caches Z, A for backward."""
        return self._forward(self._check_input(X))

    def _forward(self, A):
        inputs, pre = [], []
        for W, b, (g, _) in zip(self.W, self.b, self._g):
            inputs.append(A)
            Z = A @ W + b
            pre.append(Z)
            A = g(Z)
        self._cache = (inputs, pre)
        return A

    predict = forward

    def backward(self, d_output):
        """Backpropagate $\\partial J/\\partial A^{[L]}$ (shape of the output); fills ``grad``.

        Returns $\\partial J/\\partial X$.  Call ``forward`` on the batch first.
        """
        if self._cache is None:
            raise RuntimeError("call forward(X) before backward(d_output)")
        dA = as_float_array(d_output, "d_output", ndim=2)
        out_shape = self._cache[1][-1].shape
        if dA.shape != out_shape:
            raise ValueError(f"d_output must have the output's shape {out_shape}, got {dA.shape}")
        return self._backward(dA.astype(self.theta.dtype, copy=False))

    def _backward(self, dA):
        inputs, pre = self._cache
        for l in reversed(range(len(self.W))):
            dZ = dA * self._g[l][1](pre[l])
            np.matmul(inputs[l].T, dZ, out=self.dW[l])
            np.sum(dZ, axis=0, out=self.db[l])
            dA = dZ @ self.W[l].T
        return dA

    def __repr__(self):
        layers = ", ".join(f"{n}({g})" for n, g in zip(self.sizes[1:], self.activations))
        return f"DenseNetwork({self.sizes[0]} -> {layers}; {self.n_params:,} parameters)"
