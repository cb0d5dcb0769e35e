"""Benchmark: one class graded by plain nbgrader, by the local pool and on a real Dask cluster.

In one run, on this machine, the same batch of mixed submissions of the digits assignment
(solved, blank, the typical mistakes, a syntax error: 24 by default) is graded

* (a) by plain sequential ``nbgrader autograde`` (no sandbox, nbgrader's own kernel);
* (b) by ``python -m autograder grade``'s default: the local pool, one process per core;
* (c) through a real ``dask scheduler`` with two ``dask worker`` processes started from the
  command line, one thread each (``grade(..., scheduler=...)``, the ``--scheduler`` option);
  and, for the scaling efficiency, by the same cluster with one worker, on the first half.

(b) and (c) grade the batch in two halves, in the order local, two workers, one worker, two
workers, local, so that a machine whose speed drifts during the run (a shared virtual machine
does) favours neither: measured in sequence, the same code once came out 29% slower on Dask
and, an hour later on the solved submissions alone, as fast as the local pool.

It prints each total, the speedups over (a), whether (c) is within 10% of (b), the scaling
efficiency of (c) (throughput with 2 workers / (2 x throughput with 1 worker), goal >= 0.85),
and the grading overhead per submission beyond running the notebook itself (plain nbclient runs
of a few of the submissions in an ordinary kernel).  Every cluster measurement starts from
freshly restarted workers, as every local run starts from fresh processes.

    .venv/bin/python -m benchmarks.cluster [--count 24]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from autograder.catalogue import answer, blank, solved, typical_mistakes, write
from autograder.cluster.loopback import LoopbackCluster, wait_for
from autograder.course import use_environment_bin
from autograder.grade import grade, read_scores
from benchmarks.grading import plain_nbgrader

ASSIGNMENT = "assignment_digits"


def mixed_batch(folder: Path, count: int) -> list[str]:
    good = solved()
    kinds = {
        "solved": good,
        "blank": blank(),
        **typical_mistakes(good),
        "syntax_error": answer(good, "sparse_ce", "def sparse_ce(y, z)\n    return 0"),
    }
    names = list(kinds)
    students = []
    for i in range(count):
        kind = names[i % len(names)] if i % 3 else "solved"  # a third solved, the rest mixed
        student = f"{i:03d}_{kind}"
        write(folder, student, kinds[kind])
        students.append(student)
    return sorted(students)


def subset(folder: Path, students: list[str], target: Path) -> None:
    for student in students:  # copies: intake never follows links
        shutil.copytree(folder / student, target / student)


def plain_execution(folder: Path, students: list[str]) -> float:
    """Mean seconds to just run a submission's notebook (nbclient, ordinary kernel)."""
    import nbformat
    from nbclient import NotebookClient

    times = []
    for student in students:
        nb = nbformat.read(str(folder / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), 4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True).execute()
        times.append(time.perf_counter() - start)
    return sum(times) / len(times)


def timed(label: str, **kwargs) -> tuple[float, dict]:
    print(f"\n--- {label}", flush=True)
    start = time.perf_counter()
    result = grade(**kwargs)
    return time.perf_counter() - start, result


def merged(*runs: dict) -> dict:
    """One ``grade`` answer for the halves of the batch graded in separate runs."""
    return {
        key: {k: v for run in runs for k, v in run[key].items()} for key in ("scores", "results")
    }


