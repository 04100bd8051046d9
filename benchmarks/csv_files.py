"""The CSV goals of issue 12: glassnet's reader against ``pandas.read_csv``, side by side.

* **read time**: ``glassnet.csvfiles.read`` against ``pandas.read_csv`` with its defaults
  on the same file of 100,000 lines × 11 columns (10 features and an integer label, a
  header line), taking turns round after round; the figure is the median over rounds of
  the ratio of the two times of a round (goal ≤ 1.5);
* **the reader's memory**: in a fresh interpreter, the peak resident memory while reading
  beyond what the process held before, over the bytes of the float64 array (X and y,
  m × 11 × 8); pandas' figure beside it (goal ≤ 3);
* **``glassnet train`` on a 200 MB CSV file**: the console command's peak resident memory
  (``os.wait4``) beyond the same command's on a 4-line file, over the array's bytes
  (goal ≤ 2.5); the absolute peak and the time are printed too.

The files are written in a temporary folder when the benchmark runs: the 200 MB one
repeats a block of 50,000 random lines, which is all a reader sees of it. Resident memory
(not tracemalloc) because pandas' C parser allocates outside Python's allocator.
"""

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

READ_GOAL = 1.5    # glassnet's read time / pandas.read_csv's, at most
MEMORY_GOAL = 3.0  # the reader's peak memory / the float64 array, at most
TRAIN_GOAL = 2.5   # glassnet train's peak memory on the big file / the array, at most
_COLUMNS = 11

# run in a fresh interpreter: the peak resident memory of one read, beyond the memory
# held before it (Linux resets the peak through /proc/self/clear_refs; elsewhere the peak
# so far is the baseline)
_READ_PEAK = """
import json, resource, sys
import numpy as np, pandas
from glassnet import csvfiles

def kib(field):
    try:
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

reader, path, warm = sys.argv[1:]
read = (lambda p: csvfiles.read(p)) if reader == "glassnet" else pandas.read_csv
read(warm)  # the lazy imports and first-call set-ups, before the baseline
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
except OSError:
    pass
before = kib("VmRSS") if kib("VmHWM") == kib("VmRSS") else kib("VmHWM")
read(path)
print(json.dumps({"peak_bytes": 1024 * (kib("VmHWM") - before)}))
"""


def _lines(m, seed):
    """m CSV lines of 10 features (6 decimals) and a label 0, 1 or 2, as text."""
    rng = np.random.default_rng(seed)
    rows = np.column_stack([rng.normal(size=(m, _COLUMNS - 1)), rng.integers(0, 3, m)])
    out = io.StringIO()
    np.savetxt(out, rows, delimiter=",", fmt=["%.6f"] * (_COLUMNS - 1) + ["%d"])
    return out.getvalue()


def write_file(path, m=None, megabytes=None, seed=0):
    """A CSV file with a header and m lines, or about ``megabytes`` MB of lines (a block
    repeated); returns its number of lines."""
    header = ",".join([f"x{j}" for j in range(1, _COLUMNS)] + ["label"]) + "\n"
    block = _lines(m or 50_000, seed)
    repeats = 1 if megabytes is None else max(1, round(megabytes * 1e6 / len(block)))
    with open(path, "w") as f:
        f.write(header)
        for _ in range(repeats):
            f.write(block)
    return block.count("\n") * repeats


def _env():
    src = Path(__file__).resolve().parents[1] / "src"
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), *sys.path])}


def read_time(path, rounds):
    """Median seconds of each reader and the median of the per-round ratios."""
    import pandas

    from glassnet import csvfiles

    readers = {"glassnet": lambda: csvfiles.read(path), "pandas": lambda: pandas.read_csv(path)}
    times = {name: [] for name in readers}
    for round_ in range(rounds + 1):
        for name in list(readers)[::1 if round_ % 2 else -1]:
            start = time.perf_counter()
            readers[name]()
            if round_:  # the first round warms the caches, untimed
                times[name].append(time.perf_counter() - start)
    return {"glassnet_seconds": statistics.median(times["glassnet"]),
            "pandas_seconds": statistics.median(times["pandas"]),
            "ratio": statistics.median(g / p for g, p in zip(*times.values(), strict=True))}


