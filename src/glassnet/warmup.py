"""Warming up the compiled engine: its machine code put in Numba's disk cache before it is needed.

Numba compiles each kernel of the compiled engine (``glassnet.compiled``: the per-example
loop and the vectorized pass, ``ENGINES``) on its first use with a dtype, some 6–8 s of CPU
time each, and caches the machine code on disk, from where a later process loads it in a
fraction of a second. A first run that compiled would cost more than it gains, so
``engine="auto"`` takes a compiled engine only when its kernel is ready (``ready``):
compiled or loaded in this process, or cached on disk. While it is not, the run trains
with NumPy's engine (the same training, to 1e-12: docs/speed.md) and a background process
compiles that kernel into the cache, for the next run (``start``). ``glassnet warmup``
compiles both in the foreground, ahead of time (``compile``); ``engine="compiled"`` still
compiles in its own process when it must.

Whether a kernel is cached is Numba's own answer, not a guess at file names. Numba has no
public call for it, so ``cached`` asks the kernel's dispatcher what its
``Cache.load_overload`` would ask, without loading anything: the key of the signature
(the types of the kernel's arguments, the engine's ``arguments``), the CPU's code
generator and the hash of the kernel's bytecode, looked up in the kernel's index file,
which Numba reads only when this version of Numba wrote it for this very source file.

The background warm-up is bounded and harmless: at most one per process, and one per
cache directory at a time (an exclusive lock on ``LOCK`` in the cache directory, held by
the compiling process and dropped by the system when it ends); detached (a session of
its own, no terminal input or output, low priority); reaped (a thread waits for it while
this process lives); silent when it fails; never started where no cache directory is
writable. It follows ``NUMBA_CACHE_DIR`` as Numba does. It does not start under tests or
CI (``PYTEST_CURRENT_TEST`` or ``CI`` set) unless ``GLASSNET_WARMUP=1`` asks for it, and
``GLASSNET_WARMUP=0`` turns it off everywhere.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

from . import compiled, optimizers
from .network import Network
from .validation import check_dtype

#: the lock file, in the cache directory, that the compiling process holds
LOCK = "glassnet-warmup.lock"
#: the dtypes the compiled engine trains in (the loop is compiled once for each)
DTYPES = ("float32", "float64")

#: the compiled engines ``engine="auto"`` may take (the per-example loop on small steps, the
#: vectorized pass on larger ones), whose kernels ``glassnet warmup`` compiles (each has a
#: ``kernel()`` and an ``arguments(...)`` for it)
ENGINES = (compiled.CompiledEngine, compiled.VectorizedEngine)

_signatures: dict = {}  # (engine, dtype) → its kernel's signature
_ready: set = set()  # (engine, dtype) this process found ready
_started: list = []  # the background warm-up this process started, if any


def ready(dtype, engine=compiled.CompiledEngine):
    """True when ``engine``'s kernel for ``dtype`` is compiled or loaded in this process,
    or cached on disk; else False, after starting the background warm-up (``start``)."""
    which = (engine, np.dtype(dtype))
    if which not in _ready and not cached(dtype, engine):
        start(dtype, engine)
        return False
    _ready.add(which)
    return True


def cached(dtype, engine=compiled.CompiledEngine):
    """True when ``engine``'s kernel for ``dtype`` is in this process or in Numba's disk
    cache."""
    kernel = engine.kernel()
    signature = _signature(engine, np.dtype(dtype))
    if signature in kernel.overloads:
        return True
    if cache_dir(engine) is None:
        return False
    cache = kernel._cache  # what Cache.load_overload looks up, without loading it
    key = cache._index_key(signature, kernel.targetctx.codegen())
    data = cache._cache_file._load_index().get(key)
    return data is not None and os.path.isfile(cache._cache_file._data_path(data))


def cache_dir(engine=compiled.CompiledEngine):
    """Where Numba caches ``engine``'s kernel (``NUMBA_CACHE_DIR``, ``__pycache__`` beside
    glassnet/compiled.py or Numba's user-wide directory), or None when none is writable."""
    from numba.core.caching import Cache

    cache = engine.kernel()._cache
    return Path(cache.cache_path) if isinstance(cache, Cache) else None


