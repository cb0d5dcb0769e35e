"""The Content-Security-Policy (autograder.html_safety.policy): where it goes, what it allows."""

from __future__ import annotations

from autograder.html_safety import CSP, content_security_policy


def test_content_security_policy_placement_and_policy():
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    assert "script-src" not in CSP and "default-src 'none'" in CSP and "'unsafe-eval'" not in CSP
    page = "<!DOCTYPE html>\n<html>\n<head>\n<title>t</title></head><body>x</body></html>"
    assert (
        content_security_policy(page)
        == f"<!DOCTYPE html>\n<html>\n<head>{meta}\n<title>t</title></head><body>x</body></html>"
    )
    assert (
        content_security_policy('<html><head lang="en"><meta charset="utf-8"></head></html>')
        == f'<html><head lang="en">{meta}<meta charset="utf-8"></head></html>'
    )
    assert (
        content_security_policy("<html><body><h1>5 / 6</h1></body></html>")
        == f"<html>{meta}<body><h1>5 / 6</h1></body></html>"
    )
    assert content_security_policy("<p>just a fragment</p>") == f"{meta}<p>just a fragment</p>"
    assert content_security_policy("<!DOCTYPE html><p>x</p>") == f"<!DOCTYPE html>{meta}<p>x</p>"
    # A "<head>" inside the body is not the head.
    assert content_security_policy("<html><body>&lt;<head>x</body>").startswith(
        f"<html>{meta}<body>"
    )
