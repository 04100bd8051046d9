"""Kill-tests from mutation testing: each pins a value or a branch that no other test did.

They were written for mutants that survived ``mutmut run`` (see DEVELOPERS.md, "Tests and
CI"); each states the fact it checks, worked out by hand from the notes' formulas.
"""

import math
import tracemalloc

import numpy as np
import pytest

import glassnet as gn
from glassnet import losses, optimizers, regularization
from glassnet.activations import activations


# ------------------------------------------------------------------------ activations
def test_an_activation_called_on_a_number_or_an_array():
    sigmoid = activations.get("sigmoid")
    assert sigmoid(0.0) == 0.5 and np.ndim(sigmoid(0.0)) == 0
    assert float(sigmoid(2)) == pytest.approx(1 / (1 + math.exp(-2)), rel=1e-15)  # an int
    np.testing.assert_array_equal(sigmoid(np.zeros((2, 3))), np.full((2, 3), 0.5))


@pytest.mark.parametrize("out", [False, True])
def test_relu_on_a_large_float32_Z(out):
    """The vectorized path for Z of 4096 entries or more: (n, m) = (2, 4096), not square."""
    Z = np.random.default_rng(0).standard_normal((2, 4096)).astype(np.float32)
    relu = activations.get("relu")
    A = relu.forward(Z, out=np.empty_like(Z) if out else None)
    assert A.dtype == np.float32
    np.testing.assert_array_equal(A, np.where(Z > 0, Z, np.float32(0)))


def test_relu_derivative_keeps_the_dtype_and_is_0_at_0():
    relu = activations.get("relu")
    Z = np.array([[-1.0, 0.0, 2.0]], dtype=np.float32)
    assert relu.derivative(Z, None).dtype == np.float32
    # the notes: ReLU'(0) = 0, so dZ = 0 where z = 0 in backward too
    np.testing.assert_array_equal(relu.backward(np.ones_like(Z), Z, None), [[0, 0, 1]])


@pytest.mark.parametrize(("spec", "at_zero"), [
    ({"name": "elu", "alpha": 2.0}, 2.0),  # ELU'(0) = α·e⁰ = α, from the z ≤ 0 side
    ({"name": "selu"}, 1.0507009873554805 * 1.6732632423543772),  # λα
    ({"name": "leaky_relu", "slope": 0.2}, 0.2),
])
def test_derivative_at_zero_is_the_z_le_0_branch(spec, at_zero):
    g = activations.get(spec)
    Z = np.zeros((1, 1))
    assert g.derivative(Z, g.forward(Z))[0, 0] == pytest.approx(at_zero, rel=1e-15)


def test_softmax_subtracts_each_columns_own_maximum():
    """A column far below another must not underflow to 0/0: softmax is per column."""
    Z = np.array([[0.0, -1000.0], [1.0, -999.0]])
    A = activations.get("softmax").forward(Z)
    e = 1 / (1 + math.e)
    np.testing.assert_allclose(A, [[e, e], [1 - e, 1 - e]], rtol=1e-15)


def test_softmax_derivative_points_to_backward():
    softmax = activations.get("softmax")
    with pytest.raises(NotImplementedError,
                       match=r"^softmax has no element-wise derivative; use backward\(dA, Z, A\) "
                             r"for dZ$"):
        softmax.derivative(np.zeros((2, 1)), np.full((2, 1), 0.5))


# ------------------------------------------------------------------------ losses
def test_bce_dA_clips_to_the_dtypes_epsilon(dtype=np.float32):
    """dL/da = (a − y) / (a(1 − a)) with a in [ε, 1 − ε], ε = 1.19e-7 for float32."""
    bce = losses.get("binary_cross_entropy")
    eps = np.finfo(dtype).eps
    A = np.array([[0.0, 1.0, 0.5]], dtype=dtype)
    Y = np.array([[0.0, 1.0, 1.0]], dtype=dtype)
    out = np.empty_like(A)
    dA = bce.dA(A, Y, out=out)
    assert dA is out
    a0, a1 = np.float32(eps), np.float32(1 - eps)
    expected = [a0 / (a0 * (1 - a0)), (a1 - 1) / (a1 * (1 - a1)), -0.5 / 0.25]
    np.testing.assert_allclose(dA[0], expected, rtol=1e-6)
    assert np.all(np.isfinite(dA))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cce_loss_clips_a_to_epsilon_and_one(dtype):
    cce = losses.get("categorical_cross_entropy")
    A = np.array([[0.0, 2.0], [1.0, 0.0]], dtype=dtype)  # a = 0 for the true class; a > 1
    Y = np.array([[1.0, 1.0], [0.0, 0.0]], dtype=dtype)
    L = cce.loss(A, Y)
    assert L.shape == (1, 2)  # one loss per example, a row
    # −log(ε) for a = 0; a = 2 is clipped to 1, so −log(1) = 0
    np.testing.assert_allclose(L, [[-math.log(np.finfo(dtype).eps), 0.0]], rtol=1e-6)


