"""The digits assignment's text around the exercises: the progressive hints under every exercise
and the questions at the end.  Every hint is a nudge and then the formula or the code's shape,
in both languages, and spells no line of the solution; every number a model answer states is
what the solution notebook prints or what a real training run, trained as the notebook and the
checks train, measures (no mocks: real Keras)."""

import re

import nbformat
import numpy as np
import pytest

from autograder.notebooks import RELEASED, source_notebook
from autograder.release import translated_dir
from utils.lessons.assignment_digits import checks as ex

NAME = "assignment_digits"
EXERCISES = (
    "softmax_md",
    "cost_md",
    "sce_md",
    "model_md",
    "initial_loss_md",
    "train_md",
    "gap_md",
    "improve_md",
    "predict_md",
)
NUDGE = {"en": "Hint 1: a nudge", "zh": "提示 1：点拨"}
SECOND = {"en": "Hint 2: ", "zh": "提示 2："}
INLINE_HINT = {"en": "*Hint:*", "zh": "*提示：*"}
ANSWER = {"en": "A model answer", "zh": "参考答案"}
DETAILS = re.compile(r"<details><summary>(.*?)</summary>\n\n(.*?)\n\n</details>", re.S)
SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
LANGS = ("en", "zh")


def source():
    return nbformat.read(str(source_notebook(NAME)), as_version=4)


def cells():
    return {c.id: c for c in source().cells}


def text(cell, lang):
    """A markdown cell's text in ``lang``, on one line (the prose wraps at 100 characters)."""
    raw = cell.source if lang == "en" else cell.metadata["i18n"][lang]["source"]
    return " ".join(raw.split())


def released(lang):
    folder = RELEASED if lang == "en" else translated_dir(RELEASED, lang)
    return {c.id: c for c in nbformat.read(str(folder / f"{NAME}.ipynb"), as_version=4).cells}


# --- the hints ------------------------------------------------------------------------------


def test_the_exercises_are_the_cells_with_hints():
    """A new exercise heading without its hints fails here."""
    headed = [c.id for c in source().cells if c.source.startswith("## Exercise ")]
    assert headed == list(EXERCISES)


@pytest.mark.parametrize("lang", LANGS)
def test_every_exercise_has_a_nudge_then_a_second_hint(lang):
    built = released(lang)
    for cid, cell in cells().items():
        if cell.cell_type != "markdown":
            continue
        if cid not in EXERCISES:
            assert NUDGE[lang] not in text(cell, lang), cid
            continue
        raw = cell.source if lang == "en" else cell.metadata["i18n"][lang]["source"]
        hints = DETAILS.findall(raw)
        assert [summary for summary, _ in hints][:1] == [NUDGE[lang]], cid
        assert len(hints) == 2 and hints[1][0].startswith(SECOND[lang]), cid
        assert all(body.strip() for _, body in hints), cid
        assert raw.count("<details>") == raw.count("</details>") == 2, cid
        assert INLINE_HINT[lang] not in raw, f"{cid}: a hint next to the exercise, not folded"
        assert built[cid].source == raw, f"{cid}: release the assignment ({lang})"


def solution_lines(*, longer_than=15):
    """The lines of every solution and hidden test of the source, stripped."""
    code = "\n".join(c.source for c in source().cells if c.cell_type == "code")
    bodies = SOLUTION.findall(code) + HIDDEN.findall(code)
    lines = {line.strip() for body in bodies for line in body.splitlines()}
    return {line for line in lines if len(line) > longer_than and not line.startswith("#")}


@pytest.mark.parametrize("lang", LANGS)
def test_no_hint_spells_a_line_of_the_solution(lang):
    """Stricter than tests/test_release.py (which looks for lines over 25 characters in the
    English release): the hints of both languages hold no solution line over 15 characters."""
    lines = solution_lines()
    assert "e = np.exp(z - np.max(z, axis=-1, keepdims=True))" in lines  # the test can fail
    for cid in EXERCISES:
        raw = cells()[cid].source if lang == "en" else cells()[cid].metadata.i18n[lang].source
        hints = "\n".join(body for _, body in DETAILS.findall(raw))
        assert not [line for line in lines if line in hints], cid


# --- the end: questions with model answers, further reading ---------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_assignment_ends_with_questions_and_further_reading(lang):
    nb = source()
    assert [c.id for c in nb.cells[-3:]] == ["summary", "open_questions", "further_reading"]
    questions = nb.cells[-2].source if lang == "en" else nb.cells[-2].metadata.i18n[lang].source
    asked = re.findall(r"^\d\. ", questions, re.M)
    answers = [summary for summary, _ in DETAILS.findall(questions)]
    assert len(asked) == 3 and answers == [ANSWER[lang]] * 3
    reading = text(nb.cells[-1], lang)
    for work in (
        "LeCun",
        "Goodfellow",
        "Early stopping — but when?",
        "Prechelt (1998)" if lang == "en" else "Prechelt（1998）",
        "Srivastava",
    ):
        assert work in reading, work


def answers(lang):
    return text(cells()["open_questions"], lang)


def both_say(en, zh):
    assert en in answers("en"), en
    assert zh in answers("zh"), zh


