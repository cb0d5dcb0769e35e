"""The feedback HTML, opened in a real chromium: no student script runs, nothing is loaded.

The attack notebook of ``tests/preprocessors/`` is rendered with nbgrader's feedback
exporter, after CapOutputs and SanitizeNotebook and with the Content-Security-Policy, written
to a file and opened with ``file://``, as a student opens their feedback.  Every attack, if it
ran, would set ``window.__pwned``, change the title and fetch a URL of a local beacon server;
others would load a page, a style or an image from it.  The page is given time (a meta refresh
fires after 1 s) and its links and buttons are clicked.

The same notebook rendered as plain nbgrader renders it must run several attacks in the same
browser: proof that the check can fail.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.preprocessors.attack_notebook import attack_notebook
from tests.preprocessors.feedback import FEEDBACK_RESOURCES, active_content, export_feedback

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:Your element with mimetype")]

SETTLE_MS = 2500  # the meta refresh fires after 1 s; images fail and iframes load meanwhile


@dataclass
class Beacon:
    url: str
    hits: list = field(default_factory=list)


@pytest.fixture
def beacon():
    """A local HTTP server that records every request (an attack that ran, or something loaded)."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            hits.append(f"{self.command} {self.path}")
            self.send_response(204)  # no content: a navigation to it leaves the page as it is
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Private-Network", "true")
            self.end_headers()

        do_GET = do_POST = do_OPTIONS = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Beacon(f"http://127.0.0.1:{server.server_address[1]}/", hits)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


CLICK_LINKS = """() => {
    for (const a of document.querySelectorAll('a[href]')) {
        if (/^\\s*(javascript|vbscript):/i.test(a.getAttribute('href'))) a.click();
    }
}"""
CLICK_BUTTONS = """() => {
  for (const b of document.querySelectorAll('button, input[type=submit]')) b.click();
}"""
STATE = """() => ({pwned: typeof window.__pwned === 'string' ? window.__pwned : null,
                 title: document.title, url: location.href})"""


def visit(browser, path, beacon: Beacon) -> dict:
    """Open ``path`` as a student would, let it settle, click what can be clicked; report.

    ``requests`` are the requests that left the page (chromium reports one the CSP refused as a
    request that failed with "csp": those are listed in ``blocked_by_csp`` instead).
    """
    context = browser.new_context()
    requests, blocked_by_csp, dialogs = [], [], []

    def route(request_route):  # offline: only the page itself and the beacon
        url = request_route.request.url
        if url.startswith(("file:", "data:", beacon.url)):
            request_route.continue_()
        else:
            request_route.abort()

    try:
        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.on(
            "requestfailed",
            lambda request: request.failure == "csp" and blocked_by_csp.append(request.url),
        )
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(SETTLE_MS)
        before_clicks = page.evaluate(STATE)
        dom = active_content(page.content())
        page.evaluate(CLICK_LINKS)
        page.wait_for_timeout(500)
        page.evaluate(CLICK_BUTTONS)  # a form sent to the beacon (204: the page stays)
        page.wait_for_timeout(500)
        after_clicks = page.evaluate(STATE)
        return {
            "state": before_clicks,
            "after_clicks": after_clicks,
            "dom": dom,
            "dialogs": dialogs,
            "requests": [
                u
                for u in requests
                if not u.startswith(("file:", "data:")) and u not in blocked_by_csp
            ],
            "blocked_by_csp": blocked_by_csp,
            "hits": list(beacon.hits),
        }
    finally:
        context.close()


def attacks_that_ran(report: dict, beacon: Beacon) -> set[str]:
    ran = {hit.split(" ", 1)[1].lstrip("/") for hit in report["hits"]}
    for state in (report["state"], report["after_clicks"]):
        if state["pwned"]:
            ran.add(state["pwned"])
        if state["title"].startswith("PWNED-"):
            ran.add(state["title"][len("PWNED-") :])
    return ran


def test_no_student_script_runs_in_the_feedback(browser, beacon, tmp_path):
    page_file = tmp_path / "feedback.html"
    page_file.write_text(export_feedback(attack_notebook(beacon.url), tmp_path / "course"))
    report = visit(browser, page_file, beacon)
    print("blocked by the CSP:", report["blocked_by_csp"])
    title = FEEDBACK_RESOURCES["nbgrader"]["notebook"]
    for state in (report["state"], report["after_clicks"]):
        assert state == {"pwned": None, "title": title, "url": page_file.as_uri()}, report
    assert report["hits"] == [], report  # no script fetched, nothing loaded, no refresh
    assert report["requests"] == [], report  # none left the browser: not even MathJax
    assert any("mathjax" in url for url in report["blocked_by_csp"]), report  # (the CSP stopped it)
    assert report["dom"] == [] and report["dialogs"] == [], report


def test_sanitizing_alone_stops_every_script(browser, beacon, tmp_path):
    """Without the CSP (the formgrader shows the autograded notebook on the server's origin)."""
    page_file = tmp_path / "autograded.html"
    page_file.write_text(
        export_feedback(attack_notebook(beacon.url), tmp_path / "course", csp=False)
    )
    report = visit(browser, page_file, beacon)
    for state in (report["state"], report["after_clicks"]):
        assert state["pwned"] is None and not state["title"].startswith("PWNED-"), report
    assert report["dom"] == [] and report["dialogs"] == [], report
    # Only what honest markdown may do: show an image from the web.
    assert report["hits"] == ["GET /md-image.png"], report


def test_the_check_is_real_plain_nbgrader_feedback_runs_the_attacks(browser, beacon, tmp_path):
    page_file = tmp_path / "feedback-unsafe.html"
    page_file.write_text(
        export_feedback(attack_notebook(beacon.url), tmp_path / "course", safe=False)
    )
    report = visit(browser, page_file, beacon)
    ran = attacks_that_ran(report, beacon)
    print("attacks that ran in plain nbgrader feedback:", sorted(ran))
    # Scripts from markdown, from an HTML output and from nbgrader's unescaped grade_id, a meta
    # refresh, clicked javascript: links (one made by nbconvert's strip_files_prefix), a form:
    # the browser check sees them all.
    assert {
        "md-img-onerror",
        "md-script",
        "out-html-img",
        "grade-id",
        "md-refresh",
        "md-html-link",
        "md-files-markdown",
        "md-form?q=1",
    } <= ran, (ran, report)
    assert report["state"]["pwned"] is not None and report["state"]["title"].startswith("PWNED-")
