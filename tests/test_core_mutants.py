"""Kill-tests from mutation testing: each pins a value or a branch that no other test did.

They were written for mutants that survived ``mutmut run`` (see DEVELOPERS.md, "Tests and
CI"); each states the fact it checks, worked out by hand from the notes' formulas.
"""

import math

import numpy as np
import pytest

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
