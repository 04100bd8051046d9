"""Files: saving a network or a fitted estimator to one file, and loading it back.

The format is open and never pickled: a zip archive (NumPy's ``.npz`` layout) holding

* ``glassnet.json``: the format name and version, the object's ``kind`` ("network" or
  "estimator"), its metadata (for a network, ``net.config()``: sizes, activations, loss),
  and for every array its dtype, shape and SHA-256 checksum;
* one ``<name>.npy`` per array (for a network, ``parameters``: the flat vector W[1] … W[L],
  b[1] … b[L]), in NumPy's own ``.npy`` format.

``numpy.load(path)`` can open such a file; ``glassnet.load`` also checks it: arrays are
read with ``allow_pickle=False``, an object array is refused before it is read, and a
truncated, bit-flipped, foreign or newer-version file raises a ``FileFormatError``, so
loading a file never runs code from it. Nor can a file make glassnet spend memory it does not
need (a zip bomb): before any entry is read, the sizes the archive declares are checked, in
all at most what the largest network takes (``network.MAX_PARAMETERS`` float64 values), and
an entry of over 16 MiB (2 million float64 values) may not inflate more than ``MAX_RATIO``
times; an entry that inflates
beyond the size it declares is cut there by the zip reader and fails its CRC check. Writing is atomic: the archive goes to a temporary
file in the same folder, is flushed to disk, then replaces the old file in one step, so a
crash while saving leaves the old file as it was.
"""

import contextlib
import errno
import hashlib
import json
import math
import os
import re
import struct
import time
import uuid
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ConfigError, FileFormatError, GlassnetTypeError
from .network import MAX_PARAMETERS

FORMAT = "glassnet"
FORMAT_VERSION = 1
_META_ENTRY = "glassnet.json"
_MAX_META_BYTES = 64 * 2 ** 20  # a larger metadata entry is not one glassnet wrote
#: the most an archive's entries may declare in all: the largest network's parameters in
#: float64, and room for the .npy headers and an estimator's small arrays
MAX_BYTES = 8 * MAX_PARAMETERS + 2 ** 20
#: the most an entry of over ``_RATIO_FROM`` bytes may inflate (file size / compressed
#: size): float64 parameters compress to about 1/1.1 of their size, a network that is
#: 99.5 % zeros to about 1/120, all zeros to 1/1000 (small zero networks stay loadable)
MAX_RATIO = 200
_RATIO_FROM = 16 * 2 ** 20
_STALE_SECONDS = 10 * 60  # a save's temporary file older than this was left by a killed save
_ARRAY_NAME = re.compile(r"[A-Za-z0-9_.\-]+")
_ARRAY_KINDS = "biufcUS"  # booleans, numbers, text: dtypes that need no pickle
# What a damaged or foreign archive can raise while being read (zipfile, zlib, json, numpy
# header parsing); each becomes a FileFormatError naming the file.
_READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, struct.error,
                ValueError, KeyError, TypeError, UnicodeDecodeError, NotImplementedError,
                RuntimeError, OverflowError, OSError)


