"""Validation: checking arrays against the notes' conventions before any arithmetic.

Examples are columns: X has shape (n_x, m) and Y has shape (n[L], m). These helpers turn
what a user passes into arrays of the network's dtype, or raise an error that says, in the
notes' terms, what is wrong and how to fix it.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ConfigError, DataError, GlassnetTypeError, ShapeError

if TYPE_CHECKING:  # for the hints only (numpy.typing is not loaded by `import glassnet`)
    from numpy.typing import DTypeLike


def as_float_array(value: Any, name: str, dtype: DTypeLike) -> np.ndarray:
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
    if array.dtype.kind == "f" and array.dtype.itemsize > np.dtype(dtype).itemsize:
        return _narrowed(array, name, np.dtype(dtype))
    return array.astype(dtype, copy=False)


def _narrowed(array, name, dtype):
    """``array`` cast to the narrower float ``dtype``, refusing values beyond its range."""
    with np.errstate(over="ignore"):
        cast = array.astype(dtype)
    with np.errstate(invalid="ignore"):
        beyond = np.isinf(cast) & np.isfinite(array)
    if np.any(beyond):
        where = tuple(int(i) for i in np.argwhere(beyond)[0])
        raise DataError(
            f"{name} holds {array[where]:g} at {list(where)}, beyond the largest {dtype.name} "
            f"({np.finfo(dtype).max:.3g}); scale it down or use dtype='float64'"
        )
    return cast


def all_finite(array: np.ndarray) -> bool:
    """Whether every entry of ``array`` is finite (not NaN, not ±inf).

    A finite sum of the entries proves it (a NaN or ±inf makes any sum that holds it NaN
    or infinite) without np.isfinite's boolean copy of the data; only when the sum is not
    finite, which finite entries also give when it overflows, are the entries examined.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if array.ndim == 2 and array.dtype in (np.float32, np.float64):
            # the sums of its columns by one matrix-vector product: BLAS reads the data
            # once, faster than np.sum's pairwise sum (5 ms against 8 for a 784 × 20,000 X)
            total = np.sum(np.ones(array.shape[0], array.dtype) @ array)
        else:
            total = np.sum(array)
        if np.isfinite(total):
            return True
    return bool(np.all(np.isfinite(array)))


def check_finite(array: np.ndarray, name: str) -> None:
    """Raise a DataError naming the first NaN or infinite entry of ``array``."""
    if not all_finite(array):
        bad = np.argwhere(~np.isfinite(array))[0]
        where = ", ".join(str(int(i)) for i in bad)
        raise DataError(
            f"{name} holds {array[tuple(bad)]} at [{where}]; remove or fill missing values "
            "before training"
        )


def check_X(X: Any, n_x: int, dtype: DTypeLike) -> np.ndarray:
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


def check_Y(Y: Any, n_L: int, m: int, dtype: DTypeLike, loss: Any = None) -> np.ndarray:
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


def check_positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """``value`` as an int ≥ ``minimum``, or a ConfigError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ConfigError(f"{name} must be a whole number ≥ {minimum}, got {value!r}")
    return int(value)


def _is_finite(value: numbers.Real) -> bool:
    """Whether a real number is finite: not NaN, not ±inf, not an int beyond any float."""
    try:
        return math.isfinite(value)
    except OverflowError:  # a whole number too large for a float (10**400)
        return False


def check_learning_rate(value: Any, name: str = "learning rate α") -> float:
    """A finite float > 0, or a ConfigError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigError(f"{name} must be a number > 0, got {value!r}")
    if not _is_finite(value) or value <= 0:
        raise ConfigError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_non_negative(value: Any, name: str) -> float:
    """A finite float ≥ 0, or a ConfigError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ConfigError(f"{name} must be a number ≥ 0, got {value!r}")
    if not _is_finite(value) or value < 0:
        raise ConfigError(f"{name} must be a finite number ≥ 0, got {value!r}")
    return float(value)


def check_fraction(value: Any, name: str, zero: bool = True) -> float:
    """A number in [0, 1) (or (0, 1) when ``zero`` is False), or a ConfigError naming
    ``name``: a momentum β, a decay ρ, a validation fraction."""
    value = check_non_negative(value, name)
    if value >= 1.0 or (value == 0.0 and not zero):
        raise ConfigError(f"{name} must be in {'[' if zero else '('}0, 1), got {value!r}")
    return value


def check_number(value: Any, name: str, low: float = -np.inf, high: float = np.inf, *,
                 low_open: bool = False, high_open: bool = False) -> float:
    """A finite real number in the interval from ``low`` to ``high``, as a float.

    ``low_open``/``high_open`` exclude the end point. A string, a bool, a NaN or an
    infinity is refused with an error naming ``name`` and the interval.
    """
    interval = ("(" if low_open else "[") + f"{low:g}, {high:g}" + (")" if high_open else "]")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise GlassnetTypeError(
            f"{name} must be a number in {interval}, got {type(value).__name__} {value!r}")
    if not _is_finite(value):
        raise ConfigError(f"{name} must be a finite number in {interval}, got {value!r}")
    value = float(value)
    if not ((low < value if low_open else low <= value)
            and (value < high if high_open else value <= high)):
        raise ConfigError(f"{name} must be a finite number in {interval}, got {value!r}")
    return value


def check_seed(seed: Any) -> np.random.Generator:
    """A NumPy Generator from ``seed``: None (fresh entropy), a whole number ≥ 0, or a Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ConfigError(
            f"seed must be None, a whole number ≥ 0 or a numpy.random.Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def check_dtype(dtype: Any) -> np.dtype:
    """float32 or float64, as a NumPy dtype."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    # `dt is None` first: NumPy compares None as equal to float64
    if dt is None or dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ConfigError(f"dtype must be float32 or float64, got {dtype!r}")
    return dt
