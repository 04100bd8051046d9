"""Bad input: one test per rule, each asserting the message names the culprit."""

import re
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import (
    ConfigError,
    DataError,
    GlassnetError,
    GlassnetTypeError,
    NotFittedError,
    ShapeError,
)
from glassnet.io import rebuild
from glassnet.training import train


@pytest.fixture
def net():
    return gn.Network([2, 4, 1], activations="tanh", seed=0)


def good_data(m=5):
    rng = np.random.default_rng(0)
    return rng.normal(size=(2, m)), (rng.uniform(size=(1, m)) > 0.5).astype(float)


def test_errors_are_value_or_type_errors():
    for cls in (ConfigError, DataError, ShapeError, NotFittedError):
        assert issubclass(cls, GlassnetError) and issubclass(cls, ValueError)
    assert issubclass(GlassnetTypeError, TypeError)


# ------------------------------------------------------------------ shapes
def test_X_with_the_wrong_number_of_rows(net):
    with pytest.raises(ShapeError, match=r"X has 3 rows but W\[1\] expects n_x = 2"):
        net.forward(np.zeros((3, 5)))


def test_X_given_with_examples_as_rows_gets_a_hint(net):
    with pytest.raises(ShapeError, match=r"examples are rows: pass X.T"):
        net.forward(np.zeros((5, 2)))


def test_X_that_is_not_2d(net):
    with pytest.raises(ShapeError, match=r"2-D array of shape \(n_x, m\)"):
        net.forward(np.zeros((2, 3, 4)))
    with pytest.raises(ShapeError, match=r"x.reshape\(-1, 1\)"):
        net.forward(np.zeros(2))


def test_Y_with_the_wrong_shape(net):
    X, _ = good_data()
    with pytest.raises(ShapeError, match=r"Y must have shape \(n\[L\], m\) = \(1, 5\)"):
        net.cost(X, np.zeros((2, 5)))
    with pytest.raises(ShapeError, match=r"pass Y.T"):
        gn.Network([2, 3], output="sigmoid", seed=0).cost(X, np.zeros((5, 3)))


def test_weights_that_do_not_chain():
    with pytest.raises(ShapeError, match=r"W\[2\] has shape \(1, 3\) but A\[1\] has 4 rows"):
        gn.Network.from_parameters([np.zeros((4, 2)), np.zeros((1, 3))],
                                   [np.zeros((4, 1)), np.zeros((1, 1))], ["tanh", "sigmoid"])


def test_setting_a_parameter_of_the_wrong_shape(net):
    with pytest.raises(ShapeError, match=r"W\[2\] must have shape \(1, 4\)"):
        net.W[2] = np.zeros((4, 1))
    with pytest.raises(ShapeError, match=r"W̃\[1\] = \[b\[1\] \| W\[1\]\] must have shape"):
        net.set_bias_column(1, np.zeros((4, 2)))


def test_a_layer_that_does_not_exist(net):
    with pytest.raises(IndexError, match=r"W\[3\] does not exist: this network has L = 2"):
        net.W[3]
    with pytest.raises(IndexError, match=r"b\[0\] does not exist"):
        net.b[0]


def test_caches_before_any_pass(net):
    with pytest.raises(NotFittedError, match=r"Z\[1\] is not computed yet"):
        net.Z[1]
    with pytest.raises(NotFittedError, match=r"forward pass first"):
        net.backward(np.zeros((1, 5)))


# ------------------------------------------------------------------ values
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_X(net, bad):
    X, Y = good_data()
    X[1, 3] = bad
    with pytest.raises(DataError, match=r"X holds .* at \[1, 3\]"):
        net.forward(X)
    with pytest.raises(DataError, match=r"X holds"):
        train(net, X, Y, epochs=1)


def test_nan_in_Y(net):
    X, Y = good_data()
    Y[0, 2] = np.nan
    with pytest.raises(DataError, match=r"Y holds nan at \[0, 2\]"):
        train(net, X, Y, epochs=1)


def test_bce_labels_outside_zero_one(net):
    X, Y = good_data()
    Y[0, 0] = -1
    with pytest.raises(DataError, match=r"binary cross-entropy needs targets y in \[0, 1\]"):
        train(net, X, Y, epochs=1)


def test_cce_columns_that_are_not_one_hot():
    net = gn.Network([2, 3], output="softmax", seed=0)
    X, _ = good_data(4)
    Y = np.eye(3)[:, [0, 1, 2, 0]]
    Y[:, 2] = [1, 1, 0]
    with pytest.raises(DataError, match=r"column 2 \(example 3\) sums to 2"):
        train(net, X, Y, epochs=1)
    Y[:, 2] = [2, -1, 0]
    with pytest.raises(DataError, match=r"outside \[0, 1\]"):
        net.cost(X, Y)


