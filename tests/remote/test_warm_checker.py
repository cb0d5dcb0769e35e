"""The warm start of the checkers (``autograder.remote.trusted``, ``checker.warm``): one process
per grading process imports the setup cells' modules once; every notebook's checker is a fresh
fork of it, so nothing one notebook's checks did reaches the next, and a checker that breaks
costs only its own notebook."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell

from autograder.remote import trusted
from autograder.remote.host import CheckerProcess

PRELUDE = "import os\nimport json\nimport numpy as np\nSEEN_BY_SETUP = 1"


def graded_cell(grade_id):
    cell = new_code_cell("")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": grade_id, "points": 1}
    return cell


def never_asked(request):
    raise AssertionError(f"no student value was needed: {request}")


def checks(tests: dict, seconds=60, key=("warm-test",)) -> trusted.TrustedChecks:
    return trusted.TrustedChecks(
        tests, PRELUDE, set(), lambda: (CheckerProcess.plain(seconds=seconds), None), key
    )


def text(outputs) -> str:
    return "".join(o.get("text", "") + o.get("evalue", "") for o in outputs)


@pytest.fixture(autouse=True)
def no_warm_start_left():
    trusted._discard_all()
    yield
    trusted._discard_all()


def test_prelude_modules_are_the_setup_cells_imports():
    assert trusted.prelude_modules(
        "import numpy as np\nfrom utils.data import load\nimport keras, os.path\nfrom . import x"
    ) == ["keras", "numpy", "os.path", "utils.data"]
    assert trusted.prelude_modules("def broken(:") == []


def test_each_notebook_gets_a_fresh_fork_of_one_warm_start():
    first = checks({"a": "np.LEAKED = True\nLEFT = 1\nprint(os.getpid())"})
    out = first.run(graded_cell("a"), never_asked)
    warm_pid = trusted._WARM[first.warm_key][0].process.pid
    first_pid = int(text(out))
    first.close()
    second = checks({"b": "print(hasattr(np, 'LEAKED'), 'LEFT' in globals(), SEEN_BY_SETUP)"})
    assert text(second.run(graded_cell("b"), never_asked)) == "False False 1\n"
    third = checks({"c": "print(os.getpid())"})
    second.close()
    out = third.run(graded_cell("c"), never_asked)
    assert len({warm_pid, first_pid, int(text(out))}) == 3
    assert trusted._WARM[third.warm_key][0].process.pid == warm_pid  # the same warm start
    third.close()


def test_each_notebook_speaks_its_own_language(monkeypatch):
    show = {"lang": "print(os.environ.get('COURSE_LANG'))"}
    monkeypatch.setenv("COURSE_LANG", "zh")
    chinese = checks(show)
    assert text(chinese.run(graded_cell("lang"), never_asked)) == "zh\n"
    chinese.close()
    monkeypatch.delenv("COURSE_LANG")
    english = checks(show)
    assert text(english.run(graded_cell("lang"), never_asked)) == "None\n"
    english.close()


@pytest.mark.parametrize(
    "breaks", ["os._exit(3)", "import time\ntime.sleep(30)", "raise SystemExit(4)"]
)
def test_a_checker_that_breaks_costs_only_its_own_notebook(breaks):
    """Dies, hangs past its time, or exits: a grader error for this notebook,
    and the warm start is thrown away; the next notebook gets a new one and its points."""
    broken = checks({"x": breaks}, seconds=3)
    out = broken.run(graded_cell("x"), never_asked)
    assert [o.ename for o in out] == ["GraderError"]
    assert broken.warm_key not in trusted._WARM
    broken.close()
    fine = checks({"y": "print('fine')"})
    assert text(fine.run(graded_cell("y"), never_asked)) == "fine\n"
    fine.close()


def test_a_cold_checker_is_its_own_process_and_is_closed():
    cold = trusted.TrustedChecks(
        {"z": "print('cold')"}, PRELUDE, set(), lambda: (CheckerProcess.plain(seconds=30), None)
    )
    assert text(cold.run(graded_cell("z"), never_asked)) == "cold\n"
    assert not trusted._WARM
    cold.close()
    assert cold.process.process.poll() is not None
