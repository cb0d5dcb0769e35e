"""nbgrader's Execute step, made robust: a dying kernel costs only the cells it did not run.

Plain nbgrader drops the whole submission when the kernel dies (``os._exit``, a
segfault, the memory limit).  :class:`RobustExecute` records an error in the
cell that killed the kernel and in every later code cell, so the cells that did
run keep their scores and the feedback says what happened.
"""
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


class RobustExecute(Execute):
    """Execute each cell; after the kernel dies, mark the rest as not run instead of failing.

    A cell that times out (``Execute.timeout``) gets an error output and the kernel
    is interrupted; the notebook goes on with the next cell.
    """

    raise_on_iopub_timeout = False

    def preprocess(self, nb, resources=None, km=None):
        self._died_in = None
        try:
            return super().preprocess(nb, resources, km)
        except DeadKernelError:          # raised while shutting the dead kernel down
            return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._died_in is not None:
            cell.outputs = [_error("KernelDied", f"not run: the kernel died in cell {self._died_in}")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except CellTimeoutError:
            cell.outputs.append(_error("CellTimeoutError", f"this cell ran longer than {self.timeout} s "
                                                           "(an endless loop?) and was stopped"))
            return cell, resources
        except DeadKernelError:
            self._died_in = index
            cell.outputs.append(_error(
                "KernelDied", "the kernel died while running this cell (the process exited or "
                              "crashed, or it ran out of memory); later cells were not run"))
            return cell, resources
