"""Keep TensorFlow's start-up chatter out of notebooks, nbgrader and test logs.

Importing TensorFlow 2.21 on a machine without a GPU prints C++ log lines
("oneDNN custom operations are on", "Could not find cuda drivers",
"This TensorFlow binary is optimized ...") straight to file descriptor 2.
``TF_CPP_MIN_LOG_LEVEL`` does not stop them, because they are written before
TensorFlow reads it.  In a notebook they show up as red stderr output, and
nbgrader gives zero points to a test cell that writes anything to stderr.

:func:`install` adds an import hook: the first ``import tensorflow`` (directly
or through ``import keras``) runs with file descriptor 2 sent to a temporary
file; known chatter is dropped and anything else is written back to stderr,
so real errors are never hidden.  ``make`` installs a ``.pth`` file into the
course's virtual environment that calls :func:`install` at start-up; run
``python -c "import utils.quiet_tf as q; q.write_pth()"`` to do the same in
another environment (conda, Binder).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import re
import site
import sys
import tempfile
from pathlib import Path

CHATTER = re.compile(
    r"All log messages before absl::InitializeLog|oneDNN custom operations are on"
    r"|Could not find cuda drivers|TensorFlow binary is optimized|To enable the following"
    r"|rebuild TensorFlow with the appropriate compiler flags|Unable to register cu(DNN|FFT|BLAS)"
    r"|computation placer already registered|TF-TRT Warning|failed call to cuInit"
)
ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}


def _without_chatter(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not CHATTER.search(line))


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        sys.stderr.flush()
        saved = os.dup(2)
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                self.loader.exec_module(module)
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                sink.seek(0)
                rest = _without_chatter(sink.read().decode("utf-8", "replace"))
                if rest:
                    sys.stderr.write(rest)


class _QuietFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "tensorflow":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def install() -> None:
    """Set TensorFlow's quiet environment and hook the first ``import tensorflow``."""
    for key, value in ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    if "tensorflow" not in sys.modules and not any(
        isinstance(f, _QuietFinder) for f in sys.meta_path
    ):
        sys.meta_path.insert(0, _QuietFinder())


PTH_NAME = "course_quiet_tf.pth"


def write_pth(site_packages: str | None = None) -> Path:
    """Write the ``.pth`` start-up hook into ``site_packages`` (default: this environment's)."""
    target = Path(site_packages or site.getsitepackages()[0]) / PTH_NAME
    target.write_text("import utils.quiet_tf as q; q.install()\n")
    return target
