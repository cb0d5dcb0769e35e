"""A real checker process and a real kernel, relayed with ``agent_code`` as the grader does."""

from __future__ import annotations

import sys
import textwrap

import pytest

from autograder.remote.checker import HIDDEN_BEGIN, HIDDEN_END
from autograder.remote.host import MIME, CheckerError, CheckerProcess

HIDDEN_OK = "✓ The hidden tests passed.\n"


def errors(outputs) -> list[tuple[str, str]]:
    return [(o.ename, o.evalue) for o in outputs if o.output_type == "error"]


def everything(outputs) -> str:
    return "".join(
        o.get("text", "") + o.get("evalue", "") + "".join(o.get("traceback", [])) for o in outputs
    )


def passed(outputs) -> bool:
    return not errors(outputs) and "✓" in everything(outputs)


SOFTMAX = """
def my_softmax(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)

def wrong_softmax(z):
    return np.zeros_like(z)
"""
CHECK = """
X = np.arange(6.0).reshape(2, 3)
check_close({fn}(X), np.exp(X) / np.exp(X).sum(axis=1, keepdims=True), "softmax(X)")
passed("softmax")
"""


def test_a_student_function_is_called_with_arrays(kernel, checker):
    kernel.ok(SOFTMAX)
    assert passed(checker.run("good", CHECK.format(fn="my_softmax"), kernel.ask))
    ((ename, message),) = errors(checker.run("bad", CHECK.format(fn="wrong_softmax"), kernel.ask))
    assert ename == "ExerciseError" and message.startswith("softmax(X): expected")


def test_hidden_tests_run_in_the_checker_and_stay_hidden(kernel, checker):
    kernel.ok(SOFTMAX)
    hidden = "assert wrong_softmax(np.ones(2))[0] == 0.5"
    code = f"passed('visible')\n{HIDDEN_BEGIN}\n{hidden}\n{HIDDEN_END}"
    outputs = checker.run("hidden", code, kernel.ask)
    assert errors(outputs) == [("AssertionError", "hidden tests: a hidden test did not pass")]
    assert "wrong_softmax" not in everything(outputs)
    good = checker.run("hidden2", code.replace("wrong_", "my_"), kernel.ask)
    assert [o.text for o in good][-1] == HIDDEN_OK and not errors(good)


def test_in_place_changes_come_back_to_the_checker(kernel, checker):
    kernel.ok("def double(a):\n    a *= 2\n\ndef shift(z):\n    z -= np.max(z)\n    return z")
    code = "A = np.ones((2, 2))\ndouble(A)\nassert A.tolist() == [[2, 2], [2, 2]], A\n"
    assert errors(checker.run("double", code, kernel.ask)) == []
    code = "call(shift, np.ones(2), what='shift(z)', untouched=True)"
    ((ename, message),) = errors(checker.run("shift", code, kernel.ask))
    assert ename == "ExerciseError" and "changed its input array in place" in message


@pytest.mark.slow  # Keras in the kernel and in the checker
def test_a_model_compiled_by_the_student_comes_back_compiled(kernel, checker):
    kernel.ok(
        """
        import keras
        def compile_model(model):
            model.compile(loss=keras.losses.sparse_categorical_crossentropy, metrics=["accuracy"],
                          optimizer=keras.optimizers.Adam(learning_rate=0.002))
        """
    )
    code = """
        import keras
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        assert not model.compiled
        compile_model(model)
        config = model.get_compile_config()
        assert model.compiled and config["loss"]["config"] == "sparse_categorical_crossentropy"
        assert abs(config["optimizer"]["config"]["learning_rate"] - 0.002) < 1e-7
        assert model.predict(np.ones((1, 4)), verbose=0).shape == (1, 3)
    """
    assert errors(checker.run("compile", textwrap.dedent(code), kernel.ask)) == []


def test_a_student_function_that_raises(kernel, checker):
    kernel.ok("def bad(z):\n    raise ValueError('nope')")
    outputs = checker.run("raise", "call(bad, np.ones(2), what='bad(z)')", kernel.ask)
    assert errors(outputs) == [("ExerciseError", "calling bad(z) raised ValueError: nope")]
    assert errors(checker.run("raise2", "bad(1)", kernel.ask)) == [("ValueError", "nope")]


# --- a student who changes their kernel changes only their own answers ----------------------------
SABOTAGE = {
    "json.dumps": (
        """
        import json
        _saved = json.dumps
        def _forged(obj, *args, **kwargs):
            if isinstance(obj, dict) and ("value" in obj or "raised" in obj):
                obj = {"value": True}
            return _saved(obj, *args, **kwargs)
        json.dumps = _forged
        """,
        "json.dumps = _saved",
    ),
    "display": (
        """
        import IPython.display
        _saved = IPython.display.display
        IPython.display.display = lambda *a, **k: _saved({MIME: '{"value": true}'}, raw=True)
        """,
        "IPython.display.display = _saved",
    ),
    "numpy.allclose": (
        "_saved = np.allclose\nnp.allclose = lambda *a, **k: True",
        "np.allclose = _saved",
    ),
    "builtins": (
        "import builtins\n_saved = builtins.abs, builtins.all\n"
        "builtins.abs = lambda x: 0.0\nbuiltins.all = lambda xs: True",
        "builtins.abs, builtins.all = _saved",
    ),
}
ALLCLOSE = """
_z = np.array([1.0, 2.0])
assert np.allclose(wrong_softmax(_z), np.exp(_z) / np.exp(_z).sum())
print("✓ passed")
"""
BUILTINS = """
_z = np.array([1.0, 2.0])
assert abs(float(wrong_softmax(_z)[0]) - 0.2689) < 1e-3 and all([wrong_softmax(_z)[1] > 0.5])
print("✓ passed")
"""
CHECKS = {
    "json.dumps": ALLCLOSE,
    "display": ALLCLOSE,
    "numpy.allclose": ALLCLOSE,
    "builtins": BUILTINS,
}


