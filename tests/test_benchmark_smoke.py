"""The benchmark's quick mode runs, and its contenders did the same work.

Nothing here is about time (speed is measured by ``python -m benchmarks.run``, never
asserted in a test): the final costs of the contenders that train from the same initial
weights on the same epoch orders must agree, and scikit-learn's (which shuffles with its
own generator) must be close.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "glassnet" in done.stdout and "samples/s" in done.stdout
    return json.loads(out.read_text())


def test_every_workload_and_dtype_ran(results):
    assert set(results["speed"]) == {f"{w} {d}" for w in ("playground", "digits", "wide")
                                     for d in ("float32", "float64")}
    for rows in results["speed"].values():
        for name in ("glassnet", "textbook NumPy", "matrix products alone"):
            assert rows[name]["samples_per_second"] > 0
        for row in rows.values():
            assert "skipped" in row or row["samples_per_second"] > 0


def test_no_installed_contender_is_skipped(results):
    """A contender is skipped only when what it needs is not installed (never on CI)."""
    from benchmarks.contenders import CONTENDERS

    for rows in results["speed"].values():
        for name, (_, needs) in CONTENDERS.items():
            if "skipped" in rows[name]:
                assert importlib.util.find_spec(needs) is None, f"{name} was skipped"
                assert not os.environ.get("CI"), f"{name} was skipped on CI ({needs} missing)"


def test_compiled_contenders_report_their_compile_time_apart(results):
    for rows in results["speed"].values():
        row = rows["JAX (jit + lax.scan)"]
        assert "skipped" in row or row["compile_seconds"] > 0


@pytest.mark.parametrize("key", [f"{w} {d}" for w in ("playground", "digits", "wide")
                                 for d in ("float32", "float64")])
def test_final_costs_agree(results, key):
    rows = results["speed"][key]
    core = rows["glassnet"]["final_cost"]
    rtol = 1e-4 if key.endswith("float32") else 1e-9
    for name in ("textbook NumPy", "PyTorch eager",
                 "glassnet NumPy engine", "glassnet compiled engine", "JAX (jit + lax.scan)"):
        if "skipped" not in rows[name]:
            assert rows[name]["final_cost"] == pytest.approx(core, rel=rtol), name
    if "skipped" not in rows["scikit-learn MLPClassifier"]:
        # glassnet's MLPClassifier runs as scikit-learn's does, its shuffling included: the
        # same cost to rounding; the core's minibatch orders are others: close, not equal
        sk = rows["scikit-learn MLPClassifier"]["final_cost"]
        assert rows["glassnet MLPClassifier"]["final_cost"] == pytest.approx(sk, rel=rtol)
        assert sk == pytest.approx(core, rel=0.05)
    assert rows["matrix products alone"]["final_cost"] is None


def test_loop_equals_vectorized_and_memory_and_import_are_measured(results):
    for loop in results["loop"]:
        assert loop["max_difference"] < 1e-12 and loop["speedup"] > 0
    assert results["memory"]["peak_bytes"] > 0
    assert results["import"]["heavy_modules_loaded"] == []


def test_playground_streams_frames_with_every_map(results):
    if results["playground"] is None:
        pytest.skip("the playground extra is not installed")
    assert results["playground"]["frames"] > 1 and results["playground"]["full_maps"]
    assert results["playground"]["epochs_per_second"] > 0


def test_the_csv_figures_are_measured_side_by_side(results):
    csv = results["csv"]
    assert csv["read"]["glassnet_seconds"] > 0 and csv["read"]["pandas_seconds"] > 0
    assert csv["memory"]["array_bytes"] == csv["memory"]["m"] * 11 * 8
    assert csv["memory"]["glassnet_peak_bytes"] > 0 and csv["memory"]["pandas_peak_bytes"] > 0
    assert csv["train"]["peak_bytes"] >= csv["train"]["baseline_bytes"] > 0
    assert csv["train"]["file_bytes"] > 4e6


# a fresh interpreter's report after limit_threads(n): every thread's CPUs, XLA's flags
PINNED = """
import json, os, threading
from benchmarks.run import limit_threads, environment
started = threading.Event()
before = threading.Thread(target=started.wait, daemon=True)  # a thread started before
before.start()
limit_threads({n})
after = threading.Thread(target=started.wait, daemon=True)  # and one started after
after.start()
cpus = [sorted(os.sched_getaffinity(int(t))) for t in os.listdir("/proc/self/task")]
started.set()
print(json.dumps({{"threads": len(cpus), "cpus": cpus, "xla": os.environ.get("XLA_FLAGS")}}))
"""


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity is Linux's")
@pytest.mark.parametrize("n", [1, 2])
def test_limit_threads_pins_every_thread_to_n_cpus(n):
    """--threads n is n cores for every contender: the whole process, the threads it had
    and those it starts later, may run on the first n of its CPUs only (run in a fresh
    interpreter, so that the limits do not stay with this one)."""
    available = sorted(os.sched_getaffinity(0))
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    done = subprocess.run([sys.executable, "-c", PINNED.format(n=n)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["threads"] >= 3  # the main thread and the two above at least
    assert report["cpus"] == [available[:n]] * report["threads"]
    assert ("--xla_cpu_multi_thread_eigen=false" in (report["xla"] or "")) == (n == 1)


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="CPU affinity is Linux's")
def test_the_report_records_the_cpus_in_use(results):
    assert results["environment"]["cpus_used"] == ", ".join(
        str(c) for c in sorted(os.sched_getaffinity(0)))
