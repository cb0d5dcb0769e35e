"""utils.feedback.binary_cost and .sparse_ce: references from utils.nn (as Keras computes them),
and one message per mistake, the same in the lessons and in the graded assignment, in every
language, and the same in the checker process that grades."""

import json
import re

import numpy as np
import pytest

from tests.chinese import CHINESE, numbers
from utils.feedback import ExerciseError
from utils.feedback.binary_cost import COST_MISTAKES, binary_cost_reference, check_binary_cost
from utils.feedback.sparse_ce import LARGE_LOGIT_MISTAKES, SMALL_LOGIT_MISTAKES, check_sparse_ce
from utils.i18n import LANG_ENV
from utils.lessons.assignment_digits import checks as assignment
from utils.lessons.compile_and_fit import checks as lesson01
from utils.lessons.softmax_multiclass import checks as lesson03


def message(check_fn, *args, **kwargs) -> str:
    with pytest.raises(ExerciseError) as info:
        check_fn(*args, **kwargs)
    return str(info.value)


def fixed_text(catalogue, name) -> str:
    """The longest stretch of the mistake's message (in the language in use) without fields."""
    (mistake,) = [m for m in catalogue if m.name == name]
    return max(re.split(r"\{[^}]*\}", mistake.template()), key=len)


# --- the binary cost --------------------------------------------------------------------------


def cost_right(y, p):
    y, p = np.ravel(y).astype(float), np.clip(np.ravel(p).astype(float), 1e-7, 1 - 1e-7)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def flat(formula):
    return lambda y, p: formula(np.ravel(y).astype(float), np.clip(np.ravel(p), 1e-7, 1 - 1e-7))


def test_the_reference_is_keras_and_clips_like_keras(keras):
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 50), rng.uniform(0, 1, 50).astype(np.float32)
    p[:4] = [0.0, 1.0, 1.0, 0.0]
    keras_value = float(
        keras.losses.BinaryCrossentropy()(y[:, None].astype(np.float32), p[:, None])
    )
    assert binary_cost_reference(y, p) == pytest.approx(keras_value, rel=1e-4)
    assert binary_cost_reference(y[:, None], p) == binary_cost_reference(y, p[:, None])
    # another epsilon clips elsewhere: log(1e-12) instead of log(1e-7) for a confident mistake
    assert binary_cost_reference([1], [0.0]) == pytest.approx(-np.log(1e-7), rel=1e-6)
    assert binary_cost_reference([1], [0.0], epsilon=1e-12) == pytest.approx(
        -np.log(1e-12), rel=1e-6
    )


@pytest.mark.parametrize(
    "name, formula",
    [
        ("no minus sign", lambda y, p: np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))),
        ("sum", lambda y, p: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))),
        ("y and 1 - y swapped", lambda y, p: -np.mean((1 - y) * np.log(p) + y * np.log(1 - p))),
        ("log p twice", lambda y, p: -np.mean(y * np.log(p) + (1 - y) * np.log(p))),
        ("log(1 - p) twice", lambda y, p: -np.mean(y * np.log(1 - p) + (1 - y) * np.log(1 - p))),
        ("only the y term", lambda y, p: -np.mean(y * np.log(p))),
        ("log base 10", lambda y, p: -np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p))),
        ("log base 2", lambda y, p: -np.mean(y * np.log2(p) + (1 - y) * np.log2(1 - p))),
        ("a factor 1/2", lambda y, p: -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) / 2),
    ],
)
def test_one_cost_mistake_gets_one_message_in_lesson_01_and_in_the_assignment(name, formula, lang):
    text = fixed_text(COST_MISTAKES, name)
    in_lesson = message(lesson01.check_binary_cost, flat(formula))
    in_assignment = message(assignment.check_binary_cost, flat(formula))
    assert text in in_lesson and text in in_assignment, (in_lesson, in_assignment)


def test_the_inputs_decide_which_shapes_and_edge_cases_are_required():
    def no_ravel_no_clip(y, p):
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    def no_clip(y, p):
        return no_ravel_no_clip(np.ravel(y), np.ravel(p))

    y, p = [1.0, 0.0, 1.0], [0.9, 0.2, 0.6]
    check_binary_cost(no_ravel_no_clip, y=y, p=p, shapes=[("column", "column")])
    assert "broadcast to an (m, m) matrix" in message(check_binary_cost, no_ravel_no_clip, y=y, p=p)
    check_binary_cost(no_clip, y=y, p=p)
    assert "Clip first" in message(
        check_binary_cost, no_clip, y=y, p=p, clipping=([1, 0], [1.0, 0.0])
    )
    check_binary_cost(
        cost_right,
        y=y,
        p=p,
        clipping=([1, 0], [1.0, 0.0]),
        batch=(np.array([1, 0, 0, 1]), np.array([0.3, 0.4, 0.1, 0.8])),
    )
    text = message(check_binary_cost, lambda yy, pp: 0.5, y=y, p=p)
    assert "= -(1/3) * (log 0.9 + log 0.8 + log 0.6)" in text


