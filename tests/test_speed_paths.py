"""The speed work of issue 6 changes no result: each fast path equals the plain one.

Training gathers minibatches a chunk at a time and takes the epoch's cost at its end;
these tests hold it to a per-step loop written from the notes, for every memory layout of
X. The other checks cover the fast ReLU, the optimizer's work buffer and the finite check.
"""

import tracemalloc
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet import optimizers
from glassnet.training import train
from glassnet.validation import check_finite


def _layouts(X):
    return {"C": np.ascontiguousarray(X), "F": np.asfortranarray(X),
            "strided": np.repeat(X, 2, axis=1)[:, ::2]}


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_minibatch_training_equals_the_per_step_loop(layout, output):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3001))  # several chunks of 50-example minibatches, a partial last
    k = 1 if output == "sigmoid" else 3
    Y = (X[:1] > 0).astype(float) if k == 1 else np.eye(k)[:, rng.integers(0, k, 3001)]
    net = gn.Network([40, 16, k], activations="tanh", seed=0, l2=0.01)
    reference = net.copy()
    history = train(net, _layouts(X)[layout], Y, epochs=2, batch_size=50, learning_rate=0.1,
                    seed=1)
    # the notes' loop: the same minibatches (a permutation of the m examples from the seed's
    # generator each epoch, cut into runs of B = 50), one gradient step each, J of each
    # before its step
    order_rng, costs = np.random.default_rng(1), []
    for _ in range(2):
        total = 0.0
        order = order_rng.permutation(3001)
        for idx in (order[start:start + 50] for start in range(0, 3001, 50)):
            J, g = reference.gradient(X[:, idx], Y[:, idx])
            total += J * len(idx)
            reference.parameters -= 0.1 * g
        costs.append(total / 3001)
    np.testing.assert_allclose(net.parameters, reference.parameters, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(history.cost, costs, rtol=1e-12)


def test_training_does_not_copy_the_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 20000))
    Y = (X[:1] > 0).astype(float)
    net = gn.Network([200, 8, 1], activations="relu", seed=0)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        train(net, X, Y, epochs=2, batch_size=64, learning_rate=0.01, seed=0)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak < 0.25 * (X.nbytes + Y.nbytes)


@pytest.mark.parametrize("shape", [(3,), (8, 10), (128, 64)])
def test_relu_equals_max_with_zero_at_every_size(shape):
    rng = np.random.default_rng(0)
    Z = rng.normal(size=shape)
    Z.flat[0], Z.flat[-1] = -np.inf, np.nan
    relu = gn.activations.get("relu")
    for dtype in (np.float32, np.float64):
        A = relu.forward(Z.astype(dtype))
        assert A.dtype == dtype and A.shape == shape
        np.testing.assert_array_equal(A, np.maximum(Z, 0).astype(dtype))


def test_sgd_work_buffer_is_not_part_of_the_saved_state():
    opt = optimizers.get("sgd")
    theta = np.array([1.0, 2.0])
    opt.step(theta, np.array([0.5, -1.0]), 0.1)
    np.testing.assert_allclose(theta, [0.95, 2.1], rtol=1e-15)
    assert opt.state == {}


def test_finite_check_without_a_copy_still_names_the_entry():
    X = np.ones((3, 4))
    check_finite(X, "X")
    huge = np.full((2, 3), 1e308)  # the sum overflows: the entries are examined instead
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_finite(huge, "X")
    for bad in (np.nan, np.inf, -np.inf):
        X[1, 2] = bad
        with pytest.raises(gn.DataError, match=r"\[1, 2\]"):
            check_finite(X, "X")
