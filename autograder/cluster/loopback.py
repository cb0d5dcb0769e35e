"""A real Dask cluster on this machine's loopback interface, started from the command line.

The tests and the benchmark grade through the same ``dask scheduler`` and ``dask worker``
processes an instructor starts on a cluster (README, "Grading on a cluster"), only bound to
127.0.0.1::

    with LoopbackCluster(folder) as cluster:      # the scheduler
        cluster.add_worker()                      # one `dask worker` process, one thread
        cluster.stop_worker()                     # the last one started, as Ctrl-C would
        client = cluster.client(workers=1)        # a connected Client, once 1 worker is up
        grade(..., scheduler=client)

Each process writes its log to ``folder/<name>.log``; leaving the ``with`` block stops the
workers, then the scheduler (SIGINT, as Ctrl-C would, then SIGKILL after 30 s).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

DASK = str(Path(sys.executable).parent / "dask")

# Dask's own sampling, quietened for grading (README, "Setting up the machines"): no statistical
# profiler every 10 ms, the event-loop watchdog and system monitor every 1-2 s instead of 20 and
# 500 ms.  An idle scheduler with two workers then takes 4% of a core instead of 14%
# (measured on 2 cores); the tasks, retries and scores are unchanged.
QUIET = {
    "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
    "DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL": "1s",
    "DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__INTERVAL": "2s",
}


def wait_for(condition, timeout: float = 60.0, step: float = 0.1):
    """The first true value of ``condition()``; ``TimeoutError`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError(f"timed out after {timeout} s")


class LoopbackCluster:
    """``dask scheduler`` and ``dask worker`` processes on 127.0.0.1 (see the module doc)."""

    def __init__(self, folder: Path, *, env: dict | None = None, cwd: Path | None = None):
        self.folder = Path(folder)
        self.env = {**os.environ, **QUIET, **(env or {})}
        self.cwd = cwd
        self.processes: list[subprocess.Popen] = []
        self._logs = []
        self._clients = []
        self.address = ""

    def __enter__(self) -> LoopbackCluster:
        scheduler_file = self.folder / "scheduler.json"
        self._start(
            "scheduler",
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0"]
            + ["--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(scheduler_file)],
        )
        try:
            self.address = wait_for(lambda: _address(scheduler_file), 120)
        except TimeoutError:
            self.__exit__(None, None, None)
            raise
        return self

    def add_worker(self, *, threads: int = 1) -> subprocess.Popen:
        """Start one more ``dask worker`` (under its nanny) with ``threads`` threads."""
        name = f"worker{sum('worker' in log.name for log in self._logs) + 1}"
        command = [DASK, "worker", self.address, "--nthreads", str(threads)]
        return self._start(name, command + ["--host", "127.0.0.1"])

    def stop_worker(self) -> None:
        """Stop the most recently started worker that is still running (SIGINT, as Ctrl-C)."""
        for process, log in zip(reversed(self.processes), reversed(self._logs), strict=True):
            if "worker" in Path(log.name).name and process.poll() is None:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=30)
                return
        raise ValueError("no worker is running")

    def client(self, *, workers: int):
        """A :class:`distributed.Client` of this cluster, once ``workers`` workers are up."""
        from distributed import Client

        client = Client(self.address, set_as_default=False)
        self._clients.append(client)
        client.wait_for_workers(workers, timeout=120)
        return client

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 (closed in __exit__)
        self._logs.append(log)
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.cwd
        )
        self.processes.append(process)
        return process

    def __exit__(self, *exc) -> None:
        for client in self._clients:
            client.close()
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self._logs:
            log.close()


def _address(scheduler_file: Path) -> str | None:
    try:
        return json.loads(scheduler_file.read_text()).get("address")
    except (OSError, ValueError, AttributeError):
        return None
