"""The checker in-process: its namespace, student exceptions, cell outputs, the host's answers."""

from __future__ import annotations

import builtins

import numpy as np
import pytest

from autograder.remote import wire
from autograder.remote.checker import (
    HIDDEN_BEGIN,
    HIDDEN_END,
    StudentException,
    StudentFunction,
    StudentKernelDied,
    split_hidden,
    student_exception,
)
from tests.remote.conftest import reply

HIDDEN_OK = "✓ The hidden tests passed.\n"


def text(outputs) -> str:
    return "".join(o.get("text", "") + "".join(o.get("traceback", [])) for o in outputs)


def errors(outputs) -> list[tuple[str, str]]:
    return [(o["ename"], o["evalue"]) for o in outputs if o["output_type"] == "error"]


# --- names ----------------------------------------------------------------------------------------
def test_names_resolve_own_then_builtins_then_student(make_checker):
    student = {"x": 2, "len": lambda _: 99, "print": None, "answer": 42}
    checker = make_checker(student)
    assert checker.run("x = 1", "setup") == []
    out = checker.run("assert x == 1\nassert len([1, 2]) == 2\nprint(answer)", "c1")
    assert out == [{"output_type": "stream", "name": "stdout", "text": "42\n"}]
    assert checker.channel.asked() == ["answer"]


def test_student_values_are_fetched_once_per_cell(make_checker):
    checker = make_checker({"values": [1, 2, 3]})
    code = (
        "assert values == [1, 2, 3]\nvalues.append(4)\nassert len(values) == 4 and values[0] == 1"
    )
    assert errors(checker.run(code, "c1")) == []
    assert errors(checker.run("assert values == [1, 2, 3]", "c2")) == []  # a fresh copy per cell
    assert checker.channel.asked() == ["values", "values"]


def test_student_names_are_found_from_functions_and_comprehensions(make_checker):
    checker = make_checker({"k": 3})
    code = (
        "def helper():\n    return k\nassert helper() == 3\nassert [k for _ in range(2)] == [3, 3]"
    )
    assert errors(checker.run(code, "c1")) == []


def test_a_missing_name_is_a_name_error_in_pythons_words(make_checker):
    with pytest.raises(NameError) as python:
        exec("nothing_here", {})
    checker = make_checker()
    assert errors(checker.run("nothing_here + 1", "c1")) == [("NameError", str(python.value))]
    with pytest.raises(NameError, match="name 'gone' is not defined"):
        make_checker(answers=[reply({"missing": "gone"})]).fetch("gone")


def test_only_the_notebooks_own_names_are_fetched(make_checker):
    checker = make_checker({"answer": 1, "check_answer": lambda value: None})
    checker.student_names = {"answer"}  # what the source notebook's student cells define
    outputs = checker.run("check_answer(answer)", "c1")  # the setup forgot to import check_answer
    assert errors(outputs) == [("NameError", "name 'check_answer' is not defined")]
    assert checker.channel.requests == []
    assert errors(checker.run("assert answer == 1", "c2")) == []


def test_a_student_function_is_a_proxy_named_as_the_check_reads_it(make_checker):
    checker = make_checker({"square": lambda z, power=2: z**power})
    fn = checker.fetch("square")
    assert isinstance(fn, StudentFunction) and fn.__name__ == "square" and "square" in repr(fn)
    np.testing.assert_array_equal(fn(np.arange(3), power=3), [0, 1, 8])
    assert checker.channel.requests[-1]["op"] == "call"


def test_functions_of_the_checks_reach_the_student(make_checker):
    checker = make_checker({"apply": lambda f, x: f(x)})
    code = (
        "assert apply(np.sum, np.ones(3)) == 3\nassert apply(lambda v: np.max(v) + 1, [1, 5]) == 6"
    )
    checker.run("import numpy as np", "setup")
    assert errors(checker.run(code, "c1")) == []


def test_in_place_changes_come_back_into_the_checkers_array(make_checker):
    def scale(a):
        a *= 2

    def shift(z):
        z -= np.max(z)
        return z

    checker = make_checker({"scale": scale, "shift": shift})
    checker.run("import numpy as np\nfrom utils.feedback.core import call", "setup")
    assert (
        errors(checker.run("A = np.ones(3)\nscale(A)\nassert A.tolist() == [2, 2, 2]", "c1")) == []
    )
    ((ename, message),) = errors(
        checker.run("call(shift, np.ones(2), what='f', untouched=True)", "c2")
    )
    assert ename == "ExerciseError" and "changed its input array in place" in message


