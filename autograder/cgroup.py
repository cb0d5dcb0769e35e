"""A control group per sandboxed submission: memory, processes and CPU for all its processes.

Per-process rlimits cannot bound a submission that starts many processes (three children of
2 GB each under a 6 GB address-space limit), nor keep 24 busy processes from starving the
honest submission graded beside them.  A control group can: its limits hold for every process
in it, and :meth:`Cgroup.kill` ends them all.

Both cgroup layouts are handled: v1 (one hierarchy per controller, ``/sys/fs/cgroup/memory``
...) and v2 (one unified hierarchy with ``cgroup.controllers``).  Creating groups needs root (or
a delegated subtree); :func:`create` returns ``None`` where that is not possible, and the
sandbox then falls back to per-process rlimits (see the README's threat model).
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PARENT = "course-sandbox"
CPU_PERIOD_US = 100_000


@dataclass(frozen=True)
class Cgroup:
    """The folders of one group: one per controller (v1), or the same folder three times (v2)."""

    memory: str
    pids: str
    cpu: str
    unified: bool

    @property
    def folders(self) -> list[Path]:
        return [Path(p) for p in dict.fromkeys((self.memory, self.pids, self.cpu))]

    def add(self, pid: int) -> None:
        """Move ``pid`` into the group (its children then start inside it)."""
        for folder in self.folders:
            (folder / "cgroup.procs").write_text(str(pid))

    def pids_inside(self) -> set[int]:
        found = set()
        for folder in self.folders:
            try:
                found |= {int(p) for p in (folder / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return found

    def kill(self) -> None:
        """SIGKILL every process in the group, until none is left (forks are outrun by the loop)."""
        kill_file = Path(self.pids) / "cgroup.kill"
        if self.unified and kill_file.exists():
            kill_file.write_text("1")
        for _ in range(200):
            pids = self.pids_inside()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def memory_peak(self) -> int | None:
        """The most memory the group used, in bytes (for benchmarks and reports)."""
        name = "memory.peak" if self.unified else "memory.max_usage_in_bytes"
        try:
            return int((Path(self.memory) / name).read_text())
        except (OSError, ValueError):
            return None

    def remove(self) -> None:
        """Kill what is left and delete the group's folders."""
        self.kill()
        for folder in self.folders:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:  # busy while the last processes exit
                    time.sleep(0.02)


def _write(path: Path, value: str) -> None:
    path.write_text(value)


def _v2_root() -> Path | None:
    if (ROOT / "cgroup.controllers").exists():
        return ROOT
    return None


def create(name: str, *, memory_bytes: int, max_processes: int, cpus: float) -> Cgroup | None:
    """A new group ``course-sandbox/<name>`` with these limits, or None without cgroups."""
    try:
        root = _v2_root()
        if root is not None:
            return _create_v2(root, name, memory_bytes, max_processes, cpus)
        return _create_v1(name, memory_bytes, max_processes, cpus)
    except OSError:
        return None


def _create_v1(name: str, memory_bytes: int, max_processes: int, cpus: float) -> Cgroup | None:
    folders = {c: ROOT / c / PARENT / name for c in ("memory", "pids", "cpu")}
    if not all((ROOT / c / "cgroup.procs").exists() for c in folders):
        return None
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    group = Cgroup(*(str(folders[c]) for c in ("memory", "pids", "cpu")), unified=False)
    try:
        _write(folders["memory"] / "memory.limit_in_bytes", str(memory_bytes))
        _write(folders["pids"] / "pids.max", str(max_processes))
        _write(folders["cpu"] / "cpu.cfs_period_us", str(CPU_PERIOD_US))
        _write(folders["cpu"] / "cpu.cfs_quota_us", str(max(1000, int(cpus * CPU_PERIOD_US))))
    except OSError:
        group.remove()
        raise
    return group


def _create_v2(
    root: Path, name: str, memory_bytes: int, max_processes: int, cpus: float
) -> Cgroup | None:
    parent = root / PARENT
    parent.mkdir(exist_ok=True)
    wanted = {"memory", "pids", "cpu"}
    if not wanted <= set((root / "cgroup.controllers").read_text().split()):
        return None
    for folder in (root, parent):
        enabled = set((folder / "cgroup.subtree_control").read_text().split())
        missing = wanted - enabled
        if missing:
            _write(folder / "cgroup.subtree_control", " ".join(f"+{c}" for c in sorted(missing)))
    folder = parent / name
    folder.mkdir(exist_ok=True)
    group = Cgroup(str(folder), str(folder), str(folder), unified=True)
    try:
        _write(folder / "memory.max", str(memory_bytes))
        if (folder / "memory.swap.max").exists():
            _write(folder / "memory.swap.max", "0")
        _write(folder / "pids.max", str(max_processes))
        _write(folder / "cpu.max", f"{max(1000, int(cpus * CPU_PERIOD_US))} {CPU_PERIOD_US}")
    except OSError:
        group.remove()
        raise
    return group
