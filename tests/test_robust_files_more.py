"""Hostile model files and saves: crafted task entries, zip bombs, stale temporary files."""

import io as io_module
import json
import os
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib

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


# ---------------------------------------------------------------------- zip bombs
_ZEROS = 2 ** 20  # the bombs below inflate 1 MiB blocks of zeros


def _zip_entry(name, chunks, declared, crc):
    """(local header + data, central directory record) of one deflated entry, as bytes."""
    data = b"".join(chunks)
    fields = (20, 0, 8, 0, 0x21, crc, len(data), declared, len(name), 0)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + name
    central = (struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0)
               + name)
    return local + data, central


def _bomb(path, blocks, declared_values=None):
    """A glassnet-looking file whose parameters.npy inflates to ``blocks`` MiB of zeros
    (from about 1 KiB per MiB), declaring the size it has, or ``declared_values`` values."""
    values = blocks * _ZEROS // 8
    header = io_module.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (declared_values or values,)})
    header = header.getvalue()
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = squeeze.compress(header) + squeeze.flush(zlib.Z_FULL_FLUSH)
    block = squeeze.compress(bytes(_ZEROS)) + squeeze.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(header)
    for _ in range(blocks):
        crc = zlib.crc32(bytes(_ZEROS), crc)
    declared = len(header) + 8 * (declared_values or values)
    meta = json.dumps({"format": "glassnet", "version": 1, "kind": "network", "meta": {},
                       "arrays": {"parameters": {"dtype": "<f8", "shape": [values],
                                                 "sha256": "0"}}}).encode()
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    entries = [_zip_entry(b"glassnet.json", [squeeze.compress(meta) + squeeze.flush()],
                          len(meta), zlib.crc32(meta)),
               _zip_entry(b"parameters.npy", [first, *[block] * blocks, b"\x03\x00"],
                          declared, crc)]
    body = b"".join(local for local, _ in entries)
    offsets = [0, len(entries[0][0])]
    directory = b"".join(central[:42] + struct.pack("<I", offset) + central[46:]
                         for (_, central), offset in zip(entries, offsets, strict=True))
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(directory), len(body), 0)
    path.write_bytes(body + directory + end)
    return path


def _peak_of_load(path):
    """The error gn.load raises on ``path``, and the peak of traced memory meanwhile."""
    tracemalloc.start()
    try:
        with pytest.raises(gn.errors.FileFormatError) as error:
            gn.load(path)
        return str(error.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_1_mib_file_that_inflates_to_1_gib_is_refused_before_reading(tmp_path):
    path = _bomb(tmp_path / "bomb.npz", 1024)
    assert path.stat().st_size < 2 ** 20 * 1.1
    with zipfile.ZipFile(path) as archive:  # a well-formed zip that declares its size
        assert archive.getinfo("parameters.npy").file_size > 2 ** 30
    message, peak = _peak_of_load(path)
    assert peak < 50 * 2 ** 20
    assert str(path) in message and "'parameters.npy'" in message and "1,073,741,952" in message


def test_an_entry_compressed_far_beyond_what_numbers_allow_is_refused(tmp_path):
    path = _bomb(tmp_path / "dense.npz", 64)  # 64 MiB: under the cap, but 1000 : 1
    message, peak = _peak_of_load(path)
    assert peak < 50 * 2 ** 20
    assert "'parameters.npy'" in message and f"over {io.MAX_RATIO} times" in message


def test_an_entry_that_inflates_beyond_its_declared_size_is_cut_in_bounded_memory(tmp_path):
    path = _bomb(tmp_path / "liar.npz", 1024, declared_values=100)  # says 928 bytes
    message, peak = _peak_of_load(path)
    assert peak < 50 * 2 ** 20
    assert str(path) in message and "parameters.npy" in message


def test_zero_networks_glassnet_writes_stay_loadable(tmp_path):
    net = gn.Network([1000, 1000, 1], initializer="zeros", seed=0)  # 8 MB, 1000 : 1
    gn.save(net, tmp_path / "zeros.npz")
    np.testing.assert_array_equal(gn.load(tmp_path / "zeros.npz").parameters, net.parameters)
