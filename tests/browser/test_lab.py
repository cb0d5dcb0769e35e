"""End to end: the course in a real JupyterLab, driven in a real chromium as a student would.

One JupyterLab server and one browser per worker (see conftest.py).  Each test opens its
notebook in a fresh tab and workspace, and its kernels are shut down afterwards.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from tests.browser.notebook_page import (
    HELPERS,
    OPEN_TIMEOUT,
    REDRAW_TIMEOUT,
    VALIDATE_TIMEOUT,
    open_notebook,
    run_all_cells,
    save_screenshot,
    state,
    stderr_in_dom,
    wait_until,
)
from tests.browser.test_drawing_pad import DIGIT_PAD, exercise_digit_pad
from tests.chinese import CHINESE

ROOT = Path(__file__).resolve().parents[2]
START_PAGE = "notebooks/START_HERE.ipynb"
STUDENT_NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks" / "week2").glob("*.ipynb"))

# Every worker has its own lab, port and temp dir: correctness never depends on which worker
# runs a file (CI: --dist loadfile keeps a file on one worker, so its lab starts once there).
pytestmark = [pytest.mark.browser, pytest.mark.heavy(minutes=10)]

FIGURE_WIDGET = ".jp-OutputArea-output .widget-vbox:has(> .widget-output):has(> .widget-hbox)"


def figure_src(widget):
    img = widget.locator(":scope > .widget-output img")
    return img.first.get_attribute("src") if img.count() else None


def status_text(widget):
    html = widget.locator(":scope > .widget-html .widget-html-content")
    return html.last.text_content() if html.count() else None


def move(control) -> str:
    """Change one ipywidgets control the way a student would; returns what was done."""
    classes = control.get_attribute("class") or ""
    if "widget-slider" in classes:
        # noUiSlider's aria-valuenow is rounded (0.81 reads "0.8"): read the slider's own value.
        target = control.locator(".noUi-target").first
        value = lambda: target.evaluate("e => JSON.stringify(e.noUiSlider.get())")  # noqa: E731
        now = value()
        at_max = target.evaluate(
            "e => [].concat(e.noUiSlider.get())[0] * 1 >= e.noUiSlider.options.range.max * 1"
        )
        key = "ArrowLeft" if at_max else "ArrowRight"
        handle = control.locator(".noUi-handle").first
        handle.focus()
        handle.press(key)
        wait_until(lambda: value() != now, 10, f"the slider to move from {now} with {key}")
        return f"slider {key} ({now} -> {value()})"
    if "widget-dropdown" in classes:
        select = control.locator("select")
        options = select.locator("option")
        current = select.evaluate("s => s.selectedIndex")
        target = (current + 1) % options.count()
        select.select_option(index=target)
        return f"dropdown -> {options.nth(target).text_content()}"
    if "widget-toggle-buttons" in classes:
        button = control.locator("button:not(.mod-active)").first
        label = button.text_content()
        button.click()
        return f"toggle -> {label}"
    if "widget-checkbox" in classes:
        box = control.locator("input[type=checkbox]")
        box.click()
        return f"checkbox -> {box.is_checked()}"
    raise AssertionError(f"no way to move a control with classes {classes!r}")


def exercise_figure_widgets(page, expect_at_least=1) -> list[str]:
    """Move every control of every course widget; each move must redraw the figure or message."""
    widgets = page.locator(FIGURE_WIDGET)
    n = widgets.count()
    assert n >= expect_at_least, f"expected at least {expect_at_least} course widgets, found {n}"
    done = []
    for i in range(n):
        widget = widgets.nth(i)
        widget.scroll_into_view_if_needed()
        title = widget.locator(":scope > .widget-html").first.text_content()
        assert figure_src(widget), f"widget {title!r} shows no figure"
        controls = widget.locator(
            ":scope > .widget-hbox > .jupyter-widgets, "
            ":scope > .widget-hbox > .widget-toggle-buttons"
        )
        assert controls.count(), f"widget {title!r} has no controls"
        for j in range(controls.count()):
            before = (figure_src(widget), status_text(widget))
            action = move(controls.nth(j))
            wait_until(
                lambda: (figure_src(widget), status_text(widget)) != before and figure_src(widget),
                REDRAW_TIMEOUT,
                f"widget {title!r} to redraw after {action}",
            )
            done.append(f"{title}: {action}")
    return done


def answer_quiz(page, questions) -> list[str]:
    """Answer the first single-choice question of the notebook's quiz: wrong first, then right.

    Its choices must each lay out in a row of their own (no overlap, no text spilling out), and
    show code as code (``<code>``) and maths typeset (MathJax), not backticks and dollars.
    """
    from utils.ui.quiz import QUIZ_CLASS

    by_key = {q.key: q for q in questions}
    quizzes = page.locator(f".jp-OutputArea-output .{QUIZ_CLASS}")
    assert quizzes.count(), "this lesson shows no quiz widget"
    quiz = question = None
    for i in range(quizzes.count()):
        classes = quizzes.nth(i).get_attribute("class").split()
        keys = [c[len(QUIZ_CLASS) + 1 :] for c in classes if c.startswith(f"{QUIZ_CLASS}-")]
        if keys and keys[0] in by_key:
            quiz, question = quizzes.nth(i), by_key[keys[0]]
            break
    assert question is not None, "no single-choice question of the quiz bank is shown"
    quiz.scroll_into_view_if_needed()
    right = question.correct[0]
    wrong = next(i for i, c in enumerate(question.choices) if not c.correct)
    rows = quiz.locator(f".{QUIZ_CLASS}-choice")
    assert rows.count() == len(question.choices)
    boxes = [rows.nth(i).bounding_box() for i in range(rows.count())]
    for i, (above, below) in enumerate(zip(boxes, boxes[1:])):
        assert below["y"] >= above["y"] + above["height"] - 1, f"choice {i} overlaps the next"
    for i in range(rows.count()):
        text = rows.nth(i).locator(".widget-htmlmath-content")
        spill = text.evaluate(
            "e => [e.scrollWidth - e.clientWidth, e.scrollHeight - e.clientHeight]"
        )
        assert max(spill) <= 1, f"choice {i}'s text spills out of its row by {spill} px"
        shown = text.inner_text()
        assert "`" not in shown, f"choice {i} shows raw backticks: {shown!r}"
        if "$" in question.choices[i].text:
            wait_until(
                lambda t=text: t.locator("mjx-container").count(), 20, f"choice {i}'s maths typeset"
            )
    feedback = quiz.locator(":scope > .widget-htmlmath").last.locator(".widget-htmlmath-content")
    check = quiz.locator(":scope > .widget-button", has_text="Check")
    seen = []
    for pick, verdict in ((wrong, "Not quite."), (right, "Correct!")):
        radio = rows.nth(pick).locator("input")
        radio.click()
        wait_until(lambda r=radio: r.is_checked(), 10, "the radio button")
        others = [rows.nth(i).locator("input") for i in range(rows.count()) if i != pick]
        wait_until(lambda: not any(o.is_checked() for o in others), 10, "one radio button only")
        check.click()
        text = wait_until(
            lambda: (t := feedback.text_content() or "").startswith(verdict) and t,
            30,
            f"the feedback {verdict!r} for {question.key}",
        )
        assert words_of(question.choices[pick].feedback) in text
        seen.append(text)
    assert words_of(question.explanation) in seen[-1]
    return seen


def words_of(text: str) -> str:
    """Some words of a quiz text as the browser shows them: the longest run outside $maths$
    (MathJax changes how maths reads), without backticks, at most 30 characters."""
    from utils.ui.markup import plain_text

    runs = [plain_text(run).strip() for run in re.split(r"\$[^$]+\$", text)]
    return max(runs, key=len)[:30]


def has_quiz(name: str) -> bool:
    """Whether the lesson ``name`` has a quiz (a ``questions`` module in its package)."""
    import importlib.util

    from utils.lessons import lesson

    return importlib.util.find_spec(f"{lesson(name).module}.questions") is not None


def quiz_questions():
    import importlib

    from utils.lessons import LESSONS

    questions = []
    for item in LESSONS:
        try:
            module = importlib.import_module(f"{item.module}.questions")
        except ModuleNotFoundError:
            continue
        questions += module.QUIZ.questions("en")
    return [q for q in questions if not q.multiple]


# --- the tests -------------------------------------------------------------------------------


def test_start_page_opens_as_make_lab_opens_it(page, lab, screenshots):
    """The URL the server hands the browser (make lab's argument) shows the start page."""
    opened = sorted(lab.runtime_dir.glob("jpserver-file-to-run-*-open.html"))
    assert opened, "jupyter lab wrote no page to open for notebooks/START_HERE.ipynb"
    url = re.search(r'url=([^"]+)"', opened[-1].read_text())[1]
    assert url == f"{lab.base_url}/lab/tree/{START_PAGE}?token={lab.token}"
    page.add_init_script(HELPERS)
    page.goto(url)
    title = nbformat.read(str(ROOT / START_PAGE), as_version=4).cells[0].source.splitlines()[0]
    title = title.lstrip("#").strip()
    heading = page.get_by_role("heading", name=title)
    heading.wait_for(state="visible", timeout=OPEN_TIMEOUT * 1000)
    assert heading.is_visible()
    wait_until(
        lambda: (state(page, START_PAGE) or {}).get("kernel") == "idle",
        OPEN_TIMEOUT,
        "the start page's kernel",
    )
    result = run_all_cells(page, START_PAGE, timeout=120)
    assert result["codeCells"] >= 1
    out = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output").first
    assert "digit images" in (out.text_content() or "")
    # The course's settings: no "get notified about Jupyter news?" question, no dialog.
    page.wait_for_timeout(2000)
    assert not page.get_by_text("official Jupyter news").count()
    assert not page.locator(".jp-Dialog").count()
    save_screenshot(page, screenshots, "START_HERE", focus=heading)
    # The terminal: the URL it prints opens the start page, and nothing alarms a student.
    log = lab.log(tail=100_000)
    assert f"/lab/tree/{START_PAGE}?token=" in log, log
    for alarm in ("eavesdropping", "No nbgrader_config.py"):
        assert alarm not in log, f"the terminal warns {alarm!r}:\n{log}"


def run_with_live_widgets(page, path) -> dict:
    """Run All; nothing on stderr, and every widget output of the model is on the page as a
    live view (no "Error displaying widget"). The run's summary (:func:`run_all_cells`)."""
    result = run_all_cells(page, path)
    panel = page.locator(".jp-NotebookPanel:visible")
    assert not stderr_in_dom(page).count(), stderr_in_dom(page).all_text_contents()
    views = panel.locator(".jp-OutputArea-output > .jupyter-widgets")
    assert views.count() == result["widgetViews"] > 0, (views.count(), result["widgetViews"])
    assert not panel.get_by_text("Error displaying widget").count()
    return result


@pytest.mark.parametrize("name", STUDENT_NOTEBOOKS)
def test_solved_notebook_runs_and_its_widgets_respond(page, lab, screenshots, name):
    """A solved copy runs top to bottom with no error; every widget redraws; the quiz answers."""
    path = lab.solved_path(name)
    open_notebook(page, lab, path)
    try:
        result = run_with_live_widgets(page, path)
        save_screenshot(
            page, screenshots, name, focus=page.locator(f"{FIGURE_WIDGET}, {DIGIT_PAD}")
        )
        if name == "assignment_digits":
            moved = exercise_digit_pad(page, screenshots)
        else:
            moved = exercise_figure_widgets(page)
            if has_quiz(name):
                answer_quiz(page, quiz_questions())
        assert not stderr_in_dom(page).count(), stderr_in_dom(page).all_text_contents()
        assert not state(page, path)["problems"]
        assert not page.js_errors, f"uncaught JavaScript errors: {page.js_errors}"
    except Exception:
        page.screenshot(path=str(screenshots / f"{name}-FAILED.png"))
        raise
    print(f"{name}: ran in {result['seconds']:.1f} s; moved {len(moved)} controls")


TRANSLATED = [
    (folder.parent.name, p.stem)
    for folder in sorted((ROOT / "notebooks").glob("*/week2"))
    if folder.parent.name != "week2"
    for p in sorted(folder.glob("*.ipynb"))
]


@pytest.mark.parametrize(("lang", "name"), TRANSLATED)
def test_translated_notebook_runs_and_speaks_its_language(page, lab, screenshots, lang, name):
    """The solved notebook of another language runs top to bottom with no error and nothing on
    stderr; its widgets are live and speak the language (the first widget's title and labels)."""
    path = lab.solved_path(name, lang)
    open_notebook(page, lab, path)
    try:
        result = run_with_live_widgets(page, path)
        widgets = page.locator(f"{FIGURE_WIDGET}, {DIGIT_PAD}")
        first = widgets.first
        first.scroll_into_view_if_needed()
        text = first.text_content() or ""
        assert CHINESE.search(text), f"the first widget of {name} speaks English: {text[:200]!r}"
        panel = page.locator(".jp-NotebookPanel:visible")
        headings = panel.locator(".jp-RenderedMarkdown h1").first.text_content() or ""
        assert CHINESE.search(headings), headings
        save_screenshot(page, screenshots, f"{lang}-{name}", focus=widgets)
        assert not state(page, path)["problems"]
        assert not page.js_errors, f"uncaught JavaScript errors: {page.js_errors}"
    except Exception:
        page.screenshot(path=str(screenshots / f"{lang}-{name}-FAILED.png"))
        raise
    print(f"{lang}/{name}: ran in {result['seconds']:.1f} s")


def test_the_chinese_start_page_and_the_interface_language_pack(page, lab, screenshots):
    """notebooks/zh/START_HERE.ipynb opens and runs; JupyterLab offers its Chinese interface
    (the pinned language pack), without making it the default."""
    path = "notebooks/zh/START_HERE.ipynb"
    open_notebook(page, lab, path)
    title = nbformat.read(str(ROOT / path), as_version=4).cells[0].source.splitlines()[0]
    heading = page.get_by_role("heading", name=title.lstrip("#").strip())
    heading.wait_for(state="visible", timeout=OPEN_TIMEOUT * 1000)
    result = run_all_cells(page, path, timeout=120)
    assert result["codeCells"] >= 1 and not state(page, path)["problems"]
    save_screenshot(page, screenshots, "zh-START_HERE", focus=heading)
    languages = lab.api("GET", "lab/api/translations/")["data"]
    assert "zh_CN" in languages, sorted(languages)
    pack = lab.api("GET", "lab/api/translations/zh_CN")["data"]
    assert CHINESE.search(json.dumps(pack, ensure_ascii=False)), "the zh_CN pack has no Chinese"
    menu = page.locator(".lm-MenuBar-itemLabel").first.text_content()
    assert menu == "File", f"the interface is not English by default: {menu!r}"


def click_validate(page, screenshot=None) -> tuple[str, str]:
    """Press the nbgrader Validate toolbar button; return (result classes, dialog text).
    ``screenshot``: a path for a picture of the result dialog."""
    button = page.locator(".jp-NotebookPanel:visible .jp-Toolbar .validate-button")
    button.click()
    message = page.locator(".jp-Dialog #validation-message")
    message.wait_for(state="visible", timeout=VALIDATE_TIMEOUT * 1000)
    classes, text = message.get_attribute("class"), message.inner_text()
    if screenshot is not None:
        page.screenshot(path=str(screenshot))
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    page.locator(".jp-Dialog").wait_for(state="detached")
    return classes, text


def test_validate_passes_the_solved_assignment(page, lab):
    """nbgrader's Validate button (saves, then validates server-side) passes the solved copy."""
    path = lab.solved_path("assignment_digits")
    open_notebook(page, lab, path)
    classes, text = click_validate(page)
    assert "validation-success" in classes, text
    assert "Success! Your notebook passes all the tests." in text


def test_validate_fails_the_blank_assignment(page, lab, screenshots):
    """The released copy: Run All reaches the end (each unsolved exercise is a red message, not
    an error), and Validate, which runs it as nbgrader does, reports the failures."""
    path = lab.released_path("assignment_digits")
    open_notebook(page, lab, path)
    run_all_cells(page, path)  # every cell runs, no error and no stderr output
    messages = page.locator(".jp-NotebookPanel:visible .course-check-failed")
    assert messages.count() >= 6  # one per exercise's check, at least
    assert "not written yet" in messages.first.text_content()
    assert not stderr_in_dom(page).count()
    classes, text = click_validate(page, screenshots / "validate-blank-assignment.png")
    assert "validation-failed" in classes, text
    # one report, not one header per failed cell: a summary, then each check's own message
    assert text.count("The following cell failed:") == 1, text
    assert "Not passing yet:" in text, text
    assert text.count("not written yet") >= 6, text
