"""Driving a notebook in JupyterLab from Playwright: open it, Run All, wait, read its state.

Shared by the browser tests (``test_lab.py``, ``test_drawing_pad.py``, ...).
"""

from __future__ import annotations

import re
import time

OPEN_TIMEOUT = 120  # s: opening a notebook and starting its kernel
RUN_TIMEOUT = 600  # s: Run All Cells (TensorFlow imports, training; two busy cores)
REDRAW_TIMEOUT = 120  # s: one widget redraw (the gradient race retrains two networks)
VALIDATE_TIMEOUT = 600  # s: nbgrader validate runs the whole notebook server-side
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# Helpers installed in every page: find a notebook panel by path and summarise its state from
# the notebook model (exposed by --LabApp.expose_app_in_browser).  DOM text is read with
# textContent: JupyterLab 4 skips rendering off-screen cells (content-visibility), so innerText
# of an off-screen cell is empty.
HELPERS = (
    """
window.__course = {
  panel(path) {
    const app = window.jupyterapp;
    if (!app || !app.shell) return null;
    for (const w of app.shell.widgets('main')) {
      if (w.context && w.context.path === path && w.content && w.content.model) return w;
    }
    return null;
  },
  state(path) {
    const w = window.__course.panel(path);
    if (!w || !w.sessionContext) return null;
    const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
    const code = [...w.content.model.cells].filter(c => c.type === 'code');
    const problems = [];
    let widgetViews = 0;
    code.forEach((cell, i) => {
      for (const out of cell.outputs.toJSON()) {
        if (out.output_type === 'error') {
          problems.push({cell: i, text: out.ename + ': ' + out.evalue});
        } else if (out.output_type === 'stream' && out.name === 'stderr') {
          problems.push({cell: i, text: [].concat(out.text).join('')});
        }
        if (out.data && out.data['"""
    + WIDGET_MIME
    + """']) widgetViews += 1;
      }
    });
    return {
      kernel: kernel ? kernel.status : null,
      codeCells: code.length,
      counts: code.map(c => c.executionCount),
      running: [...w.node.querySelectorAll('.jp-InputPrompt')]
        .filter(e => e.textContent.includes('*')).length,
      problems, widgetViews,
    };
  },
};
"""
)


# --- driving JupyterLab ------------------------------------------------------------------------


def wait_until(predicate, timeout, what, interval=0.25):
    """Poll ``predicate`` until it returns something truthy; else fail with ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def state(page, path):
    return page.evaluate("path => window.__course.state(path)", path)


def dismiss_dialogs(page) -> list[str]:
    """Close any modal dialog (none is expected; their texts go to the failure message)."""
    texts = []
    dialogs = page.locator(".jp-Dialog")
    while dialogs.count():
        dialog = dialogs.first
        texts.append(dialog.text_content() or "")
        accept = dialog.locator(".jp-Dialog-button.jp-mod-accept")
        if accept.count():
            accept.first.click()
        else:
            page.keyboard.press("Escape")
        dialog.wait_for(state="detached", timeout=10_000)
    return texts


def open_notebook(page, lab, path):
    """Open ``path`` in a fresh workspace and wait until its kernel is idle."""
    page.add_init_script(HELPERS)
    page.goto(lab.notebook_url(path))
    page.locator(".jp-NotebookPanel").first.wait_for(timeout=OPEN_TIMEOUT * 1000)
    wait_until(
        lambda: (state(page, path) or {}).get("kernel") == "idle",
        OPEN_TIMEOUT,
        f"the kernel of {path} to start",
    )
    dialogs = dismiss_dialogs(page)
    assert not dialogs, f"unexpected dialogs on opening {path}: {dialogs}"


def run_all_cells(page, path, timeout=RUN_TIMEOUT, expect_errors=False) -> dict:
    """Run > Run All Cells, as a student would, and wait for the kernel to finish."""
    before = state(page, path)
    assert all(c is None for c in before["counts"]), "the notebook should start unexecuted"
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

    def finished():
        s = state(page, path)
        done = (
            s["kernel"] == "idle"
            and s["running"] == 0
            and (all(c is not None for c in s["counts"]) or s["problems"])
        )
        return s if done else None

    started = time.monotonic()
    try:
        result = wait_until(finished, timeout, f"Run All Cells of {path}", interval=0.5)
    except AssertionError:
        dialogs = page.locator(".jp-Dialog").all_text_contents()
        raise AssertionError(
            f"{path} did not finish: {state(page, path)}; dialogs: {dialogs}"
        ) from None
    # Settle: the idle status can flicker between two queued cells.
    time.sleep(1.0)
    result = wait_until(finished, timeout, f"Run All Cells of {path}", interval=0.5)
    result["seconds"] = time.monotonic() - started
    if not expect_errors:
        assert not result["problems"], f"{path}: error or stderr output in {result['problems']}"
        assert result["counts"] == list(range(1, result["codeCells"] + 1)), result["counts"]
    return result


def stderr_in_dom(page):
    return page.locator(f".jp-NotebookPanel:visible {STDERR}")


def save_screenshot(page, screenshots, name, focus=None):
    """The page, with the cell holding ``focus`` (e.g. the first widget) scrolled to the top."""
    if focus is not None and focus.count():
        focus.first.evaluate("e => (e.closest('.jp-Cell') || e).scrollIntoView({block: 'start'})")
        page.wait_for_timeout(500)
    path = screenshots / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
    return path


# --- widgets ---------------------------------------------------------------------------------

# A course FigureWidget (utils/widgets/base.py) renders as a VBox whose direct children are the
# controls' HBox, the Output holding the figure and the status HTML.
