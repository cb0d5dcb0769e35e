"""Run one grading kernel inside a bubblewrap sandbox.

nbgrader starts a kernel for every submission, with its working directory in
the submission's autograded copy.  With a plain kernel, student code can walk
the file system: read the source notebooks (the solutions), the gradebook (the
hidden tests) and every other student's notebook.  This launcher is the
kernel's argv instead (see :func:`write_kernelspec`): it starts
``python -m ipykernel_launcher`` under ``bwrap`` so that the kernel sees only

* its own working copy (read-write),
* the system, the Python installation and the course's environment (read-only),
* the course library ``utils/`` and ``data/`` (read-only), nothing else of the repository,
* a private, empty ``/tmp``,

* its own runtime folder, holding its connection file and the Unix sockets
  it talks to its client through (grading uses ZeroMQ's ``ipc`` transport),

with a memory limit (an address-space rlimit: a memory bomb becomes a
``MemoryError``), no new privileges, and namespaces of its own: no network at
all, and its own PID namespace in which the kernel is pid 1 and sees no other
process (so it cannot signal the grader or other students' kernels).  For that,
``JPY_PARENT_PID`` is unset (ipykernel would otherwise quit, seeing a foreign
parent), and the kernelspec asks for interrupts by message, since signals from
outside do not reach into the namespace.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import sys
from pathlib import Path

import utils

KERNEL_NAME = "course-sandbox"
LIBRARY = Path(utils.__file__).resolve().parent
REPO = LIBRARY.parent
MEMORY_LIMIT = 6 * 2**30      # bytes of address space; TensorFlow needs ~3 GB of it to import
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")


def bwrap_command(workdir: Path, connection_file: Path, kernel_args=()) -> list[str]:
    """The bubblewrap command line that runs the kernel for ``workdir``."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SystemExit("bubblewrap is not installed: `apt-get install bubblewrap` (grading needs it "
                         "to keep student code away from solutions and other students' work)")
    cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-uts",
           "--unshare-net", "--unshare-pid", "--as-pid-1", "--unsetenv", "JPY_PARENT_PID",
           "--unshare-cgroup-try", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for folder in SYSTEM_DIRS:
        if os.path.exists(folder):
            cmd += ["--ro-bind", folder, folder]
    for folder in {sys.base_prefix, sys.prefix, str(LIBRARY), str(REPO / "data")}:
        cmd += ["--ro-bind", folder, folder]
    cmd += ["--ro-bind", str(connection_file), str(connection_file)]
    sockets = _ipc_folder(connection_file)
    if sockets is not None:
        cmd += ["--bind", str(sockets), str(sockets)]
    cmd += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir),
            "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
            "--setenv", "IPYTHONDIR", "/tmp/ipython", "--setenv", "JUPYTER_RUNTIME_DIR", "/tmp/jupyter",
            sys.executable, "-m", "ipykernel_launcher", "-f", str(connection_file),
            "--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR", *kernel_args]
    return cmd


SHARED_FOLDERS = {"/", "/tmp", "/var/tmp", "/dev/shm", "/root", "/home", "/run"}


def _ipc_folder(connection_file: Path) -> Path | None:
    """The folder of the kernel's Unix sockets (ipc transport), which must be its own."""
    info = json.loads(connection_file.read_text())
    if info.get("transport") != "ipc":
        return None
    folder = Path(info["ip"]).resolve().parent
    if str(folder) in SHARED_FOLDERS or folder == Path.home():
        raise SystemExit(f"refusing to share {folder} with a sandboxed kernel: give each kernel a "
                         "private runtime folder (KernelManager.ip / connection_file)")
    return folder


def write_kernelspec(jupyter_path: Path, threads: int | None = None) -> Path:
    """Install the sandbox kernelspec under ``jupyter_path/kernels`` (put it on JUPYTER_PATH).

    ``threads`` caps the math libraries' threads per kernel, so that parallel
    graders share the cores instead of fighting over them.
    """
    folder = Path(jupyter_path) / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    env = {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "PYTHONNOUSERSITE": "1"}
    if threads:
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
                     "TF_NUM_INTEROP_THREADS"):
            env[name] = str(threads)
    spec = {"argv": [sys.executable, "-m", "autograder.sandbox", "{connection_file}"],
            "display_name": "Python 3 (grading sandbox)", "language": "python", "env": env,
            "interrupt_mode": "message"}     # signals cannot reach into the PID namespace
    (folder / "kernel.json").write_text(json.dumps(spec, indent=2))
    return folder


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        raise SystemExit("usage: python -m autograder.sandbox CONNECTION_FILE [KERNEL_ARGS ...]")
    connection_file = Path(argv[0]).resolve()
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cmd = bwrap_command(Path.cwd().resolve(), connection_file, argv[1:])
    # The kernel's own stdout only carries ipykernel's start-up banner ("To connect another
    # client ..."); cell output travels over the kernel's sockets.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
