"""Fixtures for the end-to-end browser tests: one JupyterLab server and one chromium per worker.

The lab is started the way ``make lab`` starts it (the project's ``jupyter lab``, bound to
127.0.0.1, ``--allow-root`` when root, opening ``notebooks/START_HERE.ipynb``), but:

* on a free port, with a known token and ``--no-browser``;
* against a temporary copy of ``notebooks/`` (the server's root and working directory), so the
  tests never touch the committed notebooks; solved copies of the student notebooks are written
  next to the released ones as ``<name>-solved.ipynb``;
* with the course's lab settings (``jupyter/overrides.json``: no news pop-up;
  ``jupyter/page_config.json``: no instructor-only nbgrader plugins) supplied from the
  repository, so the tests do not depend on the venv having been set up by ``make``, and with the
  user's own Jupyter config, settings, workspaces and runtime files kept out (temporary dirs);
* with ``--LabApp.expose_app_in_browser=True`` so the tests can read the notebook model
  (``window.jupyterapp``) to know when a run is finished.  The tests still drive the page as a
  student does: menus, toolbar buttons, the keyboard and the mouse.

Each xdist worker that runs browser tests gets its own server and browser (own port, own temp
dir), so the tests are xdist-safe under any ``--dist`` mode.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
START_PAGE = "notebooks/START_HERE.ipynb"
WEEK2 = "notebooks/week2"
# Every student notebook of week 2 (the lessons and the assignment), as in the repository.
STUDENT_NOTEBOOKS = sorted(p.stem for p in (ROOT / WEEK2).glob("*.ipynb"))
# language -> its notebooks (notebooks/<lang>/week2/, written by `make release`)
TRANSLATED = {
    folder.parent.name: sorted(p.stem for p in folder.glob("*.ipynb"))
    for folder in sorted((ROOT / "notebooks").glob("*/week2"))
    if folder.parent.name != "week2"
}
SERVER_START_TIMEOUT = 180  # seconds; two busy cores can make the first start slow


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab server."""

    base_url: str
    token: str
    root: Path
    runtime_dir: Path
    log_path: Path
    process: subprocess.Popen
    _workspaces: int = field(default=0)

    @staticmethod
    def solved_path(name: str, lang: str = "en") -> str:
        """Server-relative path of the solved copy of a student notebook (in ``lang``)."""
        folder = WEEK2 if lang == "en" else WEEK2.replace("notebooks/", f"notebooks/{lang}/")
        return f"{folder}/{name}-solved.ipynb"

    @staticmethod
    def released_path(name: str) -> str:
        """Server-relative path of the copy of the released (blank) student notebook."""
        return f"{WEEK2}/{name}.ipynb"

    def url(self, path: str = "lab", **query) -> str:
        query = {**query, "token": self.token}
        return f"{self.base_url}/{path}?" + "&".join(
            f"{k}={v}" if v is not None else k for k, v in query.items()
        )

    def notebook_url(self, notebook_path: str) -> str:
        """The notebook in a fresh, empty workspace (nothing else opens, no tab is restored)."""
        self._workspaces += 1
        return self.url(f"lab/workspaces/test{self._workspaces}/tree/{notebook_path}", reset=None)

    def api(self, method: str, path: str, timeout: float = 30):
        request = urllib.request.Request(
            f"{self.base_url}/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self):
        """End every session (and its kernel) so notebooks never pile up TensorFlow kernels."""
        for session in self.api("GET", "api/sessions"):
            try:
                self.api("DELETE", f"api/sessions/{session['id']}", timeout=60)
            except urllib.error.HTTPError:
                pass

    def log(self, tail: int = 60) -> str:
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-tail:])


def _check_chromium():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"chromium was not found at {CHROMIUM}: the browser tests need Debian's chromium "
            "(`.ci/run` installs it; by hand: apt-get install -y chromium). "
            "Set COURSE_CHROMIUM=/path/to/chromium to use another build.",
            pytrace=False,
        )


