"""The command line: ``glassnet <command> [options]``.

Each command lives in its own module of this package, which offers ``add_parser`` (its
options) and ``run`` (what it does). Conventions: ``--help`` on every command; a usage
error exits with code 2 and a one-line message; an expected error (a bad file, bad data)
prints ``glassnet: error: …`` and exits with code 1, without a traceback.
"""

import argparse
import importlib
import os
import sys

from ..errors import GlassnetError
from .options import UsageError

#: command name → module that implements it (imported only when that command runs)
COMMANDS = {
    "train": "glassnet.cli.train",
    "predict": "glassnet.cli.predict",
    "info": "glassnet.cli.info",
    "playground": "glassnet.cli.playground",
    "explain": "glassnet.cli.explain",
    "check": "glassnet.cli.check",
    "exercise": "glassnet.cli.exercise",
    "mark": "glassnet.cli.mark",
    "warmup": "glassnet.cli.warmup",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # argparse's own behaviour, minus the usage block: one line, exit code 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser():
    parser = _Parser(prog="glassnet", description="Neural networks you can see through.")
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in COMMANDS.values():
        importlib.import_module(module).add_parser(sub)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    if not argv:
        argv = ["--help"]
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except UsageError as exc:  # as argparse reports a usage error
        print(f"glassnet {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except GlassnetError as exc:
        print(f"glassnet: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader went away (``glassnet info m.npz | head -1``): stop quietly, and point
        # stdout at /dev/null so Python's flush at exit does not complain a second time
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports a program a pipe stopped
    except KeyboardInterrupt:
        print("glassnet: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