# ------------------------------------------------------------------------ regularization
def test_add_gradient_without_rates_adds_nothing():
    dW, W = np.array([1.0, -2.0]), np.array([3.0, 4.0])
    regularization.add_gradient(dW, W, 2)
    np.testing.assert_array_equal(dW, [1.0, -2.0])
    assert regularization.penalty(W, 2) == 0.0


def test_l1_subgradient_is_zero_at_a_zero_weight():
    """(λ₁/m)·sign(w), with sign(0) = 0: a zero weight gets no L1 push."""
    dW, W = np.zeros(3), np.array([-2.0, 0.0, 5.0])
    regularization.add_gradient(dW, W, 4, l1=2.0)
    np.testing.assert_array_equal(dW, [-0.5, 0.0, 0.5])


# ------------------------------------------------------------------------ layers
def test_dense_backward_by_hand():
    """dW = (1/m) dZ A[l-1]ᵀ, db = (1/m) Σ dZ, dA[l-1] = Wᵀ dZ, for m = 2 worked here."""
    net = gn.Network.from_parameters([[[1.0, 2.0]]], [[0.5]], ["linear"], loss="mse")
    layer = net.layers[0]
    dZ = np.array([[1.0, 3.0]])
    A_prev = np.array([[1.0, 2.0], [-1.0, 4.0]])
    dA_prev = np.empty((2, 2))
    layer.backward(dZ, A_prev, dA_prev)
    np.testing.assert_array_equal(layer.dW, [[(1 * 1 + 3 * 2) / 2, (1 * -1 + 3 * 4) / 2]])
    np.testing.assert_array_equal(layer.db, [[(1 + 3) / 2]])
    np.testing.assert_array_equal(dA_prev, [[1.0, 3.0], [2.0, 6.0]])
    layer.backward(dZ, A_prev)  # the first layer has no dA[0] to fill
    np.testing.assert_array_equal(layer.dW, [[3.5, 5.5]])


def test_dense_defaults_are_relu_and_zero_biases():
    layer = gn.layers.Dense(3)
    assert layer.activation.name == "relu" and layer.bias_initializer.name == "zeros"
    assert layer.initializer.name == "he_normal"  # the usual start for ReLU


@pytest.mark.parametrize("name", losses.losses.names())
def test_every_loss_gives_one_loss_per_example_as_a_row(name):
    loss = losses.get(name)
    A = np.array([[0.2, 0.6, 0.9], [0.8, 0.4, 0.1]])
    Y = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    L = loss.loss(A, Y)
    assert L.shape == (1, 3)
    D2 = (A - Y) ** 2
    by_hand = {  # worked per column from each loss's formula
        "binary_cross_entropy": -(Y * np.log(A) + (1 - Y) * np.log(1 - A)).sum(0),
        "categorical_cross_entropy": -(Y * np.log(A)).sum(0),
        "half_squared_error": 0.5 * D2.sum(0),
        "mean_squared_error": D2.sum(0) / 2,
        # y·log(y/a) − y + a, with 0·log 0 = 0
        "half_poisson_deviance": np.array([0.2 + np.log(1 / 0.8) - 1 + 0.8,
                                           np.log(1 / 0.6) - 1 + 0.6 + 0.4,
                                           np.log(1 / 0.9) - 1 + 0.9 + 0.1]),
    }[name]
    np.testing.assert_allclose(L[0], by_hand, rtol=1e-14)


@pytest.mark.parametrize(("Y", "shown"), [([[0.0, 1.0, 1.5]], "1.5"), ([[1.0, -0.5]], "-0.5"),
                                          ([[1.0, 0.0, 2.5]], "2.5")])
def test_bce_names_the_first_target_outside_zero_one(Y, shown):
    with pytest.raises(gn.DataError, match=rf"but Y holds {shown}; encode the two classes as "
                                           r"0 and 1$"):
        losses.get("bce").check_targets(np.array(Y))


@pytest.mark.parametrize("Y", [[[-0.5], [0.75], [0.75]],  # sums to 1, one entry below 0
                               [[2.0], [0.0]], [[1.5], [0.0]]])
