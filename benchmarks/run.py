"""Run the benchmark and print its tables: ``python -m benchmarks.run [--quick | --csv]``.

For each workload and dtype every contender trains the same network from the same initial
weights; the contenders take turns, round after round, so that all of them see the same
load on a shared machine, and the table reports the median of the timed rounds (a first,
untimed round warms caches and lazy imports). The final cost J of each contender's trained
parameters, taken by one common function, shows that they did the same work.
"""

import argparse
import gc
import importlib.util
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

import glassnet
import glassnet.compiled

from . import csv_files, measures, playground_speed
from .contenders import CONTENDERS
from .workloads import data, initial_parameters, workloads

# the goals of issues 6 and 15 (15's where both set one): how many times glassnet's speed
# must be the contender's, per workload
GOALS = {
    "JAX (jit + lax.scan)": {"playground": 1.3, "digits": 1.0, "wide": 1.0},
    "PyTorch eager": {"playground": 40, "digits": 5, "wide": 1.15},
    "scikit-learn MLPClassifier": {"playground": 15, "digits": 5, "wide": 1.4},
    "matrix products alone": {"playground": 0.4, "digits": 0.55, "wide": 0.9},
}
WRAPPER_GOAL = 1.1  # the estimator's time over the core's, at most
MEMORY_GOAL = 0.25  # bytes allocated by training / bytes of the data
IMPORT_GOAL = 2.0   # import glassnet / import numpy
# Seconds of rest before each timed run. OpenBLAS's and OpenMP's worker threads keep
# spinning for a while after a call; on 2 cores, the threads of the contender that just ran
# would otherwise take the CPU from the next one (it slowed the wide workload 10× here).
SETTLE = 0.25


def environment():
    """Machine, the CPUs in use, versions, BLAS libraries and thread counts (after importing
    every contender)."""
    info = {
        "machine": _cpu_name(), "cores": os.cpu_count(), "cpus_used": _affinity(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(), "numpy": np.__version__,
        "glassnet": glassnet.__version__,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
    }
    for module in ("sklearn", "torch", "jax", "numba"):
        if importlib.util.find_spec(module):
            info[module] = importlib.import_module(module).__version__
    if "torch" in info:
        import torch

        info["torch_threads"] = torch.get_num_threads()
        blas = [line.strip() for line in torch.__config__.show().splitlines()
                if "BLAS_INFO" in line]
        info["torch_blas"] = blas[0] if blas else "?"
    from threadpoolctl import threadpool_info

    info["thread_pools"] = [
        f"{p['internal_api']} {p.get('version') or ''} ({p.get('architecture') or '-'}): "
        f"{p['num_threads']} threads, {os.path.basename(p['filepath'])}"
        for p in threadpool_info()]
    return info


def limit_threads(n):
    """At most n threads in every BLAS/OpenMP pool of this process, and in PyTorch's, all on
    n CPUs.

    The process is pinned to n CPUs first (``os.sched_setaffinity``), before JAX, PyTorch
    and scikit-learn are imported: XLA's CPU client sizes its thread pool from the CPUs the
    process may use when JAX is first imported, and its flag below does not stop it using
    more (with ``--threads 1`` and the flag alone, JAX's wide step took 12.1 ms of CPU for
    6.5 ms of wall time, two cores). Pinned, one thread is one core for every contender.
    """
    from threadpoolctl import threadpool_limits

    _pin(n)
    for module in ("sklearn", "torch"):  # load their thread pools first, so the limit holds
        if importlib.util.find_spec(module):
            importlib.import_module(module)
    if glassnet.compiled.available():
        glassnet.compiled.load_blas()  # the compiled engine's own OpenBLAS, likewise
    threadpool_limits(n)
    if n == 1:  # XLA's CPU client (JAX) reads this when JAX is first imported
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "")
                                   + " --xla_cpu_multi_thread_eigen=false").strip()
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)


