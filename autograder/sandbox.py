"""One submission's sandbox: an unprivileged, jailed, limited kernel that the host never trusts.

nbgrader starts a kernel for every notebook it grades.  Plain, that kernel runs student code
with the grader's permissions, environment, terminal and working folder.  Here the kernelspec
(:func:`write_kernelspec`) runs ``python -m autograder.sandbox`` instead, which starts
``ipykernel`` under bubblewrap so that the kernel

* runs as an unprivileged user of its own (a uid per concurrent sandbox when grading runs as
  root; the grader's own uid, in a user namespace it cannot nest, otherwise), with no
  capabilities and ``no_new_privs``;
* sees only the system's read-only folders, a minimal ``/etc``, the Python environment, the
  course library ``utils/`` and ``data/``, its socket folder, and two size-limited tmpfs:
  ``/tmp`` and its working folder ``/home/student`` (with the assignment's declared files,
  read-only).  Nothing the kernel writes lands in a folder the host reads back;
* has no network (its sockets are Unix sockets in a folder of its own), its own PID, IPC and
  UTS namespaces and session, a clean explicit environment, and no descriptor but its sockets
  (standard streams go to ``/dev/null`` and a host-only log);
* is limited per submission: memory, processes and CPU for all its processes together (a control
  group, see :mod:`autograder.cgroup`), per-process address space, file size and open files,
  tmpfs sizes; the grader adds a cell timeout, an interrupt grace period and a wall-clock limit
  for the whole submission, and :meth:`Sandbox.kill` ends every process the submission started.

The grader creates a :class:`Sandbox` per submission (:meth:`Sandbox.open`), which writes its
description to ``<runtime>/sandbox.json``; the launcher finds it through ``$COURSE_SANDBOX``.
"""

from __future__ import annotations

import fcntl
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder import cgroup as cgroups
from utils.i18n import LANG_ENV

KERNEL_NAME = "course-sandbox"
ENV_VAR = "COURSE_SANDBOX"
REPO = Path(__file__).resolve().parent.parent
LIBRARY = REPO / "utils"
WORKDIR = "/home/student"
UID_BASE = 2_100_000_000  # sandbox uids: UID_BASE + slot, far from any real account
SLOTS = 1000
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64")
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "mime.types")
# The only variables the kernel inherits (none of them secret); everything else is dropped.
PASSED_ENV = (
    "NBGRADER_EXECUTION",
    "TF_CPP_MIN_LOG_LEVEL",
    "CUDA_VISIBLE_DEVICES",
    "PYTHONHASHSEED",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "COURSE_STATIC_FIGURES",
    LANG_ENV,  # utils.i18n: the language of the messages
)


@dataclass(frozen=True)
class Limits:
    """What one submission may use.  Memory, processes and CPU need a control group (root)."""

    memory_bytes: int = 4 * 2**30  # all its processes together
    address_space_bytes: int = 6 * 2**30  # each process: a memory bomb becomes a MemoryError
    max_processes: int = 512  # processes and threads (TensorFlow starts dozens)
    cpus: float = 1.0  # CPU quota: a busy neighbour cannot slow the others
    tmp_bytes: int = 256 * 2**20  # /tmp
    work_bytes: int = 256 * 2**20  # the working folder
    shm_bytes: int = 64 * 2**20  # /dev/shm
    file_bytes: int = 64 * 2**20  # largest file a process may write
    open_files: int = 1024
    submission_seconds: int = 900  # wall clock for the whole submission
    interrupt_grace_seconds: int = 10  # after a cell's timeout, before the kernel is killed


