"""``glassnet check``: a student's hand calculation judged value by value.

ANSWERS maps the notes' names (Z[1], A[1][2,3], cost, dW[1], b[2] after step 1, …) to the
values the student wrote. Each value is judged at the precision it is written with; a
wrong value is shown with the right one, where it is computed and how, and whether it is
right given the student's own earlier mistake (error carried forward).

The exit code is 0 when every value is right, 1 when any is not (wrong, given with fewer
digits than asked, or carried forward) and 2 when the input is invalid (an answers or
problem file that cannot be read or is not valid), with one line naming the culprit.
"""

import json
import sys

from ..errors import GlassnetError

ALL_RIGHT, SOME_WRONG, INVALID = 0, 1, 2


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "check", help="check a hand calculation against a problem file",
        description=("Judge the values in ANSWERS (YAML or JSON, by the notes' names) against "
                     "the worked solution of PROBLEM. Exit code 0: all right; 1: any not right; "
                     "2: invalid input."))
    parser.add_argument("problem", metavar="PROBLEM",
                        help="a problem file, or the name of a shipped example")
    parser.add_argument("answers", metavar="ANSWERS",
                        help="an answers file, or the name of a shipped answers example")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="the report as text (default) or JSON")
    parser.set_defaults(run=run)
    return parser


def run(args):
    from ..explain import check, find

    try:
        result = check(find(args.problem), find(args.answers))
    except GlassnetError as exc:
        print(f"glassnet: error: {exc}", file=sys.stderr)
        return INVALID
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=1, ensure_ascii=False))
    else:
        print(result.report(), end="")
    return ALL_RIGHT if result.ok else SOME_WRONG
