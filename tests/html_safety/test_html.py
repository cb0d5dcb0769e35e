"""HTML (autograder.html_safety.html): checked as a browser parses it, cleaned with bleach."""

from __future__ import annotations

from autograder.html_safety import MAX_DEPTH, html_problems, nesting_depth, sanitize_html


def test_html_tables_survive_cleaning():
    table = (
        "<div><style scoped>.dataframe tbody tr th { vertical-align: top; }</style>"
        '<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th>'
        "<th>a</th></tr></thead><tbody><tr><th>0</th><td>1</td></tr></tbody></table></div>"
    )
    clean = sanitize_html(table)
    assert '<table border="1" class="dataframe">' in clean and "<td>1</td>" in clean
    assert "<style" not in clean and "vertical-align: top" not in clean


def test_html_problems_finds_what_a_browser_would_run():
    assert (
        html_problems('<b>ok</b> <a href="https://example.org">a link</a> <kbd>Enter</kbd>') == []
    )
    assert html_problems('<img src="x" onerror="alert(1)">') == [
        "attribute onerror='alert(1)' on <img>"
    ]
    assert html_problems("<script>alert(1)</script>") == ["element <script>"]
    assert "unterminated tag, attribute or comment" in html_problems('<p title="')
    # nbconvert's strip_files_prefix filter would turn this into a javascript: link
    assert html_problems('<a href="files/javascript:alert(1)">x</a>') != []


def test_deep_nesting_is_refused_before_parsing():
    assert nesting_depth("<div><p>a<p>b<br><img src=x></div>") == 1
    deep = "<div>" * (MAX_DEPTH + 1)
    assert nesting_depth(deep) == MAX_DEPTH + 1
    assert html_problems(deep) == [f"elements nested more than {MAX_DEPTH} deep"]
    assert sanitize_html(deep) == ""
