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
be printed and drawn) instead of closures.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["Value", "trace", "backward_steps", "graph_table", "format_graph_table",
           "draw_graph"]


def _fmt(v: float) -> str:
    """Short text for a number: 4 significant digits, no trailing zeros."""
    return f"{v:.4g}"


def _describe(x) -> str:
    text = repr(x)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(x).__name__})"


def _as_real(x, what: str) -> float:
    """Return ``x`` as a finite Python float, or raise a clear TypeError/ValueError."""
    expected = f"{what} must be a finite real number"
    if isinstance(x, Value):
        raise TypeError(f"{expected}, got a Value; use the Value itself (or its .data)")
    if isinstance(x, bool):
        raise TypeError(f"{expected}, got {_describe(x)}")
    if isinstance(x, numbers.Real):
        try:
            out = float(x)
        except OverflowError:  # e.g. 10**400
            raise ValueError(f"{expected}, got an integer too large for a float") from None
    elif x is None or isinstance(x, (str, bytes, list, tuple, dict, set)):
        raise TypeError(f"{expected}, got {_describe(x)}")
    else:  # numpy arrays and scalars, tensors, anything with __array__
        arr = np.asarray(x)
        if arr.dtype.kind not in "iuf":
            raise TypeError(f"{expected}, got {_describe(x)} of dtype {arr.dtype}")
        if arr.size != 1:
            raise ValueError(f"{expected}, got an array with {arr.size} elements "
                             f"(shape {arr.shape}); a Value holds exactly one number")
        out = float(arr.reshape(()))
    if not math.isfinite(out):
        raise ValueError(f"{expected}, got {out}")
    return out


def _lift(x) -> Value:
    """A Value stays as it is; a plain number becomes a constant leaf labelled by its value."""
    if isinstance(x, Value):
        return x
    number = _as_real(x, "the other operand")
    return Value(number, label=_fmt(number))


def _result(op: str, data: float, parents: tuple, local_grads: tuple) -> Value:
    """Make the node ``op(parents) = data`` that remembers its local derivatives."""
    if not all(math.isfinite(v) for v in (data, *local_grads)):
        inputs = ", ".join(_fmt(p.data) for p in parents)
        raise OverflowError(f"'{op}' of ({inputs}) is too large for a float "
                            f"(value {data}, local derivatives {local_grads}); "
                            "rescale the inputs")
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
            raise TypeError(f"label must be a string, got {_describe(label)}")
        self.data = _as_real(data, "Value data")
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()

    def __repr__(self) -> str:
        extra = (f", label={self.label!r}" if self.label else "") + \
                (f", op={self.op!r}" if self.op else "")
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
            raise TypeError("the exponent must be a plain number, not a Value "
                            "(for a Value exponent write (n * x.log()).exp())")
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(f"the exponent must be a real number, got {_describe(exponent)}")
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
            data = x ** n
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
        chain rule runs over the nodes in :func:`backward_steps` order.

        >>> x = Value(3.0); y = x * x; y.backward(); x.grad
        6.0
        """
        steps = backward_steps(self)  # every user of a node comes before it
        for node in steps:
            node.grad = 0.0
        self.grad = 1.0
        for node in steps:
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += node.grad * local  # += : a node used twice adds up

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 for this node and every node it was computed from.

        >>> x = Value(3.0); y = x * x; y.backward(); y.zero_grad(); x.grad
        0.0
        """
        for node in trace(self):
            node.grad = 0.0


def _check_root(root) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {_describe(root)}")


def trace(root: Value) -> list[Value]:
    """All nodes that ``root`` depends on, in topological order (inputs first, root last).

    Each node appears once, after all of its parents.

    >>> x = Value(2.0, "x"); y = (x * x).relu(); y.label = "y"
    >>> [n.label or n.op for n in trace(y)]
    ['x', '*', 'y']
    """
    _check_root(root)
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


def backward_steps(root: Value) -> list[Value]:
    """The nodes in the order ``root.backward()`` visits them: ``root`` first, inputs last.

    When a node is visited its gradient is already final (every node that uses
    it came earlier), and it passes ``grad * local_grad`` on to its parents.
    The order sweeps :func:`draw_graph`'s columns from right to left, each
    column from top to bottom.

    >>> x = Value(2.0, "x"); y = x.exp(); y.label = "y"
    >>> [n.label for n in backward_steps(y)]
    ['y', 'x']
    """
    nodes = trace(root)
    where = _layout(nodes)
    return sorted(nodes, key=lambda n: (-where[id(n)][0], where[id(n)][1]))


