"""The benchmark's other measures: the notes' per-example loop against the vectorized pass,
the peak memory of a training run, the time ``import glassnet`` takes, and the first
``glassnet train`` on an empty Numba cache.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np

import glassnet
from glassnet import reference
from glassnet.training import train

from .workloads import data, initial_parameters


def _network(workload, dtype):
    W0, b0 = initial_parameters(workload, dtype)
    names = [workload.hidden] * (len(W0) - 1) + [workload.output]
    return glassnet.Network.from_parameters(W0, b0, names, dtype=dtype)


def _best_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def loop_versus_vectorized(workload, dtype="float64", repeats=3):
    """dW, db of all m examples: the per-example for-loop against one vectorized pass."""
    X, _, Y = data(workload, dtype)
    net = _network(workload, dtype)
    loop_seconds = _best_time(lambda: reference.backward_loop(net, X, Y), max(1, repeats // 3))
    vector_seconds = _best_time(lambda: net.gradient(X, Y), repeats * 10)
    dW, db = reference.backward_loop(net, X, Y)
    net.gradient(X, Y)
    difference = max(float(np.max(np.abs(ref - got)))
                     for ref, got in zip(dW + db, list(net.dW) + list(net.db), strict=True))
    return {"workload": workload.name, "m": workload.m, "loop_seconds": loop_seconds,
            "vectorized_seconds": vector_seconds, "speedup": loop_seconds / vector_seconds,
            "max_difference": difference}


def training_memory(workload, dtype="float32"):
    """Peak bytes that one epoch of training allocates beyond the data, by tracemalloc."""
    X, _, Y = data(workload, dtype)
    net = _network(workload, dtype)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        train(net, X, Y, epochs=1, learning_rate=workload.learning_rate,
              batch_size=workload.batch_size, seed=0, progress=False)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    data_bytes = X.nbytes + Y.nbytes
    return {"workload": workload.name, "m": workload.m, "dtype": dtype,
            "data_bytes": data_bytes, "peak_bytes": peak, "ratio": peak / data_bytes}


_IMPORT_TIMER = ("import time; t = time.perf_counter(); import {module}; "
                 "print(time.perf_counter() - t)")
_HEAVY = ("sklearn", "matplotlib", "starlette", "uvicorn", "scipy", "pandas", "tqdm")


def import_time(repeats=7):
    """Median seconds of ``import numpy`` and ``import glassnet`` in fresh interpreters."""
    def once(module):
        out = subprocess.run([sys.executable, "-c", _IMPORT_TIMER.format(module=module)],
                             capture_output=True, text=True, check=True).stdout
        return float(out)

    times = {"numpy": [], "glassnet": []}
    for _ in range(repeats):  # interleaved, so both see the same load
        for module in times:
            times[module].append(once(module))
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, glassnet; print(' '.join(sys.modules))"],
        capture_output=True, text=True, check=True).stdout.split()
    numpy_s, glassnet_s = (statistics.median(t) for t in times.values())
    return {"numpy_seconds": numpy_s, "glassnet_seconds": glassnet_s,
            "ratio": glassnet_s / numpy_s,
            "heavy_modules_loaded": sorted(m for m in loaded if m.split(".")[0] in _HEAVY
                                           and "." not in m)}


COLD_START_GOAL = 3.0  # seconds of the first `glassnet train` after install (issue 15)


def cold_start():
    """Wall and CPU seconds of ``glassnet train --engine auto`` on an empty Numba cache,
    then of the same run once the background warm-up it started has filled the cache."""
    import resource  # POSIX only, as the benchmark's machines

    def timed(*args):
        cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "glassnet", *args], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (time.perf_counter() - started,
                after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime)

    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "GLASSNET_WARMUP": "1"}
        first = timed("train", "--engine", "auto")
        timed("warmup", "--dtype", "float64")  # waits for the background warm-up's lock
        second = timed("train", "--engine", "auto")
    return {"first_seconds": first[0], "first_cpu_seconds": first[1],
            "second_seconds": second[0], "second_cpu_seconds": second[1]}
