"""The network's API: names, round trips, layer access, the bias-column form, the summary."""

import math
import pickle

import numpy as np
import pytest

import glassnet as gn
from glassnet import initializers, losses, optimizers, schedules
from glassnet.activations import activations

REGISTRIES = [activations, losses.losses, initializers.initializers, optimizers.optimizers,
              schedules.schedules]


@pytest.mark.parametrize("registry", REGISTRIES, ids=lambda r: r.kind)
def test_every_registered_name_builds_prints_and_round_trips(registry):
    for name in registry.names():
        obj = registry.get(name)
        assert obj.name == name
        assert type(obj).__name__ in repr(obj)
        config = obj.config()
        rebuilt = registry.get(config)
        assert rebuilt == obj and rebuilt.config() == config
        assert registry.get(name.upper().replace("_", "-")).name == name  # case, - and _


def test_settings_survive_a_round_trip():
    leaky = activations.get({"name": "leaky_relu", "slope": 0.2})
    assert leaky.slope == 0.2 and activations.get(leaky.config()).slope == 0.2
    assert initializers.initializers.get({"name": "normal", "std": 0.3}).std == 0.3


def test_every_layer_setting_survives_a_network_round_trip():
    net = gn.Network([3, 4, 2], activations=[{"name": "leaky_relu", "slope": 0.3}],
                     output="softmax", initializer={"name": "normal", "std": 0.2},
                     bias_initializer={"name": "constant", "value": 0.1}, seed=0, l1=0.01,
                     l2=0.02, dtype="float32")
    copy = gn.Network.from_config(net.config(), net.parameters)
    assert copy.config() == net.config()
    np.testing.assert_array_equal(copy.parameters, net.parameters)
    assert copy.layers[0].activation.slope == 0.3
    np.testing.assert_array_equal(copy.b[1], np.float32(0.1))


@pytest.mark.parametrize("name", [n for n in activations.names() if n != "softmax"])
def test_activation_derivative_beside_the_function(name):
    """g'(z) against a central difference of g at points away from kinks."""
    g = activations.get(name)
    Z = np.array([[-3.0, -1.2, -0.4, 0.3, 0.9, 2.5]])
    A = g.forward(Z)
    h = 1e-6
    numeric = (g.forward(Z + h) - g.forward(Z - h)) / (2 * h)
    np.testing.assert_allclose(g.derivative(Z, A), numeric, rtol=1e-6, atol=1e-9)
    dA = np.linspace(-1, 1, 6).reshape(1, -1)
    np.testing.assert_allclose(g.backward(dA, Z, A), dA * g.derivative(Z, A), rtol=1e-12)


def test_activation_values_by_hand():
    z = np.array([[-2.0, 0.0, 0.5, 3.0]])
    assert activations.get("sigmoid").forward(z)[0, 2] == pytest.approx(1 / (1 + math.exp(-0.5)))
    np.testing.assert_array_equal(activations.get("relu").forward(z), [[0, 0, 0.5, 3]])
    np.testing.assert_allclose(activations.get("leaky_relu").forward(z), [[-0.02, 0, 0.5, 3]])
    np.testing.assert_array_equal(activations.get("relu").derivative(z, None), [[0, 0, 1, 1]])
    np.testing.assert_allclose(activations.get("leaky_relu").derivative(z, None),
                               [[0.01, 0.01, 1, 1]])  # the notes: 0.01 for z ≤ 0
    assert activations.get("elu").forward(z)[0, 0] == pytest.approx(math.exp(-2) - 1)
    selu = activations.get("selu").forward(z)
    assert selu[0, 0] == pytest.approx(1.0507009873554805 * 1.6732632423543772 * (math.exp(-2) - 1))
    assert selu[0, 3] == pytest.approx(1.0507009873554805 * 3)
    soft = activations.get("softmax").forward(np.array([[1.0], [2.0], [3.0]]))
    e = [math.exp(1), math.exp(2), math.exp(3)]
    np.testing.assert_allclose(soft[:, 0], [v / sum(e) for v in e])


def test_losses_by_hand():
    A, Y = np.array([[0.8, 0.3]]), np.array([[1.0, 0.0]])
    bce = -(math.log(0.8) + math.log(0.7)) / 2
    assert losses.get("bce").cost(A, Y) == pytest.approx(bce)
    assert losses.get("half_squared_error").cost(A, Y) == pytest.approx((0.04 + 0.09) / 4)
    assert losses.get("mse").cost(A, Y) == pytest.approx((0.04 + 0.09) / 2)
    A2, Y2 = np.array([[0.2, 0.5], [0.8, 0.5]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    assert losses.get("half_squared_error").cost(A2, Y2) == pytest.approx(
        (0.5 * (0.04 + 0.04) + 0.5 * (0.25 + 0.25)) / 2)  # summed over units, mean over m
    assert losses.get("mse").cost(A2, Y2) == pytest.approx((0.04 + 0.04 + 0.25 + 0.25) / 4)
    assert losses.get("cce").cost(A2, Y2) == pytest.approx(-(math.log(0.8) + math.log(0.5)) / 2)


def test_bce_clipping_keeps_log_finite():
    A, Y = np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]])
    J = losses.get("bce").cost(A, Y)
    eps = np.finfo(np.float64).eps
    assert J == pytest.approx(-math.log(eps))


