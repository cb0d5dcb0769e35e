"""Multiple-choice quizzes with feedback for every choice.

A :class:`Question` holds the prompt, its choices (each with its own
feedback), and an explanation.  Displayed in JupyterLab it is a small widget:
pick an answer, press *Check*, read the feedback.  Without a front end (a
static rendering, nbgrader) it shows the question and choices with the
answer folded away in a ``<details>`` block.  :meth:`Question.answer` is the
same logic the *Check* button runs, for tests and for learners who prefer code.

The quiz's own words (*Check*, *Correct!*, ...) come from the message catalogue
(:mod:`utils.i18n`), in the language in use when the question is answered or displayed.

The questions themselves live in each lesson's ``questions.py``; a lesson shows its
quiz with its own ``quiz()`` (``from utils.lessons.softmax_multiclass import quiz``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import ipywidgets as widgets

from utils.i18n import msg
from utils.style import COLORS
from utils.ui.figure_widget import static_mode
from utils.ui.markup import inline_html, plain_text


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    feedback: str


@dataclass
class Question:
    """One quiz question; ``multiple=True`` when more than one choice is correct."""

    key: str
    prompt: str
    choices: list[Choice]
    explanation: str
    multiple: bool = False
    _picked: tuple = field(default=(), repr=False)

    def __post_init__(self):
        n_correct = sum(c.correct for c in self.choices)
        if len(self.choices) < 2 or n_correct < 1 or (n_correct > 1 and not self.multiple):
            raise ValueError(
                f"question {self.key!r} needs >= 2 choices and exactly one correct "
                "answer (or multiple=True)"
            )

    @property
    def correct(self) -> tuple[int, ...]:
        return tuple(i for i, c in enumerate(self.choices) if c.correct)

    def answer(self, picked) -> tuple[bool, str]:
        """Check an answer (a choice index, or several for ``multiple``): ``(right, feedback)``."""
        picked = (picked,) if isinstance(picked, int) else tuple(sorted(set(picked)))
        if not picked or any(not 0 <= i < len(self.choices) for i in picked):
            raise ValueError(msg("quiz.bad_pick", last=len(self.choices) - 1, picked=picked))
        if len(picked) > 1 and not self.multiple:
            raise ValueError(msg("quiz.one_answer"))
        self._picked = picked
        right = picked == self.correct
        lines = [
            f"{'✓' if self.choices[i].correct else '✗'} {self.choices[i].feedback}" for i in picked
        ]
        if self.multiple and not right and all(self.choices[i].correct for i in picked):
            lines.append(msg("quiz.another_choice"))
        verdict = msg("quiz.correct") if right else msg("quiz.not_quite")
        tail = f" {self.explanation}" if right else " " + msg("quiz.try_again")
        return right, "\n".join([verdict] + lines) + ("\n" + tail.strip())

    # --- display -----------------------------------------------------------------------
    def widget(self):
        """The interactive version: choices, a Check button and a feedback area."""
        pick = ChoiceRows(self.choices, multiple=self.multiple)
        button = widgets.Button(description=msg("quiz.check"), button_style="primary")
        feedback = widgets.HTMLMath()

        def on_click(_):
            if not pick.picked:
                feedback.value = f"<i>{html.escape(msg('quiz.pick_first'))}</i>"
                return
            right, text = self.answer(pick.picked)
            colour = COLORS["right" if right else "wrong"]
            body = "<br>".join(inline_html(line) for line in text.splitlines())
            feedback.value = f'<div style="color:{colour}">{body}</div>'

        button.on_click(on_click)
        box = widgets.VBox(
            [widgets.HTMLMath(f"<b>{inline_html(self.prompt)}</b>"), pick, button, feedback]
        )
        box.add_class(QUIZ_CLASS)
        box.add_class(f"{QUIZ_CLASS}-{self.key}")  # a browser test finds a question by its key
        box.check = on_click  # tests press the button through this
        box.picker, box.feedback = pick, feedback
        return box

    def static_html(self) -> str:
        items = "".join(f"<li>{inline_html(c.text)}</li>" for c in self.choices)
        answer = "; ".join(inline_html(self.choices[i].text) for i in self.correct)
        hint = html.escape(msg("quiz.choose_all")) if self.multiple else ""
        return (
            f"<p><b>{inline_html(self.prompt)}</b>{hint}</p><ol type='a'>{items}</ol>"
            f"<details><summary>{html.escape(msg('quiz.show_answer'))}</summary><p>{answer}. "
            f"{inline_html(self.explanation)}</p></details>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        still = {"text/html": self.static_html(), "text/plain": plain_text(self.prompt)}
        if static_mode():
            return still
        live = widgets.VBox([quiz_css(), self.widget()])
        return {**still, **live._repr_mimebundle_(include=include, exclude=exclude)}


QUIZ_CLASS = "course-quiz"
LETTERS = "abcdefgh"


class ChoiceRows(widgets.VBox):
    """A question's choices, one row each: a radio button (a checkbox for "choose all") with the
    choice's letter, and its text with code shown as code and maths as maths.

    ``picked`` is the list of chosen indices; ``value`` sets the choice by index (several
    indices for "choose all"), as a student's click does.  One radio button per row (ipywidgets'
    own radio group draws its labels as plain text) kept exclusive here.
    """

    def __init__(self, choices, *, multiple: bool):
        self.multiple = multiple
        self.marks = [self._mark(i, multiple) for i in range(len(choices))]
        rows = []
        for mark, choice in zip(self.marks, choices):
            text = widgets.HTMLMath(
                inline_html(choice.text), layout=widgets.Layout(flex="1 1 0%", width="auto")
            )
            row = widgets.HBox([mark, text], layout=widgets.Layout(align_items="flex-start"))
            row.add_class(f"{QUIZ_CLASS}-choice")
            rows.append(row)
        super().__init__(rows)
        if not multiple:
            for mark in self.marks:
                mark.observe(self._keep_one, names="value")

    @staticmethod
    def _mark(i: int, multiple: bool):
        layout = widgets.Layout(width="auto", flex="0 0 auto", margin="0 6px 0 0")
        if multiple:
            return widgets.Checkbox(description=LETTERS[i], indent=False, layout=layout)
        return widgets.RadioButtons(options=[(LETTERS[i], i)], value=None, layout=layout)

    def _keep_one(self, change):
        if change["new"] is not None:
            for mark in self.marks:
                if mark.value is not None and mark.value != change["new"]:
                    mark.value = None

    @property
    def picked(self) -> list[int]:
        if self.multiple:
            return [i for i, mark in enumerate(self.marks) if mark.value]
        return [mark.value for mark in self.marks if mark.value is not None]

    @property
    def value(self):
        picked = self.picked
        return picked if self.multiple else (picked[0] if picked else None)

    @value.setter
    def value(self, picked):
        if self.multiple:
            chosen = {picked} if isinstance(picked, int) else set(picked)
            for i, mark in enumerate(self.marks):
                mark.value = i in chosen
        elif picked is None:
            for mark in self.marks:
                mark.value = None
        else:
            self.marks[picked].value = picked


# Each choice is a row that grows with its text, wrapped at word boundaries, at any width.
QUIZ_CSS = f"""<style>
.{QUIZ_CLASS} .{QUIZ_CLASS}-choice {{ height: auto !important; padding: 2px 0; }}
.{QUIZ_CLASS} .{QUIZ_CLASS}-choice .widget-htmlmath-content {{
  white-space: normal; overflow-wrap: break-word; line-height: 1.4;
}}
.{QUIZ_CLASS} .widget-radio, .{QUIZ_CLASS} .widget-radio-box,
.{QUIZ_CLASS} .widget-checkbox {{ width: auto !important; height: auto !important; }}
.{QUIZ_CLASS} .widget-radio-box label {{ height: auto !important; }}
.{QUIZ_CLASS} code {{ font-size: 0.95em; }}
</style>"""


def quiz_css():
    """The quizzes' layout rules, as an (invisible) widget shown next to them."""
    return widgets.HTML(QUIZ_CSS, layout=widgets.Layout(height="0px", margin="0"))