def _lab_settings(tmp: Path) -> tuple[Path, Path]:
    """The settings ``make`` installs into the venv, from the repository (one source of truth).

    Returns (extra config dir holding labconfig/page_config.json, the server's and nbgrader's
    settings, app settings dir holding overrides.json).  Anything already in the venv's app
    settings dir is kept.
    """
    config = tmp / "etc-jupyter"
    (config / "labconfig").mkdir(parents=True)
    shutil.copy(ROOT / "jupyter" / "page_config.json", config / "labconfig" / "page_config.json")
    for name in ("jupyter_server_config.json", "nbgrader_config.py"):
        shutil.copy(ROOT / "jupyter" / name, config / name)
    app_settings = tmp / "lab-settings"
    venv_settings = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings"
    if venv_settings.is_dir():
        shutil.copytree(venv_settings, app_settings)
    app_settings.mkdir(exist_ok=True)
    shutil.copy(ROOT / "jupyter" / "overrides.json", app_settings / "overrides.json")
    return config, app_settings


def _prepare_root(root: Path):
    """A copy of notebooks/ plus solved copies of every student notebook."""
    from autograder.catalogue import solved

    shutil.copytree(
        ROOT / "notebooks",
        root / "notebooks",
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*-solved.ipynb"),
    )
    for name in STUDENT_NOTEBOOKS:
        nb = solved(name)
        leftover = [
            c.metadata["nbgrader"]["grade_id"]
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")
            and "raise NotImplementedError()" in c.source
        ]
        assert not leftover, f"autograder.catalogue.solved({name!r}) left stubs in {leftover}"
        nbformat.write(nb, str(root / Lab.solved_path(name)))
    for lang, names in TRANSLATED.items():
        for name in names:
            nbformat.write(solved(name, lang=lang), str(root / Lab.solved_path(name, lang)))


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """A JupyterLab server on a free port, started as ``make lab`` does, in a temp copy."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    root.mkdir()
    _prepare_root(root)
    config, app_settings = _lab_settings(tmp)
    dirs = {name: tmp / name for name in ("user-config", "user-settings", "workspaces", "runtime")}
    for d in dirs.values():
        d.mkdir()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(dirs["user-config"]),
        JUPYTER_CONFIG_PATH=str(config),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["user-settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    for name in ("NBGRADER_EXECUTION", "COURSE_STATIC_FIGURES"):  # the widgets must be live
        env.pop(name, None)
    jupyter = VENV_BIN / "jupyter"
    if not jupyter.exists():
        pytest.fail(
            f"{jupyter} is missing: run the tests with the course environment's python "
            "(`make test`, or .venv/bin/python -m pytest)",
            pytrace=False,
        )
    port, token = free_port(), secrets.token_hex(24)
    command = [
        str(jupyter),
        "lab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--no-browser",
        f"--LabApp.app_settings_dir={app_settings}",
        "--LabApp.expose_app_in_browser=True",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    command.append(START_PAGE)
    log_path = tmp / "lab.log"
    with open(log_path, "wb") as log:
        # The working directory is the root, as `make lab` runs from the repository's root.
        process = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Lab(f"http://127.0.0.1:{port}", token, root, dirs["runtime"], log_path, process)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"jupyter lab exited with code {process.returncode}:\n{server.log()}",
                    pytrace=False,
                )
            try:
                server.api("GET", "api/status", timeout=5)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"jupyter lab did not answer within {SERVER_START_TIMEOUT} s:\n"
                        f"{server.log()}",
                        pytrace=False,
                    )
                time.sleep(0.5)
        yield server
    finally:
        _stop(server)


def _stop(server: Lab):
    """Ask the server to shut down (it ends its kernels); force it, and its kernels, if it hangs."""
    process = server.process
    if process.poll() is not None:
        return
    try:
        server.api("POST", "api/shutdown", timeout=30)
        process.wait(timeout=60)
        return
    except (
        urllib.error.URLError,
        ConnectionError,
        TimeoutError,
        OSError,
        subprocess.TimeoutExpired,
    ):
        pass
    # The server and the kernels it started share the process group created for it at start.
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 30)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (Playwright's own browser download fails here)."""
    _check_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - the pinned environment has it
        pytest.fail(
            f"Playwright is not installed ({error}); run `make test` to set up .venv", pytrace=False
        )
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def browser_context(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(60_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context, lab):
    """A fresh tab; afterwards it is closed and every kernel the test started is shut down."""
    tab = browser_context.new_page()
    messages = []
    tab.on("pageerror", lambda error: messages.append(str(error)))
    tab.js_errors = messages
    yield tab
    tab.close()
    lab.shut_down_kernels()


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
