"""The shape of the code: one lesson registry, imports that only go down, a package that installs.

The layers, from the bottom: the shared library (``utils`` outside ``utils/lessons/<lesson>/``),
the lessons (``utils/lessons/<lesson>/``), the instructor's tools (``autograder``), and the
benchmarks and tests on top.  A layer imports only layers below it; nothing imports in a cycle.
"""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.course import assignments
from autograder.release import MAP_BEGIN, MAP_END, README, START_HERE
from utils.lessons import LESSONS, readme_map, start_here_map

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("utils", "autograder", "benchmarks", "tests")


def between_markers(text: str) -> str:
    return text[text.index(MAP_BEGIN) + len(MAP_BEGIN) : text.index(MAP_END)].strip()


def test_the_course_maps_are_generated_from_the_registry():
    assert between_markers(README.read_text(encoding="utf-8")) == readme_map()
    nb = nbformat.read(str(START_HERE), as_version=4)
    (cell,) = [c for c in nb.cells if MAP_BEGIN in c.source]
    assert between_markers(cell.source) == start_here_map()


def test_every_assignment_is_a_registered_lesson_with_one_home():
    assert sorted(item.id for item in LESSONS) == assignments()
    for item in LESSONS:
        package = importlib.import_module(item.module)
        assert package.__all__ and all(hasattr(package, name) for name in package.__all__)
        assert item.notebook.exists() and item.sections


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules) -> set[str]:
    """Every project module ``path`` imports, at any depth (function-level imports count too).

    ``from package import submodule`` imports the submodule; ``from module import name`` the module.
    """
    found = set()
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1]
                    + ([base] if base else [])
                )
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return found


def project_graph() -> dict[str, set[str]]:
    files = [p for name in PACKAGES for p in (ROOT / name).rglob("*.py")]
    modules = {module_name(p): p for p in files}
    return {
        name: {m for m in imports_of(path, modules) if m in modules and m != name}
        for name, path in modules.items()
    }


def lesson_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if parts[:2] == ["utils", "lessons"] and len(parts) > 2 else None


def test_imports_only_go_down_the_layers():
    wrong = []
    for module, targets in project_graph().items():
        for target in targets:
            if module.startswith("utils") and target.startswith(
                ("autograder", "benchmarks", "tests")
            ):
                wrong.append(f"{module} -> {target} (the course library imports a tool)")
            if (
                module.startswith("utils")
                and lesson_of(target)
                and lesson_of(module) != lesson_of(target)
            ):
                wrong.append(
                    f"{module} -> {target} (shared code or another lesson imports a lesson)"
                )
            if module.startswith("benchmarks") and target.startswith("tests"):
                wrong.append(f"{module} -> {target} (a benchmark imports a test)")
    assert wrong == []


def test_no_import_cycles():
    graph = project_graph()
    state, cycles = {}, []

    def visit(node, path):
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycles.append(path[path.index(target) :] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.slow
def test_a_non_editable_install_ships_every_package_and_the_data(tmp_path):
    """``pip install .`` (not ``-e``) into an empty folder: every module imports from there, and
    the digits load from the copy installed inside the package, with no checkout in sight; the
    message catalogues are installed too."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
        capture_output=True,
    )
    expected = sorted(
        module_name(p)
        for name in ("utils", "autograder")
        for p in (ROOT / name).rglob("*.py")
        if "source" not in p.parts and p.name != "nbgrader_config.py"
    )
    installed = target / "utils" / "_data" / "digits.npz"
    script = (
        "import importlib, sys\n"
        f"for name in {expected!r}:\n"
        "    module = importlib.import_module(name)\n"
        f"    assert module.__file__.startswith({str(target)!r}), module.__file__\n"
        "from utils import data, i18n\n"
        "assert i18n.languages() == ('en', 'zh') and len(i18n.catalogue('zh')) > 10\n"
        f"assert data.DIGITS_FILE == data.INSTALLED_DATA_DIR / 'digits.npz', data.DIGITS_FILE\n"
        "try:\n"
        "    (X, y), (X_test, y_test) = data.load_digits_split()\n"
        "    print('loaded', X.shape, X_test.shape, int(y_test.sum()))\n"
        "except data.DataFileError as err:\n"
        "    print('DataFileError:', err)\n"
    )

    def run():
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout.strip()

    # a real file (the wheel holds the bytes the repository's link points to), not a link
    assert installed.is_file() and not installed.is_symlink()
    assert run() == "loaded (4000, 400) (1000, 400) 4500"
    # a damaged installed copy is refused, with the way to repair an installed course
    installed.write_bytes(installed.read_bytes()[:-100])
    out = run()
    assert out.startswith(f"DataFileError: The digits file {installed.resolve()} is corrupted")
    assert "pip install --force-reinstall --no-deps ." in out
    installed.unlink()
    assert "is missing. Reinstall the course package" in run()