def read_memory(reader, path, warm):
    done = subprocess.run([sys.executable, "-c", _READ_PEAK, reader, str(path), str(warm)],
                          capture_output=True, text=True, check=True, env=_env())
    return json.loads(done.stdout)["peak_bytes"]


def train_peak(path, folder):
    """(peak resident bytes, seconds) of ``glassnet train path --epochs 1``."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "glassnet", "train", str(path),
                              "--epochs", "1"], cwd=folder, env=_env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise RuntimeError(f"glassnet train {path} failed: {child.stderr.read().decode()}")
    child.stderr.close()
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return peak, time.perf_counter() - start


def measure(quick=False):
    """Every CSV figure, in one temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        warm = folder / "warm.csv"
        write_file(warm, m=4)
        table = folder / "table.csv"
        m = write_file(table, m=10_000 if quick else 100_000)
        array = m * _COLUMNS * 8
        timing = read_time(table, rounds=2 if quick else 9)
        memory = {reader: read_memory(reader, table, warm) for reader in ("glassnet", "pandas")}
        big = folder / "big.csv"
        m_big = write_file(big, megabytes=5 if quick else 200, seed=1)
        size = big.stat().st_size
        base, _ = train_peak(warm, folder)
        peak, seconds = train_peak(big, folder)
    big_array = m_big * _COLUMNS * 8
    return {
        "read": {"m": m, "columns": _COLUMNS, **timing},
        "memory": {"m": m, "array_bytes": array, "glassnet_peak_bytes": memory["glassnet"],
                   "pandas_peak_bytes": memory["pandas"],
                   "ratio": memory["glassnet"] / array,
                   "pandas_ratio": memory["pandas"] / array},
        "train": {"file_bytes": size, "m": m_big, "array_bytes": big_array,
                  "peak_bytes": peak, "baseline_bytes": base, "seconds": seconds,
                  "ratio": (peak - base) / big_array},
    }


def report(results):
    read, memory, train = results["read"], results["memory"], results["train"]
    mib = 2 ** 20
    print(f"\nCSV files ({read['m']:,} lines × {read['columns']} columns; glassnet.csvfiles "
          "against pandas.read_csv):")
    print(f"  read time        glassnet {1e3 * read['glassnet_seconds']:8.1f} ms   pandas "
          f"{1e3 * read['pandas_seconds']:8.1f} ms   ratio {read['ratio']:.2f}")
    print(f"  reader's peak    glassnet {memory['glassnet_peak_bytes'] / mib:8.1f} MiB  pandas "
          f"{memory['pandas_peak_bytes'] / mib:8.1f} MiB  over the array's "
          f"{memory['array_bytes'] / mib:.1f} MiB: {memory['ratio']:.2f} (pandas "
          f"{memory['pandas_ratio']:.2f})")
    print(f"  glassnet train on a {train['file_bytes'] / 1e6:.0f} MB file ({train['m']:,} "
          f"lines, --epochs 1): peak {train['peak_bytes'] / mib:.0f} MiB, "
          f"{train['baseline_bytes'] / mib:.0f} MiB of it the command's on a 4-line file; "
          f"(peak − that) / the array's {train['array_bytes'] / mib:.0f} MiB = "
          f"{train['ratio']:.2f}; {train['seconds']:.1f} s")


def goals(results):
    """The three CSV goals of issue 12, as the benchmark's goal rows."""
    rows = [("CSV: read time, glassnet ÷ pandas.read_csv", results["read"]["ratio"], READ_GOAL),
            ("CSV: the reader's peak memory ÷ the float64 array", results["memory"]["ratio"],
             MEMORY_GOAL),
            ("CSV: glassnet train on 200 MB, peak memory ÷ the array",
             results["train"]["ratio"], TRAIN_GOAL)]
    return [{"what": what, "measured": value, "goal": goal, "met": value <= goal,
             "at_most": True} for what, value, goal in rows]


if __name__ == "__main__":
    found = measure(quick="--quick" in sys.argv)
    report(found)
