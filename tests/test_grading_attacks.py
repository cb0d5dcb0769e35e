"""Hostile students against the grading command: real nbgrader, bubblewrap and kernels, as root.

One class of the small ``sandbox_probe`` assignment (tests/assignments, numpy only: 3 points) is
graded once by ``python -m autograder grade`` in a subprocess whose terminal is a pseudo-terminal
we hold, with a secret in its environment and a canary file on the host.  Every attacker puts its
attack in front of a correct answer, so an attack that achieved nothing still scores 3.  The
tests then check each defence from the host's side: the canary unchanged and unread, the
terminal clean, no process left, the victims' rows identical to a run without the attackers.
"""

from __future__ import annotations

import copy
import csv
import fcntl
import json
import os
import pty
import re
import select
import socket
import subprocess
import sys
import termios
import time
import tty
import uuid
from pathlib import Path

import nbformat
import pytest

from autograder.notebooks import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.heavy(minutes=4)]
SOURCE = Path(__file__).parent / "assignments"
ASSIGNMENT = "sandbox_probe"
FULL = 3.0
BLANK = 1.0  # the blank release still passes the data-file test
MARK = "x" + uuid.uuid4().hex[:6]  # names the processes this test's attackers start
SECRET = "secret-token-" + uuid.uuid4().hex
CANARY = "canary-" + uuid.uuid4().hex
CELL_TIMEOUT, SUBMISSION_TIMEOUT, MEMORY_GIB = 10, 30, 1.0


