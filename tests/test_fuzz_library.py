"""Fuzzing the public API (Hypothesis): every call works with finite results or raises a
GlassnetError with a message; never another exception type, a NumPy warning, or a NaN.

The number of generated cases is counted; ``test_fuzz_case_count`` checks the total and
prints it (run with ``-s`` to see it).
"""

import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as gn
from glassnet.activations import activations
from glassnet.initializers import initializers
from glassnet.losses import losses
from glassnet.optimizers import optimizers
from glassnet.training import train

CASES = {"count": 0}
EXAMPLES = int(os.environ.get("GLASSNET_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))



def names(registry):
    """Mostly valid names of the registry, sometimes garbage of any type."""
    return st.sampled_from([*registry.names(), "nope", 3, None])
magnitudes = st.sampled_from([0.0, 1e-300, 1e-8, 1.0, 1e8, 1e150, 1e300])
dtypes = st.sampled_from([np.float64, np.float32, np.int64, np.bool_, np.complex128, object])


@st.composite
def arrays_with_faults(draw, shape=None):
    """Arrays of a given or random shape and dtype, maybe holding NaN or ±inf somewhere."""
    if shape is None or draw(st.integers(0, 4)) == 0:
        ndim = draw(st.integers(0, 3))
        shape = tuple(draw(st.integers(0, 5)) for _ in range(ndim))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = np.asarray(rng.normal(size=shape) * draw(magnitudes))
    fault = draw(st.sampled_from([None, None, None, np.nan, np.inf, -np.inf]))
    if fault is not None and values.size:
        values.flat[draw(st.integers(0, values.size - 1))] = fault
    dtype = draw(st.one_of(st.just(np.float64), dtypes))
    if dtype is object:
        return values.astype(object) if values.size else np.array([["x"]], dtype=object)
    with np.errstate(invalid="ignore", over="ignore"):
        return values.astype(dtype)


def call(fn):
    """Run ``fn``; accept finite results or a GlassnetError with a message, nothing else."""
    CASES["count"] += 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = fn()
        except gn.GlassnetError as err:
            assert str(err), "a glassnet error must carry a message"
            return None
    for value in result if isinstance(result, tuple) else (result,):
        if isinstance(value, (float, np.ndarray)):
            assert np.all(np.isfinite(value)), f"non-finite result {value!r}"
    return result


@FUZZ
@given(sizes=st.one_of(
           st.lists(st.integers(1, 6), min_size=2, max_size=5),
           st.lists(st.one_of(st.integers(-2, 6), st.floats(0, 4), st.text(max_size=2)),
                    max_size=5)),
       g=names(activations), out=names(activations), loss=names(losses),
       init=names(initializers), dtype=st.sampled_from(["float64", "float32", "int8", None, 3]))
def test_building_networks(sizes, g, out, loss, init, dtype):
    call(lambda: gn.Network(sizes, activations=g, output=out, loss=loss, initializer=init,
                            dtype=dtype, seed=0) and None)


@FUZZ
@given(data=st.data(), g=st.sampled_from([n for n in activations.names() if n != "softmax"]),
       loss=st.sampled_from(losses.names()), n_x=st.integers(1, 4), n_L=st.integers(1, 3),
       m=st.integers(0, 6))
def test_forward_cost_gradient_on_random_arrays(data, g, loss, n_x, n_L, m):
    if loss == "categorical_cross_entropy":
        n_L = max(n_L, 2)
    net = gn.Network([n_x, 3, n_L], activations=g, loss=loss, seed=1)
    X = data.draw(arrays_with_faults((n_x, m)))
    Y = data.draw(arrays_with_faults((n_L, m)))
    if Y.dtype != object and data.draw(st.booleans()):
        # targets of the loss's own kind, so that the costs are reached
        Y = np.abs(np.real(Y.astype(complex))).astype(float)
        if loss == "categorical_cross_entropy" and Y.ndim == 2 and Y.shape[0] > 1 and Y.size:
            Y = np.eye(Y.shape[0])[:, np.argmax(np.nan_to_num(Y), axis=0)]
        elif loss == "binary_cross_entropy":
            Y = np.where(np.isfinite(Y), np.minimum(Y, 1.0), Y)
    call(lambda: net.forward(X))
    call(lambda: net.cost(X, Y))
    call(lambda: net.gradient(X, Y))


@FUZZ
@given(m=st.integers(0, 9), scale=magnitudes, rate=st.one_of(
           st.sampled_from([1e-3, 0.1, 1e3]), st.floats(allow_nan=True, allow_infinity=True)),
       batch=st.one_of(st.integers(1, 12), st.none(), st.integers(-1, 0), st.floats(0, 3)),
       epochs=st.integers(-1, 4), opt=names(optimizers),
       g=st.sampled_from(activations.names()), seed=st.integers(0, 100),
       l2=st.sampled_from([0.0, 0.0, 0.1, -1.0, float("nan")]))
def test_training_on_random_settings(m, scale, rate, batch, epochs, opt, g, seed, l2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2, m)) * scale
    Y = (rng.uniform(size=(2, m)) > 0.5).astype(float)
    Y = np.vstack([Y[:1], 1 - Y[:1]]) if g == "softmax" else Y
    net = gn.Network([2, 3, 2], activations="tanh", output=g, seed=seed)

    def run():
        net.l2 = l2
        try:
            history = train(net, X, Y, epochs=epochs, learning_rate=rate, batch_size=batch,
                            optimizer=opt, seed=seed)
        except gn.DivergenceError as err:
            assert f"epoch {err.epoch}" in str(err)
            history = err.history
        assert all(np.isfinite(history.cost))
        return net.parameters

    call(run)


@FUZZ
@given(l=st.one_of(st.integers(-2, 4), st.text(max_size=2), st.none(), st.booleans()),
       data=st.data())
def test_reading_and_setting_parameters_by_layer(l, data):
    net = gn.Network([2, 3, 1], seed=0)
    value = data.draw(arrays_with_faults((3, 2) if l == 1 else (1, 3)))

    def set_w():
        net.W[l] = value
        return net.parameters

    for action in (lambda: net.W[l], set_w, lambda: net.bias_column(l),
                   lambda: net.set_bias_column(l, value)):
        call(action)


def test_fuzz_case_count():
    """Runs last in this file: the fuzzers above tried this many calls."""
    print(f"\nfuzzed library cases: {CASES['count']}")
    if CASES["count"] == 0:
        pytest.skip("run together with the fuzzers of this file to count their cases")
    assert CASES["count"] >= 4 * EXAMPLES
