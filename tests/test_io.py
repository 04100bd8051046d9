"""Files: round trips are bit-exact, writes are atomic, damaged or foreign files are refused.

Every refusal must be a FileFormatError and must never run code from the file: the
foreign files below carry pickles that would create a marker file if unpickled.
"""

import io as stdlib_io
import json
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import glassnet as gn
from glassnet import io
from glassnet.errors import FileFormatError, GlassnetTypeError


def make_network(**kwargs):
    settings = dict(activations=["tanh", "leaky_relu"], seed=3)
    settings.update(kwargs)
    return gn.Network([3, 5, 4, 2], **settings)


def same_network(a, b):
    return (a.config() == b.config() and a.parameters.dtype == b.parameters.dtype
            and a.parameters.tobytes() == b.parameters.tobytes())


class Marker:
    """Unpickling this object creates the file at ``path``: proof that code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


# ---------------------------------------------------------------------- round trips
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_network_round_trip_is_bit_exact(tmp_path, dtype):
    net = make_network(dtype=dtype, loss="mean_squared_error", output="linear", l2=1e-3)
    net.parameters[:] = np.random.default_rng(0).standard_normal(net.n_parameters)
    path = tmp_path / "model.npz"
    gn.save(net, path)
    loaded = gn.load(path)
    assert isinstance(loaded, gn.Network) and same_network(net, loaded)
    X = np.random.default_rng(1).standard_normal((3, 7))
    assert np.array_equal(net.forward(X), loaded.forward(X))
    assert loaded.l2 == 1e-3 and loaded.dtype == np.dtype(dtype)


def test_trained_network_round_trip_and_numpy_can_read_it(tmp_path):
    X, y = gn.datasets.playground("xor", n_samples=100, seed=0)
    net = gn.Network([2, 4, 1], activations="tanh", seed=0)
    net.fit(X, (y > 0).astype(float), epochs=20, learning_rate=0.5)
    path = tmp_path / "xor.npz"
    gn.save(net, str(path))
    assert same_network(net, gn.load(str(path)))
    with np.load(path, allow_pickle=False) as archive:  # an open format: plain NumPy reads it
        assert np.array_equal(archive["parameters"], net.parameters)


def test_archive_round_trip_of_several_arrays(tmp_path):
    arrays = {"a": np.arange(6, dtype=np.int32).reshape(2, 3), "classes": np.array(["x", "yz"]),
              "flag": np.array(True), "W.1": np.asfortranarray(np.ones((2, 2)))}
    meta = {"class": "Thing", "n": np.int64(4), "rates": [0.1, 1e-300], "inf": float("inf")}
    io.write_archive(tmp_path / "f.npz", "thing", meta, arrays)
    kind, meta2, arrays2 = io.read_archive(tmp_path / "f.npz")
    assert kind == "thing" and meta2 == {"class": "Thing", "n": 4, "rates": [0.1, 1e-300],
                                         "inf": float("inf")}
    assert arrays2.keys() == arrays.keys()
    for name, array in arrays.items():
        assert arrays2[name].dtype == array.dtype and np.array_equal(arrays2[name], array)


def test_save_refuses_what_it_cannot_write(tmp_path):
    with pytest.raises(GlassnetTypeError, match="Network or a glassnet estimator"):
        gn.save({"W": 1}, tmp_path / "x.npz")
    with pytest.raises(GlassnetTypeError, match="never pickled"):
        io.write_archive(tmp_path / "x.npz", "k", {}, {"a": np.array([object()])})
    with pytest.raises(GlassnetTypeError, match="array names"):
        io.write_archive(tmp_path / "x.npz", "k", {}, {"../a": np.zeros(2)})
    with pytest.raises(GlassnetTypeError, match="JSON-serializable"):
        io.write_archive(tmp_path / "x.npz", "k", {"f": print}, {})
    assert os.listdir(tmp_path) == []  # no file and no leftover temporary


@pytest.mark.filterwarnings("ignore:.*max_iter")
def test_estimator_round_trip(tmp_path):
    from glassnet import estimators
    X, y = gn.datasets.moons(n_samples=80, seed=0)
    model = estimators.MLPClassifier(hidden_layer_sizes=(5,), max_iter=30, random_state=0)
    model.fit(X.T, y)  # estimators take rows as examples
    gn.save(model, tmp_path / "model.npz")
    loaded = gn.load(tmp_path / "model.npz")
    assert type(loaded) is type(model)
    assert np.array_equal(loaded.predict_proba(X.T), model.predict_proba(X.T))
    assert loaded.network_.parameters.tobytes() == model.network_.parameters.tobytes()


# ---------------------------------------------------------------------- atomic writes
def test_a_failed_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    old = make_network(seed=1)
    gn.save(old, path)
    before = path.read_bytes()

    def write_half_then_fail(file, array, **kwargs):
        file.write(array.tobytes()[: array.nbytes // 2])
        raise OSError("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", write_half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        gn.save(make_network(seed=2), path)
    assert path.read_bytes() == before
    assert same_network(gn.load(path), old)
    assert os.listdir(tmp_path) == ["model.npz"]  # the temporary file is gone


def test_a_crash_mid_write_leaves_the_old_file_intact(tmp_path):
    # A real crash: the process dies (os._exit, no clean-up) half-way through the write.
    path = tmp_path / "model.npz"
    old = make_network(seed=1)
    gn.save(old, path)
    script = textwrap.dedent(f"""
        import os, numpy as np, glassnet as gn
        def die(file, array, **kwargs):
            file.write(array.tobytes()[:8])
            file.flush()
            os._exit(3)
        np.lib.format.write_array = die
        gn.save(gn.Network([3, 5, 4, 2], seed=9), {str(path)!r})
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == 3, done.stderr
    assert same_network(gn.load(path), old)


