"""glassnet: neural networks you can see through.

The lecture notes' networks in NumPy, in their notation: examples are columns, X has
shape (n_x, m), layer l has W[l] (n[l], n[l-1]) and b[l] (n[l], 1).

    >>> import numpy as np
    >>> import glassnet as gn
    >>> X = np.array([[0, 0, 1, 1],
    ...               [0, 1, 0, 1]])          # 4 examples as columns: X is (n_x, m) = (2, 4)
    >>> Y = np.array([[0, 1, 1, 0]])          # XOR
    >>> net = gn.Network([2, 4, 1], activations="tanh", seed=0)
    >>> history = net.fit(X, Y, epochs=500, learning_rate=0.5)
    >>> net.forward(X).round().astype(int).tolist()       # A[L], one column per example
    [[0, 1, 1, 0]]

The scikit-learn estimators, plots and the playground are imported only when used, so
``import glassnet`` costs little more than ``import numpy``.
"""

from . import activations, initializers, losses
from .errors import (
    ConfigError,
    DataError,
    DivergenceError,
    FileFormatError,
    GlassnetError,
    GlassnetTypeError,
    LayerIndexError,
    NotFittedError,
    NumericError,
    ShapeError,
)
from .layers import Dense
from .network import Network

__version__ = "0.1.0"

#: names imported on first use, so that ``import glassnet`` imports neither scikit-learn
#: (the estimators) nor the file and data-set modules' own imports (zipfile, hashlib, csv)
_LAZY = {
    **{name: "estimators" for name in
       ("LinearRegression", "LogisticRegression", "MLPClassifier", "MLPRegressor")},
    "save": "io",
    "load": "io",
}
_EXTRAS = {"sklearn": "sklearn", "scipy": "sklearn", "matplotlib": "plot", "yaml": "explain"}
_LAZY_MODULES = ("datasets", "explain", "plotting", "diagnostics", "gradcheck", "reference")


def __getattr__(name):
    import importlib

    if name in _LAZY_MODULES:
        value = importlib.import_module(f".{name}", __name__)
    elif name in _LAZY:
        try:
            module = importlib.import_module(f".{_LAZY[name]}", __name__)
        except ModuleNotFoundError as exc:  # an extra that is not installed
            missing = (exc.name or "").split(".")[0]
            raise ImportError(f"glassnet.{name} needs {missing}: pip install "
                              f"'glassnet[{_EXTRAS.get(missing, 'all')}]'") from exc
        value = getattr(module, name)
    else:
        raise AttributeError(f"module 'glassnet' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    """The module's names, the ones imported on first use included (for editors, help())."""
    return sorted({*globals(), *_LAZY, *_LAZY_MODULES})


__all__ = [
    "ConfigError",
    "DataError",
    "Dense",
    "DivergenceError",
    "FileFormatError",
    "GlassnetError",
    "GlassnetTypeError",
    "LayerIndexError",
    "LinearRegression",
    "LogisticRegression",
    "MLPClassifier",
    "MLPRegressor",
    "Network",
    "NotFittedError",
    "NumericError",
    "ShapeError",
    "activations",
    "datasets",
    "diagnostics",
    "explain",
    "gradcheck",
    "initializers",
    "load",
    "losses",
    "plotting",
    "reference",
    "save",
]
