"""Data sets: built-in examples to train on, generated from a seed, never downloaded.

Every function returns examples as COLUMNS, as the notes do: X has shape (n_x, m) and the
labels y have shape (m,). The same ``seed`` (an int, or a NumPy Generator) always gives the
same data, bit for bit; ``seed=None`` draws fresh data.

* ``playground(name, ...)``: TensorFlow Playground's six generators, "circle", "xor",
  "gauss", "spiral" (two classes, labels +1 / -1) and "reg-plane", "reg-gauss"
  (regression), with its noise (the slider's 0..50 divided by 100) and ``split`` for its
  train/test split. As in the playground, noise in "circle", "xor" and the regression sets
  is added to a *copy* of each point before its label is computed: the stored positions stay
  clean and noise only changes labels near the boundary (a point of "circle" whose radius
  is close to 2.5 may carry the other class's label). For a given seed the points are the
  same at every noise level.
* ``FEATURES`` / ``features``: the playground's input feature maps (x1, x2, x1², …).
* ``truth_table``: the notes' AND, OR, XOR; ``moons``; ``spiral``: a k-class spiral;
  ``curve``: a 1-D regression curve; ``digits``: scikit-learn's bundled 8×8 digits.
* ``one_hot`` turns class labels into the notes' Y of shape (k, m); ``targets`` gives the
  Y that labels make for an output activation (the one rule of labels → Y); ``load_csv``
  reads a user's CSV file of numbers (features and a label column).
"""

import math
import numbers
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import activations, csvfiles
from .errors import ConfigError, DataError, ShapeError
from .validation import as_float_array, check_non_negative, check_positive_int

__all__ = [
    "CLASSIFICATION",
    "FEATURES",
    "REGRESSION",
    "curve",
    "digits",
    "features",
    "load_csv",
    "moons",
    "one_hot",
    "playground",
    "spiral",
    "split",
    "targets",
    "truth_table",
]

#: the playground's data sets, by problem type
CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
REGRESSION = ("reg-plane", "reg-gauss")