class QuizSet:
    """Several questions shown together; ``widgets[i]`` is question i's widget once displayed."""

    def __init__(self, questions):
        self.questions = list(questions)
        self.widgets = [q.widget() for q in self.questions]

    def static_html(self) -> str:
        return "<hr>".join(q.static_html() for q in self.questions)

    def _repr_mimebundle_(self, include=None, exclude=None):
        still = {
            "text/html": self.static_html(),
            "text/plain": "\n".join(plain_text(q.prompt) for q in self.questions),
        }
        if static_mode():
            return still
        box = widgets.VBox([quiz_css(), *self.widgets])
        return {**still, **box._repr_mimebundle_(include=include, exclude=exclude)}


@dataclass(frozen=True)
class Asked:
    """Where a question's words are in the catalogue: ``<area>.quiz.<section>.prompt``, one
    text and one ``<letter>_feedback`` per choice letter, and ``explanation``."""

    key: str  # the question's id (stable across languages)
    section: str  # "q1", "q2", ...
    right: str  # the letters of the correct choices ("b", or "ab" for choose-all)
    letters: str = "abcd"


def catalogue_questions(area: str, asked, lang: str | None = None) -> list[Question]:
    """The questions ``asked`` of lesson ``area`` in language ``lang`` (default: in use)."""

    def text(section, name):
        return msg(f"{area}.quiz.{section}.{name}", lang=lang)

    return [
        Question(
            q.key,
            text(q.section, "prompt"),
            [
                Choice(text(q.section, c), c in q.right, text(q.section, f"{c}_feedback"))
                for c in q.letters
            ],
            text(q.section, "explanation"),
            multiple=len(q.right) > 1,
        )
        for q in asked
    ]


@dataclass(frozen=True)
class LessonQuiz:
    """A lesson's quiz as data: its catalogue area and the questions it asks.

    Defining one reads no catalogue; the words are looked up when the questions are made, in
    the language asked for (default: the language in use).  A lesson's ``questions.py`` holds
    one, ``QUIZ = LessonQuiz("softmax_multiclass", (Asked(...), ...))``, and shows it with
    ``QUIZ.show()``; tools that list every quiz read ``QUIZ.questions("en")``."""

    area: str
    asked: tuple[Asked, ...]

    def questions(self, lang: str | None = None) -> list[Question]:
        """The questions in language ``lang`` (default: the language in use)."""
        return catalogue_questions(self.area, self.asked, lang)

    def show(self) -> QuizSet:
        """The questions, shown together, in the language in use."""
        return QuizSet(self.questions())