def graph_table(root: Value) -> list[dict]:
    """One dict per node (topological order) with keys 'label', 'op', 'data', 'grad'.

    >>> w = Value(3.0, "w"); J = w**2; J.label = "J"; J.backward()
    >>> for row in graph_table(J):
    ...     print(row)
    {'label': 'w', 'op': '', 'data': 3.0, 'grad': 6.0}
    {'label': 'J', 'op': '**2', 'data': 9.0, 'grad': 1.0}
    """
    return [{"label": n.label, "op": n.op, "data": n.data, "grad": n.grad}
            for n in trace(root)]


def _names(nodes: list[Value]) -> dict[int, str]:
    """Display name per node: its label, or n<index> if it has none."""
    return {id(n): n.label or f"n{i}" for i, n in enumerate(nodes)}


def format_graph_table(root: Value) -> str:
    """The graph as printable text: one line per node with how it was computed.

    >>> w = Value(3.0, "w"); J = w**2; J.label = "J"; J.backward()
    >>> print(format_graph_table(J))
    node  computed as  data  grad
    w     (input)         3     6
    J     w **2           9     1
    """
    nodes = trace(root)
    names = _names(nodes)
    rows = [("node", "computed as", "data", "grad")]
    for n in nodes:
        if not n.op:
            how = "(input)"
        elif len(n.parents) == 1:
            how = f"{n.op}({names[id(n.parents[0])]})"
            if n.op.startswith("**"):
                how = f"{names[id(n.parents[0])]} {n.op}"
        else:
            how = f" {n.op} ".join(names[id(p)] for p in n.parents)
        rows.append((names[id(n)], how, _fmt(n.data), _fmt(n.grad)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  "
                     f"{r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}".rstrip() for r in rows)


def _layout(nodes: list[Value]) -> dict[int, tuple[int, float]]:
    """(column, row) for each node: columns by depth, rows ordered to limit crossings."""
    depth = {}
    for n in nodes:  # longest path from an input
        depth[id(n)] = 1 + max((depth[id(p)] for p in n.parents), default=-1)
    users: dict[int, list[tuple[Value, int]]] = {id(n): [] for n in nodes}
    for n in nodes:
        for slot, p in enumerate(n.parents):
            users[id(p)].append((n, slot))
    for n in nodes:  # an input sits just left of its leftmost user
        if not n.parents and users[id(n)]:
            depth[id(n)] = min(depth[id(u)] for u, _ in users[id(n)]) - 1
    columns: dict[int, list[Value]] = {}
    for n in nodes:
        columns.setdefault(depth[id(n)], []).append(n)
    row: dict[int, float] = {}
    for col in sorted(columns, reverse=True):  # from the output back: sit near your users
        def key(n):
            spots = [row[id(u)] + 0.1 * (s - (len(u.parents) - 1) / 2) for u, s in users[id(n)]]
            return sum(spots) / len(spots) if spots else 0.0
        members = sorted(columns[col], key=key)
        for i, n in enumerate(members):
            row[id(n)] = i - (len(members) - 1) / 2
    return {id(n): (depth[id(n)], row[id(n)]) for n in nodes}


MAX_DRAWN_NODES = 150  # draw_graph refuses bigger graphs (the figure would be metres wide)


def draw_graph(root: Value, ax=None, *, show_grads_upto: int | None = None,
               highlight: Value | int | None = None, title: str | None = None):
    """Draw the computation graph with matplotlib and return the ``Figure``.

    One box per node shows its name, the operation that made it, ``data`` and
    ``grad``; arrows run from inputs to outputs, left to right by depth. Call
    ``root.backward()`` first to see gradients.

    To show the backward pass part way, pass ``show_grads_upto=k`` (0 to the
    number of nodes): only the first k nodes of :func:`backward_steps` show
    their gradient, the others show '?'. The node visited at step k
    (``backward_steps(root)[k - 1]``) is then highlighted, and the arrows into it (along which its gradient flows back
    next) are drawn in red. ``highlight`` (a node, or an index into
    ``backward_steps(root)``) picks another node to highlight.

    Without ``ax`` a new ``matplotlib.figure.Figure`` is made (no pyplot, so no
    global state); with ``ax`` the graph is drawn into it (clear it yourself to
    redraw) and ``ax.figure`` is returned. Graphs with more than
    ``MAX_DRAWN_NODES`` (150) nodes are refused with a ValueError.

    >>> w = Value(3.0, "w"); J = w**2; J.label = "J"; J.backward()
    >>> fig = draw_graph(J, show_grads_upto=1)   # J's grad shown, w's is '?'
    >>> [t.get_text().splitlines()[-1] for t in fig.axes[0].texts]
    ['grad = ?', 'grad = 1']
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    nodes = trace(root)
    if len(nodes) > MAX_DRAWN_NODES:
        raise ValueError(f"the graph has {len(nodes)} nodes, too many to draw readably (at most "
                         f"{MAX_DRAWN_NODES}); print format_graph_table(root) instead, or "
                         "draw a smaller expression")
    steps = backward_steps(root)
    if show_grads_upto is not None:
        if isinstance(show_grads_upto, bool) or not isinstance(show_grads_upto, numbers.Integral):
            raise TypeError(f"show_grads_upto must be an integer, got {_describe(show_grads_upto)}")
        if not 0 <= show_grads_upto <= len(steps):
            raise ValueError(f"show_grads_upto must be between 0 and {len(steps)} "
                             f"(the number of nodes), got {show_grads_upto}")
        if highlight is None and show_grads_upto > 0:
            highlight = steps[show_grads_upto - 1]
    if highlight is not None:
        if isinstance(highlight, numbers.Integral) and not isinstance(highlight, bool):
            if not -len(steps) <= highlight < len(steps):
                raise IndexError(f"highlight index {highlight} is out of range for "
                                 f"{len(steps)} backward steps")
            highlight = steps[highlight]
        elif not isinstance(highlight, Value):
            raise TypeError(f"highlight must be a Value or an index, got {_describe(highlight)}")
        elif not any(n is highlight for n in nodes):
            raise ValueError("highlight must be a node of this graph")
    known = {id(n) for n in (steps if show_grads_upto is None else steps[:show_grads_upto])}

    where = _layout(nodes)
    n_cols = 1 + max(c for c, _ in where.values())
    n_rows = max(sum(1 for c, _ in where.values() if c == col) for col in range(n_cols))
    if title is None and show_grads_upto is not None:
        title = f"backward pass: step {show_grads_upto} of {len(steps)}"
    if ax is None:
        title_room = 0.0 if title is None else 0.35  # inches
        height = 0.4 + 1.1 * n_rows + title_room
        fig = Figure(figsize=(0.2 + 1.9 * n_cols, height))
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01,
                            top=0.99 - title_room / height)
        ax = fig.add_subplot()
    box_w, box_h = 0.72, 0.62
    names = _names(nodes)
    xy = {k: (float(c), -r) for k, (c, r) in where.items()}

    for n in nodes:
        x, y = xy[id(n)]
        is_hl = n is highlight
        if show_grads_upto is None:
            face = "#dbe9f6" if not n.parents else "#f7f7f7"
        else:
            face = "#d6f0d6" if id(n) in known else "#eeeeee"
        ax.add_patch(FancyBboxPatch((x - box_w / 2, y - box_h / 2), box_w, box_h,
                                    boxstyle="round,pad=0.02",
                                    facecolor="#ffd9a8" if is_hl else face,
                                    edgecolor="#d35400" if is_hl else "#555555",
                                    linewidth=3.0 if is_hl else 1.0, zorder=2))
        grad = _fmt(n.grad) if id(n) in known else "?"
        head = names[id(n)] + (f"  [{n.op}]" if n.op else "")
        ax.text(x, y, f"{head}\ndata = {_fmt(n.data)}\ngrad = {grad}", ha="center",
                va="center", fontsize=9, zorder=3,
                fontweight="bold" if is_hl else "normal")
    for n in nodes:
        seen_from: dict[int, int] = {}
        for p in n.parents:
            k = seen_from[id(p)] = seen_from.get(id(p), -1) + 1  # x*x: two curved arrows
            bend = 0.5 * (k - (sum(q is p for q in n.parents) - 1) / 2)
            (x0, y0), (x1, y1) = xy[id(p)], xy[id(n)]
            flowing = n is highlight and show_grads_upto is not None
            ax.add_patch(FancyArrowPatch(
                (x0 + box_w / 2, y0), (x1 - box_w / 2, y1), arrowstyle="-|>",
                mutation_scale=12, shrinkA=1, shrinkB=1, zorder=1,
                connectionstyle=f"arc3,rad={bend}",
                color="#c0392b" if flowing else "#555555", linewidth=2.0 if flowing else 1.0))

    rows_here = [r for _, r in where.values()]
    ax.set_xlim(-0.5, n_cols - 0.5)
    ax.set_ylim(-max(rows_here) - 0.5, -min(rows_here) + 0.5)
    ax.axis("off")
    if title is not None:
        ax.set_title(title)
    return ax.figure
