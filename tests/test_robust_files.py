"""Faults in model files: saves interrupted at every point, estimators' files damaged, files
mutated at random. Nothing the user saved may be lost; nothing damaged may load.

tests/test_io.py checks a network's file (one interrupted write, every truncation, every
bit flip, wrong versions, foreign files); this file extends that to:

* a save interrupted at *every* byte of the write, for a network and for an estimator, by
  three kinds of fault: an OSError (the disk is full), a KeyboardInterrupt (Ctrl-C), and
  a real crash (a forked child process dies by ``os._exit`` with no clean-up at all); and
  a failure of the final fsync or rename. The previous file must stay byte for byte;
* an estimator's file (several arrays, optimizer state, generator state) truncated at
  every length and bit-flipped at every byte;
* Hypothesis mutations: random byte edits of both files, and random values put anywhere in
  their JSON metadata. Each must be refused with a FileFormatError, or load to a model that
  works (a metadata edit can be a valid, different model), never anything else.

Faults and cases are counted; ``test_robust_file_counts`` prints them (run with ``-s``).
"""

import errno
import os
import signal
import time
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as gn
from glassnet import io
from glassnet.errors import FileFormatError, GlassnetError
from test_io import rewrite_header

estimators = pytest.importorskip("glassnet.estimators")