def test_cce_refuses_entries_outside_zero_one(Y):
    with pytest.raises(gn.DataError, match=r"^categorical cross-entropy needs each column of Y "
                                           r"to be one-hot or a probability vector, but Y holds "
                                           r"values outside \[0, 1\]$"):
        losses.get("cce").check_targets(np.array(Y))


def test_cce_column_sums_are_judged_within_1e_6_per_class():
    cce = losses.get("cce")
    cce.check_targets(np.array([[0.5 + 1e-6], [0.5]]))  # n[L] = 2: within 2e-6 of 1
    Y = np.full((2, 10), 0.5)
    Y[0, 3] += 5e-6  # beyond 2e-6, whatever m is
    with pytest.raises(gn.DataError, match=r"column 3 \(example 4\) sums to 1"):
        cce.check_targets(Y)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cce_dA_clips_a_to_epsilon_and_one(dtype):
    cce = losses.get("cce")
    A = np.array([[0.0, 2.0, 0.5]], dtype=dtype)
    Y = np.ones((1, 3), dtype=dtype)
    out = np.empty_like(A)
    dA = cce.dA(A, Y, out=out)
    assert dA is out
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(dA[0], [-1 / eps, -1.0, -2.0], rtol=1e-6)


def test_dense_refuses_a_bad_number_of_units_by_name():
    with pytest.raises(gn.ConfigError, match=r"^the number of units of a layer must be a whole "
                                             r"number ≥ 1, got 0$"):
        gn.layers.Dense(0)


def test_dense_backward_in_float32():
    net = gn.Network.from_parameters([[[1.0, 2.0]]], [[0.5]], ["linear"], loss="mse",
                                     dtype="float32")
    layer = net.layers[0]
    layer.backward(np.array([[1.0, 3.0]], np.float32), np.ones((2, 2), np.float32))
    assert layer.db.dtype == np.float32
    np.testing.assert_array_equal(layer.db, [[2.0]])


# --- activations, losses, regularization, layers, optimizers (mut-core) ---
def test_softmax_of_a_single_number_is_1():
    """A number z is a 1 × 1 Z: one class, whose share e^z / e^z is 1 (a 2 × 1 Z of two
    equal classes would give ½)."""
    assert activations.get("softmax")(3.0) == 1.0


def test_relu_of_a_0_d_and_a_long_1_d_array():
    """forward takes any array: a 0-d one (no last axis to build a row of zeros on) and a
    1-d one of 4096 values (the vectorized path, whose row of zeros is its one axis)."""
    relu = activations.get("relu")
    assert relu(np.array(-2.0)) == 0.0 and relu(np.array(1.5)) == 1.5
    z = np.linspace(-1.0, 1.0, 4096)
    np.testing.assert_array_equal(relu(z), np.where(z > 0, z, 0.0))


def test_cce_column_sum_tolerance_is_inclusive():
    """The tolerance is 1e-6·n[L]; with n[L] = 15625 it is exactly 2⁻⁶ = 0.015625, so a
    column summing to 1 − 2⁻⁶ = 0.984375 (exact in binary) is accepted, one 2⁻³⁰ below it
    is refused."""
    Y = np.zeros((15625, 2))
    Y[0] = [0.984375, 1.0]
    losses.get("cce").check_targets(Y)
    Y[0, 0] -= 2.0 ** -30
    with pytest.raises(gn.DataError, match=r"column 0 \(example 1\) sums to 0\.984375$"):
        losses.get("cce").check_targets(Y)


def test_poisson_clips_a_at_the_float32_epsilon():
    """In float32 a = 0 is taken as ε = 2⁻²³ (1.19e-7), not float64's 2⁻⁵²: for y = 1,
    L = log(1/ε) − 1 + ε = 23·ln 2 − 1 + ε and dL/da = 1 − 1/ε = 1 − 2²³."""
    poisson = losses.get("poisson")
    A = np.zeros((1, 2), np.float32)
    Y = np.array([[1.0, 0.0]], np.float32)
    eps = 2.0 ** -23
    np.testing.assert_allclose(poisson.loss(A, Y), [[23 * math.log(2) - 1 + eps, eps]],
                               rtol=1e-6)
    np.testing.assert_array_equal(poisson.dA(A, Y), [[1 - 2.0 ** 23, 1.0]])


@pytest.mark.parametrize(("Y", "shown"), [([[0.0, 2.0, -3.0, -1.0]], "-3"),
                                          ([[0.5], [-0.25]], "-0.25")])
