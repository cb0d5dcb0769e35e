"""Benchmark: how long each notebook takes to run top to bottom in a real kernel.

Runs each instructor source notebook (with its solutions) and its released, blank copy (what a
student's first *Run All* runs) and, as a baseline measured in the same run, a one-cell notebook
that only imports TensorFlow (the fixed cost every lesson pays). Prints each notebook's time,
its ratio to the baseline, and whether it is within the course's 30 s budget.

    .venv/bin/python -m benchmarks.notebooks [lesson ...]
"""

from __future__ import annotations

import sys

import nbformat

from autograder.course import assignments
from autograder.notebooks import run_notebook, source_notebook

BUDGET = 30.0


def main(names: list[str]) -> None:
    from utils.lessons import lesson

    baseline_nb = nbformat.v4.new_notebook()
    baseline_nb.cells = [
        nbformat.v4.new_code_cell("import utils\nimport tensorflow as tf\nimport keras")
    ]
    _, baseline = run_notebook(baseline_nb, timeout=120)
    print(f"{'notebook':<32} {'seconds':>8} {'x baseline':>11}  within {BUDGET:.0f} s")
    print(f"{'(import tensorflow)':<32} {baseline:8.1f} {1.0:11.2f}")
    worst = 0.0
    for name in names or assignments():
        runs = (
            ("solved", source_notebook(name)),
            ("blank", lesson(name).notebook),
        )
        for kind, path in runs:
            _, seconds = run_notebook(path, timeout=300)
            worst = max(worst, seconds)
            print(
                f"{f'{name} ({kind})':<32} {seconds:8.1f} {seconds / baseline:11.2f}  "
                f"{'yes' if seconds < BUDGET else 'NO'}"
            )
    print(f"slowest notebook {worst:.1f} s = {worst / BUDGET:.2f}x the {BUDGET:.0f} s budget")


if __name__ == "__main__":
    main(sys.argv[1:])
