"""TensorFlow's start-up chatter stays out of test logs, scripts and notebook outputs."""

import os
import subprocess
import sys

import nbformat
from nbclient import NotebookClient

from utils import quiet_tf


def clean_env():
    return {k: v for k, v in os.environ.items() if k not in quiet_tf.ENVIRONMENT}


def test_plain_import_prints_nothing_on_stderr(tmp_path):
    for code in (
        "import tensorflow as tf; tf.constant(1.0) + 1",
        "import keras; keras.layers.Dense(2)",
    ):
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            env=clean_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == "", result.stderr


def test_without_the_hook_tensorflow_is_noisy(tmp_path):
    """The test above can fail: with the .pth hook bypassed (-S skips site), chatter appears."""
    site_dirs = [p for p in sys.path if p.endswith("site-packages")]
    code = f"import sys; sys.path[:0] = {site_dirs!r}; import tensorflow"
    result = subprocess.run(
        [sys.executable, "-S", "-c", code],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert quiet_tf.CHATTER.search(result.stderr), result.stderr


def test_other_stderr_text_is_kept():
    text = (
        "I0000 port.cc:153] oneDNN custom operations are on.\n"
        "Traceback: something real broke\n"
        "I0000 cudart_stub.cc:31] Could not find cuda drivers on your machine\n"
    )
    assert quiet_tf._without_chatter(text) == "Traceback: something real broke\n"


def test_notebook_cell_importing_tensorflow_has_no_stderr_output(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import tensorflow as tf\nprint(tf.__version__)")]
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    outputs = nb.cells[0].outputs
    assert [o.get("name") for o in outputs] == ["stdout"], outputs
    assert outputs[0]["text"].strip() == "2.21.0"