def workers_up(client, count: int) -> None:
    wait_for(lambda: len(client.scheduler_info(n_workers=-1)["workers"]) == count, 120)
    client.restart()  # fresh workers, as every local run starts from fresh processes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=24)
    args = parser.parse_args()
    use_environment_bin()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as tmp:
        tmp = Path(tmp)
        subs = tmp / "submissions"
        students = mixed_batch(subs, args.count)
        halves = students[::2], students[1::2]  # the same mix of kinds in each half
        for number, half in enumerate(halves, 1):
            subset(subs, half, tmp / f"half{number}")
        print(f"{len(students)} submissions of {ASSIGNMENT}, {cores} cores")

        start = time.perf_counter()
        plain_nbgrader(subs, tmp / "plain", students)
        plain_total = time.perf_counter() - start
        plain_scores = read_scores(tmp / "plain", ASSIGNMENT, students)

        # A B B A: the local pool and the cluster each grade both halves, in mirrored order,
        # so that a machine getting slower or faster during the run favours neither.
        def graded(label, number, out, **kwargs):
            return timed(label, submissions_path=tmp / f"half{number}", out=tmp / out, **kwargs)

        local1, local_a = graded("(b) local pool, half 1", 1, "local1")
        with LoopbackCluster(tmp) as cluster:
            cluster.add_worker()
            cluster.add_worker()
            client = cluster.client(workers=2)
            client.restart()
            dask1, dask_a = graded("(c) two dask workers, half 1", 1, "dask1", scheduler=client)
            cluster.stop_worker()
            workers_up(client, 1)
            one_total, _ = graded("(c) one dask worker, half 1", 1, "one", scheduler=client)
            cluster.add_worker()
            workers_up(client, 2)
            dask2, dask_b = graded("(c) two dask workers, half 2", 2, "dask2", scheduler=client)
        local2, local_b = graded("(b) local pool, half 2", 2, "local2")
        local, dask = merged(local_a, local_b), merged(dask_a, dask_b)
        local_total, dask_total = local1 + local2, dask1 + dask2
        half = halves[0]
        sample = [s for s in students if "solved" in s][:2] + [
            s for s in students if "solved" not in s
        ][:2]
        run_alone = plain_execution(subs, sample)

    agree = all(
        plain_scores[s]["score"] == local["scores"][s]["score"] == dask["scores"][s]["score"]
        for s in students
    )
    same = all(local["scores"][s] == dask["scores"][s] for s in students)
    print(
        f"\n{'submission':<22} {'plain':>6} {'local':>6} {'dask':>6} {'local s':>8} {'dask s':>7}"
    )
    for s in students:
        print(
            f"{s:<22} {plain_scores[s]['score']:6g} {local['scores'][s]['score']:6g} "
            f"{dask['scores'][s]['score']:6g} {local['results'][s]['seconds']:8.1f} "
            f"{dask['results'][s]['seconds']:7.1f}"
        )
    n = len(students)
    thr_one = len(half) / one_total
    thr_two = n / dask_total
    efficiency = thr_two / (2 * thr_one)
    print(f"\nscores agree (plain, local, dask): {agree}; local and dask identical: {same}")
    print(f"(a) plain sequential nbgrader: {plain_total:7.1f} s  {60 * n / plain_total:5.2f}/min")
    print(
        f"(b) local pool ({cores} processes): {local_total:7.1f} s  {60 * n / local_total:5.2f}/min"
        f"  speedup {plain_total / local_total:.2f}x"
    )
    print(
        f"(c) dask, 2 workers x 1 thread: {dask_total:7.1f} s  {60 * n / dask_total:5.2f}/min"
        f"  speedup {plain_total / dask_total:.2f}x; {dask_total / local_total - 1:+.1%} vs (b) "
        f"(goal: within 10%)"
    )
    print(
        f"    dask, 1 worker, {len(half)} submissions: {one_total:.1f} s "
        f"{60 * thr_one:5.2f}/min; scaling efficiency {efficiency:.2f} (goal >= 0.85)"
    )
    for name, run in (("local", local), ("dask", dask)):
        results = run["results"].values()
        mean = {
            key: sum(r["timings"].get(key, 0.0) for r in results) / n
            for key in ("setup", "autograde", "feedback")
        }
        busy = sum(r["seconds"] for r in results) / n
        print(
            f"{name}: per submission {busy:.1f} s busy (setup {mean['setup']:.2f}, autograde "
            f"{mean['autograde']:.1f}, feedback {mean['feedback']:.2f}); the notebook alone runs "
            f"in {run_alone:.1f} s (nbclient, {len(sample)} submissions): overhead "
            f"{busy - run_alone:+.1f} s per submission"
        )
    print(f"speedup {plain_total / dask_total:.2f}x")


if __name__ == "__main__":
    main()
