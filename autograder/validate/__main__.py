"""``python -m autograder.validate NOTEBOOK``: validate one notebook as nbgrader's Validate button
does, and print the answer its handler would send, as one line of JSON."""

from __future__ import annotations

import json
import os
import sys
import traceback


def validate(path: str) -> dict:
    from jupyter_core.paths import jupyter_config_path
    from nbgrader.apps import NbGrader
    from nbgrader.nbgraderformat import SchemaTooNewError, SchemaTooOldError
    from nbgrader.validator import Validator

    from autograder.validate.report import one_report

    app = NbGrader()
    app.config_file_paths.append([os.getcwd(), *jupyter_config_path()])
    app.load_config_file()
    try:
        return {"success": True, "value": one_report(Validator(config=app.config).validate(path))}
    except (SchemaTooOldError, SchemaTooNewError) as error:
        return {"success": False, "value": f"{type(error).__name__}: {error}"}
    except Exception:
        return {"success": False, "value": traceback.format_exc()}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m autograder.validate NOTEBOOK", file=sys.stderr)
        return 2
    answer = validate(os.path.abspath(argv[0]))
    sys.stdout.flush()
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