def test_clipping_in_float32_as_keras_computes_is_right_and_another_epsilon_is_not():
    """Keras's own BinaryCrossentropy in float32 clips at 1 - 1.19e-7 (1 - 1e-7 rounds there):
    that passes the clipping case; another epsilon does not."""
    import keras

    def keras_float32(y, p):
        y = np.reshape(y, (-1, 1)).astype("float32")
        p = np.reshape(p, (-1, 1)).astype("float32")
        return float(keras.losses.BinaryCrossentropy()(y, p))

    def clipped_at(epsilon, dtype):
        def cost(y, p):
            y = np.ravel(y).astype(dtype)
            p = np.clip(np.ravel(p).astype(dtype), dtype(epsilon), dtype(1) - dtype(epsilon))
            return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

        return cost

    y, p, clipping = [1.0, 0.0, 1.0], [0.9, 0.2, 0.6], ([1, 0], [0.0, 1.0])
    check_binary_cost(keras_float32, y=y, p=p, clipping=clipping)
    check_binary_cost(clipped_at(1e-7, np.float32), y=y, p=p, clipping=clipping)
    for epsilon, dtype in ((1e-12, np.float64), (1e-5, np.float32)):
        assert "not with another epsilon" in message(
            check_binary_cost, clipped_at(epsilon, dtype), y=y, p=p, clipping=clipping
        )


# --- sparse categorical cross-entropy from logits --------------------------------------------


def ce_right(y, z):
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=1, keepdims=True)
    return m[:, 0] + np.log(np.sum(np.exp(z - m), axis=1)) - z[np.arange(len(y)), y]


def softmax(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(
    "catalogue, name, wrong",
    [
        (SMALL_LOGIT_MISTAKES, "no minus sign", lambda y, z: -ce_right(y, z)),
        (SMALL_LOGIT_MISTAKES, "class y + 1", lambda y, z: ce_right((y + 1) % z.shape[1], z)),
        (SMALL_LOGIT_MISTAKES, "predicted class", lambda y, z: ce_right(np.argmax(z, axis=1), z)),
        (
            SMALL_LOGIT_MISTAKES,
            "max not added back",
            lambda y, z: ce_right(y, z) - np.max(z, axis=1),
        ),
        (
            LARGE_LOGIT_MISTAKES,
            "no max subtracted",
            lambda y, z: np.log(np.sum(np.exp(z), axis=1)) - z[np.arange(len(y)), y],
        ),
        (
            LARGE_LOGIT_MISTAKES,
            "softmax, then log",
            lambda y, z: -np.log(softmax(z)[np.arange(len(y)), y]),
        ),
        (
            LARGE_LOGIT_MISTAKES,
            "one max for the batch",
            lambda y, z: (
                np.max(z) + np.log(np.sum(np.exp(z - np.max(z)), axis=1)) - z[np.arange(len(y)), y]
            ),
        ),
        (
            LARGE_LOGIT_MISTAKES,
            "clipped",
            lambda y, z: -np.log(np.clip(softmax(z)[np.arange(len(y)), y], 1e-7, 1 - 1e-7)),
        ),
    ],
)
def test_one_loss_mistake_gets_one_message_in_lesson_03_and_in_the_assignment(
    catalogue, name, wrong, lang
):
    text = fixed_text(catalogue, name)
    in_lesson = message(lesson03.check_sparse_ce_from_logits, wrong)
    in_assignment = message(assignment.check_sparse_crossentropy, wrong)
    assert text in in_lesson and text in in_assignment, (in_lesson, in_assignment)


def test_one_loss_per_example_is_asked_for_on_any_inputs():
    y, z = np.array([0, 2]), np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 2.0]])
    check_sparse_ce(ce_right, y=y, z=z)
    assert "the mean over the batch" in message(
        check_sparse_ce, lambda yy, zz: ce_right(yy, zz).mean(), y=y, z=z
    )
    assert "z[:, y] picks the columns y" in message(
        check_sparse_ce, lambda yy, zz: -np.log(softmax(zz)[:, yy]), y=y, z=z
    )
    assert "axis 0 (the examples)" in message(
        check_sparse_ce, lambda yy, zz: zz.max(axis=0), y=y, z=z
    )