def _pin(n):
    """Every thread of this process, and those it starts later, on the first n of its CPUs.

    Linux only (elsewhere the thread limits alone hold). A thread's affinity is its own, so
    the threads already started (OpenBLAS's, when NumPy was imported) are pinned one by one.
    """
    if not hasattr(os, "sched_setaffinity"):
        return
    cpus = sorted(os.sched_getaffinity(0))[:n]
    for thread in os.listdir("/proc/self/task"):
        os.sched_setaffinity(int(thread), cpus)


def _affinity():
    """The CPUs this process may run on (``limit_threads`` pins it), e.g. "0" or "0, 1"."""
    if not hasattr(os, "sched_getaffinity"):
        return "?"
    return ", ".join(str(c) for c in sorted(os.sched_getaffinity(0)))


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def speed(workload, dtype, settle=SETTLE):
    """Median samples/s and final cost of every available contender on one workload."""
    X, y, Y = data(workload, dtype)
    W0, b0 = initial_parameters(workload, dtype)
    runs, rows = {}, {}
    for name, (prepare, needs) in CONTENDERS.items():
        if needs and importlib.util.find_spec(needs) is None:
            rows[name] = {"skipped": f"{needs} is not installed"}
        else:
            runs[name] = prepare(workload, X, y, Y, W0, b0)
            rows[name] = {}
    times = {name: [] for name in runs}
    for round_ in range(workload.repeats + 1):
        # every other round in reverse, so that no contender always follows the same one
        for name in list(runs)[::1 if round_ % 2 else -1]:
            run = runs[name]
            gc.collect()
            time.sleep(settle)  # let the last contender's BLAS/OpenMP threads stop spinning
            start = time.perf_counter()
            trained = run()
            elapsed = time.perf_counter() - start
            if round_ == 0:  # the warm-up round: not timed, but it gives the final cost
                rows[name]["final_cost"] = _cost(workload, X, Y, trained)
                if hasattr(run, "compile_seconds"):  # done by prepare, never timed
                    rows[name]["compile_seconds"] = run.compile_seconds
            else:
                times[name].append(elapsed)
    for name, seconds in times.items():
        median = statistics.median(seconds)
        rows[name].update(
            seconds=median, samples_per_second=workload.epochs * workload.m / median,
            microseconds_per_step=1e6 * median / workload.steps,
            # the ratio of each round's two times, then the median: a change of load
            # between rounds moves both times of a round, not their ratio
            glassnet_times=statistics.median(
                t / t_core for t, t_core in zip(seconds, times["glassnet"], strict=True)))
    return {name: rows[name] for name in CONTENDERS}  # in the table's order


def _cost(workload, X, Y, trained):
    """J of trained (W, b) on the whole training set, the same function for everyone."""
    if trained is None:
        return None
    W, b = trained
    names = [workload.hidden] * (len(W) - 1) + [workload.output]
    net = glassnet.Network.from_parameters(W, b, names, dtype=X.dtype)
    return net.cost(X, Y)


def print_speed(workload, dtype, rows):
    print(f"\n{workload.describe()} [{dtype}]")
    print(f"  {'contender':28} {'samples/s':>12} {'µs/step':>9} {'glassnet ×':>11} "
          f"{'final J':>12}")
    for name, row in rows.items():
        if "skipped" in row:
            print(f"  {name:28} skipped: {row['skipped']}")
            continue
        cost = "—" if row["final_cost"] is None else f"{row['final_cost']:.6f}"
        compile_ = (f"  (compiling: {row['compile_seconds']:.2f} s, untimed)"
                    if "compile_seconds" in row else "")
        print(f"  {name:28} {row['samples_per_second']:12,.0f} "
              f"{row['microseconds_per_step']:9.1f} {row['glassnet_times']:10.2f}× {cost:>12}"
              f"{compile_}")


