"""Losses and the cost: how far the network's output A[L] is from the targets Y.

A loss L(a, y) scores one example (one column of A[L] and Y); the cost averages it over
the m examples, J = (1/m) Σᵢ L(a⁽ⁱ⁾, y⁽ⁱ⁾), and the regularization term is added on top
(see ``regularization``). Every loss offers:

* ``loss(A, Y)``: the row of per-example losses, shape (1, m);
* ``cost(A, Y)``: their mean, J without regularization;
* ``dA(A, Y)``: dL/dA for each example, the start of backpropagation.

Where sigmoid meets binary cross-entropy, or softmax meets categorical cross-entropy, the
chain rule collapses to the notes' dZ[L] = A[L] − Y; ``shortcut_activation`` names the
activation for which that holds, and the network uses it instead of dA * g'(Z).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .errors import DataError
from .registry import Named, Registry

if TYPE_CHECKING:  # for the hints only (numpy.typing is not loaded by `import glassnet`)
    from numpy.typing import DTypeLike


def clip_epsilon(dtype: DTypeLike) -> float:
    """The ε of the notes' clipping: a is kept in [ε, 1 − ε] so that log never sees 0.

    ε is the machine epsilon of the dtype (2.2e-16 for float64, 1.2e-7 for float32), the
    smallest value for which 1 − ε is still below 1.
    """
    return float(np.finfo(dtype).eps)


#: the bytes of A whose per-example losses ``Loss.cost`` takes at once
COST_CHUNK_BYTES = 64 * 1024


class Loss(Named):
    """A loss function L(a, y) and its gradient with respect to a."""

    formula = "L(a, y)"
    latex = r"\mathcal{L}(a, y)"
    #: the output activation for which dZ[L] = A[L] − Y exactly
    shortcut_activation: str | None = None

    def loss(self, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """Per-example losses, shape (1, m)."""
        raise NotImplementedError

    def dA(self, A: np.ndarray, Y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """dL/dA for each example, the shape of A."""
        raise NotImplementedError

    def cost(self, A: np.ndarray, Y: np.ndarray) -> float:
        """J = (1/m) Σ L, without regularization."""
        return float(np.mean(self.chunked_loss(A, Y)))

    def chunked_loss(self, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """The row ``loss(A, Y)``, taken a chunk of columns (COST_CHUNK_BYTES of A) at a
        time, so that the loss's temporaries stay small when m is large: the same numbers,
        each example's loss being its own column's."""
        m = A.shape[1]
        width = max(1, COST_CHUNK_BYTES // (A.shape[0] * A.itemsize))
        if width >= m:
            return self.loss(A, Y)
        return np.concatenate([self.loss(A[:, i:i + width], Y[:, i:i + width])
                               for i in range(0, m, width)], axis=1)

    def check_targets(self, Y: np.ndarray) -> None:
        """Raise a DataError when Y holds values this loss cannot score."""


losses = Registry("loss", Loss)


@losses.register
class BinaryCrossEntropy(Loss):
    """L(a, y) = −[y·log(a) + (1 − y)·log(1 − a)], a clipped to [ε, 1 − ε] (the notes' ε).

    With a sigmoid output dZ = A − Y. Targets must lie in [0, 1]; with several output units
    each unit is its own yes/no question and the losses are summed over them.
    """

    name = "binary_cross_entropy"
    aliases = ("bce", "log_loss", "binary_crossentropy", "cross_entropy")
    formula = "L(a, y) = −[y·log(a) + (1 − y)·log(1 − a)]"
    latex = r"\mathcal{L}(a, y) = -\left[y \log a + (1 - y) \log(1 - a)\right]"
    shortcut_activation = "sigmoid"

    def loss(self, A, Y):
        eps = clip_epsilon(A.dtype)
        A = np.clip(A, eps, 1.0 - eps)
        return -np.sum(Y * np.log(A) + (1.0 - Y) * np.log1p(-A), axis=0, keepdims=True)

    def dA(self, A, Y, out=None):
        eps = clip_epsilon(A.dtype)
        A = np.clip(A, eps, 1.0 - eps)
        return np.divide(A - Y, A * (1.0 - A), out=out)

    def check_targets(self, Y):
        if np.any((Y < 0) | (Y > 1)):
            bad = Y[(Y < 0) | (Y > 1)].ravel()[0]
            raise DataError(
                f"binary cross-entropy needs targets y in [0, 1], but Y holds {bad:g}; "
                "encode the two classes as 0 and 1"
            )


@losses.register
class CategoricalCrossEntropy(Loss):
    """L(a, y) = −Σₖ yₖ·log(aₖ), a clipped to [ε, 1]; with softmax, dZ = A − Y.

    Each column of Y is a one-hot vector (or a probability vector) over the n[L] classes.
    """

    name = "categorical_cross_entropy"
    aliases = ("cce", "categorical_crossentropy", "softmax_cross_entropy")
    formula = "L(a, y) = −Σₖ yₖ·log(aₖ)"
    latex = r"\mathcal{L}(a, y) = -\sum_k y_k \log a_k"
    shortcut_activation = "softmax"

    def loss(self, A, Y):
        eps = clip_epsilon(A.dtype)
        return -np.sum(Y * np.log(np.clip(A, eps, 1.0)), axis=0, keepdims=True)

    def dA(self, A, Y, out=None):
        eps = clip_epsilon(A.dtype)
        return np.divide(-Y, np.clip(A, eps, 1.0), out=out)

    def check_targets(self, Y):
        if np.any(Y < 0) or np.any(Y > 1):
            raise DataError(
                "categorical cross-entropy needs each column of Y to be one-hot or a "
                "probability vector, but Y holds values outside [0, 1]"
            )
        sums = Y.sum(axis=0)
        bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-6 * Y.shape[0])
        if bad.size:
            i = bad[0]
            raise DataError(
                f"categorical cross-entropy needs each column of Y to sum to 1 (one-hot), "
                f"but column {i} (example {i + 1}) sums to {sums[i]:g}"
            )


@losses.register
class HalfSquaredError(Loss):
    """L(a, y) = ½‖a − y‖², summed over output units; J = ½·(1/m)·Σᵢ‖a⁽ⁱ⁾ − y⁽ⁱ⁾‖².

    The form of the notes' worked problem and of most hand-worked examples (and of
    TensorFlow Playground): the ½ cancels the 2 of the derivative, so dL/da = a − y.
    """

    name = "half_squared_error"
    aliases = ("half_mse", "half_sse", "squared_error", "sse")
    formula = "L(a, y) = ½‖a − y‖²"
    latex = r"\mathcal{L}(a, y) = \tfrac{1}{2}\lVert a - y \rVert^2"

    def loss(self, A, Y):
        D = A - Y
        return 0.5 * np.sum(D * D, axis=0, keepdims=True)

    def dA(self, A, Y, out=None):
        return np.subtract(A, Y, out=out)


@losses.register
class MeanSquaredError(Loss):
    """L(a, y) = (1/n[L])·‖a − y‖²; J is the plain mean of (a − y)² over every element.

    scikit-learn's ``mean_squared_error`` and Keras' ``mse``. With one output unit it is
    twice the half squared error; dL/da = (2/n[L])·(a − y).
    """

    name = "mean_squared_error"
    aliases = ("mse",)
    formula = "L(a, y) = (1/n)·‖a − y‖²"
    latex = r"\mathcal{L}(a, y) = \tfrac{1}{n^{[L]}}\lVert a - y \rVert^2"

    def loss(self, A, Y):
        D = A - Y
        return np.mean(D * D, axis=0, keepdims=True)

    def dA(self, A, Y, out=None):
        out = np.subtract(A, Y, out=out)
        out *= 2.0 / A.shape[0]
        return out


@losses.register
class HalfPoissonDeviance(Loss):
    """L(a, y) = Σₖ [yₖ·log(yₖ/aₖ) − yₖ + aₖ] (y·log y = 0 at y = 0), a clipped to ≥ ε;
    dL/da = 1 − y/a.

    Half the Poisson deviance, for counts and rates y ≥ 0: zero when a = y, and what
    scikit-learn's ``MLPRegressor(loss="poisson")`` minimizes (summed over the outputs,
    averaged over the examples). With an exponential output, a = e^z, the chain rule
    gives dZ = (1 − y/a)·a = A − Y, the notes' shortcut.
    """

    name = "half_poisson_deviance"
    aliases = ("poisson", "half_poisson")
    formula = "L(a, y) = Σₖ [yₖ·log(yₖ/aₖ) − yₖ + aₖ]"
    latex = r"\mathcal{L}(a, y) = \sum_k \left[y_k \log\frac{y_k}{a_k} - y_k + a_k\right]"
    shortcut_activation = "exponential"

    def loss(self, A, Y):
        A = np.maximum(A, clip_epsilon(A.dtype))
        # y·log(y/a) as y·(log y − log a): y/a itself can underflow to 0 (y = 1e-30 with
        # a near the exponential's cap) and give −inf; log a − log a = 0 where y = 0
        y_log = Y * (np.log(np.where(Y > 0, Y, A)) - np.log(A))
        return np.sum(y_log - Y + A, axis=0, keepdims=True)

    def dA(self, A, Y, out=None):
        out = np.divide(Y, np.maximum(A, clip_epsilon(A.dtype)), out=out)
        return np.subtract(1.0, out, out=out)

    def check_targets(self, Y):
        if np.any(Y < 0):
            bad = Y[Y < 0].ravel()[0]
            raise DataError(f"the Poisson loss needs targets y ≥ 0 (counts or rates), but Y "
                            f"holds {bad:g}")


def get(spec):
    """The loss that ``spec`` names (a name, a config dict or a Loss)."""
    return losses.get(spec)
