"""nbgrader's Execute step, made robust: a dying or stuck kernel costs only its unrun cells.

Plain nbgrader drops the whole submission when the kernel dies (``os._exit``, a segfault, the
memory limit), and a kernel that ignores the interrupt sent at a cell's timeout makes every later
cell wait a full timeout as well.  :class:`RobustExecute` records an error in the cell that killed
(or hung) the kernel and in every later code cell, so the cells that did run keep their scores
and the feedback says what happened.  With a sandbox (``$COURSE_SANDBOX``, see
:mod:`autograder.sandbox`) it also prepares and seals the kernel's socket folder, and kills every
process of a kernel that does not answer its interrupt within the grace period.
"""

from __future__ import annotations

import json
import os
import time
from queue import Empty

import zmq
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer

from autograder.remote.host import MIME, agent_code
from autograder.remote.trusted import TrustedChecks
from autograder.sandbox import ENV_VAR, Sandbox


class UnresponsiveKernel(DeadKernelError):
    """The kernel did not stop when interrupted after a cell's timeout, and was killed."""


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(
        output_type="error",
        ename=ename,
        evalue=evalue,
        traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"],
    )


NO_ANSWER = json.dumps(
    {"raised": {"type": "RuntimeError", "message": "the notebook's kernel gave no answer"}}
)


def _sandbox() -> Sandbox | None:
    path = os.environ.get(ENV_VAR)
    return Sandbox.load(path) if path else None


