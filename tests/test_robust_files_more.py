"""Hostile model files and saves: crafted task entries, zip bombs, stale temporary files."""

import os
import subprocess
import sys
import time

import numpy as np
import pytest

import glassnet as gn
from glassnet import io

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_GOOD = {"type": "classification", "inputs": 2, "classes": [0, 1]}
_TASKS = [
    "junk", [1, 2], {}, {"inputs": 2}, {"type": "classification", "inputs": 2},
    {"type": "regression"}, {"type": "regression", "inputs": "x"},
    {"type": "regression", "inputs": True}, {"type": "regression", "inputs": 0},
    {"type": [1], "inputs": 2}, {"type": {"a": 1}, "inputs": 2},
    {**_GOOD, "classes": 5}, {**_GOOD, "classes": []}, {**_GOOD, "classes": [[1, [2]]]},
    {**_GOOD, "classes": [0]}, {**_GOOD, "classes": [{"x": 1}, None]},
    {"type": "regression", "inputs": 2, "features": 7},
    {"type": "regression", "inputs": 2, "features": [[["x1"]]]},
    {"type": "regression", "inputs": 2, "features": ["x1"] * 100_000},
    {"type": "regression", "inputs": 2, "label_column": "last"},
    {"type": "regression", "inputs": 2, "label_column": 10**30},
    {**_GOOD, "classes": list(range(100_000))},
]


def _main(capsys, *argv):
    from glassnet.cli import main

    code = main(list(argv))
    return code, capsys.readouterr().err


def _cli(*argv):
    env = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "src")}
    return subprocess.run([sys.executable, "-m", "glassnet", *argv], capture_output=True,
                          text=True, env=env, timeout=60)


@pytest.mark.parametrize("task", _TASKS, ids=range(len(_TASKS)))
def test_crafted_task_entries_are_clean_errors(tmp_path, capsys, task):
    net = gn.Network([2, 3, 1], activations="tanh", output="sigmoid", seed=0)
    data = tmp_path / "x.csv"
    np.savetxt(data, np.ones((3, 2)), delimiter=",")
    model = tmp_path / "m.npz"
    io.write_archive(model, "network", {**net.config(), "task": task},
                     {"parameters": net.parameters})
    for argv in (["info", str(model)], ["predict", str(model), str(data)]):
        code, err = _main(capsys, *argv)
        assert code == 1, (task, argv)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("glassnet: error:"), (task, lines)
        assert len(lines[0]) < 400, lines[0]
    if task in _TASKS[:4]:  # the real console script too, for a few
        for argv in (["info", str(model)], ["predict", str(model), str(data)]):
            result = _cli(*argv)
            assert result.returncode == 1, (task, argv, result.stdout)
            assert "Traceback" not in result.stderr, (task, argv, result.stderr)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("glassnet: error:"), (task, lines)
            assert len(lines[0]) < 400, lines[0]


def test_a_good_task_entry_still_predicts(tmp_path):
    net = gn.Network([2, 3, 1], activations="tanh", output="sigmoid", seed=0)
    model, data = tmp_path / "m.npz", tmp_path / "x.csv"
    io.write_archive(model, "network", {**net.config(), "task": {**_GOOD, "classes": [3, 7]}},
                     {"parameters": net.parameters})
    np.savetxt(data, np.ones((2, 2)), delimiter=",")
    result = _cli("predict", str(model), str(data))
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) <= {"3", "7"} and len(result.stdout.split()) == 2


def test_a_save_removes_the_stale_temporary_files_of_a_killed_save(tmp_path):
    target = tmp_path / "m.npz"
    stale = tmp_path / f".m.npz.{'a' * 32}.tmp"
    fresh = tmp_path / f".m.npz.{'b' * 32}.tmp"
    other = tmp_path / f".n.npz.{'c' * 32}.tmp"
    for f in (stale, fresh, other):
        f.write_bytes(b"partial")
    old = time.time() - 3600
    for f in (stale, other):
        os.utime(f, (old, old))
    gn.save(gn.Network([2, 1], seed=0), target)
    assert not stale.exists() and fresh.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, fresh.name, other.name])
