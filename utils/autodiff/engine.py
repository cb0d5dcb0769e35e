"""A tiny reverse-mode automatic differentiation engine for single numbers.

This is the backpropagation lesson in code. Every :class:`Value` remembers
the numbers it was computed from (its *parents*), the operation that made it
(``op``) and the *local derivatives* of its result with respect to each parent.
``backward()`` then walks the graph from the output back to the inputs and
applies the chain rule: a node's gradient is the sum, over every node that
uses it, of ``(that node's gradient) * (local derivative)``.

The lecture example, J = 1/2 (w x + b - y)^2 at x = 2, w = -2, b = 8, y = 1:

>>> w, x, b, y = Value(-2, "w"), Value(2, "x"), Value(8, "b"), Value(1, "y")
>>> c = w * x;   c.label = "c"          # c = -4
>>> a = c + b;   a.label = "a"          # a = 4
>>> d = a - y;   d.label = "d"          # d = 3
>>> J = 0.5 * d**2;  J.label = "J"      # J = 4.5
>>> J.backward()
>>> J.data, w.grad, b.grad
(4.5, 6.0, 3.0)

The idea follows Andrej Karpathy's *micrograd*; this is an independent,
smaller implementation that stores local derivatives as numbers (so they can
be printed and drawn) instead of closures.  What counts as a number is checked
in :mod:`utils.autodiff.real`; drawing the graph is :mod:`utils.autodiff.graph`.
"""

from __future__ import annotations

import math
import numbers

from utils.autodiff.real import as_real, describe, fmt

__all__ = ["Value", "trace"]


def _lift(x) -> Value:
    """A Value stays as it is; a plain number becomes a constant leaf labelled by its value."""
    if isinstance(x, Value):
        return x
    number = as_real(x, "the other operand")
    return Value(number, label=fmt(number))


def _result(op: str, data: float, parents: tuple, local_grads: tuple) -> Value:
    """Make the node ``op(parents) = data`` that remembers its local derivatives."""
    if not all(math.isfinite(v) for v in (data, *local_grads)):
        inputs = ", ".join(fmt(p.data) for p in parents)
        raise OverflowError(
            f"'{op}' of ({inputs}) is too large for a float "
            f"(value {data}, local derivatives {local_grads}); "
            "rescale the inputs"
        )
    out = Value(data)
    out.op, out.parents = op, parents
    out.local_grads = tuple(float(g) for g in local_grads)
    return out


