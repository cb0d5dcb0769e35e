"""Generate the student notebooks from the nbgrader sources, into ``notebooks/week2/``.

Each folder ``autograder/source/<assignment>/`` holds one source notebook with
solutions (``### BEGIN SOLUTION`` ... ``### END SOLUTION``) and hidden tests.
nbgrader's ``generate_assignment`` strips both; the result is copied to
``notebooks/week2/<notebook>.ipynb``, where it is committed.  Generation runs in a
scratch copy of the course, so the repository gets no gradebook or release folder.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from autograder.course import SOURCE, STUDENT_DIR, assignments, course_config, use_environment_bin

README = STUDENT_DIR.parents[1] / "README.md"
START_HERE = STUDENT_DIR.parent / "START_HERE.ipynb"
MAP_BEGIN = "<!-- course map: generated from utils/lessons by `make release` -->"
MAP_END = "<!-- end of course map -->"
CARD_BEGIN = "<!-- lesson card: generated from utils/lessons by `make release` -->"
CARD_END = "<!-- end of lesson card -->"


def generate(names=None, out_dir: Path = STUDENT_DIR) -> list[Path]:
    """Generate the student version of each assignment into ``out_dir``; return the files."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    use_environment_bin()
    names = list(names or assignments())
    unknown = set(names) - set(assignments())
    if unknown:
        raise SystemExit(f"no source for {sorted(unknown)}; sources are {assignments()}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="course-release-") as scratch:
        root = Path(scratch)
        shutil.copytree(
            SOURCE,
            root / "source",
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        config = course_config(root)
        api = NbGraderAPI(CourseDirectory(config=config), config=config)
        for name in names:
            result = api.generate_assignment(name)
            if not result["success"]:
                raise SystemExit(
                    f"nbgrader could not generate {name}:\n{result['log']}\n{result['error']}"
                )
            for notebook in sorted((root / "release" / name).glob("*.ipynb")):
                target = out_dir / notebook.name
                shutil.copyfile(notebook, target)
                written.append(target)
    return written


def _with_map(text: str, table: str, begin: str = MAP_BEGIN, end_marker: str = MAP_END) -> str:
    """``text`` with the part between the markers replaced by ``table``."""
    start, end = text.index(begin) + len(begin), text.index(end_marker)
    return text[:start] + "\n" + table + "\n" + text[end:]


def write_lesson_card(path: Path, card: str) -> bool:
    """Put ``card`` between the lesson-card markers under the title of notebook ``path``."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    intro = nb.cells[0]
    source = intro.source
    if CARD_BEGIN not in source:
        title, _, rest = source.partition("\n")
        source = f"{title}\n{CARD_BEGIN}\n{CARD_END}\n{rest}"
    source = _with_map(source, card, CARD_BEGIN, CARD_END)
    if source == intro.source:
        return False
    intro.source = source
    nbformat.write(nb, str(path))
    return True


def write_lesson_cards() -> list[Path]:
    """Put each source notebook's lesson card (sections, points) under its title."""
    from utils.lessons import LESSONS, lesson_card

    paths = [SOURCE / item.id / f"{item.id}.ipynb" for item in LESSONS]
    return [
        path for item, path in zip(LESSONS, paths) if write_lesson_card(path, lesson_card(item))
    ]


def write_course_maps() -> list[Path]:
    """Regenerate the course maps of README.md and START_HERE from the lesson registry."""
    import nbformat

    from utils.lessons import readme_map, start_here_map

    README.write_text(_with_map(README.read_text(encoding="utf-8"), readme_map()), encoding="utf-8")
    nb = nbformat.read(str(START_HERE), as_version=4)
    for cell in nb.cells:
        if MAP_BEGIN in cell.source:
            cell.source = _with_map(cell.source, start_here_map())
    nbformat.write(nb, str(START_HERE))
    return [README, START_HERE]
