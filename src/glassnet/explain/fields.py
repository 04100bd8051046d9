"""Fields of a problem file: numbers, matrices, activations, and the layers that make a
``Network`` (W and b, or the exercises' W̃ = [b | W], and an activation each).

Every value is checked where it is read, and an error names the field in the notes' terms
("layer 2: W[2] has 3 columns but layer 1 has 2 units"): a number must be finite and of
a float's size, a matrix rectangular, an activation a known name or a mapping such as
``{name: leaky_relu, slope: 0.2}`` whose parameters are numbers. ``problems`` reads whole
files with these; ``trace`` builds a network from problem-file layers with
``network_from_layers``.
"""

import math
import numbers as numbers_module

import numpy as np

from .. import activations as activations_module
from .. import losses as losses_module
from ..errors import ConfigError, DataError, GlassnetError, ShapeError
from ..network import Network

BIAS_COLUMN_KEYS = ("W̃", "W_tilde", "Wt")
_LAYER_FIELDS = ("W", "b", "activation", "units", *BIAS_COLUMN_KEYS)


def network_from_layers(layers, loss=None):
    """A ``Network`` from problem-file layers (dicts of W, b or W̃, and activation)."""
    return network_and_notation(layers, loss)[0]


def is_architecture(layer):
    return isinstance(layer, dict) and "units" in layer


def layer_activation(layer, l):
    if not isinstance(layer, dict):
        raise ConfigError(f"layer {l}: expected a mapping with W and b (or W̃) and "
                          f"activation, got {layer!r}")
    unknown = [k for k in layer if k not in _LAYER_FIELDS]
    if unknown:
        raise ConfigError(f"layer {l}: unknown field {unknown[0]!r}; a layer has W and b (or "
                          f"W̃), and activation")
    if "activation" not in layer:
        raise ConfigError(f"layer {l}: activation is missing; expected a name such as "
                          f"{', '.join(activations_module.activations.names()[:4])}")
    return activation(layer["activation"], l)


def activation(spec, l):
    """The activation a layer names, with its parameters: ``sigmoid``, or a mapping such as
    ``{name: leaky_relu, slope: 0.2}`` or ``{name: elu, alpha: 3}`` (each one a number)."""
    field = f"layer {l}: activation"
    if isinstance(spec, dict):
        spec = {k: v if k == "name" else number(v, f"{field}: {k}") for k, v in spec.items()}
    elif not isinstance(spec, str):
        raise ConfigError(f"{field}: expected a name such as sigmoid, or a mapping such as "
                          f"{{name: leaky_relu, slope: 0.2}}, got {spec!r}")
    try:
        return activations_module.get(spec)
    except GlassnetError as exc:
        raise ConfigError(f"{field}: {exc}") from None
    except (TypeError, ValueError) as exc:  # a parameter the activation itself refuses
        raise ConfigError(f"{field}: {exc}") from None


