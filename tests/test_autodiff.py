"""utils.autodiff: the lecture graph, every operation against TensorFlow and finite
differences, gradient accumulation, input errors, and the graph table and drawing."""

import doctest
import io
import math
import sys
import zlib

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

import utils.autodiff as autodiff
from utils.autodiff import (
    Value,
    backward_steps,
    draw_graph,
    engine,
    format_graph_table,
    graph,
    graph_table,
    real,
    trace,
)

N_INPUTS = 5  # random inputs per operation


def lecture_graph():
    """J = 1/2 (w x + b - y)^2 at x = 2, w = -2, b = 8, y = 1, with named intermediates."""
    w, x, b, y = Value(-2, "w"), Value(2, "x"), Value(8, "b"), Value(1, "y")
    c = w * x
    c.label = "c"
    a = c + b
    a.label = "a"
    d = a - y
    d.label = "d"
    J = 0.5 * d**2
    J.label = "J"
    return dict(w=w, x=x, b=b, y=y, c=c, a=a, d=d, J=J)


def inputs(name, low, high, n=N_INPUTS):
    """Seeded random inputs, a different but fixed stream per test case."""
    return np.random.default_rng(zlib.crc32(name.encode())).uniform(low, high, size=n)


# ---------------------------------------------------------------- the lecture


def test_lecture_values_and_gradients_exactly():
    g = lecture_graph()
    g["J"].backward()
    assert [g[k].data for k in "cadJ"] == [-4.0, 4.0, 3.0, 4.5]
    assert g["w"].grad == 6.0 and g["b"].grad == 3.0
    assert g["d"].grad == 3.0 and g["a"].grad == 3.0 and g["c"].grad == 3.0
    assert g["x"].grad == -6.0 and g["y"].grad == -3.0 and g["J"].grad == 1.0


def test_lecture_local_derivatives_are_stored():
    g = lecture_graph()
    assert g["c"].op == "*" and g["c"].parents == (g["w"], g["x"])
    assert g["c"].local_grads == (2.0, -2.0)  # dc/dw = x, dc/dx = w
    assert g["d"].op == "-" and g["d"].local_grads == (1.0, -1.0)
    assert g["w"].op == "" and g["w"].parents == () and g["w"].local_grads == ()


def test_w_squared():
    w = Value(3, label="w")
    J = w**2
    J.backward()
    assert (J.data, w.grad, J.op) == (9.0, 6.0, "**2")


# ------------------------------------------- every operation vs TensorFlow
# Each expression takes a namespace `o` of functions, so the same formula
# runs on Values (o = ValueOps) and on TensorFlow tensors (o = TFOps).


class ValueOps:
    relu = staticmethod(lambda v: v.relu())
    sigmoid = staticmethod(lambda v: v.sigmoid())
    tanh = staticmethod(lambda v: v.tanh())
    exp = staticmethod(lambda v: v.exp())
    log = staticmethod(lambda v: v.log())


def tf_ops(tf):
    class TFOps:
        relu = staticmethod(tf.nn.relu)
        sigmoid = staticmethod(tf.math.sigmoid)
        tanh = staticmethod(tf.math.tanh)
        exp = staticmethod(tf.math.exp)
        log = staticmethod(tf.math.log)

    return TFOps


