"""Inline CSS (autograder.html_safety.css): allowed properties with plain values, nothing else."""

from __future__ import annotations

import pytest

from autograder.html_safety import css_is_safe


@pytest.mark.parametrize(
    "style",
    [
        "",
        "text-align: right;",
        "background-color: #f0f0f0; padding: 4px",
        "color: rgb(200, 0, 0)",
        "width: calc(100% - 2em); font-family: 'DejaVu Sans', sans-serif",
        "font-weight: bold !important",
    ],
)
def test_plain_styles_are_kept(style):
    assert css_is_safe(style)


@pytest.mark.parametrize(
    "style",
    [
        "background: url(http://evil/x.png)",  # not an allowed property
        "background-color: url(http://evil/x.png)",
        "width: expression(alert(1))",
        "color: red; behavior: url(x.htc)",
        "color: red /* comment */",
        "color: \\72 ed",
        "@import 'http://evil/x.css'",
        "color: rgb(1, 2, 3",
        "position: fixed",
        "color red",
        "font-family: '<b>'",
    ],
)
def test_styles_that_load_run_or_escape_are_refused(style):
    assert not css_is_safe(style)