class RobustExecute(Execute):
    """Execute each cell; after the kernel dies, mark the rest as not run instead of failing.

    A cell that times out (``Execute.timeout``) gets an error output and the kernel is
    interrupted; the notebook goes on with the next cell.  A kernel still busy
    ``interrupt_grace_seconds`` after the interrupt is killed, and the rest is not run.
    """

    raise_on_iopub_timeout = False
    max_output_bytes = Integer(
        32 * 2**20,
        help="outputs kept from one notebook's run; later ones are dropped (errors are "
        "always kept: they decide scores)",
    ).tag(config=True)
    max_message_bytes = Integer(
        64 * 2**20, help="the largest message accepted from the kernel"
    ).tag(config=True)

    checks_outside = Bool(
        True,
        help="run test cells in a separate checker process (autograder.remote), from the "
        "source notebook; off only for tests of execution itself",
    ).tag(config=True)

    warm_checker = Bool(
        True,
        help="fork each notebook's checker from a warm start that has imported the setup "
        "cells' modules once per grading process (autograder.remote.trusted)",
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._died_in = None
        self._why = ""
        self._box = _sandbox()
        self._kept_bytes = 0
        self._dropped = set()
        self._checks = None
        if self.checks_outside:
            self._checks = TrustedChecks.start(
                self.config, resources, self._box, self.timeout, warm=self.warm_checker
            )
        try:
            return super().preprocess(nb, resources, km)
        except DeadKernelError:  # raised while shutting the dead kernel down
            return nb, resources
        finally:
            if self._checks is not None:
                self._checks.close()

    async def async_start_new_kernel(self, **kwargs):
        if self._box is not None:
            self._box.prepare_kernel()
        # A kernel's message is data, not a reason to exhaust the grader's memory.
        self.km.context.setsockopt(zmq.MAXMSGSIZE, self.max_message_bytes)
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        if self._box is not None:
            self._box.seal()  # the sockets exist: no more files on the host's disk
        return kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    async def _async_handle_timeout(self, timeout, cell=None):
        reply = await super()._async_handle_timeout(timeout, cell)  # interrupts the kernel
        grace = self._box.limits.interrupt_grace_seconds if self._box is not None else 10
        try:
            await ensure_async(self.kc.shell_channel.get_msg(timeout=grace))
        except Empty:
            self._why = (
                f"this cell ran longer than {timeout} s and did not stop when interrupted; "
                "the kernel was stopped and later cells were not run"
            )
            if self._box is not None:
                self._box.kill()
            await ensure_async(self.km.shutdown_kernel(now=True))
            raise UnresponsiveKernel(self._why) from None
        return reply

    def output(self, outs, msg, display_id, cell_index):
        """Keep the kernel's outputs until the budget is spent, then note the rest was dropped."""
        if msg["msg_type"] == "error":
            return super().output(outs, msg, display_id, cell_index)
        size = len(json.dumps(msg.get("content", {}), default=str))
        if self._kept_bytes + size > self.max_output_bytes:
            if cell_index not in self._dropped:
                self._dropped.add(cell_index)
                outs.append(
                    NotebookNode(
                        output_type="stream",
                        name="stdout",
                        text=(
                            f"[more output was dropped: this notebook's outputs passed "
                            f"{self.max_output_bytes // 2**20} MB]\n"
                        ),
                    )
                )
            return None
        self._kept_bytes += size
        return super().output(outs, msg, display_id, cell_index)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._died_in is not None:
            cell.outputs = [
                _error("KernelDied", f"not run: the kernel died in cell {self._died_in}")
            ]
            return cell, resources
        if self._checks is not None and self._checks.owns(cell):
            cell.outputs = self._checks.run(cell, lambda request: self._ask(request, index))
            cell.execution_count = None
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except CellTimeoutError:
            cell.outputs.append(
                _error(
                    "CellTimeoutError",
                    f"this cell ran longer than {self.timeout} s "
                    "(an endless loop?) and was stopped",
                )
            )
            return cell, resources
        except DeadKernelError:
            self._died_in = index
            cell.outputs.append(_error("KernelDied", self._death_note()))
            return cell, resources

    def _death_note(self) -> str:
        if self._why:
            return self._why
        killed = self._box.killed_reason if self._box is not None else ""
        if killed:
            return f"{killed}; later cells were not run"
        return (
            "the kernel died while running this cell (the process exited or crashed, or it ran "
            "out of memory); later cells were not run"
        )

    def _ask(self, request: dict, index: int) -> dict:
        """Answer the checker's request in the student's kernel: its reply, as text."""
        if self._died_in is not None:
            return {"dead": f"the kernel died in cell {self._died_in}"}
        answer = run_sync(self._async_ask)(request)
        if "dead" in answer:
            self._died_in = index
        return answer

    async def _async_ask(self, request: dict) -> dict:
        msg_id = self.kc.execute(agent_code(request), store_history=False, allow_stdin=False)
        deadline = time.monotonic() + self.timeout
        reply, interrupted = None, False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                if interrupted:  # still busy after the interrupt: stop the kernel
                    self._why = (
                        f"a call from the checks ran longer than {self.timeout} s and did not "
                        "stop when interrupted; the kernel was stopped"
                    )
                    if self._box is not None:
                        self._box.kill()
                    await ensure_async(self.km.shutdown_kernel(now=True))
                    return {"dead": self._why}
                await ensure_async(self.km.interrupt_kernel())
                interrupted = True
                grace = self._box.limits.interrupt_grace_seconds if self._box else 10
                deadline = time.monotonic() + grace
                continue
            try:
                msg = await ensure_async(self.kc.get_iopub_msg(timeout=min(left, 1.0)))
            except Empty:
                if not await ensure_async(self.km.is_alive()):
                    return {"dead": self._death_note()}
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            content = msg.get("content", {})
            if msg["msg_type"] == "display_data" and reply is None:
                data = content.get("data", {}).get(MIME)
                reply = data if isinstance(data, str) else None
            elif msg["msg_type"] == "status" and content.get("execution_state") == "idle":
                break
        try:  # the matching execute_reply (the kernel is idle: it is there or never comes)
            await ensure_async(self.kc.shell_channel.get_msg(timeout=1))
        except Empty:
            pass
        if interrupted:
            return {"timeout": self.timeout}
        return {"reply": reply if reply is not None else NO_ANSWER}
