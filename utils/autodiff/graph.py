"""Looking at a computation graph: as a table, as text, and drawn box by box.

:func:`backward_steps` is the backward pass as the drawing shows it (right to
left, column by column); :func:`draw_graph` draws every node with its ``data``
and ``grad``, optionally only the gradients known after the first k steps;
:func:`format_graph_table` prints the same graph as text.
"""

from __future__ import annotations

import numbers

from utils.autodiff.engine import Value, trace
from utils.autodiff.real import describe, fmt
from utils.style import COLORS, course_style, new_figure

__all__ = ["backward_steps", "graph_table", "format_graph_table", "draw_graph", "MAX_DRAWN_NODES"]

MAX_DRAWN_NODES = 150  # draw_graph refuses bigger graphs (the figure would be metres wide)

NODE_FONT_PT = 10
"""Size of a node's text: 10 pt is 12.5 px at the course's 90 dpi (utils.style.PNG_DPI)."""
COLUMN_INCHES, ROW_INCHES = 1.3, 1.1
"""Spacing of the drawn columns and rows. Compact enough that the lecture's graph (6 columns)
is about 700 px wide: a notebook shows it unscaled, so its node text stays 12.5 px."""


def _names(nodes: list[Value]) -> dict[int, str]:
    """Display name per node: its label, or n<index> if it has none."""
    return {id(n): n.label or f"n{i}" for i, n in enumerate(nodes)}


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