def test_regularization_term_in_the_cost():
    net = gn.Network.from_parameters([[[1.0, -2.0]]], [[0.5]], ["sigmoid"], l2=0.4, l1=0.3)
    X, Y = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0]])
    data = net.loss.cost(net.forward(X), Y)
    # (λ₂/2m)·Σw² + (λ₁/m)·Σ|w| with m = 2; the bias is not penalized
    assert net.cost(X, Y) == pytest.approx(data + 0.4 / 4 * 5 + 0.3 / 2 * 3)


def test_initializers_follow_their_formulas():
    rng = np.random.default_rng(0)
    big = (400, 600)
    for name, std in [("small_random", 0.01), ("he_normal", math.sqrt(2 / 600)),
                      ("xavier_normal", math.sqrt(2 / 1000))]:
        W = initializers.get(name).init(rng, big)
        assert W.std() == pytest.approx(std, rel=0.02) and abs(W.mean()) < std / 20
    W = initializers.get("xavier_uniform").init(rng, big)
    assert np.abs(W).max() <= math.sqrt(6 / 1000) and np.abs(W).max() > 0.99 * math.sqrt(6 / 1000)
    W = initializers.get("uniform").init(rng, big)
    assert -0.5 <= W.min() and W.max() <= 0.5
    assert initializers.get({"name": "normal", "std": 0.1}).init(rng, big).std() == pytest.approx(
        0.1, rel=0.02)
    np.testing.assert_array_equal(initializers.get({"name": "constant", "value": 0.1}).init(
        rng, (2, 3)), 0.1)


def test_default_initializer_and_zero_biases():
    net = gn.Network([2, 3, 3, 1], activations=["relu", "tanh"], seed=0)
    assert net.layers[0].initializer.name == "he_normal"
    assert net.layers[1].initializer.name == "xavier_uniform"
    for l in range(1, 4):
        np.testing.assert_array_equal(net.b[l], 0.0)


def test_default_output_and_loss():
    assert gn.Network([2, 1]).loss.name == "binary_cross_entropy"
    assert gn.Network([2, 1]).output_activation.name == "sigmoid"
    assert gn.Network([2, 3]).output_activation.name == "softmax"
    assert gn.Network([2, 3]).loss.name == "categorical_cross_entropy"
    assert gn.Network([2, 1], loss="mse").output_activation.name == "linear"
    assert gn.Network([2, 1], output="tanh").loss.name == "half_squared_error"


def test_parameters_are_views_of_one_flat_vector():
    net = gn.Network([3, 4, 2], seed=0)
    assert net.n_parameters == 3 * 4 + 4 * 2 + 4 + 2
    net.parameters[:] = np.arange(net.n_parameters)
    np.testing.assert_array_equal(net.W[1], np.arange(12).reshape(4, 3))
    np.testing.assert_array_equal(net.W[2], np.arange(12, 20).reshape(2, 4))
    np.testing.assert_array_equal(net.b[1], np.arange(20, 24).reshape(4, 1))
    net.W[2] = np.ones((2, 4))
    np.testing.assert_array_equal(net.parameters[12:20], 1.0)
    net.b[2] = [7.0, 8.0]  # a flat b[l] is accepted
    np.testing.assert_array_equal(net.b[2], [[7.0], [8.0]])


def test_caches_reachable_by_layer_number():
    net = gn.Network([2, 3, 1], activations="tanh", seed=0)
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    net.forward(X)
    np.testing.assert_array_equal(net.A[0], X)
    np.testing.assert_allclose(net.Z[1], net.W[1] @ X + net.b[1])
    np.testing.assert_allclose(net.A[1], np.tanh(net.Z[1]))
    assert [a.shape for a in net.A] == [(2, 2), (3, 2), (1, 2)]
    with pytest.raises(TypeError):
        net.Z[1] = np.zeros((3, 2))


def test_forward_returns_an_independent_array():
    net = gn.Network([2, 3, 1], seed=0)
    X1, X2 = np.ones((2, 4)), -np.ones((2, 4))
    A1 = net.forward(X1)
    kept = A1.copy()
    net.forward(X2)
    np.testing.assert_array_equal(A1, kept)


