"""What the checker may take from a student's kernel, for every graded notebook (static).

Test cells run in the checker (:mod:`autograder.remote`).  A name they read comes from the
checker itself (cells tagged ``checker``: imports and data; or the test cells) or, as data,
from the student's kernel.  The second kind must be names the student's notebook defines, and
every one that is not an answer (a value a locked cell computes from the answers, such as the
trained ``run``) is listed here, reviewed: a new one fails this test until someone decides the
student may supply it.
"""

from __future__ import annotations

import builtins
import symtable

import nbformat
import pytest

from autograder.course import SOURCE
from autograder.remote.trusted import bound_names, checker_cells
from utils.lessons import LESSONS

PROBES = SOURCE.parent.parent / "tests" / "assignments"
NOTEBOOKS = {item.id: SOURCE / item.id / f"{item.id}.ipynb" for item in LESSONS} | {
    name: PROBES / name / f"{name}.ipynb" for name in ("forgery_probe", "sandbox_probe")
}
# Values a locked cell computes from the student's answers, which the checks read.
DERIVED = {
    "01_compile_and_fit": {"model"},  # the lesson's model, trained in the student's notebook
    "03_softmax_multiclass": {"P_test"},  # predictions of the student's multilabel model
    "assignment_digits": {"run"},  # build, compile and train with the student's functions
}


def global_reads(code: str) -> set[str]:
    """Names ``code`` reads from its module's globals, in any scope (functions included)."""
    names, tables = set(), [symtable.symtable(code, "<cell>", "exec")]
    while tables:
        table = tables.pop()
        top = table.get_type() == "module"
        for symbol in table.get_symbols():
            if symbol.is_referenced() and (
                symbol.is_global() or (top and not symbol.is_imported())
            ):
                names.add(symbol.get_name())
        tables.extend(table.get_children())
    return names


def answers(nb) -> set[str]:
    return set().union(
        *(
            bound_names(c.source)
            for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
        )
    )


def fetched_names(nb) -> tuple[set[str], set[str]]:
    """(names the checks would fetch from the student, those the notebook defines nowhere)."""
    tests, prelude, student = checker_cells(nb)
    assert tests, "no test cells"
    own = bound_names(prelude) | set(dir(builtins))
    for code in tests.values():
        own |= bound_names(code)
    fetched = set().union(*(global_reads(code) for code in tests.values())) - own
    return fetched, fetched - student


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_checks_read_only_their_own_names_answers_and_reviewed_values(name):
    nb = nbformat.read(str(NOTEBOOKS[name]), as_version=4)
    fetched, nowhere = fetched_names(nb)
    assert not nowhere, f"{name}: the checks read {sorted(nowhere)}, defined nowhere"
    assert fetched - answers(nb) == DERIVED.get(name, set()), name


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_the_checker_cells_define_the_checks(name):
    """Every ``check_*`` a test cell calls is the checker's own, never the student's."""
    nb = nbformat.read(str(NOTEBOOKS[name]), as_version=4)
    tests, prelude, _ = checker_cells(nb)
    called = {n for code in tests.values() for n in global_reads(code) if n.startswith("check_")}
    assert called <= bound_names(prelude), sorted(called - bound_names(prelude))


def test_global_reads_sees_function_bodies_but_not_their_locals():
    code = "def f(m):\n    return [layer for layer in m.layers] + g(k)\nx = f(y)\n"
    assert global_reads(code) == {"g", "k", "y", "f"}