@dataclass
class Sandbox:
    """The host side of one submission's sandbox: its runtime folder, uid, control group, limits."""

    runtime: str  # host-only folder (mode 0700)
    uid: int | None  # the kernel's uid when the grader is root
    limits: Limits
    files: dict[str, str] = field(default_factory=dict)  # declared files: name -> host path
    cgroup: cgroups.Cgroup | None = None
    _slot_fd: int | None = field(default=None, repr=False, compare=False)

    # --- creating, finding and ending a sandbox (the grader's side) -------------------------
    @classmethod
    def open(cls, *, limits: Limits = Limits(), files: dict[str, str] | None = None) -> Sandbox:
        """Create the runtime folder, take a uid slot and a control group; save the description."""
        if shutil.which("bwrap") is None:
            raise SystemExit(
                "bubblewrap is not installed: `apt-get install bubblewrap` (grading needs "
                "it to keep student code away from solutions and other students' work)"
            )
        # Short on purpose: a Unix socket's path may not exceed 107 bytes.
        runtime = Path(
            tempfile.mkdtemp(prefix="grade-", dir="/tmp" if os.path.isdir("/tmp") else None)
        )
        box = cls(str(runtime), None, limits, dict(files or {}))
        if os.geteuid() == 0:
            box._slot_fd, box.uid = _take_slot()
            _kill_uid(box.uid)  # leftovers of a grader that crashed
            box.cgroup = cgroups.create(
                f"{runtime.name}-{uuid.uuid4().hex[:6]}",
                memory_bytes=limits.memory_bytes,
                max_processes=limits.max_processes,
                cpus=limits.cpus,
            )
        box._write_etc()
        box.save()
        return box

    @classmethod
    def load(cls, path: str | Path) -> Sandbox:
        data = json.loads(Path(path).read_text())
        data["limits"] = Limits(**data["limits"])
        data["cgroup"] = cgroups.Cgroup(**data["cgroup"]) if data["cgroup"] else None
        return cls(**data)

    @property
    def path(self) -> Path:
        return Path(self.runtime) / "sandbox.json"

    @property
    def kernel_dir(self) -> Path:
        """The folder of the kernel's connection file and Unix sockets (shared with the kernel)."""
        return Path(self.runtime) / "kernel"

    def save(self) -> None:
        data = asdict(self)
        data.pop("_slot_fd")
        self.path.write_text(json.dumps(data))
        os.chmod(self.path, 0o600)

    def prepare_kernel(self) -> None:
        """An empty socket folder for the kernel's sockets (before each kernel starts)."""
        shutil.rmtree(self.kernel_dir, ignore_errors=True)
        self.kernel_dir.mkdir(mode=0o770)
        if self.uid is not None:
            os.chown(self.kernel_dir, 0, self.uid)
        os.chmod(self.kernel_dir, 0o770)

    def seal(self) -> None:
        """Once the kernel's sockets exist, it may create no more files on the host's disk."""
        if self.uid is not None:
            os.chmod(self.kernel_dir, 0o750)

    def kill(self, reason: str = "") -> None:
        """End every process of this submission; ``reason`` is kept for the feedback."""
        if reason and not self.killed_reason:
            (Path(self.runtime) / "killed").write_text(reason)
        pid = self._namespace_init()
        if pid is not None:
            _signal(pid, signal.SIGKILL)  # pid 1 of its namespace: all others die with it
        if self.cgroup is not None:
            self.cgroup.kill()
        if self.uid is not None:
            _kill_uid(self.uid)

    @property
    def killed_reason(self) -> str:
        try:
            return (Path(self.runtime) / "killed").read_text()
        except OSError:
            return ""

    def close(self) -> None:
        """Kill what is left, remove the control group and the runtime folder, free the uid."""
        self.kill()
        if self.cgroup is not None:
            self.cgroup.remove()
        shutil.rmtree(self.runtime, ignore_errors=True)
        if self._slot_fd is not None:
            os.close(self._slot_fd)
            self._slot_fd = None

    def _namespace_init(self) -> int | None:
        """The host pid of the kernel's namespace (bwrap's info), if it is still that process."""
        try:
            pid = int(json.loads((Path(self.runtime) / "bwrap-info.json").read_text())["child-pid"])
            if os.readlink(f"/proc/{pid}/ns/pid") != os.readlink("/proc/self/ns/pid"):
                return pid
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return None

    def _write_etc(self) -> None:
        """A minimal /etc: who the kernel is, and localhost.  The host's /etc is not shown."""
        etc = Path(self.runtime) / "etc"
        etc.mkdir()
        uid = self.uid if self.uid is not None else os.getuid()
        gid = self.uid if self.uid is not None else os.getgid()
        files = {
            "passwd": f"root:x:0:0:root:/root:/usr/sbin/nologin\n"
            f"student:x:{uid}:{gid}:student:{WORKDIR}:/usr/sbin/nologin\n",
            "group": f"root:x:0:\nstudent:x:{gid}:\n",
            "hosts": "127.0.0.1 localhost\n::1 localhost\n",
            "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
        }
        for name, text in files.items():
            (etc / name).write_text(text)
            os.chmod(etc / name, 0o644)