def test_empty_data(net):
    with pytest.raises(DataError, match=r"no examples \(m = 0"):
        train(net, np.zeros((2, 0)), np.zeros((1, 0)), epochs=1)


def test_non_numeric_data(net):
    with pytest.raises(GlassnetTypeError, match=r"X must hold numbers"):
        net.forward(np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(GlassnetTypeError, match=r"complex"):
        net.forward(np.ones((2, 2)) * 1j)


# ------------------------------------------------------------------ names
@pytest.mark.parametrize("kind,make", [
    ("activation", lambda: gn.Network([2, 3, 1], activations="relux")),
    ("loss", lambda: gn.Network([2, 1], loss="hinge")),
    ("initializer", lambda: gn.Network([2, 1], initializer="orthogonal")),
    ("optimizer", lambda: train(gn.Network([2, 1], seed=0), *good_data(), optimizer="adagrad")),
    ("learning-rate schedule", lambda: train(gn.Network([2, 1], seed=0), *good_data(),
                                             schedule="cosine")),
])
def test_unknown_names_list_the_valid_ones(kind, make):
    with pytest.raises(ConfigError, match=rf"unknown {kind} .*; valid names are: "):
        make()


def test_unknown_activation_lists_them_all():
    with pytest.raises(ConfigError) as info:
        gn.activations.get("relux")
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "linear", "softmax"):
        assert name in str(info.value)


def test_unknown_metric(net):
    with pytest.raises(ConfigError, match=r"unknown metric 'f1'"):
        train(net, *good_data(), metrics=["f1"])


# ------------------------------------------------------------------ settings
@pytest.mark.parametrize("rate", [0, -0.1, np.nan, np.inf, "fast", True])
def test_learning_rate_must_be_finite_and_positive(net, rate):
    with pytest.raises(ConfigError, match=r"learning rate α must be"):
        train(net, *good_data(), learning_rate=rate)


@pytest.mark.parametrize("sizes", [[2], [2, 0, 1], [2, -3, 1], [2, 2.5, 1], "2,3,1"])
def test_bad_layer_sizes(sizes):
    with pytest.raises(ConfigError):
        gn.Network(sizes)


def test_activations_list_of_the_wrong_length():
    with pytest.raises(ConfigError, match=r"lists 3 names but the network has 2 hidden layers"):
        gn.Network([2, 3, 3, 1], activations=["relu", "relu", "relu"])


def test_bad_batch_size_and_epochs(net):
    with pytest.raises(ConfigError, match=r"batch size must be a whole number ≥ 1"):
        train(net, *good_data(), batch_size=0)
    with pytest.raises(ConfigError, match=r"epochs must be a whole number ≥ 0"):
        train(net, *good_data(), epochs=-1)


def test_bad_regularization_rate(net):
    with pytest.raises(ConfigError, match=r"L2 rate λ₂ must be a finite number ≥ 0, got -1"):
        net.l2 = -1
    with pytest.raises(ConfigError, match=r"L1 rate λ₁ must be a finite number ≥ 0, got nan"):
        net.l1 = float("nan")
    with pytest.raises(ConfigError, match=r"L1 rate λ₁ must be a number ≥ 0, got '0.1'"):
        gn.Network([2, 1], l1="0.1")
    assert (net.l1, net.l2) == (0.0, 0.0)  # a refused rate leaves the old one


@pytest.mark.parametrize("fit", [False, True])
@pytest.mark.parametrize("key", ["l1", "l2"])
def test_training_refuses_the_networks_regularization_rates(net, fit, key):
    before = net.parameters.copy()
    run = net.fit if fit else (lambda X, Y, **kw: train(net, X, Y, **kw))
    symbol = {"l1": "L1 rate λ₁", "l2": "L2 rate λ₂"}[key]
    expected = (f"{key}= (the {symbol}) is a setting of the network, not of training: set it "
                f"on the network, as Network(..., {key}=0.1) or net.{key} = 0.1, then train")
    with pytest.raises(ConfigError, match=f"^{re.escape(expected)}$"):
        run(*good_data(), epochs=1, **{key: 0.1})
    assert getattr(net, key) == 0.0
    np.testing.assert_array_equal(net.parameters, before)


def test_bad_dtype():
    with pytest.raises(ConfigError, match=r"dtype must be float32 or float64"):
        gn.Network([2, 1], dtype="int32")