def _rng(seed):
    """A NumPy Generator from ``seed``: None, a whole number ≥ 0, or a Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)
                        and seed >= 0):
        return np.random.default_rng(seed)
    raise ConfigError(f"seed must be None, a whole number ≥ 0 or a NumPy Generator, got {seed!r}")


def _halves(m):
    """Sizes of the two classes of m points: the first class gets the odd point out."""
    return m - m // 2, m // 2


# ---------------------------------------------------------------------- the playground
def _circle(m, noise, rng):
    # Class +1 inside radius 2.5, class -1 in the ring 3.5 … 5 (the playground's radius 5,
    # 0.5·5 and 0.7·5). The label is taken at the point moved by U(-5, 5)·noise.
    n_in, n_out = _halves(m)
    r = np.concatenate([rng.uniform(0.0, 2.5, n_in), rng.uniform(3.5, 5.0, n_out)])
    angle = rng.uniform(0.0, 2 * np.pi, m)
    X = np.vstack([r * np.sin(angle), r * np.cos(angle)])
    shifted = X + rng.uniform(-5.0, 5.0, (2, m)) * noise
    y = np.where(np.hypot(shifted[0], shifted[1]) < 2.5, 1.0, -1.0)
    return X, y


def _xor(m, noise, rng):
    # Points in [-5, 5]², each coordinate pushed 0.3 away from the axes; +1 in the 1st and
    # 3rd quadrants of the point moved by U(-5, 5)·noise.
    X = rng.uniform(-5.0, 5.0, (2, m))
    X += np.where(X > 0, 0.3, -0.3)
    shifted = X + rng.uniform(-5.0, 5.0, (2, m)) * noise
    y = np.where(shifted[0] * shifted[1] >= 0, 1.0, -1.0)
    return X, y


def _gauss(m, noise, rng):
    # Two Gaussian blobs around (2, 2) (+1) and (-2, -2) (-1); the variance grows linearly
    # from 0.5 at noise 0 to 4 at noise 0.5. Here noise moves the points themselves.
    variance = 0.5 + 7.0 * noise
    n_pos, n_neg = _halves(m)
    centres = np.repeat(np.array([[2.0, -2.0], [2.0, -2.0]]), [n_pos, n_neg], axis=1)
    X = centres + np.sqrt(variance) * rng.standard_normal((2, m))
    y = np.repeat([1.0, -1.0], [n_pos, n_neg])
    return X, y


def _spiral_arm(n, delta_t):
    """The clean points i = 0 … n-1 of one playground spiral arm, as (x, y) columns."""
    i = np.arange(n)
    r = 5.0 * i / n
    t = 1.75 * 2 * np.pi * i / n + delta_t
    return np.vstack([r * np.sin(t), r * np.cos(t)])


def _two_spirals(m, noise, rng):
    # Two arms turning 1.75 times around the origin out to radius 5; the second is the
    # first turned by π. Noise U(-1, 1)·noise moves each coordinate.
    n_pos, n_neg = _halves(m)
    X = np.hstack([_spiral_arm(n_pos, 0.0), _spiral_arm(n_neg, np.pi)])
    X += rng.uniform(-1.0, 1.0, (2, m)) * noise
    y = np.repeat([1.0, -1.0], [n_pos, n_neg])
    return X, y


def _reg_plane(m, noise, rng):
    # y = (x1 + x2)/10 taken at the point moved by U(-6, 6)·noise: y lies in [-1.2, 1.2].
    X = rng.uniform(-6.0, 6.0, (2, m))
    shifted = X + rng.uniform(-6.0, 6.0, (2, m)) * noise
    return X, (shifted[0] + shifted[1]) / 10.0


#: the six bumps of "reg-gauss": centre x1, centre x2, sign
_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                   [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=float)


def _reg_gauss(m, noise, rng):
    # Each bump offers sign·max(0, 1 − distance/2); the label is the offer of largest size
    # (the first bump's on a tie), taken at the point moved by U(-6, 6)·noise.
    X = rng.uniform(-6.0, 6.0, (2, m))
    shifted = X + rng.uniform(-6.0, 6.0, (2, m)) * noise
    distance = np.hypot(shifted[0] - _BUMPS[:, :1], shifted[1] - _BUMPS[:, 1:2])  # (6, m)
    offers = _BUMPS[:, 2:] * np.maximum(0.0, 1.0 - distance / 2.0)
    largest = np.argmax(np.abs(offers), axis=0)
    return X, offers[largest, np.arange(m)]


_PLAYGROUND = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _two_spirals,
               "reg-plane": _reg_plane, "reg-gauss": _reg_gauss}


def playground(name: str, n_samples: int | None = None, noise: float = 0.0,
               seed: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """One of TensorFlow Playground's data sets: X of shape (2, m) and y of shape (m,).

    ``name`` is "circle", "xor", "gauss" or "spiral" (labels +1 / -1, 500 points by
    default) or "reg-plane", "reg-gauss" (real labels, 1200 points by default). ``noise``
    lies in [0, 0.5], the playground's slider (0…50) divided by 100. The points come in
    the generator's order (class +1 first where there are classes); ``split`` shuffles
    them and splits them into training and test sets as the playground does.

    >>> X, y = playground("circle", seed=0)
    >>> X.shape, y.shape, np.unique(y)
    ((2, 500), (500,), array([-1.,  1.]))
    """
    make = _PLAYGROUND.get(name)
    if make is None:
        raise ConfigError(
            f"unknown playground data set {name!r}; valid names are: {', '.join(_PLAYGROUND)}"
        )
    if n_samples is None:
        n_samples = 500 if name in CLASSIFICATION else 1200
    m = check_positive_int(n_samples, "n_samples")
    noise = check_non_negative(noise, "noise")
    if noise > 0.5:
        raise ConfigError(
            f"noise must lie in [0, 0.5] (the playground's slider 0…50 divided by 100), "
            f"got {noise:g}"
        )
    return make(m, noise, _rng(seed))


def split(X: ArrayLike, y: ArrayLike, train_ratio: float = 0.5, seed: Any = None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle the m examples once and split them: (X_train, y_train, X_test, y_test).

    The first ⌊train_ratio·m⌋ shuffled examples are the training set, the rest the test
    set (the playground's rule). X has shape (n_x, m); y has shape (m,) or (k, m).
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or y.ndim not in (1, 2) or y.shape[-1] != X.shape[1]:
        raise ShapeError(
            f"split needs X of shape (n_x, m) and y of shape (m,) or (k, m) with the same m; "
            f"got X {X.shape} and y {y.shape}"
        )
    if isinstance(train_ratio, bool) or not isinstance(train_ratio, numbers.Real) or not (
            0 < train_ratio < 1):
        raise ConfigError(f"train_ratio must be a number strictly between 0 and 1, "
                          f"got {train_ratio!r}")
    m = X.shape[1]
    n_train = math.floor(m * train_ratio)
    if n_train == 0 or n_train == m:
        raise DataError(
            f"a train_ratio of {train_ratio:g} leaves an empty {'training' if n_train == 0 else 'test'} "
            f"set with m = {m} examples; use more examples or another ratio"
        )
    order = _rng(seed).permutation(m)
    train, test = order[:n_train], order[n_train:]
    return X[:, train], y[..., train], X[:, test], y[..., test]


# ---------------------------------------------------------------------- feature maps
#: the playground's input features, each a function of the raw coordinates x1, x2
FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 ** 2,
    "x2^2": lambda x1, x2: x2 ** 2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def features(X: ArrayLike, names: Sequence[str]) -> np.ndarray:
    """The feature maps ``names`` of a 2-D X (2, m), stacked: shape (len(names), m).

    >>> features(np.array([[1.0, 2.0], [3.0, 4.0]]), ["x1", "x1*x2"])
    array([[1., 2.],
           [3., 8.]])
    """
    X = as_float_array(X, "X", np.float64)
    if X.ndim != 2 or X.shape[0] != 2:
        raise ShapeError(f"feature maps need X of shape (2, m) (the columns are points "
                         f"(x1, x2)), got shape {X.shape}")
    names = [names] if isinstance(names, str) else list(names)
    if not names:
        raise ConfigError("features needs at least one name, e.g. ['x1', 'x2']")
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ConfigError(
            f"unknown feature {unknown[0]!r}; valid names are: {', '.join(FEATURES)}"
        )
    return np.vstack([FEATURES[name](X[0], X[1]) for name in names])


# ---------------------------------------------------------------------- small classics
_TRUTH_TABLES = {
    "and": [0, 0, 0, 1],
    "or": [0, 1, 1, 1],
    "xor": [0, 1, 1, 0],
}


def truth_table(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The notes' logic gates: X (2, 4), columns (0,0), (0,1), (1,0), (1,1); Y (1, 4).

    >>> X, Y = truth_table("xor")
    >>> Y
    array([[0., 1., 1., 0.]])
    """
    key = name.lower() if isinstance(name, str) else name
    if key not in _TRUTH_TABLES:
        raise ConfigError(
            f"unknown truth table {name!r}; valid names are: {', '.join(_TRUTH_TABLES)}"
        )
    X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], dtype=float)
    return X, np.array([_TRUTH_TABLES[key]], dtype=float)