EXAMPLES = int(os.environ.get("GLASSNET_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
COUNTS = {"interrupted saves": 0, "crashed saves": 0, "truncations": 0, "bit flips": 0,
          "byte mutations": 0, "metadata mutations": 0}
X_ROWS = gn.datasets.moons(n_samples=60, seed=1)[0].T  # rows as examples, as estimators take


def network(seed):
    return gn.Network([3, 5, 4, 2], activations=["tanh", "leaky_relu"], seed=seed)


def estimator(seed):
    X, y = gn.datasets.moons(n_samples=80, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the short fit does not converge
        return estimators.MLPClassifier(hidden_layer_sizes=(5,), max_iter=20,
                                        random_state=seed).fit(X.T, y)


def same(a, b):
    """The same network, or the same fitted estimator, bit for bit."""
    if isinstance(a, gn.Network):
        return (isinstance(b, gn.Network) and a.config() == b.config()
                and a.parameters.tobytes() == b.parameters.tobytes())
    return (type(a) is type(b) and a.network_.config() == b.network_.config()
            and a.network_.parameters.tobytes() == b.network_.parameters.tobytes()
            and a.predict_proba(X_ROWS).tobytes() == b.predict_proba(X_ROWS).tobytes())


KINDS = {"network": network, "estimator": estimator}


# ====================================================================== interrupted saves
class FailingFile:
    """A file that writes its first ``budget`` bytes, then calls ``fault`` (which raises,
    or ends the process) instead of writing more."""

    def __init__(self, file, budget, fault):
        self._file, self.budget, self.fault, self.written = file, budget, fault, 0

    def write(self, data):
        data = bytes(data)
        if len(data) > self.budget:
            self._file.write(data[:self.budget])
            self._file.flush()
            self.written += self.budget
            self.budget = 0
            self.fault()
        self.budget -= len(data)
        self.written += len(data)
        return self._file.write(data)

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self._file.close()


class FaultyOs:
    """``os`` as glassnet.io sees it, with faults: its file writes stop after ``budget``
    bytes, and ``fsync`` or ``replace`` may fail."""

    def __init__(self, budget=float("inf"), fault=None, fail=()):
        self.budget, self.fault, self.fail, self.file = budget, fault, fail, None

    def fdopen(self, fd, mode):
        self.file = FailingFile(os.fdopen(fd, mode), self.budget, self.fault)
        return self.file

    def fsync(self, fd):
        if "fsync" in self.fail:
            raise OSError(errno.EIO, "fsync failed (injected)")
        os.fsync(fd)

    def replace(self, src, dst):
        if "replace" in self.fail:
            raise OSError(errno.EXDEV, "rename failed (injected)")
        os.replace(src, dst)

    def __getattr__(self, name):
        return getattr(os, name)


def bytes_written_by_a_save(obj, path, monkeypatch):
    faulty = FaultyOs()
    monkeypatch.setattr(io, "os", faulty)
    gn.save(obj, path)
    monkeypatch.setattr(io, "os", os)
    return faulty.file.written


def disk_full():
    raise OSError(errno.ENOSPC, "No space left on device (injected)")


def interrupted():
    raise KeyboardInterrupt


@pytest.fixture(params=list(KINDS))
def old_and_new(request, tmp_path):
    make = KINDS[request.param]
    old, new = make(1), make(2)
    path = tmp_path / "model.npz"
    gn.save(old, path)
    return path, old, new


def assert_old_file_intact(path, before, old):
    assert path.read_bytes() == before, "the previous file changed"
    assert same(gn.load(path), old)


@pytest.mark.parametrize("fault", [disk_full, interrupted], ids=["OSError", "KeyboardInterrupt"])
def test_a_save_failing_at_any_byte_leaves_the_previous_file(old_and_new, fault, monkeypatch):
    path, old, new = old_and_new
    before = path.read_bytes()
    total = bytes_written_by_a_save(new, path.with_name("probe.npz"), monkeypatch)
    path.with_name("probe.npz").unlink()
    expected = KeyboardInterrupt if fault is interrupted else OSError
    for budget in range(total):  # the fault strikes before byte `budget` is written
        COUNTS["interrupted saves"] += 1
        monkeypatch.setattr(io, "os", FaultyOs(budget, fault))
        with pytest.raises(expected):
            gn.save(new, path)
        monkeypatch.setattr(io, "os", os)
        assert path.read_bytes() == before, f"a fault at byte {budget} changed the file"
        assert os.listdir(path.parent) == ["model.npz"], "a temporary file was left behind"
    assert same(gn.load(path), old)
    monkeypatch.setattr(io, "os", FaultyOs(total, disk_full))  # enough budget: it saves
    gn.save(new, path)
    monkeypatch.setattr(io, "os", os)
    assert same(gn.load(path), new)


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_failing_fsync_or_rename_leaves_the_previous_file(old_and_new, step, monkeypatch):
    path, old, new = old_and_new
    before = path.read_bytes()
    COUNTS["interrupted saves"] += 1
    monkeypatch.setattr(io, "os", FaultyOs(fail=(step,)))
    with pytest.raises(OSError, match="injected"):
        gn.save(new, path)
    monkeypatch.setattr(io, "os", os)
    assert_old_file_intact(path, before, old)
    assert os.listdir(path.parent) == ["model.npz"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_process_killed_at_any_point_of_a_save_leaves_the_previous_file(old_and_new,
                                                                         monkeypatch):
    # A real crash: a forked child starts the save and dies (os._exit: no exception, no
    # finally, no clean-up) after `budget` bytes, every 16 bytes through the write.
    path, old, new = old_and_new
    before = path.read_bytes()
    total = bytes_written_by_a_save(new, path.with_name("probe.npz"), monkeypatch)
    path.with_name("probe.npz").unlink()
    for budget in [*range(0, total, 16), total - 1]:
        COUNTS["crashed saves"] += 1
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            try:
                io.os = FaultyOs(budget, lambda: os._exit(7))
                gn.save(new, path)
            finally:
                os._exit(1)
        assert exit_code(pid) == 7, f"the child did not die at byte {budget}"
        assert path.read_bytes() == before, f"a crash at byte {budget} changed the file"
        for leftover in os.listdir(path.parent):  # a crash can leave its temporary file
            assert leftover == "model.npz" or (leftover.startswith(".model.npz.")
                                               and leftover.endswith(".tmp")), leftover
            if leftover != "model.npz":
                os.unlink(path.parent / leftover)
    assert same(gn.load(path), old)


def exit_code(pid, seconds=60):
    """The exit code of a child process (killed, and failed, if it hangs)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.001)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError("the saving child process hung")


# ====================================================================== damaged estimator files
@pytest.fixture(scope="module")
def saved_estimator(tmp_path_factory):
    path = tmp_path_factory.mktemp("estimator") / "model.npz"
    model = estimator(0)
    gn.save(model, path)
    return path, model


def test_every_truncation_of_an_estimator_file_is_refused(saved_estimator, tmp_path):
    path, _ = saved_estimator
    data = path.read_bytes()
    cut = tmp_path / "cut.npz"
    for length in range(len(data)):
        COUNTS["truncations"] += 1
        cut.write_bytes(data[:length])
        with pytest.raises(FileFormatError):
            gn.load(cut)


def test_bit_flips_in_an_estimator_file_are_refused_or_harmless(saved_estimator, tmp_path):
    path, model = saved_estimator
    data = path.read_bytes()
    flipped = tmp_path / "flipped.npz"
    refused = 0
    for position in range(len(data)):
        COUNTS["bit flips"] += 1
        damaged = bytearray(data)
        damaged[position] ^= 1 << (position % 8)
        flipped.write_bytes(damaged)
        try:
            loaded = gn.load(flipped)
        except FileFormatError:
            refused += 1
        else:  # a byte no reader uses (a timestamp, say): the same model
            assert same(loaded, model), f"a flip at byte {position} went unnoticed"
    assert refused > 0.8 * len(data)


# ====================================================================== random mutations
@pytest.fixture(scope="module")
def saved_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("files")
    files = {}
    for kind, make in KINDS.items():
        model = make(0)
        gn.save(model, folder / f"{kind}.npz")
        files[kind] = (folder / f"{kind}.npz", model)
    return files


def load_or_refuse(path, original):
    """Refused with a FileFormatError, or a model that works; nothing else."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            loaded = gn.load(path)
        except FileFormatError as exc:
            assert str(exc), "a refusal without a message"
            return None
        try:
            if isinstance(loaded, gn.Network):
                out = loaded.forward(np.ones((loaded.n_x, 3)))
            else:
                out = loaded.predict_proba(X_ROWS) if hasattr(loaded, "network_") else 0.0
        except GlassnetError as exc:  # a model the edit made inconsistent is told clearly
            assert str(exc)
            return loaded
    assert np.all(np.isfinite(out))
    return loaded


edits = st.lists(st.tuples(st.sampled_from(["flip", "set", "insert", "delete", "swap"]),
                           st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                 min_size=1, max_size=6)


@FUZZ
@given(kind=st.sampled_from(list(KINDS)), changes=edits)
def test_random_byte_edits_are_refused_or_harmless(saved_files, tmp_path_factory, kind,
                                                   changes):
    path, model = saved_files[kind]
    data = bytearray(path.read_bytes())
    for what, where, value in changes:
        i = int(where * len(data))
        if what == "flip":
            data[i] ^= 1 << (value % 8)
        elif what == "set":
            data[i] = value
        elif what == "insert":
            data[i:i] = bytes([value]) * (1 + value % 7)
        elif what == "delete":
            del data[i:i + 1 + value % 7]
        else:  # move a block of bytes elsewhere
            block = data[i:i + 1 + value]
            del data[i:i + 1 + value]
            j = int(where * value) % max(len(data), 1)
            data[j:j] = block
    COUNTS["byte mutations"] += 1
    damaged = tmp_path_factory.getbasetemp() / f"mutated-{kind}.npz"
    damaged.write_bytes(bytes(data))
    loaded = load_or_refuse(damaged, model)
    if loaded is not None and bytes(data) != path.read_bytes():
        assert same(loaded, model), "a damaged file loaded as a different model"


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
              st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
              st.sampled_from([0, 1, -1, 10**9, "relu", "softmax", "adam", "float16",
                               "__import__", "os.system", "MLPClassifier", "PCG64"])),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=8)


def paths(value, prefix=()):
    """Every place in a JSON tree (as a tuple of keys and indexes)."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


@FUZZ
@given(kind=st.sampled_from(list(KINDS)), data=st.data())
def test_random_metadata_is_refused_or_loads_a_working_model(saved_files, tmp_path_factory,
                                                             kind, data):
    path, model = saved_files[kind]

    def mutate(header):
        for _ in range(data.draw(st.integers(1, 3))):
            where = data.draw(st.sampled_from(list(paths(header))[1:]))
            parent = header
            for key in where[:-1]:
                parent = parent[key]
            if data.draw(st.integers(0, 4)) == 0 and isinstance(parent, dict):
                del parent[where[-1]]
            else:
                parent[where[-1]] = data.draw(json_values)

    COUNTS["metadata mutations"] += 1
    damaged = tmp_path_factory.getbasetemp() / f"meta-{kind}.npz"
    load_or_refuse(rewrite_header(path, damaged, mutate), model)




def set_at(*keys_and_value):
    *keys, value = keys_and_value

    def change(header):
        place = header
        for key in keys[:-1]:
            place = place[key]
        place[keys[-1]] = value
    return change


@pytest.mark.parametrize("change, message", [  # what the fuzzers above found, kept
    (set_at("meta", "n_features_in_", 7), "n_x = 2 inputs but says n_features_in_ = 7"),
    (set_at("meta", "attributes", "coefs_", 1), "unknown attribute 'coefs_'"),
    # issue 10: labels that do not fit the output layer (2 yes/no labels need 2 units)
    (set_at("meta", "multilabel", True), r"2 class\(es\) but its network has n\[L\] = 1"),
    (set_at("meta", "optimizer", "t", float("inf")), "infinity"),
    (lambda header: header.pop("meta"), "'meta'"),
    # a file claiming a huge layer must be refused before anything is allocated
    (set_at("meta", "network", "layers", 0, "units", 10**9), "need 4000000001 parameters"),
])
def test_damaged_estimator_metadata_found_by_fuzzing(saved_files, tmp_path, change, message):
    path, _ = saved_files["estimator"]
    with pytest.raises(FileFormatError, match=message):
        gn.load(rewrite_header(path, tmp_path / "damaged.npz", change))


def test_robust_file_counts():
    """Runs last in this file: the faults injected and cases tried."""
    print("\nfile faults: " + ", ".join(f"{k} {v}" for k, v in COUNTS.items()))
    if not COUNTS["interrupted saves"]:
        pytest.skip("run together with the tests of this file to count their cases")
    assert COUNTS["metadata mutations"] >= EXAMPLES
