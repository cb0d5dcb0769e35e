"""The lecture's ten quiz questions: all present, answerable, with feedback for every choice."""

import importlib

import nbformat
import pytest

from autograder.course import assignments
from autograder.notebooks import source_notebook
from utils.lessons import lesson
from utils.ui.quiz import Choice, Question

PER_LESSON = {
    "01_compile_and_fit": 2,
    "02_activations": 3,
    "03_softmax_multiclass": 3,
    "04_adam_and_layers": 2,
}


def quiz(lesson_id):
    return importlib.import_module(lesson(lesson_id).module).quiz()


def questions_of(lesson_id):
    return importlib.import_module(f"{lesson(lesson_id).module}.questions").QUIZ.questions("en")


QUESTIONS = [q for lesson_id in PER_LESSON for q in questions_of(lesson_id)]


def test_all_ten_questions_of_the_notes_are_there():
    assert len(QUESTIONS) == 10 and len({q.key for q in QUESTIONS}) == 10
    for lesson_id, count in PER_LESSON.items():
        assert len(quiz(lesson_id).questions) == count


@pytest.mark.parametrize("lesson_id", sorted(PER_LESSON))
def test_each_lesson_shows_its_quiz(lesson_id):
    assert lesson_id in assignments()
    nb = nbformat.read(str(source_notebook(lesson_id)), as_version=4)
    assert any(c.source.strip() == "quiz()" for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.key)
def test_every_choice_gets_feedback_and_only_the_answer_is_right(question):
    for i, choice in enumerate(question.choices):
        right, text = question.answer(i)
        assert choice.feedback in text
        assert right == (question.correct == (i,))
    right, text = question.answer(
        list(question.correct) if question.multiple else question.correct[0]
    )
    assert right and question.explanation in text


def test_the_housing_question_needs_both_answers():
    (q,) = [q for q in QUESTIONS if q.key == "activations-2"]
    assert q.multiple and q.answer([0])[0] is False and "another correct choice" in q.answer([0])[1]
    assert q.answer([0, 1])[0] is True and q.answer([0, 2])[0] is False


def test_check_button_shows_feedback_in_the_widget():
    box = quiz("03_softmax_multiclass").widgets[1]
    box.check(None)
    assert "Pick an answer first" in box.feedback.value
    box.picker.value = 1
    box.check(None)
    assert "Correct!" in box.feedback.value
    box.picker.value = 0
    box.check(None)
    assert "Not quite" in box.feedback.value


def test_static_view_hides_the_answer_in_details(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    bundle = quiz("04_adam_and_layers")._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" not in bundle
    assert "<details>" in bundle["text/html"] and "Convolutional layer." in bundle["text/html"]
    monkeypatch.delenv("NBGRADER_EXECUTION")
    assert (
        "application/vnd.jupyter.widget-view+json" in quiz("04_adam_and_layers")._repr_mimebundle_()
    )


def test_bad_questions_and_answers_are_rejected():
    with pytest.raises(ValueError, match="exactly one correct"):
        Question("x-1", "?", [Choice("a", True, ""), Choice("b", True, "")], "")
    with pytest.raises(ValueError, match="pick choice numbers between 0 and 3"):
        QUESTIONS[0].answer(7)
    with pytest.raises(ValueError, match="single choice"):
        QUESTIONS[0].answer([0, 1])
    with pytest.raises(KeyError, match="no lesson 'backprop'"):
        quiz("backprop")


def test_quiz_text_shows_code_as_code_and_keeps_maths_for_mathjax():
    from utils.ui.markup import inline_html, plain_text

    text = "Use `from_logits=True` when $a_3 = z_3$ <b>here</b>"
    assert inline_html(text) == (
        "Use <code>from_logits=True</code> when $a_3 = z_3$ &lt;b&gt;here&lt;/b&gt;"
    )
    assert plain_text(text) == "Use from_logits=True when a_3 = z_3 <b>here</b>"
    assert inline_html("costs $5 and `x") == "costs $5 and `x"  # unpaired: left as typed
    assert inline_html("`<script>`") == "<code>&lt;script&gt;</code>"


def test_choices_are_rows_with_rendered_text_and_one_radio_picked_at_a_time():
    q = Question(
        "x-1",
        "Which is $-\\log a_3$?",
        [Choice("`-log(a3)`", True, "yes"), Choice("$a_3$", False, "no"), Choice("c", False, "")],
        "because",
    )
    box = q.widget()
    rows = box.picker
    assert len(rows.children) == 3
    assert "<code>-log(a3)</code>" in rows.children[0].children[1].value
    rows.value = 1
    rows.value = 0
    assert rows.picked == [0] and rows.marks[1].value is None
    box.check(None)
    assert "Correct!" in box.feedback.value and "$-\\log a_3$" in box.children[0].value
    rows.value = None
    box.check(None)
    assert "Pick an answer first" in box.feedback.value


def test_choose_all_questions_tick_several():
    q = Question(
        "x-2", "?", [Choice("a", True, ""), Choice("b", True, ""), Choice("c", False, "")], "", True
    )
    box = q.widget()
    box.picker.value = [0, 1]
    assert box.picker.picked == [0, 1]
    box.check(None)
    assert "Correct!" in box.feedback.value


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_quiz_text_has_paired_markup(lang):
    """An odd number of backticks or dollars in a quiz text would show as stray symbols."""
    import importlib

    from utils.lessons import LESSONS

    for item in LESSONS:
        try:
            module = importlib.import_module(f"{item.module}.questions")
        except ModuleNotFoundError:
            continue
        for q in module.QUIZ.questions(lang):
            for text in [q.prompt, q.explanation, *(c.text for c in q.choices)]:
                assert text.count("`") % 2 == 0, f"{item.id} {q.key}: unpaired backtick in {text!r}"
                assert text.replace("\\$", "").count("$") % 2 == 0, (
                    f"{item.id} {q.key}: unpaired $ in {text!r}"
                )