def test_softmax_needs_two_units():
    with pytest.raises(ConfigError, match=r"softmax output layer needs at least 2 units"):
        gn.Network([2, 1], output="softmax")


def test_momentum_beta_range():
    with pytest.raises(ConfigError, match=r"momentum β must be in \[0, 1\)"):
        gn.optimizers.get({"name": "momentum", "beta": 1.0})


# ------------------------------------------------------------------ no warnings, ever
def test_no_numpy_warning_for_extreme_finite_input():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 20)) * 1e150
    Y = (rng.uniform(size=(1, 20)) > 0.5).astype(float)
    for g in gn.activations.activations.names():
        if g == "softmax":
            continue
        net = gn.Network([2, 3, 1], activations=g, seed=0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            A = net.forward(X)
            J = net.cost(X, Y)
            if g == "exponential":  # A[1] is the largest float: dW[2] = dZ A[1]ᵀ overflows
                with pytest.raises(gn.NumericError, match=r"backpropagation overflowed"):
                    net.backward(Y)
                continue
            net.backward(Y)
        # a sigmoid output stays in [0, 1] and the ε clipping keeps log finite
        assert np.all(np.isfinite(A)) and np.isfinite(J)
        assert np.all(np.isfinite(net.gradients))


def test_overflow_is_reported_with_the_layer_not_returned_as_inf():
    net = gn.Network([2, 3, 1], activations="linear", loss="mse", seed=0)
    net.W[1] = np.full((3, 2), 1e200)
    X = np.full((2, 4), 1e200)
    with pytest.raises(gn.NumericError, match=r"overflowed at layer 1: Z\[1\]"):
        net.forward(X)
    net.W[1] = np.full((3, 2), 1.0)
    with pytest.raises(gn.NumericError, match=r"the cost J is inf"):
        net.cost(np.full((2, 4), 1e160), np.zeros((1, 4)))


# ------------------------------------------------------------------ settings where they enter
@pytest.mark.parametrize(("spec", "error", "message"), [
    ({"name": "leaky_relu", "slope": float("nan")}, ConfigError, r"leaky ReLU slope .* got nan"),
    ({"name": "leaky_relu", "slope": float("inf")}, ConfigError, r"leaky ReLU slope"),
    ({"name": "leaky_relu", "slope": -0.1}, ConfigError, r"slope must be a finite number in \[0, 1\)"),
    ({"name": "leaky_relu", "slope": 1.0}, ConfigError, r"in \[0, 1\), got 1.0"),
    ({"name": "leaky_relu", "slope": "0.2"}, GlassnetTypeError, r"slope must be a number .* str '0.2'"),
    ({"name": "leaky_relu", "slope": True}, GlassnetTypeError, r"got bool True"),
    ({"name": "elu", "alpha": 0.0}, ConfigError, r"ELU α must be a finite number in \(0, inf\]"),
    ({"name": "elu", "alpha": float("nan")}, ConfigError, r"ELU α"),
    ({"name": "elu", "alpha": None}, GlassnetTypeError, r"ELU α must be a number"),
])
def test_activation_settings_are_checked_where_they_enter(spec, error, message):
    with pytest.raises(error, match=message):
        gn.activations.get(spec)
    with pytest.raises(error, match=message):  # the same error through a network
        gn.Network([2, 3, 1], activations=spec)


def test_a_saved_file_with_a_nan_slope_is_refused():
    net = gn.Network([2, 3, 1], activations={"name": "leaky_relu", "slope": 0.2}, seed=0)
    config = net.config()
    config["layers"][0]["activation"]["slope"] = float("nan")
    with pytest.raises(gn.FileFormatError, match=r"leaky ReLU slope .* got nan"):
        rebuild("network", config, {"parameters": net.parameters})


@pytest.mark.parametrize(("spec", "message"), [
    ({"name": "normal", "sigma": 1.0}, r"'normal' has no setting 'sigma'; its settings are: std"),
    ({"name": "zeros", "value": 1.0}, r"'zeros' has no setting 'value'; it takes no settings"),
    ({"name": "uniform", "lo": 0}, r"its settings are: low, high"),
])
def test_a_misspelt_setting_lists_the_valid_ones(spec, message):
    with pytest.raises(ConfigError, match=message):
        gn.initializers.get(spec)


@pytest.mark.parametrize(("spec", "message"), [
    ({"name": "uniform", "low": -1e308, "high": 1e308}, r"finite width high − low"),
    ({"name": "uniform", "low": 1.0, "high": 1.0}, r"needs low < high"),
    ({"name": "uniform", "low": float("nan")}, r"uniform initializer's low"),
    ({"name": "normal", "std": -1.0}, r"std σ must be a finite number in \[0, inf\]"),
    ({"name": "constant", "value": float("inf")}, r"constant initializer's value"),
])
def test_initializer_settings_are_checked(spec, message):
    with pytest.raises(ConfigError, match=message):
        gn.Network([2, 3, 1], initializer=spec)


def test_an_initializer_beyond_the_dtype_is_refused_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ConfigError, match=r"gives W\[1\] values beyond the largest float32"):
            gn.Network([2, 3, 1], initializer={"name": "normal", "std": 1e300}, dtype="float32")
        with pytest.raises(ConfigError, match=r"gives b\[1\] values beyond the largest float32"):
            gn.Network([2, 3, 1], bias_initializer={"name": "constant", "value": 1e300},
                       dtype="float32")