def test_poisson_names_the_first_negative_target(Y, shown):
    """Counts and rates are ≥ 0: 0 is a target (no error), the first y < 0 is named."""
    poisson = losses.get("poisson")
    with pytest.raises(gn.DataError) as err:
        poisson.check_targets(np.array(Y))
    assert str(err.value) == (f"the Poisson loss needs targets y ≥ 0 (counts or rates), but "
                              f"Y holds {shown}")
    poisson.check_targets(np.array([[0.0, 0.5, 3.0]]))


def test_mse_dA_by_hand_into_the_buffer_given():
    """dL/da = (2/n[L])·(a − y): with n[L] = 2, a − y = (0.5, −1; 2, 0) gives (0.5, −1; 2, 0),
    written into ``out``."""
    A = np.array([[1.0, 0.0], [3.0, 2.0]])
    Y = np.array([[0.5, 1.0], [1.0, 2.0]])
    out = np.empty_like(A)
    dA = losses.get("mse").dA(A, Y, out=out)
    assert dA is out
    np.testing.assert_array_equal(out, [[0.5, -1.0], [2.0, 0.0]])


def test_the_poisson_loss_stays_finite_when_y_over_a_underflows():
    """y = 1e-30 against a = 1e300: y/a underflows to 0, but L = y·log(y/a) − y + a is
    a (1e300) to the last digit; log y − log a keeps it finite."""
    loss = losses.get("half_poisson_deviance")
    A, Y = np.array([[1e300, 2.0]]), np.array([[1e-30, 2.0]])
    L = loss.loss(A, Y)
    assert L[0, 0] == 1e300 and L[0, 1] == 0.0


# ------------------------------------------------------------------------ the cost in blocks
class _Counted(losses.HalfSquaredError):
    """The half squared error, noting the number of columns of every block it scores."""

    def __init__(self):
        self.widths = []

    def loss(self, A, Y):
        assert A.shape == Y.shape  # the same columns of A and Y
        self.widths.append(A.shape[1])
        return super().loss(A, Y)


@pytest.mark.parametrize(("n", "dtype", "m", "widths"), [
    (1, np.float64, 2 * 8192 + 5, [8192, 8192, 5]),  # 2¹⁶ bytes / 8 bytes a column = 8192
    (3, np.float32, 7001, [5461, 1540]),             # 2¹⁶ / (3 · 4) = 5461.3
    (2, np.float64, 4096, [4096]),                   # 2¹⁶ / (2 · 8) = 4096 = m: one block
    (8193, np.float64, 3, [1, 1, 1]),                # a column of 65 544 bytes > 2¹⁶: one each
])
def test_the_cost_scores_at_most_64_KiB_of_A_at_a_time(n, dtype, m, widths):
    """The row of losses ½‖a⁽ⁱ⁾ − y⁽ⁱ⁾‖² and J, their mean, taken in blocks of ⌊2¹⁶ /
    (n · itemsize)⌋ columns (at least one), are the sums worked in whole numbers:
    a − y = ((3r + j) mod 5 − 2) − (j mod 3 − 1) in row r, column j, so every loss is exact."""
    A = np.array([[(3 * r + j) % 5 - 2 for j in range(m)] for r in range(n)], dtype=dtype)
    Y = np.array([[j % 3 - 1 for j in range(m)]] * n, dtype=dtype)
    twice = [sum(((3 * r + j) % 5 - 2 - (j % 3 - 1)) ** 2 for r in range(n)) for j in range(m)]
    loss = _Counted()
    assert loss.chunked_loss(A, Y).tolist() == [[t / 2 for t in twice]]  # the (1, m) row
    assert loss.widths == widths
    twice_sum = sum(twice)
    loss.widths = []
    J = loss.cost(A, Y)
    assert loss.widths == widths
    if dtype == np.float64:
        assert J == twice_sum / (2 * m)  # the sum is exact: one rounding, in the division
    else:  # float32: the exact sum, then the mean rounded to float32
        assert J == pytest.approx(twice_sum / (2 * m), rel=np.finfo(np.float32).eps)


# ------------------------------------------------------------------------ optimizers
@pytest.mark.parametrize("name", ["sgd", "momentum", "classic_momentum"])
def test_sgd_and_momentum_steps_work_in_one_kept_array(name):
    """α·g (SGD, classic momentum), (1 − β)·g and α·V (the notes' momentum) are written into
    the work array made at the first step, so a later step of 2¹² parameters (32 KiB)
    allocates no array: a few hundred bytes of views."""
    theta, g = np.linspace(-1.0, 1.0, 2**12), np.linspace(0.5, -0.5, 2**12)
    opt = optimizers.get(name)
    opt.step(theta, g, 0.1)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        opt.step(theta, g, 0.1)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak < theta.nbytes / 8
