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

with a memory limit (an address-space rlimit: a memory bomb becomes a
``MemoryError``), no new privileges, and its own IPC and hostname namespaces.
The kernel shares the network namespace, so it can reach its client on
loopback, and the PID namespace (ipykernel quits if its parent looks like
pid 1).  Connection files are authenticated, so one kernel cannot drive another.
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
           "--unshare-cgroup-try", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for folder in SYSTEM_DIRS:
        if os.path.exists(folder):
            cmd += ["--ro-bind", folder, folder]
    for folder in {sys.base_prefix, sys.prefix, str(LIBRARY), str(REPO / "data")}:
        cmd += ["--ro-bind", folder, folder]
    cmd += ["--ro-bind", str(connection_file), str(connection_file),
            "--bind", str(workdir), str(workdir), "--chdir", str(workdir),
            "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
            "--setenv", "IPYTHONDIR", "/tmp/ipython", "--setenv", "JUPYTER_RUNTIME_DIR", "/tmp/jupyter",
            sys.executable, "-m", "ipykernel_launcher", "-f", str(connection_file),
            "--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR", *kernel_args]
    return cmd


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
            "display_name": "Python 3 (grading sandbox)", "language": "python", "env": env}
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
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