# ---------------------------------------------------------------------- the archive
def write_archive(path, kind, meta, arrays):
    """Write ``kind``, the JSON-serializable ``meta`` and the named ``arrays`` to ``path``.

    Atomic: the old file at ``path`` (if any) stays intact until the new one is complete.
    """
    if not isinstance(kind, str) or not kind:
        raise GlassnetTypeError(f"the kind of a saved object must be a name, got {kind!r}")
    arrays = {name: _checked_array(name, value) for name, value in arrays.items()}
    header = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "kind": kind,
        "meta": meta,
        "arrays": {name: _describe(array) for name, array in arrays.items()},
    }
    try:
        text = json.dumps(header, indent=1, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise GlassnetTypeError(f"the metadata of a {kind} must be JSON-serializable: {exc}") from None
    with atomic_file(path) as file:
        with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(_META_ENTRY, text)
            for name, array in arrays.items():
                with archive.open(f"{name}.npy", "w", force_zip64=True) as entry:
                    np.lib.format.write_array(entry, array, allow_pickle=False)


@contextlib.contextmanager
def atomic_file(path):
    """A binary file to write that replaces ``path`` only once it is complete.

    The one atomic-write routine of glassnet: the bytes go to a temporary file in the same
    folder (so ``os.replace`` is one rename on one file system), are flushed to disk, then
    replace ``path`` in one step; on any failure the temporary file is removed and the old
    ``path`` stays as it was.
    """
    path = Path(path)
    # created by os.open with mode 0o666 so the permissions follow the umask like any file;
    # the name is cut so that a 255-byte file name still leaves room for the temporary one
    temp = path.with_name(f".{path.name[:200]}.{uuid.uuid4().hex}.tmp")
    _remove_stale_temporaries(path)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _remove_stale_temporaries(path):
    """Remove the temporary files an earlier save of ``path`` left when killed (SIGKILL)."""
    stale = re.compile(rf"\.{re.escape(path.name[:200])}\.[0-9a-f]{{32}}\.tmp")
    with contextlib.suppress(OSError):
        for old in path.parent.iterdir():
            if stale.fullmatch(old.name) and time.time() - old.stat().st_mtime > _STALE_SECONDS:
                old.unlink(missing_ok=True)


def write_text(path, text):
    """Write ``text`` (UTF-8) to ``path`` atomically; a ConfigError names the file on failure."""
    try:
        with atomic_file(path) as file:
            file.write(text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {os_reason(exc)}") from None


def os_reason(exc):
    """The reason an OSError gives, in words a user acts on (a full disk says so)."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return exc.strerror or str(exc)


def read_archive(path: str | os.PathLike) -> tuple[str, dict[str, Any], dict[str, np.ndarray]]:
    """Read a file written by ``write_archive``: (kind, meta, arrays).

    Raises ``FileFormatError`` for a file that is not a glassnet archive, is truncated or
    corrupt (a checksum does not match), or was written by a newer format version.
    """
    # Opening the file may raise the usual OSError (no such file, no permission); once it is
    # open, anything the zip or .npy readers raise means a damaged or foreign file.
    with open(path, "rb") as file:
        try:
            archive = zipfile.ZipFile(file)
        except zipfile.BadZipFile:
            raise FileFormatError(f"{path} is not a glassnet file: it is not a zip archive (a "
                                  "truncated file, or another format such as a pickle)") from None
        except _READ_ERRORS as exc:
            raise _corrupt(path, exc) from None
        try:
            with archive:
                header = _read_header(archive, path)
                arrays = {name: _read_array(archive, name, expected, path)
                          for name, expected in header["arrays"].items()}
        except FileFormatError:
            raise
        except _READ_ERRORS as exc:
            raise _corrupt(path, exc) from None
    return header["kind"], header["meta"], arrays


def _corrupt(path, exc):
    return FileFormatError(f"{path} is not a readable glassnet file (truncated or corrupt: "
                           f"{type(exc).__name__}: {exc})")


def _checked_array(name, value):
    if not isinstance(name, str) or not _ARRAY_NAME.fullmatch(name):
        raise GlassnetTypeError(f"array names must be made of letters, digits, '_', '.' or '-'; "
                                f"got {name!r}")
    array = np.asarray(value)
    if array.dtype.kind not in _ARRAY_KINDS:
        raise GlassnetTypeError(f"array {name!r} has dtype {array.dtype}; only numbers, "
                                "booleans and text can be saved (never pickled objects)")
    return array


def _describe(array):
    return {"dtype": array.dtype.str, "shape": list(array.shape), "sha256": _checksum(array)}


def _checksum(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def _json_default(value):
    if isinstance(value, np.generic):  # NumPy scalars in metadata: save the Python value
        return value.item()
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON-serializable")


def _sync_folder(folder):
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _check_sizes(archive, path):
    """Refuse, before inflating anything, an archive whose entries declare more bytes than
    a glassnet file can hold, or an entry compressed far better than numbers compress."""
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    if total > MAX_BYTES:
        largest = max(infos, key=lambda info: info.file_size)
        raise FileFormatError(
            f"{path}: its entries would inflate to {total:,} bytes ({largest.filename!r} "
            f"alone to {largest.file_size:,}), more than the {MAX_BYTES:,} of the largest "
            f"network glassnet builds ({MAX_PARAMETERS:,} parameters); refusing to read it")
    for info in infos:
        if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileFormatError(
                f"{path}: entry {info.filename!r} would inflate from {info.compress_size:,} "
                f"to {info.file_size:,} bytes, over {MAX_RATIO} times, which glassnet's "
                "arrays never do (a zip bomb?); refusing to read it")


def _read_header(archive, path):
    _check_sizes(archive, path)
    names = archive.namelist()
    if any(info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
           for info in archive.infolist()):
        raise FileFormatError(f"{path}: an entry uses a compression glassnet never writes")
    if _META_ENTRY not in names:
        raise FileFormatError(f"{path} is not a glassnet file (a zip without {_META_ENTRY}); "
                              "glassnet.load reads files written by glassnet.save")
    if archive.getinfo(_META_ENTRY).file_size > _MAX_META_BYTES:
        raise FileFormatError(f"{path}: its {_META_ENTRY} entry is too large to be glassnet's")
    header = json.loads(archive.read(_META_ENTRY).decode("utf-8"))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise FileFormatError(f"{path} is not a glassnet file ({_META_ENTRY} does not name "
                              "the glassnet format)")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise FileFormatError(f"{path}: unreadable format version {version!r}")
    if version > FORMAT_VERSION:
        raise FileFormatError(
            f"{path} was written in glassnet file format version {version}, but this glassnet "
            f"reads version {FORMAT_VERSION}: upgrade glassnet to load it"
        )
    arrays = header.get("arrays")
    if (not isinstance(header.get("kind"), str) or "meta" not in header or not isinstance(arrays, dict)
            or not all(isinstance(name, str) and _ARRAY_NAME.fullmatch(name) for name in arrays)):
        raise FileFormatError(f"{path}: {_META_ENTRY} lacks a valid 'kind', 'meta' or 'arrays' entry")
    expected = sorted([_META_ENTRY] + [f"{name}.npy" for name in arrays])
    if sorted(names) != expected:
        raise FileFormatError(f"{path}: the archive holds {sorted(names)}, but its "
                              f"{_META_ENTRY} lists {expected}")
    return header


def _read_array(archive, name, expected, path):
    """One ``.npy`` entry, checked against the dtype, shape and checksum in the header."""
    info = archive.getinfo(f"{name}.npy")
    with archive.open(info) as entry:
        version = np.lib.format.read_magic(entry)
        if version not in ((1, 0), (2, 0)):
            raise FileFormatError(f"{path}: array {name!r} has .npy version {version}")
        read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                       else np.lib.format.read_array_header_2_0)
        shape, _, dtype = read_header(entry)
        # Refuse object arrays (which would need pickle) and sizes the entry cannot hold
        # before reading a single element.
        if dtype.hasobject or dtype.kind not in _ARRAY_KINDS:
            raise FileFormatError(f"{path}: array {name!r} has dtype {dtype}, which glassnet "
                                  "never writes (it would need pickle); refusing to load it")
        size = math.prod(shape) * dtype.itemsize
        if entry.tell() + size != info.file_size:
            raise FileFormatError(f"{path}: array {name!r} is truncated or has extra bytes")
        entry.seek(0)
        array = np.lib.format.read_array(entry, allow_pickle=False)
        entry.read()  # reach the entry's end, where zipfile checks its CRC-32
    if (not isinstance(expected, dict) or expected.get("dtype") != array.dtype.str
            or expected.get("shape") != list(array.shape)
            or expected.get("sha256") != _checksum(array)):
        raise FileFormatError(f"{path}: array {name!r} does not match its checksum in "
                              f"{_META_ENTRY}: the file is corrupt")
    return array


# ---------------------------------------------------------------------- objects
def save(obj: Any, path: str | os.PathLike) -> None:
    """Save a ``Network`` or a fitted glassnet estimator to ``path`` (one ``.npz`` file).

    >>> import glassnet as gn
    >>> net = gn.Network([2, 3, 1], seed=0)
    >>> gn.save(net, "model.npz")                               # doctest: +SKIP
    >>> gn.load("model.npz").parameters == net.parameters       # doctest: +SKIP
    """
    from .network import Network

    if isinstance(obj, Network):
        kind, meta, arrays = "network", obj.config(), {"parameters": obj.parameters}
    elif hasattr(obj, "glassnet_state"):  # the estimators' public protocol
        kind, (meta, arrays) = "estimator", obj.glassnet_state()
    else:
        raise GlassnetTypeError(f"glassnet.save takes a Network or a glassnet estimator, "
                                f"got {type(obj).__name__}")
    write_archive(path, kind, meta, arrays)


def load(path: str | os.PathLike) -> Any:
    """Load what ``save`` wrote: a ``Network`` or a fitted estimator, bit for bit."""
    return rebuild(*read_archive(path), source=path)


def rebuild(kind, meta, arrays, source="the file"):
    """The object that ``read_archive``'s (kind, meta, arrays) describe.

    A network's metadata is its ``config()`` (keys it does not know are ignored); an
    estimator's names its class in ``glassnet.estimators``.
    """
    from .network import Network

    estimators = _estimators_module() if kind == "estimator" else None
    try:
        if kind == "network":
            _check_parameter_count(meta, arrays["parameters"], source)
            return Network.from_config(meta, arrays["parameters"])
        if estimators is not None:
            if meta.get("fitted"):  # as for a network: never allocate what a file claims
                _check_parameter_count(meta["network"], arrays["parameters"], source)
            return _estimator_from_archive(estimators, meta, arrays)
    except FileFormatError:
        raise
    except (LookupError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise FileFormatError(f"{source}: the saved {kind} cannot be rebuilt from its "
                              f"metadata ({type(exc).__name__}: {exc})") from None
    raise FileFormatError(f"{source} holds a {kind!r}, which this glassnet cannot load")


def _check_parameter_count(config, parameters, source):
    # Checked before building the network, so that a file claiming huge layers cannot
    # make glassnet allocate them.
    sizes = [config["n_x"]] + [layer["units"] for layer in config["layers"]]
    if not all(isinstance(n, int) and n >= 1 for n in sizes):
        raise FileFormatError(f"{source}: the layer sizes {sizes} are not whole numbers ≥ 1")
    expected = sum(n * n_prev + n for n_prev, n in zip(sizes[:-1], sizes[1:], strict=False))
    if parameters.ndim != 1 or parameters.size != expected:
        raise FileFormatError(f"{source}: layers of sizes {sizes} need {expected} parameters, "
                              f"but the file holds an array of shape {parameters.shape}")


def _estimators_module():
    try:
        from . import estimators
    except ImportError as exc:
        raise ConfigError(f"loading a saved estimator needs scikit-learn ({exc}): "
                          "pip install 'glassnet[sklearn]'") from None
    return estimators


def _estimator_from_archive(estimators, meta, arrays):
    name = meta.get("class")
    # Only a public estimator of glassnet.estimators may rebuild itself from a file.
    cls = getattr(estimators, name) if name in estimators.__all__ else None
    if not isinstance(cls, type) or not hasattr(cls, "from_glassnet_state"):
        raise FileFormatError(f"the file names estimator class {meta.get('class')!r}, which is "
                              "not a glassnet estimator")
    return cls.from_glassnet_state(meta, arrays)