def test_in_place_changes_of_arrays_inside_lists_and_dicts_come_back(make_checker):
    def collapse(layers):
        _, b = layers[1]
        b += 1.0  # the bias of the second layer, changed in place: a mistake
        return layers[0]

    def rename(d):
        d["new"] = np.zeros(2)
        d["w"] *= 3

    checker = make_checker({"collapse": collapse, "rename": rename})
    checker.run("import numpy as np", "setup")
    code = (
        "L = [(np.ones(2), np.zeros(1)), (np.ones(2), np.zeros(1))]\n"
        "collapse(L)\n"
        "assert L[1][1].tolist() == [1.0] and L[0][1].tolist() == [0.0]\n"
        "D = {'w': np.ones(2)}\n"
        "rename(D)\n"
        "assert D['w'].tolist() == [3, 3] and D['new'].tolist() == [0, 0]"
    )
    assert errors(checker.run(code, "c1")) == []


def test_a_model_returned_twice_is_the_same_object_and_two_models_are_two(make_checker, keras):
    shared = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])

    def same():
        return shared

    def fresh():
        return keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])

    checker = make_checker({"same": same, "fresh": fresh})
    assert errors(checker.run("assert same() is same()\nassert fresh() is not fresh()", "c")) == []


def test_a_loss_function_of_the_students_own_is_called_through_the_channel(make_checker, keras):
    """A model compiled with the student's own loss function comes back compiled; the checks
    evaluate that loss by calling it in the student's process, with plain data both ways."""
    calls = []

    def logits_loss(y_true, y_pred):
        calls.append(1)
        return keras.losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True)

    def compile_model(model):
        model.compile(loss=logits_loss, optimizer="adam", metrics=["accuracy"])

    checker = make_checker({"compile_model": compile_model})
    code = """
import keras
from utils.feedback.keras_model import loss_value
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4)])
compile_model(model)
assert model.compiled and type(model.loss).__name__ == "StudentFunction", model.loss
y, z = np.array([1, 3]), np.array([[0.5, 0.1, 0.2, 0.9], [0.1, 0.2, 0.7, 0.05]], "float32")
want = keras.losses.sparse_categorical_crossentropy(y, z, from_logits=True).numpy().mean()
assert np.isclose(loss_value(model.loss, y, z), want, rtol=1e-6)
assert model.get_compile_config()["optimizer"]["class_name"] == "Adam"
"""
    assert checker.run("import numpy as np", "setup") == []
    assert errors(checker.run(code, "c")) == []
    assert calls == [1]


# --- student exceptions ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["ValueError", "NotImplementedError", "ZeroDivisionError", "TypeError", "IndexError",
     "AssertionError", "RecursionError", "MemoryError", "Exception"],
)  # fmt: skip
def test_builtin_exceptions_are_rebuilt(name):
    err = student_exception({"type": name, "message": "nope"})
    assert type(err) is getattr(builtins, name) and err.args == ("nope",)


@pytest.mark.parametrize(
    "name",
    ["SystemExit", "KeyboardInterrupt", "GeneratorExit", "BaseException", "BaseExceptionGroup",
     "OSError", "FileNotFoundError", "UnicodeDecodeError", "ExerciseError", "MyError"],
)  # fmt: skip
def test_other_exceptions_become_plain_student_exceptions(name):
    err = student_exception({"type": name, "message": "nope"})
    assert isinstance(err, StudentException) and type(err).__name__ == name
    assert str(err) == "nope" and type(err).__mro__[1:] == StudentException.__mro__
    if isinstance(getattr(builtins, name, None), type) and name != "BaseException":
        assert not isinstance(err, getattr(builtins, name))


@pytest.mark.parametrize("raised", [{"type": "os.system('x')"}, {"type": 5, "message": 7}, {}])
def test_malformed_exceptions_still_become_exceptions(raised):
    err = student_exception(raised)
    assert isinstance(err, Exception) and wire.NAME.match(type(err).__name__)


def test_a_student_exception_reaches_the_check(make_checker):
    def bad(z):
        raise ValueError("nope")

    def leave(z):
        raise SystemExit(3)

    checker = make_checker({"bad": bad, "leave": leave})
    checker.run("from utils.feedback.core import call", "setup")
    assert errors(checker.run("call(bad, 1, what='bad(1)')", "c1")) == [
        ("ExerciseError", "calling bad(1) raised ValueError: nope")
    ]
    assert errors(checker.run("bad(1)", "c2")) == [("ValueError", "nope")]
    assert errors(checker.run("leave(1)", "c3")) == [("SystemExit", "3")]  # and the checker lives