@pytest.mark.parametrize("seed", ["abc", -1, 1.5, True, [1, 2]])
def test_bad_seeds_name_the_seed(seed):
    with pytest.raises(ConfigError, match=r"seed must be None, a whole number ≥ 0"):
        gn.Network([2, 3, 1], seed=seed)
    with pytest.raises(ConfigError, match=r"seed must be"):
        gn.Network([2, 3, 1], seed=0).initialize(seed)


def test_seeds_that_are_fine():
    a = gn.Network([2, 3, 1], seed=np.int64(7)).parameters
    b = gn.Network([2, 3, 1], seed=np.random.default_rng(7)).parameters
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", ["abc", "int32", 5, "float16", "f8x"])
def test_a_dtype_that_is_not_float32_or_float64(dtype):
    with pytest.raises(ConfigError, match=r"dtype must be float32 or float64"):
        gn.Network([2, 1], dtype=dtype)


def test_float32_input_beyond_its_range_is_named_without_a_cast_warning():
    net = gn.Network([2, 3, 1], dtype="float32", seed=0)
    X = np.ones((2, 4))
    X[1, 2] = -1e300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError, match=r"X holds -1e\+300 at \[1, 2\], beyond the largest float32"):
            net.forward(X)
        with pytest.raises(DataError, match=r"Y holds 1e\+39"):
            net.cost(np.ones((2, 1)), np.array([[1e39]]))


@pytest.mark.parametrize(("sizes", "figure"), [
    ([2, 2**62, 1], r"18,446,744,073,709,551,617 parameters"),
    ([2, 100000, 100000, 1], r"10,000,500,001 parameters \(W and b\), 160 GB"),
])
def test_a_network_too_large_is_refused_with_its_size_before_allocating(sizes, figure):
    with pytest.raises(ConfigError, match=figure + r".*at most 100,000,000"):
        gn.Network(sizes)


def test_the_size_cap_is_exact(monkeypatch):
    monkeypatch.setattr(gn.network, "MAX_PARAMETERS", 13)
    assert gn.Network([2, 3, 1]).n_parameters == 13  # 2·3 + 3 + 3·1 + 1: at the cap
    with pytest.raises(ConfigError, match=r"make 16 parameters .* at most 13"):
        gn.Network([3, 3, 1])


@pytest.mark.parametrize("epsilon", [float("nan"), 0, -1e-7, 1e-300, 2.0, "1e-7", None])
def test_gradient_check_epsilon_is_checked(net, epsilon):
    X, Y = good_data()
    with pytest.raises(GlassnetError, match=r"gradient check's step ε must be a"):
        gn.gradcheck.check_gradients(net, X, Y, epsilon=epsilon)
    with pytest.raises(GlassnetError, match=r"step ε"):
        gn.gradcheck.numerical_gradient(net, X, Y, epsilon=epsilon)


def test_softmax_is_refused_in_a_hidden_layer_with_the_reason():
    with pytest.raises(ConfigError, match=r"softmax cannot be g\[2\] of hidden layer 2: it is an "
                                          r"output activation"):
        gn.Network([2, 3, 3, 2], activations=["relu", "softmax"])
    layers = [gn.layers.Dense(3, "softmax"), gn.layers.Dense(1, "sigmoid")]
    with pytest.raises(ConfigError, match=r"softmax cannot be g\[1\]"):
        gn.Network.from_layers(2, layers)


def test_W_tilde_is_read_only(net):
    W_tilde = net.W_tilde[1]
    with pytest.raises(ValueError, match="read-only"):
        W_tilde[0, 0] = 9.0
    with pytest.raises(GlassnetTypeError, match=r"set it with net.set_bias_column"):
        net.W_tilde[1] = np.zeros((4, 3))
    assert net.b[1][0, 0] != 9.0 and net.W_tilde[1].flags.writeable is False