def moons(n_samples: int = 200, noise: float = 0.1,
          seed: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: X (2, m), y (m,) in {0, 1}.

    Class 0 is the upper half of the unit circle, class 1 the lower half shifted to
    (1, 0.5) (the same shapes as scikit-learn's ``make_moons``, unshuffled); ``noise`` is
    the standard deviation of Gaussian noise added to every coordinate.
    """
    m = check_positive_int(n_samples, "n_samples")
    noise = check_non_negative(noise, "noise")
    n_upper, n_lower = m // 2, m - m // 2
    t_upper, t_lower = np.linspace(0, np.pi, n_upper), np.linspace(0, np.pi, n_lower)
    X = np.hstack([np.vstack([np.cos(t_upper), np.sin(t_upper)]),
                   np.vstack([1 - np.cos(t_lower), 0.5 - np.sin(t_lower)])])
    X += noise * _rng(seed).standard_normal((2, m))
    return X, np.repeat([0, 1], [n_upper, n_lower])


def spiral(n_classes: int = 3, n_samples: int = 300, noise: float = 0.2,
           seed: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """A k-class spiral: X (2, m), y (m,) with ints 0 … k-1, the classes as equal as can be.

    Arm j has radii r evenly spaced in (0, 1] and angles 2πj/k + 4.5·r (three quarters of
    a turn), so the arms never cross. ``noise`` is the standard deviation of Gaussian noise
    added to each angle: the radii stay exact, points move along their circle.
    """
    k = check_positive_int(n_classes, "n_classes", minimum=2)
    m = check_positive_int(n_samples, "n_samples", minimum=k)
    noise = check_non_negative(noise, "noise")
    counts = [m // k + (j < m % k) for j in range(k)]
    r = np.concatenate([np.arange(1, n + 1) / n for n in counts])
    y = np.repeat(np.arange(k), counts)
    angle = 2 * np.pi * y / k + 4.5 * r + noise * _rng(seed).standard_normal(m)
    return np.vstack([r * np.sin(angle), r * np.cos(angle)]), y


def curve(n_samples: int = 200, noise: float = 0.1,
          seed: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """A 1-D regression curve: x ~ U(-1, 1), y = sin(πx) + Gaussian noise of std ``noise``.

    X has shape (1, m), y shape (m,).
    """
    m = check_positive_int(n_samples, "n_samples")
    noise = check_non_negative(noise, "noise")
    rng = _rng(seed)
    x = rng.uniform(-1.0, 1.0, m)
    y = np.sin(np.pi * x) + noise * rng.standard_normal(m)
    return x.reshape(1, m), y


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8×8 handwritten digits: X (64, 1797) in [0, 1], y (1797,).

    The pixel intensities 0…16 are divided by 16. Needs scikit-learn (``pip install
    'glassnet[sklearn]'``); the data ships with it, nothing is downloaded.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ConfigError("digits() needs scikit-learn, which ships the data: "
                          "pip install 'glassnet[sklearn]'") from None
    data = load_digits()
    return data.data.T / 16.0, data.target.astype(np.int64)


def one_hot(y: ArrayLike, classes: ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The notes' Y of shape (k, m) for labels y (m,): Y[j, i] = 1 iff y(i) is class j.

    ``classes`` fixes the order of the k rows (by default the sorted distinct labels).
    Returns (Y, classes).

    >>> one_hot([2, 0, 2])
    (array([[0., 1., 0.],
           [1., 0., 1.]]), array([0, 2]))
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ShapeError(f"one_hot needs labels of shape (m,), got shape {y.shape}")
    classes = np.unique(y) if classes is None else np.asarray(classes)
    matches = y[np.newaxis, :] == classes[:, np.newaxis]
    missing = np.flatnonzero(~matches.any(axis=0))
    if missing.size:
        i = missing[0]
        raise DataError(f"label {y[i].item()!r} of example {i} is not one of the classes "
                        f"{classes.tolist()}")
    return matches.astype(np.float64), classes


def targets(y: ArrayLike, output: Any, classes: ArrayLike | None = None) -> np.ndarray:
    """The notes' Y (n[L], m) that labels y (m,) give, for the output activation g[L].

    ``output`` is g[L] (an activation or its name). Without ``classes`` (regression) Y is
    y as one row. With more than two classes Y is ``one_hot(y, classes)``, a row per class.
    With two, one output unit: the first class is the low end of g's range and the second
    the high end (0 and 1 for sigmoid, −1 and +1 for tanh as in TensorFlow Playground, 0
    and 1 where the range is open).

    >>> targets([1, 0, 1], "tanh", classes=[0, 1])
    array([[ 1., -1.,  1.]])
    """
    if classes is None:
        return np.asarray(y, dtype=np.float64).reshape(1, -1)
    Y, classes = one_hot(y, classes)
    if classes.size < 2:
        raise DataError(f"targets need at least two classes, got {classes.tolist()}")
    if classes.size > 2:
        return Y
    low, high = activations.get(output).output_range
    if not (np.isfinite(low) and np.isfinite(high)):
        low, high = 0.0, 1.0
    return np.where(Y[1:] == 1.0, high, low)


# ---------------------------------------------------------------------- CSV files
def load_csv(path: str | os.PathLike, label_column: int | None = -1
             ) -> tuple[np.ndarray, np.ndarray | None]:
    """Read a CSV file of numbers, one example per line: (X (n_x, m), y (m,)).

    ``label_column`` (an index; negative counts from the end) is the label, every other
    column a feature; with ``label_column=None`` every column is a feature and y is None.
    A first line made only of non-numbers is taken as a header and skipped; blank lines
    are skipped. A ragged, empty, non-numeric, NaN- or infinity-holding file raises a
    DataError naming the line and column (both counted from 1). ``csvfiles.read`` is the
    reader; it also takes text labels, other delimiters and drops lines when asked.
    """
    X, y = csvfiles.read(path, label_column)
    if y is not None and y.dtype.kind == "U":
        raise DataError(f"{path}: the label column holds text ({y[0]!r}); load_csv reads "
                        "numbers, glassnet.csvfiles.read reads text labels")
    return X, y
