"""``glassnet warmup``: compile the compiled engine's kernels into Numba's disk cache now.

``engine="auto"`` takes the compiled engine only once its machine code is cached, and
until then trains with NumPy's engine while a background process compiles it
(``glassnet.warmup``). This command compiles both kernels ``auto`` may take (the
per-example loop and the vectorized pass) in the foreground, ahead of time:
after an install, in a Docker image, before a class. ``--check`` only says what is cached.
"""

from .. import compiled, warmup
from ..errors import ConfigError


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "warmup", help="compile the compiled engine (Numba) into its disk cache ahead of time",
        description="Compile the compiled engine's kernels (the `fast` extra, Numba: the "
                    "per-example loop and the vectorized pass) for each dtype into Numba's "
                    "disk cache, so that no later run compiles them; each takes some "
                    "seconds of CPU time once.")
    parser.add_argument("--dtype", choices=[*warmup.DTYPES, "all"], default="all",
                        help="the dtype to compile for (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="only say for each kernel and dtype whether it is cached (exit "
                        "code 1 when one is not)")
    parser.set_defaults(run=run)
    return parser


def run(args):
    if not compiled.available():
        raise ConfigError(compiled.MISSING)
    dtypes = warmup.DTYPES if args.dtype == "all" else (args.dtype,)
    where = warmup.cache_dir()
    print(f"cache     {where if where is not None else 'none writable: nothing is kept'}")
    if args.check:
        found = {(engine.__name__, dtype): warmup.cached(dtype, engine)
                 for engine in warmup.ENGINES for dtype in dtypes}
        for (name, dtype), cached in found.items():
            print(f"{dtype:10}{name}: {'cached' if cached else 'not cached'}")
        return 0 if all(found.values()) else 1
    spent = warmup.warm_up(dtypes)
    if spent is None:
        raise ConfigError("no cache directory is writable (set NUMBA_CACHE_DIR to one)")
    for (name, dtype), seconds in spent.items():
        print(f"{dtype:10}{name}: "
              + (f"compiled in {seconds:.1f} s" if seconds else "cached already"))
    return 0
