"""``glassnet exercise``: one variant of a problem for every student, with its papers.

Each variant folder holds problem.yaml, worksheet.md/.html, answers.yaml (blank),
solution.md/.html and key.yaml (see ``glassnet.explain.worksheet``); the numbers are drawn
from (--seed, id) alone, so the same command writes the same papers again.
"""

from pathlib import Path


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "exercise", help="write a variant of a problem for every student",
        description=("Write, for each variant of PROBLEM, a folder with its problem file, "
                     "worksheet, blank answer sheet, worked solution and answer key."))
    parser.add_argument("problem", metavar="PROBLEM",
                        help="a problem file, or the name of a shipped example")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--variants", type=int, metavar="N", help="N variants, v01 … vN")
    who.add_argument("--ids", type=Path, metavar="FILE",
                     help="one variant per student id, one id a line")
    parser.add_argument("--seed", type=int, default=0, metavar="S",
                        help="the seed the numbers are drawn from (default 0)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="the folder to write the variants in")
    parser.set_defaults(run=run)
    return parser


def run(args):
    from ..explain import find
    from ..explain.worksheet import numbered_ids, read_ids, write_class

    ids = read_ids(args.ids) if args.ids else numbered_ids(args.variants)
    write_class(find(args.problem), args.out, args.seed, ids)
    print(f"wrote {len(ids)} variants to {args.out}")
    return 0
