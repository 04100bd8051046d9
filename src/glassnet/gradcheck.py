"""Gradient checking: backpropagation's dW and db against two-sided differences of J.

For every parameter θᵢ the numerical gradient is

    g̃ᵢ = (J(θ + εeᵢ) − J(θ − εeᵢ)) / 2ε

and the check reports the relative difference ‖g − g̃‖ / (‖g‖ + ‖g̃‖) for each W[l] and b[l]
and for all of them together. In float64 with ε = 1e-7, a correct backpropagation gives
about 1e-9 or less; anything above 1e-5 means a bug. The network is left as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .validation import check_number, check_X, check_Y

if TYPE_CHECKING:
    from .network import Network


class GradientCheck:
    """The result of ``check_gradients``: per-parameter and overall relative differences."""

    def __init__(self, per_parameter: dict[str, float], overall: float, analytic: np.ndarray,
                 numeric: np.ndarray) -> None:
        self.per_parameter = per_parameter
        self.overall = overall
        self.analytic = analytic
        self.numeric = numeric

    def passed(self, tolerance: float = 1e-7) -> bool:
        return self.overall < tolerance

    def __repr__(self):
        rows = [f"  {name}: {diff:.3e}" for name, diff in self.per_parameter.items()]
        return "GradientCheck(overall {:.3e}\n{}\n)".format(self.overall, "\n".join(rows))


def relative_difference(g: np.ndarray, g_num: np.ndarray) -> float:
    """‖g − g̃‖ / (‖g‖ + ‖g̃‖), and 0 when both are exactly zero."""
    denominator = np.linalg.norm(g) + np.linalg.norm(g_num)
    return 0.0 if denominator == 0 else float(np.linalg.norm(g - g_num) / denominator)


def check_epsilon(epsilon: Any, dtype: Any) -> float:
    """The step ε of the difference quotient, in [machine ε of ``dtype``, 1]."""
    return check_number(epsilon, "the gradient check's step ε", float(np.finfo(dtype).eps), 1.0)


def numerical_gradient(net: Network, X: np.ndarray, Y: np.ndarray,
                       epsilon: float = 1e-7) -> np.ndarray:
    """The two-sided difference quotient of J for every entry of ``net.parameters``."""
    epsilon = check_epsilon(epsilon, net.dtype)
    theta = net.parameters
    g_num = np.empty_like(theta)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        for i in range(theta.size):
            kept = theta[i]
            theta[i] = kept + epsilon
            J_plus = net.cost_of_output(net.forward_unchecked(X), Y)
            theta[i] = kept - epsilon
            J_minus = net.cost_of_output(net.forward_unchecked(X), Y)
            theta[i] = kept
            g_num[i] = (J_plus - J_minus) / (2 * epsilon)
    return g_num


def check_gradients(net: Network, X: Any, Y: Any, epsilon: float = 1e-7) -> GradientCheck:
    """Compare backpropagation with the numerical gradient on (X, Y); see the module doc.

    ``epsilon`` lies in [machine ε of the dtype, 1]: below it θ + ε rounds back to θ.
    """
    epsilon = check_epsilon(epsilon, net.dtype)
    X = check_X(X, net.n_x, net.dtype)
    Y = check_Y(Y, net.sizes[-1], X.shape[1], net.dtype, net.loss)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        net.forward_unchecked(X)
        net.backward_unchecked(Y)
    g = net.gradients.copy()
    g_num = numerical_gradient(net, X, Y, epsilon)
    per_parameter = {}
    for l, layer in enumerate(net.layers, 1):
        for symbol, view in (("W", layer.dW), ("b", layer.db)):
            part = _slice_of(net.gradients, view)
            per_parameter[f"{symbol}[{l}]"] = relative_difference(g[part], g_num[part])
    return GradientCheck(per_parameter, relative_difference(g, g_num), g, g_num)


def _slice_of(flat, view):
    """The slice of the flat vector that ``view`` (a reshaped part of it) covers."""
    start = (view.__array_interface__["data"][0] - flat.__array_interface__["data"][0])
    start //= flat.itemsize
    return slice(start, start + view.size)