def _take_slot() -> tuple[int, int]:
    """A uid no other running sandbox has: held by a lock until :meth:`Sandbox.close`."""
    folder = Path(tempfile.gettempdir()) / "course-sandbox-slots"
    folder.mkdir(mode=0o700, exist_ok=True)
    for slot in range(SLOTS):
        fd = os.open(folder / f"{slot}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd, UID_BASE + slot
        except BlockingIOError:
            os.close(fd)
    raise RuntimeError(f"more than {SLOTS} sandboxes are running")


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_uid(uid: int) -> None:
    """SIGKILL every process whose real uid is ``uid`` until none is left."""
    for _ in range(200):
        found = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/status") as fh:
                    for line in fh:
                        if line.startswith("Uid:"):
                            if int(line.split()[1]) == uid:
                                found.append(int(entry.name))
                            break
            except (OSError, ValueError):
                continue
        if not found:
            return
        for pid in found:
            _signal(pid, signal.SIGKILL)
        time.sleep(0.01)


# --- the launcher (the kernelspec's argv) -----------------------------------------------------
def _dirs_for(path: str, made: set[str]) -> list[str]:
    """bwrap arguments creating the parents of ``path`` world-traversable (bwrap: 0700)."""
    args = []
    parents = [str(p) for p in reversed(Path(path).parents) if str(p) != "/"]
    for parent in parents:
        if parent not in made:
            made.add(parent)
            args += ["--perms", "0755", "--dir", parent]
    return args


def bwrap_command(
    box: Sandbox,
    connection_file: Path | None,
    kernel_args=(),
    info_fd: int | None = None,
    environ=None,
    *,
    checker: bool = False,
) -> list[str]:
    """The bubblewrap command line that runs the kernel of ``box`` (or, with ``checker``, the
    checker of :mod:`autograder.remote`, which also sees the ``autograder`` package)."""
    environ = os.environ if environ is None else environ
    limits = box.limits
    cmd = [
        shutil.which("bwrap"),
        "--die-with-parent",
        "--new-session",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-net",
        "--unshare-pid",
        "--as-pid-1",
        "--unshare-cgroup-try",
        "--hostname",
        "sandbox",
        "--clearenv",
    ]
    if box.uid is None:  # not root: the user namespace bwrap needs, not nestable
        cmd[1:1] = ["--unshare-user", "--disable-userns"]
    if info_fd is not None:
        cmd += ["--info-fd", str(info_fd)]
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": WORKDIR,
        "LANG": "C.UTF-8",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        "JUPYTER_RUNTIME_DIR": "/tmp/jupyter",
        "PYTHONNOUSERSITE": "1",
        "USER": "student",
    }
    env.update({name: environ[name] for name in PASSED_ENV if name in environ})
    for name, value in env.items():
        cmd += ["--setenv", name, value]
    cmd += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--perms",
        "1777",
        "--size",
        str(limits.tmp_bytes),
        "--tmpfs",
        "/tmp",
        # POSIX semaphores and shared memory (multiprocessing) live here: small, private
        "--perms",
        "1777",
        "--size",
        str(limits.shm_bytes),
        "--tmpfs",
        "/dev/shm",
    ]
    for folder in SYSTEM_DIRS:
        if os.path.islink(folder):
            cmd += ["--symlink", os.readlink(folder), folder]
        elif os.path.isdir(folder):
            cmd += ["--ro-bind", folder, folder]
    cmd += ["--perms", "0755", "--dir", "/etc"]
    for name in ETC_FILES:
        cmd += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for name in ("passwd", "group", "hosts", "nsswitch.conf"):
        cmd += ["--ro-bind", str(Path(box.runtime) / "etc" / name), f"/etc/{name}"]
    made: set[str] = {"/etc", "/tmp"}
    folders = [sys.base_prefix, sys.prefix, str(LIBRARY), str(REPO / "data")]
    if checker:
        folders.append(str(REPO / "autograder"))
    for folder in dict.fromkeys(folders):
        cmd += _dirs_for(folder, made) + ["--ro-bind", folder, folder]
    if not checker:
        kernel_dir = str(box.kernel_dir)
        cmd += _dirs_for(kernel_dir, made) + ["--bind", kernel_dir, kernel_dir]
    cmd += _dirs_for(WORKDIR, made)
    cmd += ["--perms", "1777", "--size", str(limits.work_bytes), "--tmpfs", WORKDIR]
    for name, host_path in box.files.items():
        cmd += ["--ro-bind", host_path, f"{WORKDIR}/{name}"]
    cmd += ["--chdir", WORKDIR]
    if box.uid is not None:
        cmd += [
            "setpriv",
            f"--reuid={box.uid}",
            f"--regid={box.uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
            "--",
        ]
    if checker:
        return cmd + [sys.executable, "-P", "-s", "-m", "autograder.remote.checker"]
    # -P: the working folder is not put on sys.path (no planted ipykernel_launcher.py).
    cmd += [
        sys.executable,
        "-P",
        "-s",
        "-m",
        "ipykernel_launcher",
        "-f",
        str(connection_file),
        "--HistoryManager.hist_file=:memory:",
        "--IPKernelApp.log_level=ERROR",
        *kernel_args,
    ]
    return cmd


