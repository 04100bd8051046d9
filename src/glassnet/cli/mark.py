"""``glassnet mark``: a class's answers marked against each student's own variant.

DIR is the folder ``glassnet exercise`` wrote; ANSWERS_DIR holds ``<id>.yaml`` per
student. Writes the grades (CSV: id, score, out of, one column per quantity), each
student's feedback (feedback.md and .html in their variant folder) and prints how many
got each quantity right. A student whose answers cannot be read is reported and scores 0;
the others are marked all the same.
"""

import csv
import io
import sys
from pathlib import Path


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "mark", help="mark a class's answers against their variants",
        description="Mark every student's answers in ANSWERS_DIR against their variant in DIR.")
    parser.add_argument("folder", type=Path, metavar="DIR",
                        help="the folder of variants glassnet exercise wrote")
    parser.add_argument("--answers", type=Path, required=True, metavar="ANSWERS_DIR",
                        help="the folder of answers files, <id>.yaml per student")
    parser.add_argument("--csv", type=Path, metavar="FILE",
                        help="write the grades to FILE (default: print them)")
    parser.set_defaults(run=run)
    return parser


def run(args):
    from ..errors import ConfigError
    from ..explain.marking import mark_class, statistics, strangers
    from ..io import write_text

    for folder in (args.folder, args.answers):
        if not folder.is_dir():
            raise ConfigError(f"{folder} is not a folder")
    students = mark_class(args.folder, args.answers)
    if not students:
        raise ConfigError(f"{args.folder} holds no variants (folders with a problem.yaml)")
    grades = grades_csv(students)
    if args.csv:
        write_text(args.csv, grades)
    else:
        print(grades, end="")
    for name in strangers(args.folder, args.answers):
        print(f"{name}: no variant of that id in {args.folder}; not marked", file=sys.stderr)
    for s in students:
        for problem in s.problems:
            print(f"{s.id}: {problem}", file=sys.stderr)
    print("Right, per quantity:")
    for label, (right, n) in statistics(students).items():
        print(f"  {label}: {right} of {n}")
    return 0


def grades_csv(students):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    labels = list(dict.fromkeys(label for s in students for label in s.marks))
    writer.writerow(["id", "score", "out of", *labels])
    for s in students:
        writer.writerow([s.id, f"{s.score:g}", f"{s.out_of:g}",
                         *(f"{s.marks.get(k, 0):g}" for k in labels)])
    return out.getvalue()
