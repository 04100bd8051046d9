"""Every worked number of the notes, computed by glassnet and by hand (plain ``math``).

The expected values are worked out here from the definitions, independently of the
library. Where the notes' own hand arithmetic slips, the test asserts the exact value and
a comment says where the notes differ.
"""

import math

import numpy as np
import pytest

import glassnet as gn


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


# ---------------------------------------------------------------- seed 000: the single neuron
def test_seed000_univariate_neuron():
    # x = 2, W[1] = 0.5, b[1] = -0.5: Z = 0.5·2 − 0.5 = 0.5, a = σ(0.5) ≈ 0.622
    net = gn.Network.from_parameters([[[0.5]]], [[-0.5]], ["sigmoid"])
    A = net.forward([[2.0]])
    assert net.Z[1][0, 0] == pytest.approx(0.5, abs=1e-15)
    assert A[0, 0] == pytest.approx(sigma(0.5), rel=1e-14)
    assert round(A[0, 0], 3) == 0.622


def test_seed000_multivariate_neuron_and_class():
    # W0 = −1 (bias), W = (2, 0.5, −2), a[0] = (1, 4, 0.5): Z = −1 + 2 + 2 − 1 = 2
    net = gn.Network.from_bias_columns([[[-1.0, 2.0, 0.5, -2.0]]], ["sigmoid"])
    A = net.forward(np.array([[1.0], [4.0], [0.5]]))
    assert net.Z[1][0, 0] == pytest.approx(2.0, abs=1e-15)
    assert A[0, 0] == pytest.approx(sigma(2.0), rel=1e-14)
    assert round(A[0, 0], 2) == 0.88
    assert int(A[0, 0] >= 0.5) == 1  # ŷ = 1 at threshold 0.5


def test_seed000_hidden_neuron():
    # W10 = 0 (bias), W11..W13 = (0.1, 0.2, −0.1), a[0] = (10, 20, 30): Z = 1 + 4 − 3 = 2
    net = gn.Network.from_bias_columns([[[0.0, 0.1, 0.2, -0.1]]], ["sigmoid"])
    A = net.forward(np.array([[10.0], [20.0], [30.0]]))
    assert net.Z[1][0, 0] == pytest.approx(2.0, abs=1e-14)
    assert A[0, 0] == pytest.approx(sigma(2.0), rel=1e-13)


def test_seed000_bias_column_shapes():
    # n_x = 5, n_h = 4, n_o = 2: W̃[1] is [n_h, n_x + 1] = [4, 6], W̃[2] is [n_o, n_h + 1] = [2, 5]
    net = gn.Network([5, 4, 2], activations="sigmoid", output="sigmoid", seed=0)
    assert net.W_tilde[1].shape == (4, 6)
    assert net.W_tilde[2].shape == (2, 5)
    # and W̃[l] = [b[l] | W[l]]
    np.testing.assert_array_equal(net.W_tilde[2][:, 0:1], net.b[2])
    np.testing.assert_array_equal(net.W_tilde[2][:, 1:], net.W[2])


def test_seed000_symmetry_problem_zero_init():
    # With W[1] = 0 the two hidden units compute Z = 0 and σ(0) = 0.5 for every input, get
    # the same gradient, and stay identical after any number of steps.
    net = gn.Network([3, 2, 1], activations="sigmoid", initializer="zeros", seed=0)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 6))
    Y = (rng.uniform(size=(1, 6)) > 0.5).astype(float)
    net.forward(X)
    np.testing.assert_array_equal(net.Z[1], 0.0)
    np.testing.assert_array_equal(net.A[1], 0.5)
    net.fit(X, Y, epochs=25, learning_rate=0.5)
    W1, b1 = net.W[1], net.b[1]
    np.testing.assert_array_equal(W1[0], W1[1])
    np.testing.assert_array_equal(b1[0], b1[1])
    assert np.any(W1 != 0)  # they did move, just together


