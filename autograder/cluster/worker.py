"""The worker half: grade one submission, given as data, into plain data (a JSON text).

:func:`grade_one` runs in a local grading process or on a Dask worker alike.  It needs only the
course's environment (this repository installed, bubblewrap): the assignment arrives as
:func:`pack_assignment` data, the submission as its clean notebooks' text.  Each submission is
graded in a private temporary course folder, a copy of a course prepared once per worker
process and assignment (``generate_assignment`` runs once, not per submission), with its kernel
in the :class:`~autograder.sandbox.Sandbox` exactly as before.  The folder is deleted afterwards;
what leaves is the JSON text of :func:`grade_one`, made only by this trusted code: nbgrader's
scores and comments from the private gradebook, the autograded notebooks and feedback pages as
text, timings, and the reason a submission was stopped.

Grading sets process-wide environment variables (the sandbox's description, the kernelspec's
folder), so one process grades one submission at a time: a Dask worker with several threads
grades them one after another (start workers with ``--nthreads 1``).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import stat
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import replace
from pathlib import Path

from autograder import sandbox
from autograder.course import COURSE_ID, course_config, gradebook_url, use_environment_bin
from utils.i18n import LANG_ENV  # the language of a notebook's messages

FORMAT = 1  # of the result's JSON
STUDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}$")  # intake's safe ids
_ONE_AT_A_TIME = threading.Lock()
_TEMPLATES: dict[tuple, Path] = {}


def nbgrader_config(
    course: Path, timeout: int, box: sandbox.Sandbox | None = None, *, checks_outside: bool = True
):
    """The traitlets config for grading in ``course`` with the sandboxed, robust executor.

    ``checks_outside=False`` runs test cells in the student's kernel, as plain nbgrader does
    (forgeable; only for measuring the checker's cost in ``benchmarks/grading.py``)."""
    from autograder.preprocessors import autograde_pipeline

    c = course_config(course)
    c.Execute.kernel_name = sandbox.KERNEL_NAME
    if box is not None:  # the kernel talks over Unix sockets in its own folder: no network
        c.KernelManager.transport = "ipc"
        c.KernelManager.ip = str(box.kernel_dir / "ipc")
        c.KernelManager.connection_file = str(box.kernel_dir / "kernel.json")
    c.Execute.timeout = timeout
    c.RobustExecute.checks_outside = checks_outside
    c.Execute.startup_timeout = 120
    c.Execute.raise_on_iopub_timeout = False
    message = f"this cell ran longer than {timeout} s (an endless loop?) and was stopped"
    c.Execute.error_on_timeout = {
        "ename": "CellTimeoutError",
        "evalue": message,
        "traceback": [f"\x1b[0;31mCellTimeoutError\x1b[0m: {message}"],
    }
    c.Autograde.autograde_preprocessors = autograde_pipeline()
    return c


def nbgrader_api(course: Path, timeout: int, box=None, checks_outside: bool = True):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = nbgrader_config(course, timeout, box, checks_outside=checks_outside)
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def use_course(course: Path) -> None:
    """This process's environment for nbgrader in ``course`` (its kernelspec, ``alembic``)."""
    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy chatter inside nbgrader
    use_environment_bin()
    os.environ["JUPYTER_PATH"] = str(Path(course) / "jupyter")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def declared_files(course: Path, assignment: str) -> dict[str, str]:
    """The assignment's own files (not notebooks), read-only in the kernel's working folder."""
    folder = Path(course) / "source" / assignment
    return {
        p.name: str(p)
        for p in sorted(folder.iterdir())
        if stat.S_ISREG(p.lstat().st_mode) and p.suffix != ".ipynb"
    }


def build_template(folder: Path, source: Path, assignment: str) -> None:
    """A course in ``folder`` with ``assignment`` generated: its release and a gradebook that
    knows the assignment and no student (what every private grading course starts from)."""
    folder = Path(folder)
    shutil.copytree(Path(source) / assignment, folder / "source" / assignment)
    use_course(folder)
    result = nbgrader_api(folder, 30).generate_assignment(assignment)
    if not result["success"]:
        raise SystemExit(
            f"nbgrader could not prepare {assignment}:\n{result['log']}{result['error']}"
        )


def pack_assignment(template: Path, assignment: str) -> dict:
    """A :func:`build_template` course as data: ``{"name", "fingerprint", "files": {relative
    path: bytes}}`` with the source, the release and the gradebook.  The fingerprint covers
    the source only (what changes grades)."""
    template = Path(template)
    files = {}
    for top in ("source", "release"):
        folder = template / top / assignment
        for p in sorted(folder.rglob("*")):
            if stat.S_ISREG(p.lstat().st_mode):
                files[str(p.relative_to(template))] = p.read_bytes()
    files["gradebook.db"] = (template / "gradebook.db").read_bytes()
    digest = hashlib.sha256()
    for name, data in files.items():
        if name.startswith("source/"):
            digest.update(name.encode() + b"\0" + data + b"\0")
    return {"name": assignment, "fingerprint": digest.hexdigest(), "files": files}


def worker_name() -> str:
    """The Dask worker's address, or ``host:pid`` of a local grading process."""
    if "distributed" in sys.modules:
        from distributed import get_worker

        try:
            return get_worker().address
        except ValueError:
            pass
    return f"{socket.gethostname()}:{os.getpid()}"


def grade_one(pack: dict, settings: dict, job: dict) -> str:
    """Grade the submission ``job`` (``{"student", "notebooks": {name: text}}``) of ``pack``.

    ``settings``: ``timeout`` per cell, ``limits`` (:class:`~autograder.sandbox.Limits` as a
    dict), ``checks_outside``, and ``slots``: how many submissions this machine grades at once
    (an int, or ``{host: count}`` for a cluster), which sets each sandbox's share of the cores.
    Returns the JSON text that :func:`autograder.cluster.results.parse` reads; never raises for
    anything a submission does.
    """
    with _ONE_AT_A_TIME:
        start = time.perf_counter()
        try:
            result = _grade(pack, settings, job)
        except Exception as err:  # noqa: BLE001 - one submission must not stop the class
            result = failed(str(job.get("student")), f"{type(err).__name__}: {err}"[:1000])
        result["seconds"] = time.perf_counter() - start
        result["worker"] = worker_name()
        return json.dumps(result)


def failed(student: str, why: str) -> dict:
    """The result of a submission that could not be graded (zero, ``why`` in its feedback)."""
    return {
        "format": FORMAT,
        "student": student,
        "success": False,
        "seconds": 0.0,
        "log": why,
        "failure": why,
        "feedback_ok": False,
        "killed": "",
        "gradebook": None,
        "autograded": {},
        "feedback": {},
        "timings": {},
        "worker": "",
    }


def _share(settings: dict) -> int:
    slots = settings.get("slots") or 1
    if isinstance(slots, dict):
        name = worker_name()
        host = name.split("://")[-1].rsplit(":", 1)[0]
        slots = slots.get(host) or _own_threads()
    return max(1, int(slots))


def _own_threads() -> int:
    try:
        from distributed import get_worker

        return get_worker().state.nthreads
    except (ImportError, ValueError):
        return 1


def _grade(pack: dict, settings: dict, job: dict) -> dict:
    student, name = job["student"], pack["name"]
    if not STUDENT.fullmatch(student):
        raise ValueError("not a safe student id")
    cores = os.cpu_count() or 1
    slots = _share(settings)
    limits = sandbox.Limits(**settings["limits"])
    limits = replace(limits, cpus=max(0.5, cores / slots))
    timeout, checks_outside = settings["timeout"], settings["checks_outside"]
    clock = time.perf_counter()
    template = _template(pack, threads=max(1, cores // slots))
    course = Path(tempfile.mkdtemp(prefix="grading-course-"))
    try:
        shutil.copytree(template, course, dirs_exist_ok=True)
        use_course(course)
        _register(course, student)
        dest = course / "submitted" / student / name
        dest.mkdir(parents=True)
        expected = {p.name for p in (course / "release" / name).glob("*.ipynb")}
        for notebook, text in job["notebooks"].items():
            if notebook in expected:  # only the release's notebook names: no path of theirs
                (dest / notebook).write_text(text, encoding="utf-8")
        lang = _language(course, name, dest)
        timings = {"setup": time.perf_counter() - clock}
        clock = time.perf_counter()
        with _speaking(lang):
            result, killed = _autograde(course, name, student, timeout, limits, checks_outside)
        timings["autograde"] = time.perf_counter() - clock
        clock = time.perf_counter()
        _localise(course, name, student, lang)
        api = nbgrader_api(course, timeout)
        feedback = api.generate_feedback(name, student) if result["success"] else None
        timings["feedback"] = time.perf_counter() - clock
        log = "" if result["success"] else (result["log"] + str(result["error"]))[-3000:]
        return {
            "format": FORMAT,
            "student": student,
            "success": bool(result["success"]),
            "log": log,
            "failure": "",
            "feedback_ok": bool(feedback and feedback["success"]),
            "killed": killed,
            "gradebook": _record(course, name, student),
            "autograded": _texts(course / "autograded" / student / name, ".ipynb"),
            "feedback": _texts(course / "feedback" / student / name, ".html"),
            "timings": timings,
        }
    finally:
        shutil.rmtree(course, ignore_errors=True)


def _language(course: Path, name: str, submitted: Path) -> str:
    """The language the student worked in (:func:`autograder.translations.detect`): their
    checks and feedback speak it; the scores are the same in every language."""
    import nbformat

    from autograder.translations import detect

    for path in sorted(submitted.glob("*.ipynb")):
        try:
            source = nbformat.read(str(course / "source" / name / path.name), as_version=4)
            lang = detect(nbformat.read(str(path), as_version=4), source)
        except Exception:  # noqa: BLE001 (a broken notebook is graded, and reported, by nbgrader)
            continue
        if lang != "en":
            return lang
    return "en"


@contextlib.contextmanager
def _speaking(lang: str):
    """``COURSE_LANG`` for the kernel and the checker of one submission (see utils.i18n)."""
    before = os.environ.get(LANG_ENV)
    os.environ[LANG_ENV] = lang
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(LANG_ENV, None)
        else:
            os.environ[LANG_ENV] = before


def _localise(course: Path, name: str, student: str, lang: str) -> None:
    """Give the autograded notebooks (nbgrader restored their locked text in English) the
    student's language back before the feedback is rendered from them."""
    if lang == "en":
        return
    import nbformat

    from autograder.translations import localise

    for path in sorted((course / "autograded" / student / name).glob("*.ipynb")):
        source = course / "source" / name / path.name
        if source.is_file():
            nb = nbformat.read(str(path), as_version=4)
            if localise(nb, nbformat.read(str(source), as_version=4), lang):
                nbformat.write(nb, str(path))


def _autograde(course, name, student, timeout, limits, checks_outside):
    box = sandbox.Sandbox.open(limits=limits, files=declared_files(course, name))
    os.environ[sandbox.ENV_VAR] = str(box.path)
    deadline = threading.Timer(
        limits.submission_seconds,
        box.kill,
        kwargs={
            "reason": f"the whole submission ran longer than {limits.submission_seconds} s "
            "and was stopped"
        },
    )
    deadline.daemon = True
    deadline.start()
    try:
        result = nbgrader_api(course, timeout, box, checks_outside).autograde(name, student)
    finally:
        deadline.cancel()
        killed = box.killed_reason
        box.close()
        os.environ.pop(sandbox.ENV_VAR, None)
    return result, killed


def _template(pack: dict, threads: int) -> Path:
    """The packed course unpacked once per process (and kernel threads), with its kernelspec."""
    key = (pack["fingerprint"], threads)
    if key in _TEMPLATES and _TEMPLATES[key].is_dir():
        return _TEMPLATES[key]
    folder = Path(tempfile.mkdtemp(prefix="grading-template-"))
    atexit.register(shutil.rmtree, folder, True)
    for relative, data in pack["files"].items():
        path = (folder / relative).resolve()
        if not path.is_relative_to(folder.resolve()):
            raise ValueError(f"an assignment file outside its folder: {relative!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    sandbox.write_kernelspec(folder / "jupyter", threads=threads)
    _TEMPLATES[key] = folder
    return folder


def _register(course: Path, student: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course), course_id=COURSE_ID) as gb:
        gb.update_or_create_student(student)


def _record(course: Path, assignment: str, student: str) -> dict | None:
    """The submission's rows of the private gradebook, as plain data (None if it has none)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(course), course_id=COURSE_ID) as gb:
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            return None
        return {
            "timestamp": sub.timestamp.isoformat() if sub.timestamp else None,
            "notebooks": {
                nb.name: {
                    "late_submission_penalty": nb.late_submission_penalty,
                    "grades": {
                        g.name: {
                            "auto_score": None if g.auto_score is None else float(g.auto_score),
                            "max_score": float(g.max_score),
                            "needs_manual_grade": bool(g.needs_manual_grade),
                        }
                        for g in nb.grades
                    },
                    "comments": {c.name: c.auto_comment for c in nb.comments},
                }
                for nb in sub.notebooks
            },
        }


def _texts(folder: Path, suffix: str) -> dict[str, str]:
    """``{name: text}`` of the regular ``*suffix`` files nbgrader wrote into ``folder``."""
    if not folder.is_dir():
        return {}
    return {
        p.name: p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(folder.glob("*" + suffix))
        if stat.S_ISREG(p.lstat().st_mode)
    }
