"""Grading spread over processes or machines: data in, plain data out, the coordinator writes.

``python -m autograder grade`` is split in two halves that meet only through plain data:

* :mod:`.worker`, the worker half: :func:`~.worker.grade_one` receives the assignment (its
  source files, :func:`~.worker.pack_assignment`) and one submission (its clean notebooks) as
  data, grades it with nbgrader in a private temporary course folder, its kernel in the
  :class:`~autograder.sandbox.Sandbox` as always, and returns a JSON text: per-cell scores and
  comments, the autograded notebook, the feedback pages, timings.  No shared filesystem.
* :mod:`.results`, the coordinator half: :func:`~.results.parse` checks that text (the
  coordinator never unpickles anything a submission could shape) and :func:`~.results.store`
  writes it into the one gradebook and course folder; only the coordinator writes the gradebook,
  the CSV, the feedback and the summary.
* :mod:`.runner`: :func:`~.runner.run_on_cluster` sends the submissions to an existing Dask
  cluster (``--scheduler tcp://HOST:8786``); the local process pool
  (:func:`autograder.grade.run_all`) runs the very same :func:`~.worker.grade_one`, so both
  paths give identical results by construction.
* :mod:`.throughput`: submissions per worker and per minute, printed at the end.
"""