# --- the language -------------------------------------------------------------------------------


@pytest.mark.parametrize("catalogue", [COST_MISTAKES, SMALL_LOGIT_MISTAKES, LARGE_LOGIT_MISTAKES])
def test_every_mistake_has_its_chinese_message(catalogue):
    for mistake in catalogue:
        english, chinese = mistake.template("en"), mistake.template("zh")
        assert CHINESE.search(chinese) and not CHINESE.search(english), mistake.name


SUM_INSTEAD = flat(lambda y, p: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
COST_CASE = dict(y=[1.0, 0.0, 1.0], p=[0.9, 0.2, 0.6])


def no_clip(y, p):
    y, p = np.ravel(y), np.ravel(p)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def test_a_cost_check_speaks_chinese_with_the_same_numbers(monkeypatch):
    cases = [
        (SUM_INSTEAD, COST_CASE, "这个值是正确值的 3 倍（= m）：代价是各个损失的平均值"),
        (lambda y, p: np.ravel(p), COST_CASE, "是不是忘了对每个样本的损失取平均？"),
        (no_clip, dict(COST_CASE, clipping=([1, 0], [1.0, 0.0])), "请像 Keras 那样先裁剪"),
    ]
    for wrong, case, chinese_words in cases:
        monkeypatch.setenv(LANG_ENV, "en")
        english = message(check_binary_cost, wrong, **case)
        monkeypatch.setenv(LANG_ENV, "zh")
        chinese = message(check_binary_cost, wrong, **case)
        assert chinese_words in chinese and not CHINESE.search(english), chinese
        assert numbers(chinese) == numbers(english), (english, chinese)
        assert chinese.split(") ")[0] == english.split(") ")[0]  # binary_cost(y=..., p=...)


def test_a_loss_check_speaks_chinese_with_the_same_numbers(monkeypatch):
    y, z = np.array([0, 2]), np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 2.0]])
    y_big = np.array([0, 1, 2])
    z_big = np.array([[1000.0, 0.0, -5.0], [0.0, 1000.0, 3.0], [-1000.0, 0.0, 1000.0]])

    def no_max(yy, zz):
        return np.log(np.sum(np.exp(zz), axis=1)) - zz[np.arange(len(yy)), yy]

    cases = [
        (
            lambda yy, zz: ce_right(yy, zz).mean(),
            {},
            "这是整批数据的平均值。请为每个样本返回一个损失",
        ),
        (no_max, dict(y_big=y_big, z_big=z_big), "e^1000 溢出成了 inf。请用 log-sum-exp"),
    ]
    for wrong, big, chinese_words in cases:
        monkeypatch.setenv(LANG_ENV, "en")
        english = message(check_sparse_ce, wrong, y=y, z=z, **big)
        monkeypatch.setenv(LANG_ENV, "zh")
        chinese = message(check_sparse_ce, wrong, y=y, z=z, **big)
        assert chinese_words in chinese and not CHINESE.search(english), chinese
        assert numbers(chinese) == numbers(english), (english, chinese)


def test_the_checker_process_names_a_mistake_as_the_notebook_does(lang):
    """At grading time the check runs in a separate checker process (autograder/remote), which
    calls the student's function through the agent: the same message, in the same language."""
    from autograder.remote import agent, wire
    from autograder.remote.host import CheckerProcess

    student = {"binary_cost": SUM_INSTEAD}
    expected = message(check_binary_cost, SUM_INSTEAD, **COST_CASE)
    process = CheckerProcess.plain(seconds=120)  # inherits COURSE_LANG, as under nbgrader
    try:
        process.prelude("from utils.feedback.binary_cost import check_binary_cost", ["binary_cost"])
        assert process.prelude_outputs(pytest.fail) == []
        outputs = process.run(
            "cost",
            "check_binary_cost(binary_cost, y=[1.0, 0.0, 1.0], p=[0.9, 0.2, 0.6])",
            lambda request: {"reply": agent.serve(wire, json.dumps(request), student)},
        )
    finally:
        process.close()
    (error,) = [o for o in outputs if o.output_type == "error"]
    assert (error.ename, error.evalue) == ("ExerciseError", expected)
    assert bool(CHINESE.search(expected)) == (lang == "zh")