# ------------------------------------------------- seed 001: shapes of the 2-layer network
def test_seed001_shapes_of_a_two_layer_network():
    # w[1]: (4, 3), b[1]: (4, 1), z[1]: (4, m); w[2]: (1, 4); db keeps its column shape
    net = gn.Network([3, 4, 1], activations="tanh", seed=1)
    X = np.random.default_rng(1).normal(size=(3, 7))
    Y = np.ones((1, 7))
    net.forward(X)
    net.backward(Y)
    assert (net.W[1].shape, net.b[1].shape, net.Z[1].shape) == ((4, 3), (4, 1), (4, 7))
    assert (net.W[2].shape, net.b[2].shape, net.A[2].shape) == ((1, 4), (1, 1), (1, 7))
    assert net.db[1].shape == (4, 1) and net.db[2].shape == (1, 1)
    assert net.L == 2  # the input layer is not counted


# ------------------------------------------------- seed 002: counting the parameters
@pytest.mark.parametrize("m", [1, 5, 64])
def test_seed002_parameter_count_is_3m_plus_14(m):
    # Layers of 3, 2, 1 units after m input features: (3m + 3) + 8 + 3 = 3m + 14
    net = gn.Network([m, 3, 2, 1], activations="sigmoid", seed=0)
    assert net.n_parameters == 3 * m + 14
    assert f"total parameters: {3 * m + 14}" in str(net)


# ------------------------------------------------- seed 003: the worked 2-2-1 problem
X003 = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])  # the OR data, columns
Y003 = np.array([[0.0, 1.0, 1.0, 1.0]])
W1_003 = [[0.2, 0.4], [0.3, 0.5]]
b1_003 = [[0.3], [0.5]]
W2_003 = [[0.4, 0.6]]
b2_003 = [[0.5]]


def seed003_by_hand():
    """The worked problem, one number at a time with math (no NumPy linear algebra)."""
    m = 4
    xs = [(0, 0), (0, 1), (1, 0), (1, 1)]
    ys = [0, 1, 1, 1]
    z1 = [[W1_003[j][0] * x1 + W1_003[j][1] * x2 + b1_003[j][0] for (x1, x2) in xs]
          for j in range(2)]
    a1 = [[sigma(z) for z in row] for row in z1]
    z2 = [W2_003[0][0] * a1[0][i] + W2_003[0][1] * a1[1][i] + b2_003[0][0] for i in range(m)]
    a2 = [sigma(z) for z in z2]
    cost = sum(0.5 * (a2[i] - ys[i]) ** 2 for i in range(m)) / m
    d2 = [(a2[i] - ys[i]) * a2[i] * (1 - a2[i]) for i in range(m)]  # δ[2] = dZ[2]
    d1 = [[W2_003[0][j] * d2[i] * a1[j][i] * (1 - a1[j][i]) for i in range(m)]
          for j in range(2)]  # δ[1] = dZ[1]
    dW2 = [[sum(d2[i] * a1[j][i] for i in range(m)) / m for j in range(2)]]
    db2 = [[sum(d2) / m]]
    dW1 = [[sum(d1[j][i] * xs[i][k] for i in range(m)) / m for k in range(2)] for j in range(2)]
    db1 = [[sum(d1[j]) / m] for j in range(2)]
    return dict(Z1=z1, A1=a1, Z2=[z2], A2=[a2], cost=cost, dZ2=[d2], dZ1=d1,
                dW2=dW2, db2=db2, dW1=dW1, db1=db1)


@pytest.fixture
def net003():
    return gn.Network.from_parameters([W1_003, W2_003], [b1_003, b2_003],
                                      ["sigmoid", "sigmoid"], loss="half_squared_error")


