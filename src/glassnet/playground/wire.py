"""The wire encoding: how the session's numbers travel to the page.

Maps are GRID × GRID values on [−1, 1] sent as one byte each (0 = −1 orange, 128 = 0,
255 = +1 blue). A *frame* is binary: a uint32 header length (little-endian), the JSON
header, spaces up to a multiple of 4 bytes, then the maps' bytes. Weights and points are
JSON numbers rounded to 6 decimals; a number that is not finite is sent as null.
"""

import json
import struct

import numpy as np

GRID = 100  #: the output map has GRID × GRID pixels, every neuron's map too


def quantize(values):
    """Values on [−1, 1] (clipped; NaN as 0) as uint8 0 … 255, 0 ↦ 128."""
    values = np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=-1.0)
    return np.rint((np.clip(values, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)


def pack(header, maps):
    """Binary frame: uint32 header length (little-endian), the JSON header, padding to a
    multiple of 4 bytes, then the maps' bytes."""
    text = json.dumps(header, separators=(",", ":")).encode()
    pad = (-len(text)) % 4
    return struct.pack("<I", len(text)) + text + b" " * pad + maps.tobytes()


def unpack(frame):
    """(header, maps as a flat uint8 array) of a binary frame (tests and tools use it)."""
    (n,) = struct.unpack_from("<I", frame)
    header = json.loads(frame[4:4 + n])
    start = 4 + n + (-n) % 4
    return header, np.frombuffer(frame, dtype=np.uint8, offset=start)


def rounded(array):
    """An array as nested lists of floats rounded to 6 decimals."""
    return np.round(np.asarray(array, dtype=float), 6).tolist()


def finite_or_none(value):
    """A float, or None (JSON null) when it is not finite."""
    return float(value) if np.isfinite(value) else None


def points(X, labels, one_d):
    """Examples as {"x1", "x2", "label"} lists; a 1-D data set is drawn as (x, label)."""
    x2 = labels if one_d else X[1]
    return {"x1": rounded(X[0]), "x2": rounded(x2), "label": rounded(labels)}