def network_and_notation(layers, loss):
    if not isinstance(layers, list) or not layers:
        raise ConfigError("layers: expected a non-empty list, one entry per layer")
    W, b, names, bias_column = [], [], [], []
    for l, layer in enumerate(layers, 1):
        names.append(layer_activation(layer, l))
        if is_architecture(layer):
            if any(k in layer for k in ("W", "b", *BIAS_COLUMN_KEYS)):
                raise ConfigError(f"layer {l}: give units (for a problem of shapes only) or "
                                  "the numbers W and b (or W̃), not both")
            raise ConfigError(f"layer {l} gives units but no weights; give every layer its "
                              "numbers (W and b, or W̃), or none of them")
        tilde = [k for k in BIAS_COLUMN_KEYS if k in layer]
        if tilde and ("W" in layer or "b" in layer):
            raise ConfigError(f"layer {l}: give W and b, or W̃ = [b | W], not both")
        if tilde:
            Wt = matrix(layer[tilde[0]], f"layer {l}: W̃[{l}]", row_if_flat=True)
            if Wt.shape[1] < 2:
                raise ShapeError(f"layer {l}: W̃[{l}] = [b[{l}] | W[{l}]] needs a bias "
                                 f"column and at least one weight column, got shape {Wt.shape}")
            W_l, b_l = Wt[:, 1:], Wt[:, :1]
        else:
            for key in ("W", "b"):
                if key not in layer:
                    raise ConfigError(f"layer {l}: {key}[{l}] is missing; give W[{l}] "
                                      f"(n[{l}], n[{l - 1}]) and b[{l}] (n[{l}], 1), or W̃[{l}]")
            W_l = matrix(layer["W"], f"layer {l}: W[{l}]", row_if_flat=True)
            b_l = matrix(layer["b"], f"layer {l}: b[{l}]", row_if_flat=False)
            if b_l.shape != (W_l.shape[0], 1):
                raise ShapeError(
                    f"layer {l}: b[{l}] has shape {b_l.shape} but W[{l}] has {W_l.shape[0]} "
                    f"rows (units); b[{l}] must have shape (n[{l}], 1) = ({W_l.shape[0]}, 1)"
                )
        if l > 1 and W_l.shape[1] != W[-1].shape[0]:
            raise ShapeError(
                f"layer {l}: W[{l}] has {W_l.shape[1]} columns but layer {l - 1} has "
                f"{W[-1].shape[0]} units (A[{l - 1}] has {W[-1].shape[0]} rows); W[{l}] "
                f"must have shape (n[{l}], n[{l - 1}]) = ({W_l.shape[0]}, {W[-1].shape[0]})"
            )
        W.append(W_l)
        b.append(b_l)
        bias_column.append(bool(tilde))
    if loss is not None:
        try:
            loss = losses_module.get(loss)
        except GlassnetError as exc:
            raise ConfigError(f"loss: {exc}") from None
    return Network.from_parameters(W, b, names, loss=loss), all(bias_column)


# ------------------------------------------------------------------------------ numbers
def number(value, field):
    """A finite float, or an error naming ``field`` (never an OverflowError)."""
    x = None
    if isinstance(value, numbers_module.Real) and not isinstance(value, bool):
        try:
            x = float(value)
        except OverflowError:  # an integer of hundreds of digits
            raise ConfigError(f"{field}: a number of {len(str(value))} digits is too large"
                              ) from None
    elif isinstance(value, str) and len(value) <= 40:
        try:
            x = float(value)  # YAML reads 1e-3 (no dot) as text
        except ValueError:
            pass
    if x is None:
        shown = value if len(repr(value)) <= 60 else f"{repr(value)[:40]}…"
        raise ConfigError(f"{field}: expected a number, got {shown!r}")
    if not math.isfinite(x):
        raise DataError(f"{field} is {x}; expected a finite number")
    return x


def whole_number(value, field):
    """A whole number (2, 2.0, "2"), or an error naming ``field``."""
    x = number(value, field)
    if x != int(x):
        raise ConfigError(f"{field}: expected a whole number, got {value!r}")
    return int(x)


def matrix(value, field, row_if_flat):
    """A 2-D float array from a number, a flat list (a row or a column) or a list of rows."""
    if not isinstance(value, list):
        value = [value]
    if all(not isinstance(v, list) for v in value):
        rows = [value] if row_if_flat else [[v] for v in value]
    else:
        rows = value
        if not all(isinstance(r, list) for r in rows):
            raise ConfigError(f"{field}: mixes numbers and rows; write a list of rows")
        widths = {len(r) for r in rows}
        if len(widths) != 1:
            raise ShapeError(f"{field}: the rows have different lengths {sorted(widths)}; a "
                             "matrix needs rows of equal length")
    if not rows or not rows[0]:
        raise ShapeError(f"{field}: expected numbers, got an empty list")
    out = np.empty((len(rows), len(rows[0])))
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if isinstance(v, list):
                raise ShapeError(f"{field}: expected a matrix (a list of rows of numbers), "
                                 "got a deeper nesting")
            out[i, j] = number(v, f"{field}[{i + 1},{j + 1}]")  # finite, or refused
    return out