def check_goals(speed_results, memory, imports, playground, csv=None):
    """Each goal of issues 6, 12 and 15 with the measured value and whether this run met it."""
    checks = [] if csv is None else csv_files.goals(csv)
    for key, rows in speed_results.items():
        name, dtype = key.split(" ")
        for contender, goal_by_workload in GOALS.items():
            row = rows.get(contender, {})
            if "glassnet_times" in row:
                measured = row["glassnet_times"]
                goal = goal_by_workload[name]
                checks.append({"what": f"{name} [{dtype}] glassnet ÷ {contender}",
                               "measured": measured, "goal": goal, "met": measured >= goal})
        row = rows.get("glassnet MLPClassifier", {})
        if "glassnet_times" in row:
            checks.append({"what": f"{name} [{dtype}] MLPClassifier's time ÷ the core's",
                           "measured": row["glassnet_times"], "goal": WRAPPER_GOAL,
                           "met": row["glassnet_times"] <= WRAPPER_GOAL, "at_most": True})
    if memory is not None:
        checks.append({"what": f"memory: training allocates / data ({memory['workload']}, "
                               f"m = {memory['m']})", "measured": memory["ratio"],
                       "goal": MEMORY_GOAL, "met": memory["ratio"] <= MEMORY_GOAL,
                       "at_most": True})
    if imports is not None:
        checks.append({"what": "import glassnet ÷ import numpy", "measured": imports["ratio"],
                       "goal": IMPORT_GOAL, "met": imports["ratio"] <= IMPORT_GOAL,
                       "at_most": True})
    if playground is not None:
        checks.append({"what": "playground: epochs per second while streaming",
                       "measured": playground["epochs_per_second"],
                       "goal": playground_speed.GOAL_EPOCHS_PER_SECOND,
                       "met": playground["epochs_per_second"]
                       >= playground_speed.GOAL_EPOCHS_PER_SECOND})
        # the server paces itself to 30 frames a second at most: 2 % are left for timing
        checks.append({"what": "playground: frames per second, every map (paced to 30)",
                       "measured": playground["frames_per_second"],
                       "goal": playground_speed.GOAL_FRAMES_PER_SECOND,
                       "met": playground["frames_per_second"]
                       >= 0.98 * playground_speed.GOAL_FRAMES_PER_SECOND
                       and playground["full_maps"]})
        checks.append({"what": "playground: bytes per second of frames (default network)",
                       "measured": playground["bytes_per_second"],
                       "goal": playground_speed.GOAL_BYTES_PER_SECOND, "at_most": True,
                       "met": playground["bytes_per_second"]
                       <= playground_speed.GOAL_BYTES_PER_SECOND})
        largest = playground["largest"]
        checks.append({"what": "playground: frames per second, largest network (6 × 8)",
                       "measured": largest["frames_per_second"],
                       "goal": playground_speed.GOAL_LARGEST_FRAMES_PER_SECOND,
                       "met": largest["frames_per_second"]
                       >= playground_speed.GOAL_LARGEST_FRAMES_PER_SECOND
                       and largest["full_maps"]})
    return checks