def backward_steps(root: Value) -> list[Value]:
    """The backward pass one node at a time, as the drawing shows it: ``root`` first, inputs last.

    Every node that uses a node comes before it, so when a node is visited its
    gradient is already final and it passes ``grad * local_grad`` on to its
    parents: replaying the chain rule in this order gives ``root.backward()``'s
    gradients. The order sweeps :func:`draw_graph`'s columns from right to left,
    each column from top to bottom.

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
    return [{"label": n.label, "op": n.op, "data": n.data, "grad": n.grad} for n in trace(root)]


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
        rows.append((names[id(n)], how, fmt(n.data), fmt(n.grad)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join(
        f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  "
        f"{r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}".rstrip()
        for r in rows
    )


def _checked_highlight(highlight, steps: list[Value], nodes: list[Value]) -> Value | None:
    """The node to highlight: a node of the graph, an index into ``steps``, or None."""
    if highlight is None or isinstance(highlight, Value) and any(n is highlight for n in nodes):
        return highlight
    if isinstance(highlight, numbers.Integral) and not isinstance(highlight, bool):
        if not -len(steps) <= highlight < len(steps):
            raise IndexError(
                f"highlight index {highlight} is out of range for {len(steps)} backward steps"
            )
        return steps[highlight]
    if not isinstance(highlight, Value):
        raise TypeError(f"highlight must be a Value or an index, got {describe(highlight)}")
    raise ValueError("highlight must be a node of this graph")


@course_style()
def draw_graph(
    root: Value,
    ax=None,
    *,
    show_grads_upto: int | None = None,
    highlight: Value | int | None = None,
    title: str | None = None,
):
    """Draw the computation graph and return the ``Figure``.

    One box per node shows its name, the operation that made it, ``data`` and
    ``grad``; arrows run from inputs to outputs, left to right by depth. Call
    ``root.backward()`` first to see gradients.

    To show the backward pass part way, pass ``show_grads_upto=k`` (0 to the
    number of nodes): only the first k nodes of :func:`backward_steps` show
    their gradient, the others show '?'. The node visited at step k
    (``backward_steps(root)[k - 1]``) is then highlighted, and the arrows into
    it (along which its gradient flows back next) are drawn in vermillion.
    ``highlight`` (a node, or an index into ``backward_steps(root)``) picks
    another node to highlight.

    Without ``ax`` a new course figure is made (:func:`utils.style.new_figure`,
    no pyplot, so no global state); with ``ax`` the graph is drawn into it (clear
    it yourself to redraw) and ``ax.figure`` is returned. Graphs with more than
    ``MAX_DRAWN_NODES`` (150) nodes are refused with a ValueError.

    >>> w = Value(3.0, "w"); J = w**2; J.label = "J"; J.backward()
    >>> fig = draw_graph(J, show_grads_upto=1)   # J's grad shown, w's is '?'
    >>> [t.get_text().splitlines()[-1] for t in fig.axes[0].texts]
    ['grad = ?', 'grad = 1']
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    nodes = trace(root)
    if len(nodes) > MAX_DRAWN_NODES:
        raise ValueError(
            f"the graph has {len(nodes)} nodes, too many to draw readably (at most "
            f"{MAX_DRAWN_NODES}); print format_graph_table(root) instead, or "
            "draw a smaller expression"
        )
    steps = backward_steps(root)
    if show_grads_upto is not None:
        if isinstance(show_grads_upto, bool) or not isinstance(show_grads_upto, numbers.Integral):
            raise TypeError(f"show_grads_upto must be an integer, got {describe(show_grads_upto)}")
        if not 0 <= show_grads_upto <= len(steps):
            raise ValueError(
                f"show_grads_upto must be between 0 and {len(steps)} "
                f"(the number of nodes), got {show_grads_upto}"
            )
        if highlight is None and show_grads_upto > 0:
            highlight = steps[show_grads_upto - 1]
    highlight = _checked_highlight(highlight, steps, nodes)
    known = {id(n) for n in (steps if show_grads_upto is None else steps[:show_grads_upto])}

    where = _layout(nodes)
    n_cols = 1 + max(c for c, _ in where.values())
    n_rows = max(sum(1 for c, _ in where.values() if c == col) for col in range(n_cols))
    if title is None and show_grads_upto is not None:
        title = f"backward pass: step {show_grads_upto} of {len(steps)}"
    if ax is None:
        title_room = 0.0 if title is None else 0.35  # inches
        height = 0.4 + ROW_INCHES * n_rows + title_room
        fig = new_figure(figsize=(0.2 + COLUMN_INCHES * n_cols, height), layout=None)
        fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99 - title_room / height)
        ax = fig.add_subplot()
    box_w, box_h = 0.74, 0.66
    names = _names(nodes)
    xy = {k: (float(c), -r) for k, (c, r) in where.items()}

    for n in nodes:
        x, y = xy[id(n)]
        is_hl = n is highlight
        if show_grads_upto is None:
            face = COLORS["pale_blue"] if not n.parents else COLORS["paper"]
        else:
            face = COLORS["pale_green"] if id(n) in known else COLORS["pale_grey"]
        ax.add_patch(
            FancyBboxPatch(
                (x - box_w / 2, y - box_h / 2),
                box_w,
                box_h,
                boxstyle="round,pad=0.02",
                facecolor=COLORS["pale_orange"] if is_hl else face,
                edgecolor=COLORS["vermillion" if is_hl else "dark_grey"],
                linewidth=3.0 if is_hl else 1.0,
                zorder=2,
            )
        )
        grad = fmt(n.grad) if id(n) in known else "?"
        head = names[id(n)] + (f"  [{n.op}]" if n.op else "")
        ax.text(
            x,
            y,
            f"{head}\ndata = {fmt(n.data)}\ngrad = {grad}",
            ha="center",
            va="center",
            fontsize=NODE_FONT_PT,
            zorder=3,
            fontweight="bold" if is_hl else "normal",
        )
    for n in nodes:
        seen_from: dict[int, int] = {}
        for p in n.parents:
            k = seen_from[id(p)] = seen_from.get(id(p), -1) + 1  # x*x: two curved arrows
            bend = 0.5 * (k - (sum(q is p for q in n.parents) - 1) / 2)
            (x0, y0), (x1, y1) = xy[id(p)], xy[id(n)]
            flowing = n is highlight and show_grads_upto is not None
            ax.add_patch(
                FancyArrowPatch(
                    (x0 + box_w / 2, y0),
                    (x1 - box_w / 2, y1),
                    arrowstyle="-|>",
                    mutation_scale=12,
                    shrinkA=1,
                    shrinkB=1,
                    zorder=1,
                    connectionstyle=f"arc3,rad={bend}",
                    color=COLORS["vermillion" if flowing else "dark_grey"],
                    linewidth=2.0 if flowing else 1.0,
                )
            )

    rows_here = [r for _, r in where.values()]
    ax.set_xlim(-0.5, n_cols - 0.5)
    ax.set_ylim(-max(rows_here) - 0.5, -min(rows_here) + 0.5)
    ax.axis("off")
    if title is not None:
        ax.set_title(title)
    return ax.figure