UNARY = {  # name: (expression, low, high) -- inputs drawn from [low, high)
    "neg": (lambda o, x: -x, -3, 3),
    "relu": (lambda o, x: o.relu(x), -3, 3),
    "sigmoid": (lambda o, x: o.sigmoid(x), -8, 8),
    "tanh": (lambda o, x: o.tanh(x), -3, 3),
    "exp": (lambda o, x: o.exp(x), -3, 3),
    "log": (lambda o, x: o.log(x), 0.05, 5),
    "x**2": (lambda o, x: x**2, -3, 3),
    "x**3": (lambda o, x: x**3, -3, 3),
    "x**0": (lambda o, x: x**0, 0.5, 3),
    "x**-1": (lambda o, x: x**-1, 0.5, 3),
    "x**-1 negative x": (lambda o, x: x**-1, -3, -0.5),
    "x**0.5": (lambda o, x: x**0.5, 0.05, 5),
    "x**-2.5": (lambda o, x: x**-2.5, 0.2, 4),
    "x + c": (lambda o, x: x + 1.5, -3, 3),
    "c + x": (lambda o, x: 1.5 + x, -3, 3),
    "x - c": (lambda o, x: x - 1.5, -3, 3),
    "c - x": (lambda o, x: 1.5 - x, -3, 3),
    "x * c": (lambda o, x: x * 2.5, -3, 3),
    "c * x": (lambda o, x: 2.5 * x, -3, 3),
    "x / c": (lambda o, x: x / 2.5, -3, 3),
    "c / x": (lambda o, x: 2.5 / x, 0.5, 3),
    "x * x": (lambda o, x: x * x, -3, 3),
    "x + x": (lambda o, x: x + x, -3, 3),
    "x * x * x": (lambda o, x: x * x * x, -3, 3),
    "x / x": (lambda o, x: x / x, 0.5, 3),
    "sigmoid(x) * (1 - sigmoid(x))": (lambda o, x: o.sigmoid(x) * (1 - o.sigmoid(x)), -4, 4),
    "log(1 + exp(x))": (lambda o, x: o.log(1 + o.exp(x)), -4, 4),
    "tanh(relu(x)**2)": (lambda o, x: o.tanh(o.relu(x) ** 2), -2, 2),
}

BINARY = {  # name: (expression, (low, high) for x, (low, high) for y)
    "x + y": (lambda o, x, y: x + y, (-3, 3), (-3, 3)),
    "x - y": (lambda o, x, y: x - y, (-3, 3), (-3, 3)),
    "x * y": (lambda o, x, y: x * y, (-3, 3), (-3, 3)),
    "x / y": (lambda o, x, y: x / y, (-3, 3), (0.5, 3)),
    "x / y, y < 0": (lambda o, x, y: x / y, (-3, 3), (-3, -0.5)),
    "(x - y)**2 / 2": (lambda o, x, y: (x - y) ** 2 / 2, (-3, 3), (-3, 3)),
    "tanh(x*y + x/y)": (lambda o, x, y: o.tanh(x * y + x / y), (-2, 2), (0.5, 2)),
    "log(exp(x) + exp(y))": (lambda o, x, y: o.log(o.exp(x) + o.exp(y)), (-3, 3), (-3, 3)),
    "sigmoid(x) * relu(y) - x": (lambda o, x, y: o.sigmoid(x) * o.relu(y) - x, (-3, 3), (-3, 3)),
    "diamond (x*y) * (x+y)": (lambda o, x, y: (x * y) * (x + y), (-3, 3), (-3, 3)),
}


def value_and_grads(expr, *xs):
    leaves = [Value(x) for x in xs]
    out = expr(ValueOps, *leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


def tf_value_and_grads(tf, expr, *xs):
    leaves = [tf.constant(x, dtype=tf.float64) for x in xs]
    with tf.GradientTape() as tape:
        for leaf in leaves:
            tape.watch(leaf)
        out = expr(tf_ops(tf), *leaves)
    grads = tape.gradient(out, leaves)
    return float(out.numpy()), [float(g.numpy()) for g in grads]


def finite_difference_grads(expr, *xs, h=1e-6):
    def f(*args):
        return expr(ValueOps, *[Value(a) for a in args]).data

    grads = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        grads.append((f(*up) - f(*down)) / (2 * h))
    return grads


def unary_cases():
    for name, (expr, low, high) in UNARY.items():
        yield pytest.param(expr, [(x,) for x in inputs(name, low, high)], id=name)


def binary_cases():
    for name, (expr, (xl, xh), (yl, yh)) in BINARY.items():
        xs, ys = inputs(name + "x", xl, xh), inputs(name + "y", yl, yh)
        yield pytest.param(expr, list(zip(xs, ys)), id=name)


ALL_CASES = list(unary_cases()) + list(binary_cases())


@pytest.mark.parametrize("expr, points", ALL_CASES)
def test_value_and_gradient_match_tensorflow(tf, expr, points):
    for point in points:
        ours, our_grads = value_and_grads(expr, *point)
        theirs, their_grads = tf_value_and_grads(tf, expr, *point)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14, err_msg=f"at {point}")
        np.testing.assert_allclose(
            our_grads, their_grads, rtol=1e-11, atol=1e-13, err_msg=f"gradient at {point}"
        )


