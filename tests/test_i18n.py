"""The drift gate of the two languages (issue 10): one source, zero drift.

* Every message of every catalogue (``utils/i18n/messages``) has its counterpart in every other,
  with the same parameters, and renders in every language.
* Every translatable cell of a converted notebook has an up-to-date translation; a change to the
  English without its Chinese fails, naming the cell (shown on a modified copy).
* The language builds differ in their markdown text only: code, nbgrader ids, points and hidden
  tests are the same, formulas are identical, and the committed builds equal a fresh release.
* The glossary's terms are used consistently; START_HERE renders it and the language choice.
* Chinese figures find a CJK font and write nothing to stderr; the Chinese notebook runs clean.
"""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import translations
from autograder.course import SOURCE, STUDENT_DIR
from autograder.release import (
    GLOSSARY_BEGIN,
    LANG_BEGIN,
    MAP_BEGIN,
    START_HERE,
    _write_builds,
    generate,
    glossary,
    start_here_in,
    start_here_path,
    translated_dir,
)
from tests.chinese import CHINESE
from utils import i18n
from utils.lessons import LESSONS

ROOT = Path(__file__).resolve().parent.parent
#: The gate's scope, derived, never listed: a lesson is converted when its source names the
#: languages it is translated into; then every module of its package must speak the catalogue.
CONVERTED_NOTEBOOKS = tuple(
    lesson.id
    for lesson in LESSONS
    if translations.languages(nbformat.read(str(SOURCE / lesson.id / f"{lesson.id}.ipynb"), 4))
)
SHARED = ("utils/feedback", "utils/ui")  # the shared layer a student meets: all of it
CONVERTED_MODULES = (
    tuple(
        str(path.relative_to(ROOT))
        for folder in SHARED
        for path in sorted((ROOT / folder).glob("*.py"))
    )
    + ("utils/plotting.py",)
    + tuple(
        str(path.relative_to(ROOT))
        for lesson in LESSONS
        if lesson.id in CONVERTED_NOTEBOOKS
        for path in sorted((ROOT / "utils" / "lessons" / lesson.package).glob("*.py"))
    )
)
OTHER = [code for code in i18n.languages() if code != i18n.DEFAULT]


def source(name):
    return nbformat.read(str(SOURCE / name / f"{name}.ipynb"), as_version=4)


def released(name, lang="en"):
    folder = STUDENT_DIR if lang == "en" else translated_dir(STUDENT_DIR, lang)
    return nbformat.read(str(folder / f"{name}.ipynb"), as_version=4)


# ------------------------------------------------------------------ the message catalogues


def test_there_are_two_languages_english_first():
    assert i18n.languages()[:1] == ("en",) and "zh" in i18n.languages()


@pytest.mark.parametrize("lang", OTHER)
def test_every_message_has_its_counterpart_with_the_same_parameters(lang):
    english, other = i18n.catalogue("en"), i18n.catalogue(lang)
    assert sorted(set(english) - set(other)) == [], f"messages/{lang}/ lacks these keys"
    assert sorted(set(other) - set(english)) == [], f"messages/{lang}/ has keys English lacks"
    differ = [k for k in english if i18n.fields(english[k]) != i18n.fields(other[k])]
    assert differ == [], f"messages/{lang}/: parameters differ from English in {differ}"


@pytest.mark.parametrize("lang", i18n.languages())
def test_each_language_has_the_same_files(lang):
    """A lesson's messages sit in the same file name in every language's folder."""
    names = {
        code: {p.name for p in (i18n.CATALOGUES / code).glob("*.toml")} for code in ("en", lang)
    }
    assert names[lang] == names["en"]