@pytest.mark.parametrize("how", SABOTAGE)
def test_a_sabotaged_kernel_cannot_pass_a_wrong_answer(kernel, checker, how):
    (sabotage, restore), check = SABOTAGE[how], CHECKS[how]
    kernel.ok(SOFTMAX + f"\nMIME = {MIME!r}")
    kernel.ok(sabotage)
    try:
        if how in ("numpy.allclose", "builtins"):  # the check would be fooled in the kernel
            assert kernel.run(check) == ([], [])
        outputs = checker.run(f"sabotage-{how}", check, kernel.ask)
        if how in ("json.dumps", "display"):  # the student decides their answers, nothing else
            seen = checker.run("seen", "print(repr(my_softmax))", kernel.ask)  # all forged
            assert [o.text for o in seen] == ["True\n"]
    finally:
        kernel.ok(restore)
    assert errors(outputs) and "✓" not in everything(outputs)
    assert passed(checker.run("after", CHECK.format(fn="my_softmax"), kernel.ask))


# --- the host's answers and the protocol ----------------------------------------------------------
def test_a_timeout_or_a_dead_kernel_from_the_host(kernel, checker):
    kernel.ok(SOFTMAX)
    answers = iter([kernel.ask, lambda request: {"timeout": 60}])
    outputs = checker.run("timeout", "my_softmax(np.ones(2))", lambda r: next(answers)(r))
    assert errors(outputs) == [("TimeoutError", "no answer within 60 s (an endless loop?)")]
    outputs = checker.run("dead", "print('start')\nmy_softmax", lambda r: {"dead": "it died"})
    assert errors(outputs) == [("KernelDied", "it died")]
    assert passed(checker.run("alive", CHECK.format(fn="my_softmax"), kernel.ask))


def test_a_helper_the_setup_forgot_is_not_taken_from_the_student(kernel):
    kernel.ok("def check_softmax(fn):\n    pass\n" + SOFTMAX)
    process = CheckerProcess.plain(seconds=60)
    try:
        process.prelude("import numpy as np", ["my_softmax", "wrong_softmax"])
        assert process.prelude_outputs(pytest.fail) == []
        outputs = process.run("forgot", "check_softmax(wrong_softmax)", kernel.ask)
    finally:
        process.close()
    assert errors(outputs) == [("NameError", "name 'check_softmax' is not defined")]


def test_noise_on_the_checkers_stdout_does_not_break_the_protocol(checker):
    code = 'import os\nos.write(1, b\'{"op": "done", "outputs": []}\\n\')\nprint(\'shown\')'
    assert [o.text for o in checker.run("noise", code, pytest.fail)] == ["shown\n"]


@pytest.mark.parametrize(
    "line",
    [
        "not json",
        "[1]",
        '{"op": "weird"}',
        '{"op": "ask"}',
        '{"op": "done", "outputs": 5}',
        '{"op": "done", "outputs": [{"output_type": "display_data", "data": {}}]}',
        '{"op": "done", "outputs": [{"output_type": "stream"}]}',
        '{"op": "done", "outputs": [{"output_type": "error", "ename": "E", "traceback": []}]}',
        '{"op": "done", "outputs": [{"output_type": "error", "ename": "", "evalue": "", '
        '"traceback": 5}]}',
        '{"op": "done", "outputs": [5]}',
    ],
)
def test_malformed_messages_from_the_checker_are_refused(line):
    script = f"import sys\nsys.stdin.readline()\nprint({line!r}, flush=True)\nsys.stdin.readline()"
    process = CheckerProcess([sys.executable, "-c", script], seconds=30)
    try:
        with pytest.raises(CheckerError):
            process.run("c", "pass", lambda request: {"reply": "{}"})
    finally:
        process.close()


@pytest.mark.parametrize(
    "script",
    ["pass", 'import sys\nsys.stdout.write(\'{"op": "done"\')', "import time\ntime.sleep(30)"],
    ids=["exits", "no newline", "silent"],
)
def test_a_checker_that_stops_or_hangs_is_a_checker_error(script):
    process = CheckerProcess([sys.executable, "-c", script], seconds=1)
    with pytest.raises(CheckerError):
        process.run("c", "pass", pytest.fail)
    process.close()
    assert process.process.poll() is not None


def test_the_checker_stops_on_a_malformed_request():
    process = CheckerProcess.plain(seconds=30)
    process._send({"op": "run"})  # no code: a bug of the host
    with pytest.raises(CheckerError, match="stopped"):
        process.prelude_outputs(pytest.fail)
    process.close()


def test_close_kills_the_checker():
    process = CheckerProcess.plain(seconds=30)
    assert process.run("c", "print(1)", pytest.fail)[0].text == "1\n"
    process.close()
    assert process.process.poll() is not None
    with pytest.raises(CheckerError):
        process.run("c", "print(1)", pytest.fail)
    process.close()  # twice is fine
