"""Property tests (Hypothesis): extreme but finite values never give NaN, inf or warnings."""

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import glassnet as gn
from glassnet.activations import activations
from glassnet.losses import losses

finite_z = arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)),
                  elements=st.floats(-1e4, 1e4, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(Z=finite_z, name=st.sampled_from(activations.names()))
def test_activations_finite_without_warnings(Z, name):
    g = activations.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A = g.forward(Z)
        dZ = g.backward(np.ones_like(Z), Z, A)
    assert np.all(np.isfinite(A)) and np.all(np.isfinite(dZ))
    low, high = g.output_range
    assert np.all(A >= low) and np.all(A <= high)


@settings(max_examples=60, deadline=None)
@given(Z=finite_z, name=st.sampled_from(losses.names()), seed=st.integers(0, 1000))
def test_losses_finite_without_warnings(Z, name, seed):
    rng = np.random.default_rng(seed)
    n, m = Z.shape
    loss = losses.get(name)
    if name == "binary_cross_entropy":
        A = activations.get("sigmoid").forward(Z)
        Y = (rng.uniform(size=Z.shape) > 0.5).astype(float)
    elif name == "categorical_cross_entropy":
        Z = np.vstack([Z, -Z[:1]])  # at least 2 classes
        A = activations.get("softmax").forward(Z)
        Y = np.eye(Z.shape[0])[:, rng.integers(0, Z.shape[0], m)]
    else:
        A, Y = Z, rng.normal(size=Z.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        J = loss.cost(A, Y)
        dA = loss.dA(A, Y)
    assert np.isfinite(J) and np.all(np.isfinite(dA))


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    hidden=st.sampled_from([n for n in activations.names() if n != "softmax"]),
    m=st.integers(1, 12),
    scale=st.sampled_from([1e-3, 1.0, 1e3]),
    rate=st.sampled_from([1e-3, 0.1, 10.0]),
    optimizer=st.sampled_from(["sgd", "momentum", "adam", "rmsprop"]),
)
def test_training_never_goes_nan_silently(seed, hidden, m, scale, rate, optimizer):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(3, m)) * scale
    Y = (rng.uniform(size=(1, m)) > 0.5).astype(float)
    net = gn.Network([3, 4, 1], activations=hidden, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            history = net.fit(X, Y, epochs=5, learning_rate=rate, optimizer=optimizer,
                              batch_size=4, seed=seed)
        except gn.DivergenceError as err:
            assert "epoch" in str(err)
            history = err.history
    assert all(np.isfinite(history.cost))
    assert np.all(np.isfinite(net.parameters))
