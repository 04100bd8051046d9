"""``glassnet playground``: the web playground, served on this machine."""

import sys


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "playground", help="train a network in the browser and watch it learn",
        description="Serve the glassnet playground (a local web app like TensorFlow "
                    "Playground, trained by glassnet in Python) and print its address. "
                    "Needs the playground extra: pip install 'glassnet[playground]'.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=_port, default=8000,
                        help="port to listen on (default 8000; 0 picks a free one)")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="a further name the browser may reach this server by (for a "
                             "wider --host; repeat for several). Addresses and this "
                             "machine's own names are always allowed; any other name is "
                             "refused, which stops DNS-rebinding pages")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    parser.set_defaults(run=run)
    return parser


def _port(text):
    import argparse

    # ASCII digits only: str.isdigit() also takes "٨٠" (Arabic-Indic), which int() reads as 80
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"a port is a whole number from 0 to 65535, got {text!r}")
    return int(text)


def run(args):
    try:
        from ..playground.server import exposure, serve
    except ImportError as exc:
        from ..errors import ConfigError

        raise ConfigError(f"the playground needs its extra ({exc.name} is missing): "
                          "pip install 'glassnet[playground]'") from None
    exposed = exposure(args.host)
    if exposed:
        print(f"glassnet: warning: listening on {exposed}: anyone who can reach this "
              "machine can use the playground (there is no login)", file=sys.stderr)

    def ready(url):
        local = url.replace("[::]", "127.0.0.1").replace("0.0.0.0", "127.0.0.1")
        print(f"glassnet playground at {local}  (Ctrl-C stops it)", flush=True)
        if args.open:
            import webbrowser

            webbrowser.open(local)

    try:
        serve(args.host, args.port, ready=ready, allowed_hosts=args.allow_host)
    except OSError as exc:
        from ..errors import ConfigError

        raise ConfigError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
                          " (try another --port)") from None
    return 0