# --- outputs --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "visible", "hidden"),
    [
        ("a\nb", "a\nb", ""),
        (f"a\n{HIDDEN_BEGIN}\nh\n{HIDDEN_END}\nb", "a\n\nb", "\nh\n"),
        (f"a\n{HIDDEN_BEGIN}\nh", "a\n", "\nh"),
    ],
)
def test_split_hidden(code, visible, hidden):
    assert split_hidden(code) == (visible, hidden)


def test_a_passing_cell_says_its_hidden_tests_passed(make_checker):
    code = f"print('visible ok')\n{HIDDEN_BEGIN}\nassert 1 + 1 == 2\n{HIDDEN_END}\n"
    outputs = make_checker().run(code, "c1")
    assert [o.get("text") for o in outputs] == ["visible ok\n", HIDDEN_OK]


def test_a_failing_hidden_test_shows_no_source(make_checker):
    secret = "assert secret_threshold_0427 > 1, ''"
    code = f"secret_threshold_0427 = 0\n{HIDDEN_BEGIN}\n{secret}\n{HIDDEN_END}"
    outputs = make_checker().run(code, "c1")
    assert errors(outputs) == [("AssertionError", "hidden tests: a hidden test did not pass")]
    assert "secret_threshold" not in text(outputs) and HIDDEN_OK not in text(outputs)
    message = make_checker().run(f"{HIDDEN_BEGIN}\nassert False, 'too slow'\n{HIDDEN_END}", "c2")
    assert errors(message) == [("AssertionError", "hidden tests: too slow")]


def test_hidden_tests_do_not_run_after_a_visible_failure(make_checker):
    checker = make_checker()
    code = f"assert False, 'visible'\n{HIDDEN_BEGIN}\nprint('hidden ran')\n{HIDDEN_END}"
    outputs = checker.run(code, "c1")
    assert errors(outputs) == [("AssertionError", "visible")] and "hidden" not in text(outputs)


def test_an_exercise_error_is_shown_as_its_message_only(make_checker):
    code = "from utils.feedback.core import ExerciseError as E\nprint('before')\nraise E('wrong')"
    outputs = make_checker().run(code, "c1")
    assert outputs[0]["text"] == "before\n"
    assert outputs[1]["traceback"] == ["\x1b[31m✗ wrong\x1b[0m"]
    other = make_checker().run("raise KeyError('k')", "c2")
    assert other[0]["traceback"] == ["KeyError: 'k'"]


# --- what the host answers ------------------------------------------------------------------------
def test_a_timeout_is_a_timeout_error(make_checker):
    checker = make_checker(
        answers=[reply({"value": {"$function": {"handle": "0"}}}), {"timeout": 60}]
    )
    checker.run("from utils.feedback.core import call", "setup")
    ((ename, message),) = errors(checker.run("call(loop, 1, what='loop(1)')", "c1"))
    assert ename == "ExerciseError" and "TimeoutError: no answer within 60 s" in message


def test_a_dead_kernel_stops_the_cell_whatever_the_check_catches(make_checker):
    checker = make_checker(answers=[{"dead": "the kernel died in cell 3"}])
    code = "try:\n    value\nexcept Exception:\n    print('swallowed')"
    with pytest.raises(StudentKernelDied, match="the kernel died in cell 3"):
        checker.run(code, "c1")


@pytest.mark.parametrize(
    "answer",
    [{}, {"reply": 5}, {"reply": "not json"}, {"reply": "[" * 100_000}, reply([1]), reply("text"),
     reply({"value": {"$ref": "os:system"}}), reply({"value": {"$code": {}}}),
     reply({"value": {"$module": "os"}}), reply({"value": {"$function": 5}}),
     reply({"value": {"$array": {"dtype": "object", "shape": [], "data": ""}}})],
    ids=lambda answer: repr(answer)[:60],
)  # fmt: skip
def test_unreadable_or_forged_replies_fail_the_check(make_checker, answer):
    outputs = make_checker(answers=[answer]).run("assert value == 1\nprint('passed')", "c1")
    assert errors(outputs)[0][0] == "WireError" and "passed" not in text(outputs)


def test_a_student_exception_with_a_bad_reply_is_still_an_exception(make_checker):
    outputs = make_checker(answers=[reply({"raised": "oops"})]).run("value", "c1")
    assert errors(outputs) == [("Exception", "check failed")]
