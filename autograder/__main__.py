"""The course's instructor commands.

    python -m autograder release [ASSIGNMENT ...]   regenerate the student notebooks
    python -m autograder grade SUBMISSIONS [--out DIR] [--assignment NAME] [--workers N]
                                                    grade a class (see autograder/grade.py)
"""
from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser("release", help="regenerate notebooks/week2 from the sources")
    release.add_argument("assignments", nargs="*", help="default: all")
    grade = commands.add_parser("grade", help="autograde a folder or zip of submissions")
    grade.add_argument("submissions", help="folder <student_id>/<assignment>/*.ipynb, or a zip of one")
    grade.add_argument("--out", default="grading", help="output folder (default: grading)")
    grade.add_argument("--assignment", default="assignment_digits")
    grade.add_argument("--workers", type=int, default=None, help="parallel graders (default: cores)")
    grade.add_argument("--timeout", type=int, default=60, help="seconds per cell (default: 60)")
    args = parser.parse_args(argv)
    if args.command == "grade":
        from autograder.grade import grade as grade_class

        result = grade_class(args.submissions, args.out, args.assignment, args.workers, args.timeout)
        print(f"graded {len(result['graded'])}, unchanged {len(result['skipped'])}; "
              f"grades in {args.out}/grades.csv, feedback in {args.out}/feedback/")
    if args.command == "release":
        from autograder.release import generate

        for path in generate(args.assignments):
            print(f"released {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
