"""The wire encoding: how the session's numbers travel to the page.

Maps are values on [−1, 1] sent as one byte each (0 = −1 orange, 128 = 0, 255 = +1 blue),
each at the size the page draws it: every neuron's small map in the diagram is THUMB ×
THUMB (every THUMB_STEP-th point of the grid, so exactly the big map's values there), the
output layer's maps, and the map of the neuron the page shows large (its *focus*), are GRID
× GRID. A frame's maps are, in that order:

    every neuron's THUMB² map, layer by layer · the output layer's GRID² maps · the focus'
    GRID² map (if any)

A *frame* is binary: a uint32 header length (little-endian), the JSON header, then the
maps' bytes compressed with zlib. The header's ``key`` says what the bytes are: true, the
maps themselves; false, their change since the tab's last frame (byte minus the last
frame's byte, modulo 256), so that what did not change costs next to nothing. A frame is a
key frame whenever the list of maps differs from the last frame's (another network, another
focus). Weights and points are JSON numbers rounded to 6 decimals; a number that is not
finite is sent as null.
"""

import json
import struct
import zlib

import numpy as np

GRID = 100  #: the output map has GRID × GRID pixels (and the focus neuron's map)
THUMB_STEP = 3  #: a small map takes every THUMB_STEP-th grid point, in both directions
THUMB = len(range(0, GRID, THUMB_STEP))  #: a neuron's small map has THUMB × THUMB pixels
LEVEL = 1  #: zlib's fastest level: most of its saving, a fifth of level 6's time


def quantize(values):
    """Values on [−1, 1] (clipped; NaN as 0) as uint8 0 … 255, 0 ↦ 128."""
    values = np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=-1.0)
    return np.rint((np.clip(values, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)


class Encoder:
    """One tab's frames: each one's maps sent as a change since the last one it sent."""

    def __init__(self):
        self.layout, self.maps = None, None

    def pack(self, header, layout, maps):
        """The binary frame of ``header`` and ``maps`` (uint8); ``layout`` names the list
        of maps (when it differs from the last frame's, this frame is a key frame)."""
        key = layout != self.layout
        body = maps if key else maps - self.maps  # uint8: modulo 256
        self.layout, self.maps = layout, maps
        text = json.dumps({**header, "key": key}, separators=(",", ":")).encode()
        return struct.pack("<I", len(text)) + text + zlib.compress(body.tobytes(), LEVEL)


def unpack(frame):
    """(header, the frame's bytes as a flat uint8 array: maps, or changes if not a key
    frame) of a binary frame (tests and tools use it)."""
    (n,) = struct.unpack_from("<I", frame)
    header = json.loads(frame[4:4 + n])
    return header, np.frombuffer(zlib.decompress(frame[4 + n:]), dtype=np.uint8)


class Decoder:
    """The page's side of ``Encoder`` (for tests and tools): a tab's frames, in order."""

    def __init__(self):
        self.maps = None

    def decode(self, frame):
        """(header, maps) of the next frame."""
        header, body = unpack(frame)
        self.maps = body.copy() if header["key"] else self.maps + body
        return header, self.maps


def rounded(array):
    """An array as nested lists of floats rounded to 6 decimals."""
    return np.round(np.asarray(array, dtype=float), 6).tolist()


def exact(array):
    """An array as nested lists of its exact floats (JSON keeps every digit), a value that
    is not finite as None."""
    array = np.asarray(array, dtype=float)
    return np.where(np.isfinite(array), array, None).tolist()


def finite_or_none(value):
    """A float, or None (JSON null) when it is not finite."""
    return float(value) if np.isfinite(value) else None


def points(X, labels, one_d):
    """Examples as {"x1", "x2", "label"} lists; a 1-D data set is drawn as (x, label)."""
    x2 = labels if one_d else X[1]
    return {"x1": rounded(X[0]), "x2": rounded(x2), "label": rounded(labels)}