def compile(dtype, engine=compiled.CompiledEngine):
    """Compile ``engine``'s kernel for ``dtype`` in this process, into the disk cache where
    one is writable; returns whether it was needed (False: it was cached already)."""
    dtype = np.dtype(dtype)
    if cached(dtype, engine):
        return False
    engine.kernel().compile(_signature(engine, dtype))
    return True


def _signature(engine, dtype):
    """The types Numba compiles ``engine``'s kernel for: those of its arguments in
    ``dtype``, which depend on the dtype alone (not on the network or the data)."""
    if (engine, dtype) not in _signatures:
        net = Network([1, 1], seed=0, dtype=dtype)
        X = np.zeros((1, 1), dtype=dtype)
        arguments = engine(net, X, X, 1).arguments(np.arange(1), optimizers.get("sgd"), 0.1)
        kernel = engine.kernel()
        _signatures[engine, dtype] = tuple(kernel.typeof_pyval(a) for a in arguments)
    return _signatures[engine, dtype]


# ---------------------------------------------------------------------- in the background
def allowed():
    """Whether a background warm-up may start here (see the module's docstring)."""
    asked = os.environ.get("GLASSNET_WARMUP")
    if asked is not None:
        return asked == "1"
    return not (os.environ.get("CI") or os.environ.get("PYTEST_CURRENT_TEST"))


def start(dtype, engine=compiled.CompiledEngine):
    """Start the background process that compiles ``engine``'s kernel for ``dtype`` into
    the cache, unless one has started from this process, one holds the lock, there is no
    writable cache or it is not ``allowed``; returns whether it started."""
    where = cache_dir(engine)
    if _started or not allowed() or where is None or _busy(where):
        return False
    import numba

    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    if numba.config.CACHE_DIR:  # as this process's Numba reads it
        env["NUMBA_CACHE_DIR"] = numba.config.CACHE_DIR
    detached = ({"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)
                 | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
                if sys.platform == "win32" else {"start_new_session": True})
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "glassnet.warmup", np.dtype(dtype).name, engine.__name__],
            env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=True, **detached)
    except OSError:
        return False
    _started.append(process)
    threading.Thread(target=process.wait, daemon=True).start()  # no zombie left behind
    return True


def _busy(where):
    """True when a warm-up holds the lock in ``where`` now."""
    handle = _locked(where, wait=False)
    if handle is None:
        return True
    handle.close()
    return False


def _locked(where, wait):
    """The lock file of ``where``, opened and locked (waiting for it when ``wait``), or
    None when another process holds it (or it cannot be opened)."""
    try:
        handle = open(where / LOCK, "a+b")
    except OSError:
        return None
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        handle.close()
        return None
    return handle


def warm_up(dtypes, engines=ENGINES, wait=True):
    """Compile each engine's kernel for each of ``dtypes`` where it is not cached, holding
    the lock; returns {(engine name, dtype): seconds spent compiling, 0.0 when cached} or
    None when another process holds the lock (and ``wait`` is False) or no cache
    directory is writable."""
    where = cache_dir(engines[0])  # one directory: the kernels share compiled.py
    handle = None if where is None else _locked(where, wait)
    if handle is None:
        return None
    with handle:
        spent = {}
        for engine in engines:
            for dtype in dtypes:
                started = time.perf_counter()
                needed = compile(check_dtype(dtype), engine)
                spent[engine.__name__, np.dtype(dtype).name] = (
                    time.perf_counter() - started if needed else 0.0)
        return spent


def main(argv):
    """The background process: ``python -m glassnet.warmup DTYPE ENGINE`` (exit code 0
    when done or when another warm-up holds the lock, 1 when it failed)."""
    try:
        os.nice(10)
    except (AttributeError, OSError):  # no nice on Windows
        pass
    try:
        dtype, name = argv
        warm_up([dtype], (getattr(compiled, name),), wait=False)
    except Exception:  # the run that started it has trained already: fail silently
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
