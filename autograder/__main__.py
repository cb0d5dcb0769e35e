"""The course's instructor commands.

    python -m autograder release [ASSIGNMENT ...]   regenerate the student notebooks
    python -m autograder grade SUBMISSIONS [--out DIR] [--assignment NAME] [--workers N] ...
                                                    grade a class (see autograder/grade.py)
    python -m autograder grade SUBMISSIONS --scheduler tcp://HOST:8786 ...
                                                    the same, on the workers of a Dask cluster

``grade`` exits with status 0 when every submission was graded, 1 when some could not be (they
are listed, and get a zero with the reason in their feedback), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv=None) -> int:
    from autograder.course import SOURCE
    from autograder.grade import TIMEOUT
    from autograder.sandbox import Limits

    defaults = Limits()
    parser = argparse.ArgumentParser(
        prog="python -m autograder", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser("release", help="regenerate notebooks/week2 from the sources")
    release.add_argument("assignments", nargs="*", help="default: all")
    grade = commands.add_parser("grade", help="autograde a folder or zip of submissions")
    grade.add_argument("submissions", help="folder <student>/<assignment>/*.ipynb, or a zip of one")
    grade.add_argument("--out", default="grading", help="output folder (default: grading)")
    grade.add_argument("--assignment", default="assignment_digits")
    grade.add_argument(
        "--source",
        default=str(SOURCE),
        help="folder of the nbgrader source assignments (default: autograder/source)",
    )
    grade.add_argument(
        "--workers", type=int, default=None, help="parallel graders (default: cores)"
    )
    grade.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:8786",
        help="grade on the workers of this Dask scheduler (default: local processes)",
    )
    grade.add_argument(
        "--timeout", type=int, default=TIMEOUT, help=f"seconds per cell (default: {TIMEOUT})"
    )
    grade.add_argument(
        "--submission-timeout",
        type=int,
        default=defaults.submission_seconds,
        help="seconds for a whole submission (default: %(default)s)",
    )
    grade.add_argument(
        "--memory",
        type=float,
        default=defaults.memory_bytes / 2**30,
        help="GiB of memory for all processes of one submission (default: %(default)g)",
    )
    args = parser.parse_args(argv)
    if args.command == "grade":
        from autograder.grade import grade as grade_class

        limits = Limits(
            submission_seconds=args.submission_timeout, memory_bytes=int(args.memory * 2**30)
        )
        result = grade_class(
            args.submissions,
            args.out,
            args.assignment,
            args.workers,
            args.timeout,
            source=Path(args.source),
            limits=limits,
            scheduler=args.scheduler,
        )
        print(
            f"graded {len(result['graded'])}, unchanged {len(result['skipped'])}, "
            f"could not be graded {len(result['failed'])}; grades in {args.out}/grades.csv, "
            f"feedback in {args.out}/feedback/"
        )
        return 1 if result["failed"] else 0
    if args.command == "release":
        from autograder.release import generate, write_course_maps, write_lesson_cards

        for path in write_lesson_cards() + generate(args.assignments) + write_course_maps():
            print(f"released {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
