"""Run grading tasks on an existing Dask cluster: nothing lost, nothing doubled, no endless retry.

:func:`run_on_cluster` has the interface of the local pool (:func:`autograder.grade.run_all`):
``on_done(student, task(*args, item))`` once per student, in this (the coordinator's) process.

* The shared arguments (the assignment's files, the settings) are one small task of their own,
  held by the scheduler: every worker fetches them once, and they are recomputed if the workers
  holding them die.  Each submission is one task, at most a few tens of kB.
* A worker that dies (killed, out of memory, its machine gone) loses nothing: the scheduler
  gives its tasks to other workers.  Dask counts, per task, the workers that died while it was
  assigned to them; past ``distributed.scheduler.allowed-failures`` (3 by default) the task fails
  with ``KilledWorker``.  Innocent tasks queued beside a culprit may be counted too, so a task
  that fails that way is given one second chance under a new key; failing again, it is graded
  once as failed (zero, with the reason in the feedback).  A submission that crashes every worker
  it touches so kills at most ``2 x (allowed-failures + 1)`` workers, which Dask's nannies restart.
* Nothing from a worker is trusted beyond plain data: the grading task returns JSON text, and
  never raises for anything a submission does (its failures are results).
"""

from __future__ import annotations

import uuid

SECOND_CHANCES = 1


def _call(task, shared, item):
    return task(*shared, item)


def _identity(value):
    return value


def connect(scheduler, *, timeout: float = 60.0):
    """A :class:`distributed.Client` of ``scheduler`` (an address, or a client as it is)."""
    from distributed import Client

    if not isinstance(scheduler, str):
        return scheduler
    try:
        return Client(scheduler, timeout=timeout, set_as_default=False)
    except OSError as err:
        raise SystemExit(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None


def slots_per_host(client) -> dict[str, int]:
    """How many submissions each host grades at once (the threads of its workers)."""
    slots: dict[str, int] = {}
    for info in client.scheduler_info(n_workers=-1)["workers"].values():
        slots[info["host"]] = slots.get(info["host"], 0) + int(info["nthreads"])
    return slots


def run_on_cluster(todo, on_done, *, client, task, args=(), jobs=None, failed=None) -> None:
    """``on_done(student, task(*args, jobs[student]))`` for each student, on the cluster.

    ``failed(student, why)`` makes the result of a submission whose tasks killed their workers
    (default: a dict with ``success`` False).  Lost connections to the scheduler raise: a
    re-run grades what is left.
    """
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    failed = failed or _failed
    if not client.scheduler_info(n_workers=-1)["workers"]:
        print("the Dask cluster has no workers yet: the submissions wait for the first one")
    run = uuid.uuid4().hex[:8]
    shared = client.submit(_identity, tuple(args), key=f"grading-shared-{run}", pure=False)
    chances = {student: SECOND_CHANCES for student in todo}

    def submit(student):
        item = jobs[student] if jobs is not None else student
        key = f"grade-{student}-{run}-{uuid.uuid4().hex[:6]}"
        return client.submit(_call, task, shared, item, key=key, pure=False, retries=0)

    futures = {}
    for student in todo:
        futures[submit(student)] = student
    pending = as_completed(list(futures), loop=client.loop)
    for future in pending:
        student = futures.pop(future)
        try:
            result = future.result()
        except KilledWorker:
            if chances[student] > 0:
                chances[student] -= 1
                again = submit(student)
                futures[again] = student
                pending.add(again)
                continue
            result = failed(
                student,
                "the grader crashed on this submission (every worker that graded it died)",
            )
        except Exception as err:  # noqa: BLE001 - one submission must not stop the class
            if client.status != "running":
                raise
            result = failed(student, f"{type(err).__name__}: {err}"[:300])
        finally:
            future.release()
        on_done(student, result)
    shared.release()


def _failed(student: str, why: str) -> dict:
    return {"student": student, "success": False, "log": why, "failure": why, "seconds": 0.0}
