"""Problem files: an exercise in the notes' terms, in YAML or JSON, ready to be worked.

A problem gives the network's numbers, the data and what to do with them::

    title: One hidden layer of 2 sigmoid units    # optional: title, source, description
    X: [[0, 0, 1, 1],                             # (n_x, m), one example per column
        [0, 1, 0, 1]]
    Y: [0, 1, 1, 1]                               # optional: without Y, a forward pass
    layers:
      - W: [[0.2, 0.4], [0.3, 0.5]]               # W[1]: (n[1], n[0])
        b: [0.3, 0.5]                             # b[1]: (n[1], 1), or a flat list
        activation: sigmoid
      - W̃: [[0.5, 0.4, 0.6]]                     # or the exercises' W̃[2] = [b[2] | W[2]]
        activation: sigmoid                       #   (also spelled W_tilde)
    loss: half_squared_error                      # optional; default follows the output
    learning_rate: 0.5                            # α, needed with Y
    steps: 1                                      # optional, default 1
    products: input-first                         # optional: write Z's terms as (a·w)
    precision: {decimals: 3}                      # optional: what `check` asks for

A flat list is one example for X (a column, as the notes write x = [1, 4, 0.5]) unless
the network has one input, and the row of targets for Y unless it has several outputs.
``notation`` ("W,b" or "bias-column") chooses how the solution writes the parameters; by
default it follows the layers: W̃ given, W̃ shown.

An architecture alone (no numbers) is a problem too: ``n_x: 5`` and layers with ``units``
and ``activation``; its solution is the shapes (and ``m: 3`` gives Z[l] and A[l] theirs).
``n_x: open`` leaves the number of inputs open: the shapes and the parameter count are
then written in n_x, as the notes count 3m + 14 parameters for m inputs.

Every field is checked; an incomplete or inconsistent file gets an error that names the
field and says what was expected ("layer 2: W[2] has 3 columns but layer 1 has 2 units").
"""

import itertools
import json
import os
from pathlib import Path
from typing import Any

from ..errors import ConfigError, DataError, FileFormatError, GlassnetError, ShapeError
from ..network import Network
from ..validation import check_learning_rate, check_positive_int
from .fields import (
    BIAS_COLUMN_KEYS,
    is_architecture,
    layer_activation,
    matrix,
    network_and_notation,
    number,
    whole_number,
)
from .notation import count
from .precision import DEFAULT, precision_from_field
from .trace import MAX_STEPS, Trace, trace

#: the limits of a problem or answers file (a hand exercise is far inside each)
MAX_FILE_BYTES = 1 << 20
MAX_DEPTH = 20
MAX_VALUES = 200_000
MAX_PARAMETERS = 1_000_000  # of a problem of shapes only (its parameters are not given)

_TOP_FIELDS = ("title", "source", "description", "notation", "products", "X", "Y", "layers",
               "loss", "learning_rate", "steps", "n_x", "m", "precision",
               "exercise")  # exercise: how it is set to a class (read by ``exercise``)


class Problem:
    """A parsed problem file: its ``network`` (parameters given), data and settings."""

    def __init__(self, network, X=None, Y=None, learning_rate=None, steps=1, notation="W,b",
                 title=None, source=None, description=None, m=None, given_parameters=True,
                 path=None, products="weight-first", precision=DEFAULT, n_x_open=False):
        self.network = network
        self.X, self.Y = X, Y
        self.learning_rate = learning_rate
        self.steps = steps
        self.notation = notation
        self.title, self.source, self.description = title, source, description
        self.m = m
        self.given_parameters = given_parameters
        self.path = path
        self.products = products
        self.precision = precision
        self.n_x_open = n_x_open

    def trace(self):
        """The worked solution's numbers: a ``Trace`` of this problem."""
        if not self.given_parameters:
            return Trace(self.network, None, None, None, [], self.notation, self.title,
                         self.description, m=self.m, products=self.products,
                         n_x_open=self.n_x_open)
        return trace(self.network, self.X, self.Y, learning_rate=self.learning_rate,
                     steps=self.steps, notation=self.notation, title=self.title,
                     description=self.description, products=self.products)

    def __repr__(self):
        arch = " → ".join(str(n) for n in self.network.sizes)
        return f"<Problem {self.title or self.path or ''!s}: Network({arch})>"


# ------------------------------------------------------------------------------ reading
def read_file(path, keep_number_text=False):
    """The mapping in a YAML or JSON file (JSON by a .json suffix, YAML otherwise).

    With ``keep_number_text`` every number stays the text it was written as ("0.710"), for
    judging an answer at its written precision. Only a regular file of at most
    ``MAX_FILE_BYTES`` is read, nested at most ``MAX_DEPTH`` deep and holding at most
    ``MAX_VALUES`` values (aliases counted each time they are used): a hostile file is
    refused in bounded time and memory with a ``FileFormatError`` naming it. A name given
    twice in one mapping (two ``Z[1]:`` lines, two ``W:`` in a layer) is refused too, never
    silently the last one kept.
    """
    path = Path(path)
    text = _read_text(path)
    try:
        data = _parse(path, text, keep_number_text)
    except RecursionError:
        raise FileFormatError(f"{path}: nested too deeply (at most {MAX_DEPTH} levels)"
                              ) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        if isinstance(exc, GlassnetError):
            raise
        raise FileFormatError(f"{path}: a value cannot be read: {exc}") from None
    _check_size(data, path)
    return data


