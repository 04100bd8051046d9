"""``glassnet explain``: the worked solution of a problem file, step by step.

PROBLEM is a YAML or JSON problem file (see ``glassnet.explain.problems``) or the name of
an example shipped with glassnet (``glassnet explain --list``). The solution shows every
Z[l], A[l], the cost, dA[l], dZ[l], dW[l], db[l] and the update, with each small layer's
sums written out term by term; ``--format`` picks plain text, Markdown (with LaTeX), a
LaTeX document, one self-contained HTML page (the maths in MathML, offline) or JSON
(every value at full precision).
"""

import sys

from .. import io
from .options import output_path, require


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "explain", help="write the worked solution of a problem file (YAML or JSON)",
        description=("Write the worked solution of PROBLEM: the forward pass, the cost, the "
                     "backward pass and the update, in the notes' notation."))
    parser.add_argument("problem", nargs="?", metavar="PROBLEM",
                        help="a problem file, or the name of a shipped example (see --list)")
    parser.add_argument("--format", choices=("text", "markdown", "latex", "html", "json"),
                        default="text", help="how to write the solution (default: text)")
    parser.add_argument("--digits", type=int, default=3, metavar="N",
                        help="decimals shown (more for small numbers, to keep N significant "
                             "figures); default 3")
    parser.add_argument("--detail", choices=("auto", "full", "matrices"), default="auto",
                        help="write each entry's sum term by term: for small layers (auto), "
                             "always (full) or never (matrices)")
    parser.add_argument("--output", "-o", type=output_path, metavar="FILE",
                        help="write the solution to FILE instead of printing it")
    parser.add_argument("--list", action="store_true", help="list the shipped examples")
    parser.set_defaults(run=run)
    return parser


def run(args):
    from ..explain import examples, find, load_problem

    if args.list:
        print("\n".join(examples() + examples(answers=True)))
        return 0
    if args.problem is None:
        print("glassnet explain: error: give a PROBLEM file (or --list)", file=sys.stderr)
        return 2
    if args.format == "html":
        require("latex2mathml", "explain", "--format html")
    trace = load_problem(find(args.problem)).trace()
    if args.format == "json":
        text = trace.to_json()
    elif args.format == "html":
        from ..explain.html import markdown_to_html

        text = markdown_to_html(trace.to_markdown(digits=args.digits, detail=args.detail),
                                title=trace.title or "glassnet worked solution")
    else:
        write = {"text": trace.to_text, "markdown": trace.to_markdown, "latex": trace.to_latex}
        text = write[args.format](digits=args.digits, detail=args.detail)
    if args.output is None:
        print(text, end="")
    else:
        io.write_text(args.output, text)
        print(f"wrote the solution to {args.output}")
    return 0
