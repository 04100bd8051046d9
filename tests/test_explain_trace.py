"""The trace: every value of a step, equal to the by-hand reference, the core's own
gradient and the numerical gradient; and the network it explains left untouched."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import explain
from glassnet.errors import ConfigError, GlassnetError, NumericError
from glassnet.gradcheck import numerical_gradient
from test_explain_by_hand import by_hand

CASES = [  # hidden activations, output activation, loss
    (["sigmoid"], "sigmoid", "half_squared_error"),
    (["tanh"], "sigmoid", "binary_cross_entropy"),
    (["relu", "tanh"], "linear", "mean_squared_error"),
    (["leaky_relu"], "softmax", "categorical_cross_entropy"),
]


def random_problem(hidden, out, loss, seed=0, n_x=3, m=5):
    rng = np.random.default_rng(seed)
    sizes = [n_x] + [4] * len(hidden) + [3 if out == "softmax" else 1]
    W = [rng.normal(size=(n, p)) for p, n in zip(sizes[:-1], sizes[1:])]
    b = [rng.normal(size=n) for n in sizes[1:]]
    X = rng.normal(size=(n_x, m))
    if loss == "binary_cross_entropy":
        Y = (rng.uniform(size=(1, m)) > 0.5).astype(float)
    elif loss == "categorical_cross_entropy":
        Y = np.eye(3)[:, rng.integers(0, 3, size=m)]
    else:
        Y = rng.normal(size=(sizes[-1], m))
    net = gn.Network.from_parameters(W, b, [*hidden, out], loss=loss)
    return net, W, b, X, Y


@pytest.mark.parametrize("hidden, out, loss", CASES)
def test_every_value_equals_the_by_hand_reference(hidden, out, loss):
    net, W, b, X, Y = random_problem(hidden, out, loss)
    t = explain.trace(net, X, Y, learning_rate=0.3, steps=2)
    expected = by_hand(W, b, [*hidden, out], X, Y, loss, 0.3, steps=2)
    for step, hand in zip(t.steps, expected, strict=True):
        assert list(step.values) == list(hand)  # the notes' order, key by key
        for key, value in hand.items():
            np.testing.assert_allclose(step.values[key], np.atleast_2d(value), rtol=1e-10,
                                       atol=1e-13, err_msg=key)


@pytest.mark.parametrize("hidden, out, loss", CASES)
def test_gradients_equal_the_core_and_the_numerical_gradient(hidden, out, loss):
    net, _, _, X, Y = random_problem(hidden, out, loss, seed=1)
    t = explain.trace(net, X, Y, learning_rate=0.1)
    J, g = net.gradient(X, Y)
    step = t.steps[0]
    assert step.values["cost"][0, 0] == pytest.approx(J, rel=1e-13)
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(step.values[f"dW[{l}]"], net.dW[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(step.values[f"db[{l}]"], net.db[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(step.values[f"dZ[{l}]"], net.dZ[l], rtol=1e-12, atol=1e-15)
    traced = np.concatenate([step.values[f"dW[{l}]"].ravel() for l in range(1, net.L + 1)]
                            + [step.values[f"db[{l}]"].ravel() for l in range(1, net.L + 1)])
    np.testing.assert_allclose(traced, numerical_gradient(net, X, Y), rtol=1e-5, atol=1e-8)


def test_steps_equal_the_core_training_loop_and_regularization_is_included():
    net, _, _, X, Y = random_problem(["tanh"], "sigmoid", "binary_cross_entropy", seed=2)
    net.l2 = 0.1
    t = explain.trace(net, X, Y, learning_rate=0.5, steps=3)
    trained = net.copy()
    trained.fit(X, Y, epochs=3, learning_rate=0.5, optimizer="sgd")
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(t.steps[-1].values[f"W[{l}] after"], trained.W[l], rtol=1e-12)
        np.testing.assert_allclose(t.steps[-1].values[f"b[{l}] after"], trained.b[l], rtol=1e-12)
    # step 2 starts where step 1 ended, and its cost is the core's J there (with the L2 term)
    start = net.copy()
    for l in range(1, net.L + 1):
        start.W[l] = t.steps[0].values[f"W[{l}] after"]
        start.b[l] = t.steps[0].values[f"b[{l}] after"]
    assert t.steps[1].values["cost"][0, 0] == pytest.approx(start.cost(X, Y), rel=1e-13)


def test_a_trace_never_changes_the_network_it_explains():
    net, _, _, X, Y = random_problem(["sigmoid"], "sigmoid", "half_squared_error")
    net.forward(X)
    net.backward(Y)
    before = (net.parameters.copy(), net.gradients.copy(), net.Z[1].copy(), net.A[2].copy())
    t = explain.trace(net, X, Y, learning_rate=5.0, steps=4)
    np.testing.assert_array_equal(net.parameters, before[0])
    np.testing.assert_array_equal(net.gradients, before[1])
    np.testing.assert_array_equal(net.Z[1], before[2])
    np.testing.assert_array_equal(net.A[2], before[3])
    # and the trace's values are its own: changing them does not reach the network
    t.steps[0].values["W[1] after"][...] = 99.0
    assert not np.any(net.W[1] == 99.0)
    np.testing.assert_array_equal(t.network.parameters, before[0])


def test_values_by_the_notes_names():
    path = explain.example_path("seed003_math_problem")
    t = explain.load_problem(path).trace()
    step = t.steps[0]
    assert t["A[1][2,3]"] == step.values["A[1]"][1, 2]  # unit 2, example 3, from 1
    assert t["a[1][2,3]"] == t["A[1][2,3]"]  # lower case as the notes write one example
    assert t["b[2] after step 1"][0, 0] == step.values["b[2] after"][0, 0]
    assert t["cost"][0, 0] == t["J"][0, 0] == step.values["cost"][0, 0]
    assert t["A[2][3]"] == step.values["A[2]"][0, 2]  # one index for a row vector
    assert t["db[1][2]"] == step.values["db[1]"][1, 0]  # and for a column
    np.testing.assert_array_equal(t["A[0]"], t.X)
    np.testing.assert_array_equal(t["W[1]"], [[0.2, 0.4], [0.3, 0.5]])
    # the bias-column form: W̃[l] = [b | W], its columns counted from 0 (the bias)
    np.testing.assert_array_equal(t["W̃[2] after step 1"], np.hstack(
        [step.values["b[2] after"], step.values["W[2] after"]]))
    assert t["dW~[1][2,0]"] == step.values["db[1]"][1, 0]
    assert t["Wt[1][1,2]"] == 0.4


@pytest.mark.parametrize("name, message", [
    ("Q[1]", "not a name"),
    ("Z", "needs a layer"),
    ("Z[3]", "layers 1 … 2"),
    ("A[1][3,1]", "outside"),
    ("A[1][2]", "give both indices"),
    ("Z[1] in step 2", "1 step"),
    ("dZ[1] after step 1", "only the parameters"),
    ("cost[1]", "one number"),
])
def test_unknown_names_get_a_clear_error(name, message):
    t = explain.load_problem(explain.example_path("seed003_math_problem")).trace()
    with pytest.raises(ConfigError, match=message):
        t[name]


def test_forward_only_and_shapes_only_traces():
    net = gn.Network.from_parameters([[[0.5]]], [[-0.5]], ["sigmoid"])
    t = explain.trace(net, [[2.0]])
    assert list(t.steps[0].values) == ["Z[1]", "A[1]"]
    with pytest.raises(ConfigError, match="forward pass only"):
        t["dZ[1]"]
    with pytest.raises(ConfigError, match="learning rate"):
        explain.trace(net, [[2.0]], [[1.0]])
    with pytest.raises(ConfigError, match="only 1 step"):
        explain.trace(net, [[2.0]], steps=2)
    shapes = explain.trace(gn.Network([5, 4, 2], seed=0))
    assert shapes.steps == [] and "W[1] (4×5)" in shapes.to_text()


def test_bad_data_is_refused_in_the_notes_terms():
    net = gn.Network.from_parameters([[[0.5, 1.0]]], [[0.0]], ["sigmoid"])
    with pytest.raises(GlassnetError, match="X has 3 rows"):
        explain.trace(net, np.ones((3, 2)))
    with pytest.raises(GlassnetError, match="Y must have shape"):
        explain.trace(net, np.ones((2, 2)), np.ones((1, 3)), learning_rate=0.1)
    with pytest.raises(GlassnetError, match="binary cross-entropy"):
        explain.trace(net, np.ones((2, 2)), [[0.0, 2.0]], learning_rate=0.1)


def test_symmetry_is_detected_only_when_the_units_stay_identical():
    t = explain.load_problem(explain.example_path("seed000_5_symmetry")).trace()
    assert t.symmetric_layers() == [1]
    for step in t.steps:  # identical rows in every value of layer 1, step after step
        for key in ("Z[1]", "A[1]", "dZ[1]", "dW[1]", "W[1] after", "b[1] after"):
            np.testing.assert_array_equal(step.values[key][0], step.values[key][1])
    assert np.any(t.steps[-1].values["W[1] after"] != 0)  # they move, but together
    text = t.to_text()
    assert text.count("Symmetry: the 2 units of layer 1 have identical values in every one "
                      "of the 3 steps") == 1
    # W[1] = 0 but W[2] with unequal entries: the units get different gradients
    net = gn.Network.from_parameters([np.zeros((2, 2)), [[0.3, -0.2]]], [np.zeros(2), [0.0]],
                                     ["sigmoid", "sigmoid"])
    broken = explain.trace(net, t.X, t.Y, learning_rate=0.5, steps=2)
    assert broken.symmetric_layers() == [] and "Symmetry" not in broken.to_text()


def test_float32_networks_are_traced_in_float32():
    net = gn.Network([2, 3, 1], activations="tanh", seed=0, dtype="float32")
    X = np.random.default_rng(0).normal(size=(2, 4))
    t = explain.trace(net, X, [[0, 1, 1, 0]], learning_rate=0.1)
    assert t.steps[0].values["dW[1]"].dtype == np.float32
    np.testing.assert_allclose(t.steps[0].values["dW[1]"], net.gradient(X, [[0, 1, 1, 0]])[1][:6]
                               .reshape(3, 2), rtol=1e-5)


def test_a_new_loss_for_the_trace_leaves_the_networks_alone():
    net, W, b, X, Y = random_problem(["sigmoid"], "sigmoid", "half_squared_error")
    t = explain.trace(net, X, Y, learning_rate=0.1, loss="mse")
    (hand,) = by_hand(W, b, ["sigmoid", "sigmoid"], X, Y, "mean_squared_error", 0.1)
    np.testing.assert_allclose(t.steps[0].values["dW[1]"], hand["dW[1]"], rtol=1e-12)
    assert net.loss.name == "half_squared_error"


def test_layers_of_a_problem_file_can_be_traced_directly():
    layers = [{"W": [[0.5]], "b": [-0.5], "activation": "sigmoid"}]
    t = explain.trace(layers, [[2.0]])
    assert t["Z[1]"][0, 0] == pytest.approx(0.5)


def test_a_diverging_step_is_an_error_not_a_silent_nan():
    net = gn.Network.from_parameters([[[1.0]], [[1.0]]], [[0.0], [0.0]], ["linear", "linear"],
                                     loss="half_squared_error")
    with pytest.raises(NumericError, match=r"step 1: W\[1\] after is not finite .* smaller"):
        explain.trace(net, [[1e100]], [[0.0]], learning_rate=1e200)