def _read_text(path):
    try:
        if not path.is_file():
            raise FileFormatError(f"cannot read {path}: "
                                  + ("not a regular file" if path.exists() else "no such file"))
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileFormatError(f"{path} has {size} bytes; a problem or answers file has at "
                                  f"most {MAX_FILE_BYTES}")
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)  # the file may grow after stat
        if len(raw) > MAX_FILE_BYTES:
            raise FileFormatError(f"{path} has more than {MAX_FILE_BYTES} bytes")
        return raw.decode("utf-8")
    except OSError as exc:
        raise FileFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FileFormatError(f"{path} is not a text file (UTF-8)") from None


def _parse(path, text, keep_number_text):
    if path.suffix.lower() == ".json":
        numbers = {"parse_float": str, "parse_int": str} if keep_number_text else {}
        try:
            return json.loads(text, object_pairs_hook=lambda pairs: _unique(path, pairs),
                              **numbers)
        except json.JSONDecodeError as exc:
            raise FileFormatError(f"{path}: line {exc.lineno}: {exc.msg}") from None
    import yaml  # a core dependency, imported when a problem file is read

    try:
        return yaml.load(text, Loader=_loaders(yaml)[keep_number_text])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise FileFormatError(f"{path}: {where}not valid YAML ({getattr(exc, 'problem', exc)})"
                              ) from None


def _unique(path, pairs):
    """A JSON object's mapping, refused when it gives a name twice."""
    keys = [k for k, _ in pairs]
    twice = next((k for k in keys if keys.count(k) > 1), None)
    if twice is not None:
        raise FileFormatError(f"{path}: {twice!r} is given twice")
    return dict(pairs)


_LOADERS: dict = {}


def _loaders(yaml):
    """{keep_number_text: loader}: PyYAML's safe loaders, refusing a name given twice."""
    if not _LOADERS:
        for keep, base in ((False, yaml.SafeLoader), (True, yaml.BaseLoader)):
            class Unique(base):
                def construct_mapping(self, node, deep=False):
                    seen = set()
                    for k, _ in node.value:
                        if not isinstance(k, yaml.ScalarNode) or k.tag.endswith(":merge"):
                            continue  # a << merge, or a key PyYAML refuses itself
                        if k.value in seen:
                            raise yaml.constructor.ConstructorError(
                                None, None, f"{k.value!r} is given twice", k.start_mark)
                        seen.add(k.value)
                    return super().construct_mapping(node, deep=deep)
            _LOADERS[keep] = Unique
    return _LOADERS