# --- the numbers the model answers state ----------------------------------------------------


@pytest.mark.slow
def test_the_answers_quote_what_the_solution_prints(executed_notebook):
    """Questions 1 and 2 read the lines the solved notebook prints; question 3's wider model is
    the solution of exercise 8, whose check prints its accuracies."""
    run = executed_notebook(NAME, "solved")
    (before,) = re.findall(
        r"training images: (\d\.\d{3}); ln 10 = 2\.303", run.text("initial_loss_demo")
    )
    assert np.log(10) < float(before) < np.log(10) + 0.1  # "a little above"
    both_say(f"{before} in the solution's run", f"在参考解答的运行中是 {before}")
    lowest, epoch, last = re.search(
        r"lowest (\d\.\d{3}) after epoch (\d+), (\d\.\d{3}) after the last", run.text("loss_curves")
    ).groups()
    both_say(
        f"lowest, {lowest}, after epoch {epoch}, and had risen to {last} by epoch 40",
        f"在第 {epoch} 个轮次之后最低，为 {lowest}，到第 40 个轮次又升到了 {last}",
    )
    both_say(f"the last {40 - int(epoch)} epochs", f"最后 {40 - int(epoch)} 个轮次")
    held_out, train = re.search(
        r"held-out accuracy (\d+\.\d%) \(baseline 93\.1%\), training accuracy (\d+\.\d%)",
        run.text("test_improved"),
    ).groups()
    row = f"| 100 and 50 hidden units | 45,660 | {train} | {held_out} |"
    both_say(row, f"| 100 和 50 个隐藏单元 | 45,660 | {train} | {held_out} |")


def wrong_losses(model, X, y):
    """(number of mistakes, mean loss of the misclassified images) of ``model`` on (X, y)."""
    z = np.asarray(model(X))
    wrong = z.argmax(axis=1) != y
    return int(wrong.sum()), float(ex.sparse_ce_reference(y, z)[wrong].mean())


@pytest.fixture(scope="module")
def watched_training(keras):
    """The baseline trained exactly as the notebook trains it (run_training, from the course's
    seed, with the held-out images as validation data), recording after every epoch the number
    of held-out mistakes and their mean loss."""
    from utils.data import load_digits_split

    (X, y), (X_test, y_test) = load_digits_split()
    after_epoch = []

    def build_model():
        return keras.Sequential(
            [
                keras.Input(shape=(400,)),
                keras.layers.Dense(25, activation="relu"),
                keras.layers.Dense(15, activation="relu"),
                keras.layers.Dense(10, activation="linear"),
            ]
        )

    def train_model(model, X_train, y_train, validation_data=None):
        record = keras.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: after_epoch.append(wrong_losses(model, X_test, y_test))
        )
        return model.fit(
            X_train,
            y_train,
            epochs=40,
            batch_size=32,
            verbose=0,
            validation_data=validation_data,
            callbacks=[record],
        )

    run = ex.run_training(
        train_model, build_model, ex.compile_reference, X, y, validation_data=(X_test, y_test)
    )
    assert run.error == ""
    return run.history.history, after_epoch


@pytest.mark.slow
def test_early_stopping_answer_measured_on_the_notebooks_training(
    watched_training, executed_notebook
):
    history, after_epoch = watched_training
    val_loss = np.array(history["val_loss"])
    best = int(np.argmin(val_loss))
    # the same training as the notebook's: the line it printed
    printed = executed_notebook(NAME, "solved").text("loss_curves")
    assert (
        f"lowest {val_loss[best]:.3f} after epoch {best + 1}, {val_loss[-1]:.3f} after the last"
        in printed
    )
    assert history["loss"][-1] < history["loss"][best]  # the training loss kept falling
    # flat near its minimum: within 0.005 of the lowest from epoch a to epoch b, and only there
    near = np.flatnonzero(val_loss <= val_loss[best] + 0.005) + 1
    first, final = int(near[0]), int(near[-1])
    assert list(near) == list(range(first, final + 1))
    both_say(
        f"within 0.005 of its lowest from epoch {first} to epoch {final}",
        f"从第 {first} 个轮次到第 {final} 个轮次，它与最低值的差距一直不超过 0.005",
    )
    # the accuracy does not turn with the loss: mistakes fewer, but more confident
    accuracy = history["val_accuracy"]
    assert accuracy[-1] >= accuracy[best]
    both_say(
        f"held-out accuracy was {accuracy[best]:.1%} after epoch {best + 1} and "
        f"{accuracy[-1]:.1%} after epoch 40",
        f"在第 {best + 1} 个轮次之后是 {accuracy[best]:.1%}，在第 40 个轮次之后是 "
        f"{accuracy[-1]:.1%}",
    )
    (mistakes, loss), (mistakes_end, loss_end) = after_epoch[best], after_epoch[-1]
    assert mistakes == round((1 - accuracy[best]) * 1000) and mistakes_end <= mistakes
    assert loss_end > loss
    both_say(
        f"mistakes fell from {mistakes} to {mistakes_end}",
        f"错误从 {mistakes} 个减少到 {mistakes_end} 个",
    )
    both_say(f"rose from {loss:.2f} to {loss_end:.2f}", f"从 {loss:.2f} 升到了 {loss_end:.2f}")


