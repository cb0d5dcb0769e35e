"""SVG (autograder.html_safety.svg): a matplotlib figure passes, anything that runs or loads not."""

from __future__ import annotations

import io

import pytest
from matplotlib.figure import Figure

from autograder.html_safety import svg_is_safe


def test_a_matplotlib_figure_is_safe():
    fig = Figure()
    ax = fig.subplots()
    ax.imshow([[0, 1], [1, 0]])
    ax.set_title("a < b & c")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    assert svg_is_safe(buffer.getvalue())


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        '<svg xmlns="http://www.w3.org/2000/svg"><script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script>'
        "</svg>",
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        '<a x:href="javascript:alert(1)">'
        "<text>t</text></a></svg>",
        '<svg xmlns="http://www.w3.org/2000/svg">'
        '<set attributeName="onmouseover" to="alert(1)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        '<use x:href="http://evil/x.svg#a"/></svg>',
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://evil/x.css);</style></svg>',
        "<svg><not xml",
    ],
)
def test_unsafe_svg_is_refused(svg):
    assert not svg_is_safe(svg)
