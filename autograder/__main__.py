"""The course's instructor commands.

    python -m autograder release [ASSIGNMENT ...]   regenerate the student notebooks
"""
from __future__ import annotations

import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    release = commands.add_parser("release", help="regenerate notebooks/week2 from the sources")
    release.add_argument("assignments", nargs="*", help="default: all")
    args = parser.parse_args(argv)
    if args.command == "release":
        from autograder.release import generate

        for path in generate(args.assignments):
            print(f"released {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