class Value:
    """One number in a computation graph, with the gradient of the output w.r.t. it.

    Attributes
    ----------
    data : float          the number itself
    grad : float          d(output)/d(this), filled in by ``output.backward()``
    label : str           a name for tables and drawings ('' if none)
    op : str              the operation that made it ('' for inputs), e.g. '*', '**2', 'relu'
    parents : tuple       the Values it was computed from (empty for inputs)
    local_grads : tuple   d(this)/d(parent) for each parent, in the same order

    Plain numbers mix freely with Values (``2 * w``, ``1 - p``); each becomes a
    constant input node labelled with its value.

    >>> w = Value(3.0, label="w")
    >>> J = w**2
    >>> J.backward()
    >>> J.data, w.grad, J.op, J.local_grads
    (9.0, 6.0, '**2', (6.0,))
    """

    # numpy scalars (np.float64(2) * w) then defer to Value's reflected operators.
    __array_ufunc__ = None

    def __init__(self, data, label: str = ""):
        if not isinstance(label, str):
            raise TypeError(f"label must be a string, got {describe(label)}")
        if isinstance(data, Value):
            raise TypeError(
                "Value data must be a finite real number, got a Value; "
                "use the Value itself (or its .data)"
            )
        self.data = as_real(data, "Value data")
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()

    def __repr__(self) -> str:
        extra = (f", label={self.label!r}" if self.label else "") + (
            f", op={self.op!r}" if self.op else ""
        )
        return f"Value(data={self.data!r}, grad={self.grad!r}{extra})"

    # --- arithmetic: each returns a new node and its local derivatives ---------
    def __add__(self, other):
        other = _lift(other)
        return _result("+", self.data + other.data, (self, other), (1.0, 1.0))

    def __radd__(self, other):
        return _lift(other) + self

    def __sub__(self, other):
        other = _lift(other)
        return _result("-", self.data - other.data, (self, other), (1.0, -1.0))

    def __rsub__(self, other):
        return _lift(other) - self

    def __mul__(self, other):
        other = _lift(other)  # d(uv)/du = v, d(uv)/dv = u
        return _result("*", self.data * other.data, (self, other), (other.data, self.data))

    def __rmul__(self, other):
        return _lift(other) * self

    def __truediv__(self, other):
        other = _lift(other)  # d(u/v)/du = 1/v, d(u/v)/dv = -u/v^2
        if other.data == 0:
            raise ZeroDivisionError("division by zero: the divisor's data is 0")
        u, v = self.data, other.data
        return _result("/", u / v, (self, other), (1.0 / v, -u / v / v))

    def __rtruediv__(self, other):
        return _lift(other) / self

    def __neg__(self):
        return _result("neg", -self.data, (self,), (-1.0,))

    def __pow__(self, exponent):
        """``x ** n`` for a fixed plain number n; d(x^n)/dx = n x^(n-1)."""
        if isinstance(exponent, Value):
            raise TypeError(
                "the exponent must be a plain number, not a Value "
                "(for a Value exponent write (n * x.log()).exp())"
            )
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(f"the exponent must be a real number, got {describe(exponent)}")
        n, x = float(exponent), self.data
        op = f"**{exponent}" if isinstance(exponent, numbers.Integral) else f"**{n:g}"
        if not math.isfinite(n):
            raise ValueError(f"the exponent must be a finite number, got {n}")
        if x < 0 and not n.is_integer():
            raise ValueError(f"x{op} is not a real number for negative x = {x}")
        if x == 0 and n < 0:
            raise ZeroDivisionError(f"x{op} is undefined at x = 0 (division by zero)")
        if x == 0 and 0 < n < 1:
            raise ValueError(f"x{op} has an infinite derivative at x = 0")
        try:
            data = x**n
            local = 0.0 if n == 0 else n * x ** (n - 1)
        except OverflowError:
            data, local = math.inf, math.inf
        return _result(op, data, (self,), (local,))

    def __rpow__(self, base):
        raise TypeError("c ** Value is not supported; write (x * math.log(c)).exp() instead")

    # --- functions ------------------------------------------------------------
    def relu(self):
        """max(0, x); its derivative is 1 for x > 0 and 0 otherwise (0 at x = 0, as in TensorFlow).

        >>> Value(-2.0).relu().data, Value(3.0).relu().local_grads
        (0.0, (1.0,))
        """
        x = self.data
        return _result("relu", max(x, 0.0), (self,), (1.0 if x > 0 else 0.0,))

    def sigmoid(self):
        """1 / (1 + e^-x); its derivative is s (1 - s).

        >>> s = Value(0.0).sigmoid(); s.data, s.local_grads
        (0.5, (0.25,))
        """
        x = self.data
        if x >= 0:  # two forms, so that exp never overflows
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return _result("sigmoid", s, (self,), (s * (1.0 - s),))

    def tanh(self):
        """tanh(x); its derivative is 1 - tanh(x)^2.

        >>> t = Value(0.0).tanh(); t.data, t.local_grads
        (0.0, (1.0,))
        """
        t = math.tanh(self.data)
        return _result("tanh", t, (self,), (1.0 - t * t,))

    def exp(self):
        """e^x; its derivative is e^x again.

        >>> Value(0.0).exp().data
        1.0
        """
        try:
            e = math.exp(self.data)
        except OverflowError:
            e = math.inf
        return _result("exp", e, (self,), (e,))

    def log(self):
        """Natural logarithm ln(x) for x > 0; its derivative is 1/x.

        >>> Value(1.0).log().data, Value(2.0).log().local_grads
        (0.0, (0.5,))
        """
        x = self.data
        if x <= 0:
            raise ValueError(f"log is only defined for positive numbers, got x = {x}")
        return _result("log", math.log(x), (self,), (1.0 / x,))

    # --- the backward pass ----------------------------------------------------
    def backward(self) -> None:
        """Fill in ``.grad`` of every node in this graph with d(self)/d(node).

        All gradients in the graph are first reset to 0, so calling it again
        gives the same answer (like TensorFlow's GradientTape, unlike PyTorch,
        gradients are not added to those of an earlier call; to add two
        losses, build their sum as one Value). Then ``self.grad = 1`` and the
        chain rule runs from the output back to the inputs: in reverse
        :func:`trace` order, every node that uses a node comes before it, so a
        node's gradient is complete when it passes it on to its parents.

        >>> x = Value(3.0); y = x * x; y.backward(); x.grad
        6.0
        """
        nodes = trace(self)
        for node in nodes:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(nodes):
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += node.grad * local  # += : a node used twice adds up

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 for this node and every node it was computed from.

        >>> x = Value(3.0); y = x * x; y.backward(); y.zero_grad(); x.grad
        0.0
        """
        for node in trace(self):
            node.grad = 0.0


def trace(root: Value) -> list[Value]:
    """All nodes that ``root`` depends on, in topological order (inputs first, root last).

    Each node appears once, after all of its parents.

    >>> x = Value(2.0, "x"); y = (x * x).relu(); y.label = "y"
    >>> [n.label or n.op for n in trace(y)]
    ['x', '*', 'y']
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {describe(root)}")
    order, seen = [], set()
    stack = [(root, False)]
    while stack:  # depth-first, without recursion, so long chains are fine
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    return order