def test_seed003_forward_values(net003):
    hand = seed003_by_hand()
    A2 = net003.forward(X003)
    np.testing.assert_allclose(net003.Z[1], hand["Z1"], rtol=1e-14)
    np.testing.assert_allclose(net003.A[1], hand["A1"], rtol=1e-14)
    np.testing.assert_allclose(net003.Z[2], hand["Z2"], rtol=1e-14)
    np.testing.assert_allclose(A2, hand["A2"], rtol=1e-14)
    # The notes' rounded values: Z[1] = [[.3 .7 .5 .9] [.5 1.0 .8 1.3]] and
    # A[1] = [[.574 .668 .622 .711] [.622 .731 .690 .786]]. The notes' side calculation
    # "σ(0.9) ≈ 0.696" is a slip: σ(0.9) = 0.7109, which their matrix (0.711) does use.
    np.testing.assert_allclose(net003.Z[1], [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]],
                               atol=1e-15)
    np.testing.assert_allclose(np.round(net003.A[1], 3),
                               [[0.574, 0.668, 0.622, 0.711], [0.622, 0.731, 0.690, 0.786]])
    assert round(sigma(0.9), 4) == 0.7109
    # The notes' Z[2] ≈ [1.103 1.206 1.163 1.256] holds (exactly [1.1033 1.2059 1.1627
    # 1.2557]); their A[2] ≈ [.752 .770 .762 .778] slips in the first entry: σ(1.1033) =
    # 0.7509, which rounds to .751.
    np.testing.assert_allclose(np.round(net003.Z[2], 3), [[1.103, 1.206, 1.163, 1.256]])
    np.testing.assert_allclose(np.round(A2, 3), [[0.751, 0.770, 0.762, 0.778]])


def test_seed003_cost_is_half_mean_squared_error(net003):
    hand = seed003_by_hand()
    J = net003.cost(X003, Y003)
    assert J == pytest.approx(hand["cost"], rel=1e-14)
    # the notes: loss = (1/2n) Σ (a − y)² ≈ 0.090 (and MSE ≈ 0.181)
    assert round(J, 3) == 0.090
    mse = gn.losses.get("mean_squared_error").cost(net003.forward(X003), Y003)
    assert round(mse, 3) == 0.181 and mse == pytest.approx(2 * J, rel=1e-14)


def test_seed003_deltas_and_gradients(net003):
    hand = seed003_by_hand()
    net003.forward(X003)
    net003.backward(Y003)
    np.testing.assert_allclose(net003.dZ[2], hand["dZ2"], rtol=1e-13)
    np.testing.assert_allclose(net003.dZ[1], hand["dZ1"], rtol=1e-13)
    np.testing.assert_allclose(net003.dW[2], hand["dW2"], rtol=1e-13)
    np.testing.assert_allclose(net003.db[2], hand["db2"], rtol=1e-13)
    np.testing.assert_allclose(net003.dW[1], hand["dW1"], rtol=1e-13)
    np.testing.assert_allclose(net003.db[1], hand["db1"], rtol=1e-13)
    # The notes' values, where their arithmetic holds: δ[2] ≈ [.140 −.041 −.043 −.038],
    # db[2] ≈ 0.0045, dW[1] ≈ [[−.0018 −.0017] [−.0023 −.0022]], db[1] ≈ [.0008 .0014].
    np.testing.assert_allclose(np.round(net003.dZ[2], 3), [[0.140, -0.041, -0.043, -0.038]])
    assert round(net003.db[2][0, 0], 4) == 0.0045
    np.testing.assert_allclose(np.round(net003.dW[1], 4), [[-0.0018, -0.0017], [-0.0024, -0.0022]])
    np.testing.assert_allclose(np.round(net003.db[1], 4), [[0.0007], [0.0014]])
    # Where the notes differ from the exact values: their dW[1] entry (row 2, column 1)
    # "−0.0023" is −0.002352 exactly (rounds to −0.0024; the notes' figure follows from their
    # own rounded δ[1]), and db[1] "0.0008" is 0.000726 (rounds to 0.0007); their dW[2] shown as "[−0.0002,
    # −0.0006]" in the update is right: dW[2] = [−0.000175, −0.000577].
    np.testing.assert_allclose(np.round(net003.dW[2], 4), [[-0.0002, -0.0006]])


