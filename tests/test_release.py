"""Every student notebook is generated from its nbgrader source, and gives nothing away."""

import re

import nbformat
import pytest

from autograder.course import SOURCE, STUDENT_DIR, assignments
from autograder.release import generate

SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    generate(out_dir=out)
    return out


def test_every_source_has_a_committed_release():
    released = {p.stem for p in STUDENT_DIR.glob("*.ipynb")}
    sources = {p.stem for name in assignments() for p in (SOURCE / name).glob("*.ipynb")}
    assert sources and sources == released


@pytest.mark.slow
def test_committed_copies_equal_a_fresh_release(regenerated):
    for fresh in sorted(regenerated.glob("*.ipynb")):
        committed = STUDENT_DIR / fresh.name
        assert committed.read_text() == fresh.read_text(), (
            f"{committed} differs from its source: run `make release` and commit the result"
        )


def regions(pattern, path):
    text = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    return [body.strip() for body in pattern.findall(text) if body.strip()]


@pytest.mark.parametrize("name", assignments())
def test_release_has_no_solutions_and_no_hidden_tests(name):
    for source in (SOURCE / name).glob("*.ipynb"):
        student = (STUDENT_DIR / source.name).read_text()
        assert "BEGIN SOLUTION" not in student and "HIDDEN TESTS" not in student
        for body in regions(SOLUTION_REGION, source) + regions(HIDDEN_REGION, source):
            lines = [l.strip() for l in body.splitlines() if len(l.strip()) > 25]
            leaked = [l for l in lines if l in student]
            assert not leaked, f"{source.name}: solution/hidden-test lines leaked: {leaked[:3]}"


@pytest.mark.parametrize("name", assignments())
def test_student_notebooks_are_committed_clean(name):
    for source in (SOURCE / name).glob("*.ipynb"):
        for path in (source, STUDENT_DIR / source.name):
            nb = nbformat.read(path, as_version=4)
            for cell in nb.cells:
                if cell.cell_type == "code":
                    assert cell.outputs == [] and cell.execution_count is None, f"{path}: outputs"
            assert nb.metadata["kernelspec"]["name"] == "python3"
