"""Regularization: a penalty on large weights, added to the cost J.

L2 ("weight decay") adds (λ₂ / 2m)·Σₗ ‖W[l]‖²_F, whose gradient is (λ₂ / m)·W[l];
L1 adds (λ₁ / m)·Σₗ Σ |W[l]ᵢⱼ|, whose (sub)gradient is (λ₁ / m)·sign(W[l]).
Biases are not penalized. m is the number of examples the cost is taken over (the
minibatch size during minibatch descent), as in scikit-learn, whose ``alpha`` is λ₂.

Both functions act on all the network's weights at once, as one flat vector.
"""

import numpy as np


def penalty(weights: np.ndarray, m: int, l1: float = 0.0, l2: float = 0.0) -> float:
    """The term added to J: (λ₂/2m)·Σ w² + (λ₁/m)·Σ |w|."""
    total = 0.0
    if l2:
        total += 0.5 * l2 / m * float(np.dot(weights, weights))
    if l1:
        total += l1 / m * float(np.sum(np.abs(weights)))
    return total


def add_gradient(dweights: np.ndarray, weights: np.ndarray, m: int, l1: float = 0.0,
                 l2: float = 0.0) -> np.ndarray:
    """Add the penalty's gradient to ``dweights`` in place: (λ₂/m)·w + (λ₁/m)·sign(w);
    returns ``dweights``."""
    if l2:
        dweights += (l2 / m) * weights
    if l1:
        dweights += (l1 / m) * np.sign(weights)
    return dweights
