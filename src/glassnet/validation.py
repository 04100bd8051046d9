"""Validation: checking arrays against the notes' conventions before any arithmetic.

Examples are columns: X has shape (n_x, m) and Y has shape (n[L], m). These helpers turn
what a user passes into arrays of the network's dtype, or raise an error that says, in the
notes' terms, what is wrong and how to fix it.
"""

import numbers

import numpy as np

from .errors import ConfigError, DataError, GlassnetTypeError, ShapeError


def as_float_array(value, name, dtype):
    """``value`` as a float array of ``dtype``, or a clear error if it is not numeric."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise GlassnetTypeError(f"{name} could not be read as an array of numbers: {exc}") from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    ):
        raise GlassnetTypeError(f"{name} must hold numbers, got an array of {array.dtype}")
    if np.iscomplexobj(array):
        raise GlassnetTypeError(f"{name} must hold real numbers, got complex values")
    return array.astype(dtype, copy=False)


def check_finite(array, name):
    """Raise a DataError naming the first NaN or infinite entry of ``array``."""
    # A finite sum proves every entry finite (a NaN or ±inf makes it NaN or infinite)
    # without np.isfinite's boolean copy of the data; entries are examined only otherwise.
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(array)):
            return
    if not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        where = ", ".join(str(int(i)) for i in bad)
        raise DataError(
            f"{name} holds {array[tuple(bad)]} at [{where}]; remove or fill missing values "
            "before training"
        )


def check_X(X, n_x, dtype):
    """X as a (n_x, m) array of ``dtype``: numeric, finite, at least one example."""
    X = as_float_array(X, "X", dtype)
    if X.ndim == 1 and n_x == 1:
        X = X.reshape(1, -1)
    if X.ndim != 2:
        raise ShapeError(
            f"X must be a 2-D array of shape (n_x, m) = ({n_x}, m), examples as columns; "
            f"got {X.ndim}-D shape {X.shape}"
            + ("; for a single example use x.reshape(-1, 1)" if X.ndim == 1 else "")
        )
    if X.shape[1] == 0:
        raise DataError("X has no examples (m = 0 columns); training needs m ≥ 1")
    if X.shape[0] != n_x:
        hint = ""
        if X.shape[1] == n_x:
            hint = "; it looks like examples are rows: pass X.T (the notes put examples in columns)"
        raise ShapeError(
            f"X has {X.shape[0]} rows but W[1] expects n_x = {n_x} features "
            f"(X must have shape (n_x, m) = ({n_x}, m)); got shape {X.shape}{hint}"
        )
    check_finite(X, "X")
    return X


def check_Y(Y, n_L, m, dtype, loss=None):
    """Y as a (n[L], m) array of ``dtype``, finite, with targets the loss can score."""
    Y = as_float_array(Y, "Y", dtype)
    if Y.ndim == 1 and n_L == 1:
        Y = Y.reshape(1, -1)
    if Y.ndim != 2 or Y.shape != (n_L, m):
        hint = ""
        if Y.ndim == 2 and Y.shape == (m, n_L):
            hint = "; it looks like examples are rows: pass Y.T"
        raise ShapeError(
            f"Y must have shape (n[L], m) = ({n_L}, {m}) to match A[{'L'}] and X's {m} "
            f"examples; got shape {Y.shape}{hint}"
        )
    check_finite(Y, "Y")
    if loss is not None:
        loss.check_targets(Y)
    return Y


def check_positive_int(value, name, minimum=1):
    """``value`` as an int ≥ ``minimum``, or a ConfigError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ConfigError(f"{name} must be a whole number ≥ {minimum}, got {value!r}")
    return int(value)


def check_learning_rate(value, name="learning rate α"):
    """A finite float > 0, or a ConfigError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigError(f"{name} must be a number > 0, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ConfigError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_non_negative(value, name):
    """A finite float ≥ 0, or a ConfigError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigError(f"{name} must be a number ≥ 0, got {value!r}")
    if not np.isfinite(value) or value < 0:
        raise ConfigError(f"{name} must be a finite number ≥ 0, got {value!r}")
    return float(value)


def check_dtype(dtype):
    """float32 or float64, as a NumPy dtype."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ConfigError(f"dtype must be float32 or float64, got {dtype!r}")
    return dt