def improved(keras, *, units=(25, 15), l2=None, dropout=None):
    """An ``improved_model`` of exercise 8: the baseline with one change, compiled as 4b."""

    def improved_model():
        regulariser = keras.regularizers.L2(l2) if l2 else None
        layers = [keras.Input(shape=(400,))]
        for n in units:
            layers.append(keras.layers.Dense(n, activation="relu", kernel_regularizer=regulariser))
            if dropout:
                layers.append(keras.layers.Dropout(dropout))
        model = keras.Sequential(layers + [keras.layers.Dense(10)])
        ex.compile_reference(model)
        return model

    return improved_model


TABLE_ROW = re.compile(r"^\| (.+?) \| ([\d,]+) \| ([\d.]+%) \| ([\d.]+%) \| ([\d.]+) \|$", re.M)


@pytest.mark.slow
def test_the_table_of_question_3_is_what_the_check_of_exercise_8_measures(keras, monkeypatch):
    """Each row trained by train_improved, as the check trains improved_model(); the claims of
    question 3 and of exercise 8's second hint follow from the rows."""
    from tests.test_assignment import improved_threshold
    from utils.data import load_digits_split

    data = load_digits_split()
    args = (*data[0], *data[1])
    models = {
        "the baseline: 25 and 15 hidden units": improved(keras),
        "100 and 50 hidden units": improved(keras, units=(100, 50)),
        "L2(1e-3) on both hidden layers": improved(keras, l2=1e-3),
        "dropout 0.2 after each hidden layer": improved(keras, dropout=0.2),
    }
    raw = cells()["open_questions"]
    rows = TABLE_ROW.findall(raw.source)
    assert [r[0] for r in rows] == list(models)
    zh_rows = TABLE_ROW.findall(raw.metadata.i18n.zh.source)
    assert [r[1:] for r in zh_rows] == [r[1:] for r in rows]  # the same numbers in Chinese
    measured = {}
    for (name, parameters, train, held_out, gap), make in zip(rows, models.values(), strict=True):
        measured[name] = ex.train_improved(make, *args)
        assert int(parameters.replace(",", "")) == make().count_params(), name
        assert (f"{measured[name][0]:.1%}", f"{measured[name][1]:.1%}") == (train, held_out)
        assert gap == f"{float(train[:-1]) - float(held_out[:-1]):.1f}", name
    (base_train, base), (wide_train, wide), (l2_train, l2), (drop_train, drop) = measured.values()
    assert base == pytest.approx(ex.BASELINE_ACCURACY, abs=5e-4)
    # L2 and dropout: the gap narrows from above, the held-out accuracy about where it was
    for train, held_out in ((l2_train, l2), (drop_train, drop)):
        assert train < base_train - 0.005 and abs(held_out - base) <= 0.01
        assert train - held_out < base_train - base
    # more units: every training image right, the clearest margin, a smaller gap
    threshold = improved_threshold()
    assert wide_train == 1.0 and wide >= threshold > max(l2, drop)
    assert wide_train - wide < base_train - base
    both_say("fits every training image", "把每一张训练图像都分对了")
    # one run says little: the baseline with two other seeds
    for seed in (3, 1):
        monkeypatch.setattr(ex, "SEED", seed)
        _, held_out = ex.train_improved(models["the baseline: 25 and 15 hidden units"], *args)
        both_say(f"{held_out:.1%} with seed {seed}", f"种子 {seed} 是 {held_out:.1%}")
    spread = re.search(r"(\d+\.\d)% with seed 3, (\d+\.\d)% with seed 1", answers("en")).groups()
    assert float(spread[1]) - float(spread[0]) > abs(100 * (l2 - base))  # L2's edge: in the spread


def test_unscaled_pixels_make_every_untrained_logit_255_times_larger(keras):
    """Question 1: pixels 0-255 instead of 0-1; the biases start at 0 and ReLU is positively
    homogeneous, so the course's untrained model's logits scale by exactly 255."""
    from utils.data import load_digits_split

    (X, y), _ = load_digits_split()
    keras.utils.set_random_seed(ex.SEED)
    model = ex.reference_model()
    assert all(not np.any(layer.get_weights()[1]) for layer in model.layers)  # biases at 0
    z, z_255 = np.asarray(model(X)), np.asarray(model(255 * X))
    np.testing.assert_allclose(z_255, 255 * z, rtol=1e-4, atol=1e-3)
    assert ex.sparse_ce_reference(y, z_255).mean() > 100
    e = np.exp(z_255 - z_255.max(axis=1, keepdims=True))
    sure = np.mean((e / e.sum(axis=1, keepdims=True)).max(axis=1) > 0.99)
    assert round(10 * sure) == 9
    both_say("a loss of over 100", "损失超过 100")
    both_say(
        "for about 9 images in 10 it puts more than 99% of its probability on a single digit",
        "大约每 10 张图像中就有 9 张，它把 99% 以上的概率给了同一个数字",
    )