def probe_source() -> nbformat.NotebookNode:
    return nbformat.read(str(SOURCE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)


def solved(prefix: str = "", double_prefix: str = "") -> nbformat.NotebookNode:
    """The probe, answered correctly, with attack code in front of the first and second answer."""
    nb = probe_source()
    for cell in nb.cells:
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        cell.source = re.sub(
            r"^\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)\n?", "", cell.source, flags=re.M
        )
        if grade_id == "add":
            cell.source = prefix + "\n" + cell.source
        if grade_id == "double":
            cell.source = double_prefix + "\n" + cell.source
        if grade_id == "test_add":
            cell.source = "assert add(2, 3) == 5"
    return nb


def blank() -> nbformat.NotebookNode:
    nb = solved()
    for cell in nb.cells:
        if cell.metadata["nbgrader"].get("solution"):
            cell.source = "# YOUR CODE HERE\nraise NotImplementedError()"
    return nb


def with_cells(nb, *sources, kind="code"):
    nb = copy.deepcopy(nb)
    for source in sources:
        cell = (
            nbformat.v4.new_code_cell(source)
            if kind == "code"
            else nbformat.v4.new_markdown_cell(source)
        )
        nb.cells.insert(3, cell)
    return nb


ESCAPE = f"""
import ctypes, json, os, socket, stat, sys
report = {{}}
def attempt(name, action):
    try:
        result = action()
        report[name] = "OK" if result is None or result else "nothing"
    except Exception as err:
        report[name] = type(err).__name__
libc = ctypes.CDLL(None, use_errno=True)
def call(result):
    if result != 0:
        raise OSError(ctypes.get_errno(), "failed")
attempt("read_canary", lambda: open(CANARY_PATH).read())
attempt("read_shadow", lambda: open("/etc/shadow").read())
attempt("list_course", lambda: os.listdir(COURSE_PATH))
def find_host_files():
    found = []
    skip = {"/proc", "/dev", "/usr", sys.prefix, sys.base_prefix}
    for folder, dirs, files in os.walk("/"):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in skip]
        found += [os.path.join(folder, f) for f in files
                  if f in ("gradebook.db", "sandbox_probe.ipynb", "host-canary.txt")]
    return found
attempt("find_solutions_gradebook_classmates", find_host_files)
attempt("mknod_disk", lambda: os.mknod("/tmp/disk", 0o600 | stat.S_IFBLK, os.makedev(253, 0)))
attempt("mount", lambda: call(libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)))
attempt("setuid_root", lambda: os.setuid(0))
attempt("host_service", lambda: socket.create_connection(("127.0.0.1", PORT), timeout=2))
attempt("write_usr", lambda: open("/usr/planted", "w"))
print("ESCAPE", json.dumps(report))
caps = [line.split()[1] for line in open("/proc/self/status") if line.startswith("CapEff")]
print("IDENTITY", os.getuid(), caps)
print("ENVIRONMENT", dict(os.environ))
"""

TTY = """
import fcntl, os, termios
pushed = []
for fd in (0, 1, 2):
    try:
        for ch in "echo PWNED-TTY\\n":
            fcntl.ioctl(fd, termios.TIOCSTI, ch.encode())
        pushed.append(fd)
    except OSError:
        pass
try:
    os.open("/dev/tty", os.O_RDWR)
    pushed.append("/dev/tty")
except OSError:
    pass
for fd in (0, 1, 2):
    try:
        os.write(fd, b"\\x1b[2J\\x1b[HFAKE-PROGRESS grading: 100%\\n")
    except OSError:
        pass
print(f"TTY PUSHED {pushed}")  # one write: the raw writes above may arrive between two
"""

SURVIVOR = f'''
import ctypes, os, signal, time
libc = ctypes.CDLL(None)
libc.prctl(15, b"{MARK}-k")                 # PR_SET_NAME: the kernel itself
libc.prctl(1, 0)                            # PR_SET_PDEATHSIG: do not die with bwrap
signal.signal(signal.SIGTERM, signal.SIG_IGN)
get_ipython().kernel.do_shutdown = lambda restart: {{"status": "ok", "restart": restart}}
child = os.fork()
if child == 0:
    os.setsid()
    if os.fork() == 0:
        libc.prctl(1, 0)
        libc.prctl(15, b"{MARK}-d")
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        end = time.time() + 300
        while time.time() < end:
            for target in ("/tmp/survivor.txt", "survivor.txt"):
                try:
                    open(target, "a").write("x")
                except OSError:
                    pass
            time.sleep(0.2)
    os._exit(0)
os.waitpid(child, 0)
print("SURVIVOR STARTED")
'''

FORK_BOMB = """
import os
kids = 0
try:
    for _ in range(5000):
        pid = os.fork()
        if pid == 0:                         # a small process that stays: the classic bomb's shape
            os.execv("/bin/sleep", ["sleep", "60"])
        kids += 1
except OSError as err:
    print("FORK STOPPED", type(err).__name__)
print("FORKED", kids)
"""

MEMORY = """
import os, time
children = []
for _ in range(3):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        block = bytearray(700 * 2**20)
        for i in range(0, len(block), 4096):
            block[i] = 1
        os.write(w, b"1")
        time.sleep(60)
        os._exit(0)
    os.close(w)
    children.append((pid, r))
for pid, r in children:
    os.read(r, 1)
time.sleep(2)
alive = sum(1 for pid, _ in children if os.waitpid(pid, os.WNOHANG) == (0, 0))
print("HOLDING 700 MB AT ONCE", alive)
"""

FILL = """
import os
def fill(folder):
    written = 0
    for n in range(64):
        try:
            with open(os.path.join(folder, f"fill{n}"), "wb") as fh:
                for _ in range(32):
                    fh.write(b"x" * 2**20)
                    written += 1
        except OSError:
            return written
    return written
from ipykernel.connect import get_connection_file
sockets = os.path.dirname(get_connection_file())
try:
    open(os.path.join(sockets, "planted"), "w").write("x")
    sealed = False
except OSError:
    sealed = True
print("FILLED MB", fill("/tmp"), fill("."), fill("/dev/shm"), "SOCKET FOLDER SEALED", sealed)
"""

LINKS = """
import os
for name, target in [("sandbox_probe.ipynb", CANARY_PATH), ("gradebook.db", CANARY_PATH),
                     ("data.txt.bak", CANARY_PATH), ("feedback", "/")]:
    try:
        os.symlink(target, name)
    except OSError as err:
        print("LINK", name, type(err).__name__)
try:
    os.chmod("sandbox_probe.ipynb", 0o777)
except OSError:
    pass
print("LINKS", sorted(os.listdir(".")))
"""

XSS_MARKDOWN = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    '<iframe src="javascript:window.__pwned = 3"></iframe> A *friendly* note.'
)
XSS_OUTPUT = """
from IPython.display import HTML, Javascript, display
display(Javascript("window.__pwned = 4"))
display(HTML("<script>window.__pwned = 5</script><b>bold</b>"))
print("A" * 30_000_000)
"""