def print_goals(checks):
    print("\nGoals of issues 6, 12 and 15 (this run):")
    for c in checks:
        sign = "≤" if c.get("at_most") else "≥"
        print(f"  {c['what']:62} {c['measured']:8.3f}  goal {sign} {c['goal']:.3g}  "
              f"{'met' if c['met'] else 'NOT MET'}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="small workloads, one timed round (the CI smoke test)")
    parser.add_argument("--workloads", nargs="+", choices=["playground", "digits", "wide"])
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"],
                        choices=["float32", "float64"])
    parser.add_argument("--threads", type=int, metavar="N",
                        help="limit BLAS, OpenMP and PyTorch to N threads each (default: "
                             "their own choice, one per core)")
    parser.add_argument("--csv", action="store_true",
                        help="only the CSV files' figures (read time and memory against "
                             "pandas, glassnet train on a 200 MB file) and their goals")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.threads is not None:
        limit_threads(args.threads)
    if args.csv:
        return csv_only(args)

    info = environment()
    print("glassnet benchmark" + (" (quick)" if args.quick else ""))
    for key, value in info.items():
        if key != "thread_pools":
            print(f"  {key}: {value}")
    for pool in info["thread_pools"]:
        print(f"  thread pool: {pool}")

    chosen = [w for w in workloads(args.quick)
              if args.workloads is None or w.name in args.workloads]
    speed_results = {}
    for dtype in args.dtypes:
        for workload in chosen:
            rows = speed(workload, dtype, settle=0.0 if args.quick else SETTLE)
            speed_results[f"{workload.name} {dtype}"] = rows
            print_speed(workload, dtype, rows)

    by_name = {w.name: w for w in workloads(args.quick)}
    print("\nThe notes' per-example for-loop against the vectorized pass (dW, db of all m):")
    loops = [measures.loop_versus_vectorized(by_name[n], repeats=1 if args.quick else 3)
             for n in ("playground", "digits")]
    for r in loops:
        print(f"  {r['workload']:11} m = {r['m']:5}: loop {1e3 * r['loop_seconds']:8.2f} ms, "
              f"vectorized {1e3 * r['vectorized_seconds']:7.3f} ms: {r['speedup']:6.0f}× "
              f"faster (max |difference| {r['max_difference']:.1e})")

    memory = measures.training_memory(by_name["wide"])
    print(f"\nPeak memory of one epoch of training on wide (m = {memory['m']}, "
          f"{memory['dtype']}): {memory['peak_bytes'] / 2**20:.1f} MiB beyond the data's "
          f"{memory['data_bytes'] / 2**20:.1f} MiB ({memory['ratio']:.1%})")

    imports = measures.import_time(repeats=3 if args.quick else 15)
    print(f"\nimport numpy {1e3 * imports['numpy_seconds']:.1f} ms, import glassnet "
          f"{1e3 * imports['glassnet_seconds']:.1f} ms ({imports['ratio']:.2f}×); heavy "
          f"modules loaded by import glassnet: {imports['heavy_modules_loaded'] or 'none'}")

    playground = None
    if all(importlib.util.find_spec(m) for m in ("starlette", "uvicorn", "websockets")):
        print()
        playground = playground_speed.measure(seconds=2.0 if args.quick else 10.0)
        playground_speed.report(playground)
        playground["largest"] = playground_speed.measure(seconds=2.0 if args.quick else 5.0,
                                                         link=playground_speed.LARGEST)
        playground_speed.report(playground["largest"], "circle, 6 × 8 tanh on 7 features",
                                playground_speed.BEFORE_LARGEST_EPOCHS_PER_SECOND)
    else:
        print("\nplayground: skipped (needs the playground extra: starlette, uvicorn)")

    csv = csv_files.measure(quick=args.quick)
    csv_files.report(csv)

    cold = cold_start(args.quick)
    checks = check_goals(speed_results, None if args.quick else memory, imports,
                         None if args.quick else playground, None if args.quick else csv)
    checks += [] if cold is None else [cold["check"]]
    print_goals(checks)
    print(f"\nload average at the end: {os.getloadavg()}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"environment": info, "speed": speed_results, "loop": loops,
                       "memory": memory, "import": imports, "playground": playground,
                       "csv": csv, "cold_start": cold, "goals": checks}, f, indent=1)
    return 0


def cold_start(quick):
    """The first ``glassnet train --engine auto`` after install (an empty Numba cache) and
    the next one, with issue 15's goal; not in quick mode, which would wait for a compile."""
    if quick or not glassnet.compiled.available():
        return None
    cold = measures.cold_start()
    print(f"\nglassnet train --engine auto, empty cache: {cold['first_seconds']:.2f} s "
          f"({cold['first_cpu_seconds']:.2f} s CPU); cached: {cold['second_seconds']:.2f} s "
          f"({cold['second_cpu_seconds']:.2f} s CPU)")
    cold["check"] = {"what": "first glassnet train after install (s, compile included)",
                     "measured": cold["first_seconds"], "goal": measures.COLD_START_GOAL,
                     "met": cold["first_seconds"] <= measures.COLD_START_GOAL,
                     "at_most": True}
    return cold


def csv_only(args):
    """``--csv``: the CSV section alone, with its goals."""
    print(f"glassnet benchmark, CSV files; load average {os.getloadavg()}")
    csv = csv_files.measure()
    csv_files.report(csv)
    checks = csv_files.goals(csv)
    print_goals(checks)
    print(f"\nload average at the end: {os.getloadavg()}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"csv": csv, "goals": checks}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
