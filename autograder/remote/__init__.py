"""Checks outside the student's process: the checker, its channel to the kernel, its data format.

See ``autograder/remote/DESIGN.md``.  Modules: :mod:`~autograder.remote.wire` (the data
format), :mod:`~autograder.remote.agent` (the student's side), :mod:`~autograder.remote.checker`
(the checker process), :mod:`~autograder.remote.host` (the relay), and
:mod:`~autograder.remote.trusted` (which cells the checker runs).
"""
