"""Intake of a class's submissions: every file a student sends is hostile data.

A submissions folder (or a zip of one) is laid out ``<student>/<assignment>/*.ipynb``.  This
package turns it into what nbgrader may safely see, one idea per module:

* :mod:`.limits`: how much is read or written for one file, one submission and the class;
* :mod:`.archive`: :func:`unpack` extracts from a zip only regular ``.ipynb`` members with safe
  names, each streamed under a byte cap (a forged size in a header or a zip bomb writes nothing
  large);
* :mod:`.students`: :func:`find` lists every student folder without following links and gives
  each student, whatever their folder is called, a safe and unique id (:func:`safe_id`) for
  nbgrader and file paths;
* :mod:`.files`: a student's files are read without following links, waiting on pipes or
  reading devices, and never past a cap;
* :mod:`.fingerprint`: :func:`fingerprint` hashes exactly what intake reads, so an unchanged
  submission is not regraded;
* :mod:`.notebook` and :mod:`.nbgrader_metadata`: a notebook's JSON rebuilt and re-serialized by
  nbformat: outputs cleared, widget state and non-image attachments dropped, damaged nbgrader
  metadata removed, duplicated cell ids and copy-pasted graded cells de-duplicated;
* :mod:`.prepare`: :func:`prepare` writes into nbgrader's ``submitted/`` folder only the expected
  notebooks, each clean, or the blank release when it cannot be used (a link, a pipe, a folder,
  too large, not JSON, too deeply nested, not nbformat 4);
* :mod:`.notes`: every repair is described in a note for the top of the student's feedback;
  notes name files, never host paths, and echo at most 120 characters of anything the student
  chose, without control characters.

Nothing a student controls makes :func:`find` or :func:`prepare` raise.
"""

from autograder.intake.archive import unpack
from autograder.intake.fingerprint import fingerprint
from autograder.intake.limits import LIMITS, Limits
from autograder.intake.prepare import prepare
from autograder.intake.students import STUDENT_ID, Submission, find, safe_id

__all__ = [
    "LIMITS",
    "STUDENT_ID",
    "Limits",
    "Submission",
    "find",
    "fingerprint",
    "prepare",
    "safe_id",
    "unpack",
]