def _check_size(data, path):
    """Refuse nesting deeper than MAX_DEPTH or more than MAX_VALUES values (a walk that
    stops as soon as either is passed, so that a file of aliases of aliases stays cheap)."""
    count, stack = 0, [(data, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise FileFormatError(f"{path}: more than {MAX_VALUES} values; a problem worked "
                                  "by hand has far fewer")
        if depth > MAX_DEPTH:
            raise FileFormatError(f"{path}: nested too deeply (at most {MAX_DEPTH} levels)")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def load_problem(path: str | os.PathLike) -> Problem:
    """The ``Problem`` in a YAML or JSON file, checked field by field."""
    path = Path(path)
    data = read_file(path)
    try:
        return problem_from_dict(data, path=path)
    except GlassnetError as exc:
        raise type(exc)(f"{path.name}: {exc}") from None


def problem_from_dict(data: Any, path: str | os.PathLike | None = None) -> Problem:
    """A ``Problem`` from the mapping a problem file holds (see the module docstring)."""
    if not isinstance(data, dict):
        raise FileFormatError("a problem file must hold a mapping of fields (X:, layers:, …), "
                              f"got {type(data).__name__}")
    unknown = [k for k in data if k not in _TOP_FIELDS]
    if unknown:
        raise ConfigError(f"unknown field {unknown[0]!r}; the fields are: {', '.join(_TOP_FIELDS)}")
    layers = data.get("layers")
    if not isinstance(layers, list) or not layers:
        raise ConfigError("layers: missing; expected a list with one entry per layer "
                          "(W and b, or W̃, and activation)")
    texts = {k: _text(data, k) for k in ("title", "source", "description")}
    notation = data.get("notation")
    if notation is not None and notation not in ("W,b", "bias-column"):
        raise ConfigError(f"notation: expected 'W,b' or 'bias-column', got {notation!r}")
    texts["precision"] = precision_from_field(data.get("precision"))
    texts["products"] = data.get("products", "weight-first")
    if texts["products"] not in ("weight-first", "input-first"):
        raise ConfigError("products: expected 'weight-first' (w·a) or 'input-first' (a·w), "
                          f"got {texts['products']!r}")
    if all(is_architecture(layer) for layer in layers):
        return _architecture_problem(data, layers, notation, texts, path)
    loss = data.get("loss")
    network, bias_column = network_and_notation(layers, loss)
    X, Y = _data(data, network)
    alpha, steps = _settings(data, Y)
    return Problem(network, X, Y, alpha, steps,
                   notation or ("bias-column" if bias_column else "W,b"), path=path, **texts)


# ------------------------------------------------------------------------------- fields
def _text(data, key):
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{key}: expected text, got {value!r}")
    return value


def _architecture_problem(data, layers, notation, texts, path):
    for key in ("X", "Y", "learning_rate", "steps"):
        if key in data:
            raise ConfigError(f"{key} is given but the layers have no weights; give each "
                              "layer W and b (or W̃) to work a step")
    if "n_x" not in data:
        raise ConfigError("n_x: missing; a problem of shapes only needs the number of inputs, "
                          "or 'n_x: open' for a count in n_x")
    n_x_open = data["n_x"] == "open"
    # with n_x open the network is built with 1 input in its place (the shapes and the
    # count are then written in n_x, never from this 1)
    n_x = 1 if n_x_open else check_positive_int(whole_number(data["n_x"], "n_x"), "n_x")
    sizes, names = [n_x], []
    for l, layer in enumerate(layers, 1):
        names.append(layer_activation(layer, l))
        if not is_architecture(layer) or "W" in layer or any(
                k in layer for k in BIAS_COLUMN_KEYS):
            raise ConfigError(f"layer {l}: in a problem of shapes only every layer gives "
                              "units (and no weights)")
        sizes.append(check_positive_int(whole_number(layer["units"], f"layer {l}: units"),
                                        f"layer {l}: units"))
    count = sum(n * (n_prev + 1) for n_prev, n in itertools.pairwise(sizes))
    if count > MAX_PARAMETERS:
        widest = max(range(len(sizes)), key=sizes.__getitem__)
        culprit = "n_x" if widest == 0 else f"layer {widest}: units"
        raise ConfigError(f"{culprit}: a network of {count:,} parameters ({' → '.join(map(str, sizes))}); "
                          f"a problem of shapes only has at most {MAX_PARAMETERS:,}")
    m = data.get("m")
    m = None if m is None else check_positive_int(whole_number(m, "m"), "m")
    loss = data.get("loss")
    network = Network(sizes, activations=names[:-1], output=names[-1], loss=loss,
                      initializer="zeros")
    return Problem(network, notation=notation or "W,b", m=m, given_parameters=False,
                   path=path, n_x_open=n_x_open, **texts)


def _data(data, network):
    if "X" not in data:
        raise ConfigError(f"X: missing; expected the inputs, shape (n_x, m) = "
                          f"({network.n_x}, m), one example per column")
    X = matrix(data["X"], "X", row_if_flat=network.n_x == 1)
    if X.shape[0] != network.n_x:
        hint = " (examples must be columns: transpose X)" if X.shape[1] == network.n_x else ""
        raise ShapeError(f"X has {count(X.shape[0], 'row')} but W[1] has "
                         f"{count(network.n_x, 'column')}: X must "
                         f"have shape (n_x, m) = ({network.n_x}, m){hint}")
    if data.get("Y") is None:
        return X, None
    n_L = network.sizes[-1]
    Y = matrix(data["Y"], "Y", row_if_flat=n_L == 1)
    if Y.shape != (n_L, X.shape[1]):
        raise ShapeError(f"Y has shape {Y.shape} but must have shape (n[L], m) = "
                         f"({n_L}, {X.shape[1]}): one target column per example of X")
    try:
        network.loss.check_targets(Y)
    except GlassnetError as exc:
        raise DataError(f"Y: {exc}") from None
    return X, Y


def _settings(data, Y):
    steps = data.get("steps", 1)
    steps = check_positive_int(whole_number(steps, "steps"), "steps")
    if steps > MAX_STEPS:
        raise ConfigError(f"steps: {steps} steps; a problem file works at most {MAX_STEPS}")
    if Y is None:
        if "learning_rate" in data or steps != 1:
            raise ConfigError("Y: missing; a gradient step (learning_rate, steps) needs the "
                              "targets Y, shape (n[L], m)")
        return None, 1
    if "learning_rate" not in data:
        raise ConfigError("learning_rate: missing; the update W := W − α dW needs α, a "
                          "number > 0")
    return check_learning_rate(number(data["learning_rate"], "learning_rate"),
                               "learning_rate α"), steps