def test_saving_over_an_existing_file_replaces_it(tmp_path):
    path = tmp_path / "model.npz"
    gn.save(make_network(seed=1), path)
    new = make_network(seed=2)
    gn.save(new, path)
    assert same_network(gn.load(path), new)
    assert os.listdir(tmp_path) == ["model.npz"]


# ---------------------------------------------------------------------- bad files
@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.npz"
    net = make_network()
    gn.save(net, path)
    return path, net


def test_every_truncation_is_refused(saved, tmp_path):
    path, _ = saved
    data = path.read_bytes()
    cut = tmp_path / "cut.npz"
    for length in range(0, len(data)):
        cut.write_bytes(data[:length])
        with pytest.raises(FileFormatError):
            gn.load(cut)


def test_bit_flips_are_refused_or_harmless(saved, tmp_path):
    # A flip in the arrays, the metadata or the zip structure is refused; a flip in a byte
    # no reader uses (e.g. a timestamp) may load, but then it must load the same network.
    path, net = saved
    data = bytearray(path.read_bytes())
    flipped = tmp_path / "flipped.npz"
    refused = 0
    for position in range(len(data)):
        damaged = bytearray(data)
        damaged[position] ^= 1 << (position % 8)
        flipped.write_bytes(damaged)
        try:
            loaded = gn.load(flipped)
        except FileFormatError:
            refused += 1
        else:
            assert same_network(loaded, net), f"a flip at byte {position} went unnoticed"
    assert refused > 0.8 * len(data)


def test_a_flip_inside_the_stored_parameters_is_caught_by_the_checksum(saved, tmp_path):
    path, net = saved
    # Rewrite the archive uncompressed, with the zip's own CRC-32 patched to match the
    # damage, so that only glassnet's SHA-256 can notice the change.
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    npy = bytearray(entries["parameters.npy"])
    npy[-3] ^= 0x10
    entries["parameters.npy"] = bytes(npy)
    damaged = tmp_path / "damaged.npz"
    with zipfile.ZipFile(damaged, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    with pytest.raises(FileFormatError, match="checksum"):
        gn.load(damaged)


def rewrite_header(path, target, change):
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    header = json.loads(entries["glassnet.json"])
    change(header)
    entries["glassnet.json"] = json.dumps(header).encode()
    with zipfile.ZipFile(target, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return target


@pytest.mark.parametrize("change, message", [
    (lambda h: h.update(version=2), "format version 2, but this glassnet reads version 1"),
    (lambda h: h.update(version="1"), "unreadable format version"),
    (lambda h: h.update(format="other"), "does not name the glassnet format"),
    (lambda h: h.update(kind="spaceship"), "holds a 'spaceship'"),
    (lambda h: h["arrays"].clear(), "lists"),
    (lambda h: h["meta"].update(n_x=4), "need 59 parameters"),
    (lambda h: h["meta"]["layers"][0].update(units=10 ** 9), "need"),  # never allocated
    (lambda h: h["meta"]["layers"][0]["activation"].update(name="nope"), "cannot be rebuilt"),
    (lambda h: h["arrays"]["parameters"].update(shape=[1]), "checksum"),
    (lambda h: h.update(kind="estimator", meta={"class": "os"}), "not a glassnet estimator"),
])
def test_wrong_version_or_inconsistent_header(saved, tmp_path, change, message):
    path, _ = saved
    with pytest.raises(FileFormatError, match=message):
        gn.load(rewrite_header(path, tmp_path / "changed.npz", change))


def test_foreign_files_are_refused_without_running_code(tmp_path):
    marker = tmp_path / "code-ran"
    payload = pickle.dumps(Marker(marker))
    foreign = {
        "pickle": payload,
        "plain zip": zip_bytes({"readme.txt": b"hello"}),
        "text": b"W = [[1, 2]]\n",
        "empty": b"",
    }
    buffer = stdlib_io.BytesIO()
    np.savez(buffer, parameters=np.array([Marker(marker)], dtype=object))
    foreign["npz with a pickled object array"] = buffer.getvalue()
    for what, content in foreign.items():
        path = tmp_path / "foreign.npz"
        path.write_bytes(content)
        with pytest.raises(FileFormatError, match="not a glassnet file"):
            gn.load(path)
        assert not marker.exists(), what


def test_a_pickled_object_array_inside_a_glassnet_archive_is_never_unpickled(saved, tmp_path):
    path, _ = saved
    marker = tmp_path / "code-ran"
    buffer = stdlib_io.BytesIO()
    np.save(buffer, np.array([Marker(marker)], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(path) as archive:
        header = archive.read("glassnet.json")
    damaged = tmp_path / "evil.npz"
    damaged.write_bytes(zip_bytes({"glassnet.json": header, "parameters.npy": buffer.getvalue()}))
    with pytest.raises(FileFormatError, match="never writes"):
        gn.load(damaged)
    assert not marker.exists()


def test_npy_entry_with_a_lying_shape_is_refused_before_reading(saved, tmp_path):
    path, _ = saved
    buffer = stdlib_io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": "<f8", "fortran_order": False, "shape": (10 ** 12,)})
    buffer.write(b"\0" * 16)
    with zipfile.ZipFile(path) as archive:
        header = archive.read("glassnet.json")
    lying = tmp_path / "lying.npz"
    lying.write_bytes(zip_bytes({"glassnet.json": header, "parameters.npy": buffer.getvalue()}))
    with pytest.raises(FileFormatError, match="truncated"):
        gn.load(lying)


def test_missing_file_is_the_usual_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        gn.load(tmp_path / "nope.npz")


def zip_bytes(entries):
    buffer = stdlib_io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()
