"""glassnet: neural networks you can see through.

The lecture notes' networks in NumPy, in their notation: examples are columns, X has
shape (n_x, m), layer l has W[l] (n[l], n[l-1]) and b[l] (n[l], 1).

    >>> import glassnet as gn
    >>> net = gn.Network([2, 4, 1], activations="tanh", seed=0)
    >>> history = gn.train(net, X, Y, epochs=100, learning_rate=0.5)   # doctest: +SKIP

The scikit-learn estimators, plots and the playground are imported only when used, so
``import glassnet`` costs little more than ``import numpy``.
"""

from . import activations, datasets, initializers, losses
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
from .io import load, save
from .layers import Dense
from .network import Network

__version__ = "0.1.0"

#: names imported on first use (``glassnet.MLPClassifier``), so that ``import glassnet``
#: does not import scikit-learn
_LAZY = {name: "estimators" for name in
         ("LinearRegression", "LogisticRegression", "MLPClassifier", "MLPRegressor")}


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module 'glassnet' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value

__all__ = [
    "ConfigError",
    "DataError",
    "Dense",
    "DivergenceError",
    "FileFormatError",
    "GlassnetError",
    "GlassnetTypeError",
    "LayerIndexError",
    "Network",
    "NotFittedError",
    "NumericError",
    "ShapeError",
    "activations",
    "datasets",
    "initializers",
    "load",
    "losses",
    "save",
]
