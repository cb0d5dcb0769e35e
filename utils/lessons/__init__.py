"""The lesson registry: the one list of the course's lessons, in order.

Each lesson has one home, ``utils/lessons/<package>/`` (its widgets, the visible checks of its
exercises, its questions), one nbgrader source notebook ``autograder/source/<id>/<id>.ipynb`` and
one released notebook ``notebooks/week2/<id>.ipynb``.  Everything that lists lessons (the README's
course map, START_HERE's map, the tests' lesson contract, the benchmarks) reads :data:`LESSONS`;
points are read from the released notebooks' nbgrader metadata, never typed twice.

This module imports no lesson: ``package`` is a name, imported only by whoever needs it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from utils.i18n import msg

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
WEEK = "week2"


@dataclass(frozen=True)
class Lesson:
    id: str  # the nbgrader assignment and the notebook's name
    number: str  # as the course map shows it ("01", ..., "★")
    package: str  # utils/lessons/<package>/
    sections: tuple[str, ...]  # sections of the lecture notes it covers
    you_do: str  # the README course map's "what you do"
    graded: bool = False  # the graded assignment (the lessons' exercises are practice)

    @property
    def notebook(self) -> Path:
        return NOTEBOOKS / WEEK / f"{self.id}.ipynb"

    @property
    def source(self) -> Path:
        """Its nbgrader source notebook (the instructor's version)."""
        return NOTEBOOKS.parent / "autograder" / "source" / self.id / f"{self.id}.ipynb"

    @property
    def module(self) -> str:
        return f"utils.lessons.{self.package}"

    def title(self, lang: str | None = None) -> str:
        """Its title in ``lang`` (the message catalogue's ``lessons.<package>.title``)."""
        return msg(f"lessons.{self.package}.title", lang=lang)

    def you_learn(self, lang: str | None = None) -> str:
        """START_HERE's "you will learn" in ``lang`` (``lessons.<package>.you_learn``)."""
        return msg(f"lessons.{self.package}.you_learn", lang=lang)


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "01_compile_and_fit",
        "01",
        "compile_and_fit",
        ("1.1", "1.2"),
        "define, compile, fit a 400-25-15-1 network on zeros vs ones; batches and epochs; "
        "the cost J by hand against Keras; MSE",
    ),
    Lesson(
        "02_activations",
        "02",
        "activations",
        ("2.1", "2.2", "2.3"),
        "explore six activations; pick output activations by the target's range; measure "
        "sigmoid's slow gradients; the ReLU puzzle; the linear collapse",
    ),
    Lesson(
        "03_softmax_multiclass",
        "03",
        "softmax_multiclass",
        ("3.1", "3.2", "3.3", "3.4"),
        "softmax and its loss; the `from_logits` stability lab (float16/32/64); a 4-class "
        "model both ways; one-hot vs sparse; multi-label",
    ),
    Lesson(
        "04_adam_and_layers",
        "04",
        "adam_and_layers",
        ("4.1", "4.2"),
        "write Adam and race it against gradient descent and against Keras; a 1-D convolution "
        "on EKG signals; pooling, RNN, LSTM",
    ),
    Lesson(
        "05_backprop",
        "05",
        "backprop",
        ("5.1", "5.2"),
        "derivatives by nudging; step through a computation graph's backward pass; N+P vs "
        "N×P measured; backprop checked three ways",
    ),
    Lesson(
        "assignment_digits",
        "★",
        "assignment_digits",
        ("4.3",),
        "**graded**: a warm-up (softmax, the losses); the 400-25-15-10 model; the loss "
        "before training (ln 10); training watched on held-out data; the overfitting gap; an "
        "open task (beat the baseline); prediction; error analysis; draw your own digit",
        graded=True,
    ),
    Lesson(
        "06_train_it_yourself",
        "06",
        "train_it_yourself",
        ("1.2", "4.1", "5.2"),
        "optional capstone: write the forward pass, backprop, Adam and the mini-batch loop in "
        "numpy; train the digits network and match Keras's loss curve",
    ),
)


def lesson(lesson_id: str) -> Lesson:
    """The lesson whose id (assignment name) is ``lesson_id``."""
    for item in LESSONS:
        if item.id == lesson_id:
            return item
    raise KeyError(f"no lesson {lesson_id!r}; lessons are {[item.id for item in LESSONS]}")


def points(item: Lesson) -> float:
    """The lesson's points: the sum over its graded cells' nbgrader metadata (of the released
    notebook; of the source before a new lesson's first release: nbgrader keeps the points)."""
    notebook = item.notebook if item.notebook.is_file() else item.source
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return sum(
        float(c.get("metadata", {}).get("nbgrader", {}).get("points", 0))
        for c in cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade")
    )


def readme_map() -> str:
    """The README's course-map table."""
    rows = [
        "| # | Notebook (in `notebooks/week2/`) | What you do | Points |",
        "|---|----------|-------------|--------|",
    ]
    rows += [
        f"| {item.number} | `{item.id}.ipynb` | {item.you_do} | {points(item):g} |"
        for item in LESSONS
    ]
    return "\n".join(rows)


def start_here_map(lang: str = "en") -> str:
    """START_HERE's course-map table in ``lang`` (links relative to the START_HERE of that
    language: ``notebooks/`` and ``notebooks/<lang>/`` both hold a ``week2/`` folder)."""
    head = [msg(f"lessons.map.{key}", lang=lang) for key in ("notebook", "you_learn", "notes")]
    rows = [f"| # | {' | '.join(head)} |", "|---|" + "|".join("-" * 10 for _ in head) + "|"]
    rows += [
        f"| {item.number} | {_link(item)} | {item.you_learn(lang)} | {', '.join(item.sections)} |"
        for item in LESSONS
    ]
    return "\n".join(rows)


def notes_map(lang: str = "en") -> str:
    """START_HERE's map from the lecture notes to the lessons: every section of the notes, its
    figures and the lessons that teach it (links as in :func:`start_here_map`)."""
    from utils.lecture_notes import SECTIONS

    head = [msg(f"notes.{key}", lang=lang) for key in ("section", "title", "figures", "lessons")]
    rows = [
        f"### {msg('notes.heading', lang=lang)}",
        "",
        msg("notes.intro", lang=lang),
        "",
        f"| {' | '.join(head)} |",
        "|" + "|".join("-" * 8 for _ in head) + "|",
    ]
    for part in SECTIONS:
        teaching = [item for item in LESSONS if part.number in item.sections]
        rows.append(
            f"| {part.number} | {part.title(lang)} | {', '.join(part.figures) or '–'} | "
            f"{', '.join(f'{item.number} {_link(item)}' for item in teaching) or '–'} |"
        )
    return "\n".join(rows)


def _link(item: Lesson) -> str:
    return f"[`{WEEK}/{item.id}.ipynb`]({WEEK}/{item.id}.ipynb)"


def lesson_card(item: Lesson, lang: str | None = None) -> str:
    """The line under each notebook's title, in ``lang``: the lecture notes' sections and their
    figures, and the points."""
    from utils.lecture_notes import figures

    shown = figures(item.sections)
    return msg(
        "course.card",
        lang=lang,
        sections_word=msg(
            "course.sections" if len(item.sections) > 1 else "course.section", lang=lang
        ),
        sections=msg("course.list_separator", lang=lang).join(item.sections),
        figures=msg("notes.figures_note", lang=lang, figures=", ".join(shown)) if shown else "",
        points=points(item),
        kind=msg("course.kind_graded" if item.graded else "course.kind_exercises", lang=lang),
    )
