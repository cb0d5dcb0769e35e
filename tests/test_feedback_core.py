"""utils.feedback.core and .mistakes: calling student code, comparing answers, naming mistakes,
and the short red message in IPython, installed when needed rather than at import."""

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from utils.feedback import (
    ExerciseError,
    call,
    check,
    check_close,
    matches,
    shown,
    with_stand_ins,
)
from utils.feedback.mistakes import Mistake, first_mistake, pick


def test_call_names_what_went_wrong():
    def blank(z):
        raise NotImplementedError()

    with pytest.raises(ExerciseError, match="f\\(z\\) is not written yet"):
        call(blank, 1, what="f(z)")
    with pytest.raises(ExerciseError, match="forget `return`"):
        call(lambda z: None, 1, what="f(z)")
    with pytest.raises(ExerciseError, match="raised ZeroDivisionError"):
        call(lambda z: 1 / 0, 1, what="f(z)")
    with pytest.raises(ExerciseError, match="should be a function; got int"):
        call(3, 1, what="f(z)")


def test_call_is_quiet_and_can_watch_its_inputs(capsys):
    assert np.isnan(call(lambda z: np.log(z) * 0, np.array([0.0]), what="f(z)")[0])
    assert capsys.readouterr().err == ""  # no RuntimeWarning on stderr

    def in_place(z):
        z -= 1
        return z

    z = np.array([1.0, 2.0])
    with pytest.raises(ExerciseError, match="changed its input array in place"):
        call(in_place, z, what="f(z)", untouched=True)
    assert np.array_equal(z, [1.0, 2.0])  # the caller's array is untouched anyway
    assert np.array_equal(call(in_place, z, what="f(z)"), [0.0, 1.0])  # not watched: allowed


def test_matches_and_check_close():
    assert matches([1.0, 2.0], [1.0, 2.0 + 1e-9]) and not matches([1.0], [1.0, 2.0])
    assert not matches([np.nan], [np.nan]) and matches(
        [np.nan, np.inf], [np.nan, np.inf], finite=False
    )
    assert not matches([np.inf], [-np.inf], finite=False)
    with pytest.raises(ExerciseError, match="largest difference"):
        check_close([1.0, 2.5], [1.0, 2.0], "x")
    with pytest.raises(ExerciseError, match="nan or inf.*Hint"):
        check_close([np.nan], [1.0], "x", hint="Hint.")
    assert shown([0.5, 1.0]) == "[0.5 1. ]"


def test_a_mistake_is_named_only_when_it_is_the_answer_and_not_the_right_one():
    catalogue = (
        Mistake("doubled", lambda x: 2 * x, "doubled {what}"),
        Mistake("squared", lambda x: x**2, "squared"),
        Mistake("crashes", lambda x: x.nonexistent, "never"),
        Mistake("overflows", lambda x: np.exp(1000 * x), "overflow"),
    )
    x = np.array([1.0, 3.0])
    assert first_mistake(2 * x, catalogue, x, right=x).name == "doubled"
    assert first_mistake(x**2, catalogue, x, right=x).name == "squared"
    assert first_mistake(np.full(2, np.inf), catalogue, x, right=x).name == "overflows"  # inf=inf
    assert first_mistake(x + 1, catalogue, x, right=x) is None
    ones = np.ones(2)  # squaring ones is right: never named as a mistake
    assert first_mistake(ones, catalogue, ones, right=ones) is None
    assert [m.name for m in pick(catalogue, "squared", "doubled")] == ["doubled", "squared"]
    with pytest.raises(KeyError, match="no mistakes named"):
        pick(catalogue, "halved")


def test_check_raises_exercise_error_which_is_an_assertion_error():
    check(True, "never")
    with pytest.raises(AssertionError, match="the message"):
        check(False, "the message")


SHELL = textwrap.dedent("""
    import io, contextlib
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    import utils.feedback.softmax, utils.feedback.keras_model     # importing changes nothing
    print("custom after import:", shell.custom_exceptions)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        shell.run_cell("from utils.feedback import check\\ncheck(False, 'the red message')")
    print("custom after a failed check:", [e.__name__ for e in shell.custom_exceptions])
    print("SHOWN:", repr(out.getvalue()))
""")


def test_importing_installs_nothing_and_a_failing_check_shows_only_its_message():
    result = subprocess.run(
        [sys.executable, "-c", SHELL],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    assert lines["custom after import"] == "()"
    assert lines["custom after a failed check"] == "['ExerciseError', 'NotImplementedError']"
    shown_text = lines["SHOWN"]
    assert "✗ the red message" in shown_text and "Traceback" not in shown_text


def test_with_stand_ins_rebinds_globals_for_one_copy_only():
    scope = {}
    exec(
        "def helper():\n    return 'theirs'\ndef answer(x=1, *, y=2):\n    return helper(), x, y\n",
        scope,
    )
    answer = scope["answer"]
    alone = with_stand_ins(answer, helper=lambda: "ours")
    assert alone() == ("ours", 1, 2) and alone(3, y=4) == ("ours", 3, 4)
    assert answer() == ("theirs", 1, 2) and scope["helper"]() == "theirs"
    assert with_stand_ins(len, helper=None) is len  # not a Python function: unchanged
