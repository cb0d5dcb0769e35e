"""URLs (autograder.html_safety.urls): web and mail links and images; no other scheme."""

from __future__ import annotations

import pytest

from autograder.html_safety import url_is_safe

PNG_URL = "data:image/png;base64,iVBORw0KGgo="


@pytest.mark.parametrize(
    "url, attribute, tag",
    [
        ("https://example.org/a?b=c#d", "href", "a"),
        ("http://example.org", "href", "a"),
        ("mailto:teacher@example.org", "href", "a"),
        ("#top", "href", "a"),
        ("figures/plot.png", "src", "img"),
        ("https://example.org/plot.png", "src", "img"),
        (PNG_URL, "src", "img"),
    ],
)
def test_links_and_images_are_kept(url, attribute, tag):
    assert url_is_safe(url, attribute, tag)


@pytest.mark.parametrize(
    "url, attribute, tag",
    [
        ("javascript:alert(1)", "href", "a"),
        (" JaVaScRiPt:alert(1)", "href", "a"),
        ("java\tscr\nipt:alert(1)", "href", "a"),
        ("\x01javascript:alert(1)", "href", "a"),
        ("vbscript:msgbox(1)", "href", "a"),
        ("file:///etc/passwd", "href", "a"),
        (PNG_URL, "href", "a"),  # a data: link is a page, not an image
        ("data:text/html;base64,PHNjcmlwdD4=", "src", "img"),
        ("mailto:teacher@example.org", "src", "img"),
        ("ftp://example.org/x.png", "src", "img"),
    ],
)
def test_other_schemes_are_refused(url, attribute, tag):
    assert not url_is_safe(url, attribute, tag)