def test_a_key_defined_twice_is_refused(monkeypatch, tmp_path):
    (tmp_path / "en").mkdir()
    for name in ("a.toml", "b.toml"):
        (tmp_path / "en" / name).write_text('[quiz]\ncorrect = "Yes"\n', "utf-8")
    monkeypatch.setattr(i18n, "CATALOGUES", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(ValueError, match="already defined"):
            i18n.catalogue("en")
    finally:
        i18n.catalogue.cache_clear()


@pytest.mark.parametrize("lang", i18n.languages())
def test_every_message_renders(lang):
    for key, text in i18n.catalogue(lang).items():
        params = {name: 1.5 for name in i18n.fields(text)}
        rendered = i18n.msg(key, lang=lang, **params)
        words = re.sub(r"\$[^$]+\$", "", rendered)  # TeX braces inside $...$ are maths
        assert "{" not in words, (lang, key, rendered)
    assert i18n.msg("feedback.not_written", lang="zh", what="f(z)").startswith("f(z) 还没有完成")


def test_the_language_is_chosen_by_the_environment_then_the_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert i18n.language() == "en"
    zh_folder = tmp_path / "notebooks" / "zh" / "week2"
    zh_folder.mkdir(parents=True)
    monkeypatch.chdir(zh_folder)
    assert i18n.language() == "zh"
    assert i18n.msg("quiz.correct") == "回答正确！"
    monkeypatch.setenv(i18n.LANG_ENV, "en")
    assert i18n.language() == "en"  # the one switch wins over the folder
    monkeypatch.chdir(tmp_path)
    for value in ("zh", "zh_CN.UTF-8", "zh-cn", "ZH"):
        monkeypatch.setenv(i18n.LANG_ENV, value)
        assert i18n.language() == "zh", value
    monkeypatch.setenv(i18n.LANG_ENV, "tlh")  # no such catalogue: English
    assert i18n.language() == "en"


def test_a_third_language_is_one_folder_and_falls_back_to_english(monkeypatch, tmp_path):
    shutil.copytree(i18n.CATALOGUES, tmp_path, dirs_exist_ok=True)
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "core.toml").write_text('[quiz]\ncorrect = "Bonne réponse !"\n', "utf-8")
    monkeypatch.setattr(i18n, "CATALOGUES", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        assert "fr" in i18n.languages()
        monkeypatch.setenv(i18n.LANG_ENV, "fr")
        assert i18n.msg("quiz.correct") == "Bonne réponse !"
        assert i18n.msg("quiz.check") == "Check"  # missing: English at run time ...
        missing = set(i18n.catalogue("en")) - set(i18n.catalogue("fr"))
        assert missing  # ... which the gate above would refuse for a committed catalogue
    finally:
        i18n.catalogue.cache_clear()


USER_TEXT_CALLS = {"ExerciseError", "check", "passed", "set_title", "set_xlabel", "set_ylabel"}
USER_TEXT_KEYWORDS = {"description", "title", "label"}
WORDS = re.compile(r"[A-Za-z]{3,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}")


def _literal_text(node) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(_literal_text(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _literal_text(node.left) + " " + _literal_text(node.right)
    return ""


@pytest.mark.parametrize("module", CONVERTED_MODULES)
def test_converted_modules_show_no_hard_coded_english(module):
    """What a converted module shows a student comes from the catalogue, not from a literal."""
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        texts = [_literal_text(a) for a in node.args] if name in USER_TEXT_CALLS else []
        texts += [_literal_text(k.value) for k in node.keywords if k.arg in USER_TEXT_KEYWORDS]
        found += [f"line {node.lineno}: {t!r}" for t in texts if WORDS.search(t)]
    assert found == [], f"{module}: put these in utils/i18n/messages/<language>/*.toml"


def test_converted_messages_follow_the_language(monkeypatch):
    from utils.feedback import ExerciseError, call
    from utils.lessons.backprop import check_centred_difference, self_check

    monkeypatch.setenv(i18n.LANG_ENV, "zh")

    def blank(*args):
        raise NotImplementedError()

    with pytest.raises(ExerciseError, match="还没有完成"):
        call(blank, 1, what="f(1)")
    with pytest.raises(ExerciseError, match="前向差分"):
        check_centred_difference(lambda f, w, eps: (f(w + eps) - f(w)) / eps)
    quiz = self_check()
    right, text = quiz.questions[0].answer(quiz.questions[0].correct[0])
    assert right and text.startswith("回答正确！")
    assert "显示答案" in quiz.static_html() and quiz.widgets[0].children[2].description == "检查"


# ------------------------------------------------------------------ the notebooks


@pytest.mark.parametrize("name", CONVERTED_NOTEBOOKS)
def test_every_translatable_cell_has_an_up_to_date_translation(name):
    nb = source(name)
    assert translations.languages(nb) == OTHER
    for lang in translations.languages(nb):
        assert translations.problems(nb, lang) == [], f"{name}: see autograder/I18N.md"


def test_the_gate_fails_on_an_untranslated_change_naming_the_cell(tmp_path):
    nb = source("05_backprop")
    changed = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "eps_lesson")
    changed.source += "\nA new English sentence, not yet translated."
    removed = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "summary")
    del removed.metadata["i18n"]
    path = tmp_path / "05_backprop.ipynb"
    nbformat.write(nb, str(path))
    found = translations.problems(nbformat.read(str(path), as_version=4), "zh")
    assert len(found) == 2
    assert "(eps_lesson): the English text changed" in found[0] and "en_sha" in found[0]
    assert "(summary): no zh translation" in found[1]
    with pytest.raises(SystemExit, match=r"eps_lesson"):  # and release refuses to build it
        _write_builds(path, tmp_path / "out.ipynb")
    assert not (tmp_path / "out.ipynb").exists()


def test_the_lesson_card_is_not_part_of_the_hash():
    title = source("05_backprop").cells[0]
    assert translations.CARD.search(title.source)
    other_card = translations.CARD.sub(
        lambda m: m.group(0).replace("Points:", "Points (changed):"), title.source
    )
    assert translations.text_hash(other_card) == translations.text_hash(title.source)


def _without_checksum(metadata):
    metadata = json.loads(json.dumps(metadata))
    metadata.get("nbgrader", {}).pop("checksum", None)
    return metadata


@pytest.mark.parametrize("name", CONVERTED_NOTEBOOKS)
@pytest.mark.parametrize("lang", OTHER)
def test_the_language_builds_differ_in_markdown_text_only(name, lang):
    from nbgrader.utils import compute_checksum

    english, other, src = released(name), released(name, lang), source(name)
    assert english.metadata == other.metadata and len(english.cells) == len(other.cells)
    for a, b, s in zip(english.cells, other.cells, src.cells):
        assert a.cell_type == b.cell_type and a.get("id") == b.get("id")
        if a.cell_type == "code":
            assert a == b, f"{name}: code cell {a.id} differs between the builds"
        else:
            assert _without_checksum(a.metadata) == _without_checksum(b.metadata)
            assert b.source == s.metadata["i18n"][lang]["source"]
            assert b.metadata["nbgrader"]["checksum"] == compute_checksum(b)  # Validate is happy
    assert "i18n" not in json.dumps(english.metadata) + json.dumps(
        [c.metadata for c in english.cells]
    )


MATH = re.compile(r"\$\$.*?\$\$|\$[^$]+\$", re.S)
TEXT = re.compile(r"\\text\{[^{}]*\}")
FENCED = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1", re.S | re.M)  # a fenced code block


@pytest.mark.parametrize("name", CONVERTED_NOTEBOOKS)
def test_formulas_are_identical_in_every_language(name):
    """Only the words inside ``\\text{...}`` may be translated in a formula."""
    for cell in source(name).cells:
        if translations.translatable(cell):
            for lang in translations.languages(source(name)):
                en = [TEXT.sub("", m) for m in MATH.findall(cell.source)]
                other = [TEXT.sub("", m) for m in MATH.findall(cell.metadata.i18n[lang].source)]
                assert sorted(en) == sorted(other), (cell.id, lang)  # word order may differ
                theirs = cell.metadata.i18n[lang].source
                fenced = [[m[0] for m in FENCED.finditer(t)] for t in (cell.source, theirs)]
                assert fenced[0] == fenced[1], (cell.id, lang)  # code blocks: identical
                code = [re.findall(r"`[^`]+`", FENCED.sub("", t)) for t in (cell.source, theirs)]
                assert sorted(code[0]) == sorted(code[1]), (cell.id, lang)


@pytest.mark.slow
def test_the_committed_builds_equal_a_fresh_release(tmp_path):
    out = tmp_path / "week2"
    generate(CONVERTED_NOTEBOOKS, out_dir=out)
    for name in CONVERTED_NOTEBOOKS:
        for lang in ["en"] + OTHER:
            fresh = out if lang == "en" else translated_dir(out, lang)
            committed = STUDENT_DIR if lang == "en" else translated_dir(STUDENT_DIR, lang)
            assert (committed / f"{name}.ipynb").read_text() == (
                fresh / f"{name}.ipynb"
            ).read_text(), f"{name} ({lang}) differs from its source: run `make release`"


def test_only_converted_lessons_have_translated_builds():
    for lang in OTHER:
        built = {p.stem for p in translated_dir(STUDENT_DIR, lang).glob("*.ipynb")}
        assert built == set(CONVERTED_NOTEBOOKS)


# ------------------------------------------------------------------ the glossary


def _chinese_texts():
    """(where, English, Chinese) of every converted text: notebook cells and catalogue messages."""
    pairs = []
    for name in CONVERTED_NOTEBOOKS:
        for cell in source(name).cells:
            if translations.translatable(cell):
                pairs.append((f"{name}:{cell.id}", cell.source, cell.metadata.i18n.zh.source))
    english, chinese = i18n.catalogue("en"), i18n.catalogue("zh")
    pairs += [(f"messages/zh:{key}", english[key], chinese[key]) for key in english]
    return pairs


def test_the_glossary_has_the_issue_terms():
    terms = glossary()
    assert all(t["zh"] and t["en"] for t in terms)
    names = " ".join(t["zh"] + " " + t["en"] + " " + t.get("keras", "") for t in terms)
    for needed in (
        "损失函数", "代价函数", "二元交叉熵", "稀疏分类交叉熵", "SparseCategoricalCrossentropy",
        "多分类", "多标签", "激活函数", "Softmax 回归", "舍入误差", "Adam", "卷积层", "池化层",
        "循环神经网络", "长短期记忆", "反向传播", "计算图", "链式法则", "自动微分", "轮次",
        "epoch", "迭代", "批次", "过拟合",
    ):  # fmt: skip
        assert needed in names, needed
    notes = " ".join(t.get("note_en", "") for t in terms)
    assert "MeanSquareError" in notes and "tensorflow.keras" in notes and "iterations" in notes


def test_the_glossary_terms_are_used_consistently():
    problems = []
    for where, english, chinese in _chinese_texts():
        for term in glossary():
            for wrong in term.get("avoid", []):
                if wrong in chinese:
                    problems.append(f"{where}: {wrong!r} (the glossary says {term['zh']!r})")
            match = term.get("en_match")
            must = term.get("zh_must", term["zh"])
            if match and re.search(match, english, re.I) and must not in chinese:
                problems.append(f"{where}: English says {match!r}, Chinese lacks {must!r}")
    assert problems == []


def test_start_here_renders_the_glossary_and_the_language_choice():
    nb = nbformat.read(str(START_HERE), as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert GLOSSARY_BEGIN in text and LANG_BEGIN in text
    for term in glossary():
        assert f"| {term['zh']} | {term['en']} |" in text
    links = re.findall(r"\]\((zh/week2/[^)]+)\)", text)
    assert links and all((START_HERE.parent / link).is_file() for link in links)
    assert "COURSE_LANG" in text


# ------------------------------------------------------------------ figures and the notebook

DRAW_IN_CHINESE = """
import warnings, logging
warnings.simplefilter("always")
from utils.style import cjk_font, figure_language, png_bytes
from utils.lessons.backprop import widgets as wb
fig, _ = wb._draw_epsilon(1e-3, "J = w³", "float32")
png_bytes(fig)
results = [dict(hidden=h, params=10 * h, seconds_fd=1e-3 * h, seconds_bp=1e-4,
                multiply_adds_fd=100 * h * h, multiply_adds_bp=30 * h) for h in (1, 4)]
png_bytes(wb.plot_timings(results))
print(cjk_font(), figure_language(), fig.axes[0].get_title(), sep="|")
"""


def test_chinese_figures_write_nothing_to_stderr():
    env = dict(os.environ, COURSE_LANG="zh")
    out = subprocess.run(
        [sys.executable, "-c", DRAW_IN_CHINESE], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == "", out.stderr  # nbgrader scores a cell that writes stderr as failed
    font, lang, title = out.stdout.strip().split("|", 2)
    if font == "None":
        pytest.fail("no CJK font: run tools/system-deps.sh (installs fonts-noto-cjk)")
    assert lang == "zh" and "估计值" in title


def test_without_a_cjk_font_figures_stay_english(monkeypatch):
    import utils.style as style

    monkeypatch.setenv(i18n.LANG_ENV, "zh")
    monkeypatch.setattr(style, "cjk_font", lambda: None)
    assert style.figure_language() == "en"
    assert style._style_now().get("font.family") == style.STYLE.get("font.family")


@pytest.mark.slow
def test_the_chinese_notebook_runs_clean_in_chinese():
    from autograder.notebooks import errors, run_notebook, stderr_text

    path = translated_dir(STUDENT_DIR, "zh") / "05_backprop.ipynb"
    nb, _ = run_notebook(path, allow_errors=True, env={"NBGRADER_EXECUTION": "autograde"})
    assert stderr_text(nb) == ""
    failing = [e for e in errors(nb)]
    assert len(failing) == 3 and all("还没有完成" in str(e) for e in failing), failing
    text = json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)
    assert "尚未完成" in text and "显示答案" in text


@pytest.mark.slow
@pytest.mark.parametrize("name", CONVERTED_NOTEBOOKS)
def test_every_blank_chinese_notebook_speaks_chinese_and_writes_no_stderr(name):
    """The student's blank Chinese build, run top to bottom as Run All runs it: every message
    about an unwritten exercise is in Chinese, and no cell writes to stderr."""
    from autograder.notebooks import errors, run_notebook, stderr_text

    path = translated_dir(STUDENT_DIR, "zh") / f"{name}.ipynb"
    nb, _ = run_notebook(path, allow_errors=True)
    assert stderr_text(nb) == ""
    english_only = [e for e in errors(nb, messages=True) if not CHINESE.search(e[2])]
    assert english_only == [], f"{name}: errors shown in English only"


# ------------------------------------------------------------------ START_HERE in every language


def test_start_here_is_translated_and_up_to_date():
    nb = nbformat.read(str(START_HERE), as_version=4)
    assert translations.languages(nb) == OTHER
    for lang in OTHER:
        assert translations.problems(nb, lang) == [], "START_HERE: see autograder/I18N.md"


@pytest.mark.parametrize("lang", OTHER)
def test_the_committed_start_here_builds_equal_a_fresh_build(lang):
    nb = nbformat.read(str(START_HERE), as_version=4)
    committed = start_here_path(lang).read_text(encoding="utf-8")
    assert committed == nbformat.writes(start_here_in(nb, lang)) + "\n", "run `make release`"


@pytest.mark.parametrize("lang", OTHER)
def test_start_here_speaks_its_language_and_its_links_resolve(lang):
    built = nbformat.read(str(start_here_path(lang)), as_version=4)
    text = "\n".join(c.source for c in built.cells if c.cell_type == "markdown")
    targets = re.findall(r"\]\(([^)#]+\.ipynb)\)", text)
    assert len(targets) >= 2 * len(LESSONS)
    missing = [t for t in targets if not (start_here_path(lang).parent / t).is_file()]
    assert missing == []
    assert all(lesson.you_learn(lang) in text for lesson in LESSONS)
    english = nbformat.read(str(START_HERE), as_version=4)
    assert [c.source for c in built.cells if c.cell_type == "code"] == [
        c.source for c in english.cells if c.cell_type == "code"
    ]


def test_start_heres_generated_sections_are_not_part_of_the_hash():
    nb = nbformat.read(str(START_HERE), as_version=4)
    intro = next(c for c in nb.cells if MAP_BEGIN in c.source)
    other_map = intro.source.replace("| 01 |", "| 1 |")
    assert other_map != intro.source
    assert translations.text_hash(other_map) == translations.text_hash(intro.source)