def test_bias_column_round_trip():
    net = gn.Network([3, 4, 2], seed=1, bias_initializer={"name": "normal", "std": 1.0})
    W_tilde = [net.W_tilde[l] for l in (1, 2)]
    other = gn.Network.from_bias_columns(W_tilde, ["relu", "softmax"])
    np.testing.assert_array_equal(other.parameters, net.parameters)
    X = np.random.default_rng(0).normal(size=(3, 5))
    # W̃ Ã with a row of ones on top of A equals W A + b
    A_tilde = np.vstack([np.ones((1, 5)), X])
    np.testing.assert_allclose(net.W_tilde[1] @ A_tilde, net.W[1] @ X + net.b[1])
    net.set_bias_column(2, np.arange(10.0).reshape(2, 5))
    np.testing.assert_array_equal(net.b[2], [[0.0], [5.0]])


def test_summary_lists_shapes_activations_and_counts():
    net = gn.Network([5, 4, 2], activations="tanh", output="softmax", seed=0)
    text = str(net)
    assert "L = 2 layers" in text
    assert "(4, 5)" in text and "(4, 1)" in text and "tanh" in text and "softmax" in text
    assert "24 = 4·5 + 4" in text and "10 = 2·4 + 2" in text
    assert "total parameters: 34" in text
    assert repr(net) == "Network(5 → 4 → 2; tanh, softmax; loss=categorical_cross_entropy)"


def test_pickle_and_copy_keep_views_and_values():
    net = gn.Network([2, 3, 1], seed=0)
    for clone in (pickle.loads(pickle.dumps(net)), net.copy()):
        np.testing.assert_array_equal(clone.parameters, net.parameters)
        clone.W[1] = np.zeros((3, 2))
        assert np.all(clone.parameters[:6] == 0)  # W[1] is still a view of the flat vector
        assert not np.all(net.parameters[:6] == 0)  # and the original is untouched


def test_from_layers():
    net = gn.Network.from_layers(3, [gn.Dense(4, "elu"), gn.Dense(1, "linear")], seed=0)
    assert net.sizes == [3, 4, 1] and net.loss.name == "half_squared_error"


# every setting of every activation, with values that print and parse back exactly only if
# nothing rounds them on the way
ACTIVATION_SETTINGS = {"leaky_relu": {"slope": 0.1 + 0.2}, "elu": {"alpha": 1 / 3}}


def test_every_activation_setting_is_listed_here():
    for name in activations.names():
        params = activations.get(name).config()
        del params["name"]
        assert set(params) == set(ACTIVATION_SETTINGS.get(name, {})), name


@pytest.mark.parametrize("name", [n for n in activations.names() if n != "softmax"])
def test_network_config_round_trips_every_activation_setting_exactly(name):
    import json

    g = {"name": name, **ACTIVATION_SETTINGS.get(name, {})}
    net = gn.Network([2, 3, 3, 2], activations=[g, g], output=g, loss="mse", seed=1)
    config = json.loads(json.dumps(net.config()))  # as a saved file carries it
    copy = gn.Network.from_config(config, net.parameters)
    assert copy.config() == net.config()
    for layer, original in zip(copy.layers, net.layers, strict=True):
        assert layer.activation == original.activation
        for key, value in ACTIVATION_SETTINGS.get(name, {}).items():
            assert getattr(layer.activation, key) == value  # bit for bit, not approx
    X = np.random.default_rng(0).normal(size=(2, 5))
    np.testing.assert_array_equal(copy.forward(X), net.forward(X))


def test_mish_by_hand():
    mish = activations.get("mish")
    z = np.array([[-2.0, 0.0, 1.0]])
    expected = [v * math.tanh(math.log1p(math.exp(v))) for v in z[0]]
    np.testing.assert_allclose(mish.forward(z)[0], expected, rtol=1e-15)
    # mish'(0) = tanh(log 2) + 0 = 0.6 exactly (tanh(log 2) = (4 − 1)/(4 + 1))
    assert mish.derivative(z, mish.forward(z))[0, 1] == pytest.approx(0.6, rel=1e-15)
    s = 1 / (1 + math.exp(-1.0))
    t = math.tanh(math.log1p(math.e))
    assert mish.derivative(z, mish.forward(z))[0, 2] == pytest.approx(t + s * (1 - t * t),
                                                                      rel=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", activations.names())
def test_activations_at_large_z_give_no_warning(name, dtype):
    import warnings

    g = activations.get(name)
    Z = np.array([[-1e4, -1e3, -90.0, -20.0, 0.0, 20.0, 90.0, 1e3, 1e4]], dtype=dtype).T
    Z = Z if name == "softmax" else Z.T
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A = g.forward(Z)
        dZ = g.backward(np.ones_like(Z), Z, A)
    assert A.dtype == dtype and dZ.dtype == dtype
    assert np.all(np.isfinite(A)) and np.all(np.isfinite(dZ))


def test_mish_at_large_z():
    mish = activations.get("mish")
    Z = np.array([[-1e4, 1e4]])
    A = mish.forward(Z)
    np.testing.assert_array_equal(A, [[0.0, 1e4]])
    np.testing.assert_array_equal(mish.derivative(Z, A), [[0.0, 1.0]])