@pytest.mark.parametrize("expr, points", ALL_CASES)
def test_gradient_matches_centred_finite_differences(expr, points):
    for point in points:
        _, our_grads = value_and_grads(expr, *point)
        np.testing.assert_allclose(
            our_grads,
            finite_difference_grads(expr, *point),
            rtol=1e-6,
            atol=1e-7,
            err_msg=f"at {point}",
        )


def neuron_net(o, x1, x2, w11, w12, w21, w22, b1, b2, v1, v2, c, *, hidden, output, target):
    """A 2-2-1 network and its loss; `hidden` and `output` name activations in `o`."""
    act_h, act_o = getattr(o, hidden), getattr(o, output)
    h1 = act_h(w11 * x1 + w12 * x2 + b1)
    h2 = act_h(w21 * x1 + w22 * x2 + b2)
    p = act_o(v1 * h1 + v2 * h2 + c)
    if output == "sigmoid":  # binary cross-entropy
        return -(target * o.log(p) + (1 - target) * o.log(1 - p))
    return (p - target) ** 2 / 2


@pytest.mark.parametrize(
    "hidden, output",
    [("tanh", "sigmoid"), ("relu", "sigmoid"), ("sigmoid", "tanh"), ("relu", "tanh")],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_2_2_1_network_matches_tensorflow_and_finite_differences(tf, hidden, output, seed):
    rng = np.random.default_rng(seed)
    point = rng.normal(size=11)  # x1, x2 and the nine parameters
    target = float(rng.integers(0, 2))

    def expr(o, *args):
        return neuron_net(o, *args, hidden=hidden, output=output, target=target)

    ours, our_grads = value_and_grads(expr, *point)
    theirs, their_grads = tf_value_and_grads(tf, expr, *point)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose(our_grads, their_grads, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(
        our_grads, finite_difference_grads(expr, *point), rtol=1e-6, atol=1e-8
    )
    assert any(g != 0 for g in our_grads[2:])  # the check is not vacuous


# ------------------------------------------------ reuse and repeated backward


@pytest.mark.parametrize("x0", [-1.5, 0.25, 3.0])
def test_a_node_used_twice_accumulates(x0):
    x = Value(x0)
    (x * x).backward()
    assert x.grad == 2 * x0
    (x + x).backward()
    assert x.grad == 2.0
    (x * x * x).backward()
    assert x.grad == pytest.approx(3 * x0**2, rel=1e-15)
    y = x * x
    (y + y).backward()  # an intermediate node used twice
    assert x.grad == 4 * x0
    y = Value(2.0)
    (x * y + x).backward()  # x used in two branches
    assert (x.grad, y.grad) == (3.0, x0)


def test_backward_twice_gives_the_same_gradients():
    g = lecture_graph()
    nodes = trace(g["J"])
    g["J"].backward()
    first = [n.grad for n in nodes]
    g["J"].backward()  # no reset: backward starts from zero itself
    assert [n.grad for n in nodes] == first
    g["J"].zero_grad()
    assert all(n.grad == 0.0 for n in nodes)
    g["J"].backward()
    assert [n.grad for n in nodes] == first
    g["d"].backward()  # a different output overwrites the gradients it reaches
    assert g["w"].grad == 2.0 and g["d"].grad == 1.0
    g["J"].backward()
    assert [n.grad for n in nodes] == first


def test_long_chain_has_no_recursion_limit():
    x = Value(1.0, "x")
    y = x
    for _ in range(3 * sys.getrecursionlimit()):
        y = y + x
    y.backward()
    assert x.grad == 3 * sys.getrecursionlimit() + 1
    assert len(trace(y)) == 3 * sys.getrecursionlimit() + 1  # x and the sums


def test_numbers_and_numpy_scalars_mix_with_values():
    w = Value(3.0, "w")
    for number in (2, 2.0, np.float64(2.0), np.float32(2.0), np.int64(2)):
        out = number * w
        assert isinstance(out, Value) and out.data == 6.0
        out.backward()
        assert w.grad == 2.0
    assert Value(np.array(2.5)).data == 2.5 and Value(np.array([[2.5]])).data == 2.5
    assert isinstance(Value(np.float32(2.5)).data, float)
    const = (1 - w).parents[0]
    assert const.label == "1" and const.data == 1.0 and const.op == ""


def test_extreme_but_finite_inputs():
    assert Value(-1000.0).sigmoid().data == 0.0 and Value(1000.0).sigmoid().data == 1.0
    assert Value(40.0).tanh().local_grads == (0.0,)
    assert Value(0.0).relu().local_grads == (0.0,)  # TensorFlow's choice at the kink
    assert (Value(0.0) ** 2).local_grads == (0.0,) and (Value(0.0) ** 0).data == 1.0


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "bad, error",
    [
        ("abc", TypeError),
        (None, TypeError),
        (True, TypeError),
        (1 + 2j, TypeError),
        ([1.0], TypeError),
        (np.array(["a"]), TypeError),
        (float("nan"), ValueError),
        (math.inf, ValueError),
        (-math.inf, ValueError),
        (np.float64("nan"), ValueError),
        (np.array([1.0, 2.0]), ValueError),
        (np.array([]), ValueError),
        (10**400, ValueError),
    ],
)
def test_constructing_from_a_non_number_fails(bad, error):
    with pytest.raises(error, match="finite real number"):
        Value(bad)


def test_operating_with_a_non_number_fails():
    with pytest.raises(TypeError, match="finite real number"):
        Value(1.0) + "a"
    with pytest.raises(TypeError, match="finite real number"):
        None * Value(1.0)
    with pytest.raises(ValueError, match="finite real number"):
        Value(1.0) - float("nan")
    with pytest.raises(TypeError, match="got a Value"):
        Value(Value(1.0))
    with pytest.raises(TypeError, match="label must be a string"):
        Value(1.0, label=3)


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_log_of_non_positive_fails(x):
    with pytest.raises(ValueError, match="only defined for positive numbers"):
        Value(x).log()


@pytest.mark.parametrize("exponent", ["2", None, Value(2.0), True, [2], 1j])
def test_power_with_non_number_exponent_fails(exponent):
    with pytest.raises(TypeError, match="exponent must be"):
        Value(3.0) ** exponent


def test_other_undefined_results_fail_clearly():
    with pytest.raises(TypeError, match="not supported"):
        2 ** Value(3.0)
    with pytest.raises(ValueError, match="exponent must be a finite"):
        Value(3.0) ** math.inf
    with pytest.raises(ValueError, match="not a real number"):
        Value(-4.0) ** 0.5
    with pytest.raises(ValueError, match="infinite derivative"):
        Value(0.0) ** 0.5
    with pytest.raises(ZeroDivisionError, match="undefined at x = 0"):
        Value(0.0) ** -1
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        1 / Value(0.0)
    with pytest.raises(OverflowError, match="too large"):
        Value(1000.0).exp()
    with pytest.raises(OverflowError, match="too large"):
        Value(1e200) * 1e200
    with pytest.raises(OverflowError, match="too large"):
        Value(1e200) ** 2


# ------------------------------------------------------ listing the graph


def test_trace_is_topological():
    g = lecture_graph()
    nodes = trace(g["J"])
    assert nodes[-1] is g["J"] and len(nodes) == 10  # 9 named/inner nodes + constant 0.5
    position = {id(n): i for i, n in enumerate(nodes)}
    assert len(position) == len(nodes)
    for n in nodes:
        assert all(position[id(p)] < position[id(n)] for p in n.parents)
    with pytest.raises(TypeError, match="root must be a Value"):
        trace(4.5)


def test_graph_table_rows():
    g = lecture_graph()
    g["J"].backward()
    rows = graph_table(g["J"])
    assert [tuple(r.values()) for r in rows] == [
        ("0.5", "", 0.5, 9.0),
        ("w", "", -2.0, 6.0),
        ("x", "", 2.0, -6.0),
        ("c", "*", -4.0, 3.0),
        ("b", "", 8.0, 3.0),
        ("a", "+", 4.0, 3.0),
        ("y", "", 1.0, -3.0),
        ("d", "-", 3.0, 3.0),
        ("", "**2", 9.0, 0.5),
        ("J", "*", 4.5, 1.0),
    ]
    assert all(list(r) == ["label", "op", "data", "grad"] for r in rows)


def test_format_graph_table_is_readable():
    g = lecture_graph()
    g["J"].backward()
    text = format_graph_table(g["J"])
    lines = text.splitlines()
    assert len(lines) == 11 and lines[0].split() == ["node", "computed", "as", "data", "grad"]
    assert lines[4].split() == ["c", "w", "*", "x", "-4", "3"]
    assert lines[8].split() == ["d", "a", "-", "y", "3", "3"]
    assert lines[9].split() == ["n8", "d", "**2", "9", "0.5"]  # unnamed node: n<index>
    assert lines[10].split() == ["J", "0.5", "*", "n8", "4.5", "1"]
    assert lines[2].split() == ["w", "(input)", "-2", "6"]
    assert "relu(x)" in format_graph_table(Value(1.0, "x").relu())


def test_backward_steps_order():
    g = lecture_graph()
    steps = backward_steps(g["J"])
    assert [n.label or n.op for n in steps] == [
        "J",
        "0.5",
        "**2",
        "d",
        "a",
        "y",
        "c",
        "b",
        "w",
        "x",
    ]
    assert sorted(map(id, steps)) == sorted(map(id, trace(g["J"])))
    for k, node in enumerate(steps):  # when visited, every user of the node came earlier
        users = [m for m in steps if any(p is node for p in m.parents)]
        assert all(steps.index(u) < k for u in users)


def test_backward_visits_nodes_in_backward_steps_order():
    # Replaying the chain rule in backward_steps order reproduces backward().
    g = lecture_graph()
    g["J"].backward()
    expected = {id(n): n.grad for n in trace(g["J"])}
    grads = {id(n): 0.0 for n in trace(g["J"])}
    grads[id(g["J"])] = 1.0
    for node in backward_steps(g["J"]):
        assert grads[id(node)] == expected[id(node)]  # final when visited
        for p, local in zip(node.parents, node.local_grads):
            grads[id(p)] += grads[id(node)] * local


# ------------------------------------------------------ drawing the graph


def boxes(fig):
    return [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]


def centre(box):
    return (box.get_x() + box.get_width() / 2, box.get_y() + box.get_height() / 2)


def arrows(fig):
    return [p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]


def test_draw_graph_has_one_box_and_text_per_node_and_one_arrow_per_edge():
    g = lecture_graph()
    g["J"].backward()
    nodes = trace(g["J"])
    fig = draw_graph(g["J"])
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == len(boxes(fig)) == len(nodes) == 10
    for node, text in zip(nodes, texts):
        assert f"data = {node.data:.4g}" in text and f"grad = {node.grad:.4g}" in text
        assert not node.label or text.startswith(node.label)
    assert len(arrows(fig)) == sum(len(n.parents) for n in nodes) == 9
    assert "?" not in "".join(texts)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")  # it renders
    assert buffer.getvalue()[:4] == b"\x89PNG"


def test_draw_graph_lays_out_left_to_right_by_depth():
    g = lecture_graph()
    fig = draw_graph(g["J"])
    x_of = {t.get_text().split()[0]: t.get_position()[0] for t in fig.axes[0].texts}
    assert x_of["w"] == x_of["x"] < x_of["c"] < x_of["a"] < x_of["d"] < x_of["n8"] < x_of["J"]
    assert x_of["b"] == x_of["c"] and x_of["y"] == x_of["a"]  # an input sits by its user


def test_draw_graph_shows_the_backward_pass_step_by_step():
    g = lecture_graph()
    g["J"].backward()
    steps = backward_steps(g["J"])
    n = len(steps)
    for k in range(n + 1):
        fig = draw_graph(g["J"], show_grads_upto=k)
        texts = [t.get_text() for t in fig.axes[0].texts]
        assert sum("grad = ?" in t for t in texts) == n - k
        assert fig.axes[0].get_title() == f"backward pass: step {k} of {n}"
        thick = [b for b in boxes(fig) if b.get_linewidth() > 1]
        red = [a for a in arrows(fig) if a.get_linewidth() > 1]
        if k == 0:
            assert thick == [] and red == []
        else:
            visited = steps[k - 1]
            assert len(thick) == 1 and len(red) == len(visited.parents)
            hl_text = texts[trace(g["J"]).index(visited)]
            assert f"grad = {visited.grad:.4g}" in hl_text
            assert centre(thick[0]) == pytest.approx(
                fig.axes[0].texts[trace(g["J"]).index(visited)].get_position()
            )


def test_draw_graph_highlight_by_node_or_index():
    g = lecture_graph()
    steps = backward_steps(g["J"])
    for chosen in (g["c"], steps.index(g["c"]), steps.index(g["c"]) - len(steps)):
        fig = draw_graph(g["J"], highlight=chosen)
        thick = [b for b in boxes(fig) if b.get_linewidth() > 1]
        assert len(thick) == 1
        c_text = next(t for t in fig.axes[0].texts if t.get_text().startswith("c"))
        assert centre(thick[0]) == pytest.approx(c_text.get_position())
        assert c_text.get_fontweight() == "bold"


def test_draw_graph_into_given_axes_without_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = Figure()
    ax = fig.add_subplot()
    g = lecture_graph()
    assert draw_graph(g["J"], ax=ax, title="J") is fig
    assert ax.get_title() == "J" and len(ax.texts) == 10
    draw_graph(g["J"])
    assert plt.get_fignums() == before


def test_draw_graph_x_times_x_draws_two_arrows():
    x = Value(3.0, "x")
    fig = draw_graph(x * x)
    assert len(arrows(fig)) == 2 and len(fig.axes[0].texts) == 2


def test_draw_graph_bad_arguments():
    g = lecture_graph()
    with pytest.raises(ValueError, match="between 0 and 10"):
        draw_graph(g["J"], show_grads_upto=11)
    with pytest.raises(ValueError, match="between 0 and 10"):
        draw_graph(g["J"], show_grads_upto=-1)
    with pytest.raises(TypeError, match="must be an integer"):
        draw_graph(g["J"], show_grads_upto=1.5)
    with pytest.raises(ValueError, match="node of this graph"):
        draw_graph(g["J"], highlight=Value(1.0))
    with pytest.raises(IndexError, match="out of range"):
        draw_graph(g["J"], highlight=10)
    with pytest.raises(TypeError, match="Value or an index"):
        draw_graph(g["J"], highlight="c")
    with pytest.raises(TypeError, match="root must be a Value"):
        draw_graph(4.5)
    big = Value(0.0)
    for _ in range(autodiff.MAX_DRAWN_NODES):
        big = big + 1
    with pytest.raises(ValueError, match="too many to draw"):
        draw_graph(big)


# ------------------------------------------------------------------- misc


def test_repr():
    g = lecture_graph()
    assert repr(g["c"]) == "Value(data=-4.0, grad=0.0, label='c', op='*')"
    assert repr(Value(2)) == "Value(data=2.0, grad=0.0)"


@pytest.mark.parametrize("module", [autodiff, engine, graph, real], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0


def test_docstring_examples_cover_the_whole_package():
    attempted = sum(doctest.testmod(m).attempted for m in (autodiff, engine, graph, real))
    assert attempted >= 15


def test_the_engine_reads_on_its_own():
    """engine.py needs neither the drawing nor matplotlib: Value, backward() and trace only."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(engine))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(
        "matplotlib" in name or "graph" in name or "style" in name for name in imported
    ), imported
    assert engine.Value is Value and engine.trace is trace
    assert graph.backward_steps is backward_steps and graph.draw_graph is draw_graph


def test_backward_steps_replay_matches_backward_when_a_node_has_many_users():
    x, y = Value(0.7, "x"), Value(-1.3, "y")
    z = x * y + x.tanh() + x.exp() * x - y / x
    z.backward()
    expected = {id(n): n.grad for n in trace(z)}
    grads = {id(n): 0.0 for n in trace(z)}
    grads[id(z)] = 1.0
    for node in backward_steps(z):
        assert grads[id(node)] == pytest.approx(expected[id(node)], rel=1e-14, abs=1e-15)
        for p, local in zip(node.parents, node.local_grads):
            grads[id(p)] += grads[id(node)] * local
