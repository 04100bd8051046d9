"""Backpropagation checked two ways: numerical gradients, and the notes' per-example loop."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.activations import activations
from glassnet.gradcheck import check_gradients, numerical_gradient, relative_difference
from glassnet.reference import backward_loop, forward_loop

# every registered activation but softmax, which is an output activation only
HIDDEN = [name for name in activations.names() if name != "softmax"]
# (output activation, loss) pairs that make sense together
PAIRS = [
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "categorical_cross_entropy"),
    ("linear", "half_squared_error"),
    ("linear", "mean_squared_error"),
    ("sigmoid", "half_squared_error"),
    ("tanh", "half_squared_error"),
    ("sigmoid", "mean_squared_error"),
    ("exponential", "half_poisson_deviance"),
    ("sigmoid", "half_poisson_deviance"),
]
SHAPES = [  # (sizes, m)
    ([3, 1], 1),
    ([2, 4, 2], 1),
    ([4, 5, 3], 7),
    ([3, 6, 5, 4, 3], 16),
]


def targets(loss, n_L, m, rng):
    if loss == "categorical_cross_entropy":
        return np.eye(n_L)[:, rng.integers(0, n_L, size=m)]
    if loss == "binary_cross_entropy":
        return (rng.uniform(size=(n_L, m)) > 0.5).astype(float)
    if loss == "half_poisson_deviance":
        return rng.poisson(1.5, size=(n_L, m)).astype(float)
    return rng.normal(size=(n_L, m))


def make_case(hidden, output, loss, sizes, m, seed, l1=0.0, l2=0.0):
    rng = np.random.default_rng(seed)
    sizes = list(sizes)
    if output == "softmax":
        sizes[-1] = max(sizes[-1], 2)
    net = gn.Network(sizes, activations=hidden, output=output, loss=loss,
                     initializer="xavier_normal", bias_initializer={"name": "normal", "std": 0.5},
                     seed=seed, l1=l1, l2=l2)
    X = rng.normal(size=(sizes[0], m)) * (0.3 if hidden == "exponential" else 1.0)
    # keep ReLU-family pre-activations away from the kink at 0, where g' jumps
    return net, X, targets(loss, sizes[-1], m, rng)


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output,loss", PAIRS)
def test_gradient_check_every_activation_and_loss(hidden, output, loss):
    for k, (sizes, m) in enumerate(SHAPES):
        net, X, Y = make_case(hidden, output, loss, sizes, m, seed=k)
        result = check_gradients(net, X, Y)
        assert result.overall < 1e-7, (hidden, output, loss, sizes, m, result)


@pytest.mark.parametrize("l1,l2", [(0.0, 0.7), (0.3, 0.0), (0.2, 0.5)])
def test_gradient_check_with_regularization(l1, l2):
    net, X, Y = make_case("tanh", "sigmoid", "binary_cross_entropy", [3, 5, 4, 1], 9, 3, l1, l2)
    assert check_gradients(net, X, Y).overall < 1e-7


def test_gradient_check_catches_a_wrong_derivative(monkeypatch):
    """The check is not blind: a derivative off by a factor is reported."""
    net, X, Y = make_case("tanh", "sigmoid", "binary_cross_entropy", [3, 4, 1], 5, 0)
    tanh = net.layers[0].activation
    monkeypatch.setattr(type(tanh), "backward",
                        lambda self, dA, Z, A, out=None: np.multiply(dA, 1.1 * (1 - A * A), out=out))
    assert check_gradients(net, X, Y).overall > 1e-3


def test_gradient_check_reports_each_parameter():
    net, X, Y = make_case("relu", "softmax", "categorical_cross_entropy", [3, 4, 3], 5, 1)
    result = check_gradients(net, X, Y)
    assert list(result.per_parameter) == ["W[1]", "b[1]", "W[2]", "b[2]"]
    assert all(d < 1e-7 for d in result.per_parameter.values())
    assert "overall" in repr(result)


def test_relative_difference_formula():
    g, g_num = np.array([3.0, 4.0]), np.array([3.0, 4.0 + 1e-3])
    assert relative_difference(g, g_num) == pytest.approx(1e-3 / (5.0 + math.hypot(3, 4.001)))
    assert relative_difference(np.zeros(2), np.zeros(2)) == 0.0


def test_numerical_gradient_leaves_parameters_unchanged():
    net, X, Y = make_case("tanh", "sigmoid", "binary_cross_entropy", [2, 3, 1], 4, 0)
    before = net.parameters.copy()
    numerical_gradient(net, X, Y)
    np.testing.assert_array_equal(net.parameters, before)


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output,loss", PAIRS)
def test_vectorized_equals_per_example_loop(hidden, output, loss):
    net, X, Y = make_case(hidden, output, loss, [4, 5, 3, 3], 11, seed=7, l2=0.1)
    np.testing.assert_allclose(net.forward(X), forward_loop(net, X), rtol=1e-12, atol=1e-15)
    net.forward(X)
    net.backward(Y)
    dW, db = backward_loop(net, X, Y)
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(net.dW[l], dW[l - 1], rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(net.db[l], db[l - 1], rtol=1e-10, atol=1e-15)


def test_float32_gradients_match_float64():
    net64, X, Y = make_case("tanh", "softmax", "categorical_cross_entropy", [3, 6, 3], 8, 2)
    net32 = gn.Network.from_config({**net64.config(), "dtype": "float32"}, net64.parameters)
    J64, g64 = net64.gradient(X, Y)
    J32, g32 = net32.gradient(X, Y)
    assert g32.dtype == np.float32 and net32.A[2].dtype == np.float32
    assert J32 == pytest.approx(J64, rel=1e-5)
    np.testing.assert_allclose(g32, g64, rtol=1e-3, atol=1e-6)


def test_shortcut_equals_general_chain_rule():
    """dZ = A − Y for sigmoid + BCE and softmax + CCE equals dA * g'(Z) worked in full."""
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(3, 5))
    Y = np.eye(3)[:, rng.integers(0, 3, 5)]
    for g, loss in [("softmax", "cce"), ("sigmoid", "bce")]:
        act, L = gn.activations.get(g), gn.losses.get(loss)
        A = act.forward(Z)
        np.testing.assert_allclose(act.backward(L.dA(A, Y), Z, A), A - Y, rtol=1e-10, atol=1e-12)
