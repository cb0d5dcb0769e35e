"""The Validate dialog's report (autograder/validate/report.py): one summary, then each check's
line and its own message, in the notebook's language; everything else nbgrader answers as is."""

import pytest

from autograder.validate.report import one_report

FAILED = {
    "failed": [
        {
            "source": "check_softmax(my_softmax)",
            "error": '<span class="ansi-red-fg">✗ my_softmax(z) is not written yet</span>',
            "raw_error": "\x1b[31m✗ my_softmax(z) is not written yet\x1b[0m",
        },
        {
            "source": "check_cost(cost) if a < b else None",
            "error": '<span class="ansi-red-fg">✗ cost: expected 0.693, got 1.0</span>',
            "raw_error": "\x1b[31m✗ cost: expected 0.693, got 1.0\x1b[0m",
        },
    ]
}


def test_failed_cells_become_one_report_with_every_message(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "en")
    (report,) = one_report(FAILED)["failed"]
    assert report["source"].startswith("Not passing yet: 2 of this notebook's checks.")
    for cell in FAILED["failed"]:
        assert cell["error"] in report["error"]
        assert cell["raw_error"] in report["raw_error"]
    # a check's line is text, not markup, inside the dialog's HTML
    assert "check_cost(cost) if a &lt; b else None" in report["error"]
    assert report["error"].index("my_softmax(z)") < report["error"].index("cost: expected")


def test_the_summary_speaks_the_notebooks_language(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh")
    (report,) = one_report(FAILED)["failed"]
    assert report["source"].startswith("尚未通过：本笔记本中的 2 项检查")


@pytest.mark.parametrize(
    "answer",
    [
        {},  # success
        {"changed": [{"source": "x = 1"}]},
        {"type_changed": [{"source": "x", "old_type": "code", "new_type": "markdown"}]},
    ],
)
def test_other_answers_pass_through(answer):
    assert one_report(answer) == answer
