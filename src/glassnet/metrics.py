"""Metrics: how good a network's predictions are, in the terms people report.

* ``accuracy``: the share of examples whose predicted class is the true class. With one
  output unit the class is A[L] ≥ threshold, the threshold being the middle of the output
  activation's range (0.5 for sigmoid, 0 for tanh); with several units it is the unit with
  the largest activation (argmax down each column).
* ``r2``: the coefficient of determination 1 − SS_res / SS_tot, averaged over output units
  (scikit-learn's ``r2_score`` with uniform averaging).

``check_metrics`` turns the ``metrics=`` of ``train``, ``fit`` and ``evaluate`` into a list
of these names (a clear error for any other); ``metric_value`` scores outputs A by one.
"""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .errors import ConfigError


def threshold_for(activation: Any) -> float:
    """The value that splits one output unit's range into two classes."""
    low, high = activation.output_range
    if np.isfinite(low) and np.isfinite(high):
        return (low + high) / 2.0
    return 0.5


def classes(A: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Predicted class per example: (A ≥ threshold) for one unit, argmax for several."""
    if A.shape[0] == 1:
        return (A[0] >= threshold).astype(np.int64)
    return np.argmax(A, axis=0)


def accuracy(A: np.ndarray, Y: np.ndarray, threshold: float = 0.5) -> float:
    """The share of the m columns where the predicted class equals the target's class."""
    return float(np.mean(classes(A, threshold) == classes(Y, threshold)))


def r2(A: np.ndarray, Y: np.ndarray) -> float:
    """1 − Σ(y − a)² / Σ(y − ȳ)², per output unit, averaged (0 when Y is constant)."""
    ss_res = np.sum((Y - A) ** 2, axis=1)
    ss_tot = np.sum((Y - Y.mean(axis=1, keepdims=True)) ** 2, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(ss_tot > 0, 1.0 - ss_res / ss_tot, np.where(ss_res > 0, 0.0, 1.0))
    return float(np.mean(scores))


#: the metrics by name (accuracy also takes the threshold of one output unit)
METRICS: dict[str, Callable[..., float]] = {"accuracy": accuracy, "r2": r2}


def metric_value(name: str, A: np.ndarray, Y: np.ndarray, threshold: float) -> float:
    """The metric ``name`` of outputs A against targets Y."""
    fn = METRICS[name]
    return fn(A, Y, threshold) if name == "accuracy" else fn(A, Y)


def check_metrics(metrics: str | Sequence[str] | None) -> list[str]:
    """The list of metric names ``metrics`` gives (a name or a list of names)."""
    if metrics is None:
        return []
    if isinstance(metrics, str):
        metrics = [metrics]
    try:
        names = list(metrics)
    except TypeError:
        raise ConfigError(f"metrics must be a list of names ({', '.join(METRICS)})"
                          f", got {metrics!r}") from None
    for name in names:
        if not isinstance(name, str) or name not in METRICS:
            raise ConfigError(f"unknown metric {name!r}; valid names are: "
                              f"{', '.join(METRICS)}")
    return names
