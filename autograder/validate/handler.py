"""The request handler: nbgrader's Validate request, answered from a child process."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.routing import PathMatches, Rule

ROUTE = r"/assignments/validate"
TIMEOUT = 600  # seconds: nbgrader's own cell timeout applies inside; this bounds the whole run


class BackgroundValidateHandler(JupyterHandler):
    """``POST /assignments/validate`` (``path`` relative to the lab's root), as nbgrader's
    handler answers it: ``{"success": true, "value": <the validator's result>}``, or
    ``{"success": false, "value": <why>}``."""

    @web.authenticated
    async def post(self):
        try:
            path = self.get_argument("path")
        except web.MissingArgumentError:
            path = (self.get_json_body() or {}).get("path", "")
        root = Path(self.settings["root_dir"]).resolve()
        target = (root / path).resolve()
        if not target.is_relative_to(root) or target.suffix != ".ipynb":
            raise web.HTTPError(403, "Access denied: not a notebook inside the lab's folder")
        self.finish(json.dumps(await validate_in_child(target)))


async def validate_in_child(notebook: Path, *, timeout: float = TIMEOUT) -> dict:
    """Run ``python -m autograder.validate notebook`` and return its JSON answer."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "autograder.validate",
        str(notebook),
        cwd=str(notebook.parent),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(child.communicate(), timeout)
    except TimeoutError:
        child.kill()
        await child.wait()
        return {"success": False, "value": f"Validation took longer than {timeout:g} s."}
    try:
        return json.loads(out.decode("utf-8").strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = err.decode("utf-8", "replace")[-2000:]
        return {"success": False, "value": f"Validation stopped (exit {child.returncode}).\n{tail}"}


def install(web_app) -> None:
    """Answer the Validate route before nbgrader's handler does (first rule wins)."""
    pattern = url_path_join(web_app.settings["base_url"], ROUTE)
    web_app.default_router.rules.insert(0, Rule(PathMatches(pattern), BackgroundValidateHandler))