def class_of_attackers(folder: Path, canary: Path, course: Path, port: int) -> dict:
    """Write the class; return ``student -> expected score`` where it is known exactly."""

    def fill_in(code):
        return (
            code.replace("CANARY_PATH", repr(str(canary)))
            .replace("COURSE_PATH", repr(str(course)))
            .replace("PORT", str(port))
        )

    write = _writer(folder)
    expected = {}
    for victim in ("victim_a", "victim_b"):
        write(victim, solved())
        expected[victim] = FULL
    write("blank", blank())
    expected["blank"] = BLANK
    for name, code in {
        "escape": ESCAPE,
        "tty": TTY,
        "survivor": SURVIVOR,
        "fork_bomb": FORK_BOMB,
        "memory": MEMORY,
        "fill": FILL,
        "links": LINKS,
        "xss": XSS_OUTPUT,
    }.items():
        write(name, solved(fill_in(code)))
    expected.update(escape=FULL, tty=FULL, survivor=FULL, fork_bomb=FULL, fill=FULL, links=FULL)
    write("xss", with_cells(solved(XSS_OUTPUT), XSS_MARKDOWN, kind="markdown"))
    write(
        "no_interrupt",
        solved(
            double_prefix="import signal\nsignal.signal(signal.SIGINT, "
            "signal.SIG_IGN)\nwhile True:\n    pass"
        ),
    )
    expected["no_interrupt"] = 1.0  # test_add ran; the rest was never reached
    write("slow", with_cells(solved(), *["import time\ntime.sleep(8)"] * 6))
    expected.update(slow=0.0, xss=FULL)  # slow: stopped before any test cell ran
    # what lies next to the notebook, and how it is sent
    path = write("planted", blank())
    (path.parent / "ipykernel_launcher.py").write_text(
        "print('PLANTED')\nimport runpy\n"
        "runpy.run_module('ipykernel_launcher', run_name='__main__')\n"
    )
    (path.parent / "numpy.py").write_text("raise SystemExit('PLANTED numpy')\n")
    expected["planted"] = BLANK
    path = write("forged_time", solved())
    (path.parent / "timestamp.txt").write_text("2020-01-01 00:00:00.000000 UTC")
    path = write("broken_time", solved())
    (path.parent / "timestamp.txt").write_text("not a date at all \x1b[2J")
    expected.update(forged_time=FULL, broken_time=FULL)
    target = folder / "linked_notebook" / ASSIGNMENT
    target.mkdir(parents=True)
    (target / f"{ASSIGNMENT}.ipynb").symlink_to(SOURCE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (folder / "linked_folder").symlink_to(folder / "victim_a")
    target = folder / "fifo" / ASSIGNMENT
    target.mkdir(parents=True)
    os.mkfifo(target / f"{ASSIGNMENT}.ipynb")
    target = folder / "dev_zero" / ASSIGNMENT
    target.mkdir(parents=True)
    (target / f"{ASSIGNMENT}.ipynb").symlink_to("/dev/zero")
    target = folder / "dangling" / ASSIGNMENT
    target.mkdir(parents=True)
    (target / f"{ASSIGNMENT}.ipynb").symlink_to(folder / "nowhere.ipynb")
    (folder / "directory" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").mkdir(parents=True)
    write("deep_json", "[" * 100_000 + "]" * 100_000)
    write("nbformat_5", json.dumps({**solved(), "nbformat": 5}))
    bad_meta = solved()
    bad_meta.cells[3].metadata["nbgrader"] = "not a dict"
    write("bad_metadata", json.dumps(bad_meta))
    expected["bad_metadata"] = 2.0  # its test_add cell is no longer a test
    for name in (
        "linked_notebook",
        "linked_folder",
        "fifo",
        "dev_zero",
        "dangling",
        "directory",
        "deep_json",
        "nbformat_5",
    ):
        expected[name] = BLANK  # graded as the blank release
    for name in ("José Núñez", "+cmd", '=HYPERLINK("x","y")', "newline\n"):
        write(name, solved())
        expected[name] = FULL
    return expected


def _writer(folder: Path):
    def write(student: str, nb) -> Path:
        target = folder / student / ASSIGNMENT
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"{ASSIGNMENT}.ipynb"
        if isinstance(nb, str):
            path.write_text(nb)
        else:
            nbformat.write(nb, str(path))
        return path

    return write


def run_under_terminal(args: list[str], env: dict) -> tuple[int, bytes, bytes]:
    """Run the grading command with a pseudo-terminal as its controlling terminal.

    Returns the exit code, everything written to the terminal, and whatever was pushed into the
    terminal's input (what the instructor's shell would read and run next).
    """
    master, slave = pty.openpty()
    tty.setraw(slave)
    proc = subprocess.Popen(
        args,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=ROOT,
        start_new_session=True,
        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
    )
    shown = b""
    while proc.poll() is None or select.select([master], [], [], 0.2)[0]:
        if select.select([master], [], [], 0.2)[0]:
            shown += os.read(master, 1 << 16)
    os.set_blocking(slave, False)
    try:
        pushed = os.read(slave, 1 << 16)
    except BlockingIOError:
        pushed = b""
    os.close(master)
    os.close(slave)
    return proc.returncode, shown, pushed


def grade_command(submissions: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        str(submissions),
        "--out",
        str(out),
        "--assignment",
        ASSIGNMENT,
        "--source",
        str(SOURCE),
        "--workers",
        "2",
        "--timeout",
        str(CELL_TIMEOUT),
        "--submission-timeout",
        str(SUBMISSION_TIMEOUT),
        "--memory",
        str(MEMORY_GIB),
    ]


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    root = tmp_path_factory.mktemp("attack")
    canary = root / "host-canary.txt"
    canary.write_text(CANARY)
    canary.chmod(0o600)
    out = root / "out"
    env = {**os.environ, "COURSE_TEST_SECRET": SECRET}
    with socket.create_server(("127.0.0.1", 0)) as listener:  # a service on the grading host
        expected = class_of_attackers(
            root / "submissions", canary, out / "course", listener.getsockname()[1]
        )
        code, shown, pushed = run_under_terminal(grade_command(root / "submissions", out), env)
    time.sleep(1)
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    return {
        "root": root,
        "out": out,
        "canary": canary,
        "code": code,
        "shown": shown,
        "pushed": pushed,
        "rows": rows,
        "expected": expected,
        "ids": dict(csv.reader(open(out / "students.csv", encoding="utf-8"))),
    }


def outputs(out: Path, student_id: str) -> str:
    path = out / "course" / "autograded" / student_id / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    return "\n".join(
        str(o.get("text", "")) + str(o.get("evalue", "")) + str(o.get("data", ""))
        for c in nb.cells
        for o in c.get("outputs", [])
    )


def feedback(out: Path, student_id: str) -> str:
    return "".join(
        p.read_text() for p in (out / "feedback" / student_id / ASSIGNMENT).glob("*.html")
    )


def every_file(folder: Path):
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            yield path


def test_every_student_gets_a_row_and_the_command_reports_success(attacked):
    assert attacked["code"] == 0, attacked["shown"][-3000:]
    rows = attacked["rows"]
    names = {r.lstrip("'") for r in rows}
    assert len(rows) == len(list((attacked["root"] / "submissions").iterdir()))
    assert "José Núñez" in names and "newline\\n" in names


def test_scores_are_exactly_what_the_answers_earn(attacked):
    rows = {name.lstrip("'"): float(row["score"]) for name, row in attacked["rows"].items()}
    for student, score in attacked["expected"].items():
        key = student.replace("\n", "\\n")
        assert rows[key] == score, (student, rows[key])


def test_the_kernel_has_no_capabilities_and_cannot_escape(attacked):
    printed = outputs(attacked["out"], "escape")
    report = json.loads(re.search(r"ESCAPE (\{.*\})", printed).group(1))
    assert "OK" not in report.values(), report
    uid, cap_eff = re.search(r"IDENTITY (\d+) \['([0-9a-f]+)'\]", printed).groups()
    assert int(uid) != 0 and int(cap_eff, 16) == 0


def test_the_host_canary_is_unchanged_and_unread(attacked):
    canary = attacked["canary"]
    assert canary.read_text() == CANARY and (canary.stat().st_mode & 0o777) == 0o600
    for path in every_file(attacked["out"]):
        assert CANARY.encode() not in path.read_bytes(), path


def test_the_instructors_environment_never_reaches_the_kernel(attacked):
    assert "ENVIRONMENT" in outputs(attacked["out"], "escape")
    for path in every_file(attacked["out"]):
        assert SECRET.encode() not in path.read_bytes(), path


def test_the_instructors_terminal_receives_nothing(attacked):
    assert "TTY PUSHED []" in outputs(attacked["out"], "tty")
    assert attacked["pushed"] == b""
    assert b"FAKE-PROGRESS" not in attacked["shown"] and b"PWNED" not in attacked["shown"]
    assert b"\x1b[2J" not in attacked["shown"]


def test_no_process_of_a_submission_outlives_its_grading(attacked):
    assert "SURVIVOR STARTED" in outputs(attacked["out"], "survivor")
    left = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry / "comm").read_text().startswith(MARK):
                left.append(entry.name)
        except OSError:
            pass
    assert left == []
    assert not (
        attacked["out"] / "course" / "autograded" / "survivor" / ASSIGNMENT / "survivor.txt"
    ).exists()


def test_processes_memory_and_disk_are_limited_per_submission(attacked):
    out = attacked["out"]
    forked = int(re.search(r"FORKED (\d+)", outputs(out, "fork_bomb")).group(1))
    assert 0 < forked < 512
    held = int(re.search(r"HOLDING 700 MB AT ONCE (\d+)", outputs(out, "memory")).group(1))
    assert held <= 1
    tmp_mb, work_mb, shm_mb, sealed = re.search(
        r"FILLED MB (\d+) (\d+) (\d+) SOCKET FOLDER SEALED (\w+)", outputs(out, "fill")
    ).groups()
    assert int(tmp_mb) <= 256 and int(work_mb) <= 256 and int(shm_mb) <= 64 and sealed == "True"
    used = sum(p.stat().st_size for p in every_file(out))
    assert used < 60 * 2**20, used  # 1 GB written inside the sandboxes, none of it here


def test_a_kernel_that_ignores_interrupts_is_killed_after_the_grace_period(attacked):
    text = feedback(attacked["out"], "no_interrupt")
    assert "did not stop when interrupted" in text


def test_a_submission_has_a_time_limit_as_a_whole(attacked):
    out = attacked["out"]
    assert f"whole submission ran longer than {SUBMISSION_TIMEOUT} s" in feedback(out, "slow")
    assert float(attacked["rows"]["slow"]["score"]) < FULL


def test_links_the_kernel_plants_are_never_followed_by_the_host(attacked):
    out = attacked["out"]
    assert "LINKS" in outputs(out, "links")
    for path in (out / "course" / "autograded" / "links").rglob("*"):
        assert not path.is_symlink(), path
    assert nbformat.read(
        str(out / "course" / "autograded" / "links" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
        as_version=4,
    ).cells


def test_files_next_to_the_notebook_are_not_used(attacked):
    out = attacked["out"]
    assert "PLANTED" not in outputs(out, "planted")
    assert sorted(
        p.name for p in (out / "course" / "submitted" / "planted" / ASSIGNMENT).iterdir()
    ) == [f"{ASSIGNMENT}.ipynb"]


def test_a_students_timestamp_is_not_trusted(attacked):
    rows = attacked["rows"]
    assert rows["forged_time"]["timestamp"] == "" and rows["broken_time"]["timestamp"] == ""
    assert float(rows["broken_time"]["score"]) == FULL


def test_hostile_files_and_links_in_the_submissions_get_a_zero_with_a_reason(attacked):
    out = attacked["out"]
    for student in (
        "linked_notebook",
        "linked_folder",
        "fifo",
        "dev_zero",
        "dangling",
        "directory",
        "deep_json",
        "nbformat_5",
        "bad_metadata",
    ):
        text = feedback(out, student)
        assert "repaired" in text or "could not be graded" in text, student
        assert "BEGIN SOLUTION" not in text and "return a + b" not in text, student


def test_any_name_is_a_student_and_the_csv_runs_no_formula(attacked):
    rows = attacked["rows"]
    assert "'+cmd" in rows and '\'=HYPERLINK("x","y")' in rows
    assert not any(name.startswith(("=", "+", "-", "@")) for name in rows)
    raw = (attacked["out"] / "grades.csv").read_text(encoding="utf-8")
    assert len(raw.splitlines()) == len(rows) + 1  # one line per student, no broken rows


def test_feedback_runs_no_student_script_and_stays_small(attacked):
    out = attacked["out"]
    text = feedback(out, "xss")
    assert not re.search(r"<script[^>]*>[^<]*__pwned", text)
    assert "friendly" in text  # the honest part of the markdown stays
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", text, re.I)  # no live event handler
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", text, re.I)
    assert len(text) < 3 * 2**20
    assert "Content-Security-Policy" in text


@pytest.fixture(scope="module")
def victims_alone(attacked, tmp_path_factory):
    root = tmp_path_factory.mktemp("alone")
    for victim in ("victim_a", "victim_b"):
        (root / "submissions" / victim).mkdir(parents=True)
        src = attacked["root"] / "submissions" / victim / ASSIGNMENT
        dst = root / "submissions" / victim / ASSIGNMENT
        dst.mkdir()
        (dst / f"{ASSIGNMENT}.ipynb").write_bytes((src / f"{ASSIGNMENT}.ipynb").read_bytes())
    out = root / "out"
    code, shown, _ = run_under_terminal(grade_command(root / "submissions", out), dict(os.environ))
    assert code == 0, shown[-2000:]
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        return out, {row["student_id"]: row for row in csv.DictReader(fh)}


def test_the_attackers_change_nothing_for_the_other_students(attacked, victims_alone):
    out_alone, rows_alone = victims_alone
    for victim in ("victim_a", "victim_b"):
        assert attacked["rows"][victim] == rows_alone[victim]
        assert feedback(attacked["out"], victim) == feedback(out_alone, victim)