def test_seed003_parameters_after_one_step(net003):
    hand = seed003_by_hand()
    net003.fit(X003, Y003, epochs=1, learning_rate=0.5, optimizer="sgd")
    alpha = 0.5
    np.testing.assert_allclose(net003.W[2], np.array(W2_003) - alpha * np.array(hand["dW2"]),
                               rtol=1e-14)
    np.testing.assert_allclose(net003.b[2], np.array(b2_003) - alpha * np.array(hand["db2"]),
                               rtol=1e-14)
    np.testing.assert_allclose(net003.W[1], np.array(W1_003) - alpha * np.array(hand["dW1"]),
                               rtol=1e-14)
    np.testing.assert_allclose(net003.b[1], np.array(b1_003) - alpha * np.array(hand["db1"]),
                               rtol=1e-14)
    # The notes: W[2] ≈ [0.4001 0.6003], W[1] ≈ [[.2009 .4008] [.3012 .5011]],
    # b[1] ≈ [.2996 .4993]. Their b[2] "0.4978" differs from the exact 0.5 − 0.5·0.004537 =
    # 0.49773 (it follows from their rounded db[2] = 0.0045).
    np.testing.assert_allclose(np.round(net003.W[2], 4), [[0.4001, 0.6003]])
    np.testing.assert_allclose(np.round(net003.W[1], 4), [[0.2009, 0.4008], [0.3012, 0.5011]])
    np.testing.assert_allclose(np.round(net003.b[1], 4), [[0.2996], [0.4993]])
    assert round(net003.b[2][0, 0], 4) == 0.4977


# ------------------------------------------------- seed 004: the 3-input forward pass
def test_seed004_forward_pass_with_bias_point_one():
    x = (0.2, 0.5, -0.9)
    W1 = [[1.2, 0.9, 0.3], [0.2, 0.3, 0.1], [1.3, 1.9, 0.1]]
    W2 = [[0.2, 0.6, 0.2]]
    net = gn.Network.from_parameters([W1, W2], [[0.1] * 3, [0.1]], ["sigmoid", "sigmoid"])
    A2 = net.forward(np.array(x).reshape(3, 1))
    z1 = [sum(w * xi for w, xi in zip(row, x)) + 0.1 for row in W1]
    a1 = [sigma(z) for z in z1]
    z2 = sum(w * a for w, a in zip(W2[0], a1)) + 0.1
    np.testing.assert_allclose(net.Z[1][:, 0], z1, rtol=1e-14)
    np.testing.assert_allclose(net.A[1][:, 0], a1, rtol=1e-14)
    assert net.Z[2][0, 0] == pytest.approx(z2, rel=1e-14)
    assert A2[0, 0] == pytest.approx(sigma(z2), rel=1e-14)
    # The notes: neuron 1: 0.52 → σ = 0.62 ✓; neuron 3: 1.22 → σ = 0.77 ✓.
    assert round(z1[0], 2) == 0.52 and round(a1[0], 2) == 0.63  # σ(0.52) = 0.627
    assert round(z1[2], 2) == 1.22 and round(a1[2], 2) == 0.77
    # Neuron 2 is where the notes slip: (0.2·0.2) + (0.5·0.3) + (−0.9·0.1) + 0.1 = 0.20, not
    # 0.55 (0.55 is σ(0.20) = 0.5498), so its activation is 0.55, not "σ(0.55) = 0.63".
    assert round(z1[1], 2) == 0.20 and round(a1[1], 2) == 0.55
    # Hence the output: Z[2] = 0.7097 and A[2] = 0.670, where the notes have 0.756 and 0.68.
    assert round(z2, 4) == 0.7097 and round(sigma(z2), 3) == 0.670
