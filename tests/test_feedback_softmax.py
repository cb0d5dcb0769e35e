"""utils.feedback.softmax: one checker per property, one message per mistake, the same in
lesson 03 and in the graded assignment, in every language."""

import re

import numpy as np
import pytest

from tests.chinese import CHINESE, numbers
from utils.feedback import ExerciseError
from utils.feedback.softmax import (
    STABILITY_MISTAKES,
    VALUE_MISTAKES,
    check_softmax_batch,
    check_softmax_stable,
    check_softmax_values,
)
from utils.i18n import LANG_ENV
from utils.lessons.assignment_digits import checks as assignment
from utils.lessons.softmax_multiclass import checks as lesson


def right(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def shifted_by(shift):
    def softmax(z):
        e = np.exp(z - shift(z))
        return e / np.sum(e, axis=-1, keepdims=True)

    return softmax


def message(check_fn, fn, **kwargs) -> str:
    with pytest.raises(ExerciseError) as info:
        check_fn(fn, **kwargs)
    return str(info.value)


def fixed_text(template: str) -> str:
    """The longest stretch of a catalogue message that does not depend on the inputs."""
    return max(re.split(r"\{[^}]*\}", template), key=len)


def catalogue_text(catalogue, name):
    """The fixed text of the mistake's message in the language in use."""
    (mistake,) = [m for m in catalogue if m.name == name]
    return fixed_text(mistake.template())


def test_right_answers_pass_every_checker():
    check_softmax_values(right, integer_input=True, untouched=True)
    check_softmax_batch(right, Z=np.random.default_rng(0).normal(size=(6, 3)), untouched=True)
    check_softmax_stable(
        right,
        probes=[[1000.0, 1001.0], [-1000.0, 1000.0], np.array([10.0, 12.0], dtype=np.float16)],
        batch=np.array([[1e4, 0.0, -1e4], [5.0, 5.0, 5.0]], dtype=np.float32),
        rtol=1e-5,
    )


@pytest.mark.parametrize(
    "name, wrong, checker",
    [
        ("ratio", lambda z: z / np.sum(z, axis=-1, keepdims=True), "values"),
        ("not divided", np.exp, "values"),
        ("shifted, not divided", lambda z: np.exp(z - np.max(z)), "values"),
        ("no max", shifted_by(lambda z: 0.0), "stable"),
        ("one max for the batch", shifted_by(np.max), "stable"),
    ],
)
def test_one_mistake_gets_one_message_in_the_lesson_and_in_the_assignment(
    name, wrong, checker, lang
):
    catalogue = VALUE_MISTAKES if checker == "values" else STABILITY_MISTAKES
    text = catalogue_text(catalogue, name)
    in_lesson = message(lesson.check_my_softmax, wrong)
    in_assignment = message(getattr(assignment, f"check_softmax_{checker}"), wrong)
    assert text in in_lesson and text in in_assignment, (in_lesson, in_assignment)


def test_the_axis_mistakes_are_named_the_same_way_on_any_batch():
    def axis0(z):
        e = np.exp(z - np.max(z, axis=0, keepdims=True))
        return e / np.sum(e, axis=0, keepdims=True)

    def whole_batch(z):
        e = np.exp(z - np.max(z, axis=-1, keepdims=True))
        return e / np.sum(e)

    for Z in (np.random.default_rng(1).normal(size=(5, 4)), [[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]]):
        assert "softmax over the wrong axis" in message(check_softmax_batch, axis0, Z=Z)
        text = message(check_softmax_batch, whole_batch, Z=Z)
        assert "the whole batch sums to 1 but each row should" in text
        assert "sum over all examples" in text
    assert "wrong axis" in message(assignment.check_softmax_batch, axis0)
    assert "softmax over the wrong axis" in message(lesson.check_my_softmax, axis0)


def test_stability_messages_name_the_shift_and_the_dtype():
    mean_shift = shifted_by(lambda z: np.mean(z, axis=-1, keepdims=True))
    text = message(check_softmax_stable, mean_shift, probes=[[-1000.0, 1000.0]])
    assert "not the mean or the smallest one" in text
    text = message(
        check_softmax_stable,
        shifted_by(lambda z: 0.0),
        probes=[np.array([10.0, 12.0], dtype=np.float16)],
    )
    assert "in float16 the largest number is 65504, so e^12 already overflows" in text
    text = message(check_softmax_stable, shifted_by(lambda z: 0.0), probes=[[1000.0, 1001.0]])
    assert "e^1000 overflows to inf and inf/inf is nan. Subtract max(z)" in text
    text = message(
        check_softmax_stable,
        shifted_by(np.max),
        batch=np.array([[1e4, 0.0, -1e4], [5.0, 5.0, 5.0]], dtype=np.float32),
    )
    assert "rows [1]" in text and "each row's own maximum" in text


def test_inputs_decide_what_is_required():
    def unstable(z):
        e = np.exp(z)
        return e / np.sum(e, axis=-1, keepdims=True)

    check_softmax_values(unstable)  # ordinary logits: right
    check_softmax_batch(unstable, Z=np.random.default_rng(0).normal(size=(5, 4)))
    with pytest.raises(ExerciseError, match="Subtract max"):
        check_softmax_stable(unstable)

    def integer_truncating(z):
        a = np.zeros_like(z)
        a[...] = right(z)
        return a

    check_softmax_values(integer_truncating)  # float input only: right
    assert "np.zeros_like(z)" in message(
        check_softmax_values, integer_truncating, integer_input=True
    )


# --- the language -------------------------------------------------------------------------------


@pytest.mark.parametrize("catalogue", [VALUE_MISTAKES, STABILITY_MISTAKES])
def test_every_mistake_has_its_chinese_message(catalogue):
    for mistake in catalogue:
        english, chinese = mistake.template("en"), mistake.template("zh")
        assert CHINESE.search(chinese) and not CHINESE.search(english), mistake.name


def _over_axis_0(z):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def test_the_checks_speak_chinese_with_the_same_numbers(monkeypatch):
    no_max = shifted_by(lambda z: 0.0)
    cases = [
        (
            check_softmax_stable,
            no_max,
            dict(probes=[np.array([10.0, 12.0], dtype=np.float16)]),
            "在 float16 中最大的数是 65504，所以 e^12 就已经溢出成了 inf，而 inf/inf 是 nan",
        ),
        (
            check_softmax_stable,
            shifted_by(np.max),
            dict(batch=np.array([[1e4, 0.0, -1e4], [5.0, 5.0, 5.0]], dtype=np.float32)),
            "行 [1] 出现了 nan 或 inf：每一行都需要用它自己的最大值",
        ),
        (
            check_softmax_batch,
            _over_axis_0,
            dict(Z=[[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]]),
            "my_softmax（输入是形状为 (2, 3) 的一批数据）：softmax 沿错了轴",
        ),
        (
            check_softmax_values,
            lambda z: 2 * right(z),
            {},
            "其和为 2 而不是 1：softmax 的输出是概率",
        ),
    ]
    for check_fn, wrong, kwargs, chinese_words in cases:
        monkeypatch.setenv(LANG_ENV, "en")
        english = message(check_fn, wrong, **kwargs)
        monkeypatch.setenv(LANG_ENV, "zh")
        chinese = message(check_fn, wrong, **kwargs)
        assert chinese_words in chinese and not CHINESE.search(english), chinese
        assert numbers(chinese) == numbers(english), (english, chinese)