def write_kernelspec(jupyter_path: Path, threads: int | None = None) -> Path:
    """Install the sandbox kernelspec under ``jupyter_path/kernels`` (put it on JUPYTER_PATH).

    ``threads`` caps the math libraries' threads per kernel, so that parallel
    graders share the cores instead of fighting over them.
    """
    folder = Path(jupyter_path) / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    env = {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    if threads:
        for name in (
            "OMP_NUM_THREADS",
            "OPENBLAS_NUM_THREADS",
            "TF_NUM_INTRAOP_THREADS",
            "TF_NUM_INTEROP_THREADS",
        ):
            env[name] = str(threads)
    spec = {
        "argv": [sys.executable, "-m", "autograder.sandbox", "{connection_file}"],
        "display_name": "Python 3 (grading sandbox)",
        "language": "python",
        "env": env,
        "interrupt_mode": "message",
    }  # signals cannot reach into the PID namespace
    (folder / "kernel.json").write_text(json.dumps(spec, indent=2))
    return folder


def _limit(kind: int, value: int) -> None:
    resource.setrlimit(kind, (value, value))


def main(argv=None) -> None:
    """Start the kernel of ``$COURSE_SANDBOX`` for CONNECTION_FILE (the kernelspec's argv)."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or ENV_VAR not in os.environ:
        raise SystemExit(
            "usage: COURSE_SANDBOX=<runtime>/sandbox.json python -m autograder.sandbox "
            "CONNECTION_FILE|--checker [KERNEL_ARGS ...]  (started by `python -m autograder "
            "grade`)"
        )
    box = Sandbox.load(os.environ[ENV_VAR])
    checker = argv[0] == "--checker"  # stdin and stdout are the checker's protocol pipes
    connection_file = None if checker else Path(argv[0]).resolve()
    limits = box.limits
    _limit(resource.RLIMIT_AS, limits.address_space_bytes)
    _limit(resource.RLIMIT_CORE, 0)
    _limit(resource.RLIMIT_FSIZE, limits.file_bytes)
    _limit(resource.RLIMIT_NOFILE, limits.open_files)
    if box.uid is not None:
        _limit(resource.RLIMIT_NPROC, limits.max_processes)
        if connection_file is not None:
            os.chown(connection_file, 0, box.uid)
            os.chmod(connection_file, 0o640)
    if box.cgroup is not None:
        box.cgroup.add(os.getpid())
    runtime = Path(box.runtime)
    info = os.open(runtime / "bwrap-info.json", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # No descriptor of the grader's reaches the kernel: not its terminal, not its files.
    null = os.open(os.devnull, os.O_RDWR)
    log = os.open(runtime / "launcher.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    if not checker:
        os.dup2(null, 0)
        os.dup2(null, 1)
    os.dup2(log, 2)
    os.closerange(3, info)
    os.closerange(info + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    os.set_inheritable(info, True)
    cmd = bwrap_command(box, connection_file, argv[1:], info_fd=info, checker=checker)
    os.execve(cmd[0], cmd, {"PATH": "/usr/bin:/bin"})


if __name__ == "__main__":
    main()
